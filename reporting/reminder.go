package reporting

import (
	"fmt"
	"time"
)

// OwingStatuses are the obligation statuses that still owe a report, and so
// get reminders: nothing in yet (pending, missing) or sent back for a new
// version (returned). Submitted, late, accepted and exempt obligations get
// none.
var OwingStatuses = []Status{StatusPending, StatusMissing, StatusReturned}

// ManualKindPrefix starts the kind of a reminder an inspector sends by hand.
const ManualKindPrefix = "manual_"

// ManualReminderKind is the kind of a reminder sent by hand on now's local
// day: "manual_20260615". Reminders are unique per (period, unit, kind), so
// a unit gets at most one manual reminder per period a day however often
// an inspector clicks.
func ManualReminderKind(now time.Time, loc *time.Location) string {
	return ManualKindPrefix + now.In(loc).Format("20060102")
}

// DueReminder is the reminder of s to enqueue at now for a deadline, if
// any. The rule, which keeps catch-up after downtime sensible:
//
//   - Only the latest reminder whose time has come is due. An earlier one
//     whose successor's time has also come is stale: after a week of
//     downtime a unit gets "overdue by 7 days", not "due in 7 days", "due
//     tomorrow" and "overdue by 1 day" at once.
//   - A reminder before the deadline (due_in_…) is stale once the deadline
//     has passed, even when no overdue reminder has come yet.
//   - Nothing is due before the first reminder's time.
//
// The scheduler calls it on every tick; whether the reminder was already
// enqueued is the store's business (one row per period, unit and kind), so
// a tick that finds the same reminder due again adds nothing.
func (s Schedule) DueReminder(deadline, now time.Time, loc *time.Location) (ReminderTime, bool) {
	var due ReminderTime
	found := false
	for _, r := range s.ReminderTimes(deadline, loc) {
		if r.At.After(now) {
			break // sorted by offset, so by time
		}
		due, found = r, true
	}
	if !found || (due.Offset < 0 && now.After(deadline)) {
		return ReminderTime{}, false
	}
	return due, true
}

// ScheduleFor is the form's schedule of periodicity p; a period records its
// periodicity, and a form has at most one schedule per periodicity.
func (f *Form) ScheduleFor(p Periodicity) (Schedule, error) {
	for _, s := range f.Schedules {
		if s.Periodicity == p {
			return s, nil
		}
	}
	return Schedule{}, fmt.Errorf("form %s version %d has no %s schedule", f.Code, f.Version, p)
}
