package templates

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// This file reads an .xlsx package as a stream: the workbook part, its
// relationships, the worksheets of the template's sheets one row at a
// time, and of the shared strings only the ones a kept cell refers to. No
// part is ever held whole in memory, and no cell outside the template's
// columns is kept, so the memory an upload costs is bounded by the
// template's layout, not by the file (issue 13: a dense 4 MB workbook read
// with excelize took about 1 GB).

// Bounds of what a sheet may hold. The layout check (Values) is tighter:
// these bound memory before the form is known.
const (
	// maxSheetRows and maxSheetCols bound where a cell with content may
	// stand on any sheet (the largest form has a few hundred rows).
	maxSheetRows = 5000
	maxSheetCols = 52 // AZ
	// keepCols: cells of columns A to E (the template's) are kept.
	keepCols = 5
	// maxKeptText bounds the text kept from all cells (inline strings,
	// shared strings, formulas): a report's notes are a few KB.
	maxKeptText = 8 << 20
	// maxCellText is Excel's own limit on a cell's text, in characters.
	maxCellText = 32767
	// maxFormula is Excel's limit on a formula's length.
	maxFormula = 8192
	// maxSheets: the template has at most four.
	maxSheets = 16
)

// limitError is a bound a stream crossed, or what a part shows the file
// is not: the message for the clerk.
type limitError struct{ msg string }

func (e *limitError) Error() string { return e.msg }

// pkgPart finds a part by name, case-insensitively (OPC part names are).
type xlsxPackage struct {
	zr    *zip.Reader
	parts map[string]*zip.File
	// partLimit bounds the bytes read from any one part.
	partLimit int64
}

func (p *xlsxPackage) part(name string) *zip.File {
	return p.parts[strings.ToLower(strings.TrimPrefix(name, "/"))]
}

// open streams a part's bytes, at most partLimit of them: past it, Read
// fails with a limitError.
func (p *xlsxPackage) open(name string) (io.ReadCloser, error) {
	f := p.part(name)
	if f == nil {
		return nil, fmt.Errorf("part %s: %w", name, errNoPart)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("open part %s: %w", name, err)
	}
	return &capped{rc: rc, left: p.partLimit, name: name}, nil
}

var errNoPart = errors.New("no such part")

type capped struct {
	rc   io.ReadCloser
	left int64
	name string
}

func (c *capped) Read(b []byte) (int, error) {
	if c.left <= 0 {
		return 0, &limitError{fmt.Sprintf(msgPartTooLarge, c.name)}
	}
	if int64(len(b)) > c.left {
		b = b[:c.left]
	}
	n, err := c.rc.Read(b)
	c.left -= int64(n)
	return n, err
}

func (c *capped) Close() error { return c.rc.Close() }

// decoder is a raw-token XML decoder over a part: no namespace
// translation, no entity but the five predefined (sniff refuses a DOCTYPE).
func decoder(r io.Reader) *xml.Decoder {
	d := xml.NewDecoder(r)
	d.Strict = true
	return d
}

func attr(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// relationship is one <Relationship> of a .rels part.
type relationship struct{ id, typ, target, mode string }

func (p *xlsxPackage) relationships(name string) ([]relationship, error) {
	rc, err := p.open(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var out []relationship
	d := decoder(rc)
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "Relationship" {
			out = append(out, relationship{attr(se, "Id"), attr(se, "Type"), attr(se, "Target"), attr(se, "TargetMode")})
			if len(out) > maxZipEntries {
				return nil, fmt.Errorf("read %s: too many relationships", name)
			}
		}
	}
}

// resolve is a relationship's target as a part name, relative to the
// part (base) whose .rels it is.
func resolve(base, target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(target, "/")
	}
	return path.Join(path.Dir(base), target)
}

// relsOf is the .rels part of a part: xl/workbook.xml → xl/_rels/workbook.xml.rels.
func relsOf(part string) string {
	return path.Join(path.Dir(part), "_rels", path.Base(part)+".rels")
}

// bookSheet is a sheet as the workbook lists it.
type bookSheet struct {
	name, state, part string
}

// definedName is a <definedName>: scope -1 for the workbook.
type definedName struct {
	name  string
	scope int
	ref   string
}

// book is the workbook part: its sheets in order, defined names and the
// 1904 date system flag.
type book struct {
	part     string
	sheets   []bookSheet
	names    []definedName
	date1904 bool
	styles   string // the styles part, "" if none
	strings  string // the shared strings part, "" if none
}

const (
	relOfficeDocument = "/officeDocument"
	relWorksheet      = "/worksheet"
	relStyles         = "/styles"
	relSharedStrings  = "/sharedStrings"
)

func (p *xlsxPackage) book() (*book, error) {
	root, err := p.relationships("_rels/.rels")
	if err != nil {
		return nil, err
	}
	b := &book{}
	for _, r := range root {
		if strings.HasSuffix(r.typ, relOfficeDocument) {
			b.part = resolve("", r.target)
		}
	}
	if b.part == "" || p.part(b.part) == nil {
		return nil, errors.New("no workbook part")
	}
	// A Word or PowerPoint file has the same package: its main part says
	// what it is.
	if root, err := p.root(b.part); err != nil {
		return nil, err
	} else if root != "workbook" {
		return nil, &limitError{msgNotXLSX}
	}
	rels, err := p.relationships(relsOf(b.part))
	if err != nil {
		return nil, err
	}
	targets := map[string]string{}
	for _, r := range rels {
		t := resolve(b.part, r.target)
		targets[r.id] = t
		switch {
		case strings.HasSuffix(r.typ, relStyles):
			b.styles = t
		case strings.HasSuffix(r.typ, relSharedStrings):
			b.strings = t
		}
	}
	rc, err := p.open(b.part)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	d := decoder(rc)
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", b.part, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "workbookPr":
			v := attr(se, "date1904")
			b.date1904 = v == "1" || v == "true"
		case "sheet":
			b.sheets = append(b.sheets, bookSheet{name: attr(se, "name"), state: attr(se, "state"), part: targets[attr(se, "id")]})
			if len(b.sheets) > maxSheets {
				return nil, &limitError{fmt.Sprintf(msgTooManySheets, maxSheets)}
			}
		case "definedName":
			scope := -1
			if s := attr(se, "localSheetId"); s != "" {
				if scope, err = strconv.Atoi(s); err != nil {
					return nil, fmt.Errorf("read %s: defined name %q: scope %q", b.part, attr(se, "name"), s)
				}
			}
			var ref strings.Builder
			if err := text(d, &ref, maxFormula); err != nil {
				return nil, fmt.Errorf("read %s: defined name %q: %w", b.part, attr(se, "name"), err)
			}
			b.names = append(b.names, definedName{name: attr(se, "name"), scope: scope, ref: ref.String()})
			if len(b.names) > maxZipEntries {
				return nil, fmt.Errorf("read %s: too many defined names", b.part)
			}
		}
	}
	return b, nil
}

// root is the local name of a part's root element.
func (p *xlsxPackage) root(name string) (string, error) {
	rc, err := p.open(name)
	if err != nil {
		return "", err
	}
	defer rc.Close()
	d := decoder(rc)
	for {
		tok, err := d.RawToken()
		if err != nil {
			return "", fmt.Errorf("read %s: %w", name, err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se.Name.Local, nil
		}
	}
}

// text appends the character data up to the end of the element just
// started (of a simple element: nested elements' text included) to w,
// failing past max bytes.
func text(d *xml.Decoder, w *strings.Builder, max int) error {
	for depth := 1; depth > 0; {
		tok, err := d.RawToken()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if w.Len()+len(t) > max {
				return &limitError{fmt.Sprintf(msgCellTooLong, max)}
			}
			w.Write(t)
		}
	}
	return nil
}

// rawCell is a cell as the sheet stores it.
type rawCell struct {
	typ     string // the t attribute: "", n, s, str, inlineStr, b, e, d
	v       string // <v>, or the inline string
	formula string // <f>, "" for none; a shared formula's dependent holds its master's
	style   int
}

// cellType maps the t attribute to excelize's names for it.
func (c rawCell) cellType() excelize.CellType {
	switch c.typ {
	case "", "n":
		return excelize.CellTypeNumber
	case "b":
		return excelize.CellTypeBool
	case "d":
		return excelize.CellTypeDate
	case "e":
		return excelize.CellTypeError
	case "s":
		return excelize.CellTypeSharedString
	case "inlineStr":
		return excelize.CellTypeInlineString
	case "str":
		return excelize.CellTypeFormula
	}
	return excelize.CellTypeUnset
}

type cellPos struct{ row, col int }

// sheetData is what one streamed sheet holds: the kept cells, the
// farthest cell with content and every formula seen (for the active
// content check).
type sheetData struct {
	cells map[cellPos]rawCell
	// lastRow and lastCol locate the farthest cell with a value or a
	// formula, and where, for the refusal.
	lastRow, lastCol int
	lastRowCell      string
	lastColCell      string
	// formulas maps a cell (A1) to its formula, in sheet order, for every
	// cell with one; validation formulas too (under "validation",
	// "conditional format").
	formulas []cellFormula
	// prevRow and prevCol place the last cell read, for a cell without r.
	prevRow, prevCol int
}

type cellFormula struct{ where, formula string }

// budget is the text every sheet and the shared strings may keep in all.
type budget struct{ left int }

func (b *budget) take(n int) error {
	b.left -= n
	if b.left < 0 {
		return &limitError{msgTooMuchText}
	}
	return nil
}

// sheet streams a worksheet part: cells with content beyond maxSheetRows
// or maxSheetCols stop it with a limitError naming the cell; cells of
// columns A to E are kept.
func (p *xlsxPackage) sheet(sheetName, part string, keep bool, bud *budget) (*sheetData, error) {
	rc, err := p.open(part)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	sd := &sheetData{cells: map[cellPos]rawCell{}}
	d := decoder(rc)
	shared := map[string]string{} // shared formula index → master formula
	row := 0
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return sd, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read sheet %s: %w", sheetName, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "row":
			if r := attr(se, "r"); r != "" {
				n, err := strconv.Atoi(r)
				if err != nil || n < 1 {
					return nil, fmt.Errorf("read sheet %s: row %q", sheetName, r)
				}
				row = n
			} else {
				row++
			}
		case "c":
			if err := sd.cell(d, se, sheetName, row, keep, shared, bud); err != nil {
				return nil, err
			}
		case "formula", "formula1", "formula2", "f":
			// An f outside a cell is an extension's formula: Excel 2010
			// writes validations and conditional formats that name
			// another sheet as <x14:formula1><xm:f>…</xm:f>.
			var f strings.Builder
			if err := text(d, &f, maxFormula); err != nil {
				return nil, fmt.Errorf("read sheet %s: %w", sheetName, err)
			}
			if err := bud.take(f.Len()); err != nil {
				return nil, err
			}
			where := se.Name.Local
			if where == "f" {
				where = "formula"
			}
			sd.formulas = append(sd.formulas, cellFormula{where: where, formula: f.String()})
		}
	}
}

// cell reads one <c> element.
func (sd *sheetData) cell(d *xml.Decoder, se xml.StartElement, sheetName string, row int, keep bool, shared map[string]string, bud *budget) error {
	ref := attr(se, "r")
	col := 0
	if ref != "" {
		c, r, err := excelize.CellNameToCoordinates(ref)
		if err != nil {
			return fmt.Errorf("read sheet %s: cell %q: %w", sheetName, ref, err)
		}
		col, row = c, r
	}
	if col == 0 {
		// A cell without r follows the previous one in its row.
		col = 1
		if sd.prevRow == row {
			col = sd.prevCol + 1
		}
	}
	sd.prevRow, sd.prevCol = row, col
	c := rawCell{typ: attr(se, "t")}
	if s := attr(se, "s"); s != "" {
		c.style, _ = strconv.Atoi(s)
	}
	var sharedIdx, sharedMaster string
	for depth := 1; depth > 0; {
		tok, err := d.RawToken()
		if err != nil {
			return fmt.Errorf("read sheet %s: cell %s: %w", sheetName, ref, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "v", "is":
				var b strings.Builder
				if err := text(d, &b, 4*maxCellText); err != nil {
					return fmt.Errorf("read sheet %s: cell %s: %w", sheetName, ref, err)
				}
				c.v = b.String()
			case "f":
				if attr(t, "t") == "shared" {
					sharedIdx = attr(t, "si")
				}
				var b strings.Builder
				if err := text(d, &b, maxFormula); err != nil {
					return fmt.Errorf("read sheet %s: cell %s: %w", sheetName, ref, err)
				}
				c.formula = b.String()
				sharedMaster = c.formula
				if c.formula == "" {
					c.formula = "=" // an array or shared dependent without its own text
				}
			default:
				depth++
			}
		case xml.EndElement:
			depth--
		}
	}
	if sharedIdx != "" {
		if sharedMaster != "" {
			shared[sharedIdx] = sharedMaster
		} else if m, ok := shared[sharedIdx]; ok {
			c.formula = m
		}
	}
	if c.v == "" && c.formula == "" {
		return nil
	}
	at, _ := excelize.CoordinatesToCellName(col, row)
	if c.formula != "" {
		sd.formulas = append(sd.formulas, cellFormula{where: at, formula: c.formula})
	}
	if row > maxSheetRows {
		return &limitError{fmt.Sprintf(msgTooManyRows, sheetName, at, maxSheetRows)}
	}
	if col > maxSheetCols {
		return &limitError{fmt.Sprintf(msgTooManyCols, sheetName, at)}
	}
	if row > sd.lastRow {
		sd.lastRow, sd.lastRowCell = row, at
	}
	if col > sd.lastCol {
		sd.lastCol, sd.lastColCell = col, at
	}
	if !keep || col > keepCols {
		return nil
	}
	if err := bud.take(len(c.v) + len(c.formula)); err != nil {
		return err
	}
	if _, twice := sd.cells[cellPos{row, col}]; twice {
		// Which of the two a spreadsheet shows is its own choice: the
		// value stored could differ from the one seen.
		return fmt.Errorf("read sheet %s: cell %s twice", sheetName, at)
	}
	sd.cells[cellPos{row, col}] = c
	return nil
}

// sharedStrings reads the strings at the indices wanted, concatenating a
// rich string's runs and leaving out phonetic guides.
func (p *xlsxPackage) sharedStrings(part string, want map[int]bool, bud *budget) (map[int]string, error) {
	out := make(map[int]string, len(want))
	if len(want) == 0 {
		return out, nil
	}
	rc, err := p.open(part)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	d := decoder(rc)
	idx := -1
	var cur strings.Builder
	inPhonetic := 0
	collecting := false
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read shared strings: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				idx++
				cur.Reset()
				collecting = want[idx]
			case "rPh":
				inPhonetic++
			case "t":
				if collecting && inPhonetic == 0 {
					if err := text(d, &cur, 4*maxCellText); err != nil {
						return nil, fmt.Errorf("read shared string %d: %w", idx, err)
					}
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "rPh":
				inPhonetic--
			case "si":
				if collecting {
					if err := bud.take(cur.Len()); err != nil {
						return nil, err
					}
					out[idx] = cur.String()
					if len(out) == len(want) {
						return out, nil
					}
				}
			}
		}
	}
}

// numFmts reads the styles part: each cell format's number format id and
// the custom number formats' codes.
func (p *xlsxPackage) numFmts(part string) (xfFmt []int, codes map[int]string, err error) {
	codes = map[int]string{}
	if part == "" {
		return nil, codes, nil
	}
	rc, err := p.open(part)
	if err != nil {
		return nil, nil, err
	}
	defer rc.Close()
	d := decoder(rc)
	inXfs := false
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return xfFmt, codes, nil
		}
		if err != nil {
			return nil, nil, fmt.Errorf("read styles: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "numFmt":
				id, _ := strconv.Atoi(attr(t, "numFmtId"))
				codes[id] = attr(t, "formatCode")
			case "cellXfs":
				inXfs = true
			case "xf":
				if inXfs {
					id, _ := strconv.Atoi(attr(t, "numFmtId"))
					xfFmt = append(xfFmt, id)
				}
			}
		case xml.EndElement:
			if t.Name.Local == "cellXfs" {
				inXfs = false
			}
		}
	}
}

// zipEnd checks that the zip ends where its end record says: nothing
// appended after it (a second file hidden in the upload).
func zipEnd(data []byte) bool {
	const eocdLen = 22
	sig := []byte("PK\x05\x06")
	from := max(0, len(data)-eocdLen-0xffff)
	i := bytes.LastIndex(data[from:], sig)
	if i < 0 {
		return false
	}
	i += from
	if i+eocdLen > len(data) {
		return false
	}
	comment := int(data[i+20]) | int(data[i+21])<<8
	return i+eocdLen+comment == len(data)
}
