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
)

// BenchmarkSignals10k: the data-quality signals of a month of a
// 10,000-unit province, every unit filing 15 figures each of seven months
// (the month and the six before it the history reads): the read
// (store.SignalBasis) and the detection, cold; the check that tells a
// cached detection is still good (store.SignalStamp); against a bare read
// of the same month's values and the period page's own list of units.
func BenchmarkSignals10k(b *testing.B) {
	ctx := context.Background()
	st := storetest.Open(b)
	form := seedBenchUnits(b, st)
	var fields []string
	for i := range 15 {
		fields = append(fields, fmt.Sprintf(`{"code": "f%02d", "label": "Chỉ tiêu %d", "type": "int", "aggregate": "sum"}`, i, i))
	}
	if _, err := st.Pool().Exec(ctx, `UPDATE form_versions SET definition = $1::jsonb WHERE form_code = 'BENCH'`,
		`{"code": "BENCH", "title": "Bench", "sections": [{"title": "I", "fields": [`+strings.Join(fields, ",")+`]}]}`); err != nil {
		b.Fatal(err)
	}
	ids := openBenchMonths(b, st, form, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC))
	// Every unit files each month: 15 figures around a size of its own,
	// ±10% a month, and every 500th unit ten times its size in July.
	if _, err := st.Pool().Exec(ctx, `
		WITH s AS (
			INSERT INTO submissions (period_id, unit_code, version, form_version_id, file, sha256, file_name, size, uploaded_at, late)
			SELECT o.period_id, o.unit_code, 1, p.form_version_id, '\x00'::bytea, sha256(convert_to(o.period_id || '/' || o.unit_code, 'UTF8')),
			       'bc.xlsx', 1, o.deadline - interval '1 day', false
			FROM obligations o JOIN periods p ON p.id = o.period_id WHERE o.period_id = ANY ($1)
			RETURNING id, period_id, unit_code
		)
		INSERT INTO submission_values (submission_id, field_code, num)
		SELECT s.id, 'f' || lpad(f::text, 2, '0'),
		       round((10 + abs(hashtext(s.unit_code)) % 90) * (0.9 + (abs(hashtext(s.unit_code || s.period_id || f)) % 200) / 1000.0)
		             * CASE WHEN s.period_id = $2 AND abs(hashtext(s.unit_code)) % 500 = 0 THEN 10 ELSE 1 END)
		FROM s CROSS JOIN generate_series(0, 14) f`, ids, ids[len(ids)-1]); err != nil {
		b.Fatal(err)
	}
	autovacuum(b, st, "submissions, submission_values, obligations")
	july := ids[len(ids)-1]
	var bare, page time.Duration
	b.Run("baseline-bare-values", func(b *testing.B) {
		benchQuery(b, st, `SELECT s.unit_code, v.field_code, v.num::float8 FROM submissions s JOIN submission_values v ON v.submission_id = s.id
			WHERE s.period_id = $1`, july)
		bare = perOp(b)
	})
	b.Run("baseline-period-page", func(b *testing.B) {
		for b.Loop() {
			if _, err := st.PeriodUnits(ctx, july, benchAt, reporting.AllUnits, store.PeriodUnitFilter{Limit: 100}); err != nil {
				b.Fatal(err)
			}
		}
		page = perOp(b)
	})
	planted := map[string]bool{}
	rows, err := st.Pool().Query(ctx, `SELECT unit_code FROM obligations WHERE period_id = $1 AND abs(hashtext(unit_code)) % 500 = 0`, july)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var code string
		if err := rows.Scan(&code); err != nil {
			b.Fatal(err)
		}
		planted[code] = true
	}
	b.Run("SignalBasis+detect", func(b *testing.B) {
		var found, unplanted int
		for b.Loop() {
			basis, err := st.SignalBasis(ctx, july, benchAt, false, 6)
			if err != nil {
				b.Fatal(err)
			}
			found, unplanted = 0, 0
			for _, us := range reporting.NewSignalDetector(basis, reporting.SignalOptions{}).Counting() {
				if planted[us.UnitCode] {
					found++
				} else {
					unplanted++
				}
			}
		}
		b.ReportMetric(float64(len(planted)), "planted")
		b.ReportMetric(float64(found), "planted_found")
		b.ReportMetric(float64(unplanted), "others_signalled")
		reportRatio(b, bare)
	})
	b.Run("SignalStamp", func(b *testing.B) {
		for b.Loop() {
			if _, err := st.SignalStamp(ctx, july, benchAt, 6); err != nil {
				b.Fatal(err)
			}
		}
		reportRatio(b, page)
	})
}
