package web_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
	"baocao/web"
)

var rushUnits = flag.Int("rush.units", 1000, "units filing in BenchmarkDeadlineRush")

// BenchmarkDeadlineRush is the last hour before a deadline: every unit of
// a province (-rush.units, 1,000 by default) uploads its filled template,
// 50 clients at once, over real HTTP to a server in this process, with
// the real PostgreSQL. It reports uploads per second, latency p50/p95/p99,
// the peak heap growth, and the ratio of the upload's cost to a bare
// excelize parse of the same files measured in the same run — by the wall
// clock, and in CPU of this process (server and clients; PostgreSQL's
// own CPU is not counted). It fails if an upload is lost or stored twice.
//
//	go test -run '^$' -bench DeadlineRush -benchtime 1x ./web/
//	go test -run '^$' -bench DeadlineRush -benchtime 1x ./web/ -rush.units 10000
func BenchmarkDeadlineRush(b *testing.B) {
	ctx := context.Background()
	n := *rushUnits
	st := storetest.Open(b)
	storetest.SyncFormYAML(b, st, "test-in.yaml", storetest.SmallFormYAML)
	day := reporting.Day(2020, time.January, 1)
	rows := []reporting.UnitRow{{Row: 2, Code: "79", Name: "UBND tỉnh Thử tải", Kind: reporting.KindProvince, ActiveFrom: &day}}
	for i := range n {
		rows = append(rows, reporting.UnitRow{Row: i + 3, Code: fmt.Sprintf("R%05d", i), Name: fmt.Sprintf("UBND xã Cao điểm %d", i),
			Kind: reporting.KindCommunePC, ParentCode: "79", ActiveFrom: &day})
	}
	if _, err := st.ImportUnits(ctx, rows, store.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	now := envStart
	svc := ops.New(st, ops.Options{Secret: storetest.Secret, Location: hcm, BaseURL: baseURL, Logger: slog.New(slog.DiscardHandler)})
	if _, err := svc.OpenDuePeriods(ctx, now); err != nil {
		b.Fatal(err)
	}
	var period int64
	if err := st.Pool().QueryRow(ctx, `SELECT id FROM periods WHERE form_code = 'TEST-IN' AND key = '2026-H1'`).Scan(&period); err != nil {
		b.Fatal(err)
	}
	admin := storetest.User(b, st, &storetest.UserOpts{Role: reporting.RoleAdmin})
	token, _, err := st.CreateSession(ctx, admin.ID, 24*time.Hour, now)
	if err != nil {
		b.Fatal(err)
	}
	srv := web.New(web.Options{Store: st, Ops: svc, Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return now }})
	if err := srv.Listen("127.0.0.1:0"); err != nil {
		b.Fatal(err)
	}
	go srv.Serve() //nolint:errcheck
	b.Cleanup(func() { srv.Close() })

	// Every unit's signed template, filled, and its request body.
	files, bodies, types := make([][]byte, n), make([][]byte, n), make([]string, n)
	for i := range n {
		tp, err := svc.Template(ctx, ops.CLIAdmin, now, period, fmt.Sprintf("R%05d", i))
		if err != nil {
			b.Fatal(err)
		}
		v := storetest.SmallFormValues()
		v["giam_sat"] = i % 40
		files[i] = storetest.Fill(b, tp.Data, v, nil)
		body, ct := multipartBody(b, "bao-cao.xlsx", files[i])
		bodies[i], types[i] = body.Bytes(), ct
	}

	// The baseline: a bare excelize parse of the same files.
	bareCPU, bareStart := cpuTime(), time.Now()
	for _, f := range files {
		x, err := excelize.OpenReader(bytes.NewReader(f))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := x.GetRows(x.GetSheetName(0)); err != nil {
			b.Fatal(err)
		}
		x.Close() //nolint:errcheck
	}
	bareWall, bareCPUTotal := time.Since(bareStart), cpuTime()-bareCPU

	b.ResetTimer()
	const clients = 50
	latencies := make([]time.Duration, n)
	codes := make([]int, n)
	next := make(chan int)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	var rushWall, rushCPU time.Duration
	growth := heapGrowth(func() {
		cpu0, start := cpuTime(), time.Now()
		var wg sync.WaitGroup
		for range clients {
			wg.Go(func() {
				for i := range next {
					req, err := http.NewRequest(http.MethodPost, "http://"+srv.Addr()+"/api/v1/submissions", bytes.NewReader(bodies[i]))
					if err != nil {
						b.Error(err)
						continue
					}
					req.Header.Set("Authorization", "Bearer "+token)
					req.Header.Set("Content-Type", types[i])
					t0 := time.Now()
					resp, err := client.Do(req)
					if err != nil {
						b.Error(err)
						continue
					}
					io.Copy(io.Discard, resp.Body) //nolint:errcheck
					resp.Body.Close()
					latencies[i], codes[i] = time.Since(t0), resp.StatusCode
				}
			})
		}
		for i := range n {
			next <- i
		}
		close(next)
		wg.Wait()
		rushWall, rushCPU = time.Since(start), cpuTime()-cpu0
	})
	b.StopTimer()

	var stored, units int
	if err := st.Pool().QueryRow(ctx, `SELECT count(*), count(DISTINCT unit_code) FROM submissions WHERE period_id = $1`, period).Scan(&stored, &units); err != nil {
		b.Fatal(err)
	}
	created := 0
	for _, c := range codes {
		if c == http.StatusCreated {
			created++
		}
	}
	if created != n || stored != n || units != n {
		b.Fatalf("%d uploads: %d answered 201, %d stored for %d units (lost or duplicated)", n, created, stored, units)
	}
	slices.Sort(latencies)
	pct := func(p int) float64 { return float64(latencies[min(n-1, n*p/100)].Microseconds()) / 1000 }
	b.ReportMetric(float64(n)/rushWall.Seconds(), "uploads/s")
	b.ReportMetric(pct(50), "p50-ms")
	b.ReportMetric(pct(95), "p95-ms")
	b.ReportMetric(pct(99), "p99-ms")
	b.ReportMetric(float64(rushWall)/float64(bareWall), "x-bare-wall")
	b.ReportMetric(float64(rushCPU)/float64(bareCPUTotal), "x-bare-cpu")
	b.ReportMetric(float64(rushCPU.Microseconds())/float64(n)/1000, "cpu-ms/upload")
	b.ReportMetric(float64(bareCPUTotal.Microseconds())/float64(n)/1000, "bare-cpu-ms/file")
	b.ReportMetric(float64(growth)/(1<<20), "heap-MiB")
}

// cpuTime is this process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
