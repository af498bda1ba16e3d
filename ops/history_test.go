package ops_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
)

// histFixture is a half-year of four communes under a province, a clerk of
// the first, and the actions on them.
type histFixture struct {
	st       *store.Store
	svc      *ops.Service
	periodID int64
	deadline time.Time
	units    [4]string
	clerk    reporting.User
	reviewer reporting.User
}

func newHistFixture(t *testing.T) *histFixture {
	t.Helper()
	ctx := context.Background()
	st := storetest.Open(t)
	storetest.SyncFormYAML(t, st, "test-in.yaml", storetest.SmallFormYAML)
	fx := &histFixture{st: st, svc: storetest.Ops(st, hcm)}
	prov := storetest.Unit(t, st, &storetest.UnitOpts{Kind: reporting.KindProvince, Name: "UBND tỉnh Thử"})
	for i := range fx.units {
		fx.units[i] = storetest.Unit(t, st, &storetest.UnitOpts{Parent: prov.Code}).Code
	}
	fx.clerk = storetest.User(t, st, &storetest.UserOpts{Role: reporting.RoleClerk, UnitCode: fx.units[0]})
	fx.reviewer = storetest.User(t, st, &storetest.UserOpts{Role: reporting.RoleInspector})
	storetest.OpenDue(t, st, time.Date(2026, time.June, 1, 9, 0, 0, 0, hcm), hcm)
	if err := st.Pool().QueryRow(ctx, `SELECT id, deadline FROM periods WHERE key = '2026-H1'`).Scan(&fx.periodID, &fx.deadline); err != nil {
		t.Fatal(err)
	}
	return fx
}

// upload files a filled template of unit at moment at, as u.
func (fx *histFixture) upload(t *testing.T, u reporting.User, unit string, at time.Time, values map[string]any) (ops.Result, error) {
	t.Helper()
	tp, err := fx.svc.Template(context.Background(), ops.CLIAdmin, at, fx.periodID, unit)
	if err != nil {
		t.Fatal(err)
	}
	file := storetest.Fill(t, tp.Data, values, nil)
	return fx.svc.Submit(context.Background(), u, at, ops.Upload{FileName: "bc.xlsx", Body: bytes.NewReader(file)})
}

// TestEveryAnswerAsAtAPastMomentIsWhatWasTrueThen runs, for one obligation,
// upload → return → upload → accept, and an exemption and an extension on
// others, at distinct moments; then asks the unit history, the matrix,
// the compliance counts and the consolidation about a moment between each
// step: each answer is what was true then, whatever came after.
func TestEveryAnswerAsAtAPastMomentIsWhatWasTrueThen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx := newHistFixture(t)
	d := fx.deadline
	h := func(x int) time.Time { return d.Add(time.Duration(x) * time.Hour) }
	a, b, c := fx.units[0], fx.units[1], fx.units[2]

	// Unit a: v1 three days early, returned, v2, accepted.
	v1, err := fx.upload(t, fx.clerk, a, h(-72), storetest.SmallFormValues())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fx.svc.Review(ctx, fx.reviewer, h(-48), ops.ReviewInput{SubmissionID: v1.Submission.ID,
		Decision: reporting.DecisionReturned, Reason: "Thiếu mục II"}); err != nil {
		t.Fatal(err)
	}
	second := storetest.SmallFormValues()
	second["giam_sat"] = 13
	v2, err := fx.upload(t, fx.clerk, a, h(-24), second)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fx.svc.Review(ctx, fx.reviewer, h(-12), ops.ReviewInput{SubmissionID: v2.Submission.ID, Decision: reporting.DecisionAccepted}); err != nil {
		t.Fatal(err)
	}
	// Unit b is exempted ten hours after its deadline passed; unit c's
	// deadline is extended by a week twenty hours after; unit d does
	// nothing.
	if err := fx.svc.Exempt(ctx, fx.reviewer, h(10), fx.periodID, b, "Sáp nhập"); err != nil {
		t.Fatal(err)
	}
	if _, err := fx.svc.Extend(ctx, fx.reviewer, h(20), ops.ExtendInput{PeriodID: fx.periodID, UnitCodes: []string{c},
		NewDeadline: h(7 * 24), Reason: "Lũ lụt"}); err != nil {
		t.Fatal(err)
	}

	P, S, R, A, M, E := reporting.StatusPending, reporting.StatusSubmitted, reporting.StatusReturned, reporting.StatusAccepted,
		reporting.StatusMissing, reporting.StatusExempt
	second1 := time.Second
	tests := []struct {
		name    string
		at      time.Time
		want    [4]reporting.Status
		counted int // a's version whose values count, 0 for none
	}{
		{"before anything", h(-72).Add(-second1), [4]reporting.Status{P, P, P, P}, 0},
		{"after v1", h(-72).Add(second1), [4]reporting.Status{S, P, P, P}, 1},
		{"after the return", h(-48).Add(second1), [4]reporting.Status{R, P, P, P}, 0},
		{"after v2", h(-24).Add(second1), [4]reporting.Status{S, P, P, P}, 2},
		{"a second before the acceptance", h(-12).Add(-second1), [4]reporting.Status{S, P, P, P}, 2},
		{"after the acceptance", h(-12).Add(second1), [4]reporting.Status{A, P, P, P}, 2},
		{"an hour past the deadline", h(1), [4]reporting.Status{A, M, M, M}, 2},
		{"after the exemption", h(10).Add(second1), [4]reporting.Status{A, E, M, M}, 2},
		{"after the extension", h(20).Add(second1), [4]reporting.Status{A, E, P, M}, 2},
		{"after the new deadline", h(7*24 + 1), [4]reporting.Status{A, E, M, M}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := fx.svc.Matrix(ctx, fx.reviewer, tt.at, "TEST-IN", time.Time{}, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			inMatrix := map[string]reporting.Status{}
			for _, r := range m.Rows {
				inMatrix[r.UnitCode] = r.Statuses[0]
			}
			var want [7]int
			for i, u := range fx.units {
				rows, err := fx.svc.UnitObligations(ctx, fx.reviewer, tt.at, u)
				if err != nil || len(rows) != 1 {
					t.Fatalf("history of %s: %v %v", u, rows, err)
				}
				if rows[0].Status != tt.want[i] || inMatrix[u] != tt.want[i] {
					t.Errorf("unit %d: history %s, matrix %s; want %s", i, rows[0].Status, inMatrix[u], tt.want[i])
				}
				want[slicesIndex(tt.want[i])]++
			}
			cp, err := fx.svc.Compliance(ctx, fx.reviewer, tt.at, fx.periodID)
			if err != nil {
				t.Fatal(err)
			}
			got := [7]int{cp.Total.Pending, cp.Total.Submitted, cp.Total.Late, cp.Total.Missing, cp.Total.Returned, cp.Total.Accepted, cp.Total.Exempt}
			if got != want {
				t.Errorf("compliance %v, want %v", got, want)
			}
			cons, err := fx.st.Consolidate(ctx, store.ConsolidationQuery{FormCode: "TEST-IN", Period: "2026-H1", Scope: reporting.AllUnits, At: tt.at})
			if err != nil {
				t.Fatal(err)
			}
			for _, ur := range cons.Units {
				i := indexOf(fx.units[:], ur.Code)
				if ur.Status != tt.want[i] {
					t.Errorf("consolidation: unit %d is %s, want %s", i, ur.Status, tt.want[i])
				}
				if i == 0 && ur.CountedVersion != tt.counted {
					t.Errorf("consolidation counts a's version %d, want %d", ur.CountedVersion, tt.counted)
				}
			}
		})
	}

	// The history says what happened, in order, and by whom.
	_, events, err := fx.svc.ObligationHistory(ctx, fx.clerk, fx.periodID, a)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range events {
		kinds = append(kinds, string(e.Kind)+":"+e.Actor)
	}
	want := "opened:system uploaded:" + fx.clerk.Email + " returned:" + fx.reviewer.Email + " uploaded:" + fx.clerk.Email +
		" accepted:" + fx.reviewer.Email
	if got := strings.Join(kinds, " "); got != want {
		t.Errorf("history of a:\n got %s\nwant %s", got, want)
	}
	if _, _, err := fx.svc.ObligationHistory(ctx, fx.clerk, fx.periodID, b); reporting.ErrorCode(err) != reporting.ENOTFOUND {
		t.Errorf("a clerk reading another unit's history: %v, want not found", err)
	}
}

func slicesIndex(st reporting.Status) int {
	return indexOf([]string{"pending", "submitted", "late", "missing", "returned", "accepted", "exempt"}, string(st))
}

func indexOf(xs []string, x string) int {
	for i, y := range xs {
		if y == x {
			return i
		}
	}
	return -1
}

// TestADecisionBetweenReadingAndStoringAnUploadStands: an exemption (and
// separately an acceptance) is committed while an upload is between its
// checks and its transaction; the upload is refused with a clear message,
// nothing of it is stored, and the decision stands.
func TestADecisionBetweenReadingAndStoringAnUploadStands(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name    string
		prepare func(t *testing.T, fx *histFixture, at time.Time) // before the racing upload
		decide  func(fx *histFixture, at time.Time) error         // in the window
		message string
		status  reporting.Status
		stored  int // submissions stored in the end
	}{
		{"an exemption", func(*testing.T, *histFixture, time.Time) {}, func(fx *histFixture, at time.Time) error {
			return fx.svc.Exempt(ctx, fx.reviewer, at, fx.periodID, fx.units[0], "Sáp nhập")
		}, "được miễn báo cáo", reporting.StatusExempt, 0},
		{"an acceptance", func(t *testing.T, fx *histFixture, at time.Time) {
			if _, err := fx.upload(t, fx.clerk, fx.units[0], at.Add(-time.Hour), storetest.SmallFormValues()); err != nil {
				t.Fatal(err)
			}
		}, func(fx *histFixture, at time.Time) error {
			o, err := fx.st.Obligation(ctx, fx.periodID, fx.units[0])
			if err != nil {
				return err
			}
			_, err = fx.svc.Review(ctx, fx.reviewer, at, ops.ReviewInput{SubmissionID: o.LatestSubmissionID, Decision: reporting.DecisionAccepted})
			return err
		}, "đã được chấp nhận", reporting.StatusAccepted, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fx := newHistFixture(t)
			at := fx.deadline.Add(-48 * time.Hour)
			tt.prepare(t, fx, at)
			var decided error
			ops.SetBeforeStore(fx.svc, func() { decided = tt.decide(fx, at) })
			values := storetest.SmallFormValues()
			values["giam_sat"] = 40
			_, err := fx.upload(t, fx.clerk, fx.units[0], at.Add(time.Minute), values)
			if decided != nil {
				t.Fatalf("the decision: %v", decided)
			}
			var pe *ops.ProblemsError
			if !errors.As(err, &pe) || len(pe.Problems) != 1 || !strings.Contains(pe.Problems[0].Message, tt.message) {
				t.Fatalf("upload after the decision: %v, want refused saying %q", err, tt.message)
			}
			o, err := fx.st.Obligation(ctx, fx.periodID, fx.units[0])
			if err != nil {
				t.Fatal(err)
			}
			if got := o.Status(at.Add(time.Hour)); got != tt.status || o.LatestVersion != tt.stored {
				t.Fatalf("after the race: %s with %d versions, want %s with %d", got, o.LatestVersion, tt.status, tt.stored)
			}
		})
	}
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
