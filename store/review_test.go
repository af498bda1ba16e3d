package store_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"baocao/ops"
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

// status is unit's status in the fixture's period at moment at, and why
// (exempt, returned), as the unit's obligations query derives it from the
// history. At or after the obligation's latest change the store's summary
// (Obligation.Status) must say the same.
func (fx *cpFixture) status(t testing.TB, unit string, at time.Time) (reporting.Status, string) {
	t.Helper()
	ctx := context.Background()
	rows, err := fx.st.UnitObligations(ctx, unit, at, reporting.AllUnits)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.PeriodID != fx.periodID {
			continue
		}
		o, err := fx.st.Obligation(ctx, fx.periodID, unit)
		if err != nil {
			t.Fatal(err)
		}
		if !at.Before(o.ChangedAt) && o.Status(at) != r.Status {
			t.Fatalf("%s at %s: the query says %s, the obligation's summary %s", unit, at.Format(time.DateTime), r.Status, o.Status(at))
		}
		return r.Status, r.StatusReason
	}
	t.Fatalf("%s has no obligation in period %d at %s: %+v", unit, fx.periodID, at.Format(time.DateTime), rows)
	return "", ""
}

// setEmails gives unit u the addresses e-mails go to, through the unit
// import: the same row on its version's first day corrects that version.
func setEmails(t testing.TB, st *store.Store, u reporting.Unit, emails ...string) {
	t.Helper()
	from := u.ActiveFrom
	_, err := st.ImportUnits(context.Background(), []reporting.UnitRow{{Row: 2, Code: u.Code, Name: u.Name, Kind: u.Kind,
		ParentCode: u.ParentCode, Emails: emails, ActiveFrom: &from}}, store.ImportOptions{Effective: u.ValidFrom, Actor: "test"})
	if err != nil {
		t.Fatalf("set the e-mails of %s: %v", u.Code, err)
	}
}

func TestReviewReturnAsksForANewVersionAndTellsTheUnit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx := newCPFixture(t)
	// The test Secret with a public address, so that e-mails link back.
	svc := ops.New(fx.st, ops.Options{Secret: storetest.Secret, Location: vnZone, BaseURL: "https://baocao.test/"})
	inspector := storetest.User(t, fx.st, &storetest.UserOpts{Role: reporting.RoleInspector, Name: "Nguyễn Thị Duyệt"})
	onTimeUnit, lateUnit := fx.units[0].Code, fx.units[3].Code
	setEmails(t, fx.st, fx.units[0], "vanthu@xa0.gov.vn")
	fx.file(t, onTimeUnit, fx.deadline.Add(-time.Hour))
	fx.file(t, lateUnit, fx.deadline.Add(time.Hour))
	now := fx.deadline.Add(2 * time.Hour)
	sub := fx.latest(t, onTimeUnit)

	// A return without a reason is refused, nothing stored.
	_, err := svc.Review(ctx, inspector, now, ops.ReviewInput{SubmissionID: sub.ID, Decision: reporting.DecisionReturned, Reason: "  "})
	if reporting.ErrorCode(err) != reporting.EINVALID || !strings.Contains(reporting.ErrorMessage(err), "lý do") {
		t.Fatalf("return without reason: %v", err)
	}
	if st, _ := fx.status(t, onTimeUnit, now); st != reporting.StatusSubmitted {
		t.Fatalf("obligation %s after a refused return", st)
	}
	reason := "Mục I thiếu số kiến nghị đã giải quyết; xin bổ sung."
	res, err := svc.Review(ctx, inspector, now, ops.ReviewInput{SubmissionID: sub.ID, Decision: reporting.DecisionReturned, Reason: reason})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != reporting.StatusReturned || !res.Notified {
		t.Fatalf("return: %+v", res)
	}
	if st, why := fx.status(t, onTimeUnit, now); st != reporting.StatusReturned || why != reason {
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
	if _, err := svc.Review(ctx, inspector, now, ops.ReviewInput{SubmissionID: lateSub.ID, Decision: reporting.DecisionReturned,
		Reason: "Sai mẫu"}); err != nil {
		t.Fatal(err)
	}
	if rs, _ := fx.st.Reminders(ctx, store.ReminderFilter{UnitCode: lateUnit}); len(rs) != 1 || rs[0].Status != store.ReminderFailed {
		t.Fatalf("return to a unit without address: %+v", rs)
	}

	// The returned version can no longer be reviewed once a new one is in;
	// the new one takes its timeliness from the first version.
	later := fx.deadline.Add(48 * time.Hour)
	if got := fx.file(t, onTimeUnit, later); !got.Late || got.Version != 2 {
		t.Fatalf("new version after return (first on time): %+v", got)
	}
	if st, why := fx.status(t, onTimeUnit, later); st != reporting.StatusSubmitted || why != "" {
		t.Fatalf("new version after return (first on time): %s %q", st, why)
	}
	fx.file(t, lateUnit, later)
	if st, _ := fx.status(t, lateUnit, later); st != reporting.StatusLate {
		t.Fatalf("new version after return (first late): %s", st)
	}
	// Before the new version the history still shows the return.
	if st, why := fx.status(t, onTimeUnit, later.Add(-time.Second)); st != reporting.StatusReturned || why != reason {
		t.Fatalf("a second before the new version: %s %q", st, why)
	}
	_, err = svc.Review(ctx, inspector, later, ops.ReviewInput{SubmissionID: sub.ID, Decision: reporting.DecisionAccepted})
	if reporting.ErrorCode(err) != reporting.ECONFLICT || !strings.Contains(reporting.ErrorMessage(err), "bản mới nhất") {
		t.Fatalf("review of an older version: %v", err)
	}
	res, err = svc.Review(ctx, inspector, later, ops.ReviewInput{SubmissionID: fx.latest(t, onTimeUnit).ID, Decision: reporting.DecisionAccepted})
	if err != nil || res.Status != reporting.StatusAccepted || res.Notified {
		t.Fatalf("accept version 2: %+v, %v", res, err)
	}
	if st, _ := fx.status(t, onTimeUnit, later); st != reporting.StatusAccepted {
		t.Fatalf("obligation %s after acceptance", st)
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
	svc := fx.ops()
	admin := reporting.User{Email: "admin", Role: reporting.RoleAdmin, Active: true}
	unit := fx.units[0].Code
	fx.file(t, unit, fx.deadline.Add(-time.Hour))
	sub := fx.latest(t, unit)
	before := fx.locksAt.Add(-time.Hour)
	after := fx.locksAt.Add(time.Hour)

	// Before the lock an acceptance may still be turned into a return, and
	// back.
	for _, d := range []reporting.Decision{reporting.DecisionAccepted, reporting.DecisionReturned, reporting.DecisionAccepted} {
		if _, err := svc.Review(ctx, admin, before, ops.ReviewInput{SubmissionID: sub.ID, Decision: d, Reason: "Xem lại"}); err != nil {
			t.Fatalf("%s before the lock: %v", d, err)
		}
	}
	tests := []struct {
		name string
		do   func() error
	}{
		{"return", func() error {
			_, err := svc.Review(ctx, admin, after, ops.ReviewInput{SubmissionID: sub.ID, Decision: reporting.DecisionReturned, Reason: "Muộn"})
			return err
		}},
		{"accept again", func() error {
			_, err := svc.Review(ctx, admin, after, ops.ReviewInput{SubmissionID: sub.ID, Decision: reporting.DecisionAccepted})
			return err
		}},
		{"exempt", func() error { return svc.Exempt(ctx, admin, after, fx.periodID, unit, "Miễn") }},
	}
	for _, tt := range tests {
		if err := tt.do(); reporting.ErrorCode(err) != reporting.ECONFLICT || !strings.Contains(reporting.ErrorMessage(err), "khóa sổ") {
			t.Errorf("%s after the lock: %v", tt.name, err)
		}
	}
	if st, _ := fx.status(t, unit, after); st != reporting.StatusAccepted {
		t.Fatalf("status %s after refused changes", st)
	}
	// A submission not yet accepted may still be accepted after the lock,
	// but not returned: the unit could not file again.
	other := fx.units[1].Code
	fx.file(t, other, fx.deadline.Add(-time.Hour))
	_, err := svc.Review(ctx, admin, after, ops.ReviewInput{SubmissionID: fx.latest(t, other).ID, Decision: reporting.DecisionReturned, Reason: "x"})
	if reporting.ErrorCode(err) != reporting.ECONFLICT {
		t.Fatalf("return after the lock: %v", err)
	}
	if _, err := svc.Review(ctx, admin, after, ops.ReviewInput{SubmissionID: fx.latest(t, other).ID, Decision: reporting.DecisionAccepted}); err != nil {
		t.Fatalf("accept after the lock: %v", err)
	}
	if st, _ := fx.status(t, other, after); st != reporting.StatusAccepted {
		t.Fatalf("status %s after an acceptance after the lock", st)
	}
}

func TestReviewAuthorization(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx := newCPFixture(t)
	svc := fx.ops()
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
		_, err := svc.Review(ctx, tt.user, now, ops.ReviewInput{SubmissionID: sub.ID, Decision: reporting.DecisionAccepted})
		if tt.ok && err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
		if !tt.ok && reporting.ErrorCode(err) != reporting.EFORBIDDEN {
			t.Errorf("%s: %v, want forbidden", tt.name, err)
		}
	}
	if _, err := svc.Review(ctx, tests[0].user, now, ops.ReviewInput{SubmissionID: 987654, Decision: reporting.DecisionAccepted}); reporting.ErrorCode(err) != reporting.ENOTFOUND {
		t.Errorf("unknown submission: %v", err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
