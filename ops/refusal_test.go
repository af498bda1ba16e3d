package ops_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"baocao/ops"
	"baocao/reporting"
)

// editZip copies a workbook, passing each part through edit, adding extra.
func editZip(t *testing.T, data []byte, edit func(name string, body []byte) []byte, extra map[string][]byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(rc)
		rc.Close()
		if edit != nil {
			body = edit(f.Name, body)
		}
		w, _ := zw.Create(f.Name)
		w.Write(body) //nolint:errcheck
	}
	for name, body := range extra {
		w, _ := zw.Create(name)
		w.Write(body) //nolint:errcheck
	}
	zw.Close()
	return buf.Bytes()
}

// excelEdit opens a workbook with excelize, applies fn and saves it.
func excelEdit(t *testing.T, data []byte, fn func(f *excelize.File)) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fn(f)
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func valueCell(t *testing.T, data []byte, code string) (string, string) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "f_"+code {
			sheet, cell, _ := strings.Cut(strings.ReplaceAll(dn.RefersTo, "$", ""), "!")
			return strings.Trim(sheet, "'"), cell
		}
	}
	t.Fatalf("no cell for %s", code)
	return "", ""
}

// The list of bad uploads: each is refused with a specific
// Vietnamese message and nothing is stored (row counts before and after).
func TestSubmitRefusesBadFilesAndStoresNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		make     func(t *testing.T, good []byte) []byte
		wantCode string
		wantText string
	}{
		{"not a zip", func(*testing.T, []byte) []byte { return []byte("Báo cáo 6 tháng: 12 cuộc giám sát") }, reporting.ProblemFile, "không phải tệp Excel .xlsx"},
		{"an .xls file", func(*testing.T, []byte) []byte {
			return append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 2048)...)
		}, reporting.ProblemFile, ".xls"},
		{"a password-protected file", func(t *testing.T, good []byte) []byte {
			f, err := excelize.OpenReader(bytes.NewReader(good))
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.Join(t.TempDir(), "pw.xlsx")
			if err := f.SaveAs(name, excelize.Options{Password: "matkhau"}); err != nil {
				t.Fatal(err)
			}
			b, _ := os.ReadFile(name)
			return b
		}, reporting.ProblemFile, "mật khẩu"},
		{"an .xlsm file", func(t *testing.T, good []byte) []byte {
			return editZip(t, good, nil, map[string][]byte{"xl/vbaProject.bin": []byte("macro")})
		}, reporting.ProblemFile, "macro"},
		{"an .ods file", func(t *testing.T, _ []byte) []byte {
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			w, _ := zw.Create("mimetype")
			w.Write([]byte("application/vnd.oasis.opendocument.spreadsheet")) //nolint:errcheck
			w, _ = zw.Create("content.xml")
			w.Write([]byte("<office:document-content/>")) //nolint:errcheck
			zw.Close()
			return buf.Bytes()
		}, reporting.ProblemFile, ".ods"},
		{"a zip bomb", func(t *testing.T, good []byte) []byte {
			// 200 MB of spaces in a sheet part deflate to a few hundred KB.
			return editZip(t, good, func(name string, body []byte) []byte {
				if name == "xl/worksheets/sheet1.xml" {
					return append(body, bytes.Repeat([]byte(" "), 200<<20)...)
				}
				return body
			}, nil)
		}, reporting.ProblemFile, "giải nén quá lớn"},
		{"an oversized file", func(*testing.T, []byte) []byte { return bytes.Repeat([]byte("PK"), 6<<20) }, reporting.ProblemFile, "Tệp quá lớn"},
		{"_meta missing", func(t *testing.T, good []byte) []byte {
			return excelEdit(t, good, func(f *excelize.File) { f.DeleteSheet("_meta") }) //nolint:errcheck
		}, reporting.ProblemTemplate, "thiếu trang _meta"},
		{"HMAC altered", func(t *testing.T, good []byte) []byte {
			return excelEdit(t, good, func(f *excelize.File) {
				rows, _ := f.GetRows("_meta")
				for i, r := range rows {
					if len(r) > 1 && r[0] == "period_key" {
						f.SetCellStr("_meta", "B"+itoa(i+1), "2025-H2") //nolint:errcheck
					}
				}
			})
		}, reporting.ProblemTemplate, "bị sửa đổi thông tin nhận dạng"},
		{"text in a number cell", func(t *testing.T, good []byte) []byte {
			v := valid()
			v["kien_nghi"] = "bảy"
			return fill(t, good, v, nil)
		}, reporting.ProblemType, "Số kiến nghị"},
		{"a missing required value", func(t *testing.T, good []byte) []byte {
			v := valid()
			delete(v, "tu_danh_gia")
			return fill(t, good, v, nil)
		}, reporting.ProblemRequired, "Tự đánh giá"},
		{"a formula without a cached value", func(t *testing.T, good []byte) []byte {
			// An empty cell given a formula: nothing computed it yet.
			v := valid()
			delete(v, "giam_sat")
			filled := fill(t, good, v, nil)
			sheet, cell := valueCell(t, filled, "giam_sat")
			return excelEdit(t, filled, func(f *excelize.File) { f.SetCellFormula(sheet, cell, "=2*6") }) //nolint:errcheck
		}, reporting.ProblemFormula, "công thức"},
		{"billion laughs in a sheet part", func(t *testing.T, good []byte) []byte {
			return editZip(t, fill(t, good, valid(), nil), func(name string, body []byte) []byte {
				if name != "xl/worksheets/sheet1.xml" {
					return body
				}
				decl := `<!DOCTYPE worksheet [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>`
				i := bytes.Index(body, []byte("?>")) + 2
				return append(append(append([]byte{}, body[:i]...), decl...), body[i:]...)
			}, nil)
		}, reporting.ProblemFile, "DOCTYPE/ENTITY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fx := setup(t, formYAML)
			file := tt.make(t, fx.template(t, fx.unit.Code))
			before := fx.counts(t)
			_, err := fx.svc.Submit(context.Background(), fx.clerk, fx.now, ops.Upload{Body: bytes.NewReader(file)})
			if after := fx.counts(t); after != before {
				t.Fatalf("rows before %v, after %v", before, after)
			}
			var pe *ops.ProblemsError
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want a ProblemsError", err)
			}
			for _, p := range pe.Problems {
				if p.Code == tt.wantCode && strings.Contains(p.Message, tt.wantText) {
					return
				}
			}
			t.Fatalf("problems %+v lack code %s with %q", pe.Problems, tt.wantCode, tt.wantText)
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
