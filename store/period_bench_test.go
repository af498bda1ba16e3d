package store_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
)

// seedProvince inserts n communes under one province, set-based.
func seedProvince(b *testing.B, st *store.Store, n int) {
	b.Helper()
	_, err := st.Pool().Exec(context.Background(), `
		INSERT INTO units (code, active_from) VALUES ('P', '2020-01-01');
		INSERT INTO unit_versions (unit_code, valid_from, name, kind) VALUES ('P', '2020-01-01', 'Tỉnh', 'province');
		INSERT INTO units (code, active_from) SELECT 'C' || g, '2020-01-01' FROM generate_series(1, `+strconv.Itoa(n)+`) g;
		INSERT INTO unit_versions (unit_code, valid_from, name, kind, parent_code)
		SELECT 'C' || g, '2020-01-01', 'Xã ' || g, 'commune_pc', 'P' FROM generate_series(1, `+strconv.Itoa(n)+`) g;
		INSERT INTO forms (code) VALUES ('BENCH');
		INSERT INTO form_versions (form_code, version, checksum, title, definition, source)
		VALUES ('BENCH', 1, 'x', 'Bench', '{}', '');`)
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkOpenPeriod10k opens one period for 10,000 units (the issue's
// target: ≤ 0.5 s); BenchmarkBareInsert10k inserts the same number of
// obligation rows from a plain generate_series, the floor the database sets.
// Run both: go test -run '^$' -bench 'Period10k|BareInsert10k' ./store/
func BenchmarkOpenPeriod10k(b *testing.B) {
	ctx := context.Background()
	st := storetest.Open(b)
	seedProvince(b, st, 10000)
	var versionID int64
	if err := st.Pool().QueryRow(ctx, `SELECT id FROM form_versions`).Scan(&versionID); err != nil {
		b.Fatal(err)
	}
	form := reporting.Form{Code: "BENCH", VersionID: versionID, UnitKinds: []reporting.UnitKind{reporting.KindCommunePC}}
	hcm, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		from := reporting.Day(2000+i, time.January, 1)
		p := reporting.Period{Periodicity: reporting.Annual, Key: strconv.Itoa(2000 + i), Label: "Năm", DataFrom: from, DataTo: from.AddDate(0, 11, 0),
			OpensAt: from, Deadline: reporting.EndOfDay(from.AddDate(1, 0, 0), hcm), LocksAt: reporting.EndOfDay(from.AddDate(1, 1, 0), hcm)}
		// Units must be active on the period's start.
		if _, err := st.Pool().Exec(ctx, `UPDATE units SET active_from = '1990-01-01'; UPDATE unit_versions SET valid_from = '1990-01-01'`); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := st.OpenPeriods(ctx, form, []reporting.Period{p})
		if err != nil {
			b.Fatal(err)
		}
		if res.Obligations != 10000 {
			b.Fatalf("opened %d obligations, want 10000", res.Obligations)
		}
	}
}

func BenchmarkBareInsert10k(b *testing.B) {
	ctx := context.Background()
	st := storetest.Open(b)
	if _, err := st.Pool().Exec(ctx, `CREATE TABLE bare (period_id bigint, unit_code text, deadline timestamptz, PRIMARY KEY (period_id, unit_code))`); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		if _, err := st.Pool().Exec(ctx, `INSERT INTO bare SELECT $1, 'C' || g, now() FROM generate_series(1, 10000) g`, i); err != nil {
			b.Fatal(err)
		}
	}
}
