package store

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"baocao/migrations"
)

// MigrationState says where the schema stands.
type MigrationState struct {
	Current int64 // version applied in the database
	Latest  int64 // newest version embedded in this binary
}

// UpToDate reports whether every embedded migration is applied.
func (m MigrationState) UpToDate() bool { return m.Current >= m.Latest }

func (s *Store) migrator() (*goose.Provider, func(), error) {
	db := stdlib.OpenDBFromPool(s.pool)
	// A session advisory lock makes concurrent starts of several instances safe.
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("create migration locker: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS,
		goose.WithSessionLocker(locker), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("create migration provider: %w", err)
	}
	return p, func() { db.Close() }, nil
}

// Migrate applies every pending migration; with none pending it does nothing.
func (s *Store) Migrate(ctx context.Context) (applied int, err error) {
	p, closeDB, err := s.migrator()
	if err != nil {
		return 0, err
	}
	defer closeDB()
	res, err := p.Up(ctx)
	if err != nil {
		return 0, fmt.Errorf("apply migrations: %w", err)
	}
	for _, r := range res {
		slog.InfoContext(ctx, "migration applied", "version", r.Source.Version, "path", r.Source.Path, "duration", r.Duration)
	}
	return len(res), nil
}

// MigrationState reads the applied and the embedded schema versions.
func (s *Store) MigrationState(ctx context.Context) (MigrationState, error) {
	p, closeDB, err := s.migrator()
	if err != nil {
		return MigrationState{}, err
	}
	defer closeDB()
	cur, latest, err := p.GetVersions(ctx)
	if err != nil {
		return MigrationState{}, fmt.Errorf("read migration versions: %w", err)
	}
	return MigrationState{Current: cur, Latest: latest}, nil
}
