package ops

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"baocao/mail"
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

// CalendarResult is what a calendar change did, or would do.
type CalendarResult struct {
	Days  int // calendar days added, changed or removed
	Moved int // obligations whose deadline moved
	// Announced are the e-mails queued to tell units that still owe the
	// report of their new deadline.
	Announced int
	// Moves are the deadlines moved, by period and unit.
	Moves []CalendarMove
}

// CalendarMove is one obligation's deadline moved by a calendar change.
type CalendarMove struct {
	PeriodID              int64
	FormCode, PeriodLabel string
	UnitCode, UnitName    string
	Old, New              time.Time
	// Told: the unit still owes the report and is e-mailed its new
	// deadline.
	Told bool
}

// CalendarChange is a change of the working-day calendar: days to add or
// rename (Set) and days to make ordinary again (Remove).
type CalendarChange struct {
	Set    []reporting.Holiday
	Remove []time.Time
}

// rescheduledKindPrefix starts the outbox kind of the e-mail announcing
// a deadline moved by the calendar, followed by the new deadline's day:
// "rescheduled_20260224", once per obligation and new deadline.
const rescheduledKindPrefix = "rescheduled_"

// CalendarDays lists the calendar's days (days off, weekend days worked)
// from from to to, for an administrator.
func (s *Service) CalendarDays(ctx context.Context, u reporting.User, from, to time.Time) ([]reporting.Holiday, error) {
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin); err != nil {
		return nil, err
	}
	return s.st.Holidays(ctx, from, to)
}

// errPreview rolls back a calendar change that was only previewed.
var errPreview = errors.New("calendar change previewed, not applied")

// ChangeCalendar stores days of the calendar (days off, make-up working
// days) at now as an administrator's action (ApplyCalendar).
func (s *Service) ChangeCalendar(ctx context.Context, u reporting.User, now time.Time, days []reporting.Holiday) (CalendarResult, error) {
	return s.ApplyCalendar(ctx, u, now, CalendarChange{Set: days}, false)
}

// ApplyCalendar changes the calendar at now as an administrator's action
// and, in the same transaction, moves the deadlines the change moves: of
// every period not locked, the obligations whose deadline is still ahead,
// with nothing filed, not extended by hand, each with a rescheduled event
// (old and new deadline, the reason) in its history. Reminders follow the
// new deadlines by themselves; the units that still owe the report are
// told of their new deadline by e-mail (only those whose deadline moved).
// With preview, it does all that and rolls it back: the result says what
// the change would do, and nothing is stored.
func (s *Service) ApplyCalendar(ctx context.Context, u reporting.User, now time.Time, ch CalendarChange, preview bool) (CalendarResult, error) {
	var res CalendarResult
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin); err != nil {
		return res, err
	}
	err := s.st.InTx(ctx, func(tx *store.Store) error {
		if len(ch.Set) > 0 {
			n, err := tx.UpsertHolidays(ctx, ch.Set)
			if err != nil {
				return err
			}
			res.Days += n
		}
		if len(ch.Remove) > 0 {
			n, err := tx.DeleteHolidays(ctx, ch.Remove)
			if err != nil {
				return err
			}
			res.Days += n
		}
		var err error
		if res.Moves, res.Announced, err = s.rescheduleOpen(ctx, tx, u, now); err != nil {
			return err
		}
		res.Moved = len(res.Moves)
		if preview {
			return errPreview
		}
		return tx.Audit(ctx, store.AuditEvent{At: now, Actor: u.Email, Action: "calendar.change", ObjectType: "calendar",
			Details: map[string]any{"days": len(ch.Set), "removed": len(ch.Remove), "changed": res.Days, "deadlines_moved": res.Moved, "announced": res.Announced}})
	})
	if preview && errors.Is(err, errPreview) {
		return res, nil
	}
	if err != nil {
		return CalendarResult{}, fmt.Errorf("change the calendar: %w", err)
	}
	return res, nil
}

// ShippedCalendarLoaded moves, at now, the deadlines that days of the
// official calendar just loaded from the binary move (a new database, or
// a new version of the calendar shipped), as ChangeCalendar does for an
// administrator's change; the system is the actor.
func (s *Service) ShippedCalendarLoaded(ctx context.Context, now time.Time, name string, days int) (CalendarResult, error) {
	res := CalendarResult{Days: days}
	err := s.st.InTx(ctx, func(tx *store.Store) error {
		var err error
		if res.Moves, res.Announced, err = s.rescheduleOpen(ctx, tx, System, now); err != nil {
			return err
		}
		res.Moved = len(res.Moves)
		return tx.Audit(ctx, store.AuditEvent{At: now, Actor: System.Email, Action: "calendar.shipped", ObjectType: "calendar", ObjectID: name,
			Details: map[string]any{"days": days, "deadlines_moved": res.Moved, "announced": res.Announced}})
	})
	if err != nil {
		return CalendarResult{}, fmt.Errorf("reschedule to the shipped calendar: %w", err)
	}
	return res, nil
}

// rescheduleOpen moves, in tx and by u at now, the deadlines of every
// period not locked that the stored calendar moves, each with a
// rescheduled event, and tells the units that still owe the report. It
// returns the moves and how many e-mails it queued.
//
// It locks every obligation it will move, in every period, before it
// writes any: an obligation's update also writes its unit's matrix_cells
// row, which the periods of a form in one year share. Moving one quarter
// (its cells locked) before locking the next quarter's obligations
// deadlocked with an upload to that quarter, which holds its obligation
// and then writes the same cells. Locked first, the change waits for such
// an upload to finish, as every other writer does (obligation, then cells).
func (s *Service) rescheduleOpen(ctx context.Context, tx *store.Store, u reporting.User, now time.Time) (moves []CalendarMove, announced int, err error) {
	cal, err := tx.Calendar(ctx)
	if err != nil {
		return nil, 0, err
	}
	open, err := s.unlockedPeriods(ctx, tx, now, cal)
	if err != nil {
		return nil, 0, err
	}
	type locked struct {
		periodID int64
		formCode string
		moves    []store.Rescheduling
	}
	var all []locked
	for _, op := range open {
		id, rs, err := tx.LockReschedulings(ctx, op.form, op.period, now)
		if err != nil {
			return nil, 0, err
		}
		if len(rs) > 0 {
			all = append(all, locked{id, op.form.Code, rs})
		}
	}
	for _, l := range all {
		events := make([]store.ObligationEvent, len(l.moves))
		for i, m := range l.moves {
			old := m.Deadline
			events[i] = store.ObligationEvent{PeriodID: l.periodID, UnitCode: m.UnitCode, Event: reporting.Event{
				At: now, Kind: reporting.EventRescheduled, Actor: u.Email, Deadline: m.NewDate, PreviousDeadline: &old,
				Reason: fmt.Sprintf(reasonRescheduled, s.formatDay(old), s.formatDay(m.NewDate))}}
		}
		if err := tx.RecordEvents(ctx, events); err != nil {
			return nil, 0, err
		}
		ms, n, err := s.announceRescheduled(ctx, tx, l.periodID, l.formCode, events, now)
		if err != nil {
			return nil, 0, err
		}
		moves = append(moves, ms...)
		announced += n
	}
	return moves, announced, nil
}

// announceRescheduled describes the moves the events of period periodID
// made and queues, through the outbox, the e-mail telling each unit that
// still owes its report of the new deadline.
func (s *Service) announceRescheduled(ctx context.Context, tx *store.Store, periodID int64, formCode string, events []store.ObligationEvent, now time.Time) ([]CalendarMove, int, error) {
	moved := make(map[string]reporting.Event, len(events))
	for _, e := range events {
		moved[e.UnitCode] = e.Event
	}
	targets, err := tx.ObligationTargets(ctx, periodID, "", now)
	if err != nil {
		return nil, 0, fmt.Errorf("announce new deadlines: %w", err)
	}
	var (
		moves []CalendarMove
		rows  []store.NewReminder
	)
	loc := s.opts.Location
	for _, t := range targets {
		ev, ok := moved[t.UnitCode]
		if !ok {
			continue
		}
		mv := CalendarMove{PeriodID: periodID, FormCode: formCode, PeriodLabel: t.PeriodLabel, UnitCode: t.UnitCode, UnitName: t.UnitName,
			Old: *ev.PreviousDeadline, New: ev.Deadline, Told: slices.Contains(reporting.OwingStatuses, t.Status)}
		moves = append(moves, mv)
		if !mv.Told {
			continue
		}
		c, err := mail.Rescheduled(mail.RescheduledData{
			UnitName: t.UnitName, FormTitle: t.FormTitle, PeriodLabel: t.PeriodLabel,
			OldDeadline: reporting.FormatDateTime(mv.Old.In(loc)), NewDeadline: reporting.FormatDateTime(mv.New.In(loc)),
			Reason: ev.Reason, Link: s.unitPeriodURL(t.UnitCode, periodID), ReplyTo: s.opts.Outbox.ReplyTo,
		})
		if err != nil {
			return nil, 0, err
		}
		r := store.NewReminder{
			PeriodID: periodID, UnitCode: t.UnitCode, Kind: rescheduledKindPrefix + mv.New.In(loc).Format("20060102"), DueAt: now,
			Recipients: t.Emails, Subject: c.Subject, BodyText: c.Text, BodyHTML: c.HTML,
		}
		if len(t.Emails) == 0 {
			r.Undeliverable = noAddressReason
		}
		rows = append(rows, r)
	}
	if len(rows) == 0 {
		return moves, 0, nil
	}
	n, err := tx.EnqueueReminders(ctx, rows, now, store.EnqueueOptions{})
	return moves, n, err
}

// formatDay is t's local date as users read it.
func (s *Service) formatDay(t time.Time) string {
	return reporting.FormatDate(t.In(s.opts.Location))
}
