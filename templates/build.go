package templates

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"baocao/reporting"
	"baocao/xlsxdim"
)

// Unit is the unit a template is issued to, as its header shows it.
type Unit struct {
	Code       string
	Name       string // "UBND phường Tân Phú"
	ParentName string // "UBND thành phố Đồng Xoài"; may be empty
}

// Period is the reporting period a template is for.
type Period struct {
	ID    int64
	Key   string // "2026-H1"
	Label string // "6 tháng đầu năm 2026"
	// DataFrom and DataTo are the data window, civil dates.
	DataFrom, DataTo time.Time
	// Deadline is the unit's deadline instant.
	Deadline time.Time
}

// BuildInput is everything a template shows and signs.
type BuildInput struct {
	// Form is the form version; VersionID and Version are signed into
	// the template and name the version Read will validate against.
	Form   reporting.Form
	Unit   Unit
	Period Period
	// IssuedAt is signed too (to the second); Location is where the
	// deadline is shown in local time (Asia/Ho_Chi_Minh).
	IssuedAt time.Time
	Location *time.Location
	// Secret keys the HMAC over the _meta sheet.
	Secret []byte
}

// The report sheet's layout (LayoutVersion 1). Rows are 1-based. Read
// falls back on the same arithmetic when a program dropped the defined
// names, so any change here is a new LayoutVersion.
const (
	colSTT, colLabel, colUnit, colValue, colNote = "A", "B", "C", "D", "E"

	rowParent     = 1
	rowUnit       = 2
	rowTitle      = 4
	rowPeriod     = 5
	rowWindow     = 6
	rowDeadline   = 7
	rowHeader     = 9
	rowColNumbers = 10
	rowFirstBody  = 11
)

// Defined names. A field code such as "ab12" would read as a cell
// reference, and "r" or "c" as R1C1 notation, so every name has a prefix:
// f_<code> is a field's value cell, n_<code> its note cell. Codes are
// lower_snake ASCII of at most 40 characters, so every name is valid.
const (
	nameValuePrefix = "f_"
	nameNotePrefix  = "n_"
)

// ValueName is the workbook-level defined name of a field's value cell.
func ValueName(code string) string { return nameValuePrefix + code }

// NoteName is the workbook-level defined name of a field's note cell.
func NoteName(code string) string { return nameNotePrefix + code }

// layout places a form on the report sheet: one title row per section,
// then one row per field.
type layout struct {
	fieldRow   map[string]int
	sectionRow []int
	lastRow    int // the table's last row
}

func newLayout(form reporting.Form) layout {
	l := layout{fieldRow: map[string]int{}}
	row := rowFirstBody
	for _, s := range form.Sections {
		l.sectionRow = append(l.sectionRow, row)
		row++
		for _, fl := range s.Fields {
			l.fieldRow[fl.Code] = row
			row++
		}
	}
	l.lastRow = row - 1
	return l
}

func cell(col string, row int) string { return col + strconv.Itoa(row) }

// absRef is 'Báo cáo'!$D$12.
func absRef(sheet, col string, row int) string {
	return fmt.Sprintf("'%s'!$%s$%d", strings.ReplaceAll(sheet, "'", "''"), col, row)
}

// Page setup after Decree 30/2020 Appendix I, in inches as excelize wants
// them: left 30 mm, right 15 mm, top and bottom 20 mm.
const (
	mmPerInch    = 25.4
	marginLeft   = 30 / mmPerInch
	marginRight  = 15 / mmPerInch
	marginTop    = 20 / mmPerInch
	marginBottom = 20 / mmPerInch
	marginHeader = 8 / mmPerInch
	paperA4      = 9
	fontName     = "Times New Roman"
)

// Excel's limits on data validation texts, in UTF-16 units.
const (
	dvTitleMax = 32
	dvTextMax  = 255
)

// Build makes the workbook a unit fills for one period: the report sheet
// in the Decree 30 look with an input cell per field (unlocked, validated,
// named f_<code>; its note cell n_<code>), the rest locked under sheet
// protection without a password (a guard against slips: the HMAC is the
// security); an instruction sheet; and a veryHidden _meta sheet with the
// template's identity and its HMAC.
//
// Nothing is streamed: excelize drops data validation and protection set
// after a StreamWriter, and these sheets are small.
func Build(in BuildInput) ([]byte, error) {
	if err := in.check(); err != nil {
		return nil, fmt.Errorf("build template: %w", err)
	}
	b, err := newBuilder(in)
	if err != nil {
		return nil, fmt.Errorf("build template %s for unit %s: %w", in.Form.Code, in.Unit.Code, err)
	}
	defer b.f.Close()
	for _, step := range []func() error{b.reportSheet, b.helpSheet, b.metaSheet, b.properties} {
		if err := step(); err != nil {
			return nil, fmt.Errorf("build template %s for unit %s: %w", in.Form.Code, in.Unit.Code, err)
		}
	}
	b.f.SetActiveSheet(0)
	// Locking the structure (no password, like the sheets) keeps sheets
	// from being deleted, renamed or unhidden by a slip of the mouse.
	if err := b.f.ProtectWorkbook(&excelize.WorkbookProtectionOptions{LockStructure: true}); err != nil {
		return nil, fmt.Errorf("build template %s for unit %s: protect workbook: %w", in.Form.Code, in.Unit.Code, err)
	}
	xlsxdim.Use(b.f)
	buf, err := b.f.WriteToBuffer()
	if err != nil {
		return nil, fmt.Errorf("build template %s for unit %s: write: %w", in.Form.Code, in.Unit.Code, err)
	}
	return buf.Bytes(), nil
}

func (in BuildInput) check() error {
	var errs []error
	if len(in.Secret) == 0 {
		errs = append(errs, errors.New("secret is empty"))
	}
	if in.Location == nil {
		errs = append(errs, errors.New("location is nil"))
	}
	if in.Form.Code == "" || len(in.Form.Fields()) == 0 {
		errs = append(errs, errors.New("form has no code or no field"))
	}
	if in.Unit.Code == "" || in.Unit.Name == "" {
		errs = append(errs, errors.New("unit code or name is empty"))
	}
	return errors.Join(errs...)
}

// builder holds the workbook being built and its styles.
type builder struct {
	in     BuildInput
	f      *excelize.File
	layout layout
	meta   Meta
	st     styles
	lists  int // columns used on the lists sheet
}

type styles struct {
	left, leftBold, center, centerBold, motto, title, subtitle, italic int
	head, colNumber, section, stt, label, unit, note, small, signHint  int
	value                                                              map[reporting.FieldType]int
}

func newBuilder(in BuildInput) (*builder, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName(f.GetSheetName(0), SheetReport); err != nil {
		f.Close()
		return nil, fmt.Errorf("name report sheet: %w", err)
	}
	b := &builder{
		in:     in,
		f:      f,
		layout: newLayout(in.Form),
		meta: Meta{
			FormCode:      in.Form.Code,
			FormVersion:   in.Form.Version,
			FormVersionID: in.Form.VersionID,
			UnitCode:      in.Unit.Code,
			PeriodID:      in.Period.ID,
			PeriodKey:     in.Period.Key,
			IssuedAt:      in.IssuedAt.In(in.Location).Truncate(time.Second),
			Layout:        LayoutVersion,
			Header:        headerOf(in),
		},
	}
	if err := b.makeStyles(); err != nil {
		f.Close()
		return nil, err
	}
	return b, nil
}

func (b *builder) makeStyles() error {
	font := func(size float64, bold, italic bool) *excelize.Font {
		return &excelize.Font{Family: fontName, Size: size, Bold: bold, Italic: italic, Color: "000000"}
	}
	thin := []excelize.Border{{Type: "left", Style: 1, Color: "000000"}, {Type: "right", Style: 1, Color: "000000"}, {Type: "top", Style: 1, Color: "000000"}, {Type: "bottom", Style: 1, Color: "000000"}}
	align := func(h string, wrap bool) *excelize.Alignment {
		return &excelize.Alignment{Horizontal: h, Vertical: "center", WrapText: wrap}
	}
	locked := &excelize.Protection{Locked: true}
	unlocked := &excelize.Protection{Locked: false}
	input := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFF8DC"}}
	fmtText := "@"

	var errs []error
	add := func(s *excelize.Style) int {
		if s.Protection == nil {
			s.Protection = locked
		}
		id, err := b.f.NewStyle(s)
		errs = append(errs, err)
		return id
	}
	underline := font(13, true, false)
	underline.Underline = "single"
	unitFont := font(12, true, false)
	unitFont.Underline = "single"

	b.st = styles{
		left:       add(&excelize.Style{Font: font(12, false, false), Alignment: align("left", true)}),
		leftBold:   add(&excelize.Style{Font: unitFont, Alignment: align("center", true)}),
		center:     add(&excelize.Style{Font: font(12, false, false), Alignment: align("center", true)}),
		centerBold: add(&excelize.Style{Font: font(12, true, false), Alignment: align("center", true)}),
		motto:      add(&excelize.Style{Font: underline, Alignment: align("center", false)}),
		title:      add(&excelize.Style{Font: font(14, true, false), Alignment: align("center", true)}),
		subtitle:   add(&excelize.Style{Font: font(13, true, false), Alignment: align("center", true)}),
		italic:     add(&excelize.Style{Font: font(13, false, true), Alignment: align("center", true)}),
		head:       add(&excelize.Style{Font: font(12, true, false), Alignment: align("center", true), Border: thin, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9D9D9"}}}),
		colNumber:  add(&excelize.Style{Font: font(11, false, true), Alignment: align("center", false), Border: thin}),
		section:    add(&excelize.Style{Font: font(12, true, false), Alignment: align("left", true), Border: thin, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}}}),
		stt:        add(&excelize.Style{Font: font(12, false, false), Alignment: align("center", false), Border: thin}),
		label:      add(&excelize.Style{Font: font(12, false, false), Alignment: align("left", true), Border: thin}),
		unit:       add(&excelize.Style{Font: font(12, false, false), Alignment: align("center", true), Border: thin}),
		note:       add(&excelize.Style{Font: font(12, false, false), Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "top", WrapText: true}, Border: thin, Fill: input, Protection: unlocked, CustomNumFmt: &fmtText}),
		small:      add(&excelize.Style{Font: font(11, false, true), Alignment: align("left", true)}),
		signHint:   add(&excelize.Style{Font: font(12, false, true), Alignment: align("center", false)}),
		value:      map[reporting.FieldType]int{},
	}
	numFmts := map[reporting.FieldType]string{
		reporting.TypeInt:     "#,##0",
		reporting.TypeDecimal: "#,##0.00",
		reporting.TypePercent: "0.##",
		reporting.TypeDate:    "dd/mm/yyyy",
		reporting.TypeChoice:  "@",
		reporting.TypeText:    "@",
	}
	for t, nf := range numFmts {
		h, v := "right", "center"
		switch t {
		case reporting.TypeChoice, reporting.TypeDate:
			h = "center"
		case reporting.TypeText:
			h, v = "left", "top"
		}
		b.st.value[t] = add(&excelize.Style{
			Font:         font(12, false, false),
			Alignment:    &excelize.Alignment{Horizontal: h, Vertical: v, WrapText: t == reporting.TypeText},
			Border:       thin,
			Fill:         input,
			Protection:   unlocked,
			CustomNumFmt: &nf,
		})
	}
	return errors.Join(errs...)
}

// reportSheet lays out the sheet a clerk fills.
func (b *builder) reportSheet() error {
	f, sh, in := b.f, SheetReport, b.in
	var errs []error
	put := func(from, to string, value any, style int) {
		if to != "" && to != from {
			errs = append(errs, f.MergeCell(sh, from, to))
		}
		errs = append(errs, f.SetCellValue(sh, from, value))
		errs = append(errs, f.SetCellStyle(sh, from, or(to, from), style))
	}

	// Header block: issuing body left, national motto right.
	h := b.meta.Header
	put(cell(colSTT, rowParent), cell(colLabel, rowParent), h.Parent, b.st.center)
	put(cell(colUnit, rowParent), cell(colNote, rowParent), txtMotto1, b.st.centerBold)
	put(cell(colSTT, rowUnit), cell(colLabel, rowUnit), h.Unit, b.st.leftBold)
	put(cell(colUnit, rowUnit), cell(colNote, rowUnit), txtMotto2, b.st.motto)
	put(cell(colSTT, rowTitle), cell(colNote, rowTitle), titleText(in.Form), b.st.title)
	put(cell(colSTT, rowPeriod), cell(colNote, rowPeriod), h.Period, b.st.subtitle)
	put(cell(colSTT, rowWindow), cell(colNote, rowWindow), h.Window, b.st.italic)
	put(cell(colSTT, rowDeadline), cell(colNote, rowDeadline), h.Deadline, b.st.italic)

	// Table head.
	for i, h := range []string{txtColSTT, txtColLabel, txtColUnit, txtColValue, txtColNote} {
		col := string(rune('A' + i))
		put(cell(col, rowHeader), "", h, b.st.head)
		put(cell(col, rowColNumbers), "", fmt.Sprintf("(%d)", i+1), b.st.colNumber)
	}

	// Body.
	listRefs, err := b.longLists()
	if err != nil {
		return err
	}
	for si, s := range in.Form.Sections {
		row := b.layout.sectionRow[si]
		put(cell(colSTT, row), cell(colNote, row), s.Title, b.st.section)
		errs = append(errs, f.SetRowHeight(sh, row, rowHeight(s.Title, 60)))
		for fi, fl := range s.Fields {
			row := b.layout.fieldRow[fl.Code]
			label := labelText(fl)
			put(cell(colSTT, row), "", fi+1, b.st.stt)
			put(cell(colLabel, row), "", label, b.st.label)
			put(cell(colUnit, row), "", fl.Unit, b.st.unit)
			put(cell(colValue, row), "", nil, b.st.value[fl.Type])
			put(cell(colNote, row), "", nil, b.st.note)
			h := rowHeight(label, 55)
			if fl.Type == reporting.TypeText {
				h = max(h, 75)
			}
			errs = append(errs, f.SetRowHeight(sh, row, h))
			dv, err := validation(fl, cell(colValue, row), listRefs[fl.Code])
			if err != nil {
				return fmt.Errorf("field %s: %w", fl.Code, err)
			}
			errs = append(errs, f.AddDataValidation(sh, dv))
			errs = append(errs, f.SetDefinedName(&excelize.DefinedName{Name: ValueName(fl.Code), RefersTo: absRef(sh, colValue, row), Comment: fl.Label}))
			errs = append(errs, f.SetDefinedName(&excelize.DefinedName{Name: NoteName(fl.Code), RefersTo: absRef(sh, colNote, row)}))
		}
	}

	// Foot: the required mark, place and date, signatures.
	last := b.layout.lastRow
	put(cell(colSTT, last+1), cell(colNote, last+1), txtRequiredNote, b.st.small)
	errs = append(errs, f.SetRowHeight(sh, last+1, 32))
	put(cell(colUnit, last+3), cell(colNote, last+3), txtPlaceDate, b.st.signHint)
	put(cell(colSTT, last+4), cell(colLabel, last+4), txtPreparer, b.st.centerBold)
	put(cell(colUnit, last+4), cell(colNote, last+4), txtHead, b.st.centerBold)
	put(cell(colSTT, last+5), cell(colLabel, last+5), txtSignHint, b.st.signHint)
	put(cell(colUnit, last+5), cell(colNote, last+5), txtSignHintStamp, b.st.signHint)

	for _, w := range []struct {
		col   string
		width float64
	}{{colSTT, 6}, {colLabel, 48}, {colUnit, 12}, {colValue, 18}, {colNote, 30}} {
		errs = append(errs, f.SetColWidth(sh, w.col, w.col, w.width))
	}
	for _, r := range []int{rowParent, rowUnit} {
		errs = append(errs, f.SetRowHeight(sh, r, 22))
	}
	errs = append(errs, f.SetRowHeight(sh, rowTitle, rowHeight(in.Form.Title, 70)*1.2))
	errs = append(errs, f.SetRowHeight(sh, rowHeader, 33))
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("report sheet: %w", err)
	}
	return b.pageSetup(sh, last+5)
}

// pageSetup prints the report sheet on A4 portrait, one page wide, with the
// table head repeated and page numbers at the top from page two on.
func (b *builder) pageSetup(sh string, lastRow int) error {
	f := b.f
	size, orientation, one, zero := paperA4, "portrait", 1, 0
	fit := true
	return errors.Join(
		b.margins(sh),
		f.SetPageLayout(sh, &excelize.PageLayoutOptions{Size: &size, Orientation: &orientation, FitToWidth: &one, FitToHeight: &zero}),
		f.SetSheetProps(sh, &excelize.SheetPropsOptions{FitToPage: &fit}),
		f.SetHeaderFooter(sh, &excelize.HeaderFooterOptions{DifferentFirst: true, OddHeader: "&C&\"Times New Roman\"&12&P"}),
		f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: fmt.Sprintf("'%s'!$%d:$%d", sh, rowHeader, rowColNumbers), Scope: sh}),
		f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Area", RefersTo: fmt.Sprintf("'%s'!$A$1:$E$%d", sh, lastRow), Scope: sh}),
		f.ProtectSheet(sh, &excelize.SheetProtectionOptions{SelectLockedCells: true, SelectUnlockedCells: true, FormatColumns: true, FormatRows: true}),
	)
}

func (b *builder) margins(sh string) error {
	left, right, top, bottom, header := marginLeft, marginRight, marginTop, marginBottom, marginHeader
	centered := true
	return b.f.SetPageMargins(sh, &excelize.PageLayoutMarginsOptions{Left: &left, Right: &right, Top: &top, Bottom: &bottom, Header: &header, Footer: &header, Horizontally: &centered})
}

// longLists writes the choice lists an inline list cannot hold (over 255
// characters, or a choice with a comma or quote) to the hidden lists sheet
// and returns each field's range.
func (b *builder) longLists() (map[string]string, error) {
	refs := map[string]string{}
	for _, fl := range b.in.Form.Fields() {
		if fl.Type != reporting.TypeChoice || inlineList(fl.Choices) {
			continue
		}
		if b.lists == 0 {
			if _, err := b.f.NewSheet(SheetLists); err != nil {
				return nil, fmt.Errorf("lists sheet: %w", err)
			}
		}
		b.lists++
		col, err := excelize.ColumnNumberToName(b.lists)
		if err != nil {
			return nil, fmt.Errorf("lists sheet: %w", err)
		}
		for i, c := range fl.Choices {
			if err := b.f.SetCellStr(SheetLists, cell(col, i+1), c); err != nil {
				return nil, fmt.Errorf("lists sheet: %w", err)
			}
		}
		refs[fl.Code] = fmt.Sprintf("%s:$%s$%d", absRef(SheetLists, col, 1), col, len(fl.Choices))
	}
	if b.lists > 0 {
		if err := b.f.SetSheetVisible(SheetLists, false); err != nil {
			return nil, fmt.Errorf("hide lists sheet: %w", err)
		}
	}
	return refs, nil
}

func inlineList(choices []string) bool {
	joined := strings.Join(choices, ",")
	return utf16Len(joined) <= excelize.MaxFieldLength && !strings.ContainsAny(strings.Join(choices, ""), `,"`)
}

// validation is the data validation of a field's value cell: the field's
// type and bounds, a prompt naming label, unit and range, and a stop error.
// listRef is the lists-sheet range of a choice field's long list.
func validation(fl reporting.Field, ref, listRef string) (*excelize.DataValidation, error) {
	dv := excelize.NewDataValidation(true)
	dv.Sqref = ref
	prompt := fl.Label
	if fl.Unit != "" && fl.Unit != "%" {
		prompt += fmt.Sprintf(dvUnit, fl.Unit)
	}
	prompt += ". "
	var errMsg string
	switch fl.Type {
	case reporting.TypeInt, reporting.TypeDecimal, reporting.TypePercent:
		lo, hi := fl.Min, fl.Max
		kind := map[reporting.FieldType]string{reporting.TypeInt: dvInt, reporting.TypeDecimal: dvDecimal, reporting.TypePercent: dvPercent}[fl.Type]
		if fl.Type == reporting.TypePercent {
			lo, hi = orBound(lo, 0), orBound(hi, 100)
		}
		dv.Type = "decimal"
		if fl.Type == reporting.TypeInt {
			dv.Type = "whole"
		}
		var rng string
		switch {
		case lo != nil && hi != nil:
			rng = fmt.Sprintf(dvBetween, boundText(*lo), boundText(*hi))
		case lo != nil:
			rng = fmt.Sprintf(dvAtLeast, boundText(*lo))
		case hi != nil:
			rng = fmt.Sprintf(dvAtMost, boundText(*hi))
		default:
			rng = dvAny
		}
		// The cell accepts what the upload will: the form's bounds, else
		// the type's limit (a count within ±10⁹, an amount ±10¹⁵).
		limit, _ := reporting.Limit(fl.Type)
		ceiling := float64(limit.Ceiling)
		lo, hi = orBound(lo, -ceiling), orBound(hi, ceiling)
		dv.Operator, dv.Formula1, dv.Formula2 = "between", dvNumber(*lo), dvNumber(*hi)
		prompt += kind + rng
		errMsg = fmt.Sprintf(dvErrorNumber, fl.Label, kind+rng)
	case reporting.TypeChoice:
		if listRef != "" {
			dv.SetSqrefDropList(listRef)
		} else if err := dv.SetDropList(fl.Choices); err != nil {
			return nil, fmt.Errorf("choice list: %w", err)
		}
		prompt += fmt.Sprintf(dvChoice, strings.Join(fl.Choices, dvListSeparator))
		errMsg = fmt.Sprintf(dvErrorChoice, fl.Label)
	case reporting.TypeDate:
		lo, hi := reporting.FormatDate(reporting.MinDate), reporting.FormatDate(reporting.MaxDate)
		dv.Type, dv.Operator = "date", "between"
		dv.Formula1, dv.Formula2 = strconv.Itoa(serial(reporting.MinDate)), strconv.Itoa(serial(reporting.MaxDate))
		prompt += fmt.Sprintf(dvDate, lo, hi)
		errMsg = fmt.Sprintf(dvErrorDate, fl.Label, lo, hi)
	case reporting.TypeText:
		limit := fl.MaxLength
		if limit == 0 {
			limit = reporting.DefaultMaxLength
		}
		dv.Type, dv.Operator, dv.Formula1 = "textLength", "lessThanOrEqual", strconv.Itoa(limit)
		prompt += fmt.Sprintf(dvText, limit)
		errMsg = fmt.Sprintf(dvErrorText, fl.Label, limit)
	default:
		return nil, fmt.Errorf("unknown field type %q", fl.Type)
	}
	if fl.Required {
		prompt += dvRequired
	}
	if fl.Help != "" {
		prompt += " " + fl.Help
	}
	dv.SetInput(truncateUTF16(dvPromptTitle, dvTitleMax), truncateUTF16(prompt, dvTextMax))
	dv.SetError(excelize.DataValidationErrorStyleStop, truncateUTF16(dvErrorTitle, dvTitleMax), truncateUTF16(errMsg, dvTextMax))
	return dv, nil
}

func orBound(b *float64, def float64) *float64 {
	if b != nil {
		return b
	}
	return &def
}

// dvNumber is a bound as a validation formula: plain decimal, no exponent
// unless huge.
func dvNumber(f float64) string { return strconv.FormatFloat(f, 'G', 15, 64) }

func boundText(f float64) string {
	return reporting.FormatNumber(strconv.FormatFloat(f, 'f', -1, 64))
}

// serial is a date's spreadsheet serial number (1900 date system).
func serial(d time.Time) int {
	return int(math.Round(d.Sub(reporting.Day(1899, time.December, 30)).Hours() / 24))
}

func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

// truncateUTF16 cuts s to at most n UTF-16 units, ending with "…" when cut.
func truncateUTF16(s string, n int) string {
	if utf16Len(s) <= n {
		return s
	}
	var b strings.Builder
	used := 1 // the ellipsis
	for _, r := range s {
		w := utf16.RuneLen(r)
		if used+w > n {
			break
		}
		used += w
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String()) + "…"
}

// rowHeight guesses the height in points of a row whose text wraps in a
// column about perLine characters wide: programs do not grow rows whose
// height a file sets, and leaving it unset cuts long labels in Excel.
func rowHeight(text string, perLine int) float64 {
	lines := 0
	for _, part := range strings.Split(text, "\n") {
		lines += max(1, (utf8.RuneCountInString(part)+perLine-1)/perLine)
	}
	return float64(lines)*16 + 4
}

// headerOf is the text of the header lines of in's report sheet, each on
// one line.
func headerOf(in BuildInput) Header {
	line := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	return Header{
		Parent:   line(strings.ToUpper(in.Unit.ParentName)),
		Unit:     line(strings.ToUpper(in.Unit.Name)),
		Period:   line(fmt.Sprintf(txtPeriod, in.Period.Label)),
		Window:   fmt.Sprintf(txtWindow, reporting.FormatDate(in.Period.DataFrom), reporting.FormatDate(in.Period.DataTo)),
		Deadline: deadlineText(in.Period.Deadline, in.Location),
	}
}

func titleText(form reporting.Form) string { return strings.ToUpper(form.Title) }

// labelText is a field's label as its row shows it: with the required mark.
func labelText(fl reporting.Field) string {
	if fl.Required {
		return fl.Label + txtRequiredMark
	}
	return fl.Label
}

// fixedCell is a cell of the report sheet the clerk may not change, and
// what it shows.
type fixedCell struct {
	row, col int
	what     string // what the cell is, for the message
	text     string
}

// fixedCells are the cells of a form's report sheet that Read checks
// against the template: the header lines (when the Meta signs them), the
// title, the table head, and each section title, number, label and unit.
func fixedCells(form reporting.Form, m Meta) []fixedCell {
	var out []fixedCell
	add := func(row, col int, what, text string) {
		out = append(out, fixedCell{row, col, what, text})
	}
	if m.Layout >= 2 {
		add(rowParent, 1, txtWhatParent, m.Header.Parent)
		add(rowUnit, 1, txtWhatUnit, m.Header.Unit)
		add(rowPeriod, 1, txtWhatPeriod, m.Header.Period)
		add(rowWindow, 1, txtWhatWindow, m.Header.Window)
		add(rowDeadline, 1, txtWhatDeadline, m.Header.Deadline)
	}
	add(rowTitle, 1, txtWhatTitle, titleText(form))
	for i, h := range []string{txtColSTT, txtColLabel, txtColUnit, txtColValue, txtColNote} {
		add(rowHeader, i+1, txtWhatHead, h)
	}
	return out
}

// bodyCells are, row by row, the cells of the table body Read checks:
// section titles, and each field's number, label and unit.
func bodyCells(form reporting.Form) []fixedCell {
	lay := newLayout(form)
	var out []fixedCell
	for si, s := range form.Sections {
		out = append(out, fixedCell{lay.sectionRow[si], 1, txtWhatSection, s.Title})
		for fi, fl := range s.Fields {
			row := lay.fieldRow[fl.Code]
			out = append(out,
				fixedCell{row, 1, txtWhatSTT, strconv.Itoa(fi + 1)},
				fixedCell{row, 2, txtWhatLabel, labelText(fl)},
				fixedCell{row, 3, txtWhatUnitCol, fl.Unit})
		}
	}
	return out
}

func deadlineText(deadline time.Time, loc *time.Location) string {
	if deadline.IsZero() {
		return ""
	}
	d := deadline.In(loc)
	if d.Hour() == 23 && d.Minute() == 59 {
		return fmt.Sprintf(txtDeadlineDay, reporting.FormatDate(d))
	}
	return fmt.Sprintf(txtDeadlineTime, d.Format(txtClock), reporting.FormatDate(d))
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// helpSheet writes the instructions, one paragraph a row.
func (b *builder) helpSheet() error {
	f, sh := b.f, SheetHelp
	if _, err := f.NewSheet(sh); err != nil {
		return fmt.Errorf("help sheet: %w", err)
	}
	var errs []error
	errs = append(errs, f.SetColWidth(sh, "A", "A", 72))
	for i, line := range txtHelp {
		row := i + 1
		if strings.Contains(line, "%s") {
			line = fmt.Sprintf(line, b.in.Form.Title)
		}
		style := b.st.left
		if i == 0 {
			style = b.st.title
		}
		errs = append(errs, f.SetCellStr(sh, cell("A", row), line))
		errs = append(errs, f.SetCellStyle(sh, cell("A", row), cell("A", row), style))
		errs = append(errs, f.SetRowHeight(sh, row, rowHeight(line, 72)))
	}
	size, orientation, one, zero, fit := paperA4, "portrait", 1, 0, true
	errs = append(errs, f.SetPageLayout(sh, &excelize.PageLayoutOptions{Size: &size, Orientation: &orientation, FitToWidth: &one, FitToHeight: &zero}))
	errs = append(errs, f.SetSheetProps(sh, &excelize.SheetPropsOptions{FitToPage: &fit}))
	errs = append(errs, b.margins(sh))
	errs = append(errs, f.ProtectSheet(sh, &excelize.SheetProtectionOptions{SelectLockedCells: true, SelectUnlockedCells: true}))
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("help sheet: %w", err)
	}
	return nil
}

// metaSheet writes the signed identity to a veryHidden sheet. Hiding only
// keeps it out of the way: LibreOffice turns veryHidden into hidden on
// save, and anyone can edit it then; the HMAC is what Read trusts.
func (b *builder) metaSheet() error {
	f, sh := b.f, SheetMeta
	if _, err := f.NewSheet(sh); err != nil {
		return fmt.Errorf("meta sheet: %w", err)
	}
	var errs []error
	for i, kv := range metaRows(b.meta, b.in.Secret) {
		errs = append(errs, f.SetCellStr(sh, cell("A", i+1), kv[0]), f.SetCellStr(sh, cell("B", i+1), kv[1]))
	}
	errs = append(errs, f.SetColWidth(sh, "A", "A", 18), f.SetColWidth(sh, "B", "B", 70))
	errs = append(errs, f.ProtectSheet(sh, &excelize.SheetProtectionOptions{SelectLockedCells: true}))
	errs = append(errs, f.SetSheetVisible(sh, false, true))
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("meta sheet: %w", err)
	}
	return nil
}

func (b *builder) properties() error {
	in := b.in
	issued := b.meta.IssuedAt.UTC().Format(time.RFC3339)
	err := b.f.SetDocProps(&excelize.DocProperties{
		Title:          in.Form.Title,
		Subject:        fmt.Sprintf(txtDocSubject, in.Unit.Name, in.Period.Label),
		Description:    in.Form.Description,
		Keywords:       fmt.Sprintf(txtDocKeywords, in.Form.Code, in.Period.Key),
		Creator:        txtDocCreator,
		LastModifiedBy: txtDocCreator,
		Created:        issued,
		Modified:       issued,
		Identifier:     fmt.Sprintf("%s/%d/%s/%d", in.Form.Code, in.Form.Version, in.Unit.Code, in.Period.ID),
		Language:       txtDocLanguage,
		Version:        strconv.Itoa(LayoutVersion),
	})
	if err != nil {
		return fmt.Errorf("document properties: %w", err)
	}
	return nil
}
