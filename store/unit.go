package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
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
	// Reopen lets a row reopen a unit closed by mistake: a row naming a
	// closed unit with no active_until (or a later one), taking effect by
	// the day after it closed (see reporting.UnitImportMode.Reopen).
	Reopen bool
	// Actor is who imports, for the audit trail; empty is DefaultAuditActor.
	Actor string
	// SuccessionBasis is the legal basis recorded with the successions of
	// the predecessors column ("Nghị quyết 1662/NQ-UBTVQH15");
	// CrossLevel allows a predecessor of another kind (a district whose
	// territory became a commune), refused otherwise.
	SuccessionBasis string
	CrossLevel      bool
}

func (o ImportOptions) mode() reporting.UnitImportMode {
	return reporting.UnitImportMode{CloseMissing: o.CloseMissing, Reopen: o.Reopen}
}

// ImportResult counts what an import did (see reporting.UnitImportCounts).
type ImportResult = reporting.UnitImportCounts

// The Vietnamese messages of units a user sees from the store, in one
// place for review (the import's are in reporting).
const (
	msgParentNotCovering  = "đơn vị %s trực thuộc %s trong thời gian %s, nhưng %s chỉ hoạt động %s"
	msgUnitNotFoundOnDay  = "Không có đơn vị mã %s hoạt động vào ngày %s."
	msgUnitNotFound       = "Không có đơn vị mã %s."
	msgSuccessionSelf     = "Đơn vị không thể kế thừa chính nó (%s)."
	msgSuccessionNoDay    = "Dòng %d: đơn vị %s có đơn vị tiền thân nhưng không có ngày bắt đầu (active_from) hay ngày hiệu lực của lần nhập."
	msgSuccessionRow      = "Dòng %d: %s"
	msgSuccessionUnknown  = "Không có đơn vị mã %s."
	msgSuccessionConflict = "Đã ghi nhận %s kế thừa %s từ ngày %s theo %q."
	msgSuccessionLevel    = "Không ghi nhận: %s (%s) là %s, còn %s (%s) là %s — hai đơn vị khác cấp. Nếu đúng là sáp nhập khác cấp theo văn bản của cấp có thẩm quyền, xin xác nhận điều đó (baocao units merge … --cross-level)."
	msgPeriodOpen         = "từ ngày %s"
	msgPeriodClosed       = "từ ngày %s đến ngày %s"
)

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

// versionRows turns planned versions into statement rows: a correction
// (ID set) names its version, a new one its unit.
func versionRows(vs []reporting.PlannedVersion) []versionRow {
	out := make([]versionRow, len(vs))
	for i, v := range vs {
		r := versionRow{ID: v.ID, ValidFrom: jsonDay(v.ValidFrom), ValidUntil: jsonDayPtr(v.ValidUntil), Name: v.Name, Kind: v.Kind, Emails: v.Emails}
		if v.ID == 0 {
			r.Code = v.Code
		}
		if v.ParentCode != "" {
			parent := v.ParentCode
			r.ParentCode = &parent
		}
		out[i] = r
	}
	return out
}

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
		plan, err := reporting.PlanUnitImport(rows, opts.Effective, opts.mode(), stored)
		if err != nil {
			return err
		}
		if err := tx.applyUnitImport(ctx, plan); err != nil {
			return err
		}
		if err := tx.checkUnitParents(ctx, plan); err != nil {
			return err
		}
		res = plan.Result
		if res.Successions, err = tx.importSuccessions(ctx, rows, opts); err != nil {
			return err
		}
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
func (s *Store) storedUnits(ctx context.Context) (map[string]*reporting.StoredUnit, error) {
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
	units := map[string]*reporting.StoredUnit{}
	for rows.Next() {
		var (
			u          reporting.StoredUnit
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
			su.Versions = append(su.Versions, reporting.StoredVersion{
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

// applyUnitImport writes a plan, one statement per kind of change. Order
// matters: units before the versions that name them as parents, and old
// versions cut short before new ones take their days (the exclusion
// constraint on unit_versions checks each statement).
func (s *Store) applyUnitImport(ctx context.Context, p *reporting.UnitImportPlan) error {
	units := make([]newUnitRow, len(p.Units))
	for i, u := range p.Units {
		units[i] = newUnitRow{Code: u.Code, ActiveFrom: jsonDay(u.ActiveFrom), ActiveUntil: jsonDayPtr(u.ActiveUntil)}
	}
	ends := make([]versionEnd, len(p.Ends))
	for i, e := range p.Ends {
		ends[i] = versionEnd{ID: e.ID, ValidUntil: jsonDay(e.ValidUntil)}
	}
	closes := make([]unitClose, len(p.Closes))
	for i, c := range p.Closes {
		closes[i] = unitClose{Code: c.Code, Until: jsonDay(c.Until)}
	}
	reopens := make([]unitClose, len(p.Reopens))
	for i, r := range p.Reopens {
		reopens[i] = unitClose{Code: r.Code, Until: jsonDay(r.Until)}
	}
	replaced, versions := versionRows(p.Replaced), versionRows(p.Versions)
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
			units, len(units)},
		// A unit closed by mistake runs on, with the version that ended
		// when it closed, before the rows' versions and closures apply.
		{"reopen units", `
			UPDATE units u SET active_until = NULL
			FROM jsonb_to_recordset($1::jsonb) AS x(code text, until date)
			WHERE u.code = x.code AND u.active_until = x.until`,
			reopens, len(reopens)},
		{"reopen unit versions", `
			UPDATE unit_versions v SET valid_until = NULL
			FROM jsonb_to_recordset($1::jsonb) AS x(code text, until date)
			WHERE v.unit_code = x.code AND v.valid_until = x.until`,
			reopens, len(reopens)},
		{"end replaced unit versions", `
			UPDATE unit_versions v SET valid_until = x.valid_until
			FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, valid_until date)
			WHERE v.id = x.id`,
			ends, len(ends)},
		{"correct unit versions", `
			UPDATE unit_versions v
			SET name = x.name, kind = x.kind, parent_code = x.parent_code, emails = coalesce(x.emails, '{}')
			FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, name text, kind text, parent_code text, emails text[])
			WHERE v.id = x.id`,
			replaced, len(replaced)},
		{"insert unit versions", `
			INSERT INTO unit_versions (unit_code, valid_from, valid_until, name, kind, parent_code, emails)
			SELECT unit_code, valid_from, valid_until, name, kind, parent_code, coalesce(emails, '{}')
			FROM jsonb_to_recordset($1::jsonb)
			     AS x(unit_code text, valid_from date, valid_until date, name text, kind text, parent_code text, emails text[])`,
			versions, len(versions)},
		{"close units", `
			UPDATE units u SET active_until = x.until
			FROM jsonb_to_recordset($1::jsonb) AS x(code text, until date)
			WHERE u.code = x.code`,
			closes, len(closes)},
		{"close unit versions", `
			UPDATE unit_versions v SET valid_until = x.until
			FROM jsonb_to_recordset($1::jsonb) AS x(code text, until date)
			WHERE v.unit_code = x.code AND v.valid_from <= x.until
			  AND (v.valid_until IS NULL OR v.valid_until > x.until)`,
			closes, len(closes)},
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
func (s *Store) checkUnitParents(ctx context.Context, p *reporting.UnitImportPlan) error {
	if len(p.Touched) == 0 {
		return nil
	}
	rows, err := s.q.Query(ctx, `
		SELECT v.unit_code, v.valid_from, v.valid_until, v.parent_code, pu.active_from, pu.active_until
		FROM unit_versions v
		JOIN units pu ON pu.code = v.parent_code
		WHERE (v.unit_code = ANY($1) OR v.parent_code = ANY($1))
		  AND (v.valid_from < pu.active_from
		       OR (pu.active_until IS NOT NULL AND (v.valid_until IS NULL OR v.valid_until > pu.active_until)))
		ORDER BY v.unit_code, v.valid_from`, p.Touched)
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
		row, ok := p.RowOf[code]
		if !ok {
			row = p.RowOf[parent]
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

func (s *Store) auditUnitImport(ctx context.Context, opts ImportOptions, p *reporting.UnitImportPlan, rows int) error {
	return s.Audit(ctx, AuditEvent{
		Actor:      opts.Actor,
		Action:     "units.import",
		ObjectType: "units",
		ObjectID:   p.Base.Format(time.DateOnly),
		Details: map[string]any{
			"effective":     p.Base.Format(time.DateOnly),
			"close_missing": opts.CloseMissing,
			"rows":          rows,
			"created":       p.Result.Created,
			"versioned":     p.Result.Versioned,
			"unchanged":     p.Result.Unchanged,
			"closed":        p.Result.Closed,
			"reopened":      p.Result.Reopened,
			"reopen":        opts.Reopen,
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
// pair with another day or legal basis is a conflict. A succession between
// units of different kinds (a district into a commune) is refused unless
// crossLevel confirms it: it is almost always a mistyped code.
func (s *Store) RecordSuccession(ctx context.Context, from, to string, effective time.Time, legalBasis string, crossLevel bool) error {
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
	if !crossLevel {
		if err := s.checkSameLevel(ctx, from, to, effective); err != nil {
			return err
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

// checkSameLevel refuses a succession whose units differ in kind: from as
// it was the day before effective, to as it is on effective (each its
// nearest version when none is in effect then).
func (s *Store) checkSameLevel(ctx context.Context, from, to string, effective time.Time) error {
	type side struct{ name, kind string }
	var sides [2]side
	for i, u := range []struct {
		code string
		day  time.Time
	}{{from, effective.AddDate(0, 0, -1)}, {to, effective}} {
		err := s.q.QueryRow(ctx, `
			SELECT name, kind FROM unit_versions WHERE unit_code = $1
			ORDER BY (valid_from <= $2 AND (valid_until IS NULL OR valid_until >= $2)) DESC, valid_from DESC
			LIMIT 1`, u.code, u.day).Scan(&sides[i].name, &sides[i].kind)
		if err != nil {
			return fmt.Errorf("record succession %s → %s: kind of %s: %w", from, to, u.code, err)
		}
	}
	if sides[0].kind == sides[1].kind {
		return nil
	}
	return reporting.Errorf(reporting.EINVALID, msgSuccessionLevel,
		sides[0].name, from, reporting.UnitKind(sides[0].kind).Label(), sides[1].name, to, reporting.UnitKind(sides[1].kind).Label())
}

// importSuccessions records a succession from each predecessor of each
// row to the row's unit, effective on the unit's first day (its
// active_from, else the import's effective day), and counts those not
// recorded before. A row's problems name its row number.
func (s *Store) importSuccessions(ctx context.Context, rows []reporting.UnitRow, opts ImportOptions) (int, error) {
	var before, after int
	if err := s.q.QueryRow(ctx, `SELECT count(*) FROM unit_successions`).Scan(&before); err != nil {
		return 0, fmt.Errorf("count successions: %w", err)
	}
	for _, r := range rows {
		if len(r.Predecessors) == 0 {
			continue
		}
		day := opts.Effective
		if r.ActiveFrom != nil {
			day = *r.ActiveFrom
		}
		if day.IsZero() {
			return 0, reporting.Errorf(reporting.EINVALID, msgSuccessionNoDay, r.Row, r.Code)
		}
		for _, p := range r.Predecessors {
			if err := s.RecordSuccession(ctx, p, r.Code, day, opts.SuccessionBasis, opts.CrossLevel); err != nil {
				if e := (*reporting.Error)(nil); errors.As(err, &e) {
					return 0, reporting.Errorf(e.Code, msgSuccessionRow, r.Row, e.Message)
				}
				return 0, err
			}
		}
	}
	if err := s.q.QueryRow(ctx, `SELECT count(*) FROM unit_successions`).Scan(&after); err != nil {
		return 0, fmt.Errorf("count successions: %w", err)
	}
	return after - before, nil
}

// civilDate is t's calendar day as a civil date.
func civilDate(t time.Time) time.Time { return reporting.Day(t.Date()) }

// Succession is a recorded merger or split: From's history continues
// under To from Effective.
type Succession struct {
	From, To   string
	FromName   string
	ToName     string
	Effective  time.Time
	LegalBasis string
}

// Successions lists the successions unit code takes part in, either side,
// oldest first, with each unit's latest name.
func (s *Store) Successions(ctx context.Context, code string) ([]Succession, error) {
	rows, err := s.q.Query(ctx, `
		SELECT x.from_code, x.to_code,
		       coalesce((SELECT name FROM unit_versions WHERE unit_code = x.from_code ORDER BY valid_from DESC LIMIT 1), ''),
		       coalesce((SELECT name FROM unit_versions WHERE unit_code = x.to_code ORDER BY valid_from DESC LIMIT 1), ''),
		       x.effective, x.legal_basis
		FROM unit_successions x
		WHERE x.from_code = $1 OR x.to_code = $1
		ORDER BY x.effective, x.id`, code)
	if err != nil {
		return nil, fmt.Errorf("successions of %s: %w", code, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Succession, error) {
		var x Succession
		return x, row.Scan(&x.From, &x.To, &x.FromName, &x.ToName, &x.Effective, &x.LegalBasis)
	})
	if err != nil {
		return nil, fmt.Errorf("successions of %s: %w", code, err)
	}
	return out, nil
}

// PlanUnitImport is what ImportUnits would write for rows with opts, and
// the stored units it was planned against, without writing anything. Row
// problems come back as a *reporting.UnitImportError.
func (s *Store) PlanUnitImport(ctx context.Context, rows []reporting.UnitRow, opts ImportOptions) (*reporting.UnitImportPlan, map[string]*reporting.StoredUnit, error) {
	stored, err := s.storedUnits(ctx)
	if err != nil {
		return nil, nil, err
	}
	plan, err := reporting.PlanUnitImport(rows, opts.Effective, opts.mode(), stored)
	if err != nil {
		return nil, nil, err
	}
	return plan, stored, nil
}

// UnitsFingerprint sums up the stored units and their versions: it
// changes whenever an import, a closure or a correction writes them, so a
// plan previewed against it can be refused once it no longer holds.
func (s *Store) UnitsFingerprint(ctx context.Context) (string, error) {
	var fp string
	err := s.q.QueryRow(ctx, `
		SELECT md5(coalesce((SELECT string_agg(code || '|' || active_from || '|' || coalesce(active_until::text, ''), ',' ORDER BY code) FROM units), '')
		        || '#' ||
		        coalesce((SELECT string_agg(id || '|' || valid_from || '|' || coalesce(valid_until::text, '') || '|' || md5(name || kind || coalesce(parent_code, '') || array_to_string(emails, ';')), ',' ORDER BY id) FROM unit_versions), ''))`).Scan(&fp)
	if err != nil {
		return "", fmt.Errorf("fingerprint units: %w", err)
	}
	return fp, nil
}
