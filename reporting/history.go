package reporting

import (
	"slices"
	"time"
)

// The history of an obligation is the record of what happened to it, in
// the order it was recorded: opened, versions uploaded, returned, accepted,
// exempted and unexempted, deadline extended, flagged missing. Its status
// at any moment follows from the events recorded for moments up to then
// (FactsAt, then Facts.StatusAt), so a past moment shows exactly what was
// true then. store keeps the same rule in SQL (obligation_history_at and
// obligation_status, migration 00007); a test runs a table of histories
// through both.

// EventKind is what happened to an obligation.
type EventKind string

// The kinds of obligation events.
const (
	// EventOpened: the period opened for the unit, with its deadline.
	EventOpened EventKind = "opened"
	// EventUploaded: a version came in (it clears the previous version's
	// review).
	EventUploaded EventKind = "uploaded"
	// EventReturned, EventAccepted: a reviewer's decision on the latest
	// version.
	EventReturned EventKind = "returned"
	EventAccepted EventKind = "accepted"
	// EventExempted, EventUnexempted: an exemption given or withdrawn.
	EventExempted   EventKind = "exempted"
	EventUnexempted EventKind = "unexempted"
	// EventExtended: the deadline moved (Deadline is the new one).
	EventExtended EventKind = "extended"
	// EventRescheduled: the deadline moved with the calendar (a holiday
	// added or removed); Deadline is the new one.
	EventRescheduled EventKind = "rescheduled"
	// EventFlaggedMissing: the deadline tick saw the deadline pass with
	// nothing in. It records the observation; the status does not depend
	// on it.
	EventFlaggedMissing EventKind = "flagged_missing"
)

// Label is the event's Vietnamese name.
func (k EventKind) Label() string {
	switch k {
	case EventOpened:
		return labelEventOpened
	case EventUploaded:
		return labelEventUploaded
	case EventReturned:
		return labelEventReturned
	case EventAccepted:
		return labelEventAccepted
	case EventExempted:
		return labelEventExempted
	case EventUnexempted:
		return labelEventUnexempted
	case EventExtended:
		return labelEventExtended
	case EventRescheduled:
		return labelEventRescheduled
	case EventFlaggedMissing:
		return labelEventFlagged
	}
	return string(k)
}

// Event is one entry of an obligation's history.
type Event struct {
	ID   int64     `json:"id"`
	At   time.Time `json:"at"`
	Kind EventKind `json:"kind"`
	// Actor is who: a user's e-mail, or "system" for the scheduler.
	Actor string `json:"actor"`
	// SubmissionID and Version name the version uploaded or reviewed.
	SubmissionID int64 `json:"submission_id,omitempty"`
	Version      int   `json:"version,omitempty"`
	// Late: the version came after the deadline in force then.
	Late bool `json:"late,omitempty"`
	// Deadline is the deadline from then on (opened, extended) or the one
	// that passed (flagged missing); PreviousDeadline the one an extension
	// replaced.
	Deadline         time.Time  `json:"deadline,omitzero"`
	PreviousDeadline *time.Time `json:"previous_deadline,omitempty"`
	// Reason is why: of a return, an exemption, an extension.
	Reason string `json:"reason,omitempty"`
}

// Facts are what an obligation's status at a moment follows from.
type Facts struct {
	// Present: the obligation existed (its period had opened for it).
	Present bool
	// Exempt: the unit was exempted.
	Exempt bool
	// Decision is the latest review of the latest version; "" when that
	// version is not reviewed (a new version after a return starts
	// unreviewed).
	Decision Decision
	// FirstAt is when the first version came; zero for none. (A value,
	// not a pointer: the matrix applies the rule to 120,000 cells.)
	FirstAt time.Time
	// Deadline is the obligation's deadline, extensions included.
	Deadline time.Time
	// Reason is why it is exempt (while exempt) or returned (while the
	// latest version is).
	Reason string
}

// Apply is f after event e.
func (f Facts) Apply(e Event) Facts {
	switch e.Kind {
	case EventOpened:
		f.Present, f.Deadline = true, e.Deadline
	case EventExtended, EventRescheduled:
		f.Deadline = e.Deadline
	case EventUploaded:
		if f.FirstAt.IsZero() || e.At.Before(f.FirstAt) {
			f.FirstAt = e.At
		}
		f.Decision = ""
	case EventReturned:
		f.Decision = DecisionReturned
	case EventAccepted:
		f.Decision = DecisionAccepted
	case EventExempted:
		f.Exempt = true
	case EventUnexempted:
		f.Exempt = false
	}
	return f
}

// FactsAt folds the events of one obligation recorded for moments up to at,
// in the order they were recorded (the order of events), with the reason of
// the exemption or return in force.
func FactsAt(events []Event, at time.Time) Facts {
	var (
		f                          Facts
		exemptReason, returnReason string
	)
	for _, e := range events {
		if e.At.After(at) {
			continue
		}
		f = f.Apply(e)
		switch e.Kind {
		case EventExempted:
			exemptReason = e.Reason
		case EventReturned:
			returnReason = e.Reason
		}
	}
	switch {
	case f.Exempt:
		f.Reason = exemptReason
	case f.Decision == DecisionReturned:
		f.Reason = returnReason
	}
	return f
}

// StatusAt is the status rule: the status at moment at of an obligation
// whose facts (at that moment) are f. A version that came after at does
// not count yet.
func (f Facts) StatusAt(at time.Time) Status {
	switch {
	case f.Exempt:
		return StatusExempt
	case f.FirstAt.IsZero() || f.FirstAt.After(at):
		if at.After(f.Deadline) {
			return StatusMissing
		}
		return StatusPending
	case f.Decision == DecisionReturned:
		return StatusReturned
	case f.Decision == DecisionAccepted:
		return StatusAccepted
	case f.FirstAt.After(f.Deadline):
		return StatusLate
	}
	return StatusSubmitted
}

// StatusAt is the status of an obligation with this history at moment at,
// and whether it existed then.
func StatusAt(events []Event, at time.Time) (Status, bool) {
	f := FactsAt(events, at)
	if !f.Present {
		return "", false
	}
	return f.StatusAt(at), true
}

// Owing reports whether an obligation with facts f still owes a report
// (pending, missing or returned at any moment after its last change).
func (f Facts) Owing(at time.Time) bool { return slices.Contains(OwingStatuses, f.StatusAt(at)) }

// The Vietnamese names of obligation events, in one place for review.
const (
	labelEventOpened      = "Mở kỳ báo cáo"
	labelEventUploaded    = "Nộp báo cáo"
	labelEventReturned    = "Trả lại"
	labelEventAccepted    = "Chấp nhận"
	labelEventExempted    = "Miễn báo cáo"
	labelEventUnexempted  = "Bỏ miễn báo cáo"
	labelEventExtended    = "Gia hạn"
	labelEventRescheduled = "Đổi hạn theo lịch nghỉ"
	labelEventFlagged     = "Quá hạn, chưa nộp"
)
