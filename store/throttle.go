package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// ThrottlePolicy is how sign-in attempts on one key are spaced: Free
// attempts per Window go through at once; then each next one waits twice
// as long as the last wait (1 s, 2 s, 4 s, …), up to MaxDelay.
type ThrottlePolicy struct {
	Free     int
	Window   time.Duration
	MaxDelay time.Duration
}

// ReserveAttempt reserves a sign-in attempt on key at now under policy p,
// atomically — one statement whose row lock orders concurrent attempts on
// the key: it answers 0 when the attempt may go ahead, else how long to
// wait. A reserved attempt counts whether it then succeeds or not; a
// success clears the e-mail's key (ClearAttempts).
func (s *Store) ReserveAttempt(ctx context.Context, key string, now time.Time, p ThrottlePolicy) (time.Duration, error) {
	// n is the attempt's number in its window; the wait it sets for the
	// next one is in the same statement, so a concurrent attempt waiting
	// on the row lock sees it.
	const n = `(CASE WHEN t.window_start <= $2 - $3::interval THEN 1 ELSE t.attempts + 1 END)`
	var ok bool
	err := s.q.QueryRow(ctx, `
		INSERT INTO login_throttle AS t (key, attempts, window_start, next_allowed)
		VALUES ($1, 1, $2, $2)
		ON CONFLICT (key) DO UPDATE SET
			attempts     = `+n+`,
			window_start = CASE WHEN t.window_start <= $2 - $3::interval THEN $2 ELSE t.window_start END,
			next_allowed = CASE WHEN `+n+` >= $4
			                    THEN $2 + least($5::interval, interval '1 second' * power(2, `+n+` - $4))
			                    ELSE $2 END
		WHERE t.next_allowed <= $2
		RETURNING true`, key, now, p.Window, p.Free, p.MaxDelay).Scan(&ok)
	if errors.Is(err, pgx.ErrNoRows) {
		// Still waiting: how long.
		var next time.Time
		if err := s.q.QueryRow(ctx, `SELECT next_allowed FROM login_throttle WHERE key = $1`, key).Scan(&next); err != nil {
			return 0, fmt.Errorf("sign-in throttle %s: %w", key, err)
		}
		return max(next.Sub(now), time.Second), nil
	}
	if err != nil {
		return 0, fmt.Errorf("sign-in throttle %s: %w", key, err)
	}
	return 0, nil
}

// ClearAttempts forgets key's attempts: a successful sign-in, or an
// administrator unlocking an account.
func (s *Store) ClearAttempts(ctx context.Context, key string) (bool, error) {
	tag, err := s.q.Exec(ctx, `DELETE FROM login_throttle WHERE key = $1`, key)
	if err != nil {
		return false, fmt.Errorf("clear sign-in throttle %s: %w", key, err)
	}
	return tag.RowsAffected() > 0, nil
}

// PurgeAttempts forgets keys whose window ended before since and that
// make no one wait: the table stays the size of the recent attempts.
func (s *Store) PurgeAttempts(ctx context.Context, since time.Time) (int64, error) {
	tag, err := s.q.Exec(ctx, `DELETE FROM login_throttle WHERE window_start < $1 AND next_allowed < $1`, since)
	if err != nil {
		return 0, fmt.Errorf("purge sign-in throttle: %w", err)
	}
	return tag.RowsAffected(), nil
}
