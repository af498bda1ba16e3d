package ops_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
)

// A reorganisation imported while DCCS-XA 2025-H2 is open closes communes
// by mistake: one left out of the full list, one given an active_until
// before the cut-off. The system releases both. A corrected list reopens
// them (only when told to): they owe the period again, pending as the
// clock says and missing once the deadline passes, each with the
// withdrawal in its history. A third commune, also reopened, keeps the
// exemption an administrator gave it by hand after the release.
func TestCorrectedListReopensAUnitClosedByMistake(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, svc, sept, xaH2, old := reformUnderway(t)
	full := store.ImportOptions{Effective: reporting.Day(2025, time.July, 1), CloseMissing: true}
	newList := readList(t, "../cmd/baocao/demo/units-2025.csv")
	newXA := codesOfKinds(newList, reporting.KindCommunePC)
	// Two communes of 2024 that the new list drops (X is the one left out
	// by mistake, Y the one an administrator then exempts by hand), and one
	// of the new list (Z) that a wrong row closes on 31/10/2025.
	var dropped []reporting.UnitRow
	for _, r := range old {
		if r.Kind == reporting.KindCommunePC && !slices.Contains(newXA, r.Code) {
			dropped = append(dropped, r)
		}
	}
	x, y, z := dropped[0], dropped[1], newXA[0]
	wrongZ := slices.Clone(newList)
	oct31 := reporting.Day(2025, time.October, 31)
	for i := range wrongZ {
		if wrongZ[i].Code == z {
			wrongZ[i].ActiveUntil = &oct31
		}
	}
	at := sept.AddDate(0, 0, 1)
	if _, err := svc.ImportUnits(ctx, ops.CLIAdmin, at, wrongZ, full); err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{x.Code, y.Code, z} {
		if slices.Contains(owing(t, st, xaH2), c) {
			t.Fatalf("%s still owes 2025-H2 after it closed before the cut-off", c)
		}
	}
	if err := svc.Exempt(ctx, ops.CLIAdmin, at.Add(time.Hour), xaH2, y.Code, "Xã đã giải thể, thanh tra xác nhận không phải báo cáo"); err != nil {
		t.Fatal(err)
	}

	// The corrected list: X and Y under the new province, Z with no end.
	corrected := slices.Clone(newList)
	for _, r := range []reporting.UnitRow{x, y} {
		r.ParentCode, r.Row = "75", len(corrected)+2
		corrected = append(corrected, r)
	}
	later := at.AddDate(0, 0, 2)

	// Without the reopen choice the closures stand: moving Z's end, or
	// listing X and Y from the day after they closed, is refused with a
	// pointer to the choice, and nothing changes.
	_, err := svc.ImportUnits(ctx, ops.CLIAdmin, later, movedEnd(wrongZ, z), full)
	if !reportsProblem(err, reporting.UnitColActiveUntil, z, "mở lại đơn vị") {
		t.Fatalf("moving Z's end without reopening: %v, want a problem on its active_until pointing at the reopen choice", err)
	}
	_, err = svc.ImportUnits(ctx, ops.CLIAdmin, later, corrected, full)
	if !reportsProblem(err, reporting.UnitColCode, x.Code, "mở lại đơn vị") {
		t.Fatalf("listing X again without reopening: %v, want a problem on its code pointing at the reopen choice", err)
	}
	if slices.Contains(owing(t, st, xaH2), x.Code) {
		t.Fatal("a refused list made X owe 2025-H2")
	}

	// Every obligation of the three is released now, in each open period
	// whose form communes owe; all but Y's in 2025-H2 by the system.
	three := []string{x.Code, y.Code, z}
	const exemptOf = `SELECT count(*) FROM obligations WHERE unit_code = ANY ($1) AND exempt`
	released := count(t, st, exemptOf, three)
	reopen := full
	reopen.Reopen = true
	res, err := svc.ImportUnits(ctx, ops.CLIAdmin, later, corrected, reopen)
	if err != nil {
		t.Fatal(err)
	}
	if res.Reopened != 3 || res.Reconciled.Restored != released-1 || count(t, st, exemptOf, three) != 1 {
		t.Fatalf("corrected list: %d reopened, %d obligations owed again, %d still exempt; want X, Y, Z reopened, %d owed again and Y's exemption by hand left",
			res.Reopened, res.Reconciled.Restored, count(t, st, exemptOf, three), released-1)
	}
	got := owing(t, st, xaH2)
	if !slices.Contains(got, x.Code) || !slices.Contains(got, z) || slices.Contains(got, y.Code) {
		t.Fatalf("2025-H2 owed by X %v, Z %v, Y %v; want X and Z, not Y (exempted by hand)",
			slices.Contains(got, x.Code), slices.Contains(got, z), slices.Contains(got, y.Code))
	}
	for _, c := range []string{x.Code, z} {
		h, err := st.ObligationHistory(ctx, xaH2, c)
		if err != nil {
			t.Fatal(err)
		}
		last := h[len(h)-1]
		if last.Kind != reporting.EventUnexempted || last.Actor != ops.System.Email || !last.At.Equal(later) ||
			!strings.Contains(last.Reason, "Danh sách đơn vị được sửa") || !strings.Contains(last.Reason, "14/12/2025") {
			t.Fatalf("history of %s ends with %+v, want the system's release withdrawn at the import, with the reason", c, last)
		}
		o, err := st.Obligation(ctx, xaH2, c)
		if err != nil {
			t.Fatal(err)
		}
		// 2025-H2's deadline for communes is in December 2025.
		if s := o.Status(later); s != reporting.StatusPending {
			t.Fatalf("%s in September: %s, want pending", c, s)
		}
		if s := o.Status(time.Date(2026, time.January, 5, 8, 0, 0, 0, hcm)); s != reporting.StatusMissing {
			t.Fatalf("%s in January 2026: %s, want missing", c, s)
		}
	}
	hy, err := st.ObligationHistory(ctx, xaH2, y.Code)
	if err != nil {
		t.Fatal(err)
	}
	if last := hy[len(hy)-1]; last.Kind != reporting.EventExempted || last.Actor != ops.CLIAdmin.Email {
		t.Fatalf("history of Y ends with %+v, want the administrator's exemption, untouched", last)
	}
	if again, err := svc.ReconcileOpenPeriods(ctx, later); err != nil || again.Periods != 0 {
		t.Fatalf("second reconciliation = %+v, %v; want nothing", again, err)
	}
	// X is under the new province from the reform on, as the list says.
	u, err := st.UnitByCode(ctx, x.Code, reporting.Day(2025, time.December, 14))
	if err != nil || u.ParentCode != "75" {
		t.Fatalf("X on the cut-off: %+v, %v; want it active under 75", u, err)
	}
}

// movedEnd is list with unit z's end moved past 2025-H2's cut-off.
func movedEnd(list []reporting.UnitRow, z string) []reporting.UnitRow {
	out := slices.Clone(list)
	mar31 := reporting.Day(2026, time.March, 31)
	for i := range out {
		if out[i].Code == z {
			out[i].ActiveUntil = &mar31
		}
	}
	return out
}

// reportsProblem reports whether err is a unit import error with a
// problem in column about unit code whose message contains text.
func reportsProblem(err error, column, code, text string) bool {
	var ue *reporting.UnitImportError
	if !errors.As(err, &ue) {
		return false
	}
	for _, p := range ue.Problems {
		if p.Column == column && strings.Contains(p.Message, code) && strings.Contains(p.Message, text) {
			return true
		}
	}
	return false
}
