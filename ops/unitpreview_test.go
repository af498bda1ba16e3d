package ops_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
)

// TestUnitImportPreviewChangesNothingThenApplies: the post-reform list,
// previewed over the 2024 one with the absent units closed, lists units
// created, changed (old → new) and closed, and the open periods whose
// obligations would change — and stores nothing; applied with the
// preview's fingerprint it stores exactly that; applied again with the
// same, now stale, fingerprint it is refused.
func TestUnitImportPreviewChangesNothingThenApplies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, svc, sept, xaH2, _ := reformUnderway(t)
	owedBefore := owing(t, st, xaH2)
	fpBefore, err := st.UnitsFingerprint(ctx)
	if err != nil {
		t.Fatal(err)
	}

	newList := readList(t, "../cmd/baocao/demo/units-2025.csv")
	opts := store.ImportOptions{Effective: reporting.Day(2025, time.July, 1), CloseMissing: true}
	later := sept.AddDate(0, 0, 1)
	pv, err := svc.PreviewUnitImport(ctx, ops.CLIAdmin, later, newList, opts)
	if err != nil {
		t.Fatal(err)
	}
	if pv.Fingerprint != fpBefore || len(pv.Created) == 0 || len(pv.Closed) == 0 || len(pv.Changed) == 0 ||
		pv.Counts.Created != len(pv.Created) || pv.Counts.Closed != len(pv.Closed) {
		t.Fatalf("preview: %d created (%d counted), %d changed, %d closed (%d counted)", len(pv.Created), pv.Counts.Created, len(pv.Changed), len(pv.Closed), pv.Counts.Closed)
	}
	i := slices.IndexFunc(pv.Periods, func(p ops.ReconciledPeriod) bool { return p.FormCode == "DCCS-XA" && p.Key == "2025-H2" })
	if i < 0 || pv.Periods[i].Moved == 0 || pv.Periods[i].Released == 0 {
		t.Fatalf("preview's periods %+v: want DCCS-XA 2025-H2 with obligations moved to new versions and released", pv.Periods)
	}
	if fp, _ := st.UnitsFingerprint(ctx); fp != fpBefore || !slices.Equal(owing(t, st, xaH2), owedBefore) {
		t.Fatal("the preview stored something")
	}
	// A changed unit is one that kept its code: 25195 (a new name or parent).
	var changed25195 bool
	for _, c := range pv.Changed {
		if c.Code == "25195" && c.Old != c.New {
			changed25195 = true
		}
	}
	if !changed25195 {
		t.Errorf("25195's change not in the preview: %+v", pv.Changed[:min(5, len(pv.Changed))])
	}

	res, err := svc.ApplyUnitImport(ctx, ops.CLIAdmin, later, newList, opts, pv.Fingerprint)
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != pv.Counts.Created || res.Closed != pv.Counts.Closed || res.Reconciled.Released != sumReleased(pv.Periods) {
		t.Errorf("applied %+v, previewed %+v and %d released", res.ImportResult, pv.Counts, sumReleased(pv.Periods))
	}
	if _, err := svc.ApplyUnitImport(ctx, ops.CLIAdmin, later, newList, opts, pv.Fingerprint); reporting.ErrorCode(err) != reporting.ECONFLICT {
		t.Errorf("applying a stale preview: %v, want a conflict", err)
	}
	insp := reporting.User{Email: "tt@tinh.gov.vn", Role: reporting.RoleInspector, Active: true}
	if _, err := svc.PreviewUnitImport(ctx, insp, later, newList, opts); reporting.ErrorCode(err) != reporting.EFORBIDDEN {
		t.Errorf("an inspector previewing: %v", err)
	}
}

func sumReleased(ps []ops.ReconciledPeriod) int {
	n := 0
	for _, p := range ps {
		n += p.Released
	}
	return n
}
