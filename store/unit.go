package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/reporting"
)

// unitImportLock serialises unit imports: each plans its changes from what
// is stored, so a second import must see the first one's result.
const unitImportLock int64 = 0x62616f63616f55 // "baocaoU"

// ImportOptions says how a unit list is applied.
type ImportOptions struct {
	// Effective is the first day the list holds for units already stored:
	// a changed unit gets a new version from that day. New units start on
	// their row's active_from, or on Effective. Zero: every row takes effect
	// on its own active_from, rows without one on the file's earliest.
	Effective time.Time
	// CloseMissing treats the list as the whole tree on the effective day
	// (Effective, or the file's earliest active_from): every unit active
	// that day and absent from the list is closed the day before.
	CloseMissing bool
	// Actor is who imports, for the audit trail; empty is DefaultAuditActor.
	Actor string
}

// ImportResult counts what an import did. Each row is Created, Versioned or
// Unchanged; Closed counts units given a last day, by their row or by
// CloseMissing.
type ImportResult struct {
	Created, Versioned, Unchanged, Closed int
}

// Changed reports whether the import stored anything.
func (r ImportResult) Changed() bool { return r.Created+r.Versioned+r.Closed > 0 }

// The Vietnamese messages of unit imports that need the stored history,
// in one place for review (the rest are in reporting).
const (
	msgImportNeedsDate    = "không có ngày hiệu lực: hãy điền active_from cho các dòng hoặc chỉ định ngày hiệu lực khi nhập"
	msgBeforeUnitStart    = "đơn vị %s bắt đầu hoạt động từ ngày %s; không ghi được thông tin có hiệu lực từ ngày %s"
	msgNoVersion          = "đơn vị %s không có thông tin nào có hiệu lực vào ngày %s"
	msgUntilAlreadySet    = "đơn vị %s đã ngừng hoạt động sau ngày %s; không đổi được thành ngày %s"
	msgVersionAfterUntil  = "đơn vị %s đã có thông tin có hiệu lực từ ngày %s, sau ngày ngừng hoạt động %s"
	msgMissingStartsLate  = "đơn vị %s không có trong danh sách nhưng bắt đầu hoạt động đúng ngày hiệu lực %s nên không đóng được trước ngày đó; hãy thêm đơn vị vào danh sách hoặc xem lại ngày hiệu lực"
	msgMissingHasLater    = "đơn vị %s không có trong danh sách nhưng đã có thông tin có hiệu lực từ ngày %s, không sớm hơn ngày hiệu lực %s; không đóng được đơn vị"
	msgParentNotCovering  = "đơn vị %s trực thuộc %s trong thời gian %s, nhưng %s chỉ hoạt động %s"
	msgUnitNotFoundOnDay  = "Không có đơn vị mã %s hoạt động vào ngày %s."
	msgUnitNotFound       = "Không có đơn vị mã %s."
	msgSuccessionSelf     = "Đơn vị không thể kế thừa chính nó (%s)."
	msgSuccessionUnknown  = "Không có đơn vị mã %s."
	msgSuccessionConflict = "Đã ghi nhận %s kế thừa %s từ ngày %s theo %q."
	msgPeriodOpen         = "từ ngày %s"
	msgPeriodClosed       = "từ ngày %s đến ngày %s"
)

// unitVersion is one stored row of unit_versions.
type unitVersion struct {
	ID         int64
	ValidFrom  time.Time
	ValidUntil *time.Time
	Name       string
	Kind       reporting.UnitKind
	ParentCode string
	Emails     []string
}

// storedUnit is a unit with all its versions, oldest first.
type storedUnit struct {
	Code        string
	ActiveFrom  time.Time
	ActiveUntil *time.Time
	Versions    []unitVersion
}

// versionAt is the version in effect on day d, or nil.
func (u *storedUnit) versionAt(d time.Time) *unitVersion {
	for i := range u.Versions {
		v := &u.Versions[i]
		if !d.Before(v.ValidFrom) && (v.ValidUntil == nil || !d.After(*v.ValidUntil)) {
			return v
		}
	}
	return nil
}

// sameAs reports whether row says what v says. Emails are compared in
// order, since the first is the one reminders go to.
func (v *unitVersion) sameAs(r reporting.UnitRow) bool {
	return v.Name == r.Name && v.Kind == r.Kind && v.ParentCode == r.ParentCode && slices.Equal(v.Emails, r.Emails)
}

// The rows of the set-based statements, sent as one JSON array each and
// unpacked by jsonb_to_recordset, since unit_versions has an array column
// that unnest cannot carry row by row.
type (
	newUnitRow struct {
		Code        string   `json:"code"`
		ActiveFrom  jsonDay  `json:"active_from"`
		ActiveUntil *jsonDay `json:"active_until"`
	}
	versionRow struct {
		ID         int64              `json:"id,omitempty"`
		Code       string             `json:"unit_code,omitempty"`
		ValidFrom  jsonDay            `json:"valid_from"`
		ValidUntil *jsonDay           `json:"valid_until"`
		Name       string             `json:"name"`
		Kind       reporting.UnitKind `json:"kind"`
		ParentCode *string            `json:"parent_code"`
		Emails     []string           `json:"emails"`
	}
	versionEnd struct {
		ID         int64   `json:"id"`
		ValidUntil jsonDay `json:"valid_until"`
	}
	unitClose struct {
		Code  string  `json:"code"`
		Until jsonDay `json:"until"`
	}
)

// jsonDay is a civil date as PostgreSQL's date input reads it.
type jsonDay time.Time

func (d jsonDay) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(d).Format(time.DateOnly) + `"`), nil
}

func jsonDayPtr(t *time.Time) *jsonDay {
	if t == nil {
		return nil
	}
	d := jsonDay(*t)
	return &d
}

// unitImportPlan is what an import will write.
type unitImportPlan struct {
	base     time.Time // the import's date: Effective or the file's earliest
	result   ImportResult
	units    []newUnitRow
	ends     []versionEnd // versions cut short by a newer one
	replaced []versionRow // versions rewritten in place (same first day)
	versions []versionRow // versions to insert
	closes   []unitClose  // units to close, by their row or CloseMissing
	touched  []string     // every code written, for the parent check
	rowOf    map[string]int
}

// ImportUnits applies a unit list in one transaction: new codes become
// units, known codes whose name, kind, parent or e-mails differ on their
// effective day get a new version from that day, rows with active_until and
// (with CloseMissing) absent units are closed. Nothing is stored when any
// row has a problem; the problems come back together as a
// *reporting.UnitImportError. Units and versions are never deleted, and
// importing the same list again changes nothing.
//
// Dates are civil and inclusive: a version closed on D-1 is followed by
// one valid from D. An effective day that falls inside an older version
// cuts that version short; the new version then runs as long as the old
// one did, so a later version already stored stands. An effective day that
// is the first day of the version in effect rewrites that version in place:
// it is a correction of the same days, and obligations opened for it see
// the corrected name.
func (s *Store) ImportUnits(ctx context.Context, rows []reporting.UnitRow, opts ImportOptions) (ImportResult, error) {
	var res ImportResult
	err := s.InTx(ctx, func(tx *Store) error {
		if _, err := tx.q.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, unitImportLock); err != nil {
			return fmt.Errorf("lock unit import: %w", err)
		}
		stored, err := tx.storedUnits(ctx)
		if err != nil {
			return err
		}
		plan, err := planUnitImport(rows, opts, stored)
		if err != nil {
			return err
		}
		if err := tx.applyUnitImport(ctx, plan); err != nil {
			return err
		}
		if err := tx.checkUnitParents(ctx, plan); err != nil {
			return err
		}
		res = plan.result
		if !res.Changed() {
			return nil
		}
		return tx.auditUnitImport(ctx, opts, plan, len(rows))
	})
	if err != nil {
		return ImportResult{}, fmt.Errorf("import units: %w", err)
	}
	return res, nil
}

// storedUnits loads every unit with its versions. An import needs them all:
// parents may be anywhere in the tree and CloseMissing looks at every unit.
func (s *Store) storedUnits(ctx context.Context) (map[string]*storedUnit, error) {
	rows, err := s.q.Query(ctx, `
		SELECT u.code, u.active_from, u.active_until,
		       v.id, v.valid_from, v.valid_until, v.name, v.kind, coalesce(v.parent_code, ''), v.emails
		FROM units u
		LEFT JOIN unit_versions v ON v.unit_code = u.code
		ORDER BY u.code, v.valid_from`)
	if err != nil {
		return nil, fmt.Errorf("load units: %w", err)
	}
	defer rows.Close()
	units := map[string]*storedUnit{}
	for rows.Next() {
		var (
			u          storedUnit
			id         *int64
			validFrom  *time.Time
			validUntil *time.Time
			name, kind *string
			parent     *string
			emails     []string
		)
		if err := rows.Scan(&u.Code, &u.ActiveFrom, &u.ActiveUntil, &id, &validFrom, &validUntil, &name, &kind, &parent, &emails); err != nil {
			return nil, fmt.Errorf("load units: %w", err)
		}
		su := units[u.Code]
		if su == nil {
			su = &u
			units[u.Code] = su
		}
		if id != nil {
			su.Versions = append(su.Versions, unitVersion{
				ID: *id, ValidFrom: *validFrom, ValidUntil: validUntil,
				Name: *name, Kind: reporting.UnitKind(*kind), ParentCode: *parent, Emails: emails,
			})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load units: %w", err)
	}
	return units, nil
}

func civilDate(t time.Time) time.Time { return reporting.Day(t.Date()) }

func dayBefore(t time.Time) time.Time { return t.AddDate(0, 0, -1) }

// earlierEnd is the earlier of two last days, nil being open-ended.
func earlierEnd(a, b *time.Time) *time.Time {
	switch {
	case a == nil:
		return b
	case b == nil || a.Before(*b):
		return a
	}
	return b
}

func unparsedDate(raw string, parsed *time.Time) bool {
	return parsed == nil && strings.TrimSpace(raw) != ""
}

// planUnitImport decides what an import writes, without writing. It
// resolves every row's first day, checks the rows against the stored
// history (reporting.ValidateUnitRows plus what only the history can tell)
// and returns every problem at once.
func planUnitImport(rows []reporting.UnitRow, opts ImportOptions, stored map[string]*storedUnit) (*unitImportPlan, error) {
	var problems reporting.UnitImportError
	p := &unitImportPlan{rowOf: make(map[string]int, len(rows))}
	effective := !opts.Effective.IsZero()
	if effective {
		p.base = civilDate(opts.Effective)
	} else {
		for _, r := range rows {
			if r.ActiveFrom != nil && (p.base.IsZero() || r.ActiveFrom.Before(p.base)) {
				p.base = *r.ActiveFrom
			}
		}
		if p.base.IsZero() {
			problems.Add(0, reporting.UnitColActiveFrom, "", msgImportNeedsDate)
			return nil, problems.Err()
		}
	}

	known := make(map[string]reporting.UnitRef, len(stored))
	for code, su := range stored {
		ref := reporting.UnitRef{Code: code, ActiveFrom: su.ActiveFrom, ActiveUntil: su.ActiveUntil}
		if v := su.versionAt(p.base); v != nil {
			ref.Kind, ref.ParentCode = v.Kind, v.ParentCode
		}
		known[code] = ref
	}

	// Validation sees each row over the days it will write: from its first
	// day to its own last day or, for a stored unit, to the end of the
	// version it replaces. Unparsable dates stay nil so they are reported.
	starts := make([]time.Time, len(rows))
	checked := make([]reporting.UnitRow, len(rows))
	for i, r := range rows {
		if _, seen := p.rowOf[r.Code]; !seen {
			p.rowOf[r.Code] = r.Row
		}
		start := p.base
		su := stored[r.Code]
		if r.ActiveFrom != nil && (!effective || su == nil) {
			start = *r.ActiveFrom
		}
		starts[i] = start
		c := r
		if !unparsedDate(r.Raw.ActiveFrom, r.ActiveFrom) {
			c.ActiveFrom = &start
		}
		if su != nil {
			if until, ok := planStoredRow(&problems, r, start, su); ok {
				if !unparsedDate(r.Raw.ActiveUntil, r.ActiveUntil) {
					c.ActiveUntil = until
				}
				if r.ActiveUntil != nil { // children are checked against the new last day
					ref := known[r.Code]
					ref.ActiveUntil = r.ActiveUntil
					known[r.Code] = ref
				}
			}
		}
		checked[i] = c
	}

	if opts.CloseMissing {
		closeBefore := dayBefore(p.base)
		for _, code := range sortedCodes(stored) {
			su := stored[code]
			if _, listed := p.rowOf[code]; listed || su.ActiveFrom.After(p.base) || (su.ActiveUntil != nil && su.ActiveUntil.Before(p.base)) {
				continue
			}
			if !su.ActiveFrom.Before(p.base) {
				problems.Add(0, reporting.UnitColCode, code, msgMissingStartsLate, code, reporting.FormatDate(p.base))
				continue
			}
			if n := len(su.Versions); n > 0 && !su.Versions[n-1].ValidFrom.Before(p.base) {
				problems.Add(0, reporting.UnitColCode, code, msgMissingHasLater, code, reporting.FormatDate(su.Versions[n-1].ValidFrom), reporting.FormatDate(p.base))
				continue
			}
			p.closes = append(p.closes, unitClose{Code: code, Until: jsonDay(closeBefore)})
			ref := known[code]
			ref.ActiveUntil = &closeBefore
			known[code] = ref
		}
	}

	if err := reporting.ValidateUnitRows(checked, known); err != nil {
		var ue *reporting.UnitImportError
		if !errors.As(err, &ue) {
			return nil, err
		}
		problems.Problems = append(problems.Problems, ue.Problems...)
	}
	if err := problems.Err(); err != nil {
		return nil, err
	}

	for i, r := range rows {
		p.planRow(r, starts[i], stored[r.Code])
	}
	p.result.Closed = len(p.closes)
	for _, c := range p.closes {
		p.touched = append(p.touched, c.Code)
	}
	return p, nil
}

// planStoredRow checks a row of a stored unit against its history and
// returns the last day the row's data will hold: its own active_until, or
// the end of the version in effect on its first day.
func planStoredRow(problems *reporting.UnitImportError, r reporting.UnitRow, start time.Time, su *storedUnit) (*time.Time, bool) {
	if start.Before(su.ActiveFrom) {
		problems.Add(r.Row, reporting.UnitColActiveFrom, r.Raw.ActiveFrom, msgBeforeUnitStart, r.Code, reporting.FormatDate(su.ActiveFrom), reporting.FormatDate(start))
		return nil, false
	}
	if su.ActiveUntil != nil && start.After(*su.ActiveUntil) {
		return nil, false // a reused code; reporting says so
	}
	v := su.versionAt(start)
	if v == nil {
		problems.Add(r.Row, reporting.UnitColCode, r.Code, msgNoVersion, r.Code, reporting.FormatDate(start))
		return nil, false
	}
	if r.ActiveUntil != nil {
		if su.ActiveUntil != nil && !su.ActiveUntil.Equal(*r.ActiveUntil) {
			problems.Add(r.Row, reporting.UnitColActiveUntil, r.Raw.ActiveUntil, msgUntilAlreadySet, r.Code, reporting.FormatDate(*su.ActiveUntil), reporting.FormatDate(*r.ActiveUntil))
			return nil, false
		}
		if last := su.Versions[len(su.Versions)-1]; last.ValidFrom.After(*r.ActiveUntil) {
			problems.Add(r.Row, reporting.UnitColActiveUntil, r.Raw.ActiveUntil, msgVersionAfterUntil, r.Code, reporting.FormatDate(last.ValidFrom), reporting.FormatDate(*r.ActiveUntil))
			return nil, false
		}
	}
	return earlierEnd(r.ActiveUntil, v.ValidUntil), true
}

// planRow adds one valid row's writes to the plan.
func (p *unitImportPlan) planRow(r reporting.UnitRow, start time.Time, su *storedUnit) {
	emails := r.Emails
	if emails == nil {
		emails = []string{}
	}
	var parent *string
	if r.ParentCode != "" {
		parent = &r.ParentCode
	}
	ver := versionRow{Code: r.Code, ValidFrom: jsonDay(start), Name: r.Name, Kind: r.Kind, ParentCode: parent, Emails: emails}
	if su == nil {
		ver.ValidUntil = jsonDayPtr(r.ActiveUntil)
		p.units = append(p.units, newUnitRow{Code: r.Code, ActiveFrom: jsonDay(start), ActiveUntil: jsonDayPtr(r.ActiveUntil)})
		p.versions = append(p.versions, ver)
		p.touched = append(p.touched, r.Code)
		p.result.Created++
		return
	}
	v := su.versionAt(start)
	if r.ActiveUntil != nil && su.ActiveUntil == nil {
		p.closes = append(p.closes, unitClose{Code: r.Code, Until: jsonDay(*r.ActiveUntil)})
	}
	switch {
	case v.sameAs(r):
		p.result.Unchanged++
		return
	case v.ValidFrom.Equal(start):
		ver.ID, ver.Code, ver.ValidFrom = v.ID, "", jsonDay(v.ValidFrom)
		p.replaced = append(p.replaced, ver)
	default:
		ver.ValidUntil = jsonDayPtr(earlierEnd(r.ActiveUntil, v.ValidUntil))
		p.ends = append(p.ends, versionEnd{ID: v.ID, ValidUntil: jsonDay(dayBefore(start))})
		p.versions = append(p.versions, ver)
	}
	p.touched = append(p.touched, r.Code)
	p.result.Versioned++
}

func sortedCodes(stored map[string]*storedUnit) []string {
	codes := make([]string, 0, len(stored))
	for c := range stored {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	return codes
}

// applyUnitImport writes a plan, one statement per kind of change. Order
// matters: units before the versions that name them as parents, and old
// versions cut short before new ones take their days (the exclusion
// constraint on unit_versions checks each statement).
func (s *Store) applyUnitImport(ctx context.Context, p *unitImportPlan) error {
	steps := []struct {
		what string
		sql  string
		rows any
		n    int
	}{
		{"insert units", `
			INSERT INTO units (code, active_from, active_until)
			SELECT code, active_from, active_until
			FROM jsonb_to_recordset($1::jsonb) AS x(code text, active_from date, active_until date)`,
			p.units, len(p.units)},
		{"end replaced unit versions", `
			UPDATE unit_versions v SET valid_until = x.valid_until
			FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, valid_until date)
			WHERE v.id = x.id`,
			p.ends, len(p.ends)},
		{"correct unit versions", `
			UPDATE unit_versions v
			SET name = x.name, kind = x.kind, parent_code = x.parent_code, emails = coalesce(x.emails, '{}')
			FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, name text, kind text, parent_code text, emails text[])
			WHERE v.id = x.id`,
			p.replaced, len(p.replaced)},
		{"insert unit versions", `
			INSERT INTO unit_versions (unit_code, valid_from, valid_until, name, kind, parent_code, emails)
			SELECT unit_code, valid_from, valid_until, name, kind, parent_code, coalesce(emails, '{}')
			FROM jsonb_to_recordset($1::jsonb)
			     AS x(unit_code text, valid_from date, valid_until date, name text, kind text, parent_code text, emails text[])`,
			p.versions, len(p.versions)},
		{"close units", `
			UPDATE units u SET active_until = x.until
			FROM jsonb_to_recordset($1::jsonb) AS x(code text, until date)
			WHERE u.code = x.code`,
			p.closes, len(p.closes)},
		{"close unit versions", `
			UPDATE unit_versions v SET valid_until = x.until
			FROM jsonb_to_recordset($1::jsonb) AS x(code text, until date)
			WHERE v.unit_code = x.code AND v.valid_from <= x.until
			  AND (v.valid_until IS NULL OR v.valid_until > x.until)`,
			p.closes, len(p.closes)},
	}
	for _, st := range steps {
		if st.n == 0 {
			continue
		}
		b, err := json.Marshal(st.rows)
		if err != nil {
			return fmt.Errorf("%s: encode: %w", st.what, err)
		}
		if _, err := s.q.Exec(ctx, st.sql, string(b)); err != nil {
			return fmt.Errorf("%s: %w", st.what, err)
		}
	}
	return nil
}

// checkUnitParents finds, after the writes, versions of touched units (or
// naming a touched unit as parent) whose parent is not active for the whole
// version: closing a parent can strand children the list does not mention.
// Being inside the import's transaction, a problem undoes everything.
func (s *Store) checkUnitParents(ctx context.Context, p *unitImportPlan) error {
	if len(p.touched) == 0 {
		return nil
	}
	rows, err := s.q.Query(ctx, `
		SELECT v.unit_code, v.valid_from, v.valid_until, v.parent_code, pu.active_from, pu.active_until
		FROM unit_versions v
		JOIN units pu ON pu.code = v.parent_code
		WHERE (v.unit_code = ANY($1) OR v.parent_code = ANY($1))
		  AND (v.valid_from < pu.active_from
		       OR (pu.active_until IS NOT NULL AND (v.valid_until IS NULL OR v.valid_until > pu.active_until)))
		ORDER BY v.unit_code, v.valid_from`, p.touched)
	if err != nil {
		return fmt.Errorf("check unit parents: %w", err)
	}
	defer rows.Close()
	var problems reporting.UnitImportError
	for rows.Next() {
		var (
			code, parent   string
			vFrom, pFrom   time.Time
			vUntil, pUntil *time.Time
		)
		if err := rows.Scan(&code, &vFrom, &vUntil, &parent, &pFrom, &pUntil); err != nil {
			return fmt.Errorf("check unit parents: %w", err)
		}
		// Point at the child's row, else the parent's (which closed it),
		// else the file as a whole (CloseMissing closed the parent).
		row, ok := p.rowOf[code]
		if !ok {
			row = p.rowOf[parent]
		}
		problems.Add(row, reporting.UnitColParentCode, parent, msgParentNotCovering,
			code, parent, daysText(vFrom, vUntil), parent, daysText(pFrom, pUntil))
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("check unit parents: %w", err)
	}
	return problems.Err()
}

func daysText(from time.Time, until *time.Time) string {
	if until == nil {
		return fmt.Sprintf(msgPeriodOpen, reporting.FormatDate(from))
	}
	return fmt.Sprintf(msgPeriodClosed, reporting.FormatDate(from), reporting.FormatDate(*until))
}

func (s *Store) auditUnitImport(ctx context.Context, opts ImportOptions, p *unitImportPlan, rows int) error {
	return s.Audit(ctx, AuditEvent{
		Actor:      opts.Actor,
		Action:     "units.import",
		ObjectType: "units",
		ObjectID:   p.base.Format(time.DateOnly),
		Details: map[string]any{
			"effective":     p.base.Format(time.DateOnly),
			"close_missing": opts.CloseMissing,
			"rows":          rows,
			"created":       p.result.Created,
			"versioned":     p.result.Versioned,
			"unchanged":     p.result.Unchanged,
			"closed":        p.result.Closed,
		},
	})
}

// unitSelect reads a unit version joined with its unit, in scanUnit's order.
const unitSelect = `
	SELECT u.code, v.id, v.name, v.kind, coalesce(v.parent_code, ''), v.emails,
	       u.active_from, u.active_until, v.valid_from, v.valid_until
	FROM units u
	JOIN unit_versions v ON v.unit_code = u.code`

func scanUnit(row pgx.CollectableRow) (reporting.Unit, error) {
	var u reporting.Unit
	err := row.Scan(&u.Code, &u.VersionID, &u.Name, &u.Kind, &u.ParentCode, &u.Emails,
		&u.ActiveFrom, &u.ActiveUntil, &u.ValidFrom, &u.ValidUntil)
	return u, err
}

// UnitsAt lists the units active on day, each as the version in effect that
// day, by code.
func (s *Store) UnitsAt(ctx context.Context, day time.Time) ([]reporting.Unit, error) {
	day = civilDate(day)
	rows, err := s.q.Query(ctx, unitSelect+`
		WHERE u.active_from <= $1 AND (u.active_until IS NULL OR u.active_until >= $1)
		  AND v.valid_from <= $1 AND (v.valid_until IS NULL OR v.valid_until >= $1)
		ORDER BY u.code`, day)
	if err != nil {
		return nil, fmt.Errorf("list units at %s: %w", day.Format(time.DateOnly), err)
	}
	units, err := pgx.CollectRows(rows, scanUnit)
	if err != nil {
		return nil, fmt.Errorf("list units at %s: %w", day.Format(time.DateOnly), err)
	}
	return units, nil
}

// UnitByCode is the unit code as it was on day; a *reporting.Error
// ENOTFOUND when it was not active that day.
func (s *Store) UnitByCode(ctx context.Context, code string, day time.Time) (reporting.Unit, error) {
	day = civilDate(day)
	rows, err := s.q.Query(ctx, unitSelect+`
		WHERE u.code = $1
		  AND u.active_from <= $2 AND (u.active_until IS NULL OR u.active_until >= $2)
		  AND v.valid_from <= $2 AND (v.valid_until IS NULL OR v.valid_until >= $2)`, code, day)
	if err != nil {
		return reporting.Unit{}, fmt.Errorf("get unit %s at %s: %w", code, day.Format(time.DateOnly), err)
	}
	u, err := pgx.CollectExactlyOneRow(rows, scanUnit)
	if errors.Is(err, pgx.ErrNoRows) {
		return reporting.Unit{}, reporting.Errorf(reporting.ENOTFOUND, msgUnitNotFoundOnDay, code, reporting.FormatDate(day))
	}
	if err != nil {
		return reporting.Unit{}, fmt.Errorf("get unit %s at %s: %w", code, day.Format(time.DateOnly), err)
	}
	return u, nil
}

// UnitHistory lists every version of unit code, oldest first; a
// *reporting.Error ENOTFOUND when there is no such unit.
func (s *Store) UnitHistory(ctx context.Context, code string) ([]reporting.Unit, error) {
	rows, err := s.q.Query(ctx, unitSelect+`
		WHERE u.code = $1
		ORDER BY v.valid_from`, code)
	if err != nil {
		return nil, fmt.Errorf("unit history of %s: %w", code, err)
	}
	units, err := pgx.CollectRows(rows, scanUnit)
	if err != nil {
		return nil, fmt.Errorf("unit history of %s: %w", code, err)
	}
	if len(units) == 0 {
		return nil, reporting.Errorf(reporting.ENOTFOUND, msgUnitNotFound, code)
	}
	return units, nil
}

// RecordSuccession records that unit from's history continues under unit to
// from the effective day on (a merger keeps the code of the unit whose seat
// it uses). Recording the same succession again is a no-op; recording the
// pair with another day or legal basis is a conflict.
func (s *Store) RecordSuccession(ctx context.Context, from, to string, effective time.Time, legalBasis string) error {
	if from == to {
		return reporting.Errorf(reporting.EINVALID, msgSuccessionSelf, from)
	}
	effective = civilDate(effective)
	rows, err := s.q.Query(ctx, `SELECT code FROM units WHERE code = ANY($1)`, []string{from, to})
	if err != nil {
		return fmt.Errorf("record succession %s → %s: %w", from, to, err)
	}
	found, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("record succession %s → %s: %w", from, to, err)
	}
	for _, c := range []string{from, to} {
		if !slices.Contains(found, c) {
			return reporting.Errorf(reporting.ENOTFOUND, msgSuccessionUnknown, c)
		}
	}
	tag, err := s.q.Exec(ctx, `
		INSERT INTO unit_successions (from_code, to_code, effective, legal_basis)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (from_code, to_code) DO NOTHING`, from, to, effective, legalBasis)
	if err != nil {
		return fmt.Errorf("record succession %s → %s: %w", from, to, err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	var had time.Time
	var hadBasis string
	err = s.q.QueryRow(ctx, `
		SELECT effective, legal_basis FROM unit_successions
		WHERE from_code = $1 AND to_code = $2`, from, to).Scan(&had, &hadBasis)
	if err != nil {
		return fmt.Errorf("record succession %s → %s: %w", from, to, err)
	}
	if had.Equal(effective) && hadBasis == legalBasis {
		return nil
	}
	return reporting.Errorf(reporting.ECONFLICT, msgSuccessionConflict, to, from, reporting.FormatDate(had), hadBasis)
}
