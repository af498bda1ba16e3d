package reporting_test

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"baocao/reporting"
)

// signalForm has the fields the detectors read: counts, a ratio of two
// of them, and a non-blocking check.
func signalForm() reporting.Form {
	return reporting.Form{Code: "TH-SIG", Title: "Thử", Levels: reporting.LevelsConsolidated, Sections: []reporting.Section{{Title: "I", Fields: []reporting.Field{
		{Code: "so_cuoc", Label: "Số cuộc giám sát", Type: reporting.TypeInt, Unit: "cuộc", Aggregate: reporting.AggSum},
		{Code: "phai", Label: "Số nội dung phải công khai", Type: reporting.TypeInt, Aggregate: reporting.AggSum},
		{Code: "da", Label: "Số nội dung đã công khai", Type: reporting.TypeInt, Aggregate: reporting.AggSum},
		{Code: "ty_le", Label: "Tỷ lệ đã công khai", Type: reporting.TypePercent, Unit: "%", Aggregate: reporting.AggRatio,
			Ratio: &reporting.RatioOf{Numerator: "da", Denominator: "phai"}},
		{Code: "vp_vu", Label: "Số vụ vi phạm", Type: reporting.TypeInt, Aggregate: reporting.AggSum},
		{Code: "vp_nguoi", Label: "Số người bị xử lý", Type: reporting.TypeInt, Aggregate: reporting.AggSum},
	}}},
		Checks: []reporting.Check{{Expr: "vp_nguoi == 0 || vp_vu > 0", Message: "Có người bị xử lý nhưng không có vụ vi phạm nào."}},
	}
}

// unit is one commune's counting report: so_cuoc, phai, da, ty_le,
// vp_vu, vp_nguoi ("" for none).
func unit(code, parent string, kind reporting.UnitKind, vals ...string) reporting.UnitReport {
	u := reporting.UnitReport{Code: code, Name: "Xã " + code, Kind: kind, ParentCode: parent, CountedVersion: 1,
		Values: make([]reporting.FieldValue, 6)}
	for i, v := range vals {
		u.Values[i].Num = reporting.Decimal(v)
	}
	return u
}

// province is n ordinary communes under district D1 — so_cuoc 10..19 in
// turn, 20 of 25 contents made public (80%), no violation — and extra.
func province(n int, extra ...reporting.UnitReport) *reporting.Consolidation {
	f := signalForm()
	c := &reporting.Consolidation{Form: f, Fields: f.Fields()}
	for i := range n {
		c.Units = append(c.Units, unit(fmt.Sprintf("X%02d", i), "D1", reporting.KindCommunePC, fmt.Sprint(10+i%10), "25", "20", "80", "0", "0"))
	}
	c.Units = append(c.Units, extra...)
	return c
}

func basis(c *reporting.Consolidation, history map[string][][]float64) *reporting.SignalBasis {
	b := &reporting.SignalBasis{Period: c, Checks: c.Form.Checks, HistoryValues: map[string][]float64{}}
	k := 0
	for _, h := range history {
		k = max(k, len(h[0]))
	}
	for i := range k {
		b.History = append(b.History, reporting.PeriodRef{Key: fmt.Sprintf("K%d", i), Label: fmt.Sprintf("Quý %d", 4-i)})
	}
	for code, perField := range history {
		vals := make([]float64, len(c.Fields)*k)
		for i := range vals {
			vals[i] = math.NaN()
		}
		for fi, hs := range perField {
			copy(vals[fi*k:], hs)
		}
		b.HistoryValues[code] = vals
	}
	return b
}

func signalsOf(d *reporting.SignalDetector, code string) []reporting.Signal {
	for _, us := range d.Counting() {
		if us.UnitCode == code {
			return us.Signals
		}
	}
	return nil
}

func keys(signals []reporting.Signal) []string {
	var out []string
	for _, s := range signals {
		out = append(out, s.Key)
	}
	return out
}

// TestSignalPeers: among 20 communes reporting 10..19 supervisions, one
// reporting 150 stands out (the median of the 21 values is 15; on the
// log scale its robust z is 0.6745 × (ln 151 − ln 16) / MAD, far above
// 3.5) and one reporting 24 does not; nobody else is flagged. With fewer
// communes than PeersMinimum nothing is compared.
func TestSignalPeers(t *testing.T) {
	t.Parallel()
	c := province(20, unit("BIG", "D1", reporting.KindCommunePC, "150", "25", "20", "80", "0", "0"))
	d := reporting.NewSignalDetector(basis(c, nil), reporting.SignalOptions{})
	all := d.Counting()
	if len(all) != 1 || all[0].UnitCode != "BIG" {
		t.Fatalf("signals raised for %v, want BIG alone", all)
	}
	s := all[0].Signals
	if len(s) != 1 || s[0].Key != "peers:so_cuoc" || s[0].Value != "150 cuộc" {
		t.Fatalf("BIG's signals %+v", s)
	}
	// The 21 values sorted: 10,10,11,11,…,19,19,150 — the 11th is 15.
	if want := "Cao bất thường so với 21 đơn vị cùng loại (UBND cấp xã) trong kỳ: trung vị 15 cuộc"; !strings.HasPrefix(s[0].Reason, want) {
		t.Errorf("reason %q, want it to start %q", s[0].Reason, want)
	}
	// 24 is within the spread; 0 says nothing happened, no typing mistake.
	ok := province(20, unit("OK", "D1", reporting.KindCommunePC, "24", "25", "20", "80", "0", "0"),
		unit("NONE", "D1", reporting.KindCommunePC, "0", "25", "20", "80", "0", "0"))
	if got := reporting.NewSignalDetector(basis(ok, nil), reporting.SignalOptions{}).Counting(); len(got) != 0 {
		t.Errorf("24 or 0 among 10..19 raised %+v", got)
	}
	few := province(5, unit("BIG", "D1", reporting.KindCommunePC, "150", "25", "20", "80", "0", "0"))
	if got := reporting.NewSignalDetector(basis(few, nil), reporting.SignalOptions{}).Counting(); len(got) != 0 {
		t.Errorf("6 communes compared: %+v", got)
	}
}

// TestSignalPeersWhenMostAreEqual: most communes report no violation, so
// the MAD is 0; one with 12 still stands out (the MAD is taken as at
// least 10%), one with 3 is within MinDifference of the median 0.
func TestSignalPeersWhenMostAreEqual(t *testing.T) {
	t.Parallel()
	c := province(20,
		unit("MANY", "D1", reporting.KindCommunePC, "12", "25", "20", "80", "12", "0"),
		unit("FEW", "D1", reporting.KindCommunePC, "12", "25", "20", "80", "3", "0"))
	d := reporting.NewSignalDetector(basis(c, nil), reporting.SignalOptions{})
	if got := keys(signalsOf(d, "MANY")); !slices.Equal(got, []string{"peers:vp_vu"}) {
		t.Errorf("MANY: %v", got)
	}
	if got := signalsOf(d, "FEW"); got != nil {
		t.Errorf("FEW: %+v", got)
	}
}

// TestSignalHistory: with one previous period, a jump of ×4 or more
// beyond MinDifference fires — 4 → 38 is +850%; 1 → 4 is not; with four
// or more previous periods the robust z-score over them decides: 60
// after 10, 12, 11, 13 fires, 14 does not, nor 125 after 100 four times.
func TestSignalHistory(t *testing.T) {
	t.Parallel()
	c := province(3,
		unit("JUMP", "D1", reporting.KindCommunePC, "38", "25", "20", "80", "0", "0"),
		unit("TINY", "D1", reporting.KindCommunePC, "4", "25", "20", "80", "0", "0"),
		unit("DROP", "D1", reporting.KindCommunePC, "5", "25", "20", "80", "0", "0"),
		unit("STEADY", "D1", reporting.KindCommunePC, "60", "25", "20", "80", "0", "0"),
		unit("CALM", "D1", reporting.KindCommunePC, "14", "25", "20", "80", "0", "0"),
		unit("TIGHT", "D1", reporting.KindCommunePC, "125", "25", "20", "80", "0", "0"))
	nan := math.NaN()
	d := reporting.NewSignalDetector(basis(c, map[string][][]float64{
		"JUMP":   {{4, nan, nan, nan}},
		"TINY":   {{1, nan, nan, nan}},
		"DROP":   {{nan, 40, nan, nan}},
		"STEADY": {{10, 12, 11, 13}},
		"CALM":   {{10, 12, 11, 13}},
		"TIGHT":  {{100, 100, 100, 100}},
	}), reporting.SignalOptions{})
	jump := signalsOf(d, "JUMP")
	if len(jump) != 1 || jump[0].Reason != "Tăng 850% so với kỳ trước (Quý 4) (4 cuộc → 38 cuộc)." {
		t.Errorf("JUMP: %+v", jump)
	}
	drop := signalsOf(d, "DROP")
	if len(drop) != 1 || drop[0].Reason != "Giảm 88% so với kỳ Quý 3 (40 cuộc → 5 cuộc)." {
		t.Errorf("DROP: %+v", drop)
	}
	if got := signalsOf(d, "TINY"); got != nil {
		t.Errorf("TINY: %+v", got)
	}
	steady := signalsOf(d, "STEADY")
	if len(steady) != 1 || !strings.HasPrefix(steady[0].Reason, "Cao bất thường so với 4 kỳ trước của chính đơn vị (trung vị 11,5 cuộc") {
		t.Errorf("STEADY: %+v", steady)
	}
	if got := signalsOf(d, "CALM"); got != nil {
		t.Errorf("CALM: %+v", got)
	}
	// Four equal periods have a MAD of 0: +25% is still no outlier.
	if got := signalsOf(d, "TIGHT"); got != nil {
		t.Errorf("TIGHT: %+v", got)
	}
}

// TestSignalCombinations: a ratio's numerator above its denominator and a
// ratio that does not match its parts, which the form has no rule
// against, and the form's own check.
func TestSignalCombinations(t *testing.T) {
	t.Parallel()
	c := province(0,
		unit("OVER", "D1", reporting.KindCommunePC, "10", "20", "25", "100", "0", "0"),
		unit("OFF", "D1", reporting.KindCommunePC, "10", "20", "10", "80", "0", "0"),
		unit("CHECK", "D1", reporting.KindCommunePC, "10", "20", "10", "50", "0", "2"),
		unit("FINE", "D1", reporting.KindCommunePC, "10", "20", "10", "50", "1", "2"))
	d := reporting.NewSignalDetector(basis(c, nil), reporting.SignalOptions{})
	over := signalsOf(d, "OVER")
	// 25/20 = 125%, not 100%: the ratio is off too.
	if got := keys(over); !slices.Equal(got, []string{"ratio:da", "ratio:ty_le"}) {
		t.Fatalf("OVER: %v", got)
	}
	if over[0].Reason != "“Số nội dung đã công khai” (25) lớn hơn “Số nội dung phải công khai” (20)." {
		t.Errorf("OVER: %q", over[0].Reason)
	}
	off := signalsOf(d, "OFF")
	if len(off) != 1 || off[0].Reason != "“Tỷ lệ đã công khai” là 80% nhưng 10/20 = 50%." {
		t.Errorf("OFF: %+v", off)
	}
	check := signalsOf(d, "CHECK")
	if len(check) != 1 || check[0].Key != "check:vp_nguoi == 0 || vp_vu > 0" ||
		check[0].Reason != "Có người bị xử lý nhưng không có vụ vi phạm nào. Chỉ tiêu liên quan: “Số người bị xử lý” = 2; “Số vụ vi phạm” = 0." {
		t.Errorf("CHECK: %+v", check)
	}
	if got := signalsOf(d, "FINE"); got != nil {
		t.Errorf("FINE: %+v", got)
	}
}

// TestSignalLevels: a district's own figure below its communes' sum is a
// signal (it must include them); above it, within JumpFactor, is not;
// four times it with every commune in is.
func TestSignalLevels(t *testing.T) {
	t.Parallel()
	f := signalForm()
	c := &reporting.Consolidation{Form: f, Fields: f.Fields(), Units: []reporting.UnitReport{
		unit("D1", "P", reporting.KindDistrictPC, "25"), unit("A", "D1", reporting.KindCommunePC, "10"), unit("B", "D1", reporting.KindCommunePC, "20"),
		unit("D2", "P", reporting.KindDistrictPC, "40"), unit("C", "D2", reporting.KindCommunePC, "30"),
		unit("D3", "P", reporting.KindDistrictPC, "200"), unit("E", "D3", reporting.KindCommunePC, "30"),
	}}
	sum := func(parent, v string, n int) reporting.Group {
		g := reporting.Group{Level: reporting.LevelParent, Kind: reporting.KindCommunePC, ParentCode: parent, Obliged: n, Reported: n,
			Values: make([]reporting.Aggregated, len(c.Fields))}
		g.Values[0].Value = reporting.Decimal(v)
		return g
	}
	c.Groups = []reporting.Group{sum("D1", "30", 2), sum("D2", "30", 1), sum("D3", "30", 1)}
	d := reporting.NewSignalDetector(basis(c, nil), reporting.SignalOptions{})
	d1 := signalsOf(d, "D1")
	if len(d1) != 1 || d1[0].Reason != "Nhỏ hơn tổng của 2/2 đơn vị trực thuộc đã báo cáo (30 cuộc), trong khi báo cáo của đơn vị cấp trên phải gồm số liệu của các đơn vị trực thuộc." {
		t.Errorf("D1: %+v", d1)
	}
	if got := signalsOf(d, "D2"); got != nil {
		t.Errorf("D2: %+v", got)
	}
	if got := keys(signalsOf(d, "D3")); !slices.Equal(got, []string{"levels:so_cuoc"}) {
		t.Errorf("D3: %v", got)
	}
}

// TestFormChecksValidated: a check is validated as a rule is, each
// problem with its number and expression.
func TestFormChecksValidated(t *testing.T) {
	t.Parallel()
	f := signalForm()
	f.Schedules = nil
	f.UnitKinds = []reporting.UnitKind{reporting.KindCommunePC}
	f.Checks = append(f.Checks,
		reporting.Check{Expr: "so_cuoc > 0"},
		reporting.Check{Expr: "khong_co > 0", Message: "x"},
		reporting.Check{Expr: "1 > 0", Message: "x"})
	err := f.Validate()
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		"check 2 (so_cuoc > 0): message is missing",
		"check 3 (khong_co > 0): unknown field khong_co",
		"check 4 (1 > 0): reads no field",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "check 1 ") {
		t.Errorf("a good check reported:\n%v", err)
	}
}
