package store_test

import (
	"context"
	"testing"
	"time"

	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
)

// seedCompliance inserts, set-based, a province of 100 districts with 100
// communes each (10,000 units) and a monthly form with 12 periods of 2026
// whose 120,000 obligations are spread over every status.
func seedCompliance(b *testing.B, st *store.Store) (periodIDs []int64) {
	b.Helper()
	ctx := context.Background()
	_, err := st.Pool().Exec(ctx, `
		INSERT INTO units (code, active_from) VALUES ('P', '2020-01-01');
		INSERT INTO unit_versions (unit_code, valid_from, name, kind) VALUES ('P', '2020-01-01', 'Tỉnh', 'province');
		INSERT INTO units (code, active_from) SELECT 'D' || lpad(d::text, 3, '0'), '2020-01-01' FROM generate_series(1, 100) d;
		INSERT INTO unit_versions (unit_code, valid_from, name, kind, parent_code)
		SELECT 'D' || lpad(d::text, 3, '0'), '2020-01-01', 'Huyện ' || d, 'district_pc', 'P' FROM generate_series(1, 100) d;
		INSERT INTO units (code, active_from) SELECT 'C' || lpad(c::text, 5, '0'), '2020-01-01' FROM generate_series(1, 10000) c;
		INSERT INTO unit_versions (unit_code, valid_from, name, kind, parent_code)
		SELECT 'C' || lpad(c::text, 5, '0'), '2020-01-01', 'Xã ' || c,
		       CASE WHEN c % 10 = 0 THEN 'agency' ELSE 'commune_pc' END, 'D' || lpad((1 + (c - 1) / 100)::text, 3, '0')
		FROM generate_series(1, 10000) c;
		INSERT INTO forms (code) VALUES ('BENCH');
		INSERT INTO form_versions (form_code, version, checksum, title, definition, source)
		VALUES ('BENCH', 1, 'x', 'Bench', '{}', '');
		INSERT INTO periods (form_code, form_version_id, periodicity, key, label, data_from, data_to, opens_at, deadline, locks_at)
		SELECT 'BENCH', (SELECT id FROM form_versions), 'monthly', '2026-' || lpad(m::text, 2, '0'), 'Tháng ' || m || ' năm 2026',
		       make_date(2026, m, 1), make_date(2026, m, 1) + interval '1 month' - interval '1 day',
		       make_date(2026, m, 1) + interval '1 month', make_date(2026, m, 1) + interval '1 month 5 days',
		       make_date(2026, m, 1) + interval '2 months'
		FROM generate_series(1, 12) m;
		INSERT INTO obligations (period_id, unit_code, unit_version_id, deadline, status, first_submitted_at)
		SELECT p.id, v.unit_code, v.id, p.deadline,
		       (ARRAY['submitted', 'submitted', 'accepted', 'late', 'missing', 'returned', 'exempt', 'pending'])[1 + (h % 8)],
		       CASE WHEN h % 8 IN (0, 1, 2, 5) THEN p.deadline - interval '1 day'
		            WHEN h % 8 = 3 THEN p.deadline + interval '2 days' END
		FROM periods p
		CROSS JOIN unit_versions v
		CROSS JOIN LATERAL (SELECT abs(hashtext(v.unit_code || p.key)) AS h) x
		WHERE v.kind IN ('commune_pc', 'agency');
		ANALYZE;`)
	if err != nil {
		b.Fatal(err)
	}
	rows, err := st.Pool().Query(ctx, `SELECT id FROM periods ORDER BY data_from`)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			b.Fatal(err)
		}
		periodIDs = append(periodIDs, id)
	}
	return periodIDs
}

// BenchmarkCompliance10kUnits12Periods measures the period compliance
// query (one period's 10,000 obligations) and the form matrix (10,000
// units × 12 periods, read from matrix_cells, which the seed's INSERT
// fills through the triggers), each against a baseline over the same
// obligations: a bare count by status. The target is ≤ 50 ms for
// each query. A district's matrix (100 units) is measured too.
// Run: go test -run '^$' -bench Compliance10k -benchtime 20x ./store/
func BenchmarkCompliance10kUnits12Periods(b *testing.B) {
	ctx := context.Background()
	st := storetest.Open(b)
	periods := seedCompliance(b, st)
	if len(periods) != 12 {
		b.Fatalf("%d periods", len(periods))
	}
	mid := periods[5]
	var total int
	if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM obligations`).Scan(&total); err != nil || total != 120000 {
		b.Fatalf("%d obligations, %v", total, err)
	}
	at := time.Date(2026, time.December, 31, 0, 0, 0, 0, time.UTC)
	baseline := func(sql string, args ...any) func(b *testing.B) {
		return func(b *testing.B) {
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
	}
	var periodBase, formBase time.Duration
	perOp := func(b *testing.B) time.Duration { return b.Elapsed() / time.Duration(b.N) }
	b.Run("baseline-period-count", func(b *testing.B) {
		baseline(`SELECT status, count(*) FROM obligations WHERE period_id = $1 GROUP BY status`, mid)(b)
		periodBase = perOp(b)
	})
	b.Run("PeriodCompliance", func(b *testing.B) {
		for b.Loop() {
			c, err := st.PeriodCompliance(ctx, mid, at, store.Everything)
			if err != nil {
				b.Fatal(err)
			}
			if c.Total.Obliged != 10000 || len(c.ByParent) != 100 || len(c.ByKind) != 2 {
				b.Fatalf("compliance %+v", c.Total)
			}
		}
		b.ReportMetric(float64(perOp(b))/float64(periodBase), "x_baseline")
	})
	b.Run("baseline-form-count", func(b *testing.B) {
		baseline(`SELECT o.status, count(*) FROM obligations o JOIN periods p ON p.id = o.period_id
			WHERE p.form_code = 'BENCH' GROUP BY o.status`)(b)
		formBase = perOp(b)
	})
	b.Run("FormMatrix", func(b *testing.B) {
		for b.Loop() {
			m, err := st.FormMatrix(ctx, "BENCH", time.Time{}, time.Time{}, at, store.Everything)
			if err != nil {
				b.Fatal(err)
			}
			if len(m.Rows) != 10000 || len(m.Periods) != 12 || len(m.Rows[0].Statuses) != 12 {
				b.Fatalf("matrix %d × %d", len(m.Rows), len(m.Periods))
			}
		}
		b.ReportMetric(float64(perOp(b))/float64(formBase), "x_baseline")
	})
	// A district supervisor's matrix: 100 communes of the 10,000.
	b.Run("FormMatrix-district", func(b *testing.B) {
		for b.Loop() {
			m, err := st.FormMatrix(ctx, "BENCH", time.Time{}, time.Time{}, at, store.ComplianceScope{Subtree: "D050"})
			if err != nil {
				b.Fatal(err)
			}
			if len(m.Rows) != 100 || m.Periods[0].Obligations != 100 {
				b.Fatalf("district matrix: %d rows", len(m.Rows))
			}
		}
		b.ReportMetric(float64(perOp(b))/float64(formBase), "x_baseline")
	})
}

// BenchmarkFormMatrixLongHistory: the same 10,000 units with ten years of
// a monthly form (1.2 million obligations). The matrix of the last 12
// periods and a deadline tick over the latest period must cost about what
// they cost with one year: matrix_cells rows are per year.
// Run: go test -run '^$' -bench FormMatrixLongHistory -benchtime 10x ./store/
func BenchmarkFormMatrixLongHistory(b *testing.B) {
	ctx := context.Background()
	st := storetest.Open(b)
	seedCompliance(b, st) // 2026, then nine years before it
	_, err := st.Pool().Exec(ctx, `
		INSERT INTO periods (form_code, form_version_id, periodicity, key, label, data_from, data_to, opens_at, deadline, locks_at)
		SELECT 'BENCH', (SELECT id FROM form_versions), 'monthly', to_char(d, 'YYYY-MM'), 'Tháng ' || to_char(d, 'MM/YYYY'),
		       d, d + interval '1 month' - interval '1 day', d + interval '1 month', d + interval '1 month 5 days', d + interval '2 months'
		FROM generate_series('2017-01-01'::date, '2025-12-01', interval '1 month') d;
		INSERT INTO obligations (period_id, unit_code, unit_version_id, deadline, status, first_submitted_at)
		SELECT p.id, v.unit_code, v.id, p.deadline, 'submitted', p.deadline - interval '1 day'
		FROM periods p CROSS JOIN unit_versions v
		WHERE p.data_from < '2026-01-01' AND v.kind IN ('commune_pc', 'agency');
		ANALYZE;`)
	if err != nil {
		b.Fatal(err)
	}
	at := time.Date(2026, time.December, 31, 0, 0, 0, 0, time.UTC)
	b.Run("FormMatrix-last-12-of-120", func(b *testing.B) {
		for b.Loop() {
			m, err := st.FormMatrix(ctx, "BENCH", reporting.Day(2026, time.January, 1), time.Time{}, at, store.Everything)
			if err != nil {
				b.Fatal(err)
			}
			if len(m.Rows) != 10000 || len(m.Periods) != 12 {
				b.Fatalf("matrix %d × %d", len(m.Rows), len(m.Periods))
			}
		}
	})
	b.Run("tick-10k-latest-period", func(b *testing.B) {
		for b.Loop() {
			if _, err := st.Pool().Exec(ctx, `UPDATE obligations SET updated_at = now()
				WHERE period_id = (SELECT max(id) FROM periods WHERE data_from = '2026-12-01')`); err != nil {
				b.Fatal(err)
			}
		}
	})
}
