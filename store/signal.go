package store

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/reporting"
)

// What the data-quality signals read (reporting/signal.go): a period's
// units with their counting values, their values in the previous periods
// of the same form and periodicity, and the reviewers' explanations
// (table signal_explanations, migration 00022). Signals themselves are
// not stored: they depend on the peers' figures, which change as other
// units upload.

// SignalBasis reads what the detectors need for period periodID as at
// moment at, in one snapshot: every unit of the period with its counting
// submission's values (accepted ones only with acceptedOnly) and the
// groups (as Consolidate, over every unit), up to history earlier periods
// of the same form and periodicity with those units' counting values of
// numeric fields, and the form's current checks.
func (s *Store) SignalBasis(ctx context.Context, periodID int64, at time.Time, acceptedOnly bool, history int) (*reporting.SignalBasis, error) {
	b := &reporting.SignalBasis{}
	err := s.snapshot(ctx, func(tx *Store) error {
		p, err := tx.Period(ctx, periodID)
		if err != nil {
			return err
		}
		q := ConsolidationQuery{FormCode: p.FormCode, Period: strconv.FormatInt(p.ID, 10), AcceptedOnly: acceptedOnly, At: at, Scope: reporting.AllUnits}
		if b.Period, err = tx.consolidatePeriod(ctx, q, p); err != nil {
			return err
		}
		current, err := tx.FormByCode(ctx, p.FormCode)
		if err != nil {
			return err
		}
		b.Checks = current.Checks
		return tx.signalHistory(ctx, b, p, at, history)
	})
	if err != nil {
		return nil, fmt.Errorf("signal basis of period %d: %w", periodID, err)
	}
	return b, nil
}

// signalHistory reads the previous periods and, per unit of the period,
// its counting values of numeric fields in them: one row per unit, its
// values and their places (field × period) as two arrays.
func (s *Store) signalHistory(ctx context.Context, b *reporting.SignalBasis, p PeriodRow, at time.Time, history int) error {
	rows, err := s.q.Query(ctx, `
		SELECT key, label FROM periods
		WHERE form_code = $1 AND periodicity = $2 AND data_to < $3
		ORDER BY data_to DESC LIMIT $4`, p.FormCode, string(p.Periodicity), p.DataFrom, history)
	if err != nil {
		return fmt.Errorf("previous periods: %w", err)
	}
	b.History, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (reporting.PeriodRef, error) {
		var r reporting.PeriodRef
		return r, row.Scan(&r.Key, &r.Label)
	})
	if err != nil {
		return fmt.Errorf("previous periods: %w", err)
	}
	b.HistoryValues = map[string][]float64{}
	k := len(b.History)
	if k == 0 {
		return nil
	}
	var numeric []string
	fieldAt := map[string]int{}
	for i, f := range b.Period.Fields {
		fieldAt[f.Code] = i
		if f.Type == reporting.TypeInt || f.Type == reporting.TypeDecimal || f.Type == reporting.TypePercent {
			numeric = append(numeric, f.Code)
		}
	}
	rows, err = s.q.Query(ctx, `
		WITH hp AS (
			SELECT id, (row_number() OVER (ORDER BY data_to DESC) - 1)::int AS k FROM periods
			WHERE form_code = $1 AND periodicity = $2 AND data_to < $3
			ORDER BY data_to DESC LIMIT $4
		), counting AS (
			SELECT DISTINCT ON (s.period_id, s.unit_code) s.period_id, s.unit_code, s.id
			FROM submissions s
			JOIN hp ON hp.id = s.period_id
			JOIN obligations o ON o.period_id = $5 AND o.unit_code = s.unit_code
			WHERE s.uploaded_at <= $6
			  AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.submission_id = s.id AND r.decision = 'returned' AND r.created_at <= $6)
			ORDER BY s.period_id, s.unit_code, s.version DESC
		)
		SELECT c.unit_code, array_agg(sv.field_code), array_agg(hp.k), array_agg(sv.num::float8)
		FROM counting c
		JOIN hp ON hp.id = c.period_id
		JOIN submission_values sv ON sv.submission_id = c.id AND sv.num IS NOT NULL AND sv.field_code = ANY ($7)
		GROUP BY c.unit_code`,
		p.FormCode, string(p.Periodicity), p.DataFrom, history, p.ID, at, numeric)
	if err != nil {
		return fmt.Errorf("previous values: %w", err)
	}
	var (
		unit   string
		fields []string
		ks     []int32
		nums   []float64
	)
	_, err = pgx.ForEachRow(rows, []any{&unit, &fields, &ks, &nums}, func() error {
		vals := make([]float64, len(b.Period.Fields)*k)
		for i := range vals {
			vals[i] = math.NaN()
		}
		for i, code := range fields {
			vals[fieldAt[code]*k+int(ks[i])] = nums[i]
		}
		b.HistoryValues[unit] = vals
		return nil
	})
	if err != nil {
		return fmt.Errorf("previous values: %w", err)
	}
	return nil
}

// SignalStamp changes whenever what SignalBasis reads of period periodID
// as at moment at could have: an upload or review of the period or of
// its history earlier periods, a form loaded. Equal stamps, equal bases.
func (s *Store) SignalStamp(ctx context.Context, periodID int64, at time.Time, history int) (string, error) {
	var subs, maxSub, revs, maxRev, forms int64
	err := s.q.QueryRow(ctx, `
		WITH p AS (SELECT form_code, periodicity, data_from FROM periods WHERE id = $1),
		ps AS (
			SELECT $1::bigint AS id
			UNION ALL
			(SELECT x.id FROM periods x, p
			 WHERE x.form_code = p.form_code AND x.periodicity = p.periodicity AND x.data_to < p.data_from
			 ORDER BY x.data_to DESC LIMIT $3)
		), s AS (
			SELECT s.id FROM submissions s WHERE s.period_id IN (SELECT id FROM ps) AND s.uploaded_at <= $2
		)
		SELECT (SELECT count(*) FROM s), (SELECT coalesce(max(id), 0) FROM s),
		       count(r.id), coalesce(max(r.id), 0),
		       (SELECT coalesce(max(fv.id), 0) FROM form_versions fv, p WHERE fv.form_code = p.form_code)
		FROM reviews r WHERE r.submission_id IN (SELECT id FROM s) AND r.created_at <= $2`,
		periodID, at, history).Scan(&subs, &maxSub, &revs, &maxRev, &forms)
	if err != nil {
		return "", fmt.Errorf("signal stamp of period %d: %w", periodID, err)
	}
	return fmt.Sprintf("%d/%d/%d/%d/%d", subs, maxSub, revs, maxRev, forms), nil
}

// SignalExplanations reads the explanations recorded on the submissions
// of period periodID, by submission id and signal key, with who gave
// them.
func (s *Store) SignalExplanations(ctx context.Context, periodID int64) (map[int64]map[string]reporting.SignalExplanation, error) {
	rows, err := s.q.Query(ctx, `
		SELECT e.submission_id, e.signal_key, e.note, coalesce(nullif(u.name, ''), u.email, 'admin (cli)'), e.explained_at
		FROM signal_explanations e
		JOIN submissions s ON s.id = e.submission_id
		LEFT JOIN users u ON u.id = e.explained_by
		WHERE s.period_id = $1`, periodID)
	if err != nil {
		return nil, fmt.Errorf("signal explanations of period %d: %w", periodID, err)
	}
	out := map[int64]map[string]reporting.SignalExplanation{}
	var (
		id  int64
		key string
		e   reporting.SignalExplanation
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &key, &e.Note, &e.By, &e.At}, func() error {
		if out[id] == nil {
			out[id] = map[string]reporting.SignalExplanation{}
		}
		out[id][key] = e
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("signal explanations of period %d: %w", periodID, err)
	}
	return out, nil
}

// CountingSubmissions maps each unit of period periodID with a counting
// submission at moment at (as Consolidate counts, accepted ones only with
// acceptedOnly) to that submission's id.
func (s *Store) CountingSubmissions(ctx context.Context, periodID int64, at time.Time, acceptedOnly bool) (map[string]int64, error) {
	rows, err := s.q.Query(ctx, countingSQL+`
		SELECT unit_code, id FROM counting`, scopeArgs(periodID, ConsolidationQuery{Scope: reporting.AllUnits, AcceptedOnly: acceptedOnly, At: at})...)
	if err != nil {
		return nil, fmt.Errorf("counting submissions of period %d: %w", periodID, err)
	}
	out := map[string]int64{}
	var (
		unit string
		id   int64
	)
	if _, err := pgx.ForEachRow(rows, []any{&unit, &id}, func() error {
		out[unit] = id
		return nil
	}); err != nil {
		return nil, fmt.Errorf("counting submissions of period %d: %w", periodID, err)
	}
	return out, nil
}

// ExplainSignal records a reviewer's (userID; nil for the built-in
// administrator) note on signal key of submission submissionID at at,
// replacing an earlier one, and returns the earlier note ("" for none).
// The caller audits it in the same transaction.
func (s *Store) ExplainSignal(ctx context.Context, submissionID int64, key, note string, userID *int64, at time.Time) (string, error) {
	var previous string
	err := s.q.QueryRow(ctx, `
		SELECT note FROM signal_explanations WHERE submission_id = $1 AND signal_key = $2 FOR UPDATE`, submissionID, key).Scan(&previous)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("read explanation of %s on submission %d: %w", key, submissionID, err)
	}
	_, err = s.q.Exec(ctx, `
		INSERT INTO signal_explanations (submission_id, signal_key, note, explained_by, explained_at)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (submission_id, signal_key)
		DO UPDATE SET note = excluded.note, explained_by = excluded.explained_by, explained_at = excluded.explained_at`,
		submissionID, key, note, userID, at)
	if err != nil {
		return "", fmt.Errorf("explain %s on submission %d: %w", key, submissionID, err)
	}
	return previous, nil
}
