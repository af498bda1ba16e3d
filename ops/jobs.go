package ops

import (
	"context"
	"fmt"
	"time"

	"baocao/reporting"
	"baocao/store"
)

// The jobs the scheduler runs on every tick, each also runnable once from
// the command line with any moment: open the periods that are due, flag
// deadlines passed with nothing in, enqueue due reminders
// (EnqueueReminders), deliver the outbox (DeliverOutbox), purge expired
// sessions.

// OpenDuePeriods opens every period of every current form due at now, with
// one obligation per unit of the form's kinds active on its first day, and
// reports what it created. Periods missed during downtime are due too, so
// the same call catches up; running it again creates nothing.
func (s *Service) OpenDuePeriods(ctx context.Context, now time.Time) (store.OpenResult, error) {
	var total store.OpenResult
	forms, err := s.st.CurrentForms(ctx)
	if err != nil {
		return total, fmt.Errorf("open periods: %w", err)
	}
	cal, err := s.st.Calendar(ctx)
	if err != nil {
		return total, fmt.Errorf("open periods: %w", err)
	}
	for _, f := range forms {
		for _, sch := range f.Schedules {
			due, err := sch.PeriodsDue(time.Time{}, now, s.opts.Location, cal)
			if err != nil {
				return total, fmt.Errorf("open periods of %s: %w", f.Code, err)
			}
			res, err := s.st.OpenPeriods(ctx, f, due)
			total.Periods += res.Periods
			total.Obligations += res.Obligations
			if err != nil {
				return total, err
			}
		}
	}
	// Thousands of new rows: fresh planner statistics for what reads
	// them next (once a job, not once a period).
	s.st.AnalyzeAfter(ctx, total.Obligations, "obligations", "obligation_events", "matrix_cells")
	return total, nil
}

// FlagMissing records, in the history of every obligation whose deadline
// passed before now with nothing in (in a period not yet locked), that the
// deadline passed, once per deadline, and returns how many it flagged. The
// status needs no flag — it follows from the deadline — but the history
// shows when the system saw it. Running it again, or on two instances, or
// late after downtime, flags nothing more.
func (s *Service) FlagMissing(ctx context.Context, now time.Time) (int, error) {
	n := 0
	err := s.st.InTx(ctx, func(tx *store.Store) error {
		due, err := tx.Unflagged(ctx, now)
		if err != nil {
			return err
		}
		for i := range due {
			due[i].Event = reporting.Event{At: now, Kind: reporting.EventFlaggedMissing, Actor: System.Email, Deadline: due[i].Deadline}
		}
		n = len(due)
		return tx.RecordEvents(ctx, due)
	})
	if err != nil {
		return 0, fmt.Errorf("flag deadlines: %w", err)
	}
	s.st.AnalyzeAfter(ctx, n, "obligations", "obligation_events")
	return n, nil
}

// PurgeSessions deletes the sign-in sessions expired at now and says how
// many.
func (s *Service) PurgeSessions(ctx context.Context, now time.Time) (int64, error) {
	return s.st.DeleteExpiredSessions(ctx, now)
}
