package ops_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
)

// TestDashboardShowsTheLatestOpenedPeriodsThatObligeSomeone: per form, the
// dashboard shows the latest periods (by data window) opened by the moment
// asked about that oblige some unit — not one opened later, not one
// nobody owed (before the units came, after they went) — newest first, the latest with its
// groups, each with the counts PeriodCompliance gives it.
func TestDashboardShowsTheLatestOpenedPeriodsThatObligeSomeone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	storetest.SyncFormYAML(t, st, "recent.yaml", recentFormYAML)
	// Units from March 2025 to March 2026: the periods before and after
	// are stored, owed by nobody.
	from, until := reporting.Day(2025, time.March, 1), reporting.Day(2026, time.March, 31)
	rows := []reporting.UnitRow{{Row: 2, Code: "T79", Name: "UBND tỉnh Bảng", Kind: reporting.KindProvince, ActiveFrom: &from}}
	for i := range 3 {
		rows = append(rows, reporting.UnitRow{Row: i + 3, Code: fmt.Sprintf("TX%d", i), Name: fmt.Sprintf("Xã Bảng %d", i+1),
			Kind: reporting.KindCommunePC, ParentCode: "T79", ActiveFrom: &from, ActiveUntil: &until})
	}
	if _, err := st.ImportUnits(ctx, rows, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	end := time.Date(2026, time.December, 20, 9, 0, 0, 0, hcm)
	svc := storetest.Ops(st, hcm)
	if _, err := svc.OpenDuePeriods(ctx, end); err != nil {
		t.Fatal(err)
	}
	all, err := st.Periods(ctx, store.PeriodFilter{FormCode: "RECENT-QY"})
	if err != nil {
		t.Fatal(err)
	}
	empty := 0
	for _, p := range all {
		if p.Obligations == 0 {
			empty++
		}
	}
	if empty == 0 {
		t.Fatalf("no period without obligations among %d: the test would not test that rule", len(all))
	}
	for _, now := range []time.Time{end, time.Date(2026, time.May, 2, 9, 0, 0, 0, hcm), time.Date(2025, time.October, 1, 9, 0, 0, 0, hcm)} {
		for _, recent := range []int{1, 3, 6} {
			var want []string
			for _, p := range all { // newest first
				if len(want) < recent && !p.OpensAt.After(now) && p.Obligations > 0 {
					want = append(want, p.Key)
				}
			}
			forms, err := svc.Dashboard(ctx, ops.CLIAdmin, now, recent)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range forms {
				if f.Form.Code != "RECENT-QY" {
					continue
				}
				for j, c := range f.Periods {
					got = append(got, c.Period.Key)
					wantC, err := st.PeriodCompliance(ctx, c.PeriodID, now, reporting.AllUnits)
					if err != nil {
						t.Fatal(err)
					}
					if c.Total != wantC.Total || j == 0 && fmt.Sprint(c.ByParent, c.ByKind) != fmt.Sprint(wantC.ByParent, wantC.ByKind) {
						t.Errorf("%s at %s: %+v, compliance %+v", c.Period.Key, now, c, wantC)
					}
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("at %s, %d recent: %v, want %v", now.Format(time.DateOnly), recent, got, want)
			}
		}
	}
}
