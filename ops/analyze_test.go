package ops_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
)

// TestBulkWritesRefreshPlannerStatistics: with autovacuum off, the tables
// a units import, the opening of a period and the deadline tick filled
// have statistics right after, counting their rows; a small write leaves
// them to autovacuum.
func TestBulkWritesRefreshPlannerStatistics(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	for _, table := range []string{"units", "unit_versions", "obligations", "obligation_events"} {
		if _, err := st.Pool().Exec(ctx, `ALTER TABLE `+table+` SET (autovacuum_enabled = off)`); err != nil {
			t.Fatal(err)
		}
	}
	// reltuples is what ANALYZE last counted: -1 (or 0) before any.
	tuples := func(table string) int {
		t.Helper()
		var n float64
		if err := st.Pool().QueryRow(ctx, `SELECT reltuples FROM pg_class WHERE oid = $1::regclass`, table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return int(n)
	}
	from := reporting.Day(2020, time.January, 1)
	rows := func(first, n int) []reporting.UnitRow {
		var out []reporting.UnitRow
		for i := first; i < first+n; i++ {
			out = append(out, reporting.UnitRow{Row: i + 2, Code: fmt.Sprintf("%05d", 30000+i), Name: fmt.Sprintf("Xã Thử %d", i),
				Kind: reporting.KindCommunePC, ParentCode: "99", Emails: []string{fmt.Sprintf("xa%d@thu.gov.vn", i)}, ActiveFrom: &from})
		}
		return out
	}
	province := reporting.UnitRow{Row: 1, Code: "99", Name: "UBND tỉnh Thử", Kind: reporting.KindProvince, ActiveFrom: &from}

	// A small import: no ANALYZE.
	if _, err := storetest.Ops(st, hcm).ImportUnits(ctx, ops.CLIAdmin, time.Now(), append([]reporting.UnitRow{province}, rows(0, 10)...), store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if n := tuples("units"); n > 0 {
		t.Fatalf("units analyzed after an import of 11 rows (reltuples %d)", n)
	}
	all := append([]reporting.UnitRow{province}, rows(0, store.BulkRows+100)...)
	if _, err := storetest.Ops(st, hcm).ImportUnits(ctx, ops.CLIAdmin, time.Now(), all, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if n, want := tuples("units"), len(all); n != want {
		t.Errorf("after a bulk units import, units reltuples %d, want %d", n, want)
	}
	if n, want := tuples("unit_versions"), len(all); n != want {
		t.Errorf("after a bulk units import, unit_versions reltuples %d, want %d", n, want)
	}

	storetest.SyncFormYAML(t, st, "test-in.yaml", storetest.SmallFormYAML)
	hcm := time.FixedZone("ICT", 7*3600)
	res := storetest.OpenDue(t, st, time.Date(2026, time.June, 10, 9, 0, 0, 0, hcm), hcm)
	if n := tuples("obligations"); n != res.Obligations || n < store.BulkRows {
		t.Errorf("after opening %d obligations, obligations reltuples %d", res.Obligations, n)
	}

	var deadline time.Time
	if err := st.Pool().QueryRow(ctx, `SELECT max(deadline) FROM obligations`).Scan(&deadline); err != nil {
		t.Fatal(err)
	}
	flagged, err := storetest.Ops(st, hcm).FlagMissing(ctx, deadline.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if n := tuples("obligation_events"); flagged < store.BulkRows || n != res.Obligations+flagged {
		t.Errorf("after flagging %d of %d obligations, obligation_events reltuples %d", flagged, res.Obligations, n)
	}
}
