package reporting_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"baocao/reporting"
	"baocao/vi"
)

// row builds a parsed row from its cells, as a unit list file would give it.
func row(n int, code, name, kind, parent, email, from, until string) reporting.UnitRow {
	return reporting.ParseUnitRow(n, reporting.UnitRowRaw{
		Code: code, Name: name, Kind: kind, ParentCode: parent, Email: email, ActiveFrom: from, ActiveUntil: until,
	})
}

func TestParseUnitRow(t *testing.T) {
	t.Parallel()
	r := row(7, " 25195 ", "  UBND  phường   Tân Phú ", " Commune_PC ", "689", "A@x.vn; b@y.vn,", "01/07/2025", "2026-1-2")
	if r.Row != 7 || r.Code != "25195" || r.Name != "UBND phường Tân Phú" || r.Kind != reporting.KindCommunePC || r.ParentCode != "689" {
		t.Fatalf("parsed %+v", r)
	}
	if strings.Join(r.Emails, "|") != "a@x.vn|b@y.vn" {
		t.Errorf("emails %q, want lower-cased and split", r.Emails)
	}
	if r.ActiveFrom == nil || !r.ActiveFrom.Equal(reporting.Day(2025, time.July, 1)) {
		t.Errorf("active_from %v, want 2025-07-01 (DD/MM/YYYY)", r.ActiveFrom)
	}
	if r.ActiveUntil == nil || !r.ActiveUntil.Equal(reporting.Day(2026, time.January, 2)) {
		t.Errorf("active_until %v, want 2026-01-02", r.ActiveUntil)
	}
	bad := row(8, "1", "x", "province", "", "", "2025-02-30", "hôm nay")
	if bad.ActiveFrom != nil || bad.ActiveUntil != nil || bad.Raw.ActiveFrom != "2025-02-30" {
		t.Errorf("unparsable dates must stay nil with their text kept: %+v", bad)
	}
}

func TestParseUnitDate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2025-07-01", reporting.Day(2025, time.July, 1), true},
		{"01/07/2025", reporting.Day(2025, time.July, 1), true},
		{"1/7/2025", reporting.Day(2025, time.July, 1), true},
		{" 31/12/2024 ", reporting.Day(2024, time.December, 31), true},
		{"", time.Time{}, true},
		{"07/31/2025", time.Time{}, false}, // month-first is not read
		{"2025-13-01", time.Time{}, false},
		{"45839", time.Time{}, false},
	} {
		got, err := reporting.ParseUnitDate(tc.in)
		if (err == nil) != tc.ok || !got.Equal(tc.want) {
			t.Errorf("ParseUnitDate(%q) = %v, %v; want %v, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestValidateUnitRowsAcceptsParentsLaterInFile(t *testing.T) {
	t.Parallel()
	rows := []reporting.UnitRow{
		row(2, "25195", "UBND phường Tân Phú", "commune_pc", "689", "a@x.vn", "2020-01-01", ""),
		row(3, "689", "UBND thành phố Đồng Xoài", "district_pc", "70", "", "2020-01-01", ""),
		row(4, "70", "UBND tỉnh Bình Phước", "province", "", "", "2020-01-01", ""),
		row(5, "70.S01", "Văn phòng", "agency", "70", "", "", ""),
	}
	if err := reporting.ValidateUnitRows(rows, nil); err != nil {
		t.Fatal(err)
	}
}

func TestValidateUnitRowsReportsEveryProblem(t *testing.T) {
	t.Parallel()
	day := func(y int, m time.Month, d int) *time.Time { t := reporting.Day(y, m, d); return &t }
	known := map[string]reporting.UnitRef{
		"70":  {Code: "70", Kind: reporting.KindProvince, ActiveFrom: reporting.Day(2020, 1, 1)},
		"688": {Code: "688", Kind: reporting.KindDistrictPC, ParentCode: "70", ActiveFrom: reporting.Day(2020, 1, 1), ActiveUntil: day(2025, time.June, 30)},
		"900": {Code: "900", Kind: reporting.KindDistrictPC, ParentCode: "901", ActiveFrom: reporting.Day(2020, 1, 1)},
		"901": {Code: "901", Kind: reporting.KindDistrictPC, ParentCode: "70", ActiveFrom: reporting.Day(2020, 1, 1)},
	}
	ok := func(n int, code string) reporting.UnitRow {
		return row(n, code, "Đơn vị "+code, "commune_pc", "70", "", "2021-01-01", "")
	}
	for _, tc := range []struct {
		name    string
		rows    []reporting.UnitRow
		row     int
		column  string
		message string // a part of the Vietnamese message
	}{
		{"empty code", []reporting.UnitRow{ok(2, "1"), row(3, "", "X", "commune_pc", "70", "", "", "")}, 3, "code", "thiếu mã"},
		{"illegal code", []reporting.UnitRow{row(2, "25 195", "X", "commune_pc", "70", "", "", "")}, 2, "code", "chỉ gồm"},
		{"code with accent", []reporting.UnitRow{row(2, "xã1", "X", "commune_pc", "70", "", "", "")}, 2, "code", "chỉ gồm"},
		{"duplicate code names both rows", []reporting.UnitRow{ok(2, "5"), ok(3, "6"), ok(4, "5")}, 4, "code", "dòng 2 và dòng 4"},
		{"empty name", []reporting.UnitRow{row(2, "5", " ", "commune_pc", "70", "", "", "")}, 2, "name", "thiếu tên"},
		{"unknown kind lists valid ones", []reporting.UnitRow{row(2, "5", "X", "commune", "70", "", "", "")}, 2, "kind", "commune_pc (UBND cấp xã)"},
		{"empty kind", []reporting.UnitRow{row(2, "5", "X", "", "70", "", "", "")}, 2, "kind", "thiếu loại"},
		{"unknown parent", []reporting.UnitRow{row(2, "5", "X", "commune_pc", "999", "", "", "")}, 2, "parent_code", "999 không có trong tệp"},
		{"cycle in file", []reporting.UnitRow{
			row(2, "A", "X", "district_pc", "B", "", "", ""),
			row(3, "B", "Y", "district_pc", "C", "", "", ""),
			row(4, "C", "Z", "district_pc", "A", "", "", ""),
		}, 2, "parent_code", "A → B → C → A"},
		{"own parent", []reporting.UnitRow{row(2, "A", "X", "district_pc", "A", "", "", "")}, 2, "parent_code", "A → A"},
		{"cycle through stored units", []reporting.UnitRow{row(2, "901", "X", "district_pc", "900", "", "", "")}, 2, "parent_code", "901 → 900 → 901"},
		{"parent starts later (in file)", []reporting.UnitRow{
			row(2, "5", "X", "commune_pc", "6", "", "2020-01-01", ""),
			row(3, "6", "Y", "district_pc", "70", "", "2021-01-01", ""),
		}, 2, "parent_code", "từ ngày 01/01/2021"},
		{"parent starts later (stored)", []reporting.UnitRow{row(2, "5", "X", "commune_pc", "70", "", "2019-06-01", "")}, 2, "parent_code", "từ ngày 01/01/2020"},
		{"parent closed while child goes on", []reporting.UnitRow{row(2, "5", "X", "commune_pc", "688", "", "2021-01-01", "")}, 2, "parent_code", "688 ngừng hoạt động sau ngày 30/06/2025"},
		{"bad e-mail", []reporting.UnitRow{row(2, "5", "X", "commune_pc", "70", "a@x.vn; không phải email", "", "")}, 2, "email", "không phải email"},
		{"e-mail with a display name", []reporting.UnitRow{row(2, "5", "X", "commune_pc", "70", "UBND <a@x.vn>", "", "")}, 2, "email", "không hợp lệ"},
		{"bad active_from", []reporting.UnitRow{row(2, "5", "X", "commune_pc", "70", "", "2025-02-30", "")}, 2, "active_from", "ngày không hợp lệ"},
		{"bad active_until", []reporting.UnitRow{row(2, "5", "X", "commune_pc", "70", "", "", "31-12-2025")}, 2, "active_until", "ngày không hợp lệ"},
		{"until before from", []reporting.UnitRow{row(2, "5", "X", "commune_pc", "70", "", "2025-07-01", "30/06/2025")}, 2, "active_until", "trước ngày bắt đầu"},
		{"province with parent", []reporting.UnitRow{row(2, "75", "X", "province", "70", "", "", "")}, 2, "parent_code", "không có đơn vị cha"},
		{"non-province without parent", []reporting.UnitRow{row(2, "5", "X", "agency", "", "", "", "")}, 2, "parent_code", "thiếu mã đơn vị cha"},
		{"closed code reused", []reporting.UnitRow{row(2, "688", "X", "district_pc", "70", "", "2025-07-01", "")}, 2, "code", "không được dùng lại"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := reporting.ValidateUnitRows(tc.rows, known)
			var ue *reporting.UnitImportError
			if !errors.As(err, &ue) {
				t.Fatalf("got %v, want a *UnitImportError", err)
			}
			for _, p := range ue.Problems {
				if p.Row == tc.row && p.Column == tc.column && strings.Contains(p.Message, tc.message) {
					return
				}
			}
			t.Fatalf("no problem at row %d, column %s containing %q in:\n%v", tc.row, tc.column, tc.message, err)
		})
	}
}

func TestUnitImportErrorListsAllRows(t *testing.T) {
	t.Parallel()
	rows := []reporting.UnitRow{
		row(5, "5", "", "commune_pc", "70", "", "", ""),
		row(2, "6", "X", "huyện", "70", "", "", ""),
		row(9, "7", "X", "commune_pc", "", "bad", "", ""),
	}
	err := reporting.ValidateUnitRows(rows, map[string]reporting.UnitRef{"70": {Code: "70", Kind: reporting.KindProvince}})
	if err == nil {
		t.Fatal("want problems")
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "Danh sách đơn vị có 4 lỗi") {
		t.Errorf("message starts %q", strings.SplitN(msg, "\n", 2)[0])
	}
	// Sorted by row, then column in file order.
	want := []string{"dòng 2, cột kind", "dòng 5, cột name", "dòng 9, cột parent_code", "dòng 9, cột email"}
	last := -1
	for _, w := range want {
		i := strings.Index(msg, w)
		if i < 0 || i < last {
			t.Fatalf("%q missing or out of order in:\n%s", w, msg)
		}
		last = i
	}
	if reporting.ErrorCode(err) != reporting.EINVALID || !strings.Contains(reporting.ErrorMessage(err), "dòng 5") {
		t.Errorf("ErrorCode %q / ErrorMessage %q: want EINVALID with the list", reporting.ErrorCode(err), reporting.ErrorMessage(err))
	}
}

// Within a parent, units of a kind come by name in the Vietnamese
// alphabet, numbers by value.
func TestFormatUnitTree(t *testing.T) {
	t.Parallel()
	u := func(code, name string, kind reporting.UnitKind, parent string) reporting.Unit {
		return reporting.Unit{Code: code, Name: name, Kind: kind, ParentCode: parent}
	}
	units := []reporting.Unit{
		u("25195", "UBND phường Tân Phú", reporting.KindCommunePC, "689"),
		u("689", "UBND thành phố Đồng Xoài", reporting.KindDistrictPC, "70"),
		u("70.S01", "Văn phòng UBND tỉnh", reporting.KindAgency, "70"),
		u("688", "UBND thị xã Phước Long", reporting.KindDistrictPC, "70"),
		u("70", "UBND tỉnh Bình Phước", reporting.KindProvince, ""),
		u("25216", "UBND phường Thác Mơ", reporting.KindCommunePC, "600"),
		u("25210", "Xã Thử 10", reporting.KindCommunePC, "689"),
		u("25202", "Xã Thử 2", reporting.KindCommunePC, "689"),
		u("25190", "Ấp Bắc", reporting.KindCommunePC, "689"),
		u("25199", "An Phú", reporting.KindCommunePC, "689"),
	}
	var b strings.Builder
	if err := reporting.FormatUnitTree(&b, units, vi.NewKeyer().Key); err != nil {
		t.Fatal(err)
	}
	want := `70  UBND tỉnh Bình Phước  [Tỉnh]
  70.S01  Văn phòng UBND tỉnh  [Cơ quan hành chính]
  689  UBND thành phố Đồng Xoài  [UBND cấp huyện]
    25199  An Phú  [UBND cấp xã]
    25190  Ấp Bắc  [UBND cấp xã]
    25195  UBND phường Tân Phú  [UBND cấp xã]
    25202  Xã Thử 2  [UBND cấp xã]
    25210  Xã Thử 10  [UBND cấp xã]
  688  UBND thị xã Phước Long  [UBND cấp huyện]
25216  UBND phường Thác Mơ  [UBND cấp xã] (đơn vị cha 600 không hoạt động)
`
	if b.String() != want {
		t.Errorf("tree:\n%s\nwant:\n%s", b.String(), want)
	}
}
