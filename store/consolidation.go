package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/reporting"
	"baocao/vi"
)

// ConsolidationQuery says what to consolidate.
type ConsolidationQuery struct {
	// FormCode is the form; Period its period's key ("2026-H1") or id.
	FormCode string
	Period   string
	// AcceptedOnly counts only submissions an inspector accepted.
	AcceptedOnly bool
	// At is the moment the report describes (the caller's now): statuses
	// are as at it, the way the compliance pages derive them, and only
	// versions uploaded by then count.
	At time.Time
	// Scope is the units the reader may see.
	Scope reporting.UnitScope
	// GroupsOnly leaves out what a page of totals does not show: each
	// unit's values and the comparisons with earlier periods (the public
	// page).
	GroupsOnly bool
}

// Messages a user sees.
const (
	msgConsolidationPeriodNotFound = "Không tìm thấy kỳ báo cáo %q của biểu mẫu %s."
	msgConsolidationScopeEmpty     = "Không có đơn vị nào trong phạm vi được xem báo cáo."
)

// countingSQL picks, for each obligation of period $1 in scope ($2: all
// units; else the codes $3 and the subtree under $6, see subtreeCTE), the
// submission whose values count: its latest version uploaded by $5 on
// which no review returned it and, with $4, which a review accepted.
// Every consolidation query starts with it, so the per-unit values and the
// aggregates agree.
var countingSQL = `
	WITH RECURSIVE p AS (SELECT id, data_to FROM periods WHERE id = $1),
	` + subtreeCTE("$6::text") + `,
	ob0 AS (
		SELECT o.unit_code, v.kind, COALESCE(v.parent_code, '') AS parent_code
		FROM obligations o
		JOIN unit_versions v ON v.id = o.unit_version_id
		WHERE o.period_id = $1
		  AND ($2::boolean OR o.unit_code = ANY ($3::text[]) OR o.unit_code IN (SELECT code FROM subtree))
	), ob AS (
		-- leaf: no unit below it owes the period too (in scope). A form
		-- whose higher units consolidate their children's reports adds
		-- only leaves into its total (consolidationGroups).
		SELECT ob0.*, NOT EXISTS (SELECT 1 FROM ob0 k WHERE k.parent_code = ob0.unit_code) AS leaf
		FROM ob0
	), counting AS (
		SELECT DISTINCT ON (s.unit_code) s.unit_code, s.id, s.version
		FROM submissions s
		JOIN ob ON ob.unit_code = s.unit_code
		WHERE s.period_id = $1 AND s.uploaded_at <= $5
		  AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.submission_id = s.id AND r.decision = 'returned' AND r.created_at <= $5)
		  AND (NOT $4::boolean OR EXISTS (SELECT 1 FROM reviews r
		                                  WHERE r.submission_id = s.id AND r.decision = 'accepted' AND r.created_at <= $5))
		ORDER BY s.unit_code, s.version DESC
	)`

// Consolidate builds the consolidated report of a form's period: every
// obligation in scope with its counting submission's values, the aggregates
// per (kind, parent), per kind and for the province computed in SQL with
// GROUPING SETS over exact numerics, and the province totals of the
// previous period and of the same period a year earlier. Units are grouped
// under the unit versions their obligations recorded, so an old period
// shows the tree of its time. Everything is read in one snapshot.
func (s *Store) Consolidate(ctx context.Context, q ConsolidationQuery) (*reporting.Consolidation, error) {
	if q.Scope.Empty() {
		return nil, reporting.Errorf(reporting.EFORBIDDEN, msgConsolidationScopeEmpty)
	}
	if q.At.IsZero() {
		return nil, fmt.Errorf("consolidate %s %s: no moment given", q.FormCode, q.Period)
	}
	var c *reporting.Consolidation
	err := s.snapshot(ctx, func(tx *Store) error {
		p, err := tx.consolidationPeriod(ctx, q.FormCode, q.Period)
		if err != nil {
			return err
		}
		if c, err = tx.consolidatePeriod(ctx, q, p); err != nil {
			return err
		}
		if q.GroupsOnly {
			return nil
		}
		c.Previous, err = tx.baseline(ctx, q, c, `
			SELECT id, key, label FROM periods
			WHERE form_code = $1 AND periodicity = $2 AND data_to < $3
			ORDER BY data_to DESC LIMIT 1`, p.FormCode, string(p.Periodicity), p.DataFrom)
		if err != nil {
			return err
		}
		c.YearAgo, err = tx.baseline(ctx, q, c, `
			SELECT id, key, label FROM periods
			WHERE form_code = $1 AND periodicity = $2 AND data_from = ($3::date - interval '1 year')::date`,
			p.FormCode, string(p.Periodicity), p.DataFrom)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("consolidate %s %s: %w", q.FormCode, q.Period, err)
	}
	return c, nil
}

// snapshot runs fn in one read-only repeatable-read transaction, so the
// several queries of a report see the same data while uploads go on; inside
// a transaction already, in that one.
func (s *Store) snapshot(ctx context.Context, fn func(tx *Store) error) error {
	if _, inTx := s.q.(pgx.Tx); inTx {
		return fn(s)
	}
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return fmt.Errorf("begin snapshot: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read-only
	return fn(&Store{pool: s.pool, q: tx})
}

// consolidatePeriod is Consolidate without the earlier periods: the
// period's units with their counting values and the groups' aggregates.
func (s *Store) consolidatePeriod(ctx context.Context, q ConsolidationQuery, p PeriodRow) (*reporting.Consolidation, error) {
	form, err := s.FormVersion(ctx, p.FormVersionID)
	if err != nil {
		return nil, err
	}
	c := &reporting.Consolidation{
		Form: form, Fields: form.Fields(), PeriodID: p.ID,
		Period: reporting.Period{
			Periodicity: p.Periodicity, Key: p.Key, Label: p.Label, DataFrom: p.DataFrom, DataTo: p.DataTo,
			OpensAt: p.OpensAt, Deadline: p.Deadline, LocksAt: p.LocksAt,
		},
		AcceptedOnly: q.AcceptedOnly, Scope: q.Scope,
	}
	// Today's root issues the report, whatever the period's was: a
	// 2025-H2 report made after the provinces merged comes from the
	// merged province. Before any root existed, the period's.
	if c.Province, err = s.ProvinceName(ctx, q.At); err != nil {
		return nil, err
	}
	if c.Province == "" {
		if c.Province, err = s.ProvinceName(ctx, p.DataTo); err != nil {
			return nil, err
		}
	}
	if c.Units, err = s.consolidationUnits(ctx, q, p); err != nil {
		return nil, err
	}
	reporting.SortUnits(c.Units, vi.NewKeyer().Key)
	if !q.GroupsOnly {
		if err := s.consolidationValues(ctx, q, c); err != nil {
			return nil, err
		}
	}
	groups, err := s.consolidationGroups(ctx, q, p.ID, c.Fields, form.Levels)
	if err != nil {
		return nil, err
	}
	c.Total = groups.take(reporting.LevelProvince, "", "", len(c.Fields))
	c.Groups = groups.ordered(c.Units, len(c.Fields))
	return c, nil
}

// consolidationPeriod finds a form's period by key or id.
func (s *Store) consolidationPeriod(ctx context.Context, formCode, period string) (PeriodRow, error) {
	id, _ := strconv.ParseInt(period, 10, 64)
	var pid int64
	err := s.q.QueryRow(ctx, `SELECT id FROM periods WHERE form_code = $1 AND (key = $2 OR id = $3)`,
		formCode, period, id).Scan(&pid)
	if errors.Is(err, pgx.ErrNoRows) {
		return PeriodRow{}, reporting.Errorf(reporting.ENOTFOUND, msgConsolidationPeriodNotFound, period, formCode)
	}
	if err != nil {
		return PeriodRow{}, fmt.Errorf("find period: %w", err)
	}
	return s.Period(ctx, pid)
}

// ProvinceName is the root unit's name on day d ("" when there is none).
func (s *Store) ProvinceName(ctx context.Context, d time.Time) (string, error) {
	var name string
	err := s.q.QueryRow(ctx, `
		SELECT name FROM unit_versions
		WHERE kind = 'province' AND valid_from <= $1 AND (valid_until IS NULL OR valid_until >= $1)
		ORDER BY unit_code LIMIT 1`, d).Scan(&name)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read province name: %w", err)
	}
	return name, nil
}

func scopeArgs(periodID int64, q ConsolidationQuery) []any {
	return []any{periodID, q.Scope.All, q.Scope.Codes, q.AcceptedOnly, q.At, q.Scope.Subtree}
}

// consolidationUnits reads every obligation in scope: the unit and parent
// as they were when the period opened, status at q.At (factsAt, as the
// compliance queries have it), uploads by then, latest review and
// which version counts.
func (s *Store) consolidationUnits(ctx context.Context, q ConsolidationQuery, p PeriodRow) ([]reporting.UnitReport, error) {
	rows, err := s.q.Query(ctx, countingSQL+`,
	uploads AS (
		SELECT s.unit_code, min(s.uploaded_at) AS first_at, max(s.uploaded_at) AS last_at, count(*) AS n
		FROM submissions s JOIN ob ON ob.unit_code = s.unit_code
		WHERE s.period_id = $1 AND s.uploaded_at <= $5
		GROUP BY s.unit_code
	), last_review AS (
		SELECT DISTINCT ON (s.unit_code) s.unit_code, r.decision, COALESCE(u.name, '') AS reviewer, r.created_at
		FROM submissions s
		JOIN ob ON ob.unit_code = s.unit_code
		JOIN reviews r ON r.submission_id = s.id
		LEFT JOIN users u ON u.id = r.reviewer_id
		WHERE s.period_id = $1 AND s.uploaded_at <= $5 AND r.created_at <= $5
		ORDER BY s.unit_code, r.created_at DESC, r.id DESC
	)
	SELECT o.unit_code, v.name, v.kind, COALESCE(v.parent_code, ''), COALESCE(pv.name, ''),
	       `+statusOf("$5")+`, `+reasonAt+`, f.deadline,
	       CASE WHEN f.first_at <= $5 THEN f.first_at END, up.last_at, COALESCE(up.n, 0),
	       COALESCE(c.version, 0), COALESCE(lr.decision, ''), COALESCE(lr.reviewer, ''), lr.created_at
	FROM obligations o
	JOIN ob ON ob.unit_code = o.unit_code
	`+factsAt("$5")+`
	JOIN unit_versions v ON v.id = o.unit_version_id
	LEFT JOIN LATERAL (
		SELECT name FROM unit_versions x
		WHERE x.unit_code = v.parent_code
		ORDER BY (x.valid_from <= $7 AND (x.valid_until IS NULL OR x.valid_until >= $7)) DESC, x.valid_from DESC
		LIMIT 1
	) pv ON true
	LEFT JOIN counting c ON c.unit_code = o.unit_code
	LEFT JOIN uploads up ON up.unit_code = o.unit_code
	LEFT JOIN last_review lr ON lr.unit_code = o.unit_code
	WHERE o.period_id = $1 AND f.present`, append(scopeArgs(p.ID, q), p.DataTo)...)
	if err != nil {
		return nil, fmt.Errorf("read obligations: %w", err)
	}
	units, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (reporting.UnitReport, error) {
		var (
			u                     reporting.UnitReport
			kind                  string
			first, last, reviewed *time.Time
		)
		err := row.Scan(&u.Code, &u.Name, &kind, &u.ParentCode, &u.ParentName,
			&u.Status, &u.StatusReason, &u.Deadline, &first, &last, &u.Versions,
			&u.CountedVersion, &u.ReviewDecision, &u.Reviewer, &reviewed)
		u.Kind = reporting.UnitKind(kind)
		u.FirstSubmittedAt, u.LastSubmittedAt, u.ReviewedAt = deref(first), deref(last), deref(reviewed)
		return u, err
	})
	if err != nil {
		return nil, fmt.Errorf("read obligations: %w", err)
	}
	return units, nil
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// consolidationValues reads the counting submissions' values into c.Units.
// A unit with a counting submission gets a Values slice even when every
// value is empty: it reported, it reported nothing.
func (s *Store) consolidationValues(ctx context.Context, q ConsolidationQuery, c *reporting.Consolidation) error {
	unitAt := make(map[string]int, len(c.Units))
	for i := range c.Units {
		unitAt[c.Units[i].Code] = i
		if c.Units[i].CountedVersion > 0 {
			c.Units[i].Values = make([]reporting.FieldValue, len(c.Fields))
		}
	}
	fieldAt := make(map[string]int, len(c.Fields))
	for i, f := range c.Fields {
		fieldAt[f.Code] = i
	}
	rows, err := s.q.Query(ctx, countingSQL+`
	SELECT c.unit_code, sv.field_code, COALESCE(sv.num::text, ''), COALESCE(sv.txt, ''), sv.day
	FROM counting c JOIN submission_values sv ON sv.submission_id = c.id`, scopeArgs(c.PeriodID, q)...)
	if err != nil {
		return fmt.Errorf("read values: %w", err)
	}
	defer rows.Close()
	var (
		unit, field, num, txt string
		day                   *time.Time
	)
	for rows.Next() {
		if err := rows.Scan(&unit, &field, &num, &txt, &day); err != nil {
			return fmt.Errorf("read values: %w", err)
		}
		ui, ok := unitAt[unit]
		fi, known := fieldAt[field]
		if !ok || !known {
			continue // a field the form's version no longer has
		}
		d, ok := reporting.ParseDecimal(num)
		if !ok {
			return fmt.Errorf("read values: %s %s: bad number %q", unit, field, num)
		}
		c.Units[ui].Values[fi] = reporting.FieldValue{Num: d, Text: txt, Day: deref(day)}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read values: %w", err)
	}
	return nil
}

// groupKey names a group: level, kind, parent code.
type groupKey struct {
	level  reporting.GroupLevel
	kind   string
	parent string
}

// groupSet holds the aggregates the grouped queries returned.
type groupSet map[groupKey]*reporting.Group

func (gs groupSet) get(k groupKey, nFields int) *reporting.Group {
	g, ok := gs[k]
	if !ok {
		g = &reporting.Group{Level: k.level, Kind: reporting.UnitKind(k.kind), ParentCode: k.parent,
			Values: make([]reporting.Aggregated, nFields)}
		gs[k] = g
	}
	return g
}

// take is one group, empty when the queries returned nothing for it.
func (gs groupSet) take(level reporting.GroupLevel, kind reporting.UnitKind, parent string, nFields int) reporting.Group {
	return *gs.get(groupKey{level, string(kind), parent}, nFields)
}

// ordered lists the kind groups, each followed by its parent groups, in the
// order of units (tree order), naming parents as the units do.
func (gs groupSet) ordered(units []reporting.UnitReport, nFields int) []reporting.Group {
	var out []reporting.Group
	for i, u := range units {
		if i == 0 || u.Kind != units[i-1].Kind {
			out = append(out, gs.take(reporting.LevelKind, u.Kind, "", nFields))
		}
		if i == 0 || u.Kind != units[i-1].Kind || u.ParentCode != units[i-1].ParentCode {
			g := gs.take(reporting.LevelParent, u.Kind, u.ParentCode, nFields)
			g.ParentName = u.ParentName
			out = append(out, g)
		}
	}
	return out
}

// levelOf reads GROUPING(kind, parent_code): 0 both grouped on, 1 parent
// rolled up, 3 both.
func levelOf(grouping int) reporting.GroupLevel {
	switch grouping {
	case 0:
		return reporting.LevelParent
	case 1:
		return reporting.LevelKind
	}
	return reporting.LevelProvince
}

// consolidationGroups aggregates period periodID in scope per (kind,
// parent), per kind and overall: obligation counts, each computed field by
// its rule over the counting submissions (numeric, so sums are exact; an
// average is rounded to reporting.AvgPlaces and takes only the units that
// gave a value) and each choice field per choice.
func (s *Store) consolidationGroups(ctx context.Context, q ConsolidationQuery, periodID int64, fields []reporting.Field, levels reporting.Levels) (groupSet, error) {
	gs := groupSet{}
	n := len(fields)
	args := scopeArgs(periodID, q)
	// The total's grouping set: every unit, or for a form whose higher
	// units consolidate their children, the leaves only (the rows of the
	// non-leaves' set are skipped: keep is false there).
	total := ""
	if levels == reporting.LevelsConsolidated {
		total = "ob.leaf, "
	}
	skip := func(grouping int, keep bool) bool {
		return total != "" && levelOf(grouping) == reporting.LevelProvince && !keep
	}

	rows, err := s.q.Query(ctx, countingSQL+`
	SELECT GROUPING(ob.kind, ob.parent_code), COALESCE(ob.kind, ''), COALESCE(ob.parent_code, ''),
	       count(*), count(c.id)
	FROM ob LEFT JOIN counting c ON c.unit_code = ob.unit_code
	GROUP BY GROUPING SETS ((ob.kind, ob.parent_code), (ob.kind), ())`, args...)
	if err != nil {
		return nil, fmt.Errorf("count obligations per group: %w", err)
	}
	var (
		grouping, obliged, reported int
		kind, parent                string
	)
	_, err = pgx.ForEachRow(rows, []any{&grouping, &kind, &parent, &obliged, &reported}, func() error {
		g := gs.get(groupKey{levelOf(grouping), kind, parent}, n)
		g.Obliged, g.Reported = obliged, reported
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("count obligations per group: %w", err)
	}

	var codes, aggs, choiceCodes, ratioCodes, numerators, denominators []string
	fieldAt := map[string]int{}
	for i, f := range fields {
		fieldAt[f.Code] = i
		switch {
		case f.Aggregate == reporting.AggRatio && f.Ratio != nil:
			ratioCodes = append(ratioCodes, f.Code)
			numerators, denominators = append(numerators, f.Ratio.Numerator), append(denominators, f.Ratio.Denominator)
		case reporting.Computed(f):
			codes = append(codes, f.Code)
			aggs = append(aggs, string(f.Aggregate))
		case f.Type == reporting.TypeChoice:
			choiceCodes = append(choiceCodes, f.Code)
		}
	}
	rows, err = s.q.Query(ctx, countingSQL+`,
	f AS (SELECT * FROM unnest($7::text[], $8::text[]) AS f (code, agg))
	SELECT GROUPING(ob.kind, ob.parent_code), bool_and(ob.leaf), COALESCE(ob.kind, ''), COALESCE(ob.parent_code, ''), f.code,
	       COALESCE(trim_scale(CASE f.agg
	           WHEN 'sum' THEN sum(sv.num)
	           WHEN 'avg' THEN round(avg(sv.num), $9)
	           WHEN 'min' THEN min(sv.num)
	           WHEN 'max' THEN max(sv.num) END)::text, ''),
	       count(sv.num)
	FROM ob
	JOIN counting c ON c.unit_code = ob.unit_code
	JOIN submission_values sv ON sv.submission_id = c.id
	JOIN f ON f.code = sv.field_code
	GROUP BY GROUPING SETS ((ob.kind, ob.parent_code, f.code, f.agg), (ob.kind, f.code, f.agg), (`+total+`f.code, f.agg))`,
		append(args, codes, aggs, reporting.AvgPlaces)...)
	if err != nil {
		return nil, fmt.Errorf("aggregate fields: %w", err)
	}
	var (
		field, value string
		count        int
		keep         bool
	)
	_, err = pgx.ForEachRow(rows, []any{&grouping, &keep, &kind, &parent, &field, &value, &count}, func() error {
		if skip(grouping, keep) {
			return nil
		}
		d, ok := reporting.ParseDecimal(value)
		if !ok {
			return fmt.Errorf("%s: bad number %q", field, value)
		}
		g := gs.get(groupKey{levelOf(grouping), kind, parent}, n)
		g.Values[fieldAt[field]].Value, g.Values[fieldAt[field]].Count = d, count
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("aggregate fields: %w", err)
	}

	// A ratio is the ratio of its two fields' totals over the units that
	// gave both ("tỷ lệ chung"), not the mean of the units' percentages.
	rows, err = s.q.Query(ctx, countingSQL+`,
	r AS (SELECT * FROM unnest($7::text[], $8::text[], $9::text[]) AS r (code, num, den))
	SELECT GROUPING(ob.kind, ob.parent_code), bool_and(ob.leaf), COALESCE(ob.kind, ''), COALESCE(ob.parent_code, ''), r.code,
	       trim_scale(sum(n.num))::text, trim_scale(sum(d.num))::text, count(*)
	FROM ob
	JOIN counting c ON c.unit_code = ob.unit_code
	CROSS JOIN r
	JOIN submission_values n ON n.submission_id = c.id AND n.field_code = r.num AND n.num IS NOT NULL
	JOIN submission_values d ON d.submission_id = c.id AND d.field_code = r.den AND d.num IS NOT NULL
	GROUP BY GROUPING SETS ((ob.kind, ob.parent_code, r.code), (ob.kind, r.code), (`+total+`r.code))`,
		append(args, ratioCodes, numerators, denominators)...)
	if err != nil {
		return nil, fmt.Errorf("aggregate ratios: %w", err)
	}
	var num, den string
	_, err = pgx.ForEachRow(rows, []any{&grouping, &keep, &kind, &parent, &field, &num, &den, &count}, func() error {
		if skip(grouping, keep) {
			return nil
		}
		top, ok1 := reporting.ParseDecimal(num)
		bottom, ok2 := reporting.ParseDecimal(den)
		if !ok1 || !ok2 {
			return fmt.Errorf("%s: bad totals %q / %q", field, num, den)
		}
		a := &gs.get(groupKey{levelOf(grouping), kind, parent}, n).Values[fieldAt[field]]
		a.Value, a.Count = top.Ratio(bottom), count
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("aggregate ratios: %w", err)
	}

	rows, err = s.q.Query(ctx, countingSQL+`
	SELECT GROUPING(ob.kind, ob.parent_code), bool_and(ob.leaf), COALESCE(ob.kind, ''), COALESCE(ob.parent_code, ''),
	       sv.field_code, sv.txt, count(*)
	FROM ob
	JOIN counting c ON c.unit_code = ob.unit_code
	JOIN submission_values sv ON sv.submission_id = c.id
	WHERE sv.field_code = ANY ($7::text[]) AND sv.txt <> ''
	GROUP BY GROUPING SETS ((ob.kind, ob.parent_code, sv.field_code, sv.txt), (ob.kind, sv.field_code, sv.txt), (`+total+`sv.field_code, sv.txt))`,
		append(args, choiceCodes)...)
	if err != nil {
		return nil, fmt.Errorf("count choices: %w", err)
	}
	var choice string
	_, err = pgx.ForEachRow(rows, []any{&grouping, &keep, &kind, &parent, &field, &choice, &count}, func() error {
		if skip(grouping, keep) {
			return nil
		}
		fi := fieldAt[field]
		a := &gs.get(groupKey{levelOf(grouping), kind, parent}, n).Values[fi]
		if a.Choices == nil {
			a.Choices = make([]int, len(fields[fi].Choices))
		}
		a.Count += count
		for i, ch := range fields[fi].Choices {
			if ch == choice {
				a.Choices[i] += count
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("count choices: %w", err)
	}
	// A choice field nobody answered still has its (zero) counts.
	for _, g := range gs {
		for i, f := range fields {
			if f.Type == reporting.TypeChoice && g.Values[i].Choices == nil {
				g.Values[i].Choices = make([]int, len(f.Choices))
			}
		}
	}
	return gs, nil
}

// baseline is the province total of the period the query finds (id, key,
// label), aggregated with c's fields and rules over the same scope, and
// how many of its units (in scope) owe c's report too. No such period is
// not an error: the report then has nothing to compare with, and the
// result is nil, as Consolidation documents.
func (s *Store) baseline(ctx context.Context, q ConsolidationQuery, c *reporting.Consolidation, query string, args ...any) (*reporting.Baseline, error) {
	fields := c.Fields
	rows, err := s.q.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("find baseline period: %w", err)
	}
	found, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (reporting.Baseline, error) {
		var b reporting.Baseline
		err := row.Scan(&b.PeriodID, &b.Key, &b.Label)
		return b, err
	})
	if err != nil {
		return nil, fmt.Errorf("find baseline period: %w", err)
	}
	if len(found) == 0 {
		return nil, nil //nolint:nilnil // no earlier period: nothing to compare with
	}
	b := found[0]
	gs, err := s.consolidationGroups(ctx, q, b.PeriodID, fields, c.Form.Levels)
	if err != nil {
		return nil, fmt.Errorf("baseline %s: %w", b.Key, err)
	}
	b.Total = gs.take(reporting.LevelProvince, "", "", len(fields))
	current := make([]string, len(c.Units))
	for i, u := range c.Units {
		current[i] = u.Code
	}
	err = s.q.QueryRow(ctx, countingSQL+`
		SELECT count(*) FROM ob WHERE unit_code = ANY ($7)`, append(scopeArgs(b.PeriodID, q), current)...).Scan(&b.Shared)
	if err != nil {
		return nil, fmt.Errorf("baseline %s: units shared: %w", b.Key, err)
	}
	if b.Like, err = s.likeForLike(ctx, q, c, b.PeriodID); err != nil {
		return nil, fmt.Errorf("baseline %s: %w", b.Key, err)
	}
	return &b, nil
}

// likeForLike reads baseline period periodID's units in scope — whether a
// submission counted and its summed fields' values — and every recorded
// succession, and regroups them onto c's units (reporting.CompareLikeForLike).
func (s *Store) likeForLike(ctx context.Context, q ConsolidationQuery, c *reporting.Consolidation, periodID int64) (*reporting.LikeForLike, error) {
	fieldAt := map[string]int{}
	var summed []string
	for i, f := range c.Fields {
		if f.Aggregate == reporting.AggSum {
			fieldAt[f.Code] = i
			summed = append(summed, f.Code)
		}
	}
	rows, err := s.q.Query(ctx, countingSQL+`
		SELECT ob.unit_code, c.id IS NOT NULL, coalesce(sv.field_code, ''), coalesce(trim_scale(sv.num)::text, '')
		FROM ob
		LEFT JOIN counting c ON c.unit_code = ob.unit_code
		LEFT JOIN submission_values sv ON sv.submission_id = c.id AND sv.field_code = ANY ($7) AND sv.num IS NOT NULL
		ORDER BY ob.unit_code`, append(scopeArgs(periodID, q), summed)...)
	if err != nil {
		return nil, fmt.Errorf("units then: %w", err)
	}
	var (
		then               []reporting.BaselineUnit
		code, field, value string
		reported           bool
	)
	_, err = pgx.ForEachRow(rows, []any{&code, &reported, &field, &value}, func() error {
		if len(then) == 0 || then[len(then)-1].Code != code {
			then = append(then, reporting.BaselineUnit{Code: code, Reported: reported, Values: make([]reporting.Decimal, len(c.Fields))})
		}
		if field != "" {
			d, ok := reporting.ParseDecimal(value)
			if !ok {
				return fmt.Errorf("%s of %s: bad number %q", field, code, value)
			}
			then[len(then)-1].Values[fieldAt[field]] = d
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("units then: %w", err)
	}
	successors, err := s.Successors(ctx)
	if err != nil {
		return nil, err
	}
	return reporting.CompareLikeForLike(c, then, successors), nil
}
