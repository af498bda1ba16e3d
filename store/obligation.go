package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/reporting"
)

// Obligations and their history (obligation_events, migration 00007). An
// obligation's status at a moment is reporting's rule over its history;
// obligations keeps the fold of all its events (exempt, decision,
// first_submitted_at, deadline) and changed_at, the latest moment an event
// changed a status, so the set-based queries read the summary and fold the
// history only for obligations changed after the moment asked about.
// RecordEvents appends events and folds them into the summary in one
// statement; nothing else writes either.

// Messages a user sees.
const (
	msgNoObligation     = "Đơn vị %s không phải báo cáo kỳ này (kỳ số %d)."
	msgSubmissionAbsent = "Không tìm thấy bản báo cáo số %d."
)

// Obligation is one unit's duty to report for one period, with what the
// actions on it check: the period's window and state, the unit as it was
// when the period opened, the facts of its history and its latest version.
type Obligation struct {
	PeriodID         int64
	PeriodKey        string
	PeriodLabel      string
	FormCode         string
	FormVersionID    int64 // the version the period was opened from
	DataFrom, DataTo time.Time
	OpensAt, LocksAt time.Time
	treeDay          time.Time // see TreeDay
	UnitCode         string
	UnitVersionID    int64
	UnitName         string
	UnitKind         reporting.UnitKind
	UnitEmails       []string
	ParentCode       string
	ParentName       string
	// Facts are the fold of its whole history (Facts.Reason aside);
	// ChangedAt the latest moment an event changed them.
	Facts     reporting.Facts
	ChangedAt time.Time
	// LatestVersion and LatestSubmissionID are its latest version, 0 for
	// none; LatestSHA256 that version's hash (hex).
	LatestVersion      int
	LatestSubmissionID int64
	LatestSHA256       string
}

// FilingLocksAt is when o stops taking versions: its period's lock, or
// its own deadline when an administrator extended it past the lock (a
// lock exception).
func (o Obligation) FilingLocksAt() time.Time {
	if o.Facts.Deadline.After(o.LocksAt) {
		return o.Facts.Deadline
	}
	return o.LocksAt
}

// TreeDay is the day whose unit tree the obligation belongs to: its
// period's cut-off (the last day of the data window). A period is owed by
// the units active that day, under the versions in effect that day, and
// its hierarchy (parents, subtrees, the province heading its reports) is
// drawn as of that day too. For a unit that filed and then closed before
// the cut-off (its obligation kept for the report it filed) it is the last
// day of the obligation's unit version: the unit and its parents are found
// as they were then.
func (o Obligation) TreeDay() time.Time { return o.treeDay }

// Status is the obligation's status at now (now at or after ChangedAt).
func (o Obligation) Status(now time.Time) reporting.Status { return o.Facts.StatusAt(now) }

const obligationSelect = `
	SELECT p.id, p.key, p.label, p.form_code, p.form_version_id, p.data_from, p.data_to, p.opens_at, p.locks_at,
	       td.day,
	       o.unit_code, v.id, v.name, v.kind, v.emails, coalesce(v.parent_code, ''),
	       coalesce((SELECT pv.name FROM unit_versions pv WHERE pv.unit_code = v.parent_code
	                   AND pv.valid_from <= td.day AND (pv.valid_until IS NULL OR pv.valid_until >= td.day)), ''),
	       o.exempt, o.decision, o.first_submitted_at, o.deadline, o.changed_at,
	       coalesce(ls.version, 0), coalesce(ls.id, 0), coalesce(encode(ls.sha256, 'hex'), '')
	FROM obligations o
	JOIN periods p ON p.id = o.period_id
	JOIN unit_versions v ON v.id = o.unit_version_id
	CROSS JOIN LATERAL (SELECT least(p.data_to, coalesce(v.valid_until, p.data_to)) AS day) td -- see TreeDay
	LEFT JOIN LATERAL (
		SELECT s.id, s.version, s.sha256 FROM submissions s
		WHERE s.period_id = o.period_id AND s.unit_code = o.unit_code
		ORDER BY s.version DESC LIMIT 1
	) ls ON true
	WHERE o.period_id = $1 AND o.unit_code = $2`

// Obligation reads (period, unit)'s obligation, or ENOTFOUND.
func (s *Store) Obligation(ctx context.Context, periodID int64, unitCode string) (Obligation, error) {
	return s.readObligation(ctx, obligationSelect, periodID, unitCode)
}

// LockObligation reads (period, unit)'s obligation FOR UPDATE: inside InTx,
// uploads, reviews, exemptions and extensions of one unit then happen one
// after another, each seeing the others' outcome.
func (s *Store) LockObligation(ctx context.Context, periodID int64, unitCode string) (Obligation, error) {
	return s.readObligation(ctx, obligationSelect+` FOR UPDATE OF o`, periodID, unitCode)
}

func (s *Store) readObligation(ctx context.Context, query string, periodID int64, unitCode string) (Obligation, error) {
	rows, err := s.q.Query(ctx, query, periodID, unitCode)
	if err != nil {
		return Obligation{}, fmt.Errorf("read obligation %d/%s: %w", periodID, unitCode, err)
	}
	o, err := pgx.CollectExactlyOneRow(rows, func(row pgx.CollectableRow) (Obligation, error) {
		var (
			o              Obligation
			kind, decision string
			first          *time.Time
		)
		err := row.Scan(&o.PeriodID, &o.PeriodKey, &o.PeriodLabel, &o.FormCode, &o.FormVersionID, &o.DataFrom, &o.DataTo,
			&o.OpensAt, &o.LocksAt, &o.treeDay, &o.UnitCode, &o.UnitVersionID, &o.UnitName, &kind, &o.UnitEmails, &o.ParentCode, &o.ParentName,
			&o.Facts.Exempt, &decision, &first, &o.Facts.Deadline, &o.ChangedAt,
			&o.LatestVersion, &o.LatestSubmissionID, &o.LatestSHA256)
		if first != nil {
			o.Facts.FirstAt = *first
		}
		o.UnitKind, o.Facts.Decision, o.Facts.Present = reporting.UnitKind(kind), reporting.Decision(decision), true
		return o, err
	})
	if errors.Is(err, pgx.ErrNoRows) {
		// No such period, or a period the unit owes nothing for.
		if _, perr := s.Period(ctx, periodID); perr != nil {
			return Obligation{}, perr
		}
		return Obligation{}, reporting.Errorf(reporting.ENOTFOUND, msgNoObligation, unitCode, periodID)
	}
	if err != nil {
		return Obligation{}, fmt.Errorf("read obligation %d/%s: %w", periodID, unitCode, err)
	}
	return o, nil
}

// ObligationEvent is an event of one obligation, for RecordEvents.
type ObligationEvent struct {
	PeriodID int64
	UnitCode string
	reporting.Event
}

// RecordEvents appends events to their obligations' histories and folds
// each into its obligation's summary (as reporting.Facts.Apply does), in
// one statement: the history and the summary never disagree. At most one
// event per obligation per call. The deadline tick's flag changes no
// status, so it leaves changed_at as it is.
func (s *Store) RecordEvents(ctx context.Context, events []ObligationEvent) error {
	if len(events) == 0 {
		return nil
	}
	type row struct {
		PeriodID         int64      `json:"period_id"`
		UnitCode         string     `json:"unit_code"`
		At               time.Time  `json:"at"`
		Kind             string     `json:"kind"`
		Actor            string     `json:"actor"`
		SubmissionID     *int64     `json:"submission_id"`
		Version          *int       `json:"version"`
		Late             *bool      `json:"late"`
		Deadline         *time.Time `json:"deadline"`
		PreviousDeadline *time.Time `json:"previous_deadline"`
		Reason           string     `json:"reason"`
	}
	rows := make([]row, len(events))
	seen := make(map[string]bool, len(events))
	for i, e := range events {
		key := fmt.Sprintf("%d/%s", e.PeriodID, e.UnitCode)
		if seen[key] {
			return fmt.Errorf("record events: two events for obligation %s in one call", key)
		}
		seen[key] = true
		r := row{PeriodID: e.PeriodID, UnitCode: e.UnitCode, At: e.At, Kind: string(e.Kind), Actor: e.Actor,
			Reason: e.Reason, PreviousDeadline: e.PreviousDeadline}
		if r.Actor == "" {
			r.Actor = DefaultAuditActor
		}
		if e.SubmissionID != 0 {
			r.SubmissionID, r.Version = &e.SubmissionID, &e.Version
		}
		if e.Kind == reporting.EventUploaded {
			r.Late = &e.Late
		}
		if !e.Deadline.IsZero() {
			r.Deadline = &e.Deadline
		}
		rows[i] = r
	}
	b, err := json.Marshal(rows)
	if err != nil {
		return fmt.Errorf("record events: encode: %w", err)
	}
	// Rows go in key order so that concurrent writers lock obligations in
	// the same order. One event (an upload, a review) names its
	// obligation outright: planned for a recordset of unknown size, the
	// join would scan the period's obligations (2.9 ms for 10,000, in
	// every upload of a deadline rush) where the key finds the one row.
	one, args := "", []any{string(b)}
	if len(events) == 1 {
		one, args = " AND o.period_id = $2 AND o.unit_code = $3", append(args, events[0].PeriodID, events[0].UnitCode)
	}
	tag, err := s.q.Exec(ctx, `
		WITH ev AS (
			INSERT INTO obligation_events (period_id, unit_code, at, kind, actor, submission_id, version, late,
			                               deadline, previous_deadline, reason)
			SELECT period_id, unit_code, at, kind, actor, submission_id, version, late, deadline, previous_deadline, reason
			FROM jsonb_to_recordset($1::jsonb) AS e (period_id bigint, unit_code text, at timestamptz, kind text, actor text,
			     submission_id bigint, version int, late boolean, deadline timestamptz, previous_deadline timestamptz, reason text)
			ORDER BY period_id, unit_code
			RETURNING period_id, unit_code, at, kind, deadline
		)
		UPDATE obligations o SET
			exempt = CASE ev.kind WHEN 'exempted' THEN true WHEN 'unexempted' THEN false ELSE o.exempt END,
			decision = CASE ev.kind WHEN 'uploaded' THEN '' WHEN 'returned' THEN 'returned' WHEN 'accepted' THEN 'accepted'
			           ELSE o.decision END,
			first_submitted_at = CASE WHEN ev.kind = 'uploaded' THEN least(o.first_submitted_at, ev.at) ELSE o.first_submitted_at END,
			deadline = CASE WHEN ev.kind IN ('opened', 'extended', 'rescheduled') THEN ev.deadline ELSE o.deadline END,
			flagged_deadline = CASE WHEN ev.kind = 'flagged_missing' THEN ev.deadline ELSE o.flagged_deadline END,
			changed_at = CASE WHEN ev.kind = 'flagged_missing' THEN o.changed_at ELSE greatest(o.changed_at, ev.at) END
		FROM ev
		WHERE o.period_id = ev.period_id AND o.unit_code = ev.unit_code`+one, args...)
	if err != nil {
		return fmt.Errorf("record %d obligation events: %w", len(events), err)
	}
	if int(tag.RowsAffected()) != len(events) {
		return fmt.Errorf("record %d obligation events: %d obligations updated", len(events), tag.RowsAffected())
	}
	return nil
}

// ObligationHistory lists (period, unit)'s events in the order recorded.
func (s *Store) ObligationHistory(ctx context.Context, periodID int64, unitCode string) ([]reporting.Event, error) {
	rows, err := s.q.Query(ctx, `
		SELECT id, at, kind, actor, coalesce(submission_id, 0), coalesce(version, 0), coalesce(late, false),
		       deadline, previous_deadline, reason
		FROM obligation_events
		WHERE period_id = $1 AND unit_code = $2
		ORDER BY id`, periodID, unitCode)
	if err != nil {
		return nil, fmt.Errorf("history of obligation %d/%s: %w", periodID, unitCode, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (reporting.Event, error) {
		var (
			e        reporting.Event
			kind     string
			deadline *time.Time
		)
		err := row.Scan(&e.ID, &e.At, &kind, &e.Actor, &e.SubmissionID, &e.Version, &e.Late, &deadline, &e.PreviousDeadline, &e.Reason)
		e.Kind = reporting.EventKind(kind)
		if deadline != nil {
			e.Deadline = *deadline
		}
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("history of obligation %d/%s: %w", periodID, unitCode, err)
	}
	return out, nil
}

// Unflagged lists the obligations whose deadline passed before now with
// nothing in, not exempt, in periods not yet locked, that the deadline tick
// has not flagged for that deadline: one indexed statement
// (obligations_unflagged_deadline_idx). Inside InTx the rows stay locked,
// and another transaction flagging at once skips them.
func (s *Store) Unflagged(ctx context.Context, now time.Time) ([]ObligationEvent, error) {
	rows, err := s.q.Query(ctx, `
		SELECT o.period_id, o.unit_code, o.deadline
		FROM obligations o
		JOIN periods p ON p.id = o.period_id
		WHERE o.first_submitted_at IS NULL AND NOT o.exempt AND o.flagged_deadline IS DISTINCT FROM o.deadline
		  AND o.deadline < $1 AND p.locks_at > $1
		ORDER BY o.period_id, o.unit_code
		FOR UPDATE OF o SKIP LOCKED`, now)
	if err != nil {
		return nil, fmt.Errorf("obligations past their deadline: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (ObligationEvent, error) {
		var e ObligationEvent
		return e, row.Scan(&e.PeriodID, &e.UnitCode, &e.Deadline)
	})
	if err != nil {
		return nil, fmt.Errorf("obligations past their deadline: %w", err)
	}
	return out, nil
}

// ExtensionTarget is an obligation an extension covers, with its facts
// (the fold of its whole history).
type ExtensionTarget struct {
	UnitCode string
	Facts    reporting.Facts
}

// LockExtensionTargets locks the obligations of period p that an extension
// covers: the listed units and those below subtree (as the period's unit
// versions draw the tree; its root only when listed). A listed unit
// without an obligation, or a subtree with none, is an error the user sees.
func (s *Store) LockExtensionTargets(ctx context.Context, p PeriodRow, listed []string, subtree string) ([]ExtensionTarget, error) {
	rows, err := s.q.Query(ctx, `
		WITH RECURSIVE p AS (SELECT id, data_to FROM periods WHERE id = $1),
		`+subtreeCTE("$3")+`
		SELECT o.unit_code, o.deadline, o.first_submitted_at, o.exempt, o.decision
		FROM obligations o
		WHERE o.period_id = $1
		  AND (o.unit_code = ANY ($2) OR (o.unit_code <> $3 AND o.unit_code IN (SELECT code FROM subtree)))
		ORDER BY o.unit_code
		FOR UPDATE OF o`, p.ID, listed, subtree)
	if err != nil {
		return nil, fmt.Errorf("extend deadlines: find units: %w", err)
	}
	targets, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (ExtensionTarget, error) {
		var (
			t        ExtensionTarget
			decision string
			first    *time.Time
		)
		err := row.Scan(&t.UnitCode, &t.Facts.Deadline, &first, &t.Facts.Exempt, &decision)
		if first != nil {
			t.Facts.FirstAt = *first
		}
		t.Facts.Present, t.Facts.Decision = true, reporting.Decision(decision)
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("extend deadlines: find units: %w", err)
	}
	var unknown []string
	for _, c := range listed {
		if !slices.ContainsFunc(targets, func(t ExtensionTarget) bool { return t.UnitCode == c }) {
			unknown = append(unknown, c)
		}
	}
	switch {
	case len(unknown) > 0:
		return nil, reporting.Errorf(reporting.ENOTFOUND, msgExtendUnknown, p.Label, strings.Join(unknown, ", "))
	case len(targets) == 0:
		return nil, reporting.Errorf(reporting.ENOTFOUND, msgExtendEmpty, subtree, p.Label)
	}
	return targets, nil
}

// Messages of extensions a user sees.
const (
	msgExtendUnknown = "Các đơn vị sau không phải báo cáo kỳ %s: %s."
	msgExtendEmpty   = "Không có đơn vị nào trực thuộc %s phải báo cáo kỳ %s."
)

// SetLateFlags marks the versions of period periodID of units filed after
// deadline as late, the others as on time: after an extension.
func (s *Store) SetLateFlags(ctx context.Context, periodID int64, units []string, deadline time.Time) error {
	if _, err := s.q.Exec(ctx, `
		UPDATE submissions SET late = uploaded_at > $3
		WHERE period_id = $1 AND unit_code = ANY ($2) AND late <> (uploaded_at > $3)`,
		periodID, units, deadline); err != nil {
		return fmt.Errorf("set late flags of period %d: %w", periodID, err)
	}
	return nil
}

// OpenObligationCounts counts the obligations of the periods open at now
// (opened, not yet locked) by their status at now, for metrics. The row's
// facts suffice: they are every event's fold, and now is after them.
func (s *Store) OpenObligationCounts(ctx context.Context, now time.Time) (map[reporting.Status]int64, error) {
	rows, err := s.q.Query(ctx, `
		SELECT obligation_status(o.exempt, o.decision, o.first_submitted_at, o.deadline, $1), count(*)
		FROM obligations o JOIN periods p ON p.id = o.period_id
		WHERE p.opens_at <= $1 AND $1 < p.locks_at
		GROUP BY 1`, now)
	if err != nil {
		return nil, fmt.Errorf("count open obligations: %w", err)
	}
	out := map[reporting.Status]int64{}
	var status string
	var n int64
	_, err = pgx.ForEachRow(rows, []any{&status, &n}, func() error { out[reporting.Status(status)] = n; return nil })
	if err != nil {
		return nil, fmt.Errorf("count open obligations: %w", err)
	}
	return out, nil
}
