package xlsx

import (
	"context"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"baocao/reporting"
)

// compliance lists every unit with how it filed.
func (b *book) compliance(ctx context.Context, sw *excelize.StreamWriter) error {
	cols := []column{
		{txtColNo, 6, fmtInt}, {txtColCode, 10, fmtText}, {txtColUnit, 34, fmtText}, {txtColParent, 28, fmtText},
		{txtColKind, 22, fmtText}, {txtColStatus, 22, fmtText}, {txtColDeadline, 16, fmtTime},
		{txtColFirst, 16, fmtTime}, {txtColLast, 16, fmtTime}, {txtColVersions, 9, fmtInt},
		{txtColDaysLate, 9, fmtInt}, {txtColCounted, 9, fmtInt}, {txtColReviewer, 24, fmtText},
		{txtColDecision, 12, fmtText}, {txtColReviewedAt, 16, fmtTime}, {txtColReason, 30, fmtText},
	}
	i := 0
	return b.simpleTable(ctx, sw, sheetCompliance, fmt.Sprintf(txtComplianceHead, strings.ToUpper(b.c.Period.Label)), cols, func(row []any) bool {
		if i == len(b.c.Units) {
			return false
		}
		u := &b.c.Units[i]
		i++
		row[0], row[1], row[2], row[3] = i, u.Code, u.Name, nilIfEmpty(u.ParentName)
		row[4], row[5], row[6] = u.Kind.Label(), u.Status.Label(), b.local(u.Deadline)
		row[7], row[8], row[9] = b.local(u.FirstSubmittedAt), b.local(u.LastSubmittedAt), u.Versions
		if d := u.DaysLate(b.opts.Now); d > 0 {
			row[10] = d
		}
		if u.CountedVersion > 0 {
			row[11] = u.CountedVersion
		}
		row[12], row[13] = nilIfEmpty(u.Reviewer), nilIfEmpty(u.ReviewDecision.Label())
		row[14], row[15] = b.local(u.ReviewedAt), nilIfEmpty(u.StatusReason)
		return true
	})
}

// missing lists the units without a counting submission, exempt ones left
// out: those the province still waits for.
func (b *book) missing(ctx context.Context, sw *excelize.StreamWriter) error {
	cols := []column{
		{txtColNo, 6, fmtInt}, {txtColCode, 10, fmtText}, {txtColUnit, 36, fmtText}, {txtColParent, 30, fmtText},
		{txtColKind, 22, fmtText}, {txtColStatus, 24, fmtText}, {txtColDeadline, 16, fmtTime}, {txtColDaysOver, 10, fmtInt},
	}
	i, n := 0, 0
	return b.simpleTable(ctx, sw, sheetMissing, fmt.Sprintf(txtMissingHead, strings.ToUpper(b.c.Period.Label)), cols, func(row []any) bool {
		for ; i < len(b.c.Units); i++ {
			u := &b.c.Units[i]
			if u.Reported() || u.Status == reporting.StatusExempt {
				continue
			}
			i++
			n++
			row[0], row[1], row[2], row[3] = n, u.Code, u.Name, nilIfEmpty(u.ParentName)
			row[4], row[5], row[6] = u.Kind.Label(), u.Status.Label(), b.local(u.Deadline)
			if d := u.DaysLate(b.opts.Now); d > 0 {
				row[7] = d
			}
			return true
		}
		return false
	})
}

// compare sets each computed field's province total against the previous
// period and the same period a year earlier.
func (b *book) compare(ctx context.Context, sw *excelize.StreamWriter) error {
	label := func(base *reporting.Baseline, what string) string {
		if base == nil {
			return what + " " + txtNoPeriod
		}
		return what + " (" + base.Label + ")"
	}
	cols := []column{
		{txtColNo, 6, fmtInt}, {txtColField, 48, fmtText}, {txtColMeasure, 12, fmtText},
		{txtColThis + " (" + b.c.Period.Label + ")", 16, fmtDec},
		{label(b.c.Previous, txtColPrevious), 16, fmtDec}, {txtColSameUnits, 16, fmtDec}, {txtColChange, 14, fmtDec}, {txtColPercent, 12, fmtPct},
		{label(b.c.YearAgo, txtColYearAgo), 16, fmtDec}, {txtColSameUnits, 16, fmtDec}, {txtColChange, 14, fmtDec}, {txtColPercent, 12, fmtPct},
	}
	comps := b.c.Comparisons()
	for _, cmp := range comps {
		for k, d := range []reporting.Decimal{cmp.Current, cmp.Previous.Base, cmp.Previous.Now, cmp.Previous.Delta, cmp.Previous.Percent,
			cmp.YearAgo.Base, cmp.YearAgo.Now, cmp.YearAgo.Delta, cmp.YearAgo.Percent} {
			cols[3+k].width = figureWidth(cols[3+k].width, cols[3+k].format, d)
		}
	}
	i := 0
	return b.simpleTable(ctx, sw, sheetCompare, fmt.Sprintf(txtCompareHead, strings.ToUpper(b.c.Period.Label)), cols, func(row []any) bool {
		if i == len(comps) {
			return false
		}
		cmp := comps[i]
		i++
		row[0], row[1], row[2] = i, cmp.Field.Label, nilIfEmpty(cmp.Field.Unit)
		row[3] = figure(cmp.Current, fmtDec)
		row[4], row[5], row[6], row[7] = figure(cmp.Previous.Base, fmtDec), figure(cmp.Previous.Now, fmtDec),
			figure(cmp.Previous.Delta, fmtDec), figure(cmp.Previous.Percent, fmtPct)
		row[8], row[9], row[10], row[11] = figure(cmp.YearAgo.Base, fmtDec), figure(cmp.YearAgo.Now, fmtDec),
			figure(cmp.YearAgo.Delta, fmtDec), figure(cmp.YearAgo.Percent, fmtPct)
		return true
	}, b.c.BaselineNotes()...)
}

// choices counts, per group (province, kind, parent), the units that gave
// each answer of each choice field.
func (b *book) choices(ctx context.Context, sw *excelize.StreamWriter) error {
	type choiceCol struct{ field, choice int }
	cols := []column{{txtColNo, 6, fmtText}, {txtColUnit, 36, fmtText}, {txtColReported, 13, fmtText}}
	var cc []choiceCol
	for fi, f := range b.c.Fields {
		if f.Type != reporting.TypeChoice {
			continue
		}
		for ci, ch := range f.Choices {
			cc = append(cc, choiceCol{fi, ci})
			cols = append(cols, column{fmt.Sprintf(txtChoiceCol, f.Label, ch), 14, fmtInt})
		}
	}
	var groups []reporting.Row
	for _, r := range b.c.Rows() {
		if r.Type != reporting.RowUnit {
			groups = append(groups, r)
		}
	}
	i := 0
	return b.simpleTable(ctx, sw, sheetChoices, fmt.Sprintf(txtChoicesHead, strings.ToUpper(b.c.Period.Label)), cols, func(row []any) bool {
		if i == len(groups) {
			return false
		}
		g := groups[i]
		i++
		row[0], row[1] = nilIfEmpty(g.Number), g.Label
		row[2] = fmt.Sprintf(txtReportedOf, g.Group.Reported, g.Group.Obliged)
		for k, c := range cc {
			if counts := g.Group.Values[c.field].Choices; counts != nil {
				row[3+k] = counts[c.choice]
			}
		}
		return true
	})
}

// texts lists every non-empty text answer, unit by unit, field by field.
func (b *book) texts(ctx context.Context, sw *excelize.StreamWriter) error {
	cols := []column{
		{txtColNo, 6, fmtInt}, {txtColUnit, 30, fmtText}, {txtColParent, 26, fmtText},
		{txtColField, 30, fmtText}, {txtColContent, 90, fmtText},
	}
	var textFields []int
	for fi, f := range b.c.Fields {
		if f.Type == reporting.TypeText {
			textFields = append(textFields, fi)
		}
	}
	ui, k, n := 0, 0, 0
	return b.simpleTable(ctx, sw, sheetTexts, fmt.Sprintf(txtTextsHead, strings.ToUpper(b.c.Period.Label)), cols, func(row []any) bool {
		for ; ui < len(b.c.Units); ui, k = ui+1, 0 {
			u := &b.c.Units[ui]
			for ; u.Reported() && k < len(textFields); k++ {
				v := u.Values[textFields[k]].Text
				if v == "" {
					continue
				}
				n++
				// v is whatever the clerk typed, "=…" included: it goes in
				// as a string cell.
				row[0], row[1], row[2] = n, u.Name, nilIfEmpty(u.ParentName)
				row[3], row[4] = b.c.Fields[textFields[k]].Label, v
				k++
				return true
			}
		}
		return false
	})
}

// levels sets each higher unit's own figures beside its children's sums,
// for a form whose higher units consolidate their children's reports.
func (b *book) levels(ctx context.Context, sw *excelize.StreamWriter) error {
	checks := b.c.LevelChecks()
	cols := []column{
		{txtColNo, 6, fmtInt}, {txtColCode, 10, fmtText}, {txtColUnit, 30, fmtText}, {txtColField, 44, fmtText},
		{txtColOwn, 16, fmtDec}, {txtColChildren, 16, fmtDec}, {txtColChildrenRep, 14, fmtText}, {txtColDifference, 14, fmtDec},
	}
	i := 0
	return b.simpleTable(ctx, sw, sheetLevels, fmt.Sprintf(txtLevelsHead, strings.ToUpper(b.c.Period.Label)), cols, func(row []any) bool {
		if i == len(checks) {
			return false
		}
		lc := checks[i]
		i++
		row[0], row[1], row[2], row[3] = i, lc.UnitCode, lc.UnitName, lc.Field.Label
		row[4], row[5] = figure(lc.Own, fmtDec), figure(lc.Children, fmtDec)
		row[6], row[7] = fmt.Sprintf(txtReportedOf, lc.ChildrenReported, lc.ChildrenObliged), figure(lc.Difference, fmtDec)
		return true
	}, txtLevelsNote)
}

// signals lists the counting reports' data-quality signals no reviewer
// explained: unit, field, value, what it was compared with and why.
func (b *book) signals(ctx context.Context, sw *excelize.StreamWriter) error {
	cols := []column{
		{txtColNo, 6, fmtInt}, {txtColCode, 10, fmtText}, {txtColUnit, 30, fmtText}, {txtColField, 40, fmtText},
		{txtColValue, 14, fmtText}, {txtColSignal, 22, fmtText}, {txtColVsWhat, 26, fmtText}, {txtColReason, 70, fmtText},
	}
	ui, k, n := 0, 0, 0
	note := txtSignalsNote
	if len(b.c.Unexplained) == 0 {
		note = txtSignalsNone
	}
	return b.simpleTable(ctx, sw, sheetSignals, fmt.Sprintf(txtSignalsHead, strings.ToUpper(b.c.Period.Label)), cols, func(row []any) bool {
		for ; ui < len(b.c.Unexplained); ui, k = ui+1, 0 {
			us := &b.c.Unexplained[ui]
			if k < len(us.Signals) {
				sg := us.Signals[k]
				n++
				k++
				row[0], row[1], row[2], row[3] = n, us.UnitCode, us.UnitName, sg.Label
				row[4], row[5], row[6], row[7] = sg.Value, sg.Kind.Label(), sg.Reference, sg.Reason
				return true
			}
		}
		return false
	}, note)
}
