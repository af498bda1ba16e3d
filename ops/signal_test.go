package ops_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
)

// signalProvince is a small province filing DCCS-QUY for five quarters
// through the real pipeline (template, filled workbook, upload): fourteen
// communes whose figures follow their size with ±10% from quarter to
// quarter, and, in the last quarter, three planted anomalies that no
// blocking rule of the form refuses.
type signalProvince struct {
	st        *store.Store
	svc       *ops.Service
	inspector reporting.User
	clerk     reporting.User
	last      store.PeriodRow
	subs      map[string]int64 // unit → its last quarter's submission
	names     map[string]string
	now       time.Time
}

const (
	plantedJump    = "X03" // tuyen_truyen_luot ten times its usual
	plantedPeople  = "X05" // people punished, no violation found
	plantedOverdue = "X07" // "Có đơn quá hạn" with no petition in its remit
)

func seedSignalProvince(t *testing.T) *signalProvince {
	t.Helper()
	ctx := t.Context()
	st := storetest.Open(t)
	syncEmbeddedForms(t, st)
	p := &signalProvince{st: st, svc: storetest.Ops(st, hcm), subs: map[string]int64{}, names: map[string]string{},
		now: time.Date(2026, time.July, 20, 9, 0, 0, 0, hcm)}
	var codes []string
	for i := range 14 {
		code := fmt.Sprintf("X%02d", i)
		p.names[code] = fmt.Sprintf("Xã Thử Nghiệm %d", i)
		storetest.Unit(t, st, &storetest.UnitOpts{Code: code, Name: p.names[code]})
		codes = append(codes, code)
	}
	p.inspector = storetest.User(t, st, &storetest.UserOpts{Role: reporting.RoleInspector, Name: "Trần Thanh Tra"})
	p.clerk = storetest.User(t, st, &storetest.UserOpts{Role: reporting.RoleClerk, UnitCode: plantedJump})
	storetest.OpenDue(t, st, p.now, hcm)
	all, err := st.Periods(ctx, store.PeriodFilter{FormCode: "DCCS-QUY"})
	if err != nil {
		t.Fatal(err)
	}
	var quarters []store.PeriodRow // oldest first
	for _, q := range all {
		if q.Deadline.Before(p.now) {
			quarters = append([]store.PeriodRow{q}, quarters...)
		}
	}
	quarters = quarters[len(quarters)-5:]
	p.last = quarters[4]
	rng := rand.New(rand.NewPCG(17, 4))
	size := map[string]float64{}
	for _, c := range codes {
		size[c] = 0.8 + 0.45*rng.Float64()
	}
	for qi, q := range quarters {
		for _, code := range codes {
			noise := func() float64 { return size[code] * (0.9 + 0.2*rng.Float64()) }
			n := func(base float64) int { return int(math.Round(base * noise())) }
			cuoc, phai, tiep := n(8), n(20), n(12)
			da := phai - rng.IntN(3)
			v := map[string]any{
				"vb_chi_dao": n(6), "tuyen_truyen_cuoc": cuoc, "tuyen_truyen_luot": cuoc * (30 + rng.IntN(10)),
				"ck_noi_dung_phai": phai, "ck_noi_dung_da": da, "ck_ty_le": math.Round(float64(da)*1000/float64(phai)) / 10,
				"tcd_luot": n(30), "don_tiep_nhan": tiep, "don_tham_quyen": tiep - 2, "don_giai_quyet": tiep - 3,
				"don_tien_do": "Đúng hạn", "vp_vu": 0, "vp_nguoi": 0, "tu_danh_gia": "Khá",
			}
			notes := map[string]string{}
			if qi == 4 {
				switch code {
				case plantedJump:
					v["tuyen_truyen_luot"] = v["tuyen_truyen_luot"].(int) * 10
				case plantedPeople:
					v["vp_nguoi"] = 3
				case plantedOverdue:
					v["don_tham_quyen"], v["don_giai_quyet"], v["don_tien_do"] = 0, 0, "Có đơn quá hạn"
					notes["don_tien_do"] = "Đơn của kỳ trước chuyển sang."
				}
			}
			at := q.Deadline.Add(-24 * time.Hour)
			tp, err := p.svc.Template(ctx, ops.CLIAdmin, at, q.ID, code)
			if err != nil {
				t.Fatal(err)
			}
			res, err := p.svc.Submit(ctx, ops.CLIAdmin, at, ops.Upload{FileName: tp.FileName, Body: bytes.NewReader(storetest.Fill(t, tp.Data, v, notes))})
			if err != nil {
				t.Fatalf("%s %s: %v", q.Key, code, err)
			}
			if qi == 4 {
				p.subs[code] = res.Submission.ID
			}
		}
	}
	return p
}

// TestSignalsOnAProvince: the planted anomalies, and nothing else, raise
// signals; the period lists them with the most unexplained first; an
// inspector's explanation is stored, shown with who, when and why,
// audited, replaced by a second one with the first kept in the audit;
// bad explanations are refused with nothing stored; the council report's
// annex, in the workbook and the PDF, lists what remains unexplained.
func TestSignalsOnAProvince(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	p := seedSignalProvince(t)
	svc, now := p.svc, p.now

	rows, err := svc.PeriodSignals(ctx, p.inspector, now, p.last.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	var order []string
	for _, r := range rows {
		got[r.UnitCode] = keys(r.Signals)
		order = append(order, r.UnitCode)
		if r.SubmissionID != p.subs[r.UnitCode] || r.Unexplained != len(r.Signals) {
			t.Errorf("%s: submission %d (want %d), %d unexplained of %d", r.UnitCode, r.SubmissionID, p.subs[r.UnitCode], r.Unexplained, len(r.Signals))
		}
	}
	want := map[string][]string{
		plantedJump: {"history:tuyen_truyen_luot", "peers:tuyen_truyen_luot"},
		// Its petitions in remit and solved fell from about 10 to 0.
		plantedOverdue: {"history:don_tham_quyen", "history:don_giai_quyet", "check:don_tien_do != \"Có đơn quá hạn\" || don_tham_quyen > 0"},
		plantedPeople:  {"check:vp_vu > 0 || vp_nguoi == 0"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("signals of the last quarter:\n got %v\nwant %v", got, want)
	}
	// Three unexplained signals before two before one.
	if !slices.Equal(order, []string{plantedOverdue, plantedJump, plantedPeople}) {
		t.Errorf("order %v", order)
	}

	// Explaining: refused without a note, for a signal the submission does
	// not raise, and for a clerk; nothing stored.
	jump := p.subs[plantedJump]
	for _, bad := range []struct {
		u    reporting.User
		in   ops.ExplainInput
		code string
	}{
		{p.inspector, ops.ExplainInput{SubmissionID: jump, Key: "peers:tuyen_truyen_luot", Note: "  "}, reporting.EINVALID},
		{p.inspector, ops.ExplainInput{SubmissionID: jump, Key: "peers:tcd_luot", Note: "x"}, reporting.ECONFLICT},
		{p.inspector, ops.ExplainInput{SubmissionID: jump, Key: "peers:tuyen_truyen_luot", Note: strings.Repeat("ă", ops.MaxExplanation+1)}, reporting.EINVALID},
		{p.clerk, ops.ExplainInput{SubmissionID: jump, Key: "peers:tuyen_truyen_luot", Note: "Số liệu đúng"}, reporting.EFORBIDDEN},
	} {
		if _, err := svc.ExplainSignal(ctx, bad.u, now, bad.in); reporting.ErrorCode(err) != bad.code {
			t.Errorf("%+v: %v, want %s", bad.in, err, bad.code)
		} else if msg := reporting.ErrorMessage(err); !strings.ContainsAny(msg, "ạảãáàâăđêôơư") {
			t.Errorf("message not in Vietnamese: %q", msg)
		}
	}
	var stored int
	if err := p.st.Pool().QueryRow(ctx, `SELECT count(*) FROM signal_explanations`).Scan(&stored); err != nil || stored != 0 {
		t.Fatalf("%d explanations stored after refusals (%v)", stored, err)
	}

	first := now.Add(time.Hour)
	for _, key := range want[plantedJump] {
		if _, err := svc.ExplainSignal(ctx, p.inspector, first, ops.ExplainInput{SubmissionID: jump, Key: key, Note: "Xã tổ chức hội nghị tuyên truyền lớn."}); err != nil {
			t.Fatal(err)
		}
	}
	second := first.Add(time.Hour)
	if _, err := svc.ExplainSignal(ctx, p.inspector, second, ops.ExplainInput{SubmissionID: jump, Key: "peers:tuyen_truyen_luot",
		Note: "Đã gọi điện xác nhận: có đợt tuyên truyền toàn xã."}); err != nil {
		t.Fatal(err)
	}
	signals, err := svc.SubmissionSignals(ctx, p.clerk, second, jump)
	if err != nil {
		t.Fatal(err)
	}
	var explained []string
	for _, s := range signals {
		e := s.Explanation
		if e == nil {
			t.Fatalf("%s not explained", s.Key)
		}
		explained = append(explained, fmt.Sprintf("%s: %s — %s %s", s.Key, e.Note, e.By, e.At.In(hcm).Format("15:04")))
	}
	if w := []string{
		"history:tuyen_truyen_luot: Xã tổ chức hội nghị tuyên truyền lớn. — Trần Thanh Tra 10:00",
		"peers:tuyen_truyen_luot: Đã gọi điện xác nhận: có đợt tuyên truyền toàn xã. — Trần Thanh Tra 11:00",
	}; !slices.Equal(explained, w) {
		t.Errorf("explanations:\n%s", strings.Join(explained, "\n"))
	}
	events, err := p.st.AuditEvents(ctx, store.AuditFilter{Action: "signal.explain", ObjectID: fmt.Sprint(jump)})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 3 || events[0].Actor != p.inspector.Email {
		t.Fatalf("audit: %+v", events)
	}
	var latest struct {
		Signal, Note string
		PreviousNote string `json:"previous_note"`
	}
	raw, _ := events[0].Details.(json.RawMessage)
	if err := json.Unmarshal(raw, &latest); err != nil {
		t.Fatal(err)
	}
	if latest.Signal != "peers:tuyen_truyen_luot" || latest.PreviousNote != "Xã tổ chức hội nghị tuyên truyền lớn." ||
		!strings.HasPrefix(latest.Note, "Đã gọi điện") {
		t.Errorf("latest audit details %s", raw)
	}

	// Explained, the unit goes last.
	rows, err = svc.PeriodSignals(ctx, p.inspector, second, p.last.ID)
	if err != nil {
		t.Fatal(err)
	}
	order = order[:0]
	for _, r := range rows {
		order = append(order, fmt.Sprintf("%s/%d", r.UnitCode, r.Unexplained))
	}
	if !slices.Equal(order, []string{plantedOverdue + "/3", plantedPeople + "/1", plantedJump + "/0"}) {
		t.Errorf("order after explaining %v", order)
	}

	// The annex: the two unexplained signals, in the workbook and the PDF.
	var book bytes.Buffer
	if _, err := svc.Report(ctx, p.inspector, second, ops.ReportRequest{FormCode: "DCCS-QUY", Period: p.last.Key, Format: ops.ReportXLSX}, &book); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&book)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet, err := f.GetRows("Số liệu bất thường")
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, row := range sheet[4:] {
		if len(row) >= 8 && row[1] != "" {
			listed = append(listed, row[1]+" "+row[3]+" = "+row[4])
		}
	}
	if w := []string{
		// A check's signal is on the first field it reads.
		plantedPeople + " Số vụ vi phạm pháp luật về dân chủ ở cơ sở phát hiện = 0 vụ",
		plantedOverdue + " Số đơn thuộc thẩm quyền giải quyết = 0 đơn",
		plantedOverdue + " Số đơn thuộc thẩm quyền đã giải quyết = 0 đơn",
		plantedOverdue + " Tiến độ giải quyết đơn = Có đơn quá hạn",
	}; !slices.Equal(listed, w) {
		t.Errorf("annex sheet rows %q", listed)
	}
	var pdf bytes.Buffer
	if _, err := svc.Report(ctx, p.inspector, second, ops.ReportRequest{FormCode: "DCCS-QUY", Period: p.last.Key, Format: ops.ReportPDF}, &pdf); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, pdf.Bytes())
	for _, s := range []string{"Phụ lục IV", "SỐ LIỆU BẤT THƯỜNG CHƯA ĐƯỢC GIẢI TRÌNH", p.names[plantedPeople], p.names[plantedOverdue],
		"Có người vi phạm bị xử lý nhưng không có vụ vi phạm nào được phát hiện", "Phụ lục IV liệt kê 4 số liệu bất thường của 2 đơn vị"} {
		if !strings.Contains(text, s) {
			t.Errorf("PDF lacks %q", s)
		}
	}
	if strings.Contains(text, p.names[plantedJump]+" Số lượt") {
		t.Errorf("PDF lists the explained unit")
	}
}

func keys(signals []reporting.Signal) []string {
	var out []string
	for _, s := range signals {
		out = append(out, s.Key)
	}
	return out
}

// pdfText is a PDF's text, by poppler's pdftotext, white space collapsed.
func pdfText(t *testing.T, data []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatalf("pdftotext is needed (%v): apt-get install -y poppler-utils (.ci/test installs it)", err)
	}
	path := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}
