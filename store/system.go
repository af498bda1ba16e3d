package store

import (
	"context"
	"errors"
	"fmt"
	"path"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pressly/goose/v3"
)

// SystemStatus is what the administrator's system page shows of the
// database and the scheduler.
type SystemStatus struct {
	// Migrations lists every migration embedded in the binary, applied or
	// pending, oldest first.
	Migrations []Migration
	// Leader is the instance running the scheduled jobs, if any.
	Leader *SchedulerLeader
	// Jobs is each scheduled job's last run, by name.
	Jobs []JobRun
	// DatabaseBytes is the database's size on disk; Tables the largest
	// tables (with their indexes), largest first.
	DatabaseBytes int64
	Tables        []TableSize
	ServerVersion string
}

// Migration is one schema migration.
type Migration struct {
	Version   int64
	Name      string
	Applied   bool
	AppliedAt time.Time
}

// SchedulerLeader is the database session that holds the scheduler's
// leader lock: which instance leads, from when.
type SchedulerLeader struct {
	PID         int
	Application string
	Client      string
	Since       time.Time
}

// JobRun is a scheduled job's last run (scheduler_runs).
type JobRun struct {
	Job        string
	Instance   string
	StartedAt  time.Time
	FinishedAt time.Time
	OK         bool
	Error      string
	LastOKAt   *time.Time
}

// TableSize is one table's size on disk with its indexes and TOAST, and
// its estimated row count.
type TableSize struct {
	Name  string
	Bytes int64
	Rows  int64
}

// SystemStatus reads the schema's migrations, the holder of advisory lock
// leaderLock (the scheduler's), the jobs' last runs and the sizes.
func (s *Store) SystemStatus(ctx context.Context, leaderLock int64) (SystemStatus, error) {
	var out SystemStatus
	p, closeDB, err := s.migrator()
	if err != nil {
		return out, err
	}
	defer closeDB()
	status, err := p.Status(ctx)
	if err != nil {
		return out, fmt.Errorf("migration status: %w", err)
	}
	for _, m := range status {
		out.Migrations = append(out.Migrations, Migration{Version: m.Source.Version, Name: path.Base(m.Source.Path),
			Applied: m.State == goose.StateApplied, AppliedAt: m.AppliedAt})
	}
	var leader SchedulerLeader
	err = s.q.QueryRow(ctx, `
		SELECT a.pid, a.application_name, coalesce(host(a.client_addr), 'socket'), a.backend_start
		FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
		WHERE l.locktype = 'advisory' AND l.granted
		  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
		  AND l.classid = $1::bigint::oid AND l.objid = $2::bigint::oid AND l.objsubid = 1`,
		int64(uint32(uint64(leaderLock)>>32)), int64(uint32(leaderLock))).Scan(&leader.PID, &leader.Application, &leader.Client, &leader.Since)
	switch {
	case err == nil:
		out.Leader = &leader
	case !errors.Is(err, pgx.ErrNoRows):
		return out, fmt.Errorf("scheduler leader: %w", err)
	}
	rows, err := s.q.Query(ctx, `SELECT job, instance, started_at, finished_at, ok, error, last_ok_at FROM scheduler_runs ORDER BY job`)
	if err != nil {
		return out, fmt.Errorf("scheduler runs: %w", err)
	}
	if out.Jobs, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (JobRun, error) {
		var j JobRun
		return j, row.Scan(&j.Job, &j.Instance, &j.StartedAt, &j.FinishedAt, &j.OK, &j.Error, &j.LastOKAt)
	}); err != nil {
		return out, fmt.Errorf("scheduler runs: %w", err)
	}
	if err := s.q.QueryRow(ctx, `SELECT pg_database_size(current_database()), current_setting('server_version')`).Scan(&out.DatabaseBytes, &out.ServerVersion); err != nil {
		return out, fmt.Errorf("database size: %w", err)
	}
	rows, err = s.q.Query(ctx, `
		SELECT c.relname, pg_total_relation_size(c.oid), greatest(c.reltuples, 0)::bigint
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema()
		ORDER BY 2 DESC, 1 LIMIT 12`)
	if err != nil {
		return out, fmt.Errorf("table sizes: %w", err)
	}
	if out.Tables, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (TableSize, error) {
		var t TableSize
		return t, row.Scan(&t.Name, &t.Bytes, &t.Rows)
	}); err != nil {
		return out, fmt.Errorf("table sizes: %w", err)
	}
	return out, nil
}
