package templates

import (
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"baocao/reporting"
)

func TestParseNumber(t *testing.T) {
	t.Parallel()
	const (
		i = reporting.TypeInt
		d = reporting.TypeDecimal
		p = reporting.TypePercent
	)
	tests := []struct {
		in   string
		typ  reporting.FieldType
		want string // "" means not a number
	}{
		// The brief's table.
		{"1.234", i, "1234"},
		{"1,5", d, "1.5"},
		{"1.234,5", d, "1234.5"},
		{"1,234.5", d, "1234.5"},
		{"12 345", i, "12345"},
		{"-3", i, "-3"},
		{"abc", i, ""},
		// Thousands, several groups, either separator.
		{"1.234.567", i, "1234567"},
		{"1,234,567", i, "1234567"},
		{"12.345.678.901,25", d, "12345678901.25"},
		{"12,345,678,901.25", d, "12345678901.25"},
		{"1 234 567,5", d, "1234567.5"},
		{"1\u00a0234", i, "1234"},
		{"1\u202f234", i, "1234"},
		// The ambiguous single separator before three digits.
		{"1,234", i, "1234"},  // a count has no fraction
		{"1.234", d, "1234"},  // Vietnamese thousands dot
		{"1,234", d, "1.234"}, // Vietnamese decimal comma
		{"1.234", p, "1234"},  // then out of range, for Validate to say
		{"0.500", d, "0.5"},   // a zero integer part is never grouped
		{"0,500", i, "0.5"},   // not an integer: Validate says so
		{"1234.567", d, "1234.567"},
		// A single separator otherwise is the decimal one.
		{"1.5", d, "1.5"},
		{"1,5", i, "1.5"},
		{"1,2345", d, "1.2345"},
		{"12.34", d, "12.34"},
		{".5", d, "0.5"},
		{"5.", d, "5"},
		// Signs, zeros, percent.
		{"+7", i, "7"},
		{"−5", i, "-5"},
		{"-0", i, "0"},
		{"007", i, "7"},
		{"1.50", d, "1.5"},
		{"85,5%", p, "85.5"},
		{"100 %", p, "100"},
		{"100%", i, ""},
		// Not numbers.
		{"", i, ""},
		{" ", i, ""},
		{",", d, ""},
		{"-", i, ""},
		{"1.2.3", i, ""},
		{"12.34.56", d, ""},
		{"1.234,5,6", d, ""},
		{"1,234.567.8", d, ""},
		{"1234.567,8", d, ""}, // a thousands group of four digits
		{"1e5", d, ""},
		{"12 cuộc", i, ""},
		{"--3", i, ""},
	}
	for _, tt := range tests {
		got, ok := ParseNumber(tt.in, tt.typ)
		if ok != (tt.want != "") || got != tt.want {
			t.Errorf("ParseNumber(%q, %s) = %q, %v; want %q", tt.in, tt.typ, got, ok, tt.want)
		}
		if ok && !reporting.IsCanonicalNumber(got) {
			t.Errorf("ParseNumber(%q) = %q is not canonical", tt.in, got)
		}
	}
}

func TestFloatNumber(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"12345678901.25", "12345678901.25"},
		{"0.30000000000000004", "0.3"},
		{"3.0000000000000004", "3"},
		{"1.2345678901234E+16", "12345678901234000"},
		{"1E+20", "100000000000000000000"},
		{"-0", "0"},
		{"-2.5", "-2.5"},
		{"0.000001", "0.000001"},
		{"abc", ""},
		{"", ""},
		{"NaN", ""},
	}
	for _, tt := range tests {
		got, ok := FloatNumber(tt.in)
		if ok != (tt.want != "") || got != tt.want {
			t.Errorf("FloatNumber(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
}

func TestParseDate(t *testing.T) {
	t.Parallel()
	jan5 := reporting.Day(2026, time.January, 5)
	for _, in := range []string{"05/01/2026", "5/1/2026", "2026-01-05", "2026-1-5", "05-01-2026", "05.01.2026", " 05/01/2026 ", "05/01/2026 00:00:00", "2026-01-05T00:00:00"} {
		if got, ok := ParseDate(in); !ok || !got.Equal(jan5) {
			t.Errorf("ParseDate(%q) = %v, %v; want 2026-01-05", in, got, ok)
		}
	}
	if got, ok := ParseDate("29/02/2024"); !ok || !got.Equal(reporting.Day(2024, time.February, 29)) {
		t.Errorf("leap day: %v %v", got, ok)
	}
	for _, in := range []string{"", "abc", "31/02/2026", "29/02/2026", "1/13/2026", "05/01/26", "2026/01/05", "05/01-2026", "05/01/2026 08:00", "32/01/2026", "0/1/2026", "05012026"} {
		if got, ok := ParseDate(in); ok {
			t.Errorf("ParseDate(%q) = %v, want no date", in, got)
		}
	}
}

func TestSerialDate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw      string
		date1904 bool
		want     time.Time
	}{
		{"36526", false, reporting.Day(2000, time.January, 1)},
		{"46027", false, reporting.Day(2026, time.January, 5)},
		{"46027.75", false, reporting.Day(2026, time.January, 5)}, // 18:00 that day
		{"1", true, reporting.Day(1904, time.January, 2)},
	}
	for _, tt := range tests {
		if got, ok := SerialDate(tt.raw, tt.date1904); !ok || !got.Equal(tt.want) {
			t.Errorf("SerialDate(%q, %v) = %v, %v; want %v", tt.raw, tt.date1904, got, ok, tt.want)
		}
	}
	if serial(reporting.Day(2026, time.January, 5)) != 46027 {
		t.Error("serial and SerialDate disagree")
	}
	for _, raw := range []string{"0", "-1", "abc", "3000000"} {
		if got, ok := SerialDate(raw, false); ok {
			t.Errorf("SerialDate(%q) = %v, want no date", raw, got)
		}
	}
}

func TestCleanText(t *testing.T) {
	t.Parallel()
	nfd := norm.NFD.String("Tiếng Việt")
	if nfd == "Tiếng Việt" {
		t.Fatal("test input is not decomposed")
	}
	tests := map[string]string{
		"  " + nfd + "\t":  "Tiếng Việt",
		"dòng 1\r\ndòng 2": "dòng 1\ndòng 2",
		"dòng 1\rdòng 2":   "dòng 1\ndòng 2",
		"":                 "",
	}
	for in, want := range tests {
		if got := CleanText(in); got != want {
			t.Errorf("CleanText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMatchChoice(t *testing.T) {
	t.Parallel()
	choices := []string{"Tốt", "Khá", "Trung bình", "Yếu"}
	for in, want := range map[string]string{
		"Khá":                         "Khá",
		"  khá ":                      "Khá",
		norm.NFD.String("TRUNG BÌNH"): "Trung bình",
		norm.NFD.String("yếu"):        "Yếu",
		"Xuất sắc":                    "",
		"Tot":                         "", // diacritics matter: Tốt and Tót are different words
		"":                            "",
		"Trung bình, Khá":             "",
		strings.Repeat("Tốt", 2):      "",
		"\u00a0Tốt\u00a0":             "Tốt",
	} {
		got, ok := MatchChoice(in, choices)
		if ok != (want != "") || got != want {
			t.Errorf("MatchChoice(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}
