package store_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
)

// ops is the fixture's actions (ops.Service), in its time zone.
func (fx *cpFixture) ops() *ops.Service { return storetest.Ops(fx.st, vnZone) }

func (fx *cpFixture) deadlineOf(t testing.TB, unit string) time.Time {
	t.Helper()
	var d time.Time
	if err := fx.st.Pool().QueryRow(context.Background(), `SELECT deadline FROM obligations WHERE period_id = $1 AND unit_code = $2`,
		fx.periodID, unit).Scan(&d); err != nil {
		t.Fatal(err)
	}
	return d
}

// flaggedUnits lists the units whose history has a "flagged missing"
// event for deadline.
func (fx *cpFixture) flaggedUnits(t testing.TB, deadline time.Time) []string {
	t.Helper()
	var units []string
	for _, u := range fx.units {
		events, err := fx.st.ObligationHistory(context.Background(), fx.periodID, u.Code)
		if err != nil {
			t.Fatal(err)
		}
		if slices.ContainsFunc(events, func(e reporting.Event) bool {
			return e.Kind == reporting.EventFlaggedMissing && e.Deadline.Equal(deadline)
		}) {
			units = append(units, u.Code)
		}
	}
	slices.Sort(units)
	return units
}

// TestExtendASubtreeMovesDeadlinesAndUnflagsMissing: after a flood in
// district 1, every commune there gets ten more days, three days after the
// deadline. Its missing units are pending again, its late ones on time
// (and their versions no longer late); nothing else moves, and the moments
// before the extension keep the deadline they had.
func TestExtendASubtreeMovesDeadlinesAndUnflagsMissing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx := newCPFixture(t)
	svc := fx.ops()
	now := fx.deadline.Add(72 * time.Hour)
	fx.fileDueBy(t, now, map[int]bool{})
	if _, err := svc.FlagMissing(ctx, now); err != nil {
		t.Fatal(err)
	}
	newDeadline := fx.deadline.Add(10 * 24 * time.Hour)
	res, err := svc.Extend(ctx, ops.CLIAdmin, now, ops.ExtendInput{PeriodID: fx.periodID, Subtree: fx.districts[0],
		NewDeadline: newDeadline, Reason: "Lũ lụt tháng 6/2026"})
	if err != nil {
		t.Fatal(err)
	}
	var district1 []string
	for _, u := range fx.units[:9] {
		district1 = append(district1, u.Code)
	}
	slices.Sort(district1)
	// District 1: units 3 and 8 filed late, unit 4 never (see the
	// simulated period's table).
	if !slices.Equal(res.Units, district1) || res.Reopened != 1 || res.OnTime != 2 {
		t.Fatalf("extension: %+v", res)
	}
	for i, u := range fx.units {
		d := fx.deadlineOf(t, u.Code)
		if moved := i < 9; moved != d.Equal(newDeadline) {
			t.Errorf("unit %d deadline %s", i, d)
		}
	}
	before := now.Add(-time.Second)
	for _, tt := range []struct {
		name        string
		unit        int
		at          time.Time
		want        reporting.Status
		lateVersion bool
	}{
		{"district 1's missing unit", 4, now, reporting.StatusPending, false},
		{"district 1's missing unit before the extension", 4, before, reporting.StatusMissing, false},
		{"district 2's missing unit", 9, now, reporting.StatusMissing, false},
		{"district 1's late unit", 3, now, reporting.StatusSubmitted, false},
		{"district 1's late unit before the extension", 3, before, reporting.StatusLate, false},
		{"district 2's late unit", 13, now, reporting.StatusLate, true},
	} {
		u := fx.units[tt.unit].Code
		if st, _ := fx.status(t, u, tt.at); st != tt.want {
			t.Errorf("%s (unit %d) at %s: %s, want %s", tt.name, tt.unit, tt.at.Format(time.DateTime), st, tt.want)
		}
		if fx.plan(tt.unit) != never && tt.at.Equal(now) && fx.latest(t, u).Late != tt.lateVersion {
			t.Errorf("%s (unit %d): its version late %v, want %v", tt.name, tt.unit, fx.latest(t, u).Late, tt.lateVersion)
		}
	}
	c := fx.compliance(t, now)
	if c.Total.OnTime != 20 || c.Total.Missing != 5 || c.Total.Pending != 1 {
		t.Errorf("compliance after extension: %+v", c.Total)
	}
	// The tick after the new deadline flags the unit again, for the new
	// deadline.
	if n, err := svc.FlagMissing(ctx, newDeadline.Add(time.Second)); err != nil || n != 1 {
		t.Fatalf("tick after the new deadline flagged %d, %v", n, err)
	}
	if got := fx.flaggedUnits(t, newDeadline); !slices.Equal(got, []string{fx.units[4].Code}) {
		t.Fatalf("flagged for the new deadline: %v", got)
	}
	// The history keeps the old deadline in the extension.
	events, err := fx.st.ObligationHistory(ctx, fx.periodID, fx.units[4].Code)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(events, func(e reporting.Event) bool { return e.Kind == reporting.EventExtended })
	if i < 0 || !events[i].Deadline.Equal(newDeadline) || events[i].PreviousDeadline == nil ||
		!events[i].PreviousDeadline.Equal(fx.deadline) || events[i].Actor != ops.CLIAdmin.Email {
		t.Fatalf("history of unit 4: %+v", events)
	}
	// Audited with the list of units.
	audit, err := fx.st.AuditEvents(ctx, store.AuditFilter{Action: "obligation.extend"})
	if err != nil || len(audit) != 1 || audit[0].ObjectID != itoa(fx.periodID) {
		t.Fatalf("audit %+v, %v", audit, err)
	}
	var details struct {
		Units   []string `json:"units"`
		Subtree string   `json:"subtree"`
		Reason  string   `json:"reason"`
	}
	if err := json.Unmarshal(audit[0].Details.(json.RawMessage), &details); err != nil ||
		!slices.Equal(details.Units, district1) || details.Subtree != fx.districts[0] || details.Reason != "Lũ lụt tháng 6/2026" {
		t.Fatalf("audit details %s", audit[0].Details)
	}
}

func TestExtendRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx := newCPFixture(t)
	svc := fx.ops()
	now := fx.deadline.Add(time.Hour)
	// Unit 9 first gets a week more, so going back to the common deadline
	// would shorten its deadline.
	if _, err := svc.Extend(ctx, ops.CLIAdmin, now, ops.ExtendInput{PeriodID: fx.periodID, UnitCodes: []string{fx.units[9].Code},
		NewDeadline: fx.deadline.Add(7 * 24 * time.Hour), Reason: "Thay chủ tịch"}); err != nil {
		t.Fatal(err)
	}
	inspector := reporting.User{Email: "tt@test", Role: reporting.RoleInspector, Active: true}
	supervisor := reporting.User{Email: "sv@test", Role: reporting.RoleSupervisor, UnitCode: fx.districts[0], Active: true}
	ok := ops.ExtendInput{PeriodID: fx.periodID, Subtree: fx.districts[1], NewDeadline: fx.deadline.Add(24 * time.Hour), Reason: "Mưa bão"}
	tests := []struct {
		name   string
		change func(*ops.ExtendInput, *reporting.User)
		code   string
		msgHas string
	}{
		{"an earlier deadline", func(in *ops.ExtendInput, _ *reporting.User) { in.NewDeadline = fx.deadline.Add(-time.Hour) },
			reporting.EINVALID, "sớm hơn hạn hiện tại"},
		{"earlier than one unit's extension", func(*ops.ExtendInput, *reporting.User) {}, reporting.EINVALID, fx.units[9].Code},
		{"past the lock", func(in *ops.ExtendInput, _ *reporting.User) { in.NewDeadline = fx.locksAt.Add(time.Second) },
			reporting.EINVALID, "khóa sổ"},
		{"no reason", func(in *ops.ExtendInput, _ *reporting.User) { in.Reason = " " }, reporting.EINVALID, "lý do"},
		{"no units", func(in *ops.ExtendInput, _ *reporting.User) { in.Subtree = "" }, reporting.EINVALID, "Xin chọn đơn vị"},
		{"a unit without an obligation", func(in *ops.ExtendInput, _ *reporting.User) {
			in.Subtree, in.UnitCodes = "", []string{fx.districts[0]}
		}, reporting.ENOTFOUND, fx.districts[0]},
		{"a subtree with nothing", func(in *ops.ExtendInput, _ *reporting.User) { in.Subtree = fx.units[0].Code },
			reporting.ENOTFOUND, "Không có đơn vị nào"},
		{"a supervisor", func(_ *ops.ExtendInput, u *reporting.User) { *u = supervisor }, reporting.EFORBIDDEN, ""},
		{"an unknown period", func(in *ops.ExtendInput, _ *reporting.User) { in.PeriodID = 424242 }, reporting.ENOTFOUND, ""},
	}
	for _, tt := range tests {
		in, u := ok, inspector
		tt.change(&in, &u)
		_, err := svc.Extend(ctx, u, now, in)
		if reporting.ErrorCode(err) != tt.code || !strings.Contains(reporting.ErrorMessage(err), tt.msgHas) {
			t.Errorf("%s: %v, want %s containing %q", tt.name, err, tt.code, tt.msgHas)
		}
	}
	// Nothing moved but unit 9's own extension, in the summary and in the
	// history.
	if n := countExtended(t, fx); n != 1 {
		t.Fatalf("%d obligations off the common deadline, want 1", n)
	}
	var extensions int
	if err := fx.st.Pool().QueryRow(ctx, `SELECT count(*) FROM obligation_events WHERE period_id = $1 AND kind = 'extended'`,
		fx.periodID).Scan(&extensions); err != nil || extensions != 1 {
		t.Fatalf("%d extension events, want 1 (%v)", extensions, err)
	}
	// Without unit 9, the same extension goes through.
	in := ok
	in.Subtree, in.UnitCodes = "", []string{fx.units[10].Code, fx.units[11].Code, fx.units[10].Code}
	res, err := svc.Extend(ctx, inspector, now, in)
	if err != nil || len(res.Units) != 2 {
		t.Fatalf("listed units: %+v, %v", res, err)
	}
}

func countExtended(t *testing.T, fx *cpFixture) int {
	t.Helper()
	var n int
	if err := fx.st.Pool().QueryRow(context.Background(), `SELECT count(*) FROM obligations WHERE period_id = $1 AND deadline <> $2`,
		fx.periodID, fx.deadline).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestExemptAndUnexempt(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx := newCPFixture(t)
	svc := fx.ops()
	now := fx.deadline.Add(time.Hour)
	never, filed := fx.units[4].Code, fx.units[0].Code
	fx.file(t, filed, fx.deadline.Add(-time.Hour))
	clerk := reporting.User{Email: "clerk@test", Role: reporting.RoleClerk, UnitCode: never, Active: true}

	if err := svc.Exempt(ctx, ops.CLIAdmin, now, fx.periodID, never, ""); reporting.ErrorCode(err) != reporting.EINVALID {
		t.Fatalf("exempt without reason: %v", err)
	}
	if err := svc.Exempt(ctx, clerk, now, fx.periodID, never, "Tự miễn"); reporting.ErrorCode(err) != reporting.EFORBIDDEN {
		t.Fatalf("a clerk exempting its unit: %v", err)
	}
	if err := svc.Exempt(ctx, ops.CLIAdmin, now, fx.periodID, "NO-SUCH", "Miễn"); reporting.ErrorCode(err) != reporting.ENOTFOUND {
		t.Fatalf("exempt a unit without obligation: %v", err)
	}
	if _, err := svc.Unexempt(ctx, ops.CLIAdmin, now, fx.periodID, never, ""); reporting.ErrorCode(err) != reporting.ECONFLICT {
		t.Fatalf("unexempt a unit not exempt: %v", err)
	}
	for _, u := range []string{never, filed} {
		if err := svc.Exempt(ctx, ops.CLIAdmin, now, fx.periodID, u, "Sáp nhập đơn vị hành chính"); err != nil {
			t.Fatal(err)
		}
		if st, why := fx.status(t, u, now); st != reporting.StatusExempt || why != "Sáp nhập đơn vị hành chính" {
			t.Fatalf("%s after exempt: %s %q", u, st, why)
		}
	}
	// The tick leaves exempt units alone: it flags the 28 others, which
	// filed nothing.
	if n, err := svc.FlagMissing(ctx, now); err != nil || n != 28 {
		t.Fatalf("the tick flagged %d, %v; want 28", n, err)
	}
	if got := fx.flaggedUnits(t, fx.deadline); slices.Contains(got, never) || slices.Contains(got, filed) || len(got) != 28 {
		t.Fatalf("flagged %v", got)
	}
	c := fx.compliance(t, now)
	if c.Total.Exempt != 2 || c.Total.OnTime != 0 || c.Total.OnTimeRate != 0 {
		t.Fatalf("compliance with exemptions: %+v", c.Total)
	}
	// Withdrawn, each takes the status its facts give.
	later := now.Add(time.Minute)
	for u, want := range map[string]reporting.Status{never: reporting.StatusMissing, filed: reporting.StatusSubmitted} {
		st, err := svc.Unexempt(ctx, ops.CLIAdmin, later, fx.periodID, u, "")
		if err != nil || st != want {
			t.Fatalf("unexempt %s: %s, %v; want %s", u, st, err, want)
		}
		if got, why := fx.status(t, u, later); got != want || why != "" {
			t.Fatalf("%s after unexempt: %s %q", u, got, why)
		}
		// The exemption still shows at the moments it stood.
		if got, why := fx.status(t, u, now); got != reporting.StatusExempt || why != "Sáp nhập đơn vị hành chính" {
			t.Fatalf("%s while exempt, read after the withdrawal: %s %q", u, got, why)
		}
	}
	if events, _ := fx.st.AuditEvents(ctx, store.AuditFilter{Action: "obligation."}); len(events) != 4 {
		t.Fatalf("%d obligation audit events, want 4", len(events))
	}
}

// TestObligationNotFoundSaysWhich: an unknown period and a period the unit
// owes nothing for are different mistakes, and the messages say which.
func TestObligationNotFoundSaysWhich(t *testing.T) {
	t.Parallel()
	fx := newCPFixture(t)
	tests := []struct {
		name   string
		period int64
		unit   string
		want   string
	}{
		{"an unknown period", 999999, fx.units[0].Code, "Không tìm thấy kỳ báo cáo số 999999."},
		{"a unit that owes nothing", fx.periodID, fx.province, "không phải báo cáo kỳ này"},
	}
	for _, tt := range tests {
		_, err := fx.st.Obligation(context.Background(), tt.period, tt.unit)
		if reporting.ErrorCode(err) != reporting.ENOTFOUND || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want not found saying %q", tt.name, err, tt.want)
		}
	}
}
