package ui

import (
	"net/url"
	"time"

	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
)

// The fixtures of the evaluation pages.

func fxScorecard() reporting.Scorecard {
	min95, min80 := 95.0, 80.0
	return reporting.Scorecard{Code: "DGDC-XA", Title: "Bộ tiêu chí đánh giá mức độ thực hiện dân chủ ở cơ sở của xã, phường", FromYear: 2024,
		UnitKinds: []reporting.UnitKind{reporting.KindCommunePC},
		Sections: []reporting.ScoreSection{
			{Title: "I. Chấp hành chế độ báo cáo", Criteria: []reporting.Criterion{
				{Code: "bao_cao_dung_han", Title: "Báo cáo nộp đúng hạn", Basis: "Nghị định số 09/2019/NĐ-CP", Max: 10,
					Discipline: &reporting.DisciplineRule{Measure: reporting.MeasureOnTimeRate, Bands: []reporting.Band{{Min: &min95, Points: 10}}}},
			}},
			{Title: "II. Công khai thông tin", Criteria: []reporting.Criterion{
				{Code: "ty_le_cong_khai", Title: "Tỷ lệ nội dung đã công khai", Basis: "Luật số 10/2022/QH15, Điều 11", Max: 20,
					Figures: &reporting.FiguresRule{Form: "DCCS-XA", Periodicity: reporting.Annual, Ratio: &reporting.RatioOf{Numerator: "ck_noi_dung_da", Denominator: "ck_noi_dung_phai"},
						Bands: []reporting.Band{{Min: &min95, Points: 20}, {Min: &min80, Points: 12}}}},
				{Code: "giai_quyet_don", Title: "Tỷ lệ đơn đã giải quyết", Basis: "Luật Khiếu nại", Max: 10,
					Figures: &reporting.FiguresRule{Form: "DCCS-XA", Periodicity: reporting.Annual, Ratio: &reporting.RatioOf{Numerator: "don_giai_quyet", Denominator: "don_tham_quyen"}}},
			}},
			{Title: "III. Đánh giá của đoàn kiểm tra", Criteria: []reporting.Criterion{
				{Code: "kiem_tra_thuc_te", Title: "Kết quả kiểm tra thực tế", Basis: "Nghị quyết của HĐND tỉnh", Max: 20,
					Inspector: &reporting.InspectorRule{Guidance: "Chấm theo biên bản kiểm tra."}},
			}},
		},
		Ratings: []reporting.RatingBand{{Label: "Tốt", Min: 90}, {Label: "Khá", Min: 75}, {Label: "Đạt", Min: 50}, {Label: "Chưa đạt", Min: 0}},
	}
}

func fxRound(closed bool) store.Round {
	r := store.Round{ID: 3, ScorecardCode: "DGDC-XA", Title: fxScorecard().Title, Year: 2025, AsAt: time.Date(2026, time.January, 10, 9, 0, 0, 0, fxHCM),
		TreeDay: reporting.Day(2025, time.December, 31), CommentsUntil: time.Date(2026, time.January, 25, 23, 59, 59, 0, fxHCM),
		OpenedBy: "thanhtra@snv.gov.vn", OpenedAt: time.Date(2026, time.January, 10, 9, 0, 0, 0, fxHCM), ComputedAt: time.Date(2026, time.January, 10, 9, 0, 0, 0, fxHCM), Units: 2}
	if closed {
		at := time.Date(2026, time.February, 1, 8, 0, 0, 0, fxHCM)
		r.ClosedAt, r.ClosedBy = &at, "thanhtra@snv.gov.vn"
	}
	return r
}

func fxEvaluated() []reporting.EvaluatedUnit {
	up := 4.5
	return []reporting.EvaluatedUnit{
		{Code: "25195", Name: "UBND phường Bình Phước", Kind: reporting.KindCommunePC, Parent: "75", RankKind: 1, RankParent: 1, Change: &up, Compared: []string{"25195", "25198"},
			UnitScore: reporting.UnitScore{Total: 48, MaxApplicable: 50, Score: 96, Rating: "Tốt", Criteria: []reporting.CriterionScore{
				{Code: "bao_cao_dung_han", Points: 10, Max: 10, Applicable: true, Value: "100,0%", Reason: "3/3 báo cáo nộp đúng hạn (100,0%). Đạt 10/10 điểm."},
				{Code: "ty_le_cong_khai", Points: 20, Max: 20, Applicable: true, Value: "96,0%", Reason: "Số nội dung đã công khai: 24 / số nội dung phải công khai: 25 = 96,0% (Năm 2025). Đạt 20/20 điểm."},
				{Code: "giai_quyet_don", Max: 10, Reason: "Số đơn thuộc thẩm quyền giải quyết: 0, không phát sinh (Năm 2025); tiêu chí không áp dụng."},
				{Code: "kiem_tra_thuc_te", Points: 18, Max: 20, Applicable: true, Value: "18 điểm", Reason: "Biên bản kiểm tra số 12/BB-ĐKT ngày 05/01/2026: niêm yết đầy đủ."},
			}}},
		{Code: "25210", Name: "UBND phường Đồng Xoài", Kind: reporting.KindCommunePC, Parent: "75", RankKind: 2, RankParent: 2,
			UnitScore: reporting.UnitScore{Total: 12, MaxApplicable: 60, Score: 20, Rating: "Chưa đạt", Pending: 1, Criteria: []reporting.CriterionScore{
				{Code: "bao_cao_dung_han", Points: 0, Max: 10, Applicable: true, Reason: "0/3 báo cáo nộp đúng hạn (0,0%). Đạt 0/10 điểm."},
				{Code: "ty_le_cong_khai", Points: 12, Max: 20, Applicable: true, Reason: "Số nội dung đã công khai: 17 / số nội dung phải công khai: 20 = 85,0% (Năm 2025). Đạt 12/20 điểm."},
				{Code: "giai_quyet_don", Points: 0, Max: 10, Applicable: true, Reason: "Không có báo cáo DCCS-XA được tính; 0 điểm."},
				{Code: "kiem_tra_thuc_te", Max: 20, Applicable: true, Pending: true, Reason: "Chưa chấm."},
			}}},
	}
}

func fxRoundView(closed bool) ops.RoundView {
	v := ops.RoundView{Round: fxRound(closed)}
	v.Scorecard, v.Year, v.Province, v.AsAt = fxScorecard(), 2025, "UBND tỉnh Đồng Nai", v.Round.AsAt
	v.Units, v.ParentNames, v.PreviousYear, v.Compared, v.Regrouped = fxEvaluated(), map[string]string{"75": "UBND tỉnh Đồng Nai"}, 2024, 1, 1
	v.Summarize()
	return v
}

func evaluationPageFixtures() map[string][]Page {
	open := fxRoundView(false)
	u, _ := url.Parse("/evaluations/3")
	results := EvaluationPage{RoundView: open, CanChange: true, Pager: NewPager(u, 1, 100, 2),
		KindOptions: []Option{{Value: "", Label: "Tất cả", Selected: true}}, ParentOptions: []Option{{Value: "", Label: "Tất cả", Selected: true}},
		Rates:        []Option{{Value: "", Label: "Mọi xếp loại", Selected: true}},
		Distribution: BarChart{Title: "Xếp loại năm 2025", Bars: []Bar{{Label: "Tốt", Value: "1 đơn vị", Rate: .5}, {Label: "Chưa đạt", Value: "1 đơn vị", Rate: .5}}},
		Criteria:     []EvalCriterionHead{{"TC1", "Báo cáo nộp đúng hạn", 10}, {"TC2", "Tỷ lệ nội dung đã công khai", 20}, {"TC3", "Tỷ lệ đơn đã giải quyết", 10}, {"TC4", "Kết quả kiểm tra thực tế", 20}},
	}
	for _, e := range open.Units {
		results.Units = append(results.Units, EvalRow{EvaluatedUnit: e, Href: "/evaluations/3/units/" + e.Code, ParentName: "UBND tỉnh Đồng Nai"})
	}
	closedResults := results
	closedResults.RoundView, closedResults.CanChange = fxRoundView(true), false

	card := func(i int, canJudge, canComment bool) EvaluationUnitPage {
		v := fxRoundView(false)
		c := ops.UnitCardView{Round: v.Round, Scorecard: v.Scorecard, Unit: v.Units[i], OfKind: 2, OfParent: 2, ParentName: "UBND tỉnh Đồng Nai",
			CanJudge: canJudge, CanComment: canComment,
			Judgements: map[string]store.JudgementDetail{"kiem_tra_thuc_te": {Criterion: "kiem_tra_thuc_te", Points: 18, Justification: "Biên bản số 12",
				EvidenceName: "bien-ban-12.pdf", EvidenceSize: 120000, EnteredBy: "thanhtra@snv.gov.vn", EnteredAt: v.Round.AsAt}},
			Comments: []store.Comment{{ID: 1, Unit: v.Units[i].Code, Criterion: "bao_cao_dung_han", Body: "Kỳ 6 tháng đầu năm nộp muộn do\nmất điện.", Author: "vanthu@xa-tanphu.gov.vn", At: v.Round.AsAt}}}
		p := EvaluationUnitPage{UnitCardView: c, Back: "/evaluations/3", General: []store.Comment{{ID: 2, Body: "Đề nghị xem xét lại.", Author: "vanthu@xa-tanphu.gov.vn", At: v.Round.AsAt}}}
		n := 0
		for _, sec := range v.Scorecard.Sections {
			es := EvalSection{Title: sec.Title}
			for j, cr := range sec.Criteria {
				n++
				row := EvalCriterionRow{Number: "TC" + string(rune('0'+n)), Criterion: cr, Score: v.Units[i].Criteria[n-1]}
				if cr.Inspector != nil {
					jd := c.Judgements[cr.Code]
					row.Judgement = &jd
				}
				if j == 0 {
					row.Comments = c.Comments
				}
				es.Rows = append(es.Rows, row)
			}
			p.Sections = append(p.Sections, es)
		}
		return p
	}
	refused := card(1, true, false)
	refused.Form, refused.Error = JudgeForm{Criterion: "kiem_tra_thuc_te", Points: "25", Justification: "Biên bản"}, "Điểm của tiêu chí Kết quả kiểm tra thực tế phải từ 0 đến 20."

	pub := store.Publication{ID: 1, PeriodID: 12, Fields: []string{"giam_sat"}, PublishedBy: "quantri@snv.gov.vn", PublishedAt: fxFirst,
		Title: "Báo cáo kết quả thực hiện dân chủ ở cơ sở (cấp xã)", Label: "6 tháng đầu năm 2026"}
	pubRound := store.Publication{ID: 2, RoundID: 3, PublishedAt: fxFirst, Title: fxScorecard().Title, Label: "Năm 2025"}
	period := ops.PublicPeriod{Publication: pub, FormCode: "DCCS-XA", FormTitle: pub.Title, Period: "2026-H1", Label: pub.Label,
		DataFrom: reporting.Day(2025, time.December, 15), DataTo: reporting.Day(2026, time.June, 14), At: fxDeadline, Province: "tỉnh Đồng Nai",
		Total:    ops.PublicCounts{Obliged: 95, Filed: 80, OnTime: 70, Late: 10, Missing: 15, OnTimeAll: 70.0 / 95},
		ByKind:   []ops.PublicCounts{{Group: "UBND cấp xã", Obliged: 95, Filed: 80, OnTime: 70, Late: 10, Missing: 15, OnTimeAll: 70.0 / 95}},
		ByParent: []ops.PublicCounts{{Group: "UBND tỉnh Đồng Nai", Obliged: 95, Filed: 80, OnTime: 70, Late: 10, Missing: 15, OnTimeAll: 70.0 / 95}},
		Fields:   []ops.PublicField{{Code: "giam_sat", Label: "Số cuộc giám sát", Unit: "cuộc", Aggregate: "tổng"}},
		Totals:   []ops.PublicTotal{{Group: "TỔNG CỘNG TOÀN TỈNH", Level: "province", Reported: 80, Obliged: 95, Values: []string{"1.234"}}, {Group: "UBND tỉnh Đồng Nai", Level: "parent", Reported: 80, Obliged: 95, Values: []string{"1.234"}}}}
	round := ops.PublicRound{Publication: pubRound, Scorecard: "DGDC-XA", Title: fxScorecard().Title, Year: 2025, Province: "tỉnh Đồng Nai", ClosedAt: fxFirst,
		Ratings: []string{"Tốt", "Khá", "Đạt", "Chưa đạt"}, Total: []int{1, 0, 0, 1},
		ByKind: []ops.PublicRatings{{Group: "UBND cấp xã", Units: 2, Mean: 58, Counts: []int{1, 0, 0, 1}}},
		Units:  []ops.PublicScore{{Code: "25195", Name: "UBND phường Bình Phước", Kind: "UBND cấp xã", Parent: "UBND tỉnh Đồng Nai", Score: 96, Rating: "Tốt", RankKind: 1, RankParent: 1}}}
	return map[string][]Page{
		"public-index": {
			{Title: "Công khai", Nav: "public", Content: PublicIndexPage{Publications: []store.Publication{pub, pubRound}}},
			{Title: "Công khai", Nav: "public", Content: PublicIndexPage{}},
		},
		"public-period": {{Title: "Công khai", Nav: "public", Content: PublicPeriodPage{PublicPeriod: period, Base: "/cong-khai/ky/12",
			ByKindChart: BarChart{Title: "Tỷ lệ", Bars: []Bar{{Label: "UBND cấp xã", Value: "70/95", Rate: .74}}}}}},
		"public-round": {{Title: "Công khai", Nav: "public", Content: PublicRoundPage{PublicRound: round, Base: "/cong-khai/danh-gia/3",
			Chart: BarChart{Title: "Xếp loại năm 2025", Bars: []Bar{{Label: "Tốt", Value: "1 đơn vị", Rate: .5}}}}}},
		"admin-publications": {{Title: "Công khai", Nav: "admin-publications", User: fixtureAdmin, CSRF: fixtureCSRF, Content: PublicationsAdminPage{
			PublicationsAdmin: ops.PublicationsAdmin{Publications: []store.Publication{pub}, Rounds: []store.Round{fxRound(true)},
				Periods: []ops.PublishablePeriod{{PeriodRow: store.PeriodRow{ID: 12, Label: "6 tháng đầu năm 2026"}, FormTitle: pub.Title, Fields: fxForm().Sections[0].Fields, Published: true}}}}}},
		"evaluations": {
			{Title: "Đánh giá", Nav: "evaluations", User: fixtureInspector, CSRF: fixtureCSRF, Content: EvaluationsPage{Open: true,
				Rounds: []store.Round{fxRound(false), fxRound(true)}, Scorecards: []Option{{Value: "DGDC-XA", Label: "Bộ tiêu chí xã (DGDC-XA)", Selected: true}},
				Year: "2025", Until: "25/01/2026"}},
			{Title: "Đánh giá", Nav: "evaluations", User: fixtureInspector, CSRF: fixtureCSRF, Content: EvaluationsPage{Open: true,
				Scorecards: []Option{{Value: "DGDC-XA", Label: "Bộ tiêu chí xã (DGDC-XA)"}}, Year: "2031", Until: "x", Error: "Năm 2031 chưa kết thúc số liệu."}},
			{Title: "Đánh giá", Nav: "evaluations", User: fixtureClerk, CSRF: fixtureCSRF, Content: EvaluationsPage{
				Mine: []RoundLink{{Round: fxRound(false), Href: "/evaluations/3/units/25195"}}}},
			{Title: "Đánh giá", Nav: "evaluations", User: fixtureClerk, CSRF: fixtureCSRF, Content: EvaluationsPage{}},
		},
		"evaluation": {
			{Title: "Kết quả đánh giá năm 2025", Nav: "evaluations", User: fixtureInspector, CSRF: fixtureCSRF, Content: results},
			{Title: "Kết quả đánh giá năm 2025", Nav: "evaluations", User: fixtureInspector, CSRF: fixtureCSRF, Content: closedResults},
		},
		"evaluation-unit": {
			{Title: "Phiếu điểm", Nav: "evaluations", User: fixtureInspector, CSRF: fixtureCSRF, Content: card(0, true, false)},
			{Title: "Phiếu điểm", Nav: "evaluations", User: fixtureClerk, CSRF: fixtureCSRF, Content: card(1, false, true)},
			{Title: "Phiếu điểm", Nav: "evaluations", User: fixtureInspector, CSRF: fixtureCSRF, Status: 422, Content: refused},
		},
	}
}
