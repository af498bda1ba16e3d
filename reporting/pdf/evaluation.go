package pdf

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"baocao/reporting"
)

// The annual evaluation's report ("Báo cáo kết quả đánh giá mức độ thực
// hiện dân chủ ở cơ sở năm …"), in the same Decree 30 layout: how the units
// were evaluated, the distribution of ratings for the province, per kind
// and per parent unit, the change from last year, then the criteria and
// the ranking in landscape appendices.

// Texts of the evaluation report.
const (
	txtEvalSubject     = "Kết quả đánh giá mức độ thực hiện dân chủ ở cơ sở năm %d trên địa bàn %s" // year, territory
	txtEvalProvisional = "KẾT QUẢ TẠM THỜI — đợt đánh giá chưa kết thúc, điểm số còn có thể thay đổi."
	txtEvalSec1        = "I. PHẠM VI VÀ CÁCH THỨC ĐÁNH GIÁ"
	txtEvalSec1Para    = "Thực hiện Nghị quyết của Hội đồng nhân dân về thực hiện dân chủ ở cơ sở, %d đơn vị (%s) được đánh giá theo “%s” (thang 100 điểm, %d tiêu chí: %d tiêu chí chấm tự động từ việc chấp hành chế độ báo cáo, %d tiêu chí chấm tự động từ số liệu báo cáo, %d tiêu chí do đoàn đánh giá chấm có căn cứ). Số liệu được tính đến %s; các tiêu chí không áp dụng với một đơn vị (không có kỳ báo cáo phải nộp, không phát sinh nội dung) không tính vào thang điểm của đơn vị đó. Bộ tiêu chí, căn cứ của từng tiêu chí tại Phụ lục I."
	txtEvalSec2        = "II. KẾT QUẢ ĐÁNH GIÁ"
	txtEvalRatings     = "Kết quả xếp loại: %s. Điểm bình quân %s điểm."
	txtEvalRatingItem  = "%s %s đơn vị (%s%%)"
	txtEvalByKind      = "Theo loại đơn vị: %s."
	txtEvalKindItem    = "%s: %s đơn vị, bình quân %s điểm (%s)"
	txtEvalChange      = "So với năm %d, trên %d đơn vị có kết quả cả hai năm (trong đó %d đơn vị so với các đơn vị tiền thân theo sắp xếp đơn vị hành chính): %d đơn vị tăng điểm, %d đơn vị giảm điểm, %d đơn vị giữ nguyên; điểm bình quân thay đổi %s điểm."
	txtEvalNoPrevious  = "Chưa có kết quả đánh giá năm trước đã kết thúc để so sánh."
	txtEvalWeak        = "Các đơn vị xếp loại %s: %s."
	txtEvalNoWeak      = "Không có đơn vị xếp loại %s."
	txtEvalWeakN       = "Có %d đơn vị xếp loại %s, danh sách tại Phụ lục II."
	txtEvalPending     = "Còn %d tiêu chí do đoàn đánh giá chấm chưa có điểm (được tính 0 điểm)."
	txtEvalRefs        = "Điểm của từng tiêu chí và thứ hạng của từng đơn vị tại Phụ lục II; lý do của từng điểm tại phiếu điểm của đơn vị trên hệ thống và trong tệp Excel kèm theo."
	txtEvalClosing     = "Trên đây là báo cáo kết quả đánh giá mức độ thực hiện dân chủ ở cơ sở năm %d trên địa bàn %s./."
	txtEvalApp1        = "BỘ TIÊU CHÍ VÀ THANG ĐIỂM: %s"
	txtEvalApp2        = "ĐIỂM VÀ XẾP HẠNG CỦA CÁC ĐƠN VỊ NĂM %d"
	txtEvalColCode     = "Ký hiệu"
	txtEvalColCrit     = "Tiêu chí"
	txtEvalColMax      = "Điểm tối đa"
	txtEvalColHow      = "Cách chấm"
	txtEvalColBasis    = "Căn cứ"
	txtEvalColRank     = "Hạng"
	txtEvalColUnit     = "Đơn vị"
	txtEvalColParent   = "Cấp trên (hạng)"
	txtEvalColTotal    = "Tổng điểm"
	txtEvalColScore    = "Quy đổi 100"
	txtEvalColRating   = "Xếp loại"
	txtEvalColChange   = "So với năm trước"
	txtEvalNA          = "–"
)

// maxNamed is how many units the report names in a sentence; more are
// left to the appendix.
const maxNamed = 20

// WriteEvaluation writes the evaluation report of r to w.
func WriteEvaluation(ctx context.Context, w io.Writer, r *reporting.EvaluationResults, opts Options) error {
	if opts.Subject == "" {
		opts.Subject = fmt.Sprintf(txtEvalSubject, r.Year, territory(r.Province))
	}
	opts = opts.withIssuer(r.Province)
	d := newDoc(opts)
	rep := &report{d: d, opts: opts}
	d.pdf.SetTitle(nfc(txtReport+" "+opts.Subject), true)
	d.pdf.SetSubject(nfc(r.Scorecard.Title), true)
	d.pdf.SetAuthor(nfc(strings.ReplaceAll(opts.Issuer, "\n", " ")), true)

	d.page("P")
	rep.heading()
	if r.ClosedAt == nil {
		d.paragraph(txtEvalProvisional, para{style: "B", size: 12, after: paraSpace})
	}
	evalScope(d, r, opts)
	evalResults(d, r)
	d.paragraph(fmt.Sprintf(txtEvalClosing, r.Year, territory(r.Province)), body)
	rep.signature()

	rep.appendixHead("I", fmt.Sprintf(txtEvalApp1, strings.ToUpper(r.Scorecard.Title)))
	if err := d.table(ctx, []column{{txtEvalColCode, 14, "C"}, {txtEvalColCrit, 80, "L"}, {txtEvalColMax, 18, "R"}, {txtEvalColHow, 45, "L"}, {txtEvalColBasis, 90, "L"}},
		criteriaRows(r.Scorecard), func(int) {}); err != nil {
		return err
	}
	rep.appendixHead("II", fmt.Sprintf(txtEvalApp2, r.Year))
	cols, rows := rankingTable(r)
	total := len(rows)
	if err := d.table(ctx, cols, rows, func(done int) { opts.Progress(done, total) }); err != nil {
		return err
	}
	if err := d.pdf.Error(); err != nil {
		return fmt.Errorf("lay out evaluation report: %w", err)
	}
	if err := d.pdf.Output(w); err != nil {
		return fmt.Errorf("write evaluation report: %w", err)
	}
	return nil
}

func evalScope(d *doc, r *reporting.EvaluationResults, opts Options) {
	d.paragraph(txtEvalSec1, heading)
	var kinds []string
	for _, k := range r.Kinds {
		kinds = append(kinds, fmt.Sprintf("%s %s", count(k.Units), k.Label))
	}
	n := map[string]int{}
	for _, c := range r.Scorecard.Criteria() {
		n[c.Kind()]++
	}
	d.paragraph(fmt.Sprintf(txtEvalSec1Para, len(r.Units), strings.Join(kinds, ", "), r.Scorecard.Title, len(r.Scorecard.Criteria()),
		n["discipline"], n["figures"], n["inspector"], reporting.FormatDateTime(r.AsAt.In(opts.Location))), body)
}

func evalResults(d *doc, r *reporting.EvaluationResults) {
	d.paragraph(txtEvalSec2, heading)
	var sum float64
	for _, u := range r.Units {
		sum += u.Score
	}
	mean := 0.0
	if len(r.Units) > 0 {
		mean = sum / float64(len(r.Units))
	}
	d.paragraph(fmt.Sprintf(txtEvalRatings, ratingList(r.Scorecard, r.Ratings, len(r.Units)), reporting.FormatPoints(mean)), body)
	if len(r.Kinds) > 1 {
		var items []string
		for _, k := range r.Kinds {
			items = append(items, fmt.Sprintf(txtEvalKindItem, k.Label, count(k.Units), reporting.FormatPoints(k.Mean), ratingList(r.Scorecard, k.Ratings, k.Units)))
		}
		d.paragraph(fmt.Sprintf(txtEvalByKind, strings.Join(items, "; ")), body)
	}
	if r.PreviousYear > 0 {
		var up, down, same int
		var change float64
		for _, u := range r.Units {
			if u.Change == nil {
				continue
			}
			change += *u.Change
			switch {
			case *u.Change > 0:
				up++
			case *u.Change < 0:
				down++
			default:
				same++
			}
		}
		if r.Compared > 0 {
			change /= float64(r.Compared)
		}
		d.paragraph(fmt.Sprintf(txtEvalChange, r.PreviousYear, r.Compared, r.Regrouped, up, down, same, signedPoints(change)), body)
	} else {
		d.paragraph(txtEvalNoPrevious, body)
	}
	if n := len(r.Scorecard.Ratings); n > 0 {
		lowest := r.Scorecard.Ratings[n-1].Label
		var names []string
		for _, u := range r.Units {
			if u.Rating == lowest {
				names = append(names, u.Name)
			}
		}
		switch {
		case len(names) > maxNamed:
			d.paragraph(fmt.Sprintf(txtEvalWeakN, len(names), lowest), body)
		case len(names) > 0:
			d.paragraph(fmt.Sprintf(txtEvalWeak, lowest, strings.Join(names, ", ")), body)
		default:
			d.paragraph(fmt.Sprintf(txtEvalNoWeak, lowest), body)
		}
	}
	if r.Pending > 0 {
		d.paragraph(fmt.Sprintf(txtEvalPending, r.Pending), body)
	}
	d.paragraph(txtEvalRefs, body)
}

// ratingList is "Tốt 12 đơn vị (12,6%), Khá …".
func ratingList(sc reporting.Scorecard, counts []int, total int) string {
	items := make([]string, len(sc.Ratings))
	for i, rb := range sc.Ratings {
		pct := 0.0
		if total > 0 {
			pct = float64(counts[i]) / float64(total) * 100
		}
		items[i] = fmt.Sprintf(txtEvalRatingItem, rb.Label, count(counts[i]), strings.TrimSuffix(reporting.FormatPercent(pct), "%"))
	}
	return strings.Join(items, ", ")
}

func signedPoints(f float64) string {
	if f > 0 {
		return "+" + reporting.FormatPoints(f)
	}
	return reporting.FormatPoints(f)
}

func criteriaRows(sc reporting.Scorecard) []tableRow {
	var rows []tableRow
	i := 0
	for _, s := range sc.Sections {
		rows = append(rows, tableRow{bold: true, cells: []string{"", s.Title, "", "", ""}})
		for _, c := range s.Criteria {
			i++
			rows = append(rows, tableRow{cells: []string{"TC" + strconv.Itoa(i), c.Title, reporting.FormatPoints(c.Max), c.KindLabel(), c.Basis}})
		}
	}
	rows = append(rows, tableRow{bold: true, cells: []string{"", "Tổng cộng", reporting.FormatPoints(sc.MaxPoints()), "", ""}})
	return rows
}

// rankingTable is every unit, best first: its rank among its kind, its
// points per criterion, total, score on 100, rating, rank under its parent
// and the change from last year.
func rankingTable(r *reporting.EvaluationResults) ([]column, []tableRow) {
	crits := r.Scorecard.Criteria()
	cols := []column{{txtEvalColRank, 11, "C"}, {txtEvalColUnit, 48, "L"}, {txtEvalColParent, 36, "L"}}
	for i := range crits {
		cols = append(cols, column{"TC" + strconv.Itoa(i+1), 11, "R"})
	}
	cols = append(cols, column{txtEvalColTotal, 15, "R"}, column{txtEvalColScore, 15, "R"}, column{txtEvalColRating, 17, "C"}, column{txtEvalColChange, 17, "R"})
	units := append([]reporting.EvaluatedUnit(nil), r.Units...)
	sortByRank(units)
	rows := make([]tableRow, 0, len(units))
	for _, u := range units {
		cells := []string{strconv.Itoa(u.RankKind), u.Name, fmt.Sprintf("%s (%d)", r.ParentNames[u.Parent], u.RankParent)}
		for _, c := range u.Criteria {
			switch {
			case !c.Applicable:
				cells = append(cells, txtEvalNA)
			default:
				cells = append(cells, reporting.FormatPoints(c.Points))
			}
		}
		change := txtEvalNA
		if u.Change != nil {
			change = signedPoints(*u.Change)
		}
		cells = append(cells, reporting.FormatPoints(u.Total)+"/"+reporting.FormatPoints(u.MaxApplicable), reporting.FormatPoints(u.Score), u.Rating, change)
		rows = append(rows, tableRow{cells: cells})
	}
	return cols, rows
}

// sortByRank orders units by kind, then rank, then name.
func sortByRank(us []reporting.EvaluatedUnit) {
	slices.SortStableFunc(us, func(a, b reporting.EvaluatedUnit) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.RankKind, b.RankKind), strings.Compare(a.Name, b.Name))
	})
}
