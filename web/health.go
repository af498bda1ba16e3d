package web

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// Build identifies the running binary (cmd reads it from the build info).
type Build struct {
	// Version is the module version, or "dev" for a build from a work
	// tree.
	Version string `json:"version"`
	// Revision and Time are the VCS commit and its time, when the build
	// recorded them.
	Revision string `json:"revision,omitempty"`
	Time     string `json:"build_time,omitempty"`
	// Modified: the work tree had uncommitted changes.
	Modified bool `json:"modified,omitempty"`
}

// String is the build in one line: "v1.2.0 (abc1234, 2026-01-02T03:04:05Z)".
func (b Build) String() string {
	v := b.Version
	if v == "" {
		v = "dev"
	}
	if b.Revision == "" {
		return v
	}
	rev := b.Revision
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if b.Modified {
		rev += "+modified"
	}
	if b.Time != "" {
		return fmt.Sprintf("%s (%s, %s)", v, rev, b.Time)
	}
	return fmt.Sprintf("%s (%s)", v, rev)
}

// healthReport is /healthz: liveness only. The process answers; the
// database's state is one word, never its address or user.
type healthReport struct {
	Status   string `json:"status"`
	Database string `json:"database"` // ok or unavailable
	Build
}

// handleHealth answers 200 whenever the process can answer at all: a
// database outage must not get the process restarted (that is readiness,
// /readyz).
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	rep := healthReport{Status: "ok", Database: "ok", Build: s.opts.Build}
	if err := s.opts.Store.Ping(ctx); err != nil {
		s.log.WarnContext(ctx, "health: database unavailable", "err", err)
		rep.Database = "unavailable"
	}
	writeJSON(w, http.StatusOK, rep)
}

// readyReport is /readyz: whether this instance should get traffic.
type readyReport struct {
	Ready bool `json:"ready"`
	// Database is ok or unavailable.
	Database string `json:"database"`
	// Migrations is current, behind or unknown, with the versions when
	// known.
	Migrations       string `json:"migrations"`
	MigrationCurrent int64  `json:"migration_current,omitempty"`
	MigrationLatest  int64  `json:"migration_latest,omitempty"`
	// SchedulerLeader is held (some instance leads the scheduler), none,
	// unknown, or not_checked.
	SchedulerLeader string `json:"scheduler_leader"`
}

// handleReady answers 200 when the database answers, its schema is the
// one this binary expects, and some instance holds the scheduler's leader
// lock; 503 otherwise. Why it is not ready is in the body in words; the
// errors themselves go to the log, under the request's id.
func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	rep := readyReport{Database: "ok", Migrations: "unknown", SchedulerLeader: "unknown"}
	if err := s.opts.Store.Ping(ctx); err != nil {
		s.log.WarnContext(ctx, "not ready: database unavailable", "err", err)
		rep.Database = "unavailable"
		writeJSON(w, http.StatusServiceUnavailable, rep)
		return
	}
	ready := true
	if st, err := s.opts.Store.MigrationState(ctx); err != nil {
		s.log.WarnContext(ctx, "not ready: migration state unknown", "err", err)
		ready = false
	} else {
		rep.MigrationCurrent, rep.MigrationLatest = st.Current, st.Latest
		rep.Migrations = "current"
		if !st.UpToDate() {
			rep.Migrations, ready = "behind", false
		}
	}
	switch {
	case s.opts.LeaderLock == 0:
		rep.SchedulerLeader = "not_checked"
	default:
		held, err := s.opts.Store.AdvisoryLockHeld(ctx, s.opts.LeaderLock)
		switch {
		case err != nil:
			s.log.WarnContext(ctx, "not ready: scheduler leader unknown", "err", err)
			ready = false
		case held:
			rep.SchedulerLeader = "held"
		default:
			rep.SchedulerLeader, ready = "none", false
		}
	}
	rep.Ready = ready
	status := http.StatusOK
	if !ready {
		status = http.StatusServiceUnavailable
	}
	writeJSON(w, status, rep)
}
