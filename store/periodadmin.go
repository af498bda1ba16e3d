package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/reporting"
)

// KindDeadlines is, for one period and one unit kind, how many units owe
// it, their earliest and latest deadline (later ones come from
// extensions), and how many have filed.
type KindDeadlines struct {
	PeriodID      int64
	Kind          reporting.UnitKind
	Units         int
	Earliest      time.Time
	Latest        time.Time
	LaterDeadline int // units whose deadline is after Earliest
	Filed         int
}

// PeriodKindDeadlines is KindDeadlines of every period of form formCode,
// by period and kind: one statement over the form's obligations.
func (s *Store) PeriodKindDeadlines(ctx context.Context, formCode string) ([]KindDeadlines, error) {
	rows, err := s.q.Query(ctx, `
		SELECT period_id, kind, count(*), min(deadline), max(deadline),
		       count(*) FILTER (WHERE deadline > earliest), count(*) FILTER (WHERE filed)
		FROM (
			SELECT o.period_id, v.kind, o.deadline, o.first_submitted_at IS NOT NULL AS filed,
			       min(o.deadline) OVER (PARTITION BY o.period_id, v.kind) AS earliest
			FROM periods p
			JOIN obligations o ON o.period_id = p.id
			JOIN unit_versions v ON v.id = o.unit_version_id
			WHERE p.form_code = $1
		) x
		GROUP BY period_id, kind
		ORDER BY period_id, kind`, formCode)
	if err != nil {
		return nil, fmt.Errorf("deadlines of form %s: %w", formCode, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (KindDeadlines, error) {
		var k KindDeadlines
		return k, row.Scan(&k.PeriodID, &k.Kind, &k.Units, &k.Earliest, &k.Latest, &k.LaterDeadline, &k.Filed)
	})
	if err != nil {
		return nil, fmt.Errorf("deadlines of form %s: %w", formCode, err)
	}
	return out, nil
}
