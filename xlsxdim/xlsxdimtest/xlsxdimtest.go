// Package xlsxdimtest checks, in tests, that a workbook reads whole in a
// streaming reader: Debian's python3 with openpyxl in read-only mode, what
// pandas.read_excel uses.
package xlsxdimtest

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"
)

// python is Debian's interpreter, where python3-openpyxl installs.
const python = "/usr/bin/python3"

// readOnly prints, per sheet, the last row holding a value and how many
// rows hold one, as openpyxl's read-only mode finds them.
const readOnly = `
import json, sys
import openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
out = {}
for ws in wb.worksheets:
    last = filled = 0
    for i, row in enumerate(ws.iter_rows(values_only=True), 1):
        if any(v is not None and v != "" for v in row):
            last, filled = i, filled + 1
    out[ws.title] = [last, filled]
print(json.dumps(out))
`

// ReadsWhole fails t unless openpyxl in read-only mode finds, in every
// sheet of the workbook data, the same rows as excelize does. It fails,
// never skips, when python3 or openpyxl is missing.
func ReadsWhole(t testing.TB, data []byte) {
	t.Helper()
	if _, err := os.Stat(python); err != nil {
		t.Fatalf("%s is missing: apt-get install -y python3 python3-openpyxl", python)
	}
	path := filepath.Join(t.TempDir(), "book.xlsx")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python, "-c", readOnly, path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if bytes.Contains(stderr.Bytes(), []byte("No module named 'openpyxl'")) {
		t.Fatalf("openpyxl is missing: apt-get install -y python3-openpyxl")
	}
	if err != nil {
		t.Fatalf("openpyxl read-only: %v\n%s", err, stderr.Bytes())
	}
	var got map[string][2]int
	if err := json.Unmarshal(stdout, &got); err != nil {
		t.Fatalf("openpyxl output %q: %v", stdout, err)
	}

	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("open workbook: %v", err)
	}
	defer f.Close()
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatalf("rows of %s: %v", sheet, err)
		}
		filled := 0
		for _, r := range rows {
			for _, v := range r {
				if v != "" {
					filled++
					break
				}
			}
		}
		want := [2]int{len(rows), filled}
		if got[sheet] != want {
			t.Errorf("sheet %q: openpyxl read-only finds rows up to %d (%d with values), excelize %d (%d)",
				sheet, got[sheet][0], got[sheet][1], want[0], want[1])
		}
	}
}
