package store

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/reporting"
)

// Submission is one stored version of a unit's report (without its bytes).
type Submission struct {
	ID            int64  `json:"id"`
	PeriodID      int64  `json:"period_id"`
	UnitCode      string `json:"unit_code"`
	Version       int    `json:"version"`
	FormVersionID int64  `json:"form_version_id"`
	SHA256        string `json:"sha256"`
	FileName      string `json:"file_name"`
	Size          int64  `json:"size"`
	UploadedBy    *int64 `json:"uploaded_by,omitempty"`
	// Uploader is who uploaded it, by name (read back; "" on insert).
	Uploader   string    `json:"uploader,omitempty"`
	UploadedAt time.Time `json:"uploaded_at"`
	Late       bool      `json:"late"`
}

// NewSubmission is what InsertSubmission stores.
type NewSubmission struct {
	PeriodID      int64
	UnitCode      string
	Version       int
	FormVersionID int64
	File          []byte
	FileName      string
	UploadedBy    *int64 // nil for the built-in administrator
	UploadedAt    time.Time
	Late          bool
	Values        map[string]reporting.Value
	Notes         map[string]string
}

// InsertSubmission stores one uploaded version: the file, its sha256 and
// its values (numbers as exact numeric). The caller holds the obligation's
// lock (LockObligation) and gives the next version number.
func (s *Store) InsertSubmission(ctx context.Context, n NewSubmission) (Submission, error) {
	sum := sha256.Sum256(n.File)
	sub := Submission{PeriodID: n.PeriodID, UnitCode: n.UnitCode, Version: n.Version, FormVersionID: n.FormVersionID,
		SHA256: fmt.Sprintf("%x", sum), FileName: n.FileName, Size: int64(len(n.File)), UploadedBy: n.UploadedBy,
		UploadedAt: n.UploadedAt, Late: n.Late}
	err := s.q.QueryRow(ctx, `
		INSERT INTO submissions (period_id, unit_code, version, form_version_id, file, sha256, file_name, size,
		                         uploaded_by, uploaded_at, late)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		RETURNING id`,
		n.PeriodID, n.UnitCode, n.Version, n.FormVersionID, n.File, sum[:], n.FileName, len(n.File),
		n.UploadedBy, n.UploadedAt, n.Late).Scan(&sub.ID)
	if err != nil {
		return Submission{}, fmt.Errorf("insert submission: %w", err)
	}
	if err := s.insertValues(ctx, sub.ID, n.Values, n.Notes); err != nil {
		return Submission{}, err
	}
	return sub, nil
}

// insertValues stores every non-empty value in one statement; numbers go
// in as canonical decimal text and become numeric exactly.
func (s *Store) insertValues(ctx context.Context, submissionID int64, values map[string]reporting.Value, notes map[string]string) error {
	var codes, nums, txts, notesCol []string
	var days []*time.Time
	var numValid, txtValid []bool
	for code, v := range values {
		if v.Empty() && notes[code] == "" {
			continue
		}
		codes = append(codes, code)
		nums = append(nums, v.Num)
		numValid = append(numValid, v.Num != "")
		txts = append(txts, v.Text)
		txtValid = append(txtValid, v.Text != "")
		days = append(days, v.Date)
		notesCol = append(notesCol, notes[code])
	}
	for code, note := range notes { // a note on a field with no value entry
		if _, ok := values[code]; !ok && note != "" {
			codes, nums, numValid, txts, txtValid, days, notesCol = append(codes, code), append(nums, ""), append(numValid, false),
				append(txts, ""), append(txtValid, false), append(days, nil), append(notesCol, note)
		}
	}
	_, err := s.q.Exec(ctx, `
		INSERT INTO submission_values (submission_id, field_code, num, txt, day, note)
		SELECT $1, c, CASE WHEN nv THEN n::numeric END, CASE WHEN tv THEN t END, d, nt
		FROM unnest($2::text[], $3::text[], $4::bool[], $5::text[], $6::bool[], $7::date[], $8::text[])
		     AS x (c, n, nv, t, tv, d, nt)`,
		submissionID, codes, nums, numValid, txts, txtValid, days, notesCol)
	if err != nil {
		return fmt.Errorf("insert submission values: %w", err)
	}
	return nil
}

const submissionColumns = `id, period_id, unit_code, version, form_version_id, encode(sha256, 'hex'), file_name, size,
	uploaded_by, uploaded_at, late,
	coalesce((SELECT coalesce(nullif(u.name, ''), u.email) FROM users u WHERE u.id = uploaded_by), 'admin (cli)')`

func scanSubmission(row pgx.CollectableRow) (Submission, error) {
	var s Submission
	err := row.Scan(&s.ID, &s.PeriodID, &s.UnitCode, &s.Version, &s.FormVersionID, &s.SHA256, &s.FileName, &s.Size,
		&s.UploadedBy, &s.UploadedAt, &s.Late, &s.Uploader)
	return s, err
}

// Submission reads one submission's record, or ENOTFOUND.
func (s *Store) Submission(ctx context.Context, id int64) (Submission, error) {
	rows, err := s.q.Query(ctx, `SELECT `+submissionColumns+` FROM submissions WHERE id = $1`, id)
	if err != nil {
		return Submission{}, fmt.Errorf("read submission %d: %w", id, err)
	}
	sub, err := pgx.CollectExactlyOneRow(rows, scanSubmission)
	if errors.Is(err, pgx.ErrNoRows) {
		return Submission{}, reporting.Errorf(reporting.ENOTFOUND, msgSubmissionAbsent, id)
	}
	if err != nil {
		return Submission{}, fmt.Errorf("read submission %d: %w", id, err)
	}
	return sub, nil
}

// SubmissionFile is a submission's original bytes, exactly as uploaded.
func (s *Store) SubmissionFile(ctx context.Context, id int64) (Submission, []byte, error) {
	sub, err := s.Submission(ctx, id)
	if err != nil {
		return Submission{}, nil, err
	}
	var file []byte
	if err := s.q.QueryRow(ctx, `SELECT file FROM submissions WHERE id = $1`, id).Scan(&file); err != nil {
		return Submission{}, nil, fmt.Errorf("read submission file %d: %w", id, err)
	}
	return sub, file, nil
}

// Submissions lists every version filed for (period, unit), oldest first.
func (s *Store) Submissions(ctx context.Context, periodID int64, unitCode string) ([]Submission, error) {
	rows, err := s.q.Query(ctx, `SELECT `+submissionColumns+` FROM submissions
		WHERE period_id = $1 AND unit_code = $2 ORDER BY version`, periodID, unitCode)
	if err != nil {
		return nil, fmt.Errorf("list submissions: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanSubmission)
	if err != nil {
		return nil, fmt.Errorf("list submissions: %w", err)
	}
	return out, nil
}

// SubmissionValues reads a submission's stored values by field code.
func (s *Store) SubmissionValues(ctx context.Context, id int64) (map[string]reporting.Value, map[string]string, error) {
	rows, err := s.q.Query(ctx, `SELECT field_code, coalesce(num::text, ''), coalesce(txt, ''), day, note
		FROM submission_values WHERE submission_id = $1`, id)
	if err != nil {
		return nil, nil, fmt.Errorf("read submission values %d: %w", id, err)
	}
	defer rows.Close()
	values := map[string]reporting.Value{}
	notes := map[string]string{}
	for rows.Next() {
		var code, num, txt, note string
		var day *time.Time
		if err := rows.Scan(&code, &num, &txt, &day, &note); err != nil {
			return nil, nil, fmt.Errorf("read submission values %d: %w", id, err)
		}
		// Raw is the stored value's canonical text: what was read from the
		// cell, as a rule or a page sees it.
		raw := num + txt
		if day != nil {
			raw = day.Format(time.DateOnly)
		}
		values[code] = reporting.Value{Raw: raw, Num: num, Text: txt, Date: day}
		if note != "" {
			notes[code] = note
		}
	}
	return values, notes, rows.Err()
}

// CountingSubmission is the id of (period, unit)'s version that counts at
// moment at — its latest version uploaded by then that no review by then
// returned — or 0 for none.
func (s *Store) CountingSubmission(ctx context.Context, periodID int64, unitCode string, at time.Time) (int64, error) {
	var id int64
	err := s.q.QueryRow(ctx, `
		SELECT coalesce((
			SELECT s.id FROM submissions s
			WHERE s.period_id = $1 AND s.unit_code = $2 AND s.uploaded_at <= $3
			  AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.submission_id = s.id AND r.decision = 'returned' AND r.created_at <= $3)
			ORDER BY s.version DESC LIMIT 1), 0)`, periodID, unitCode, at).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("counting version of %d/%s: %w", periodID, unitCode, err)
	}
	return id, nil
}
