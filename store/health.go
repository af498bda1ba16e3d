package store

import (
	"context"
	"fmt"
)

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return nil
}

// AdvisoryLockHeld reports whether some session holds the session-level
// advisory lock key on this database (the scheduler's leader lock, for
// readiness). PostgreSQL stores a bigint key as two oids, the high 32 bits
// in classid and the low 32 in objid, with objsubid 1.
func (s *Store) AdvisoryLockHeld(ctx context.Context, key int64) (bool, error) {
	var held bool
	err := s.q.QueryRow(ctx, `
		SELECT EXISTS (
		  SELECT 1 FROM pg_locks
		  WHERE locktype = 'advisory' AND granted
		    AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
		    AND classid = $1::bigint::oid AND objid = $2::bigint::oid AND objsubid = 1)`,
		int64(uint32(uint64(key)>>32)), int64(uint32(key))).Scan(&held)
	if err != nil {
		return false, fmt.Errorf("look up advisory lock %d: %w", key, err)
	}
	return held, nil
}
