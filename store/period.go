package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/reporting"
)

// PeriodRow is a stored period with its obligation counts.
type PeriodRow struct {
	ID            int64
	FormCode      string
	FormVersionID int64
	FormVersion   int
	Periodicity   reporting.Periodicity
	Key, Label    string
	DataFrom      time.Time
	DataTo        time.Time
	OpensAt       time.Time
	Deadline      time.Time
	LocksAt       time.Time
	Obligations   int
}

// OpenResult counts what OpenPeriods created.
type OpenResult struct {
	Periods     int
	Obligations int
}

// OpenPeriods stores the given periods of form (opened from its version
// form.VersionID) that do not exist yet, each with one obligation per unit
// of the form's kinds active on the period's cut-off (the last day of its
// data window), recording the unit version in effect that day: a report is
// owed by the units that exist when its figures are taken, not by those
// that existed when the window began (see ReconcilePeriod for units
// imported after the period opened). One transaction per period: a period never
// exists without its obligations. Running it again, or twice at once,
// creates nothing new: the period insert is ON CONFLICT DO NOTHING and only
// the session that inserted it adds the obligations.
func (s *Store) OpenPeriods(ctx context.Context, form reporting.Form, periods []reporting.Period) (OpenResult, error) {
	var res OpenResult
	existing, err := s.periodKeys(ctx, form.Code)
	if err != nil {
		return res, err
	}
	for _, p := range periods {
		if existing[p.Key] {
			continue
		}
		err := s.InTx(ctx, func(tx *Store) error {
			id, created, err := tx.insertPeriod(ctx, form, p)
			if err != nil || !created {
				return err
			}
			n, err := tx.insertObligations(ctx, id, form, p, p.OpensAt)
			if err != nil {
				return err
			}
			res.Periods++
			res.Obligations += int(n)
			return nil
		})
		if err != nil {
			return res, fmt.Errorf("open period %s %s: %w", form.Code, p.Key, err)
		}
	}
	return res, nil
}

func (s *Store) periodKeys(ctx context.Context, formCode string) (map[string]bool, error) {
	rows, err := s.q.Query(ctx, `SELECT key FROM periods WHERE form_code = $1`, formCode)
	if err != nil {
		return nil, fmt.Errorf("list periods of %s: %w", formCode, err)
	}
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("list periods of %s: %w", formCode, err)
	}
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m, nil
}

func (s *Store) insertPeriod(ctx context.Context, form reporting.Form, p reporting.Period) (id int64, created bool, err error) {
	err = s.q.QueryRow(ctx, `
		INSERT INTO periods (form_code, form_version_id, periodicity, key, label,
		                     data_from, data_to, opens_at, deadline, locks_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT DO NOTHING
		RETURNING id`,
		form.Code, form.VersionID, string(p.Periodicity), p.Key, p.Label,
		p.DataFrom, p.DataTo, p.OpensAt, p.Deadline, p.LocksAt).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("insert period: %w", err)
	}
	return id, true, nil
}

// insertObligations adds the obligations period p lacks: one for each unit
// of form's kinds active on p's cut-off, opened at the moment at. It is one
// set-based statement: the deadline of each unit kind comes in as a pair of
// arrays joined against the unit versions.
func (s *Store) insertObligations(ctx context.Context, periodID int64, form reporting.Form, p reporting.Period, at time.Time) (int64, error) {
	kinds, deadlines := kindDeadlines(form, p)
	// Each obligation's history starts with its opening: at the period's
	// opening time when the period opens (a catch-up after downtime opens
	// it as if on time), at the reconciliation for a unit added later.
	var n int64
	err := s.q.QueryRow(ctx, `
		WITH ins AS (
			INSERT INTO obligations (period_id, unit_code, unit_version_id, deadline, changed_at)
			SELECT $1, u.code, v.id, k.deadline, $5
			FROM units u
			JOIN unit_versions v ON v.unit_code = u.code
			     AND v.valid_from <= $2 AND (v.valid_until IS NULL OR v.valid_until >= $2)
			JOIN unnest($3::text[], $4::timestamptz[]) AS k (kind, deadline) ON k.kind = v.kind
			WHERE u.active_from <= $2 AND (u.active_until IS NULL OR u.active_until >= $2)
			ON CONFLICT DO NOTHING
			RETURNING period_id, unit_code, deadline
		), ev AS (
			INSERT INTO obligation_events (period_id, unit_code, at, kind, deadline)
			SELECT period_id, unit_code, $5, 'opened', deadline FROM ins
		)
		SELECT count(*) FROM ins`,
		periodID, p.DataTo, kinds, deadlines, at).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("insert obligations: %w", err)
	}
	return n, nil
}

// Reconciled is what ReconcilePeriod changed in one period.
type Reconciled struct {
	PeriodID int64
	Added    int64    // obligations of units active on the cut-off that had none
	Moved    int64    // obligations moved to their unit's version on the cut-off
	Departed []string // units no longer active on the cut-off, with nothing filed and not exempt
	// Restored are units active on the cut-off again (a unit list
	// corrected) whose obligation the system had released: their latest
	// exemption is the system's (an exemption given by hand stands).
	Restored []string
}

// ReconcilePeriod brings the obligations of stored period p of form, if it
// is not locked at now, in line with the unit list as it stands: units of
// the form's kinds active on the cut-off that have no obligation get one,
// opened at now, and obligations recorded for another version of their
// unit move to the version in effect on the cut-off. It returns, locked for update, the obligations of units no
// longer active (or no longer of the form's kinds) on the cut-off with nothing filed and no exemption, for
// the caller to release with a recorded reason — an obligation is never
// deleted, and one that has a report keeps it — and those of units
// active on the cut-off again whose release by the system (the actor of
// their latest exemption) the caller withdraws. A period not stored, or
// locked, is left alone (zero Reconciled).
func (s *Store) ReconcilePeriod(ctx context.Context, form reporting.Form, p reporting.Period, now time.Time) (Reconciled, error) {
	var r Reconciled
	err := s.q.QueryRow(ctx, `
		SELECT id FROM periods WHERE form_code = $1 AND key = $2 AND locks_at > $3
		FOR UPDATE`, form.Code, p.Key, now).Scan(&r.PeriodID)
	if errors.Is(err, pgx.ErrNoRows) {
		return Reconciled{}, nil
	}
	if err != nil {
		return r, fmt.Errorf("reconcile %s %s: %w", form.Code, p.Key, err)
	}
	// Lock the period's obligations in key order first, as every other
	// writer does (RecordEvents, extensions): the statements below then
	// cannot deadlock with an upload or an extension.
	if _, err := s.q.Exec(ctx, `
		SELECT 1 FROM obligations WHERE period_id = $1 ORDER BY unit_code FOR UPDATE`, r.PeriodID); err != nil {
		return r, fmt.Errorf("reconcile %s %s: lock: %w", form.Code, p.Key, err)
	}
	if r.Added, err = s.insertObligations(ctx, r.PeriodID, form, p, now); err != nil {
		return r, fmt.Errorf("reconcile %s %s: %w", form.Code, p.Key, err)
	}
	// A unit that kept its code through a reorganisation imported after
	// the period opened owes it under its version on the cut-off (its new
	// name, parent and addresses).
	tag, err := s.q.Exec(ctx, `
		UPDATE obligations o SET unit_version_id = v.id
		FROM unit_versions v
		WHERE o.period_id = $1 AND v.unit_code = o.unit_code AND v.id <> o.unit_version_id
		  AND v.kind = ANY ($3) AND v.valid_from <= $2 AND (v.valid_until IS NULL OR v.valid_until >= $2)`,
		r.PeriodID, p.DataTo, kindStrings(form))
	if err != nil {
		return r, fmt.Errorf("reconcile %s %s: unit versions: %w", form.Code, p.Key, err)
	}
	r.Moved = tag.RowsAffected()
	rows, err := s.q.Query(ctx, `
		SELECT o.unit_code
		FROM obligations o
		JOIN units u ON u.code = o.unit_code
		WHERE o.period_id = $1 AND o.first_submitted_at IS NULL AND NOT o.exempt
		  AND NOT (u.active_from <= $2 AND (u.active_until IS NULL OR u.active_until >= $2)
		           AND EXISTS (SELECT 1 FROM unit_versions v
		                       WHERE v.unit_code = o.unit_code AND v.kind = ANY ($3)
		                         AND v.valid_from <= $2 AND (v.valid_until IS NULL OR v.valid_until >= $2)))
		ORDER BY o.unit_code
		FOR UPDATE OF o`, r.PeriodID, p.DataTo, kindStrings(form))
	if err != nil {
		return r, fmt.Errorf("reconcile %s %s: departed units: %w", form.Code, p.Key, err)
	}
	if r.Departed, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return r, fmt.Errorf("reconcile %s %s: departed units: %w", form.Code, p.Key, err)
	}
	rows, err = s.q.Query(ctx, `
		SELECT o.unit_code
		FROM obligations o
		JOIN units u ON u.code = o.unit_code
		WHERE o.period_id = $1 AND o.exempt
		  AND u.active_from <= $2 AND (u.active_until IS NULL OR u.active_until >= $2)
		  AND EXISTS (SELECT 1 FROM unit_versions v
		              WHERE v.unit_code = o.unit_code AND v.kind = ANY ($3)
		                AND v.valid_from <= $2 AND (v.valid_until IS NULL OR v.valid_until >= $2))
		  AND (SELECT e.actor FROM obligation_events e
		       WHERE e.period_id = o.period_id AND e.unit_code = o.unit_code AND e.kind = 'exempted'
		       ORDER BY e.id DESC LIMIT 1) = $4
		ORDER BY o.unit_code`, r.PeriodID, p.DataTo, kindStrings(form), DefaultAuditActor)
	if err != nil {
		return r, fmt.Errorf("reconcile %s %s: units back: %w", form.Code, p.Key, err)
	}
	if r.Restored, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return r, fmt.Errorf("reconcile %s %s: units back: %w", form.Code, p.Key, err)
	}
	return r, nil
}

// PeriodFilter narrows Periods.
type PeriodFilter struct {
	FormCode string // "" for every form
	Key      string // "" for every key
}

// Periods lists stored periods, newest data window first.
func (s *Store) Periods(ctx context.Context, f PeriodFilter) ([]PeriodRow, error) {
	rows, err := s.q.Query(ctx, `
		SELECT p.id, p.form_code, p.form_version_id, fv.version, p.periodicity, p.key, p.label,
		       p.data_from, p.data_to, p.opens_at, p.deadline, p.locks_at,
		       (SELECT count(*) FROM obligations o WHERE o.period_id = p.id)
		FROM periods p JOIN form_versions fv ON fv.id = p.form_version_id
		WHERE ($1 = '' OR p.form_code = $1) AND ($2 = '' OR p.key = $2)
		ORDER BY p.data_to DESC, p.form_code, p.periodicity`, f.FormCode, f.Key)
	if err != nil {
		return nil, fmt.Errorf("list periods: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanPeriod)
	if err != nil {
		return nil, fmt.Errorf("list periods: %w", err)
	}
	return out, nil
}

// RecentPeriods lists form formCode's latest n periods (by data window)
// opened by now that oblige some unit, newest first: a dashboard's. Only
// those n periods' obligations are counted.
func (s *Store) RecentPeriods(ctx context.Context, formCode string, now time.Time, n int) ([]PeriodRow, error) {
	rows, err := s.q.Query(ctx, `
		WITH recent AS (
			SELECT p.* FROM periods p
			WHERE p.form_code = $1 AND p.opens_at <= $2 AND EXISTS (SELECT FROM obligations o WHERE o.period_id = p.id)
			ORDER BY p.data_to DESC, p.periodicity
			LIMIT $3
		)
		SELECT p.id, p.form_code, p.form_version_id, fv.version, p.periodicity, p.key, p.label,
		       p.data_from, p.data_to, p.opens_at, p.deadline, p.locks_at,
		       (SELECT count(*) FROM obligations o WHERE o.period_id = p.id)
		FROM recent p JOIN form_versions fv ON fv.id = p.form_version_id
		ORDER BY p.data_to DESC, p.periodicity`, formCode, now, n)
	if err != nil {
		return nil, fmt.Errorf("recent periods of %s: %w", formCode, err)
	}
	out, err := pgx.CollectRows(rows, scanPeriod)
	if err != nil {
		return nil, fmt.Errorf("recent periods of %s: %w", formCode, err)
	}
	return out, nil
}

// Period reads one period by id.
func (s *Store) Period(ctx context.Context, id int64) (PeriodRow, error) {
	rows, err := s.q.Query(ctx, `
		SELECT p.id, p.form_code, p.form_version_id, fv.version, p.periodicity, p.key, p.label,
		       p.data_from, p.data_to, p.opens_at, p.deadline, p.locks_at,
		       (SELECT count(*) FROM obligations o WHERE o.period_id = p.id)
		FROM periods p JOIN form_versions fv ON fv.id = p.form_version_id
		WHERE p.id = $1`, id)
	if err != nil {
		return PeriodRow{}, fmt.Errorf("read period %d: %w", id, err)
	}
	p, err := pgx.CollectExactlyOneRow(rows, scanPeriod)
	if errors.Is(err, pgx.ErrNoRows) {
		return PeriodRow{}, reporting.Errorf(reporting.ENOTFOUND, "Không tìm thấy kỳ báo cáo số %d.", id)
	}
	if err != nil {
		return PeriodRow{}, fmt.Errorf("read period %d: %w", id, err)
	}
	return p, nil
}

func scanPeriod(row pgx.CollectableRow) (PeriodRow, error) {
	var p PeriodRow
	var periodicity string
	err := row.Scan(&p.ID, &p.FormCode, &p.FormVersionID, &p.FormVersion, &periodicity, &p.Key, &p.Label,
		&p.DataFrom, &p.DataTo, &p.OpensAt, &p.Deadline, &p.LocksAt, &p.Obligations)
	p.Periodicity = reporting.Periodicity(periodicity)
	return p, err
}

// PreviousPeriod is the period of the same form and periodicity whose data
// window ended last before period p's began; false when there is none.
func (s *Store) PreviousPeriod(ctx context.Context, p PeriodRow) (PeriodRow, bool, error) {
	var id int64
	err := s.q.QueryRow(ctx, `
		SELECT id FROM periods
		WHERE form_code = $1 AND periodicity = $2 AND data_to < $3
		ORDER BY data_to DESC LIMIT 1`, p.FormCode, string(p.Periodicity), p.DataFrom).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return PeriodRow{}, false, nil
	}
	if err != nil {
		return PeriodRow{}, false, fmt.Errorf("period before %d: %w", p.ID, err)
	}
	prev, err := s.Period(ctx, id)
	return prev, err == nil, err
}

// kindStrings is form's unit kinds as a text[] parameter.
func kindStrings(form reporting.Form) []string {
	kinds := make([]string, len(form.UnitKinds))
	for i, k := range form.UnitKinds {
		kinds[i] = string(k)
	}
	return kinds
}

// Rescheduling is an obligation whose deadline the calendar moves.
type Rescheduling struct {
	UnitCode          string
	Deadline, NewDate time.Time
}

// LockReschedulings finds, locked for update, the obligations of stored
// period p of form whose deadline should move now that the calendar gives
// p's deadlines (per unit kind) as p carries them: those whose deadline
// differs, is still ahead at now, and was never extended by hand (an
// inspector's extension stands whatever the calendar does), nothing has
// been filed, no exemption holds, and the new deadline is still ahead too.
// It also stores the period's own deadline as p gives it, and its lock day
// when p's is later — never earlier, since extensions run up to it. A period not
// stored, or locked at now, gives nothing.
func (s *Store) LockReschedulings(ctx context.Context, form reporting.Form, p reporting.Period, now time.Time) (int64, []Rescheduling, error) {
	var id int64
	err := s.q.QueryRow(ctx, `
		UPDATE periods SET deadline = $4, locks_at = greatest(locks_at, $5)
		WHERE form_code = $1 AND key = $2 AND locks_at > $3
		RETURNING id`, form.Code, p.Key, now, p.Deadline, p.LocksAt).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil, nil
	}
	if err != nil {
		return 0, nil, fmt.Errorf("reschedule %s %s: %w", form.Code, p.Key, err)
	}
	kinds, deadlines := kindDeadlines(form, p)
	rows, err := s.q.Query(ctx, `
		SELECT o.unit_code, o.deadline, k.deadline
		FROM obligations o
		JOIN unit_versions v ON v.id = o.unit_version_id
		JOIN unnest($2::text[], $3::timestamptz[]) AS k (kind, deadline) ON k.kind = v.kind
		WHERE o.period_id = $1 AND o.deadline > $4 AND k.deadline > $4 AND o.deadline <> k.deadline
		  AND o.first_submitted_at IS NULL AND NOT o.exempt
		  AND NOT EXISTS (SELECT 1 FROM obligation_events e
		                  WHERE e.period_id = o.period_id AND e.unit_code = o.unit_code AND e.kind = 'extended')
		ORDER BY o.unit_code
		FOR UPDATE OF o`, id, kinds, deadlines, now)
	if err != nil {
		return 0, nil, fmt.Errorf("reschedule %s %s: %w", form.Code, p.Key, err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Rescheduling])
	if err != nil {
		return 0, nil, fmt.Errorf("reschedule %s %s: %w", form.Code, p.Key, err)
	}
	return id, out, nil
}

// kindDeadlines is period p's deadline for each of form's unit kinds, as a
// pair of text[] and timestamptz[] parameters to join against unit versions.
func kindDeadlines(form reporting.Form, p reporting.Period) ([]string, []time.Time) {
	deadlines := make([]time.Time, len(form.UnitKinds))
	for i, k := range form.UnitKinds {
		deadlines[i] = p.DeadlineFor(k)
	}
	return kindStrings(form), deadlines
}
