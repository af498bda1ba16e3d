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

const formYAML = storetest.SmallFormYAML

var secret = []byte("intake test secret of enough length!")

type fixture struct {
	st       *store.Store
	svc      *ops.Service
	now      time.Time
	periodID int64
	unit     reporting.Unit
	other    reporting.Unit
	clerk    reporting.User
	admin    reporting.User
}

func setup(t *testing.T, src string) *fixture {
	t.Helper()
	ctx := context.Background()
	st := storetest.Open(t)
	storetest.SyncFormYAML(t, st, "test-in.yaml", src)
	fx := &fixture{st: st, now: time.Date(2026, time.June, 10, 9, 0, 0, 0, hcm)}
	prov := storetest.Unit(t, st, &storetest.UnitOpts{Kind: reporting.KindProvince, Name: "UBND tỉnh Thử"})
	fx.unit = storetest.Unit(t, st, &storetest.UnitOpts{Parent: prov.Code, Name: "UBND phường Tân Phú"})
	fx.other = storetest.Unit(t, st, &storetest.UnitOpts{Parent: prov.Code, Name: "UBND xã Tiến Hưng"})
	fx.clerk = storetest.User(t, st, &storetest.UserOpts{Role: reporting.RoleClerk, UnitCode: fx.unit.Code})
	fx.admin = reporting.User{Email: "admin", Role: reporting.RoleAdmin, Active: true}
	storetest.OpenDue(t, st, fx.now, hcm)
	if err := st.Pool().QueryRow(ctx, `SELECT id FROM periods WHERE form_code = 'TEST-IN' AND key = '2026-H1'`).Scan(&fx.periodID); err != nil {
		t.Fatal(err)
	}
	fx.svc = ops.New(st, ops.Options{Secret: secret, Location: hcm})
	return fx
}

func (fx *fixture) template(t *testing.T, unit string) []byte {
	t.Helper()
	tp, err := fx.svc.Template(context.Background(), fx.admin, fx.now, fx.periodID, unit)
	if err != nil {
		t.Fatal(err)
	}
	return tp.Data
}

var fill = storetest.Fill

var valid = storetest.SmallFormValues

func (fx *fixture) counts(t *testing.T) [3]int {
	t.Helper()
	var c [3]int
	err := fx.st.Pool().QueryRow(context.Background(), `SELECT (SELECT count(*) FROM submissions), (SELECT count(*) FROM submission_values),
		(SELECT count(*) FROM audit_events WHERE action = 'submission.upload')`).Scan(&c[0], &c[1], &c[2])
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSubmitStoresExactValuesVersionsAndStatus(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx := setup(t, formYAML)
	file := fill(t, fx.template(t, fx.unit.Code), valid(), nil)

	res, err := fx.svc.Submit(ctx, fx.clerk, fx.now, ops.Upload{FileName: "bao cao.xlsx", Body: bytes.NewReader(file)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Submission.Version != 1 || res.Duplicate || res.Status != reporting.StatusSubmitted || res.Submission.Late {
		t.Fatalf("first upload: %+v", res)
	}
	values, _, err := fx.st.SubmissionValues(ctx, res.Submission.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"giam_sat": "12", "kien_nghi": "7", "da_giai_quyet": "5", "tien_thu_hoi": "12345678901.25"}
	for code, num := range want {
		if values[code].Num != num {
			t.Errorf("%s stored as %q, want %q", code, values[code].Num, num)
		}
	}
	if values["tu_danh_gia"].Text != "Khá" || values["kho_khan"].Text != "Thiếu kinh phí cho Ban Thanh tra nhân dân." {
		t.Errorf("text values %+v", values)
	}
	_, stored, err := fx.st.SubmissionFile(ctx, res.Submission.ID)
	if err != nil || !bytes.Equal(stored, file) {
		t.Fatalf("original bytes not kept (err %v)", err)
	}

	// The identical file again: reported, nothing stored.
	before := fx.counts(t)
	dup, err := fx.svc.Submit(ctx, fx.clerk, fx.now, ops.Upload{Body: bytes.NewReader(file)})
	if err != nil || !dup.Duplicate || dup.Submission.ID != res.Submission.ID || !strings.Contains(dup.Message, "giống hệt") {
		t.Fatalf("duplicate upload: %+v, %v", dup, err)
	}
	// Checked first (dry run), it is answered the same: the stored
	// version's whole record.
	dryDup, err := fx.svc.Submit(ctx, fx.clerk, fx.now, ops.Upload{Body: bytes.NewReader(file), DryRun: true})
	if err != nil || !dryDup.Duplicate || !dryDup.DryRun || dryDup.Submission.ID != dup.Submission.ID || dryDup.Submission.SHA256 != dup.Submission.SHA256 ||
		dryDup.Submission.FileName != dup.Submission.FileName || !dryDup.Submission.UploadedAt.Equal(dup.Submission.UploadedAt) || dryDup.Status != dup.Status {
		t.Fatalf("dry run of a duplicate: %+v, %v; want the submit's answer %+v", dryDup, err, dup)
	}
	if fx.counts(t) != before {
		t.Fatal("a duplicate stored something")
	}

	// A corrected file after the deadline (16/6/2026): version 2, late, but
	// the obligation keeps its on-time status from version 1.
	fx.now = time.Date(2026, time.June, 17, 0, 0, 1, 0, hcm)
	v := valid()
	v["giam_sat"] = 13
	second, err := fx.svc.Submit(ctx, fx.clerk, fx.now, ops.Upload{Body: bytes.NewReader(fill(t, fx.template(t, fx.unit.Code), v, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if second.Submission.Version != 2 || !second.Submission.Late || second.Status != reporting.StatusSubmitted {
		t.Fatalf("second version: %+v", second)
	}
	all, err := fx.st.Submissions(ctx, fx.periodID, fx.unit.Code)
	if err != nil || len(all) != 2 {
		t.Fatalf("versions kept: %d, %v", len(all), err)
	}
}

func TestSubmitLateFirstVersionMarksTheObligationLate(t *testing.T) {
	t.Parallel()
	fx := setup(t, formYAML)
	fx.now = time.Date(2026, time.June, 16, 23, 59, 59, 0, hcm) // still on time
	file := fill(t, fx.template(t, fx.unit.Code), valid(), nil)
	fx.now = time.Date(2026, time.June, 17, 0, 0, 0, 0, hcm) // local midnight: late
	res, err := fx.svc.Submit(context.Background(), fx.clerk, fx.now, ops.Upload{Body: bytes.NewReader(file)})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Submission.Late || res.Status != reporting.StatusLate || !strings.Contains(res.Message, "sau hạn") {
		t.Fatalf("late upload: %+v", res)
	}
}

func TestSubmitRefusesAndStoresNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		prepare   func(t *testing.T, fx *fixture) []byte
		user      func(fx *fixture) reporting.User
		forbidden bool
		wantCode  string
		wantText  string
	}{
		{
			name: "another unit's template from this unit's clerk",
			prepare: func(t *testing.T, fx *fixture) []byte {
				return fill(t, fx.template(t, fx.other.Code), valid(), nil)
			},
			forbidden: true, wantText: "không có quyền nộp báo cáo cho UBND xã Tiến Hưng",
		},
		{
			name: "locked period",
			prepare: func(t *testing.T, fx *fixture) []byte {
				f := fill(t, fx.template(t, fx.unit.Code), valid(), nil)
				fx.now = fx.now.AddDate(0, 3, 0)
				return f
			},
			wantCode: reporting.ProblemTemplate, wantText: "đã khóa sổ",
		},
		{
			name: "old form version after a new one is active",
			prepare: func(t *testing.T, fx *fixture) []byte {
				f := fill(t, fx.template(t, fx.unit.Code), valid(), nil)
				storetest.SyncFormYAML(t, fx.st, "test-in.yaml", strings.Replace(formYAML, "Tự đánh giá", "Tự đánh giá chung", 1))
				return f
			},
			wantCode: reporting.ProblemTemplate, wantText: "phiên bản 1, nhưng biểu mẫu đã có phiên bản 2",
		},
		{
			name: "number out of range",
			prepare: func(t *testing.T, fx *fixture) []byte {
				v := valid()
				v["giam_sat"] = 501
				return fill(t, fx.template(t, fx.unit.Code), v, nil)
			},
			wantCode: reporting.ProblemRange, wantText: "Số cuộc giám sát",
		},
		{
			name: "broken cross-field rule names both fields",
			prepare: func(t *testing.T, fx *fixture) []byte {
				v := valid()
				v["da_giai_quyet"] = 9
				return fill(t, fx.template(t, fx.unit.Code), v, nil)
			},
			wantCode: reporting.ProblemRule, wantText: "kiến nghị",
		},
		{
			name: "unexplained warning",
			prepare: func(t *testing.T, fx *fixture) []byte {
				v := valid()
				v["giam_sat"] = 60
				return fill(t, fx.template(t, fx.unit.Code), v, nil)
			},
			wantCode: reporting.ProblemWarning, wantText: "bất thường",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fx := setup(t, formYAML)
			file := tt.prepare(t, fx)
			before := fx.counts(t)
			_, err := fx.svc.Submit(context.Background(), fx.clerk, fx.now, ops.Upload{Body: bytes.NewReader(file)})
			if after := fx.counts(t); after != before {
				t.Fatalf("rows before %v, after %v", before, after)
			}
			if tt.forbidden {
				if reporting.ErrorCode(err) != reporting.EFORBIDDEN || !strings.Contains(reporting.ErrorMessage(err), tt.wantText) {
					t.Fatalf("got %v, want forbidden mentioning %q", err, tt.wantText)
				}
				return
			}
			var pe *ops.ProblemsError
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want a ProblemsError", err)
			}
			for _, p := range pe.Problems {
				if p.Code == tt.wantCode && strings.Contains(p.Message, tt.wantText) {
					return
				}
			}
			t.Fatalf("problems %+v lack code %s with %q", pe.Problems, tt.wantCode, tt.wantText)
		})
	}
}

func TestExplainedWarningIsAcceptedAndKept(t *testing.T) {
	t.Parallel()
	fx := setup(t, formYAML)
	v := valid()
	v["giam_sat"] = 60
	file := fill(t, fx.template(t, fx.unit.Code), v, map[string]string{"giam_sat": "Năm nay có đợt giám sát chuyên đề đất đai."})
	res, err := fx.svc.Submit(context.Background(), fx.clerk, fx.now, ops.Upload{Body: bytes.NewReader(file)})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 1 || res.Warnings[0].Note == "" {
		t.Fatalf("warnings %+v, want the explained one", res.Warnings)
	}
	_, notes, err := fx.st.SubmissionValues(context.Background(), res.Submission.ID)
	if err != nil || notes["giam_sat"] != "Năm nay có đợt giám sát chuyên đề đất đai." {
		t.Fatalf("note stored %q, %v", notes["giam_sat"], err)
	}
}

func TestDryRunAnswersLikeSubmitAndStoresNothing(t *testing.T) {
	t.Parallel()
	fx := setup(t, formYAML)
	file := fill(t, fx.template(t, fx.unit.Code), valid(), nil)
	before := fx.counts(t)
	res, err := fx.svc.Submit(context.Background(), fx.clerk, fx.now, ops.Upload{Body: bytes.NewReader(file), DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if !res.DryRun || res.Submission.Version != 1 || res.Status != reporting.StatusSubmitted || fx.counts(t) != before {
		t.Fatalf("dry run: %+v", res)
	}
	bad := valid()
	bad["giam_sat"] = "nhiều"
	_, err = fx.svc.Submit(context.Background(), fx.clerk, fx.now, ops.Upload{Body: bytes.NewReader(fill(t, fx.template(t, fx.unit.Code), bad, nil)), DryRun: true})
	var pe *ops.ProblemsError
	if !errors.As(err, &pe) || pe.Problems[0].Code != reporting.ProblemType {
		t.Fatalf("dry run of a bad file: %v", err)
	}
}

func TestTemplateOfALockedPeriodIsRefused(t *testing.T) {
	t.Parallel()
	fx := setup(t, formYAML)
	fx.template(t, fx.unit.Code) // open: fine
	var locks time.Time
	if err := fx.st.Pool().QueryRow(context.Background(), `SELECT locks_at FROM periods WHERE id = $1`, fx.periodID).Scan(&locks); err != nil {
		t.Fatal(err)
	}
	fx.now = locks
	_, err := fx.svc.Template(context.Background(), fx.admin, fx.now, fx.periodID, fx.unit.Code)
	if reporting.ErrorCode(err) != reporting.ECONFLICT || !strings.Contains(err.Error(), "đã khóa sổ từ ngày") {
		t.Fatalf("template at the lock: %v, want a conflict saying the period is locked", err)
	}
}

func TestASCIIName(t *testing.T) {
	t.Parallel()
	if got := ops.ASCIIName("Báo cáo DCCS-XA 6 tháng đầu năm 2026 - UBND phường Đông Xoài.xlsx"); got != "Bao cao DCCS-XA 6 thang dau nam 2026 - UBND phuong Dong Xoai.xlsx" {
		t.Fatal(got)
	}
}
