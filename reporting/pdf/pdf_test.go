package pdf

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/go-fonts/liberation/liberationserifbold"
	"github.com/go-fonts/liberation/liberationserifbolditalic"
	"github.com/go-fonts/liberation/liberationserifitalic"
	"github.com/go-fonts/liberation/liberationserifregular"
	"golang.org/x/text/unicode/norm"

	"baocao/reporting"
	"baocao/vi"
)

var hcmZone = time.FixedZone("ICT", 7*3600)

// vietnamese is every letter of the alphabet with every tone mark, lower
// and upper case.
func vietnamese() string {
	var b strings.Builder
	b.WriteString("aăâbcdđeêghiklmnoôơpqrstuưvxy")
	for _, v := range []string{"a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"} {
		for _, tone := range []string{"\u0300", "\u0301", "\u0309", "\u0303", "\u0323"} {
			b.WriteString(norm.NFC.String(v + tone))
		}
	}
	lower := b.String()
	return lower + strings.ToUpper(lower)
}

func TestEveryVietnameseLetterHasAGlyphInEveryStyle(t *testing.T) {
	t.Parallel()
	fonts := map[string][]byte{
		"regular": liberationserifregular.TTF, "bold": liberationserifbold.TTF,
		"italic": liberationserifitalic.TTF, "bold italic": liberationserifbolditalic.TTF,
	}
	for name, ttf := range fonts {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var missing []string
			for _, r := range vietnamese() {
				if glyph(t, ttf, r) == 0 {
					missing = append(missing, string(r))
				}
			}
			if len(missing) > 0 {
				t.Fatalf("no glyph for %q", missing)
			}
			if glyph(t, ttf, '\uE000') != 0 {
				t.Fatal("the lookup finds glyphs for anything: a private-use character has one")
			}
		})
	}
}

// glyph looks r up in the font's Unicode BMP cmap (platform 3, encoding 1,
// format 4); 0 is the missing glyph.
func glyph(t *testing.T, ttf []byte, r rune) uint16 {
	t.Helper()
	u16 := func(off int) int { return int(binary.BigEndian.Uint16(ttf[off:])) }
	u32 := func(off int) int { return int(binary.BigEndian.Uint32(ttf[off:])) }
	cmap := -1
	for i := range u16(4) {
		rec := 12 + 16*i
		if string(ttf[rec:rec+4]) == "cmap" {
			cmap = u32(rec + 8)
		}
	}
	if cmap < 0 {
		t.Fatal("font has no cmap")
	}
	sub := -1
	for i := range u16(cmap + 2) {
		rec := cmap + 4 + 8*i
		if u16(rec) == 3 && u16(rec+2) == 1 {
			sub = cmap + u32(rec+4)
		}
	}
	if sub < 0 || u16(sub) != 4 {
		t.Fatal("font has no format 4 Unicode cmap")
	}
	segs := u16(sub+6) / 2
	ends, starts := sub+14, sub+16+2*segs
	deltas, ranges := starts+2*segs, starts+4*segs
	c := int(r)
	for i := range segs {
		if u16(ends+2*i) < c {
			continue
		}
		if u16(starts+2*i) > c {
			return 0
		}
		delta, ro := u16(deltas+2*i), u16(ranges+2*i)
		if ro == 0 {
			return uint16(c + delta)
		}
		g := u16(ranges + 2*i + ro + 2*(c-u16(starts+2*i)))
		if g == 0 {
			return 0
		}
		return uint16(g + delta)
	}
	return 0
}

func TestDateLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		day  time.Time
		want string
	}{
		{time.Date(2027, 1, 5, 0, 0, 0, 0, hcmZone), "Đồng Nai, ngày 05 tháng 01 năm 2027"},
		{time.Date(2026, 2, 28, 0, 0, 0, 0, hcmZone), "Đồng Nai, ngày 28 tháng 02 năm 2026"},
		{time.Date(2026, 3, 9, 0, 0, 0, 0, hcmZone), "Đồng Nai, ngày 09 tháng 3 năm 2026"},
		{time.Date(2026, 12, 15, 0, 0, 0, 0, hcmZone), "Đồng Nai, ngày 15 tháng 12 năm 2026"},
	} {
		if got := dateLine("Đồng Nai", tc.day); got != tc.want {
			t.Errorf("dateLine(%s) = %q, want %q", tc.day.Format("2006-01-02"), got, tc.want)
		}
	}
}

func TestDefaultsFollowTheProvince(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		province, issuer, place, council string
	}{
		{"Tỉnh Đồng Nai", "ỦY BAN NHÂN DÂN\nTỈNH ĐỒNG NAI", "Đồng Nai", "tỉnh"},
		{"UBND tỉnh Bình Phước", "ỦY BAN NHÂN DÂN\nTỈNH BÌNH PHƯỚC", "Bình Phước", "tỉnh"},
		{norm.NFD.String("Ủy ban nhân dân tỉnh Lâm Đồng"), "ỦY BAN NHÂN DÂN\nTỈNH LÂM ĐỒNG", "Lâm Đồng", "tỉnh"},
		{"Thành phố Hồ Chí Minh", "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HỒ CHÍ MINH", "Hồ Chí Minh", "thành phố"},
		{"UBND thành phố Đồng Nai", "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ ĐỒNG NAI", "Đồng Nai", "thành phố"},
	} {
		c := &reporting.Consolidation{Province: tc.province, Period: reporting.Period{Label: "Năm 2025"}}
		o := Options{}.withDefaults(c)
		if o.Issuer != tc.issuer || o.Place != tc.place {
			t.Errorf("%q: issuer %q, place %q; want %q, %q", tc.province, o.Issuer, o.Place, tc.issuer, tc.place)
		}
		// The title names the period and the territory.
		if want := "Kết quả thực hiện dân chủ ở cơ sở năm 2025 trên địa bàn " + tc.council + " " + tc.place; o.Subject != want {
			t.Errorf("%q: subject %q, want %q", tc.province, o.Subject, want)
		}
		// The council and committee addressed are the territory's own.
		if want := "Thường trực Hội đồng nhân dân " + tc.council; o.To != want {
			t.Errorf("%q: to %q, want %q", tc.province, o.To, want)
		}
		if want := "Thường trực HĐND " + tc.council + ";"; o.Recipients[1] != want {
			t.Errorf("%q: recipients %q, want %q second", tc.province, o.Recipients, want)
		}
		if want := "TỔNG CỘNG TOÀN " + strings.ToUpper(tc.council); c.TotalLabel() != want {
			t.Errorf("%q: total %q, want %q", tc.province, c.TotalLabel(), want)
		}
	}
}

// nfdName is a commune's name as a Mac keyboard or some CSV exports give
// it: decomposed, tone marks as separate combining characters.
var nfdName = norm.NFD.String("Phường Tân Phú Ưng Hoà")

// sample is a small province: communes under two districts, one missing,
// one with a decomposed name, and a previous period to compare with.
func sample(n int) *reporting.Consolidation {
	fields := []reporting.Field{
		{Code: "giam_sat", Label: "Số cuộc giám sát của Ban Thanh tra nhân dân", Type: reporting.TypeInt, Unit: "cuộc", Aggregate: reporting.AggSum},
		{Code: "tien", Label: "Số tiền kiến nghị thu hồi", Type: reporting.TypeDecimal, Unit: "đồng", Aggregate: reporting.AggSum},
		{Code: "ty_le", Label: "Tỷ lệ nội dung đã công khai", Type: reporting.TypePercent, Unit: "%", Aggregate: reporting.AggAvg},
		{Code: "danh_gia", Label: "Tự đánh giá kết quả thực hiện", Type: reporting.TypeChoice, Choices: []string{"Tốt", "Khá", "Trung bình", "Yếu"}, Aggregate: reporting.AggCount},
		{Code: "kho_khan", Label: "Khó khăn, vướng mắc", Type: reporting.TypeText, Aggregate: reporting.AggNone},
	}
	deadline := time.Date(2026, 6, 16, 23, 59, 59, 0, hcmZone)
	c := &reporting.Consolidation{
		Form: reporting.Form{Code: "DCCS-XA", Title: "Báo cáo kết quả thực hiện dân chủ ở cơ sở (cấp xã)", Sections: []reporting.Section{
			{Title: "IV. Ban Thanh tra nhân dân", Fields: fields[:2]},
			{Title: "VIII. Đánh giá chung", Fields: fields[2:]},
		}},
		Fields:   fields,
		Period:   reporting.Period{Key: "2026-H1", Label: "6 tháng đầu năm 2026", DataFrom: reporting.Day(2025, 12, 15), DataTo: reporting.Day(2026, 6, 14)},
		Province: "Tỉnh Đồng Nai",
	}
	for i := range n {
		u := reporting.UnitReport{
			Code: fmt.Sprintf("%05d", 25000+i), Name: fmt.Sprintf("Xã Phước Thiền %d", i+1), Kind: reporting.KindCommunePC,
			ParentCode: fmt.Sprintf("%d", 731+i%2), ParentName: []string{"Thành phố Đồng Xoài", "Huyện Nhơn Trạch"}[i%2],
			Deadline: deadline, Status: reporting.StatusSubmitted,
		}
		switch i {
		case 0:
			u.Name = nfdName
		case 1:
			u.Name = "Xã Ấp Ỷ Ễ Ữ Ợ Ặ Ẫ Ỡ Ỳ Đoàn Kết" // capitals with tone marks
		}
		if i%9 == 4 {
			u.Status = reporting.StatusMissing
		} else {
			u.FirstSubmittedAt = deadline.Add(time.Duration(i%3-1) * 30 * time.Hour)
			if u.FirstSubmittedAt.After(deadline) {
				u.Status = reporting.StatusLate
			}
			u.Values = []reporting.FieldValue{
				{Num: reporting.DecimalInt(int64(i%5 + 1))},
				{Num: reporting.Decimal(fmt.Sprintf("%d500000.25", i%4))},
				{Num: reporting.DecimalInt(int64(80 + i%20))},
				{Text: []string{"Tốt", "Khá", "Trung bình"}[i%3]},
				{Text: "Thiếu kinh phí"},
			}
		}
		c.Units = append(c.Units, u)
	}
	reporting.SortUnits(c.Units, vi.NewKeyer().Key)
	// The groups are the writer's input, as the store gives them for the
	// 40 units of the text tests, written out; with more units they stay
	// the same, since the writer lays them out and adds nothing up.
	group := func(level reporting.GroupLevel, parent, name string, obliged, reported int, count, money, rate string, choices ...int) reporting.Group {
		return reporting.Group{Level: level, Kind: reporting.KindCommunePC, ParentCode: parent, ParentName: name, Obliged: obliged, Reported: reported,
			Values: []reporting.Aggregated{
				{Value: reporting.Decimal(count), Count: reported}, {Value: reporting.Decimal(money), Count: reported},
				{Value: reporting.Decimal(rate), Count: reported}, {Count: reported, Choices: choices}, {Count: reported},
			}}
	}
	c.Total = group(reporting.LevelProvince, "", "", 40, 36, "106", "72000009", "89.7222", 14, 9, 13, 0)
	c.Total.Kind = ""
	c.Groups = []reporting.Group{
		group(reporting.LevelKind, "", "", 40, 36, "106", "72000009", "89.7222", 14, 9, 13, 0),
		group(reporting.LevelParent, "731", "Thành phố Đồng Xoài", 20, 18, "52", "27000004.5", "89.6667", 7, 4, 7, 0),
		group(reporting.LevelParent, "732", "Huyện Nhơn Trạch", 20, 18, "54", "45000004.5", "89.7778", 7, 5, 6, 0),
	}
	// The same units owed the previous report; fewer of them filed it.
	c.Previous = &reporting.Baseline{Key: "2025-H2", Label: "6 tháng cuối năm 2025", Shared: len(c.Units), Total: reporting.Group{
		Obliged: len(c.Units), Reported: 5,
		Values: []reporting.Aggregated{{Value: "10"}, {Value: "0"}, {Value: "90"}, {}, {}},
	}}
	return c
}

var options = Options{
	Issuer: "ỦY BAN NHÂN DÂN\nTỈNH ĐỒNG NAI", Number: "07/BC-UBND", Signer: "Nguyễn Văn Lợi",
	Date: time.Date(2027, 1, 5, 9, 0, 0, 0, hcmZone), Location: hcmZone,
}

func render(t testing.TB, c *reporting.Consolidation) string {
	t.Helper()
	dir := os.Getenv("BAOCAO_PDF_DIR") // keep the files to look at them
	if dir == "" {
		dir = t.TempDir()
	}
	path := filepath.Join(dir, "bao-cao.pdf")
	var buf bytes.Buffer
	if err := Write(context.Background(), &buf, c, options); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// poppler runs a poppler-utils tool. Without it the test fails, naming
// the Debian package (.ci/test installs it): skipping would pass with
// nothing checked.
func poppler(t *testing.T, tool string, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath(tool)
	if err != nil {
		t.Fatalf("%s is needed (%v): apt-get install -y poppler-utils (.ci/test installs it)", tool, err)
	}
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", tool, args, err, out)
	}
	return string(out)
}

func TestReportText(t *testing.T) {
	t.Parallel()
	c := sample(40)
	path := render(t, c)
	text := poppler(t, "pdftotext", "-enc", "UTF-8", path, "-")
	flat := strings.Join(strings.Fields(text), " ")
	for _, want := range []string{
		"ỦY BAN NHÂN DÂN", "TỈNH ĐỒNG NAI", "Số: 07/BC-UBND",
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
		"Đồng Nai, ngày 05 tháng 01 năm 2027",
		"BÁO CÁO", "Kết quả thực hiện dân chủ ở cơ sở 6 tháng đầu năm 2026 trên địa bàn tỉnh Đồng Nai",
		"Kính gửi: Thường trực Hội đồng nhân dân tỉnh.",
		"I. TÌNH HÌNH GỬI BÁO CÁO", "II. KẾT QUẢ THỰC HIỆN",
		"có 40 đơn vị phải gửi báo cáo",
		// The province's figures, as sample gives them.
		"Số cuộc giám sát của Ban Thanh tra nhân dân: 106 cuộc, tăng 96 cuộc (+960%) so với kỳ trước",
		"Số tiền kiến nghị thu hồi: 72.000.009 đồng",
		"Tự đánh giá kết quả thực hiện: Tốt 14 đơn vị, Khá 9 đơn vị, Trung bình 13 đơn vị, Yếu 0 đơn vị",
		// A rate changes in points, without a relative percentage.
		"Tỷ lệ nội dung đã công khai: bình quân 89,7%, giảm 0,3 điểm phần trăm so với kỳ trước;",
		norm.NFC.String(nfdName), "Xã Ấp Ỷ Ễ Ữ Ợ Ặ Ẫ Ỡ Ỳ Đoàn Kết", "Thành phố Đồng Xoài",
		"Nơi nhận:", "- Như trên;", "- Thường trực HĐND tỉnh;", "- Lưu: VT.",
		"TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn Lợi",
		"Phụ lục I", "Phụ lục II", "Phụ lục III", "TỔNG CỘNG TOÀN TỈNH",
		"So với kỳ trước (6 tháng cuối năm 2025): 5/40 đơn vị đã báo cáo; kỳ này 36/40.",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	if strings.Contains(text, nfdName) || strings.ContainsAny(text, "\u0300\u0301\u0303\u0309\u0323") {
		t.Error("PDF text holds decomposed (NFD) characters: a name reached fpdf without NFC")
	}
	// Page numbers in the top margin from page 2 on, none on page 1.
	first := strings.Fields(poppler(t, "pdftotext", "-f", "1", "-l", "1", "-enc", "UTF-8", path, "-"))
	second := strings.Fields(poppler(t, "pdftotext", "-f", "2", "-l", "2", "-enc", "UTF-8", path, "-"))
	if first[0] == "1" || second[0] != "2" {
		t.Errorf("page 1 starts %q, page 2 starts %q; want no number, then 2", first[0], second[0])
	}
}

// TestReportTextAcrossAReform: when the previous period's units were
// others (before the 2025 reform), the report gives no change, and says
// why, in the text and under Phụ lục I.
func TestReportTextAcrossAReform(t *testing.T) {
	t.Parallel()
	c := sample(40)
	c.Previous.Total.Obliged, c.Previous.Total.Reported, c.Previous.Shared = 122, 110, 3
	flat := strings.Join(strings.Fields(poppler(t, "pdftotext", "-enc", "UTF-8", render(t, c), "-")), " ")
	note := "So với kỳ trước (6 tháng cuối năm 2025): 110/122 đơn vị đã báo cáo; kỳ này 36/40. Phạm vi đơn vị khác nhau (chỉ 3 đơn vị phải báo cáo ở cả hai kỳ, có thể do sắp xếp đơn vị hành chính) nên không tính tăng, giảm."
	if n := strings.Count(flat, note); n != 2 {
		t.Errorf("the note is in the text %d times, want twice (part II and Phụ lục I)", n)
	}
	if strings.Contains(flat, "so với kỳ trước") || strings.Contains(flat, "giảm 0,3 điểm phần trăm") {
		t.Error("the text still compares with the previous period")
	}
}

func TestPagesAreA4WithLandscapeAppendices(t *testing.T) {
	t.Parallel()
	info := poppler(t, "pdfinfo", "-f", "1", "-l", "99", render(t, sample(120)))
	var portrait, landscape int
	for _, line := range strings.Split(info, "\n") {
		line = strings.Join(strings.Fields(line), " ")
		switch {
		case strings.Contains(line, "size: 595.28 x 841.89 pts (A4)"):
			portrait++
		case strings.Contains(line, "size: 841.89 x 595.28 pts (A4)"):
			landscape++
		}
	}
	if portrait == 0 || landscape < 3 {
		t.Fatalf("%d portrait and %d landscape A4 pages:\n%s", portrait, landscape, info)
	}
}

// BenchmarkReport700 lays out the report of a 700-unit province and,
// alternately in the same loop, its baseline (writeBare): a bare fpdf
// document of the cells of appendix III, the 700 unit rows that are nearly
// all of the report, in the same font, size and column widths. The
// ratio, x-bare, is what the report adds to fpdf's own cost of putting
// those cells on pages: the narrative and the two small appendices, NFC,
// measuring and wrapping every cell, headers repeated on every page.
// ns/op is the report's, bare-ns/op the baseline's, each timed from a
// collected heap; B/op and allocs/op count both.
func BenchmarkReport700(b *testing.B) {
	c := sample(700)
	cells := unitCells(c)
	b.ReportAllocs()
	var report, bare time.Duration
	n := 0
	for b.Loop() {
		n++
		report += timed(func() {
			if err := Write(context.Background(), discard{}, c, options); err != nil {
				b.Fatal(err)
			}
		})
		bare += timed(func() { writeBare(b, discard{}, cells) })
	}
	b.ReportMetric(float64(report.Nanoseconds())/float64(n), "ns/op")
	b.ReportMetric(float64(bare.Nanoseconds())/float64(n), "bare-ns/op")
	b.ReportMetric(float64(report)/float64(bare), "x-bare")
}

// timed is how long fn takes from a collected heap: neither side pays for
// the other's garbage.
func timed(fn func()) time.Duration {
	runtime.GC()
	start := time.Now()
	fn()
	return time.Since(start)
}

// unitCells are the cells of appendix III: every unit with how it filed.
func unitCells(c *reporting.Consolidation) [][]string {
	rows := make([][]string, len(c.Units))
	for i, u := range c.Units {
		first, late := "", ""
		if !u.FirstSubmittedAt.IsZero() {
			first = u.FirstSubmittedAt.In(options.Location).Format("15:04 02/01/2006")
		}
		if d := u.DaysLate(options.Date); d > 0 {
			late = fmt.Sprint(d)
		}
		rows[i] = []string{fmt.Sprint(i + 1), u.Name, u.ParentName, u.Status.Label(), first, late, u.ReviewDecision.Label()}
	}
	return rows
}

// writeBare writes cells with fpdf alone: the report's four font styles,
// landscape A4 pages with its margins, one bordered cell a value at
// appendix III's column widths and table size, fpdf breaking the pages.
func writeBare(t testing.TB, w io.Writer, cells [][]string) {
	p := fpdf.New("L", "mm", "A4", "")
	p.SetMargins(marginLeft, marginTop, marginRight)
	p.SetAutoPageBreak(true, marginBottom)
	for style, ttf := range map[string][]byte{
		"": liberationserifregular.TTF, "B": liberationserifbold.TTF,
		"I": liberationserifitalic.TTF, "BI": liberationserifbolditalic.TTF,
	} {
		p.AddUTF8FontFromBytes(family, style, ttf)
	}
	p.SetFont(family, "", tableSize)
	p.SetCellMargin(tablePad)
	p.AddPage()
	widths := []float64{12, 64, 54, 44, 30, 20, 23}
	scale := (297 - marginLeft - marginRight) / 247.0 // to the width between the margins, as the report's tables
	for _, row := range cells {
		for i, s := range row {
			p.CellFormat(widths[i]*scale, tableLineH+2*tablePad, s, "1", 0, "L", false, 0, "")
		}
		p.Ln(-1)
	}
	if err := p.Output(w); err != nil {
		t.Fatal(err)
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// The appendix lists units in the Vietnamese alphabet, numbers by value.
func TestReportListsUnitsInVietnameseOrder(t *testing.T) {
	t.Parallel()
	names := []string{"Xã Thử 10", "Xã Thử 2", "Ấp Bắc", "An Phú"}
	c := sample(len(names))
	for i := range c.Units {
		c.Units[i].Name = names[i]
		c.Units[i].ParentCode, c.Units[i].ParentName = c.Units[0].ParentCode, c.Units[0].ParentName
	}
	reporting.SortUnits(c.Units, vi.NewKeyer().Key)
	flat := strings.Join(strings.Fields(poppler(t, "pdftotext", "-enc", "UTF-8", render(t, c), "-")), " ")
	at := -1
	for _, name := range []string{"An Phú", "Ấp Bắc", "Xã Thử 2 ", "Xã Thử 10"} {
		i := strings.Index(flat[at+1:], name)
		if i < 0 {
			t.Fatalf("after %d, no %q in the PDF text:\n%s", at, name, flat)
		}
		at += 1 + i
	}
}

// TestReportSaysHowLevelsCombine: for a form whose districts consolidate
// their communes, the report says the totals count each unit once and how
// many districts' own figures differ from their communes' sum; a form of
// own levels says neither.
func TestReportSaysHowLevelsCombine(t *testing.T) {
	t.Parallel()
	c := sample(40)
	c.Form.Levels = reporting.LevelsConsolidated
	for _, code := range []string{"731", "732"} {
		c.Units = append(c.Units, reporting.UnitReport{Code: code, Name: "Huyện " + code, Kind: reporting.KindDistrictPC, ParentCode: "75",
			Status: reporting.StatusSubmitted, Values: []reporting.FieldValue{{Num: "52"}, {Num: "1"}, {Num: "90"}, {Text: "Tốt"}, {}}})
	}
	reporting.SortUnits(c.Units, vi.NewKeyer().Key)
	flat := strings.Join(strings.Fields(poppler(t, "pdftotext", "-enc", "UTF-8", render(t, c), "-")), " ")
	// 731's 52 equals its communes' 52, its money does not; 732 differs in both.
	for _, want := range []string{"mỗi đơn vị được tính một lần", "Có 2 đơn vị cấp trên có số liệu khác với tổng của các đơn vị trực thuộc"} {
		if !strings.Contains(flat, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	c.Form.Levels = reporting.LevelsOwn
	if flat := strings.Join(strings.Fields(poppler(t, "pdftotext", "-enc", "UTF-8", render(t, c), "-")), " "); strings.Contains(flat, "mỗi đơn vị được tính một lần") {
		t.Error("a form of own levels says its totals count levels once")
	}
}
