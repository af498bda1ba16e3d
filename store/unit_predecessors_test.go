package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
	"baocao/templates"
)

// TestImportRecordsPredecessors: a unit list's predecessors column records
// each merger with the new unit's first day and the import's legal basis;
// importing the list again records nothing more; a predecessor that does
// not exist, the unit itself, or one of another level (without the
// administrator saying so) refuses the whole file and stores nothing.
func TestImportRecordsPredecessors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	before := "code,name,kind,parent_code,email,active_from,active_until\n" +
		"P70,UBND tỉnh Bình Phước,province,,,2020-01-01,2025-06-30\n" +
		"H689,UBND thành phố Đồng Xoài,district_pc,P70,,2020-01-01,2025-06-30\n" +
		"X25195,UBND phường Tân Phú,commune_pc,H689,,2020-01-01,2025-06-30\n" +
		"X25198,UBND phường Tân Đồng,commune_pc,H689,,2020-01-01,2025-06-30\n" +
		"X25201,UBND phường Tân Bình,commune_pc,H689,,2020-01-01,2025-06-30\n"
	read := func(csv string) []reporting.UnitRow {
		t.Helper()
		rows, err := templates.ReadUnitList(strings.NewReader(csv), "don-vi.csv")
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	if _, err := st.ImportUnits(ctx, read(before), store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	after := "code,name,kind,parent_code,email,active_from,active_until,predecessors\n" +
		"P75,UBND tỉnh Đồng Nai,province,,,2025-07-01,,\n" +
		"X30001,UBND phường Bình Phước,commune_pc,P75,,2025-07-01,,X25195; X25198;X25201\n"
	opts := store.ImportOptions{Effective: reporting.Day(2025, time.July, 1), SuccessionBasis: "Nghị quyết 1662/NQ-UBTVQH15"}
	res, err := st.ImportUnits(ctx, read(after), opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.Successions != 3 {
		t.Errorf("%d successions recorded, want 3", res.Successions)
	}
	succ, err := st.Successions(ctx, "X30001")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range succ {
		got = append(got, fmt.Sprintf("%s→%s %s %s", s.From, s.To, s.Effective.Format(time.DateOnly), s.LegalBasis))
	}
	if want := "[X25195→X30001 2025-07-01 Nghị quyết 1662/NQ-UBTVQH15 X25198→X30001 2025-07-01 Nghị quyết 1662/NQ-UBTVQH15 " +
		"X25201→X30001 2025-07-01 Nghị quyết 1662/NQ-UBTVQH15]"; fmt.Sprint(got) != want {
		t.Errorf("successions %v\nwant %s", got, want)
	}
	if again, err := st.ImportUnits(ctx, read(after), opts); err != nil || again.Successions != 0 || again.Changed() {
		t.Errorf("the same list again: %+v, %v", again, err)
	}

	count := func() (n int) {
		st.Pool().QueryRow(ctx, `SELECT count(*) FROM unit_successions`).Scan(&n) //nolint:errcheck
		return n
	}
	for name, tc := range map[string]struct{ csv, want string }{
		"unknown": {"code,name,kind,parent_code,active_from,predecessors\nX9,UBND xã Mới,commune_pc,P75,2025-07-01,X404\n", "X404"},
		"itself":  {"code,name,kind,parent_code,active_from,predecessors\nX9,UBND xã Mới,commune_pc,P75,2025-07-01,X9\n", "chính nó"},
		"a district into a commune": {"code,name,kind,parent_code,active_from,predecessors\nX9,UBND xã Mới,commune_pc,P75,2025-07-01,H689\n",
			"Dòng 2"},
	} {
		rows, err := templates.ReadUnitList(strings.NewReader(tc.csv), "don-vi.csv")
		if err == nil {
			_, err = st.ImportUnits(ctx, rows, opts)
		}
		if err == nil || !strings.Contains(reporting.ErrorMessage(err)+err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error naming %q", name, err, tc.want)
		}
		if _, ferr := st.UnitByCode(ctx, "X9", reporting.Day(2025, time.July, 2)); ferr == nil {
			t.Errorf("%s: the refused file's unit was stored", name)
		}
	}
	if n := count(); n != 3 {
		t.Errorf("%d successions after the refused files, want 3", n)
	}
	cross := opts
	cross.CrossLevel = true
	rows := read("code,name,kind,parent_code,active_from,predecessors\nX9,UBND xã Mới,commune_pc,P75,2025-07-01,H689\n")
	if res, err := st.ImportUnits(ctx, rows, cross); err != nil || res.Successions != 1 {
		t.Errorf("a district into a commune, allowed: %+v, %v", res, err)
	}
}
