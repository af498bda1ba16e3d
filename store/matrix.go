package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"baocao/reporting"
	"baocao/vi"
)

// MatrixPeriod is one column of a form's matrix.
type MatrixPeriod struct {
	ID       int64     `json:"id"`
	Key      string    `json:"key"`
	Label    string    `json:"label"`
	DataFrom time.Time `json:"data_from"`
	DataTo   time.Time `json:"data_to"`
	Deadline time.Time `json:"deadline"`
	// Obligations counts the period's obligations in scope.
	Obligations int `json:"obligations"`
}

// MatrixRow is one unit of a form's matrix.
type MatrixRow struct {
	UnitCode string `json:"unit_code"`
	// UnitName, Kind, ParentCode and ParentName are the unit as its latest
	// period in the matrix recorded it.
	UnitName   string             `json:"unit_name"`
	Kind       reporting.UnitKind `json:"kind"`
	ParentCode string             `json:"parent_code"`
	ParentName string             `json:"parent_name"`
	// Statuses has one entry per column of Matrix.Periods: the status at
	// the moment asked about, or "" where the unit owed nothing.
	Statuses []reporting.Status `json:"statuses"`
}

// Matrix is a form's units × periods statuses.
type Matrix struct {
	FormCode string         `json:"form_code"`
	At       time.Time      `json:"at"`
	Periods  []MatrixPeriod `json:"periods"`
	Rows     []MatrixRow    `json:"rows"`
}

// FormMatrix is the status at moment at of every unit in scope in every
// period of form formCode whose data window ends between from and to
// (zero: no bound), periods oldest first, units by parent and code.
//
// It reads matrix_cells (see migrations 00004 and 00007), one row per unit
// version holding the facts of each of its obligations of the form, and
// derives each cell's status at the moment asked about with reporting's
// rule (Facts.StatusAt): grouping 120,000 obligations by unit on every
// request cost PostgreSQL more than the 50 ms the matrix has for 10,000
// units × 12 periods. A cell changed after the moment asked about gets
// its status from the history instead (historyStatuses). Three or four
// statements: the periods (the columns), the cells, the history of cells
// changed since the moment, the parents' names.
func (s *Store) FormMatrix(ctx context.Context, formCode string, from, to, at time.Time, scope reporting.UnitScope) (Matrix, error) {
	m := Matrix{FormCode: formCode, At: at, Periods: []MatrixPeriod{}, Rows: []MatrixRow{}}
	var fromDay, toDay *time.Time
	if !from.IsZero() {
		d := civilDate(from)
		fromDay = &d
	}
	if !to.IsZero() {
		d := civilDate(to)
		toDay = &d
	}
	rows, err := s.q.Query(ctx, `
		SELECT id, key, label, data_from, data_to, deadline, 0
		FROM periods
		WHERE form_code = $1 AND ($2::date IS NULL OR data_to >= $2) AND ($3::date IS NULL OR data_to <= $3)
		ORDER BY data_from, periodicity, id`, formCode, fromDay, toDay)
	if err != nil {
		return m, fmt.Errorf("matrix of form %s: periods: %w", formCode, err)
	}
	m.Periods, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (MatrixPeriod, error) {
		var p MatrixPeriod
		return p, row.Scan(&p.ID, &p.Key, &p.Label, &p.DataFrom, &p.DataTo, &p.Deadline, &p.Obligations)
	})
	if err != nil {
		return m, fmt.Errorf("matrix of form %s: periods: %w", formCode, err)
	}
	if len(m.Periods) == 0 {
		return m, nil
	}
	ids := make([]int64, len(m.Periods))
	for i, p := range m.Periods {
		ids[i] = p.ID
	}
	// matrix_cells rows are per year of a period's first day.
	var years []int16
	for _, p := range m.Periods {
		if y := int16(p.DataFrom.Year()); !slices.Contains(years, y) {
			years = append(years, y)
		}
	}
	query, args := matrixSQL(formCode, years, ids, scope)
	rows, err = s.q.Query(ctx, query, args...)
	if err != nil {
		return m, fmt.Errorf("matrix of form %s: %w", formCode, err)
	}
	lastOf, pending, err := readMatrixRows(rows, &m, ids, at)
	if err != nil {
		return m, fmt.Errorf("matrix of form %s: %w", formCode, err)
	}
	if err := s.historyStatuses(ctx, &m, pending, at); err != nil {
		return m, fmt.Errorf("matrix of form %s: %w", formCode, err)
	}
	if len(pending) > 0 {
		// A unit whose every cell's obligation did not exist yet at the
		// moment asked about has no row then.
		keep := m.Rows[:0]
		var keepLast []int
		for i, r := range m.Rows {
			if slices.ContainsFunc(r.Statuses, func(st reporting.Status) bool { return st != "" }) {
				keep, keepLast = append(keep, r), append(keepLast, lastOf[i])
			}
		}
		m.Rows, lastOf = keep, keepLast
	}
	if err := s.nameParents(ctx, m.Rows, lastOf, m.Periods); err != nil {
		return m, fmt.Errorf("matrix of form %s: %w", formCode, err)
	}
	// Parents by name, each parent's units together, then units by name,
	// as a reader looks them up.
	vi.SortStable(m.Rows, func(r MatrixRow) []string { return []string{r.ParentName, r.ParentCode, r.UnitName, r.UnitCode} })
	return m, nil
}

// RecentPeriodsStart is the first day of the data window of form
// formCode's n-th latest period (by data window start, as FormMatrix
// orders its columns), or the zero time when it has fewer than n:
// FormMatrix from that day reads a superset of the latest n columns —
// every one of them ends on or after the day it starts — and not the
// years before.
func (s *Store) RecentPeriodsStart(ctx context.Context, formCode string, n int) (time.Time, error) {
	var day time.Time
	err := s.q.QueryRow(ctx, `
		SELECT data_from FROM periods WHERE form_code = $1
		ORDER BY data_from DESC, periodicity DESC, id DESC
		OFFSET $2 LIMIT 1`, formCode, max(n-1, 0)).Scan(&day)
	if errors.Is(err, pgx.ErrNoRows) || n <= 0 {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("recent periods of form %s: %w", formCode, err)
	}
	return day, nil
}

// readMatrixRows decodes matrixSQL's rows into m.Rows, one per unit, and
// counts each period's cells, returning the column each row's unit data
// comes from, and the cells changed after at, whose status (and presence)
// only their history tells. It reads the raw column bytes: 10,000 rows through the
// generic scan allocated and collected more than PostgreSQL took to send
// them. Text arrives as UTF-8 in either format, bytea as is in binary
// format, which pgx asks for (or hex in text format, decoded); parents and
// kinds, a hundred-odd values, are kept once each.
func readMatrixRows(rows pgx.Rows, m *Matrix, ids []int64, at time.Time) ([]int, []laterCell, error) {
	defer rows.Close()
	var (
		fields   = rows.FieldDescriptions()
		isBinary = make([]bool, len(fields))
		hexBuf   [2][]byte // the bytea columns decoded, when they come as text
	)
	for i, f := range fields {
		isBinary[i] = f.Format == pgx.BinaryFormatCode
	}
	// bytea comes as text ("\x…") under default_query_exec_mode=exec or
	// simple_protocol (PgBouncer setups): decode it then.
	bytea := func(raw [][]byte, i int) ([]byte, error) {
		if i >= len(raw) {
			return nil, nil
		}
		if raw[i] == nil || isBinary[i] {
			return raw[i], nil
		}
		v := bytes.TrimPrefix(raw[i], []byte(`\x`))
		buf := slices.Grow(hexBuf[i-4][:0], hex.DecodedLen(len(v)))[:hex.DecodedLen(len(v))]
		if _, err := hex.Decode(buf, v); err != nil {
			return nil, fmt.Errorf("column %d: %w", i, err)
		}
		hexBuf[i-4] = buf
		return buf, nil
	}
	var (
		cols     = newColumnMap(ids)
		atMicro  = at.UnixMicro()
		interned = map[string]string{}
		decoded  = make([]reporting.Status, len(ids))
		store    []reporting.Status // backing of the rows' Statuses, allocated a chunk at a time
		lastOf   = make([]int, 0, cap(m.Rows))
		later    []laterCell
		changed  []int // columns of the current row's cells changed after at
	)
	intern := func(b []byte) string {
		if s, ok := interned[string(b)]; ok {
			return s
		}
		s := string(b)
		interned[s] = s
		return s
	}
	for rows.Next() {
		raw := rows.RawValues()
		if len(raw) < 5 {
			return nil, nil, fmt.Errorf("matrix rows of %d columns", len(raw))
		}
		cells, err := bytea(raw, 4)
		if err != nil {
			return nil, nil, err
		}
		visible, err := bytea(raw, 5) // nil: every period of the row is in scope
		if err != nil {
			return nil, nil, err
		}
		clear(decoded)
		changed = changed[:0]
		last, err := decodeCells(decoded, &changed, cells, cols, visible, atMicro)
		if err != nil {
			return nil, nil, fmt.Errorf("unit %s: %w", raw[0], err)
		}
		if last < 0 {
			continue // no obligation in the window, or none in scope
		}
		n := len(m.Rows) - 1
		if n < 0 || m.Rows[n].UnitCode != string(raw[0]) {
			if len(store) < len(ids) {
				store = make([]reporting.Status, 1024*len(ids))
			}
			m.Rows = append(m.Rows, MatrixRow{UnitCode: string(raw[0]), Statuses: store[:len(ids):len(ids)]})
			store = store[len(ids):]
			lastOf = append(lastOf, -1)
			n++
		}
		// Rows of one unit come together; when it was renamed or moved,
		// the row shows its version of the latest column.
		r := &m.Rows[n]
		if last > lastOf[n] {
			r.UnitName, r.Kind, r.ParentCode, lastOf[n] = string(raw[1]), reporting.UnitKind(intern(raw[2])), intern(raw[3]), last
		}
		for c, st := range decoded {
			if st != "" {
				r.Statuses[c] = st
				m.Periods[c].Obligations++
			}
		}
		for _, c := range changed {
			later = append(later, laterCell{row: n, col: c})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	return lastOf, later, nil
}

// laterCell is a matrix cell whose obligation changed after the moment
// asked about.
type laterCell struct{ row, col int }

// historyStatuses sets the cells in later from their obligations' history
// at moment at, in one statement: the status then, or none when the
// obligation did not exist yet.
func (s *Store) historyStatuses(ctx context.Context, m *Matrix, later []laterCell, at time.Time) error {
	if len(later) == 0 {
		return nil
	}
	periods := make([]int64, len(later))
	units := make([]string, len(later))
	for i, c := range later {
		periods[i], units[i] = m.Periods[c.col].ID, m.Rows[c.row].UnitCode
	}
	rows, err := s.q.Query(ctx, `
		SELECT x.i, CASE WHEN f.present THEN `+statusOf("$3")+` ELSE '' END
		FROM unnest($1::bigint[], $2::text[]) WITH ORDINALITY AS x (period_id, unit_code, i)
		CROSS JOIN LATERAL obligation_history_at(x.period_id, x.unit_code, $3) f`, periods, units, at)
	if err != nil {
		return fmt.Errorf("statuses from history: %w", err)
	}
	var (
		i  int
		st reporting.Status
	)
	_, err = pgx.ForEachRow(rows, []any{&i, &st}, func() error {
		c := later[i-1]
		m.Rows[c.row].Statuses[c.col] = st
		if st != "" {
			m.Periods[c.col].Obligations++
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("statuses from history: %w", err)
	}
	return nil
}

// matrixSQL reads the matrix_cells rows of form formCode in scope for the
// years of periods ids, with their unit versions: $1 is the form, $2 the
// years, and for a subtree $3 the periods (columns) in whose tree it is
// drawn. Rows come by unit code (bytewise), a unit's versions oldest first,
// then by year. For a subtree scope a last column packs the ids of the
// periods in which the unit was in the subtree (NULL: all of them): a
// commune in a district's tree in 2024 but not after the reform shows
// only 2024.
func matrixSQL(formCode string, years []int16, ids []int64, sc reporting.UnitScope) (string, []any) {
	const head = `
		SELECT v.unit_code, v.name, v.kind, coalesce(v.parent_code, ''), m.cells`
	const from = `
		FROM matrix_cells m
		JOIN unit_versions v ON v.id = m.unit_version_id`
	const where = `
		WHERE m.form_code = $1 AND m.year = ANY ($2)`
	const order = `
		ORDER BY v.unit_code COLLATE "C", v.valid_from, m.year`
	args := []any{formCode, years}
	switch {
	case sc.All:
		return head + from + where + order, args
	case sc.Subtree != "":
		// Inner join when the subtree is all there is, so that its
		// hundred-odd units drive the query rather than the form's rows.
		visible, join, orUnit := "st.visible", "JOIN", ""
		args = append(args, ids, sc.Subtree)
		if len(sc.Codes) > 0 {
			visible = "CASE WHEN v.unit_code = ANY ($5) THEN NULL ELSE st.visible END"
			join, orUnit = "LEFT JOIN", " AND (v.unit_code = ANY ($5) OR st.code IS NOT NULL)"
			args = append(args, sc.Codes)
		}
		return `
		WITH RECURSIVE p AS (SELECT id, data_to FROM periods WHERE id = ANY ($3)),
		` + subtreeCTE("$4::text") + head + `, ` + visible + from + `
		` + join + ` (SELECT code, string_agg(int8send(period_id), ''::bytea) AS visible FROM subtree GROUP BY code) st
		     ON st.code = v.unit_code` + where + orUnit + order, args
	default: // some units, or nothing when Codes is empty
		return head + from + where + ` AND v.unit_code = ANY ($3)` + order, append(args, sc.Codes)
	}
}

// The layout of a matrix_cells cell (migration 00007): period id, a state
// int2 (bit 0 exempt, bit 1 accepted, bit 2 returned), first version,
// deadline and last change in microseconds since 1970 (the first version
// math.MinInt64 while none).
const (
	cellSize     = 34
	cellState    = 8
	cellFirst    = 10
	cellDeadline = 18
	cellChanged  = 26
	cellNoFirst  = math.MinInt64
)

// decodeCells writes into statuses, by column, the status at moment at
// (microseconds) of each cell packed in cells whose period is a column
// and, when visible is not nil, one of the period ids packed in visible
// (8 bytes each); a cell changed after at is left empty and its column
// added to changed. It returns the last column seen, -1 for none.
func decodeCells(statuses []reporting.Status, changed *[]int, cells []byte, cols columnMap, visible []byte, at int64) (int, error) {
	if len(cells)%cellSize != 0 {
		return -1, fmt.Errorf("matrix cells: %d bytes, not whole cells", len(cells))
	}
	last := -1
	atTime := time.UnixMicro(at)
	for c := cells; len(c) > 0; c = c[cellSize:] {
		id := int64(binary.BigEndian.Uint64(c))
		col := cols.column(id)
		if col < 0 || visible != nil && !packedContains(visible, id) {
			continue
		}
		last = max(last, col)
		if int64(binary.BigEndian.Uint64(c[cellChanged:])) > at {
			*changed = append(*changed, col)
			continue
		}
		state := binary.BigEndian.Uint16(c[cellState:])
		f := reporting.Facts{Present: true, Exempt: state&1 != 0,
			Deadline: time.UnixMicro(int64(binary.BigEndian.Uint64(c[cellDeadline:])))}
		switch {
		case state > 7 || state&6 == 6:
			return -1, fmt.Errorf("matrix cells: period %d: unknown state %#x", id, state)
		case state&2 != 0:
			f.Decision = reporting.DecisionAccepted
		case state&4 != 0:
			f.Decision = reporting.DecisionReturned
		}
		if first := int64(binary.BigEndian.Uint64(c[cellFirst:])); first != cellNoFirst {
			f.FirstAt = time.UnixMicro(first)
		}
		statuses[col] = f.StatusAt(atTime)
	}
	return last, nil
}

// packedContains reports whether the big-endian int8s packed in ids hold
// id.
func packedContains(ids []byte, id int64) bool {
	for ; len(ids) >= 8; ids = ids[8:] {
		if int64(binary.BigEndian.Uint64(ids)) == id {
			return true
		}
	}
	return false
}

// columnMap finds the column (from 0) of a period id: a slice indexed by
// id − offset, as the matrix looks up 120,000 cells.
type columnMap struct {
	offset int64
	cols   []int32 // column + 1; 0: not a column
}

func newColumnMap(ids []int64) columnMap {
	offset := slices.Min(ids)
	m := columnMap{offset: offset, cols: make([]int32, slices.Max(ids)-offset+1)}
	for i, id := range ids {
		m.cols[id-offset] = int32(i + 1)
	}
	return m
}

// column is the column of period id, -1 when it is none.
func (m columnMap) column(id int64) int {
	if id < m.offset || id-m.offset >= int64(len(m.cols)) {
		return -1
	}
	return int(m.cols[id-m.offset]) - 1
}

// nameParents sets the parent's name of every row: its parent unit's
// version in effect on the cut-off of the row's last column (lastOf).
func (s *Store) nameParents(ctx context.Context, rows []MatrixRow, lastOf []int, periods []MatrixPeriod) error {
	var codes []string
	for _, r := range rows {
		if r.ParentCode != "" {
			codes = append(codes, r.ParentCode)
		}
	}
	slices.Sort(codes)
	codes = slices.Compact(codes)
	if len(codes) == 0 {
		return nil
	}
	type version struct {
		code, name  string
		from, until time.Time
	}
	dbRows, err := s.q.Query(ctx, `
		SELECT unit_code, name, valid_from, coalesce(valid_until, 'infinity')
		FROM unit_versions WHERE unit_code = ANY ($1)`, codes)
	if err != nil {
		return fmt.Errorf("parents' names: %w", err)
	}
	versions, err := pgx.CollectRows(dbRows, func(row pgx.CollectableRow) (version, error) {
		var (
			v     version
			until pgtype.Date
		)
		err := row.Scan(&v.code, &v.name, &v.from, &until)
		v.until = until.Time
		if until.InfinityModifier == pgtype.Infinity {
			v.until = time.Date(9999, time.December, 31, 0, 0, 0, 0, time.UTC)
		}
		return v, err
	})
	if err != nil {
		return fmt.Errorf("parents' names: %w", err)
	}
	byCode := make(map[string][]version, len(codes))
	for _, v := range versions {
		byCode[v.code] = append(byCode[v.code], v)
	}
	for i := range rows {
		day := periods[lastOf[i]].DataTo
		for _, v := range byCode[rows[i].ParentCode] {
			if !v.from.After(day) && !v.until.Before(day) {
				rows[i].ParentName = v.name
				break
			}
		}
	}
	return nil
}
