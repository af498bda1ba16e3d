package reporting

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// A scorecard is the province's "Bộ tiêu chí và thang điểm": criteria in
// sections, each worth some points and scored one of three ways — from a
// unit's reporting discipline over the year's periods, from the figures it
// reported, or by an inspector's judgement — and rating bands on the total
// brought to a 100-point scale. Scorecards are data, written in
// templates/scorecards/*.yaml and versioned as forms are.

// Scorecard is one version of a scorecard definition.
type Scorecard struct {
	Code        string `yaml:"code" json:"code"`
	Title       string `yaml:"title" json:"title"`
	Description string `yaml:"description" json:"description,omitempty"`
	// FromYear is the first year the scorecard evaluates.
	FromYear  int        `yaml:"from_year" json:"from_year"`
	UnitKinds []UnitKind `yaml:"unit_kinds" json:"unit_kinds"`
	// Forms are the forms whose periods discipline criteria look at.
	Forms    []string       `yaml:"forms" json:"forms"`
	Sections []ScoreSection `yaml:"sections" json:"sections"`
	Ratings  []RatingBand   `yaml:"ratings" json:"ratings"`
	// Basis is the legal basis of the whole scorecard.
	Basis string `yaml:"basis" json:"basis,omitempty"`

	// Set when loaded from the database.
	VersionID int64 `yaml:"-" json:"-"`
	Version   int   `yaml:"-" json:"-"`
	// FieldLabels names the forms' fields in reasons ("Số nội dung đã
	// công khai" rather than ck_noi_dung_da); set before scoring.
	FieldLabels map[string]string `yaml:"-" json:"-"`
}

// label is a field's name for a reason: its label, or its code.
func (sc *Scorecard) label(code string) string {
	if l := sc.FieldLabels[code]; l != "" {
		return l
	}
	return code
}

// ScoreSection is a titled group of criteria.
type ScoreSection struct {
	Title    string      `yaml:"title" json:"title"`
	Criteria []Criterion `yaml:"criteria" json:"criteria"`
}

// Criterion is one line of the scorecard. Exactly one of Discipline,
// Figures and Inspector says how it is scored.
type Criterion struct {
	Code  string `yaml:"code" json:"code"`
	Title string `yaml:"title" json:"title"`
	// Basis is where the criterion comes from ("Điều 11 Luật số
	// 10/2022/QH15").
	Basis      string          `yaml:"basis" json:"basis"`
	Max        float64         `yaml:"max" json:"max"`
	Discipline *DisciplineRule `yaml:"discipline" json:"discipline,omitempty"`
	Figures    *FiguresRule    `yaml:"figures" json:"figures,omitempty"`
	Inspector  *InspectorRule  `yaml:"inspector" json:"inspector,omitempty"`
}

// Measures of reporting discipline over the year's periods.
const (
	MeasureOnTimeRate = "on_time_rate" // % of owed reports whose first version came by the deadline
	MeasureFiledRate  = "filed_rate"   // % of owed reports whose latest version stands
	MeasureMissing    = "missing"      // reports still owed after the deadline
	MeasureReturned   = "returned"     // reports returned by a reviewer
	MeasureLate       = "late"         // reports whose first version came late
)

var disciplineMeasures = []string{MeasureOnTimeRate, MeasureFiledRate, MeasureMissing, MeasureReturned, MeasureLate}

// DisciplineRule scores a measure of reporting discipline by bands.
type DisciplineRule struct {
	Measure string `yaml:"measure" json:"measure"`
	Bands   []Band `yaml:"bands" json:"bands"`
}

// FiguresRule scores what a unit reported in the year's periods of one
// form and periodicity: a numeric field summed over them, a ratio of two
// summed fields (in %), or the share (in %) of periods where a choice field
// has a given answer.
type FiguresRule struct {
	Form        string      `yaml:"form" json:"form"`
	Periodicity Periodicity `yaml:"periodicity" json:"periodicity"`
	Field       string      `yaml:"field" json:"field,omitempty"`
	Choice      string      `yaml:"choice" json:"choice,omitempty"`
	Ratio       *RatioOf    `yaml:"ratio" json:"ratio,omitempty"`
	Bands       []Band      `yaml:"bands" json:"bands"`
}

// InspectorRule is a criterion an inspector scores, with guidance.
type InspectorRule struct {
	Guidance string `yaml:"guidance" json:"guidance"`
}

// Band gives Points when the measured value lies in [Min, Max] (either end
// open when absent). Bands are tried in order; none matching gives 0.
type Band struct {
	Min    *float64 `yaml:"min" json:"min,omitempty"`
	Max    *float64 `yaml:"max" json:"max,omitempty"`
	Points float64  `yaml:"points" json:"points"`
}

// RatingBand names the rating of a total of at least Min on the 100-point
// scale.
type RatingBand struct {
	Label string  `yaml:"label" json:"label"`
	Min   float64 `yaml:"min" json:"min"`
}

// Criteria lists every criterion in order.
func (sc *Scorecard) Criteria() []Criterion {
	var out []Criterion
	for _, s := range sc.Sections {
		out = append(out, s.Criteria...)
	}
	return out
}

// Criterion finds a criterion by code.
func (sc *Scorecard) Criterion(code string) (Criterion, bool) {
	for _, c := range sc.Criteria() {
		if c.Code == code {
			return c, true
		}
	}
	return Criterion{}, false
}

// MaxPoints is the sum of every criterion's maximum.
func (sc *Scorecard) MaxPoints() float64 {
	var t float64
	for _, c := range sc.Criteria() {
		t += c.Max
	}
	return t
}

// Evaluates reports whether units of kind k are evaluated.
func (sc *Scorecard) Evaluates(k UnitKind) bool { return slices.Contains(sc.UnitKinds, k) }

// Kind says how the criterion is scored: "discipline", "figures" or
// "inspector".
func (c Criterion) Kind() string {
	switch {
	case c.Discipline != nil:
		return "discipline"
	case c.Figures != nil:
		return "figures"
	}
	return "inspector"
}

// KindLabel is Kind in Vietnamese.
func (c Criterion) KindLabel() string {
	switch c.Kind() {
	case "discipline":
		return "Tự động: chấp hành chế độ báo cáo"
	case "figures":
		return "Tự động: số liệu báo cáo"
	}
	return "Đoàn đánh giá chấm"
}

// Validate checks the definition against the forms it names (by code) and
// reports every problem at once, each naming its criterion.
func (sc *Scorecard) Validate(forms map[string]*Form) error {
	var errs []string
	add := func(where, format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		if where != "" {
			msg = where + ": " + msg
		}
		errs = append(errs, msg)
	}
	if !formCodeRE.MatchString(sc.Code) {
		add("", "mã bộ tiêu chí %q không hợp lệ (chữ in hoa, số, - hoặc _)", sc.Code)
	}
	if strings.TrimSpace(sc.Title) == "" {
		add("", "thiếu tên bộ tiêu chí (title)")
	}
	if sc.FromYear < 2000 || sc.FromYear > 2100 {
		add("", "năm áp dụng (from_year) %d không hợp lệ", sc.FromYear)
	}
	if len(sc.UnitKinds) == 0 {
		add("", "chưa nêu loại đơn vị được đánh giá (unit_kinds)")
	}
	for _, k := range sc.UnitKinds {
		if !k.Valid() {
			add("", "loại đơn vị %q không có", k)
		}
	}
	for _, code := range sc.Forms {
		f, ok := forms[code]
		switch {
		case !ok:
			add("", "biểu mẫu %s (forms) không có", code)
		default:
			for _, k := range sc.UnitKinds {
				if !f.Obliges(k) {
					add("", "biểu mẫu %s không áp dụng cho loại đơn vị %s", code, k.Label())
				}
			}
		}
	}
	if len(sc.Sections) == 0 {
		add("", "chưa có tiêu chí nào (sections)")
	}
	seen := map[string]bool{}
	for si, s := range sc.Sections {
		if strings.TrimSpace(s.Title) == "" {
			add(fmt.Sprintf("mục %d", si+1), "thiếu tên mục (title)")
		}
		if len(s.Criteria) == 0 {
			add(fmt.Sprintf("mục %d", si+1), "mục không có tiêu chí nào")
		}
		for ci, c := range s.Criteria {
			where := fmt.Sprintf("tiêu chí %s", c.Code)
			if c.Code == "" {
				where = fmt.Sprintf("mục %d, tiêu chí thứ %d", si+1, ci+1)
				add(where, "thiếu mã tiêu chí (code)")
			} else if !fieldCodeRE.MatchString(c.Code) {
				add(where, "mã tiêu chí chỉ gồm chữ thường không dấu, số và _")
			}
			if seen[c.Code] && c.Code != "" {
				add(where, "mã tiêu chí bị trùng")
			}
			seen[c.Code] = true
			if strings.TrimSpace(c.Title) == "" {
				add(where, "thiếu tên tiêu chí (title)")
			}
			if strings.TrimSpace(c.Basis) == "" {
				add(where, "thiếu căn cứ (basis): điều, khoản của văn bản quy định tiêu chí")
			}
			if !(c.Max > 0) || c.Max > 1000 {
				add(where, "điểm tối đa (max) phải lớn hơn 0 và không quá 1000")
			}
			n := 0
			for _, p := range []bool{c.Discipline != nil, c.Figures != nil, c.Inspector != nil} {
				if p {
					n++
				}
			}
			if n != 1 {
				add(where, "phải nêu đúng một cách chấm: discipline, figures hoặc inspector")
				continue
			}
			switch {
			case c.Discipline != nil:
				if !slices.Contains(disciplineMeasures, c.Discipline.Measure) {
					add(where, "thước đo %q không có; dùng một trong %s", c.Discipline.Measure, strings.Join(disciplineMeasures, ", "))
				}
				if len(sc.Forms) == 0 {
					add(where, "tiêu chí chấp hành báo cáo cần danh sách biểu mẫu (forms) của bộ tiêu chí")
				}
				checkBands(where, c.Max, c.Discipline.Bands, add)
			case c.Figures != nil:
				checkFigures(where, c.Figures, forms, add)
				checkBands(where, c.Max, c.Figures.Bands, add)
			}
		}
	}
	if len(sc.Ratings) == 0 {
		add("", "chưa có mức xếp loại (ratings)")
	}
	for i, r := range sc.Ratings {
		if strings.TrimSpace(r.Label) == "" {
			add("", "mức xếp loại thứ %d thiếu tên (label)", i+1)
		}
		if r.Min < 0 || r.Min > 100 {
			add("", "mức xếp loại %s: điểm tối thiểu %v phải trong khoảng 0–100", r.Label, r.Min)
		}
		if i > 0 && r.Min >= sc.Ratings[i-1].Min {
			add("", "mức xếp loại %s: các mức phải xếp theo điểm tối thiểu giảm dần", r.Label)
		}
	}
	if n := len(sc.Ratings); n > 0 && sc.Ratings[n-1].Min != 0 {
		add("", "mức xếp loại cuối cùng (%s) phải có điểm tối thiểu 0 để mọi đơn vị đều được xếp loại", sc.Ratings[n-1].Label)
	}
	if len(errs) == 0 {
		return nil
	}
	return &ScorecardError{Problems: errs}
}

// ScorecardError lists every problem of a definition.
type ScorecardError struct{ Problems []string }

func (e *ScorecardError) Error() string { return strings.Join(e.Problems, "\n") }

func checkBands(where string, max float64, bands []Band, add func(string, string, ...any)) {
	if len(bands) == 0 {
		add(where, "thiếu thang điểm (bands)")
	}
	for i, b := range bands {
		if b.Points < 0 || b.Points > max {
			add(where, "mức %d: điểm %v phải trong khoảng 0–%v (điểm tối đa)", i+1, b.Points, max)
		}
		if b.Min == nil && b.Max == nil {
			add(where, "mức %d: phải nêu min hoặc max", i+1)
		}
		if b.Min != nil && b.Max != nil && *b.Min > *b.Max {
			add(where, "mức %d: min lớn hơn max", i+1)
		}
	}
}

func checkFigures(where string, r *FiguresRule, forms map[string]*Form, add func(string, string, ...any)) {
	f, ok := forms[r.Form]
	if !ok {
		add(where, "biểu mẫu %q không có", r.Form)
		return
	}
	if !slices.ContainsFunc(f.Schedules, func(s Schedule) bool { return s.Periodicity == r.Periodicity }) {
		add(where, "biểu mẫu %s không có kỳ báo cáo %q", r.Form, r.Periodicity)
	}
	numeric := func(code string) {
		fl, ok := f.Field(code)
		switch {
		case !ok:
			add(where, "biểu mẫu %s không có chỉ tiêu %q", r.Form, code)
		case !numericType(fl.Type):
			add(where, "chỉ tiêu %s của biểu mẫu %s không phải là số", code, r.Form)
		}
	}
	switch {
	case r.Ratio != nil && (r.Field != "" || r.Choice != ""):
		add(where, "nêu ratio hoặc field, không nêu cả hai")
	case r.Ratio != nil:
		numeric(r.Ratio.Numerator)
		numeric(r.Ratio.Denominator)
	case r.Field == "":
		add(where, "thiếu chỉ tiêu được chấm (field hoặc ratio)")
	case r.Choice != "":
		fl, ok := f.Field(r.Field)
		switch {
		case !ok:
			add(where, "biểu mẫu %s không có chỉ tiêu %q", r.Form, r.Field)
		case fl.Type != TypeChoice:
			add(where, "chỉ tiêu %s không phải là câu hỏi lựa chọn, không dùng được choice", r.Field)
		case !slices.Contains(fl.Choices, r.Choice):
			add(where, "chỉ tiêu %s không có lựa chọn %q (có: %s)", r.Field, r.Choice, strings.Join(fl.Choices, "; "))
		}
	default:
		numeric(r.Field)
	}
}

// Discipline is a unit's reporting record over the year's periods at the
// evaluation's moment.
type Discipline struct {
	// Owed counts its obligations, exempt ones aside.
	Owed int `json:"owed"`
	// OnTime and Late count first versions by and after the deadline;
	// Filed the reports whose latest version stands (not returned);
	// Missing those still owed after the deadline; Returned every return
	// by a reviewer.
	OnTime   int `json:"on_time"`
	Late     int `json:"late"`
	Filed    int `json:"filed"`
	Missing  int `json:"missing"`
	Returned int `json:"returned"`
}

// PeriodFigures is what one unit reported for one period: whether it owed
// it, whether a report stands, and the report's values by field code.
type PeriodFigures struct {
	Form        string
	Periodicity Periodicity
	Label       string
	Owed        bool
	Reported    bool
	Values      map[string]string
}

// Judgement is an inspector's score of one criterion for one unit.
type Judgement struct {
	Points        float64 `json:"points"`
	Justification string  `json:"justification"`
}

// CriterionScore is one criterion scored for one unit.
type CriterionScore struct {
	Code   string  `json:"code"`
	Points float64 `json:"points"`
	Max    float64 `json:"max"`
	// Applicable is false when the criterion does not apply to the unit
	// (no period owed, nothing to measure): its maximum then leaves the
	// total's scale.
	Applicable bool `json:"applicable"`
	// Pending: an inspector's criterion not yet scored.
	Pending bool `json:"pending,omitempty"`
	// Value is what was measured, as shown ("92,5%", "2 kỳ").
	Value  string `json:"value,omitempty"`
	Reason string `json:"reason"`
}

// UnitScore is a unit's scorecard.
type UnitScore struct {
	Criteria []CriterionScore `json:"criteria"`
	// Total is the points; MaxApplicable the maximum over the criteria
	// that apply; Score the total on the 100-point scale.
	Total         float64 `json:"total"`
	MaxApplicable float64 `json:"max_applicable"`
	Score         float64 `json:"score"`
	Rating        string  `json:"rating"`
	// Pending counts inspector criteria not yet scored.
	Pending int `json:"pending"`
}

// Score scores one unit from its discipline, its periods' figures and the
// inspectors' judgements.
func (sc *Scorecard) Score(d Discipline, periods []PeriodFigures, judged map[string]Judgement) UnitScore {
	var auto []CriterionScore
	for _, c := range sc.Criteria() {
		var cs CriterionScore
		switch {
		case c.Discipline != nil:
			cs = scoreDiscipline(c, d)
		case c.Figures != nil:
			cs = sc.scoreFigures(c, periods)
		default:
			continue
		}
		cs.Code, cs.Max = c.Code, c.Max
		auto = append(auto, cs)
	}
	return sc.Rejudge(UnitScore{Criteria: auto}, judged)
}

// RatingOf is the rating of a score on the 100-point scale.
func (sc *Scorecard) RatingOf(score float64) string {
	for _, r := range sc.Ratings {
		if score >= r.Min {
			return r.Label
		}
	}
	return ""
}

func scoreDiscipline(c Criterion, d Discipline) CriterionScore {
	if d.Owed == 0 {
		return CriterionScore{Reason: "Không có kỳ báo cáo phải nộp trong năm; tiêu chí không áp dụng."}
	}
	var (
		v      float64
		value  string
		reason string
	)
	switch c.Discipline.Measure {
	case MeasureOnTimeRate:
		v = pct(d.OnTime, d.Owed)
		value = FormatPercent(v)
		reason = fmt.Sprintf("%d/%d báo cáo nộp đúng hạn (%s).", d.OnTime, d.Owed, value)
	case MeasureFiledRate:
		v = pct(d.Filed, d.Owed)
		value = FormatPercent(v)
		reason = fmt.Sprintf("%d/%d báo cáo đã nộp và không bị trả lại (%s).", d.Filed, d.Owed, value)
	case MeasureMissing:
		v, value = float64(d.Missing), fmt.Sprintf("%d kỳ", d.Missing)
		reason = fmt.Sprintf("%d/%d kỳ quá hạn mà chưa nộp.", d.Missing, d.Owed)
	case MeasureReturned:
		v, value = float64(d.Returned), fmt.Sprintf("%d lần", d.Returned)
		reason = fmt.Sprintf("Bị trả lại %d lần trong %d kỳ.", d.Returned, d.Owed)
	case MeasureLate:
		v, value = float64(d.Late), fmt.Sprintf("%d kỳ", d.Late)
		reason = fmt.Sprintf("%d/%d kỳ nộp muộn.", d.Late, d.Owed)
	}
	pts := bandPoints(c.Discipline.Bands, v)
	return CriterionScore{Applicable: true, Points: pts, Value: value, Reason: reason + " " + pointsSentence(pts, c.Max)}
}

func (sc *Scorecard) scoreFigures(c Criterion, periods []PeriodFigures) CriterionScore {
	r := c.Figures
	var owed, reported []PeriodFigures
	for _, p := range periods {
		if p.Form != r.Form || p.Periodicity != r.Periodicity || !p.Owed {
			continue
		}
		owed = append(owed, p)
		if p.Reported {
			reported = append(reported, p)
		}
	}
	switch {
	case len(owed) == 0:
		return CriterionScore{Reason: fmt.Sprintf("Không có kỳ báo cáo %s (%s) phải nộp trong năm; tiêu chí không áp dụng.", r.Form, "kỳ "+periodLabelKind(r.Periodicity))}
	case len(reported) == 0:
		return CriterionScore{Applicable: true, Reason: fmt.Sprintf("Không có báo cáo %s được tính (chưa nộp hoặc bị trả lại); 0 điểm.", r.Form)}
	}
	labels := make([]string, len(reported))
	for i, p := range reported {
		labels[i] = p.Label
	}
	from := " (" + strings.Join(labels, ", ") + ")"
	var (
		v     float64
		value string
		what  string
	)
	switch {
	case r.Ratio != nil:
		num, den := sumField(reported, r.Ratio.Numerator), sumField(reported, r.Ratio.Denominator)
		if den == 0 {
			return CriterionScore{Reason: fmt.Sprintf("%s: 0, không phát sinh%s; tiêu chí không áp dụng.", sc.label(r.Ratio.Denominator), from)}
		}
		v = num / den * 100
		value = FormatPercent(v)
		what = fmt.Sprintf("%s: %s / %s: %s = %s", sc.label(r.Ratio.Numerator), formatNum(num), LowerFirst(sc.label(r.Ratio.Denominator)), formatNum(den), value)
	case r.Choice != "":
		n := 0
		for _, p := range reported {
			if p.Values[r.Field] == r.Choice {
				n++
			}
		}
		v = pct(n, len(reported))
		value = FormatPercent(v)
		what = fmt.Sprintf("%d/%d kỳ trả lời “%s” ở câu “%s”", n, len(reported), r.Choice, sc.label(r.Field))
	default:
		v = sumField(reported, r.Field)
		value = formatNum(v)
		what = fmt.Sprintf("%s: %s", sc.label(r.Field), value)
	}
	pts := bandPoints(r.Bands, v)
	reason := what + from + ". " + pointsSentence(pts, c.Max)
	if len(reported) < len(owed) {
		reason += fmt.Sprintf(" Chỉ %d/%d kỳ có báo cáo được tính.", len(reported), len(owed))
	}
	return CriterionScore{Applicable: true, Points: pts, Value: value, Reason: reason}
}

func sumField(ps []PeriodFigures, code string) float64 {
	var t float64
	for _, p := range ps {
		if d, ok := ParseDecimal(p.Values[code]); ok {
			t += d.Float64()
		}
	}
	return t
}

func bandPoints(bands []Band, v float64) float64 {
	const eps = 1e-9
	for _, b := range bands {
		if (b.Min == nil || v >= *b.Min-eps) && (b.Max == nil || v <= *b.Max+eps) {
			return b.Points
		}
	}
	return 0
}

func pointsSentence(pts, max float64) string {
	return fmt.Sprintf("Đạt %s/%s điểm.", FormatPoints(pts), FormatPoints(max))
}

func pct(part, whole int) float64 {
	if whole == 0 {
		return 0
	}
	return float64(part) / float64(whole) * 100
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

// FormatPoints writes points the Vietnamese way: "7,5", "10".
func FormatPoints(f float64) string { return formatNum(round2(f)) }

// FormatPercent writes a percentage with one decimal: "92,5%".
func FormatPercent(f float64) string {
	return strings.Replace(fmt.Sprintf("%.1f", f), ".", ",", 1) + "%"
}

func formatNum(f float64) string {
	s := fmt.Sprintf("%.2f", f)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return strings.Replace(s, ".", ",", 1)
}

// EvaluatedUnit is one unit's place in an evaluation's results.
type EvaluatedUnit struct {
	Code   string   `json:"code"`
	Name   string   `json:"name"`
	Kind   UnitKind `json:"kind"`
	Parent string   `json:"parent,omitempty"`
	UnitScore
	// RankKind is the unit's rank among units of its kind, RankParent
	// among those with the same parent (1 is best; equal scores share a
	// rank, "1, 2, 2, 4").
	RankKind   int `json:"rank_kind"`
	RankParent int `json:"rank_parent"`
	// Change is the change of Score from last year's closed round over
	// the units it continues (Compared names them); nil when none.
	Change   *float64 `json:"change,omitempty"`
	Compared []string `json:"compared,omitempty"`
}

// RankUnits sets each unit's ranks by Score.
func RankUnits(us []EvaluatedUnit) {
	rank := func(group func(u *EvaluatedUnit) string, set func(u *EvaluatedUnit, r int)) {
		by := map[string][]*EvaluatedUnit{}
		for i := range us {
			g := group(&us[i])
			by[g] = append(by[g], &us[i])
		}
		for _, g := range by {
			slices.SortStableFunc(g, func(a, b *EvaluatedUnit) int {
				switch {
				case a.Score > b.Score:
					return -1
				case a.Score < b.Score:
					return 1
				}
				return 0
			})
			r := 0
			for i, u := range g {
				if i == 0 || u.Score != g[i-1].Score {
					r = i + 1
				}
				set(u, r)
			}
		}
	}
	rank(func(u *EvaluatedUnit) string { return string(u.Kind) }, func(u *EvaluatedUnit, r int) { u.RankKind = r })
	rank(func(u *EvaluatedUnit) string { return u.Parent }, func(u *EvaluatedUnit, r int) { u.RankParent = r })
}

// Rejudge is us with its inspector criteria scored afresh from judged and
// its totals recomputed; the automatic criteria stay as computed.
func (sc *Scorecard) Rejudge(us UnitScore, judged map[string]Judgement) UnitScore {
	byCode := map[string]CriterionScore{}
	for _, c := range us.Criteria {
		byCode[c.Code] = c
	}
	out := UnitScore{}
	for _, c := range sc.Criteria() {
		cs, ok := byCode[c.Code]
		if c.Inspector != nil || !ok {
			cs = CriterionScore{Code: c.Code, Max: c.Max, Applicable: true, Pending: true, Reason: "Chưa chấm."}
			if j, ok := judged[c.Code]; ok {
				cs.Pending, cs.Points, cs.Reason = false, j.Points, j.Justification
				cs.Value = FormatPoints(j.Points) + " điểm"
			}
		}
		if cs.Pending {
			out.Pending++
		}
		if cs.Applicable {
			out.Total += cs.Points
			out.MaxApplicable += cs.Max
		}
		out.Criteria = append(out.Criteria, cs)
	}
	out.Total = round2(out.Total)
	if out.MaxApplicable > 0 {
		out.Score = round2(out.Total / out.MaxApplicable * 100)
	}
	out.Rating = sc.RatingOf(out.Score)
	return out
}

// CompareYears sets each unit's change from last year's results: its score
// against the mean score of the units it continues (itself, or the units
// that became it by succession, followed through several reorganisations).
// A unit split between several successors is attributed to none of them:
// its score cannot be divided. It returns how many units were compared and
// how many of them through successions.
func CompareYears(now, then []EvaluatedUnit, successors map[string][]string) (compared, regrouped int) {
	idx := make(map[string]int, len(now))
	for i, u := range now {
		idx[u.Code] = i
	}
	preds := map[string][]EvaluatedUnit{}
	for _, p := range then {
		code := p.Code
		for range 10 {
			if _, ok := idx[code]; ok {
				preds[code] = append(preds[code], p)
				break
			}
			next := successors[code]
			if len(next) != 1 {
				break
			}
			code = next[0]
		}
	}
	for i := range now {
		ps := preds[now[i].Code]
		if len(ps) == 0 {
			continue
		}
		var sum float64
		codes := make([]string, len(ps))
		for j, p := range ps {
			sum += p.Score
			codes[j] = p.Code
		}
		d := round2(now[i].Score - sum/float64(len(ps)))
		now[i].Change, now[i].Compared = &d, codes
		compared++
		if len(ps) > 1 || ps[0].Code != now[i].Code {
			regrouped++
		}
	}
	return compared, regrouped
}

// RatingCounts counts units by rating, in the scorecard's order of ratings.
func (sc *Scorecard) RatingCounts(us []EvaluatedUnit) []int {
	out := make([]int, len(sc.Ratings))
	for _, u := range us {
		for i, r := range sc.Ratings {
			if u.Rating == r.Label {
				out[i]++
			}
		}
	}
	return out
}

// EvaluationResults is a round's results as the pages, the workbook and
// the PDF show them.
type EvaluationResults struct {
	Scorecard Scorecard
	Year      int
	// Province is the root unit's name on the round's tree day.
	Province string
	AsAt     time.Time
	ClosedAt *time.Time
	// Units, ranked, with the change from last year's closed round.
	Units []EvaluatedUnit
	// ParentNames names each parent code.
	ParentNames map[string]string
	// PreviousYear is the year of the closed round compared with (0 for
	// none); Compared and Regrouped count the units compared with it, and
	// those compared through successions.
	PreviousYear        int
	Compared, Regrouped int

	// Set by Summarize: units by rating (Scorecard.Ratings order) for the
	// whole, per kind and per parent unit; inspector criteria pending.
	Ratings []int
	Kinds   []GroupRatings
	Parents []GroupRatings
	Pending int
}

// GroupRatings is the results of a group of units.
type GroupRatings struct {
	Key, Label string
	Units      int
	Mean       float64
	Ratings    []int
}

// Summarize ranks the units and counts ratings for the whole, per kind
// and per parent.
func (r *EvaluationResults) Summarize() {
	RankUnits(r.Units)
	r.Pending = 0
	for _, e := range r.Units {
		r.Pending += e.Pending
	}
	r.Ratings = r.Scorecard.RatingCounts(r.Units)
	group := func(key func(EvaluatedUnit) string, label func(string) string) []GroupRatings {
		by := map[string][]EvaluatedUnit{}
		var keys []string
		for _, e := range r.Units {
			k := key(e)
			if _, ok := by[k]; !ok {
				keys = append(keys, k)
			}
			by[k] = append(by[k], e)
		}
		out := make([]GroupRatings, len(keys))
		for i, k := range keys {
			var sum float64
			for _, e := range by[k] {
				sum += e.Score
			}
			out[i] = GroupRatings{Key: k, Label: label(k), Units: len(by[k]), Mean: round2(sum / float64(len(by[k]))),
				Ratings: r.Scorecard.RatingCounts(by[k])}
		}
		slices.SortFunc(out, func(a, b GroupRatings) int { return strings.Compare(a.Label, b.Label) })
		return out
	}
	r.Kinds = group(func(e EvaluatedUnit) string { return string(e.Kind) }, func(k string) string { return UnitKind(k).Label() })
	r.Parents = group(func(e EvaluatedUnit) string { return e.Parent }, func(k string) string {
		if n := r.ParentNames[k]; n != "" {
			return n
		}
		return "(không có đơn vị cấp trên)"
	})
}

// ChangeText is the change from last year as shown: "+5", "-2,5", "0";
// "" when there is none.
func (u EvaluatedUnit) ChangeText() string {
	switch {
	case u.Change == nil:
		return ""
	case *u.Change > 0:
		return "+" + FormatPoints(*u.Change)
	}
	return FormatPoints(*u.Change)
}
