package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
	"baocao/templates"
)

// fileNumbers stores version 1 of unit's report for period, uploaded at
// at, with numeric values, as an upload does: through the store, with its
// history event.
func fileNumbers(t *testing.T, st *store.Store, formVersionID, period int64, unit string, at time.Time, numbers map[string]string) {
	t.Helper()
	ctx := context.Background()
	values := map[string]reporting.Value{}
	for code, n := range numbers {
		values[code] = reporting.Value{Raw: n, Num: n}
	}
	err := st.InTx(ctx, func(tx *store.Store) error {
		if _, err := tx.LockObligation(ctx, period, unit); err != nil {
			return err
		}
		sub, err := tx.InsertSubmission(ctx, store.NewSubmission{PeriodID: period, UnitCode: unit, Version: 1, FormVersionID: formVersionID,
			File: []byte(unit), FileName: "bao-cao.xlsx", UploadedAt: at, Values: values})
		if err != nil {
			return err
		}
		return tx.RecordEvents(ctx, []store.ObligationEvent{{PeriodID: period, UnitCode: unit, Event: reporting.Event{
			At: at, Kind: reporting.EventUploaded, Actor: "test", SubmissionID: sub.ID, Version: 1}}})
	})
	if err != nil {
		t.Fatalf("file %s: %v", unit, err)
	}
}

// TestComparisonRegroupsEarlierUnitsBySuccession: a 2026 report compares
// each new commune with the communes it was formed from (the predecessors
// column of the post-reform list), over the communes that reported both
// times; a new commune whose predecessors did not all report, and one
// formed from nothing, are left out and counted. The figures are added up
// here by hand from the values filed.
func TestComparisonRegroupsEarlierUnitsBySuccession(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	storetest.SyncFormYAML(t, st, "succ.yaml", `code: SUCC-T
title: Báo cáo 6 tháng (thử kế thừa)
unit_kinds: [commune_pc]
schedules:
  - periodicity: half_year
    since: "2024-12-15"
    deadline: {after_cutoff_working_days: 2}
sections:
  - title: I. Chỉ tiêu
    fields:
      - {code: so_cuoc, label: Số cuộc, type: int, min: 0}
`)
	form, err := st.FormByCode(ctx, "SUCC-T")
	if err != nil {
		t.Fatal(err)
	}
	importList := func(csv string) {
		t.Helper()
		rows, err := templates.ReadUnitList(strings.NewReader(csv), "don-vi.csv")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.ImportUnits(ctx, rows, store.ImportOptions{SuccessionBasis: "Nghị quyết 1662/NQ-UBTVQH15"}); err != nil {
			t.Fatal(err)
		}
	}
	importList("code,name,kind,parent_code,active_from,active_until\n" +
		"P70,UBND tỉnh Cũ,province,,2020-01-01,2025-06-30\n" +
		"H1,UBND huyện Một,district_pc,P70,2020-01-01,2025-06-30\n" +
		"A,UBND xã An,commune_pc,H1,2020-01-01,2025-06-30\nB,UBND xã Bình,commune_pc,H1,2020-01-01,2025-06-30\n" +
		"C,UBND xã Cầu,commune_pc,H1,2020-01-01,2025-06-30\nE,UBND xã Én,commune_pc,H1,2020-01-01,2025-06-30\n" +
		"F,UBND xã Phố,commune_pc,H1,2020-01-01,2025-06-30\n")
	importList("code,name,kind,parent_code,active_from,active_until,predecessors\n" +
		"P75,UBND tỉnh Mới,province,,2025-07-01,,\n" +
		"N,UBND phường Nam,commune_pc,P75,2025-07-01,,A;B\n" +
		"M,UBND xã Minh,commune_pc,P75,2025-07-01,,C\n" +
		"Q,UBND xã Quang,commune_pc,P75,2025-07-01,,E;F\n" +
		"K,UBND xã Kim,commune_pc,P75,2025-07-01,,\n")
	hcm := time.FixedZone("ICT", 7*3600)
	storetest.OpenDue(t, st, time.Date(2026, time.June, 10, 9, 0, 0, 0, hcm), hcm)
	periodOf := func(key string) int64 {
		var id int64
		if err := st.Pool().QueryRow(ctx, `SELECT id FROM periods WHERE form_code = 'SUCC-T' AND key = $1`, key).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	then, now := periodOf("2025-H1"), periodOf("2026-H1")
	at := time.Date(2026, time.June, 10, 9, 0, 0, 0, hcm)
	for unit, n := range map[string]string{"A": "3", "B": "4", "C": "5", "E": "2"} { // F did not report
		fileNumbers(t, st, form.VersionID, then, unit, time.Date(2025, time.June, 10, 9, 0, 0, 0, hcm), map[string]string{"so_cuoc": n})
	}
	for unit, n := range map[string]string{"N": "10", "M": "6", "Q": "9", "K": "1"} {
		fileNumbers(t, st, form.VersionID, now, unit, at, map[string]string{"so_cuoc": n})
	}
	c, err := st.Consolidate(ctx, store.ConsolidationQuery{FormCode: "SUCC-T", Period: "2026-H1", At: at.Add(time.Hour), Scope: reporting.AllUnits})
	if err != nil {
		t.Fatal(err)
	}
	// A year earlier, 2025-H1: N against A + B (10 against 3 + 4) and M
	// against C (6 against 5); Q's F did not report, K continues no one:
	// 16 against 12, +4, +33.33%.
	b := c.YearAgo
	if b == nil || b.Key != "2025-H1" || b.Like == nil {
		t.Fatalf("year ago: %+v", b)
	}
	if l := b.Like; l.Units != 2 || l.Regrouped != 2 || l.Partial != 1 || l.New != 1 {
		t.Errorf("compared %d, regrouped %d, partial %d, new %d; want 2, 2, 1, 1", l.Units, l.Regrouped, l.Partial, l.New)
	}
	// 2025-H2 nobody filed: nothing to compare, and no change.
	if p := c.Comparisons()[0].Previous; p.Compared || p.Delta.Valid() || c.Previous.Like.Units != 0 {
		t.Errorf("against 2025-H2: %+v", p)
	}
	if got, want := c.Comparisons()[0].YearAgo, (reporting.Change{Base: "12", Now: "16", Delta: "4", Percent: "33.33", Units: reporting.SameUnits, Compared: true}); got != want {
		t.Errorf("so_cuoc against 2025-H1:\n got %+v\nwant %+v", got, want)
	}
	if c.Total.Values[0].Value != "26" { // every unit's figure stays in the total
		t.Errorf("total %s, want 26", c.Total.Values[0].Value)
	}
	notes := strings.Join(c.BaselineNotes(), " ")
	for _, want := range []string{"trên 2 đơn vị có báo cáo ở cả hai kỳ", "2 đơn vị được so với các đơn vị cũ", "1 đơn vị không so sánh được", "1 đơn vị không có số liệu kỳ trước"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q: %s", want, notes)
		}
	}
}
