package templates

import (
	"bytes"
	"runtime"
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

// timed is how long fn takes from a collected heap: neither side pays for
// the other's garbage.
func timed(fn func()) time.Duration {
	runtime.GC()
	start := time.Now()
	fn()
	return time.Since(start)
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
// filled template and, alternately in the same loop, the baseline: excelize
// alone opening the same file and reading the same cells (bareRead). ns/op
// is Read's, bare-ns/op the baseline's, each timed from a collected heap;
// x-bare is the ratio of the two (alternating keeps a shared machine's
// changes of speed out of it). B/op and allocs/op, with -benchmem, count
// both.
func BenchmarkRead(b *testing.B) {
	form, data := benchUpload(b)
	opts := readOptions(form)
	cells := benchCells(form)
	var read, bare time.Duration
	n := 0
	for b.Loop() {
		n++
		read += timed(func() {
			got, err := Read(bytes.NewReader(data), opts)
			if err != nil || got.Blocking() {
				b.Fatalf("Read: %v %v", err, got.Problems)
			}
		})
		bare += timed(func() { bareRead(b, data, cells) })
	}
	b.ReportMetric(float64(read.Nanoseconds())/float64(n), "ns/op")
	b.ReportMetric(float64(bare.Nanoseconds())/float64(n), "bare-ns/op")
	b.ReportMetric(float64(read)/float64(bare), "x-bare")
}
