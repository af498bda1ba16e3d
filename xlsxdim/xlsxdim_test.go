package xlsxdim

import "testing"

func TestFix(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, in, want string }{
		{"streamed", `<worksheet><dimension ref="A1"></dimension><sheetData><row r="1"><c r="A1"/></row><row r="40"><c r="C40" s="1"><v>1</v></c></row></sheetData><mergeCells count="1"><mergeCell ref="A1:H1"/></mergeCells></worksheet>`,
			`<worksheet><dimension ref="A1:H40"/><sheetData><row r="1"><c r="A1"/></row><row r="40"><c r="C40" s="1"><v>1</v></c></row></sheetData><mergeCells count="1"><mergeCell ref="A1:H1"/></mergeCells></worksheet>`},
		{"self-closing", `<worksheet><dimension ref="A1"/><sheetData><row r="3"><c r="B3" t="s"><v>0</v></c></row></sheetData></worksheet>`,
			`<worksheet><dimension ref="B3"/><sheetData><row r="3"><c r="B3" t="s"><v>0</v></c></row></sheetData></worksheet>`},
		{"missing", `<worksheet><sheetPr/><cols><col min="1" max="2"/></cols><sheetData><row r="2"><c s="1" r="B2"/></row></sheetData></worksheet>`,
			`<worksheet><sheetPr/><dimension ref="B2"/><cols><col min="1" max="2"/></cols><sheetData><row r="2"><c s="1" r="B2"/></row></sheetData></worksheet>`},
		{"empty", `<worksheet><dimension ref="A1"/><sheetData/></worksheet>`, `<worksheet><dimension ref="A1"/><sheetData/></worksheet>`},
	} {
		if got := string(Fix([]byte(tc.in))); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
}
