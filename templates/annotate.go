package templates

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"baocao/reporting"
	"baocao/xlsxdim"
)

// SheetProblems is the first sheet of the workbook a refused upload gets
// back: every problem, listed. It is not a sheet of the template; the
// clerk deletes it before sending the file again.
const SheetProblems = "Lỗi cần sửa"

// The problems sheet's texts (they live here, beside the one function that
// writes them, while messages.go is being rewritten; move them there).
const (
	txtProblemsTitle  = "CÁC LỖI CẦN SỬA"
	txtProblemsMarked = "Tệp chưa được nhận: có %d lỗi cần sửa, liệt kê dưới đây. Các ô có lỗi được tô đỏ và có ghi chú trên trang tính. Sửa xong, xóa trang “" + SheetProblems + "” này rồi tải tệp lên lại."
	txtProblemsFresh  = "Tệp chưa được nhận: có %d lỗi cần sửa, liệt kê dưới đây. Tệp tải lên không mở được để đánh dấu từng ô, nên ở đây chỉ có danh sách lỗi; sửa tệp của bạn theo danh sách rồi tải lên lại."
	txtColProblem     = "Lỗi cần sửa"
	txtColSheet       = "Trang tính"
	txtColCell        = "Ô"
)

// The problems sheet's layout: the title, the intro, a blank row, the
// column heads, then one row a problem.
const (
	problemsHeadRow = 4
	// problemsLineChars is about how many characters of the message
	// column (problemsMessageWidth wide) fit on one line, to size rows.
	problemsMessageWidth = 80
	problemsLineChars    = 85
)

// annotateMaxUnzipped bounds the workbook Annotate opens, unzipped:
// excelize holds it whole, at some 30 times its size, outside the parse
// limit. A filled template unzips to under 100 KB.
const (
	annotateMaxUnzipped = 2 << 20
	annotateMaxParts    = 100
)

// ErrTooLargeToAnnotate: the workbook holds more than a template would,
// more than is worth opening whole to mark it up.
var ErrTooLargeToAnnotate = errors.New("annotate workbook: more than a template holds, not opened")

// Annotate returns an uploaded workbook with a first sheet "Lỗi cần sửa"
// listing every problem (those of the file as a whole too), and each
// problem's cells filled red with a comment holding its messages, so the
// clerk corrects the file in place. Cells of a sheet the file lacks are
// listed, not marked. A file holding more than a template would is not
// opened (ErrTooLargeToAnnotate); nor should one refused as unusable (a
// problem of code reporting.ProblemFile) be given: ProblemsWorkbook lists
// the problems of both.
func Annotate(file []byte, problems []reporting.Problem) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("annotate workbook: excelize panic: %v", r)
		}
	}()
	if err := Annotatable(bytes.NewReader(file), int64(len(file))); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(file), excelize.Options{UnzipSizeLimit: DefaultUnzipSizeLimit, UnzipXMLSizeLimit: DefaultUnzipXMLSizeLimit})
	if err != nil {
		return nil, fmt.Errorf("annotate workbook: open: %w", err)
	}
	defer f.Close()
	if err := markCells(f, problems); err != nil {
		return nil, err
	}
	if idx, _ := f.GetSheetIndex(SheetProblems); idx >= 0 {
		// The list of an earlier round, sent back: replaced.
		if err := f.DeleteSheet(SheetProblems); err != nil {
			return nil, fmt.Errorf("annotate workbook: delete the earlier list: %w", err)
		}
	}
	if _, err := f.NewSheet(SheetProblems); err != nil {
		return nil, fmt.Errorf("annotate workbook: %w", err)
	}
	if err := moveFirst(f, SheetProblems); err != nil {
		return nil, fmt.Errorf("annotate workbook: %w", err)
	}
	if err := writeProblems(f, SheetProblems, fmt.Sprintf(txtProblemsMarked, len(problems)), problems); err != nil {
		return nil, fmt.Errorf("annotate workbook: %w", err)
	}
	return writeWorkbook(f)
}

// Annotatable tells whether the zip of size bytes read from r is one
// Annotate opens: a zip with no more parts nor bytes than a template
// would hold (else ErrTooLargeToAnnotate). It reads the zip's directory
// only.
func Annotatable(r io.ReaderAt, size int64) error {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return fmt.Errorf("annotate workbook: %w", err)
	}
	if len(zr.File) > annotateMaxParts {
		return fmt.Errorf("%w: %d parts", ErrTooLargeToAnnotate, len(zr.File))
	}
	// Go's zip reader fails an entry holding more than its header says:
	// the declared sizes bound what excelize will read.
	var unzipped uint64
	for _, e := range zr.File {
		if e.UncompressedSize64 > annotateMaxUnzipped-unzipped {
			return fmt.Errorf("%w: over %d bytes unzipped", ErrTooLargeToAnnotate, annotateMaxUnzipped)
		}
		unzipped += e.UncompressedSize64
	}
	return nil
}

// ProblemsWorkbook is a new workbook holding only the sheet "Lỗi cần sửa"
// listing problems: what a refused upload gets back when it cannot be
// marked up, because it is no workbook, is damaged or was refused for the
// resources it would take to open.
func ProblemsWorkbook(problems []reporting.Problem) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName(f.GetSheetName(0), SheetProblems); err != nil {
		return nil, fmt.Errorf("problems workbook: %w", err)
	}
	if err := f.SetDocProps(&excelize.DocProperties{Creator: txtDocCreator, LastModifiedBy: txtDocCreator, Title: SheetProblems, Language: txtDocLanguage}); err != nil {
		return nil, fmt.Errorf("problems workbook: %w", err)
	}
	if err := writeProblems(f, SheetProblems, fmt.Sprintf(txtProblemsFresh, len(problems)), problems); err != nil {
		return nil, fmt.Errorf("problems workbook: %w", err)
	}
	return writeWorkbook(f)
}

func writeWorkbook(f *excelize.File) ([]byte, error) {
	xlsxdim.Use(f)
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, fmt.Errorf("write annotated workbook: %w", err)
	}
	return buf.Bytes(), nil
}

// markCells fills each problem's cells red and comments them with the
// problems' messages.
func markCells(f *excelize.File, problems []reporting.Problem) error {
	type at struct{ sheet, cell string }
	var order []at
	messages := map[at][]string{}
	for _, p := range problems {
		cells := p.Cells
		if len(cells) == 0 && p.Cell != "" {
			cells = []string{p.Cell}
		}
		if idx, _ := f.GetSheetIndex(p.Sheet); p.Sheet == "" || idx < 0 {
			continue
		}
		for _, c := range cells {
			if c == "" {
				continue
			}
			k := at{p.Sheet, c}
			if _, seen := messages[k]; !seen {
				order = append(order, k)
			}
			messages[k] = append(messages[k], p.Message)
		}
	}
	styles := map[int]int{} // original style → marked style
	for _, k := range order {
		id, err := f.GetCellStyle(k.sheet, k.cell)
		if err != nil {
			return fmt.Errorf("annotate %s!%s: %w", k.sheet, k.cell, err)
		}
		marked, ok := styles[id]
		if !ok {
			st, err := f.GetStyle(id)
			if err != nil {
				return fmt.Errorf("annotate %s!%s: style: %w", k.sheet, k.cell, err)
			}
			st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFC7CE"}}
			if marked, err = f.NewStyle(st); err != nil {
				return fmt.Errorf("annotate %s!%s: style: %w", k.sheet, k.cell, err)
			}
			styles[id] = marked
		}
		if err := f.SetCellStyle(k.sheet, k.cell, k.cell, marked); err != nil {
			return fmt.Errorf("annotate %s!%s: %w", k.sheet, k.cell, err)
		}
		_ = f.DeleteComment(k.sheet, k.cell) // a comment from an earlier round
		text := strings.Join(messages[k], "\n")
		if err := f.AddComment(k.sheet, excelize.Comment{Cell: k.cell, Author: txtDocCreator, Text: text, Width: 360, Height: uint(60 + 30*len(messages[k]))}); err != nil {
			return fmt.Errorf("annotate %s!%s: comment: %w", k.sheet, k.cell, err)
		}
	}
	return nil
}

// moveFirst makes sheet the workbook's first and active sheet. excelize
// moves the sheet but not the names scoped to a sheet (print titles and
// areas), which point to sheets by position: they are set again after.
func moveFirst(f *excelize.File, sheet string) error {
	var scoped []excelize.DefinedName
	for _, dn := range f.GetDefinedName() {
		if dn.Scope != "" && dn.Scope != "Workbook" {
			scoped = append(scoped, dn)
		}
	}
	var errs []error
	for _, dn := range scoped {
		errs = append(errs, f.DeleteDefinedName(&excelize.DefinedName{Name: dn.Name, Scope: dn.Scope}))
	}
	errs = append(errs, f.MoveSheet(sheet, f.GetSheetName(0)))
	for _, dn := range scoped {
		errs = append(errs, f.SetDefinedName(&dn))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("move %s first: %w", sheet, err)
	}
	f.SetActiveSheet(0)
	return nil
}

// writeProblems writes the list of problems on sheet, readably: Times New
// Roman, wrapped text, a row tall enough for each message.
func writeProblems(f *excelize.File, sheet, intro string, problems []reporting.Problem) error {
	font := func(bold bool) *excelize.Font {
		return &excelize.Font{Family: fontName, Size: 12, Bold: bold, Color: "000000"}
	}
	thin := []excelize.Border{{Type: "left", Style: 1, Color: "000000"}, {Type: "right", Style: 1, Color: "000000"},
		{Type: "top", Style: 1, Color: "000000"}, {Type: "bottom", Style: 1, Color: "000000"}}
	paper, landscape, one, zero, fit := paperA4, "landscape", 1, 0, true
	var errs []error
	style := func(s *excelize.Style) int {
		id, err := f.NewStyle(s)
		errs = append(errs, err)
		return id
	}
	title := style(&excelize.Style{Font: &excelize.Font{Family: fontName, Size: 14, Bold: true, Color: "C00000"}})
	text := style(&excelize.Style{Font: font(false), Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	head := style(&excelize.Style{Font: font(true), Border: thin, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9D9D9"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	cell := style(&excelize.Style{Font: font(false), Border: thin, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	center := style(&excelize.Style{Font: font(false), Border: thin, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top", WrapText: true}})
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("problems sheet styles: %w", err)
	}

	errs = append(errs,
		f.SetColWidth(sheet, "A", "A", 6), f.SetColWidth(sheet, "B", "B", problemsMessageWidth),
		f.SetColWidth(sheet, "C", "C", 16), f.SetColWidth(sheet, "D", "D", 16),
		f.SetCellStr(sheet, "A1", txtProblemsTitle), f.SetCellStyle(sheet, "A1", "A1", title),
		f.MergeCell(sheet, "A2", "D2"), f.SetCellStr(sheet, "A2", intro), f.SetCellStyle(sheet, "A2", "D2", text),
		f.SetRowHeight(sheet, 2, rowHeight(intro, problemsLineChars+30)),
		f.SetSheetRow(sheet, fmt.Sprintf("A%d", problemsHeadRow), &[]any{txtColSTT, txtColProblem, txtColSheet, txtColCell}),
		f.SetCellStyle(sheet, fmt.Sprintf("A%d", problemsHeadRow), fmt.Sprintf("D%d", problemsHeadRow), head),
		f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: problemsHeadRow, TopLeftCell: fmt.Sprintf("A%d", problemsHeadRow+1), ActivePane: "bottomLeft"}),
		// Printed, the list is one page wide, in landscape.
		f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &paper, Orientation: &landscape, FitToWidth: &one, FitToHeight: &zero}),
		f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}),
	)
	for i, p := range problems {
		row := problemsHeadRow + 1 + i
		cells := strings.Join(p.Cells, ", ")
		if cells == "" {
			cells = p.Cell
		}
		// Text cells all: a message starting with "=" stays text.
		errs = append(errs,
			f.SetCellInt(sheet, fmt.Sprintf("A%d", row), int64(i+1)),
			f.SetCellStr(sheet, fmt.Sprintf("B%d", row), p.Message),
			f.SetCellStr(sheet, fmt.Sprintf("C%d", row), p.Sheet),
			f.SetCellStr(sheet, fmt.Sprintf("D%d", row), cells),
			f.SetCellStyle(sheet, fmt.Sprintf("A%d", row), fmt.Sprintf("A%d", row), center),
			f.SetCellStyle(sheet, fmt.Sprintf("B%d", row), fmt.Sprintf("D%d", row), cell),
			f.SetRowHeight(sheet, row, rowHeight(p.Message, problemsLineChars)),
		)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("problems sheet: %w", err)
	}
	return nil
}
