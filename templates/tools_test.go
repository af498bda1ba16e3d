package templates

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"baocao/reporting"
)

// Clerks fill templates in whatever they have; these tests put a template
// through real programs and read it back. They need Debian's
// libreoffice-calc and python3-openpyxl (.ci/test installs them): without
// them they fail, since a test that skips would pass with nothing checked.

// requireTool is the path of program name, which must run with probe's
// arguments if any; the test fails, naming the Debian package to install,
// when it is missing or does not run.
func requireTool(t *testing.T, name, install string, probe ...string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil && len(probe) > 0 {
		if out, perr := exec.Command(path, probe...).CombinedOutput(); perr != nil {
			err = fmt.Errorf("%s %s: %w: %s", name, strings.Join(probe, " "), perr, bytes.TrimSpace(out))
		}
	}
	if err != nil {
		t.Fatalf("%s is needed (%v): apt-get install -y %s (.ci/test installs it)", name, err, install)
	}
	return path
}

// checkReadBack checks that a template filled with values comes back
// through Read with those exact values.
func checkReadBack(t *testing.T, data []byte, form reporting.Form, want map[string]string, notes map[string]string) *Filled {
	t.Helper()
	got := readFile(t, data, form)
	if len(got.Problems) != 0 {
		t.Fatalf("problems:\n%s", messages(got.Problems))
	}
	for code, w := range want {
		v := got.Values[code]
		var s string
		switch {
		case v.Num != "":
			s = v.Num
		case v.Date != nil:
			s = reporting.FormatDate(*v.Date)
		default:
			s = v.Text
		}
		if s != w {
			t.Errorf("%s = %q (%+v), want %q", code, s, v, w)
		}
	}
	for code, w := range notes {
		if got.Notes[code] != w {
			t.Errorf("note %s = %q, want %q", code, got.Notes[code], w)
		}
	}
	return got
}

func TestReadAfterLibreOfficeResave(t *testing.T) {
	t.Parallel()
	soffice := requireTool(t, "soffice", "libreoffice-calc")
	form := testForm(t)
	notes := map[string]string{"so_cuoc": "Đã kiểm tra lại số liệu."}
	filled := fill(t, buildTemplate(t, form), validValues(), notes)

	dir := t.TempDir()
	in, out := filepath.Join(dir, "mau.xlsx"), filepath.Join(dir, "out")
	if err := os.WriteFile(in, filled, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// A private profile: parallel runs do not fight over the user's.
	cmd := exec.CommandContext(ctx, soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--headless", "--norestore", "--convert-to", "xlsx", "--outdir", out, in)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("libreoffice: %v\n%s", err, b)
	}
	resaved, err := os.ReadFile(filepath.Join(out, "mau.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	if string(resaved) == string(filled) {
		t.Fatal("LibreOffice did not rewrite the file")
	}

	got := checkReadBack(t, resaved, form, map[string]string{
		"so_cuoc": "12", "kien_nghi": "7", "tien": "12345678901.25", "ty_le": "71.43", "ab12": "3",
		"ngay": "05/03/2026", "danh_gia": "Khá", "linh_vuc": longChoices[7], "kho_khan": validValues()["kho_khan"].(string),
	}, notes)
	if got.Meta.UnitCode != "25195" || got.Meta.PeriodID != 42 {
		t.Errorf("meta %+v", got.Meta)
	}

	// What LibreOffice keeps and what it changes, as the design says.
	f := openXLSX(t, resaved)
	names := 0
	for _, dn := range f.GetDefinedName() {
		if strings.HasPrefix(dn.Name, nameValuePrefix) {
			names++
		}
	}
	if names != len(form.Fields()) {
		t.Errorf("%d f_ names after LibreOffice, want %d", names, len(form.Fields()))
	}
	if dvs, _ := f.GetDataValidations(SheetReport); len(dvs) == 0 {
		t.Error("LibreOffice dropped the data validations")
	}
	if !strings.Contains(zipPart(t, resaved, "xl/worksheets/sheet1.xml"), "<sheetProtection") {
		t.Error("LibreOffice dropped the sheet protection")
	}
	if visible, _ := f.GetSheetVisible(SheetMeta); visible {
		t.Error("_meta became visible")
	}
	if regexp.MustCompile(`name="_meta"[^>]*veryHidden`).MatchString(zipPart(t, resaved, "xl/workbook.xml")) {
		t.Log("this LibreOffice keeps veryHidden")
	}
}

const openpyxlScript = `
import sys, openpyxl
src, dst = sys.argv[1], sys.argv[2]
wb = openpyxl.load_workbook(src)
ws = wb["Báo cáo"]
for arg in sys.argv[3:]:
    ref, value = arg.split("=", 1)
    kind, value = value.split(":", 1)
    ws[ref] = {"i": int, "f": float, "s": str}[kind](value)
wb.save(dst)
`

func TestReadAfterOpenpyxlEdit(t *testing.T) {
	t.Parallel()
	python := requireTool(t, "/usr/bin/python3", "python3-openpyxl", "-c", "import openpyxl")
	form := testForm(t)
	dir := t.TempDir()
	in, out, script := filepath.Join(dir, "mau.xlsx"), filepath.Join(dir, "filled.xlsx"), filepath.Join(dir, "fill.py")
	if err := os.WriteFile(in, buildTemplate(t, form), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(script, []byte(openpyxlScript), 0o600); err != nil {
		t.Fatal(err)
	}
	lay := newLayout(form)
	at := func(code string) string { return cell(colValue, lay.fieldRow[code]) }
	args := []string{script, in, out,
		at("so_cuoc") + "=i:9",
		at("kien_nghi") + "=s:1.234",
		at("da_giai_quyet") + "=i:1000",
		at("tien") + "=f:98765432.5",
		at("ty_le") + "=s:12,5",
		at("ngay") + "=s:15/04/2026",
		at("danh_gia") + "=s:tốt",
		at("kho_khan") + "=s:Không có khó khăn.",
		cell(colNote, lay.fieldRow["tien"]) + "=s:Theo biên bản ngày 10/4",
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if b, err := exec.CommandContext(ctx, python, args...).CombinedOutput(); err != nil {
		t.Fatalf("openpyxl: %v\n%s", err, b)
	}
	edited, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	checkReadBack(t, edited, form, map[string]string{
		"so_cuoc": "9", "kien_nghi": "1234", "da_giai_quyet": "1000", "tien": "98765432.5", "ty_le": "12.5",
		"ngay": "15/04/2026", "danh_gia": "Tốt", "kho_khan": "Không có khó khăn.",
	}, map[string]string{"tien": "Theo biên bản ngày 10/4"})
	if v := readFile(t, edited, form).Values["ab12"]; !v.Empty() {
		t.Error("a field openpyxl did not touch is not empty")
	}
}
