package xlsx

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"baocao/reporting"
)

// The summary sheet's layout: rows 1–2 title, 4–6 header (section, field,
// column number), data from row 7; columns A–C are number, unit and how
// many reported, then one column per field.
const (
	summaryHeaderTop = 4
	summaryHeaderEnd = 6
	summaryFirstData = summaryHeaderEnd + 1
	summaryFixedCols = 3
)

// summaryColumn is one field's column in the summary: a computed number, a
// choice (the unit's answer; on total rows the count of units that
// answered, the field's "count" rule — the count per choice has its own
// sheet) or a date (units only). Text fields have their own sheet.
type summaryColumn struct {
	field  int // index in Consolidation.Fields
	format numFmt
	choice bool
	width  float64 // in characters
}

func summaryColumns(c *reporting.Consolidation) []summaryColumn {
	var cols []summaryColumn
	for fi, f := range c.Fields {
		switch {
		case reporting.Computed(f):
			cols = append(cols, summaryColumn{field: fi, format: valueFormat(f)})
		case f.Type == reporting.TypeChoice:
			cols = append(cols, summaryColumn{field: fi, format: fmtInt, choice: true})
		case f.Type == reporting.TypeDate:
			cols = append(cols, summaryColumn{field: fi, format: fmtDate})
		}
	}
	return cols
}

// valueFormat is the number format of a computed field's values, matching
// reporting.ValuePlaces.
func valueFormat(f reporting.Field) numFmt {
	switch reporting.ValuePlaces(f) {
	case 0:
		return fmtInt
	case 1:
		return fmtPct
	}
	return fmtDec
}

// fieldHeader is a field's column title: label, unit of measure and, when
// totals are not sums, how they are computed.
func fieldHeader(f reporting.Field) string {
	h := f.Label
	switch {
	case f.Type == reporting.TypeChoice:
		return h + " " + txtChoiceHeader
	case f.Unit == "%":
		h += " (%)"
	case f.Unit != "":
		h += " (" + f.Unit + ")"
	}
	switch f.Aggregate {
	case reporting.AggAvg:
		h += " — " + txtAggAvg
	case reporting.AggRatio:
		h += " — " + txtAggRatio
	case reporting.AggMin:
		h += " — " + txtAggMin
	case reporting.AggMax:
		h += " — " + txtAggMax
	}
	return h
}

// Widths of the summary's columns, in characters: the fixed ones (STT,
// unit, reported), and a field's unless its figures need more.
var summaryFixedWidths = [summaryFixedCols]float64{6, 36, 13}

const fieldWidth = 13

// summaryWidth is the summary's width in characters.
func summaryWidth(cols []summaryColumn) float64 {
	w := 0.0
	for _, x := range summaryFixedWidths {
		w += x
	}
	for _, col := range cols {
		w += col.width
	}
	return w
}

// fitFigures widens each number column to its longest figure, totals and
// units alike: a column too narrow shows "###" for a number and cuts a
// long figure written as text.
func fitFigures(c *reporting.Consolidation, cols []summaryColumn) {
	for i := range cols {
		col := &cols[i]
		col.width = fieldWidth
		if col.choice || col.format == fmtDate {
			continue
		}
		col.width = figureWidth(col.width, col.format, c.Total.Values[col.field].Value)
		for gi := range c.Groups {
			col.width = figureWidth(col.width, col.format, c.Groups[gi].Values[col.field].Value)
		}
		for ui := range c.Units {
			if u := &c.Units[ui]; u.Reported() {
				col.width = figureWidth(col.width, col.format, u.Values[col.field].Num)
			}
		}
	}
}

func (b *book) summary(ctx context.Context, sw *excelize.StreamWriter) error {
	c := b.c
	cols := summaryColumns(c)
	fitFigures(c, cols)
	width := summaryFixedCols + len(cols)
	for i, w := range summaryFixedWidths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	for i, col := range cols {
		if err := sw.SetColWidth(summaryFixedCols+i+1, summaryFixedCols+i+1, col.width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, XSplit: summaryFixedCols, YSplit: summaryHeaderEnd,
		TopLeftCell: cellName(summaryFixedCols+1, summaryFirstData), ActivePane: "bottomRight"}); err != nil {
		return err
	}
	if err := b.title(sw, width, fmt.Sprintf(txtTitle, strings.ToUpper(c.Form.Title)), b.periodLine()); err != nil {
		return err
	}
	if err := b.summaryHeader(sw, cols, width); err != nil {
		return err
	}
	if err := b.printTitles(sheetSummary, summaryHeaderTop, summaryHeaderEnd, summaryFixedCols); err != nil {
		return err
	}
	if err := b.fitWidth(sheetSummary, summaryWidth(cols)); err != nil {
		return err
	}

	rows := c.Rows()
	r := newRow(width)
	for i, line := range rows {
		n := summaryFirstData + i
		var err error
		if line.Type == reporting.RowUnit {
			b.unitRow(r, line, cols)
		} else {
			b.groupRow(r, line, cols)
		}
		if err = sw.SetRow(cellName(1, n), r.values, b.rowOpts(0)); err != nil {
			return err
		}
		if i > 0 && i%progressEvery == 0 {
			b.opts.Progress(i, len(rows))
			if err := ctx.Err(); err != nil {
				return err
			}
		}
	}
	b.opts.Progress(len(rows), len(rows))
	if r.long {
		return b.notes(sw, summaryFirstData+len(rows)+1, width, summaryWidth(cols), []string{txtLongFigures})
	}
	return nil
}

// summaryHeader writes rows 4–6: sections, fields, column numbers,
// merging what spans.
func (b *book) summaryHeader(sw *excelize.StreamWriter, cols []summaryColumn, width int) error {
	c := b.c
	rows := [3]*row{newRow(width), newRow(width), newRow(width)}
	for _, r := range rows {
		for i := range width {
			r.set(i, b.st.header, nil)
		}
	}
	var merges [][2]string
	merge := func(c1, r1, c2, r2 int) {
		if c1 != c2 || r1 != r2 {
			merges = append(merges, [2]string{cellName(c1, r1), cellName(c2, r2)})
		}
	}
	for i, t := range []string{txtColNo, txtColUnit, txtColReported} {
		rows[0].set(i, b.st.header, t)
		merge(i+1, summaryHeaderTop, i+1, summaryHeaderTop+1)
	}
	// A section spans its fields' consecutive columns.
	section := make([]int, len(c.Fields))
	for si, n := 0, 0; si < len(c.Form.Sections); si++ {
		for range c.Form.Sections[si].Fields {
			section[n] = si
			n++
		}
	}
	for i := 0; i < len(cols); {
		si := section[cols[i].field]
		j := i
		for j < len(cols) && section[cols[j].field] == si {
			j++
		}
		rows[0].set(summaryFixedCols+i, b.st.headerLeft, c.Form.Sections[si].Title)
		merge(summaryFixedCols+i+1, summaryHeaderTop, summaryFixedCols+j, summaryHeaderTop)
		i = j
	}
	for i, col := range cols {
		rows[1].set(summaryFixedCols+i, b.st.header, fieldHeader(c.Fields[col.field]))
	}
	for i := range width {
		rows[2].set(i, b.st.header, "("+strconv.Itoa(i+1)+")")
	}
	heights := [3]float64{30, 105, 16}
	for i, r := range rows {
		if err := sw.SetRow(cellName(1, summaryHeaderTop+i), r.values, b.rowOpts(heights[i])); err != nil {
			return err
		}
	}
	for _, m := range merges {
		if err := sw.MergeCell(m[0], m[1]); err != nil {
			return err
		}
	}
	return nil
}

var rowClasses = map[reporting.RowType]rowClass{
	reporting.RowProvince: classProvince,
	reporting.RowKind:     classKind,
	reporting.RowParent:   classParent,
	reporting.RowUnit:     classUnit,
}

// groupRow fills a total row: aggregates, the count of units that
// answered each choice field, no dates. A field no unit of the group
// reported stays empty, not 0.
func (b *book) groupRow(r *row, line reporting.Row, cols []summaryColumn) {
	st := &b.st.cell[rowClasses[line.Type]]
	g := line.Group
	r.set(0, st[fmtText], nilIfEmpty(line.Number))
	r.set(1, st[fmtText], line.Label)
	r.set(2, st[fmtText], fmt.Sprintf(txtReportedOf, g.Reported, g.Obliged))
	for i, col := range cols {
		a := g.Values[col.field]
		var v any
		if col.choice {
			v = a.Count
		} else {
			v = figure(a.Value, col.format)
		}
		r.put(summaryFixedCols+i, st, col.format, v)
	}
}

// unitRow fills a unit's row: its values, or "not reported" and empty
// cells when no submission counts.
func (b *book) unitRow(r *row, line reporting.Row, cols []summaryColumn) {
	st := &b.st.cell[classUnit]
	u := line.Unit
	no, _ := strconv.Atoi(line.Number)
	r.set(0, st[fmtInt], no)
	r.set(1, st[fmtText], u.Name)
	if !u.Reported() {
		r.set(2, st[fmtText], reporting.NotReported)
		for i, col := range cols {
			r.set(summaryFixedCols+i, st[col.format], nil)
		}
		return
	}
	r.set(2, st[fmtText], nil)
	for i, col := range cols {
		v := u.Values[col.field]
		var x any
		format := col.format
		switch {
		case col.choice:
			x, format = nilIfEmpty(v.Text), fmtText // an answer from the form's list, as text
		case col.format == fmtDate:
			x = serial(v.Day)
		default:
			x = figure(v.Num, format)
		}
		r.put(summaryFixedCols+i, st, format, x)
	}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
