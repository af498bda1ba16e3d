package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"baocao/reporting"
	"baocao/scheduler"
	"baocao/store"
	"baocao/store/storetest"
)

// rebuiltCellsSQL computes matrix_cells afresh from obligations; the
// triggers must keep the table equal to it.
const rebuiltCellsSQL = `
	SELECT p.form_code, extract(year FROM p.data_from)::smallint AS year, o.unit_version_id,
	       string_agg(matrix_cell(o.period_id, o.status, o.first_submitted_at, o.deadline), ''::bytea ORDER BY o.period_id) AS cells
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

// TestMatrixCellsFollowObligations walks a period through everything that
// writes obligations and checks matrix_cells against a rebuild after each
// step.
func TestMatrixCellsFollowObligations(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx := newCPFixture(t)
	admin := reporting.User{Email: "admin", Role: reporting.RoleAdmin, Active: true}
	done := map[int]bool{}
	steps := []struct {
		name string
		do   func(t *testing.T)
	}{
		{"period opened", func(t *testing.T) {}},
		{"first versions by the deadline", func(t *testing.T) { fx.fileDueBy(t, fx.deadline, done) }},
		{"deadline extended for district 3", func(t *testing.T) {
			_, err := fx.st.Extend(ctx, store.ExtendInput{PeriodID: fx.periodID, Subtree: fx.districts[2],
				NewDeadline: fx.deadline.Add(24 * time.Hour), Reason: "Lũ lụt", Actor: admin, Now: fx.deadline.Add(-time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
		}},
		{"missing flagged", func(t *testing.T) {
			if n, err := fx.st.FlagMissing(ctx, fx.deadline.Add(30*time.Hour)); err != nil || n == 0 {
				t.Fatalf("flagged %d, %v", n, err)
			}
		}},
		{"late versions", func(t *testing.T) { fx.fileDueBy(t, fx.deadline.Add(72*time.Hour), done) }},
		{"reviewed and exempted", func(t *testing.T) {
			subs, err := fx.st.Submissions(ctx, fx.periodID, fx.units[0].Code)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := fx.st.Review(ctx, store.ReviewInput{SubmissionID: subs[0].ID, Reviewer: admin,
				Decision: reporting.DecisionReturned, Reason: "Sai số liệu", Now: fx.deadline.Add(73 * time.Hour)}); err != nil {
				t.Fatal(err)
			}
			if err := fx.st.Exempt(ctx, fx.periodID, fx.units[4].Code, "Miễn", admin, fx.deadline.Add(74*time.Hour)); err != nil {
				t.Fatal(err)
			}
		}},
		{"next period opened", func(t *testing.T) {
			if _, err := scheduler.OpenDue(ctx, fx.st, time.Date(2026, time.December, 20, 9, 0, 0, 0, vnZone), vnZone); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, step := range steps {
		step.do(t)
		assertCellsRebuilt(t, fx.st, step.name)
	}
}

// matrixUnits seeds, by hand, a province reorganised on 2025-07-01: a
// district D1 with communes X1 and X2 until then; afterwards D1 is gone, X2
// closed, X1 renamed (Xã Một → Phường Một) and moved under the province,
// itself renamed. Form MX has four half-year periods, two on each side.
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
	INSERT INTO form_versions (form_code, version, checksum, title, definition, source) VALUES ('MX', 1, 'x', 'MX', '{}', '');
	INSERT INTO periods (form_code, form_version_id, periodicity, key, label, data_from, data_to, opens_at, deadline, locks_at)
	SELECT 'MX', (SELECT id FROM form_versions WHERE form_code = 'MX'), 'half_year', k, 'Kỳ ' || k, f::date,
	       (f::date + interval '6 months' - interval '1 day')::date,
	       f::timestamptz + interval '5 months', f::timestamptz + interval '6 months 15 days', f::timestamptz + interval '8 months'
	FROM (VALUES ('2026-H1', '2026-01-01'), ('2024-H1', '2024-01-01'), ('2025-H2', '2025-07-01'), ('2024-H2', '2024-07-01')) v (k, f);`

// matrixObligation inserts one obligation of form MX: unit code's version
// in effect at the period's start, a stored status and a first version.
const matrixObligation = `
	INSERT INTO obligations (period_id, unit_code, unit_version_id, deadline, status, first_submitted_at)
	SELECT p.id, v.unit_code, v.id, p.deadline, $3, p.deadline + $4::interval
	FROM periods p
	JOIN unit_versions v ON v.unit_code = $2 AND v.valid_from <= p.data_from AND (v.valid_until IS NULL OR v.valid_until >= p.data_from)
	WHERE p.form_code = 'MX' AND p.key = $1`

func seedMatrix(t *testing.T) *store.Store {
	t.Helper()
	ctx := context.Background()
	st := storetest.Open(t)
	if _, err := st.Pool().Exec(ctx, matrixUnits); err != nil {
		t.Fatal(err)
	}
	// Periods ids run 2026-H1, 2024-H1, 2025-H2, 2024-H2 (see
	// matrixUnits), and X2's obligations come last period first, so its
	// second cell goes before its first.
	for _, o := range []struct {
		period, unit, status string
		first                any // an interval after the deadline; nil: nothing in
	}{
		{"2026-H1", "X1", "pending", nil},
		{"2025-H2", "X1", "accepted", "-1 day"},
		{"2024-H1", "X1", "submitted", "-2 days"},
		{"2024-H2", "X2", "missing", nil},
		{"2024-H1", "X2", "exempt", nil}, // an earlier period id: inserted before
		{"2024-H1", "D1", "returned", "-3 days"},
		{"2024-H2", "X1", "late", "2 days"},
	} {
		tag, err := st.Pool().Exec(ctx, matrixObligation, o.period, o.unit, o.status, o.first)
		if err != nil || tag.RowsAffected() != 1 {
			t.Fatalf("obligation %+v: %v, %v", o, tag, err)
		}
	}
	assertCellsRebuilt(t, st, "seeded")
	return st
}

func TestFormMatrixVersionsWindowsAndScopes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := seedMatrix(t)
	at := time.Date(2026, time.March, 1, 0, 0, 0, 0, time.UTC) // before 2026-H1's deadline
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
		from        time.Time
		scope       store.ComplianceScope
		periods     []string
		obligations []int
		rows        []row
	}{
		{
			name: "everything", scope: store.Everything,
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
			name: "a window after the reform", from: reporting.Day(2025, time.January, 1), scope: store.Everything,
			periods: []string{"2025-H2", "2026-H1"}, obligations: []int{1, 1},
			rows: []row{{"X1", "UBND phường Một", "P", "UBND tỉnh Mới", []reporting.Status{acc, pen}}},
		},
		{
			// The district's tree held X1 only before the reform.
			name: "the district's subtree", scope: store.ComplianceScope{Subtree: "D1"},
			periods: []string{"2024-H1", "2024-H2", "2025-H2", "2026-H1"}, obligations: []int{3, 2, 0, 0},
			rows: []row{
				{"X1", "UBND xã Một", "D1", "UBND huyện Một", []reporting.Status{sub, lat, "", ""}},
				{"X2", "UBND xã Hai", "D1", "UBND huyện Một", []reporting.Status{exe, mis, "", ""}},
				{"D1", "UBND huyện Một", "P", "UBND tỉnh Cũ", []reporting.Status{ret, "", "", ""}},
			},
		},
		{
			name: "the province's subtree", scope: store.ComplianceScope{Subtree: "P"},
			periods: []string{"2024-H1", "2024-H2", "2025-H2", "2026-H1"}, obligations: []int{3, 2, 1, 1},
			rows: []row{
				{"X2", "UBND xã Hai", "D1", "UBND huyện Một", []reporting.Status{exe, mis, "", ""}},
				{"D1", "UBND huyện Một", "P", "UBND tỉnh Cũ", []reporting.Status{ret, "", "", ""}},
				{"X1", "UBND phường Một", "P", "UBND tỉnh Mới", []reporting.Status{sub, lat, acc, pen}},
			},
		},
		{
			// A subtree and a unit add up: all of X1, the district's tree.
			name: "a subtree and a unit", scope: store.ComplianceScope{Subtree: "D1", Unit: "X1"},
			periods: []string{"2024-H1", "2024-H2", "2025-H2", "2026-H1"}, obligations: []int{3, 2, 1, 1},
			rows: []row{
				{"X2", "UBND xã Hai", "D1", "UBND huyện Một", []reporting.Status{exe, mis, "", ""}},
				{"D1", "UBND huyện Một", "P", "UBND tỉnh Cũ", []reporting.Status{ret, "", "", ""}},
				{"X1", "UBND phường Một", "P", "UBND tỉnh Mới", []reporting.Status{sub, lat, acc, pen}},
			},
		},
		{
			name: "one unit", scope: store.ComplianceScope{Unit: "X2"},
			periods: []string{"2024-H1", "2024-H2", "2025-H2", "2026-H1"}, obligations: []int{1, 1, 0, 0},
			rows: []row{{"X2", "UBND xã Hai", "D1", "UBND huyện Một", []reporting.Status{exe, mis, "", ""}}},
		},
		{
			name: "the zero scope", scope: store.ComplianceScope{},
			periods: []string{"2024-H1", "2024-H2", "2025-H2", "2026-H1"}, obligations: []int{0, 0, 0, 0},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, err := st.FormMatrix(ctx, "MX", tt.from, time.Time{}, at, tt.scope)
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

// TestMatrixCellsConcurrentWriters changes two periods of one unit in two
// transactions at once: the second waits for the first's lock on the
// unit's cells and must patch what the first committed, not overwrite it.
func TestMatrixCellsConcurrentWriters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := seedMatrix(t)
	update := `UPDATE obligations SET status = 'accepted'
		WHERE unit_code = 'X1' AND period_id = (SELECT id FROM periods WHERE form_code = 'MX' AND key = $1)`
	first, err := st.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Rollback(ctx)
	if _, err := first.Exec(ctx, update, "2024-H2"); err != nil {
		t.Fatal(err)
	}
	second := make(chan error, 1)
	go func() {
		_, err := st.Pool().Exec(ctx, update, "2024-H1") // blocks on the cells row until first commits
		second <- err
	}()
	select {
	case err := <-second:
		t.Fatalf("the second writer did not wait: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	if err := first.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	assertCellsRebuilt(t, st, "two writers")
	m, err := st.FormMatrix(ctx, "MX", time.Time{}, reporting.Day(2024, time.December, 31), time.Now(), store.ComplianceScope{Unit: "X1"})
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
	st := seedMatrix(t)
	// A hand-made delete leaves no cell behind.
	if _, err := st.Pool().Exec(ctx, `DELETE FROM obligations WHERE unit_code = 'X2'
		AND period_id = (SELECT id FROM periods WHERE key = '2024-H2')`); err != nil {
		t.Fatal(err)
	}
	assertCellsRebuilt(t, st, "after a delete")
	// An obligation's unit version is fixed: the cells depend on it.
	_, err := st.Pool().Exec(ctx, `UPDATE obligations SET unit_version_id = (SELECT id FROM unit_versions WHERE unit_code = 'X1' AND valid_until IS NULL)
		WHERE unit_code = 'X1' AND period_id = (SELECT id FROM periods WHERE key = '2024-H1')`)
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "P0001" {
		t.Fatalf("moving an obligation to another unit version: %v", err)
	}
	assertCellsRebuilt(t, st, "after a refused update")
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
	// Cells are written by id and status letter: "3a" is period 3,
	// accepted.
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
		{"several at once", []string{"2p", "4p"}, []string{"1e", "2s", "3p", "5p"}, []string{"1e", "2s", "3p", "4p", "5p"}},
		{"a large id", []string{"255p"}, []string{"256p"}, []string{"255p", "256p"}},
	}
	pack := func(cells []string) string {
		var b strings.Builder
		for _, c := range cells {
			id, status := c[:len(c)-1], map[byte]string{'p': "pending", 'a': "accepted", 's': "submitted", 'm': "missing", 'e': "exempt"}[c[len(c)-1]]
			fmt.Fprintf(&b, "|| matrix_cell(%s, '%s', NULL, '2026-01-01') ", id, status)
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
// version of its unit (migration 00005).
func TestObligationVersionIsOfItsUnit(t *testing.T) {
	t.Parallel()
	st := seedMatrix(t)
	_, err := st.Pool().Exec(context.Background(), `
		INSERT INTO obligations (period_id, unit_code, unit_version_id, deadline)
		SELECT p.id, 'X2', v.id, p.deadline FROM periods p, unit_versions v
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
	st := seedMatrix(t)
	at := time.Date(2026, time.March, 1, 0, 0, 0, 0, time.UTC)
	scopes := []store.ComplianceScope{store.Everything, {Subtree: "D1"}, {Unit: "X1"}, {Subtree: "D1", Unit: "X1"}}
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
	if _, err := one.FormMatrix(ctx, "MX", time.Time{}, time.Time{}, at, store.Everything); err != nil {
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
	if _, err := one.FormMatrix(short, "MX", time.Time{}, time.Time{}, at, store.Everything); err == nil {
		t.Fatal("a matrix read through a locked table: no error")
	}
}
