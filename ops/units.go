package ops

import (
	"context"
	"fmt"
	"time"

	"baocao/reporting"
	"baocao/store"
)

// UnitImportResult is what ImportUnits did: the units, and the open
// periods reconciled with them.
type UnitImportResult struct {
	store.ImportResult
	Reconciled ReconcileResult
}

// ImportUnits imports a unit list at now as an administrator's action: every
// row checked and the whole list stored in one transaction, or nothing (see
// store.ImportUnits), audited as u. Then the periods open at now follow the
// new list (ReconcileOpenPeriods): a reorganisation imported while a period
// is open changes who owes it.
func (s *Service) ImportUnits(ctx context.Context, u reporting.User, now time.Time, rows []reporting.UnitRow, opts store.ImportOptions) (UnitImportResult, error) {
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin); err != nil {
		return UnitImportResult{}, err
	}
	opts.Actor = u.Email
	res, err := s.st.ImportUnits(ctx, rows, opts)
	if err != nil {
		return UnitImportResult{ImportResult: res}, err
	}
	s.st.AnalyzeAfter(ctx, res.Created+res.Versioned+res.Closed, "units", "unit_versions")
	rec, err := s.ReconcileOpenPeriods(ctx, now)
	return UnitImportResult{ImportResult: res, Reconciled: rec}, err
}

// RecordSuccession records, as an administrator's action, that unit from
// continues as unit to from day effective (a merger), on a legal basis;
// crossLevel confirms a succession between units of different kinds.
func (s *Service) RecordSuccession(ctx context.Context, u reporting.User, from, to string, effective time.Time, basis string, crossLevel bool) error {
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin); err != nil {
		return err
	}
	return s.st.RecordSuccession(ctx, from, to, effective, basis, crossLevel)
}

// CalendarResult is what ChangeCalendar did.
type CalendarResult struct {
	Days  int // calendar days added or changed
	Moved int // obligations whose deadline moved
}

// ChangeCalendar stores days of the calendar (days off, make-up working
// days) at now as an administrator's action and, in the same transaction,
// moves the deadlines the change moves: of every period not locked, the
// obligations whose deadline is still ahead and was not extended by hand,
// each with a rescheduled event (old and new deadline, the reason) in its
// history. Reminders follow the new deadlines by themselves.
func (s *Service) ChangeCalendar(ctx context.Context, u reporting.User, now time.Time, days []reporting.Holiday) (CalendarResult, error) {
	var res CalendarResult
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin); err != nil {
		return res, err
	}
	err := s.st.InTx(ctx, func(tx *store.Store) error {
		n, err := tx.UpsertHolidays(ctx, days)
		if err != nil {
			return err
		}
		res.Days = n
		cal, err := tx.Calendar(ctx)
		if err != nil {
			return err
		}
		open, err := s.unlockedPeriods(ctx, tx, now, cal)
		if err != nil {
			return err
		}
		for _, op := range open {
			id, moves, err := tx.LockReschedulings(ctx, op.form, op.period, now)
			if err != nil {
				return err
			}
			events := make([]store.ObligationEvent, len(moves))
			for i, m := range moves {
				old := m.Deadline
				events[i] = store.ObligationEvent{PeriodID: id, UnitCode: m.UnitCode, Event: reporting.Event{
					At: now, Kind: reporting.EventRescheduled, Actor: u.Email, Deadline: m.NewDate, PreviousDeadline: &old,
					Reason: fmt.Sprintf(reasonRescheduled, s.formatDay(old), s.formatDay(m.NewDate))}}
			}
			if err := tx.RecordEvents(ctx, events); err != nil {
				return err
			}
			res.Moved += len(moves)
		}
		return tx.Audit(ctx, store.AuditEvent{At: now, Actor: u.Email, Action: "calendar.change", ObjectType: "calendar",
			Details: map[string]any{"days": len(days), "changed": res.Days, "deadlines_moved": res.Moved}})
	})
	if err != nil {
		return CalendarResult{}, fmt.Errorf("change the calendar: %w", err)
	}
	return res, nil
}

// formatDay is t's local date as users read it.
func (s *Service) formatDay(t time.Time) string {
	return reporting.FormatDate(t.In(s.opts.Location))
}
