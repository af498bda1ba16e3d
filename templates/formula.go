package templates

import (
	"regexp"
	"strings"

	"github.com/xuri/efp"
)

// A clerk may compute a value with a formula (=D12+D13), and Read uses the
// value the spreadsheet cached. But a workbook is also something an
// inspector later downloads and opens in Excel, so a formula that can act
// outside the sheet is active content: a DDE link (cmd|' /C calc'!A0) runs
// a program, WEBSERVICE and HYPERLINK reach out to an address, INDIRECT,
// CALL and REGISTER reach what the sheet does not show. Only arithmetic
// over cells of the template's own sheets passes (issue 13).

// safeFunctions are the worksheet functions a formula may call: arithmetic,
// rounding, counting and logic, nothing that reads outside its arguments.
var safeFunctions = map[string]bool{
	"SUM": true, "SUMIF": true, "SUMPRODUCT": true, "PRODUCT": true,
	"AVERAGE": true, "MIN": true, "MAX": true, "COUNT": true, "COUNTA": true, "COUNTIF": true, "COUNTBLANK": true,
	"ROUND": true, "ROUNDUP": true, "ROUNDDOWN": true, "INT": true, "TRUNC": true, "ABS": true, "MOD": true,
	"IF": true, "IFERROR": true, "AND": true, "OR": true, "NOT": true,
	// efp's names for an array constant {1,2;3,4}.
	"ARRAY": true, "ARRAYROW": true,
}

// cellRange is A1, $A$1, A1:B2, A:A or 1:1.
var cellRange = regexp.MustCompile(`^(\$?[A-Za-z]{1,3}\$?[0-9]{1,7}|\$?[A-Za-z]{1,3}|\$?[0-9]{1,7})(:(\$?[A-Za-z]{1,3}\$?[0-9]{1,7}|\$?[A-Za-z]{1,3}|\$?[0-9]{1,7}))?$`)

// formulaRule says what a formula may refer to: the sheets (own is the
// sheet the formula stands on; "" when it stands in the workbook) and the
// defined names.
type formulaRule struct {
	own    string
	sheets map[string]bool // other sheets it may name
	names  map[string]bool // defined names it may use
}

// unsafeFormula returns why formula is not plain arithmetic over the
// allowed cells (the function, the reference or "DDE"), "" when it is.
func (r formulaRule) unsafeFormula(formula string) string {
	formula = strings.TrimPrefix(formula, "=")
	if strings.ContainsAny(formula, "|[") {
		// DDE (app|topic!item) and links to other workbooks ([1]Sheet!A1).
		return txtFormulaLink
	}
	p := efp.ExcelParser()
	for _, t := range p.Parse(formula) {
		switch t.TType {
		case efp.TokenTypeFunction:
			if t.TSubType == efp.TokenSubTypeStart && !safeFunctions[strings.ToUpper(t.TValue)] {
				return strings.ToUpper(t.TValue)
			}
		case efp.TokenTypeOperand:
			if t.TSubType == efp.TokenSubTypeRange && !r.reference(t.TValue) {
				return t.TValue
			}
		case efp.TokenTypeUnknown:
			return t.TValue
		}
	}
	return ""
}

// reference reports whether a range operand is a cell or range of an
// allowed sheet, or an allowed name.
func (r formulaRule) reference(ref string) bool {
	if r.names[ref] {
		return true
	}
	sheet, cells := "", ref
	if i := strings.LastIndex(ref, "!"); i >= 0 {
		sheet, cells = strings.Trim(ref[:i], "'"), ref[i+1:]
		if sheet != r.own && !r.sheets[sheet] {
			return false
		}
	} else if r.own == "" {
		return false // a workbook-level name must say which sheet
	}
	return cellRange.MatchString(cells)
}
