package templates

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"baocao/reporting"
)

// Refusals found by the hostile-upload table (web/hostile_upload_test.go),
// each with the one problem the clerk should be told.
func TestReadRefusalsOnePerCause(t *testing.T) {
	t.Parallel()
	form := testForm(t)
	filled := fill(t, buildTemplate(t, form), validValues(), nil)
	tests := []struct {
		name       string
		file       func(t *testing.T) []byte
		code, cell string
		contains   string
	}{
		// Active parts are active content, as active formulas are: not
		// a file the reader could not use.
		{"an external link part", func(t *testing.T) []byte {
			return rewriteZip(t, filled, nil, map[string][]byte{"xl/externalLinks/externalLink1.xml": []byte(`<externalLink/>`)})
		}, reporting.ProblemActive, "", "liên kết tới tệp khác"},
		{"an embedded object", func(t *testing.T) []byte {
			return rewriteZip(t, filled, nil, map[string][]byte{"xl/embeddings/oleObject1.bin": cfbFile("\x01Ole10Native")})
		}, reporting.ProblemActive, "", "đối tượng nhúng"},
		{"a hyperlink to an outside address", func(t *testing.T) []byte {
			return rewriteZip(t, filled, nil, map[string][]byte{"xl/worksheets/_rels/sheet1.xml.rels": []byte(`<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
				`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="http://evil.example/" TargetMode="External"/></Relationships>`)})
		}, reporting.ProblemActive, "", "http://evil.example/"},
		{"custom XML with a script", func(t *testing.T) []byte {
			return rewriteZip(t, filled, nil, map[string][]byte{"customXml/item1.xml": []byte(`<root><script>run()</script></root>`)})
		}, reporting.ProblemActive, "", "customXml/item1.xml"},
		// Excel 2010's conditional formats keep their formula in a bare
		// <xm:f>, outside any cell: checked like the others.
		{"an extension's conditional format that calls out", func(t *testing.T) []byte {
			return rewriteZip(t, filled, func(name string, body []byte) []byte {
				if name != "xl/worksheets/sheet1.xml" {
					return body
				}
				ext := `<extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">` +
					`<x14:conditionalFormattings xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><x14:conditionalFormatting><x14:cfRule type="expression" priority="1" id="{00000000-0000-0000-0000-000000000001}">` +
					`<xm:f>WEBSERVICE("http://evil.example/")</xm:f><x14:dxf/></x14:cfRule><xm:sqref>D12</xm:sqref></x14:conditionalFormatting></x14:conditionalFormattings></ext></extLst>`
				return bytes.Replace(body, []byte("</worksheet>"), []byte(ext+"</worksheet>"), 1)
			}, nil)
		}, reporting.ProblemActive, "", "WEBSERVICE"},
		// A cell written twice: which one a spreadsheet shows is its own
		// choice, so neither is read.
		{"a value cell written twice", func(t *testing.T) []byte {
			re := regexp.MustCompile(`<c r="D12"[^>]*>.*?</c>`)
			return rewriteZip(t, filled, func(name string, body []byte) []byte {
				if name != "xl/worksheets/sheet1.xml" {
					return body
				}
				return re.ReplaceAllFunc(body, func(m []byte) []byte { return append(append([]byte{}, m...), []byte(`<c r="D12"><v>999</v></c>`)...) })
			}, nil)
		}, reporting.ProblemFile, "", "bị hỏng"},
		// A zip bomb whose directory says 1000 bytes: the reader only
		// glances at docProps, so the size the directory states must not
		// be all that is checked.
		{"a zip bomb with a forged size", func(t *testing.T) []byte { return forgedBomb(t, filled) },
			reporting.ProblemFile, "", "bị hỏng"},
		// Told that "Bao cao" is an extra sheet to delete, the clerk would
		// delete the report.
		{"the report sheet renamed", inExcel(filled, func(f *excelize.File) error { return f.SetSheetName(SheetReport, "Bao cao") }),
			reporting.ProblemTemplate, "", "Không tìm thấy trang “Báo cáo”"},
		// The names of the rows below move with them: the same cause.
		{"a row inserted", inExcel(filled, func(f *excelize.File) error { return f.InsertRows(SheetReport, 13, 1) }),
			reporting.ProblemTemplate, "A13", "từ dòng 13"},
		// An error value has been computed: it is unreadable, not a
		// formula without a value.
		{"an error value", func(t *testing.T) []byte {
			re := regexp.MustCompile(`<c r="D12"[^>]*>.*?</c>`)
			return rewriteZip(t, filled, func(name string, body []byte) []byte {
				if name != "xl/worksheets/sheet1.xml" || !re.Match(body) {
					return body
				}
				return re.ReplaceAllLiteral(body, []byte(`<c r="D12" t="e"><f>1/0</f><v>#DIV/0!</v></c>`))
			}, nil)
		}, reporting.ProblemTemplate, "D12", "Không đọc được ô D12"},
		// A Word document is not a damaged Excel file.
		{"a Word document", func(t *testing.T) []byte {
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			for _, p := range [][2]string{
				{"_rels/.rels", `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
				{"word/document.xml", `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>`},
			} {
				w, err := zw.Create(p[0])
				if err == nil {
					_, err = w.Write([]byte(p[1]))
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			if err := zw.Close(); err != nil {
				t.Fatal(err)
			}
			return buf.Bytes()
		}, reporting.ProblemFile, "", "không phải tệp Excel .xlsx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := readFile(t, tt.file(t), form)
			if len(got.Problems) != 1 {
				t.Fatalf("%d problems, want one:\n%s", len(got.Problems), messages(got.Problems))
			}
			p := got.Problems[0]
			if p.Code != tt.code || p.Cell != tt.cell || !strings.Contains(p.Message, tt.contains) {
				t.Fatalf("problem %s at %q: %s; want %s at %q containing %q", p.Code, p.Cell, p.Message, tt.code, tt.cell, tt.contains)
			}
		})
	}
}

// inExcel is data edited by fn in excelize, as a spreadsheet program would.
func inExcel(data []byte, fn func(f *excelize.File) error) func(t *testing.T) []byte {
	return func(t *testing.T) []byte {
		f := openXLSX(t, data)
		if err := fn(f); err != nil {
			t.Fatal(err)
		}
		buf, err := f.WriteToBuffer()
		if err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
}

// forgedBomb is data with a docProps part of 100 MB whose zip entry says
// it holds 1000 bytes.
func forgedBomb(t *testing.T, data []byte) []byte {
	t.Helper()
	var deflated bytes.Buffer
	fw, err := flate.NewWriter(&deflated, flate.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write([]byte(`<?xml version="1.0"?><Properties>`)) //nolint:errcheck
	fw.Write(bytes.Repeat([]byte(" "), 100<<20))          //nolint:errcheck
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "docProps/custom.xml", Method: zip.Deflate,
		CompressedSize64: uint64(deflated.Len()), UncompressedSize64: 1000})
	if err == nil {
		_, err = w.Write(deflated.Bytes())
	}
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
