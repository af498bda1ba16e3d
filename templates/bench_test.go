package templates

import (
	"bytes"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"baocao/reporting"
)

// benchUpload is the largest shipped form (DCCS-XA, about fifty fields),
// built and filled.
func benchUpload(t testing.TB) (reporting.Form, []byte) {
	files, err := EmbeddedForms()
	if err != nil {
		t.Fatal(err)
	}
	var form reporting.Form
	for _, ff := range files {
		if len(ff.Form.Fields()) > len(form.Fields()) {
			form = ff.Form
		}
	}
	form.VersionID, form.Version = 1, 1
	return form, fill(t, buildTemplate(t, form), plainValues(form), nil)
}

// bareRead is the baseline: what excelize alone costs to open the same
// file and read the same cells.
func bareRead(b *testing.B, data []byte, cells []string) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	for _, c := range cells {
		if _, err := f.GetCellValue(SheetReport, c); err != nil {
			b.Fatal(err)
		}
	}
}

// bareNsPerOp times bareRead for about half a second. testing.Benchmark
// cannot run inside a benchmark (it waits for the benchmark lock), hence
// the hand-made loop.
func bareNsPerOp(b *testing.B, data []byte, cells []string) float64 {
	start, n := time.Now(), 0
	for time.Since(start) < 500*time.Millisecond || n < 10 {
		bareRead(b, data, cells)
		n++
	}
	return float64(time.Since(start).Nanoseconds()) / float64(n)
}

func benchCells(form reporting.Form) []string {
	lay := newLayout(form)
	var cells []string
	for _, fl := range form.Fields() {
		cells = append(cells, cell(colValue, lay.fieldRow[fl.Code]), cell(colNote, lay.fieldRow[fl.Code]))
	}
	return cells
}

// BenchmarkRead: sniff, open, verify the HMAC, read and validate one
// filled template. It reports its time as a multiple of
// BenchmarkExcelizeBareRead's, measured in the same run.
func BenchmarkRead(b *testing.B) {
	form, data := benchUpload(b)
	opts := readOptions(form)
	baseline := bareNsPerOp(b, data, benchCells(form))
	for b.Loop() {
		got, err := Read(bytes.NewReader(data), opts)
		if err != nil || got.Blocking() {
			b.Fatalf("Read: %v %v", err, got.Problems)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/baseline, "x_bare")
}

func BenchmarkExcelizeBareRead(b *testing.B) {
	form, data := benchUpload(b)
	cells := benchCells(form)
	for b.Loop() {
		bareRead(b, data, cells)
	}
}
