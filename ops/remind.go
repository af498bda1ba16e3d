package ops

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"baocao/mail"
	"baocao/reporting"
	"baocao/store"
)

// EnqueueResult counts what one enqueue pass stored.
type EnqueueResult struct {
	// Enqueued counts new outbox rows, the undeliverable ones included.
	Enqueued int
	// NoAddress counts reminders stored as failed at once because the unit
	// has no e-mail address: the outbox shows them to the administrator.
	NoAddress int
}

// EnqueueReminders, the tick's job, stores, for each obligation still owing a report in an
// open period, the reminder its schedule says is due at now
// (reporting.Schedule.DueReminder: only the latest whose time has come, and
// no "due in" once the deadline has passed), measured from that
// obligation's own deadline, so extensions move its reminders. Each
// (period, unit, kind) is stored once ever, whatever the number of ticks or
// instances. Overdue reminders copy the supervisor unit.
func (s *Service) EnqueueReminders(ctx context.Context, now time.Time) (EnqueueResult, error) {
	var res EnqueueResult
	st := s.st
	deadlines, err := st.OwingDeadlines(ctx, now)
	if err != nil {
		return res, fmt.Errorf("enqueue reminders: %w", err)
	}
	forms := map[int64]reporting.Form{}
	var due []store.ReminderDue
	for _, d := range deadlines {
		f, ok := forms[d.FormVersionID]
		if !ok {
			if f, err = st.FormVersion(ctx, d.FormVersionID); err != nil {
				return res, fmt.Errorf("enqueue reminders: %w", err)
			}
			forms[d.FormVersionID] = f
		}
		sch, err := f.ScheduleFor(d.Periodicity)
		if err != nil {
			return res, fmt.Errorf("enqueue reminders for period %d: %w", d.PeriodID, err)
		}
		if r, ok := sch.DueReminder(d.Deadline, now, s.opts.Location); ok {
			due = append(due, store.ReminderDue{PeriodID: d.PeriodID, Deadline: d.Deadline, Kind: r.Kind, DueAt: r.At})
		}
	}
	targets, err := st.ReminderTargets(ctx, due, now)
	if err != nil {
		return res, fmt.Errorf("enqueue reminders: %w", err)
	}
	return s.enqueue(ctx, st, targets, now, store.EnqueueOptions{})
}

// RemindNow enqueues at now, on u's decision (an inspector or
// administrator), a reminder to one unit for a period, as the kind
// reporting.ManualReminderKind: one a day at most. It reports whether a
// new reminder was stored (false: one went out today already). A unit
// that owes nothing, or a locked period, is an error the user sees.
func (s *Service) RemindNow(ctx context.Context, u reporting.User, now time.Time, periodID int64, unitCode string) (bool, error) {
	if err := reporting.AuthorizeDeadlines(u); err != nil {
		return false, err
	}
	if err := s.checkRemindable(ctx, periodID, now); err != nil {
		return false, err
	}
	targets, err := s.st.ObligationTargets(ctx, periodID, unitCode, now)
	if err != nil {
		return false, fmt.Errorf("send reminder now: %w", err)
	}
	if len(targets) == 0 {
		return false, reporting.Errorf(reporting.ENOTFOUND, msgRemindNoObligation, unitCode, periodID)
	}
	if !slices.Contains(reporting.OwingStatuses, targets[0].Status) {
		return false, reporting.Errorf(reporting.ECONFLICT, msgNothingOwed, targets[0].UnitName)
	}
	res, err := s.enqueueManual(ctx, targets, u.Email, now)
	return res.Enqueued > 0, err
}

// RemindOwing enqueues a manual reminder (see RemindNow) to every unit
// that still owes the period's report, and reports how many were stored.
func (s *Service) RemindOwing(ctx context.Context, u reporting.User, now time.Time, periodID int64) (EnqueueResult, error) {
	if err := reporting.AuthorizeDeadlines(u); err != nil {
		return EnqueueResult{}, err
	}
	if err := s.checkRemindable(ctx, periodID, now); err != nil {
		return EnqueueResult{}, err
	}
	all, err := s.st.ObligationTargets(ctx, periodID, "", now)
	if err != nil {
		return EnqueueResult{}, fmt.Errorf("remind missing units: %w", err)
	}
	owing := slices.DeleteFunc(all, func(t store.ReminderTarget) bool {
		return !slices.Contains(reporting.OwingStatuses, t.Status)
	})
	return s.enqueueManual(ctx, owing, u.Email, now)
}

func (s *Service) checkRemindable(ctx context.Context, periodID int64, now time.Time) error {
	p, err := s.st.Period(ctx, periodID)
	if err != nil {
		return err
	}
	switch {
	case now.Before(p.OpensAt):
		return reporting.Errorf(reporting.ECONFLICT, msgPeriodNotOpen, p.Label)
	case !now.Before(p.LocksAt):
		return reporting.Errorf(reporting.ECONFLICT, msgPeriodLocked, p.Label)
	}
	return nil
}

func (s *Service) enqueueManual(ctx context.Context, targets []store.ReminderTarget, actor string, now time.Time) (EnqueueResult, error) {
	if actor == "" {
		return EnqueueResult{}, errors.New("manual reminder: actor is required for the audit trail")
	}
	kind := reporting.ManualReminderKind(now, s.opts.Location)
	for i := range targets {
		targets[i].Kind, targets[i].DueAt = kind, now
	}
	return s.enqueue(ctx, s.st, targets, now, store.EnqueueOptions{Actor: actor})
}

// enqueue writes each target's message and stores them in one statement.
func (s *Service) enqueue(ctx context.Context, st *store.Store, targets []store.ReminderTarget, now time.Time, eo store.EnqueueOptions) (EnqueueResult, error) {
	var res EnqueueResult
	if len(targets) == 0 {
		return res, nil
	}
	rows := make([]store.NewReminder, 0, len(targets))
	noAddress := map[int]bool{}
	for i, t := range targets {
		r, err := s.newReminder(t, now)
		if err != nil {
			return res, fmt.Errorf("enqueue reminders: %w", err)
		}
		if r.Undeliverable != "" {
			noAddress[i] = true
		}
		rows = append(rows, r)
	}
	n, err := st.EnqueueReminders(ctx, rows, now, eo)
	if err != nil {
		return res, err
	}
	res.Enqueued = n
	// Exact when nothing raced us, which is every tick but a twin's.
	res.NoAddress = min(len(noAddress), n)
	return res, nil
}

// newReminder writes the reminder for t as of now. Overdue reminders copy
// the supervisor unit, since by then the unit's own clerk has not acted.
func (s *Service) newReminder(t store.ReminderTarget, now time.Time) (store.NewReminder, error) {
	overdue := now.After(t.Deadline)
	var cc []string
	if overdue {
		cc = slices.DeleteFunc(slices.Clone(t.SupervisorEmails), func(a string) bool { return slices.Contains(t.Emails, a) })
	}
	c, err := mail.Reminder(mail.ReminderData{
		UnitName:           t.UnitName,
		FormTitle:          t.FormTitle,
		PeriodLabel:        t.PeriodLabel,
		Deadline:           t.Deadline,
		Status:             t.Status,
		Link:               s.unitPeriodURL(t.UnitCode, t.PeriodID),
		Now:                now,
		Location:           s.opts.Location,
		CopiedToSupervisor: len(cc) > 0,
		ReplyTo:            s.opts.Outbox.ReplyTo,
	})
	if err != nil {
		return store.NewReminder{}, fmt.Errorf("reminder for %s in period %d: %w", t.UnitCode, t.PeriodID, err)
	}
	r := store.NewReminder{
		PeriodID: t.PeriodID, UnitCode: t.UnitCode, Kind: t.Kind, DueAt: t.DueAt,
		Recipients: t.Emails, Cc: cc, Subject: c.Subject, BodyText: c.Text, BodyHTML: c.HTML,
	}
	if len(t.Emails) == 0 {
		r.Undeliverable = noAddressReason
	}
	return r, nil
}

// OutboxOptions configure delivery. Zero fields take the defaults below.
type OutboxOptions struct {
	// MaxAttempts is how many tries a reminder gets before it is failed;
	// default 8 (about two hours of an unreachable server with the default
	// backoff).
	MaxAttempts int
	// Backoff is the wait after the first failed try, doubling after each
	// next one up to MaxBackoff; defaults 1 minute and 1 hour.
	Backoff, MaxBackoff time.Duration
	// Lease is how long a claimed reminder belongs to its sender before
	// another may take it; default 5 minutes. It must be well above the
	// SMTP timeout: a sender stops claiming work it cannot finish within
	// half of it.
	Lease time.Duration
	// Batch is how many reminders one claim takes; default 20.
	Batch int
	// From is the sender address (smtp.from); Message-IDs take its
	// domain, <reminder-42@snv.gov.vn> (see mail.MessageID), and so does
	// the List-Id, "Nhắc báo cáo <baocao.snv.gov.vn>" (see mail.ListID).
	From string
	// ReplyTo is every e-mail's Reply-To (smtp.reply_to), typically the
	// inspectors' mailbox; the texts then invite answers to it. "" sends
	// none, and the texts ask for no reply.
	ReplyTo string
	// Workers is how many e-mails a pass sends at once; default 4. A hung
	// SMTP connection then holds one of them, not the queue.
	Workers int
	// Progress, if set, is told after each e-mail tried how many a
	// delivery pass has tried so far (the command line's meter).
	Progress func(tried int)
}

func (o OutboxOptions) withDefaults() OutboxOptions {
	if o.Workers <= 0 {
		o.Workers = 4
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 8
	}
	if o.Backoff <= 0 {
		o.Backoff = time.Minute
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = time.Hour
	}
	if o.Lease <= 0 {
		o.Lease = 5 * time.Minute
	}
	if o.Batch <= 0 {
		o.Batch = 20
	}
	return o
}

// backoff is the wait after failed attempt number n (from 1).
func (o OutboxOptions) backoff(n int) time.Duration {
	d := o.Backoff
	for i := 1; i < n && d < o.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, o.MaxBackoff)
}

// DeliverResult counts what one delivery pass did.
type DeliverResult struct {
	Sent    int // accepted by the SMTP server
	Retried int // failed for now, queued again with backoff
	Failed  int // given up: a permanent refusal or the last attempt
	Skipped int // no longer to send (store.SkipObsoleteReminders)
}

// DeliverOutbox sends every reminder due at now: it first skips those
// whose reason went away (store.SkipObsoleteReminders), then claims a batch
// (store.ClaimReminders, committed before anything is sent), sends each
// with a Message-ID derived from the row, marks it sent, requeued with
// backoff or failed, and claims again until nothing is due. Several
// senders may run at once; each row goes to one of them.
func (s *Service) DeliverOutbox(ctx context.Context, sender mail.Sender, now time.Time) (DeliverResult, error) {
	st, opts, log := s.st, s.opts.Outbox, s.log
	var res DeliverResult
	// Elapsed time is measured on the monotonic clock, not now: now is the
	// moment the rows are due for, while the lease runs in real time.
	start := time.Now()
	// Once a pass: each call looks at every due row, not just a batch.
	skipped, err := st.SkipObsoleteReminders(ctx, now)
	if err != nil {
		return res, fmt.Errorf("deliver outbox: %w", err)
	}
	res.Skipped = int(skipped)
	for {
		if time.Since(start) > opts.Lease/2 {
			return res, nil // the next tick goes on, with fresh leases
		}
		batch, err := st.ClaimReminders(ctx, now, opts.Lease, opts.Batch)
		if err != nil {
			return res, fmt.Errorf("deliver outbox: %w", err)
		}
		if len(batch) == 0 {
			return res, nil
		}
		batchStart := time.Since(start)
		// Up to Workers e-mails at once. Each outcome is dated at its own
		// moment — the pass's now plus the time the pass has taken — so a
		// retry waits its backoff from its own failure, not from the start
		// of a long pass.
		var (
			mu       sync.Mutex
			released bool
			firstErr error
		)
		g := new(errgroup.Group)
		g.SetLimit(opts.Workers)
		for i, r := range batch {
			if ctx.Err() != nil || time.Since(start)-batchStart > opts.Lease/2 {
				// Hand back what this sender will not reach within its
				// lease, rather than risk sending it after another took it.
				err := st.ReleaseReminders(context.WithoutCancel(ctx), batch[i:], now)
				mu.Lock()
				released, firstErr = true, errors.Join(firstErr, ctx.Err(), err)
				mu.Unlock()
				break
			}
			g.Go(func() error {
				outcome, err := deliverOne(ctx, st, sender, r, func() time.Time { return now.Add(time.Since(start)) }, opts, log)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					firstErr = errors.Join(firstErr, err)
					return nil
				}
				switch outcome {
				case store.ReminderSent:
					res.Sent++
				case store.ReminderQueued:
					res.Retried++
				case store.ReminderFailed:
					res.Failed++
				}
				if opts.Progress != nil {
					opts.Progress(res.Sent + res.Retried + res.Failed)
				}
				return nil
			})
		}
		_ = g.Wait()
		if released || firstErr != nil {
			return res, firstErr
		}
	}
}

// ReminderMessageID is the Message-ID (without brackets) reminder id is
// always sent with: the same on every attempt, so a copy sent twice after a
// crash is recognisably the same message.
func ReminderMessageID(id int64, from string) string {
	return mail.MessageID("reminder-"+strconv.FormatInt(id, 10), from)
}

// deliverOne sends one claimed reminder and records the outcome.
func deliverOne(ctx context.Context, st *store.Store, sender mail.Sender, r store.Reminder, clock func() time.Time, opts OutboxOptions, log *slog.Logger) (store.ReminderStatus, error) {
	id := ReminderMessageID(r.ID, opts.From)
	err := sender.Send(ctx, mail.Message{
		ID: id, To: r.Recipients, Cc: r.Cc, Subject: r.Subject, Text: r.BodyText, HTML: r.BodyHTML,
		ReplyTo: opts.ReplyTo, ListID: mail.ListID(opts.From),
	})
	// The outcome's moment: when the server answered (or gave up), which
	// for a slow one is well after the pass began.
	now := clock()
	// The outcome is recorded even when ctx ends now: the message's fate is
	// known and must not be forgotten.
	mctx := context.WithoutCancel(ctx)
	attrs := []any{"reminder", r.ID, "unit", r.UnitCode, "period", r.PeriodID, "kind", r.Kind, "attempt", r.Attempts}
	var partial *mail.PartialError
	switch {
	case err == nil:
		return store.ReminderSent, st.MarkReminderSent(mctx, r.ID, "<"+id+">", now)
	case errors.As(err, &partial):
		// Delivered to those who could take it; a refused copy address
		// (a supervisor's dead mailbox) is said, not a failure.
		log.WarnContext(ctx, "reminder sent, some recipients refused", append(attrs, "refused", partial.Refused, "err", partial.Reason)...)
		return store.ReminderSent, st.MarkReminderSentExcept(mctx, r.ID, "<"+id+">", now,
			fmt.Sprintf(msgRecipientsRefused, strings.Join(partial.Refused, ", "), partial.Reason))
	case mail.IsPermanent(err) || r.Attempts >= opts.MaxAttempts:
		log.WarnContext(ctx, "reminder failed for good", append(attrs, "err", err)...)
		_, ferr := st.FailReminder(mctx, r.ID, r.Attempts, err.Error())
		return store.ReminderFailed, ferr
	default:
		next := now.Add(opts.backoff(r.Attempts))
		log.InfoContext(ctx, "reminder not sent; will retry", append(attrs, "err", err, "next_try_at", next)...)
		_, rerr := st.RetryReminder(mctx, r.ID, r.Attempts, err.Error(), next)
		return store.ReminderQueued, rerr
	}
}

// msgRecipientsRefused is the outbox's note on a reminder delivered to all
// but some recipients.
const msgRecipientsRefused = "Đã gửi, trừ địa chỉ bị máy chủ thư từ chối: %s (%s)"
