package reporting_test

import (
	"fmt"
	"testing"

	"baocao/reporting"
)

func diffForm(mutate func(f *reporting.Form)) reporting.Form {
	lo, hi := 0.0, 100.0
	f := reporting.Form{Code: "DIFF", Title: "Biểu thử", UnitKinds: []reporting.UnitKind{reporting.KindCommunePC},
		Sections: []reporting.Section{
			{Title: "I. Công khai", Fields: []reporting.Field{
				{Code: "so_cuoc", Label: "Số cuộc", Type: reporting.TypeInt, Min: &lo, Aggregate: reporting.AggSum},
				{Code: "ty_le", Label: "Tỷ lệ", Type: reporting.TypePercent, Min: &lo, Max: &hi, Aggregate: reporting.AggAvg},
			}},
			{Title: "II. Giám sát", Fields: []reporting.Field{
				{Code: "ghi_chu", Label: "Ghi chú", Type: reporting.TypeText},
			}},
		},
		Rules: []reporting.Rule{{Expr: "ty_le <= 100", Message: "Tỷ lệ không quá 100"}},
	}
	if mutate != nil {
		mutate(&f)
	}
	return f
}

// TestDiffForms: each kind of change between two versions is reported once,
// attribute by attribute with old and new values, and nothing else.
func TestDiffForms(t *testing.T) {
	t.Parallel()
	same := reporting.DiffForms(diffForm(nil), diffForm(nil))
	if !same.Empty() {
		t.Errorf("identical versions: %+v", same)
	}
	fifty := 50.0
	b := diffForm(func(f *reporting.Form) {
		f.Title = "Biểu thử (sửa đổi)"
		f.Sections[0].Fields[1].Max = &fifty                                         // changed bound
		f.Sections[0].Fields[0].Label = "Số cuộc đã tổ chức"                         // changed label
		f.Sections[1].Fields = append(f.Sections[1].Fields, f.Sections[0].Fields[0]) // moved to section II
		f.Sections[0].Fields = f.Sections[0].Fields[1:]
		f.Sections[1].Fields[0] = reporting.Field{Code: "so_nguoi", Label: "Số người", Type: reporting.TypeInt} // ghi_chu removed, so_nguoi added
		f.Rules = []reporting.Rule{{Expr: "ty_le <= 50", Message: "Tỷ lệ không quá 50"}}
	})
	d := reporting.DiffForms(diffForm(nil), b)
	got := fmt.Sprintf("settings %v\nadded %v\nremoved %v\nrules +%v -%v", d.Settings, codes(d.Added), codes(d.Removed), d.RulesAdded, d.RulesRemoved)
	want := "settings [{title Biểu thử Biểu thử (sửa đổi)}]\nadded [so_nguoi]\nremoved [ghi_chu]\n" +
		"rules +[{ty_le <= 50 Tỷ lệ không quá 50 }] -[{ty_le <= 100 Tỷ lệ không quá 100 }]"
	if got != want {
		t.Errorf("diff:\n%s\nwant:\n%s", got, want)
	}
	changed := map[string]string{}
	for _, c := range d.Changed {
		changed[c.Code] = fmt.Sprint(c.Attrs)
	}
	wantChanged := map[string]string{
		"ty_le":   "[{max 100 50}]",
		"so_cuoc": "[{label Số cuộc Số cuộc đã tổ chức} {section I. Công khai II. Giám sát}]",
	}
	if fmt.Sprint(changed) != fmt.Sprint(wantChanged) {
		t.Errorf("changed:\n got %v\nwant %v", changed, wantChanged)
	}
	kinds := reporting.DiffForms(diffForm(nil), diffForm(func(f *reporting.Form) {
		f.UnitKinds = append(f.UnitKinds, reporting.KindAgency)
	}))
	if fmt.Sprint(kinds.Settings) != "[{unit_kinds [commune_pc] [commune_pc, agency]}]" {
		t.Errorf("unit kinds: %v", kinds.Settings)
	}
}

func codes(fs []reporting.Field) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return out
}
