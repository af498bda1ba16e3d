package xlsx

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"baocao/reporting"
	"baocao/xlsxdim"
)

// The annual evaluation's workbook: every unit's points per criterion,
// total, rating and ranks; the reason of every point; the results per
// parent unit and per kind; the scorecard itself.

// Texts of the evaluation workbook.
const (
	sheetEvalResults  = "Kết quả"
	sheetEvalReasons  = "Lý do từng điểm"
	sheetEvalGroups   = "Theo cấp trên"
	sheetEvalCriteria = "Bộ tiêu chí"

	txtEvalTitle       = "KẾT QUẢ ĐÁNH GIÁ MỨC ĐỘ THỰC HIỆN DÂN CHỦ Ở CƠ SỞ NĂM %d"
	txtEvalReasonsHead = "LÝ DO CỦA TỪNG ĐIỂM — NĂM %d"
	txtEvalGroupsHead  = "KẾT QUẢ THEO LOẠI ĐƠN VỊ VÀ ĐƠN VỊ CẤP TRÊN — NĂM %d"
	txtEvalCritHead    = "BỘ TIÊU CHÍ VÀ THANG ĐIỂM"
	txtEvalSub         = "%s trên địa bàn %s; số liệu tính đến %s; %s."
	txtEvalClosedAt    = "kết quả chính thức (đợt đánh giá kết thúc lúc %s)"
	txtEvalOpen        = "KẾT QUẢ TẠM THỜI (đợt đánh giá chưa kết thúc)"
	txtColRankKind     = "Hạng trong loại"
	txtColRankParent   = "Hạng trong đơn vị cấp trên"
	txtColTotal        = "Tổng điểm"
	txtColMaxApplic    = "Điểm tối đa áp dụng"
	txtColScore        = "Điểm quy đổi (thang 100)"
	txtColRating       = "Xếp loại"
	txtColChangeYear   = "Thay đổi so với năm trước (điểm)"
	txtColComparedWith = "So với"
	txtColCriterion    = "Tiêu chí"
	txtColPoints       = "Điểm"
	txtColMax          = "Điểm tối đa"
	txtColMeasured     = "Kết quả đo"
	txtColApplies      = "Áp dụng"
	txtColHow          = "Cách chấm"
	txtColBasis        = "Căn cứ"
	txtColGroup        = "Nhóm"
	txtColUnits        = "Số đơn vị"
	txtColMean         = "Điểm bình quân"
	txtYes             = "Có"
	txtNo              = "Không"
	txtNotApplicable   = "không áp dụng"
	txtEvalNote        = "Tiêu chí không áp dụng với đơn vị (không có kỳ báo cáo phải nộp, không phát sinh nội dung) không tính vào điểm tối đa của đơn vị; điểm quy đổi = tổng điểm / điểm tối đa áp dụng × 100."
)

// WriteEvaluation writes round r's workbook to w.
func WriteEvaluation(ctx context.Context, w io.Writer, r *reporting.EvaluationResults, opts Options) error {
	opts = opts.withDefaults()
	f := excelize.NewFile()
	defer f.Close() //nolint:errcheck // removes the stream's temporary files
	territory, _ := reporting.TerritoryOf(r.Province)
	state := txtEvalOpen
	if r.ClosedAt != nil {
		state = fmt.Sprintf(txtEvalClosedAt, r.ClosedAt.In(opts.Location).Format("15:04 02/01/2006"))
	}
	b := &book{f: f, opts: opts, subtitle: fmt.Sprintf(txtEvalSub, r.Scorecard.Title, territory,
		r.AsAt.In(opts.Location).Format("15:04 02/01/2006"), state)}
	if err := b.styles(); err != nil {
		return fmt.Errorf("workbook styles: %w", err)
	}
	e := &evalBook{book: b, r: r, units: slices.Clone(r.Units)}
	slices.SortStableFunc(e.units, func(a, b reporting.EvaluatedUnit) int {
		if a.Kind != b.Kind {
			return strings.Compare(string(a.Kind), string(b.Kind))
		}
		return a.RankKind - b.RankKind
	})
	if err := b.writeSheets(ctx, []step{
		{sheetEvalResults, e.results},
		{sheetEvalReasons, e.reasons},
		{sheetEvalGroups, e.groups},
		{sheetEvalCriteria, e.criteria},
	}); err != nil {
		return err
	}
	created := opts.Now.UTC().Format(time.RFC3339)
	if err := f.SetDocProps(&excelize.DocProperties{
		Title: fmt.Sprintf(txtEvalTitle, r.Year), Subject: r.Scorecard.Title, Creator: opts.Creator, LastModifiedBy: opts.Creator,
		Created: created, Modified: created, Language: "vi-VN", Category: r.Scorecard.Code, Keywords: strconv.Itoa(r.Year),
	}); err != nil {
		return fmt.Errorf("document properties: %w", err)
	}
	xlsxdim.Use(f)
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	return nil
}

type evalBook struct {
	*book
	r     *reporting.EvaluationResults
	units []reporting.EvaluatedUnit // by kind, then rank
}

// rows feeds simpleTable from a slice of rows.
func rows(all [][]any) func([]any) bool {
	i := 0
	return func(row []any) bool {
		if i == len(all) {
			return false
		}
		copy(row, all[i])
		i++
		return true
	}
}

func (e *evalBook) results(ctx context.Context, sw *excelize.StreamWriter) error {
	crits := e.r.Scorecard.Criteria()
	cols := []column{{txtColRankKind, 8, fmtInt}, {txtColCode, 10, fmtText}, {txtColUnit, 34, fmtText}, {txtColKind, 14, fmtText}, {txtColParent, 28, fmtText}}
	for i, c := range crits {
		cols = append(cols, column{fmt.Sprintf("TC%d. %s (tối đa %s)", i+1, c.Title, reporting.FormatPoints(c.Max)), 12, fmtDec})
	}
	cols = append(cols, column{txtColTotal, 10, fmtDec}, column{txtColMaxApplic, 10, fmtDec}, column{txtColScore, 11, fmtDec},
		column{txtColRating, 11, fmtText}, column{txtColRankParent, 10, fmtInt}, column{txtColChangeYear, 12, fmtDec}, column{txtColComparedWith, 20, fmtText})
	var all [][]any
	for _, u := range e.units {
		row := []any{u.RankKind, u.Code, u.Name, u.Kind.Label(), e.r.ParentNames[u.Parent]}
		for _, c := range u.Criteria {
			if c.Applicable {
				row = append(row, c.Points)
			} else {
				row = append(row, txtNotApplicable)
			}
		}
		var change, with any
		if u.Change != nil {
			change, with = *u.Change, strings.Join(u.Compared, ", ")
		}
		all = append(all, append(row, u.Total, u.MaxApplicable, u.Score, u.Rating, u.RankParent, change, with))
	}
	return e.simpleTable(ctx, sw, sheetEvalResults, fmt.Sprintf(txtEvalTitle, e.r.Year), cols, rows(all), txtEvalNote)
}

func (e *evalBook) reasons(ctx context.Context, sw *excelize.StreamWriter) error {
	crits := e.r.Scorecard.Criteria()
	cols := []column{{txtColCode, 10, fmtText}, {txtColUnit, 30, fmtText}, {txtColCriterion, 34, fmtText}, {txtColPoints, 8, fmtDec},
		{txtColMax, 8, fmtDec}, {txtColApplies, 9, fmtText}, {txtColMeasured, 12, fmtText}, {txtColReason, 70, fmtText}}
	var all [][]any
	for _, u := range e.units {
		for i, c := range u.Criteria {
			title := c.Code
			if i < len(crits) {
				title = fmt.Sprintf("TC%d. %s", i+1, crits[i].Title)
			}
			applies := txtYes
			if !c.Applicable {
				applies = txtNo
			}
			all = append(all, []any{u.Code, u.Name, title, c.Points, c.Max, applies, c.Value, c.Reason})
		}
	}
	return e.simpleTable(ctx, sw, sheetEvalReasons, fmt.Sprintf(txtEvalReasonsHead, e.r.Year), cols, rows(all))
}

func (e *evalBook) groups(ctx context.Context, sw *excelize.StreamWriter) error {
	cols := []column{{txtColGroup, 36, fmtText}, {txtColUnits, 10, fmtInt}, {txtColMean, 12, fmtDec}}
	for _, rb := range e.r.Scorecard.Ratings {
		cols = append(cols, column{rb.Label, 10, fmtInt})
	}
	var all [][]any
	add := func(label string, units int, mean float64, counts []int) {
		row := []any{label, units, mean}
		for _, n := range counts {
			row = append(row, n)
		}
		all = append(all, row)
	}
	var sum float64
	for _, u := range e.r.Units {
		sum += u.Score
	}
	mean := 0.0
	if len(e.r.Units) > 0 {
		mean = float64(int(sum/float64(len(e.r.Units))*100+0.5)) / 100
	}
	add("Toàn tỉnh", len(e.r.Units), mean, e.r.Ratings)
	for _, g := range e.r.Kinds {
		add(g.Label, g.Units, g.Mean, g.Ratings)
	}
	for _, g := range e.r.Parents {
		add(g.Label, g.Units, g.Mean, g.Ratings)
	}
	return e.simpleTable(ctx, sw, sheetEvalGroups, fmt.Sprintf(txtEvalGroupsHead, e.r.Year), cols, rows(all))
}

func (e *evalBook) criteria(ctx context.Context, sw *excelize.StreamWriter) error {
	cols := []column{{"Ký hiệu", 8, fmtText}, {txtColCriterion, 50, fmtText}, {txtColMax, 10, fmtDec}, {txtColHow, 30, fmtText}, {txtColBasis, 70, fmtText}}
	var all [][]any
	i := 0
	for _, s := range e.r.Scorecard.Sections {
		all = append(all, []any{"", s.Title, nil, "", ""})
		for _, c := range s.Criteria {
			i++
			all = append(all, []any{"TC" + strconv.Itoa(i), c.Title, c.Max, c.KindLabel(), c.Basis})
		}
	}
	var bands []string
	for _, rb := range e.r.Scorecard.Ratings {
		bands = append(bands, fmt.Sprintf("%s: từ %s điểm", rb.Label, reporting.FormatPoints(rb.Min)))
	}
	return e.simpleTable(ctx, sw, sheetEvalCriteria, txtEvalCritHead, cols, rows(all), "Xếp loại (thang 100): "+strings.Join(bands, "; ")+".")
}
