// Command baocao is the whole service in one binary: web server, scheduler,
// demo and the administrator's command line. Every scheduled job can be run
// once from here with --at to set the clock.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"baocao/config"
	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
	"baocao/store/pglocal"
	"baocao/templates"
	"baocao/web"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root := newRootCmd(os.Stdout, os.Stderr, os.Environ(), time.Now)
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "baocao:", err)
		os.Exit(1)
	}
}

// app is what every command shares: configuration, logger, output, and
// the one clock every command, the web server and the scheduler read.
type app struct {
	cfg     *config.Config
	log     *slog.Logger
	out     io.Writer
	errOut  io.Writer
	environ []string
	now     func() time.Time
}

func newRootCmd(out, errOut io.Writer, environ []string, clock func() time.Time) *cobra.Command {
	a := &app{out: out, errOut: errOut, environ: environ, now: clock}
	root := &cobra.Command{
		Use:   "baocao",
		Short: "Periodic reporting on grassroots democracy: schedules, Excel templates, compliance, reports",
		Long: `baocao runs a province's periodic reporting regime: it opens reporting periods
on schedule, hands each unit a signed Excel template, validates and stores uploads,
tracks who is late or missing, reminds them by e-mail and builds consolidated reports.

Configuration comes from baocao.yaml, BAOCAO_* environment variables and flags
(see README.md); "baocao config" prints the effective values.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := config.Load(cmd.Flags(), a.environ)
			if err != nil {
				return err
			}
			a.cfg = cfg
			a.log = newLogger(errOut, cfg.Log)
			slog.SetDefault(a.log)
			return nil
		},
	}
	root.SetOut(out)
	root.SetErr(errOut)
	config.Flags(root.PersistentFlags())
	root.AddCommand(
		newServeCmd(a), newVersionCmd(a), newDemoCmd(a), newMigrateCmd(a), newConfigCmd(a),
		newUnitsCmd(a), newFormsCmd(a), newPeriodsCmd(a), newHolidaysCmd(a), newDBCmd(a), newUsersCmd(a), newTemplateCmd(a), newSubmitCmd(a), newRemindCmd(a), newOutboxCmd(a),
		newComplianceCmd(a), newDeadlinesCmd(a), newReviewCmd(a), newExemptCmd(a), newExtendCmd(a), newReportCmd(a), newEvaluationsCmd(a), newPublishCmd(a), newSignalsCmd(a),
	)
	return root
}

func newLogger(w io.Writer, c config.Log) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.Level))
	opts := &slog.HandlerOptions{Level: level}
	// Lines logged during a web request, by any package, carry its id.
	if c.Format == "text" {
		return slog.New(web.LogHandler(slog.NewTextHandler(w, opts)))
	}
	return slog.New(web.LogHandler(slog.NewJSONHandler(w, opts)))
}

// openStore connects to the configured database, or, when none is
// configured, to the one the demo uses (a local server's "baocao" database
// or the private cluster in data_dir), and applies pending migrations.
func (a *app) openStore(ctx context.Context) (*store.Store, error) {
	url := a.cfg.Database.URL
	if url == "" {
		res, err := pglocal.Ensure(ctx, pglocal.Options{DataDir: a.pgDataDir(), Logger: a.log})
		if err != nil {
			return nil, fmt.Errorf("no database.url configured and no local PostgreSQL available: %w", err)
		}
		a.log.InfoContext(ctx, "using local database", "source", res.Source)
		url = res.URL
	}
	st, err := store.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	if _, err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, err
	}
	// The official calendar ships like the schema: a new database, or a
	// new version of the calendar in the binary, gets its days.
	name, sum, days, err := templates.ShippedCalendar()
	if err == nil {
		var n int
		if n, err = st.LoadShippedCalendar(ctx, name, sum, days); n > 0 {
			// Its days may move the deadlines of periods already open.
			var res ops.CalendarResult
			res, err = a.ops(st).ShippedCalendarLoaded(ctx, a.now(), name, n)
			a.log.InfoContext(ctx, "shipped calendar loaded", "file", name, "days", n,
				"deadlines_moved", res.Moved, "announced", res.Announced)
		}
	}
	if err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// pgDataDir is where the private cluster lives: under data_dir, except
// when running as root with the default data_dir, where the cluster's
// unprivileged owner (postgres) could not reach a folder under a private
// home; then the system location /var/lib/baocao/postgres.
func (a *app) pgDataDir() string {
	if os.Geteuid() == 0 && a.cfg.DataDir == config.DefaultDataDir {
		return "/var/lib/baocao/postgres"
	}
	return a.cfg.Abs("postgres")
}

// parseAt reads a --at moment: RFC 3339, "2006-01-02 15:04" or a date
// (local midnight) in the configured zone; empty is now.
func (a *app) parseAt(s string) (time.Time, error) {
	if s == "" {
		return a.now(), nil
	}
	t, err := reporting.ParseMoment(s, a.cfg.Location)
	if err != nil {
		return time.Time{}, fmt.Errorf("--at %q: use 2026-07-01, \"2026-07-01 08:00\" or RFC 3339", s)
	}
	return t, nil
}

// parseDay reads a civil date YYYY-MM-DD.
func parseDay(flag, s string) (time.Time, error) {
	t, err := time.Parse("2006-01-02", strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %q: use YYYY-MM-DD", flag, s)
	}
	return reporting.Day(t.Date()), nil
}

// userError prints the Vietnamese message of a domain error as it is.
func userError(err error) error {
	var e *reporting.Error
	if errors.As(err, &e) {
		return errors.New(e.Message)
	}
	return err
}

// withStoreAt is withStore for commands with an --at flag: the moment is
// read first, so a mistyped --at fails before the database is opened.
func (a *app) withStoreAt(at *string, fn func(ctx context.Context, st *store.Store, now time.Time) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		now, err := a.parseAt(*at)
		if err != nil {
			return err
		}
		return a.withStore(func(ctx context.Context, st *store.Store, _ []string) error { return fn(ctx, st, now) })(cmd, args)
	}
}

// moment formats t for command output: local time with the zone.
func (a *app) moment(t time.Time) string { return t.In(a.cfg.Location).Format("2006-01-02 15:04 MST") }

// withStore is a command body that needs the database: it opens the store
// (see openStore), runs fn and closes it.
func (a *app) withStore(fn func(ctx context.Context, st *store.Store, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		ctx := cmd.Context()
		st, err := a.openStore(ctx)
		if err != nil {
			return err
		}
		defer st.Close()
		return fn(ctx, st, args)
	}
}

// ops builds the actions on st from the configuration.
func (a *app) ops(st *store.Store) *ops.Service { return ops.New(st, a.opsOptions()) }

// opsOptions are the actions' options from the configuration.
func (a *app) opsOptions() ops.Options {
	return ops.Options{
		Secret: []byte(a.cfg.Secret), MaxUploadBytes: a.cfg.Upload.MaxBytes,
		ParseLimit: a.cfg.Upload.ParseLimit, ParseWait: a.cfg.Upload.ParseWait, HeldUploadBytes: a.cfg.Upload.MemoryBudget,
		AuditRetention: time.Duration(a.cfg.Audit.RetentionDays) * 24 * time.Hour, Location: a.cfg.Location,
		BaseURL: a.cfg.BaseURLOr(), Outbox: ops.OutboxOptions{From: a.cfg.SMTP.From, ReplyTo: a.cfg.SMTP.ReplyTo, Workers: a.cfg.SMTP.Workers}, Logger: a.log,
		Signals: signalOptions(a.cfg.Signals),
	}
}

// signalOptions are the data-quality signals' thresholds from the
// configuration.
func signalOptions(c config.Signals) reporting.SignalOptions {
	return reporting.SignalOptions{JumpFactor: c.JumpFactor, PercentJump: c.PercentJump, MinDifference: c.MinDifference,
		HistoryPeriods: c.HistoryPeriods, HistoryMinimum: c.HistoryMinimum, ZScore: c.ZScore, PeersMinimum: c.PeersMinimum}
}
