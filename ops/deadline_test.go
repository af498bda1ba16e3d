package ops_test

import (
	"context"
	"testing"
	"time"

	"baocao/ops"
	"baocao/reporting"
	"baocao/store/storetest"
)

// TestFlagMissingRecordsEachPassedDeadlineOnce: the deadline tick records
// "flagged missing" in the history of obligations whose deadline passed
// with nothing in — not the one filed, not the exempt one, the extended one
// only once its new deadline passes — and a repeated or late tick adds
// nothing.
func TestFlagMissingRecordsEachPassedDeadlineOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	storetest.SyncFormYAML(t, st, "test-in.yaml", storetest.SmallFormYAML)
	prov := storetest.Unit(t, st, &storetest.UnitOpts{Kind: reporting.KindProvince})
	var units []string
	for range 4 {
		units = append(units, storetest.Unit(t, st, &storetest.UnitOpts{Parent: prov.Code}).Code)
	}
	svc := storetest.Ops(st, hcm)
	storetest.OpenDue(t, st, time.Date(2026, time.June, 10, 9, 0, 0, 0, hcm), hcm)
	var periodID int64
	var deadline time.Time
	if err := st.Pool().QueryRow(ctx, `SELECT id, deadline FROM periods WHERE key = '2026-H1'`).Scan(&periodID, &deadline); err != nil {
		t.Fatal(err)
	}
	// units[0] files on time, units[1] is exempt, units[2] gets a week
	// more, units[3] does nothing.
	storetest.Upload(t, st, periodID, units[0], deadline.Add(-time.Hour))
	if err := svc.Exempt(ctx, ops.CLIAdmin, deadline.Add(-time.Minute), periodID, units[1], "Miễn"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Extend(ctx, ops.CLIAdmin, deadline.Add(-time.Minute), ops.ExtendInput{PeriodID: periodID, UnitCodes: []string{units[2]},
		NewDeadline: deadline.Add(7 * 24 * time.Hour), Reason: "Gia hạn"}); err != nil {
		t.Fatal(err)
	}
	flagged := func(unit string) int {
		t.Helper()
		events, err := st.ObligationHistory(ctx, periodID, unit)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range events {
			if e.Kind == reporting.EventFlaggedMissing {
				n++
			}
		}
		return n
	}
	steps := []struct {
		at      time.Time
		flagged int // by this tick
		want    [4]int
	}{
		{deadline, 0, [4]int{0, 0, 0, 0}},
		{deadline.Add(time.Second), 1, [4]int{0, 0, 0, 1}},
		{deadline.Add(time.Second), 0, [4]int{0, 0, 0, 1}}, // again: nothing more
		{deadline.Add(8 * 24 * time.Hour), 1, [4]int{0, 0, 1, 1}},
		{deadline.Add(20 * 24 * time.Hour), 0, [4]int{0, 0, 1, 1}}, // a late catch-up: nothing more
	}
	for i, s := range steps {
		n, err := svc.FlagMissing(ctx, s.at)
		if err != nil {
			t.Fatal(err)
		}
		if n != s.flagged {
			t.Errorf("step %d: flagged %d, want %d", i, n, s.flagged)
		}
		for u, want := range s.want {
			if got := flagged(units[u]); got != want {
				t.Errorf("step %d: unit %d flagged %d times, want %d", i, u, got, want)
			}
		}
	}
	// The flag changes no status: the extended unit is missing from its
	// new deadline on, and was pending before it.
	o, err := st.Obligation(ctx, periodID, units[2])
	if err != nil {
		t.Fatal(err)
	}
	if got := o.Status(deadline.Add(8 * 24 * time.Hour)); got != reporting.StatusMissing {
		t.Errorf("extended unit after its new deadline: %s", got)
	}
}
