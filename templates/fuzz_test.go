package templates

import (
	"bytes"
	"strings"
	"testing"
)

// The reader's fuzz targets. Their seed corpus runs with every `go test`;
// fuzz with
//
//	go test ./templates -run '^$' -fuzz FuzzReadSheet -fuzztime 5m
//
// A panic inside the reader is turned into a refusal (guard), so each
// target fails on a refusal whose cause is a panic, as well as on an error
// or on an accepted file whose values are not read from the layout's cells.

// checkFuzzRead reads data as an upload of form and checks the invariants.
func checkFuzzRead(t *testing.T, data []byte) {
	form := testForm(t)
	got, err := Read(bytes.NewReader(data), readOptions(form))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if got.Cause != nil && strings.Contains(got.Cause.Error(), "panic") {
		t.Fatalf("the reader panicked: %v", got.Cause)
	}
	if len(got.Problems) == 0 && got.Values == nil {
		t.Fatal("neither values nor problems")
	}
	if got.Blocking() {
		for _, p := range got.Problems {
			if p.Message == "" || p.Code == "" {
				t.Fatalf("a problem without code or message: %+v", p)
			}
		}
		return
	}
	lay := newLayout(form)
	for _, fl := range form.Fields() {
		if v := got.Values[fl.Code]; v.Sheet != SheetReport || v.Cell != cell(colValue, lay.fieldRow[fl.Code]) {
			t.Fatalf("%s read from %s!%s, not its layout cell", fl.Code, v.Sheet, v.Cell)
		}
	}
}

// FuzzReadFile mutates whole uploads.
func FuzzReadFile(f *testing.F) {
	form := testForm(f)
	tmpl := buildTemplate(f, form)
	filled := fill(f, tmpl, validValues(), map[string]string{"tien": "ghi chú"})
	f.Add(tmpl)
	f.Add(filled)
	f.Add(filled[:len(filled)/2])
	f.Add([]byte("PK\x03\x04"))
	f.Add(stored(f, filled))
	f.Fuzz(func(t *testing.T, data []byte) { checkFuzzRead(t, data) })
}

// FuzzReadSheet mutates the report sheet's XML and the shared strings of a
// filled template, stored uncompressed so that every mutation reaches the
// XML parser rather than failing a checksum.
func FuzzReadSheet(f *testing.F) {
	form := testForm(f)
	filled := stored(f, fill(f, buildTemplate(f, form), validValues(), map[string]string{"tien": "ghi chú"}))
	sheet, strs := zipPart(f, filled, "xl/worksheets/sheet1.xml"), zipPart(f, filled, "xl/sharedStrings.xml")
	f.Add([]byte(sheet), []byte(strs))
	f.Add([]byte(strings.Replace(sheet, `<c r="D12"`, `<c r="D12" t="e"`, 1)), []byte(strs))
	f.Add([]byte(strings.Replace(sheet, "<sheetData>", `<sheetData><row r="4999"><c r="AZ4999" t="inlineStr"><is><t>x</t></is></c></row>`, 1)), []byte(strs))
	f.Add([]byte(strings.Replace(sheet, `<c r="D12"`, `<c r="D12"><f>cmd|' /C calc'!A0</f><v>1</v></c><c r="X1"`, 1)), []byte(strs))
	f.Add([]byte(sheet), []byte(strings.Replace(strs, "<si>", `<si><r><t>a</t></r><rPh><t>b</t></rPh>`, 1)))
	f.Fuzz(func(t *testing.T, sheetXML, stringsXML []byte) {
		data := rewriteZipStored(t, filled, func(name string, body []byte) []byte {
			switch name {
			case "xl/worksheets/sheet1.xml":
				return sheetXML
			case "xl/sharedStrings.xml":
				return stringsXML
			}
			return body
		})
		checkFuzzRead(t, data)
	})
}
