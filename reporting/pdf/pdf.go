// Package pdf writes the consolidated report a province's People's Council
// receives, in the layout of Decree 30/2020/NĐ-CP (Appendix I): A4, the
// issuing body and the national motto blocks, number, place and date,
// title, a generated narrative (who reported, on time or late, the main
// totals and how they changed), "Nơi nhận" and the signature block, then
// landscape appendices with the tables, header rows repeated on every page.
//
// The font is Liberation Serif (metric-compatible with Times New Roman,
// SIL OFL, see LICENSE-fonts.txt), embedded in all four styles. fpdf does
// no glyph shaping, so every string is normalised to NFC before it reaches
// fpdf: a name typed on a Mac (decomposed, NFD) would otherwise print its
// tone marks beside the letters.
package pdf

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/go-fonts/liberation/liberationserifbold"
	"github.com/go-fonts/liberation/liberationserifbolditalic"
	"github.com/go-fonts/liberation/liberationserifitalic"
	"github.com/go-fonts/liberation/liberationserifregular"
	"golang.org/x/text/unicode/norm"

	"baocao/reporting"
)

// Options say who issues the report and how it is signed.
type Options struct {
	// ParentBody is the body over the issuer, in capitals ("UBND TỈNH
	// ĐỒNG NAI"); empty for none, as for the provincial People's
	// Committee itself.
	ParentBody string
	// Issuer is the issuing body in capitals; "\n" breaks it. Default:
	// "ỦY BAN NHÂN DÂN" over the province's name.
	Issuer string
	// Number is the number and symbol after "Số: " ("07/BC-UBND"); empty
	// leaves room to write it in by hand.
	Number string
	// Place is the place in the date line; default: the province's name
	// without "Tỉnh".
	Place string
	// Date is the report's date, and when it is made (the caller's now).
	Date time.Time
	// Subject is the line under "BÁO CÁO"; default from the period.
	Subject string
	// To is whom the report is sent to ("Kính gửi: …"); default the
	// Standing Committee of the provincial People's Council.
	To string
	// Recipients are the lines under "Nơi nhận:", without the leading
	// dash; default: as above, the council, the committee's chairs, the
	// archive.
	Recipients []string
	// Authority are the capitalised lines over the signature ("TM. ỦY BAN
	// NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"), Signer the name.
	Authority []string
	Signer    string
	// Location is the zone dates and times are shown in; default
	// Asia/Ho_Chi_Minh.
	Location *time.Location
	// Progress, if set, is told how many appendix rows of how many are
	// laid out.
	Progress func(done, total int)
}

// withDefaults fills what the caller left empty, from c.
func (o Options) withDefaults(c *reporting.Consolidation) Options {
	if o.Subject == "" {
		o.Subject = fmt.Sprintf(txtSubject, reporting.LowerFirst(c.Period.Label), territory(c.Province))
	}
	return o.withIssuer(c.Province)
}

// withIssuer fills the issuer, place, addressee, recipients and authority
// the caller left empty, for a report of the province's root unit.
func (o Options) withIssuer(province string) Options {
	if o.Location == nil {
		if l, err := time.LoadLocation("Asia/Ho_Chi_Minh"); err == nil {
			o.Location = l
		} else {
			o.Location = time.FixedZone("ICT", 7*3600)
		}
	}
	territory := territory(province)
	_, kind := reporting.TerritoryOf(province)
	if o.Issuer == "" {
		o.Issuer = fmt.Sprintf(txtIssuerDefault, strings.ToUpper(territory))
	}
	if o.Place == "" {
		o.Place = trimPrefixFold(territory, txtPlacePrefixes)
	}
	if o.To == "" {
		o.To = fmt.Sprintf(txtToDefault, kind)
	}
	if o.Recipients == nil {
		o.Recipients = []string{txtRecipient1, fmt.Sprintf(txtRecipient2, kind), fmt.Sprintf(txtRecipient3, kind), txtRecipient4}
	}
	if o.Authority == nil {
		o.Authority = []string{txtAuthority1, txtAuthority2, txtAuthority3}
	}
	if o.Progress == nil {
		o.Progress = func(int, int) {}
	}
	return o
}

// territory is the province's name as a territory ("tỉnh Đồng Nai") from
// its root unit's name, which may name the committee ("UBND tỉnh Đồng
// Nai") or the province ("Tỉnh Đồng Nai").
func territory(province string) string {
	return reporting.LowerFirst(trimPrefixFold(strings.TrimSpace(nfc(province)), txtBodyPrefixes))
}

// trimPrefixFold removes the first of the "|"-separated prefixes s starts
// with, ignoring case.
func trimPrefixFold(s, prefixes string) string {
	for _, p := range strings.Split(prefixes, "|") {
		if len(s) > len(p) && strings.EqualFold(s[:len(p)], p) {
			return s[len(p):]
		}
	}
	return s
}

// Page geometry in millimetres (Decree 30: top and bottom 20–25, left
// 30–35, right 15–20).
const (
	marginTop    = 20.0
	marginBottom = 20.0
	marginLeft   = 30.0
	marginRight  = 15.0
	family       = "LiberationSerif"
	ptMM         = 25.4 / 72 // one point in millimetres
	indent       = 12.7      // first-line indent of body paragraphs
	paraSpace    = 6 * ptMM  // space after a paragraph
	bodySize     = 14.0
)

// Write writes c's People's Council report to w.
func Write(ctx context.Context, w io.Writer, c *reporting.Consolidation, opts Options) error {
	opts = opts.withDefaults(c)
	d := newDoc(opts)
	r := &report{d: d, c: c, opts: opts}
	if err := r.write(ctx); err != nil {
		return err
	}
	if err := d.pdf.Error(); err != nil {
		return fmt.Errorf("lay out report: %w", err)
	}
	if err := d.pdf.Output(w); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// doc wraps fpdf so that every string goes through NFC and every page
// after the first gets its number.
type doc struct {
	pdf         *fpdf.Fpdf
	orientation string // of the current page
}

func newDoc(opts Options) *doc {
	p := fpdf.New("P", "mm", "A4", "")
	p.SetMargins(marginLeft, marginTop, marginRight)
	p.SetAutoPageBreak(false, marginBottom)
	p.AddUTF8FontFromBytes(family, "", liberationserifregular.TTF)
	p.AddUTF8FontFromBytes(family, "B", liberationserifbold.TTF)
	p.AddUTF8FontFromBytes(family, "I", liberationserifitalic.TTF)
	p.AddUTF8FontFromBytes(family, "BI", liberationserifbolditalic.TTF)
	// fpdf writes the wall clock without a zone: give it UTC.
	p.SetCreationDate(opts.Date.UTC())
	p.SetModificationDate(opts.Date.UTC())
	p.SetCreator("baocao", true)
	p.SetLang("vi-VN")
	p.SetCellMargin(0)
	// Page numbers centred in the top margin, none on the first page.
	// fpdf restores the font after the header.
	p.SetHeaderFunc(func() {
		if p.PageNo() < 2 {
			return
		}
		p.SetFont(family, "", 13)
		w, _ := p.GetPageSize()
		p.SetXY(0, 10)
		p.CellFormat(w, 5, fmt.Sprint(p.PageNo()), "", 0, "C", false, 0, "")
	})
	return &doc{pdf: p}
}

// nfc is the one door into fpdf for text.
func nfc(s string) string { return norm.NFC.String(s) }

func (d *doc) font(style string, size float64) { d.pdf.SetFont(family, style, size) }

func (d *doc) width(s string) float64 { return d.pdf.GetStringWidth(nfc(s)) }

func (d *doc) left() float64 { l, _, _, _ := d.pdf.GetMargins(); return l }

// textWidth is the width between the margins on the current page.
func (d *doc) textWidth() float64 {
	w, _ := d.pdf.GetPageSize()
	l, _, r, _ := d.pdf.GetMargins()
	return w - l - r
}

// bottom is the lowest y text may reach on the current page.
func (d *doc) bottom() float64 {
	_, h := d.pdf.GetPageSize()
	return h - marginBottom
}

// fits reports whether h more millimetres fit on the page.
func (d *doc) fits(h float64) bool { return d.pdf.GetY()+h <= d.bottom() }

// page starts a page: "P" portrait or "L" landscape.
func (d *doc) page(orientation string) {
	d.orientation = orientation
	d.pdf.AddPageFormat(orientation, fpdf.SizeType{Wd: 210, Ht: 297})
	d.pdf.SetXY(d.left(), marginTop)
}

// ensure starts a new page of the same orientation unless h fits.
func (d *doc) ensure(h float64) {
	if !d.fits(h) {
		d.page(d.orientation)
	}
}

// text writes s at (x, y) in a box w wide, aligned "L", "C" or "R".
func (d *doc) text(x, y, w, h float64, s, align string) {
	d.pdf.SetXY(x, y)
	d.pdf.CellFormat(w, h, nfc(s), "", 0, align, false, 0, "")
}

// wrap breaks s into lines no wider than w in the current font; "\n"
// breaks too. A word wider than w gets a line of its own.
func (d *doc) wrap(s string, w float64) []string {
	var lines []string
	space := d.width(" ")
	for _, para := range strings.Split(nfc(s), "\n") {
		var line strings.Builder
		lw := 0.0
		for _, word := range strings.Fields(para) {
			ww := d.pdf.GetStringWidth(word)
			if line.Len() > 0 && lw+space+ww > w {
				lines = append(lines, line.String())
				line.Reset()
				lw = 0
			}
			if line.Len() > 0 {
				line.WriteByte(' ')
				lw += space
			}
			line.WriteString(word)
			lw += ww
		}
		lines = append(lines, line.String())
	}
	return lines
}

// centred writes s centred in [x, x+w] from y, wrapped, and returns the y
// under it.
func (d *doc) centred(x, y, w float64, s, style string, size, lineH float64) float64 {
	d.font(style, size)
	for _, line := range d.wrap(s, w) {
		d.text(x, y, w, lineH, line, "C")
		y += lineH
	}
	return y
}

// rule draws a horizontal line of length l centred in [x, x+w] at y.
func (d *doc) rule(x, w, y, l float64) {
	d.pdf.SetLineWidth(0.3)
	d.pdf.Line(x+(w-l)/2, y, x+(w+l)/2, y)
}

// para is how a paragraph is set.
type para struct {
	style   string
	size    float64
	indent  float64 // first line
	justify bool
	after   float64 // space after
}

var body = para{size: bodySize, indent: indent, justify: true, after: paraSpace}

// paragraph sets s between the margins: first line indented, justified
// (every line but the last), breaking pages between lines. fpdf's own
// justification spaces words with the PDF word-spacing operator, which does
// not apply to embedded Unicode fonts, so words are placed one by one.
func (d *doc) paragraph(s string, p para) {
	d.font(p.style, p.size)
	lineH := p.size * ptMM * 1.3
	w := d.textWidth()
	space := d.width(" ")
	words := strings.Fields(nfc(s))
	widths := make([]float64, len(words))
	for i, wd := range words {
		widths[i] = d.pdf.GetStringWidth(wd)
	}
	first := true
	for i := 0; i < len(words); {
		x0 := d.left()
		avail := w
		if first {
			x0 += p.indent
			avail -= p.indent
		}
		j, lw := i, 0.0
		for j < len(words) && (j == i || lw+space+widths[j] <= avail) {
			if j > i {
				lw += space
			}
			lw += widths[j]
			j++
		}
		gap := space
		if p.justify && j < len(words) && j-i > 1 {
			gap = space + (avail-lw)/float64(j-i-1)
		}
		d.ensure(lineH)
		y := d.pdf.GetY()
		x := x0
		for k := i; k < j; k++ {
			d.pdf.SetXY(x, y)
			d.pdf.CellFormat(widths[k], lineH, words[k], "", 0, "L", false, 0, "")
			x += widths[k] + gap
		}
		d.pdf.SetXY(d.left(), y+lineH)
		i, first = j, false
	}
	d.pdf.SetY(d.pdf.GetY() + p.after)
}

// column is one column of a table.
type column struct {
	title string
	width float64 // millimetres
	align string  // "L", "C", "R"
}

// tableRow is one row of a table.
type tableRow struct {
	cells []string
	bold  bool
}

const (
	tableSize  = 11.0
	tableLineH = tableSize * ptMM * 1.25
	tablePad   = 1.2
)

// table draws a bordered table from the current y across the width
// between the margins (column widths are scaled to it), its header row
// repeated at the top of every page it runs onto; rows are never split.
func (d *doc) table(ctx context.Context, cols []column, rows []tableRow, progress func(done int)) error {
	total := 0.0
	for _, c := range cols {
		total += c.width
	}
	cols = slices.Clone(cols)
	for i := range cols {
		cols[i].width *= d.textWidth() / total
	}
	d.pdf.SetCellMargin(tablePad)
	defer d.pdf.SetCellMargin(0)
	header := tableRow{bold: true, cells: make([]string, len(cols))}
	for i, c := range cols {
		header.cells[i] = c.title
	}
	headH := d.rowHeight(cols, header)
	d.ensure(headH + tableLineH*2)
	d.tableRow(cols, header, headH, true)
	for i, r := range rows {
		h := d.rowHeight(cols, r)
		if !d.fits(h) {
			d.page(d.orientation)
			d.tableRow(cols, header, headH, true)
		}
		d.tableRow(cols, r, h, false)
		if i%100 == 99 {
			progress(i + 1)
			if err := ctx.Err(); err != nil {
				return err
			}
		}
	}
	progress(len(rows))
	d.pdf.SetXY(d.left(), d.pdf.GetY()+paraSpace)
	return nil
}

func (d *doc) rowHeight(cols []column, r tableRow) float64 {
	style := ""
	if r.bold {
		style = "B"
	}
	d.font(style, tableSize)
	n := 1
	for i, c := range cols {
		n = max(n, len(d.wrap(r.cells[i], c.width-2*tablePad)))
	}
	return float64(n)*tableLineH + 2*tablePad
}

func (d *doc) tableRow(cols []column, r tableRow, h float64, header bool) {
	style := ""
	if r.bold {
		style = "B"
	}
	d.font(style, tableSize)
	y := d.pdf.GetY()
	x := d.left()
	for i, c := range cols {
		if header {
			d.pdf.SetFillColor(230, 230, 230)
			d.pdf.Rect(x, y, c.width, h, "FD")
		} else {
			d.pdf.Rect(x, y, c.width, h, "D")
		}
		align := c.align
		lines := d.wrap(r.cells[i], c.width-2*tablePad)
		ly := y + tablePad
		if header {
			align = "C"
			ly += (h - 2*tablePad - float64(len(lines))*tableLineH) / 2
		}
		for _, line := range lines {
			d.pdf.SetXY(x, ly)
			d.pdf.CellFormat(c.width, tableLineH, line, "", 0, align, false, 0, "")
			ly += tableLineH
		}
		x += c.width
	}
	d.pdf.SetXY(d.left(), y+h)
}
