package templates_test

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"baocao/reporting"
	"baocao/templates"
)

func TestReadUnitListCSV(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		file string
	}{
		{"comma", "code,name,kind,parent_code,email,active_from,active_until\n" +
			"70,UBND tỉnh Bình Phước,province,,ubnd@binhphuoc.gov.vn,2020-01-01,\n" +
			"\n" +
			"00123,\"Sở Văn hóa, Thể thao và Du lịch\",agency,70,a@x.vn;b@x.vn,2020-01-01,2025-06-30\n"},
		{"semicolon with BOM and CRLF, as Excel writes in a Vietnamese locale", "\ufeffcode;name;kind;parent_code;email;active_from;active_until\r\n" +
			"70;UBND tỉnh Bình Phước;province;;ubnd@binhphuoc.gov.vn;01/01/2020;\r\n" +
			";;;;;;\r\n" +
			"00123;Sở Văn hóa, Thể thao và Du lịch;agency;70;\"a@x.vn; b@x.vn\";1/1/2020;30/06/2025\r\n"},
		{"a name over two lines and an empty line", "code,name,kind,parent_code,email,active_from,active_until\n" +
			"70,\"UBND tỉnh\nBình Phước\",province,,ubnd@binhphuoc.gov.vn,2020-01-01,\n" +
			"\n" +
			"00123,\"Sở Văn hóa, Thể thao và Du lịch\",agency,70,a@x.vn;b@x.vn,2020-01-01,2025-06-30\n"},
		{"columns in another order and case", "Active_Until,KIND,Code,Name,Parent_Code,Email,Active_From\n" +
			",province,70,UBND tỉnh Bình Phước,,ubnd@binhphuoc.gov.vn,2020-01-01\n" +
			",,,,,,\n" +
			"2025-06-30,agency,00123,\"Sở Văn hóa, Thể thao và Du lịch\",70,a@x.vn;b@x.vn,2020-01-01\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rows, err := templates.ReadUnitList(strings.NewReader(tc.file), "don-vi.CSV")
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 2 {
				t.Fatalf("got %d rows, want 2 (blank rows skipped)", len(rows))
			}
			p, a := rows[0], rows[1]
			if p.Row != 2 || p.Code != "70" || p.Name != "UBND tỉnh Bình Phước" || p.Kind != reporting.KindProvince || p.ParentCode != "" {
				t.Errorf("province row %+v", p)
			}
			if a.Row != 4 {
				t.Errorf("agency on row %d, want 4: rows keep the spreadsheet's numbers", a.Row)
			}
			if a.Code != "00123" || a.Name != "Sở Văn hóa, Thể thao và Du lịch" || a.ParentCode != "70" {
				t.Errorf("agency row %+v", a)
			}
			if strings.Join(a.Emails, " ") != "a@x.vn b@x.vn" {
				t.Errorf("emails %q", a.Emails)
			}
			if a.ActiveFrom == nil || !a.ActiveFrom.Equal(reporting.Day(2020, 1, 1)) || a.ActiveUntil == nil || !a.ActiveUntil.Equal(reporting.Day(2025, 6, 30)) {
				t.Errorf("agency dates %v–%v", a.ActiveFrom, a.ActiveUntil)
			}
		})
	}
}

func TestReadUnitListNormalisesVietnamese(t *testing.T) {
	t.Parallel()
	// "Phước" typed with combining marks (NFD), as some keyboards and PDFs give it.
	nfd := "Ph\u01b0o\u031b\u0301c"
	rows, err := templates.ReadUnitList(strings.NewReader("code,name,kind,parent_code\n70,UBND tỉnh Bình "+nfd+",province,\n"), "u.csv")
	if err != nil {
		t.Fatal(err)
	}
	if rows[0].Name != "UBND tỉnh Bình Phước" {
		t.Errorf("name %q not NFC", rows[0].Name)
	}
}

func TestReadUnitListRejectsBadFiles(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, file, fileName string
		row                  int
		column, message      string
	}{
		{"unknown column", "code,name,kind,parent_code,phone\n1,X,province,,0123\n", "u.csv", 1, "phone", "không được hỗ trợ"},
		{"missing column", "code,name,parent_code\n1,X,\n", "u.csv", 1, "kind", "thiếu cột kind"},
		{"column twice", "code,name,kind,parent_code,Code\n1,X,province,,1\n", "u.csv", 1, "code", "hai lần"},
		{"data outside the columns", "code,name,kind,parent_code,,\n1,X,province,,,extra\n", "u.csv", 2, "", "cột F"},
		{"no header", "\n\n", "u.csv", 1, "", "dòng tiêu đề"},
		{"header only", "code,name,kind,parent_code\n", "u.csv", 0, "", "không có đơn vị nào"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := templates.ReadUnitList(strings.NewReader(tc.file), tc.fileName)
			var ue *reporting.UnitImportError
			if !errors.As(err, &ue) {
				t.Fatalf("got %v, want a *UnitImportError", err)
			}
			for _, p := range ue.Problems {
				if p.Row == tc.row && p.Column == tc.column && strings.Contains(p.Message, tc.message) {
					return
				}
			}
			t.Fatalf("no problem at row %d column %q containing %q in:\n%v", tc.row, tc.column, tc.message, err)
		})
	}
	for _, tc := range []struct {
		name, file, fileName, message string
	}{
		{"not UTF-8", "code,name,kind,parent_code\n70,UBND t\xecnh,province,\n", "u.csv", "UTF-8"},
		{"old Excel", "whatever", "u.xls", ".csv hoặc .xlsx"},
		{"not a zip", "code,name", "u.xlsx", "không mở được tệp Excel"},
		{"broken quotes", "code,name,kind,parent_code\n1,\"X,province,\n", "u.csv", "tệp CSV bị lỗi"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := templates.ReadUnitList(strings.NewReader(tc.file), tc.fileName)
			if reporting.ErrorCode(err) != reporting.EINVALID || !strings.Contains(reporting.ErrorMessage(err), tc.message) {
				t.Fatalf("got %v, want EINVALID mentioning %q", err, tc.message)
			}
		})
	}
}

// TestReadUnitListXLSX writes the cells the way Excel stores what an
// administrator types: codes as numbers, a zero-padded number format, dates
// as serial numbers under several display formats.
func TestReadUnitListXLSX(t *testing.T) {
	t.Parallel()
	f := excelize.NewFile()
	defer f.Close()
	sh := f.GetSheetName(0)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	set := func(cell string, v any) { t.Helper(); must(f.SetCellValue(sh, cell, v)) }
	style := func(cell, numFmt string) {
		t.Helper()
		id, err := f.NewStyle(&excelize.Style{CustomNumFmt: &numFmt})
		must(err)
		must(f.SetCellStyle(sh, cell, cell, id))
	}
	for i, h := range []string{"Code", "Name", "Kind", "Parent_Code", "Email", "Active_From", "Active_Until"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		set(cell, h)
	}
	// Row 2: the province, code typed as a number, date as a real date cell.
	set("A2", 70)
	set("B2", "UBND tỉnh Bình Phước")
	set("C2", "province")
	set("F2", time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))
	// Row 3: a commune with a numeric code and a numeric parent; dates shown
	// as m/d/yy (Excel's built-in 14), which must not be read day-first.
	set("A3", 25195)
	set("B3", "UBND phường Tân Phú")
	set("C3", "commune_pc")
	set("D3", 70)
	set("E3", "a@x.vn; b@x.vn")
	set("F3", 43832) // 2020-01-02
	id14, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	must(err)
	must(f.SetCellStyle(sh, "F3", "F3", id14))
	set("G3", 45838) // 2025-06-30
	style("G3", "dd/mm/yyyy")
	// Row 4 left blank. Row 5: the number 123 shown as 00123, a text date,
	// and a plain number in a date column, which is not a date.
	set("A5", 123)
	style("A5", "00000")
	set("B5", "Sở Nội vụ")
	set("C5", "agency")
	set("D5", "70")
	set("F5", "01/07/2025")
	set("G5", 45900)
	// Row 6: a long code typed as a number.
	set("A6", 123456789012)
	set("B6", "Đơn vị mã dài")
	set("C6", "psu")
	set("D6", 70)
	// Row 7: a date in the Vietnamese locale's format, and a number whose
	// format merely quotes a "y" (not a date).
	set("A7", "X7")
	set("B7", "Đơn vị bảy")
	set("C7", "psu")
	set("D7", "70")
	set("F7", 45839)
	style("F7", "[$-42A]dd/mm/yyyy")
	set("G7", 5)
	style("G7", `"Ngày "0`)

	var buf bytes.Buffer
	must(f.Write(&buf))
	rows, err := templates.ReadUnitList(&buf, "don-vi.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		row                  int
		code, parent         string
		from, until, rawUntl string
	}
	wants := []want{
		{2, "70", "", "2020-01-01", "", ""},
		{3, "25195", "70", "2020-01-02", "2025-06-30", "2025-06-30"},
		{5, "00123", "70", "2025-07-01", "", "45900"},
		{6, "123456789012", "70", "", "", ""},
		{7, "X7", "70", "2025-07-01", "", "Ngày 5"},
	}
	if len(rows) != len(wants) {
		t.Fatalf("got %d rows, want %d: %+v", len(rows), len(wants), rows)
	}
	date := func(d *time.Time) string {
		if d == nil {
			return ""
		}
		return d.Format(time.DateOnly)
	}
	for i, w := range wants {
		r := rows[i]
		if r.Row != w.row || r.Code != w.code || r.ParentCode != w.parent || date(r.ActiveFrom) != w.from || date(r.ActiveUntil) != w.until || r.Raw.ActiveUntil != w.rawUntl {
			t.Errorf("row %d: got row %d code %q parent %q %s–%s (raw until %q); want %+v",
				i, r.Row, r.Code, r.ParentCode, date(r.ActiveFrom), date(r.ActiveUntil), r.Raw.ActiveUntil, w)
		}
	}
	if strings.Join(rows[1].Emails, ",") != "a@x.vn,b@x.vn" {
		t.Errorf("emails %q", rows[1].Emails)
	}
	// The plain number in a date column reaches validation as a bad date.
	err = reporting.ValidateUnitRows(rows, nil)
	if err == nil || !strings.Contains(err.Error(), `dòng 5, cột active_until ("45900")`) {
		t.Errorf("validation: %v", err)
	}
}

// TestReadUnitListXLSXPredecessors: a workbook's predecessors column is
// read like a CSV's — several codes separated by ";", a single code typed
// as a number kept as its digits.
func TestReadUnitListXLSXPredecessors(t *testing.T) {
	t.Parallel()
	f := excelize.NewFile()
	defer f.Close()
	sh := f.GetSheetName(0)
	for i, v := range [][]any{
		{"code", "name", "kind", "parent_code", "active_from", "predecessors"},
		{"75", "UBND tỉnh Đồng Nai", "province", "", "01/07/2025", ""},
		{25195, "UBND phường Bình Phước", "commune_pc", 75, "01/07/2025", "25198; 25205;25201"},
		{25210, "UBND phường Đồng Xoài", "commune_pc", 75, "01/07/2025", 25207},
	} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sh, cell, &v); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	rows, err := templates.ReadUnitList(&buf, "don-vi-2025.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	got := make([]string, len(rows))
	for i, r := range rows {
		got[i] = r.Code + ":" + strings.Join(r.Predecessors, ",")
	}
	if want := []string{"75:", "25195:25198,25205,25201", "25210:25207"}; !slices.Equal(got, want) {
		t.Errorf("predecessors %q, want %q", got, want)
	}
}
