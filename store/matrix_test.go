package store_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
)

// rebuiltCellsSQL computes matrix_cells afresh from obligations' summary
// (migration 00007's cell); the triggers must keep the table equal to it.
const rebuiltCellsSQL = `
	SELECT p.form_code, extract(year FROM p.data_from)::smallint AS year, o.unit_version_id,
	       string_agg(matrix_cell(o.period_id, o.exempt, o.decision, o.first_submitted_at, o.deadline, o.changed_at),
	                  ''::bytea ORDER BY o.period_id) AS cells
	FROM obligations o JOIN periods p ON p.id = o.period_id
	GROUP BY 1, 2, 3`

// assertCellsRebuilt fails t unless matrix_cells holds exactly what a
// rebuild from obligations gives.
func assertCellsRebuilt(t *testing.T, st *store.Store, step string) {
	t.Helper()
	var stale, missing, rows int
	err := st.Pool().QueryRow(context.Background(), `
		WITH rebuilt AS (`+rebuiltCellsSQL+`)
		SELECT (SELECT count(*) FROM (SELECT * FROM matrix_cells EXCEPT SELECT * FROM rebuilt) x),
		       (SELECT count(*) FROM (SELECT * FROM rebuilt EXCEPT SELECT * FROM matrix_cells) x),
		       (SELECT count(*) FROM matrix_cells)`).Scan(&stale, &missing, &rows)
	if err != nil {
		t.Fatal(err)
	}
	if stale != 0 || missing != 0 {
		t.Fatalf("%s: matrix_cells has %d rows a rebuild does not, lacks %d of its rows", step, stale, missing)
	}
	if rows == 0 {
		t.Fatalf("%s: matrix_cells is empty", step)
	}
}

// cellVersions names the version of each matrix_cells row (its xmin and
// ctid): writing a row, even the same bytes, gives it a new one.
func cellVersions(t *testing.T, st *store.Store) map[string]string {
	t.Helper()
	rows, err := st.Pool().Query(context.Background(), `
		SELECT form_code || '/' || year || '/' || unit_version_id, xmin::text || ' ' || ctid::text FROM matrix_cells`)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	var key, version string
	if _, err := pgx.ForEachRow(rows, []any{&key, &version}, func() error { out[key] = version; return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestMatrixCellsFollowObligations walks a period through every kind of
// write to obligations (opening, uploads, an extension, the deadline
// tick, a review, an exemption and its withdrawal, the next period) and
// checks matrix_cells against a rebuild after each step, and which steps
// wrote cells: the tick's flag is not in a cell, so it must write none.
func TestMatrixCellsFollowObligations(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx := newCPFixture(t)
	svc := fx.ops()
	admin := reporting.User{Email: "admin", Role: reporting.RoleAdmin, Active: true}
	done := map[int]bool{}
	steps := []struct {
		name     string
		do       func(t *testing.T)
		rewrites bool // the step writes matrix_cells rows
	}{
		{"first versions by the deadline", func(t *testing.T) { fx.fileDueBy(t, fx.deadline, done) }, true},
		{"deadline extended for district 3", func(t *testing.T) {
			_, err := svc.Extend(ctx, admin, fx.deadline.Add(-time.Hour), ops.ExtendInput{PeriodID: fx.periodID, Subtree: fx.districts[2],
				NewDeadline: fx.deadline.Add(24 * time.Hour), Reason: "Lũ lụt"})
			if err != nil {
				t.Fatal(err)
			}
		}, true},
		{"missing flagged", func(t *testing.T) {
			if n, err := svc.FlagMissing(ctx, fx.deadline.Add(30*time.Hour)); err != nil || n == 0 {
				t.Fatalf("flagged %d, %v", n, err)
			}
		}, false},
		{"late versions", func(t *testing.T) { fx.fileDueBy(t, fx.deadline.Add(72*time.Hour), done) }, true},
		{"reviewed", func(t *testing.T) {
			if _, err := svc.Review(ctx, admin, fx.deadline.Add(73*time.Hour), ops.ReviewInput{SubmissionID: fx.latest(t, fx.units[0].Code).ID,
				Decision: reporting.DecisionReturned, Reason: "Sai số liệu"}); err != nil {
				t.Fatal(err)
			}
		}, true},
		{"exempted", func(t *testing.T) {
			if err := svc.Exempt(ctx, admin, fx.deadline.Add(74*time.Hour), fx.periodID, fx.units[4].Code, "Miễn"); err != nil {
				t.Fatal(err)
			}
		}, true},
		{"exemption withdrawn", func(t *testing.T) {
			if _, err := svc.Unexempt(ctx, admin, fx.deadline.Add(75*time.Hour), fx.periodID, fx.units[4].Code, ""); err != nil {
				t.Fatal(err)
			}
		}, true},
		{"next period opened", func(t *testing.T) {
			storetest.OpenDue(t, fx.st, time.Date(2026, time.December, 20, 9, 0, 0, 0, vnZone), vnZone)
		}, true},
	}
	assertCellsRebuilt(t, fx.st, "period opened")
	for _, step := range steps {
		before := cellVersions(t, fx.st)
		step.do(t)
		assertCellsRebuilt(t, fx.st, step.name)
		if rewritten := !maps.Equal(before, cellVersions(t, fx.st)); rewritten != step.rewrites {
			t.Errorf("%s: matrix_cells rows written %v, want %v", step.name, rewritten, step.rewrites)
		}
		assertSummariesFoldHistories(t, fx.st, step.name)
	}
}

// assertSummariesFoldHistories fails t unless every obligation's summary
// (exempt, decision, first version, deadline; changed_at, the latest
// event that changes a status; flagged_deadline, the latest flag's) is the
// fold of its whole history, as reporting.FactsAt has it and as
// obligation_history_at has it in SQL.
func assertSummariesFoldHistories(t *testing.T, st *store.Store, step string) {
	t.Helper()
	ctx := context.Background()
	// A summary, its moments as text ("-" for none) so that summaries
	// compare with == and print readably.
	type summary struct {
		exempt                         bool
		decision                       string
		first, deadline, changed, flag string
	}
	moment := func(t *time.Time) string {
		if t == nil {
			return "-"
		}
		return t.UTC().Format(time.RFC3339Nano)
	}
	type obligation struct {
		period          int64
		unit            string
		stored, sqlFold summary
	}
	rows, err := st.Pool().Query(ctx, `
		SELECT o.period_id, o.unit_code, o.exempt, o.decision, o.first_submitted_at, o.deadline, o.changed_at, o.flagged_deadline,
		       h.exempt, h.decision, h.first_at, h.deadline
		FROM obligations o CROSS JOIN LATERAL obligation_history_at(o.period_id, o.unit_code, 'infinity') h
		ORDER BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	obligations, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (obligation, error) {
		var (
			o                                                 obligation
			first, deadline, changed, flag, hFirst, hDeadline *time.Time
		)
		err := row.Scan(&o.period, &o.unit, &o.stored.exempt, &o.stored.decision, &first, &deadline, &changed, &flag,
			&o.sqlFold.exempt, &o.sqlFold.decision, &hFirst, &hDeadline)
		o.stored.first, o.stored.deadline, o.stored.changed, o.stored.flag = moment(first), moment(deadline), moment(changed), moment(flag)
		o.sqlFold.first, o.sqlFold.deadline = moment(hFirst), moment(hDeadline)
		return o, err
	})
	if err != nil || len(obligations) == 0 {
		t.Fatalf("%s: %d obligations, %v", step, len(obligations), err)
	}
	for _, o := range obligations {
		events, err := st.ObligationHistory(ctx, o.period, o.unit)
		if err != nil {
			t.Fatal(err)
		}
		f := reporting.FactsAt(events, time.Date(9999, time.January, 1, 0, 0, 0, 0, time.UTC))
		want := summary{exempt: f.Exempt, decision: string(f.Decision), first: moment(nonZero(f.FirstAt)), deadline: moment(&f.Deadline), flag: "-"}
		var changed *time.Time
		for _, e := range events {
			if e.Kind == reporting.EventFlaggedMissing {
				want.flag = moment(&e.Deadline)
			} else if changed == nil || e.At.After(*changed) {
				changed = &e.At
			}
		}
		want.changed = moment(changed)
		if !f.Present || o.stored != want {
			t.Errorf("%s: obligation %d/%s stores %+v, its history folds to %+v", step, o.period, o.unit, o.stored, want)
		}
		stored := o.stored
		stored.changed, stored.flag = "", ""
		if o.sqlFold != stored {
			t.Errorf("%s: obligation %d/%s stores %+v, obligation_history_at folds to %+v", step, o.period, o.unit, o.stored, o.sqlFold)
		}
	}
}

// TestObligationSummaryIsTheFoldOfItsHistory runs a mixed series of
// actions — uploads on time and late, returns and new versions (reviewed
// again or not), an acceptance turned into a return, exemptions and a withdrawal,
// extensions of a subtree and of a unit, the deadline tick before and
// after them, the next period — and checks that every obligation's
// summary is the fold of its history. The history itself cannot be
// rewritten: obligation_events refuses UPDATE and DELETE.
func TestObligationSummaryIsTheFoldOfItsHistory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx := newCPFixture(t)
	svc := fx.ops()
	d := fx.deadline
	h := func(hours int) time.Time { return d.Add(time.Duration(hours) * time.Hour) }
	code := func(i int) string { return fx.units[i].Code }
	review := func(i int, at time.Time, dec reporting.Decision) {
		t.Helper()
		if _, err := svc.Review(ctx, ops.CLIAdmin, at, ops.ReviewInput{SubmissionID: fx.latest(t, code(i)).ID, Decision: dec,
			Reason: "Xem lại mục I"}); err != nil {
			t.Fatalf("review unit %d: %v", i, err)
		}
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	filed := map[int]bool{}
	fx.fileDueBy(t, d, filed)
	_, err := svc.FlagMissing(ctx, h(1))
	must(err)
	fx.fileDueBy(t, h(72), filed)
	_, err = svc.Extend(ctx, ops.CLIAdmin, h(73), ops.ExtendInput{PeriodID: fx.periodID, Subtree: fx.districts[2],
		NewDeadline: d.AddDate(0, 0, 7), Reason: "Lũ lụt"})
	must(err)
	_, err = svc.Extend(ctx, ops.CLIAdmin, h(73), ops.ExtendInput{PeriodID: fx.periodID, UnitCodes: []string{code(29)},
		NewDeadline: h(100), Reason: "Thay thủ trưởng"})
	must(err)
	storetest.Record(t, fx.st, fx.periodID, code(9), reporting.Event{At: h(74), Kind: reporting.EventExtended, Deadline: h(90), Reason: "Gia hạn"})
	review(0, h(75), reporting.DecisionReturned)
	fx.file(t, code(0), h(80))
	review(0, h(81), reporting.DecisionAccepted)
	review(1, h(75), reporting.DecisionAccepted)
	review(1, h(76), reporting.DecisionReturned)
	review(3, h(77), reporting.DecisionReturned) // late, returned, filed again, not reviewed since
	fx.file(t, code(3), h(85))
	review(8, h(77), reporting.DecisionReturned) // late, returned, never filed again
	must(svc.Exempt(ctx, ops.CLIAdmin, h(78), fx.periodID, code(4), "Sáp nhập"))
	must(svc.Exempt(ctx, ops.CLIAdmin, h(78), fx.periodID, code(2), "Miễn nhầm"))
	_, err = svc.Unexempt(ctx, ops.CLIAdmin, h(79), fx.periodID, code(2), "")
	must(err)
	_, err = svc.FlagMissing(ctx, h(101))
	must(err)
	storetest.OpenDue(t, fx.st, time.Date(2026, time.December, 20, 9, 0, 0, 0, vnZone), vnZone)

	var kinds int
	if err := fx.st.Pool().QueryRow(ctx, `SELECT count(DISTINCT kind) FROM obligation_events`).Scan(&kinds); err != nil || kinds != 8 {
		t.Fatalf("the series recorded %d kinds of events, want all 8 (%v)", kinds, err)
	}
	assertSummariesFoldHistories(t, fx.st, "after the series")

	var before int
	if err := fx.st.Pool().QueryRow(ctx, `SELECT count(*) FROM obligation_events`).Scan(&before); err != nil {
		t.Fatal(err)
	}
	for _, sql := range []string{
		`UPDATE obligation_events SET reason = 'Không miễn' WHERE kind = 'exempted'`,
		`UPDATE obligation_events SET at = at - interval '1 day' WHERE kind = 'uploaded'`,
		`DELETE FROM obligation_events WHERE kind = 'flagged_missing'`,
		`DELETE FROM obligation_events`,
	} {
		_, err := fx.st.Pool().Exec(ctx, sql)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "P0001" || !strings.Contains(pgErr.Message, "append-only") {
			t.Errorf("%s: %v, want refused as append-only", sql, err)
		}
	}
	var after int
	if err := fx.st.Pool().QueryRow(ctx, `SELECT count(*) FROM obligation_events`).Scan(&after); err != nil || after != before {
		t.Fatalf("%d events after the refused changes, %d before (%v)", after, before, err)
	}
	assertSummariesFoldHistories(t, fx.st, "after the refused changes")
}

// The matrix seed: a province reorganised on 2025-07-01, a district D1
// with communes X1 and X2 until then; afterwards D1 is gone, X2 closed, X1
// renamed (Xã Một → Phường Một) and moved under the province, itself
// renamed. Form MX has four half-year periods, two on each side.
const matrixUnits = `
	INSERT INTO units (code, active_from, active_until) VALUES
		('P', '2020-01-01', NULL), ('D1', '2020-01-01', '2025-06-30'),
		('X1', '2020-01-01', NULL), ('X2', '2020-01-01', '2025-06-30');
	INSERT INTO unit_versions (unit_code, valid_from, valid_until, name, kind, parent_code) VALUES
		('P', '2020-01-01', '2025-06-30', 'UBND tỉnh Cũ', 'province', NULL),
		('P', '2025-07-01', NULL, 'UBND tỉnh Mới', 'province', NULL),
		('D1', '2020-01-01', '2025-06-30', 'UBND huyện Một', 'district_pc', 'P'),
		('X1', '2020-01-01', '2025-06-30', 'UBND xã Một', 'commune_pc', 'D1'),
		('X1', '2025-07-01', NULL, 'UBND phường Một', 'commune_pc', 'P'),
		('X2', '2020-01-01', '2025-06-30', 'UBND xã Hai', 'commune_pc', 'D1');
	INSERT INTO forms (code) VALUES ('MX');
	INSERT INTO form_versions (form_code, version, checksum, title, definition, source) VALUES ('MX', 1, 'x', 'MX', '{}', '');`

// matrixAt is after MX's 2026-H1 opened and before its deadline.
var matrixAt = time.Date(2026, time.June, 20, 0, 0, 0, 0, time.UTC)

// mxPeriod is MX's half-year period key starting on day from: it opens a
// month before its window ends, is due 15 days after and locks two months
// after.
func mxPeriod(key string, from time.Time) reporting.Period {
	return reporting.Period{Periodicity: reporting.HalfYear, Key: key, Label: "Kỳ " + key, DataFrom: from, DataTo: from.AddDate(0, 6, -1),
		OpensAt: from.AddDate(0, 5, 0), Deadline: from.AddDate(0, 6, 15), LocksAt: from.AddDate(0, 8, 0)}
}

// seedMatrix stores matrixUnits, opens MX's periods through the store —
// ids in the order 2026-H1, 2024-H1, 2025-H2, 2024-H2, not their data
// order; districts report except in 2024-H2 — and gives the obligations
// their histories through the storetest factories. It returns the periods'
// ids by key.
func seedMatrix(t *testing.T) (*store.Store, map[string]int64) {
	t.Helper()
	ctx := context.Background()
	st := storetest.Open(t)
	if _, err := st.Pool().Exec(ctx, matrixUnits); err != nil {
		t.Fatal(err)
	}
	form := reporting.Form{Code: "MX", UnitKinds: []reporting.UnitKind{reporting.KindDistrictPC, reporting.KindCommunePC}}
	if err := st.Pool().QueryRow(ctx, `SELECT id FROM form_versions WHERE form_code = 'MX'`).Scan(&form.VersionID); err != nil {
		t.Fatal(err)
	}
	communes := form
	communes.UnitKinds = []reporting.UnitKind{reporting.KindCommunePC}
	periods := map[string]reporting.Period{}
	for _, o := range []struct {
		form        reporting.Form
		key         string
		from        time.Time
		obligations int
	}{
		{form, "2026-H1", reporting.Day(2026, time.January, 1), 1},
		{form, "2024-H1", reporting.Day(2024, time.January, 1), 3},
		{form, "2025-H2", reporting.Day(2025, time.July, 1), 1},
		{communes, "2024-H2", reporting.Day(2024, time.July, 1), 2},
	} {
		p := mxPeriod(o.key, o.from)
		periods[o.key] = p
		res, err := st.OpenPeriods(ctx, o.form, []reporting.Period{p})
		if err != nil || res.Obligations != o.obligations {
			t.Fatalf("open %s: %+v, %v; want %d obligations", o.key, res, err, o.obligations)
		}
	}
	ids := map[string]int64{}
	rows, err := st.Pool().Query(ctx, `SELECT key, id FROM periods WHERE form_code = 'MX'`)
	if err != nil {
		t.Fatal(err)
	}
	var (
		key string
		id  int64
	)
	if _, err := pgx.ForEachRow(rows, []any{&key, &id}, func() error { ids[key] = id; return nil }); err != nil {
		t.Fatal(err)
	}
	// X1 and D1 file, X2 is exempted in 2024-H1 and never files.
	days := func(key string, n int) time.Time { return periods[key].Deadline.AddDate(0, 0, n) }
	event := func(key, unit string, k reporting.EventKind, at time.Time, reason string) {
		storetest.Record(t, st, ids[key], unit, reporting.Event{At: at, Kind: k, Reason: reason})
	}
	storetest.Upload(t, st, ids["2025-H2"], "X1", days("2025-H2", -1))
	event("2025-H2", "X1", reporting.EventAccepted, days("2025-H2", 0), "")
	storetest.Upload(t, st, ids["2024-H1"], "X1", days("2024-H1", -2))
	event("2024-H1", "X2", reporting.EventExempted, days("2024-H1", -10), "Sáp nhập")
	storetest.Upload(t, st, ids["2024-H1"], "D1", days("2024-H1", -3))
	event("2024-H1", "D1", reporting.EventReturned, days("2024-H1", 1), "Sai số liệu")
	storetest.Upload(t, st, ids["2024-H2"], "X1", days("2024-H2", 2))
	assertCellsRebuilt(t, st, "seeded")
	return st, ids
}

func TestFormMatrixVersionsWindowsAndScopes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, _ := seedMatrix(t)
	// Before X1's late 2024-H2 version (18/1/2025); and the day 2024-H1
	// fell due, before D1's version was returned and before 2024-H2
	// opened: cells changed since come from the history.
	beforeLate := time.Date(2025, time.January, 17, 12, 0, 0, 0, time.UTC)
	dueDay := time.Date(2024, time.July, 16, 12, 0, 0, 0, time.UTC)
	const (
		sub = reporting.StatusSubmitted
		lat = reporting.StatusLate
		acc = reporting.StatusAccepted
		pen = reporting.StatusPending
		exe = reporting.StatusExempt
		mis = reporting.StatusMissing
		ret = reporting.StatusReturned
	)
	type row struct {
		code, name, parent, parentName string
		statuses                       []reporting.Status
	}
	tests := []struct {
		name        string
		at          time.Time
		from, to    time.Time
		scope       reporting.UnitScope
		periods     []string
		obligations []int
		rows        []row
	}{
		{
			name: "everything", scope: reporting.AllUnits,
			periods: []string{"2024-H1", "2024-H2", "2025-H2", "2026-H1"}, obligations: []int{3, 2, 1, 1},
			// Rows by parent, then code. X1's row is its latest version:
			// renamed, under the province as the province was named then.
			rows: []row{
				{"X2", "UBND xã Hai", "D1", "UBND huyện Một", []reporting.Status{exe, mis, "", ""}},
				{"D1", "UBND huyện Một", "P", "UBND tỉnh Cũ", []reporting.Status{ret, "", "", ""}},
				{"X1", "UBND phường Một", "P", "UBND tỉnh Mới", []reporting.Status{sub, lat, acc, pen}},
			},
		},
		{
			name: "a window after the reform", from: reporting.Day(2025, time.January, 1), scope: reporting.AllUnits,
			periods: []string{"2025-H2", "2026-H1"}, obligations: []int{1, 1},
			rows: []row{{"X1", "UBND phường Một", "P", "UBND tỉnh Mới", []reporting.Status{acc, pen}}},
		},
		{
			name: "2024 as it stood before a late version", at: beforeLate, to: reporting.Day(2024, time.December, 31), scope: reporting.AllUnits,
			periods: []string{"2024-H1", "2024-H2"}, obligations: []int{3, 2},
			rows: []row{
				{"X2", "UBND xã Hai", "D1", "UBND huyện Một", []reporting.Status{exe, mis}},
				{"X1", "UBND xã Một", "D1", "UBND huyện Một", []reporting.Status{sub, mis}},
				{"D1", "UBND huyện Một", "P", "UBND tỉnh Cũ", []reporting.Status{ret, ""}},
			},
		},
		{
			name: "2024 on the day 2024-H1 fell due", at: dueDay, to: reporting.Day(2024, time.December, 31), scope: reporting.AllUnits,
			periods: []string{"2024-H1", "2024-H2"}, obligations: []int{3, 0},
			rows: []row{
				{"X2", "UBND xã Hai", "D1", "UBND huyện Một", []reporting.Status{exe, ""}},
				{"X1", "UBND xã Một", "D1", "UBND huyện Một", []reporting.Status{sub, ""}},
				{"D1", "UBND huyện Một", "P", "UBND tỉnh Cũ", []reporting.Status{sub, ""}},
			},
		},
		{
			// The district's tree held X1 only before the reform.
			name: "the district's subtree", scope: reporting.UnitScope{Subtree: "D1"},
			periods: []string{"2024-H1", "2024-H2", "2025-H2", "2026-H1"}, obligations: []int{3, 2, 0, 0},
			rows: []row{
				{"X2", "UBND xã Hai", "D1", "UBND huyện Một", []reporting.Status{exe, mis, "", ""}},
				{"X1", "UBND xã Một", "D1", "UBND huyện Một", []reporting.Status{sub, lat, "", ""}},
				{"D1", "UBND huyện Một", "P", "UBND tỉnh Cũ", []reporting.Status{ret, "", "", ""}},
			},
		},
		{
			name: "the province's subtree", scope: reporting.UnitScope{Subtree: "P"},
			periods: []string{"2024-H1", "2024-H2", "2025-H2", "2026-H1"}, obligations: []int{3, 2, 1, 1},
			rows: []row{
				{"X2", "UBND xã Hai", "D1", "UBND huyện Một", []reporting.Status{exe, mis, "", ""}},
				{"D1", "UBND huyện Một", "P", "UBND tỉnh Cũ", []reporting.Status{ret, "", "", ""}},
				{"X1", "UBND phường Một", "P", "UBND tỉnh Mới", []reporting.Status{sub, lat, acc, pen}},
			},
		},
		{
			// A subtree and a unit add up: all of X1, the district's tree.
			name: "a subtree and a unit", scope: reporting.UnitScope{Subtree: "D1", Codes: []string{"X1"}},
			periods: []string{"2024-H1", "2024-H2", "2025-H2", "2026-H1"}, obligations: []int{3, 2, 1, 1},
			rows: []row{
				{"X2", "UBND xã Hai", "D1", "UBND huyện Một", []reporting.Status{exe, mis, "", ""}},
				{"D1", "UBND huyện Một", "P", "UBND tỉnh Cũ", []reporting.Status{ret, "", "", ""}},
				{"X1", "UBND phường Một", "P", "UBND tỉnh Mới", []reporting.Status{sub, lat, acc, pen}},
			},
		},
		{
			name: "one unit", scope: reporting.UnitScope{Codes: []string{"X2"}},
			periods: []string{"2024-H1", "2024-H2", "2025-H2", "2026-H1"}, obligations: []int{1, 1, 0, 0},
			rows: []row{{"X2", "UBND xã Hai", "D1", "UBND huyện Một", []reporting.Status{exe, mis, "", ""}}},
		},
		{
			name: "the zero scope", scope: reporting.UnitScope{},
			periods: []string{"2024-H1", "2024-H2", "2025-H2", "2026-H1"}, obligations: []int{0, 0, 0, 0},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			at := cmp.Or(tt.at, matrixAt)
			m, err := st.FormMatrix(ctx, "MX", tt.from, tt.to, at, tt.scope)
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			var obligations []int
			for _, p := range m.Periods {
				keys, obligations = append(keys, p.Key), append(obligations, p.Obligations)
			}
			if !slices.Equal(keys, tt.periods) || !slices.Equal(obligations, tt.obligations) {
				t.Errorf("periods %v with %v obligations, want %v with %v", keys, obligations, tt.periods, tt.obligations)
			}
			var got []row
			for _, r := range m.Rows {
				got = append(got, row{r.UnitCode, r.UnitName, r.ParentCode, r.ParentName, r.Statuses})
			}
			if !slices.EqualFunc(got, tt.rows, func(a, b row) bool {
				return a.code == b.code && a.name == b.name && a.parent == b.parent && a.parentName == b.parentName &&
					slices.Equal(a.statuses, b.statuses)
			}) {
				t.Errorf("rows\n got %+v\nwant %+v", got, tt.rows)
			}
		})
	}
}

// acceptLatest accepts, at `at`, the latest version of (period, unit)
// inside tx, as a review does: the review and its history event.
func acceptLatest(ctx context.Context, tx *store.Store, periodID int64, unit string, at time.Time) error {
	o, err := tx.LockObligation(ctx, periodID, unit)
	if err != nil {
		return err
	}
	if _, err := tx.InsertReview(ctx, o.LatestSubmissionID, nil, reporting.DecisionAccepted, "", at); err != nil {
		return err
	}
	return tx.RecordEvents(ctx, []store.ObligationEvent{{PeriodID: periodID, UnitCode: unit, Event: reporting.Event{
		At: at, Kind: reporting.EventAccepted, Actor: "test", SubmissionID: o.LatestSubmissionID, Version: o.LatestVersion}}})
}

// TestMatrixCellsConcurrentWriters accepts two periods of one unit in two
// transactions at once: the second waits for the first's lock on the
// unit's cells and must patch what the first committed, not overwrite it.
func TestMatrixCellsConcurrentWriters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, ids := seedMatrix(t)
	at := matrixAt.Add(-time.Hour)
	firstWrote, release := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- st.InTx(ctx, func(tx *store.Store) error {
			if err := acceptLatest(ctx, tx, ids["2024-H2"], "X1", at); err != nil {
				return err
			}
			close(firstWrote)
			<-release // holds X1's 2024 cells until the test lets go
			return nil
		})
	}()
	select {
	case err := <-first:
		t.Fatalf("the first writer ended early: %v", err)
	case <-firstWrote:
	}
	second := make(chan error, 1)
	go func() {
		second <- st.InTx(ctx, func(tx *store.Store) error { return acceptLatest(ctx, tx, ids["2024-H1"], "X1", at) })
	}()
	select {
	case err := <-second:
		close(release)
		t.Fatalf("the second writer did not wait: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	assertCellsRebuilt(t, st, "two writers")
	m, err := st.FormMatrix(ctx, "MX", time.Time{}, reporting.Day(2024, time.December, 31), matrixAt, reporting.UnitScope{Codes: []string{"X1"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Rows) != 1 || !slices.Equal(m.Rows[0].Statuses, []reporting.Status{reporting.StatusAccepted, reporting.StatusAccepted}) {
		t.Fatalf("X1 after both writers: %+v", m.Rows)
	}
}

func TestMatrixCellsDeleteAndFixedKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, ids := seedMatrix(t)
	var pgErr *pgconn.PgError
	// An obligation cannot be deleted by hand: its history refers to it
	// (and the history is append-only).
	_, err := st.Pool().Exec(ctx, `DELETE FROM obligations WHERE unit_code = 'X2' AND period_id = $1`, ids["2024-H2"])
	if !errors.As(err, &pgErr) || pgErr.Code != "23503" {
		t.Fatalf("deleting an obligation with a history: %v, want a foreign key violation", err)
	}
	assertCellsRebuilt(t, st, "after a refused delete")
	// An obligation's period and unit are fixed.
	_, err = st.Pool().Exec(ctx, `UPDATE obligations SET unit_code = 'X2' WHERE unit_code = 'X1' AND period_id = $1`, ids["2024-H1"])
	if !errors.As(err, &pgErr) || pgErr.Code != "P0001" {
		t.Fatalf("moving an obligation to another unit: %v, want refused", err)
	}
	assertCellsRebuilt(t, st, "after a refused update")
	// Its unit version may move (a reconciliation with a reorganisation):
	// the cell leaves the former version's row for the new one's.
	tag, err := st.Pool().Exec(ctx, `UPDATE obligations SET unit_version_id = (SELECT id FROM unit_versions WHERE unit_code = 'X1' AND valid_until IS NULL)
		WHERE unit_code = 'X1' AND period_id = $1`, ids["2024-H1"])
	if err != nil || tag.RowsAffected() != 1 {
		t.Fatalf("moving an obligation to another unit version: %v (%d rows)", err, tag.RowsAffected())
	}
	assertCellsRebuilt(t, st, "after a version move")
	// So are a period's form and first day, which place its cells.
	for _, set := range []string{"data_from = data_from - 1", "form_code = 'TEST-CP'"} {
		_, err := st.Pool().Exec(ctx, `UPDATE periods SET `+set+` WHERE key = '2024-H1'`)
		if !errors.As(err, &pgErr) || pgErr.Code != "P0001" {
			t.Errorf("UPDATE periods SET %s: %v, want refused", set, err)
		}
	}
	if _, err := st.Pool().Exec(ctx, `UPDATE periods SET label = 'Kỳ đầu năm 2024' WHERE key = '2024-H1'`); err != nil {
		t.Errorf("a period's label may change: %v", err)
	}
}

// TestMatrixPatch checks the SQL function the triggers patch cells with:
// cells stay in period id order, one per period.
func TestMatrixPatch(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	// Cells are written by period id and a letter for their facts: "3a"
	// is period 3, accepted. Each letter packs different bytes.
	facts := map[byte]string{
		'p': "false, '', NULL, '2026-01-01', '2025-12-01'",                 // pending
		's': "false, '', '2025-12-20', '2026-01-01', '2025-12-20'",         // submitted
		'a': "false, 'accepted', '2025-12-20', '2026-01-01', '2025-12-22'", // accepted
		'r': "false, 'returned', '2025-12-20', '2026-01-01', '2025-12-22'", // returned
		'e': "true, '', NULL, '2026-01-01', '2025-12-10'",                  // exempt
		'm': "false, '', NULL, '2026-01-01', '2026-01-02'",                 // flagged (a later change)
	}
	tests := []struct {
		name         string
		cells, patch []string
		want         []string
	}{
		{"into nothing", nil, []string{"3p"}, []string{"3p"}},
		{"appended", []string{"1p", "2p"}, []string{"3p"}, []string{"1p", "2p", "3p"}},
		{"before the first", []string{"2p", "3p"}, []string{"1p"}, []string{"1p", "2p", "3p"}},
		{"between two", []string{"1p", "3p"}, []string{"2p"}, []string{"1p", "2p", "3p"}},
		{"the first replaced", []string{"1p", "2p", "3p"}, []string{"1a"}, []string{"1a", "2p", "3p"}},
		{"a middle one replaced", []string{"1p", "2p", "3p"}, []string{"2s"}, []string{"1p", "2s", "3p"}},
		{"the last replaced", []string{"1p", "2p", "3p"}, []string{"3m"}, []string{"1p", "2p", "3m"}},
		{"several at once", []string{"2p", "4r"}, []string{"1e", "2s", "3p", "5p"}, []string{"1e", "2s", "3p", "4r", "5p"}},
		{"a large id", []string{"255p"}, []string{"256p"}, []string{"255p", "256p"}},
	}
	pack := func(cells []string) string {
		var b strings.Builder
		for _, c := range cells {
			fmt.Fprintf(&b, "|| matrix_cell(%s, %s) ", c[:len(c)-1], facts[c[len(c)-1]])
		}
		return "(''::bytea " + b.String() + ")"
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var equal bool
			err := st.Pool().QueryRow(context.Background(),
				"SELECT matrix_patch("+pack(tt.cells)+", "+pack(tt.patch)+") = "+pack(tt.want)).Scan(&equal)
			if err != nil || !equal {
				t.Fatalf("patch %v with %v: not %v (%v)", tt.cells, tt.patch, tt.want, err)
			}
		})
	}
}

// TestObligationVersionIsOfItsUnit: an obligation's unit version must be a
// version of its unit (migration 00005). The insert is refused, so nothing
// is written without its history.
func TestObligationVersionIsOfItsUnit(t *testing.T) {
	t.Parallel()
	st, _ := seedMatrix(t)
	_, err := st.Pool().Exec(context.Background(), `
		INSERT INTO obligations (period_id, unit_code, unit_version_id, deadline, changed_at)
		SELECT p.id, 'X2', v.id, p.deadline, p.opens_at FROM periods p, unit_versions v
		WHERE p.key = '2025-H2' AND v.unit_code = 'P' AND v.valid_until IS NOT NULL`)
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "23503" || pgErr.ConstraintName != "obligations_unit_version_fkey" {
		t.Fatalf("an obligation of X2 on the province's version: %v", err)
	}
}

// TestFormMatrixOverTextProtocolsAndErrors: behind PgBouncer-style settings
// bytea comes as hex text and the matrix must read the same; an error
// before the first row (here a lock timeout) is an error, not a panic.
func TestFormMatrixOverTextProtocolsAndErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, _ := seedMatrix(t)
	at := matrixAt
	scopes := []reporting.UnitScope{reporting.AllUnits, {Subtree: "D1"}, {Codes: []string{"X1"}}, {Subtree: "D1", Codes: []string{"X1"}}}
	want := map[int]store.Matrix{}
	for i, sc := range scopes {
		m, err := st.FormMatrix(ctx, "MX", time.Time{}, time.Time{}, at, sc)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = m
	}
	url := st.Pool().Config().ConnString()
	for _, mode := range []string{"exec", "simple_protocol"} {
		other, err := store.Open(ctx, url+"&default_query_exec_mode="+mode)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		for i, sc := range scopes {
			m, err := other.FormMatrix(ctx, "MX", time.Time{}, time.Time{}, at, sc)
			if err != nil {
				t.Fatalf("%s, scope %+v: %v", mode, sc, err)
			}
			if fmt.Sprint(m) != fmt.Sprint(want[i]) {
				t.Errorf("%s, scope %+v:\n got %v\nwant %v", mode, sc, m, want[i])
			}
		}
	}

	// unit_versions locked: the matrix query waits, and gives up at the
	// deadline with an error. One connection, so that the statement is
	// cached and pgx learns its columns only from the rows that never come.
	one, err := store.Open(ctx, url+"&pool_max_conns=1")
	if err != nil {
		t.Fatal(err)
	}
	defer one.Close()
	if _, err := one.FormMatrix(ctx, "MX", time.Time{}, time.Time{}, at, reporting.AllUnits); err != nil {
		t.Fatal(err)
	}
	tx, err := st.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck
	if _, err := tx.Exec(ctx, `LOCK TABLE unit_versions IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	if _, err := one.FormMatrix(short, "MX", time.Time{}, time.Time{}, at, reporting.AllUnits); err == nil {
		t.Fatal("a matrix read through a locked table: no error")
	}
}

// nonZero is &t, or nil for the zero time.
func nonZero(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
