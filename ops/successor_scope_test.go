package ops_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
)

// The province's real reorganisation with a commune that filed DCCS-XA
// 2025-H2 in September 2025 under the 2024 list and then, the post-reform
// list imported, closed on 30/06/2025 by Resolution 1662 (it merged into a
// new commune) — before the period's cut-off (14/12/2025). Its report
// counts for the territory it merged into: in the scoped views of a
// supervisor of the new province (75), of the commune it merged into, but
// not of another commune. The communes merged that filed nothing count
// there too, released (exempt), as they do province-wide. The supervisors
// who count the report may open it. Expected counts come from the CSV
// files.
func TestAClosedFilerCountsInItsSuccessorsSubtree(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, svc, sept, xaH2, _ := reformUnderway(t)
	newList := readList(t, "../cmd/baocao/demo/units-2025.csv")
	communes := codesOfKinds(newList, reporting.KindCommunePC, reporting.KindDistrictPC)
	// The filer: the first predecessor of the first new commune formed from
	// communes that lost their code; other is a commune it did not join.
	var filer, successor, other string
	merged := map[string]int{} // new commune → communes merged into it that closed
	for _, r := range newList {
		if r.Kind != reporting.KindCommunePC {
			continue
		}
		p := slices.DeleteFunc(slices.Clone(r.Predecessors), func(c string) bool { return slices.Contains(communes, c) })
		merged[r.Code], merged["75"] = len(p), merged["75"]+len(p)
		if filer == "" && len(p) > 0 {
			filer, successor = p[0], r.Code
		} else if other == "" {
			other = r.Code
		}
	}
	storetest.Upload(t, st, xaH2, filer, sept.Add(time.Hour))
	at := sept.AddDate(0, 0, 1)
	if _, err := svc.ImportUnits(ctx, ops.CLIAdmin, at, newList,
		store.ImportOptions{Effective: reporting.Day(2025, time.July, 1), CloseMissing: true, SuccessionBasis: "Nghị quyết 1662/NQ-UBTVQH15"}); err != nil {
		t.Fatal(err)
	}

	supervisor := func(unit string) reporting.User {
		return reporting.User{Email: "gs-" + unit + "@test.baocao.vn", Role: reporting.RoleSupervisor, UnitCode: unit, Active: true}
	}
	for _, c := range []struct {
		unit                   string
		obliged, exempt, filed int
		listsFiler             bool
	}{
		// The province: every new commune, and every commune merged, one
		// of which filed.
		{unit: "75", obliged: len(communes) + merged["75"], exempt: merged["75"] - 1, filed: 1, listsFiler: true},
		// The commune it merged into: itself and those merged into it.
		{unit: successor, obliged: 1 + merged[successor], exempt: merged[successor] - 1, filed: 1, listsFiler: true},
		// Another commune: itself and those merged into it, none filed.
		{unit: other, obliged: 1 + merged[other], exempt: merged[other]},
	} {
		u := supervisor(c.unit)
		cp, err := svc.Compliance(ctx, u, at, xaH2)
		if err != nil {
			t.Fatal(err)
		}
		if cp.Total.Obliged != c.obliged || cp.Total.Exempt != c.exempt || cp.Total.Submitted != c.filed {
			t.Errorf("2025-H2 for the supervisor of %s: %d owed, %d released, %d filed; want %d, %d, %d",
				c.unit, cp.Total.Obliged, cp.Total.Exempt, cp.Total.Submitted, c.obliged, c.exempt, c.filed)
		}
		page, err := svc.PeriodPage(ctx, u, at, xaH2, store.PeriodUnitFilter{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		listed := slices.ContainsFunc(page.Units.Units, func(pu store.PeriodUnit) bool { return pu.UnitCode == filer })
		if listed != c.listsFiler {
			t.Errorf("period page of the supervisor of %s lists %s: %v, want %v", c.unit, filer, listed, c.listsFiler)
		}
		m, err := svc.Matrix(ctx, u, at, "DCCS-XA", time.Time{}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		col := slices.IndexFunc(m.Periods, func(p store.MatrixPeriod) bool { return p.ID == xaH2 })
		row := slices.IndexFunc(m.Rows, func(r store.MatrixRow) bool { return r.UnitCode == filer })
		inMatrix := col >= 0 && row >= 0 && m.Rows[row].Statuses[col] == reporting.StatusSubmitted
		if inMatrix != c.listsFiler {
			t.Errorf("matrix of the supervisor of %s shows %s's 2025-H2 report: %v, want %v", c.unit, filer, inMatrix, c.listsFiler)
		}
		// The report counted can be opened from the list, and only there.
		_, err = svc.UnitPeriod(ctx, u, at, xaH2, filer)
		if opened := err == nil; opened != c.listsFiler || !opened && reporting.ErrorCode(err) != reporting.ENOTFOUND {
			t.Errorf("the supervisor of %s opens %s's 2025-H2 page: %v, want allowed %v (else not found, as out of scope)", c.unit, filer, err, c.listsFiler)
		}
	}
	// The dashboard of the province's supervisor counts the report too.
	dash, err := svc.Dashboard(ctx, supervisor("75"), at, 12)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range dash {
		for _, p := range f.Periods {
			if p.PeriodID == xaH2 {
				found = true
				if p.Total.Submitted != 1 || p.Total.Obliged != len(communes)+merged["75"] {
					t.Errorf("dashboard of 75, 2025-H2: %d owed, %d filed; want %d, 1", p.Total.Obliged, p.Total.Submitted, len(communes)+merged["75"])
				}
			}
		}
	}
	if !found {
		t.Error("the dashboard of 75 does not show DCCS-XA 2025-H2")
	}
}
