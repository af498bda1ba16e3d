package web_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
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

var (
	rushUnits   = flag.Int("rush.units", 1000, "units filing in BenchmarkDeadlineRush")
	rushProfile = flag.String("rush.cpuprofile", "", "write the server's CPU profile during the rush alone to this file")
)

// BenchmarkDeadlineRush is the last hour before a deadline: every unit of
// a province (-rush.units, 1,000 by default) uploads its filled template,
// 50 clients at once from another process (runLoadClients), over real
// HTTP to the server in this process, with the real PostgreSQL. It
// reports uploads per second, latency p50/p95/p99, the server's peak
// resident memory and its growth, and the ratio of the upload's cost to a
// bare excelize parse of the same files measured in the same run: by the
// wall clock (against the parse one file after another, x-bare-wall, and
// on every CPU, x-bare-wall-par) and in CPU of the server process
// (PostgreSQL's own CPU is not counted). It fails if an upload is lost or
// stored twice.
//
//	go test -run '^$' -bench DeadlineRush -benchtime 1x ./web/
//	go test -run '^$' -bench DeadlineRush -benchtime 1x ./web/ -rush.units 10000
func BenchmarkDeadlineRush(b *testing.B) {
	n := *rushUnits
	p := newRushProvince(b, n, 0)
	files, bodies, types := make([][]byte, n), make([][]byte, n), make([]string, n)
	for i := range n {
		files[i] = p.filled(b, i)
		body, ct := multipartBody(b, "bao-cao.xlsx", files[i])
		bodies[i], types[i] = body.Bytes(), ct
	}
	// The baseline: a bare excelize parse of the same files, one after
	// another (as the issue measured it) and on every CPU at once; each
	// is timed before and after the rush and the faster run kept, which
	// makes the ratios the least flattering.
	bare := func() (wall, cpu time.Duration) {
		runtime.GC()
		cpu0, start := cpuTime(), time.Now()
		for _, f := range files {
			bareParse(b, f)
		}
		return time.Since(start), cpuTime() - cpu0
	}
	barePar := func() time.Duration {
		runtime.GC()
		start := time.Now()
		next := make(chan []byte)
		var wg sync.WaitGroup
		for range runtime.GOMAXPROCS(0) {
			wg.Go(func() {
				for f := range next {
					bareParse(b, f)
				}
			})
		}
		for _, f := range files {
			next <- f
		}
		close(next)
		wg.Wait()
		return time.Since(start)
	}
	bareWall, bareCPU := bare()
	bareParWall := barePar()

	// The rush: 50 clients in another process; this process is the
	// server, and its CPU time and resident memory are the server's.
	const clients = 50
	dir := writeLoadBodies(b, bodies)
	bodies = nil //nolint:ineffassign // let the server's memory be measured alone
	runtime.GC()
	debug.FreeOSMemory()
	var (
		cpu0, serverCPU time.Duration
		rss             *peakRSS
		peak, base      uint64
	)
	b.ResetTimer()
	res := runLoadClients(b, p.url(), p.token, clients, dir, types,
		func() { startProfile(b, *rushProfile); rss, cpu0 = startPeakRSS(), cpuTime() },
		func() { serverCPU = cpuTime() - cpu0; peak, base = rss.stop(); pprof.StopCPUProfile() })
	b.StopTimer()
	w, c := bare()
	bareWall, bareCPU = min(bareWall, w), min(bareCPU, c)
	bareParWall = min(bareParWall, barePar())
	latencies, codes := res.Latencies, res.Codes

	stored, units := p.storedFor(b)
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
	rushWall := res.Wall
	b.ReportMetric(float64(n)/rushWall.Seconds(), "uploads/s")
	b.ReportMetric(pct(50), "p50-ms")
	b.ReportMetric(pct(95), "p95-ms")
	b.ReportMetric(pct(99), "p99-ms")
	b.ReportMetric(float64(rushWall)/float64(bareWall), "x-bare-wall")
	b.ReportMetric(float64(rushWall)/float64(bareParWall), "x-bare-wall-par")
	b.ReportMetric(float64(serverCPU)/float64(bareCPU), "x-bare-cpu")
	b.ReportMetric(float64(serverCPU.Microseconds())/float64(n)/1000, "server-cpu-ms/upload")
	b.ReportMetric(float64(bareCPU.Microseconds())/float64(n)/1000, "bare-cpu-ms/file")
	b.ReportMetric(float64(peak)/(1<<20), "rss-peak-MiB")
	b.ReportMetric(float64(peak-min(peak, base))/(1<<20), "rss-growth-MiB")
}

// rushProvince is a province of n communes (R00000, R00001, …) with the
// TEST-IN form's 2026-H1 period open, an administrator's token and a
// server listening on loopback whose uploads are parsed parseLimit at a
// time (0: ops' default, one per CPU).
type rushProvince struct {
	st     *store.Store
	svc    *ops.Service
	srv    *web.Server
	token  string
	period int64
	now    time.Time
}

func newRushProvince(b *testing.B, n, parseLimit int) *rushProvince {
	ctx := context.Background()
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
	p := &rushProvince{st: st, now: envStart}
	p.svc = ops.New(st, ops.Options{Secret: storetest.Secret, Location: hcm, BaseURL: baseURL, ParseLimit: parseLimit, Logger: slog.New(slog.DiscardHandler)})
	if _, err := p.svc.OpenDuePeriods(ctx, p.now); err != nil {
		b.Fatal(err)
	}
	if err := st.Pool().QueryRow(ctx, `SELECT id FROM periods WHERE form_code = 'TEST-IN' AND key = '2026-H1'`).Scan(&p.period); err != nil {
		b.Fatal(err)
	}
	// As autovacuum would after the bulk load of units and obligations
	// (this machine's test server runs without it): the rush is measured
	// on those tables with their statistics and visibility maps, as in
	// production. Not the tables the rush fills: analysed empty, they
	// would be planned as empty while they grow (a sequential scan of
	// submissions for every foreign-key check of a value).
	if _, err := st.Pool().Exec(ctx, `VACUUM (ANALYZE) units, unit_versions, periods, obligations, obligation_events, matrix_cells`); err != nil {
		b.Fatal(err)
	}
	admin := storetest.User(b, st, &storetest.UserOpts{Role: reporting.RoleAdmin})
	var err error
	if p.token, _, err = st.CreateSession(ctx, admin.ID, 24*time.Hour, p.now); err != nil {
		b.Fatal(err)
	}
	p.srv = web.New(web.Options{Store: st, Ops: p.svc, Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return p.now }})
	if err := p.srv.Listen("127.0.0.1:0"); err != nil {
		b.Fatal(err)
	}
	go p.srv.Serve() //nolint:errcheck
	b.Cleanup(func() { p.srv.Close() })
	return p
}

// filled is commune i's signed template, filled.
func (p *rushProvince) filled(b *testing.B, i int) []byte {
	tp, err := p.svc.Template(context.Background(), ops.CLIAdmin, p.now, p.period, fmt.Sprintf("R%05d", i))
	if err != nil {
		b.Fatal(err)
	}
	v := storetest.SmallFormValues()
	v["giam_sat"] = i % 40
	return storetest.Fill(b, tp.Data, v, nil)
}

// url is the upload endpoint.
func (p *rushProvince) url() string { return "http://" + p.srv.Addr() + "/api/v1/submissions" }

// storedFor counts the submissions stored in the period and the units
// they are for.
func (p *rushProvince) storedFor(b *testing.B) (stored, units int) {
	if err := p.st.Pool().QueryRow(context.Background(), `SELECT count(*), count(DISTINCT unit_code) FROM submissions WHERE period_id = $1`, p.period).Scan(&stored, &units); err != nil {
		b.Fatal(err)
	}
	return stored, units
}

// startProfile starts the CPU profile into path, if any.
func startProfile(b *testing.B, path string) {
	if path == "" {
		return
	}
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { f.Close() })
	if err := pprof.StartCPUProfile(f); err != nil {
		b.Fatal(err)
	}
}

// bareParse is the baseline's work on one file: excelize opens it and
// reads the rows of its first sheet.
func bareParse(b *testing.B, f []byte) {
	x, err := excelize.OpenReader(bytes.NewReader(f))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := x.GetRows(x.GetSheetName(0)); err != nil {
		b.Fatal(err)
	}
	x.Close() //nolint:errcheck
}

// cpuTime is this process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

var maxSizeParseLimit = flag.Int("maxsize.parse_limit", 0, "upload.parse_limit of the server in BenchmarkMaxSizeUploads (0: one per CPU)")

// BenchmarkMaxSizeUploads is the worst the upload path holds at once: 30
// clients, from another process, each upload a genuine filled template
// padded to the upload limit with data nothing compresses, all at once
// over real HTTP. It reports the server process's peak resident memory
// (the budget is 1 GiB) and its growth over the level before, and the
// latencies; every upload must be stored, once.
//
//	go test -run '^$' -bench MaxSizeUploads -benchtime 1x ./web/
//	go test -run '^$' -bench MaxSizeUploads -benchtime 1x ./web/ -args -maxsize.parse_limit=30
func BenchmarkMaxSizeUploads(b *testing.B) {
	const n = 30
	p := newRushProvince(b, n, *maxSizeParseLimit)
	bodies, types := make([][]byte, n), make([]string, n)
	for i := range n {
		f := p.filled(b, i)
		f = rezip(b, f, nil, zipPart{"docProps/thumbnail.jpeg", padding(ops.DefaultMaxUploadBytes - len(f) - 64<<10)})
		if len(f) > ops.DefaultMaxUploadBytes {
			b.Fatalf("padded file of %d bytes is over the limit", len(f))
		}
		body, ct := multipartBody(b, "bao-cao.xlsx", f)
		bodies[i], types[i] = body.Bytes(), ct
	}
	dir := writeLoadBodies(b, bodies)
	bodies = nil //nolint:ineffassign // let the server's memory be measured alone
	runtime.GC()
	debug.FreeOSMemory()
	var (
		rss        *peakRSS
		peak, base uint64
	)
	b.ResetTimer()
	res := runLoadClients(b, p.url(), p.token, n, dir, types,
		func() { rss = startPeakRSS() },
		func() { peak, base = rss.stop() })
	b.StopTimer()
	stored, units := p.storedFor(b)
	created := 0
	for _, c := range res.Codes {
		if c == http.StatusCreated {
			created++
		}
	}
	if created != n || stored != n || units != n {
		b.Fatalf("%d uploads: %d answered 201 (%v), %d stored for %d units", n, created, res.Codes, stored, units)
	}
	slices.Sort(res.Latencies)
	b.ReportMetric(float64(res.Latencies[n/2].Milliseconds()), "p50-ms")
	b.ReportMetric(float64(res.Latencies[n-1].Milliseconds()), "max-ms")
	b.ReportMetric(float64(peak)/(1<<20), "rss-peak-MiB")
	b.ReportMetric(float64(base)/(1<<20), "rss-before-MiB")
	b.ReportMetric(float64(peak-min(peak, base))/(1<<20), "rss-growth-MiB")
}
