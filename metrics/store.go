package metrics

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"baocao/reporting"
	"baocao/store"
)

// storeCollector counts, at each scrape, the outbox's messages and the
// open periods' obligations by status (one query each), and reads the
// connection pool's statistics.
type storeCollector struct {
	st  *store.Store
	now func() time.Time
	log *slog.Logger

	outbox, obligations                                   *prometheus.Desc
	poolConns, poolMax                                    *prometheus.Desc
	acquires, acquireSeconds, emptyAcquires, canceledAcqs *prometheus.Desc
	newConns, lifetimeDestroyed, idleDestroyed            *prometheus.Desc
}

func newStoreCollector(st *store.Store, now func() time.Time, log *slog.Logger) *storeCollector {
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(name, help, labels, nil)
	}
	return &storeCollector{st: st, now: now, log: log,
		outbox:            d("baocao_outbox_messages", "E-mails in the outbox by status (queued, sending, sent, failed, skipped).", "status"),
		obligations:       d("baocao_open_period_obligations", "Obligations of the periods open now, by status.", "status"),
		poolConns:         d("baocao_db_pool_connections", "Database pool connections by state (acquired, idle, constructing).", "state"),
		poolMax:           d("baocao_db_pool_max_connections", "Largest size of the database pool."),
		acquires:          d("baocao_db_pool_acquires_total", "Connections acquired from the pool."),
		acquireSeconds:    d("baocao_db_pool_acquire_duration_seconds_total", "Time spent acquiring connections from the pool."),
		emptyAcquires:     d("baocao_db_pool_empty_acquires_total", "Acquires that had to wait for a connection (the pool was empty)."),
		canceledAcqs:      d("baocao_db_pool_canceled_acquires_total", "Acquires canceled by their context."),
		newConns:          d("baocao_db_pool_new_connections_total", "Connections the pool opened."),
		lifetimeDestroyed: d("baocao_db_pool_max_lifetime_destroyed_total", "Connections closed for reaching their maximum lifetime."),
		idleDestroyed:     d("baocao_db_pool_max_idle_destroyed_total", "Connections closed for idling too long."),
	}
}

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.outbox, c.obligations, c.poolConns, c.poolMax, c.acquires, c.acquireSeconds,
		c.emptyAcquires, c.canceledAcqs, c.newConns, c.lifetimeDestroyed, c.idleDestroyed} {
		ch <- d
	}
}

// outboxStatuses and obligationStatuses are always reported, 0 when
// absent, so a series does not vanish when its count drops to nothing.
var (
	outboxStatuses     = []store.ReminderStatus{store.ReminderQueued, store.ReminderSending, store.ReminderSent, store.ReminderFailed, store.ReminderSkipped}
	obligationStatuses = []reporting.Status{reporting.StatusPending, reporting.StatusSubmitted, reporting.StatusLate, reporting.StatusMissing,
		reporting.StatusReturned, reporting.StatusAccepted, reporting.StatusExempt}
)

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if counts, err := c.st.OutboxCounts(ctx); err != nil {
		c.log.WarnContext(ctx, "metrics: outbox not counted", "err", err)
		ch <- prometheus.NewInvalidMetric(c.outbox, err)
	} else {
		for _, s := range outboxStatuses {
			ch <- prometheus.MustNewConstMetric(c.outbox, prometheus.GaugeValue, float64(counts[s]), string(s))
		}
	}
	if counts, err := c.st.OpenObligationCounts(ctx, c.now()); err != nil {
		c.log.WarnContext(ctx, "metrics: obligations not counted", "err", err)
		ch <- prometheus.NewInvalidMetric(c.obligations, err)
	} else {
		for _, s := range obligationStatuses {
			ch <- prometheus.MustNewConstMetric(c.obligations, prometheus.GaugeValue, float64(counts[s]), string(s))
		}
	}
	ps := c.st.Pool().Stat()
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	counter := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v)
	}
	gauge(c.poolConns, float64(ps.AcquiredConns()), "acquired")
	gauge(c.poolConns, float64(ps.IdleConns()), "idle")
	gauge(c.poolConns, float64(ps.ConstructingConns()), "constructing")
	gauge(c.poolMax, float64(ps.MaxConns()))
	counter(c.acquires, float64(ps.AcquireCount()))
	counter(c.acquireSeconds, ps.AcquireDuration().Seconds())
	counter(c.emptyAcquires, float64(ps.EmptyAcquireCount()))
	counter(c.canceledAcqs, float64(ps.CanceledAcquireCount()))
	counter(c.newConns, float64(ps.NewConnsCount()))
	counter(c.lifetimeDestroyed, float64(ps.MaxLifetimeDestroyCount()))
	counter(c.idleDestroyed, float64(ps.MaxIdleDestroyCount()))
}
