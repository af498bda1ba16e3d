package store_test

import (
	"context"
	"testing"
	"time"

	"baocao/reporting"
	"baocao/store/storetest"
)

// BenchmarkOpenPeriod10k opens a month of form BENCH for 10,000 units (the
// issue's target: ≤ 0.5 s): 10,000 obligations, their "opened" events and
// their matrix cells. Its baseline inserts the same 10,000 rows into
// obligations and obligation_events' copies, made LIKE them INCLUDING ALL:
// the same columns, defaults, checks and indexes (so the same index
// upkeep), and logged like them, so the same WAL; but no foreign keys, no
// triggers (matrix_cells) and no join to find each unit's version — the
// floor the database sets for writing these rows. An UNLOGGED copy would
// be cheaper by WAL the real tables cannot skip, and the ratio would then
// measure logging rather than OpenPeriods.
// Run: go test -run '^$' -bench Period10k -benchtime 10x ./store/
func BenchmarkOpenPeriod10k(b *testing.B) {
	ctx := context.Background()
	st := storetest.Open(b)
	form := seedBenchUnits(b, st)
	if _, err := st.Pool().Exec(ctx, `
		CREATE TABLE bare_obligations (LIKE obligations INCLUDING ALL);
		CREATE TABLE bare_events (LIKE obligation_events INCLUDING ALL);
		ANALYZE`); err != nil {
		b.Fatal(err)
	}
	next := reporting.Day(2000, time.January, 1) // a new month each iteration, of either sub-benchmark
	month := func() reporting.Period {
		p := monthOf(next)
		next = next.AddDate(0, 1, 0)
		return p
	}
	var base time.Duration
	b.Run("baseline-bare-insert", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			p := month()
			tag, err := st.Pool().Exec(ctx, `
				WITH ins AS (
					INSERT INTO bare_obligations (period_id, unit_code, unit_version_id, deadline, changed_at)
					SELECT $1, 'C' || lpad(g::text, 5, '0'), g, $2, $3 FROM generate_series(1, 10000) g
					RETURNING period_id, unit_code, deadline
				)
				INSERT INTO bare_events (period_id, unit_code, at, kind, deadline)
				SELECT period_id, unit_code, $3, 'opened', deadline FROM ins`, p.DataFrom.Unix(), p.Deadline, p.OpensAt)
			if err != nil || tag.RowsAffected() != 10000 {
				b.Fatalf("bare insert %d: %v, %v", i, tag, err)
			}
		}
		base = perOp(b)
	})
	b.Run("OpenPeriods", func(b *testing.B) {
		for b.Loop() {
			p := month()
			res, err := st.OpenPeriods(ctx, form, []reporting.Period{p})
			if err != nil {
				b.Fatal(err)
			}
			if res.Obligations != 10000 {
				b.Fatalf("opened %d obligations, want 10000", res.Obligations)
			}
		}
		reportRatio(b, base)
	})
}

// BenchmarkDeadlineTick10k times the deadline tick (ops' FlagMissing) over
// a month's 10,000 obligations just past their deadline, against a bare
// UPDATE of the same rows (see benchTick), with 10,000 units.
// Run: go test -run '^$' -bench Tick -benchtime 10x ./store/
func BenchmarkDeadlineTick10k(b *testing.B) {
	st := storetest.Open(b)
	form := seedBenchUnits(b, st)
	if _, err := st.Pool().Exec(context.Background(), `ANALYZE`); err != nil {
		b.Fatal(err)
	}
	benchTick(b, st, form, reporting.Day(2026, time.January, 1))
}
