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

// Messages a user sees.
const (
	msgNoObligation     = "Đơn vị %s không phải báo cáo kỳ này (kỳ số %d)."
	msgSubmissionAbsent = "Không tìm thấy bản báo cáo số %d."
)

// Obligation is one unit's duty to report for one period, with what the
// upload checks need: the period's window and state, and the unit as it
// was when the period opened.
type Obligation struct {
	PeriodID         int64
	PeriodKey        string
	PeriodLabel      string
	FormCode         string
	FormVersionID    int64 // the version the period was opened from
	DataFrom, DataTo time.Time
	OpensAt, LocksAt time.Time
	UnitCode         string
	UnitVersionID    int64
	UnitName         string
	UnitKind         reporting.UnitKind
	ParentCode       string
	ParentName       string
	Deadline         time.Time // this unit's, extensions included
	Status           string
	StatusReason     string
	FirstSubmittedAt *time.Time
	Versions         int // submissions stored so far
}

// Obligation reads (period, unit)'s obligation, or ENOTFOUND.
func (s *Store) Obligation(ctx context.Context, periodID int64, unitCode string) (Obligation, error) {
	rows, err := s.q.Query(ctx, `
		SELECT p.id, p.key, p.label, p.form_code, p.form_version_id, p.data_from, p.data_to, p.opens_at, p.locks_at,
		       o.unit_code, v.id, v.name, v.kind, coalesce(v.parent_code, ''),
		       coalesce((SELECT pv.name FROM unit_versions pv WHERE pv.unit_code = v.parent_code
		                   AND pv.valid_from <= p.data_from AND (pv.valid_until IS NULL OR pv.valid_until >= p.data_from)), ''),
		       o.deadline, o.status, o.status_reason, o.first_submitted_at,
		       (SELECT count(*) FROM submissions s WHERE s.period_id = o.period_id AND s.unit_code = o.unit_code)
		FROM obligations o
		JOIN periods p ON p.id = o.period_id
		JOIN unit_versions v ON v.id = o.unit_version_id
		WHERE o.period_id = $1 AND o.unit_code = $2`, periodID, unitCode)
	if err != nil {
		return Obligation{}, fmt.Errorf("read obligation %d/%s: %w", periodID, unitCode, err)
	}
	o, err := pgx.CollectExactlyOneRow(rows, func(row pgx.CollectableRow) (Obligation, error) {
		var o Obligation
		var kind string
		err := row.Scan(&o.PeriodID, &o.PeriodKey, &o.PeriodLabel, &o.FormCode, &o.FormVersionID, &o.DataFrom, &o.DataTo,
			&o.OpensAt, &o.LocksAt, &o.UnitCode, &o.UnitVersionID, &o.UnitName, &kind, &o.ParentCode, &o.ParentName,
			&o.Deadline, &o.Status, &o.StatusReason, &o.FirstSubmittedAt, &o.Versions)
		o.UnitKind = reporting.UnitKind(kind)
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

// Submission is one stored version of a unit's report (without its bytes).
type Submission struct {
	ID            int64     `json:"id"`
	PeriodID      int64     `json:"period_id"`
	UnitCode      string    `json:"unit_code"`
	Version       int       `json:"version"`
	FormVersionID int64     `json:"form_version_id"`
	SHA256        string    `json:"sha256"`
	FileName      string    `json:"file_name"`
	Size          int64     `json:"size"`
	UploadedBy    *int64    `json:"uploaded_by,omitempty"`
	UploadedAt    time.Time `json:"uploaded_at"`
	Late          bool      `json:"late"`
}

// NewSubmission is what InsertSubmission stores.
type NewSubmission struct {
	PeriodID      int64
	UnitCode      string
	FormVersionID int64
	File          []byte
	FileName      string
	UploadedBy    *int64 // nil for the built-in administrator
	Actor         string // for the audit trail
	UploadedAt    time.Time
	Values        map[string]reporting.Value
	Notes         map[string]string
	// Warnings are the explained warnings, kept in the audit event for
	// inspectors.
	Warnings []reporting.Problem
}

// SubmitResult says what InsertSubmission did.
type SubmitResult struct {
	Submission Submission
	// Duplicate: the file is byte for byte the latest version already
	// stored; nothing new was stored and Submission is that version.
	Duplicate bool
	// Status is the obligation's status afterwards.
	Status string
}

// InsertSubmission stores one uploaded version in one transaction: the
// file, its values, the obligation's new status and an audit event. The
// obligation row is locked first, so concurrent uploads for one unit get
// consecutive version numbers. A file identical to the latest version is
// reported as a duplicate and nothing is stored.
//
// Timeliness counts the first version: the obligation is "late" when that
// one came after the deadline, "submitted" otherwise.
func (s *Store) InsertSubmission(ctx context.Context, n NewSubmission) (SubmitResult, error) {
	sum := sha256.Sum256(n.File)
	var res SubmitResult
	err := s.InTx(ctx, func(tx *Store) error {
		var deadline time.Time
		var first *time.Time
		var status string
		err := tx.q.QueryRow(ctx, `
			SELECT deadline, first_submitted_at, status FROM obligations
			WHERE period_id = $1 AND unit_code = $2 FOR UPDATE`, n.PeriodID, n.UnitCode).Scan(&deadline, &first, &status)
		if errors.Is(err, pgx.ErrNoRows) {
			return reporting.Errorf(reporting.ENOTFOUND, msgNoObligation, n.UnitCode, n.PeriodID)
		}
		if err != nil {
			return fmt.Errorf("lock obligation: %w", err)
		}
		latest, err := tx.latestSubmission(ctx, n.PeriodID, n.UnitCode)
		if err != nil {
			return err
		}
		if latest != nil && latest.SHA256 == fmt.Sprintf("%x", sum) {
			res = SubmitResult{Submission: *latest, Duplicate: true, Status: status}
			return nil
		}
		version := 1
		if latest != nil {
			version = latest.Version + 1
		}
		late := n.UploadedAt.After(deadline)
		var sub Submission
		err = tx.q.QueryRow(ctx, `
			INSERT INTO submissions (period_id, unit_code, version, form_version_id, file, sha256, file_name, size,
			                         uploaded_by, uploaded_at, late)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			RETURNING id`,
			n.PeriodID, n.UnitCode, version, n.FormVersionID, n.File, sum[:], n.FileName, len(n.File),
			n.UploadedBy, n.UploadedAt, late).Scan(&sub.ID)
		if err != nil {
			return fmt.Errorf("insert submission: %w", err)
		}
		sub = Submission{ID: sub.ID, PeriodID: n.PeriodID, UnitCode: n.UnitCode, Version: version, FormVersionID: n.FormVersionID,
			SHA256: fmt.Sprintf("%x", sum), FileName: n.FileName, Size: int64(len(n.File)), UploadedBy: n.UploadedBy,
			UploadedAt: n.UploadedAt, Late: late}
		if err := tx.insertValues(ctx, sub.ID, n.Values, n.Notes); err != nil {
			return err
		}
		// The first version decides timeliness; later ones (after a return,
		// or corrections) keep it.
		newStatus := "submitted"
		firstLate := late
		if first != nil {
			firstLate = first.After(deadline)
		}
		if firstLate {
			newStatus = "late"
		}
		if _, err := tx.q.Exec(ctx, `
			UPDATE obligations SET status = $3, status_reason = '',
			       first_submitted_at = coalesce(first_submitted_at, $4), updated_at = $4
			WHERE period_id = $1 AND unit_code = $2`, n.PeriodID, n.UnitCode, newStatus, n.UploadedAt); err != nil {
			return fmt.Errorf("update obligation status: %w", err)
		}
		if err := tx.Audit(ctx, AuditEvent{
			At: n.UploadedAt, Actor: n.Actor, Action: "submission.upload", ObjectType: "submission", ObjectID: fmt.Sprint(sub.ID),
			Details: map[string]any{"period_id": n.PeriodID, "unit": n.UnitCode, "version": version, "sha256": sub.SHA256,
				"file_name": n.FileName, "size": sub.Size, "late": late, "warnings": n.Warnings},
		}); err != nil {
			return err
		}
		res = SubmitResult{Submission: sub, Status: newStatus}
		return nil
	})
	return res, err
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
	uploaded_by, uploaded_at, late`

func scanSubmission(row pgx.CollectableRow) (Submission, error) {
	var s Submission
	err := row.Scan(&s.ID, &s.PeriodID, &s.UnitCode, &s.Version, &s.FormVersionID, &s.SHA256, &s.FileName, &s.Size,
		&s.UploadedBy, &s.UploadedAt, &s.Late)
	return s, err
}

func (s *Store) latestSubmission(ctx context.Context, periodID int64, unitCode string) (*Submission, error) {
	rows, err := s.q.Query(ctx, `SELECT `+submissionColumns+` FROM submissions
		WHERE period_id = $1 AND unit_code = $2 ORDER BY version DESC LIMIT 1`, periodID, unitCode)
	if err != nil {
		return nil, fmt.Errorf("read latest submission: %w", err)
	}
	subs, err := pgx.CollectRows(rows, scanSubmission)
	if err != nil {
		return nil, fmt.Errorf("read latest submission: %w", err)
	}
	if len(subs) == 0 {
		return nil, nil
	}
	return &subs[0], nil
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
		values[code] = reporting.Value{Num: num, Text: txt, Date: day}
		if note != "" {
			notes[code] = note
		}
	}
	return values, notes, rows.Err()
}
