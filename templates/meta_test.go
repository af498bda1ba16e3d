package templates

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func sampleMeta() Meta {
	return Meta{
		FormCode: "DCCS-XA", FormVersion: 2, FormVersionID: 7, UnitCode: "25195",
		PeriodID: 42, PeriodKey: "2026-H1", IssuedAt: time.Date(2026, 6, 1, 8, 0, 0, 0, time.FixedZone("ICT", 7*3600)), Layout: LayoutVersion,
		Header: Header{Parent: "UBND THÀNH PHỐ ĐỒNG XOÀI", Unit: "UBND PHƯỜNG TÂN PHÚ", Period: "Kỳ báo cáo: 6 tháng đầu năm 2026",
			Window: "Số liệu từ ngày 15/12/2025 đến ngày 14/06/2026"},
	}
}

func TestMetaCanonicalString(t *testing.T) {
	t.Parallel()
	want := strings.Join([]string{
		"baocao-template-meta",
		"form_code=DCCS-XA",
		"form_version=2",
		"form_version_id=7",
		"unit_code=25195",
		"period_id=42",
		"period_key=2026-H1",
		"issued_at=2026-06-01T08:00:00+07:00",
		"layout_version=2",
		"h_parent=UBND THÀNH PHỐ ĐỒNG XOÀI",
		"h_unit=UBND PHƯỜNG TÂN PHÚ",
		"h_period=Kỳ báo cáo: 6 tháng đầu năm 2026",
		"h_window=Số liệu từ ngày 15/12/2025 đến ngày 14/06/2026",
		"h_deadline=",
	}, "\n")
	if got := sampleMeta().canonical(); got != want {
		t.Fatalf("canonical\n%s\nwant\n%s", got, want)
	}
	// A layout 1 template, issued before the header was signed, keeps its
	// signed string: the first nine lines.
	old := sampleMeta()
	old.Layout = 1
	want1 := strings.Join(slices.Collect(func(yield func(string) bool) {
		for i, l := range strings.Split(want, "\n") {
			if i == 8 {
				l = "layout_version=1"
			}
			if i > 8 || !yield(l) {
				return
			}
		}
	}), "\n")
	if got := old.canonical(); got != want1 {
		t.Fatalf("layout 1 canonical\n%s\nwant\n%s", got, want1)
	}
}

func TestVerifyMeta(t *testing.T) {
	t.Parallel()
	secret := []byte("k")
	mac := sampleMeta().Sign(secret)
	if err := VerifyMeta(sampleMeta(), mac, secret); err != nil {
		t.Fatalf("VerifyMeta of a fresh signature: %v", err)
	}
	altered := map[string]func(*Meta){
		"form code":       func(m *Meta) { m.FormCode = "DCCS-CQ" },
		"form version":    func(m *Meta) { m.FormVersion++ },
		"form version id": func(m *Meta) { m.FormVersionID++ },
		"unit":            func(m *Meta) { m.UnitCode = "25198" },
		"period id":       func(m *Meta) { m.PeriodID++ },
		"period key":      func(m *Meta) { m.PeriodKey = "2026-H2" },
		"issued at":       func(m *Meta) { m.IssuedAt = m.IssuedAt.Add(time.Second) },
		"layout":          func(m *Meta) { m.Layout++ },
		"unit line":       func(m *Meta) { m.Header.Unit = "UBND PHƯỜNG TÂN ĐỒNG" },
		"parent line":     func(m *Meta) { m.Header.Parent = "" },
		"period line":     func(m *Meta) { m.Header.Period += " " },
		"deadline line":   func(m *Meta) { m.Header.Deadline = "Hạn gửi: chậm nhất ngày 30/06/2026" },
	}
	for name, edit := range altered {
		m := sampleMeta()
		edit(&m)
		if err := VerifyMeta(m, mac, secret); !errors.Is(err, errMetaAltered) {
			t.Errorf("%s altered: VerifyMeta = %v, want errMetaAltered", name, err)
		}
	}
	for _, bad := range []string{"", "zz", strings.ToUpper(mac[:10]) + "x" + mac[11:], mac[:62]} {
		if err := VerifyMeta(sampleMeta(), bad, secret); !errors.Is(err, errMetaAltered) {
			t.Errorf("mac %q: VerifyMeta = %v, want errMetaAltered", bad, err)
		}
	}
	if err := VerifyMeta(sampleMeta(), mac, []byte("other")); !errors.Is(err, errMetaAltered) {
		t.Errorf("another secret: %v", err)
	}
	if err := VerifyMeta(sampleMeta(), mac, nil); err == nil || errors.Is(err, errMetaAltered) {
		t.Errorf("empty secret: %v, want a configuration error", err)
	}
}

func TestParseMeta(t *testing.T) {
	t.Parallel()
	rowsOf := func(m Meta) [][]string {
		var rows [][]string
		for _, kv := range metaRows(m, []byte("k")) {
			rows = append(rows, []string{kv[0], kv[1]})
		}
		return rows
	}
	m, mac, bad := parseMeta(rowsOf(sampleMeta()))
	if len(bad) > 0 || !m.IssuedAt.Equal(sampleMeta().IssuedAt) || m.canonical() != sampleMeta().canonical() || mac != sampleMeta().Sign([]byte("k")) {
		t.Fatalf("parseMeta round trip: %+v %q %v", m, mac, bad)
	}
	tests := []struct {
		name string
		edit func([][]string) [][]string
		bad  []string
	}{
		{"missing key", func(r [][]string) [][]string { return r[1:] }, []string{"form_code"}},
		{"empty value", func(r [][]string) [][]string { r[4] = []string{"period_id"}; return r }, []string{"period_id"}},
		{"not a number", func(r [][]string) [][]string { r[1][1] = "hai"; return r }, []string{"form_version"}},
		{"not a time", func(r [][]string) [][]string { r[6][1] = "01/06/2026"; return r }, []string{"issued_at"}},
		{"repeated key", func(r [][]string) [][]string { return append(r, []string{"unit_code", "1"}) }, []string{"unit_code"}},
		{"value on two lines", func(r [][]string) [][]string { r[5][1] = "2026-H1\nx"; return r }, []string{"period_key"}},
		{"no hmac", func(r [][]string) [][]string { return r[:len(r)-1] }, []string{"hmac"}},
	}
	for _, tt := range tests {
		_, _, bad := parseMeta(tt.edit(rowsOf(sampleMeta())))
		if !slices.Equal(bad, tt.bad) {
			t.Errorf("%s: bad keys %v, want %v", tt.name, bad, tt.bad)
		}
	}
	// Blank rows and spaces around keys are harmless.
	rows := append([][]string{{}, {"  "}}, rowsOf(sampleMeta())...)
	rows[2][0] = " " + rows[2][0] + " "
	if _, _, bad := parseMeta(rows); len(bad) > 0 {
		t.Errorf("blank rows: bad %v", bad)
	}
}
