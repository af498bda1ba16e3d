package templates

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"baocao/reporting"
)

// This file turns what a clerk typed into values: numbers written the
// Vietnamese way or the English way, dates as serials or text, choices and
// text in whatever Unicode form the keyboard produced.

// ParseNumber reads a number typed as text and returns it in canonical
// form (see reporting.Value.Num), exactly: no float is involved, so a sum
// in đồng keeps every digit. Spaces, no-break spaces and a leading "+" are
// ignored; a percent field also accepts a trailing "%".
//
// Separators, Vietnamese habits first:
//   - "." and "," both present: the last one is the decimal separator, the
//     other groups thousands ("1.234,5" and "1,234.5" are 1234.5);
//   - one of them, several times: thousands ("1.234.567");
//   - one of them, once, followed by exactly three digits, after a
//     non-zero integer part: ambiguous ("1.234", "1,234"). In an int field
//     it groups thousands (1234: a count has no fraction). In a decimal or
//     percent field "." groups thousands, as Vietnamese writing does, and
//     "," is the decimal comma (1.234 → 1234, 1,234 → 1.234);
//   - otherwise the single separator is the decimal one ("1,5", "1.5",
//     "0.500").
//
// Thousands groups must have three digits ("12.34.56" is not a number).
func ParseNumber(s string, t reporting.FieldType) (string, bool) {
	s = stripSpaces(s)
	if t == reporting.TypePercent {
		s = strings.TrimSuffix(s, "%")
	}
	neg := false
	switch {
	case strings.HasPrefix(s, "-"), strings.HasPrefix(s, "−"): // hyphen or minus sign
		neg = true
		s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "−")
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	if s == "" || strings.Trim(s, "0123456789.,") != "" {
		return "", false
	}
	dots, commas := strings.Count(s, "."), strings.Count(s, ",")
	lastDot, lastComma := strings.LastIndex(s, "."), strings.LastIndex(s, ",")

	var intPart, frac string
	var group byte // the thousands separator, 0 for none
	switch {
	case dots > 0 && commas > 0:
		dec := lastDot
		group = ','
		if lastComma > lastDot {
			dec, group = lastComma, '.'
		}
		if strings.Count(s, s[dec:dec+1]) != 1 {
			return "", false
		}
		intPart, frac = s[:dec], s[dec+1:]
	case dots > 1:
		intPart, group = s, '.'
	case commas > 1:
		intPart, group = s, ','
	case dots == 1 || commas == 1:
		sep := byte('.')
		if commas == 1 {
			sep = ','
		}
		i := strings.IndexByte(s, sep)
		before, after := s[:i], s[i+1:]
		thousands := len(after) == 3 && before != "" && strings.TrimLeft(before, "0") != "" && len(before) <= 3
		if thousands && (t == reporting.TypeInt || sep == '.') {
			intPart, group = s, sep
		} else {
			intPart, frac = before, after
		}
	default:
		intPart = s
	}
	if group != 0 {
		var ok bool
		if intPart, ok = ungroup(intPart, group); !ok {
			return "", false
		}
	}
	if intPart == "" && frac == "" || !digits(intPart) || !digits(frac) {
		return "", false
	}
	return canonical(neg, intPart, frac), true
}

// ungroup removes thousands separators, checking the groups: 1 to 3 digits
// first, then exactly 3.
func ungroup(s string, sep byte) (string, bool) {
	parts := strings.Split(s, string(sep))
	if len(parts[0]) == 0 || len(parts[0]) > 3 {
		return "", false
	}
	for _, p := range parts[1:] {
		if len(p) != 3 {
			return "", false
		}
	}
	return strings.Join(parts, ""), true
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// canonical joins the parts of a number without redundant zeros.
func canonical(neg bool, intPart, frac string) string {
	intPart = strings.TrimLeft(intPart, "0")
	if intPart == "" {
		intPart = "0"
	}
	frac = strings.TrimRight(frac, "0")
	out := intPart
	if frac != "" {
		out += "." + frac
	}
	if neg && out != "0" {
		out = "-" + out
	}
	return out
}

// stripSpaces drops the spaces people and spreadsheet programs put in
// numbers: ordinary, no-break, narrow no-break, thin.
func stripSpaces(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\u00a0', '\u202f', '\u2009', '\u2007':
			return -1
		}
		return r
	}, s)
}

// FloatNumber is the canonical form of a number a spreadsheet stored as a
// double ("1.2345678901234E+16", "0.30000000000000004"): rounded to 15
// significant digits, the precision Excel itself keeps and shows, so binary
// noise never reaches a report.
func FloatNumber(raw string) (string, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return "", false
	}
	return floatCanonical(f), true
}

func floatCanonical(f float64) string {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 15, 64), 64)
	s := strconv.FormatFloat(r, 'f', -1, 64)
	if s == "-0" {
		return "0"
	}
	return s
}

// ParseDate reads a date typed as text: dd/mm/yyyy or d/m/yyyy (with "/",
// "-" or "." between), or ISO yyyy-mm-dd. It returns the civil date at
// midnight UTC; an impossible date (31/02) is not one.
func ParseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	// A date typed into a text cell sometimes keeps a midnight time.
	s = strings.TrimSuffix(strings.TrimSuffix(s, " 00:00:00"), "T00:00:00")
	n, width, ok := splitDate(s)
	if !ok {
		return time.Time{}, false
	}
	var y, m, d int
	switch {
	case width[0] == 4 && width[1] <= 2 && width[2] <= 2 && s[4] == '-': // ISO
		y, m, d = n[0], n[1], n[2]
	case width[0] <= 2 && width[1] <= 2 && width[2] == 4:
		d, m, y = n[0], n[1], n[2]
	default:
		return time.Time{}, false
	}
	t := reporting.Day(y, time.Month(m), d)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

// splitDate splits "05/01/2026" into its three numbers and their widths;
// both separators must be the same.
func splitDate(s string) (n, width [3]int, ok bool) {
	sep := strings.IndexAny(s, "/-.")
	if sep < 0 {
		return n, width, false
	}
	fields := strings.Split(s, s[sep:sep+1])
	if len(fields) != 3 {
		return n, width, false
	}
	for i, f := range fields {
		if f == "" || len(f) > 4 || !digits(f) {
			return n, width, false
		}
		n[i], _ = strconv.Atoi(f)
		width[i] = len(f)
	}
	return n, width, true
}

// SerialDate is the civil date of a spreadsheet date serial (the time of
// day, if any, is dropped).
func SerialDate(raw string, date1904 bool) (time.Time, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
	if err != nil || f < 1 || f > 2958465 { // 2958465 is 31/12/9999
		return time.Time{}, false
	}
	t, err := excelize.ExcelDateToTime(math.Floor(f), date1904)
	if err != nil {
		return time.Time{}, false
	}
	return reporting.Day(t.Date()), true
}

// CleanText is text as stored: Unicode NFC (a Mac or a Vietnamese input
// method may type decomposed accents, which would not compare equal), line
// breaks as "\n", trimmed.
func CleanText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.TrimSpace(norm.NFC.String(s))
}

// MatchChoice finds the choice s stands for, ignoring case and Unicode
// form and surrounding spaces; it returns the choice as the form spells it.
func MatchChoice(s string, choices []string) (string, bool) {
	s = CleanText(s)
	for _, c := range choices {
		if strings.EqualFold(s, CleanText(c)) {
			return c, true
		}
	}
	return "", false
}
