// Package xlsxdim makes the workbooks excelize writes declare each
// worksheet's used range. excelize leaves <dimension ref="A1"> in every
// sheet it streams and in every sheet it builds in memory, and streaming
// readers trust that element: openpyxl in read-only mode (what
// pandas.read_excel uses) then reads the first cell and stops. The fix is
// at the one place every byte passes, the zip writer: each worksheet part
// is held until it is complete, its cells are scanned and its dimension is
// written from what it holds.
package xlsxdim

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Use makes f declare true dimensions when it is written. Call it before
// f.Write or f.WriteToBuffer.
func Use(f *excelize.File) {
	f.SetZipWriter(func(w io.Writer) excelize.ZipWriter { return &writer{zw: zip.NewWriter(w)} })
}

// writer is a zip writer that holds a worksheet part until the next part
// starts or the archive closes, then writes it with its dimension fixed.
type writer struct {
	zw      *zip.Writer
	name    string       // the worksheet part being held, if any
	pending bytes.Buffer // its bytes
}

func (w *writer) Create(name string) (io.Writer, error) {
	if err := w.release(); err != nil {
		return nil, err
	}
	if isWorksheet(name) {
		w.name = name
		return &w.pending, nil
	}
	return w.zw.Create(name)
}

func (w *writer) AddFS(fsys fs.FS) error {
	if err := w.release(); err != nil {
		return err
	}
	return w.zw.AddFS(fsys)
}

func (w *writer) Close() error {
	if err := w.release(); err != nil {
		return err
	}
	return w.zw.Close()
}

// release writes the held worksheet part, if any.
func (w *writer) release() error {
	if w.name == "" {
		return nil
	}
	name := w.name
	w.name = ""
	out, err := w.zw.Create(name)
	if err != nil {
		return err
	}
	if _, err := out.Write(Fix(w.pending.Bytes())); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	w.pending.Reset()
	return nil
}

func isWorksheet(name string) bool {
	return strings.HasPrefix(name, "xl/worksheets/") && strings.HasSuffix(name, ".xml") &&
		!strings.Contains(name[len("xl/worksheets/"):], "/")
}

// Fix returns a worksheet part's XML with its <dimension> element set to
// the range its cells and merged ranges cover. A sheet without cells, or
// one whose range cannot be found, comes back unchanged.
func Fix(part []byte) []byte {
	ref, ok := usedRange(part)
	if !ok {
		return part
	}
	elem := []byte(`<dimension ref="` + ref + `"/>`)
	if start := bytes.Index(part, []byte("<dimension")); start >= 0 {
		end := elementEnd(part, start)
		if end < 0 {
			return part
		}
		return concat(part[:start], elem, part[end:])
	}
	// No dimension: it goes before the first element that follows it in
	// the schema's order.
	for _, next := range []string{"<sheetViews", "<sheetFormatPr", "<cols", "<sheetData"} {
		if at := bytes.Index(part, []byte(next)); at >= 0 {
			return concat(part[:at], elem, part[at:])
		}
	}
	return part
}

func concat(parts ...[]byte) []byte {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	out := make([]byte, 0, n)
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// elementEnd is the offset just past the element starting at start:
// after "/>" if it is empty, else after its closing tag.
func elementEnd(b []byte, start int) int {
	gt := bytes.IndexByte(b[start:], '>')
	if gt < 0 {
		return -1
	}
	gt += start
	if b[gt-1] == '/' {
		return gt + 1
	}
	closing := bytes.Index(b[gt:], []byte("</dimension>"))
	if closing < 0 {
		return -1
	}
	return gt + closing + len("</dimension>")
}

// usedRange scans cell references (<c r="B7">) and merged ranges
// (<mergeCell ref="A1:H1"/>) for the smallest range holding them all.
func usedRange(part []byte) (string, bool) {
	var box bounds
	scanAttr(part, "<c ", "r", func(ref string) {
		if col, row, err := excelize.CellNameToCoordinates(ref); err == nil {
			box.add(col, row)
		}
	})
	scanAttr(part, "<mergeCell ", "ref", func(ref string) {
		for _, corner := range strings.Split(ref, ":") {
			if col, row, err := excelize.CellNameToCoordinates(corner); err == nil {
				box.add(col, row)
			}
		}
	})
	if !box.set {
		return "", false
	}
	first, err1 := excelize.CoordinatesToCellName(box.minCol, box.minRow)
	last, err2 := excelize.CoordinatesToCellName(box.maxCol, box.maxRow)
	if err1 != nil || err2 != nil {
		return "", false
	}
	if first == last {
		return first, true
	}
	return first + ":" + last, true
}

// scanAttr calls fn with the value of attribute attr of every element
// whose start tag begins with open.
func scanAttr(b []byte, open, attr string, fn func(string)) {
	needle := []byte(open)
	key := []byte(" " + attr + `="`)
	for {
		at := bytes.Index(b, needle)
		if at < 0 {
			return
		}
		b = b[at+len(open)-1:] // keep the space: the attribute may come first
		gt := bytes.IndexByte(b, '>')
		if gt < 0 {
			return
		}
		if k := bytes.Index(b[:gt], key); k >= 0 {
			v := b[k+len(key) : gt]
			if q := bytes.IndexByte(v, '"'); q >= 0 {
				fn(string(v[:q]))
			}
		}
		b = b[gt:]
	}
}

type bounds struct {
	set                            bool
	minCol, minRow, maxCol, maxRow int
}

func (b *bounds) add(col, row int) {
	if !b.set {
		*b = bounds{true, col, row, col, row}
		return
	}
	b.minCol, b.maxCol = min(b.minCol, col), max(b.maxCol, col)
	b.minRow, b.maxRow = min(b.minRow, row), max(b.maxRow, row)
}
