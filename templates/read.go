package templates

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/richardlehane/mscfb"
	"github.com/xuri/excelize/v2"

	"baocao/reporting"
)

// Defaults of ReadOptions.
const (
	// DefaultUnzipSizeLimit caps the sum of a workbook's unzipped parts
	// (excelize's own default is 16 GB).
	DefaultUnzipSizeLimit = 64 << 20
	// DefaultUnzipXMLSizeLimit caps any one unzipped part. excelize spills
	// larger sheets to temporary files; Read refuses them instead.
	DefaultUnzipXMLSizeLimit = 16 << 20
	// maxZipEntries: a template has about twenty parts.
	maxZipEntries = 1000
	// maxProlog is how far into an XML part Read looks for the root
	// element, refusing a DOCTYPE or ENTITY before it.
	maxProlog = 64 << 10
)

// ReadOptions says how to read an upload. The zero value of a limit means
// its default. The upload's size is its caller's to limit, once, before
// anything parses it.
type ReadOptions struct {
	// Secret verifies the _meta HMAC; the one Build signed with.
	Secret []byte
	// UnzipSizeLimit caps the unzipped size of the whole workbook and
	// UnzipXMLSizeLimit that of any one part (see the defaults).
	UnzipSizeLimit, UnzipXMLSizeLimit int64
	// Form, for Read, is the form version the upload is expected to be
	// filled in; the zero Form stops Read after verifying the Meta.
	Form reporting.Form
}

func (o ReadOptions) withDefaults() ReadOptions {
	if o.UnzipSizeLimit <= 0 {
		o.UnzipSizeLimit = DefaultUnzipSizeLimit
	}
	if o.UnzipXMLSizeLimit <= 0 {
		o.UnzipXMLSizeLimit = min(DefaultUnzipXMLSizeLimit, o.UnzipSizeLimit)
	}
	return o
}

// Filled is what Read found in an upload.
type Filled struct {
	// Meta is the template's verified identity; zero when the file was
	// refused before it could be verified.
	Meta Meta
	// Values holds every field of the form by code, empty ones included,
	// each with the cell it was read from.
	Values map[string]reporting.Value
	// Notes holds the non-empty notes ("Ghi chú / giải trình") by code.
	Notes map[string]string
	// Problems lists everything wrong, in sheet order: file and template
	// problems, then field and rule problems. The file is acceptable when
	// none is blocking (see Blocking).
	Problems []reporting.Problem
	// Cause is the parser's error or panic behind a file problem, for the
	// logs; the clerk sees only the problem's message.
	Cause error
}

// Blocking reports whether the upload must be refused.
func (f *Filled) Blocking() bool { return reporting.Blocking(f.Problems) }

// Workbook is an upload opened and its identity verified (Open): what it
// says it is, before anything else is read from it.
type Workbook struct {
	// Meta is the template's verified identity.
	Meta Meta
	wr   *workbookReader
}

// Open refuses what is not a plain .xlsx made from one of our templates
// (empty, .xls, encrypted, .xlsm, .ods, zip bombs, XML entity
// declarations, a parser panic, a missing or altered _meta sheet) and
// verifies the template's identity. A refusal is a *Filled holding the
// problems the clerk sees (and the cause for the logs), with a nil
// Workbook; the error is for what the clerk cannot fix (an empty secret).
// Close the Workbook when done.
func Open(data []byte, opts ReadOptions) (*Workbook, *Filled, error) {
	opts = opts.withDefaults()
	if len(opts.Secret) == 0 {
		return nil, nil, errors.New("open template: empty secret")
	}
	// Everything that parses the file runs under guard: a panic in a
	// parser is a refused file, not a crashed server.
	var (
		wr   *workbookReader
		meta Meta
		bad  *Filled
	)
	if cause := guard(func() {
		if msg, cause := sniff(data, opts); msg != "" {
			bad = refused(reporting.ProblemFile, msg, cause)
			return
		}
		if wr, bad = openWorkbook(data, opts); bad != nil {
			return
		}
		meta, bad = wr.meta(opts.Secret)
	}); cause != nil {
		bad = refused(reporting.ProblemFile, msgCorrupt, cause)
	}
	if bad != nil {
		if wr != nil {
			wr.f.Close() //nolint:errcheck // refused; nothing was written
		}
		return nil, bad, nil
	}
	return &Workbook{Meta: meta, wr: wr}, nil, nil
}

// Close releases the workbook.
func (w *Workbook) Close() error { return w.wr.f.Close() }

// Values reads each field of form (the version the Meta names, which the
// caller looked up) through its defined name (or, when a program dropped
// the names, the layout's address), converts values by the field's type
// and validates them with reporting.Validate. Every problem comes back in
// Filled.Problems.
func (w *Workbook) Values(form reporting.Form) *Filled {
	out := &Filled{Meta: w.Meta}
	if form.Code != w.Meta.FormCode || form.VersionID != 0 && form.VersionID != w.Meta.FormVersionID {
		out.Problems = append(out.Problems, templateProblem(fmt.Sprintf(msgFormMismatch, form.Code, form.Version)))
		return out
	}
	var bad *Filled
	if cause := guard(func() { bad = w.wr.values(form, out) }); cause != nil {
		bad = refused(reporting.ProblemFile, msgCorrupt, cause)
	}
	if bad != nil {
		bad.Meta = w.Meta
		return bad
	}
	return out
}

// Read opens the upload in r and, when opts.Form is set, reads its values
// for that form: Open then Values, for callers that know the form before
// opening the file (tests, tools). The error is for what the clerk cannot
// fix (reading r failed, an empty secret).
func Read(r io.Reader, opts ReadOptions) (*Filled, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read template: read upload: %w", err)
	}
	w, bad, err := Open(data, opts)
	if err != nil || bad != nil {
		return bad, err
	}
	defer w.Close()
	if opts.Form.Code == "" {
		return &Filled{Meta: w.Meta}, nil
	}
	return w.Values(opts.Form), nil
}

// guard runs fn and returns the panic it raised, if any, as an error.
func guard(fn func()) (cause error) {
	defer func() {
		if r := recover(); r != nil {
			cause = fmt.Errorf("panic while parsing: %v", r)
		}
	}()
	fn()
	return nil
}

func refused(code, msg string, cause error) *Filled {
	return &Filled{
		Problems: []reporting.Problem{{Code: code, Severity: reporting.SeverityError, Message: msg}},
		Cause:    cause,
	}
}

// TooLarge is the problem of an upload over max bytes, which its caller
// refuses before opening it.
func TooLarge(max int64) reporting.Problem {
	return reporting.Problem{Code: reporting.ProblemFile, Severity: reporting.SeverityError, Message: fmt.Sprintf(msgTooLarge, sizeText(max))}
}

func sizeText(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d KB", (n+1023)>>10)
}

var (
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	zipMagic = []byte("PK\x03\x04")
)

// sniff refuses, before any XML parser sees the file, what is not a
// workbook Read can safely open. It returns the message, "" when the file
// may be opened.
func sniff(data []byte, opts ReadOptions) (string, error) {
	switch {
	case len(data) == 0:
		return msgEmptyFile, nil
	case bytes.HasPrefix(data, oleMagic):
		return oleKind(data)
	case !bytes.HasPrefix(data, zipMagic):
		return msgNotXLSX, nil
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return msgNotXLSX, fmt.Errorf("open zip: %w", err)
	}
	if len(zr.File) > maxZipEntries {
		return msgCorrupt, fmt.Errorf("%d zip entries", len(zr.File))
	}
	var total uint64
	for _, e := range zr.File {
		total += e.UncompressedSize64
		if e.UncompressedSize64 > uint64(opts.UnzipXMLSizeLimit) || total > uint64(opts.UnzipSizeLimit) {
			return fmt.Sprintf(msgZipBomb, sizeText(opts.UnzipSizeLimit)), fmt.Errorf("entry %s inflates to %d bytes", e.Name, e.UncompressedSize64)
		}
	}
	for _, e := range zr.File {
		name := strings.ToLower(e.Name)
		switch {
		case name == "mimetype":
			head, _ := readHead(e, 128)
			if bytes.Contains(head, []byte("opendocument")) {
				return msgODS, nil
			}
		case name == "xl/vbaproject.bin" || strings.HasSuffix(name, ".bin") && strings.Contains(name, "vba"):
			return msgXLSM, nil
		}
		switch path.Ext(name) {
		case ".xml", ".rels", ".vml":
		default:
			continue
		}
		prolog, err := readProlog(e)
		if err != nil {
			return msgCorrupt, fmt.Errorf("read %s: %w", e.Name, err)
		}
		if declaresEntities(prolog) {
			return fmt.Sprintf(msgXMLEntity, e.Name), nil
		}
		if name == "[content_types].xml" {
			// The prolog of this small part is read whole.
			body, err := readHead(e, 1<<20)
			if err != nil {
				return msgCorrupt, fmt.Errorf("read %s: %w", e.Name, err)
			}
			if bytes.Contains(bytes.ToLower(body), []byte("macroenabled")) {
				return msgXLSM, nil
			}
		}
	}
	return "", nil
}

// oleKind tells an encrypted OOXML file (a password set in Excel or
// LibreOffice: the package sits in an "EncryptedPackage" stream next to
// "EncryptionInfo") from an Excel 97-2003 workbook ("Workbook" or "Book")
// and from any other compound file.
func oleKind(data []byte) (string, error) {
	doc, err := mscfb.New(bytes.NewReader(data))
	if err != nil {
		return msgOLE, fmt.Errorf("read compound file: %w", err)
	}
	msg := msgOLE
	for e, err := doc.Next(); err == nil; e, err = doc.Next() {
		switch e.Name {
		case "EncryptionInfo", "EncryptedPackage":
			return msgEncrypted, nil
		case "Workbook", "Book":
			msg = msgXLS
		}
	}
	return msg, nil
}

func readHead(e *zip.File, n int64) ([]byte, error) {
	rc, err := e.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, n))
}

// readProlog returns an XML part up to its root element's start tag (or
// the whole part, when shorter than maxProlog). A DOCTYPE can only stand
// there; an entity reference later on is an error to encoding/xml, which
// expands no entity it was not given.
func readProlog(e *zip.File) ([]byte, error) {
	rc, err := e.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	buf := make([]byte, 0, 512)
	chunk := make([]byte, 512)
	for len(buf) < maxProlog {
		n, err := rc.Read(chunk)
		buf = append(buf, chunk[:n]...)
		if rootStart(buf) >= 0 || err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
	return buf, nil // a prolog this long is checked as far as it goes
}

// rootStart is the index of the first element start tag ("<" and a name),
// or -1.
func rootStart(b []byte) int {
	for i := 0; i+1 < len(b); i++ {
		if b[i] == '<' {
			c := b[i+1]
			if c != '?' && c != '!' && c != '/' {
				return i
			}
		}
	}
	return -1
}

func declaresEntities(prolog []byte) bool {
	upper := bytes.ToUpper(prolog)
	return bytes.Contains(upper, []byte("<!DOCTYPE")) || bytes.Contains(upper, []byte("<!ENTITY"))
}

// openWorkbook is excelize.OpenReader with Read's limits; a variable so a
// test can make it panic.
var openWorkbook = func(data []byte, opts ReadOptions) (*workbookReader, *Filled) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    opts.UnzipSizeLimit,
		UnzipXMLSizeLimit: opts.UnzipXMLSizeLimit,
		RawCellValue:      true,
	})
	if err != nil {
		return nil, refused(reporting.ProblemFile, msgCorrupt, fmt.Errorf("open workbook: %w", err))
	}
	return &workbookReader{f: f, sheets: f.GetSheetList()}, nil
}

// workbookReader reads one opened workbook.
type workbookReader struct {
	f        *excelize.File
	sheets   []string
	date1904 bool
}

// values reads every field of form into out and validates them; a non-nil
// result refuses the whole file.
func (wr *workbookReader) values(form reporting.Form, out *Filled) *Filled {
	if props, err := wr.f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		wr.date1904 = *props.Date1904
	}
	out.Values = make(map[string]reporting.Value, len(form.Fields()))
	out.Notes = map[string]string{}
	cells, located := wr.locate(form)
	if err := wr.parseSheets(cells); err != nil {
		return refused(reporting.ProblemFile, msgCorrupt, err)
	}
	out.Problems = append(out.Problems, located...)
	flagged := map[string]bool{}
	for _, p := range located {
		flagged[p.Field] = true
	}
	for _, fl := range form.Fields() {
		at, ok := cells[fl.Code]
		if !ok {
			continue
		}
		v, err := wr.value(fl, at.sheet, at.value)
		if err != nil {
			out.Problems = append(out.Problems, fieldProblem(fl, at.sheet, at.value, fmt.Sprintf(msgUnreadableValue, at.value, fl.Label)))
			flagged[fl.Code] = true
		}
		out.Values[fl.Code] = v
		if at.note != "" {
			if note := wr.text(at.sheet, at.note); note != "" {
				out.Notes[fl.Code] = note
			}
		}
	}
	for _, p := range reporting.Validate(form, out.Values, out.Notes) {
		if p.Code == reporting.ProblemRequired && flagged[p.Field] {
			continue // its cell is already reported missing or unreadable
		}
		out.Problems = append(out.Problems, p)
	}
	return nil
}

// parseSheets makes excelize parse every sheet holding an input cell, so
// that a sheet it cannot parse refuses the file once rather than making
// every cell on it unreadable.
func (wr *workbookReader) parseSheets(cells map[string]fieldCells) error {
	seen := map[string]bool{}
	for _, c := range cells {
		if seen[c.sheet] {
			continue
		}
		seen[c.sheet] = true
		if _, err := wr.f.GetCellValue(c.sheet, "A1"); err != nil {
			return fmt.Errorf("parse sheet %s: %w", c.sheet, err)
		}
	}
	return nil
}

func templateProblem(msg string) reporting.Problem {
	return reporting.Problem{Code: reporting.ProblemTemplate, Severity: reporting.SeverityError, Message: msg}
}

func fieldProblem(fl reporting.Field, sheet, cell, msg string) reporting.Problem {
	p := templateProblem(msg)
	p.Sheet, p.Cell, p.Field, p.Label = sheet, cell, fl.Code, fl.Label
	return p
}

// meta reads and verifies the _meta sheet; a non-nil result refuses the
// file.
func (wr *workbookReader) meta(secret []byte) (Meta, *Filled) {
	if !slices.Contains(wr.sheets, SheetMeta) {
		return Meta{}, refused(reporting.ProblemTemplate, msgNoMeta, nil)
	}
	rows, err := wr.f.GetRows(SheetMeta, excelize.Options{RawCellValue: true})
	if err != nil {
		return Meta{}, refused(reporting.ProblemFile, msgCorrupt, fmt.Errorf("read %s: %w", SheetMeta, err))
	}
	m, mac, bad := parseMeta(rows)
	if len(bad) > 0 {
		msg := fmt.Sprintf(msgMetaIncomplete, strings.Join(slices.Compact(slices.Sorted(slices.Values(bad))), ", "))
		return Meta{}, refused(reporting.ProblemTemplate, msg, nil)
	}
	if err := VerifyMeta(m, mac, secret); err != nil {
		return Meta{}, refused(reporting.ProblemTemplate, msgMetaAltered, err)
	}
	if m.Layout != LayoutVersion {
		return Meta{}, refused(reporting.ProblemTemplate, fmt.Sprintf(msgLayoutUnknown, m.Layout), nil)
	}
	return m, nil
}

// fieldCells is where a field's value and note are.
type fieldCells struct{ sheet, value, note string }

// locate finds each field's cells through its defined names, or through
// the layout when the workbook has no f_ name at all (a program dropped
// them); then the label beside each cell must still be the field's, or
// the rows were moved. Fields it cannot place come back as problems.
func (wr *workbookReader) locate(form reporting.Form) (map[string]fieldCells, []reporting.Problem) {
	names := map[string]string{}
	named := false
	for _, dn := range wr.f.GetDefinedName() {
		if dn.Scope != "Workbook" {
			continue
		}
		names[dn.Name] = dn.RefersTo
		named = named || strings.HasPrefix(dn.Name, nameValuePrefix)
	}
	out := map[string]fieldCells{}
	var problems []reporting.Problem
	lay := newLayout(form)
	for _, fl := range form.Fields() {
		ref, ok := names[ValueName(fl.Code)]
		if !named || !ok {
			row := lay.fieldRow[fl.Code]
			if !slices.Contains(wr.sheets, SheetReport) {
				problems = append(problems, fieldProblem(fl, "", "", fmt.Sprintf(msgNoSheet, SheetReport, fl.Label)))
				continue
			}
			if !wr.labelAt(fl, row) {
				problems = append(problems, fieldProblem(fl, SheetReport, cell(colValue, row), fmt.Sprintf(msgLayoutChanged, SheetReport, row, fl.Label)))
				continue
			}
			out[fl.Code] = fieldCells{SheetReport, cell(colValue, row), cell(colNote, row)}
			continue
		}
		sheet, c, ok := parseRef(ref)
		switch {
		case !ok:
			problems = append(problems, fieldProblem(fl, "", "", fmt.Sprintf(msgBrokenName, fl.Label, ValueName(fl.Code))))
			continue
		case !slices.Contains(wr.sheets, sheet):
			problems = append(problems, fieldProblem(fl, "", "", fmt.Sprintf(msgNoSheet, sheet, fl.Label)))
			continue
		}
		fc := fieldCells{sheet: sheet, value: c}
		if ns, nc, ok := parseRef(names[NoteName(fl.Code)]); ok && ns == sheet {
			fc.note = nc
		}
		out[fl.Code] = fc
	}
	return out, problems
}

// labelAt reports whether row holds fl's label (with or without the
// required mark).
func (wr *workbookReader) labelAt(fl reporting.Field, row int) bool {
	got := strings.TrimSuffix(wr.text(SheetReport, cell(colLabel, row)), strings.TrimSpace(txtRequiredMark))
	return strings.TrimSpace(got) == CleanText(fl.Label)
}

// parseRef splits a defined name's single-cell reference, 'Báo cáo'!$D$12
// or Sheet1!D12, into sheet and A1 cell.
func parseRef(ref string) (sheet, c string, ok bool) {
	i := strings.LastIndex(ref, "!")
	if i <= 0 {
		return "", "", false
	}
	sheet, c = ref[:i], strings.ReplaceAll(ref[i+1:], "$", "")
	if strings.HasPrefix(sheet, "'") && strings.HasSuffix(sheet, "'") && len(sheet) >= 2 {
		sheet = strings.ReplaceAll(sheet[1:len(sheet)-1], "''", "'")
	}
	if from, to, isRange := strings.Cut(c, ":"); isRange {
		if from != to {
			return "", "", false
		}
		c = from
	}
	if _, _, err := excelize.CellNameToCoordinates(c); err != nil {
		return "", "", false
	}
	return sheet, c, true
}

// text is a cell's content as clean text; a number as the spreadsheet
// would show it in General format.
func (wr *workbookReader) text(sheet, c string) string {
	raw, err := wr.f.GetCellValue(sheet, c, excelize.Options{RawCellValue: true})
	if err != nil {
		return ""
	}
	if t, _ := wr.f.GetCellType(sheet, c); isNumericCell(t) {
		if n, ok := FloatNumber(raw); ok {
			return n
		}
	}
	return CleanText(raw)
}

func isNumericCell(t excelize.CellType) bool {
	return t == excelize.CellTypeUnset || t == excelize.CellTypeNumber
}

// value reads one field's cell and converts it by the field's type. A
// value that does not convert keeps only Raw, for Validate to report.
func (wr *workbookReader) value(fl reporting.Field, sheet, c string) (reporting.Value, error) {
	v := reporting.Value{Sheet: sheet, Cell: c}
	raw, err := wr.f.GetCellValue(sheet, c, excelize.Options{RawCellValue: true})
	if err != nil {
		return v, fmt.Errorf("cell %s!%s: %w", sheet, c, err)
	}
	typ, err := wr.f.GetCellType(sheet, c)
	if err != nil {
		return v, fmt.Errorf("cell %s!%s: %w", sheet, c, err)
	}
	if v.Formula, err = wr.f.GetCellFormula(sheet, c); err != nil {
		return v, fmt.Errorf("cell %s!%s: %w", sheet, c, err)
	}
	if typ == excelize.CellTypeBool {
		raw = map[string]string{"1": "TRUE", "0": "FALSE"}[strings.TrimSpace(raw)]
	}
	numeric := isNumericCell(typ)
	v.Raw = CleanText(raw)
	if v.Raw == "" {
		return v, nil
	}
	switch fl.Type {
	case reporting.TypeInt, reporting.TypeDecimal, reporting.TypePercent:
		if numeric {
			v.Num, _ = FloatNumber(raw)
			if fl.Type == reporting.TypePercent && v.Num != "" && wr.percentFormat(sheet, c) {
				// 45% typed into a cell Excel then formatted as a
				// percentage is stored as 0.45.
				f, _ := v.Float()
				v.Num = floatCanonical(f * 100)
			}
		} else {
			v.Num, _ = ParseNumber(v.Raw, fl.Type)
		}
	case reporting.TypeDate:
		var (
			d  time.Time
			ok bool
		)
		switch {
		case numeric:
			d, ok = SerialDate(raw, wr.date1904)
		case typ == excelize.CellTypeDate && len(v.Raw) >= 10:
			d, ok = ParseDate(v.Raw[:10])
		default:
			d, ok = ParseDate(v.Raw)
		}
		if ok {
			v.Date = &d
			v.Raw = reporting.FormatDate(d)
		}
	case reporting.TypeChoice:
		v.Text = v.Raw
		if numeric {
			v.Text, _ = FloatNumber(raw)
		}
		if c, ok := MatchChoice(v.Text, fl.Choices); ok {
			v.Text = c
		}
	case reporting.TypeText:
		v.Text = v.Raw
		if numeric {
			v.Text, _ = FloatNumber(raw)
		}
	}
	return v, nil
}

// percentFormat reports whether a cell's number format shows a percentage.
func (wr *workbookReader) percentFormat(sheet, c string) bool {
	id, err := wr.f.GetCellStyle(sheet, c)
	if err != nil {
		return false
	}
	st, err := wr.f.GetStyle(id)
	if err != nil || st == nil {
		return false
	}
	return st.NumFmt == 9 || st.NumFmt == 10 || st.CustomNumFmt != nil && strings.Contains(*st.CustomNumFmt, "%")
}
