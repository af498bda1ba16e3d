package storetest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"baocao/reporting"
	"baocao/store"
	"baocao/templates"
)

// SmallFormYAML is a short half-yearly commune form with one field of most
// types, an error rule and a warning rule: enough to exercise uploads
// without depending on the shipped forms' content.
const SmallFormYAML = `code: TEST-IN
title: Báo cáo thử kết quả thực hiện dân chủ ở cơ sở
unit_kinds: [commune_pc]
schedules:
  - periodicity: half_year
    since: "2025-12-15"
    deadline: {after_cutoff_working_days: 2}
sections:
  - title: I. Ban Thanh tra nhân dân
    fields:
      - {code: giam_sat, label: Số cuộc giám sát, type: int, unit: cuộc, min: 0, max: 500, required: true, aggregate: sum}
      - {code: kien_nghi, label: Số kiến nghị, type: int, unit: kiến nghị, min: 0, aggregate: sum}
      - {code: da_giai_quyet, label: Số kiến nghị đã được giải quyết, type: int, min: 0, aggregate: sum}
      - {code: tien_thu_hoi, label: Số tiền kiến nghị thu hồi, type: decimal, unit: đồng, min: 0, aggregate: sum}
  - title: II. Đánh giá chung
    fields:
      - {code: tu_danh_gia, label: Tự đánh giá, type: choice, choices: [Tốt, Khá, Trung bình, Yếu], required: true, aggregate: count}
      - {code: kho_khan, label: "Khó khăn, vướng mắc", type: text, max_length: 2000}
rules:
  - {expr: "da_giai_quyet <= kien_nghi", message: "Số kiến nghị đã giải quyết không được lớn hơn số kiến nghị"}
  - {expr: "giam_sat <= 50", severity: warning, message: "Hơn 50 cuộc giám sát trong 6 tháng là bất thường"}
`

// SmallFormValues fills SmallFormYAML validly; tien_thu_hoi is written the
// Vietnamese way and reads back as 12345678901.25.
func SmallFormValues() map[string]any {
	return map[string]any{"giam_sat": 12, "kien_nghi": 7, "da_giai_quyet": 5, "tien_thu_hoi": "12.345.678.901,25",
		"tu_danh_gia": "Khá", "kho_khan": "Thiếu kinh phí cho Ban Thanh tra nhân dân."}
}

// SyncFormYAML parses a form definition and loads it as the form's next
// version.
func SyncFormYAML(t testing.TB, st *store.Store, name, src string) reporting.Form {
	t.Helper()
	ff, err := templates.ParseForm(name, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.SyncForms(context.Background(), []store.FormSource{{Definition: ff.Form, Source: string(ff.Source), Checksum: ff.Checksum}}); err != nil {
		t.Fatal(err)
	}
	return ff.Form
}

// Fill sets values and notes (by field code) in a template through its
// defined names, as a program filling it would, and returns the file.
func Fill(t testing.TB, data []byte, values map[string]any, notes map[string]string) []byte {
	t.Helper()
	out, err := templates.FillValues(data, values, notes)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// PDFText is a PDF's text by poppler's pdftotext, its lines and spaces
// joined to single spaces.
func PDFText(t testing.TB, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "r.pdf")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}
