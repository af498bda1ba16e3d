package reporting

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"baocao/vi"
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
	SortUnits(c.Units, vi.NewKeyer().Key)
	// The groups, as the store aggregates them, written out: 3+4+6+10;
	// (80+90+95)/3, the missing commune and the empty district value left
	// out.
	group := func(level GroupLevel, kind UnitKind, parent, n, p string, reported, obliged int) Group {
		g := Group{Level: level, Kind: kind, ParentCode: parent, Obliged: obliged, Reported: reported,
			Values: []Aggregated{{Value: Decimal(n)}, {Value: Decimal(p)}, {}}}
		if parent != "" {
			g.ParentName = "Huyện " + parent
		}
		return g
	}
	c.Total = group(LevelProvince, "", "", "23", "88.3333", 4, 6)
	c.Groups = []Group{
		group(LevelKind, KindDistrictPC, "", "3", "", 1, 2),
		group(LevelParent, KindDistrictPC, "70", "3", "", 1, 2),
		group(LevelKind, KindCommunePC, "", "20", "88.3333", 3, 4),
		group(LevelParent, KindCommunePC, "700", "10", "85", 2, 3),
		group(LevelParent, KindCommunePC, "701", "10", "95", 1, 1),
	}
	return c
}

// TestRows checks the summary table's layout: units in tree order under
// their kind and parent, each total row on its own group, a parent's row
// left out when its kind has no other parent.
func TestRows(t *testing.T) {
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
	c.Previous = &Baseline{Shared: 6, Total: Group{Obliged: 6, Values: []Aggregated{{Value: "20"}, {Value: "0"}, {}}}}
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

// TestComparisonsOverOtherUnits checks that totals over different units
// (a reorganisation) are shown and not compared, and that the notes say
// how many units reported in each period and how many owed both.
func TestComparisonsOverOtherUnits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name            string
		obliged, shared int // the earlier period's units, and those it shares with the report's 6
		want            Change
		note            string
	}{
		{"the same units", 6, 6, Change{Base: "20", Delta: "3", Percent: "15"},
			"So với kỳ trước (6 tháng cuối năm 2024): 4/6 đơn vị đã báo cáo; kỳ này 4/6."},
		{"one unit replaced", 6, 5, Change{Base: "20", Units: OtherUnits},
			"So với kỳ trước (6 tháng cuối năm 2024): 4/6 đơn vị đã báo cáo; kỳ này 4/6. Phạm vi đơn vị khác nhau (chỉ 5 đơn vị phải báo cáo ở cả hai kỳ, có thể do sắp xếp đơn vị hành chính) nên không tính tăng, giảm."},
		{"before a reform", 122, 2, Change{Base: "20", Units: OtherUnits},
			"So với kỳ trước (6 tháng cuối năm 2024): 4/122 đơn vị đã báo cáo; kỳ này 4/6. Phạm vi đơn vị khác nhau (chỉ 2 đơn vị phải báo cáo ở cả hai kỳ, có thể do sắp xếp đơn vị hành chính) nên không tính tăng, giảm."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := sample()
			c.Previous = &Baseline{Label: "6 tháng cuối năm 2024", Shared: tt.shared,
				Total: Group{Obliged: tt.obliged, Reported: 4, Values: []Aggregated{{Value: "20"}, {Value: "90"}, {}}}}
			if got := c.Comparisons()[0].Previous; got != tt.want {
				t.Errorf("n vs previous = %+v, want %+v", got, tt.want)
			}
			if got := c.BaselineNotes(); len(got) != 1 || got[0] != tt.note {
				t.Errorf("notes %q\nwant %q", got, tt.note)
			}
		})
	}
	if notes := sample().BaselineNotes(); len(notes) != 0 {
		t.Errorf("notes without an earlier period: %q", notes)
	}
	// Nine in ten units shared: the change stands, with the counts.
	c := &Consolidation{Units: make([]UnitReport, 10), Total: Group{Obliged: 10, Reported: 9}}
	c.YearAgo = &Baseline{Label: "6 tháng đầu năm 2024", Shared: 9, Total: Group{Obliged: 10, Reported: 10}}
	want := "So với cùng kỳ năm trước (6 tháng đầu năm 2024): 10/10 đơn vị đã báo cáo; kỳ này 9/10. Phạm vi đơn vị có thay đổi: 9 đơn vị phải báo cáo ở cả hai kỳ."
	if got := c.BaselineNotes(); len(got) != 1 || got[0] != want {
		t.Errorf("notes %q\nwant %q", got, want)
	}
}

func TestMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		now, then, shared int
		want              UnitMatch
	}{
		{700, 700, 700, SameUnits},
		{700, 701, 700, MostlySame}, // an agency closed since
		{701, 700, 700, MostlySame}, // a new one
		{700, 700, 630, MostlySame}, // 70 merged away, 70 new
		{700, 700, 629, OtherUnits},
		{40, 122, 2, OtherUnits}, // the 2025 reform
		{40, 0, 0, OtherUnits},
	}
	for _, tt := range tests {
		c := &Consolidation{Units: make([]UnitReport, tt.now)}
		if got := c.Match(&Baseline{Shared: tt.shared, Total: Group{Obliged: tt.then}}); got != tt.want {
			t.Errorf("%d units now, %d then, %d shared: %v, want %v", tt.now, tt.then, tt.shared, got, tt.want)
		}
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

func TestFitsSpreadsheet(t *testing.T) {
	t.Parallel()
	for d, want := range map[Decimal]bool{
		"0": true, "123456789012345": true, "-123456789012345": true, "1234567890123.45": true,
		"0.000000000000001": true, "10000000000000000000": true, "123456789012345000000": true,
		"1234567890123456": false, "9007199254740993": false, "999999999999999.99": false,
		"9999999999999995203.87": false, "0.1234567890123456": false,
	} {
		if got := d.FitsSpreadsheet(); got != want {
			t.Errorf("Decimal(%q).FitsSpreadsheet() = %v, want %v", d, got, want)
		}
	}
}
