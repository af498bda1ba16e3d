// Package store is baocao's PostgreSQL storage: one Store over a pgx pool,
// plain SQL next to the Go that runs it, one file per table.
package store

import (
	"context"
	"fmt"
	"os"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// querier is what both the pool and a transaction offer.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Begin(ctx context.Context) (pgx.Tx, error)
	CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error)
}

// Store runs baocao's queries, either on the pool or inside one transaction
// (see InTx).
type Store struct {
	pool *pgxpool.Pool
	q    querier
}

// Open connects to the database at url and checks that it answers.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	// No JIT compilation: baocao's queries are short, and a plan whose
	// estimate crosses jit_above_cost (a period's 10,000 obligations with
	// the history branch of factsAt, which rarely runs) paid ~20 ms of
	// compiling for a 30 ms query. A URL or server setting can still ask
	// for it.
	if _, set := cfg.ConnConfig.RuntimeParams["jit"]; !set {
		cfg.ConnConfig.RuntimeParams["jit"] = "off"
	}
	// Sorts in memory: the matrix of 10,000 units sorts 40,000 rows of
	// packed cells (~7 MB), which the server's default 4 MB spilled to
	// disk (an external merge of 20 ms). Per sort, not per connection; a
	// URL or server setting can still say otherwise.
	// The administrator's system page names the scheduler's leader by
	// its connection's application name: host and process, as the
	// scheduler records its runs (scheduler.Instance).
	if _, set := cfg.ConnConfig.RuntimeParams["application_name"]; !set {
		cfg.ConnConfig.RuntimeParams["application_name"] = "baocao " + Instance()
	}
	if _, set := cfg.ConnConfig.RuntimeParams["work_mem"]; !set {
		cfg.ConnConfig.RuntimeParams["work_mem"] = "32MB"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open database pool: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to database %s@%s:%d/%s: %w",
			cfg.ConnConfig.User, cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database, err)
	}
	return New(pool), nil
}

// Instance names this process: its host name and process id
// ("may-chu-1/4321").
func Instance() string {
	host, err := os.Hostname()
	if err != nil {
		host = "?"
	}
	return fmt.Sprintf("%s/%d", host, os.Getpid())
}

// New wraps an existing pool.
func New(pool *pgxpool.Pool) *Store { return &Store{pool: pool, q: pool} }

// Pool is the underlying connection pool.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Close closes the pool. A Store made by InTx must not be closed.
func (s *Store) Close() { s.pool.Close() }

// InTx runs fn with a Store whose queries all run in one transaction,
// committed when fn returns nil and rolled back otherwise. Nested calls use
// savepoints.
func (s *Store) InTx(ctx context.Context, fn func(tx *Store) error) error {
	tx, err := s.q.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
	if err := fn(&Store{pool: s.pool, q: tx}); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit transaction: %w", err)
	}
	return nil
}

// OnTx gives a Store whose queries run on tx, a transaction its caller
// owns and ends (store/storetest rolls a whole test back this way).
func OnTx(pool *pgxpool.Pool, tx pgx.Tx) *Store { return &Store{pool: pool, q: tx} }
