package web_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"baocao/scheduler"
	"baocao/store/storetest"
)

// scrape fetches /metrics and parses the exposition.
func (e *env) scrape(t *testing.T) map[string]*dto.MetricFamily {
	t.Helper()
	w := e.do(t, request{method: "GET", target: "/metrics"})
	if w.Code != http.StatusOK {
		t.Fatalf("/metrics: %d %s", w.Code, w.Body)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(w.Body.Bytes()))
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return fams
}

// sample is the value of the series of family name with exactly labels
// (counter, gauge, or a histogram's count), and whether it exists.
func sample(fams map[string]*dto.MetricFamily, name string, labels map[string]string) (float64, bool) {
	f := fams[name]
	if f == nil {
		return 0, false
	}
next:
	for _, m := range f.GetMetric() {
		if len(m.GetLabel()) != len(labels) {
			continue
		}
		for _, l := range m.GetLabel() {
			if labels[l.GetName()] != l.GetValue() {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		case m.Untyped != nil:
			return m.Untyped.GetValue(), true
		}
	}
	return 0, false
}

func TestMetricsAfterUploadsAndASchedulerTick(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, &envOptions{Metrics: true})

	// One upload of each kind.
	c1 := e.filled(t, "clerk-c1", e.c1, storetest.SmallFormValues())
	c2 := e.filled(t, "clerk-c2", e.c2, storetest.SmallFormValues())
	for _, u := range []struct {
		who, query string
		file       []byte
		want       int
	}{
		{"clerk-c1", "", c1, http.StatusCreated},         // stored
		{"clerk-c1", "", c1, http.StatusOK},              // duplicate
		{"clerk-c2", "?dry_run=true", c2, http.StatusOK}, // dry_run
		{"clerk-c2", "", []byte("no workbook"), 422},     // refused
		{"clerk-c1", "", c2, http.StatusForbidden},       // forbidden
	} {
		if w := e.upload(t, u.who, u.query, u.file); w.Code != u.want {
			t.Fatalf("upload as %s%s: %d, want %d: %s", u.who, u.query, w.Code, u.want, w.Body)
		}
	}
	if code, out := e.call(t, "inspector", "POST", fmt.Sprintf("/api/v1/periods/%d/reminders", e.periodID), `{"unit": "`+e.c2+`"}`); code != http.StatusAccepted {
		t.Fatalf("remind: %d %v", code, out)
	}
	// Queued, or failed at once when the unit has no address.
	var reminded string
	if err := e.st.Pool().QueryRow(ctx, `SELECT status FROM reminders`).Scan(&reminded); err != nil {
		t.Fatal(err)
	}

	// A scheduler tick: one job that works, one that fails.
	sched, err := scheduler.New(e.st.Pool(), scheduler.Options{Tick: time.Hour, Location: hcm, Now: e.clock.Now, Observer: e.metrics, Logger: slog.New(e.log)},
		scheduler.Job{Name: "flag-deadlines", Run: func(ctx context.Context, now time.Time) error {
			_, err := e.svc.FlagMissing(ctx, now)
			return err
		}},
		scheduler.Job{Name: "broken", Run: func(context.Context, time.Time) error { return errors.New("broken on purpose") }},
	)
	if err != nil {
		t.Fatal(err)
	}
	sched.Start()
	var fams map[string]*dto.MetricFamily
	for deadline := time.Now().Add(10 * time.Second); ; {
		fams = e.scrape(t)
		_, ok1 := sample(fams, "baocao_scheduler_job_runs_total", map[string]string{"job": "flag-deadlines", "outcome": "success"})
		_, ok2 := sample(fams, "baocao_scheduler_job_runs_total", map[string]string{"job": "broken", "outcome": "error"})
		if ok1 && ok2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the scheduler's first tick never showed in /metrics")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := sched.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	fams = e.scrape(t)

	want := []struct {
		name   string
		labels map[string]string
		value  float64
	}{
		{"baocao_uploads_total", map[string]string{"outcome": "stored"}, 1},
		{"baocao_uploads_total", map[string]string{"outcome": "duplicate"}, 1},
		{"baocao_uploads_total", map[string]string{"outcome": "dry_run"}, 1},
		{"baocao_uploads_total", map[string]string{"outcome": "refused"}, 1},
		{"baocao_uploads_total", map[string]string{"outcome": "forbidden"}, 1},
		{"baocao_uploads_total", map[string]string{"outcome": "too_large"}, 0},
		{"baocao_http_requests_total", map[string]string{"route": "POST /api/v1/submissions", "method": "POST", "code": "201"}, 1},
		{"baocao_http_requests_total", map[string]string{"route": "POST /api/v1/submissions", "method": "POST", "code": "200"}, 2},
		{"baocao_http_requests_total", map[string]string{"route": "POST /api/v1/submissions", "method": "POST", "code": "422"}, 1},
		{"baocao_http_requests_total", map[string]string{"route": "POST /api/v1/submissions", "method": "POST", "code": "403"}, 1},
		{"baocao_http_requests_total", map[string]string{"route": "GET /units/{unit}/periods/{period}/template.xlsx", "method": "GET", "code": "200"}, 2},
		{"baocao_http_request_duration_seconds", map[string]string{"route": "POST /api/v1/submissions", "method": "POST"}, 5},
		{"baocao_scheduler_job_runs_total", map[string]string{"job": "flag-deadlines", "outcome": "success"}, 1},
		{"baocao_scheduler_job_runs_total", map[string]string{"job": "broken", "outcome": "error"}, 1},
		{"baocao_scheduler_job_duration_seconds", map[string]string{"job": "broken"}, 1},
		// c1 filed; c2 (a dry run only) and c3 still owe, before the deadline.
		{"baocao_open_period_obligations", map[string]string{"status": "submitted"}, 1},
		{"baocao_open_period_obligations", map[string]string{"status": "pending"}, 2},
		{"baocao_open_period_obligations", map[string]string{"status": "missing"}, 0},
		{"baocao_outbox_messages", map[string]string{"status": reminded}, 1},
		{"baocao_outbox_messages", map[string]string{"status": "sent"}, 0},
		{"baocao_outbox_messages", map[string]string{"status": "skipped"}, 0},
	}
	for _, w := range want {
		got, ok := sample(fams, w.name, w.labels)
		if !ok || got != w.value {
			t.Errorf("%s%v = %v (present %v), want %v", w.name, w.labels, got, ok, w.value)
		}
	}
	if v, ok := sample(fams, "baocao_scheduler_job_last_success_timestamp_seconds", map[string]string{"job": "flag-deadlines"}); !ok || time.Since(time.Unix(int64(v), 0)) > time.Minute {
		t.Errorf("flag-deadlines last success %v (present %v), want just now", v, ok)
	}
	if _, ok := sample(fams, "baocao_scheduler_job_last_success_timestamp_seconds", map[string]string{"job": "broken"}); ok {
		t.Error("a job that never succeeded has a last success time")
	}
	// Routes are patterns, never paths: no unit code or id in a label.
	for _, m := range fams["baocao_http_requests_total"].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "route" && (strings.Contains(l.GetValue(), "/units/"+e.c1) || strings.Contains(l.GetValue(), fmt.Sprintf("/%d/", e.periodID))) {
				t.Errorf("route label %q is a path", l.GetValue())
			}
		}
	}
	if v, ok := sample(fams, "baocao_db_pool_acquires_total", map[string]string{}); !ok || v < 1 {
		t.Errorf("baocao_db_pool_acquires_total %v (present %v)", v, ok)
	}
	for _, name := range []string{"baocao_db_pool_connections", "baocao_db_pool_max_connections", "go_goroutines", "go_memstats_alloc_bytes", "process_resident_memory_bytes", "process_start_time_seconds"} {
		if fams[name] == nil {
			t.Errorf("/metrics lacks %s", name)
		}
	}
}
