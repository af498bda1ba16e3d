package reporting

import (
	"strings"
	"testing"
)

// boundsTestForm has numeric fields with and without the form's own
// bounds: each value is checked against the form's bound where set, else
// the type's limit, exactly.
func boundsTestForm() Form {
	return Form{Code: "T", Title: "T", Sections: []Section{{Title: "I", Fields: []Field{
		{Code: "so_nguoi", Label: "Số người", Type: TypeInt, Unit: "người", Min: ptr(0.0)},
		{Code: "chenh_lech", Label: "Chênh lệch", Type: TypeInt},
		{Code: "tien", Label: "Số tiền", Type: TypeDecimal, Unit: "đồng", Min: ptr(0.0)},
		{Code: "ty_le", Label: "Tỷ lệ", Type: TypePercent, Unit: "%"},
		{Code: "he_so", Label: "Hệ số", Type: TypeDecimal, Min: ptr(0.1), Max: ptr(0.3)},
		// Stored before forms were held to the limit: the limit still holds.
		{Code: "cu", Label: "Chỉ tiêu cũ", Type: TypeInt, Max: ptr(1e12)},
	}}}}
}

func TestValidateNumberLimits(t *testing.T) {
	t.Parallel()
	digits400 := "9" + strings.Repeat("0", 399)
	e308 := "1" + strings.Repeat("0", 308)
	tests := []struct {
		name, field, value string
		code               string   // "" when accepted
		contains           []string // in the message
	}{
		{"the largest count", "so_nguoi", "1000000000", "", nil},
		{"a count over the limit", "so_nguoi", "1000000001", ProblemRange,
			[]string{"“Số người” (ô D5) không được lớn hơn 1.000.000.000 người; đã nhập 1.000.000.001."}},
		{"1e308 people", "so_nguoi", e308, ProblemRange,
			[]string{"“Số người” (ô D5) không được lớn hơn 1.000.000.000 người; đã nhập một số có 309 chữ số."}},
		{"the smallest count without a min", "chenh_lech", "-1000000000", "", nil},
		{"a count below the limit", "chenh_lech", "-1000000001", ProblemRange,
			[]string{"“Chênh lệch” (ô D5) không được nhỏ hơn -1.000.000.000; đã nhập -1.000.000.001."}},
		{"the largest amount", "tien", "1000000000000000", "", nil},
		{"the largest amount with cents", "tien", "999999999999999.99", "", nil},
		{"an amount a cent over", "tien", "1000000000000000.01", ProblemRange,
			[]string{"không được lớn hơn 1.000.000.000.000.000 đồng; đã nhập 1.000.000.000.000.000,01."}},
		{"a 400-digit amount", "tien", digits400, ProblemRange,
			[]string{"“Số tiền” (ô D5) không được lớn hơn 1.000.000.000.000.000 đồng; đã nhập một số có 400 chữ số."}},
		{"an amount with three decimals", "tien", "1.255", ProblemType,
			[]string{"“Số tiền” (ô D5) chỉ được có tối đa 2 chữ số sau dấu phẩy; đã nhập 1,255.", "ROUND"}},
		{"a percent with two decimals", "ty_le", "99.12", "", nil},
		{"a percent with three decimals", "ty_le", "99.125", ProblemType, []string{"tối đa 2 chữ số sau dấu phẩy; đã nhập 99,125."}},
		{"a percent over 100", "ty_le", "100.01", ProblemRange, []string{"phải từ 0% đến 100%"}},
		{"the form's min, exactly", "he_so", "0.1", "", nil},
		{"the form's max, exactly", "he_so", "0.3", "", nil},
		{"just over the form's max", "he_so", "0.31", ProblemRange, []string{"phải từ 0,1 đến 0,3; đã nhập 0,31."}},
		{"a form's max beyond the limit", "cu", "2000000000", ProblemRange, []string{"không được lớn hơn 1.000.000.000; đã nhập 2.000.000.000."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := Value{Raw: tt.value, Num: tt.value, Sheet: "Báo cáo", Cell: "D5"}
			ps := Validate(boundsTestForm(), map[string]Value{tt.field: v}, nil)
			if tt.code == "" {
				if len(ps) != 0 {
					t.Fatalf("Validate = %+v, want none", ps)
				}
				return
			}
			if len(ps) != 1 || ps[0].Code != tt.code || ps[0].Field != tt.field || ps[0].Cell != "D5" {
				t.Fatalf("Validate = %+v, want one %s problem on %s at D5", ps, tt.code, tt.field)
			}
			for _, c := range tt.contains {
				if !strings.Contains(ps[0].Message, c) {
					t.Errorf("message %q does not contain %q", ps[0].Message, c)
				}
			}
		})
	}
}
