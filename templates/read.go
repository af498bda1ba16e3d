package templates

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/richardlehane/mscfb"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

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
		if bad = sniff(data, opts); bad != nil {
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
		return nil, bad, nil
	}
	return &Workbook{Meta: meta, wr: wr}, nil, nil
}

// Close releases the workbook. The stream holds no file; Close is kept so
// that callers need not know.
func (w *Workbook) Close() error { return nil }

// Values reads each field of form (the version the Meta names, which the
// caller looked up) from the cell the layout places it in, after checking
// that the sheet is still the template's (fixed cells, names, extent),
// converts values by the field's type and validates them with
// reporting.Validate. Every problem comes back in Filled.Problems.
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
// workbook Read can safely open: the refusal, nil when the file may be
// opened.
func sniff(data []byte, opts ReadOptions) *Filled {
	switch {
	case len(data) == 0:
		return refused(reporting.ProblemFile, msgEmptyFile, nil)
	case bytes.HasPrefix(data, oleMagic):
		msg, cause := oleKind(data)
		return refused(reporting.ProblemFile, msg, cause)
	case !bytes.HasPrefix(data, zipMagic):
		return refused(reporting.ProblemFile, msgNotXLSX, nil)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		// It starts as a zip but its directory is unreadable: cut short.
		return refused(reporting.ProblemFile, msgDamaged, fmt.Errorf("open zip: %w", err))
	}
	if !zipEnd(data) {
		return refused(reporting.ProblemFile, msgTrailingData, nil)
	}
	sheets := 0
	seen := make(map[string]bool, len(zr.File))
	for _, e := range zr.File {
		name := strings.ToLower(strings.TrimPrefix(e.Name, "/"))
		if seen[name] {
			return refused(reporting.ProblemFile, fmt.Sprintf(msgDuplicatePart, e.Name), nil)
		}
		seen[name] = true
		if isWorksheetPart(name) {
			sheets++
		}
	}
	if sheets > maxSheets {
		return refused(reporting.ProblemFile, fmt.Sprintf(msgTooManySheets, maxSheets), fmt.Errorf("%d worksheets", sheets))
	}
	if len(zr.File) > maxZipEntries {
		return refused(reporting.ProblemFile, fmt.Sprintf(msgTooManyParts, len(zr.File), maxZipEntries), nil)
	}
	var total uint64
	for _, e := range zr.File {
		if isWorksheetPart(strings.ToLower(e.Name)) {
			// A worksheet is streamed and stopped at its first cell past
			// the bounds (or past UnzipXMLSizeLimit read), which says
			// what is wrong better than its size.
			continue
		}
		total += e.UncompressedSize64
		if e.UncompressedSize64 > uint64(opts.UnzipXMLSizeLimit) || total > uint64(opts.UnzipSizeLimit) {
			return refused(reporting.ProblemFile, fmt.Sprintf(msgZipBomb, sizeText(opts.UnzipSizeLimit)), fmt.Errorf("entry %s inflates to %d bytes", e.Name, e.UncompressedSize64))
		}
	}
	// Each part but a worksheet is opened once, here, and read to its
	// end; what the checks below need of it (its prolog, the whole of a
	// small part they read) is kept from that one pass.
	scans := make(map[*zip.File]*partScan, len(zr.File))
	for _, e := range zr.File {
		name := strings.ToLower(e.Name)
		if isWorksheetPart(name) {
			continue
		}
		// The sizes above are what the zip's directory says, and a forged
		// directory understates them: a part the reader only glances at
		// (docProps, a theme) would be archived as a bomb for whoever
		// opens the original. Inflated to its end, a part longer than its
		// stated size fails (archive/zip checks), so this reads at most
		// the sizes already bounded.
		sc, err := scanPart(e, keepWhole(name))
		if err != nil {
			return refused(reporting.ProblemFile, msgDamaged, fmt.Errorf("inflate %s: %w", e.Name, err))
		}
		scans[e] = sc
	}
	for _, e := range zr.File {
		name := strings.ToLower(e.Name)
		switch {
		case name == "mimetype":
			if bytes.Contains(scans[e].head(128), []byte("opendocument")) {
				return refused(reporting.ProblemFile, msgODS, nil)
			}
		case name == "xl/vbaproject.bin" || strings.HasSuffix(name, ".bin") && strings.Contains(name, "vba"):
			return refused(reporting.ProblemFile, msgXLSM, nil)
		case activePart(name) != "":
			return refused(reporting.ProblemActive, fmt.Sprintf(msgActivePart, activePart(name)), nil)
		}
		switch path.Ext(name) {
		case ".xml", ".rels", ".vml":
		default:
			continue
		}
		sc := scans[e]
		var prolog []byte
		if sc != nil {
			prolog = sc.prolog()
		} else if prolog, err = readProlog(e); err != nil {
			return refused(reporting.ProblemFile, msgCorrupt, fmt.Errorf("read %s: %w", e.Name, err))
		}
		if declaresEntities(prolog) {
			return refused(reporting.ProblemFile, fmt.Sprintf(msgXMLEntity, e.Name), nil)
		}
		if strings.HasSuffix(name, ".rels") {
			if target, err := externalTarget(e, sc); err != nil {
				return refused(reporting.ProblemFile, msgCorrupt, fmt.Errorf("read %s: %w", e.Name, err))
			} else if target != "" {
				return refused(reporting.ProblemActive, fmt.Sprintf(msgExternalLink, target), nil)
			}
		}
		if strings.HasPrefix(name, "customxml/") && !strings.Contains(name, "_rels/") {
			body := sc.head(1 << 20)
			if lower := bytes.ToLower(body); bytes.Contains(lower, []byte("<script")) || bytes.Contains(lower, []byte("javascript:")) {
				return refused(reporting.ProblemActive, fmt.Sprintf(msgActivePart, e.Name), nil)
			}
		}
		if name == "[content_types].xml" {
			// The prolog of this small part is read whole.
			if bytes.Contains(bytes.ToLower(sc.head(1<<20)), []byte("macroenabled")) {
				return refused(reporting.ProblemFile, msgXLSM, nil)
			}
		}
	}
	return nil
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

// partScan is what one pass over a part keeps: its first bytes, up to
// keep (maxProlog, or keepWholeMax for the parts read whole).
type partScan struct {
	kept []byte
	keep int
	size int64
}

func (p *partScan) Write(b []byte) (int, error) {
	if room := p.keep - len(p.kept); room > 0 {
		p.kept = append(p.kept, b[:min(room, len(b))]...)
	}
	p.size += int64(len(b))
	return len(b), nil
}

// head is the part's first n bytes (at most what was kept).
func (p *partScan) head(n int) []byte { return p.kept[:min(n, len(p.kept))] }

// prolog is the part up to its root element's start tag, as readProlog
// returns it.
func (p *partScan) prolog() []byte {
	if i := rootStart(p.kept); i >= 0 {
		return p.kept[:i]
	}
	return p.kept
}

// whole reports whether the kept bytes are the whole part.
func (p *partScan) whole() bool { return int64(len(p.kept)) == p.size }

// keepWholeMax is how much of a part the checks read whole
// (keepWhole) is kept from the one pass; a longer one is read again.
const keepWholeMax = 1 << 20

// keepWhole: the parts whose checks read them whole, not their prolog
// alone.
func keepWhole(name string) bool {
	return strings.HasSuffix(name, ".rels") || name == "[content_types].xml" ||
		strings.HasPrefix(name, "customxml/") && !strings.Contains(name, "_rels/") || name == "mimetype"
}

// scanPart reads a part to its end, keeping its head: archive/zip fails
// on a part whose content does not match its stated size or checksum.
func scanPart(e *zip.File, whole bool) (*partScan, error) {
	rc, err := e.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	sc := &partScan{keep: maxProlog}
	if whole {
		sc.keep = keepWholeMax
	}
	sc.kept = make([]byte, 0, min(int64(sc.keep), int64(min(e.UncompressedSize64, 1<<40))))
	_, err = io.Copy(sc, io.LimitReader(rc, int64(min(e.UncompressedSize64, 1<<40))+1))
	return sc, err
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

// isWorksheetPart reports whether a (lower-case) part name is a worksheet.
func isWorksheetPart(name string) bool {
	return strings.HasPrefix(name, "xl/worksheets/") && strings.HasSuffix(name, ".xml") && !strings.Contains(name, "/_rels/")
}

// activePart names what a (lower-case) part is when it is content that
// can act: run code, open a connection, embed another program's object.
func activePart(name string) string {
	for _, p := range []struct{ prefix, what string }{
		{"xl/externallinks/", "liên kết tới tệp khác"},
		{"xl/embeddings/", "đối tượng nhúng"},
		{"xl/activex/", "điều khiển ActiveX"},
		{"xl/ctrlprops/", "điều khiển biểu mẫu"},
		{"xl/connections.xml", "kết nối dữ liệu"},
		{"xl/querytables/", "truy vấn dữ liệu ngoài"},
		{"xl/macrosheets/", "trang macro"},
		{"xl/dialogsheets/", "trang hộp thoại"},
		{"xl/model/", "mô hình dữ liệu"},
		{"xl/pivotcache/", "nguồn dữ liệu PivotTable"},
		{"xl/webextensions/", "phần bổ trợ web"},
	} {
		if strings.HasPrefix(name, p.prefix) {
			return p.what + ": " + name
		}
	}
	return ""
}

// externalTarget is the first target of a .rels part that points outside
// the package (TargetMode="External": a hyperlink, a linked workbook or
// object), "" when there is none.
func externalTarget(e *zip.File, sc *partScan) (string, error) {
	var r io.Reader
	if sc != nil && sc.whole() {
		r = bytes.NewReader(sc.kept)
	} else {
		rc, err := e.Open()
		if err != nil {
			return "", err
		}
		defer rc.Close()
		r = rc
	}
	d := decoder(io.LimitReader(r, DefaultUnzipXMLSizeLimit))
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return "", nil
		}
		if err != nil {
			return "", err
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "Relationship" && strings.EqualFold(attr(se, "TargetMode"), "External") {
			target := attr(se, "Target")
			if len(target) > 120 {
				target = target[:120] + "…"
			}
			return strings.ToValidUTF8(target, "?"), nil
		}
	}
}

// openWorkbook streams what Read needs of the package: the workbook part,
// then every sheet (kept: the report and _meta sheets' columns A to E),
// then the shared strings those cells use. It refuses sheets that are not
// the template's, content past the bounds and active formulas. A variable
// so a test can make it panic.
var openWorkbook = func(data []byte, opts ReadOptions) (*workbookReader, *Filled) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, refused(reporting.ProblemFile, msgDamaged, fmt.Errorf("open zip: %w", err))
	}
	pkg := &xlsxPackage{zr: zr, parts: make(map[string]*zip.File, len(zr.File)), partLimit: opts.UnzipXMLSizeLimit}
	for _, f := range zr.File {
		pkg.parts[strings.ToLower(strings.TrimPrefix(f.Name, "/"))] = f
	}
	wr := &workbookReader{pkg: pkg, sheets: map[string]*sheetData{}, bud: &budget{left: maxKeptText}}
	if bad := wr.load(); bad != nil {
		return nil, bad
	}
	return wr, nil
}

// fileRefusal is the refusal for an error while streaming: a bound's own
// message, else a damaged file.
func fileRefusal(err error) *Filled {
	var le *limitError
	if errors.As(err, &le) {
		return refused(reporting.ProblemFile, le.msg, err)
	}
	return refused(reporting.ProblemFile, msgCorrupt, err)
}

// templateSheets are the sheets a template may have.
var templateSheets = map[string]bool{SheetReport: true, SheetHelp: true, SheetLists: true, SheetMeta: true}

// toleratedSheets may stand beside them: the list of problems an
// annotated refusal put first, when the clerk sends the corrected file
// back without deleting it. It is checked like any sheet and not read.
var toleratedSheets = map[string]bool{SheetProblems: true}

// workbookReader is an upload streamed: the report and _meta sheets' kept
// cells and the shared strings they use.
type workbookReader struct {
	pkg     *xlsxPackage
	book    *book
	sheets  map[string]*sheetData // by sheet name: the report and _meta sheets
	strings map[int]string
	bud     *budget
	// xfFmt and fmtCodes are the styles' number formats, read when a
	// percent needs them.
	xfFmt    []int
	fmtCodes map[int]string
}

func (wr *workbookReader) load() *Filled {
	b, err := wr.pkg.book()
	if err != nil {
		return fileRefusal(fmt.Errorf("read workbook: %w", err))
	}
	wr.book = b
	names := map[string]bool{}
	for _, sh := range b.sheets {
		if names[sh.name] {
			return refused(reporting.ProblemFile, msgCorrupt, fmt.Errorf("sheet %q twice", sh.name))
		}
		names[sh.name] = true
	}
	// A missing sheet of the template first: a renamed report sheet is
	// also a sheet the template lacks, and told to delete it the clerk
	// would delete the report.
	if !names[SheetMeta] {
		return refused(reporting.ProblemTemplate, msgNoMeta, nil)
	}
	if !names[SheetReport] {
		return refused(reporting.ProblemTemplate, fmt.Sprintf(msgNoReportSheet, SheetReport), nil)
	}
	for _, sh := range b.sheets {
		if !templateSheets[sh.name] && !toleratedSheets[sh.name] {
			return refused(reporting.ProblemTemplate, fmt.Sprintf(msgExtraSheet, clip(sh.name, 60)), nil)
		}
		if sh.part == "" || wr.pkg.part(sh.part) == nil {
			return refused(reporting.ProblemFile, msgCorrupt, fmt.Errorf("sheet %q has no part", sh.name))
		}
	}
	// Every sheet is streamed: each is bounded and its formulas checked,
	// but only the report and _meta sheets are kept.
	var active []reporting.Problem
	activeMore := 0
	allowed := wr.formulaNames()
	for _, sh := range b.sheets {
		keep := sh.name == SheetReport || sh.name == SheetMeta
		sd, err := wr.pkg.sheet(sh.name, sh.part, keep, wr.bud)
		if err != nil {
			return fileRefusal(err)
		}
		if keep {
			wr.sheets[sh.name] = sd
		}
		for _, f := range sd.formulas {
			rule := formulaRule{own: sh.name, names: allowed}
			if !strings.HasPrefix(f.where, "formula") {
				rule.sheets = nil // a cell's formula: its own sheet only
			} else {
				rule.sheets = templateSheets // a validation list may name the lists sheet
			}
			why := rule.unsafeFormula(f.formula)
			if why == "" {
				continue
			}
			if len(active) == 10 {
				activeMore++
				continue
			}
			p := reporting.Problem{Code: reporting.ProblemActive, Severity: reporting.SeverityError, Sheet: sh.name,
				Message: fmt.Sprintf(msgActiveFormula, f.where, sh.name, clip(why, 80))}
			if !strings.HasPrefix(f.where, "formula") {
				p.Cell = f.where
			}
			active = append(active, p)
		}
	}
	for _, dn := range b.names {
		rule := formulaRule{sheets: templateSheets, names: allowed}
		if why := rule.unsafeFormula(dn.ref); why != "" && !strings.EqualFold(strings.TrimPrefix(dn.ref, "="), "#REF!") {
			active = append(active, reporting.Problem{Code: reporting.ProblemActive, Severity: reporting.SeverityError,
				Message: fmt.Sprintf(msgActiveName, clip(dn.name, 60), clip(why, 80))})
		}
	}
	if activeMore > 0 {
		active = append(active, reporting.Problem{Code: reporting.ProblemActive, Severity: reporting.SeverityError, Message: fmt.Sprintf(msgActiveMore, activeMore)})
	}
	if len(active) > 0 {
		return &Filled{Problems: active}
	}
	want := map[int]bool{}
	for _, sd := range wr.sheets {
		for _, c := range sd.cells {
			if c.typ == "s" {
				i, err := strconv.Atoi(strings.TrimSpace(c.v))
				if err != nil || i < 0 {
					return refused(reporting.ProblemFile, msgCorrupt, fmt.Errorf("shared string index %q", c.v))
				}
				want[i] = true
			}
		}
	}
	if len(want) > 0 {
		if b.strings == "" {
			return refused(reporting.ProblemFile, msgCorrupt, errors.New("shared strings used, none in the package"))
		}
		if wr.strings, err = wr.pkg.sharedStrings(b.strings, want, wr.bud); err != nil {
			return fileRefusal(err)
		}
	}
	return nil
}

// formulaNames are the defined names a formula may use: the template's.
func (wr *workbookReader) formulaNames() map[string]bool {
	out := map[string]bool{}
	for _, dn := range wr.book.names {
		if strings.HasPrefix(dn.name, nameValuePrefix) || strings.HasPrefix(dn.name, nameNotePrefix) {
			out[dn.name] = true
		}
	}
	return out
}

func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "?")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// raw is a kept cell's content as excelize's RawCellValue gives it: a
// shared string resolved, a number as stored. ok is false for an empty
// cell.
func (wr *workbookReader) raw(sheet string, row, col int) (rawCell, string, bool) {
	sd := wr.sheets[sheet]
	if sd == nil {
		return rawCell{}, "", false
	}
	c, ok := sd.cells[cellPos{row, col}]
	if !ok {
		return rawCell{}, "", false
	}
	if c.typ == "s" {
		i, _ := strconv.Atoi(strings.TrimSpace(c.v))
		return c, wr.strings[i], true
	}
	return c, c.v, true
}

// text is a cell's content as clean text; a number as the spreadsheet
// would show it in General format.
func (wr *workbookReader) text(sheet string, row, col int) string {
	c, raw, ok := wr.raw(sheet, row, col)
	if !ok {
		return ""
	}
	if isNumericCell(c.cellType()) {
		if n, ok := FloatNumber(raw); ok {
			return n
		}
	}
	return CleanText(raw)
}

func isNumericCell(t excelize.CellType) bool {
	return t == excelize.CellTypeUnset || t == excelize.CellTypeNumber
}

// meta reads and verifies the _meta sheet; a non-nil result refuses the
// file.
func (wr *workbookReader) meta(secret []byte) (Meta, *Filled) {
	sd := wr.sheets[SheetMeta]
	rows := make([][]string, 0, min(sd.lastRow, 64))
	for r := 1; r <= sd.lastRow && r <= 64; r++ {
		rows = append(rows, []string{wr.metaText(r, 1), wr.metaText(r, 2)})
	}
	m, mac, bad := parseMeta(rows)
	if len(bad) > 0 {
		msg := fmt.Sprintf(msgMetaIncomplete, strings.Join(slices.Compact(slices.Sorted(slices.Values(bad))), ", "))
		return Meta{}, refused(reporting.ProblemTemplate, msg, nil)
	}
	if err := VerifyMeta(m, mac, secret); err != nil {
		return Meta{}, refused(reporting.ProblemTemplate, msgMetaAltered, err)
	}
	if m.Layout != LayoutVersion && m.Layout != 1 {
		return Meta{}, refused(reporting.ProblemTemplate, fmt.Sprintf(msgLayoutUnknown, m.Layout), nil)
	}
	return m, nil
}

// metaText is a _meta cell as written: raw, NFC, without the cleaning of
// line breaks a header line never has.
func (wr *workbookReader) metaText(row, col int) string {
	_, raw, _ := wr.raw(SheetMeta, row, col)
	return norm.NFC.String(raw)
}

// values reads every field of form into out from the cells the layout
// places it in, after checking that the sheet is still the template's:
// nothing outside the layout, the fixed cells unchanged, the defined
// names where the template put them. A non-nil result refuses the file.
func (wr *workbookReader) values(form reporting.Form, out *Filled) *Filled {
	lay := newLayout(form)
	if bad := wr.checkLayout(form, lay, out.Meta); len(bad) > 0 {
		return &Filled{Problems: bad}
	}
	out.Values = make(map[string]reporting.Value, len(form.Fields()))
	out.Notes = map[string]string{}
	col, _ := excelize.ColumnNameToNumber(colValue)
	noteCol, _ := excelize.ColumnNameToNumber(colNote)
	flagged := map[string]bool{}
	for _, fl := range form.Fields() {
		row := lay.fieldRow[fl.Code]
		v, err := wr.value(fl, row, col)
		if err != nil {
			out.Problems = append(out.Problems, fieldProblem(fl, SheetReport, v.Cell, fmt.Sprintf(msgUnreadableValue, v.Cell, fl.Label)))
			flagged[fl.Code] = true
		}
		out.Values[fl.Code] = v
		if note := wr.text(SheetReport, row, noteCol); note != "" {
			out.Notes[fl.Code] = note
		}
	}
	for _, p := range reporting.Validate(form, out.Values, out.Notes) {
		if flagged[p.Field] && (p.Code == reporting.ProblemRequired || p.Code == reporting.ProblemFormula) {
			continue // its cell is already reported unreadable (an error value has no other value)
		}
		out.Problems = append(out.Problems, p)
	}
	return nil
}

// Margins around the layout within which stray content is tolerated (a
// signature, a date written under the table).
const (
	rowMargin = 20
	colMargin = 3
)

// checkLayout returns what makes the report sheet no longer the
// template's, one problem per cause.
func (wr *workbookReader) checkLayout(form reporting.Form, lay layout, m Meta) []reporting.Problem {
	var out []reporting.Problem
	sd := wr.sheets[SheetReport]
	lastRow, lastCol := lay.lastRow+5+rowMargin, keepCols+colMargin
	switch {
	case sd.lastRow > lastRow:
		out = append(out, templateAt(sd.lastRowCell, fmt.Sprintf(msgOutsideLayout, SheetReport, sd.lastRowCell, rowFirstBody, lay.lastRow)))
	case sd.lastCol > lastCol:
		out = append(out, templateAt(sd.lastColCell, fmt.Sprintf(msgOutsideLayout, SheetReport, sd.lastColCell, rowFirstBody, lay.lastRow)))
	}
	for _, fc := range fixedCells(form, m) {
		if got := wr.text(SheetReport, fc.row, fc.col); got != CleanText(fc.text) {
			at, _ := excelize.CoordinatesToCellName(fc.col, fc.row)
			out = append(out, templateAt(at, fmt.Sprintf(msgFixedChanged, at, SheetReport, fc.what, clip(fc.text, 80), clip(got, 80))))
		}
	}
	// The body: the first cell out of place says the rows moved; the
	// others are counted in the same problem.
	var first *fixedCell
	var firstGot string
	more := 0
	for _, fc := range bodyCells(form) {
		got := wr.text(SheetReport, fc.row, fc.col)
		if got == CleanText(fc.text) {
			continue
		}
		if first == nil {
			first, firstGot = &fc, got
			continue
		}
		more++
	}
	if first != nil {
		at, _ := excelize.CoordinatesToCellName(first.col, first.row)
		extra := ""
		if more > 0 {
			extra = fmt.Sprintf(msgRowsMore, more)
		}
		out = append(out, templateAt(at, fmt.Sprintf(msgRowsChanged, SheetReport, first.row, at, first.what, clip(first.text, 80), clip(firstGot, 80), extra)))
	}
	// Defined names: each of the template's names still on its cell.
	// Rows moved carry the names below them along: one cause, already
	// told.
	if first != nil {
		return out
	}
	byName := map[string]definedName{}
	for _, dn := range wr.book.names {
		byName[dn.name] = dn
	}
	for _, fl := range form.Fields() {
		row := lay.fieldRow[fl.Code]
		for _, n := range []struct{ name, col string }{{ValueName(fl.Code), colValue}, {NoteName(fl.Code), colNote}} {
			dn, ok := byName[n.name]
			if !ok {
				continue // a program that drops names drops them all; the layout decides
			}
			want := cell(n.col, row)
			sheet, c, ok := parseRef(dn.ref)
			if ok && sheet == SheetReport && c == want && dn.scope == -1 {
				continue
			}
			got := dn.ref
			if ok {
				got = sheet + "!" + c
			}
			out = append(out, fieldProblem(fl, SheetReport, want, fmt.Sprintf(msgNameMoved, n.name, fl.Label, clip(got, 60), want, SheetReport)))
		}
	}
	return out
}

func templateAt(c, msg string) reporting.Problem {
	p := templateProblem(msg)
	p.Sheet, p.Cell = SheetReport, c
	return p
}

// parseRef splits a defined name's single-cell reference, 'Báo cáo'!$D$12
// or Sheet1!D12, into sheet and A1 cell.
func parseRef(ref string) (sheet, c string, ok bool) {
	ref = strings.TrimPrefix(ref, "=")
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

// value reads one field's cell and converts it by the field's type. A
// value that does not convert keeps only Raw, for Validate to report.
func (wr *workbookReader) value(fl reporting.Field, row, col int) (reporting.Value, error) {
	at, _ := excelize.CoordinatesToCellName(col, row)
	v := reporting.Value{Sheet: SheetReport, Cell: at}
	c, raw, _ := wr.raw(SheetReport, row, col)
	if c.formula != "" && c.formula != "=" {
		v.Formula = c.formula
	} else if c.formula == "=" {
		v.Formula = "="
	}
	typ := c.cellType()
	if c.typ == "e" {
		return v, fmt.Errorf("cell %s holds the error %s", at, raw)
	}
	if typ == excelize.CellTypeBool {
		raw = map[string]string{"1": "TRUE", "0": "FALSE", "true": "TRUE", "false": "FALSE"}[strings.TrimSpace(raw)]
	}
	numeric := isNumericCell(typ)
	v.Raw = CleanText(raw)
	if v.Raw == "" {
		return v, nil
	}
	switch fl.Type {
	case reporting.TypeInt, reporting.TypeDecimal, reporting.TypePercent:
		if numeric {
			var ok bool
			if v.Num, ok = FloatNumber(raw); !ok {
				return v, fmt.Errorf("cell %s: number %q", at, clip(raw, 40))
			}
			if fl.Type == reporting.TypePercent && wr.percentFormat(c.style) {
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
			d, ok = SerialDate(raw, wr.book.date1904)
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

// percentFormat reports whether a cell style's number format shows a
// percentage.
func (wr *workbookReader) percentFormat(style int) bool {
	if wr.fmtCodes == nil {
		var err error
		if wr.xfFmt, wr.fmtCodes, err = wr.pkg.numFmts(wr.book.styles); err != nil {
			wr.fmtCodes = map[int]string{}
			return false
		}
	}
	if style < 0 || style >= len(wr.xfFmt) {
		return false
	}
	id := wr.xfFmt[style]
	return id == 9 || id == 10 || strings.Contains(wr.fmtCodes[id], "%")
}

func templateProblem(msg string) reporting.Problem {
	return reporting.Problem{Code: reporting.ProblemTemplate, Severity: reporting.SeverityError, Message: msg}
}

func fieldProblem(fl reporting.Field, sheet, cell, msg string) reporting.Problem {
	p := templateProblem(msg)
	p.Sheet, p.Cell, p.Field, p.Label = sheet, cell, fl.Code, fl.Label
	return p
}
