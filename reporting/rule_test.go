package reporting

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// ruleForm is a small form with one field of every type, for rule tests.
func ruleForm(rules ...Rule) *Form {
	return &Form{
		Code:      "T",
		Title:     "Test",
		UnitKinds: []UnitKind{KindCommunePC},
		Schedules: []Schedule{{Periodicity: HalfYear, Since: "2024-01-01", Deadline: DeadlineRule{AfterCutoffWorkingDays: 2}}},
		Sections: []Section{{Title: "I", Fields: []Field{
			{Code: "kien_nghi", Label: "Kiến nghị", Type: TypeInt},
			{Code: "da_giai_quyet", Label: "Đã giải quyết", Type: TypeInt},
			{Code: "tien", Label: "Tiền", Type: TypeDecimal},
			{Code: "ty_le", Label: "Tỷ lệ", Type: TypePercent},
			{Code: "danh_gia", Label: "Đánh giá", Type: TypeChoice, Choices: []string{"Tốt", "Khá"}},
			{Code: "ngay", Label: "Ngày", Type: TypeDate},
			{Code: "ghi_chu", Label: "Ghi chú", Type: TypeText},
		}}},
		Rules: rules,
	}
}

func TestCompileRulesRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, expr string
		want       []string // substrings of the error
	}{
		{"unknown field", "da_giai_quyet <= kien_ngi", []string{"rule 1 (da_giai_quyet <= kien_ngi): unknown field kien_ngi"}},
		{"two unknown fields, one line", "a <= b", []string{"unknown field a; unknown field b"}},
		{"text field", "ghi_chu == 'x'", []string{"field ghi_chu has type \"text\""}},
		{"syntax error with position", "kien_nghi <=", []string{"syntax error", "line 1, column"}},
		{"not a boolean", "kien_nghi + tien", []string{"invalid expression", "expected bool"}},
		{"choice compared with a number", "danh_gia > 3", []string{"invalid expression", "mismatched types"}},
		{"wall clock is not allowed", "ngay < now()", []string{"now() is not allowed"}},
		{"unknown function", "frobnicate(kien_nghi) > 0", []string{"unknown function frobnicate"}},
		{"empty", "", []string{"expression is empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := CompileRules(ruleForm(Rule{Expr: tt.expr, Message: "m"}))
			if err == nil {
				t.Fatalf("CompileRules(%q) = nil error", tt.expr)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q spans lines; one rule, one line", err)
			}
		})
	}
}

func TestCompileRulesReportsEveryBrokenRule(t *testing.T) {
	t.Parallel()
	_, err := CompileRules(ruleForm(
		Rule{Expr: "kien_nghi >= 0", Message: "ok"},
		Rule{Expr: "x > 0", Message: "m"},
		Rule{Expr: "y > 0", Message: "m"},
	))
	if err == nil {
		t.Fatal("want an error")
	}
	got := strings.Split(err.Error(), "\n")
	want := []string{"rule 2 (x > 0): unknown field x", "rule 3 (y > 0): unknown field y"}
	if !slices.Equal(got, want) {
		t.Fatalf("errors\n%q\nwant\n%q", got, want)
	}
}

func TestRuleSetEval(t *testing.T) {
	t.Parallel()
	resolved := Rule{Expr: "da_giai_quyet <= kien_nghi", Message: "Số đã giải quyết không được lớn hơn số kiến nghị"}
	tests := []struct {
		name   string
		rule   Rule
		values map[string]any
		want   *RuleResult // nil: the rule holds or is skipped
	}{
		{"holds", resolved, map[string]any{"kien_nghi": 5.0, "da_giai_quyet": 3.0}, nil},
		{"fails, naming both fields in expression order", resolved,
			map[string]any{"kien_nghi": 2.0, "da_giai_quyet": 3.0},
			&RuleResult{Index: 1, Expr: resolved.Expr, Message: resolved.Message, Severity: SeverityError, Fields: []string{"da_giai_quyet", "kien_nghi"}}},
		{"Go ints compare with floats", resolved, map[string]any{"kien_nghi": 2, "da_giai_quyet": int64(3)},
			&RuleResult{Index: 1, Expr: resolved.Expr, Message: resolved.Message, Severity: SeverityError, Fields: []string{"da_giai_quyet", "kien_nghi"}}},
		{"skipped when a field is absent", resolved, map[string]any{"da_giai_quyet": 3.0}, nil},
		{"skipped when a field is nil", resolved, map[string]any{"kien_nghi": nil, "da_giai_quyet": 3.0}, nil},
		{"warning keeps its severity", Rule{Expr: "tien <= 1000", Severity: SeverityWarning, Message: "w"},
			map[string]any{"tien": 1500.5},
			&RuleResult{Index: 1, Expr: "tien <= 1000", Message: "w", Severity: SeverityWarning, Fields: []string{"tien"}}},
		{"choice and number", Rule{Expr: `danh_gia != "Tốt" || ty_le >= 50`, Message: "c"},
			map[string]any{"danh_gia": "Tốt", "ty_le": 40.0},
			&RuleResult{Index: 1, Expr: `danh_gia != "Tốt" || ty_le >= 50`, Message: "c", Severity: SeverityError, Fields: []string{"danh_gia", "ty_le"}}},
		{"date against a literal in UTC", Rule{Expr: `ngay >= date("2023-07-01")`, Message: "d"},
			map[string]any{"ngay": Day(2023, time.July, 1)}, nil},
		{"date before the literal fails", Rule{Expr: `ngay >= date("2023-07-01")`, Message: "d"},
			map[string]any{"ngay": Day(2023, time.June, 30)},
			&RuleResult{Index: 1, Expr: `ngay >= date("2023-07-01")`, Message: "d", Severity: SeverityError, Fields: []string{"ngay"}}},
		{"a let name is not a field", Rule{Expr: "let con_lai = kien_nghi - da_giai_quyet; con_lai >= 0", Message: "l"},
			map[string]any{"kien_nghi": 1.0, "da_giai_quyet": 2.0},
			&RuleResult{Index: 1, Expr: "let con_lai = kien_nghi - da_giai_quyet; con_lai >= 0", Message: "l", Severity: SeverityError, Fields: []string{"kien_nghi", "da_giai_quyet"}}},
		{"a field named twice is listed once", Rule{Expr: "kien_nghi >= 0 && kien_nghi < 100", Message: "r"},
			map[string]any{"kien_nghi": 100},
			&RuleResult{Index: 1, Expr: "kien_nghi >= 0 && kien_nghi < 100", Message: "r", Severity: SeverityError, Fields: []string{"kien_nghi"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rs, err := CompileRules(ruleForm(tt.rule))
			if err != nil {
				t.Fatal(err)
			}
			got := rs.Eval(tt.values)
			switch {
			case tt.want == nil && len(got) != 0:
				t.Fatalf("Eval = %+v, want no failure", got)
			case tt.want == nil:
			case len(got) != 1:
				t.Fatalf("Eval = %+v, want exactly %+v", got, *tt.want)
			default:
				g := got[0]
				if g.Err != nil || g.Index != tt.want.Index || g.Expr != tt.want.Expr || g.Message != tt.want.Message ||
					g.Severity != tt.want.Severity || !slices.Equal(g.Fields, tt.want.Fields) {
					t.Fatalf("Eval = %+v, want %+v", g, *tt.want)
				}
			}
		})
	}
}

func TestRuleSetEvalWrongTypeFails(t *testing.T) {
	t.Parallel()
	rs, err := CompileRules(ruleForm(Rule{Expr: "kien_nghi >= 0", Message: "m"}))
	if err != nil {
		t.Fatal(err)
	}
	got := rs.Eval(map[string]any{"kien_nghi": "12"})
	if len(got) != 1 || got[0].Err == nil || !strings.Contains(got[0].Err.Error(), "kien_nghi") {
		t.Fatalf("Eval with a string for an int field = %+v, want one failure whose Err names kien_nghi", got)
	}
}

func TestRuleSetEvalKeepsOrderAndIndex(t *testing.T) {
	t.Parallel()
	rs, err := CompileRules(ruleForm(
		Rule{Expr: "kien_nghi >= 10", Message: "a"},
		Rule{Expr: "tien >= 0", Message: "b"},
		Rule{Expr: "da_giai_quyet <= kien_nghi", Message: "c", Severity: SeverityWarning},
	))
	if err != nil {
		t.Fatal(err)
	}
	got := rs.Eval(map[string]any{"kien_nghi": 1, "da_giai_quyet": 2, "tien": 5.0})
	var idx []int
	for _, r := range got {
		idx = append(idx, r.Index)
	}
	if !slices.Equal(idx, []int{1, 3}) {
		t.Fatalf("failed rules %v, want [1 3]", idx)
	}
	if got[1].Field() != "da_giai_quyet" {
		t.Errorf("Field() = %q, want the first field the rule names, da_giai_quyet", got[1].Field())
	}
}
