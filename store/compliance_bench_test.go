package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
)

// benchAt is when the benchmarks read: after every event the seed records,
// as "now" is after everything that happened.
var benchAt = time.Date(2027, time.February, 1, 0, 0, 0, 0, time.UTC)

// seedBenchUnits inserts, set-based, a province of 100 districts with 100
// units each (10,000: communes, every tenth an agency) active since 1990,
// and form BENCH filed by communes and agencies. Units and forms have no
// history to keep, so plain INSERTs do.
func seedBenchUnits(b *testing.B, st *store.Store) reporting.Form {
	b.Helper()
	ctx := context.Background()
	_, err := st.Pool().Exec(ctx, `
		INSERT INTO units (code, active_from) VALUES ('P', '1990-01-01');
		INSERT INTO unit_versions (unit_code, valid_from, name, kind) VALUES ('P', '1990-01-01', 'Tỉnh', 'province');
		INSERT INTO units (code, active_from) SELECT 'D' || lpad(d::text, 3, '0'), '1990-01-01' FROM generate_series(1, 100) d;
		INSERT INTO unit_versions (unit_code, valid_from, name, kind, parent_code)
		SELECT 'D' || lpad(d::text, 3, '0'), '1990-01-01', 'Huyện ' || d, 'district_pc', 'P' FROM generate_series(1, 100) d;
		INSERT INTO units (code, active_from) SELECT 'C' || lpad(c::text, 5, '0'), '1990-01-01' FROM generate_series(1, 10000) c;
		INSERT INTO unit_versions (unit_code, valid_from, name, kind, parent_code)
		SELECT 'C' || lpad(c::text, 5, '0'), '1990-01-01', 'Xã ' || c,
		       CASE WHEN c % 10 = 0 THEN 'agency' ELSE 'commune_pc' END, 'D' || lpad((1 + (c - 1) / 100)::text, 3, '0')
		FROM generate_series(1, 10000) c;
		INSERT INTO forms (code) VALUES ('BENCH');
		INSERT INTO form_versions (form_code, version, checksum, title, definition, source)
		VALUES ('BENCH', 1, 'x', 'Bench', '{}', '');`)
	if err != nil {
		b.Fatal(err)
	}
	form := reporting.Form{Code: "BENCH", UnitKinds: []reporting.UnitKind{reporting.KindCommunePC, reporting.KindAgency}}
	if err := st.Pool().QueryRow(ctx, `SELECT id FROM form_versions WHERE form_code = 'BENCH'`).Scan(&form.VersionID); err != nil {
		b.Fatal(err)
	}
	return form
}

// monthOf is BENCH's monthly period starting on day from: it opens when
// the month ends, is due five days later and locks a month after that.
func monthOf(from time.Time) reporting.Period {
	return reporting.Period{Periodicity: reporting.Monthly, Key: from.Format("2006-01"), Label: "Tháng " + from.Format("01/2006"),
		DataFrom: from, DataTo: from.AddDate(0, 1, -1), OpensAt: from.AddDate(0, 1, 0), Deadline: from.AddDate(0, 1, 5),
		LocksAt: from.AddDate(0, 2, 0)}
}

// autovacuum does to tables, between seeding steps, what autovacuum does
// between writes weeks apart: every write to obligations rewrites its
// unit's matrix_cells row of the year, and dozens of rewrites in a row
// with nothing reclaimed would leave the table several times the size it
// keeps in service, and the matrix reading all of it.
func autovacuum(b *testing.B, st *store.Store, tables string) {
	b.Helper()
	if _, err := st.Pool().Exec(context.Background(), `VACUUM (ANALYZE) `+tables); err != nil {
		b.Fatal(err)
	}
}

// openBenchMonths opens form's months from first to last through the store
// (obligations with their "opened" events and cells), a month at a time,
// and returns their ids in data order.
func openBenchMonths(b *testing.B, st *store.Store, form reporting.Form, first, last time.Time) []int64 {
	b.Helper()
	ctx := context.Background()
	n := 0
	for m := first; !m.After(last); m = m.AddDate(0, 1, 0) {
		res, err := st.OpenPeriods(ctx, form, []reporting.Period{monthOf(m)})
		if err != nil || res.Obligations != 10000 {
			b.Fatalf("open %s: %+v, %v", m.Format("2006-01"), res, err)
		}
		autovacuum(b, st, "matrix_cells")
		n++
	}
	rows, err := st.Pool().Query(ctx, `SELECT id FROM periods WHERE form_code = $1 AND data_from BETWEEN $2 AND $3 ORDER BY data_from`,
		form.Code, first, last)
	if err != nil {
		b.Fatal(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil || len(ids) != n {
		b.Fatalf("%d periods, %v", len(ids), err)
	}
	return ids
}

// benchEventsSQL spreads the obligations of periods $1 over every status
// by a hash of unit and period, h = 0…7: 0, 1 file the day before the
// deadline; 2 files then and is accepted two days later; 3 files two days
// late; 4 never files and is flagged an hour after the deadline; 5 files
// on time and is returned; 6 is exempted; 7 gets ten more days, files
// nothing and is flagged after them. Each statement gives the events of
// one round, at most one per obligation (as RecordEvents takes them), as
// (period, unit, at, kind, submission, version, late, deadline, previous
// deadline, reason); the first two store the versions and reviews the
// events name. Bulk rows of submissions and reviews have no summary to
// keep; the obligations' events and summaries go through RecordEvents.
var benchEventsSQL = []string{`
	WITH s AS (
		INSERT INTO submissions (period_id, unit_code, version, form_version_id, file, sha256, file_name, size, uploaded_at, late)
		SELECT o.period_id, o.unit_code, 1, p.form_version_id, '\x00'::bytea,
		       sha256(convert_to(o.period_id || '/' || o.unit_code, 'UTF8')), 'bc.xlsx', 1,
		       CASE WHEN x.h = 3 THEN o.deadline + interval '2 days' ELSE o.deadline - interval '1 day' END, x.h = 3
		FROM obligations o
		JOIN periods p ON p.id = o.period_id
		CROSS JOIN LATERAL (SELECT abs(hashtext(o.unit_code || p.key)) % 8 AS h) x
		WHERE o.period_id = ANY ($1) AND x.h IN (0, 1, 2, 3, 5)
		RETURNING period_id, unit_code, id, version, uploaded_at, late
	)
	SELECT period_id, unit_code, uploaded_at, 'uploaded', id, version, late, NULL::timestamptz, NULL::timestamptz, ''
	FROM s`, `
	WITH r AS (
		INSERT INTO reviews (submission_id, decision, reason, created_at)
		SELECT s.id, CASE WHEN x.h = 2 THEN 'accepted' ELSE 'returned' END, CASE WHEN x.h = 5 THEN 'Sai số liệu' ELSE '' END,
		       s.uploaded_at + interval '2 days'
		FROM submissions s
		JOIN periods p ON p.id = s.period_id
		CROSS JOIN LATERAL (SELECT abs(hashtext(s.unit_code || p.key)) % 8 AS h) x
		WHERE s.period_id = ANY ($1) AND x.h IN (2, 5)
		RETURNING submission_id, decision, reason, created_at
	)
	SELECT s.period_id, s.unit_code, r.created_at, r.decision, s.id, s.version, NULL::boolean, NULL::timestamptz, NULL::timestamptz, r.reason
	FROM r JOIN submissions s ON s.id = r.submission_id
	UNION ALL
	SELECT o.period_id, o.unit_code,
	       CASE x.h WHEN 4 THEN o.deadline + interval '1 hour' WHEN 6 THEN o.deadline - interval '2 days' ELSE o.deadline - interval '1 day' END,
	       CASE x.h WHEN 4 THEN 'flagged_missing' WHEN 6 THEN 'exempted' ELSE 'extended' END,
	       NULL::bigint, NULL::int, NULL::boolean,
	       CASE x.h WHEN 4 THEN o.deadline WHEN 7 THEN o.deadline + interval '10 days' END,
	       CASE WHEN x.h = 7 THEN o.deadline END,
	       CASE x.h WHEN 6 THEN 'Sáp nhập đơn vị' WHEN 7 THEN 'Gia hạn' ELSE '' END
	FROM obligations o
	JOIN periods p ON p.id = o.period_id
	CROSS JOIN LATERAL (SELECT abs(hashtext(o.unit_code || p.key)) % 8 AS h) x
	WHERE o.period_id = ANY ($1) AND x.h IN (4, 6, 7)`, `
	SELECT o.period_id, o.unit_code, o.deadline + interval '1 hour', 'flagged_missing',
	       NULL::bigint, NULL::int, NULL::boolean, o.deadline, NULL::timestamptz, ''
	FROM obligations o
	JOIN periods p ON p.id = o.period_id
	CROSS JOIN LATERAL (SELECT abs(hashtext(o.unit_code || p.key)) % 8 AS h) x
	WHERE o.period_id = ANY ($1) AND x.h = 7`}

// seedBenchHistories gives the obligations of periods their histories
// (benchEventsSQL), each round through RecordEvents, a call per period,
// then checks on the first period that the summaries fold the histories.
func seedBenchHistories(b *testing.B, st *store.Store, periods []int64) {
	b.Helper()
	ctx := context.Background()
	for round, sql := range benchEventsSQL {
		byPeriod := map[int64][]store.ObligationEvent{}
		rows, err := st.Pool().Query(ctx, sql, periods)
		if err != nil {
			b.Fatalf("round %d: %v", round, err)
		}
		var (
			e                  store.ObligationEvent
			kind               string
			sub                *int64
			version            *int
			late               *bool
			deadline, previous *time.Time
		)
		_, err = pgx.ForEachRow(rows, []any{&e.PeriodID, &e.UnitCode, &e.At, &kind, &sub, &version, &late, &deadline, &previous, &e.Reason},
			func() error {
				ev := e
				ev.Kind, ev.Actor, ev.PreviousDeadline = reporting.EventKind(kind), "bench", previous
				if sub != nil {
					ev.SubmissionID, ev.Version = *sub, *version
				}
				if late != nil {
					ev.Late = *late
				}
				if deadline != nil {
					ev.Deadline = *deadline
				}
				byPeriod[ev.PeriodID] = append(byPeriod[ev.PeriodID], ev)
				return nil
			})
		if err != nil {
			b.Fatalf("round %d: %v", round, err)
		}
		for _, p := range periods {
			if err := st.RecordEvents(ctx, byPeriod[p]); err != nil {
				b.Fatalf("round %d, period %d: %v", round, p, err)
			}
			autovacuum(b, st, "matrix_cells")
		}
		autovacuum(b, st, "obligations")
	}
	var differ int
	if err := st.Pool().QueryRow(ctx, `
		SELECT count(*) FROM obligations o
		CROSS JOIN LATERAL obligation_history_at(o.period_id, o.unit_code, 'infinity') h
		WHERE o.period_id = $1
		  AND (o.exempt, o.decision, o.first_submitted_at, o.deadline) IS DISTINCT FROM (h.exempt, h.decision, h.first_at, h.deadline)`,
		periods[0]).Scan(&differ); err != nil || differ != 0 {
		b.Fatalf("%d summaries differ from their history (%v)", differ, err)
	}
	if _, err := st.Pool().Exec(ctx, `VACUUM ANALYZE`); err != nil {
		b.Fatal(err)
	}
}

// seedCompliance stores 10,000 units (seedBenchUnits) and form BENCH's 12
// months of 2026, opened through the store, whose 120,000 obligations have
// histories over every status (seedBenchHistories). It returns the
// periods' ids in data order.
func seedCompliance(b *testing.B, st *store.Store) (reporting.Form, []int64) {
	b.Helper()
	form := seedBenchUnits(b, st)
	periods := openBenchMonths(b, st, form, reporting.Day(2026, time.January, 1), reporting.Day(2026, time.December, 1))
	seedBenchHistories(b, st, periods)
	return form, periods
}

// perOp is the time a benchmark's iteration took.
func perOp(b *testing.B) time.Duration { return b.Elapsed() / time.Duration(b.N) }

// reportRatio reports b's time per iteration against base's, measured in
// the same run, and the time in milliseconds.
func reportRatio(b *testing.B, base time.Duration) {
	if base > 0 {
		b.ReportMetric(float64(perOp(b))/float64(base), "x_baseline")
	}
	b.ReportMetric(float64(perOp(b))/float64(time.Millisecond), "ms/op")
}

// benchQuery runs sql in every iteration and reads its rows: a baseline.
func benchQuery(b *testing.B, st *store.Store, sql string, args ...any) {
	ctx := context.Background()
	for b.Loop() {
		rows, err := st.Pool().Query(ctx, sql, args...)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for rows.Next() {
			n++
		}
		if rows.Err() != nil || n == 0 {
			b.Fatal(rows.Err())
		}
	}
}

// BenchmarkCompliance10kUnits12Periods measures the period compliance
// query (one period's 10,000 obligations) and the form matrix (10,000
// units × 12 periods, read from matrix_cells, which the triggers filled as
// the seed went through the store), each against a baseline over the same
// obligations: a bare count by status (the status rule over the
// obligations' summaries, nothing joined). The target is ≤ 50 ms
// for each query. A district's matrix (100 units) is measured too.
// Run: go test -run '^$' -bench Compliance10k -benchtime 10x ./store/
func BenchmarkCompliance10kUnits12Periods(b *testing.B) {
	ctx := context.Background()
	st := storetest.Open(b)
	_, periods := seedCompliance(b, st)
	mid := periods[5]
	var total int
	if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM obligations`).Scan(&total); err != nil || total != 120000 {
		b.Fatalf("%d obligations, %v", total, err)
	}
	var periodBase, formBase time.Duration
	b.Run("baseline-period-count", func(b *testing.B) {
		benchQuery(b, st, `
			SELECT obligation_status(exempt, decision, first_submitted_at, deadline, $2), count(*)
			FROM obligations WHERE period_id = $1 GROUP BY 1`, mid, benchAt)
		periodBase = perOp(b)
	})
	b.Run("PeriodCompliance", func(b *testing.B) {
		for b.Loop() {
			c, err := st.PeriodCompliance(ctx, mid, benchAt, reporting.AllUnits)
			if err != nil {
				b.Fatal(err)
			}
			if c.Total.Obliged != 10000 || len(c.ByParent) != 100 || len(c.ByKind) != 2 || c.Total.Exempt == 0 || c.Total.Returned == 0 {
				b.Fatalf("compliance %+v", c.Total)
			}
		}
		reportRatio(b, periodBase)
	})
	b.Run("baseline-form-count", func(b *testing.B) {
		benchQuery(b, st, `
			SELECT obligation_status(o.exempt, o.decision, o.first_submitted_at, o.deadline, $1), count(*)
			FROM obligations o JOIN periods p ON p.id = o.period_id
			WHERE p.form_code = 'BENCH' GROUP BY 1`, benchAt)
		formBase = perOp(b)
	})
	b.Run("FormMatrix", func(b *testing.B) {
		for b.Loop() {
			m, err := st.FormMatrix(ctx, "BENCH", time.Time{}, time.Time{}, benchAt, reporting.AllUnits)
			if err != nil {
				b.Fatal(err)
			}
			if len(m.Rows) != 10000 || len(m.Periods) != 12 || len(m.Rows[0].Statuses) != 12 || m.Periods[11].Obligations != 10000 {
				b.Fatalf("matrix %d × %d", len(m.Rows), len(m.Periods))
			}
		}
		reportRatio(b, formBase)
	})
	// A district supervisor's matrix: 100 units of the 10,000.
	b.Run("FormMatrix-district", func(b *testing.B) {
		for b.Loop() {
			m, err := st.FormMatrix(ctx, "BENCH", time.Time{}, time.Time{}, benchAt, reporting.UnitScope{Subtree: "D050"})
			if err != nil {
				b.Fatal(err)
			}
			if len(m.Rows) != 100 || m.Periods[0].Obligations != 100 {
				b.Fatalf("district matrix: %d rows", len(m.Rows))
			}
		}
		reportRatio(b, formBase)
	})
}

// BenchmarkFormMatrixLongHistory: the same 10,000 units with ten years of
// a monthly form (1.2 million obligations, all with histories). The matrix
// of the last 12 periods and a deadline tick over a new period must cost
// about what they cost with one year: matrix_cells rows are per year, and
// the tick's index holds only unflagged obligations. Baselines as in
// BenchmarkCompliance10kUnits12Periods and BenchmarkDeadlineTick10k.
// Run: go test -run '^$' -bench FormMatrixLongHistory -benchtime 10x ./store/
func BenchmarkFormMatrixLongHistory(b *testing.B) {
	ctx := context.Background()
	st := storetest.Open(b)
	form, _ := seedCompliance(b, st) // 2026, then nine years before it
	older := openBenchMonths(b, st, form, reporting.Day(2017, time.January, 1), reporting.Day(2025, time.December, 1))
	seedBenchHistories(b, st, older)
	var formBase time.Duration
	b.Run("baseline-last-12-count", func(b *testing.B) {
		benchQuery(b, st, `
			SELECT obligation_status(o.exempt, o.decision, o.first_submitted_at, o.deadline, $1), count(*)
			FROM obligations o JOIN periods p ON p.id = o.period_id
			WHERE p.form_code = 'BENCH' AND p.data_from >= '2026-01-01' GROUP BY 1`, benchAt)
		formBase = perOp(b)
	})
	b.Run("FormMatrix-last-12-of-120", func(b *testing.B) {
		for b.Loop() {
			m, err := st.FormMatrix(ctx, "BENCH", reporting.Day(2026, time.January, 1), time.Time{}, benchAt, reporting.AllUnits)
			if err != nil {
				b.Fatal(err)
			}
			if len(m.Rows) != 10000 || len(m.Periods) != 12 {
				b.Fatalf("matrix %d × %d", len(m.Rows), len(m.Periods))
			}
		}
		reportRatio(b, formBase)
	})
	benchTick(b, st, form, reporting.Day(2030, time.January, 1))
}

// benchTick measures the deadline tick (ops' FlagMissing) over 10,000
// obligations whose deadline has just passed, fresh each iteration: a new
// month of form, opened from first on with the timer stopped. Its baseline
// is a bare UPDATE of the same rows (a new month each iteration too)
// setting what the tick's summary update sets, in one statement: the
// triggers any UPDATE of obligations fires included, the SELECT of the
// due rows, the events and the transaction left out.
func benchTick(b *testing.B, st *store.Store, form reporting.Form, first time.Time) {
	ctx := context.Background()
	svc := storetest.Ops(st, time.UTC)
	next := first
	fresh := func(b *testing.B) (int64, time.Time) {
		b.StopTimer()
		defer b.StartTimer()
		p := monthOf(next)
		p.LocksAt = p.Deadline.AddDate(1, 0, 0)
		next = next.AddDate(0, 1, 0)
		res, err := st.OpenPeriods(ctx, form, []reporting.Period{p})
		if err != nil || res.Obligations != 10000 {
			b.Fatalf("open %s: %+v, %v", p.Key, res, err)
		}
		var id int64
		if err := st.Pool().QueryRow(ctx, `SELECT id FROM periods WHERE form_code = $1 AND key = $2`, form.Code, p.Key).Scan(&id); err != nil {
			b.Fatal(err)
		}
		return id, p.Deadline.Add(time.Hour)
	}
	var base time.Duration
	b.Run("baseline-tick-bare-update", func(b *testing.B) {
		for range b.N {
			id, _ := fresh(b)
			tag, err := st.Pool().Exec(ctx, `UPDATE obligations SET flagged_deadline = deadline WHERE period_id = $1`, id)
			if err != nil || tag.RowsAffected() != 10000 {
				b.Fatalf("updated %d, %v", tag.RowsAffected(), err)
			}
		}
		base = perOp(b)
	})
	b.Run("tick-FlagMissing", func(b *testing.B) {
		for range b.N {
			_, now := fresh(b)
			if n, err := svc.FlagMissing(ctx, now); err != nil || n != 10000 {
				b.Fatalf("flagged %d, %v", n, err)
			}
		}
		reportRatio(b, base)
	})
}
