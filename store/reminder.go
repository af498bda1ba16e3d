package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/reporting"
)

// The reminders table is both the business record of reminders (one per
// period, unit and kind, ever) and the e-mail outbox. A row's life:
//
//	queued ──claim──▶ sending ──sent──▶ sent
//	  ▲                  │ temporary error, attempts left: back to queued, next_try_at = now + backoff
//	  └──────────────────┤ lease expired (sender died): claimable again
//	                     └ permanent error or attempts used up ──▶ failed
//
// While a row is sending, next_try_at holds the end of its sender's lease.

// ReminderStatus is where an outbox row is.
type ReminderStatus string

// Reminder statuses.
const (
	ReminderQueued  ReminderStatus = "queued"
	ReminderSending ReminderStatus = "sending"
	ReminderSent    ReminderStatus = "sent"
	ReminderFailed  ReminderStatus = "failed"
	// ReminderSkipped: its reason went away before it could go out (see
	// SkipObsoleteReminders).
	ReminderSkipped ReminderStatus = "skipped"
)

// Reminder is one row of the outbox.
type Reminder struct {
	ID         int64          `json:"id"`
	PeriodID   int64          `json:"period_id"`
	UnitCode   string         `json:"unit_code"`
	Kind       string         `json:"kind"`
	DueAt      time.Time      `json:"due_at"`
	Recipients []string       `json:"recipients"`
	Cc         []string       `json:"cc"`
	Subject    string         `json:"subject"`
	BodyText   string         `json:"body_text"`
	BodyHTML   string         `json:"body_html"`
	MessageID  string         `json:"message_id"`
	Status     ReminderStatus `json:"status"`
	Attempts   int            `json:"attempts"`
	LastError  string         `json:"last_error"`
	// NextTryAt is when a queued row may be tried, or when a sending
	// row's lease ends.
	NextTryAt time.Time  `json:"next_try_at"`
	SentAt    *time.Time `json:"sent_at"`
	CreatedAt time.Time  `json:"created_at"`
}

// OwingDeadline is one deadline shared by obligations of a period that
// still owe a report (reporting.OwingStatuses). A period has a few: one per
// unit kind with its own rule, plus any extension.
type OwingDeadline struct {
	PeriodID      int64
	FormVersionID int64
	Periodicity   reporting.Periodicity
	Deadline      time.Time
}

// OwingDeadlines lists the deadlines of obligations still owing a report in
// periods open at now: opened, and not yet locked (after the lock nobody
// can file, so a reminder would only annoy).
func (s *Store) OwingDeadlines(ctx context.Context, now time.Time) ([]OwingDeadline, error) {
	rows, err := s.q.Query(ctx, `
		SELECT p.id, p.form_version_id, p.periodicity, o.deadline
		FROM periods p
		JOIN obligations o ON o.period_id = p.id
		WHERE p.opens_at <= $1 AND p.locks_at > $1 AND `+owingAt("$1")+`
		GROUP BY p.id, o.deadline
		ORDER BY p.id, o.deadline`, now, owingStatuses())
	if err != nil {
		return nil, fmt.Errorf("owing deadlines: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (OwingDeadline, error) {
		var d OwingDeadline
		var p string
		err := row.Scan(&d.PeriodID, &d.FormVersionID, &p, &d.Deadline)
		d.Periodicity = reporting.Periodicity(p)
		return d, err
	})
	if err != nil {
		return nil, fmt.Errorf("owing deadlines: %w", err)
	}
	return out, nil
}

// ReminderDue says which reminder is due for the owing obligations of a
// period that share a deadline.
type ReminderDue struct {
	PeriodID int64
	Deadline time.Time
	Kind     string
	DueAt    time.Time
}

// ReminderTarget is an obligation a reminder is to be written for, with
// what the message says and whom it goes to.
type ReminderTarget struct {
	PeriodID    int64
	PeriodLabel string
	FormTitle   string
	UnitCode    string
	UnitName    string
	Status      reporting.Status // the obligation's status when read
	Deadline    time.Time
	// Emails are the unit's, from the unit version the obligation was
	// opened for; SupervisorEmails its parent's as of the same day.
	Emails           []string
	SupervisorEmails []string
	// Kind and DueAt are the reminder's (ReminderTargets sets them).
	Kind  string
	DueAt time.Time
}

// owingAt is the condition that obligation o still owes its report at
// moment at (a parameter: its summary is its state from changed_at on, and
// writers only append the present), with $2 the owing statuses.
func owingAt(at string) string {
	return `obligation_status(o.exempt, o.decision, o.first_submitted_at, o.deadline, ` + at + `) = ANY ($2)`
}

// owingStatuses are reporting.OwingStatuses as SQL text.
func owingStatuses() []string {
	out := make([]string, len(reporting.OwingStatuses))
	for i, st := range reporting.OwingStatuses {
		out[i] = string(st)
	}
	return out
}

// targetColumns and targetJoins read a ReminderTarget (without kind and
// due time) for obligations o at moment $1. The unit's name and addresses
// are those of its version in effect on the period's cut-off, not
// necessarily the version its obligation recorded: a unit renamed or
// re-addressed by a reorganisation imported while the period was open is
// written to where it is now (a unit with no version then gets nothing).
const (
	targetColumns = `o.period_id, p.label, fv.title, o.unit_code, v.name,
		obligation_status(o.exempt, o.decision, o.first_submitted_at, o.deadline, $1), o.deadline,
		v.emails, coalesce(pv.emails, '{}')`
	targetJoins = `
		JOIN periods p ON p.id = o.period_id
		JOIN form_versions fv ON fv.id = p.form_version_id
		JOIN unit_versions v ON v.unit_code = o.unit_code
		     AND v.valid_from <= p.data_to AND (v.valid_until IS NULL OR v.valid_until >= p.data_to)
		LEFT JOIN unit_versions pv ON pv.unit_code = v.parent_code
		     AND pv.valid_from <= p.data_to AND (pv.valid_until IS NULL OR pv.valid_until >= p.data_to)`
)

func scanTarget(row pgx.CollectableRow, extra ...any) (ReminderTarget, error) {
	var t ReminderTarget
	dest := append([]any{&t.PeriodID, &t.PeriodLabel, &t.FormTitle, &t.UnitCode, &t.UnitName, &t.Status, &t.Deadline,
		&t.Emails, &t.SupervisorEmails}, extra...)
	return t, row.Scan(dest...)
}

// ReminderTargets lists, for each due reminder, the obligations of its
// period and deadline owing at now that do not have that reminder yet. On
// a quiet tick it returns nothing, cheaply.
func (s *Store) ReminderTargets(ctx context.Context, due []ReminderDue, now time.Time) ([]ReminderTarget, error) {
	if len(due) == 0 {
		return nil, nil
	}
	var (
		periods        []int64
		deadlines, ats []time.Time
		kinds          []string
	)
	for _, d := range due {
		periods = append(periods, d.PeriodID)
		deadlines = append(deadlines, d.Deadline)
		kinds = append(kinds, d.Kind)
		ats = append(ats, d.DueAt)
	}
	rows, err := s.q.Query(ctx, `
		SELECT `+targetColumns+`, d.kind, d.due_at
		FROM unnest($3::bigint[], $4::timestamptz[], $5::text[], $6::timestamptz[]) AS d (period_id, deadline, kind, due_at)
		JOIN obligations o ON o.period_id = d.period_id AND o.deadline = d.deadline
		`+targetJoins+`
		WHERE `+owingAt("$1")+`
		  AND NOT EXISTS (SELECT 1 FROM reminders r
		                  WHERE r.period_id = o.period_id AND r.unit_code = o.unit_code AND r.kind = d.kind)
		ORDER BY o.period_id, o.unit_code`,
		now, owingStatuses(), periods, deadlines, kinds, ats)
	if err != nil {
		return nil, fmt.Errorf("reminder targets: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (ReminderTarget, error) {
		var kind string
		var at time.Time
		t, err := scanTarget(row, &kind, &at)
		t.Kind, t.DueAt = kind, at
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("reminder targets: %w", err)
	}
	return out, nil
}

// ObligationTargets lists the obligations of a period with their status
// at now, whatever it is, or only unitCode's when it is not empty, for
// reminders sent by hand. Kind and DueAt are left for the caller.
func (s *Store) ObligationTargets(ctx context.Context, periodID int64, unitCode string, now time.Time) ([]ReminderTarget, error) {
	rows, err := s.q.Query(ctx, `
		SELECT `+targetColumns+`
		FROM obligations o
		`+targetJoins+`
		WHERE o.period_id = $2 AND ($3 = '' OR o.unit_code = $3)
		ORDER BY o.unit_code`, now, periodID, unitCode)
	if err != nil {
		return nil, fmt.Errorf("obligations of period %d: %w", periodID, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (ReminderTarget, error) { return scanTarget(row) })
	if err != nil {
		return nil, fmt.Errorf("obligations of period %d: %w", periodID, err)
	}
	return out, nil
}

// NewReminder is a reminder to enqueue, its message already written.
type NewReminder struct {
	PeriodID   int64     `json:"period_id"`
	UnitCode   string    `json:"unit_code"`
	Kind       string    `json:"kind"`
	DueAt      time.Time `json:"due_at"`
	Recipients []string  `json:"recipients"`
	Cc         []string  `json:"cc"`
	Subject    string    `json:"subject"`
	BodyText   string    `json:"body_text"`
	BodyHTML   string    `json:"body_html"`
	// Undeliverable, when set, stores the row as failed with this reason
	// instead of queueing it: the reminder was owed, and the outbox shows
	// why it could not go (a unit without an e-mail address).
	Undeliverable string `json:"undeliverable"`
}

// EnqueueOptions qualify EnqueueReminders.
type EnqueueOptions struct {
	// Actor, when set, records one "reminder.manual" audit event per
	// obligation targeted, in the same transaction: a reminder sent by hand.
	Actor string
}

// EnqueueReminders inserts the reminders in one statement, each only while
// its obligation still owes a report (a submission that came in since the
// targets were read wins), and none that exists already: the unique key
// (period, unit, kind) with ON CONFLICT DO NOTHING makes a repeated tick, a
// catch-up after downtime or a second instance add nothing. Queued rows
// are due at now. It returns how many rows it added.
func (s *Store) EnqueueReminders(ctx context.Context, rs []NewReminder, now time.Time, opts EnqueueOptions) (int, error) {
	if len(rs) == 0 {
		return 0, nil
	}
	for i := range rs {
		// jsonb_to_recordset turns a JSON null into a NULL array, which the
		// NOT NULL columns refuse.
		if rs[i].Recipients == nil {
			rs[i].Recipients = []string{}
		}
		if rs[i].Cc == nil {
			rs[i].Cc = []string{}
		}
	}
	b, err := json.Marshal(rs)
	if err != nil {
		return 0, fmt.Errorf("enqueue reminders: encode: %w", err)
	}
	var n int
	// Rows go in key order so that two instances inserting the same
	// reminders wait for each other instead of deadlocking.
	err = s.q.QueryRow(ctx, `
		WITH src AS (
			SELECT s.*
			FROM jsonb_to_recordset($1::jsonb) AS s (period_id bigint, unit_code text, kind text, due_at timestamptz,
			     recipients text[], cc text[], subject text, body_text text, body_html text, undeliverable text)
			JOIN obligations o ON o.period_id = s.period_id AND o.unit_code = s.unit_code
			WHERE obligation_status(o.exempt, o.decision, o.first_submitted_at, o.deadline, $2) = ANY ($3)
		), ins AS (
			INSERT INTO reminders (period_id, unit_code, kind, due_at, recipients, cc, subject, body_text, body_html,
			                       status, last_error, next_try_at)
			SELECT period_id, unit_code, kind, due_at, recipients, cc, subject, body_text, body_html,
			       CASE WHEN undeliverable = '' THEN 'queued' ELSE 'failed' END, undeliverable, $2
			FROM src
			ORDER BY period_id, unit_code, kind
			ON CONFLICT (period_id, unit_code, kind) DO NOTHING
			RETURNING id, period_id, unit_code, kind
		), audit AS (
			INSERT INTO audit_events (actor, action, object_type, object_id, details)
			SELECT $4, 'reminder.manual', 'obligation', s.period_id || '/' || s.unit_code,
			       jsonb_build_object('kind', s.kind, 'reminder_id', i.id, 'enqueued', i.id IS NOT NULL,
			                          'recipients', to_jsonb(s.recipients), 'cc', to_jsonb(s.cc))
			FROM src s
			LEFT JOIN ins i ON i.period_id = s.period_id AND i.unit_code = s.unit_code AND i.kind = s.kind
			WHERE $4 <> ''
		)
		SELECT count(*) FROM ins`,
		string(b), now, owingStatuses(), opts.Actor).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("enqueue reminders: %w", err)
	}
	return n, nil
}

// reminderColumns is what scanReminder reads.
const reminderColumns = `id, period_id, unit_code, kind, due_at, recipients, cc, subject, body_text, body_html,
	message_id, status, attempts, last_error, next_try_at, sent_at, created_at`

func scanReminder(row pgx.CollectableRow) (Reminder, error) {
	var r Reminder
	var status string
	err := row.Scan(&r.ID, &r.PeriodID, &r.UnitCode, &r.Kind, &r.DueAt, &r.Recipients, &r.Cc, &r.Subject,
		&r.BodyText, &r.BodyHTML, &r.MessageID, &status, &r.Attempts, &r.LastError, &r.NextTryAt, &r.SentAt, &r.CreatedAt)
	r.Status = ReminderStatus(status)
	return r, err
}

// ClaimReminders takes up to limit reminders due at now for one sender:
// queued rows whose next_try_at has come, and rows left in sending by a
// sender whose lease ran out (it died, or hung). Each is set to sending
// with a lease until now+lease and its attempt counted, in one statement
// that commits before anything is sent. FOR UPDATE SKIP LOCKED lets several
// senders claim at once, each getting other rows, none waiting.
//
// A row is re-claimed after its lease only when its sender never marked
// it; if that sender had in fact delivered the message, it goes out twice.
// That is the price of never losing one (see README, "Reminder e-mails").
func (s *Store) ClaimReminders(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Reminder, error) {
	rows, err := s.q.Query(ctx, `
		UPDATE reminders r
		SET status = 'sending', attempts = r.attempts + 1, next_try_at = $2
		FROM (
			SELECT id FROM reminders
			WHERE status IN ('queued', 'sending') AND next_try_at <= $1
			ORDER BY next_try_at, id
			LIMIT $3
			FOR UPDATE SKIP LOCKED
		) due
		WHERE r.id = due.id
		RETURNING `+prefixColumns("r.", reminderColumns),
		now, now.Add(lease), limit)
	if err != nil {
		return nil, fmt.Errorf("claim reminders: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanReminder)
	if err != nil {
		return nil, fmt.Errorf("claim reminders: %w", err)
	}
	return out, nil
}

// SkipObsoleteReminders marks skipped, with the reason in last_error, the
// reminders due at now that should no longer go out: the obligation no
// longer owes a report (the unit filed, or was exempted or accepted, since
// the reminder was queued), or a "due in …" reminder's deadline has passed
// (mail was down; the overdue reminder follows). Notices of a returned
// report always go. The sender calls it once a pass, before claiming.
func (s *Store) SkipObsoleteReminders(ctx context.Context, now time.Time) (int64, error) {
	tag, err := s.q.Exec(ctx, `
		UPDATE reminders r
		SET status = 'skipped',
		    last_error = CASE WHEN o.status <> ALL ($2)
		        THEN 'not sent: the obligation is ' || o.status || ' now'
		        ELSE 'not sent: the deadline passed before it could go out; the overdue reminder follows' END
		FROM (SELECT period_id, unit_code, deadline,
		             obligation_status(exempt, decision, first_submitted_at, deadline, $1) AS status
		      FROM obligations) o
		WHERE r.status IN ('queued', 'sending') AND r.next_try_at <= $1
		  AND o.period_id = r.period_id AND o.unit_code = r.unit_code
		  AND r.kind NOT LIKE $3
		  AND (o.status <> ALL ($2) OR (r.kind LIKE 'due\_in\_%' AND o.deadline < $1))`,
		now, owingStatuses(), strings.ReplaceAll(ReturnedKindPrefix, "_", `\_`)+"%")
	if err != nil {
		return 0, fmt.Errorf("skip obsolete reminders: %w", err)
	}
	return tag.RowsAffected(), nil
}

// prefixColumns qualifies a comma-separated column list with a table alias.
func prefixColumns(prefix, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = prefix + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// MarkReminderSent records that the SMTP server accepted reminder id. A
// delivered message is a fact, so it holds even if the lease had run out
// and another sender has the row now.
func (s *Store) MarkReminderSent(ctx context.Context, id int64, messageID string, now time.Time) error {
	return s.MarkReminderSentExcept(ctx, id, messageID, now, "")
}

// MarkReminderSentExcept is MarkReminderSent for a message some of whose
// recipients the server refused: note says which and why, shown with the
// sent message in the outbox.
func (s *Store) MarkReminderSentExcept(ctx context.Context, id int64, messageID string, now time.Time, note string) error {
	_, err := s.q.Exec(ctx, `
		UPDATE reminders SET status = 'sent', sent_at = $2, message_id = $3, last_error = $4
		WHERE id = $1 AND status <> 'sent'`, id, now, messageID, note)
	if err != nil {
		return fmt.Errorf("mark reminder %d sent: %w", id, err)
	}
	return nil
}

// RetryReminder puts reminder id back in the queue after failed attempt
// number attempt, to be tried again at next. The attempt number fences
// off a sender whose lease ran out: only the current claim may change the
// row. It reports whether the row was changed.
func (s *Store) RetryReminder(ctx context.Context, id int64, attempt int, reason string, next time.Time) (bool, error) {
	tag, err := s.q.Exec(ctx, `
		UPDATE reminders SET status = 'queued', last_error = $3, next_try_at = $4
		WHERE id = $1 AND status = 'sending' AND attempts = $2`, id, attempt, reason, next)
	if err != nil {
		return false, fmt.Errorf("requeue reminder %d: %w", id, err)
	}
	return tag.RowsAffected() == 1, nil
}

// FailReminder gives up on reminder id after attempt number attempt,
// keeping the reason. It reports whether the row was changed (see
// RetryReminder).
func (s *Store) FailReminder(ctx context.Context, id int64, attempt int, reason string) (bool, error) {
	tag, err := s.q.Exec(ctx, `
		UPDATE reminders SET status = 'failed', last_error = $3
		WHERE id = $1 AND status = 'sending' AND attempts = $2`, id, attempt, reason)
	if err != nil {
		return false, fmt.Errorf("fail reminder %d: %w", id, err)
	}
	return tag.RowsAffected() == 1, nil
}

// ReleaseReminders hands claimed reminders back unsent (a sender stopping
// or out of lease time), due at once and without counting the attempt.
func (s *Store) ReleaseReminders(ctx context.Context, claims []Reminder, now time.Time) error {
	if len(claims) == 0 {
		return nil
	}
	ids := make([]int64, len(claims))
	attempts := make([]int32, len(claims))
	for i, r := range claims {
		ids[i], attempts[i] = r.ID, int32(r.Attempts)
	}
	_, err := s.q.Exec(ctx, `
		UPDATE reminders r SET status = 'queued', attempts = r.attempts - 1, next_try_at = $3
		FROM unnest($1::bigint[], $2::int[]) AS c (id, attempts)
		WHERE r.id = c.id AND r.status = 'sending' AND r.attempts = c.attempts`, ids, attempts, now)
	if err != nil {
		return fmt.Errorf("release %d reminders: %w", len(claims), err)
	}
	return nil
}

// ReminderFilter narrows Reminders; zero fields select everything.
type ReminderFilter struct {
	Status   ReminderStatus
	PeriodID int64
	UnitCode string
	// Since and Before bound the moment a row was created (zero: open).
	Since, Before time.Time
	// Limit caps the count, newest first; 0 is 100.
	Limit int
}

// Reminders lists outbox rows, newest first.
func (s *Store) Reminders(ctx context.Context, f ReminderFilter) ([]Reminder, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.q.Query(ctx, `
		SELECT `+reminderColumns+`
		FROM reminders
		WHERE ($1 = '' OR status = $1) AND ($2 = 0 OR period_id = $2) AND ($3 = '' OR unit_code = $3)
		  AND ($5::timestamptz IS NULL OR created_at >= $5) AND ($6::timestamptz IS NULL OR created_at < $6)
		ORDER BY created_at DESC, id DESC
		LIMIT $4`, string(f.Status), f.PeriodID, f.UnitCode, limit, optionalTime(f.Since), optionalTime(f.Before))
	if err != nil {
		return nil, fmt.Errorf("list reminders: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanReminder)
	if err != nil {
		return nil, fmt.Errorf("list reminders: %w", err)
	}
	return out, nil
}

// ReminderCounts counts outbox rows by status.
func (s *Store) ReminderCounts(ctx context.Context) (map[ReminderStatus]int, error) {
	rows, err := s.q.Query(ctx, `SELECT status, count(*) FROM reminders GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("count reminders: %w", err)
	}
	out := map[ReminderStatus]int{}
	var (
		status string
		n      int
	)
	_, err = pgx.ForEachRow(rows, []any{&status, &n}, func() error {
		out[ReminderStatus(status)] = n
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("count reminders: %w", err)
	}
	return out, nil
}

// OutboxCounts counts the outbox's rows by status, for metrics.
func (s *Store) OutboxCounts(ctx context.Context) (map[ReminderStatus]int64, error) {
	rows, err := s.q.Query(ctx, `SELECT status, count(*) FROM reminders GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("count outbox: %w", err)
	}
	out := map[ReminderStatus]int64{}
	var status string
	var n int64
	_, err = pgx.ForEachRow(rows, []any{&status, &n}, func() error { out[ReminderStatus(status)] = n; return nil })
	if err != nil {
		return nil, fmt.Errorf("count outbox: %w", err)
	}
	return out, nil
}

// ReminderByID is one outbox row, bodies included.
func (s *Store) ReminderByID(ctx context.Context, id int64) (Reminder, error) {
	rows, err := s.q.Query(ctx, `SELECT `+reminderColumns+` FROM reminders WHERE id = $1`, id)
	if err != nil {
		return Reminder{}, fmt.Errorf("outbox message %d: %w", id, err)
	}
	r, err := pgx.CollectExactlyOneRow(rows, scanReminder)
	if errors.Is(err, pgx.ErrNoRows) {
		return Reminder{}, reporting.Errorf(reporting.ENOTFOUND, msgReminderNotFound, id)
	}
	if err != nil {
		return Reminder{}, fmt.Errorf("outbox message %d: %w", id, err)
	}
	return r, nil
}

// RequeueReminder puts a failed outbox row back in the queue at now, with
// its tries counted afresh; false when the row is not failed.
func (s *Store) RequeueReminder(ctx context.Context, id int64, now time.Time) (bool, error) {
	tag, err := s.q.Exec(ctx, `
		UPDATE reminders SET status = 'queued', attempts = 0, next_try_at = $2
		WHERE id = $1 AND status = 'failed'`, id, now)
	if err != nil {
		return false, fmt.Errorf("requeue outbox message %d: %w", id, err)
	}
	return tag.RowsAffected() == 1, nil
}

// optionalTime is t as a query parameter, NULL when zero.
func optionalTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
