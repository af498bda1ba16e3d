package ops_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
	"baocao/templates"
)

const evalFormYAML = `code: EVAL-T
title: Báo cáo thử cho đánh giá
unit_kinds: [commune_pc]
schedules:
  - periodicity: half_year
    cutoff: decree09
    since: "2024-12-15"
    deadline: {after_cutoff_working_days: 2}
sections:
  - title: I. Công khai
    fields:
      - {code: phai, label: Số nội dung phải công khai, type: int, min: 0, required: true, aggregate: sum}
      - {code: da, label: Số nội dung đã công khai, type: int, min: 0, required: true, aggregate: sum}
      - {code: hop, label: Đã họp dân, type: choice, choices: [Có, Không], required: true, aggregate: count}
`

const evalScorecardYAML = `code: DG-T
title: Bộ tiêu chí thử
from_year: 2025
unit_kinds: [commune_pc]
forms: [EVAL-T]
sections:
  - title: I. Báo cáo
    criteria:
      - {code: dung_han, title: Đúng hạn, basis: Nghị định 09/2019, max: 10, discipline: {measure: on_time_rate, bands: [{min: 100, points: 10}, {min: 50, points: 5}]}}
      - {code: tra_lai, title: Không bị trả lại, basis: Nghị định 09/2019, max: 5, discipline: {measure: returned, bands: [{max: 0, points: 5}, {max: 1, points: 2}]}}
  - title: II. Số liệu
    criteria:
      - {code: cong_khai, title: Tỷ lệ công khai, basis: Điều 11, max: 20, figures: {form: EVAL-T, periodicity: half_year, ratio: {numerator: da, denominator: phai}, bands: [{min: 95, points: 20}, {min: 80, points: 12}, {min: 50, points: 6}]}}
      - {code: hop_dan, title: Họp dân, basis: Điều 15, max: 5, figures: {form: EVAL-T, periodicity: half_year, field: hop, choice: Có, bands: [{min: 100, points: 5}, {min: 50, points: 2.5}]}}
  - title: III. Kiểm tra
    criteria:
      - {code: kiem_tra, title: Kiểm tra thực tế, basis: Nghị quyết HĐND, max: 10, inspector: {guidance: Theo biên bản}}
ratings:
  - {label: Tốt, min: 90}
  - {label: Khá, min: 70}
  - {label: Đạt, min: 50}
  - {label: Chưa đạt, min: 0}
`

type evalFixture struct {
	st        *store.Store
	svc       *ops.Service
	inspector reporting.User
	h1, h2    int64
}

func at(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, hcm) }

// newEvalFixture: four communes under two districts report 2025's two
// half-years of EVAL-T:
//   - C1 on time both times, 19/20 and 20/20 publicised, met both times;
//   - C2 late in H1 (5/10, no meeting), returned on 20/12 and filed again
//     on 22/12 (9/10, no meeting); on time in H2 (8/10, met);
//   - C3 on time in H1 (10/10, met), nothing in H2;
//   - C4 exempt from both.
func newEvalFixture(t *testing.T) *evalFixture {
	t.Helper()
	ctx := context.Background()
	st := storetest.Open(t)
	form := storetest.SyncFormYAML(t, st, "eval-t.yaml", evalFormYAML)
	sf, err := templates.ParseScorecard("dg-t.yaml", []byte(evalScorecardYAML), map[string]*reporting.Form{form.Code: &form})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.SyncShippedScorecards(ctx, []store.ScorecardSource{{Definition: sf.Scorecard, Source: string(sf.Source), Checksum: sf.Checksum}}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct{ code, parent string }{{"C1", "D1"}, {"C2", "D1"}, {"C3", "D2"}, {"C4", "D2"}} {
		storetest.Unit(t, st, &storetest.UnitOpts{Code: u.code, Name: "UBND xã " + u.code, Parent: u.parent})
	}
	storetest.OpenDue(t, st, at(2026, time.January, 2, 8), hcm)
	fx := &evalFixture{st: st, svc: storetest.Ops(st, hcm),
		inspector: storetest.User(t, st, &storetest.UserOpts{Role: reporting.RoleInspector, Email: "thanhtra@test.baocao.vn"})}
	fx.h1, fx.h2 = periodID(t, st, "EVAL-T", "2025-H1"), periodID(t, st, "EVAL-T", "2025-H2")

	file := func(p int64, unit string, when time.Time, phai, da int, hop string) {
		sub := storetest.Upload(t, st, p, unit, when)
		if _, err := st.Pool().Exec(ctx, `INSERT INTO submission_values (submission_id, field_code, num, txt)
			VALUES ($1, 'phai', $2, NULL), ($1, 'da', $3, NULL), ($1, 'hop', NULL, $4)`, sub.ID, phai, da, hop); err != nil {
			t.Fatal(err)
		}
	}
	file(fx.h1, "C1", at(2025, time.June, 15, 9), 20, 19, "Có")
	file(fx.h2, "C1", at(2025, time.December, 15, 9), 20, 20, "Có")
	file(fx.h1, "C2", at(2025, time.June, 25, 9), 10, 5, "Không")
	file(fx.h2, "C2", at(2025, time.December, 15, 10), 10, 8, "Có")
	storetest.Record(t, st, fx.h1, "C2", reporting.Event{At: at(2025, time.December, 20, 9), Kind: reporting.EventReturned, Reason: "Sai số liệu"})
	file(fx.h1, "C2", at(2025, time.December, 22, 9), 10, 9, "Không")
	file(fx.h1, "C3", at(2025, time.June, 16, 9), 10, 10, "Có")
	storetest.Record(t, st, fx.h1, "C4", reporting.Event{At: at(2025, time.June, 1, 9), Kind: reporting.EventExempted, Reason: "Sáp nhập"})
	storetest.Record(t, st, fx.h2, "C4", reporting.Event{At: at(2025, time.December, 1, 9), Kind: reporting.EventExempted, Reason: "Sáp nhập"})
	return fx
}

// open opens the 2025 round at now, the units' comments until until
// (zero: the default).
func (fx *evalFixture) open(t *testing.T, now, until time.Time) store.Round {
	t.Helper()
	round, err := fx.svc.OpenRound(t.Context(), fx.inspector, now, ops.OpenRoundInput{Scorecard: "DG-T", Year: 2025, CommentsUntil: until})
	if err != nil {
		t.Fatal(err)
	}
	return round
}

// judgeAll scores the inspection of the four communes: 9, 7, 6 and 8.
func (fx *evalFixture) judgeAll(t *testing.T, round int64, now time.Time) {
	t.Helper()
	for unit, pts := range map[string]float64{"C1": 9, "C2": 7, "C3": 6, "C4": 8} {
		if _, err := fx.svc.Judge(t.Context(), fx.inspector, now, ops.JudgeInput{RoundID: round, Unit: unit, Criterion: "kiem_tra", Points: pts,
			Justification: "Biên bản kiểm tra ngày 10/01/2026"}); err != nil {
			t.Fatal(err)
		}
	}
}

func scoresOf(t *testing.T, v ops.RoundView) map[string]reporting.EvaluatedUnit {
	t.Helper()
	out := map[string]reporting.EvaluatedUnit{}
	for _, u := range v.Units {
		out[u.Code] = u
	}
	return out
}

func pointsOf(u reporting.EvaluatedUnit) map[string]float64 {
	out := map[string]float64{}
	for _, c := range u.Criteria {
		if c.Applicable {
			out[c.Code] = c.Points
		}
	}
	return out
}

// The whole round, every figure worked by hand from the fixture:
//
//	     dung_han         tra_lai     cong_khai              hop_dan        kiem_tra  total   /100  rating
//	C1   2/2 on time 10   0 → 5       39/40 = 97,5% → 20     2/2 → 5        9         49/50   98    Tốt
//	C2   1/2 → 50% 5      1 → 2       (9+8)/20 = 85% → 12    1/2 → 2,5      7         28,5/50 57    Đạt
//	C3   1/2 → 50% 5      0 → 5       10/10 (H1 only) → 20   1/1 → 5        6         41/50   82    Khá
//	C4   exempt: n/a      n/a         n/a                    n/a            8         8/10    80    Khá
//
// Ranks among communes: C1 1, C3 2, C4 3, C2 4; within D1: C1 1, C2 2;
// within D2: C3 1, C4 2.
func TestEvaluationRoundScoresRanksAndFreezes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx := newEvalFixture(t)
	now := at(2026, time.January, 15, 9)
	round := fx.open(t, now, time.Time{})
	if round.Units != 4 {
		t.Fatalf("round scored %d units, want the 4 communes", round.Units)
	}
	fx.judgeAll(t, round.ID, now)
	v, err := fx.svc.RoundResults(ctx, fx.inspector, round.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := scoresOf(t, v)
	want := map[string]struct {
		points               map[string]float64
		total, max, score    float64
		rating               string
		rankKind, rankParent int
	}{
		"C1": {map[string]float64{"dung_han": 10, "tra_lai": 5, "cong_khai": 20, "hop_dan": 5, "kiem_tra": 9}, 49, 50, 98, "Tốt", 1, 1},
		"C2": {map[string]float64{"dung_han": 5, "tra_lai": 2, "cong_khai": 12, "hop_dan": 2.5, "kiem_tra": 7}, 28.5, 50, 57, "Đạt", 4, 2},
		"C3": {map[string]float64{"dung_han": 5, "tra_lai": 5, "cong_khai": 20, "hop_dan": 5, "kiem_tra": 6}, 41, 50, 82, "Khá", 2, 1},
		"C4": {map[string]float64{"kiem_tra": 8}, 8, 10, 80, "Khá", 3, 2},
	}
	for code, w := range want {
		u := got[code]
		gp := pointsOf(u)
		for c, p := range w.points {
			if gp[c] != p {
				t.Errorf("%s %s: %v points, want %v", code, c, gp[c], p)
			}
		}
		if len(gp) != len(w.points) {
			t.Errorf("%s: applicable criteria %v, want %v", code, gp, w.points)
		}
		if u.Total != w.total || u.MaxApplicable != w.max || u.Score != w.score || u.Rating != w.rating || u.RankKind != w.rankKind || u.RankParent != w.rankParent {
			t.Errorf("%s: %v/%v = %v %s, ranks %d/%d; want %v/%v = %v %s, ranks %d/%d", code, u.Total, u.MaxApplicable, u.Score, u.Rating,
				u.RankKind, u.RankParent, w.total, w.max, w.score, w.rating, w.rankKind, w.rankParent)
		}
	}
	// Ratings: Tốt 1, Khá 2, Đạt 1, Chưa đạt 0.
	if jsonOf(t, v.Ratings) != "[1,2,1,0]" {
		t.Errorf("rating counts %v, want [1 2 1 0]", v.Ratings)
	}

	// As at 18/12/2025, before C2's H1 report was returned: its first
	// version (5/10) counts and nothing was returned: tra_lai 5,
	// cong_khai (5+8)/20 = 65% → 6; total 5+5+6+2,5+7 = 25,5/50 = 51, Đạt.
	if _, err := fx.svc.Recompute(ctx, fx.inspector, now, round.ID, at(2025, time.December, 18, 9), ""); err == nil {
		t.Error("a recomputation without a reason was accepted")
	}
	if _, err := fx.svc.Recompute(ctx, fx.inspector, now.Add(time.Hour), round.ID, at(2025, time.December, 18, 9), "Tính theo số liệu trước khi trả lại"); err != nil {
		t.Fatal(err)
	}
	v, err = fx.svc.RoundResults(ctx, fx.inspector, round.ID)
	if err != nil {
		t.Fatal(err)
	}
	c2 := scoresOf(t, v)["C2"]
	if p := pointsOf(c2); p["tra_lai"] != 5 || p["cong_khai"] != 6 || c2.Total != 25.5 || c2.Score != 51 || c2.Rating != "Đạt" {
		t.Errorf("C2 as at 18/12/2025: %v total %v score %v %s; want tra_lai 5, cong_khai 6, 25.5, 51, Đạt", p, c2.Total, c2.Score, c2.Rating)
	}

	// An inspector's change is audited with the points before and after
	// and the justification.
	if _, err := fx.svc.Judge(ctx, fx.inspector, now.Add(2*time.Hour), ops.JudgeInput{RoundID: round.ID, Unit: "C2", Criterion: "kiem_tra", Points: 4,
		Justification: "Phúc tra: hồ sơ họp dân chưa đủ"}); err != nil {
		t.Fatal(err)
	}
	var details []byte
	if err := fx.st.Pool().QueryRow(ctx, `SELECT details FROM audit_events WHERE action = 'evaluation.judge' AND actor = $1
		ORDER BY id DESC LIMIT 1`, fx.inspector.Email).Scan(&details); err != nil {
		t.Fatal(err)
	}
	var audited map[string]any
	if err := json.Unmarshal(details, &audited); err != nil {
		t.Fatal(err)
	}
	if audited["unit"] != "C2" || audited["points"] != 4.0 || audited["points_before"] != 7.0 || audited["justification"] != "Phúc tra: hồ sơ họp dân chưa đủ" {
		t.Errorf("audited change: %v", audited)
	}

	// Out of range, not an inspector's criterion, no justification.
	for _, in := range []ops.JudgeInput{
		{RoundID: round.ID, Unit: "C1", Criterion: "kiem_tra", Points: 11, Justification: "x"},
		{RoundID: round.ID, Unit: "C1", Criterion: "dung_han", Points: 1, Justification: "x"},
		{RoundID: round.ID, Unit: "C1", Criterion: "kiem_tra", Points: 1, Justification: "  "},
		{RoundID: round.ID, Unit: "XX", Criterion: "kiem_tra", Points: 1, Justification: "x"},
	} {
		if _, err := fx.svc.Judge(ctx, fx.inspector, now, in); err == nil {
			t.Errorf("judgement %+v accepted", in)
		}
	}

	// Closed, the round refuses every change, in ops and in the database.
	if _, err := fx.svc.CloseRound(ctx, fx.inspector, now.Add(3*time.Hour), round.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := fx.svc.Judge(ctx, fx.inspector, now.Add(4*time.Hour), ops.JudgeInput{RoundID: round.ID, Unit: "C1", Criterion: "kiem_tra", Points: 1, Justification: "x"}); reporting.ErrorCode(err) != reporting.ECONFLICT {
		t.Errorf("judgement in a closed round: %v, want a conflict", err)
	}
	if _, err := fx.svc.Recompute(ctx, fx.inspector, now.Add(4*time.Hour), round.ID, time.Time{}, "lại"); reporting.ErrorCode(err) != reporting.ECONFLICT {
		t.Errorf("recomputation of a closed round: %v, want a conflict", err)
	}
	if _, err := fx.st.Pool().Exec(ctx, `UPDATE evaluation_units SET score = 100 WHERE round_id = $1`, round.ID); err == nil {
		t.Error("the database let a closed round's scores change")
	}
	if _, err := fx.st.Pool().Exec(ctx, `UPDATE evaluation_rounds SET closed_at = NULL, closed_by = NULL WHERE id = $1`, round.ID); err == nil {
		t.Error("the database let a closed round reopen")
	}

	// 2026, as at 15/01/2026: 2026-H1 is open but its deadline is ahead,
	// so nothing of it counts yet; only the inspection applies. C1 scores
	// 10/10 = 100 against 98 last year: +2; C2 (judged 4 in 2025: 25,5
	// → with 4 instead of 7, 22,5/50 = 45) unscored now: 0, −45.
	next, err := fx.svc.OpenRound(ctx, fx.inspector, now.Add(5*time.Hour), ops.OpenRoundInput{Scorecard: "DG-T", Year: 2026})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fx.svc.Judge(ctx, fx.inspector, now.Add(5*time.Hour), ops.JudgeInput{RoundID: next.ID, Unit: "C1", Criterion: "kiem_tra", Points: 10, Justification: "Tốt"}); err != nil {
		t.Fatal(err)
	}
	v, err = fx.svc.RoundResults(ctx, fx.inspector, next.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.PreviousYear != 2025 || v.Compared != 4 || v.Regrouped != 0 {
		t.Errorf("2026 against %d: %d compared, %d regrouped; want 2025, 4, 0", v.PreviousYear, v.Compared, v.Regrouped)
	}
	now26 := scoresOf(t, v)
	if c1 := now26["C1"]; c1.Score != 100 || len(pointsOf(c1)) != 1 || c1.ChangeText() != "+2" {
		t.Errorf("C1 2026: %v on 100 over %v, change %q; want 100 over the inspection alone, +2", c1.Score, pointsOf(c1), c1.ChangeText())
	}
	if c2 := now26["C2"]; c2.ChangeText() != "-45" {
		t.Errorf("C2 2026: change %q, want -45", c2.ChangeText())
	}
	card, err := fx.svc.UnitCard(ctx, fx.inspector, now.Add(5*time.Hour), next.ID, "C1")
	if err != nil || card.Unit.ChangeText() != "+2" || card.Unit.RankKind != 1 || card.OfKind != 4 {
		t.Errorf("C1's 2026 card: change %q, rank %d of %d (%v)", card.Unit.ChangeText(), card.Unit.RankKind, card.OfKind, err)
	}
}

// Closing with a judgement criterion unscored is refused unless the
// inspector confirms those score 0.
func TestEvaluationRoundClosingWithPendingJudgements(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx := newEvalFixture(t)
	now := at(2026, time.January, 15, 9)
	round := fx.open(t, now, time.Time{})
	if _, err := fx.svc.CloseRound(ctx, fx.inspector, now, round.ID, false); reporting.ErrorCode(err) != reporting.ECONFLICT ||
		!strings.Contains(reporting.ErrorMessage(err), "Còn 4 tiêu chí") {
		t.Fatalf("closing with 4 unscored: %v", err)
	}
	if _, err := fx.svc.CloseRound(ctx, fx.inspector, now, round.ID, true); err != nil {
		t.Fatal(err)
	}
	// A second round for the same scorecard and year is refused.
	if _, err := fx.svc.OpenRound(ctx, fx.inspector, now, ops.OpenRoundInput{Scorecard: "DG-T", Year: 2025}); reporting.ErrorCode(err) != reporting.ECONFLICT {
		t.Errorf("second round for 2025: %v", err)
	}
	// A clerk may not open one.
	clerk := storetest.User(t, fx.st, &storetest.UserOpts{UnitCode: "C1"})
	if _, err := fx.svc.OpenRound(ctx, clerk, now, ops.OpenRoundInput{Scorecard: "DG-T", Year: 2026}); reporting.ErrorCode(err) != reporting.EFORBIDDEN {
		t.Errorf("clerk opening a round: %v", err)
	}
}

// A unit's clerk sees its own scorecard and comments within the window;
// not another unit's, and not after the window.
func TestEvaluationUnitCommentsWithinTheWindow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx := newEvalFixture(t)
	now := at(2026, time.January, 15, 9)
	round := fx.open(t, now, now.Add(48*time.Hour))
	clerk := storetest.User(t, fx.st, &storetest.UserOpts{UnitCode: "C2"})
	card, err := fx.svc.UnitCard(ctx, clerk, now, round.ID, "C2")
	if err != nil {
		t.Fatal(err)
	}
	if !card.CanComment || card.CanJudge || card.OfKind != 4 || card.OfParent != 2 {
		t.Errorf("clerk's card: comment %v judge %v of %d/%d", card.CanComment, card.CanJudge, card.OfKind, card.OfParent)
	}
	if _, err := fx.svc.UnitCard(ctx, clerk, now, round.ID, "C1"); reporting.ErrorCode(err) != reporting.EFORBIDDEN {
		t.Errorf("clerk reading another unit's card: %v", err)
	}
	if _, err := fx.svc.RoundResults(ctx, clerk, round.ID); reporting.ErrorCode(err) != reporting.EFORBIDDEN {
		t.Errorf("clerk reading every unit's results: %v", err)
	}
	if _, err := fx.svc.Comment(ctx, clerk, now, round.ID, "C2", "tra_lai", "Báo cáo bị trả lại do lỗi phần mềm, đã nộp lại ngay."); err != nil {
		t.Fatal(err)
	}
	if _, err := fx.svc.Comment(ctx, clerk, now.Add(49*time.Hour), round.ID, "C2", "", "Muộn"); reporting.ErrorCode(err) != reporting.ECONFLICT {
		t.Errorf("comment after the window: %v", err)
	}
	if _, err := fx.svc.Comment(ctx, fx.inspector, now, round.ID, "C2", "", "Thanh tra"); reporting.ErrorCode(err) != reporting.EFORBIDDEN {
		t.Errorf("inspector commenting as the unit: %v", err)
	}
	card, err = fx.svc.UnitCard(ctx, fx.inspector, now, round.ID, "C2")
	if err != nil {
		t.Fatal(err)
	}
	if len(card.Comments) != 1 || card.Comments[0].Criterion != "tra_lai" || !card.CanJudge {
		t.Errorf("inspector's view of C2: comments %+v, judge %v", card.Comments, card.CanJudge)
	}
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The People's Council PDF and the workbook carry the round's figures:
// the PDF's text names the year, the rating counts and each unit with its
// score; the workbook's results sheet holds the same points.
func TestEvaluationReports(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx := newEvalFixture(t)
	now := at(2026, time.January, 15, 9)
	round := fx.open(t, now, time.Time{})
	fx.judgeAll(t, round.ID, now)
	if _, err := fx.svc.CloseRound(ctx, fx.inspector, now, round.ID, false); err != nil {
		t.Fatal(err)
	}
	var pdfBuf, xlsxBuf bytes.Buffer
	if _, err := fx.svc.RoundReport(ctx, fx.inspector, now, round.ID, ops.ReportPDF, ops.PDFText{}, &pdfBuf); err != nil {
		t.Fatal(err)
	}
	text := storetest.PDFText(t, pdfBuf.Bytes())
	for _, want := range []string{
		"Kết quả đánh giá mức độ thực hiện dân chủ ở cơ sở năm 2025",
		"Tốt 1 đơn vị (25,0%), Khá 2 đơn vị (50,0%), Đạt 1 đơn vị (25,0%), Chưa đạt 0 đơn vị (0,0%)",
		"Điểm bình quân 79,25 điểm", // (98 + 57 + 82 + 80) / 4
		"Không có đơn vị xếp loại Chưa đạt",
		"Phụ lục II",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF lacks %q", want)
		}
	}
	if _, err := fx.svc.RoundReport(ctx, fx.inspector, now, round.ID, ops.ReportXLSX, ops.PDFText{}, &xlsxBuf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&xlsxBuf)
	if err != nil {
		t.Fatal(err)
	}
	rowsOf, err := f.GetRows("Kết quả")
	if err != nil {
		t.Fatal(err)
	}
	// Row 5 on: the best commune first; columns: rank, code, name, kind,
	// parent, TC1..TC5, total, max, score, rating, rank in parent.
	first := rowsOf[4]
	if first[1] != "C1" || first[10] != "49.00" && first[10] != "49" || first[12] != "98" && first[12] != "98.00" || first[13] != "Tốt" {
		t.Errorf("first row of the results sheet: %q", first)
	}
	clerk := storetest.User(t, fx.st, &storetest.UserOpts{UnitCode: "C1"})
	if _, err := fx.svc.RoundReport(ctx, clerk, now, round.ID, ops.ReportPDF, ops.PDFText{}, &pdfBuf); reporting.ErrorCode(err) != reporting.EFORBIDDEN {
		t.Errorf("a clerk downloading the province's results: %v", err)
	}
}

// An inspection's scores from a file: all stored, or none, the refusal
// naming its line.
func TestEvaluationJudgeAllOrNone(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	fx := newEvalFixture(t)
	now := at(2026, time.January, 15, 9)
	round := fx.open(t, now, time.Time{})
	rows := []ops.JudgeInput{
		{Unit: "C1", Criterion: "kiem_tra", Points: 9, Justification: "Biên bản 1"},
		{Unit: "C2", Criterion: "kiem_tra", Points: 12, Justification: "Biên bản 2"}, // over the maximum of 10
		{Unit: "C3", Criterion: "kiem_tra", Points: 6, Justification: "Biên bản 3"},
	}
	err := fx.svc.JudgeAll(ctx, fx.inspector, now, round.ID, rows)
	if reporting.ErrorCode(err) != reporting.EINVALID || !strings.HasPrefix(reporting.ErrorMessage(err), "Dòng 3: ") {
		t.Fatalf("a file with a bad line 3: %v", err)
	}
	var n int
	if err := fx.st.Pool().QueryRow(ctx, `SELECT count(*) FROM evaluation_judgements`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d judgements stored from a refused file (%v)", n, err)
	}
	rows[1].Points = 7
	if err := fx.svc.JudgeAll(ctx, fx.inspector, now, round.ID, rows); err != nil {
		t.Fatal(err)
	}
	v, err := fx.svc.RoundResults(ctx, fx.inspector, round.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := scoresOf(t, v)
	if p := pointsOf(got["C1"]); p["kiem_tra"] != 9 || pointsOf(got["C3"])["kiem_tra"] != 6 || got["C4"].Pending != 1 {
		t.Errorf("after the file: C1 %v, C3 %v, C4 pending %d", p, pointsOf(got["C3"]), got["C4"].Pending)
	}
}
