package store

import (
	"context"
	"fmt"
	"time"

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
