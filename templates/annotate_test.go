package templates

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"baocao/reporting"
)

// problemRows is the list on the "Lỗi cần sửa" sheet: STT, message,
// sheet, cells, a row each, under the column heads.
func problemRows(t testing.TB, f *excelize.File) [][]string {
	t.Helper()
	rows, err := f.GetRows(SheetProblems)
	if err != nil {
		t.Fatalf("problems sheet: %v", err)
	}
	if len(rows) < problemsHeadRow || !slices.Equal(rows[problemsHeadRow-1], []string{"STT", "Lỗi cần sửa", "Trang tính", "Ô"}) {
		t.Fatalf("problems sheet rows %q: no column heads on row %d", rows, problemsHeadRow)
	}
	return rows[problemsHeadRow:]
}

func TestAnnotate(t *testing.T) {
	t.Parallel()
	form := testForm(t)
	values := validValues()
	values["so_cuoc"] = "nhiều"
	values["kien_nghi"], values["da_giai_quyet"] = 1, 2
	upload := fill(t, buildTemplate(t, form), values, nil)
	got := readFile(t, upload, form)
	if len(got.Problems) != 2 {
		t.Fatalf("problems %v, want a type and a rule problem", problemCodes(got.Problems))
	}
	marked, err := Annotate(upload, got.Problems)
	if err != nil {
		t.Fatal(err)
	}
	f := openXLSX(t, marked)
	comments, err := f.GetComments(SheetReport)
	if err != nil {
		t.Fatal(err)
	}
	byCell := map[string]string{}
	for _, c := range comments {
		var text strings.Builder
		text.WriteString(c.Text)
		for _, p := range c.Paragraph {
			text.WriteString(p.Text)
		}
		byCell[c.Cell] = text.String()
	}
	for _, p := range got.Problems {
		for _, c := range append(p.Cells, p.Cell) {
			if !strings.Contains(byCell[c], p.Message) {
				t.Errorf("comment of %s = %q, want %q", c, byCell[c], p.Message)
			}
			if st := cellStyle(t, f, SheetReport, c); !slices.Contains(st.Fill.Color, "FFC7CE") || st.Protection == nil || st.Protection.Locked {
				t.Errorf("cell %s style fill %v protection %+v: want red, still unlocked", c, st.Fill.Color, st.Protection)
			}
		}
	}
	if _, ok := byCell["D15"]; ok {
		t.Error("a cell without a problem got a comment")
	}

	// The list comes first and is what Excel shows on opening.
	if sheets := f.GetSheetList(); sheets[0] != SheetProblems || f.GetActiveSheetIndex() != 0 {
		t.Fatalf("sheets %q, active %d: want %q first and active", sheets, f.GetActiveSheetIndex(), SheetProblems)
	}
	rows := problemRows(t, f)
	if len(rows) != 2 {
		t.Fatalf("listed %q, want the 2 problems", rows)
	}
	for i, p := range got.Problems {
		cells := p.Cell
		if len(p.Cells) > 0 {
			cells = strings.Join(p.Cells, ", ")
		}
		if want := []string{string(rune('1' + i)), p.Message, SheetReport, cells}; !slices.Equal(rows[i], want) {
			t.Errorf("row %d = %q, want %q", i+1, rows[i], want)
		}
	}
	// Names scoped to the report sheet (print titles, print area) still
	// are, though the sheets moved.
	scoped := 0
	for _, dn := range f.GetDefinedName() {
		if strings.HasPrefix(dn.Name, "_xlnm.") {
			scoped++
			if dn.Scope != SheetReport || !strings.Contains(dn.RefersTo, SheetReport) {
				t.Errorf("name %s scoped to %q refers to %s: want the report sheet", dn.Name, dn.Scope, dn.RefersTo)
			}
		}
	}
	if scoped == 0 {
		t.Error("the print titles and area are gone")
	}

	// Sent back as it is, the list still in it (the structure is locked,
	// so a clerk may not manage to delete it), the marked file gets the
	// same problems, not a refusal for an extra sheet.
	if again := readFile(t, marked, form); !slices.Equal(problemCodes(again.Problems), problemCodes(got.Problems)) {
		t.Errorf("re-reading the marked file with the list: %v\n%s", problemCodes(again.Problems), messages(again.Problems))
	}

	// The list deleted as it asks, the marked file is still the clerk's
	// template: the same problems, nothing else.
	if err := f.DeleteSheet(SheetProblems); err != nil {
		t.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	if again := readFile(t, buf.Bytes(), form); !slices.Equal(problemCodes(again.Problems), problemCodes(got.Problems)) {
		t.Errorf("re-reading the marked file without the list: %v\n%s", problemCodes(again.Problems), messages(again.Problems))
	}
	// Annotated again (a second round), it keeps one list, of this round.
	twice, err := Annotate(marked, got.Problems[:1])
	if err != nil {
		t.Fatal(err)
	}
	f2 := openXLSX(t, twice)
	if n := len(problemRows(t, f2)); n != 1 || slices.Index(f2.GetSheetList(), SheetProblems) != 0 || strings.Count(strings.Join(f2.GetSheetList(), "|"), SheetProblems) != 1 {
		t.Errorf("annotated twice: sheets %q, %d problems listed", f2.GetSheetList(), n)
	}
}

// A problem of the file as a whole marks no cell but is listed, and so is
// one on a sheet the file lacks (a renamed report sheet): the clerk gets
// every reason, never an unmarked workbook without a word.
func TestAnnotateListsFileLevelProblems(t *testing.T) {
	t.Parallel()
	form := testForm(t)
	upload := fill(t, buildTemplate(t, form), validValues(), nil)
	problems := []reporting.Problem{
		{Code: reporting.ProblemTemplate, Severity: reporting.SeverityError, Message: "Mẫu đã bị sửa đổi thông tin nhận dạng (trang _meta)."},
		{Code: reporting.ProblemTemplate, Severity: reporting.SeverityError, Sheet: "Bao cao", Cell: "D12", Message: "Không tìm thấy trang “Báo cáo”."},
		{Code: reporting.ProblemTemplate, Severity: reporting.SeverityError, Message: "=HYPERLINK(\"http://x\") không phải công thức"},
	}
	marked, err := Annotate(upload, problems)
	if err != nil {
		t.Fatal(err)
	}
	f := openXLSX(t, marked)
	if f.GetSheetList()[0] != SheetProblems {
		t.Fatalf("sheets %q", f.GetSheetList())
	}
	rows := problemRows(t, f)
	want := [][]string{{"1", problems[0].Message}, {"2", problems[1].Message, "Bao cao", "D12"}, {"3", problems[2].Message}}
	if len(rows) != len(want) {
		t.Fatalf("listed %q, want %q", rows, want)
	}
	for i := range want {
		if !slices.Equal(rows[i], want[i]) {
			t.Errorf("row %d = %q, want %q", i+1, rows[i], want[i])
		}
	}
	// A message is text, never a formula.
	if formula, _ := f.GetCellFormula(SheetProblems, "B7"); formula != "" {
		t.Errorf("B7 holds the formula %q", formula)
	}
	if comments, _ := f.GetComments(SheetReport); len(comments) != 0 {
		t.Errorf("comments %v: no problem has a cell of the report sheet", comments)
	}
}

// A file that cannot be opened gets a new workbook with the list alone,
// written to be read: Times New Roman, wrapped, wide enough.
func TestProblemsWorkbook(t *testing.T) {
	t.Parallel()
	problems := []reporting.Problem{{Code: reporting.ProblemFile, Severity: reporting.SeverityError,
		Message: "Tệp không phải tệp Excel .xlsx (có thể là .xls, .ods, .csv hay tệp đã đổi đuôi). " + strings.Repeat("Xin lưu lại dạng Excel Workbook. ", 8)}}
	out, err := ProblemsWorkbook(problems)
	if err != nil {
		t.Fatal(err)
	}
	f := openXLSX(t, out)
	if sheets := f.GetSheetList(); !slices.Equal(sheets, []string{SheetProblems}) {
		t.Fatalf("sheets %q, want only %q", sheets, SheetProblems)
	}
	rows := problemRows(t, f)
	if len(rows) != 1 || !slices.Equal(rows[0], []string{"1", problems[0].Message}) {
		t.Fatalf("listed %q", rows)
	}
	title, _ := f.GetCellValue(SheetProblems, "A2")
	if !strings.Contains(title, "có 1 lỗi cần sửa") {
		t.Errorf("intro %q", title)
	}
	for _, c := range []string{"A1", "A2", "A4", "B5"} {
		if st := cellStyle(t, f, SheetProblems, c); st.Font == nil || st.Font.Family != "Times New Roman" {
			t.Errorf("%s font %+v, want Times New Roman", c, st.Font)
		}
	}
	if st := cellStyle(t, f, SheetProblems, "B5"); st.Alignment == nil || !st.Alignment.WrapText {
		t.Errorf("B5 alignment %+v, want wrapped", st.Alignment)
	}
	if w, _ := f.GetColWidth(SheetProblems, "B"); w < 60 {
		t.Errorf("message column %v wide", w)
	}
	if h, _ := f.GetRowHeight(SheetProblems, 5); h < 40 {
		t.Errorf("a 4-line message's row is %v points high", h)
	}
}

// A workbook holding more than a template would is not opened to be
// marked up (excelize would hold it whole): the caller lists its problems
// alone. Within the bound, the same file is annotated.
func TestAnnotateDoesNotOpenWhatATemplateCannotHold(t *testing.T) {
	t.Parallel()
	upload := fill(t, buildTemplate(t, testForm(t)), validValues(), nil)
	problems := []reporting.Problem{{Code: reporting.ProblemTemplate, Severity: reporting.SeverityError, Message: "Trang “Báo cáo” có thêm dòng."}}
	padded := func(n int) []byte {
		return rewriteZip(t, upload, nil, map[string][]byte{"docProps/padding.xml": []byte(strings.Repeat(" ", n))})
	}
	if _, err := Annotate(padded(1<<20), problems); err != nil {
		t.Fatalf("a workbook 1 MB over a template: %v", err)
	}
	for name, file := range map[string][]byte{
		"3 MB unzipped": padded(3 << 20),
		"many parts": rewriteZip(t, upload, nil, func() map[string][]byte {
			parts := map[string][]byte{}
			for i := range 200 {
				parts[fmt.Sprintf("docProps/p%d.xml", i)] = []byte("x")
			}
			return parts
		}()),
	} {
		if _, err := Annotate(file, problems); !errors.Is(err, ErrTooLargeToAnnotate) {
			t.Errorf("%s: %v, want ErrTooLargeToAnnotate", name, err)
		}
	}
}
