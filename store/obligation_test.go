package store_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"baocao/reporting"
	"baocao/scheduler"
	"baocao/store"
)

var cliAdmin = reporting.User{Email: "admin (cli)", Role: reporting.RoleAdmin, Active: true}

func (fx *cpFixture) deadlineOf(t testing.TB, unit string) time.Time {
	t.Helper()
	var d time.Time
	if err := fx.st.Pool().QueryRow(context.Background(), `SELECT deadline FROM obligations WHERE period_id = $1 AND unit_code = $2`,
		fx.periodID, unit).Scan(&d); err != nil {
		t.Fatal(err)
	}
	return d
}

// TestExtendASubtreeMovesDeadlinesAndUnflagsMissing: after a flood in
// district 1, every commune there gets ten more days, three days after the
// deadline. Its missing units are pending again, its late ones on time
// (and their versions no longer late); nothing else moves.
func TestExtendASubtreeMovesDeadlinesAndUnflagsMissing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx := newCPFixture(t)
	now := fx.deadline.Add(72 * time.Hour)
	fx.fileDueBy(t, now, map[int]bool{})
	if _, err := scheduler.FlagMissing(ctx, fx.st, now); err != nil {
		t.Fatal(err)
	}
	newDeadline := fx.deadline.Add(10 * 24 * time.Hour)
	res, err := fx.st.Extend(ctx, store.ExtendInput{PeriodID: fx.periodID, Subtree: fx.districts[0], NewDeadline: newDeadline,
		Reason: "Lũ lụt tháng 6/2026", Actor: cliAdmin, Now: now})
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
	if st, _ := fx.status(t, fx.units[4].Code); st != "pending" {
		t.Errorf("district 1's missing unit is %s, want pending", st)
	}
	if st, _ := fx.status(t, fx.units[9].Code); st != "missing" {
		t.Errorf("district 2's missing unit is %s, want still missing", st)
	}
	if st, _ := fx.status(t, fx.units[3].Code); st != "submitted" || fx.latest(t, fx.units[3].Code).Late {
		t.Errorf("district 1's late unit is %s (late version %v), want submitted and on time", st, fx.latest(t, fx.units[3].Code).Late)
	}
	if st, _ := fx.status(t, fx.units[13].Code); st != "late" || !fx.latest(t, fx.units[13].Code).Late {
		t.Errorf("district 2's late unit is %s", st)
	}
	c := fx.compliance(t, now)
	if c.Total.OnTime != 20 || c.Total.Missing != 5 || c.Total.Pending != 1 {
		t.Errorf("compliance after extension: %+v", c.Total)
	}
	// The tick after the new deadline flags the unit again.
	if n, err := scheduler.FlagMissing(ctx, fx.st, newDeadline.Add(time.Second)); err != nil || n != 1 {
		t.Fatalf("tick after the new deadline flagged %d, %v", n, err)
	}
	// Audited with the list of units.
	events, err := fx.st.AuditEvents(ctx, store.AuditFilter{Action: "obligation.extend"})
	if err != nil || len(events) != 1 || events[0].ObjectID != itoa(fx.periodID) {
		t.Fatalf("audit %+v, %v", events, err)
	}
	var details struct {
		Units   []string `json:"units"`
		Subtree string   `json:"subtree"`
		Reason  string   `json:"reason"`
	}
	if err := json.Unmarshal(events[0].Details.(json.RawMessage), &details); err != nil ||
		!slices.Equal(details.Units, district1) || details.Subtree != fx.districts[0] || details.Reason != "Lũ lụt tháng 6/2026" {
		t.Fatalf("audit details %s", events[0].Details)
	}
}

func TestExtendRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx := newCPFixture(t)
	now := fx.deadline.Add(time.Hour)
	// Unit 9 first gets a week more, so going back to the common deadline
	// would shorten its deadline.
	if _, err := fx.st.Extend(ctx, store.ExtendInput{PeriodID: fx.periodID, UnitCodes: []string{fx.units[9].Code},
		NewDeadline: fx.deadline.Add(7 * 24 * time.Hour), Reason: "Thay chủ tịch", Actor: cliAdmin, Now: now}); err != nil {
		t.Fatal(err)
	}
	inspector := reporting.User{Email: "tt@test", Role: reporting.RoleInspector, Active: true}
	supervisor := reporting.User{Email: "sv@test", Role: reporting.RoleSupervisor, UnitCode: fx.districts[0], Active: true}
	ok := store.ExtendInput{PeriodID: fx.periodID, Subtree: fx.districts[1], NewDeadline: fx.deadline.Add(24 * time.Hour),
		Reason: "Mưa bão", Actor: inspector, Now: now}
	tests := []struct {
		name   string
		change func(*store.ExtendInput)
		code   string
		msgHas string
	}{
		{"an earlier deadline", func(in *store.ExtendInput) { in.NewDeadline = fx.deadline.Add(-time.Hour) }, reporting.EINVALID, "sớm hơn hạn hiện tại"},
		{"earlier than one unit's extension", func(in *store.ExtendInput) {}, reporting.EINVALID, fx.units[9].Code},
		{"past the lock", func(in *store.ExtendInput) { in.NewDeadline = fx.locksAt.Add(time.Second) }, reporting.EINVALID, "khóa sổ"},
		{"no reason", func(in *store.ExtendInput) { in.Reason = " " }, reporting.EINVALID, "lý do"},
		{"no units", func(in *store.ExtendInput) { in.Subtree = "" }, reporting.EINVALID, "Xin chọn đơn vị"},
		{"a unit without an obligation", func(in *store.ExtendInput) { in.Subtree, in.UnitCodes = "", []string{fx.districts[0]} },
			reporting.ENOTFOUND, fx.districts[0]},
		{"a subtree with nothing", func(in *store.ExtendInput) { in.Subtree = fx.units[0].Code }, reporting.ENOTFOUND, "Không có đơn vị nào"},
		{"a supervisor", func(in *store.ExtendInput) { in.Actor = supervisor }, reporting.EFORBIDDEN, ""},
		{"an unknown period", func(in *store.ExtendInput) { in.PeriodID = 424242 }, reporting.ENOTFOUND, ""},
	}
	for _, tt := range tests {
		in := ok
		tt.change(&in)
		_, err := fx.st.Extend(ctx, in)
		if reporting.ErrorCode(err) != tt.code || !strings.Contains(reporting.ErrorMessage(err), tt.msgHas) {
			t.Errorf("%s: %v, want %s containing %q", tt.name, err, tt.code, tt.msgHas)
		}
	}
	// Nothing moved but unit 9's own extension.
	if n := countExtended(t, fx); n != 1 {
		t.Fatalf("%d obligations off the common deadline, want 1", n)
	}
	// Without unit 9, the same extension goes through.
	in := ok
	in.Subtree, in.UnitCodes = "", []string{fx.units[10].Code, fx.units[11].Code, fx.units[10].Code}
	res, err := fx.st.Extend(ctx, in)
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
	now := fx.deadline.Add(time.Hour)
	never, filed := fx.units[4].Code, fx.units[0].Code
	fx.file(t, filed, fx.deadline.Add(-time.Hour))
	clerk := reporting.User{Email: "clerk@test", Role: reporting.RoleClerk, UnitCode: never, Active: true}

	if err := fx.st.Exempt(ctx, fx.periodID, never, "", cliAdmin, now); reporting.ErrorCode(err) != reporting.EINVALID {
		t.Fatalf("exempt without reason: %v", err)
	}
	if err := fx.st.Exempt(ctx, fx.periodID, never, "Tự miễn", clerk, now); reporting.ErrorCode(err) != reporting.EFORBIDDEN {
		t.Fatalf("a clerk exempting its unit: %v", err)
	}
	if err := fx.st.Exempt(ctx, fx.periodID, "NO-SUCH", "Miễn", cliAdmin, now); reporting.ErrorCode(err) != reporting.ENOTFOUND {
		t.Fatalf("exempt a unit without obligation: %v", err)
	}
	if _, err := fx.st.Unexempt(ctx, fx.periodID, never, cliAdmin, now); reporting.ErrorCode(err) != reporting.ECONFLICT {
		t.Fatalf("unexempt a unit not exempt: %v", err)
	}
	for _, u := range []string{never, filed} {
		if err := fx.st.Exempt(ctx, fx.periodID, u, "Sáp nhập đơn vị hành chính", cliAdmin, now); err != nil {
			t.Fatal(err)
		}
		if st, why := fx.status(t, u); st != "exempt" || why != "Sáp nhập đơn vị hành chính" {
			t.Fatalf("%s after exempt: %s %q", u, st, why)
		}
	}
	// The tick leaves exempt units alone.
	if _, err := scheduler.FlagMissing(ctx, fx.st, now); err != nil {
		t.Fatal(err)
	}
	c := fx.compliance(t, now)
	if c.Total.Exempt != 2 || c.Total.OnTime != 0 || c.Total.OnTimeRate != 0 {
		t.Fatalf("compliance with exemptions: %+v", c.Total)
	}
	// Withdrawn, each takes the status its facts give.
	for u, want := range map[string]reporting.Status{never: reporting.StatusMissing, filed: reporting.StatusSubmitted} {
		st, err := fx.st.Unexempt(ctx, fx.periodID, u, cliAdmin, now)
		if err != nil || st != want {
			t.Fatalf("unexempt %s: %s, %v; want %s", u, st, err, want)
		}
		if stored, why := fx.status(t, u); stored != string(want) || why != "" {
			t.Fatalf("stored %s %q", stored, why)
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
