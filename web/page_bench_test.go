package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
	"baocao/web"
)

// benchFormYAML is a quarterly commune form since 2024: twelve periods by
// the end of 2026.
const benchFormYAML = `code: BENCH-Q
title: Báo cáo quý (thử tải)
unit_kinds: [commune_pc]
schedules:
  - periodicity: quarterly
    since: "2023-12-15"
    deadline: {after_cutoff_working_days: 2}
sections:
  - title: I. Chỉ tiêu
    fields:
      - {code: so_cuoc, label: Số cuộc, type: int, min: 0, aggregate: sum}
`

// BenchmarkPages10k renders the pages that grow with the province — the
// dashboard, a period's units (10,000, a page of 100 shown after sorting
// and filtering all), the matrix (10,000 units × 12 periods, paged) —
// for an inspector of a 10,000-unit province, through the whole handler
// (session, query, render, gzip off), and reports each page's p95 beside
// the p95 of answering the same data as JSON (the matching API route),
// measured in the same run. Target: p95 ≤ 100 ms.
//
//	go test -run '^$' -bench Pages10k -benchtime 20x ./web/
func BenchmarkPages10k(b *testing.B) {
	st, svc, period, token, now := seedProvince10k(b)
	srv := web.New(web.Options{Store: st, Ops: svc, Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return now }})
	h := srv.Handler()
	get := func(path string) time.Duration {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: token})
		rec := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(rec, req)
		d := time.Since(start)
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body.String()[:min(rec.Body.Len(), 300)])
		}
		io.Copy(io.Discard, rec.Body) //nolint:errcheck
		return d
	}
	pages := []struct{ name, page, json string }{
		{"dashboard", "/dashboard", fmt.Sprintf("/api/v1/periods/%d/compliance", period)},
		{"period", fmt.Sprintf("/periods/%d", period), fmt.Sprintf("/api/v1/periods/%d/compliance", period)},
		{"period-search", fmt.Sprintf("/periods/%d?q=xa%%20thu%%2099&status=pending", period), fmt.Sprintf("/api/v1/periods/%d/compliance", period)},
		{"matrix", "/forms/BENCH-Q/matrix?page=50", "/api/v1/forms/BENCH-Q/matrix"},
	}
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			var pageTimes, jsonTimes []time.Duration
			for b.Loop() {
				pageTimes = append(pageTimes, get(p.page))
				jsonTimes = append(jsonTimes, get(p.json))
			}
			pp, jp := p95(pageTimes), p95(jsonTimes)
			b.ReportMetric(float64(pp.Microseconds())/1000, "p95-ms")
			b.ReportMetric(float64(jp.Microseconds())/1000, "json-p95-ms")
			b.ReportMetric(float64(pp)/float64(jp), "x-json")
		})
	}
}

// seedProvince10k stores a province of 100 districts of 100 communes
// each, form BENCH-Q's quarters opened as at 20/12/2026, and an
// inspector's session; it returns the store, the service, the latest
// quarter, the session's token and that moment.
func seedProvince10k(b *testing.B) (*store.Store, *ops.Service, int64, string, time.Time) {
	b.Helper()
	ctx := context.Background()
	st := storetest.Open(b)
	storetest.SyncFormYAML(b, st, "bench.yaml", benchFormYAML)
	day := reporting.Day(2020, time.January, 1)
	rows := []reporting.UnitRow{{Row: 2, Code: "79", Name: "UBND tỉnh Thử tải", Kind: reporting.KindProvince, ActiveFrom: &day}}
	for d := range 100 {
		rows = append(rows, reporting.UnitRow{Row: len(rows) + 2, Code: fmt.Sprintf("D%03d", d), Name: fmt.Sprintf("UBND huyện %d", d),
			Kind: reporting.KindDistrictPC, ParentCode: "79", ActiveFrom: &day})
		for c := range 100 {
			rows = append(rows, reporting.UnitRow{Row: len(rows) + 2, Code: fmt.Sprintf("X%03d%02d", d, c), Name: fmt.Sprintf("Xã Thử %d", d*100+c),
				Kind: reporting.KindCommunePC, ParentCode: fmt.Sprintf("D%03d", d), ActiveFrom: &day})
		}
	}
	if _, err := st.ImportUnits(ctx, rows, store.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	hcm := time.FixedZone("ICT", 7*3600)
	now := time.Date(2026, time.December, 20, 9, 0, 0, 0, hcm)
	svc := ops.New(st, ops.Options{Secret: storetest.Secret, Location: hcm})
	if _, err := svc.OpenDuePeriods(ctx, now); err != nil {
		b.Fatal(err)
	}
	// Statistics and the visibility map, as autovacuum leaves them soon
	// after a bulk insert (autovacuum_vacuum_insert_threshold): until then
	// the planner guesses, and counting a period's obligations reads the
	// table rather than its index.
	if _, err := st.Pool().Exec(ctx, `VACUUM (ANALYZE)`); err != nil {
		b.Fatal(err)
	}
	var period int64
	if err := st.Pool().QueryRow(ctx, `SELECT id FROM periods WHERE form_code = 'BENCH-Q' ORDER BY data_from DESC LIMIT 1`).Scan(&period); err != nil {
		b.Fatal(err)
	}
	inspector := storetest.User(b, st, &storetest.UserOpts{Role: reporting.RoleInspector})
	token, _, err := st.CreateSession(ctx, inspector.ID, time.Hour, now)
	if err != nil {
		b.Fatal(err)
	}
	return st, svc, period, token, now
}

func p95(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*95/100)]
}
