package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/reporting"
	"baocao/vi"
)

// Compliance queries: who has reported, who is late, who is missing — for
// a period (counts and rates rolled up the unit tree), for a unit (its
// history) and for a form (units × periods). Each is one set-based
// statement, and each asks for the status at a moment (see factsAt): a
// past moment counts only what had happened by then.

// factsAt is a LATERAL join "f" giving the facts of obligation o at moment
// at (a parameter such as "$2") — present, exempt, decision, first_at,
// deadline, reason — as reporting.FactsAt has them: the obligation's
// summary when nothing changed it after at (reason NULL: see reasonAt),
// else the fold of its history up to at (obligation_history_at). Queries
// keep the rows WHERE f.present and take statusOf.
func factsAt(at string) string {
	return `CROSS JOIN LATERAL (
		SELECT true AS present, o.exempt, o.decision, o.first_submitted_at AS first_at, o.deadline, NULL::text AS reason
		WHERE o.changed_at <= ` + at + `
		UNION ALL
		SELECT h.present, h.exempt, h.decision, h.first_at, h.deadline, h.reason
		FROM obligation_history_at(o.period_id, o.unit_code, ` + at + `) h
		WHERE o.changed_at > ` + at + `
	) f`
}

// statusOf is the status at moment at of the facts f (factsAt): the one
// rule, obligation_status (migration 00007).
func statusOf(at string) string {
	return `obligation_status(f.exempt, f.decision, f.first_at, f.deadline, ` + at + `)`
}

// reasonAt is why obligation o is exempt or returned at the moment of its
// facts f: f's own reason from the history, or, from the summary, the
// reason of its latest exemption or return.
const reasonAt = `coalesce(f.reason, CASE
		WHEN f.exempt OR f.decision = 'returned' THEN (
			SELECT e.reason FROM obligation_events e
			WHERE e.period_id = o.period_id AND e.unit_code = o.unit_code
			  AND e.kind = CASE WHEN f.exempt THEN 'exempted' ELSE 'returned' END
			ORDER BY e.id DESC LIMIT 1)
		END, '')`

// subtreeCTE is a recursive CTE "subtree (period_id, code)": for each
// period of CTE p (id, data_to), the unit root (a parameter) and every
// unit below it, as the unit versions in effect on the period's cut-off
// draw the tree — the versions its obligations recorded. A district's
// subtree in 2024 holds its communes; in 2026, after the reform, nothing.
// A unit that closed before the cut-off is in no tree that day; it counts
// in the subtree of its successor on the cut-off (unit_successions, in
// effect by then, through any chain of units closed too): a commune that
// filed and then merged keeps its report, which counts for the territory
// it merged into. It is empty when root is the empty string. UNION (not
// UNION ALL) stops at a cycle in bad data.
func subtreeCTE(root string) string {
	return `subtree_tree (period_id, code) AS (
		SELECT p.id, ` + root + `::text FROM p WHERE ` + root + ` <> ''
		UNION
		SELECT s.period_id, v.unit_code
		FROM subtree_tree s
		JOIN p ON p.id = s.period_id
		JOIN unit_versions v ON v.parent_code = s.code
		     AND v.valid_from <= p.data_to AND (v.valid_until IS NULL OR v.valid_until >= p.data_to)
	), subtree (period_id, code) AS (
		SELECT period_id, code FROM subtree_tree
		UNION
		SELECT s.period_id, x.from_code
		FROM subtree s
		JOIN p ON p.id = s.period_id
		JOIN unit_successions x ON x.to_code = s.code AND x.effective <= p.data_to
		WHERE NOT EXISTS (SELECT 1 FROM unit_versions fv
		                  WHERE fv.unit_code = x.from_code
		                    AND fv.valid_from <= p.data_to AND (fv.valid_until IS NULL OR fv.valid_until >= p.data_to))
	)`
}

// scopeSQL is what a compliance query needs to keep obligation o in scope: a
// CTE to follow the query's CTE p (empty, or starting with a comma), a
// condition, and the arguments the two name, numbered from $n.
//
// The SQL differs by kind of scope rather than taking it all as
// parameters: with "$all OR …" in the text, PostgreSQL's generic plan for
// a cached statement (used from the sixth run on) cannot drop the filter
// and the subtree CTE for an inspector, and the matrix over 10,000 units
// took twice as long.
func scopeSQL(sc reporting.UnitScope, n int) (cte, cond string, args []any) {
	if sc.All {
		return "", "true", nil
	}
	var conds []string
	if len(sc.Codes) > 0 {
		conds = append(conds, fmt.Sprintf("o.unit_code = ANY ($%d)", n))
		args = append(args, sc.Codes)
		n++
	}
	if sc.Subtree != "" {
		cte = ",\n" + subtreeCTE(fmt.Sprintf("$%d::text", n))
		conds = append(conds, "(o.period_id, o.unit_code) IN (SELECT period_id, code FROM subtree)")
		args = append(args, sc.Subtree)
	}
	if len(conds) == 0 {
		return "", "false", nil
	}
	return cte, "(" + strings.Join(conds, " OR ") + ")", args
}

// countColumns count the rows of CTE ob (status, first_at, deadline at
// moment $2) into a ComplianceCounts, in its field order (scanCounts).
const countColumns = `count(*),
		       count(*) FILTER (WHERE status = 'pending'),
		       count(*) FILTER (WHERE status = 'submitted'),
		       count(*) FILTER (WHERE status = 'late'),
		       count(*) FILTER (WHERE status = 'missing'),
		       count(*) FILTER (WHERE status = 'returned'),
		       count(*) FILTER (WHERE status = 'accepted'),
		       count(*) FILTER (WHERE status = 'exempt'),
		       count(*) FILTER (WHERE status <> 'exempt' AND first_at <= $2 AND first_at <= deadline),
		       count(*) FILTER (WHERE status <> 'exempt' AND first_at <= $2 AND first_at > deadline)`

// ComplianceCounts counts a group of obligations by status at a moment.
type ComplianceCounts struct {
	Obliged   int `json:"obliged"`
	Pending   int `json:"pending"`
	Submitted int `json:"submitted"`
	Late      int `json:"late"`
	Missing   int `json:"missing"`
	Returned  int `json:"returned"`
	Accepted  int `json:"accepted"`
	Exempt    int `json:"exempt"`
	// OnTime counts the obligations (exempt ones aside) whose first version
	// came by the deadline, whatever became of it since (accepted,
	// returned); FiledLate those whose first version came after it.
	OnTime    int `json:"on_time"`
	FiledLate int `json:"filed_late"`
	// OnTimeRate is OnTime / (Obliged − Exempt): timeliness counts the
	// first version. FiledRate is (Submitted + Late + Accepted) /
	// (Obliged − Exempt): completeness counts a report whose latest version
	// stands, so a returned one is not filed until a new version comes.
	OnTimeRate float64 `json:"on_time_rate"`
	FiledRate  float64 `json:"filed_rate"`
}

func (c *ComplianceCounts) rates() {
	due := c.Obliged - c.Exempt
	c.OnTimeRate = reporting.Rate(c.OnTime, due)
	c.FiledRate = reporting.Rate(c.Submitted+c.Late+c.Accepted, due)
}

// ComplianceGroup is the counts of the units under one parent, or of one
// unit kind.
type ComplianceGroup struct {
	// Code is the parent unit's code ("" for units without a parent) or
	// the kind; Name the parent's name on the period's first day, or the
	// kind's Vietnamese label.
	Code string `json:"code"`
	Name string `json:"name"`
	ComplianceCounts
}

// Compliance is a period's compliance at a moment: the total of the
// province, per parent unit (as the obligations' unit versions have it: per
// district in 2024, the province itself in 2026) and per unit kind.
type Compliance struct {
	Period   PeriodRow         `json:"-"`
	PeriodID int64             `json:"period_id"`
	At       time.Time         `json:"at"`
	Total    ComplianceCounts  `json:"total"`
	ByParent []ComplianceGroup `json:"by_parent"`
	ByKind   []ComplianceGroup `json:"by_kind"`
}

// PeriodCompliance counts the obligations of period periodID in scope by
// their status at moment at, for the province, per parent unit and per
// unit kind, in one statement with GROUPING SETS. Kinds come in code
// order, parents by name in the Vietnamese alphabet (vi.SortStable).
func (s *Store) PeriodCompliance(ctx context.Context, periodID int64, at time.Time, scope reporting.UnitScope) (Compliance, error) {
	p, err := s.Period(ctx, periodID)
	if err != nil {
		return Compliance{}, err
	}
	c := Compliance{Period: p, PeriodID: p.ID, At: at, ByParent: []ComplianceGroup{}, ByKind: []ComplianceGroup{}}
	scopeCTE, inScope, inScopeArgs := scopeSQL(scope, 3)
	rows, err := s.q.Query(ctx, `
		WITH RECURSIVE p AS (SELECT id, data_to FROM periods WHERE id = $1)`+scopeCTE+`,
		ob AS (
			SELECT v.kind, v.parent_code, pv.name AS parent_name, f.first_at, f.deadline,
			       `+statusOf("$2")+` AS status
			FROM p
			JOIN obligations o ON o.period_id = p.id
			`+factsAt("$2")+`
			JOIN unit_versions v ON v.id = o.unit_version_id
			LEFT JOIN unit_versions pv ON pv.unit_code = v.parent_code
			     AND pv.valid_from <= p.data_to AND (pv.valid_until IS NULL OR pv.valid_until >= p.data_to)
			WHERE f.present AND `+inScope+`
		)
		SELECT GROUPING (parent_code), GROUPING (kind),
		       coalesce(parent_code, ''), coalesce(parent_name, ''), coalesce(kind, ''),
		       `+countColumns+`
		FROM ob
		GROUP BY GROUPING SETS ((), (parent_code, parent_name), (kind))
		ORDER BY 1, 2, 3, 5`,
		append([]any{p.ID, at}, inScopeArgs...)...)
	if err != nil {
		return Compliance{}, fmt.Errorf("compliance of period %d: %w", periodID, err)
	}
	var (
		gParent, gKind           int
		parent, parentName, kind string
		n                        ComplianceCounts
	)
	_, err = pgx.ForEachRow(rows, []any{&gParent, &gKind, &parent, &parentName, &kind,
		&n.Obliged, &n.Pending, &n.Submitted, &n.Late, &n.Missing, &n.Returned, &n.Accepted, &n.Exempt, &n.OnTime, &n.FiledLate,
	}, func() error {
		n.rates()
		switch {
		case gParent == 1 && gKind == 1:
			c.Total = n
		case gParent == 0:
			c.ByParent = append(c.ByParent, ComplianceGroup{Code: parent, Name: parentName, ComplianceCounts: n})
		default:
			c.ByKind = append(c.ByKind, ComplianceGroup{Code: kind, Name: reporting.UnitKind(kind).Label(), ComplianceCounts: n})
		}
		return nil
	})
	if err != nil {
		return Compliance{}, fmt.Errorf("compliance of period %d: %w", periodID, err)
	}
	vi.SortStable(c.ByParent, func(g ComplianceGroup) []string { return []string{g.Name, g.Code} })
	return c, nil
}

// HistoryRow is one period of a unit's history.
type HistoryRow struct {
	PeriodID    int64     `json:"period_id"`
	FormCode    string    `json:"form_code"`
	PeriodKey   string    `json:"period_key"`
	PeriodLabel string    `json:"period_label"`
	DataFrom    time.Time `json:"data_from"`
	DataTo      time.Time `json:"data_to"`
	// FormTitle is the title of the form version the period opened with;
	// OpensAt and LocksAt say when the period takes uploads.
	FormTitle string    `json:"form_title"`
	OpensAt   time.Time `json:"opens_at"`
	LocksAt   time.Time `json:"locks_at"`
	// UnitName and ParentCode are the unit as the period recorded it.
	UnitName   string           `json:"unit_name"`
	ParentCode string           `json:"parent_code"`
	Deadline   time.Time        `json:"deadline"`
	Status     reporting.Status `json:"status"`
	// StatusLabel is Status in Vietnamese; StatusReason why it was
	// returned or exempted.
	StatusLabel      string     `json:"status_label"`
	StatusReason     string     `json:"status_reason"`
	FirstSubmittedAt *time.Time `json:"first_submitted_at"`
	LastSubmittedAt  *time.Time `json:"last_submitted_at"`
	Versions         int        `json:"versions"`
	// DaysLate is reporting.DaysLate: of the first version, or of the
	// moment asked about while nothing is in; 0 for an exempt unit.
	DaysLate int `json:"days_late"`
}

// UnitObligations lists unit unitCode's obligations in scope over every
// form and period, newest period first, each with its status at moment at
// and what had come in by then. An empty list is not an error: a unit
// outside the scope, or one that never owed a report.
func (s *Store) UnitObligations(ctx context.Context, unitCode string, at time.Time, scope reporting.UnitScope) ([]HistoryRow, error) {
	scopeCTE, inScope, inScopeArgs := scopeSQL(scope, 3)
	rows, err := s.q.Query(ctx, `
		WITH RECURSIVE p AS (
			SELECT p.id, p.data_to FROM periods p JOIN obligations o ON o.period_id = p.id WHERE o.unit_code = $1
		)`+scopeCTE+`
		SELECT pr.id, pr.form_code, pr.key, pr.label, pr.data_from, pr.data_to, fv.title, pr.opens_at, pr.locks_at,
		       v.name, coalesce(v.parent_code, ''),
		       f.deadline, st.status, `+reasonAt+`,
		       CASE WHEN f.first_at <= $2 THEN f.first_at END,
		       sub.last_at, coalesce(sub.versions, 0),
		       CASE WHEN st.status = 'exempt' THEN 0
		            ELSE greatest(0, ceil(extract(epoch FROM
		                 (CASE WHEN f.first_at <= $2 THEN f.first_at ELSE $2 END) - f.deadline) / 86400))::int
		       END
		FROM obligations o
		JOIN periods pr ON pr.id = o.period_id
		JOIN form_versions fv ON fv.id = pr.form_version_id
		JOIN unit_versions v ON v.id = o.unit_version_id
		`+factsAt("$2")+`
		CROSS JOIN LATERAL (SELECT `+statusOf("$2")+` AS status) st
		LEFT JOIN LATERAL (
			SELECT max(s.uploaded_at) AS last_at, count(*) AS versions
			FROM submissions s
			WHERE s.period_id = o.period_id AND s.unit_code = o.unit_code AND s.uploaded_at <= $2
		) sub ON true
		WHERE o.unit_code = $1 AND f.present AND `+inScope+`
		ORDER BY pr.data_from DESC, pr.form_code, pr.id`,
		append([]any{unitCode, at}, inScopeArgs...)...)
	if err != nil {
		return nil, fmt.Errorf("history of unit %s: %w", unitCode, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (HistoryRow, error) {
		var h HistoryRow
		err := row.Scan(&h.PeriodID, &h.FormCode, &h.PeriodKey, &h.PeriodLabel, &h.DataFrom, &h.DataTo, &h.FormTitle, &h.OpensAt, &h.LocksAt,
			&h.UnitName, &h.ParentCode,
			&h.Deadline, &h.Status, &h.StatusReason, &h.FirstSubmittedAt, &h.LastSubmittedAt, &h.Versions, &h.DaysLate)
		h.StatusLabel = h.Status.Label()
		return h, err
	})
	if err != nil {
		return nil, fmt.Errorf("history of unit %s: %w", unitCode, err)
	}
	return out, nil
}

// PeriodUnit is one obligation of a period as the period's page lists it.
type PeriodUnit struct {
	UnitCode   string             `json:"unit_code"`
	UnitName   string             `json:"unit_name"`
	Kind       reporting.UnitKind `json:"kind"`
	ParentCode string             `json:"parent_code"`
	ParentName string             `json:"parent_name"`
	Emails     []string           `json:"emails"`
	Status     reporting.Status   `json:"status"`
	Reason     string             `json:"reason"`
	Deadline   time.Time          `json:"deadline"`
	// FirstAt and LastAt are the first and latest versions by the moment
	// asked about; Versions how many came by then.
	FirstAt  *time.Time `json:"first_at"`
	LastAt   *time.Time `json:"last_at"`
	Versions int        `json:"versions"`
	// LatestSubmissionID is the latest version's id by then, 0 for none.
	LatestSubmissionID int64 `json:"latest_submission_id"`
	DaysLate           int   `json:"days_late"`
	// Reviewer is who last reviewed a version by then, "" for nobody.
	Reviewer string `json:"reviewer"`
}

// PeriodUnitFilter picks which of a period's units a listing shows and
// which page of them: every filter empty and Limit 0 is all of them.
type PeriodUnitFilter struct {
	// Statuses keeps the units in any of these statuses at the moment.
	Statuses []reporting.Status
	// Parent keeps the children of this unit (as the period's unit
	// versions draw the tree); Kind the units of this kind.
	Parent string
	Kind   reporting.UnitKind
	// Query keeps the units whose name contains it, accents and case
	// aside (vi.Fold), or whose code contains it.
	Query string
	// Offset and Limit page the units in display order; Limit 0 is no
	// limit.
	Offset, Limit int
}

// PeriodUnitList is a page of a period's units and how many the filter
// keeps in all.
type PeriodUnitList struct {
	Units []PeriodUnit
	Total int
}

// PeriodUnits lists period periodID's obligations in scope that filter f
// keeps, with their status at moment at, in display order — by parent's
// name, then name, in Vietnamese order with numbers ordered as numbers
// (the collation vi_natural, migration 00015), then code — and how many f
// keeps in all: one statement that filters, sorts and pages in the
// database, so a page of 100 of 10,000 units reads 100 rows. Both ORDER
// BYs below say this order.
func (s *Store) PeriodUnits(ctx context.Context, periodID int64, at time.Time, scope reporting.UnitScope, f PeriodUnitFilter) (PeriodUnitList, error) {
	scopeCTE, inScope, args := scopeSQL(scope, 3)
	args = append([]any{periodID, at}, args...)
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	conds := []string{"f.present", inScope}
	if len(f.Statuses) > 0 {
		conds = append(conds, `st.status = ANY (`+arg(f.Statuses)+`::text[])`)
	}
	if f.Parent != "" {
		conds = append(conds, `v.parent_code = `+arg(f.Parent))
	}
	if f.Kind != "" {
		conds = append(conds, `v.kind = `+arg(string(f.Kind)))
	}
	if q := vi.Fold(strings.TrimSpace(f.Query)); q != "" {
		n := arg(q)
		conds = append(conds, `(strpos(v.name_folded, `+n+`) > 0 OR strpos(lower(o.unit_code), `+n+`) > 0)`)
	}
	limit := "ALL"
	if f.Limit > 0 {
		limit = arg(f.Limit)
	}
	offset := arg(max(f.Offset, 0))
	// The units the filter keeps (ob: narrow rows, read once, used twice)
	// are counted, and the page cut with a top-N sort; only the page's
	// rows then get their e-mails, reasons, versions and reviews, each
	// aggregated once for the page and joined.
	rows, err := s.q.Query(ctx, `
		WITH RECURSIVE p AS (SELECT id, data_to FROM periods WHERE id = $1)`+scopeCTE+`,
		ob AS MATERIALIZED (
			SELECT o.period_id, o.unit_code, o.unit_version_id, coalesce(pv.name, '') AS parent_name, v.name,
			       st.status, f.deadline, f.first_at, f.exempt, f.decision, f.reason
			FROM p
			JOIN obligations o ON o.period_id = p.id
			JOIN unit_versions v ON v.id = o.unit_version_id
			LEFT JOIN unit_versions pv ON pv.unit_code = v.parent_code
			     AND pv.valid_from <= p.data_to AND (pv.valid_until IS NULL OR pv.valid_until >= p.data_to)
			`+factsAt("$2")+`
			CROSS JOIN LATERAL (SELECT `+statusOf("$2")+` AS status) st
			WHERE `+strings.Join(conds, " AND ")+`
		), pg AS (
			SELECT * FROM ob
			ORDER BY parent_name COLLATE vi_natural, name COLLATE vi_natural, unit_code
			LIMIT `+limit+` OFFSET `+offset+`
		), sub AS (
			SELECT s.unit_code, max(s.uploaded_at) AS last_at, count(*) AS versions,
			       (array_agg(s.id ORDER BY s.version DESC))[1] AS latest_id
			FROM submissions s
			WHERE s.period_id = $1 AND s.uploaded_at <= $2 AND s.unit_code IN (SELECT unit_code FROM pg)
			GROUP BY s.unit_code
		), rv AS (
			SELECT DISTINCT ON (s.unit_code) s.unit_code, coalesce(nullif(u.name, ''), u.email, 'admin (cli)') AS reviewer
			FROM submissions s JOIN reviews r ON r.submission_id = s.id LEFT JOIN users u ON u.id = r.reviewer_id
			WHERE s.period_id = $1 AND r.created_at <= $2 AND s.unit_code IN (SELECT unit_code FROM pg)
			ORDER BY s.unit_code, r.created_at DESC, r.id DESC
		)
		SELECT o.unit_code, o.name, v.kind, coalesce(v.parent_code, ''), o.parent_name, v.emails,
		       o.status, `+reasonAt+`, o.deadline,
		       CASE WHEN o.first_at <= $2 THEN o.first_at END, sub.last_at, coalesce(sub.versions, 0), coalesce(sub.latest_id, 0),
		       CASE WHEN o.status = 'exempt' THEN 0
		            ELSE greatest(0, ceil(extract(epoch FROM
		                 (CASE WHEN o.first_at <= $2 THEN o.first_at ELSE $2 END) - o.deadline) / 86400))::int
		       END,
		       coalesce(rv.reviewer, ''), (SELECT count(*) FROM ob)
		FROM pg o
		CROSS JOIN LATERAL (SELECT o.exempt, o.decision, o.reason) f
		JOIN unit_versions v ON v.id = o.unit_version_id
		LEFT JOIN sub ON sub.unit_code = o.unit_code
		LEFT JOIN rv ON rv.unit_code = o.unit_code
		ORDER BY o.parent_name COLLATE vi_natural, o.name COLLATE vi_natural, o.unit_code`, args...)
	if err != nil {
		return PeriodUnitList{}, fmt.Errorf("units of period %d: %w", periodID, err)
	}
	var total int
	units, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (PeriodUnit, error) {
		var u PeriodUnit
		err := row.Scan(&u.UnitCode, &u.UnitName, &u.Kind, &u.ParentCode, &u.ParentName, &u.Emails, &u.Status, &u.Reason, &u.Deadline,
			&u.FirstAt, &u.LastAt, &u.Versions, &u.LatestSubmissionID, &u.DaysLate, &u.Reviewer, &total)
		return u, err
	})
	if err != nil {
		return PeriodUnitList{}, fmt.Errorf("units of period %d: %w", periodID, err)
	}
	if len(units) == 0 && f.Offset > 0 {
		// Past the last page the window has no row to count on: count
		// without the page.
		f.Offset, f.Limit = 0, 1
		all, err := s.PeriodUnits(ctx, periodID, at, scope, f)
		return PeriodUnitList{Units: []PeriodUnit{}, Total: all.Total}, err
	}
	return PeriodUnitList{Units: units, Total: total}, nil
}

// PeriodTotals counts, in one statement, the obligations in scope of each
// of periods ids by status at moment at: the province's totals of several
// periods (a dashboard's trend), without the groups PeriodCompliance adds.
func (s *Store) PeriodTotals(ctx context.Context, ids []int64, at time.Time, scope reporting.UnitScope) (map[int64]ComplianceCounts, error) {
	out := make(map[int64]ComplianceCounts, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	scopeCTE, inScope, inScopeArgs := scopeSQL(scope, 3)
	rows, err := s.q.Query(ctx, `
		WITH RECURSIVE p AS (SELECT id, data_to FROM periods WHERE id = ANY ($1))`+scopeCTE+`,
		ob AS (
			SELECT o.period_id, f.first_at, f.deadline, `+statusOf("$2")+` AS status
			FROM p
			JOIN obligations o ON o.period_id = p.id
			`+factsAt("$2")+`
			WHERE f.present AND `+inScope+`
		)
		SELECT period_id, `+countColumns+`
		FROM ob
		GROUP BY period_id`,
		append([]any{ids, at}, inScopeArgs...)...)
	if err != nil {
		return nil, fmt.Errorf("totals of %d periods: %w", len(ids), err)
	}
	var (
		id int64
		n  ComplianceCounts
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &n.Obliged, &n.Pending, &n.Submitted, &n.Late, &n.Missing, &n.Returned, &n.Accepted, &n.Exempt,
		&n.OnTime, &n.FiledLate}, func() error {
		n.rates()
		out[id] = n
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("totals of %d periods: %w", len(ids), err)
	}
	return out, nil
}
