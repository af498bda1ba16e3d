package reporting

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestParseDecimal(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want Decimal
		ok   bool
	}{
		{"1234.50", "1234.5", true},
		{"0.0000", "0", true},
		{"-3", "-3", true},
		{"-0.00", "0", true},
		{"12345678901234567890.12", "12345678901234567890.12", true},
		{"", "", true},
		{"1e3", "", false},
		{"1/2", "", false},
		{"0x10", "", false},
		{"abc", "", false},
	} {
		got, ok := ParseDecimal(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseDecimal(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestDecimalArithmeticIsExact(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		got  Decimal
		want Decimal
	}{
		// 0.1 + 0.2 is 0.30000000000000004 in float64.
		{"add", Decimal("0.1").Add("0.2"), "0.3"},
		{"add big", Decimal("99999999999999999.99").Add("0.01"), "100000000000000000"},
		{"sub", Decimal("10").Sub("12.5"), "-2.5"},
		{"sub missing", Decimal("10").Sub(""), ""},
		{"ratio", Decimal("1").Ratio("3"), "33.33"},
		{"ratio negative", Decimal("-5").Ratio("8"), "-62.5"},
		{"ratio of zero base", Decimal("5").Ratio("0"), ""},
		{"ratio of missing base", Decimal("5").Ratio(""), ""},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %q, want %q", tc.name, tc.got, tc.want)
		}
	}
	if got := Decimal("1234567.891").Format(2); got != "1.234.567,89" {
		t.Errorf("Format = %q", got)
	}
}

func fv(s string) FieldValue { return FieldValue{Num: Decimal(s)} }

func TestAggregateValues(t *testing.T) {
	t.Parallel()
	choice := Field{Code: "c", Type: TypeChoice, Choices: []string{"Tốt", "Khá", "Yếu"}, Aggregate: AggCount}
	vals := []FieldValue{fv("1.25"), {}, fv("2"), fv("-0.5")}
	for _, tc := range []struct {
		name  string
		field Field
		vals  []FieldValue
		want  string
	}{
		{"sum skips empty", Field{Type: TypeDecimal, Aggregate: AggSum}, vals, "2.75/3"},
		{"avg over reported values only", Field{Type: TypeDecimal, Aggregate: AggAvg}, vals, "0.9167/3"},
		{"min", Field{Type: TypeDecimal, Aggregate: AggMin}, vals, "-0.5/3"},
		{"max", Field{Type: TypeInt, Aggregate: AggMax}, vals, "2/3"},
		{"nothing reported is no value, not zero", Field{Type: TypeInt, Aggregate: AggSum}, []FieldValue{{}, {}}, "/0"},
		{"choices counted per choice", choice, []FieldValue{{Text: "Khá"}, {Text: "Tốt"}, {}, {Text: "Khá"}}, "/3 [1 2 0]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := AggregateValues(tc.field, tc.vals)
			got := fmt.Sprintf("%s/%d", a.Value, a.Count)
			if a.Choices != nil {
				got += fmt.Sprint(" ", a.Choices)
			}
			if got != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// sample is a two-level tree: two districts that report, communes under
// each, one commune that did not report.
func sample() *Consolidation {
	fields := []Field{
		{Code: "n", Type: TypeInt, Aggregate: AggSum},
		{Code: "p", Type: TypePercent, Aggregate: AggAvg},
		{Code: "t", Type: TypeText, Aggregate: AggNone},
	}
	deadline := time.Date(2025, 6, 16, 16, 59, 59, 0, time.UTC)
	u := func(code, name string, kind UnitKind, parent string, n, p string, first time.Time, status Status) UnitReport {
		r := UnitReport{Code: code, Name: name, Kind: kind, ParentCode: parent, ParentName: "Huyện " + parent,
			Deadline: deadline, FirstSubmittedAt: first, Status: status}
		if n != "" {
			r.Values = []FieldValue{fv(n), fv(p), {Text: "ghi chú"}}
		}
		return r
	}
	onTime, late := deadline.Add(-time.Hour), deadline.Add(49*time.Hour)
	c := &Consolidation{Fields: fields, Units: []UnitReport{
		u("26003", "Xã C", KindCommunePC, "700", "", "", time.Time{}, StatusMissing),
		u("26001", "Xã A", KindCommunePC, "700", "4", "80", onTime, StatusSubmitted),
		u("701", "Huyện 701", KindDistrictPC, "70", "3", "", onTime, StatusAccepted),
		u("26101", "Xã D", KindCommunePC, "701", "10", "95", late, StatusLate),
		u("26002", "Xã B", KindCommunePC, "700", "6", "90", onTime, StatusReturned),
		u("700", "Huyện 700", KindDistrictPC, "70", "", "", time.Time{}, StatusExempt),
	}}
	c.Units[2].Values[1] = FieldValue{} // the district left the percentage empty
	SortUnits(c.Units)
	c.ComputeGroups()
	return c
}

func TestComputeGroupsAndRows(t *testing.T) {
	t.Parallel()
	c := sample()
	var got []string
	for _, r := range c.Rows() {
		line := r.Number + " " + r.Label
		if r.Group != nil {
			line += fmt.Sprintf(" n=%s p=%s %d/%d", r.Group.Values[0].Value, r.Group.Values[1].Value, r.Group.Reported, r.Group.Obliged)
		} else if !r.Unit.Reported() {
			line += " " + NotReported
		}
		got = append(got, line)
	}
	want := []string{
		// 3+4+6+10; (80+90+95)/3, the missing commune and the empty
		// district value left out.
		" TỔNG CỘNG TOÀN TỈNH n=23 p=88.3333 4/6",
		"I UBND cấp huyện n=3 p= 1/2",
		"1 Huyện 700 " + NotReported,
		"2 Huyện 701",
		"II UBND cấp xã n=20 p=88.3333 3/4",
		" Huyện 700 n=10 p=85 2/3",
		"1 Xã A",
		"2 Xã B",
		"3 Xã C " + NotReported,
		" Huyện 701 n=10 p=95 1/1",
		"4 Xã D",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if g := c.Group(LevelParent, KindCommunePC, "701"); g == nil || g.Values[0].Value != "10" {
		t.Fatalf("Group(parent 701) = %+v", g)
	}
}

func TestComparisons(t *testing.T) {
	t.Parallel()
	c := sample()
	c.Previous = &Baseline{Total: Group{Values: []Aggregated{{Value: "20"}, {Value: "0"}, {}}}}
	got := c.Comparisons()
	if len(got) != 2 {
		t.Fatalf("%d comparisons, want the two computed fields", len(got))
	}
	if p := got[0].Previous; p.Base != "20" || p.Delta != "3" || p.Percent != "15" {
		t.Errorf("n vs previous = %+v, want 20, +3, 15%%", p)
	}
	if p := got[1].Previous; p.Delta != "88.3333" || p.Percent != "" {
		t.Errorf("p vs a base of 0 = %+v, want a change and no percentage", p)
	}
	c.Previous.Total.Values[1].Value = "80"
	if p := c.Comparisons()[1].Previous; p.Delta != "8.3333" || p.Percent != "" {
		t.Errorf("a rate changes in points, not percent: got %+v", p)
	}
	if y := got[0].YearAgo; y != (Change{}) {
		t.Errorf("no year-ago period, got %+v", y)
	}
}

func TestCompliance(t *testing.T) {
	t.Parallel()
	c := sample()
	got := c.Compliance()
	want := Compliance{Obliged: 6, Exempt: 1, OnTime: 3, Late: 1, NotSent: 1, Returned: 1, Accepted: 1, Reported: 4}
	got.ByStatus = nil
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("compliance %+v, want %+v", got, want)
	}
	if p := got.OnTimePercent(); p != "60" {
		t.Fatalf("on time %s%%, want 60 (3 of the 5 due)", p)
	}
}

func TestUnitDaysLateCountsLikeTheCompliancePages(t *testing.T) {
	t.Parallel()
	hcm := time.FixedZone("ICT", 7*3600)
	deadline := time.Date(2025, 6, 16, 23, 59, 59, 0, hcm)
	now := time.Date(2025, 6, 20, 9, 0, 0, 0, hcm)
	for _, tc := range []struct {
		name   string
		first  time.Time
		status Status
		want   int
	}{
		{"on time", deadline.Add(-time.Hour), StatusSubmitted, 0},
		{"next morning is one day", time.Date(2025, 6, 17, 8, 0, 0, 0, hcm), StatusLate, 1},
		{"nothing sent counts to now", time.Time{}, StatusMissing, 4},
		{"exempt is never late", time.Time{}, StatusExempt, 0},
	} {
		u := UnitReport{Deadline: deadline, FirstSubmittedAt: tc.first, Status: tc.status}
		if got := u.DaysLate(now); got != tc.want {
			t.Errorf("%s: %d days late, want %d", tc.name, got, tc.want)
		}
	}
}
