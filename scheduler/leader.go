package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// LeaderLockKey is the PostgreSQL advisory lock that makes one instance the
// scheduler's leader.
const LeaderLockKey int64 = 0x62616f63616f // "baocao"

// ErrNotLeader is what IsLeader answers on an instance that is not leading.
var ErrNotLeader = errors.New("another instance holds the scheduler lock")

// Leader elects one instance among those sharing a database: the one whose
// dedicated connection holds a session advisory lock. When the leader dies
// its session ends, PostgreSQL releases the lock, and the next instance to
// ask becomes leader. It implements gocron's Elector.
type Leader struct {
	pool *pgxpool.Pool
	key  int64
	log  *slog.Logger

	mu   sync.Mutex
	conn *pgx.Conn // holds the lock while non-nil
}

// NewLeader makes an elector on pool's database.
func NewLeader(pool *pgxpool.Pool, key int64, log *slog.Logger) *Leader {
	return &Leader{pool: pool, key: key, log: log}
}

// IsLeader returns nil when this instance holds (or has just taken) the lock.
func (l *Leader) IsLeader(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn != nil {
		// A lock on a dead connection is no lock: check the session lives.
		if err := l.conn.Ping(ctx); err == nil {
			return nil
		}
		l.log.WarnContext(ctx, "scheduler leader connection lost; re-electing")
		l.conn.Close(context.WithoutCancel(ctx)) //nolint:errcheck
		l.conn = nil
	}
	pc, err := l.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("acquire connection for leader lock: %w", err)
	}
	var got bool
	if err := pc.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, l.key).Scan(&got); err != nil {
		pc.Release()
		return fmt.Errorf("try leader lock: %w", err)
	}
	if !got {
		pc.Release()
		return ErrNotLeader
	}
	// The connection leaves the pool so that nothing else uses, resets or
	// closes the session that holds the lock.
	l.conn = pc.Hijack()
	l.log.InfoContext(ctx, "this instance is now the scheduler leader")
	return nil
}

// Resign releases the lock, if held.
func (l *Leader) Resign(ctx context.Context) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn != nil {
		// Unlock first: a closed session's locks go only once the backend
		// has exited, and the next leader should not wait for that.
		l.conn.Exec(ctx, `SELECT pg_advisory_unlock($1)`, l.key) //nolint:errcheck
		l.conn.Close(ctx)                                        //nolint:errcheck
		l.conn = nil
	}
}
