package store_test

import (
	"context"
	"fmt"
	"math/big"
	"testing"
	"time"

	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
)

// TestRatioFieldsAddUpAsTheRatioOfTotals: a percentage declared the ratio
// of two fields consolidates as their totals' ratio over the units that
// gave both ("tỷ lệ chung"), per parent and overall; the same percentages
// without the declaration average ("bình quân"). Expected figures are
// worked out here from the raw values.
func TestRatioFieldsAddUpAsTheRatioOfTotals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	form := storetest.SyncFormYAML(t, st, "ratio.yaml", `code: RATIO-T
title: Tỷ lệ công khai (thử)
unit_kinds: [commune_pc]
schedules:
  - periodicity: half_year
    since: "2025-12-15"
    deadline: {after_cutoff_working_days: 2}
sections:
  - title: I. Công khai
    fields:
      - {code: phai, label: Số nội dung phải công khai, type: int, min: 0}
      - {code: da, label: Số nội dung đã công khai, type: int, min: 0}
      - {code: ty_le, label: Tỷ lệ đã công khai, type: percent, ratio: {numerator: da, denominator: phai}}
      - {code: ty_le_tb, label: Tỷ lệ (bình quân), type: percent}
`)
	if got := form.Fields()[2].Aggregate; got != reporting.AggRatio {
		t.Fatalf("ratio field's aggregate %q", got)
	}
	stored, err := st.FormByCode(ctx, "RATIO-T")
	if err != nil {
		t.Fatal(err)
	}
	day := reporting.Day(2020, time.January, 1)
	rows := []reporting.UnitRow{{Row: 2, Code: "P", Name: "UBND tỉnh Thử", Kind: reporting.KindProvince, ActiveFrom: &day}}
	for i, parent := range []string{"H1", "H1", "H2", "H2"} {
		if i%2 == 0 {
			rows = append(rows, reporting.UnitRow{Row: len(rows) + 2, Code: parent, Name: "Huyện " + parent, Kind: reporting.KindDistrictPC, ParentCode: "P", ActiveFrom: &day})
		}
		rows = append(rows, reporting.UnitRow{Row: len(rows) + 2, Code: fmt.Sprintf("X%d", i), Name: fmt.Sprintf("Xã %d", i), Kind: reporting.KindCommunePC, ParentCode: parent, ActiveFrom: &day})
	}
	if _, err := st.ImportUnits(ctx, rows, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	hcm := time.FixedZone("ICT", 7*3600)
	at := time.Date(2026, time.June, 10, 9, 0, 0, 0, hcm)
	storetest.OpenDue(t, st, at, hcm)
	var period int64
	if err := st.Pool().QueryRow(ctx, `SELECT id FROM periods WHERE form_code = 'RATIO-T' AND key = '2026-H1'`).Scan(&period); err != nil {
		t.Fatal(err)
	}
	// da/phai per unit, with the unit's own percentage; X3 gives no phai:
	// it counts in neither total of the ratio, but its percentage averages.
	type report struct{ phai, da, pct string }
	reports := map[string]report{"X0": {"3", "3", "100"}, "X1": {"300", "200", "66.67"}, "X2": {"40", "10", "25"}, "X3": {"", "5", "50"}}
	for code, r := range reports {
		numbers := map[string]string{"da": r.da, "ty_le": r.pct, "ty_le_tb": r.pct}
		if r.phai != "" {
			numbers["phai"] = r.phai
		}
		fileNumbers(t, st, stored.VersionID, period, code, at, numbers)
	}
	c, err := st.Consolidate(ctx, store.ConsolidationQuery{FormCode: "RATIO-T", Period: "2026-H1", At: at.Add(time.Hour), Scope: reporting.AllUnits})
	if err != nil {
		t.Fatal(err)
	}
	// pct is 100·da/phai to two places, as a report prints it.
	pct := func(da, phai int64) string {
		r := new(big.Rat).SetFrac64(100*da, phai)
		return reporting.Decimal(r.FloatString(2)).String()
	}
	ratio, mean := c.FieldIndex("ty_le"), c.FieldIndex("ty_le_tb")
	check := func(name string, g *reporting.Group, wantRatio string, ratioUnits int, wantMean string) {
		t.Helper()
		if g == nil {
			t.Fatalf("%s: no group", name)
		}
		r, m := g.Values[ratio], g.Values[mean]
		if r.Value.Cmp(reporting.Decimal(wantRatio)) != 0 || r.Count != ratioUnits || m.Value.Cmp(reporting.Decimal(wantMean)) != 0 {
			t.Errorf("%s: ratio %s over %d, mean %s; want %s over %d, %s", name, r.Value, r.Count, m.Value, wantRatio, ratioUnits, wantMean)
		}
	}
	// Overall: (3+200+10)/(3+300+40) = 213/343; the mean of 100, 66.67, 25, 50.
	check("province", &c.Total, pct(213, 343), 3, "60.4175")
	// H1: 203/303; H2: 10/40 (X3 gave no phai), mean of 25 and 50.
	check("H1", c.Group(reporting.LevelParent, reporting.KindCommunePC, "H1"), pct(203, 303), 2, "83.335")
	check("H2", c.Group(reporting.LevelParent, reporting.KindCommunePC, "H2"), pct(10, 40), 1, "37.5")
}
