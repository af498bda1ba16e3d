package scheduler

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"baocao/migrations"
	"baocao/store"
	"baocao/store/storetest"
)

// TestRunsAreRecordedForTheSystemPage: each job's last run is kept with
// the instance that ran it; a failure keeps its error (bounded) and the
// last success before it; the system status names the leader's session
// as that instance and lists the runs and every migration.
func TestRunsAreRecordedForTheSystemPage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := store.Open(ctx, storetest.NewDB(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	var n atomic.Int32
	sc, err := New(st.Pool(), Options{Tick: 150 * time.Millisecond, Location: time.UTC, Logger: slog.New(slog.DiscardHandler)},
		Job{Name: "ok", Run: func(context.Context, time.Time) error { return nil }},
		Job{Name: "flaky", Run: func(context.Context, time.Time) error {
			if n.Add(1) == 1 {
				return nil
			}
			return errors.New("mail server down: " + strings.Repeat("x", 5000))
		}})
	if err != nil {
		t.Fatal(err)
	}
	sc.Start()
	deadline := time.Now().Add(10 * time.Second)
	for n.Load() < 3 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	status, err := st.SystemStatus(ctx, LeaderLockKey)
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if status.Leader == nil || !strings.Contains(status.Leader.Application, store.Instance()) {
		t.Errorf("leader %+v, want this instance %s", status.Leader, store.Instance())
	}
	runs := map[string]store.JobRun{}
	for _, j := range status.Jobs {
		runs[j.Job] = j
	}
	if ok := runs["ok"]; !ok.OK || ok.Instance != store.Instance() || ok.LastOKAt == nil || ok.FinishedAt.Before(ok.StartedAt) {
		t.Errorf("ok job: %+v", ok)
	}
	if f := runs["flaky"]; f.OK || !strings.HasPrefix(f.Error, "mail server down: x") || len(f.Error) > maxRunError || f.LastOKAt == nil || !f.LastOKAt.Before(f.StartedAt) {
		t.Errorf("flaky job: ok %v, error %d bytes, last ok %v, started %v", f.OK, len(f.Error), f.LastOKAt, f.StartedAt)
	}
	files, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	if len(status.Migrations) != len(files) || !status.Migrations[len(status.Migrations)-1].Applied || status.DatabaseBytes <= 0 || len(status.Tables) == 0 {
		t.Errorf("status: %d migrations, %d bytes, %d tables", len(status.Migrations), status.DatabaseBytes, len(status.Tables))
	}
}
