package scheduler

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"baocao/store/storetest"
)

func newPool(t *testing.T, url string) *pgxpool.Pool {
	t.Helper()
	p, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

func TestLeaderIsExclusiveAndReplacedWhenItDies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := storetest.NewDB(t)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := NewLeader(newPool(t, url), 4242, quiet)
	b := NewLeader(newPool(t, url), 4242, quiet)

	if err := a.IsLeader(ctx); err != nil {
		t.Fatalf("first instance should lead: %v", err)
	}
	if err := a.IsLeader(ctx); err != nil {
		t.Fatalf("leader should stay leader: %v", err)
	}
	if err := b.IsLeader(ctx); !errors.Is(err, ErrNotLeader) {
		t.Fatalf("second instance: got %v, want ErrNotLeader", err)
	}

	// The leader's session dies (crash, network cut): kill its backend.
	admin := newPool(t, url)
	var pid uint32
	a.mu.Lock()
	pid = a.conn.PgConn().PID()
	a.mu.Unlock()
	if _, err := admin.Exec(ctx, `SELECT pg_terminate_backend($1)`, pid); err != nil {
		t.Fatal(err)
	}
	// Termination is asynchronous: the lock goes when the backend has exited.
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := b.IsLeader(ctx)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("second instance should take over after the leader died: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The old leader notices it lost the lock instead of running jobs too.
	if err := a.IsLeader(ctx); !errors.Is(err, ErrNotLeader) {
		t.Fatalf("dead leader: got %v, want ErrNotLeader", err)
	}
	b.Resign(ctx)
	if err := a.IsLeader(ctx); err != nil {
		t.Fatalf("after resignation the other instance should lead: %v", err)
	}
	a.Resign(ctx)
}
