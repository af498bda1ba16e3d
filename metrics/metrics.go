// Package metrics exposes baocao's Prometheus metrics: HTTP requests,
// uploads, scheduled jobs (observers the web server, ops and the
// scheduler are handed, each defined where it is used), the outbox and
// the open periods' obligations counted at scrape time, the database
// pool, and Go's and the process's own. It is the only package that
// imports the Prometheus client; each Metrics has its own registry.
package metrics

import (
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"baocao/ops"
	"baocao/store"
)

// Options configure Metrics.
type Options struct {
	// Now is the clock the scrape-time counts are taken at (which periods
	// are open); time.Now when nil.
	Now func() time.Time
	// Logger receives scrape errors.
	Logger *slog.Logger
}

// Metrics holds baocao's metrics on one registry.
type Metrics struct {
	reg *prometheus.Registry
	log *slog.Logger

	httpRequests   *prometheus.CounterVec
	httpDuration   *prometheus.HistogramVec
	uploads        *prometheus.CounterVec
	jobRuns        *prometheus.CounterVec
	jobDuration    *prometheus.HistogramVec
	jobLastSuccess *prometheus.GaugeVec
}

// durationBuckets reach 30 s: an upload over a slow commune link is slow.
var durationBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}

// New registers every metric; the scrape-time ones read st.
func New(st *store.Store, opts Options) *Metrics {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		log: opts.Logger,
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baocao_http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status code.",
		}, []string{"route", "method", "code"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "baocao_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route pattern and method.",
			Buckets: durationBuckets,
		}, []string{"route", "method"}),
		uploads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baocao_uploads_total",
			Help: "Uploaded reports by outcome: stored, duplicate, refused, forbidden, too_large, dry_run, error.",
		}, []string{"outcome"}),
		jobRuns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baocao_scheduler_job_runs_total",
			Help: "Scheduled job runs on this instance, by job and outcome (success, error).",
		}, []string{"job", "outcome"}),
		jobDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "baocao_scheduler_job_duration_seconds",
			Help:    "Time a scheduled job's run took, by job.",
			Buckets: durationBuckets,
		}, []string{"job"}),
		jobLastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "baocao_scheduler_job_last_success_timestamp_seconds",
			Help: "When a scheduled job last ended without error on this instance (Unix time).",
		}, []string{"job"}),
	}
	for _, o := range ops.UploadOutcomes {
		m.uploads.WithLabelValues(string(o))
	}
	m.reg.MustRegister(m.httpRequests, m.httpDuration, m.uploads, m.jobRuns, m.jobDuration, m.jobLastSuccess,
		newStoreCollector(st, opts.Now, opts.Logger),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// Registry is where the metrics are registered, for tests and for adding
// more.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in Prometheus's exposition format. A
// scrape-time count that fails is left out (and logged); the rest is
// served.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorLog:      slog.NewLogLogger(m.log.Handler(), slog.LevelWarn),
		ErrorHandling: promhttp.ContinueOnError,
	})
}

// methods are the HTTP methods counted by name; any other is "other", so
// a client cannot grow the label set.
var methods = map[string]bool{"GET": true, "HEAD": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true, "OPTIONS": true}

// Request counts one answered HTTP request (web.Observer). route is the
// ServeMux pattern that matched ("GET /units/{code}"), never the path, so
// the series stay few; "" (no route: a redirect or 405 from the mux) is
// "unmatched".
func (m *Metrics) Request(route, method string, status int, d time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	if !methods[method] {
		method = "other"
	}
	m.httpRequests.WithLabelValues(route, method, statusCode(status)).Inc()
	m.httpDuration.WithLabelValues(route, method).Observe(d.Seconds())
}

func statusCode(status int) string {
	if status < 100 || status > 999 {
		return "other"
	}
	return strconv.Itoa(status)
}

// Upload counts one upload's outcome (ops.Observer).
func (m *Metrics) Upload(outcome ops.UploadOutcome) {
	m.uploads.WithLabelValues(string(outcome)).Inc()
}

// JobRun records one run of a scheduled job (scheduler.Observer).
func (m *Metrics) JobRun(job string, err error, d time.Duration, end time.Time) {
	outcome := "success"
	if err != nil {
		outcome = "error"
	} else {
		m.jobLastSuccess.WithLabelValues(job).Set(float64(end.UnixNano()) / 1e9)
	}
	m.jobRuns.WithLabelValues(job, outcome).Inc()
	m.jobDuration.WithLabelValues(job).Observe(d.Seconds())
}
