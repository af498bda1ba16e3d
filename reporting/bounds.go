package reporting

import (
	"math/big"
	"strconv"
	"strings"
)

// NumberLimit is what a numeric field of one type can hold: values within
// ±Ceiling (0..Ceiling for a percent) with at most Places digits after the
// decimal point. A form may narrow the range with min and max, never widen
// it (Form.Validate refuses a bound beyond the ceiling).
//
// The limits keep every figure exact from the upload to the printed
// report: the largest province total of 10,000 units is 10^19 đồng with
// two decimals, which PostgreSQL's numeric and Decimal hold digit for
// digit; a spreadsheet keeps only 15 significant digits of a number, so
// the workbook writes longer figures as text (see Decimal.FitsSpreadsheet).
type NumberLimit struct {
	Ceiling int64
	Places  int
}

// Limits per numeric type: counts of people, meetings, documents; amounts
// of money or land; percentages. Migration 00011 holds stored values to the
// widest of them.
var numberLimits = map[FieldType]NumberLimit{
	TypeInt:     {Ceiling: 1_000_000_000, Places: 0},
	TypeDecimal: {Ceiling: 1_000_000_000_000_000, Places: 2},
	TypePercent: {Ceiling: 100, Places: 2},
}

// Limit is the limit of numeric type t; ok is false for other types.
func Limit(t FieldType) (l NumberLimit, ok bool) {
	l, ok = numberLimits[t]
	return l, ok
}

// numberBounds is the range a numeric field accepts, exact, with the bounds
// as canonical text for messages. Each bound is the form's where it lies
// within the type's limit, else the limit: ±Ceiling, 0 below for a
// percent (as Normalize has it). both says the form set both bounds (a
// percent always has both): a message then names the whole range.
type numberBounds struct {
	lo, hi         *big.Rat
	loText, hiText string
	both           bool
}

func boundsOf(fl Field) numberBounds {
	l := numberLimits[fl.Type]
	ceiling := strconv.FormatInt(l.Ceiling, 10)
	floor := "-" + ceiling
	if fl.Type == TypePercent {
		floor = "0"
	}
	b := numberBounds{both: fl.Type == TypePercent || fl.Min != nil && fl.Max != nil}
	b.lo, b.loText = tighter(floor, fl.Min, +1)
	b.hi, b.hiText = tighter(ceiling, fl.Max, -1)
	return b
}

// tighter is the form's bound when it is set and inside limit (above it
// for sign +1, below for -1), else limit.
func tighter(limit string, declared *float64, sign int) (*big.Rat, string) {
	l, _ := new(big.Rat).SetString(limit)
	if declared == nil {
		return l, limit
	}
	text := floatText(*declared)
	d, ok := new(big.Rat).SetString(text)
	if !ok || d.Cmp(l)*sign < 0 {
		return l, limit
	}
	return d, text
}

// floatText is a bound from a form as its author wrote it: the shortest
// decimal that reads back as the float (0.1, not 0.1000000000000000055…),
// so a value equal to the bound is within it.
func floatText(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// decimalPlaces is how many digits follow the point of a canonical number.
func decimalPlaces(canonical string) int {
	_, frac, _ := strings.Cut(canonical, ".")
	return len(frac)
}

// digitCount is how many digits a canonical number has.
func digitCount(canonical string) int {
	return len(strings.TrimPrefix(canonical, "-")) - strings.Count(canonical, ".")
}
