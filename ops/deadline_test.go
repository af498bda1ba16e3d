package ops

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
)

func TestFlagDeadlinesMarksOnlyPendingObligationsPastTheirDeadline(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	storetest.SyncFormYAML(t, st, "test-in.yaml", storetest.SmallFormYAML)
	prov := storetest.Unit(t, st, &storetest.UnitOpts{Kind: reporting.KindProvince})
	var units []string
	for range 4 {
		units = append(units, storetest.Unit(t, st, &storetest.UnitOpts{Parent: prov.Code}).Code)
	}
	if _, err := OpenDue(ctx, st, time.Date(2026, time.June, 10, 9, 0, 0, 0, hcm), hcm); err != nil {
		t.Fatal(err)
	}
	var periodID, versionID int64
	var deadline time.Time
	if err := st.Pool().QueryRow(ctx, `SELECT id, form_version_id, deadline FROM periods WHERE key = '2026-H1'`).Scan(&periodID, &versionID, &deadline); err != nil {
		t.Fatal(err)
	}
	admin := reporting.User{Email: "admin", Role: reporting.RoleAdmin, Active: true}
	// units[0] files on time, units[1] is exempt, units[2] gets a week
	// more, units[3] does nothing.
	if _, err := st.InsertSubmission(ctx, store.NewSubmission{PeriodID: periodID, UnitCode: units[0], FormVersionID: versionID,
		File: []byte("x"), FileName: "a.xlsx", UploadedAt: deadline.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := st.Exempt(ctx, periodID, units[1], "Miễn", admin, deadline); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Extend(ctx, store.ExtendInput{PeriodID: periodID, UnitCodes: []string{units[2]}, NewDeadline: deadline.Add(7 * 24 * time.Hour),
		Reason: "Gia hạn", Actor: admin, Now: deadline}); err != nil {
		t.Fatal(err)
	}
	job := FlagDeadlines(st, slog.New(slog.DiscardHandler))
	status := func(unit string) string {
		var s string
		if err := st.Pool().QueryRow(ctx, `SELECT status FROM obligations WHERE period_id = $1 AND unit_code = $2`, periodID, unit).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	steps := []struct {
		at   time.Time
		want [4]string
	}{
		{deadline, [4]string{"submitted", "exempt", "pending", "pending"}},
		{deadline.Add(time.Second), [4]string{"submitted", "exempt", "pending", "missing"}},
		{deadline.Add(time.Second), [4]string{"submitted", "exempt", "pending", "missing"}}, // again: nothing more
		{deadline.Add(8 * 24 * time.Hour), [4]string{"submitted", "exempt", "missing", "missing"}},
	}
	for i, s := range steps {
		if err := job.Run(ctx, s.at); err != nil {
			t.Fatal(err)
		}
		for u, want := range s.want {
			if got := status(units[u]); got != want {
				t.Errorf("step %d: unit %d is %s, want %s", i, u, got, want)
			}
		}
	}
	if n, err := FlagMissing(ctx, st, deadline.Add(30*24*time.Hour)); err != nil || n != 0 {
		t.Fatalf("a late catch-up flagged %d more, %v", n, err)
	}
}
