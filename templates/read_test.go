package templates

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"baocao/reporting"
)

func TestReadRoundTrip(t *testing.T) {
	t.Parallel()
	form := testForm(t)
	longText := strings.Repeat("Khó khăn: thiếu kinh phí, cán bộ kiêm nhiệm nhiều việc; người dân chưa tích cực tham gia.\n", 20)
	values := validValues()
	values["kho_khan"] = longText
	// Typed on a Mac: decomposed accents, lower case, stray spaces.
	values["danh_gia"] = "  " + norm.NFD.String("khá") + " "
	notes := map[string]string{"tien": "Theo kết luận thanh tra số 12/KL-TTr", "kho_khan": norm.NFD.String("Đã báo cáo UBND huyện")}
	got := readFile(t, fill(t, buildTemplate(t, form), values, notes), form)

	if len(got.Problems) != 0 {
		t.Fatalf("problems:\n%s", messages(got.Problems))
	}
	want := map[string]string{
		"so_cuoc": "12", "kien_nghi": "7", "da_giai_quyet": "5",
		"tien": "12345678901.25", "ty_le": "71.43", "ab12": "3",
	}
	for code, num := range want {
		if v := got.Values[code]; v.Num != num {
			t.Errorf("%s: Num %q, want %q (value %+v)", code, v.Num, num, v)
		}
	}
	if d := got.Values["ngay"].Date; d == nil || !d.Equal(reporting.Day(2026, time.March, 5)) {
		t.Errorf("ngay: %v, want 2026-03-05", d)
	}
	if v := got.Values["danh_gia"].Text; v != "Khá" {
		t.Errorf("danh_gia: %q, want the choice as the form spells it", v)
	}
	if v := got.Values["linh_vuc"].Text; v != longChoices[7] {
		t.Errorf("linh_vuc: %q, want %q", v, longChoices[7])
	}
	if v := got.Values["kho_khan"].Text; v != strings.TrimSpace(longText) {
		t.Errorf("kho_khan: text differs:\n%q\nwant\n%q", v, strings.TrimSpace(longText))
	}
	if got.Notes["tien"] != notes["tien"] || got.Notes["kho_khan"] != "Đã báo cáo UBND huyện" || len(got.Notes) != 2 {
		t.Errorf("notes %q: want both notes, NFC", got.Notes)
	}
	// Every field is there with the cell it came from.
	for _, fl := range form.Fields() {
		v, ok := got.Values[fl.Code]
		if !ok || v.Sheet != SheetReport || !regexp.MustCompile(`^D\d+$`).MatchString(v.Cell) {
			t.Errorf("%s: value %+v, want one read from %s column D", fl.Code, v, SheetReport)
		}
	}
	m := got.Meta
	if m.FormCode != "TEST-XA" || m.FormVersion != 3 || m.FormVersionID != 17 || m.UnitCode != "25195" || m.PeriodID != 42 || m.PeriodKey != "2026-H1" || m.Layout != LayoutVersion {
		t.Errorf("meta %+v", m)
	}
	if want := time.Date(2026, time.June, 1, 8, 30, 15, 0, hcm(t)); !m.IssuedAt.Equal(want) {
		t.Errorf("issued at %v, want %v (to the second)", m.IssuedAt, want)
	}
}

// Values typed as text the way clerks type them, read back through Read.
func TestReadNumbersTypedAsText(t *testing.T) {
	t.Parallel()
	form := testForm(t)
	tmpl := buildTemplate(t, form)
	tests := []struct {
		field, typed, want string
	}{
		{"kien_nghi", "1.000", "1000"},
		{"so_cuoc", "12", "12"},
		{"kien_nghi", "1.234.567", "1234567"},
		{"kien_nghi", "12 345", "12345"},
		{"kien_nghi", "12\u00a0345", "12345"},
		{"tien", "1.234,5", "1234.5"},
		{"tien", "1,234.5", "1234.5"},
		{"tien", "12.345.678.901,25", "12345678901.25"},
		{"tien", "1,5", "1.5"},
		{"tien", "1.234", "1234"},
		{"tien", "987654321098765.43", "987654321098765.43"}, // beyond float64, within the limit: kept exactly
		{"ty_le", "85,5", "85.5"},
		{"ty_le", "85,5%", "85.5"},
	}
	for _, tt := range tests {
		t.Run(tt.field+" "+tt.typed, func(t *testing.T) {
			t.Parallel()
			values := validValues()
			values[tt.field] = tt.typed
			if tt.field == "kien_nghi" {
				values["da_giai_quyet"] = 0
			}
			got := readFile(t, fill(t, tmpl, values, nil), form)
			if len(got.Problems) != 0 {
				t.Fatalf("problems:\n%s", messages(got.Problems))
			}
			if v := got.Values[tt.field]; v.Num != tt.want || v.Raw != tt.typed && v.Raw != strings.TrimSpace(tt.typed) {
				t.Errorf("%s = %+v, want Num %q and Raw as typed", tt.field, v, tt.want)
			}
		})
	}
}

func TestReadDatesTypedAsText(t *testing.T) {
	t.Parallel()
	form := testForm(t)
	tmpl := buildTemplate(t, form)
	for _, typed := range []string{"05/03/2026", "5/3/2026", "2026-03-05", "05-03-2026", "05.03.2026"} {
		t.Run(typed, func(t *testing.T) {
			t.Parallel()
			values := validValues()
			values["ngay"] = typed
			got := readFile(t, fill(t, tmpl, values, nil), form)
			if len(got.Problems) != 0 {
				t.Fatalf("problems:\n%s", messages(got.Problems))
			}
			if d := got.Values["ngay"].Date; d == nil || !d.Equal(reporting.Day(2026, time.March, 5)) {
				t.Errorf("ngay = %v, want 2026-03-05", d)
			}
		})
	}
}

// A percentage typed as "45%" in Excel is stored as 0.45 in a cell
// formatted as a percentage; the report means 45.
func TestReadPercentFormattedCell(t *testing.T) {
	t.Parallel()
	form := testForm(t)
	data := fill(t, buildTemplate(t, form), validValues(), nil)
	f := openXLSX(t, data)
	sheet, c := nameRef(t, f, ValueName("ty_le"))
	style, err := f.NewStyle(&excelize.Style{NumFmt: 10})
	if err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(f.SetCellFloat(sheet, c, 0.45, -1, 64), f.SetCellStyle(sheet, c, c, style)); err != nil {
		t.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	got := readFile(t, buf.Bytes(), form)
	if v := got.Values["ty_le"]; v.Num != "45" || len(got.Problems) != 0 {
		t.Fatalf("ty_le = %+v, problems %v; want 45 and none", v, got.Problems)
	}
}

func TestReadValueProblems(t *testing.T) {
	t.Parallel()
	form := testForm(t)
	tmpl := buildTemplate(t, form)
	tests := []struct {
		name     string
		set      map[string]any
		notes    map[string]string
		want     []string // problem code:field, in order
		severity reporting.Severity
		contains []string
	}{
		{
			name: "number out of range", set: map[string]any{"so_cuoc": 1001},
			want: []string{"range:so_cuoc"}, contains: []string{"“Số cuộc giám sát” (ô D12) phải từ 0 cuộc đến 1.000 cuộc; đã nhập 1.001."},
		},
		{
			name: "negative", set: map[string]any{"tien": -3},
			want: []string{"range:tien"}, contains: []string{"không được nhỏ hơn 0 đồng", "đã nhập -3"},
		},
		{
			name: "text in a number cell", set: map[string]any{"so_cuoc": "mười hai"},
			want: []string{"type:so_cuoc"}, contains: []string{"“mười hai” không phải là số"},
		},
		{
			name: "fraction in an int cell", set: map[string]any{"so_cuoc": "1,5"},
			want: []string{"type:so_cuoc"}, contains: []string{"phải là số nguyên"},
		},
		{
			name: "missing required value", set: map[string]any{"so_cuoc": nil, "danh_gia": ""},
			want: []string{"required:so_cuoc", "required:danh_gia"}, contains: []string{"Chưa nhập “Số cuộc giám sát” (ô D12)", "Chưa nhập “Tự đánh giá”"},
		},
		{
			name: "choice not in the list", set: map[string]any{"danh_gia": "Xuất sắc"},
			want: []string{"choice:danh_gia"}, contains: []string{"“Xuất sắc” không có trong danh sách. Chọn một trong: Tốt, Khá, Trung bình, Yếu."},
		},
		{
			name: "impossible date", set: map[string]any{"ngay": "30/02/2026"},
			want: []string{"type:ngay"}, contains: []string{"“30/02/2026” không phải là ngày hợp lệ"},
		},
		{
			name: "text too long", set: map[string]any{"kho_khan": strings.Repeat("á", 4001)},
			want: []string{"length:kho_khan"}, contains: []string{"dài 4001 ký tự, vượt quá 4000"},
		},
		{
			name: "broken cross-field rule", set: map[string]any{"kien_nghi": 3, "da_giai_quyet": 5},
			want: []string{"rule:da_giai_quyet"},
			contains: []string{
				"Số kiến nghị đã giải quyết không được lớn hơn số kiến nghị.",
				"“Số kiến nghị đã được giải quyết” (ô D14) = 5 kiến nghị",
				"“Số kiến nghị” (ô D13) = 3 kiến nghị",
			},
		},
		{
			name: "warning without a note blocks", set: map[string]any{"so_cuoc": 60},
			want: []string{"warning:so_cuoc"}, severity: reporting.SeverityError,
			contains: []string{"Hơn 50 cuộc giám sát trong một kỳ là bất thường.", "xin ghi giải trình vào cột “Ghi chú / giải trình”"},
		},
		{
			name: "warning with a note passes as a warning", set: map[string]any{"so_cuoc": 60},
			notes: map[string]string{"so_cuoc": "Kỳ này có đợt giám sát chuyên đề về đất đai."},
			want:  []string{"warning:so_cuoc"}, severity: reporting.SeverityWarning,
			contains: []string{"Đơn vị đã giải trình: “Kỳ này có đợt giám sát chuyên đề về đất đai.”"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			values := validValues()
			for k, v := range tt.set {
				if v == nil {
					delete(values, k)
				} else {
					values[k] = v
				}
			}
			got := readFile(t, fill(t, tmpl, values, tt.notes), form)
			if codes := problemCodes(got.Problems); !slices.Equal(codes, tt.want) {
				t.Fatalf("problems %q, want %q:\n%s", codes, tt.want, messages(got.Problems))
			}
			want := tt.severity
			if want == "" {
				want = reporting.SeverityError
			}
			for _, p := range got.Problems {
				if p.Severity != want || p.Sheet != SheetReport || p.Cell == "" || p.Label == "" {
					t.Errorf("problem %+v: want severity %s, sheet, cell and label", p, want)
				}
			}
			if got.Blocking() != (want == reporting.SeverityError) {
				t.Errorf("Blocking() = %v", got.Blocking())
			}
			all := messages(got.Problems)
			for _, c := range tt.contains {
				if !strings.Contains(all, c) {
					t.Errorf("messages\n%s\ndo not contain %q", all, c)
				}
			}
		})
	}
}

// setFormula writes a formula into a field's cell and, when cached is not
// empty, the value a spreadsheet program would have saved with it.
func setFormula(t *testing.T, data []byte, code, formula, cached string) []byte {
	t.Helper()
	f := openXLSX(t, data)
	sheet, c := nameRef(t, f, ValueName(code))
	if err := f.SetCellFormula(sheet, c, formula); err != nil {
		t.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(<c r="` + c + `"[^>]*><f>[^<]*</f>)(<v>[^<]*</v>|<v/>)?`)
	with := "${1}"
	if cached != "" {
		with += "<v>" + cached + "</v>"
	}
	return rewriteZip(t, buf.Bytes(), func(name string, body []byte) []byte {
		if name != "xl/worksheets/sheet1.xml" {
			return body
		}
		out := re.ReplaceAll(body, []byte(with))
		if !re.Match(body) {
			t.Fatalf("formula cell %s not found in %s", c, name)
		}
		return out
	}, nil)
}

func TestReadFormulaUsesCachedValue(t *testing.T) {
	t.Parallel()
	form := testForm(t)
	data := setFormula(t, fill(t, buildTemplate(t, form), validValues(), nil), "kien_nghi", "3+4", "7")
	got := readFile(t, data, form)
	if v := got.Values["kien_nghi"]; v.Num != "7" || v.Formula != "3+4" || len(got.Problems) != 0 {
		t.Fatalf("kien_nghi = %+v, problems %v; want the cached 7 and no problem", v, got.Problems)
	}
}

func TestReadFormulaWithoutCachedValue(t *testing.T) {
	t.Parallel()
	form := testForm(t)
	data := setFormula(t, fill(t, buildTemplate(t, form), validValues(), nil), "so_cuoc", "SUM(1,2)", "")
	got := readFile(t, data, form)
	if codes := problemCodes(got.Problems); !slices.Equal(codes, []string{"formula:so_cuoc"}) {
		t.Fatalf("problems %q, want one formula problem:\n%s", codes, messages(got.Problems))
	}
	if msg := got.Problems[0].Message; !strings.HasPrefix(msg, "Ô D12 (“Số cuộc giám sát”) chứa công thức nhưng không có giá trị đã tính") {
		t.Errorf("message %q", msg)
	}
}

func TestReadRefusesFiles(t *testing.T) {
	t.Parallel()
	form := testForm(t)
	tmpl := buildTemplate(t, form)
	filled := fill(t, tmpl, validValues(), nil)

	encrypted := func(t *testing.T) []byte {
		f := openXLSX(t, filled)
		name := filepath.Join(t.TempDir(), "encrypted.xlsx")
		if err := f.SaveAs(name, excelize.Options{Password: "x"}); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	withoutMeta := func(t *testing.T) []byte {
		f := openXLSX(t, filled)
		if err := f.DeleteSheet(SheetMeta); err != nil {
			t.Fatal(err)
		}
		buf, err := f.WriteToBuffer()
		if err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	editMeta := func(key, value string) func(t *testing.T) []byte {
		return func(t *testing.T) []byte {
			f := openXLSX(t, filled)
			rows, err := f.GetRows(SheetMeta)
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range rows {
				if r[0] == key {
					if err := f.SetCellStr(SheetMeta, cell("B", i+1), value); err != nil {
						t.Fatal(err)
					}
				}
			}
			buf, err := f.WriteToBuffer()
			if err != nil {
				t.Fatal(err)
			}
			return buf.Bytes()
		}
	}
	sheetEdit := func(edit func([]byte) []byte) func(t *testing.T) []byte {
		return func(t *testing.T) []byte {
			return rewriteZip(t, filled, func(name string, body []byte) []byte {
				if name == "xl/worksheets/sheet1.xml" {
					return edit(body)
				}
				return body
			}, nil)
		}
	}
	const laughs = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE worksheet [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>`
	tests := []struct {
		name     string
		file     func(t *testing.T) []byte
		opts     func(*ReadOptions)
		code     string
		contains string
	}{
		{"empty", func(*testing.T) []byte { return nil }, nil, reporting.ProblemFile, "Tệp rỗng"},
		{"not a zip", func(*testing.T) []byte { return []byte("STT,Chỉ tiêu,Giá trị\n1,Số cuộc,12\n") }, nil, reporting.ProblemFile, "không phải tệp Excel .xlsx"},
		{"a PDF", func(*testing.T) []byte { return []byte("%PDF-1.7\n%âãÏÓ\n") }, nil, reporting.ProblemFile, "không phải tệp Excel .xlsx"},
		{"a zip that is not a workbook", func(t *testing.T) []byte {
			return rewriteZip(t, filled, func(string, []byte) []byte { return nil }, map[string][]byte{"readme.txt": []byte("hello")})
		}, nil, reporting.ProblemFile, "bị hỏng"},
		{"an .xls", func(*testing.T) []byte { return cfbFile("\x05SummaryInformation", "Workbook") }, nil, reporting.ProblemFile, "Tệp .xls (Excel 97-2003) không được hỗ trợ"},
		{"another compound file", func(*testing.T) []byte { return cfbFile("WordDocument") }, nil, reporting.ProblemFile, "tệp định dạng Office cũ"},
		{"an encrypted workbook", encrypted, nil, reporting.ProblemFile, "Tệp được đặt mật khẩu"},
		{"an .xlsm (VBA project)", func(t *testing.T) []byte {
			return rewriteZip(t, filled, nil, map[string][]byte{"xl/vbaProject.bin": cfbFile("VBA")})
		}, nil, reporting.ProblemFile, "macro (.xlsm)"},
		{"an .xlsm (content type)", func(t *testing.T) []byte {
			return rewriteZip(t, filled, func(name string, body []byte) []byte {
				if name == "[Content_Types].xml" {
					return bytes.Replace(body, []byte("sheet.main+xml"), []byte("sheet.macroEnabled.main+xml"), 1)
				}
				return body
			}, nil)
		}, nil, reporting.ProblemFile, "macro (.xlsm)"},
		{"an .ods", odsFile, nil, reporting.ProblemFile, "OpenDocument (.ods)"},
		{"a zip bomb", func(t *testing.T) []byte {
			return rewriteZip(t, filled, func(name string, body []byte) []byte {
				if name == "xl/worksheets/sheet1.xml" {
					return append(body, bytes.Repeat([]byte(" "), 80<<20)...)
				}
				return body
			}, nil)
		}, nil, reporting.ProblemFile, "phần xl/worksheets/sheet1.xml có nội dung sau khi giải nén quá lớn"},
		{"a zip bomb outside the sheets", func(t *testing.T) []byte {
			return rewriteZip(t, filled, nil, map[string][]byte{"docProps/custom.xml": bytes.Repeat([]byte(" "), 80<<20)})
		}, nil, reporting.ProblemFile, "nội dung sau khi giải nén quá lớn (tối đa 64 MB)"},
		{"billion laughs in a sheet", sheetEdit(func(b []byte) []byte {
			return []byte(laughs + strings.SplitN(string(b), "?>", 2)[1])
		}), nil, reporting.ProblemFile, "DOCTYPE/ENTITY"},
		{"an entity reference without a declaration", sheetEdit(func(b []byte) []byte {
			return bytes.Replace(b, []byte("<sheetData>"), []byte("<sheetData>&lol9;"), 1)
		}), nil, reporting.ProblemFile, "bị hỏng"},
		{"_meta missing", withoutMeta, nil, reporting.ProblemTemplate, "Tệp không phải mẫu báo cáo do hệ thống cấp (thiếu trang _meta)"},
		{"another unit's code written into _meta", editMeta(metaUnit, "25198"), nil, reporting.ProblemTemplate, "Mẫu đã bị sửa đổi thông tin nhận dạng"},
		{"another period written into _meta", editMeta(metaPeriodID, "43"), nil, reporting.ProblemTemplate, "Mẫu đã bị sửa đổi thông tin nhận dạng"},
		{"HMAC altered", editMeta(metaHMAC, strings.Repeat("0", 64)), nil, reporting.ProblemTemplate, "Mẫu đã bị sửa đổi thông tin nhận dạng"},
		{"a key of _meta emptied", editMeta(metaPeriodKey, ""), nil, reporting.ProblemTemplate, "thiếu hoặc sai: period_key"},
		{"signed with another secret", func(*testing.T) []byte { return filled }, func(o *ReadOptions) { o.Secret = []byte("another secret") }, reporting.ProblemTemplate, "Mẫu đã bị sửa đổi thông tin nhận dạng"},
		{"a form that is not the template's", func(*testing.T) []byte { return filled }, func(o *ReadOptions) {
			o.Form.Code = "KHAC"
		}, reporting.ProblemTemplate, "Mẫu không khớp với biểu mẫu KHAC"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := readOptions(form)
			if tt.opts != nil {
				tt.opts(&opts)
			}
			file := tt.file(t)
			start := time.Now()
			got, err := Read(bytes.NewReader(file), opts)
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if elapsed := time.Since(start); elapsed > 5*time.Second {
				t.Errorf("refusal took %v", elapsed)
			}
			if len(got.Problems) != 1 || got.Problems[0].Code != tt.code || !got.Blocking() || !strings.Contains(got.Problems[0].Message, tt.contains) {
				t.Fatalf("problems %+v, want one %s problem containing %q", got.Problems, tt.code, tt.contains)
			}
			if got.Values != nil {
				t.Errorf("a refused file has values: %v", got.Values)
			}
		})
	}
}

// odsFile is the shape of an OpenDocument spreadsheet: a zip whose first
// entry, stored, is its mimetype.
func odsFile(t *testing.T) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range []struct{ name, body string }{
		{"mimetype", "application/vnd.oasis.opendocument.spreadsheet"},
		{"content.xml", `<?xml version="1.0" encoding="UTF-8"?><office:document-content/>`},
	} {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Store})
		if err == nil {
			_, err = io.WriteString(w, e.body)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadWithoutFormStopsAfterMeta(t *testing.T) {
	t.Parallel()
	form := testForm(t)
	got, err := Read(bytes.NewReader(buildTemplate(t, form)), ReadOptions{Secret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	if got.Meta.FormVersionID != 17 || got.Values != nil || len(got.Problems) != 0 {
		t.Fatalf("got %+v, want the meta alone", got)
	}
}

func TestReadErrors(t *testing.T) {
	t.Parallel()
	form := testForm(t)
	data := buildTemplate(t, form)
	if _, err := Read(bytes.NewReader(data), ReadOptions{}); err == nil {
		t.Error("Read without a secret: want an error")
	}
	_, err := Read(io.MultiReader(bytes.NewReader(data[:100]), iotest{}), readOptions(form))
	if err == nil {
		t.Error("Read from a broken reader: want an error")
	}
}

type iotest struct{}

func (iotest) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }

func TestReadFallsBackToLayoutWithoutNames(t *testing.T) {
	t.Parallel()
	form := testForm(t)
	filled := fill(t, buildTemplate(t, form), validValues(), map[string]string{"tien": "ghi chú"})
	f := openXLSX(t, filled)
	for _, dn := range f.GetDefinedName() {
		if dn.Scope == "Workbook" {
			if err := f.DeleteDefinedName(&excelize.DefinedName{Name: dn.Name}); err != nil {
				t.Fatal(err)
			}
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	got := readFile(t, buf.Bytes(), form)
	if len(got.Problems) != 0 || got.Values["tien"].Num != "12345678901.25" || got.Values["so_cuoc"].Cell != "D12" || got.Notes["tien"] != "ghi chú" {
		t.Fatalf("values %+v notes %v problems %v", got.Values, got.Notes, got.Problems)
	}

	// A row moved: the labels no longer line up, and Read says so rather
	// than read the wrong cells.
	if err := f.SetCellStr(SheetReport, "B12", "Dòng đã bị sửa"); err != nil {
		t.Fatal(err)
	}
	buf, err = f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	got = readFile(t, buf.Bytes(), form)
	if codes := problemCodes(got.Problems); !slices.Equal(codes, []string{"template:"}) || got.Problems[0].Cell != "B12" ||
		!strings.Contains(got.Problems[0].Message, "từ dòng 12: ô B12 (tên chỉ tiêu) phải là “Số cuộc giám sát (*)” nhưng tệp ghi “Dòng đã bị sửa”") {
		t.Fatalf("problems %q:\n%s", codes, messages(got.Problems))
	}
}

func TestReadBrokenName(t *testing.T) {
	t.Parallel()
	form := testForm(t)
	f := openXLSX(t, fill(t, buildTemplate(t, form), validValues(), nil))
	if err := f.DeleteDefinedName(&excelize.DefinedName{Name: ValueName("kien_nghi")}); err != nil {
		t.Fatal(err)
	}
	if err := f.SetDefinedName(&excelize.DefinedName{Name: ValueName("kien_nghi"), RefersTo: "#REF!"}); err != nil {
		t.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	got := readFile(t, buf.Bytes(), form)
	if codes := problemCodes(got.Problems); !slices.Equal(codes, []string{"template:kien_nghi"}) || !strings.Contains(got.Problems[0].Message, "f_kien_nghi") {
		t.Fatalf("problems %q:\n%s", codes, messages(got.Problems))
	}
}

// Every form shipped in the binary builds and reads back what was written.
func TestReadEmbeddedForms(t *testing.T) {
	t.Parallel()
	files, err := EmbeddedForms()
	if err != nil {
		t.Fatal(err)
	}
	for i, ff := range files {
		t.Run(ff.Form.Code, func(t *testing.T) {
			t.Parallel()
			form := ff.Form
			form.VersionID, form.Version = int64(100+i), 1
			got := readFile(t, fill(t, buildTemplate(t, form), plainValues(form), nil), form)
			for _, p := range got.Problems {
				if p.Code != reporting.ProblemRule && p.Code != reporting.ProblemWarning {
					t.Errorf("%s problem: %s", p.Code, p.Message)
				}
			}
			for _, fl := range form.Fields() {
				v := got.Values[fl.Code]
				if v.Empty() || v.Num == "" && v.Text == "" && v.Date == nil {
					t.Errorf("%s: read %+v", fl.Code, v)
				}
			}
		})
	}
}

// Not parallel: it swaps the package's opener for one that panics, as a
// parser bug on a malformed file would.
func TestReadTurnsAParserPanicIntoARefusal(t *testing.T) {
	form := testForm(t)
	data := buildTemplate(t, form)
	saved := openWorkbook
	t.Cleanup(func() { openWorkbook = saved })
	openWorkbook = func([]byte, ReadOptions) (*workbookReader, *Filled) { panic("index out of range") }

	got, err := Read(bytes.NewReader(data), readOptions(form))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if len(got.Problems) != 1 || got.Problems[0].Code != reporting.ProblemFile || !strings.Contains(got.Problems[0].Message, "bị hỏng") {
		t.Fatalf("problems %+v, want one corrupt-file refusal", got.Problems)
	}
	if got.Cause == nil || !strings.Contains(got.Cause.Error(), "index out of range") {
		t.Errorf("cause %v, want the panic for the logs", got.Cause)
	}
}
