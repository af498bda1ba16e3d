package reporting

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

func ptr[T any](v T) *T { return &v }

// validateForm has one field of every type, with bounds, and one rule of
// each severity.
func validateForm() Form {
	f := Form{
		Code:      "T",
		Title:     "Test",
		UnitKinds: []UnitKind{KindCommunePC},
		Schedules: []Schedule{{Periodicity: HalfYear, Since: "2024-01-01", Deadline: DeadlineRule{AfterCutoffWorkingDays: 2}}},
		Sections: []Section{{Title: "I", Fields: []Field{
			{Code: "kien_nghi", Label: "Số kiến nghị", Type: TypeInt, Unit: "kiến nghị", Min: ptr(0.0), Required: true},
			{Code: "da_giai_quyet", Label: "Số kiến nghị đã giải quyết", Type: TypeInt, Min: ptr(0.0)},
			{Code: "giam_sat", Label: "Số cuộc giám sát", Type: TypeInt, Min: ptr(0.0), Max: ptr(1000.0)},
			{Code: "tien", Label: "Số tiền thu hồi", Type: TypeDecimal, Unit: "đồng", Min: ptr(0.0)},
			{Code: "ty_le", Label: "Tỷ lệ", Type: TypePercent, Unit: "%"},
			{Code: "danh_gia", Label: "Tự đánh giá", Type: TypeChoice, Choices: []string{"Tốt", "Khá", "Trung bình"}},
			{Code: "ngay", Label: "Ngày hội nghị", Type: TypeDate},
			{Code: "kho_khan", Label: "Khó khăn", Type: TypeText, MaxLength: 12},
		}}},
		Rules: []Rule{
			{Expr: "da_giai_quyet <= kien_nghi", Message: "Số đã giải quyết không được lớn hơn số kiến nghị."},
			{Expr: "giam_sat <= 50", Severity: SeverityWarning, Message: "Hơn 50 cuộc giám sát là bất thường."},
		},
	}
	f.Normalize()
	return f
}

func at(cell string, v Value) Value { v.Sheet, v.Cell = "Báo cáo", cell; return v }

func num(raw, canonical string) Value { return Value{Raw: raw, Num: canonical} }

func validValues() map[string]Value {
	d := Day(2026, time.March, 5)
	return map[string]Value{
		"kien_nghi":     at("D12", num("5", "5")),
		"da_giai_quyet": at("D13", num("3", "3")),
		"giam_sat":      at("D14", num("10", "10")),
		"tien":          at("D15", num("12345678901.25", "12345678901.25")),
		"ty_le":         at("D16", num("99.5", "99.5")),
		"danh_gia":      at("D17", Value{Raw: "Tốt", Text: "Tốt"}),
		"ngay":          at("D18", Value{Raw: "05/03/2026", Date: &d}),
		"kho_khan":      at("D19", Value{Raw: "Thiếu người", Text: "Thiếu người"}),
	}
}

func TestValidateAcceptsValidValues(t *testing.T) {
	t.Parallel()
	if ps := Validate(validateForm(), validValues(), nil); len(ps) != 0 {
		t.Fatalf("Validate = %+v, want no problem", ps)
	}
}

func TestValidateFieldProblems(t *testing.T) {
	t.Parallel()
	early := Day(1899, time.December, 31)
	tests := []struct {
		name     string
		field    string
		value    Value
		code     string
		contains []string
	}{
		{"required missing", "kien_nghi", Value{}, ProblemRequired, []string{"Chưa nhập “Số kiến nghị” (ô D12)", "bắt buộc"}},
		{"text in a number cell", "kien_nghi", Value{Raw: "năm"}, ProblemType, []string{"“năm” không phải là số"}},
		{"fraction in an int field", "kien_nghi", num("1.5", "1.5"), ProblemType, []string{"phải là số nguyên", "1,5"}},
		{"below min", "kien_nghi", num("-3", "-3"), ProblemRange, []string{"không được nhỏ hơn 0 kiến nghị", "đã nhập -3"}},
		{"above max, both bounds named", "giam_sat", num("1001", "1001"), ProblemRange, []string{"phải từ 0 đến 1.000", "đã nhập 1.001"}},
		{"percent above 100", "ty_le", num("100.01", "100.01"), ProblemRange, []string{"phải từ 0% đến 100%", "100,01"}},
		{"decimal just below min, exactly", "tien", num("-0.000000000000000001", "-0.000000000000000001"), ProblemRange, []string{"không được nhỏ hơn 0 đồng"}},
		{"choice not in list", "danh_gia", Value{Raw: "Xuất sắc", Text: "Xuất sắc"}, ProblemChoice, []string{"“Xuất sắc” không có trong danh sách", "Tốt, Khá, Trung bình"}},
		{"not a date", "ngay", Value{Raw: "31/02/2026"}, ProblemType, []string{"“31/02/2026” không phải là ngày hợp lệ"}},
		{"date out of range", "ngay", Value{Raw: "31/12/1899", Date: &early}, ProblemRange, []string{"31/12/1899 nằm ngoài khoảng", "01/01/2000"}},
		{"text too long", "kho_khan", Value{Raw: "Khó khăn rất nhiều", Text: "Khó khăn rất nhiều"}, ProblemLength, []string{"dài 18 ký tự", "vượt quá 12"}},
		{"formula without a value", "tien", Value{Formula: "SUM(A1:A2)"}, ProblemFormula, []string{"Ô D15 (“Số tiền thu hồi”) chứa công thức nhưng không có giá trị đã tính"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			values := validValues()
			values[tt.field] = at(values[tt.field].Cell, tt.value)
			ps := Validate(validateForm(), values, nil)
			if len(ps) != 1 {
				t.Fatalf("Validate = %+v, want exactly one problem", ps)
			}
			p := ps[0]
			if p.Code != tt.code || p.Severity != SeverityError || p.Field != tt.field || p.Sheet != "Báo cáo" || p.Cell != values[tt.field].Cell || p.Value != tt.value.Raw || p.Label == "" {
				t.Errorf("problem %+v: want code %s, error, field %s at %s, value %q, a label", p, tt.code, tt.field, values[tt.field].Cell, tt.value.Raw)
			}
			for _, c := range tt.contains {
				if !strings.Contains(p.Message, c) {
					t.Errorf("message %q does not contain %q", p.Message, c)
				}
			}
		})
	}
}

func TestValidateEmptyOptionalFieldIsFine(t *testing.T) {
	t.Parallel()
	values := validValues()
	for _, code := range []string{"da_giai_quyet", "tien", "danh_gia", "ngay", "kho_khan"} {
		delete(values, code)
	}
	if ps := Validate(validateForm(), values, nil); len(ps) != 0 {
		t.Fatalf("Validate = %+v, want no problem", ps)
	}
}

func TestValidateReportsEveryProblemInFormOrder(t *testing.T) {
	t.Parallel()
	values := validValues()
	values["kien_nghi"] = at("D12", Value{})
	values["danh_gia"] = at("D17", Value{Raw: "x", Text: "x"})
	values["tien"] = at("D15", Value{Raw: "abc"})
	ps := Validate(validateForm(), values, nil)
	var got []string
	for _, p := range ps {
		got = append(got, p.Code+" "+p.Field)
	}
	want := []string{"required kien_nghi", "type tien", "choice danh_gia"}
	if !slices.Equal(got, want) {
		t.Fatalf("problems %q, want %q", got, want)
	}
}

func TestValidateRuleNamesEveryField(t *testing.T) {
	t.Parallel()
	values := validValues()
	values["da_giai_quyet"] = at("D13", num("7", "7"))
	ps := Validate(validateForm(), values, nil)
	if len(ps) != 1 {
		t.Fatalf("Validate = %+v, want one rule problem", ps)
	}
	p := ps[0]
	if p.Code != ProblemRule || p.Severity != SeverityError || p.Field != "da_giai_quyet" || p.Cell != "D13" {
		t.Errorf("problem %+v: want a rule error on da_giai_quyet at D13", p)
	}
	if !slices.Equal(p.Fields, []string{"da_giai_quyet", "kien_nghi"}) || !slices.Equal(p.Cells, []string{"D13", "D12"}) {
		t.Errorf("fields %v cells %v, want both fields and their cells", p.Fields, p.Cells)
	}
	for _, c := range []string{
		"Số đã giải quyết không được lớn hơn số kiến nghị.",
		"“Số kiến nghị đã giải quyết” (ô D13) = 7",
		"“Số kiến nghị” (ô D12) = 5 kiến nghị",
	} {
		if !strings.Contains(p.Message, c) {
			t.Errorf("message %q does not contain %q", p.Message, c)
		}
	}
}

func TestValidateSkipsRulesOverFieldsWithProblems(t *testing.T) {
	t.Parallel()
	values := validValues()
	values["kien_nghi"] = at("D12", Value{Raw: "abc"}) // the rule would read it
	values["da_giai_quyet"] = at("D13", num("7", "7"))
	ps := Validate(validateForm(), values, nil)
	if len(ps) != 1 || ps[0].Code != ProblemType {
		t.Fatalf("Validate = %+v, want only the type problem", ps)
	}
}

func TestValidateWarningNeedsANote(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		note     string
		severity Severity
		contains string
	}{
		{"no note blocks", "", SeverityError, "xin ghi giải trình vào cột “Ghi chú / giải trình” cùng dòng với “Số cuộc giám sát” (ô D14)"},
		{"blank note blocks", "   ", SeverityError, "xin ghi giải trình"},
		{"a note lets it through as a warning", "Có đợt giám sát chuyên đề", SeverityWarning, "Đơn vị đã giải trình: “Có đợt giám sát chuyên đề”."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			values := validValues()
			values["giam_sat"] = at("D14", num("60", "60"))
			ps := Validate(validateForm(), values, map[string]string{"giam_sat": tt.note})
			if len(ps) != 1 {
				t.Fatalf("Validate = %+v, want one warning problem", ps)
			}
			p := ps[0]
			if p.Code != ProblemWarning || p.Severity != tt.severity || p.Cell != "D14" {
				t.Errorf("problem %+v: want code warning, severity %s at D14", p, tt.severity)
			}
			if !strings.HasPrefix(p.Message, "Hơn 50 cuộc giám sát là bất thường.") || !strings.Contains(p.Message, tt.contains) {
				t.Errorf("message %q: want the rule's message and %q", p.Message, tt.contains)
			}
			if Blocking(ps) != (tt.severity == SeverityError) {
				t.Errorf("Blocking = %v with severity %s", Blocking(ps), tt.severity)
			}
			if tt.severity == SeverityWarning && p.Note != tt.note {
				t.Errorf("note %q, want %q", p.Note, tt.note)
			}
		})
	}
}

func TestValidateRefusesWhenRulesDoNotCompile(t *testing.T) {
	t.Parallel()
	f := validateForm()
	f.Rules = append(f.Rules, Rule{Expr: "khong_co > 1", Message: "m"})
	ps := Validate(f, validValues(), nil)
	if !Blocking(ps) || ps[len(ps)-1].Code != ProblemRule {
		t.Fatalf("Validate = %+v, want a blocking rule problem", ps)
	}
}

func TestProblemJSONIsSnakeCase(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(Problem{Code: ProblemRule, Severity: SeverityError, Sheet: "Báo cáo", Cell: "D12", Field: "a", Label: "A", Value: "1", Message: "m", Fields: []string{"a", "b"}, Cells: []string{"D12", "D13"}, Note: "n"})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"code":"rule","severity":"error","sheet":"Báo cáo","cell":"D12","field":"a","label":"A","value":"1","message":"m","fields":["a","b"],"cells":["D12","D13"],"note":"n"}`
	if string(b) != want {
		t.Fatalf("JSON\n%s\nwant\n%s", b, want)
	}
}

func TestFormatNumber(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"0": "0", "5": "5", "1234": "1.234", "-1234567": "-1.234.567",
		"12345678901.25": "12.345.678.901,25", "0.5": "0,5", "100": "100",
		"1,5": "1,5", // not canonical: unchanged
	}
	for in, want := range tests {
		if got := FormatNumber(in); got != want {
			t.Errorf("FormatNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIsCanonicalNumber(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"0": true, "-1": true, "1.25": true, "12345678901.25": true,
		"": false, "-0": false, "01": false, "1.": false, "1.50": false, ".5": false, "1e5": false, "1,5": false, "+1": false,
	} {
		if got := IsCanonicalNumber(s); got != want {
			t.Errorf("IsCanonicalNumber(%q) = %v, want %v", s, got, want)
		}
	}
}

// Compiled rules are cached; a form whose rules differ must not get
// another form's.
func TestValidateCachesRulesPerDefinition(t *testing.T) {
	t.Parallel()
	values := validValues()
	values["giam_sat"] = at("D14", num("40", "40"))
	strict := validateForm()
	strict.Rules = []Rule{{Expr: "giam_sat <= 30", Message: "Quá 30."}}
	loose := validateForm()
	loose.Rules = []Rule{{Expr: "giam_sat <= 45", Message: "Quá 45."}}
	for range 2 {
		if ps := Validate(strict, values, nil); len(ps) != 1 || !strings.HasPrefix(ps[0].Message, "Quá 30.") {
			t.Fatalf("strict form: %+v", ps)
		}
		if ps := Validate(loose, values, nil); len(ps) != 0 {
			t.Fatalf("loose form: %+v", ps)
		}
	}
}
