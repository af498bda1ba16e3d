package templates

import (
	"strings"
	"testing"
)

func shippedForms(t *testing.T) []FormFile {
	t.Helper()
	ff, err := EmbeddedForms()
	if err != nil {
		t.Fatal(err)
	}
	return ff
}

func TestShippedScorecardsAreValidAndWorthAHundredPoints(t *testing.T) {
	scs, err := EmbeddedScorecards(FormsByCode(shippedForms(t)))
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]bool{}
	for _, s := range scs {
		codes[s.Scorecard.Code] = true
		if got := s.Scorecard.MaxPoints(); got != 100 {
			t.Errorf("%s: criteria add up to %v points, want 100", s.Name, got)
		}
		kinds := map[string]bool{}
		for _, c := range s.Scorecard.Criteria() {
			kinds[c.Kind()] = true
			if c.Basis == "" {
				t.Errorf("%s: criterion %s has no legal basis", s.Name, c.Code)
			}
		}
		for _, k := range []string{"discipline", "figures", "inspector"} {
			if !kinds[k] {
				t.Errorf("%s: no %s criterion", s.Name, k)
			}
		}
	}
	if !codes["DGDC-XA"] || !codes["DGDC-CQ"] {
		t.Errorf("shipped scorecards %v, want DGDC-XA (communes) and DGDC-CQ (agencies)", codes)
	}
}

// A definition with three mistakes lists all three, each with the file
// and the criterion.
func TestScorecardMistakesAreListedTogether(t *testing.T) {
	src := `code: DGDC-TEST
title: Thử
from_year: 2025
unit_kinds: [commune_pc]
forms: [DCCS-XA]
sections:
  - title: I. Báo cáo
    criteria:
      - code: dung_han
        title: Đúng hạn
        basis: Nghị định 09
        max: 10
        discipline: {measure: on_time, bands: [{min: 100, points: 10}]}
      - code: cong_khai
        title: Công khai
        basis: Điều 11
        max: 20
        figures: {form: DCCS-XA, periodicity: annual, ratio: {numerator: ck_noi_dung_da, denominator: ck_khong_co}, bands: [{min: 95, points: 20}]}
      - code: kiem_tra
        title: Kiểm tra
        basis: Nghị quyết
        max: 20
        inspector: {guidance: chấm}
        figures: {form: DCCS-XA, periodicity: annual, field: vb_chi_dao, bands: [{min: 1, points: 25}]}
ratings:
  - {label: Đạt, min: 50}
  - {label: Chưa đạt, min: 0}
`
	_, err := ParseScorecard("thu.yaml", []byte(src), FormsByCode(shippedForms(t)))
	if err == nil {
		t.Fatal("a scorecard with three mistakes was accepted")
	}
	lines := strings.Split(err.Error(), "\n")
	want := []string{
		`thu.yaml: tiêu chí dung_han: thước đo "on_time" không có`,
		`thu.yaml: tiêu chí cong_khai: biểu mẫu DCCS-XA không có chỉ tiêu "ck_khong_co"`,
		`thu.yaml: tiêu chí kiem_tra: phải nêu đúng một cách chấm`,
	}
	if len(lines) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%s", len(lines), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("problem %d = %q, want it to start %q", i+1, lines[i], w)
		}
	}
}

func TestScorecardUnknownKeyRefused(t *testing.T) {
	_, err := ParseScorecard("x.yaml", []byte("code: X\nmaks: 3\n"), nil)
	if err == nil || !strings.Contains(err.Error(), "maks") {
		t.Fatalf("unknown key: err = %v", err)
	}
}
