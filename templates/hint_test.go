package templates_test

import (
	"testing"

	"baocao/reporting"
	"baocao/templates"
)

// TestFieldHint: the forms page's description of a field is the input
// message the template's cell carries — type, range, unit, required, help.
func TestFieldHint(t *testing.T) {
	t.Parallel()
	lo, hi := 0.0, 500.0
	tests := []struct {
		field reporting.Field
		want  string
	}{
		{reporting.Field{Code: "so_cuoc", Label: "Số cuộc", Type: reporting.TypeInt, Unit: "cuộc", Min: &lo, Required: true},
			"Số cuộc (cuộc). Số nguyên từ 0 trở lên. Bắt buộc."},
		{reporting.Field{Code: "so_tien", Label: "Số tiền", Type: reporting.TypeDecimal, Min: &lo, Max: &hi, Help: "Triệu đồng."},
			"Số tiền. Số từ 0 đến 500. Triệu đồng."},
		{reporting.Field{Code: "ty_le", Label: "Tỷ lệ", Type: reporting.TypePercent},
			"Tỷ lệ. Tỷ lệ % từ 0 đến 100."},
		{reporting.Field{Code: "muc", Label: "Mức độ", Type: reporting.TypeChoice, Choices: []string{"Tốt", "Khá"}},
			"Mức độ. Chọn một giá trị trong danh sách: Tốt, Khá."},
	}
	for _, tt := range tests {
		if got := templates.FieldHint(tt.field); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.field.Code, got, tt.want)
		}
	}
}
