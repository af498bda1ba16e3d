package ops_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"baocao/ops"
	"baocao/store"
	"baocao/store/storetest"
)

// recentFormYAML reports every quarter and every year since 2024: the
// annual periods begin a year before they end, so the latest periods by
// start include one that began before the quarters around it.
const recentFormYAML = `code: RECENT-QY
title: Báo cáo quý và năm (thử)
unit_kinds: [commune_pc]
schedules:
  - periodicity: quarterly
    since: "2023-12-15"
    deadline: {after_cutoff_working_days: 2}
  - periodicity: annual
    since: "2023-12-15"
    deadline: {after_cutoff_working_days: 5}
sections:
  - title: I. Chỉ tiêu
    fields:
      - {code: so_cuoc, label: Số cuộc, type: int, min: 0, aggregate: sum}
`

// TestRecentMatrixIsTheFullMatrixsLastColumns: the matrix page's latest n
// periods, read from the n-th latest period's start only, are the last n
// columns of the whole matrix, with the same rows and statuses, for n
// below, at and above the number of periods.
func TestRecentMatrixIsTheFullMatrixsLastColumns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	storetest.SyncFormYAML(t, st, "recent.yaml", recentFormYAML)
	var units []string
	for i := range 4 {
		units = append(units, storetest.Unit(t, st, &storetest.UnitOpts{Name: fmt.Sprintf("Xã Gần Đây %d", i+1)}).Code)
	}
	now := time.Date(2026, time.December, 20, 9, 0, 0, 0, hcm)
	svc := storetest.Ops(st, hcm)
	if _, err := svc.OpenDuePeriods(ctx, now); err != nil {
		t.Fatal(err)
	}
	full, err := svc.Matrix(ctx, ops.CLIAdmin, now, "RECENT-QY", time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(full.Periods) < 12 || len(full.Rows) != len(units) {
		t.Fatalf("the whole matrix: %d periods, %d rows", len(full.Periods), len(full.Rows))
	}
	for _, n := range []int{1, 3, 8, len(full.Periods), len(full.Periods) + 5} {
		got, err := svc.RecentMatrix(ctx, ops.CLIAdmin, now, "RECENT-QY", n)
		if err != nil {
			t.Fatal(err)
		}
		k := min(n, len(full.Periods))
		wantPeriods := full.Periods[len(full.Periods)-k:]
		if fmt.Sprint(got.Periods) != fmt.Sprint(wantPeriods) {
			t.Errorf("n=%d: periods\n got %v\nwant %v", n, keysOf(got.Periods), keysOf(wantPeriods))
		}
		if len(got.Rows) != len(full.Rows) {
			t.Fatalf("n=%d: %d rows, want %d", n, len(got.Rows), len(full.Rows))
		}
		for i, r := range got.Rows {
			w := full.Rows[i]
			if r.UnitCode != w.UnitCode || r.UnitName != w.UnitName || r.ParentName != w.ParentName ||
				!slices.Equal(r.Statuses, w.Statuses[len(w.Statuses)-k:]) {
				t.Errorf("n=%d row %d:\n got %+v\nwant %+v (last %d)", n, i, r, w, k)
			}
		}
	}
}

func keysOf(ps []store.MatrixPeriod) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Key
	}
	return out
}
