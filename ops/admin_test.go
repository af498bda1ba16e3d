package ops_test

import (
	"context"
	"testing"
	"time"

	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
)

// TestPurgeSessionsDropsOnlyExpiredOnes: the scheduler's purge job (the
// Service's PurgeSessions) deletes the sessions expired at the moment it
// runs and keeps the live ones.
func TestPurgeSessionsDropsOnlyExpiredOnes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	u := storetest.User(t, st, &storetest.UserOpts{Role: reporting.RoleInspector})
	now := time.Date(2026, time.June, 1, 8, 0, 0, 0, hcm)
	short, _, err := st.CreateSession(ctx, u.ID, time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	long, _, err := st.CreateSession(ctx, u.ID, 24*time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	n, err := storetest.Ops(st, hcm).PurgeSessions(ctx, now.Add(2*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("purged %d, %v; want 1", n, err)
	}
	later := now.Add(90 * time.Minute) // both would still be valid but for the purge
	if _, err := st.SessionUser(ctx, short, later); err == nil {
		t.Error("the expired session survived the purge")
	}
	if _, err := st.SessionUser(ctx, long, later); err != nil {
		t.Errorf("the live session was purged: %v", err)
	}
}

// TestAuditKeptForGoodUnlessARetentionIsSet: by default the purge job
// deletes no audit event however old; with a retention it deletes those
// older than it, keeps the rest, and records the purge in the trail.
func TestAuditKeptForGoodUnlessARetentionIsSet(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	now := time.Date(2036, time.June, 1, 8, 0, 0, 0, hcm)
	for _, age := range []time.Duration{11 * 365 * 24 * time.Hour, 9 * 365 * 24 * time.Hour, time.Hour} {
		if err := st.Audit(ctx, store.AuditEvent{At: now.Add(-age), Actor: "tt@tinh.gov.vn", Action: "test.old", ObjectType: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	count := func(action string) int {
		var n int
		if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action = $1`, action).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n, err := storetest.Ops(st, hcm).PurgeAudit(ctx, now); err != nil || n != 0 || count("test.old") != 3 {
		t.Fatalf("with no retention: purged %d (%v), %d left; want none purged", n, err, count("test.old"))
	}
	svc := ops.New(st, ops.Options{Secret: storetest.Secret, Location: hcm, AuditRetention: 10 * 365 * 24 * time.Hour})
	if n, err := svc.PurgeAudit(ctx, now); err != nil || n != 1 {
		t.Fatalf("with ten years' retention: purged %d, %v; want the one event eleven years old", n, err)
	}
	if got := count("test.old"); got != 2 {
		t.Errorf("%d events left, want the two younger than ten years", got)
	}
	if got := count("audit.purge"); got != 1 {
		t.Errorf("the purge recorded %d times, want once", got)
	}
}

// TestAdministratorsOnly: importing units, recording a succession and
// reading the audit trail are administrators' actions; an inspector is
// refused before anything is read or written.
func TestAdministratorsOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	svc := storetest.Ops(st, hcm)
	inspector := storetest.User(t, st, &storetest.UserOpts{Role: reporting.RoleInspector})
	day := reporting.Day(2026, time.January, 1)
	rows := []reporting.UnitRow{{Row: 2, Code: "79", Name: "UBND tỉnh Thử", Kind: reporting.KindProvince, ActiveFrom: &day}}
	if _, err := svc.ImportUnits(ctx, inspector, time.Now(), rows, store.ImportOptions{}); reporting.ErrorCode(err) != reporting.EFORBIDDEN {
		t.Errorf("an inspector importing units: %v", err)
	}
	if err := svc.RecordSuccession(ctx, inspector, "1", "2", day, "", false); reporting.ErrorCode(err) != reporting.EFORBIDDEN {
		t.Errorf("an inspector recording a succession: %v", err)
	}
	if _, err := svc.AuditTrail(ctx, inspector, store.AuditFilter{}); reporting.ErrorCode(err) != reporting.EFORBIDDEN {
		t.Errorf("an inspector reading the audit trail: %v", err)
	}
	res, err := svc.ImportUnits(ctx, ops.CLIAdmin, time.Now(), rows, store.ImportOptions{})
	if err != nil || res.Created != 1 {
		t.Fatalf("the administrator's import: %+v, %v", res, err)
	}
	events, err := svc.AuditTrail(ctx, ops.CLIAdmin, store.AuditFilter{Action: "units.import"})
	if err != nil || len(events) != 1 || events[0].Actor != ops.CLIAdmin.Email {
		t.Fatalf("the audit trail of the import: %+v, %v", events, err)
	}
}
