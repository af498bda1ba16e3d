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

// TestSubmissionViewComparesWithThePreviousVersionAndPeriod: the second
// version of 2026-H2 is shown beside the form's labels with the first
// version's and 2026-H1's counting values, and the explained warning; a
// reviewer may decide on it, the clerk may not, another unit's clerk may
// not even see it.
func TestSubmissionViewComparesWithThePreviousVersionAndPeriod(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx := newHistFixture(t)
	h1 := fx.periodID
	storetest.OpenDue(t, fx.st, time.Date(2026, time.December, 1, 9, 0, 0, 0, hcm), hcm)
	var h2 int64
	if err := fx.st.Pool().QueryRow(ctx, `SELECT id FROM periods WHERE key = '2026-H2'`).Scan(&h2); err != nil {
		t.Fatal(err)
	}
	file := func(period int64, at time.Time, giamSat int, note string) ops.Result {
		t.Helper()
		tp, err := fx.svc.Template(ctx, ops.CLIAdmin, at, period, fx.units[0])
		if err != nil {
			t.Fatal(err)
		}
		v := storetest.SmallFormValues()
		v["giam_sat"] = giamSat
		notes := map[string]string{}
		if note != "" {
			notes["giam_sat"] = note
		}
		res, err := fx.svc.Submit(ctx, fx.clerk, at, ops.Upload{Body: bytesReader(storetest.Fill(t, tp.Data, v, notes))})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	file(h1, time.Date(2026, time.June, 10, 9, 0, 0, 0, hcm), 8, "")
	file(h2, time.Date(2026, time.December, 10, 9, 0, 0, 0, hcm), 20, "")
	second := file(h2, time.Date(2026, time.December, 11, 9, 0, 0, 0, hcm), 60, "Có đợt giám sát chuyên đề")
	now := time.Date(2026, time.December, 12, 9, 0, 0, 0, hcm)

	v, err := fx.svc.SubmissionView(ctx, fx.reviewer, now, second.Submission.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !v.Latest || !v.CanReview || v.PreviousVersion != 1 || v.PreviousPeriod == nil || v.PreviousPeriod.Key != "2026-H1" {
		t.Fatalf("view %+v", v)
	}
	var row ops.FieldRow
	for _, r := range v.Rows {
		if r.Field.Code == "giam_sat" {
			row = r
		}
	}
	if row.Field.Label != "Số cuộc giám sát" || row.Value.Num != "60" || row.Note != "Có đợt giám sát chuyên đề" ||
		row.Previous == nil || row.Previous.Num != "20" || row.LastPeriod == nil || row.LastPeriod.Num != "8" {
		t.Fatalf("giam_sat row %+v (previous %v, last period %v)", row, row.Previous, row.LastPeriod)
	}
	if len(v.Warnings) != 1 || v.Warnings[0].Note != "Có đợt giám sát chuyên đề" {
		t.Fatalf("warnings %+v", v.Warnings)
	}
	mine, err := fx.svc.SubmissionView(ctx, fx.clerk, now, second.Submission.ID)
	if err != nil || mine.CanReview {
		t.Fatalf("the clerk's view: can review %v, %v", mine.CanReview, err)
	}
	other := storetest.User(t, fx.st, &storetest.UserOpts{Role: reporting.RoleClerk, UnitCode: fx.units[1]})
	// As absent as an id that does not exist, word for word.
	if _, err := fx.svc.SubmissionView(ctx, other, now, second.Submission.ID); reporting.ErrorCode(err) != reporting.ENOTFOUND ||
		reporting.ErrorMessage(err) != reporting.ErrorMessage(store.ErrSubmissionAbsent(second.Submission.ID)) {
		t.Fatalf("another unit's clerk: %v", err)
	}
}
