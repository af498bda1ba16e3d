package store_test

import (
	"context"
	"testing"
	"time"

	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
)

// TestConsolidationIsIssuedByTodaysRoot: a period of the former province
// consolidated after the merger is headed by the merged province (which
// issues it now); consolidated back then, by the former one.
func TestConsolidationIsIssuedByTodaysRoot(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	storetest.SyncFormYAML(t, st, "root.yaml", `code: ROOT-H
title: Báo cáo 6 tháng (thử)
unit_kinds: [commune_pc]
schedules:
  - periodicity: half_year
    since: "2023-12-15"
    deadline: {after_cutoff_working_days: 2}
sections:
  - title: I. Chỉ tiêu
    fields:
      - {code: so_cuoc, label: Số cuộc, type: int, min: 0}
`)
	from, until, merged := reporting.Day(2020, time.January, 1), reporting.Day(2025, time.June, 30), reporting.Day(2025, time.July, 1)
	rows := []reporting.UnitRow{
		{Row: 2, Code: "R70", Name: "UBND tỉnh Bình Phước", Kind: reporting.KindProvince, ActiveFrom: &from, ActiveUntil: &until},
		{Row: 3, Code: "R75", Name: "UBND thành phố Đồng Nai", Kind: reporting.KindProvince, ActiveFrom: &merged},
		{Row: 4, Code: "RX1", Name: "Xã Một", Kind: reporting.KindCommunePC, ParentCode: "R70", ActiveFrom: &from, ActiveUntil: &until},
	}
	if _, err := st.ImportUnits(ctx, rows, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	hcm := time.FixedZone("ICT", 7*3600)
	storetest.OpenDue(t, st, time.Date(2024, time.December, 20, 9, 0, 0, 0, hcm), hcm)
	for _, tc := range []struct {
		at          time.Time
		issuer, row string
	}{
		{time.Date(2024, time.December, 20, 9, 0, 0, 0, hcm), "UBND tỉnh Bình Phước", "TỔNG CỘNG TOÀN TỈNH"},
		{time.Date(2026, time.March, 2, 9, 0, 0, 0, hcm), "UBND thành phố Đồng Nai", "TỔNG CỘNG TOÀN THÀNH PHỐ"},
	} {
		c, err := st.Consolidate(ctx, store.ConsolidationQuery{FormCode: "ROOT-H", Period: "2024-H2", At: tc.at, Scope: reporting.AllUnits})
		if err != nil {
			t.Fatal(err)
		}
		if c.Province != tc.issuer || c.TotalLabel() != tc.row || len(c.Units) != 1 {
			t.Errorf("at %s: issued by %q, total %q, %d units; want %q, %q, 1", tc.at.Format(time.DateOnly), c.Province, c.TotalLabel(), len(c.Units), tc.issuer, tc.row)
		}
	}
}
