package templates

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"

	"baocao/reporting"
)

var testSecret = []byte("test secret, never in production")

func fptr(f float64) *float64 { return &f }

// longChoices is a list too long for an inline data validation list.
var longChoices = []string{
	"Công khai tài chính, ngân sách xã", "Quy hoạch, kế hoạch sử dụng đất", "Dự án đầu tư công trên địa bàn",
	"Thủ tục hành chính, phí, lệ phí", "Chính sách an sinh xã hội", "Quản lý, sử dụng đất công ích",
	"Kết quả thanh tra, kiểm tra", "Tuyển dụng, sử dụng cán bộ", "Thi đua, khen thưởng, kỷ luật",
	"Huy động đóng góp của Nhân dân", "Bồi thường, hỗ trợ, tái định cư",
}

// testForm is a small form with one field of each type, a code that looks
// like a cell reference (ab12), a long choice list, and one rule of each
// severity. It is valid: the test fails otherwise.
func testForm(t testing.TB) reporting.Form {
	t.Helper()
	f := reporting.Form{
		Code:      "TEST-XA",
		Title:     "Báo cáo thử nghiệm kết quả thực hiện dân chủ ở cơ sở",
		UnitKinds: []reporting.UnitKind{reporting.KindCommunePC},
		Schedules: []reporting.Schedule{{Periodicity: reporting.HalfYear, Cutoff: "decree09", Since: "2024-01-01", Deadline: reporting.DeadlineRule{AfterCutoffWorkingDays: 2}}},
		Sections: []reporting.Section{
			{Title: "I. Ban Thanh tra nhân dân", Fields: []reporting.Field{
				{Code: "so_cuoc", Label: "Số cuộc giám sát", Type: reporting.TypeInt, Unit: "cuộc", Min: fptr(0), Max: fptr(1000), Required: true},
				{Code: "kien_nghi", Label: "Số kiến nghị", Type: reporting.TypeInt, Unit: "kiến nghị", Min: fptr(0)},
				{Code: "da_giai_quyet", Label: "Số kiến nghị đã được giải quyết", Type: reporting.TypeInt, Unit: "kiến nghị", Min: fptr(0)},
				{Code: "tien", Label: "Số tiền kiến nghị thu hồi", Type: reporting.TypeDecimal, Unit: "đồng", Min: fptr(0)},
				{Code: "ty_le", Label: "Tỷ lệ kiến nghị được giải quyết", Type: reporting.TypePercent, Unit: "%"},
				{Code: "ngay", Label: "Ngày hội nghị sơ kết", Type: reporting.TypeDate},
				{Code: "ab12", Label: "Chỉ tiêu có mã giống địa chỉ ô", Type: reporting.TypeInt, Min: fptr(0)},
			}},
			{Title: "II. Đánh giá chung", Fields: []reporting.Field{
				{Code: "danh_gia", Label: "Tự đánh giá", Type: reporting.TypeChoice, Choices: []string{"Tốt", "Khá", "Trung bình", "Yếu"}, Required: true},
				{Code: "linh_vuc", Label: "Lĩnh vực công khai chủ yếu", Type: reporting.TypeChoice, Choices: longChoices},
				{Code: "kho_khan", Label: "Khó khăn, vướng mắc", Type: reporting.TypeText, MaxLength: 4000},
			}},
		},
		Rules: []reporting.Rule{
			{Expr: "da_giai_quyet <= kien_nghi", Message: "Số kiến nghị đã giải quyết không được lớn hơn số kiến nghị."},
			{Expr: "so_cuoc <= 50", Severity: reporting.SeverityWarning, Message: "Hơn 50 cuộc giám sát trong một kỳ là bất thường."},
		},
		VersionID: 17,
		Version:   3,
	}
	f.Normalize()
	if err := f.Validate(); err != nil {
		t.Fatalf("test form is invalid: %v", err)
	}
	return f
}

func hcm(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatalf("load time zone: %v", err)
	}
	return loc
}

func testInput(t testing.TB, form reporting.Form) BuildInput {
	loc := hcm(t)
	return BuildInput{
		Form: form,
		Unit: Unit{Code: "25195", Name: "UBND phường Tân Phú", ParentName: "UBND thành phố Đồng Xoài"},
		Period: Period{
			ID: 42, Key: "2026-H1", Label: "6 tháng đầu năm 2026",
			DataFrom: reporting.Day(2025, time.December, 15), DataTo: reporting.Day(2026, time.June, 14),
			Deadline: reporting.EndOfDay(reporting.Day(2026, time.June, 17), loc),
		},
		IssuedAt: time.Date(2026, time.June, 1, 8, 30, 15, 123, loc),
		Location: loc,
		Secret:   testSecret,
	}
}

func buildTemplate(t testing.TB, form reporting.Form) []byte {
	t.Helper()
	b, err := Build(testInput(t, form))
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return b
}

func openXLSX(t testing.TB, data []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("open workbook: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// nameRef resolves a workbook-level defined name to its sheet and cell.
func nameRef(t testing.TB, f *excelize.File, name string) (string, string) {
	t.Helper()
	for _, dn := range f.GetDefinedName() {
		if dn.Name == name && dn.Scope == "Workbook" {
			sheet, c, ok := parseRef(dn.RefersTo)
			if !ok {
				t.Fatalf("defined name %s = %q is not a cell", name, dn.RefersTo)
			}
			return sheet, c
		}
	}
	t.Fatalf("no defined name %s", name)
	return "", ""
}

// fill sets values (by field code) and notes in a template, through the
// defined names as a program filling it would, and returns the file.
func fill(t testing.TB, data []byte, values map[string]any, notes map[string]string) []byte {
	t.Helper()
	f := openXLSX(t, data)
	for code, v := range values {
		sheet, c := nameRef(t, f, ValueName(code))
		if err := f.SetCellValue(sheet, c, v); err != nil {
			t.Fatalf("set %s: %v", code, err)
		}
	}
	for code, n := range notes {
		sheet, c := nameRef(t, f, NoteName(code))
		if err := f.SetCellStr(sheet, c, n); err != nil {
			t.Fatalf("set note %s: %v", code, err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatalf("save filled template: %v", err)
	}
	return buf.Bytes()
}

// validValues fills every field of testForm so that no rule fails.
func validValues() map[string]any {
	return map[string]any{
		"so_cuoc":       12,
		"kien_nghi":     7,
		"da_giai_quyet": 5,
		"tien":          12345678901.25,
		"ty_le":         71.43,
		"ngay":          time.Date(2026, time.March, 5, 0, 0, 0, 0, time.UTC),
		"ab12":          3,
		"danh_gia":      "Khá",
		"linh_vuc":      longChoices[7],
		"kho_khan":      "Thiếu kinh phí cho hoạt động của Ban Thanh tra nhân dân.",
	}
}

func readOptions(form reporting.Form) ReadOptions {
	return ReadOptions{Secret: testSecret, Form: form}
}

func readFile(t testing.TB, data []byte, form reporting.Form) *Filled {
	t.Helper()
	got, err := Read(bytes.NewReader(data), readOptions(form))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return got
}

// rewriteZip copies a zip, passing each entry through edit; edit returns
// nil to drop an entry. extra entries are appended.
func rewriteZip(t testing.TB, data []byte, edit func(name string, body []byte) []byte, extra map[string][]byte) []byte {
	t.Helper()
	return rewriteZipWith(t, data, edit, extra, zip.Deflate)
}

// rewriteZipStored is rewriteZip with every entry stored uncompressed.
func rewriteZipStored(t testing.TB, data []byte, edit func(name string, body []byte) []byte) []byte {
	t.Helper()
	return rewriteZipWith(t, data, edit, nil, zip.Store)
}

// stored is data with every entry stored uncompressed.
func stored(t testing.TB, data []byte) []byte {
	t.Helper()
	return rewriteZipStored(t, data, nil)
}

func rewriteZipWith(t testing.TB, data []byte, edit func(name string, body []byte) []byte, extra map[string][]byte, method uint16) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("open zip: %v", err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	write := func(name string, body []byte) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	for _, e := range zr.File {
		rc, err := e.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if edit != nil {
			body = edit(e.Name, body)
		}
		if body != nil {
			write(e.Name, body)
		}
	}
	for name, body := range extra {
		write(name, body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// cfbFile writes a minimal compound file (version 3, 512-byte sectors)
// holding the given streams, each padded to at least 4096 bytes so that
// no mini stream is needed: enough for a reader to list the names, which
// is all Read looks at in an .xls or an encrypted package.
func cfbFile(names ...string) []byte {
	const (
		sector     = 512
		freeSect   = 0xFFFFFFFF
		endOfChain = 0xFFFFFFFE
		fatSect    = 0xFFFFFFFD
		noStream   = 0xFFFFFFFF
		streamLen  = 4096
	)
	if len(names) > 3 {
		panic("cfbFile: at most 3 streams")
	}
	le := binary.LittleEndian
	perStream := streamLen / sector
	header := make([]byte, sector)
	copy(header, oleMagic)
	le.PutUint16(header[24:], 0x003E)
	le.PutUint16(header[26:], 3)
	le.PutUint16(header[28:], 0xFFFE)
	le.PutUint16(header[30:], 9)
	le.PutUint16(header[32:], 6)
	le.PutUint32(header[44:], 1) // FAT sectors
	le.PutUint32(header[48:], 1) // first directory sector
	le.PutUint32(header[56:], streamLen)
	le.PutUint32(header[60:], endOfChain) // mini FAT
	le.PutUint32(header[68:], endOfChain) // DIFAT
	for i := 76; i < sector; i += 4 {
		le.PutUint32(header[i:], freeSect)
	}
	le.PutUint32(header[76:], 0) // the FAT is sector 0

	fat := make([]byte, sector)
	for i := 0; i < sector; i += 4 {
		le.PutUint32(fat[i:], freeSect)
	}
	le.PutUint32(fat[0:], fatSect)
	le.PutUint32(fat[4:], endOfChain)
	next := 2
	starts := make([]int, len(names))
	for i := range names {
		starts[i] = next
		for s := 0; s < perStream; s++ {
			v := uint32(next + 1)
			if s == perStream-1 {
				v = endOfChain
			}
			le.PutUint32(fat[next*4:], v)
			next++
		}
	}

	dir := make([]byte, sector)
	entry := func(i int, name string, typ byte, child, right uint32, start, size uint32) {
		e := dir[i*128 : (i+1)*128]
		u := utf16.Encode([]rune(name))
		for j, c := range u {
			le.PutUint16(e[j*2:], c)
		}
		le.PutUint16(e[64:], uint16((len(u)+1)*2))
		e[66], e[67] = typ, 1
		le.PutUint32(e[68:], noStream)
		le.PutUint32(e[72:], right)
		le.PutUint32(e[76:], child)
		le.PutUint32(e[116:], start)
		le.PutUint32(e[120:], size)
	}
	child := uint32(noStream)
	if len(names) > 0 {
		child = 1
	}
	entry(0, "Root Entry", 5, child, noStream, endOfChain, 0)
	for i, n := range names {
		right := uint32(noStream)
		if i+1 < len(names) {
			right = uint32(i + 2)
		}
		entry(i+1, n, 2, noStream, right, uint32(starts[i]), streamLen)
	}
	out := append(append(header, fat...), dir...)
	return append(out, make([]byte, len(names)*streamLen)...)
}

func problemCodes(ps []reporting.Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Code+":"+p.Field)
	}
	return out
}

func messages(ps []reporting.Problem) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Message)
	}
	return strings.Join(out, "\n")
}

// plainValues fills every field of any form with a value of its type that
// passes the field's own checks: 0, 100 %, the first choice, a 2026 date.
// The form's rules may still object.
func plainValues(form reporting.Form) map[string]any {
	values := map[string]any{}
	for _, fl := range form.Fields() {
		switch fl.Type {
		case reporting.TypeInt, reporting.TypeDecimal:
			values[fl.Code] = 0
		case reporting.TypePercent:
			values[fl.Code] = 100
		case reporting.TypeChoice:
			values[fl.Code] = fl.Choices[0]
		case reporting.TypeDate:
			values[fl.Code] = "10/01/2026"
		case reporting.TypeText:
			values[fl.Code] = "Không có khó khăn, vướng mắc trong kỳ."
		}
	}
	return values
}

// cellStyle is the style of one cell.
func cellStyle(t testing.TB, f *excelize.File, sheet, c string) *excelize.Style {
	t.Helper()
	id, err := f.GetCellStyle(sheet, c)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return st
}
