// Package scheduler runs baocao's periodic jobs (opening periods, and later
// flagging deadlines and reminders) with gocron, on one leader instance at a
// time. Every job is a func(ctx, now) error, so the CLI can run it once with
// any clock.
package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/jackc/pgx/v5/pgxpool"

	"baocao/store"
)

// Job is one periodic task. Run gets the moment it runs for.
type Job struct {
	Name string
	Run  func(ctx context.Context, now time.Time) error
}

// Options configure a Scheduler.
type Options struct {
	// Tick is how often every job runs.
	Tick time.Duration
	// Location is the time zone of the schedule.
	Location *time.Location
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Logger receives job outcomes.
	Logger *slog.Logger
	// Observer, when set, is told of every run, for metrics (package
	// metrics implements it).
	Observer Observer
}

// Observer is told of every job run on this instance: its job, its error
// (nil on success), how long it took by the wall clock and when it ended.
type Observer interface {
	JobRun(job string, err error, d time.Duration, end time.Time)
}

// Scheduler runs jobs on the instance that holds the leader lock.
type Scheduler struct {
	cron   gocron.Scheduler
	leader *Leader
	log    *slog.Logger
	obs    Observer
	pool   *pgxpool.Pool
	// instance names this process in scheduler_runs: host and process id.
	instance string
}

// New builds a scheduler whose jobs run every opts.Tick, first at start.
func New(pool *pgxpool.Pool, opts Options, jobs ...Job) (*Scheduler, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	leader := NewLeader(pool, LeaderLockKey, opts.Logger)
	cron, err := gocron.NewScheduler(
		gocron.WithLocation(opts.Location),
		gocron.WithDistributedElector(leader),
	)
	if err != nil {
		return nil, fmt.Errorf("create scheduler: %w", err)
	}
	s := &Scheduler{cron: cron, leader: leader, log: opts.Logger, obs: opts.Observer, pool: pool, instance: store.Instance()}
	for _, j := range jobs {
		_, err := cron.NewJob(
			gocron.DurationJob(opts.Tick),
			gocron.NewTask(s.runner(j, opts.Now)),
			gocron.WithName(j.Name),
			gocron.WithSingletonMode(gocron.LimitModeReschedule),
			gocron.WithStartAt(gocron.WithStartImmediately()),
		)
		if err != nil {
			return nil, fmt.Errorf("schedule job %s: %w", j.Name, err)
		}
	}
	return s, nil
}

func (s *Scheduler) runner(j Job, now func() time.Time) func(ctx context.Context) {
	return func(ctx context.Context) {
		// Durations are by the wall clock, whatever clock the jobs get.
		start := time.Now()
		err := j.Run(ctx, now())
		end := time.Now()
		if s.obs != nil {
			s.obs.JobRun(j.Name, err, end.Sub(start), end)
		}
		if rerr := s.record(ctx, j.Name, start, end, err); rerr != nil {
			s.log.WarnContext(ctx, "scheduled job run not recorded", "job", j.Name, "err", rerr)
		}
		if err != nil {
			s.log.ErrorContext(ctx, "scheduled job failed", "job", j.Name, "err", err)
			return
		}
		s.log.DebugContext(ctx, "scheduled job done", "job", j.Name, "duration", end.Sub(start))
	}
}

// maxRunError bounds the error text kept of a failed run.
const maxRunError = 2000

// record keeps job's run (start to end, failed with err unless nil) as its
// last in scheduler_runs, by the wall clock.
func (s *Scheduler) record(ctx context.Context, job string, start, end time.Time, err error) error {
	msg := ""
	if err != nil {
		msg = err.Error()
		if len(msg) > maxRunError {
			msg = strings.ToValidUTF8(msg[:maxRunError], "")
		}
	}
	_, dbErr := s.pool.Exec(ctx, `
		INSERT INTO scheduler_runs (job, instance, started_at, finished_at, ok, error, last_ok_at)
		VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $5 THEN $4::timestamptz END)
		ON CONFLICT (job) DO UPDATE SET instance = EXCLUDED.instance, started_at = EXCLUDED.started_at,
			finished_at = EXCLUDED.finished_at, ok = EXCLUDED.ok, error = EXCLUDED.error,
			last_ok_at = coalesce(EXCLUDED.last_ok_at, scheduler_runs.last_ok_at)`,
		job, s.instance, start, end, err == nil, msg)
	if dbErr != nil {
		return fmt.Errorf("record run of %s: %w", job, dbErr)
	}
	return nil
}

// Start begins running jobs in the background.
func (s *Scheduler) Start() { s.cron.Start() }

// Shutdown stops the jobs, waits for running ones, and gives up leadership.
func (s *Scheduler) Shutdown(ctx context.Context) error {
	err := s.cron.ShutdownWithContext(ctx)
	s.leader.Resign(ctx)
	if err != nil {
		return fmt.Errorf("stop scheduler: %w", err)
	}
	return nil
}
