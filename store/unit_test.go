package store_test

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
	"baocao/templates"
	"baocao/vi"
)

const unitHeader = "code,name,kind,parent_code,email,active_from,active_until\n"

var (
	day2024  = reporting.Day(2024, time.June, 1)
	reform   = reporting.Day(2025, time.July, 1)
	day2026  = reporting.Day(2026, time.January, 1)
	noOption = store.ImportOptions{}
)

// unitRows reads a unit list the way the CLI and the web do.
func unitRows(t *testing.T, name, content string) []reporting.UnitRow {
	t.Helper()
	rows, err := templates.ReadUnitList(strings.NewReader(content), name)
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return rows
}

func unitFile(t *testing.T, path string) []reporting.UnitRow {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return unitRows(t, path, string(b))
}

func mustImport(t *testing.T, s *store.Store, rows []reporting.UnitRow, opts store.ImportOptions) store.ImportResult {
	t.Helper()
	res, err := s.ImportUnits(context.Background(), rows, opts)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return res
}

func byCode(units []reporting.Unit) map[string]reporting.Unit {
	m := make(map[string]reporting.Unit, len(units))
	for _, u := range units {
		m[u.Code] = u
	}
	return m
}

func unitsAt(t *testing.T, s *store.Store, day time.Time) map[string]reporting.Unit {
	t.Helper()
	units, err := s.UnitsAt(context.Background(), day)
	if err != nil {
		t.Fatal(err)
	}
	return byCode(units)
}

// unitsFingerprint summarises every stored unit, version, succession and
// audit event, so a test sees any write at all, not just new rows.
func unitsFingerprint(t *testing.T, s *store.Store) string {
	t.Helper()
	var fp string
	err := s.Pool().QueryRow(context.Background(), `
		SELECT concat_ws(' ',
			(SELECT count(*) FROM units), (SELECT count(*) FROM unit_versions),
			(SELECT count(*) FROM audit_events),
			(SELECT md5(coalesce(string_agg(u::text, '|' ORDER BY code), '')) FROM units u),
			(SELECT md5(coalesce(string_agg(v::text, '|' ORDER BY id), '')) FROM unit_versions v))`).Scan(&fp)
	if err != nil {
		t.Fatal(err)
	}
	return fp
}

// TestImportUnitsRejectsBadRows imports, on one committed database, lists
// that each hold one problem (often next to a valid new unit) and checks
// the problem is reported on its row and that nothing at all was stored.
func TestImportUnitsRejectsBadRows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.Open(t)
	mustImport(t, s, unitFile(t, "testdata/units-small.csv"), noOption)
	before := unitsFingerprint(t, s)

	valid := "N9,UBND xã Mới,commune_pc,D1,,2021-01-01,\n" // row 2 in most cases
	for _, tc := range []struct {
		name    string
		rows    string
		opts    store.ImportOptions
		row     int
		column  string
		message string
	}{
		{"illegal code", valid + "x y,X,commune_pc,D1,,,\n", noOption, 3, "code", "chỉ gồm"},
		{"empty code", valid + ",X,commune_pc,D1,,2021-01-01,\n", noOption, 3, "code", "thiếu mã"},
		{"duplicate code", valid + "N9,UBND xã Mới,commune_pc,D1,,2021-01-01,\n", noOption, 3, "code", "dòng 2 và dòng 3"},
		{"empty name", valid + "N1,,commune_pc,D1,,2021-01-01,\n", noOption, 3, "name", "thiếu tên"},
		{"unknown kind", valid + "N1,X,xã,D1,,2021-01-01,\n", noOption, 3, "kind", "commune_pc"},
		{"unknown parent", valid + "N1,X,commune_pc,ZZ,,2021-01-01,\n", noOption, 3, "parent_code", "ZZ không có trong tệp"},
		{"cycle", valid + "N1,X,district_pc,N2,,2021-01-01,\nN2,Y,district_pc,N1,,2021-01-01,\n", noOption, 3, "parent_code", "N1 → N2 → N1"},
		{"parent not yet active", valid + "N1,X,commune_pc,P,,2019-01-01,\n", noOption, 3, "parent_code", "01/01/2020"},
		{"parent closed (stored)", valid + "N1,X,commune_pc,00201,,2021-01-01,\n", noOption, 3, "parent_code", "ngừng hoạt động sau ngày 31/12/2024"},
		{"bad e-mail", valid + "N1,X,commune_pc,D1,a@@x,2021-01-01,\n", noOption, 3, "email", "a@@x"},
		{"bad date", valid + "N1,X,commune_pc,D1,,2021-02-30,\n", noOption, 3, "active_from", "ngày không hợp lệ"},
		{"until before from", valid + "N1,X,commune_pc,D1,,2021-01-01,31/12/2020\n", noOption, 3, "active_until", "trước ngày bắt đầu"},
		{"province with a parent", valid + "N1,X,province,P,,2021-01-01,\n", noOption, 3, "parent_code", "không có đơn vị cha"},
		{"no parent", valid + "N1,X,agency,,,2021-01-01,\n", noOption, 3, "parent_code", "thiếu mã đơn vị cha"},
		{"closed code reused", "00201,UBND xã Ba,commune_pc,D2,,,\n", store.ImportOptions{Effective: reform}, 2, "code", "không được dùng lại"},
		{"effective before the unit existed", "D1,UBND huyện Một,district_pc,P,,,\n", store.ImportOptions{Effective: reporting.Day(2019, 1, 1)}, 2, "active_from", "bắt đầu hoạt động từ ngày 01/01/2020"},
		{"end date changed", "00201,UBND xã Ba,commune_pc,D2,,2020-01-01,2024-11-30\n", noOption, 2, "active_until", "đã ngừng hoạt động sau ngày 31/12/2024"},
		{"closing a parent strands children not in the list", "D1,UBND huyện Một,district_pc,P,,,2025-12-31\n", store.ImportOptions{Effective: reform}, 2, "parent_code", "00101 trực thuộc D1"},
		{"close-missing cannot close a unit starting that day", "P,UBND tỉnh Thử,province,,ubnd@thu.gov.vn,,\n", store.ImportOptions{Effective: reform, CloseMissing: true}, 0, "code", "P.S09"},
		{"no date at all", "N1,X,commune_pc,D1,,,\n", noOption, 0, "active_from", "ngày hiệu lực"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rows := unitRows(t, "units.csv", unitHeader+tc.rows)
			_, err := s.ImportUnits(ctx, rows, tc.opts)
			var ue *reporting.UnitImportError
			if !errors.As(err, &ue) {
				t.Fatalf("got %v, want a *reporting.UnitImportError", err)
			}
			found := false
			for _, p := range ue.Problems {
				found = found || p.Row == tc.row && p.Column == tc.column && strings.Contains(p.Message, tc.message)
			}
			if !found {
				t.Errorf("no problem at row %d, column %q containing %q in:\n%v", tc.row, tc.column, tc.message, err)
			}
			if reporting.ErrorCode(err) != reporting.EINVALID {
				t.Errorf("error code %q, want invalid", reporting.ErrorCode(err))
			}
		})
	}
	t.Cleanup(func() {
		if after := unitsFingerprint(t, s); after != before {
			t.Errorf("a rejected import stored something:\nbefore %s\nafter  %s", before, after)
		}
	})
}

// TestImportUnitsReform2025 is the acceptance scenario: the 2024 list of
// Bình Phước, then the merged province from 1 July 2025 with the absent
// units closed. Old days still show the old tree; new days the new one.
func TestImportUnitsReform2025(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.Open(t)
	list2024 := unitFile(t, "../cmd/baocao/demo/units-2024.csv")
	list2025 := unitFile(t, "../cmd/baocao/demo/units-2025.csv")
	opts2025 := store.ImportOptions{Effective: reform, CloseMissing: true, Actor: "admin@dongnai.gov.vn"}

	if res := mustImport(t, s, list2024, store.ImportOptions{Actor: "admin"}); res != (store.ImportResult{Created: 141}) {
		t.Fatalf("2024 import: %+v, want 141 created", res)
	}
	old := unitsAt(t, s, day2024)
	if len(old) != 141 {
		t.Fatalf("%d units in 2024, want 141", len(old))
	}

	// 1 new province; 40 communes, 13 agencies and 5 PSUs carry on under it;
	// the old province, 11 districts and 71 communes close; the 71 merge
	// into 38 of the 40 (Resolution 1662/NQ-UBTVQH15, the predecessors
	// column), recorded as successions.
	if res := mustImport(t, s, list2025, opts2025); res != (store.ImportResult{Created: 1, Versioned: 58, Closed: 83, Successions: 71}) {
		t.Fatalf("2025 import: %+v", res)
	}

	// A 2024 day sees exactly what it saw before the reform was imported.
	for code, was := range unitsAt(t, s, day2024) {
		o := old[code]
		if was.VersionID != o.VersionID || was.Name != o.Name || was.Kind != o.Kind || was.ParentCode != o.ParentCode || !slices.Equal(was.Emails, o.Emails) {
			t.Errorf("2024 view of %s changed: %+v, was %+v", code, was, o)
		}
	}
	if n := len(unitsAt(t, s, day2024)); n != 141 {
		t.Errorf("%d units in 2024 after the reform import, want 141", n)
	}
	if u := unitsAt(t, s, day2024)["25195"]; u.Name != "UBND phường Tân Phú" || u.ParentCode != "689" {
		t.Errorf("25195 in 2024: %q under %q", u.Name, u.ParentCode)
	}
	lastDay := unitsAt(t, s, reform.AddDate(0, 0, -1))
	if len(lastDay) != 141 || lastDay["689"].Name != "UBND thành phố Đồng Xoài" {
		t.Errorf("30/06/2025: %d units, 689 %q; want the old tree to the last day", len(lastDay), lastDay["689"].Name)
	}

	now := unitsAt(t, s, day2026)
	if len(now) != 59 {
		t.Errorf("%d units in 2026, want 59", len(now))
	}
	kinds := map[reporting.UnitKind]int{}
	for _, u := range now {
		kinds[u.Kind]++
		if u.Kind != reporting.KindProvince && u.ParentCode != "75" {
			t.Errorf("%s in 2026 under %q, want 75", u.Code, u.ParentCode)
		}
	}
	if kinds[reporting.KindDistrictPC] != 0 || kinds[reporting.KindCommunePC] != 40 || kinds[reporting.KindAgency] != 13 || kinds[reporting.KindPSU] != 5 {
		t.Errorf("2026 kinds %v", kinds)
	}
	if u := now["25195"]; u.Name != "UBND phường Bình Phước" || !u.ValidFrom.Equal(reform) {
		t.Errorf("25195 in 2026: %+v", u)
	}
	if _, err := s.UnitByCode(ctx, "689", day2026); reporting.ErrorCode(err) != reporting.ENOTFOUND {
		t.Errorf("689 in 2026: %v, want not found", err)
	}
	if u, err := s.UnitByCode(ctx, "689", day2024); err != nil || u.Name != "UBND thành phố Đồng Xoài" || u.ActiveUntil == nil || !u.ActiveUntil.Equal(reform.AddDate(0, 0, -1)) {
		t.Errorf("689 in 2024: %+v, %v", u, err)
	}

	hist, err := s.UnitHistory(ctx, "25195")
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 2 || hist[0].Name != "UBND phường Tân Phú" || hist[0].ValidUntil == nil || !hist[0].ValidUntil.Equal(reform.AddDate(0, 0, -1)) ||
		hist[1].Name != "UBND phường Bình Phước" || hist[1].ValidUntil != nil {
		t.Errorf("history of 25195: %+v", hist)
	}

	// Both lists again: nothing changes, nothing is audited.
	fp := unitsFingerprint(t, s)
	if res := mustImport(t, s, list2025, opts2025); res != (store.ImportResult{Unchanged: 59}) {
		t.Errorf("2025 again: %+v", res)
	}
	if res := mustImport(t, s, list2024, noOption); res != (store.ImportResult{Unchanged: 141}) {
		t.Errorf("2024 again: %+v", res)
	}
	if after := unitsFingerprint(t, s); after != fp {
		t.Errorf("re-import stored something:\nbefore %s\nafter  %s", fp, after)
	}

	var audits int
	var details string
	err = s.Pool().QueryRow(ctx, `
		SELECT count(*), max(details::text) FILTER (WHERE actor = 'admin@dongnai.gov.vn')
		FROM audit_events WHERE action = 'units.import' AND object_type = 'units'`).Scan(&audits, &details)
	if err != nil {
		t.Fatal(err)
	}
	if audits != 2 || !strings.Contains(details, `"closed": 83`) || !strings.Contains(details, `"effective": "2025-07-01"`) {
		t.Errorf("%d audit events, 2025 details %s", audits, details)
	}

	var tree strings.Builder
	units, err := s.UnitsAt(ctx, day2026)
	if err != nil {
		t.Fatal(err)
	}
	if err := reporting.FormatUnitTree(&tree, units, vi.NewKeyer().Key); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tree.String(), "75  UBND tỉnh Đồng Nai  [Tỉnh]\n  70.S13  Ban Dân tộc  [Cơ quan hành chính]\n  70.S05  Sở Công Thương") ||
		!strings.Contains(tree.String(), "\n  25195  UBND phường Bình Phước  [UBND cấp xã]\n") {
		t.Errorf("2026 tree:\n%s", tree.String())
	}
}

func TestImportUnitsRenameAddsVersion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.Tx(t)
	mustImport(t, s, unitFile(t, "testdata/units-small.csv"), noOption)
	renamed := unitRows(t, "units.csv", unitHeader+"00101,UBND phường Một,commune_pc,D1,xa1@thu.gov.vn;vanthu.xa1@thu.gov.vn,,\n")
	jan := reporting.Day(2025, 1, 1)

	if res := mustImport(t, s, renamed, store.ImportOptions{Effective: jan}); res != (store.ImportResult{Versioned: 1}) {
		t.Fatalf("rename: %+v", res)
	}
	hist, err := s.UnitHistory(ctx, "00101")
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 2 {
		t.Fatalf("history %+v, want 2 versions", hist)
	}
	first, second := hist[0], hist[1]
	if first.Name != "UBND xã Một" || !first.ValidFrom.Equal(reporting.Day(2020, 1, 1)) || first.ValidUntil == nil || !first.ValidUntil.Equal(reporting.Day(2024, 12, 31)) {
		t.Errorf("first version %+v", first)
	}
	if second.Name != "UBND phường Một" || !second.ValidFrom.Equal(jan) || second.ValidUntil != nil || second.VersionID == first.VersionID {
		t.Errorf("second version %+v", second)
	}
	if u := unitsAt(t, s, reporting.Day(2024, 12, 31))["00101"]; u.Name != "UBND xã Một" {
		t.Errorf("31/12/2024 name %q", u.Name)
	}
	if u := unitsAt(t, s, jan)["00101"]; u.Name != "UBND phường Một" {
		t.Errorf("01/01/2025 name %q", u.Name)
	}
	if res := mustImport(t, s, renamed, store.ImportOptions{Effective: jan}); res != (store.ImportResult{Unchanged: 1}) {
		t.Errorf("rename again: %+v", res)
	}
}

func TestImportUnitsEffectiveDates(t *testing.T) {
	t.Parallel()
	type version struct{ name, from, until string }
	for _, tc := range []struct {
		name  string
		steps []struct {
			name      string
			effective time.Time
		}
		want []version
	}{
		{
			name: "a correction on a version's first day rewrites it in place",
			steps: []struct {
				name      string
				effective time.Time
			}{{"UBND phường Một", reporting.Day(2025, 1, 1)}, {"UBND phường Một (sửa)", reporting.Day(2025, 1, 1)}},
			want: []version{{"UBND xã Một", "2020-01-01", "2024-12-31"}, {"UBND phường Một (sửa)", "2025-01-01", ""}},
		},
		{
			name: "a change dated before a later version stops where that version starts",
			steps: []struct {
				name      string
				effective time.Time
			}{{"UBND phường Một", reporting.Day(2025, 1, 1)}, {"UBND xã Một A", reporting.Day(2022, 1, 1)}},
			want: []version{{"UBND xã Một", "2020-01-01", "2021-12-31"}, {"UBND xã Một A", "2022-01-01", "2024-12-31"}, {"UBND phường Một", "2025-01-01", ""}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := storetest.Tx(t)
			mustImport(t, s, unitFile(t, "testdata/units-small.csv"), noOption)
			for _, st := range tc.steps {
				rows := unitRows(t, "units.csv", unitHeader+"00101,"+st.name+",commune_pc,D1,xa1@thu.gov.vn;vanthu.xa1@thu.gov.vn,,\n")
				if res := mustImport(t, s, rows, store.ImportOptions{Effective: st.effective}); res.Versioned != 1 {
					t.Fatalf("%s: %+v", st.name, res)
				}
			}
			hist, err := s.UnitHistory(ctx, "00101")
			if err != nil {
				t.Fatal(err)
			}
			var got []version
			for _, h := range hist {
				v := version{h.Name, h.ValidFrom.Format(time.DateOnly), ""}
				if h.ValidUntil != nil {
					v.until = h.ValidUntil.Format(time.DateOnly)
				}
				got = append(got, v)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("history %v, want %v", got, tc.want)
			}
		})
	}
}

func TestImportUnitsCloseMissing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	jan := reporting.Day(2025, 1, 1)
	for _, tc := range []struct {
		name         string
		closeMissing bool
		closed       []string
	}{
		{"closes exactly the absent units", true, []string{"D2", "00202", "00102"}},
		{"keeps them without the option", false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := storetest.Tx(t)
			mustImport(t, s, unitFile(t, "testdata/units-small.csv"), noOption)
			list := unitRows(t, "units.csv", unitHeader+
				"P,UBND tỉnh Thử,province,,ubnd@thu.gov.vn,,\n"+
				"P.S01,Sở Nội vụ,agency,P,so.noi.vu@thu.gov.vn,,\n"+
				"D1,UBND huyện Một,district_pc,P,,,\n"+
				"00101,UBND xã Một,commune_pc,D1,xa1@thu.gov.vn;vanthu.xa1@thu.gov.vn,,\n")
			res := mustImport(t, s, list, store.ImportOptions{Effective: jan, CloseMissing: tc.closeMissing})
			if want := (store.ImportResult{Unchanged: 4, Closed: len(tc.closed)}); res != want {
				t.Errorf("result %+v, want %+v", res, want)
			}
			before, after := unitsAt(t, s, jan.AddDate(0, 0, -1)), unitsAt(t, s, jan)
			for _, code := range []string{"P", "P.S01", "D1", "00101", "D2", "00102", "00202"} {
				if _, ok := before[code]; !ok {
					t.Errorf("%s missing on 31/12/2024", code)
				}
				_, active := after[code]
				if shut := slices.Contains(tc.closed, code); active == shut {
					t.Errorf("%s active on 01/01/2025: %v, want %v", code, active, !shut)
				}
			}
			if _, ok := after["00201"]; ok {
				t.Error("00201 closed in 2024 is active again")
			}
			for _, code := range tc.closed {
				hist, err := s.UnitHistory(ctx, code)
				if err != nil {
					t.Fatal(err)
				}
				last := hist[len(hist)-1]
				if last.ActiveUntil == nil || !last.ActiveUntil.Equal(jan.AddDate(0, 0, -1)) || last.ValidUntil == nil || !last.ValidUntil.Equal(*last.ActiveUntil) {
					t.Errorf("%s closed as %+v, want unit and version ending 31/12/2024", code, last)
				}
			}
			// P.S09 starts in July 2025: not active on the effective day,
			// so not the list's business.
			if _, err := s.UnitByCode(ctx, "P.S09", reform); err != nil {
				t.Errorf("P.S09: %v", err)
			}
		})
	}
}

func TestImportUnitsRowClosesUnit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.Tx(t)
	mustImport(t, s, unitFile(t, "testdata/units-small.csv"), noOption)
	rows := unitRows(t, "units.csv", unitHeader+"00202,UBND xã Bốn,commune_pc,D2,,2020-01-01,30/06/2025\n")
	if res := mustImport(t, s, rows, noOption); res != (store.ImportResult{Unchanged: 1, Closed: 1}) {
		t.Errorf("result %+v", res)
	}
	if res := mustImport(t, s, rows, noOption); res != (store.ImportResult{Unchanged: 1}) {
		t.Errorf("again: %+v", res)
	}
	if _, err := s.UnitByCode(ctx, "00202", reform); reporting.ErrorCode(err) != reporting.ENOTFOUND {
		t.Errorf("00202 on 01/07/2025: %v, want not found", err)
	}
	u, err := s.UnitByCode(ctx, "00202", reform.AddDate(0, 0, -1))
	if err != nil || u.ValidUntil == nil || !u.ValidUntil.Equal(reform.AddDate(0, 0, -1)) {
		t.Errorf("00202 on 30/06/2025: %+v, %v", u, err)
	}
}

func TestUnitByCodeNotFound(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.Tx(t)
	_, err := s.UnitByCode(ctx, "nope", day2024)
	var re *reporting.Error
	if !errors.As(err, &re) || re.Code != reporting.ENOTFOUND || !strings.Contains(re.Message, "Không có đơn vị mã nope") {
		t.Errorf("got %v", err)
	}
	if _, err := s.UnitHistory(ctx, "nope"); reporting.ErrorCode(err) != reporting.ENOTFOUND {
		t.Errorf("history: %v", err)
	}
}

func TestRecordSuccession(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.Tx(t)
	mustImport(t, s, unitFile(t, "testdata/units-small.csv"), noOption)
	const basis = "Nghị quyết 1662/NQ-UBTVQH15"
	for _, tc := range []struct {
		name     string
		from, to string
		basis    string
		cross    bool
		code     string // "" for success
	}{
		{"records", "00102", "00101", basis, false, ""},
		{"again is a no-op", "00102", "00101", basis, false, ""},
		{"same pair, other basis", "00102", "00101", "Quyết định khác", false, reporting.ECONFLICT},
		{"unknown code", "00102", "99999", basis, false, reporting.ENOTFOUND},
		{"itself", "00101", "00101", basis, false, reporting.EINVALID},
		{"a district into a commune", "D2", "00202", basis, false, reporting.EINVALID},
		{"a district into a commune, confirmed", "D2", "00202", basis, true, ""},
	} {
		err := s.RecordSuccession(ctx, tc.from, tc.to, reform, tc.basis, tc.cross)
		if (tc.code == "" && err != nil) || (tc.code != "" && reporting.ErrorCode(err) != tc.code) {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.code)
		}
	}
}
