package ops

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"baocao/mail"
	"baocao/reporting"
	"baocao/store"
)

// The decisions inspectors take on obligations: review (accept or return),
// exempt and unexempt, extend deadlines. Each locks the obligations it
// changes, checks them, appends to their history and audits, in one
// transaction.

// ReviewInput is a reviewer's decision on a submission.
type ReviewInput struct {
	SubmissionID int64
	Decision     reporting.Decision
	// Reason is required to return a submission; for an acceptance it is
	// an optional note.
	Reason string
}

// ReviewResult says what Review did.
type ReviewResult struct {
	ReviewID   int64            `json:"review_id"`
	Submission store.Submission `json:"submission"`
	Decision   string           `json:"decision"`
	Status     reporting.Status `json:"status"`
	// Notified: a return e-mail to the unit went into the outbox. False for
	// an acceptance, or when this version's return was notified already.
	Notified bool `json:"notified"`
}

// Review records u's decision at now on the latest version of an
// obligation: accepted makes it accepted; returned (a reason required)
// makes it returned, asks for a new version and queues an e-mail to the
// unit with the reason. u must be allowed to review the unit
// (reporting.CanReview). Only the latest version can be reviewed; an
// exempt obligation has nothing to review; an accepted obligation cannot
// change once its period is locked, and nothing can be returned then,
// since the unit could not file again.
func (s *Service) Review(ctx context.Context, u reporting.User, now time.Time, in ReviewInput) (ReviewResult, error) {
	in.Reason = strings.TrimSpace(in.Reason)
	if err := reporting.ValidateReview(in.Decision, in.Reason); err != nil {
		return ReviewResult{}, err
	}
	var res ReviewResult
	err := s.st.InTx(ctx, func(tx *store.Store) error {
		sub, err := tx.Submission(ctx, in.SubmissionID)
		if err != nil {
			return err
		}
		o, err := tx.LockObligation(ctx, sub.PeriodID, sub.UnitCode)
		if err != nil {
			return err
		}
		ancestors, err := tx.ObligationAncestors(ctx, o)
		if err != nil {
			return err
		}
		if err := reporting.AuthorizeReview(u, sub.UnitCode, ancestors); err != nil {
			return err
		}
		before := o.Status(now)
		switch {
		case before == reporting.StatusExempt:
			return reporting.Errorf(reporting.ECONFLICT, msgReviewExempt, o.UnitName, o.PeriodLabel)
		case sub.Version != o.LatestVersion:
			return reporting.Errorf(reporting.ECONFLICT, msgNotLatest, sub.Version, o.UnitName, o.LatestVersion)
		}
		if err := s.checkAcceptedLock(o, now); err != nil {
			return err
		}
		if in.Decision == reporting.DecisionReturned && !now.Before(o.LocksAt) {
			return reporting.Errorf(reporting.ECONFLICT, msgReturnLocked, o.PeriodLabel, reporting.FormatDateTime(o.LocksAt.In(s.opts.Location)))
		}
		if res.ReviewID, err = tx.InsertReview(ctx, sub.ID, userID(u), in.Decision, in.Reason, now); err != nil {
			return err
		}
		kind := reporting.EventAccepted
		if in.Decision == reporting.DecisionReturned {
			kind = reporting.EventReturned
		}
		ev := reporting.Event{At: now, Kind: kind, Actor: u.Email, SubmissionID: sub.ID, Version: sub.Version, Reason: in.Reason}
		if err := tx.RecordEvents(ctx, []store.ObligationEvent{{PeriodID: sub.PeriodID, UnitCode: sub.UnitCode, Event: ev}}); err != nil {
			return err
		}
		res.Submission, res.Decision, res.Status = sub, string(in.Decision), o.Facts.Apply(ev).StatusAt(now)
		if err := tx.Audit(ctx, store.AuditEvent{
			At: now, Actor: u.Email, Action: "submission.review", ObjectType: "submission", ObjectID: fmt.Sprint(sub.ID),
			Details: map[string]any{"period_id": sub.PeriodID, "unit": sub.UnitCode, "version": sub.Version,
				"decision": in.Decision, "reason": in.Reason, "previous_status": before, "review_id": res.ReviewID},
		}); err != nil {
			return err
		}
		if in.Decision == reporting.DecisionReturned {
			n, err := s.notifyReturned(ctx, tx, u, now, sub, in.Reason)
			if err != nil {
				return err
			}
			res.Notified = n > 0
		}
		return nil
	})
	if err != nil {
		return ReviewResult{}, err
	}
	return res, nil
}

// notifyReturned queues the e-mail telling the unit its submission was
// returned, through the reminders outbox, as kind returned_<submission
// id>. A unit without an address gets a failed row the outbox shows, as
// reminders do.
func (s *Service) notifyReturned(ctx context.Context, tx *store.Store, u reporting.User, now time.Time, sub store.Submission, reason string) (int, error) {
	targets, err := tx.ObligationTargets(ctx, sub.PeriodID, sub.UnitCode, now)
	if err != nil {
		return 0, fmt.Errorf("notify return: %w", err)
	}
	if len(targets) != 1 {
		return 0, fmt.Errorf("notify return of submission %d: %d obligations found", sub.ID, len(targets))
	}
	t := targets[0]
	reviewer := u.Name
	if reviewer == "" {
		reviewer = u.Email
	}
	c, err := mail.Returned(mail.ReturnedData{
		UnitName: t.UnitName, FormTitle: t.FormTitle, PeriodLabel: t.PeriodLabel, Version: sub.Version, FileName: sub.FileName,
		Reviewer: reviewer, Reason: reason, Link: s.unitPeriodURL(sub.UnitCode, sub.PeriodID), ReplyTo: s.opts.Outbox.ReplyTo,
	})
	if err != nil {
		return 0, err
	}
	r := store.NewReminder{
		PeriodID: sub.PeriodID, UnitCode: sub.UnitCode, Kind: store.ReturnedKindPrefix + strconv.FormatInt(sub.ID, 10), DueAt: now,
		Recipients: t.Emails, Subject: c.Subject, BodyText: c.Text, BodyHTML: c.HTML,
	}
	if len(t.Emails) == 0 {
		r.Undeliverable = noAddressReason
	}
	return tx.EnqueueReminders(ctx, []store.NewReminder{r}, now, store.EnqueueOptions{})
}

// unitPeriodURL is the unit's page for a period, which e-mails link to:
// {base}/units/{unit}/periods/{id}, or "" without a base address.
func (s *Service) unitPeriodURL(unit string, periodID int64) string {
	if s.opts.BaseURL == "" {
		return ""
	}
	return strings.TrimRight(s.opts.BaseURL, "/") + "/units/" + url.PathEscape(unit) + "/periods/" + strconv.FormatInt(periodID, 10)
}

// checkAcceptedLock refuses any change to an accepted obligation once its
// period is locked: what was accepted then is what the reports show.
func (s *Service) checkAcceptedLock(o store.Obligation, now time.Time) error {
	if o.Status(now) == reporting.StatusAccepted && !now.Before(o.LocksAt) {
		return reporting.Errorf(reporting.ECONFLICT, msgAcceptedLocked, o.PeriodLabel, o.UnitName, reporting.FormatDateTime(o.LocksAt.In(s.opts.Location)))
	}
	return nil
}

// checkLockedExemption: once a period is locked, its exemptions are
// history too; only an administrator may still grant or withdraw one.
func (s *Service) checkLockedExemption(u reporting.User, o store.Obligation, now time.Time) error {
	if !now.Before(o.LocksAt) && u.Role != reporting.RoleAdmin {
		return reporting.Errorf(reporting.EFORBIDDEN, msgExemptLockedAdmin, o.PeriodLabel, reporting.FormatDateTime(o.LocksAt.In(s.opts.Location)))
	}
	return nil
}

// Exempt releases unit unitCode from period periodID's report at now, for
// a reason (required), on u's decision (an inspector or administrator).
// Exempting an exempt unit again records the new reason. Once its period
// is locked only an administrator may exempt, and an accepted obligation
// not even then.
func (s *Service) Exempt(ctx context.Context, u reporting.User, now time.Time, periodID int64, unitCode, reason string) error {
	if err := reporting.AuthorizeDeadlines(u); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if err := reporting.ValidateExemption(reason); err != nil {
		return err
	}
	return s.st.InTx(ctx, func(tx *store.Store) error {
		o, err := tx.LockObligation(ctx, periodID, unitCode)
		if err != nil {
			return err
		}
		if err := s.checkLockedExemption(u, o, now); err != nil {
			return err
		}
		if err := s.checkAcceptedLock(o, now); err != nil {
			return err
		}
		ev := reporting.Event{At: now, Kind: reporting.EventExempted, Actor: u.Email, Reason: reason}
		if err := tx.RecordEvents(ctx, []store.ObligationEvent{{PeriodID: periodID, UnitCode: unitCode, Event: ev}}); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEvent{
			At: now, Actor: u.Email, Action: "obligation.exempt", ObjectType: "obligation", ObjectID: obligationObject(periodID, unitCode),
			Details: map[string]any{"period_id": periodID, "unit": unitCode, "reason": reason, "previous_status": o.Status(now)},
		})
	})
}

// Unexempt withdraws an exemption at now: the obligation takes the status
// its history gives without it — pending or missing if nothing came in,
// else what its versions and reviews say. It returns that status. The
// reason is optional, but required once the period is locked (when only
// an administrator may withdraw one).
func (s *Service) Unexempt(ctx context.Context, u reporting.User, now time.Time, periodID int64, unitCode, reason string) (reporting.Status, error) {
	if err := reporting.AuthorizeDeadlines(u); err != nil {
		return "", err
	}
	var st reporting.Status
	err := s.st.InTx(ctx, func(tx *store.Store) error {
		o, err := tx.LockObligation(ctx, periodID, unitCode)
		if err != nil {
			return err
		}
		if !o.Facts.Exempt {
			return reporting.Errorf(reporting.ECONFLICT, msgNotExempt, o.UnitName, o.PeriodLabel)
		}
		if err := s.checkLockedExemption(u, o, now); err != nil {
			return err
		}
		reason = strings.TrimSpace(reason)
		if !now.Before(o.LocksAt) && reason == "" {
			return reporting.Errorf(reporting.EINVALID, msgUnexemptLockedReason, o.PeriodLabel)
		}
		ev := reporting.Event{At: now, Kind: reporting.EventUnexempted, Actor: u.Email, Reason: reason}
		if err := tx.RecordEvents(ctx, []store.ObligationEvent{{PeriodID: periodID, UnitCode: unitCode, Event: ev}}); err != nil {
			return err
		}
		st = o.Facts.Apply(ev).StatusAt(now)
		return tx.Audit(ctx, store.AuditEvent{
			At: now, Actor: u.Email, Action: "obligation.unexempt", ObjectType: "obligation", ObjectID: obligationObject(periodID, unitCode),
			Details: map[string]any{"period_id": periodID, "unit": unitCode, "status": st, "reason": reason},
		})
	})
	return st, err
}

// obligationObject is an obligation's id in the audit trail.
func obligationObject(periodID int64, unitCode string) string {
	return fmt.Sprintf("%d/%s", periodID, unitCode)
}

// ExtendInput is a deadline extension (gia hạn) for some units of a period.
type ExtendInput struct {
	PeriodID int64
	// UnitCodes are units extended by name; Subtree, when set, extends
	// every unit below it (its communes, for a district), as the period's
	// unit versions draw the tree. One of them at least; both add up. The
	// subtree's root itself is extended only when listed in UnitCodes.
	UnitCodes []string
	Subtree   string
	// NewDeadline is the new deadline: no earlier than any of the units'
	// current one, no later than the period's lock.
	NewDeadline time.Time
	Reason      string
}

// ExtendResult says what an extension changed.
type ExtendResult struct {
	// Units are the units whose deadline moved, by code.
	Units []string `json:"units"`
	// Reopened counts missing obligations back to pending (their new
	// deadline is still ahead); OnTime late ones now on time.
	Reopened int `json:"reopened"`
	OnTime   int `json:"on_time"`
}

// Extend moves, at now on u's decision, the deadline of the units in (the
// listed ones, the subtree below in.Subtree, or both) to in.NewDeadline,
// in one transaction: an "extended" event in each one's history (the old
// deadline kept in it, so earlier moments keep their deadline), and their
// versions' late flags. Missing obligations whose new deadline is ahead
// become pending, late ones whose first version meets it submitted;
// reminders follow the new deadline by themselves. A new deadline earlier
// than a unit's current one is refused, and so is a listed unit that owes
// no report for the period.
func (s *Service) Extend(ctx context.Context, u reporting.User, now time.Time, in ExtendInput) (ExtendResult, error) {
	var res ExtendResult
	if err := reporting.AuthorizeDeadlines(u); err != nil {
		return res, err
	}
	p, err := s.st.Period(ctx, in.PeriodID)
	if err != nil {
		return res, err
	}
	// A locked period is history: only an administrator may still move
	// its deadlines (with the reason every extension needs, in the
	// status history from now on; what was true at earlier moments stays).
	if !now.Before(p.LocksAt) && u.Role != reporting.RoleAdmin {
		return res, reporting.Errorf(reporting.EFORBIDDEN, msgExtendLockedAdmin, p.Label, reporting.FormatDateTime(p.LocksAt.In(s.opts.Location)))
	}
	in.Reason = strings.TrimSpace(in.Reason)
	// An administrator may extend past the lock (a lock exception): the
	// unit may then still file until its new deadline (FilingLocksAt).
	if err := reporting.ValidateExtension(in.NewDeadline, p.LocksAt, in.Reason, u.Role == reporting.RoleAdmin); err != nil {
		return res, err
	}
	listed := slices.Compact(slices.Sorted(slices.Values(in.UnitCodes)))
	if len(listed) == 0 && in.Subtree == "" {
		return res, reporting.Errorf(reporting.EINVALID, msgExtendNoUnits)
	}
	err = s.st.InTx(ctx, func(tx *store.Store) error {
		targets, err := tx.LockExtensionTargets(ctx, p, listed, in.Subtree)
		if err != nil {
			return err
		}
		var earlier []string
		previous := map[string][]string{}
		events := make([]store.ObligationEvent, 0, len(targets))
		for _, t := range targets {
			if t.Facts.Deadline.After(in.NewDeadline) {
				earlier = append(earlier, t.UnitCode)
			}
			old := t.Facts.Deadline
			previous[old.Format(time.RFC3339)] = append(previous[old.Format(time.RFC3339)], t.UnitCode)
			res.Units = append(res.Units, t.UnitCode)
			ev := reporting.Event{At: now, Kind: reporting.EventExtended, Actor: u.Email, Deadline: in.NewDeadline,
				PreviousDeadline: &old, Reason: in.Reason}
			events = append(events, store.ObligationEvent{PeriodID: p.ID, UnitCode: t.UnitCode, Event: ev})
			before, after := t.Facts.StatusAt(now), t.Facts.Apply(ev).StatusAt(now)
			switch {
			case before == reporting.StatusMissing && after == reporting.StatusPending:
				res.Reopened++
			case before == reporting.StatusLate && after == reporting.StatusSubmitted:
				res.OnTime++
			}
		}
		if len(earlier) > 0 {
			return reporting.Errorf(reporting.EINVALID, msgExtendEarlier, reporting.FormatDateTime(in.NewDeadline.In(s.opts.Location)), listSome(earlier))
		}
		if err := tx.RecordEvents(ctx, events); err != nil {
			return err
		}
		if err := tx.SetLateFlags(ctx, p.ID, res.Units, in.NewDeadline); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEvent{
			At: now, Actor: u.Email, Action: "obligation.extend", ObjectType: "period", ObjectID: fmt.Sprint(p.ID),
			Details: map[string]any{"units": res.Units, "subtree": in.Subtree, "deadline": in.NewDeadline, "reason": in.Reason,
				"previous_deadlines": previous, "reopened": res.Reopened, "now_on_time": res.OnTime},
		})
	})
	if err != nil {
		return ExtendResult{}, err
	}
	s.st.AnalyzeAfter(ctx, len(res.Units), "obligations", "obligation_events")
	return res, nil
}

// listSome names up to five codes, and how many more there are.
func listSome(codes []string) string {
	const most = 5
	if len(codes) <= most {
		return strings.Join(codes, ", ")
	}
	return fmt.Sprintf(msgExtendEarlierMore, strings.Join(codes[:most], ", "), len(codes)-most)
}
