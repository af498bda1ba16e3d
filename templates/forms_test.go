package templates

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"baocao/reporting"
)

// baseYAML is a small valid definition; each broken case edits one line.
const baseYAML = `code: DCCS-XA
title: Báo cáo thử
unit_kinds: [commune_pc]
schedules:
  - periodicity: half_year
    since: "2024-01-01"
    deadline: {after_cutoff_working_days: 2}
    reminders: [-7d, -1d, +1d, +7d]
    lock_after: 30d
sections:
  - title: V. Ban Thanh tra nhân dân
    fields:
      - {code: bttnd_giam_sat, label: Số cuộc giám sát, type: int, unit: cuộc, min: 0, required: true}
      - {code: bttnd_kien_nghi, label: Số kiến nghị, type: int, min: 0}
      - {code: bttnd_kn_giai_quyet, label: Số kiến nghị đã giải quyết, type: int, min: 0}
      - {code: tu_danh_gia, label: Tự đánh giá, type: choice, choices: [Tốt, Khá]}
rules:
  - {expr: "bttnd_giam_sat <= 50", severity: warning, message: "Hơn 50 cuộc giám sát là bất thường"}
  - {expr: "bttnd_kn_giai_quyet <= bttnd_kien_nghi", message: "Số đã giải quyết không được lớn hơn số kiến nghị"}
`

// edit replaces old (which must occur in baseYAML) with new.
func edit(t *testing.T, old, new string) string {
	t.Helper()
	if !strings.Contains(baseYAML, old) {
		t.Fatalf("baseYAML has no %q", old)
	}
	return strings.Replace(baseYAML, old, new, 1)
}

func TestParseFormBaseIsValid(t *testing.T) {
	t.Parallel()
	ff, err := ParseForm("dccs-xa.yaml", []byte(baseYAML))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(baseYAML))
	if ff.Checksum != hex.EncodeToString(sum[:]) || ff.Name != "dccs-xa.yaml" || string(ff.Source) != baseYAML {
		t.Errorf("FormFile = {%q, %q, …}, want the name, the source and its sha256", ff.Name, ff.Checksum)
	}
	f := ff.Form
	if f.Code != "DCCS-XA" || len(f.Fields()) != 4 || len(f.Rules) != 2 {
		t.Fatalf("parsed %+v", f)
	}
	// Parsing normalises: defaults are in the form that gets stored.
	if g, _ := f.Field("bttnd_giam_sat"); g.Aggregate != reporting.AggSum || !g.Required || g.Unit != "cuộc" {
		t.Errorf("bttnd_giam_sat = %+v, want aggregate sum, required, unit cuộc", g)
	}
	if c, _ := f.Field("tu_danh_gia"); c.Aggregate != reporting.AggCount {
		t.Errorf("choice aggregate = %q, want count", c.Aggregate)
	}
	if f.Rules[0].Severity != reporting.SeverityWarning || f.Rules[1].Severity != reporting.SeverityError {
		t.Errorf("severities %q, %q", f.Rules[0].Severity, f.Rules[1].Severity)
	}
	if s := f.Schedules[0]; len(s.Reminders) != 4 || s.Reminders[0] != -7 || s.Reminders[3] != 7 || s.LockAfter != 30 {
		t.Errorf("schedule %+v, want reminders -7d…+7d and lock_after 30d", s)
	}
}

func TestParseFormRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  func(t *testing.T) string
		want []string // each a whole line of the error
	}{
		{"unknown type", func(t *testing.T) string {
			return edit(t, "bttnd_giam_sat, label: Số cuộc giám sát, type: int", "bttnd_giam_sat, label: Số cuộc giám sát, type: integer")
		}, []string{`dccs-xa.yaml: field bttnd_giam_sat: unknown type "integer" (want int, decimal, percent, choice, date or text)`}},
		{"rule names a misspelt field", func(t *testing.T) string {
			return edit(t, `"bttnd_kn_giai_quyet <= bttnd_kien_nghi"`, `"bttnd_kn_giai_quyet <= bttnd_kien_ngi"`)
		}, []string{"dccs-xa.yaml: rule 2 (bttnd_kn_giai_quyet <= bttnd_kien_ngi): unknown field bttnd_kien_ngi"}},
		{"duplicate field code", func(t *testing.T) string {
			return edit(t, "{code: bttnd_kn_giai_quyet,", "{code: bttnd_kien_nghi,")
		}, []string{"dccs-xa.yaml: field bttnd_kien_nghi: duplicate code (first used in section 1)",
			// the rule now reads a field that is gone
			"dccs-xa.yaml: rule 2 (bttnd_kn_giai_quyet <= bttnd_kien_nghi): unknown field bttnd_kn_giai_quyet"}},
		{"expression syntax", func(t *testing.T) string {
			return edit(t, `"bttnd_giam_sat <= 50"`, `"bttnd_giam_sat <= "`)
		}, []string{"dccs-xa.yaml: rule 1 (bttnd_giam_sat <= ): syntax error: unexpected token EOF (line 1, column 18)"}},
		{"expression not a condition", func(t *testing.T) string {
			return edit(t, `"bttnd_giam_sat <= 50"`, `"bttnd_giam_sat + 50"`)
		}, []string{"dccs-xa.yaml: rule 1 (bttnd_giam_sat + 50): invalid expression: expected bool, but got float64"}},
		{"YAML syntax error with its line", func(t *testing.T) string {
			// the classic: a colon in an unquoted Vietnamese title
			return edit(t, "title: Báo cáo thử", "title: Báo cáo: thử")
		}, []string{"dccs-xa.yaml: line 2: mapping values are not allowed in this context"}},
		{"misspelt key", func(t *testing.T) string {
			return edit(t, "type: int, min: 0}", "type: int, mni: 0}")
		}, []string{"dccs-xa.yaml: line 14: field mni not found in type reporting.Field"}},
		{"value of the wrong type", func(t *testing.T) string {
			return edit(t, "type: int, min: 0}", "type: int, min: zero}")
		}, []string{"dccs-xa.yaml: line 14: cannot unmarshal !!str `zero` into float64"}},
		{"days not in days", func(t *testing.T) string {
			return edit(t, "lock_after: 30d", "lock_after: a month")
		}, // yaml does not give a line for a TextUnmarshaler's error
			[]string{`dccs-xa.yaml: "a month" is not a number of days like 7d or -1d`}},
		{"schedule problem", func(t *testing.T) string {
			return edit(t, "deadline: {after_cutoff_working_days: 2}", "deadline: {}")
		}, []string{"dccs-xa.yaml: schedule 1 (half_year): schedule.deadline: set after_cutoff_working_days or fixed_day"}},
		{"every problem, each on its own line", func(t *testing.T) string {
			s := edit(t, "title: Báo cáo thử", "title: ''")
			return strings.Replace(s, "label: Tự đánh giá, type: choice, choices: [Tốt, Khá]", "label: Tự đánh giá, type: choice, choices: []", 1)
		}, []string{"dccs-xa.yaml: title is missing", "dccs-xa.yaml: field tu_danh_gia: a choice field needs choices"}},
		{"empty file", func(*testing.T) string { return "" }, []string{"dccs-xa.yaml: empty file"}},
		{"two documents", func(*testing.T) string { return baseYAML + "---\ncode: OTHER\n" },
			[]string{"dccs-xa.yaml: more than one YAML document; put one form per file"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseForm("dccs-xa.yaml", []byte(tt.src(t)))
			if err == nil {
				t.Fatalf("ParseForm = nil error, want %q", tt.want)
			}
			got := strings.Split(err.Error(), "\n")
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("error lines\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestLoadForms(t *testing.T) {
	t.Parallel()
	other := strings.Replace(baseYAML, "code: DCCS-XA", "code: DCCS-CQ", 1)
	broken := strings.Replace(baseYAML, "type: choice", "type: pick", 1)
	tests := []struct {
		name  string
		files fstest.MapFS
		codes []string
		want  []string // error lines
	}{
		{"in name order, sub-folders ignored", fstest.MapFS{
			"b.yaml":       {Data: []byte(baseYAML)},
			"a.yaml":       {Data: []byte(other)},
			"README.md":    {Data: []byte("not a form")},
			"old/old.yaml": {Data: []byte("broken: [")},
		}, []string{"DCCS-CQ", "DCCS-XA"}, nil},
		{"one code in two files", fstest.MapFS{
			"a.yaml": {Data: []byte(baseYAML)},
			"b.yaml": {Data: []byte(baseYAML)},
		}, nil, []string{"b.yaml: form code DCCS-XA is already defined in a.yaml"}},
		{"problems of every file together", fstest.MapFS{
			"a.yaml": {Data: []byte(broken)},
			"b.yaml": {Data: []byte("code: [")},
			"c.yaml": {Data: []byte(other)},
		}, nil, []string{`a.yaml: field tu_danh_gia: unknown type "pick" (want int, decimal, percent, choice, date or text)`,
			"b.yaml: line 1: did not find expected node content"}},
		{"no form", fstest.MapFS{"README.md": {Data: []byte("x")}}, nil, []string{"no form definition (*.yaml) found"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ffs, err := LoadForms(tt.files)
			if tt.want != nil {
				if err == nil || err.Error() != strings.Join(tt.want, "\n") {
					t.Fatalf("LoadForms error\n%v\nwant\n%s", err, strings.Join(tt.want, "\n"))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var codes []string
			for _, f := range ffs {
				codes = append(codes, f.Form.Code)
			}
			if strings.Join(codes, ",") != strings.Join(tt.codes, ",") {
				t.Errorf("codes %v, want %v", codes, tt.codes)
			}
		})
	}
}

func TestEmbeddedForms(t *testing.T) {
	t.Parallel()
	ffs, err := EmbeddedForms()
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		fields      int
		kinds       []reporting.UnitKind
		periodicity []reporting.Periodicity
	}
	wants := map[string]want{
		"DCCS-XA": {25, []reporting.UnitKind{reporting.KindCommunePC, reporting.KindDistrictPC}, []reporting.Periodicity{reporting.HalfYear, reporting.Annual}},
		"DCCS-CQ": {25, []reporting.UnitKind{reporting.KindAgency, reporting.KindPSU}, []reporting.Periodicity{reporting.HalfYear, reporting.Annual}},
		"DCCS-QUY": {12, []reporting.UnitKind{reporting.KindCommunePC, reporting.KindDistrictPC, reporting.KindAgency, reporting.KindPSU},
			[]reporting.Periodicity{reporting.Quarterly}},
	}
	if len(ffs) != len(wants) {
		t.Fatalf("%d embedded forms, want %d", len(ffs), len(wants))
	}
	for _, ff := range ffs {
		f := ff.Form
		w, ok := wants[f.Code]
		if !ok {
			t.Errorf("%s: unexpected form %s", ff.Name, f.Code)
			continue
		}
		if n := len(f.Fields()); n < w.fields {
			t.Errorf("%s: %d fields, want at least %d", ff.Name, n, w.fields)
		}
		if len(f.Rules) < 3 {
			t.Errorf("%s: %d rules, want at least 3", ff.Name, len(f.Rules))
		}
		for _, k := range w.kinds {
			if !f.Obliges(k) {
				t.Errorf("%s: %s does not file it", ff.Name, k)
			}
		}
		var ps []reporting.Periodicity
		for _, s := range f.Schedules {
			ps = append(ps, s.Periodicity)
		}
		if strings.Join(toStrings(ps), ",") != strings.Join(toStrings(w.periodicity), ",") {
			t.Errorf("%s: schedules %v, want %v", ff.Name, ps, w.periodicity)
		}
		types := map[reporting.FieldType]bool{}
		warnings := 0
		for _, fl := range f.Fields() {
			types[fl.Type] = true
		}
		for _, r := range f.Rules {
			if r.Severity == reporting.SeverityWarning {
				warnings++
			}
		}
		if warnings == 0 {
			t.Errorf("%s: no warning rule", ff.Name)
		}
		if f.Code == "DCCS-XA" && len(types) != 6 {
			t.Errorf("%s uses types %v, want all six", ff.Name, types)
		}
		// What the upload validator will do with it.
		rs, err := reporting.CompileRules(&f)
		if err != nil {
			t.Fatalf("%s: %v", ff.Name, err)
		}
		if rs.Len() != len(f.Rules) {
			t.Errorf("%s: %d of %d rules compiled", ff.Name, rs.Len(), len(f.Rules))
		}
	}
}

// TestEmbeddedFormRulesCatch feeds DCCS-XA a report with the classic
// mistakes and checks each is caught by the rule meant for it.
func TestEmbeddedFormRulesCatch(t *testing.T) {
	t.Parallel()
	ffs, err := EmbeddedForms()
	if err != nil {
		t.Fatal(err)
	}
	var xa reporting.Form
	for _, ff := range ffs {
		if ff.Form.Code == "DCCS-XA" {
			xa = ff.Form
		}
	}
	rs, err := reporting.CompileRules(&xa)
	if err != nil {
		t.Fatal(err)
	}
	good := map[string]any{
		"ck_noi_dung_phai": 20, "ck_noi_dung_da": 18, "ck_ty_le": 90.0,
		"ck_bang_tin": 18, "ck_loa": 10, "ck_cong_ttdt": 12, "ck_hop_dan": 5,
		"huong_uoc_thon": 8, "tong_so_thon": 10, "tgyk_y_kien": 40, "tgyk_tiep_thu": 35,
		"bttnd_giam_sat": 4, "bttnd_kien_nghi": 3, "bttnd_kn_giai_quyet": 2,
		"gsdt_kien_nghi": 2, "gsdt_kn_giai_quyet": 2,
		"don_tiep_nhan": 15, "don_tham_quyen": 10, "don_giai_quyet": 9,
		"vp_vu": 0, "vp_da_xu_ly": 0, "tu_danh_gia": "Tốt",
		"ngay_ke_hoach": reporting.Day(2024, 1, 10),
	}
	if got := rs.Eval(good); len(got) != 0 {
		t.Fatalf("a consistent report fails %+v", got)
	}
	tests := []struct {
		name     string
		change   map[string]any
		severity reporting.Severity
		first    string // the field the result belongs to
	}{
		{"more made public than required", map[string]any{"ck_noi_dung_da": 21, "ck_ty_le": 105.0}, reporting.SeverityError, "ck_noi_dung_da"},
		{"rate does not match counts", map[string]any{"ck_ty_le": 50.0}, reporting.SeverityError, "ck_noi_dung_phai"},
		{"more resolved than recommended", map[string]any{"bttnd_kn_giai_quyet": 4}, reporting.SeverityError, "bttnd_kn_giai_quyet"},
		{"more resolved petitions than within competence", map[string]any{"don_giai_quyet": 11}, reporting.SeverityError, "don_giai_quyet"},
		{"unusually many supervisions", map[string]any{"bttnd_giam_sat": 51}, reporting.SeverityWarning, "bttnd_giam_sat"},
		{"Tốt despite violations", map[string]any{"vp_vu": 1}, reporting.SeverityWarning, "tu_danh_gia"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			values := map[string]any{}
			for k, v := range good {
				values[k] = v
			}
			for k, v := range tt.change {
				values[k] = v
			}
			got := rs.Eval(values)
			if len(got) == 0 {
				t.Fatal("no rule failed")
			}
			if got[0].Severity != tt.severity || got[0].Field() != tt.first || got[0].Message == "" {
				t.Errorf("first failure %+v, want severity %s on %s", got[0], tt.severity, tt.first)
			}
		})
	}
}

func toStrings[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// In the quarterly form, agencies and public service units alike report by
// the 20th of the quarter's last month, as its comment says; communes two
// working days after the cut-off. 2026-Q1 (data to Saturday 14/03/2026),
// by hand: agencies and units Friday 20/03, communes Tuesday 17/03.
func TestQuarterlyDeadlinesOfAgenciesAndUnits(t *testing.T) {
	t.Parallel()
	ffs, err := EmbeddedForms()
	if err != nil {
		t.Fatal(err)
	}
	hcm, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	for _, ff := range ffs {
		if ff.Form.Code != "DCCS-QUY" {
			continue
		}
		due, err := ff.Form.Schedules[0].PeriodsDue(time.Time{}, time.Date(2026, time.January, 1, 0, 0, 0, 0, hcm), hcm, reporting.Calendar{})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range due {
			if p.Key != "2026-Q1" {
				continue
			}
			for kind, want := range map[reporting.UnitKind]string{
				reporting.KindAgency: "2026-03-20", reporting.KindPSU: "2026-03-20", reporting.KindCommunePC: "2026-03-17",
			} {
				if got := p.DeadlineFor(kind).In(hcm).Format(time.DateOnly); got != want {
					t.Errorf("2026-Q1 deadline of %s = %s, want %s", kind, got, want)
				}
			}
			return
		}
		t.Fatal("DCCS-QUY has no 2026-Q1 period due on 01/01/2026")
	}
	t.Fatal("DCCS-QUY not shipped")
}
