package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/reporting"
)

// Publications: what the public page /cong-khai shows (migration 00023).

const msgPublicationNotFound = "Không có nội dung công khai số %d."

// Publication is a period or a closed evaluation round made public.
type Publication struct {
	ID int64 `json:"id"`
	// PeriodID names a period (with Fields, the numeric fields whose totals
	// are shown) or RoundID a closed evaluation round.
	PeriodID    int64     `json:"period_id,omitempty"`
	RoundID     int64     `json:"round_id,omitempty"`
	Fields      []string  `json:"fields,omitempty"`
	PublishedBy string    `json:"-"`
	PublishedAt time.Time `json:"published_at"`
	// What it is, for lists: the form's title and the period's label, or
	// the scorecard's title and the year.
	Title string `json:"title"`
	Label string `json:"label"`
}

const publicationSelect = `
	SELECT pb.id, COALESCE(pb.period_id, 0), COALESCE(pb.round_id, 0), pb.fields, pb.published_by, pb.published_at,
	       COALESCE(fv.title, sv.title, ''), COALESCE(p.label, 'Năm ' || r.year, '')
	FROM publications pb
	LEFT JOIN periods p ON p.id = pb.period_id
	LEFT JOIN form_versions fv ON fv.id = p.form_version_id
	LEFT JOIN evaluation_rounds r ON r.id = pb.round_id
	LEFT JOIN scorecard_versions sv ON sv.id = r.scorecard_version_id`

func scanPublication(row pgx.CollectableRow) (Publication, error) {
	var p Publication
	err := row.Scan(&p.ID, &p.PeriodID, &p.RoundID, &p.Fields, &p.PublishedBy, &p.PublishedAt, &p.Title, &p.Label)
	return p, err
}

// Publications lists every publication, newest first.
func (s *Store) Publications(ctx context.Context) ([]Publication, error) {
	rows, err := s.q.Query(ctx, publicationSelect+` ORDER BY pb.published_at DESC, pb.id DESC`)
	if err != nil {
		return nil, fmt.Errorf("list publications: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanPublication)
	if err != nil {
		return nil, fmt.Errorf("list publications: %w", err)
	}
	return out, nil
}

// PublicationOf is the publication of period periodID or round roundID
// (one of them zero); ENOTFOUND when it is not published.
func (s *Store) PublicationOf(ctx context.Context, periodID, roundID int64) (Publication, error) {
	rows, err := s.q.Query(ctx, publicationSelect+` WHERE pb.period_id = $1 OR pb.round_id = $2`, periodID, roundID)
	if err != nil {
		return Publication{}, fmt.Errorf("read publication: %w", err)
	}
	p, err := pgx.CollectExactlyOneRow(rows, scanPublication)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return p, reporting.Errorf(reporting.ENOTFOUND, "Nội dung này chưa được công khai.")
	case err != nil:
		return p, fmt.Errorf("read publication: %w", err)
	}
	return p, nil
}

// Publish makes a period (with fields) or a round public, replacing an
// earlier publication of the same, and returns its id.
func (s *Store) Publish(ctx context.Context, p Publication) (int64, error) {
	var period, round *int64
	if p.PeriodID > 0 {
		period = &p.PeriodID
	} else {
		round = &p.RoundID
	}
	if p.Fields == nil {
		p.Fields = []string{}
	}
	var id int64
	err := s.q.QueryRow(ctx, `
		WITH gone AS (DELETE FROM publications WHERE period_id = $1 OR round_id = $2)
		INSERT INTO publications (period_id, round_id, fields, published_by, published_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, period, round, p.Fields, p.PublishedBy, p.PublishedAt).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("publish: %w", err)
	}
	return id, nil
}

// Unpublish withdraws publication id and returns what it was.
func (s *Store) Unpublish(ctx context.Context, id int64) (Publication, error) {
	rows, err := s.q.Query(ctx, publicationSelect+` WHERE pb.id = $1`, id)
	if err != nil {
		return Publication{}, fmt.Errorf("read publication %d: %w", id, err)
	}
	p, err := pgx.CollectExactlyOneRow(rows, scanPublication)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return p, reporting.Errorf(reporting.ENOTFOUND, msgPublicationNotFound, id)
	case err != nil:
		return p, fmt.Errorf("read publication %d: %w", id, err)
	}
	if _, err := s.q.Exec(ctx, `DELETE FROM publications WHERE id = $1`, id); err != nil {
		return p, fmt.Errorf("unpublish %d: %w", id, err)
	}
	return p, nil
}
