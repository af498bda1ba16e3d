package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"baocao/mail"
	"baocao/metrics"
	"baocao/ops"
	"baocao/scheduler"
	"baocao/store"
	"baocao/web"
)

func newServeCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Run the web server and the scheduler",
		Long: `Run the web server and, unless scheduler.enabled is false, the scheduler.
Migrations are applied and the embedded forms loaded first. Needs database.url
and secret. Stops gracefully on SIGTERM or Ctrl-C.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if a.cfg.Database.URL == "" {
				return errors.New("config: database.url: required by serve (set BAOCAO_DATABASE_URL; `baocao demo` runs without one)")
			}
			if a.cfg.Secret == "" {
				return errors.New("config: secret: required by serve (set BAOCAO_SECRET to 32+ random characters)")
			}
			ctx := cmd.Context()
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			if err := a.syncForms(ctx, st); err != nil {
				return err
			}
			// Units imported straight into the database, or while the
			// service was down, still change who owes the open periods.
			rec, err := a.ops(st).ReconcileOpenPeriods(ctx, a.now())
			if err != nil {
				return err
			}
			if rec.Periods > 0 {
				a.log.InfoContext(ctx, "open periods reconciled with the unit list", "periods", rec.Periods,
					"added", rec.Added, "released", rec.Released)
			}
			return a.run(ctx, st, nil)
		},
	}
}

// run serves HTTP and runs the scheduler until ctx ends, then shuts both
// down gracefully. ready, when set, is called once the server listens.
func (a *app) run(ctx context.Context, st *store.Store, ready func(url string)) error {
	m := metrics.New(st, metrics.Options{Now: a.now, Logger: a.log})
	o := a.opsOptions()
	o.Observer = m
	svc := ops.New(st, o)
	b := build()
	sender, _, stopMail, err := a.mailSender()
	if err != nil {
		return err
	}
	defer stopMail() //nolint:errcheck
	srv := web.New(web.Options{Store: st, Ops: svc, Logger: a.log, Build: b, LeaderLock: scheduler.LeaderLockKey, Now: a.now,
		Observer: m, Metrics: m.Handler(), Settings: a.cfg.Settings(), Mailer: sender,
		TrustedProxies: a.cfg.HTTP.Proxies(), MaxConns: a.cfg.HTTP.MaxConns, MaxRequests: a.cfg.HTTP.MaxRequests})
	if err := srv.Listen(a.cfg.HTTP.Listen); err != nil {
		return err
	}
	var sched *scheduler.Scheduler
	if a.cfg.Scheduler.Enabled {
		sched, err = scheduler.New(st.Pool(), scheduler.Options{
			Tick: a.cfg.Scheduler.Tick, Location: a.cfg.Location, Logger: a.log, Now: a.now, Observer: m,
		}, a.jobs(svc, sender)...)
		if err != nil {
			return err
		}
		sched.Start()
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve() }()
	a.log.InfoContext(ctx, "baocao listening", "addr", srv.Addr(), "url", a.cfg.BaseURLOr(), "version", b.String())
	if ready != nil {
		ready(a.cfg.BaseURLOr())
	}
	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
	}
	a.log.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var errs []error
	if err := srv.Shutdown(shutCtx); err != nil {
		errs = append(errs, err)
	}
	if sched != nil {
		if err := sched.Shutdown(shutCtx); err != nil {
			errs = append(errs, err)
		}
	}
	if serveErr != nil {
		errs = append(errs, serveErr)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// jobs are the scheduler's: each tick runs every job with the tick's
// moment, and each is one action of svc; the same actions run once from
// the command line (periods open, deadlines, remind, outbox send).
func (a *app) jobs(svc *ops.Service, sender mail.Sender) []scheduler.Job {
	return []scheduler.Job{
		{Name: "open-periods", Run: func(ctx context.Context, now time.Time) error {
			res, err := svc.OpenDuePeriods(ctx, now)
			if res.Periods > 0 {
				a.log.InfoContext(ctx, "periods opened", "periods", res.Periods, "obligations", res.Obligations, "at", now)
			}
			return err
		}},
		{Name: "flag-deadlines", Run: func(ctx context.Context, now time.Time) error {
			n, err := svc.FlagMissing(ctx, now)
			if n > 0 {
				a.log.InfoContext(ctx, "obligations past their deadline flagged missing", "obligations", n, "at", now)
			}
			return err
		}},
		{Name: "remind", Run: func(ctx context.Context, now time.Time) error {
			res, err := svc.EnqueueReminders(ctx, now)
			if res.Enqueued > 0 {
				a.log.InfoContext(ctx, "reminders enqueued", "reminders", res.Enqueued, "no_address", res.NoAddress, "at", now)
			}
			return err
		}},
		{Name: "send-outbox", Run: func(ctx context.Context, now time.Time) error {
			res, err := svc.DeliverOutbox(ctx, sender, now)
			if res != (ops.DeliverResult{}) {
				a.log.InfoContext(ctx, "outbox delivered", "sent", res.Sent, "retried", res.Retried, "failed", res.Failed, "skipped", res.Skipped)
			}
			return err
		}},
		{Name: "purge-sessions", Run: func(ctx context.Context, now time.Time) error {
			n, err := svc.PurgeSessions(ctx, now)
			if n > 0 {
				a.log.InfoContext(ctx, "expired sessions purged", "sessions", n)
			}
			if err != nil {
				return err
			}
			old, err := svc.PurgeAudit(ctx, now)
			if old > 0 {
				a.log.InfoContext(ctx, "audit events past their retention purged", "events", old, "retention_days", a.cfg.Audit.RetentionDays)
			}
			return err
		}},
	}
}
