package pdf

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"baocao/reporting"
)

// report lays out one consolidation.
type report struct {
	d           *doc
	c           *reporting.Consolidation
	opts        Options
	comparisons map[string]reporting.Comparison // by field code
}

func (r *report) write(ctx context.Context) error {
	d := r.d
	title := txtReport + " " + r.opts.Subject
	d.pdf.SetTitle(nfc(title), true)
	d.pdf.SetSubject(nfc(r.c.Form.Title+" — "+r.c.Period.Label), true)
	d.pdf.SetAuthor(nfc(strings.ReplaceAll(r.opts.Issuer, "\n", " ")), true)

	r.comparisons = map[string]reporting.Comparison{}
	for _, cmp := range r.c.Comparisons() {
		r.comparisons[cmp.Field.Code] = cmp
	}

	d.page("P")
	r.heading()
	r.compliance(ctx)
	r.results()
	closing := reporting.LowerFirst(r.opts.Subject)
	if t := territory(r.c.Province); t != "" {
		closing += fmt.Sprintf(txtOnTerritory, t)
	}
	d.paragraph(fmt.Sprintf(txtClosing, closing), body)
	r.signature()

	// Appendices, landscape: wide tables.
	if err := r.appendixComparison(ctx); err != nil {
		return err
	}
	if err := r.appendixGroups(ctx); err != nil {
		return err
	}
	if err := r.appendixUnits(ctx); err != nil {
		return err
	}
	return r.appendixSignals(ctx)
}

// appendixSignals is Phụ lục IV: the counting reports' data-quality
// signals no reviewer explained, unit by unit.
func (r *report) appendixSignals(ctx context.Context) error {
	c := r.c
	r.appendixHead("IV", fmt.Sprintf(txtApp4Title, strings.ToUpper(c.Period.Label)))
	if len(c.Unexplained) == 0 {
		r.d.paragraph(txtSignalsNone, body)
		return nil
	}
	cols := []column{{txtColNo, 12, "C"}, {txtColUnit, 56, "L"}, {txtColField, 70, "L"}, {txtColValue, 26, "R"}, {txtColSignal, 83, "L"}}
	var rows []tableRow
	for _, us := range c.Unexplained {
		for _, sg := range us.Signals {
			rows = append(rows, tableRow{cells: []string{strconv.Itoa(len(rows) + 1), us.UnitName, sg.Label, sg.Value, sg.Reason}})
		}
	}
	return r.d.table(ctx, cols, rows, func(int) {})
}

// signalCounts counts the unexplained signals and the units raising them.
func signalCounts(c *reporting.Consolidation) (signals, units int) {
	for _, us := range c.Unexplained {
		signals += len(us.Signals)
	}
	return signals, len(c.Unexplained)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// dateLine is "Đồng Nai, ngày 05 tháng 01 năm 2027": two-digit days below
// 10 and months January and February, as Decree 30 writes them.
func dateLine(place string, t time.Time) string {
	month := strconv.Itoa(int(t.Month()))
	if t.Month() < time.March {
		month = fmt.Sprintf("%02d", int(t.Month()))
	}
	return fmt.Sprintf(txtPlaceDate, place, fmt.Sprintf("%02d", t.Day()), month, t.Year())
}

// Header block columns on page one.
const (
	leftColX  = marginLeft - 8
	leftColW  = 80.0
	rightColX = 95.0
	rightColW = 210 - marginRight - rightColX + 5
)

// heading sets the two header blocks, number and date, title, subject and
// addressee.
func (r *report) heading() {
	d := r.d
	top := marginTop

	// Left: parent body, issuing body in bold with a short rule, number.
	y := top
	lineH := 13 * ptMM * 1.2
	if r.opts.ParentBody != "" {
		y = d.centred(leftColX, y, leftColW, strings.ToUpper(r.opts.ParentBody), "", 13, lineH)
	}
	issuer := strings.ToUpper(r.opts.Issuer)
	d.font("B", 13)
	lines := d.wrap(issuer, leftColW)
	widest := 0.0
	for _, l := range lines {
		widest = max(widest, d.width(l))
	}
	y = d.centred(leftColX, y, leftColW, issuer, "B", 13, lineH)
	d.rule(leftColX, leftColW, y+0.8, widest/3)
	numberY := y + 6

	// Right: nation and motto in bold, a rule as long as the motto.
	y = d.centred(rightColX, top, rightColW, txtNation, "B", 12.5, lineH)
	y = d.centred(rightColX, y, rightColW, txtMotto, "B", 13.5, 13.5*ptMM*1.2)
	d.font("B", 13.5)
	d.rule(rightColX, rightColW, y+0.8, d.width(txtMotto))
	numberY = max(numberY, y+6)

	number := r.opts.Number
	if number == "" {
		number = txtNumberBlank
	}
	d.centred(leftColX, numberY, leftColW, fmt.Sprintf(txtNumber, number), "", 13, lineH)
	d.centred(rightColX, numberY, rightColW, dateLine(r.opts.Place, r.opts.Date.In(r.opts.Location)), "I", 13.5, lineH)

	// Title, subject with a short rule, addressee.
	y = numberY + lineH + 10
	y = d.centred(marginLeft, y, d.textWidth(), txtReport, "B", 14, 14*ptMM*1.3)
	d.font("B", 14)
	subjectLines := d.wrap(r.opts.Subject, d.textWidth()-20)
	y = d.centred(marginLeft+10, y, d.textWidth()-20, r.opts.Subject, "B", 14, 14*ptMM*1.3)
	longest := 0.0
	for _, l := range subjectLines {
		longest = max(longest, d.width(l))
	}
	d.rule(marginLeft, d.textWidth(), y+1, min(longest/3, 45))
	y += 6
	y = d.centred(marginLeft, y, d.textWidth(), fmt.Sprintf(txtTo, r.opts.To), "", 14, 14*ptMM*1.3)
	d.pdf.SetXY(marginLeft, y+6)
}

var heading = para{style: "B", size: bodySize, indent: indent, after: paraSpace / 2}

// compliance is part I: how many units reported, on time, late, missing,
// with a table by kind and the names of the missing.
func (r *report) compliance(ctx context.Context) {
	d, c := r.d, r.c
	all := c.Compliance()
	d.paragraph(txtSec1, heading)
	exempt := ""
	if all.Exempt > 0 {
		exempt = fmt.Sprintf(txtExempt, all.Exempt)
	}
	pct := all.OnTimePercent().Format(1)
	if pct == "" {
		pct = "0"
	}
	d.paragraph(fmt.Sprintf(txtSec1Para, reporting.LowerFirst(c.Period.Label), c.Form.Title, all.Obliged, exempt,
		r.opts.Date.In(r.opts.Location).Format("15 giờ 04 ngày 02/01/2006"),
		all.OnTime, pct, all.Late, all.NotSent, all.Returned, all.Accepted), body)
	how := txtCountAll
	if c.AcceptedOnly {
		how = txtCountAcc
	}
	d.paragraph(fmt.Sprintf(txtCounted, all.Reported, how), body)

	d.paragraph(txtByKind, body)
	cols := []column{
		{txtColKind, 55, "L"}, {txtColObliged, 22, "R"}, {txtColOnTime, 22, "R"}, {txtColLate, 20, "R"},
		{txtColNotSent, 20, "R"}, {txtColOnTimePct, 26, "R"},
	}
	var rows []tableRow
	kindRow := func(label string, k reporting.Compliance, bold bool) tableRow {
		return tableRow{bold: bold, cells: []string{label, count(k.Due()), count(k.OnTime), count(k.Late), count(k.NotSent), k.OnTimePercent().Format(1)}}
	}
	for i := 0; i < len(c.Units); {
		j := i
		for j < len(c.Units) && c.Units[j].Kind == c.Units[i].Kind {
			j++
		}
		rows = append(rows, kindRow(c.Units[i].Kind.Label(), reporting.CountCompliance(c.Units[i:j]), false))
		i = j
	}
	rows = append(rows, kindRow(txtTotal, all, true))
	_ = d.table(ctx, cols, rows, func(int) {}) // a handful of rows: nothing to cancel

	var missing []string
	for _, u := range c.Units {
		if !u.Reported() && u.Status != reporting.StatusExempt {
			missing = append(missing, u.Name)
		}
	}
	switch {
	case len(missing) == 0:
		d.paragraph(txtAllSent, body)
	case len(missing) <= 30:
		d.paragraph(fmt.Sprintf(txtNotSent, strings.Join(missing, ", ")), body)
	default:
		d.paragraph(fmt.Sprintf(txtNotSentN, len(missing)), body)
	}
}

func count(n int) string { return reporting.DecimalInt(int64(n)).Format(0) }

// sectionNumber strips the form's own numbering ("IV. ", "2) ") from a
// section title; the report numbers its items itself.
var sectionNumber = regexp.MustCompile(`^\s*([IVXLC]+|\d+)[.)]\s*`)

// results is part II: per section of the form, a sentence per field with
// the province's figure and how it changed.
func (r *report) results() {
	d, c := r.d, r.c
	d.paragraph(txtSec2, heading)
	d.paragraph(fmt.Sprintf(txtSec2Intro, reporting.LowerFirst(c.Period.Label)), body)
	for _, note := range c.BaselineNotes() {
		d.paragraph(note, body)
	}
	fi, n := 0, 0
	for _, s := range c.Form.Sections {
		var parts []string
		for range s.Fields {
			if part := r.fieldSentence(fi); part != "" {
				parts = append(parts, part)
			}
			fi++
		}
		if len(parts) == 0 {
			continue
		}
		n++
		d.paragraph(fmt.Sprintf("%d. %s", n, sectionNumber.ReplaceAllString(s.Title, "")), para{style: "B", size: bodySize, indent: indent})
		d.paragraph(strings.Join(parts, "; ")+".", body)
	}
	if checks := c.LevelChecks(); c.Form.Levels == reporting.LevelsConsolidated {
		units := map[string]bool{}
		for _, lc := range checks {
			if lc.Difference.Sign() != 0 {
				units[lc.UnitCode] = true
			}
		}
		note := txtLevelsOnce
		if len(units) > 0 {
			note += " " + fmt.Sprintf(txtLevelsDiffer, len(units))
		}
		d.paragraph(note, body)
	}
	if n, units := signalCounts(c); n > 0 {
		d.paragraph(fmt.Sprintf(txtSignalsLeft, n, units), body)
	}
	d.paragraph(txtSec2Refs, body)
}

// fieldSentence says one field's province figure: "Số cuộc giám sát: 25
// cuộc, tăng 15 cuộc (150%) so với kỳ trước"; "" for listed fields.
func (r *report) fieldSentence(fi int) string {
	c := r.c
	f := c.Fields[fi]
	a := c.Total.Values[fi]
	switch {
	case f.Type == reporting.TypeChoice && f.Aggregate == reporting.AggCount:
		var parts []string
		for i, ch := range f.Choices {
			n := 0
			if a.Choices != nil {
				n = a.Choices[i]
			}
			parts = append(parts, fmt.Sprintf("%s %s %s", ch, count(n), txtUnits))
		}
		return f.Label + ": " + strings.Join(parts, ", ")
	case !reporting.Computed(f):
		return ""
	case !a.Value.Valid():
		return f.Label + ": " + txtNothing
	}
	s := f.Label + ": "
	switch f.Aggregate {
	case reporting.AggAvg:
		s += txtAvgOf + " "
	case reporting.AggRatio:
		s += txtRatioOf + " "
	case reporting.AggMin:
		s += txtMinOf + " "
	case reporting.AggMax:
		s += txtMaxOf + " "
	}
	s += withUnit(f, reporting.FormatValue(f, a.Value))
	cmp := r.comparisons[f.Code]
	for _, b := range []struct {
		change reporting.Change
		vs     string
	}{{cmp.Previous, txtVsPrev}, {cmp.YearAgo, txtVsYear}} {
		// Over other units the note after the introduction says why
		// there is no change.
		switch {
		case b.change.Compared:
			s += ", " + fmt.Sprintf(txtComparedChange, changeText(f, b.change.Delta, b.change.Percent), b.vs)
		case b.change.Base.Valid() && b.change.Units != reporting.OtherUnits:
			s += ", " + changeText(f, b.change.Delta, b.change.Percent) + " " + b.vs
		}
	}
	return s
}

// withUnit appends a field's unit of measure to a formatted value.
func withUnit(f reporting.Field, v string) string {
	switch f.Unit {
	case "":
		return v
	case "%":
		return v + "%"
	}
	return v + " " + f.Unit
}

// changeText is "tăng 15 cuộc (+150%)", "giảm 2 cuộc (−20%)", "giảm 0,3
// điểm phần trăm" or "không thay đổi"; the percentage is left out when
// there is none (a base of 0, a rate).
func changeText(f reporting.Field, delta, pct reporting.Decimal) string {
	withUnit := withUnit
	if f.Type == reporting.TypePercent {
		withUnit = func(_ reporting.Field, v string) string { return v + " " + txtPoints }
	}
	switch delta.Sign() {
	case 0:
		return txtSame
	case 1:
		s := fmt.Sprintf(txtUp, withUnit(f, reporting.FormatValue(f, delta)))
		if pct.Valid() {
			s += fmt.Sprintf(txtPctChange, "+"+pct.Format(1))
		}
		return s
	}
	abs := reporting.Decimal(strings.TrimPrefix(string(delta), "-"))
	s := fmt.Sprintf(txtDown, withUnit(f, reporting.FormatValue(f, abs)))
	if pct.Valid() {
		s += fmt.Sprintf(txtPctChange, "−"+strings.TrimPrefix(pct.Format(1), "-"))
	}
	return s
}

// signature sets "Nơi nhận" on the left and the signing authority on the
// right, kept together on one page.
func (r *report) signature() {
	d := r.d
	authH := float64(len(r.opts.Authority))*13*ptMM*1.3 + 28 + 14*ptMM*1.3
	recH := 12*ptMM*1.3 + float64(len(r.opts.Recipients))*11*ptMM*1.3
	d.ensure(max(authH, recH) + 6)
	y := d.pdf.GetY() + 4

	d.font("BI", 12)
	d.text(marginLeft, y, 80, 12*ptMM*1.3, txtRecipientsHd, "L")
	ry := y + 12*ptMM*1.3
	d.font("", 11)
	for _, rc := range r.opts.Recipients {
		for _, line := range d.wrap("- "+rc, 75) {
			d.text(marginLeft, ry, 75, 11*ptMM*1.25, line, "L")
			ry += 11 * ptMM * 1.25
		}
	}

	x, w := 105.0, 210-marginRight-105.0
	ay := y
	for _, a := range r.opts.Authority {
		ay = d.centred(x, ay, w, strings.ToUpper(a), "B", 13, 13*ptMM*1.3)
	}
	ay += 28 // room to sign and stamp
	if r.opts.Signer != "" {
		ay = d.centred(x, ay, w, r.opts.Signer, "B", 14, 14*ptMM*1.3)
	}
	d.pdf.SetXY(marginLeft, max(ay, ry))
}

// appendixHead starts a landscape page with "Phụ lục N", its title and
// which report it belongs to.
func (r *report) appendixHead(n, title string) {
	d := r.d
	d.page("L")
	w := d.textWidth()
	y := d.centred(d.left(), marginTop, w, fmt.Sprintf(txtAppendix, n), "B", 14, 14*ptMM*1.3)
	y = d.centred(d.left(), y, w, title, "B", 13, 13*ptMM*1.3)
	number := r.opts.Number
	if number == "" {
		number = txtNumberBlank
	}
	of := fmt.Sprintf(txtAppendixOf, number, r.opts.Date.In(r.opts.Location).Format("02/01/2006"), oneLine(r.opts.Issuer))
	y = d.centred(d.left(), y, w, of, "I", 12, 12*ptMM*1.3)
	d.pdf.SetXY(d.left(), y+4)
}

// appendixComparison is Phụ lục I: every computed field against the
// previous period and the same period a year earlier.
func (r *report) appendixComparison(ctx context.Context) error {
	c := r.c
	r.appendixHead("I", fmt.Sprintf(txtApp1Title, strings.ToUpper(c.Period.Label)))
	periodOf := func(b *reporting.Baseline, what string) string {
		if b == nil {
			return what + " " + txtNoPeriodShort
		}
		return what + " (" + b.Label + ")"
	}
	cols := []column{
		{txtColNo, 11, "C"}, {txtColField, 78, "L"}, {txtColMeasure, 19, "C"},
		{txtColThis + " (" + c.Period.Label + ")", 26, "R"},
		{periodOf(c.Previous, txtColPrevious), 26, "R"}, {txtColChange, 22, "R"}, {txtColPercent, 17, "R"},
		{periodOf(c.YearAgo, txtColYearAgo), 26, "R"}, {txtColChange, 22, "R"}, {txtColPercent, 17, "R"},
	}
	var rows []tableRow
	for i, cmp := range c.Comparisons() {
		f := cmp.Field
		rows = append(rows, tableRow{cells: []string{
			strconv.Itoa(i + 1), f.Label, f.Unit, reporting.FormatValue(f, cmp.Current),
			baseCell(f, cmp.Previous), signed(f, cmp.Previous.Delta), signedPct(cmp.Previous.Percent),
			baseCell(f, cmp.YearAgo), signed(f, cmp.YearAgo.Delta), signedPct(cmp.YearAgo.Percent),
		}})
	}
	if err := r.d.table(ctx, cols, rows, func(int) {}); err != nil {
		return err
	}
	for _, note := range c.BaselineNotes() {
		r.d.paragraph(note, para{style: "I", size: bodySize, justify: true, after: paraSpace})
	}
	return nil
}

// baseCell is an earlier period's figure; for a change over the units that
// reported both times, "then → now" over those units, which the change is
// from (the notes under the table say so).
func baseCell(f reporting.Field, ch reporting.Change) string {
	if ch.Compared {
		return reporting.FormatValue(f, ch.Base) + " → " + reporting.FormatValue(f, ch.Now)
	}
	return reporting.FormatValue(f, ch.Base)
}

func signed(f reporting.Field, d reporting.Decimal) string {
	if d.Sign() > 0 {
		return "+" + reporting.FormatValue(f, d)
	}
	return strings.Replace(reporting.FormatValue(f, d), "-", "−", 1)
}

func signedPct(d reporting.Decimal) string {
	if d.Sign() > 0 {
		return "+" + d.Format(1)
	}
	return strings.Replace(d.Format(1), "-", "−", 1)
}

// groupFieldsPerTable is how many field columns fit a landscape page next
// to the unit's name.
const groupFieldsPerTable = 7

// appendixGroups is Phụ lục II: the province, each kind and each parent
// with every computed field, seven fields to a table.
func (r *report) appendixGroups(ctx context.Context) error {
	c := r.c
	var fields []int
	for fi, f := range c.Fields {
		if reporting.Computed(f) {
			fields = append(fields, fi)
		}
	}
	var groups []reporting.Row
	for _, row := range c.Rows() {
		if row.Type != reporting.RowUnit {
			groups = append(groups, row)
		}
	}
	title := fmt.Sprintf(txtApp2Title, strings.ToUpper(c.Period.Label))
	for start := 0; start < len(fields) || start == 0; start += groupFieldsPerTable {
		if start == 0 {
			r.appendixHead("II", title)
		} else {
			r.d.page("L")
			r.d.centred(r.d.left(), marginTop, r.d.textWidth(), fmt.Sprintf(txtAppendixCont, "II"), "B", 13, 13*ptMM*1.3)
			r.d.pdf.SetXY(r.d.left(), marginTop+10)
		}
		chunk := fields[start:min(start+groupFieldsPerTable, len(fields))]
		fieldW := (r.d.textWidth() - 10 - 62 - 22) / float64(groupFieldsPerTable)
		cols := []column{{txtColNo, 10, "C"}, {txtColUnit, 62, "L"}, {txtColReported, 22, "C"}}
		for _, fi := range chunk {
			f := c.Fields[fi]
			head := f.Label
			if f.Unit != "" {
				head += " (" + f.Unit + ")"
			}
			cols = append(cols, column{head, fieldW, "R"})
		}
		var rows []tableRow
		for _, g := range groups {
			cells := []string{g.Number, g.Label, fmt.Sprintf("%d/%d", g.Group.Reported, g.Group.Obliged)}
			for _, fi := range chunk {
				cells = append(cells, reporting.FormatValue(c.Fields[fi], g.Group.Values[fi].Value))
			}
			rows = append(rows, tableRow{cells: cells, bold: g.Type != reporting.RowParent})
		}
		if err := r.d.table(ctx, cols, rows, func(int) {}); err != nil {
			return err
		}
		if len(fields) == 0 {
			break
		}
	}
	return nil
}

// appendixUnits is Phụ lục III: every unit with how it filed.
func (r *report) appendixUnits(ctx context.Context) error {
	c := r.c
	r.appendixHead("III", fmt.Sprintf(txtApp3Title, strings.ToUpper(c.Period.Label)))
	cols := []column{
		{txtColNo, 12, "C"}, {txtColUnit, 64, "L"}, {txtColParent, 54, "L"}, {txtColStatus, 44, "L"},
		{txtColFirst, 30, "C"}, {txtColDaysLate, 20, "R"}, {txtColDecision, 23, "C"},
	}
	rows := make([]tableRow, len(c.Units))
	for i := range c.Units {
		u := &c.Units[i]
		first := ""
		if !u.FirstSubmittedAt.IsZero() {
			first = u.FirstSubmittedAt.In(r.opts.Location).Format("15:04 02/01/2006")
		}
		late := ""
		if n := u.DaysLate(r.opts.Date); n > 0 {
			late = strconv.Itoa(n)
		}
		status := u.Status.Label()
		if !u.Reported() && !u.FirstSubmittedAt.IsZero() && u.Status != reporting.StatusReturned {
			status += txtNotCounted // sent, but not accepted in an accepted-only report
		}
		rows[i] = tableRow{cells: []string{strconv.Itoa(i + 1), u.Name, u.ParentName, status, first, late,
			u.ReviewDecision.Label()}}
	}
	return r.d.table(ctx, cols, rows, func(done int) { r.opts.Progress(done, len(rows)) })
}
