package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/reporting"
)

// InsertReview stores a reviewer's decision on submission submissionID
// (reviewerID nil for the built-in administrator) and returns its id. The
// obligation's history and status are the caller's (RecordEvents), in the
// same transaction.
func (s *Store) InsertReview(ctx context.Context, submissionID int64, reviewerID *int64, d reporting.Decision, reason string, at time.Time) (int64, error) {
	var id int64
	if err := s.q.QueryRow(ctx, `
		INSERT INTO reviews (submission_id, reviewer_id, decision, reason, created_at)
		VALUES ($1, $2, $3, $4, $5)
		RETURNING id`, submissionID, reviewerID, string(d), reason, at).Scan(&id); err != nil {
		return 0, fmt.Errorf("insert review of submission %d: %w", submissionID, err)
	}
	return id, nil
}

// ReturnedKindPrefix starts the reminder kind of the e-mail telling a unit
// its submission was returned: "returned_42" for submission 42, so each
// returned version is notified once however often it is reviewed.
const ReturnedKindPrefix = "returned_"

// Review is a stored decision on a submission.
type Review struct {
	ID           int64              `json:"id"`
	SubmissionID int64              `json:"submission_id"`
	Version      int                `json:"version"`
	Reviewer     string             `json:"reviewer"`
	Decision     reporting.Decision `json:"decision"`
	Reason       string             `json:"reason"`
	At           time.Time          `json:"at"`
}

// Reviews lists the reviews of (period, unit)'s versions, oldest first,
// with the reviewer's name.
func (s *Store) Reviews(ctx context.Context, periodID int64, unitCode string) ([]Review, error) {
	rows, err := s.q.Query(ctx, `
		SELECT r.id, r.submission_id, s.version, coalesce(nullif(u.name, ''), u.email, 'admin (cli)'), r.decision, r.reason, r.created_at
		FROM reviews r
		JOIN submissions s ON s.id = r.submission_id
		LEFT JOIN users u ON u.id = r.reviewer_id
		WHERE s.period_id = $1 AND s.unit_code = $2
		ORDER BY r.created_at, r.id`, periodID, unitCode)
	if err != nil {
		return nil, fmt.Errorf("reviews of %d/%s: %w", periodID, unitCode, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Review, error) {
		var r Review
		return r, row.Scan(&r.ID, &r.SubmissionID, &r.Version, &r.Reviewer, &r.Decision, &r.Reason, &r.At)
	})
	if err != nil {
		return nil, fmt.Errorf("reviews of %d/%s: %w", periodID, unitCode, err)
	}
	return out, nil
}
