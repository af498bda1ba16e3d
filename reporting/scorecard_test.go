package reporting

import (
	"strings"
	"testing"
)

func f64(v float64) *float64 { return &v }

func testScorecard() *Scorecard {
	return &Scorecard{
		Code: "T", Title: "Thử", FromYear: 2025, UnitKinds: []UnitKind{KindCommunePC}, Forms: []string{"F"},
		Sections: []ScoreSection{{Title: "I", Criteria: []Criterion{
			{Code: "dung_han", Max: 10, Discipline: &DisciplineRule{Measure: MeasureOnTimeRate,
				Bands: []Band{{Min: f64(100), Points: 10}, {Min: f64(50), Points: 5}}}},
			{Code: "tra_lai", Max: 5, Discipline: &DisciplineRule{Measure: MeasureReturned,
				Bands: []Band{{Max: f64(0), Points: 5}, {Max: f64(1), Points: 2}}}},
			{Code: "cong_khai", Max: 20, Figures: &FiguresRule{Form: "F", Periodicity: HalfYear,
				Ratio: &RatioOf{Numerator: "da", Denominator: "phai"},
				Bands: []Band{{Min: f64(95), Points: 20}, {Min: f64(80), Points: 12}}}},
			{Code: "hoi_nghi", Max: 5, Figures: &FiguresRule{Form: "F", Periodicity: HalfYear, Field: "hn", Choice: "Có",
				Bands: []Band{{Min: f64(100), Points: 5}, {Min: f64(50), Points: 2.5}}}},
			{Code: "kiem_tra", Max: 10, Inspector: &InspectorRule{}},
		}}},
		Ratings: []RatingBand{{Label: "Tốt", Min: 90}, {Label: "Đạt", Min: 50}, {Label: "Chưa đạt", Min: 0}},
	}
}

// Worked by hand: 3 of 4 reports on time (75% → 5 points), returned once
// (2 points); publicised 17+19 of 20+20 (90% → 12 points); a meeting in one
// half-year of two (50% → 2.5 points); the inspector gave 8. Total 29.5 of
// 50 → 59 on the 100-point scale: "Đạt".
func TestScoreByHand(t *testing.T) {
	sc := testScorecard()
	d := Discipline{Owed: 4, OnTime: 3, Late: 1, Filed: 4, Returned: 1}
	periods := []PeriodFigures{
		{Form: "F", Periodicity: HalfYear, Label: "6 tháng đầu năm 2025", Owed: true, Reported: true, Values: map[string]string{"da": "17", "phai": "20", "hn": "Có"}},
		{Form: "F", Periodicity: HalfYear, Label: "6 tháng cuối năm 2025", Owed: true, Reported: true, Values: map[string]string{"da": "19", "phai": "20", "hn": "Không"}},
		{Form: "F", Periodicity: Annual, Label: "Năm 2025", Owed: true, Reported: true, Values: map[string]string{"da": "0", "phai": "0"}},
	}
	us := sc.Score(d, periods, map[string]Judgement{"kiem_tra": {Points: 8, Justification: "Biên bản kiểm tra số 12"}})
	want := map[string]float64{"dung_han": 5, "tra_lai": 2, "cong_khai": 12, "hoi_nghi": 2.5, "kiem_tra": 8}
	for _, c := range us.Criteria {
		if c.Points != want[c.Code] || !c.Applicable {
			t.Errorf("%s: %v points (applicable %v), want %v: %s", c.Code, c.Points, c.Applicable, want[c.Code], c.Reason)
		}
	}
	if us.Total != 29.5 || us.MaxApplicable != 50 || us.Score != 59 || us.Rating != "Đạt" || us.Pending != 0 {
		t.Errorf("total %v/%v = %v (%s), pending %d; want 29.5/50 = 59 (Đạt)", us.Total, us.MaxApplicable, us.Score, us.Rating, us.Pending)
	}
	if r := us.Criteria[2].Reason; !strings.Contains(r, "da: 36 / phai: 40 = 90,0%") || !strings.Contains(r, "12/20 điểm") {
		t.Errorf("ratio reason %q does not show the figures", r)
	}
}

// Criteria with nothing to measure leave the scale; an inspector's
// criterion not yet scored is pending and counts 0.
func TestScoreNotApplicableAndPending(t *testing.T) {
	sc := testScorecard()
	periods := []PeriodFigures{{Form: "F", Periodicity: HalfYear, Owed: true, Reported: true, Values: map[string]string{"da": "0", "phai": "0", "hn": "Có"}}}
	us := sc.Score(Discipline{}, periods, nil)
	applicable := map[string]bool{}
	for _, c := range us.Criteria {
		applicable[c.Code] = c.Applicable
	}
	if applicable["dung_han"] || applicable["tra_lai"] || applicable["cong_khai"] {
		t.Errorf("no period owed and no matter to publicise must not apply: %v", applicable)
	}
	// hoi_nghi 5 of 5, kiem_tra pending: 5 of 15 → 33.33.
	if us.Total != 5 || us.MaxApplicable != 15 || us.Score != 33.33 || us.Pending != 1 || us.Rating != "Chưa đạt" {
		t.Errorf("got %v/%v = %v pending %d %s", us.Total, us.MaxApplicable, us.Score, us.Pending, us.Rating)
	}
	// A period owed but whose report was returned scores 0, and applies.
	us = sc.Score(Discipline{Owed: 1, Missing: 0}, []PeriodFigures{{Form: "F", Periodicity: HalfYear, Owed: true}}, nil)
	if c := us.Criteria[2]; !c.Applicable || c.Points != 0 || !strings.Contains(c.Reason, "Không có báo cáo") {
		t.Errorf("unreported period: %+v", c)
	}
}

func TestRankUnitsSharesRanksOnTies(t *testing.T) {
	us := []EvaluatedUnit{
		{Code: "a", Kind: KindCommunePC, Parent: "p", UnitScore: UnitScore{Score: 80}},
		{Code: "b", Kind: KindCommunePC, Parent: "p", UnitScore: UnitScore{Score: 90}},
		{Code: "c", Kind: KindCommunePC, Parent: "q", UnitScore: UnitScore{Score: 80}},
		{Code: "d", Kind: KindCommunePC, Parent: "q", UnitScore: UnitScore{Score: 70}},
		{Code: "e", Kind: KindAgency, Parent: "p", UnitScore: UnitScore{Score: 60}},
	}
	RankUnits(us)
	got := map[string][2]int{}
	for _, u := range us {
		got[u.Code] = [2]int{u.RankKind, u.RankParent}
	}
	want := map[string][2]int{"b": {1, 1}, "a": {2, 2}, "c": {2, 1}, "d": {4, 2}, "e": {1, 3}}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: ranks (kind, parent) %v, want %v", k, got[k], w)
		}
	}
}

// Last year's scores regrouped by succession: N1 was formed from C1 and
// C2 (mean of 60 and 80 = 70, so +5 at 75); C3 continues as itself
// (50 → 55, +5); C4 was split into S1 and S2, whose change cannot be
// known; S3 is new.
func TestCompareYearsBySuccession(t *testing.T) {
	then := []EvaluatedUnit{
		{Code: "C1", UnitScore: UnitScore{Score: 60}}, {Code: "C2", UnitScore: UnitScore{Score: 80}},
		{Code: "C3", UnitScore: UnitScore{Score: 50}}, {Code: "C4", UnitScore: UnitScore{Score: 90}},
	}
	now := []EvaluatedUnit{
		{Code: "N1", UnitScore: UnitScore{Score: 75}}, {Code: "C3", UnitScore: UnitScore{Score: 55}},
		{Code: "S1", UnitScore: UnitScore{Score: 40}}, {Code: "S2", UnitScore: UnitScore{Score: 40}}, {Code: "S3", UnitScore: UnitScore{Score: 40}},
	}
	successors := map[string][]string{"C1": {"N1"}, "C2": {"N1"}, "C4": {"S1", "S2"}}
	compared, regrouped := CompareYears(now, then, successors)
	if compared != 2 || regrouped != 1 {
		t.Errorf("compared %d, regrouped %d; want 2 and 1", compared, regrouped)
	}
	if c := now[0].Change; c == nil || *c != 5 || strings.Join(now[0].Compared, ",") != "C1,C2" {
		t.Errorf("N1: change %v against %v, want +5 against C1,C2", c, now[0].Compared)
	}
	if c := now[1].Change; c == nil || *c != 5 {
		t.Errorf("C3: change %v, want +5", c)
	}
	for _, u := range now[2:] {
		if u.Change != nil {
			t.Errorf("%s: change %v, want none (split or new)", u.Code, *u.Change)
		}
	}
}
