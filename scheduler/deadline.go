package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"baocao/store"
)

// FlagDeadlines is the tick job that marks as missing every pending
// obligation whose deadline has passed. Late uploads need no job: an
// upload after the deadline is marked late when it is stored.
func FlagDeadlines(st *store.Store, log *slog.Logger) Job {
	return Job{Name: "flag-deadlines", Run: func(ctx context.Context, now time.Time) error {
		n, err := FlagMissing(ctx, st, now)
		if err != nil {
			return err
		}
		if n > 0 {
			log.InfoContext(ctx, "obligations past their deadline flagged missing", "obligations", n, "at", now)
		}
		return nil
	}}
}

// FlagMissing marks the obligations still pending after their deadline at
// now as missing, in one statement, and returns how many. Running it again,
// or on two instances, or late after downtime, changes nothing more.
func FlagMissing(ctx context.Context, st *store.Store, now time.Time) (int64, error) {
	n, err := st.FlagMissing(ctx, now)
	if err != nil {
		return 0, fmt.Errorf("flag deadlines: %w", err)
	}
	return n, nil
}
