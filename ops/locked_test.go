package ops_test

import (
	"context"
	"testing"
	"time"

	"baocao/ops"
	"baocao/reporting"
	"baocao/store/storetest"
)

// TestALockedPeriodIsHistory: after a period locks, an inspector may no
// longer move its deadlines; an administrator may, with a reason, and the
// extension is in the unit's history from that moment — the status as at
// any earlier moment stays what it was.
func TestALockedPeriodIsHistory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx, unit, locksAt, statusAt := lockedFixture(t)
	afterLock := locksAt.Add(30 * 24 * time.Hour)
	beforeLock := locksAt.Add(-time.Hour)
	was := statusAt(beforeLock)
	if was != reporting.StatusMissing {
		t.Fatalf("before the lock: %s, want missing", was)
	}
	extend := func(u reporting.User, reason string) error {
		_, err := fx.svc.Extend(ctx, u, afterLock, ops.ExtendInput{PeriodID: fx.periodID, UnitCodes: []string{unit},
			NewDeadline: locksAt.Add(-time.Minute), Reason: reason})
		return err
	}
	if err := extend(fx.reviewer, "Lũ lụt"); reporting.ErrorCode(err) != reporting.EFORBIDDEN {
		t.Errorf("an inspector extending a locked period: %v, want forbidden", err)
	}
	admin := reporting.User{Email: "quantri@tinh.gov.vn", Role: reporting.RoleAdmin, Active: true}
	if err := extend(admin, " "); reporting.ErrorCode(err) != reporting.EINVALID {
		t.Errorf("an administrator without a reason: %v, want invalid", err)
	}
	if err := extend(admin, "Quyết định của Chủ tịch UBND tỉnh về gia hạn"); err != nil {
		t.Fatalf("an administrator with a reason: %v", err)
	}
	_, events, err := fx.svc.ObligationHistory(ctx, ops.CLIAdmin, fx.periodID, unit)
	if err != nil {
		t.Fatal(err)
	}
	last := events[len(events)-1]
	if last.Kind != reporting.EventExtended || last.Actor != admin.Email || !last.At.Equal(afterLock) || last.Reason == "" {
		t.Errorf("the history's last event %+v, want the administrator's extension with its reason", last)
	}
	if got := statusAt(beforeLock); got != was {
		t.Errorf("as at before the lock: %s after the extension, was %s", got, was)
	}
}

// TestALockedPeriodsExemptionsAreAdministrators: after the lock an
// inspector may neither exempt a unit that failed to report nor withdraw
// an exemption; an administrator may, and the exemption is in the
// history from that moment, the status as at the lock unchanged.
func TestALockedPeriodsExemptionsAreAdministrators(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx, unit, locksAt, statusAt := lockedFixture(t)
	afterLock := locksAt.Add(30 * 24 * time.Hour)
	atLock := statusAt(locksAt)
	if atLock != reporting.StatusMissing {
		t.Fatalf("at the lock: %s, want missing", atLock)
	}
	if err := fx.svc.Exempt(ctx, fx.reviewer, afterLock, fx.periodID, unit, "Đơn vị sáp nhập"); reporting.ErrorCode(err) != reporting.EFORBIDDEN {
		t.Errorf("an inspector exempting in a locked period: %v, want forbidden", err)
	}
	admin := reporting.User{Email: "quantri@tinh.gov.vn", Role: reporting.RoleAdmin, Active: true}
	if err := fx.svc.Exempt(ctx, admin, afterLock, fx.periodID, unit, "Quyết định miễn báo cáo của UBND tỉnh"); err != nil {
		t.Fatalf("an administrator exempting in a locked period: %v", err)
	}
	if got := statusAt(afterLock.Add(time.Minute)); got != reporting.StatusExempt {
		t.Errorf("after the administrator's exemption: %s, want exempt", got)
	}
	if got := statusAt(locksAt); got != atLock {
		t.Errorf("as at the lock, after the exemption: %s, was %s", got, atLock)
	}
	if _, err := fx.svc.Unexempt(ctx, fx.reviewer, afterLock.Add(time.Hour), fx.periodID, unit, "Nhầm"); reporting.ErrorCode(err) != reporting.EFORBIDDEN {
		t.Errorf("an inspector withdrawing an exemption in a locked period: %v, want forbidden", err)
	}
	if _, err := fx.svc.Unexempt(ctx, admin, afterLock.Add(time.Hour), fx.periodID, unit, " "); reporting.ErrorCode(err) != reporting.EINVALID {
		t.Errorf("an administrator withdrawing it without a reason: %v, want invalid", err)
	}
	if _, err := fx.svc.Unexempt(ctx, admin, afterLock.Add(time.Hour), fx.periodID, unit, "Miễn nhầm đơn vị"); err != nil {
		t.Errorf("an administrator withdrawing it with a reason: %v", err)
	}
	_, events, err := fx.svc.ObligationHistory(ctx, ops.CLIAdmin, fx.periodID, unit)
	if err != nil {
		t.Fatal(err)
	}
	if last := events[len(events)-1]; last.Kind != reporting.EventUnexempted || last.Reason != "Miễn nhầm đơn vị" {
		t.Errorf("the history's last event %+v, want the withdrawal with its reason", last)
	}
}

// lockedFixture is a period whose units reported nothing, the moment it
// locks, and a unit's status as at any moment.
func lockedFixture(t *testing.T) (fx *histFixture, unit string, locksAt time.Time, statusAt func(time.Time) reporting.Status) {
	t.Helper()
	fx = newHistFixture(t)
	unit = fx.units[1]
	if err := fx.st.Pool().QueryRow(context.Background(), `SELECT locks_at FROM periods WHERE id = $1`, fx.periodID).Scan(&locksAt); err != nil {
		t.Fatal(err)
	}
	statusAt = func(at time.Time) reporting.Status {
		t.Helper()
		rows, err := fx.svc.UnitObligations(context.Background(), ops.CLIAdmin, at, unit)
		if err != nil || len(rows) != 1 {
			t.Fatalf("history at %s: %v, %v", at, rows, err)
		}
		return rows[0].Status
	}
	return fx, unit, locksAt, statusAt
}

// TestALockExceptionLetsOneUnitFileAfterTheLock: after the lock an
// administrator may extend one unit's deadline past it (with a reason, at
// most LockException after it): that unit may download its template and
// file until then, on time; after that, and for every other unit, the
// period stays locked.
func TestALockExceptionLetsOneUnitFileAfterTheLock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx, _, locksAt, _ := lockedFixture(t)
	own, other := fx.units[0], fx.units[2] // fx.clerk is own's clerk
	admin := reporting.User{Email: "quantri@tinh.gov.vn", Role: reporting.RoleAdmin, Active: true}
	afterLock := locksAt.Add(48 * time.Hour)
	exception := locksAt.Add(10 * 24 * time.Hour)
	extend := func(until time.Time) error {
		_, err := fx.svc.Extend(ctx, admin, afterLock.Add(-time.Hour), ops.ExtendInput{PeriodID: fx.periodID, UnitCodes: []string{own},
			NewDeadline: until, Reason: "Quyết định mở khóa sổ cho xã bị lũ"})
		return err
	}
	if err := extend(locksAt.Add(reporting.LockException + time.Hour)); reporting.ErrorCode(err) != reporting.EINVALID {
		t.Errorf("an exception past the longest allowed: %v, want invalid", err)
	}
	if _, err := fx.svc.Extend(ctx, fx.reviewer, locksAt.Add(-time.Hour), ops.ExtendInput{PeriodID: fx.periodID, UnitCodes: []string{own},
		NewDeadline: exception, Reason: "Lũ"}); reporting.ErrorCode(err) != reporting.EINVALID {
		t.Errorf("an inspector extending past the lock before it: %v, want invalid", err)
	}
	if err := extend(exception); err != nil {
		t.Fatalf("the administrator's exception: %v", err)
	}
	res, err := fx.upload(t, fx.clerk, own, afterLock, storetest.SmallFormValues())
	if err != nil || res.Submission.ID == 0 || res.Submission.Late {
		t.Fatalf("filing under the exception: %+v, %v; want stored on time", res.Submission, err)
	}
	if _, err := fx.svc.Template(ctx, ops.CLIAdmin, afterLock, fx.periodID, other); reporting.ErrorCode(err) != reporting.ECONFLICT {
		t.Errorf("another unit's template after the lock: %v, want the lock refusal", err)
	}
	if _, err := fx.svc.Template(ctx, ops.CLIAdmin, exception.Add(time.Minute), fx.periodID, own); reporting.ErrorCode(err) != reporting.ECONFLICT {
		t.Errorf("the excepted unit's template after its exception: %v, want the lock refusal", err)
	}
}
