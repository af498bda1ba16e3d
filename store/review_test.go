package store_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
)

func (fx *cpFixture) latest(t testing.TB, unit string) store.Submission {
	t.Helper()
	subs, err := fx.st.Submissions(context.Background(), fx.periodID, unit)
	if err != nil || len(subs) == 0 {
		t.Fatalf("submissions of %s: %v, %v", unit, subs, err)
	}
	return subs[len(subs)-1]
}

func (fx *cpFixture) status(t testing.TB, unit string) (string, string) {
	t.Helper()
	var st, reason string
	err := fx.st.Pool().QueryRow(context.Background(), `SELECT status, status_reason FROM obligations WHERE period_id = $1 AND unit_code = $2`,
		fx.periodID, unit).Scan(&st, &reason)
	if err != nil {
		t.Fatal(err)
	}
	return st, reason
}

func TestReviewReturnAsksForANewVersionAndTellsTheUnit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx := newCPFixture(t)
	inspector := storetest.User(t, fx.st, &storetest.UserOpts{Role: reporting.RoleInspector, Name: "Nguyễn Thị Duyệt"})
	onTimeUnit, lateUnit := fx.units[0].Code, fx.units[3].Code
	if err := fx.st.ExecForTest(ctx, `UPDATE unit_versions SET emails = '{vanthu@xa0.gov.vn}' WHERE unit_code = $1`, onTimeUnit); err != nil {
		t.Fatal(err)
	}
	fx.file(t, onTimeUnit, fx.deadline.Add(-time.Hour))
	fx.file(t, lateUnit, fx.deadline.Add(time.Hour))
	now := fx.deadline.Add(2 * time.Hour)
	sub := fx.latest(t, onTimeUnit)

	// A return without a reason is refused, nothing stored.
	_, err := fx.st.Review(ctx, store.ReviewInput{SubmissionID: sub.ID, Reviewer: inspector, Decision: reporting.DecisionReturned, Reason: "  ", Now: now})
	if reporting.ErrorCode(err) != reporting.EINVALID || !strings.Contains(reporting.ErrorMessage(err), "lý do") {
		t.Fatalf("return without reason: %v", err)
	}
	reason := "Mục I thiếu số kiến nghị đã giải quyết; xin bổ sung."
	res, err := fx.st.Review(ctx, store.ReviewInput{SubmissionID: sub.ID, Reviewer: inspector, Decision: reporting.DecisionReturned,
		Reason: reason, Now: now, BaseURL: "https://baocao.test/"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != reporting.StatusReturned || !res.Notified {
		t.Fatalf("return: %+v", res)
	}
	if st, why := fx.status(t, onTimeUnit); st != "returned" || why != reason {
		t.Fatalf("obligation %s (%q) after return", st, why)
	}
	// The unit is told, once, through the outbox.
	rs, err := fx.st.Reminders(ctx, store.ReminderFilter{UnitCode: onTimeUnit})
	if err != nil || len(rs) != 1 {
		t.Fatalf("reminders: %+v, %v", rs, err)
	}
	r := rs[0]
	if r.Kind != store.ReturnedKindPrefix+itoa(sub.ID) || r.Status != store.ReminderQueued || strings.Join(r.Recipients, ",") != "vanthu@xa0.gov.vn" ||
		!strings.Contains(r.Subject, "[Trả lại]") || !strings.Contains(r.Subject, "Đơn vị 00") ||
		!strings.Contains(r.BodyText, reason) || !strings.Contains(r.BodyText, "Nguyễn Thị Duyệt") ||
		!strings.Contains(r.BodyText, "https://baocao.test/units/"+onTimeUnit+"/periods/"+itoa(fx.periodID)) ||
		!strings.Contains(r.BodyHTML, "Mục I thiếu số kiến nghị") {
		t.Fatalf("return e-mail %+v", r)
	}
	// A unit without an address: the row is kept, failed, for the outbox.
	lateSub := fx.latest(t, lateUnit)
	if _, err := fx.st.Review(ctx, store.ReviewInput{SubmissionID: lateSub.ID, Reviewer: inspector, Decision: reporting.DecisionReturned,
		Reason: "Sai mẫu", Now: now}); err != nil {
		t.Fatal(err)
	}
	if rs, _ := fx.st.Reminders(ctx, store.ReminderFilter{UnitCode: lateUnit}); len(rs) != 1 || rs[0].Status != store.ReminderFailed {
		t.Fatalf("return to a unit without address: %+v", rs)
	}

	// The returned version can no longer be reviewed once a new one is in;
	// the new one takes its timeliness from the first version.
	later := fx.deadline.Add(48 * time.Hour)
	if got := fx.file(t, onTimeUnit, later); got.Status != "submitted" || !got.Submission.Late || got.Submission.Version != 2 {
		t.Fatalf("new version after return (first on time): %+v", got)
	}
	if got := fx.file(t, lateUnit, later); got.Status != "late" {
		t.Fatalf("new version after return (first late): %+v", got)
	}
	_, err = fx.st.Review(ctx, store.ReviewInput{SubmissionID: sub.ID, Reviewer: inspector, Decision: reporting.DecisionAccepted, Now: later})
	if reporting.ErrorCode(err) != reporting.ECONFLICT || !strings.Contains(reporting.ErrorMessage(err), "bản mới nhất") {
		t.Fatalf("review of an older version: %v", err)
	}
	res, err = fx.st.Review(ctx, store.ReviewInput{SubmissionID: fx.latest(t, onTimeUnit).ID, Reviewer: inspector,
		Decision: reporting.DecisionAccepted, Now: later})
	if err != nil || res.Status != reporting.StatusAccepted || res.Notified {
		t.Fatalf("accept version 2: %+v, %v", res, err)
	}
	events, err := fx.st.AuditEvents(ctx, store.AuditFilter{Action: "submission.review"})
	if err != nil || len(events) != 3 || events[0].Actor != inspector.Email {
		t.Fatalf("audit: %+v, %v", events, err)
	}
	var details map[string]any
	if err := json.Unmarshal(events[0].Details.(json.RawMessage), &details); err != nil || details["decision"] != "accepted" || details["version"] != float64(2) {
		t.Fatalf("audit details %s", events[0].Details)
	}
}

func TestAcceptedObligationIsFrozenAfterTheLock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx := newCPFixture(t)
	admin := reporting.User{Email: "admin", Role: reporting.RoleAdmin, Active: true}
	unit := fx.units[0].Code
	fx.file(t, unit, fx.deadline.Add(-time.Hour))
	sub := fx.latest(t, unit)
	before := fx.locksAt.Add(-time.Hour)
	after := fx.locksAt.Add(time.Hour)

	// Before the lock an acceptance may still be turned into a return, and
	// back.
	for _, d := range []reporting.Decision{reporting.DecisionAccepted, reporting.DecisionReturned, reporting.DecisionAccepted} {
		if _, err := fx.st.Review(ctx, store.ReviewInput{SubmissionID: sub.ID, Reviewer: admin, Decision: d, Reason: "Xem lại", Now: before}); err != nil {
			t.Fatalf("%s before the lock: %v", d, err)
		}
	}
	tests := []struct {
		name string
		do   func() error
	}{
		{"return", func() error {
			_, err := fx.st.Review(ctx, store.ReviewInput{SubmissionID: sub.ID, Reviewer: admin, Decision: reporting.DecisionReturned, Reason: "Muộn", Now: after})
			return err
		}},
		{"accept again", func() error {
			_, err := fx.st.Review(ctx, store.ReviewInput{SubmissionID: sub.ID, Reviewer: admin, Decision: reporting.DecisionAccepted, Now: after})
			return err
		}},
		{"exempt", func() error { return fx.st.Exempt(ctx, fx.periodID, unit, "Miễn", admin, after) }},
	}
	for _, tt := range tests {
		if err := tt.do(); reporting.ErrorCode(err) != reporting.ECONFLICT || !strings.Contains(reporting.ErrorMessage(err), "khóa sổ") {
			t.Errorf("%s after the lock: %v", tt.name, err)
		}
	}
	if st, _ := fx.status(t, unit); st != "accepted" {
		t.Fatalf("status %s after refused changes", st)
	}
	// A submission not yet accepted may still be accepted after the lock,
	// but not returned: the unit could not file again.
	other := fx.units[1].Code
	fx.file(t, other, fx.deadline.Add(-time.Hour))
	_, err := fx.st.Review(ctx, store.ReviewInput{SubmissionID: fx.latest(t, other).ID, Reviewer: admin, Decision: reporting.DecisionReturned, Reason: "x", Now: after})
	if reporting.ErrorCode(err) != reporting.ECONFLICT {
		t.Fatalf("return after the lock: %v", err)
	}
	if _, err := fx.st.Review(ctx, store.ReviewInput{SubmissionID: fx.latest(t, other).ID, Reviewer: admin, Decision: reporting.DecisionAccepted, Now: after}); err != nil {
		t.Fatalf("accept after the lock: %v", err)
	}
}

func TestReviewAuthorization(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx := newCPFixture(t)
	commune := fx.units[0].Code // under district 1
	fx.file(t, commune, fx.deadline.Add(-time.Hour))
	sub := fx.latest(t, commune)
	now := fx.deadline
	inactive := storetest.User(t, fx.st, &storetest.UserOpts{Role: reporting.RoleInspector})
	inactive.Active = false
	tests := []struct {
		name string
		user reporting.User
		ok   bool
	}{
		{"inspector", storetest.User(t, fx.st, &storetest.UserOpts{Role: reporting.RoleInspector}), true},
		{"admin", storetest.User(t, fx.st, &storetest.UserOpts{Role: reporting.RoleAdmin}), true},
		{"supervisor of its district", storetest.User(t, fx.st, &storetest.UserOpts{Role: reporting.RoleSupervisor, UnitCode: fx.districts[0]}), true},
		{"supervisor of the province", storetest.User(t, fx.st, &storetest.UserOpts{Role: reporting.RoleSupervisor, UnitCode: fx.province}), true},
		{"supervisor of another district", storetest.User(t, fx.st, &storetest.UserOpts{Role: reporting.RoleSupervisor, UnitCode: fx.districts[1]}), false},
		{"supervisor of the unit itself", storetest.User(t, fx.st, &storetest.UserOpts{Role: reporting.RoleSupervisor, UnitCode: commune}), false},
		{"the unit's clerk", storetest.User(t, fx.st, &storetest.UserOpts{Role: reporting.RoleClerk, UnitCode: commune}), false},
		{"an inactive inspector", inactive, false},
	}
	for _, tt := range tests {
		_, err := fx.st.Review(ctx, store.ReviewInput{SubmissionID: sub.ID, Reviewer: tt.user, Decision: reporting.DecisionAccepted, Now: now})
		if tt.ok && err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
		if !tt.ok && reporting.ErrorCode(err) != reporting.EFORBIDDEN {
			t.Errorf("%s: %v, want forbidden", tt.name, err)
		}
	}
	if _, err := fx.st.Review(ctx, store.ReviewInput{SubmissionID: 987654, Reviewer: tests[0].user, Decision: reporting.DecisionAccepted, Now: now}); reporting.ErrorCode(err) != reporting.ENOTFOUND {
		t.Errorf("unknown submission: %v", err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
