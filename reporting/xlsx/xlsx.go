// Package xlsx writes the consolidated workbook of a form's period for
// provincial inspectors: the summary table (units grouped by kind and parent
// with subtotals and the province total), who filed and when, who is still
// missing, the comparison with earlier periods and the units' free-text
// answers. Sheets are written with excelize's StreamWriter, so a national
// roll-out's 10,000 units stay within a few tens of megabytes.
//
// Everything a clerk typed is written as a string cell (inline string),
// never as a formula, so "=HYPERLINK(…)" in a text field stays inert text.
package xlsx

import (
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"baocao/reporting"
	"baocao/xlsxdim"
)

// The workbook's Vietnamese texts, kept together for review.
const (
	sheetSummary    = "Tổng hợp"
	sheetCompliance = "Tình hình nộp báo cáo"
	sheetMissing    = "Đơn vị chưa nộp"
	sheetCompare    = "So sánh"
	sheetChoices    = "Thống kê lựa chọn"
	sheetTexts      = "Ý kiến của đơn vị"
	sheetLevels     = "Đối chiếu các cấp"
	sheetSignals    = "Số liệu bất thường"

	txtSignalsHead = "PHỤ LỤC: SỐ LIỆU BẤT THƯỜNG CHƯA ĐƯỢC GIẢI TRÌNH — %s"
	txtSignalsNote = "Số liệu trong báo cáo được tính của đơn vị khác xa các kỳ trước của đơn vị, các đơn vị cùng loại trong kỳ, không khớp giữa các chỉ tiêu hoặc với tổng của đơn vị trực thuộc, mà người duyệt chưa ghi giải trình. Dấu hiệu không làm báo cáo bị từ chối."
	txtSignalsNone = "Không có số liệu bất thường nào chưa được giải trình."
	txtColValue    = "Số liệu"
	txtColSignal   = "Dấu hiệu"
	txtColVsWhat   = "So với"

	txtLevelsHead     = "ĐỐI CHIẾU SỐ LIỆU CỦA ĐƠN VỊ CẤP TRÊN VỚI TỔNG CỦA CÁC ĐƠN VỊ TRỰC THUỘC — %s"
	txtLevelsNote     = "Báo cáo của đơn vị cấp trên đã gồm số liệu của các đơn vị trực thuộc, nên dòng tổng cộng chỉ cộng các đơn vị không có đơn vị trực thuộc báo cáo. Chênh lệch khác 0 cần được kiểm tra."
	txtColOwn         = "Số của đơn vị cấp trên"
	txtColChildren    = "Tổng của các đơn vị trực thuộc"
	txtColChildrenRep = "Trực thuộc đã báo cáo / phải báo cáo"
	txtColDifference  = "Chênh lệch"
	txtColSameUnits   = "Kỳ này, cùng các đơn vị"

	txtTitle          = "BÁO CÁO TỔNG HỢP: %s"
	txtPeriod         = "%s trên địa bàn %s (số liệu từ ngày %s đến ngày %s)"
	txtAcceptedOnly   = "Chỉ tính các báo cáo đã được chấp nhận."
	txtAllCounted     = "Tính báo cáo mới nhất chưa bị trả lại của mỗi đơn vị."
	txtMadeAt         = "Tổng hợp lúc %s."
	txtColNo          = "STT"
	txtColUnit        = "Đơn vị"
	txtColReported    = "Đã báo cáo / phải báo cáo"
	txtReportedOf     = "%d/%d"
	txtAggAvg         = "bình quân"
	txtAggRatio       = "tỷ lệ chung"
	txtAggMin         = "nhỏ nhất"
	txtAggMax         = "lớn nhất"
	txtChoiceHeader   = "(dòng cộng: số đơn vị trả lời)"
	txtColCode        = "Mã đơn vị"
	txtColParent      = "Đơn vị cấp trên"
	txtColKind        = "Loại đơn vị"
	txtColStatus      = "Tình trạng"
	txtColDeadline    = "Hạn gửi"
	txtColFirst       = "Gửi lần đầu"
	txtColLast        = "Gửi lần cuối"
	txtColVersions    = "Số lần gửi"
	txtColDaysLate    = "Số ngày muộn"
	txtColCounted     = "Lần gửi được tính"
	txtColReviewer    = "Người duyệt"
	txtColDecision    = "Kết quả duyệt"
	txtColReviewedAt  = "Ngày duyệt"
	txtColReason      = "Ghi chú"
	txtComplianceHead = "TÌNH HÌNH NỘP BÁO CÁO — %s"
	txtMissingHead    = "DANH SÁCH ĐƠN VỊ CHƯA CÓ BÁO CÁO ĐƯỢC TÍNH — %s"
	txtColDaysOver    = "Số ngày quá hạn"
	txtCompareHead    = "SO SÁNH VỚI CÁC KỲ TRƯỚC — %s"
	txtColField       = "Chỉ tiêu"
	txtColMeasure     = "Đơn vị tính"
	txtColThis        = "Kỳ này"
	txtColPrevious    = reporting.LabelPrevious
	txtColYearAgo     = reporting.LabelYearAgo
	txtColChange      = reporting.LabelChange
	txtColPercent     = "Tỷ lệ tăng, giảm (%)"
	txtNoPeriod       = "(chưa có kỳ này)"
	txtTextsHead      = "Ý KIẾN, KHÓ KHĂN, ĐỀ XUẤT CỦA CÁC ĐƠN VỊ — %s"
	txtChoicesHead    = "THỐNG KÊ CÁC LỰA CHỌN THEO LOẠI ĐƠN VỊ VÀ ĐƠN VỊ CẤP TRÊN — %s"
	txtChoiceCol      = "%s: %s (đơn vị)" // field label, choice
	txtColContent     = "Nội dung"
	txtPageFooter     = "&CTrang &P/&N"
	txtProperties     = "Báo cáo tổng hợp %s — %s"
	txtDescription    = "Tổng hợp số liệu %d đơn vị phải báo cáo, %d đơn vị có báo cáo được tính."
	txtLongFigures    = "Số có hơn 15 chữ số được ghi dưới dạng văn bản để giữ đúng mọi chữ số (Excel chỉ giữ được 15 chữ số của một số), nên không dùng được trong công thức tính toán."
)

// Options configure a workbook.
type Options struct {
	// Location is the zone times are shown in; default Asia/Ho_Chi_Minh.
	Location *time.Location
	// Now is when the report is made: shown, stored in the document
	// properties and used for days overdue.
	Now time.Time
	// Creator is the document's author; default "baocao".
	Creator string
	// Progress, if set, is told how many summary rows of how many are
	// written, every few hundred rows.
	Progress func(done, total int)
}

func (o Options) withDefaults() Options {
	if o.Location == nil {
		o.Location = hcm()
	}
	if o.Creator == "" {
		o.Creator = "baocao"
	}
	if o.Progress == nil {
		o.Progress = func(int, int) {}
	}
	return o
}

// hcm is Asia/Ho_Chi_Minh, or UTC+7 where the zone database is missing.
func hcm() *time.Location {
	if l, err := time.LoadLocation("Asia/Ho_Chi_Minh"); err == nil {
		return l
	}
	return time.FixedZone("ICT", 7*3600)
}

// progressEvery is how many rows pass between progress calls and context
// checks.
const progressEvery = 500

// Write writes c's consolidated workbook to w.
func Write(ctx context.Context, w io.Writer, c *reporting.Consolidation, opts Options) error {
	opts = opts.withDefaults()
	f := excelize.NewFile()
	defer f.Close() //nolint:errcheck // removes the stream's temporary files
	b := &book{f: f, c: c, opts: opts}
	if err := b.styles(); err != nil {
		return fmt.Errorf("workbook styles: %w", err)
	}
	steps := []step{
		{sheetSummary, b.summary},
		{sheetCompliance, b.compliance},
		{sheetMissing, b.missing},
		{sheetCompare, b.compare},
		{sheetChoices, b.choices},
		{sheetTexts, b.texts},
		{sheetSignals, b.signals},
	}
	if c.Form.Levels == reporting.LevelsConsolidated {
		// Higher units' own figures beside their children's, after the
		// comparisons.
		steps = slices.Insert(steps, 4, step{sheetLevels, b.levels})
	}
	if err := b.writeSheets(ctx, steps); err != nil {
		return err
	}
	if err := b.properties(); err != nil {
		return fmt.Errorf("document properties: %w", err)
	}
	xlsxdim.Use(f)
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	return nil
}

// book is one workbook being written.
type book struct {
	f    *excelize.File
	c    *reporting.Consolidation
	opts Options
	st   styleSet
	// subtitle, when set, is the line under every sheet's title instead
	// of the period's (periodLine).
	subtitle string
}

// step is one sheet and what writes it.
type step struct {
	sheet string
	write func(context.Context, *excelize.StreamWriter) error
}

// writeSheets adds and streams each step's sheet in order, the first in
// place of the new file's Sheet1.
func (b *book) writeSheets(ctx context.Context, steps []step) error {
	f := b.f
	for i, s := range steps {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.sheet); err != nil {
				return fmt.Errorf("name sheet %s: %w", s.sheet, err)
			}
		} else if _, err := f.NewSheet(s.sheet); err != nil {
			return fmt.Errorf("add sheet %s: %w", s.sheet, err)
		}
		// Sheet properties and print set-up go in before the stream: the
		// StreamWriter writes <sheetPr> when it is created.
		if err := b.printSetup(s.sheet); err != nil {
			return fmt.Errorf("print set-up of %s: %w", s.sheet, err)
		}
		sw, err := f.NewStreamWriter(s.sheet)
		if err != nil {
			return fmt.Errorf("stream sheet %s: %w", s.sheet, err)
		}
		if err := s.write(ctx, sw); err != nil {
			return fmt.Errorf("write sheet %s: %w", s.sheet, err)
		}
		if err := sw.Flush(); err != nil {
			return fmt.Errorf("flush sheet %s: %w", s.sheet, err)
		}
	}
	// No SetActiveSheet: the first sheet is active already, and the call
	// would make excelize parse every streamed sheet back into memory.
	return nil
}

// numFmt is how a number column is formatted.
type numFmt int

const (
	fmtInt numFmt = iota
	fmtDec
	fmtPct
	fmtDate
	fmtTime
	fmtText
	// fmtLong is a figure too long for a spreadsheet number (see figure):
	// text, aligned right like the numbers around it.
	fmtLong
	nFmts
)

// rowClass is how a row is emphasised.
type rowClass int

const (
	classUnit rowClass = iota
	classParent
	classKind
	classProvince
	nClasses
)

type styleSet struct {
	// plain is every row's default style (see rowOpts).
	plain                               int
	title, subtitle, header, headerLeft int
	note                                int // a sentence under a table
	cell                                [nClasses][nFmts]int
}

var numFmts = [nFmts]string{
	fmtInt:  "#,##0",
	fmtDec:  "#,##0.00",
	fmtPct:  `0.0"%"`,
	fmtDate: "dd/mm/yyyy",
	fmtTime: "dd/mm/yyyy hh:mm",
	fmtText: "@",
	fmtLong: "@",
}

// formatPlaces is how many decimals a number format shows.
var formatPlaces = [nFmts]int{fmtDec: 2, fmtPct: 1}

// styles creates every style up front: a style per (row class, number
// format), so cells only carry an id.
func (b *book) styles() error {
	border := []excelize.Border{
		{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1},
	}
	font := func(size float64, bold, italic bool) *excelize.Font {
		return &excelize.Font{Family: "Times New Roman", Size: size, Bold: bold, Italic: italic}
	}
	var err error
	mk := func(s *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = b.f.NewStyle(s)
		return id
	}
	b.st.plain = mk(&excelize.Style{Font: font(11, false, false)})
	b.st.title = mk(&excelize.Style{Font: font(14, true, false), Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	b.st.subtitle = mk(&excelize.Style{Font: font(12, false, true), Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	b.st.note = mk(&excelize.Style{Font: font(11, false, true), Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "top", WrapText: true}})
	header := func(h string) *excelize.Style {
		return &excelize.Style{Font: font(11, true, false), Border: border,
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
			Alignment: &excelize.Alignment{Horizontal: h, Vertical: "center", WrapText: true}}
	}
	b.st.header = mk(header("center"))
	b.st.headerLeft = mk(header("left"))
	fills := [nClasses]string{classParent: "F2F2F2", classKind: "E2EFDA", classProvince: "FFF2CC"}
	for class := range nClasses {
		for nf := range nFmts {
			s := &excelize.Style{Font: font(11, class != classUnit, class == classParent), Border: border,
				CustomNumFmt: &numFmts[nf],
				Alignment:    &excelize.Alignment{Vertical: "top", WrapText: nf == fmtText}}
			if nf == fmtLong {
				s.Alignment.Horizontal = "right"
			}
			if fills[class] != "" {
				s.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{fills[class]}}
			}
			b.st.cell[class][nf] = mk(s)
		}
	}
	return err
}

// printSetup prints every sheet on A4 landscape with page numbers in the
// footer; how many pages wide is set once the columns are known (fitWidth).
func (b *book) printSetup(sheet string) error {
	yes := true
	if err := b.f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &yes}); err != nil {
		return err
	}
	if err := b.fitWidth(sheet, 0); err != nil {
		return err
	}
	// Margins in inches: 2 cm at top, bottom and right, 2.5 cm binding
	// margin on the left.
	top, side, left := 0.79, 0.59, 0.98
	if err := b.f.SetPageMargins(sheet, &excelize.PageLayoutMarginsOptions{
		Top: &top, Bottom: &top, Left: &left, Right: &side,
	}); err != nil {
		return err
	}
	return b.f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{OddFooter: txtPageFooter})
}

// properties sets title, subject and creator.
func (b *book) properties() error {
	created := b.opts.Now.UTC().Format(time.RFC3339)
	return b.f.SetDocProps(&excelize.DocProperties{
		Title:       fmt.Sprintf(txtProperties, b.c.Form.Title, b.c.Period.Label),
		Subject:     b.c.Form.Title,
		Description: fmt.Sprintf(txtDescription, len(b.c.Units), b.c.Compliance().Reported),
		Creator:     b.opts.Creator, LastModifiedBy: b.opts.Creator,
		Created: created, Modified: created,
		Language: "vi-VN", Category: b.c.Form.Code, Keywords: b.c.Period.Key,
	})
}

// excelEpoch is day 0 of spreadsheet serial dates (1900 system, with its
// phantom 29 February 1900 folded in).
var excelEpoch = time.Date(1899, time.December, 30, 0, 0, 0, 0, time.UTC)

// local is an instant as a spreadsheet holds it: the wall-clock time in the
// report's zone as a serial date (days since excelEpoch, the time of day as
// the fraction); zero is no value. Serials rather than time.Time spare the
// StreamWriter a conversion per cell.
func (b *book) local(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	y, m, d := t.In(b.opts.Location).Date()
	hh, mm, ss := t.In(b.opts.Location).Clock()
	return serial(time.Date(y, m, d, hh, mm, ss, 0, time.UTC))
}

// serial is a wall-clock time held in UTC (a civil date is its midnight,
// see reporting.Day) as a serial date; zero is no value.
func serial(wall time.Time) any {
	if wall.IsZero() {
		return nil
	}
	return wall.Sub(excelEpoch).Hours() / 24
}

// rowOpts gives a row the plain default style: empty cells beside the
// table stay unbordered, and excelize skips looking up column styles for
// every cell (it does when a row has none).
func (b *book) rowOpts(height float64) excelize.RowOpts {
	return excelize.RowOpts{StyleID: b.st.plain, Height: height}
}

// periodLine is the period, the territory (today's root), the data window
// and how submissions count.
func (b *book) periodLine() string {
	if b.subtitle != "" {
		return b.subtitle
	}
	p := b.c.Period
	territory, _ := reporting.TerritoryOf(b.c.Province)
	line := fmt.Sprintf(txtPeriod, p.Label, territory, reporting.FormatDate(p.DataFrom), reporting.FormatDate(p.DataTo))
	if b.c.AcceptedOnly {
		line += ". " + txtAcceptedOnly
	} else {
		line += ". " + txtAllCounted
	}
	return line + " " + fmt.Sprintf(txtMadeAt, b.opts.Now.In(b.opts.Location).Format("15:04 02/01/2006"))
}

// cell is a value with a style.
func cell(style int, v any) excelize.Cell { return excelize.Cell{StyleID: style, Value: v} }

// title writes the merged title and subtitle rows over cols columns.
func (b *book) title(sw *excelize.StreamWriter, cols int, head, sub string) error {
	last, _ := excelize.CoordinatesToCellName(cols, 1)
	if err := sw.SetRow("A1", []any{cell(b.st.title, head)}, b.rowOpts(36)); err != nil {
		return err
	}
	if err := sw.MergeCell("A1", last); err != nil {
		return err
	}
	last, _ = excelize.CoordinatesToCellName(cols, 2)
	if err := sw.SetRow("A2", []any{cell(b.st.subtitle, sub)}, b.rowOpts(32)); err != nil {
		return err
	}
	return sw.MergeCell("A2", last)
}

// simpleTable writes a plain table: title, one header row (row 4), frozen,
// repeated on every printed page, then rows from next until it returns
// false, then the notes, a row each across the table after a blank row.
func (b *book) simpleTable(ctx context.Context, sw *excelize.StreamWriter, sheet, head string, cols []column, next func(row []any) bool, notes ...string) error {
	for i, col := range cols {
		if err := sw.SetColWidth(i+1, i+1, col.width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 4, TopLeftCell: "A5", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := b.title(sw, len(cols), head, b.periodLine()); err != nil {
		return err
	}
	r := newRow(len(cols))
	for i, col := range cols {
		r.set(i, b.st.header, col.title)
	}
	if err := sw.SetRow("A4", r.values, b.rowOpts(32)); err != nil {
		return err
	}
	if err := b.printTitles(sheet, 4, 4, 0); err != nil {
		return err
	}
	width := 0.0
	for _, col := range cols {
		width += col.width
	}
	if err := b.fitWidth(sheet, width); err != nil {
		return err
	}
	values := make([]any, len(cols))
	for n := 5; ; n++ {
		clear(values)
		if !next(values) {
			if r.long {
				notes = append(notes, txtLongFigures)
			}
			return b.notes(sw, n+1, len(cols), width, notes)
		}
		for i, v := range values {
			r.put(i, &b.st.cell[classUnit], cols[i].format, v)
		}
		if n%progressEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err := sw.SetRow(cellName(1, n), r.values, b.rowOpts(0)); err != nil {
			return err
		}
	}
}

// notes writes each note from row n on, merged across cols columns of
// the given total width (in characters), tall enough for its lines.
func (b *book) notes(sw *excelize.StreamWriter, n, cols int, width float64, notes []string) error {
	for i, note := range notes {
		first, last := cellName(1, n+i), cellName(cols, n+i)
		lines := math.Ceil(float64(utf8.RuneCountInString(note)) / (width * 0.9))
		if err := sw.SetRow(first, []any{cell(b.st.note, note)}, b.rowOpts(15*lines+3)); err != nil {
			return err
		}
		if err := sw.MergeCell(first, last); err != nil {
			return err
		}
	}
	return nil
}

// row is a reusable row of styled cells. Its values point at its cells,
// so writing a row allocates nothing but the boxed numbers.
type row struct {
	cells  []excelize.Cell
	values []any
	// long says a longFigure was put in the row at some point: the table
	// then needs txtLongFigures under it.
	long bool
}

func newRow(n int) *row {
	r := &row{cells: make([]excelize.Cell, n), values: make([]any, n)}
	for i := range r.cells {
		r.values[i] = &r.cells[i]
	}
	return r
}

// set puts a value and style in column i (from 0). Strings stay strings:
// the StreamWriter writes them as inline strings, never formulas.
func (r *row) set(i, style int, v any) {
	r.cells[i] = excelize.Cell{StyleID: style, Value: v}
}

// put sets column i to v in format, its style from st (a row class's
// styles); a longFigure goes in as right-aligned text.
func (r *row) put(i int, st *[nFmts]int, format numFmt, v any) {
	if t, ok := v.(longFigure); ok {
		r.set(i, st[fmtLong], string(t))
		r.long = true
		return
	}
	r.set(i, st[format], v)
}

// longFigure is a figure a spreadsheet number would not hold exactly,
// written out in full.
type longFigure string

// figure is a decimal as the value of a cell in a column of format: a
// number when a spreadsheet holds it exactly, else (a total of amounts
// beyond 15 digits) every digit as text, the Vietnamese way, rounded as
// the column's format would show it; nil for no value. Excel's numbers are
// doubles: 22-digit totals would lose their last digits, and no reader
// could tell. A workbook holding long figures says so under its tables.
func figure(d reporting.Decimal, format numFmt) any {
	switch {
	case !d.Valid():
		return nil
	case d.FitsSpreadsheet():
		return d.Float64()
	}
	return longFigure(d.Format(formatPlaces[format]))
}

// figureWidth is width, or more if figure d written in format needs it: its
// characters (digits, thousands separators, sign, decimals, counted from
// the text, no arithmetic per cell) and a margin for bold totals.
func figureWidth(width float64, format numFmt, d reporting.Decimal) float64 {
	if !d.Valid() {
		return width
	}
	s := string(d)
	n := 0
	if s[0] == '-' {
		n, s = 1, s[1:]
	}
	intPart, _, _ := strings.Cut(s, ".")
	n += len(intPart) + (len(intPart)-1)/3
	if p := formatPlaces[format]; p > 0 {
		n += 1 + p
	}
	return max(width, float64(n)+3)
}

// column is one column of a plain table.
type column struct {
	title  string
	width  float64
	format numFmt
}

func cellName(col, row int) string {
	n, _ := excelize.CoordinatesToCellName(col, row)
	return n
}

// Column widths (in character units) an A4 landscape page holds at 100%,
// and the smallest print scale worth reading.
const (
	pageWidthChars = 135.0
	minPrintScale  = 0.6
)

// fitWidth fits a sheet whose columns add up to width characters to as
// many pages wide as keep the print at minPrintScale or larger (one page
// for most sheets; a 50-field summary takes a few), any number tall. The
// page set-up is written when the sheet is flushed, so this may follow
// the stream's creation.
func (b *book) fitWidth(sheet string, width float64) error {
	a4, landscape, tall := 9, "landscape", 0
	wide := max(1, int(math.Ceil(width/(pageWidthChars/minPrintScale))))
	return b.f.SetPageLayout(sheet, &excelize.PageLayoutOptions{
		Size: &a4, Orientation: &landscape, FitToWidth: &wide, FitToHeight: &tall,
	})
}

// printTitles repeats rows first..last, and the first cols columns (0 for
// none), on every printed page.
func (b *book) printTitles(sheet string, first, last, cols int) error {
	quoted := "'" + strings.ReplaceAll(sheet, "'", "''") + "'"
	refers := fmt.Sprintf("%s!$%d:$%d", quoted, first, last)
	if cols > 0 {
		lastCol, _ := excelize.ColumnNumberToName(cols)
		refers = fmt.Sprintf("%s!$A:$%s,%s", quoted, lastCol, refers)
	}
	return b.f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: refers, Scope: sheet})
}
