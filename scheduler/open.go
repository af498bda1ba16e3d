package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"baocao/store"
)

// OpenPeriods is the tick job that opens every due period of every current
// form, with its obligations. Periods missed during downtime are due too, so
// the same call catches up.
func OpenPeriods(st *store.Store, loc *time.Location, log *slog.Logger) Job {
	return Job{Name: "open-periods", Run: func(ctx context.Context, now time.Time) error {
		res, err := OpenDue(ctx, st, now, loc)
		if err != nil {
			return err
		}
		if res.Periods > 0 {
			log.InfoContext(ctx, "periods opened", "periods", res.Periods, "obligations", res.Obligations, "at", now)
		}
		return nil
	}}
}

// OpenDue opens the periods due at now and reports what it created.
func OpenDue(ctx context.Context, st *store.Store, now time.Time, loc *time.Location) (store.OpenResult, error) {
	var total store.OpenResult
	forms, err := st.CurrentForms(ctx)
	if err != nil {
		return total, fmt.Errorf("open periods: %w", err)
	}
	cal, err := st.Calendar(ctx)
	if err != nil {
		return total, fmt.Errorf("open periods: %w", err)
	}
	for _, f := range forms {
		for _, sch := range f.Schedules {
			due, err := sch.PeriodsDue(time.Time{}, now, loc, cal)
			if err != nil {
				return total, fmt.Errorf("open periods of %s: %w", f.Code, err)
			}
			res, err := st.OpenPeriods(ctx, f, due)
			total.Periods += res.Periods
			total.Obligations += res.Obligations
			if err != nil {
				return total, err
			}
		}
	}
	return total, nil
}
