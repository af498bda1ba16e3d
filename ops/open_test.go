package ops_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"baocao/store"
	"baocao/store/storetest"
	"baocao/templates"
)

var hcm = mustLoc("Asia/Ho_Chi_Minh")

func mustLoc(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// seed loads the embedded forms and a small tree: a province, two
// communes, an agency, a commune closed before 2026 and one opened in 2026.
func seed(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	files, err := templates.EmbeddedForms()
	if err != nil {
		t.Fatal(err)
	}
	var src []store.FormSource
	for _, f := range files {
		src = append(src, store.FormSource{Definition: f.Form, Source: string(f.Source), Checksum: f.Checksum})
	}
	if _, err := st.SyncForms(ctx, src); err != nil {
		t.Fatal(err)
	}
	_, err = st.Pool().Exec(ctx, `
		INSERT INTO units (code, active_from, active_until) VALUES
		  ('70', '2020-01-01', NULL), ('25001', '2020-01-01', NULL), ('25002', '2020-01-01', NULL),
		  ('70.S01', '2020-01-01', NULL), ('25003', '2020-01-01', '2025-06-30'), ('25004', '2026-01-01', NULL);
		INSERT INTO unit_versions (unit_code, valid_from, valid_until, name, kind, parent_code) VALUES
		  ('70', '2020-01-01', NULL, 'UBND tỉnh', 'province', NULL),
		  ('25001', '2020-01-01', NULL, 'Xã Một', 'commune_pc', '70'),
		  ('25002', '2020-01-01', NULL, 'Xã Hai', 'commune_pc', '70'),
		  ('70.S01', '2020-01-01', NULL, 'Sở Nội vụ', 'agency', '70'),
		  ('25003', '2020-01-01', '2025-06-30', 'Xã Ba (đã sáp nhập)', 'commune_pc', '70'),
		  ('25004', '2026-01-01', NULL, 'Xã Bốn (mới)', 'commune_pc', '70')`)
	if err != nil {
		t.Fatal(err)
	}
}

func count(t *testing.T, st *store.Store, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := st.Pool().QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestOpenDueOpensEachPeriodOnceForActiveUnitsOfTheFormsKinds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	seed(t, st)

	now := time.Date(2026, time.July, 1, 8, 0, 0, 0, hcm)
	first, err := storetest.Ops(st, hcm).OpenDuePeriods(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	if first.Periods == 0 {
		t.Fatal("nothing opened")
	}
	again, err := storetest.Ops(st, hcm).OpenDuePeriods(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	if again != (store.OpenResult{}) {
		t.Fatalf("second tick opened %+v, want nothing", again)
	}
	if got := count(t, st, `SELECT count(*) FROM periods`); got != first.Periods {
		t.Fatalf("%d periods stored, %d reported", got, first.Periods)
	}
	if got := count(t, st, `SELECT count(*) FROM obligations`); got != first.Obligations {
		t.Fatalf("%d obligations stored, %d reported", got, first.Obligations)
	}

	// Who owes the commune form's first half of 2026 (data 15/12/2025 to
	// 14/06/2026): the communes active on the cut-off, 14/06/2026 — the two
	// of 2025 and the one opened on 1/1/2026 — not the one closed in 2025,
	// not the agency, not the province.
	rows, err := st.Pool().Query(ctx, `
		SELECT o.unit_code FROM obligations o JOIN periods p ON p.id = o.period_id
		WHERE p.form_code = 'DCCS-XA' AND p.key = '2026-H1' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var c string
		rows.Scan(&c) //nolint:errcheck
		got = append(got, c)
	}
	if fmt.Sprint(got) != "[25001 25002 25004]" {
		t.Fatalf("2026-H1 obligations for %v, want [25001 25002 25004]", got)
	}
	// The unit closed on 30/6/2025 did owe the first half of 2025.
	if n := count(t, st, `SELECT count(*) FROM obligations o JOIN periods p ON p.id = o.period_id
		WHERE p.form_code = 'DCCS-XA' AND p.key = '2025-H1' AND o.unit_code = '25003'`); n != 1 {
		t.Fatalf("closed unit's 2025-H1 obligations = %d, want 1", n)
	}
	// Each obligation carries its kind's deadline: communes 2 working days
	// after the 14/6/2026 cut-off (Sunday) = Tuesday 16/6/2026, end of day.
	var deadline time.Time
	if err := st.Pool().QueryRow(ctx, `SELECT o.deadline FROM obligations o JOIN periods p ON p.id = o.period_id
		WHERE p.form_code = 'DCCS-XA' AND p.key = '2026-H1' AND o.unit_code = '25001'`).Scan(&deadline); err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, time.June, 16, 23, 59, 59, 999999000, hcm); !deadline.Equal(want) {
		t.Fatalf("deadline %s, want %s", deadline.In(hcm), want)
	}
}

func TestOpenDueCatchesUpAfterDowntime(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	seed(t, st)
	early := time.Date(2025, time.January, 2, 0, 0, 0, 0, hcm)
	if _, err := storetest.Ops(st, hcm).OpenDuePeriods(ctx, early); err != nil {
		t.Fatal(err)
	}
	before := count(t, st, `SELECT count(*) FROM periods`)
	// Down for almost two years: the next tick opens everything missed.
	late := time.Date(2026, time.December, 20, 0, 0, 0, 0, hcm)
	if _, err := storetest.Ops(st, hcm).OpenDuePeriods(ctx, late); err != nil {
		t.Fatal(err)
	}
	// Quarterly periods since 2024: data windows starting up to 15/12/2026.
	quarters := count(t, st, `SELECT count(*) FROM periods WHERE form_code = 'DCCS-QUY'`)
	if quarters < 8 || count(t, st, `SELECT count(*) FROM periods`) <= before {
		t.Fatalf("catch-up opened %d quarterly periods", quarters)
	}
	if n := count(t, st, `SELECT count(*) FROM periods WHERE opens_at > $1`, late); n != 0 {
		t.Fatalf("%d periods opened before their time", n)
	}
	if n := count(t, st, `SELECT count(*) FROM (SELECT form_code, key FROM periods GROUP BY 1, 2 HAVING count(*) > 1) d`); n != 0 {
		t.Fatalf("%d duplicated periods", n)
	}
}

func TestTwoSchedulersOpenEverythingExactlyOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := storetest.NewDB(t)
	var stores [2]*store.Store
	for i := range stores {
		s, err := store.Open(ctx, url) // separate pools, as two instances
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		stores[i] = s
	}
	seed(t, stores[0])
	now := time.Date(2026, time.November, 25, 9, 0, 0, 0, hcm)
	var wg sync.WaitGroup
	results := make([]store.OpenResult, 2)
	errs := make([]error, 2)
	for i := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = storetest.Ops(stores[i], hcm).OpenDuePeriods(ctx, now)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	periods := count(t, stores[0], `SELECT count(*) FROM periods`)
	obligations := count(t, stores[0], `SELECT count(*) FROM obligations`)
	if results[0].Periods+results[1].Periods != periods || results[0].Obligations+results[1].Obligations != obligations {
		t.Fatalf("instances report %+v and %+v, database holds %d periods and %d obligations", results[0], results[1], periods, obligations)
	}
	// A single scheduler on a fresh database creates the same amount.
	solo := storetest.Open(t)
	seed(t, solo)
	want, err := storetest.Ops(solo, hcm).OpenDuePeriods(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	if want.Periods != periods || want.Obligations != obligations {
		t.Fatalf("two schedulers made %d/%d, one makes %d/%d", periods, obligations, want.Periods, want.Obligations)
	}
}
