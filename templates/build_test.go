package templates

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"math"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"baocao/reporting"
)

// zipPart returns one part of a zip, or fails.
func zipPart(t testing.TB, data []byte, name string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range zr.File {
		if e.Name == name {
			rc, err := e.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			b, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
	}
	t.Fatalf("no part %s", name)
	return ""
}

func TestBuildReportSheet(t *testing.T) {
	t.Parallel()
	form := testForm(t)
	f := openXLSX(t, buildTemplate(t, form))
	if got := f.GetSheetList(); got[0] != SheetReport || f.GetActiveSheetIndex() != 0 {
		t.Errorf("sheets %v, active %d: want %s first and active", got, f.GetActiveSheetIndex(), SheetReport)
	}
	want := map[string]string{
		"A1":  "UBND THÀNH PHỐ ĐỒNG XOÀI",
		"A2":  "UBND PHƯỜNG TÂN PHÚ",
		"C1":  "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
		"C2":  "Độc lập - Tự do - Hạnh phúc",
		"A4":  "BÁO CÁO THỬ NGHIỆM KẾT QUẢ THỰC HIỆN DÂN CHỦ Ở CƠ SỞ",
		"A5":  "Kỳ báo cáo: 6 tháng đầu năm 2026",
		"A6":  "Số liệu từ ngày 15/12/2025 đến ngày 14/06/2026",
		"A7":  "Hạn gửi: chậm nhất ngày 17/06/2026",
		"A9":  "STT",
		"B9":  "Chỉ tiêu",
		"C9":  "Đơn vị tính",
		"D9":  "Giá trị",
		"E9":  "Ghi chú / giải trình",
		"A11": "I. Ban Thanh tra nhân dân",
		"A12": "1",
		"B12": "Số cuộc giám sát (*)",
		"C12": "cuộc",
		"B13": "Số kiến nghị",
		"A19": "II. Đánh giá chung",
		"A20": "1",
		"B20": "Tự đánh giá (*)",
	}
	for c, w := range want {
		if got, err := f.GetCellValue(SheetReport, c); err != nil || got != w {
			t.Errorf("%s = %q (%v), want %q", c, got, err, w)
		}
	}
	merged, err := f.GetMergeCells(SheetReport)
	if err != nil {
		t.Fatal(err)
	}
	var ranges []string
	for _, m := range merged {
		ranges = append(ranges, m.GetStartAxis()+":"+m.GetEndAxis())
	}
	for _, r := range []string{"A1:B1", "C1:E1", "A4:E4", "A11:E11", "A19:E19"} {
		if !strings.Contains(strings.Join(ranges, " "), r) {
			t.Errorf("merged ranges %v lack %s", ranges, r)
		}
	}
	for _, c := range []string{"A4", "B12", "D12"} {
		if st := cellStyle(t, f, SheetReport, c); st.Font == nil || st.Font.Family != "Times New Roman" {
			t.Errorf("%s font %+v: want Times New Roman", c, st.Font)
		}
	}
	if w, _ := f.GetColWidth(SheetReport, "B"); w < 40 {
		t.Errorf("label column width %v, want a wide one", w)
	}
}

func TestBuildDeadlineWithATime(t *testing.T) {
	t.Parallel()
	in := testInput(t, testForm(t))
	in.Period.Deadline = time.Date(2026, time.June, 17, 17, 0, 0, 0, in.Location)
	b, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := openXLSX(t, b).GetCellValue(SheetReport, "A7"); got != "Hạn gửi: trước 17 giờ 00 ngày 17/06/2026" {
		t.Errorf("deadline %q", got)
	}
}

func TestBuildNamesEveryInputCell(t *testing.T) {
	t.Parallel()
	form := testForm(t)
	f := openXLSX(t, buildTemplate(t, form))
	names := map[string]string{}
	for _, dn := range f.GetDefinedName() {
		if dn.Scope == "Workbook" {
			names[dn.Name] = dn.RefersTo
		}
	}
	lay := newLayout(form)
	for _, fl := range form.Fields() {
		row := lay.fieldRow[fl.Code]
		if got, want := names["f_"+fl.Code], fmt.Sprintf("'Báo cáo'!$D$%d", row); got != want {
			t.Errorf("f_%s = %q, want %q", fl.Code, got, want)
		}
		if got, want := names["n_"+fl.Code], fmt.Sprintf("'Báo cáo'!$E$%d", row); got != want {
			t.Errorf("n_%s = %q, want %q", fl.Code, got, want)
		}
	}
	if _, bare := names["ab12"]; bare {
		t.Error("a name without prefix: ab12 would read as a cell reference")
	}
	if names["f_ab12"] == "" {
		t.Error("no f_ab12")
	}
}

func TestBuildValidatesEveryInputCell(t *testing.T) {
	t.Parallel()
	form := testForm(t)
	f := openXLSX(t, buildTemplate(t, form))
	dvs, err := f.GetDataValidations(SheetReport)
	if err != nil {
		t.Fatal(err)
	}
	bySqref := map[string]*excelize.DataValidation{}
	for _, dv := range dvs {
		bySqref[dv.Sqref] = dv
	}
	lay := newLayout(form)
	minDate, maxDate := fmt.Sprint(serial(reporting.MinDate)), fmt.Sprint(serial(reporting.MaxDate))
	want := map[string]struct{ typ, op, f1, f2 string }{
		"so_cuoc": {"whole", "between", "0", "1000"},
		// Without a max, the type's limit: a count within 10^9, an amount
		// within 10^15 (issue 13).
		"kien_nghi":     {"whole", "between", "0", "1000000000"},
		"da_giai_quyet": {"whole", "between", "0", "1000000000"},
		"ab12":          {"whole", "between", "0", "1000000000"},
		"tien":          {"decimal", "between", "0", "1E+15"},
		"ty_le":         {"decimal", "between", "0", "100"},
		"ngay":          {"date", "between", minDate, maxDate},
		"danh_gia":      {"list", "", `"Tốt,Khá,Trung bình,Yếu"`, ""},
		"linh_vuc":      {"list", "", "'_lists'!$A$1:$A$11", ""},
		"kho_khan":      {"textLength", "lessThanOrEqual", "4000", ""},
	}
	if len(dvs) != len(form.Fields()) {
		t.Errorf("%d data validations, want one per field (%d)", len(dvs), len(form.Fields()))
	}
	for _, fl := range form.Fields() {
		ref := cell(colValue, lay.fieldRow[fl.Code])
		dv, ok := bySqref[ref]
		if !ok {
			t.Errorf("%s (%s): no data validation", fl.Code, ref)
			continue
		}
		w := want[fl.Code]
		if dv.Type != w.typ || dv.Operator != w.op || dv.Formula1 != w.f1 || dv.Formula2 != w.f2 {
			t.Errorf("%s: validation %s %s %q %q, want %s %s %q %q", fl.Code, dv.Type, dv.Operator, dv.Formula1, dv.Formula2, w.typ, w.op, w.f1, w.f2)
		}
		if dv.ErrorStyle == nil || *dv.ErrorStyle != "stop" || !dv.ShowErrorMessage || !dv.ShowInputMessage || !dv.AllowBlank {
			t.Errorf("%s: want a stop error, a prompt, blanks allowed: %+v", fl.Code, dv)
		}
		if dv.Prompt == nil || !strings.HasPrefix(*dv.Prompt, fl.Label) || utf16Len(*dv.Prompt) > 255 || dv.Error == nil || !strings.Contains(*dv.Error, fl.Label) {
			t.Errorf("%s: prompt %v, error %v: want both naming the label, within 255", fl.Code, dv.Prompt, dv.Error)
		}
	}
	for code, text := range map[string]string{
		"so_cuoc": "Số cuộc giám sát (cuộc). Số nguyên từ 0 đến 1.000. Bắt buộc.",
		"tien":    "Số tiền kiến nghị thu hồi (đồng). Số từ 0 trở lên.",
		"ty_le":   "Tỷ lệ kiến nghị được giải quyết. Tỷ lệ % từ 0 đến 100.",
		"ngay":    "Ngày hội nghị sơ kết. Ngày dạng ngày/tháng/năm, từ 01/01/2000 đến 31/12/2100.",
	} {
		if dv := bySqref[cell(colValue, lay.fieldRow[code])]; dv == nil || *dv.Prompt != text {
			t.Errorf("%s prompt %q, want %q", code, *dv.Prompt, text)
		}
	}
	for i, c := range longChoices {
		if got, _ := f.GetCellValue(SheetLists, cell("A", i+1)); got != c {
			t.Errorf("lists A%d = %q, want %q", i+1, got, c)
		}
	}
	if visible, _ := f.GetSheetVisible(SheetLists); visible {
		t.Error("the lists sheet is visible")
	}
}

func TestBuildProtectsAllButInputs(t *testing.T) {
	t.Parallel()
	form := testForm(t)
	data := buildTemplate(t, form)
	f := openXLSX(t, data)
	prot, err := f.GetSheetProtection(SheetReport)
	if err != nil {
		t.Fatal(err)
	}
	if !prot.SelectUnlockedCells || prot.FormatCells || prot.InsertRows || prot.DeleteRows || prot.InsertColumns {
		t.Errorf("protection %+v: want cells selectable, structure locked", prot)
	}
	if !strings.Contains(zipPart(t, data, "xl/worksheets/sheet1.xml"), `<sheetProtection `) {
		t.Error("report sheet has no sheetProtection element")
	}
	if !regexp.MustCompile(`<workbookProtection[^>]*lockStructure="(1|true)"`).MatchString(zipPart(t, data, "xl/workbook.xml")) {
		t.Error("workbook structure is not locked")
	}
	lay := newLayout(form)
	locked := func(c string) bool {
		st := cellStyle(t, f, SheetReport, c)
		return st.Protection == nil || st.Protection.Locked
	}
	for _, fl := range form.Fields() {
		row := lay.fieldRow[fl.Code]
		if locked(cell(colValue, row)) || locked(cell(colNote, row)) {
			t.Errorf("%s: value or note cell locked", fl.Code)
		}
		if !locked(cell(colLabel, row)) || !locked(cell(colUnit, row)) {
			t.Errorf("%s: label or unit cell not locked", fl.Code)
		}
	}
	for _, c := range []string{"A1", "A4", "D9", "A11"} {
		if !locked(c) {
			t.Errorf("%s not locked", c)
		}
	}
}

func TestBuildSignsAVeryHiddenMeta(t *testing.T) {
	t.Parallel()
	data := buildTemplate(t, testForm(t))
	f := openXLSX(t, data)
	if visible, err := f.GetSheetVisible(SheetMeta); err != nil || visible {
		t.Errorf("_meta visible=%v (%v)", visible, err)
	}
	if !regexp.MustCompile(`<sheet name="_meta"[^>]*state="veryHidden"`).MatchString(zipPart(t, data, "xl/workbook.xml")) {
		t.Error("_meta is not veryHidden in workbook.xml")
	}
	rows, err := f.GetRows(SheetMeta)
	if err != nil {
		t.Fatal(err)
	}
	kv := map[string]string{}
	var keys []string
	for _, r := range rows {
		kv[r[0]] = ""
		if len(r) > 1 {
			kv[r[0]] = r[1]
		}
		keys = append(keys, r[0])
	}
	wantKeys := append(append([]string{}, metaKeys2...), metaHMAC)
	if strings.Join(keys, ",") != strings.Join(wantKeys, ",") {
		t.Errorf("keys %v, want %v", keys, wantKeys)
	}
	want := map[string]string{
		metaForm: "TEST-XA", metaFormVersion: "3", metaFormVersionID: "17", metaUnit: "25195",
		metaPeriodID: "42", metaPeriodKey: "2026-H1", metaIssuedAt: "2026-06-01T08:30:15+07:00", metaLayout: "2",
	}
	for k, v := range want {
		if kv[k] != v {
			t.Errorf("%s = %q, want %q", k, kv[k], v)
		}
	}
	m, mac, bad := parseMeta(rows)
	if len(bad) > 0 || VerifyMeta(m, mac, testSecret) != nil || !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(mac) {
		t.Errorf("meta %+v mac %q bad %v: want a verified hex HMAC-SHA256", m, mac, bad)
	}
}

func TestBuildPrintsOnA4(t *testing.T) {
	t.Parallel()
	form := testForm(t)
	f := openXLSX(t, buildTemplate(t, form))
	pl, err := f.GetPageLayout(SheetReport)
	if err != nil {
		t.Fatal(err)
	}
	if *pl.Size != 9 || *pl.Orientation != "portrait" || *pl.FitToWidth != 1 || *pl.FitToHeight != 0 {
		t.Errorf("page layout size %d %s fit %d×%d: want A4 portrait one page wide", *pl.Size, *pl.Orientation, *pl.FitToWidth, *pl.FitToHeight)
	}
	if props, _ := f.GetSheetProps(SheetReport); props.FitToPage == nil || !*props.FitToPage {
		t.Error("fit to page is off")
	}
	m, err := f.GetPageMargins(SheetReport)
	if err != nil {
		t.Fatal(err)
	}
	if mm := *m.Left * 25.4; math.Abs(mm-30) > 0.5 {
		t.Errorf("left margin %.1f mm, want 30 (Decree 30)", mm)
	}
	if mm := *m.Right * 25.4; mm < 14.9 || mm > 20.1 {
		t.Errorf("right margin %.1f mm, want 15–20", mm)
	}
	hf, err := f.GetHeaderFooter(SheetReport)
	if err != nil || !hf.DifferentFirst || !strings.Contains(hf.OddHeader, "&P") || hf.FirstHeader != "" {
		t.Errorf("header %+v: want page numbers from page two", hf)
	}
	var titles, area string
	for _, dn := range f.GetDefinedName() {
		if dn.Scope == SheetReport {
			switch dn.Name {
			case "_xlnm.Print_Titles":
				titles = dn.RefersTo
			case "_xlnm.Print_Area":
				area = dn.RefersTo
			}
		}
	}
	if titles != "'Báo cáo'!$9:$10" || !strings.HasPrefix(area, "'Báo cáo'!$A$1:$E$") {
		t.Errorf("print titles %q, area %q", titles, area)
	}
	props, err := f.GetDocProps()
	if err != nil {
		t.Fatal(err)
	}
	if props.Title != form.Title || props.Creator != "baocao" || props.Language != "vi-VN" || !strings.Contains(props.Subject, "6 tháng đầu năm 2026") {
		t.Errorf("document properties %+v", props)
	}
	help, err := f.GetRows(SheetHelp)
	if err != nil || len(help) < 10 || !strings.Contains(help[1][0], form.Title) {
		t.Errorf("help sheet rows %d (%v): want the instructions naming the form", len(help), err)
	}
}

func TestBuildRefusesIncompleteInput(t *testing.T) {
	t.Parallel()
	form := testForm(t)
	for name, edit := range map[string]func(*BuildInput){
		"no secret":   func(in *BuildInput) { in.Secret = nil },
		"no location": func(in *BuildInput) { in.Location = nil },
		"no unit":     func(in *BuildInput) { in.Unit = Unit{} },
		"no field":    func(in *BuildInput) { in.Form.Sections = nil },
	} {
		in := testInput(t, form)
		edit(&in)
		if _, err := Build(in); err == nil {
			t.Errorf("%s: Build succeeded", name)
		}
	}
}

func TestTruncateUTF16(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("Tỷ lệ ", 60)
	got := truncateUTF16(long, 255)
	if utf16Len(got) > 255 || !strings.HasSuffix(got, "…") || !strings.HasPrefix(long, strings.TrimSuffix(got, "…")) {
		t.Errorf("truncateUTF16 = %q (%d units)", got, utf16Len(got))
	}
	if got := truncateUTF16("ngắn", 32); got != "ngắn" {
		t.Errorf("short text changed: %q", got)
	}
}
