package reporting

import (
	"math"
	"strings"
	"testing"
)

// validForm is a small form that passes Validate; each case breaks one thing.
func validForm() *Form {
	zero := 0.0
	return &Form{
		Code:      "DCCS-T",
		Title:     "Báo cáo thử",
		UnitKinds: []UnitKind{KindCommunePC, KindDistrictPC},
		Schedules: []Schedule{{
			Periodicity:    HalfYear,
			Since:          "2024-01-01",
			Deadline:       DeadlineRule{AfterCutoffWorkingDays: 2},
			DeadlineByKind: map[UnitKind]DeadlineRule{KindDistrictPC: {AfterCutoffWorkingDays: 4}},
		}},
		Sections: []Section{
			{Title: "I. Ban Thanh tra nhân dân", Fields: []Field{
				{Code: "bttnd_kien_nghi", Label: "Số kiến nghị", Type: TypeInt, Min: &zero},
				{Code: "bttnd_kn_giai_quyet", Label: "Số kiến nghị đã giải quyết", Type: TypeInt, Min: &zero},
				{Code: "tien_thu_hoi", Label: "Số tiền thu hồi", Type: TypeDecimal, Unit: "đồng"},
			}},
			{Title: "II. Đánh giá", Fields: []Field{
				{Code: "hai_long", Label: "Mức độ hài lòng", Type: TypePercent},
				{Code: "tu_danh_gia", Label: "Tự đánh giá", Type: TypeChoice, Choices: []string{"Tốt", "Khá"}},
				{Code: "ngay_hoi_nghi", Label: "Ngày hội nghị", Type: TypeDate},
				{Code: "kho_khan", Label: "Khó khăn", Type: TypeText},
			}},
		},
		Rules: []Rule{{Expr: "bttnd_kn_giai_quyet <= bttnd_kien_nghi", Message: "Số đã giải quyết không được lớn hơn số kiến nghị"}},
	}
}

func fieldOf(f *Form, code string) *Field {
	for si := range f.Sections {
		for fi := range f.Sections[si].Fields {
			if f.Sections[si].Fields[fi].Code == code {
				return &f.Sections[si].Fields[fi]
			}
		}
	}
	panic("no field " + code)
}

func TestFormValidate(t *testing.T) {
	t.Parallel()
	one, two := 1.0, 2.0
	tests := []struct {
		name   string
		mutate func(f *Form)
		want   []string // each a whole line of the error
	}{
		{"valid", func(f *Form) {}, nil},
		{"consolidated levels", func(f *Form) { f.Levels = LevelsConsolidated }, nil},
		{"unknown levels", func(f *Form) { f.Levels = "district" },
			[]string{`levels: unknown "district" (want own: each unit reports its own activities, or consolidated: a higher unit's report includes its children's)`}},
		{"valid ratio", func(f *Form) {
			fieldOf(f, "hai_long").Ratio = &RatioOf{Numerator: "bttnd_kn_giai_quyet", Denominator: "bttnd_kien_nghi"}
		}, nil},
		{"ratio of what is not there, not a count, itself", func(f *Form) {
			fieldOf(f, "hai_long").Ratio = &RatioOf{Numerator: "khong_co", Denominator: "tu_danh_gia"}
		}, []string{"field hai_long: ratio numerator khong_co is not a field of the form",
			"field hai_long: ratio denominator tu_danh_gia is choice; it must be an int or decimal field"}},
		{"ratio of itself, twice the same", func(f *Form) {
			fieldOf(f, "hai_long").Ratio = &RatioOf{Numerator: "hai_long", Denominator: "tien_thu_hoi"}
			fieldOf(f, "tien_thu_hoi").Aggregate = AggMax
		}, []string{"field hai_long: ratio numerator is the field itself",
			"field hai_long: ratio denominator tien_thu_hoi must add up (aggregate sum), not max"}},
		{"ratio beside another aggregate, ratio without its fields", func(f *Form) {
			fieldOf(f, "hai_long").Ratio = &RatioOf{Numerator: "bttnd_kn_giai_quyet", Denominator: "bttnd_kien_nghi"}
			fieldOf(f, "hai_long").Aggregate = AggAvg
			fieldOf(f, "tien_thu_hoi").Aggregate = AggRatio
		}, []string{"field hai_long: a field with ratio: consolidates as the ratio of the totals; drop aggregate avg or write ratio",
			"field tien_thu_hoi: aggregate ratio needs ratio: {numerator: …, denominator: …} naming the two fields"}},
		{"form code", func(f *Form) { f.Code = "dccs xa" },
			[]string{`form code "dccs xa": use capital letters, digits, - and _ (like DCCS-XA)`}},
		{"missing title and code", func(f *Form) { f.Code, f.Title = "", " " },
			[]string{"form code is missing", "title is missing"}},
		{"no unit kinds", func(f *Form) { f.UnitKinds = nil; f.Schedules[0].DeadlineByKind = nil },
			[]string{"unit_kinds is empty: say which kinds of unit file this form"}},
		{"unknown and repeated unit kinds", func(f *Form) {
			f.UnitKinds = []UnitKind{KindCommunePC, "village", KindCommunePC, KindDistrictPC}
		}, []string{`unit_kinds: unknown kind "village" (want one of province, agency, psu, district_pc, commune_pc)`, "unit_kinds: commune_pc listed twice"}},
		{"no schedule", func(f *Form) { f.Schedules = nil }, []string{"no schedule: a form needs at least one"}},
		{"schedule problems are numbered", func(f *Form) {
			f.Schedules = append(f.Schedules, Schedule{Periodicity: Annual, Deadline: DeadlineRule{AfterCutoffWorkingDays: 2}})
		}, []string{"schedule 2 (annual): schedule.since: required: the first day whose periods are opened, like 2026-01-01"}},
		{"two schedules of one periodicity", func(f *Form) { f.Schedules = append(f.Schedules, f.Schedules[0]) },
			[]string{"schedule 2 (half_year): periodicity half_year is already used by schedule 1"}},
		{"deadline for a kind that does not file", func(f *Form) { f.UnitKinds = []UnitKind{KindCommunePC} },
			[]string{"schedule 1 (half_year): deadline_by_kind names district_pc, which is not in unit_kinds"}},
		{"no section", func(f *Form) { f.Sections = nil; f.Rules = nil },
			[]string{"no section: a form needs at least one section with fields"}},
		{"section without title or fields", func(f *Form) { f.Sections = append(f.Sections, Section{}) },
			[]string{"section 3: title is missing", "section 3 (): no field"}},
		{"field code format", func(f *Form) { fieldOf(f, "kho_khan").Code = "Kho-khan" },
			[]string{"field Kho-khan: code must be lower_snake ASCII (^[a-z][a-z0-9_]*$)"}},
		{"field code too long", func(f *Form) { fieldOf(f, "kho_khan").Code = strings.Repeat("k", 41) },
			[]string{"field " + strings.Repeat("k", 41) + ": code is 41 characters long, at most 40 allowed"}},
		{"field code is a rule word", func(f *Form) { fieldOf(f, "kho_khan").Code = "in" },
			[]string{`field in: code "in" is a word of the rule language; choose another`}},
		{"field without code is named by position", func(f *Form) { fieldOf(f, "kho_khan").Code = "" },
			[]string{"section 2, field 4: code is missing"}},
		{"duplicate code", func(f *Form) { fieldOf(f, "kho_khan").Code = "tien_thu_hoi" },
			[]string{"field tien_thu_hoi: duplicate code (first used in section 1)"}},
		{"label", func(f *Form) { fieldOf(f, "kho_khan").Label = "" }, []string{"field kho_khan: label is missing"}},
		{"unknown type", func(f *Form) { fieldOf(f, "bttnd_kien_nghi").Type = "integer" },
			// reported once, on the field, not again on the rule reading it
			[]string{`field bttnd_kien_nghi: unknown type "integer" (want int, decimal, percent, choice, date or text)`}},
		{"unknown aggregate", func(f *Form) { fieldOf(f, "tien_thu_hoi").Aggregate = "total" },
			[]string{`field tien_thu_hoi: unknown aggregate "total" (want sum, avg, min, max, count, ratio or none)`}},
		{"sum of text", func(f *Form) { fieldOf(f, "kho_khan").Aggregate = AggSum },
			[]string{"field kho_khan: aggregate sum does not fit type text (use none)"}},
		{"sum of percent", func(f *Form) { fieldOf(f, "hai_long").Aggregate = AggSum },
			[]string{"field hai_long: aggregate sum does not fit type percent (percentages do not add up; use avg, min, max or none)"}},
		{"count of int", func(f *Form) { fieldOf(f, "tien_thu_hoi").Aggregate = AggCount },
			[]string{"field tien_thu_hoi: aggregate count does not fit type decimal (use sum, avg, min, max or none)"}},
		{"avg of choice", func(f *Form) { fieldOf(f, "tu_danh_gia").Aggregate = AggAvg },
			[]string{"field tu_danh_gia: aggregate avg does not fit type choice (use count or none)"}},
		{"min above max", func(f *Form) { fl := fieldOf(f, "tien_thu_hoi"); fl.Min, fl.Max = &two, &one },
			[]string{"field tien_thu_hoi: min 2 is greater than max 1"}},
		{"percent beyond 100", func(f *Form) { hi := 120.0; fieldOf(f, "hai_long").Max = &hi },
			[]string{"field hai_long: a percent lies within 0..100"}},
		{"count above what an int holds", func(f *Form) { hi := 2e9; fieldOf(f, "bttnd_kien_nghi").Max = &hi },
			[]string{"field bttnd_kien_nghi: max 2000000000 lies beyond ±1000000000, the limit of int fields; amounts of money are decimal fields"}},
		{"amount below what a decimal holds", func(f *Form) { lo := -1e16; fieldOf(f, "tien_thu_hoi").Min = &lo },
			[]string{"field tien_thu_hoi: min -10000000000000000 lies beyond ±1000000000000000, the limit of decimal fields"}},
		{"bound not a number", func(f *Form) { hi := math.NaN(); fieldOf(f, "tien_thu_hoi").Max = &hi },
			[]string{"field tien_thu_hoi: max NaN is not a number"}},
		{"min on a date", func(f *Form) { fieldOf(f, "ngay_hoi_nghi").Min = &one },
			[]string{"field ngay_hoi_nghi: min and max apply only to int, decimal and percent fields"}},
		{"choice without choices", func(f *Form) { fieldOf(f, "tu_danh_gia").Choices = nil },
			[]string{"field tu_danh_gia: a choice field needs choices"}},
		{"repeated and empty choices", func(f *Form) { fieldOf(f, "tu_danh_gia").Choices = []string{"Tốt", "", "Tốt"} },
			[]string{"field tu_danh_gia: choice 2 is empty", `field tu_danh_gia: choice "Tốt" listed twice`}},
		{"choices on an int", func(f *Form) { fieldOf(f, "bttnd_kien_nghi").Choices = []string{"1"} },
			[]string{"field bttnd_kien_nghi: choices apply only to choice fields"}},
		{"max_length on an int", func(f *Form) { fieldOf(f, "bttnd_kien_nghi").MaxLength = 10 },
			[]string{"field bttnd_kien_nghi: max_length applies only to text fields"}},
		{"rule without message", func(f *Form) { f.Rules[0].Message = "" },
			[]string{"rule 1 (bttnd_kn_giai_quyet <= bttnd_kien_nghi): message is missing: say in Vietnamese what the clerk should correct"}},
		{"rule severity", func(f *Form) { f.Rules[0].Severity = "info" },
			[]string{`rule 1 (bttnd_kn_giai_quyet <= bttnd_kien_nghi): unknown severity "info" (want error or warning)`}},
		{"rule with a misspelt field", func(f *Form) { f.Rules[0].Expr = "bttnd_kn_giai_quyet <= bttnd_kien_ngi" },
			[]string{"rule 1 (bttnd_kn_giai_quyet <= bttnd_kien_ngi): unknown field bttnd_kien_ngi"}},
		{"rule reading a text field", func(f *Form) { f.Rules[0].Expr = `kho_khan != ""` },
			[]string{`rule 1 (kho_khan != ""): field kho_khan has type "text"; rules can read only int, decimal, percent, choice and date fields`}},
		{"rule reading no field", func(f *Form) { f.Rules[0].Expr = "1 < 2" },
			[]string{"rule 1 (1 < 2): reads no field"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := validForm()
			tt.mutate(f)
			err := f.Validate()
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want %q", tt.want)
			}
			lines := strings.Split(err.Error(), "\n")
			for _, w := range tt.want {
				found := false
				for _, l := range lines {
					found = found || l == w
				}
				if !found {
					t.Errorf("no line %q in\n%s", w, err)
				}
			}
			if len(lines) != len(tt.want) {
				t.Errorf("got %d problems, want %d:\n%s", len(lines), len(tt.want), err)
			}
		})
	}
}

func TestFormNormalize(t *testing.T) {
	t.Parallel()
	f := validForm()
	fieldOf(f, "tu_danh_gia").Aggregate = AggNone // explicit choices survive
	f.Rules = append(f.Rules, Rule{Expr: "tien_thu_hoi < 1e12", Message: "w", Severity: SeverityWarning})
	f.Normalize()

	aggs := map[string]Aggregate{
		"bttnd_kien_nghi": AggSum, "tien_thu_hoi": AggSum, "hai_long": AggAvg,
		"tu_danh_gia": AggNone, "ngay_hoi_nghi": AggNone, "kho_khan": AggNone,
	}
	for code, want := range aggs {
		if got := fieldOf(f, code).Aggregate; got != want {
			t.Errorf("%s aggregate = %q, want %q", code, got, want)
		}
	}
	if p := fieldOf(f, "hai_long"); p.Min == nil || *p.Min != 0 || p.Max == nil || *p.Max != 100 {
		t.Errorf("percent range = %v..%v, want 0..100", p.Min, p.Max)
	}
	if p := fieldOf(f, "tien_thu_hoi"); p.Min != nil || p.Max != nil {
		t.Errorf("decimal got a range %v..%v, want none", p.Min, p.Max)
	}
	if got := fieldOf(f, "kho_khan").MaxLength; got != DefaultMaxLength {
		t.Errorf("text max_length = %d, want %d", got, DefaultMaxLength)
	}
	if f.Rules[0].Severity != SeverityError || f.Rules[1].Severity != SeverityWarning {
		t.Errorf("severities = %q, %q, want error, warning", f.Rules[0].Severity, f.Rules[1].Severity)
	}
	if err := f.Validate(); err != nil {
		t.Errorf("normalised form no longer valid: %v", err)
	}
	// Each percent gets its own bounds: editing one must not move another's.
	g := validForm()
	g.Sections[1].Fields = append(g.Sections[1].Fields, Field{Code: "ty_le_2", Label: "x", Type: TypePercent})
	g.Normalize()
	*fieldOf(g, "hai_long").Max = 50
	if *fieldOf(g, "ty_le_2").Max != 100 {
		t.Error("percent fields share one default bound")
	}
}
