// Package vi writes numbers, percentages and dates the Vietnamese way and
// sorts and searches Vietnamese text. It owns baocao's dependency on
// golang.org/x/text for this, so pages, workbooks and PDFs agree.
//
// Numbers group thousands with a dot and mark decimals with a comma
// ("1.234,5"), as Vietnamese administrative documents do; dates are
// day/month/year in the time's own location.
package vi

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Integer is any integer type Number accepts.
type Integer interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64
}

// Number writes an integer with dot thousands: 1234567 → "1.234.567",
// -1234 → "-1.234".
func Number[T Integer](x T) string {
	if x < 0 {
		return "-" + group(strconv.FormatUint(uint64(-int64(x)), 10))
	}
	return group(strconv.FormatUint(uint64(x), 10))
}

// Decimal writes a decimal number given as text ("1234.5", "-0.25", as the
// database and the parsed workbooks hold it, with a dot or without a
// decimal part) with dot thousands and a comma before exactly places
// decimals, rounding half away from zero: Decimal("1234.56", 1) →
// "1.234,6". places < 0 keeps the decimals as given. Text that is not a
// decimal number comes back unchanged, so a bad value shows rather than
// vanishes.
func Decimal(s string, places int) string {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	digits := strings.TrimLeft(s, "+-")
	whole, frac, _ := strings.Cut(digits, ".")
	if whole == "" {
		whole = "0"
	}
	if !allDigits(whole) || !allDigits(frac) || len(s)-len(digits) > 1 {
		return s
	}
	if places >= 0 {
		whole, frac = round(whole, frac, places)
	}
	whole = strings.TrimLeft(whole, "0")
	if whole == "" {
		whole = "0"
	}
	out := group(whole)
	if frac != "" {
		out += "," + frac
	}
	if neg && strings.Trim(whole+frac, "0") != "" {
		out = "-" + out
	}
	return out
}

// Float writes x with places decimals the Vietnamese way: Float(1234.5, 1)
// → "1.234,5". NaN and infinities are written "–".
func Float(x float64, places int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "–"
	}
	return Decimal(strconv.FormatFloat(x, 'f', -1, 64), places)
}

// Percent writes a rate (0.725) as a percentage with one decimal, the
// decimal dropped when it is zero: "72,5%", "100%", "0%".
func Percent(rate float64) string {
	if math.IsNaN(rate) || math.IsInf(rate, 0) {
		return "–"
	}
	s := Float(rate*100, 1)
	s = strings.TrimSuffix(s, ",0")
	if s == "-0" {
		s = "0"
	}
	return s + "%"
}

// Date writes t's calendar day in its own location: "05/01/2027".
func Date(t time.Time) string { return t.Format("02/01/2006") }

// DateTime writes t to the minute in its own location: "16/06/2026 23:59".
func DateTime(t time.Time) string { return t.Format("02/01/2006 15:04") }

// group puts a dot between every three digits from the right.
func group(digits string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	first := len(digits) % 3
	if first == 0 {
		first = 3
	}
	b.WriteString(digits[:first])
	for i := first; i < len(digits); i += 3 {
		b.WriteByte('.')
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// round rounds whole.frac to places decimals, half away from zero, in
// decimal text so money never passes through a float.
func round(whole, frac string, places int) (string, string) {
	if len(frac) <= places {
		return whole, frac + strings.Repeat("0", places-len(frac))
	}
	up := frac[places] >= '5'
	n := []byte(whole + frac[:places])
	if up {
		i := len(n) - 1
		for ; i >= 0; i-- {
			if n[i] == '9' {
				n[i] = '0'
				continue
			}
			n[i]++
			break
		}
		if i < 0 {
			n = append([]byte{'1'}, n...)
		}
	}
	return string(n[:len(n)-places]), string(n[len(n)-places:])
}
