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
// one obligation per unit of the form's kinds active on its cut-off, and
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

// ReconcileResult counts what ReconcileOpenPeriods changed.
type ReconcileResult struct {
	Periods  int // periods with any change
	Added    int // obligations of units that had none
	Moved    int // obligations moved to their unit's version on the cut-off (renamed, re-parented)
	Released int // obligations of departed units released, with the reason recorded
	// Restored counts obligations released by the system whose unit is
	// active on the cut-off again (a corrected list): owed again.
	Restored int
	// Touched are the periods changed, each with its counts.
	Touched []ReconciledPeriod
}

// ReconciledPeriod is one period a reconciliation changed.
type ReconciledPeriod struct {
	FormCode, Key, Label             string
	Added, Moved, Released, Restored int
}

// ReconcileOpenPeriods brings every stored period of a current form that is
// not locked at now in line with the unit list as it stands (after a units
// import, or at start-up): a unit of the form's kinds active on a period's
// cut-off without an obligation gets one, opened at now (its deadline is
// the period's, reminders follow from then on); an obligation follows its
// unit to the version in effect on the cut-off (a new name or parent); a unit no longer active on
// the cut-off with nothing filed is released — an exemption recorded in its
// history with the reason, by the system — and one that filed keeps its
// report. A unit released so and active on the cut-off again (a corrected
// list reopened it) owes the period again: the system's exemption is
// withdrawn with the reason, and its status is pending or missing as its
// deadline says; an exemption given by hand stays. Running it again
// changes nothing.
func (s *Service) ReconcileOpenPeriods(ctx context.Context, now time.Time) (ReconcileResult, error) {
	return s.reconcileOn(ctx, s.st, now)
}

// reconcileOn is ReconcileOpenPeriods on st (a transaction, for a
// preview).
func (s *Service) reconcileOn(ctx context.Context, st *store.Store, now time.Time) (ReconcileResult, error) {
	var total ReconcileResult
	cal, err := st.Calendar(ctx)
	if err != nil {
		return total, fmt.Errorf("reconcile periods: %w", err)
	}
	open, err := s.unlockedPeriods(ctx, st, now, cal)
	if err != nil {
		return total, fmt.Errorf("reconcile periods: %w", err)
	}
	for _, op := range open {
		f, p := op.form, op.period
		err := st.InTx(ctx, func(tx *store.Store) error {
			r, err := tx.ReconcilePeriod(ctx, f, p, now)
			if err != nil {
				return err
			}
			cutOff := reporting.FormatDate(p.DataTo)
			events := make([]store.ObligationEvent, 0, len(r.Departed)+len(r.Restored))
			for _, code := range r.Departed {
				events = append(events, store.ObligationEvent{PeriodID: r.PeriodID, UnitCode: code,
					Event: reporting.Event{At: now, Kind: reporting.EventExempted, Actor: System.Email, Reason: fmt.Sprintf(reasonDeparted, cutOff)}})
			}
			for _, code := range r.Restored {
				events = append(events, store.ObligationEvent{PeriodID: r.PeriodID, UnitCode: code,
					Event: reporting.Event{At: now, Kind: reporting.EventUnexempted, Actor: System.Email, Reason: fmt.Sprintf(reasonRestored, cutOff)}})
			}
			if err := tx.RecordEvents(ctx, events); err != nil {
				return err
			}
			if r.Added == 0 && r.Moved == 0 && len(events) == 0 {
				return nil
			}
			total.Periods++
			total.Touched = append(total.Touched, ReconciledPeriod{FormCode: f.Code, Key: p.Key, Label: p.Label,
				Added: int(r.Added), Moved: int(r.Moved), Released: len(r.Departed), Restored: len(r.Restored)})
			total.Added += int(r.Added)
			total.Moved += int(r.Moved)
			total.Released += len(r.Departed)
			total.Restored += len(r.Restored)
			return tx.Audit(ctx, store.AuditEvent{
				At: now, Actor: System.Email, Action: "period.reconcile", ObjectType: "period",
				ObjectID: fmt.Sprint(r.PeriodID),
				Details:  map[string]any{"form": f.Code, "key": p.Key, "added": r.Added, "moved": r.Moved, "released": r.Departed, "restored": r.Restored},
			})
		})
		if err != nil {
			return total, fmt.Errorf("reconcile %s %s: %w", f.Code, p.Key, err)
		}
	}
	st.AnalyzeAfter(ctx, total.Added+total.Moved+total.Released+total.Restored, "obligations", "obligation_events", "matrix_cells")
	return total, nil
}

// openPeriod is a stored period not yet locked, computed anew (with the
// calendar given) from the form version it was opened from.
type openPeriod struct {
	form   reporting.Form
	period reporting.Period
}

// unlockedPeriods lists the stored periods not locked at now, each as the
// schedule of the form version it was opened from gives it under calendar
// cal: its unit kinds and deadlines are that version's, not a later one's
// (a form that no longer obliges districts does not release the districts
// of a period opened before).
func (s *Service) unlockedPeriods(ctx context.Context, st *store.Store, now time.Time, cal reporting.Calendar) ([]openPeriod, error) {
	rows, err := st.Periods(ctx, store.PeriodFilter{})
	if err != nil {
		return nil, err
	}
	forms := map[int64]reporting.Form{}
	due := map[string][]reporting.Period{}
	var out []openPeriod
	for _, row := range rows {
		if !row.LocksAt.After(now) {
			continue
		}
		f, ok := forms[row.FormVersionID]
		if !ok {
			if f, err = st.FormVersion(ctx, row.FormVersionID); err != nil {
				return nil, err
			}
			forms[row.FormVersionID] = f
		}
		key := fmt.Sprintf("%d/%s", row.FormVersionID, row.Periodicity)
		ps, ok := due[key]
		if !ok {
			sch, err := f.ScheduleFor(row.Periodicity)
			if err != nil {
				return nil, err
			}
			if ps, err = sch.PeriodsDue(time.Time{}, now, s.opts.Location, cal); err != nil {
				return nil, fmt.Errorf("periods of %s: %w", f.Code, err)
			}
			due[key] = ps
		}
		for _, p := range ps {
			if p.Key == row.Key {
				out = append(out, openPeriod{form: f, period: p})
				break
			}
		}
	}
	return out, nil
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

// PurgeAudit deletes, when Options.AuditRetention is set, the audit
// events older than it at now, in one transaction with an audit event
// recording the purge (how many, up to when), and says how many it
// deleted. With no retention set it keeps everything.
func (s *Service) PurgeAudit(ctx context.Context, now time.Time) (int64, error) {
	if s.opts.AuditRetention <= 0 {
		return 0, nil
	}
	before := now.Add(-s.opts.AuditRetention)
	var n int64
	err := s.st.InTx(ctx, func(tx *store.Store) error {
		var err error
		if n, err = tx.PurgeAuditBefore(ctx, before); err != nil || n == 0 {
			return err
		}
		return tx.Audit(ctx, store.AuditEvent{At: now, Actor: System.Email, Action: "audit.purge", ObjectType: "audit",
			Details: map[string]any{"deleted": n, "before": before, "retention_days": int(s.opts.AuditRetention / (24 * time.Hour))}})
	})
	return n, err
}

// PurgeSessions deletes the sign-in sessions expired at now and says how
// many.
func (s *Service) PurgeSessions(ctx context.Context, now time.Time) (int64, error) {
	n, err := s.st.DeleteExpiredSessions(ctx, now)
	if err != nil {
		return n, err
	}
	// Sign-in attempts a day old make no one wait any more.
	_, err = s.st.PurgeAttempts(ctx, now.Add(-24*time.Hour))
	return n, err
}
