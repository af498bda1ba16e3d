package reporting

import (
	"math/big"
	"strconv"
	"strings"
	"time"
)

// Problem codes: what kind of thing is wrong. The web layer shows them as
// they are and the API returns them in its 422 body, so they are part of
// the API: add codes, never rename one.
const (
	ProblemRequired = "required" // a required value is empty
	ProblemType     = "type"     // not a number, not an integer, too many decimals, not a date
	ProblemRange    = "range"    // outside the field's min/max or its type's limit (or the date range)
	ProblemChoice   = "choice"   // not one of the field's choices
	ProblemLength   = "length"   // text longer than the field allows
	ProblemFormula  = "formula"  // a formula cell without a computed value
	ProblemRule     = "rule"     // a cross-field rule of severity error failed
	ProblemWarning  = "warning"  // a warning rule failed: blocking until explained in the note
	ProblemTemplate = "template" // not our template, altered identity, broken structure
	ProblemFile     = "file"     // not a usable .xlsx at all: size, format, encryption, bombs
	ProblemActive   = "active"   // active content: a formula, link or part that can act outside the sheet
)

// Problem is one thing wrong with an uploaded report, in the words the
// clerk will read: where (sheet, cell), which field, the value found, and a
// Vietnamese message that stands on its own. It is what the API returns in
// a 422 and what the upload page lists, so every problem of a file is
// reported at once.
type Problem struct {
	Code string `json:"code"`
	// Severity error blocks the upload; warning is shown to inspectors
	// with the clerk's explanation and does not block.
	Severity Severity `json:"severity"`
	Sheet    string   `json:"sheet,omitempty"`
	Cell     string   `json:"cell,omitempty"` // A1 style, e.g. D12
	Field    string   `json:"field,omitempty"`
	Label    string   `json:"label,omitempty"`
	Value    string   `json:"value,omitempty"` // the cell's content as found
	Message  string   `json:"message"`
	// Fields lists every field a rule problem involves, in the order the
	// rule names them; Cells their cells, index for index.
	Fields []string `json:"fields,omitempty"`
	Cells  []string `json:"cells,omitempty"`
	// Note is the clerk's explanation of a warning, from the note column.
	Note string `json:"note,omitempty"`
}

// Blocking reports whether any problem is an error: a report with one is
// refused, while warnings alone let it through.
func Blocking(problems []Problem) bool {
	for _, p := range problems {
		if p.Severity != SeverityWarning {
			return true
		}
	}
	return false
}

// Value is one field's value as read from a workbook. Which of Num, Text
// and Date is set depends on the field's type; Raw keeps what the cell held
// so a message can quote it, and a Raw that could not be converted leaves
// them all empty, which Validate reports as a type problem.
type Value struct {
	// Raw is the cell's content as text, Unicode NFC and trimmed; "" for
	// an empty cell.
	Raw string `json:"raw,omitempty"`
	// Num is the number of an int, decimal or percent field as canonical
	// decimal text: optional "-", digits, optional "." and fraction digits,
	// no exponent, no leading or trailing zeros ("12345678901.25"). Text
	// keeps large sums in đồng exact where a float64 would not.
	Num string `json:"num,omitempty"`
	// Text is a choice (spelled as in the form when it matched) or a text.
	Text string `json:"text,omitempty"`
	// Date is a date field's civil date, at midnight UTC (see Day).
	Date *time.Time `json:"date,omitempty"`
	// Formula is the cell's formula, when it holds one; its value is the
	// one the spreadsheet program computed and saved.
	Formula string `json:"formula,omitempty"`
	// Sheet and Cell say where the value was read, for messages.
	Sheet string `json:"sheet,omitempty"`
	Cell  string `json:"cell,omitempty"`
}

// Empty reports whether the cell held nothing. A formula whose result was
// never computed is not empty: it is reported as such.
func (v Value) Empty() bool { return v.Raw == "" && v.Formula == "" }

// Float is Num as a float64, for rules; ok is false when Num is not set.
func (v Value) Float() (float64, bool) {
	if v.Num == "" {
		return 0, false
	}
	f, err := strconv.ParseFloat(v.Num, 64)
	return f, err == nil
}

// rat is Num as an exact rational, for range checks that must not round.
func (v Value) rat() (*big.Rat, bool) {
	if v.Num == "" {
		return nil, false
	}
	return new(big.Rat).SetString(v.Num)
}

// IsCanonicalNumber reports whether s is in the form Value.Num uses.
func IsCanonicalNumber(s string) bool {
	if s == "" {
		return false
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	if neg && strings.Trim(s, "0.") == "" {
		return false // -0
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" || !allDigits(intPart) || len(intPart) > 1 && intPart[0] == '0' {
		return false
	}
	if hasDot && (frac == "" || !allDigits(frac) || strings.HasSuffix(frac, "0")) {
		return false
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
