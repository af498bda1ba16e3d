package ops

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"baocao/reporting"
	"baocao/store"
	"baocao/templates"
)

// Upload is one file sent by a user.
type Upload struct {
	FileName string
	Body     io.Reader
	// DryRun validates and answers as a real upload would, storing nothing.
	DryRun bool
}

// Result is the answer to an accepted upload.
type Result struct {
	Submission store.Submission `json:"submission"`
	// Duplicate: identical to the latest stored version; nothing stored.
	Duplicate bool `json:"duplicate"`
	// DryRun: nothing was stored; Submission shows what would have been.
	DryRun bool `json:"dry_run"`
	// Status is the obligation's status after the upload.
	Status reporting.Status `json:"status"`
	// Warnings lists the unusual values the clerk explained.
	Warnings []reporting.Problem `json:"warnings,omitempty"`
	// Message says in Vietnamese what happened.
	Message string `json:"message"`
}

// ProblemsError refuses an upload with every problem found.
type ProblemsError struct {
	Problems []reporting.Problem
	// Cause is an underlying parser error, for the logs only.
	Cause error
	// TooLarge: the file is over the size limit (HTTP 413).
	TooLarge bool
}

func (e *ProblemsError) Error() string {
	return fmt.Sprintf("upload refused with %d problems: %s", len(e.Problems), e.Problems[0].Message)
}

// Unwrap makes the refusal an EINVALID domain error.
func (e *ProblemsError) Unwrap() error {
	return reporting.Errorf(reporting.EINVALID, msgRefused, len(e.Problems))
}

// refusal turns what refuses filing into the error the uploader gets: the
// user refused (not allowed for the unit) as is, an answer for the clerk
// as a template problem, anything else as is.
func refusal(err error) error {
	var e *reporting.Error
	if reporting.ErrorCode(err) == reporting.EFORBIDDEN || !errors.As(err, &e) {
		return err
	}
	return &ProblemsError{Problems: []reporting.Problem{{
		Code: reporting.ProblemTemplate, Severity: reporting.SeverityError, Message: e.Message,
	}}}
}

// Submit files one upload by u at now, linearly: it reads the file (up to
// the size limit), opens it and verifies the template's identity; reads
// the values for the template's form version and validates them; then,
// in one transaction, locks the obligation, checks that u may file for
// the unit and that the obligation accepts a version (checkFiling: a
// refusal there comes before any problem of the file's), and stores the
// file, its values, the history event and an audit event. A dry run stops
// before storing.
//
// An upload the clerk must fix comes back as a *ProblemsError listing every
// problem; a user not allowed to file for the unit gets an EFORBIDDEN
// error; nothing is stored in either case. A file identical to the latest
// version is a duplicate: reported, not stored.
func (s *Service) Submit(ctx context.Context, u reporting.User, now time.Time, up Upload) (res Result, err error) {
	if s.opts.Observer != nil {
		defer func() { s.opts.Observer.Upload(uploadOutcome(res, err)) }()
	}
	// The slot is taken before the file is read into memory: ParseLimit
	// bounds the uploads held in memory, not only those being parsed.
	release, err := s.parseSlot(ctx)
	if err != nil {
		return Result{}, err
	}
	defer release()
	data, err := io.ReadAll(io.LimitReader(up.Body, s.opts.MaxUploadBytes+1))
	if err != nil {
		return Result{}, fmt.Errorf("read upload: %w", err)
	}
	if int64(len(data)) > s.opts.MaxUploadBytes {
		return Result{}, &ProblemsError{Problems: []reporting.Problem{templates.TooLarge(s.opts.MaxUploadBytes)}, TooLarge: true}
	}
	wb, bad, err := templates.Open(data, s.readOptions())
	if err != nil {
		return Result{}, err
	}
	if bad != nil {
		return Result{}, &ProblemsError{Problems: bad.Problems, Cause: bad.Cause}
	}
	defer wb.Close()
	m := wb.Meta
	form, err := s.uploadForm(ctx, m.FormVersionID)
	if err != nil {
		return Result{}, err
	}
	filled := wb.Values(form)
	if s.parsing != nil {
		s.parsing()
	}
	// The values are read; the file stays in memory until stored, but the
	// next upload may start once the bytes held have room for this one's
	// (HeldUploadBytes): waiting for a database connection, uploads would
	// otherwise pile up in memory without bound.
	unhold, err := s.holdUpload(ctx, int64(len(data)))
	if err != nil {
		return Result{}, err
	}
	defer unhold()
	release()
	var warnings []reporting.Problem
	for _, p := range filled.Problems {
		if p.Severity == reporting.SeverityWarning {
			warnings = append(warnings, p)
		}
	}
	name := CleanFileName(up.FileName)
	sum := sha256.Sum256(data)
	sha := hex.EncodeToString(sum[:])
	if s.beforeStore != nil {
		s.beforeStore()
	}
	// Under the obligation's lock: whether u may file (checkFiling), then
	// what is wrong with the file, then the version. A refusal and a dry
	// run write nothing; the transaction is rolled back.
	err = s.st.InTx(ctx, func(tx *store.Store) error {
		obl, err := tx.LockObligation(ctx, m.PeriodID, m.UnitCode)
		if err != nil {
			return refusal(err)
		}
		if err := s.checkFiling(ctx, tx, u, obl, m, now); err != nil {
			return refusal(err)
		}
		if filled.Blocking() {
			return &ProblemsError{Problems: filled.Problems, Cause: filled.Cause}
		}
		if up.DryRun {
			res, err = s.dryRun(ctx, tx, obl, m, data, name, sha, u, now, warnings)
			return err
		}
		if obl.LatestSHA256 == sha {
			res, err = s.duplicate(ctx, tx, obl, now)
			return err
		}
		late := now.After(obl.Facts.Deadline)
		sub, err := tx.InsertSubmission(ctx, store.NewSubmission{
			PeriodID: obl.PeriodID, UnitCode: obl.UnitCode, Version: obl.LatestVersion + 1, FormVersionID: m.FormVersionID,
			File: data, FileName: name, UploadedBy: userID(u), UploadedAt: now, Late: late,
			Values: filled.Values, Notes: filled.Notes,
		})
		if err != nil {
			return err
		}
		ev := reporting.Event{At: now, Kind: reporting.EventUploaded, Actor: u.Email, SubmissionID: sub.ID, Version: sub.Version, Late: late}
		if err := tx.RecordEvents(ctx, []store.ObligationEvent{{PeriodID: obl.PeriodID, UnitCode: obl.UnitCode, Event: ev}}); err != nil {
			return err
		}
		if err := tx.Audit(ctx, store.AuditEvent{
			At: now, Actor: u.Email, Action: "submission.upload", ObjectType: "submission", ObjectID: fmt.Sprint(sub.ID),
			Details: map[string]any{"period_id": obl.PeriodID, "unit": obl.UnitCode, "version": sub.Version, "sha256": sub.SHA256,
				"file_name": name, "size": sub.Size, "late": late, "warnings": warnings},
		}); err != nil {
			return err
		}
		res = Result{Submission: sub, Status: obl.Facts.Apply(ev).StatusAt(now), Warnings: warnings}
		msg := msgStored
		if late {
			msg = msgStoredLate
		}
		res.Message = fmt.Sprintf(msg, sub.Version, obl.UnitName, obl.PeriodLabel)
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	return res, nil
}

// uploadForm is form version id, to read an upload's values with. A
// stored version never changes (a change is a new version), so each is
// read and decoded once per process; the value is only read, never
// modified, by Workbook.Values.
func (s *Service) uploadForm(ctx context.Context, id int64) (reporting.Form, error) {
	if f, ok := s.readForms.Load(id); ok {
		return f.(reporting.Form), nil
	}
	f, err := s.st.FormVersion(ctx, id)
	if err != nil {
		return reporting.Form{}, err
	}
	s.readForms.Store(id, f)
	return f, nil
}

// holdUpload waits, at most ParseWait, for room to hold n bytes of
// upload in memory until stored; unhold gives them back.
func (s *Service) holdUpload(ctx context.Context, n int64) (unhold func(), err error) {
	n = min(max(n, 1), s.opts.HeldUploadBytes)
	wctx, cancel := context.WithTimeout(ctx, s.opts.ParseWait)
	defer cancel()
	if err := s.held.Acquire(wctx, n); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("wait for room to hold the upload: %w", ctx.Err())
		}
		s.log.WarnContext(ctx, "upload refused: the uploads held in memory fill their budget", "budget", s.opts.HeldUploadBytes, "waited", s.opts.ParseWait)
		return nil, reporting.Errorf(reporting.EUNAVAILABLE, msgBusy)
	}
	return func() { s.held.Release(n) }, nil
}

// parseSlot waits for one of the ParseLimit parse slots, in turn, at most
// ParseWait; release gives it back (once, however often it is called).
func (s *Service) parseSlot(ctx context.Context) (release func(), err error) {
	timer := time.NewTimer(s.opts.ParseWait)
	defer timer.Stop()
	select {
	case s.parses <- struct{}{}:
	case <-timer.C:
		s.log.WarnContext(ctx, "upload refused: every parse slot busy", "limit", cap(s.parses), "waited", s.opts.ParseWait)
		return nil, reporting.Errorf(reporting.EUNAVAILABLE, msgBusy)
	case <-ctx.Done():
		return nil, fmt.Errorf("wait for a parse slot: %w", ctx.Err())
	}
	var once sync.Once
	return func() { once.Do(func() { <-s.parses }) }, nil
}

// uploadOutcome classifies what Submit answered.
func uploadOutcome(res Result, err error) UploadOutcome {
	var pe *ProblemsError
	switch {
	case errors.As(err, &pe) && pe.TooLarge:
		return UploadTooLarge
	case errors.As(err, &pe):
		return UploadRefused
	case reporting.ErrorCode(err) == reporting.EFORBIDDEN:
		return UploadForbidden
	case reporting.ErrorCode(err) == reporting.EUNAVAILABLE:
		return UploadBusy
	case err != nil:
		return UploadFailed
	case res.DryRun:
		return UploadDryRun
	case res.Duplicate:
		return UploadDuplicate
	}
	return UploadStored
}

// UploadCutOff records an upload a transport stopped reading because it
// was over the size limit, before handing it to Submit: it counts among
// the too-large ones.
func (s *Service) UploadCutOff() {
	if s.opts.Observer != nil {
		s.opts.Observer.Upload(UploadTooLarge)
	}
}

// dryRun answers an upload checked without storing it, as Submit would
// have: a duplicate as a duplicate.
func (s *Service) dryRun(ctx context.Context, tx *store.Store, obl store.Obligation, m templates.Meta, data []byte, name, sha string, u reporting.User, now time.Time, warnings []reporting.Problem) (Result, error) {
	if obl.LatestSHA256 == sha {
		// The stored version's whole record, as a submit answers.
		sub, err := tx.Submission(ctx, obl.LatestSubmissionID)
		if err != nil {
			return Result{}, err
		}
		return Result{DryRun: true, Duplicate: true, Status: obl.Status(now), Submission: sub,
			Message: fmt.Sprintf(msgDuplicateDryRun, obl.LatestVersion)}, nil
	}
	late := now.After(obl.Facts.Deadline)
	ev := reporting.Event{At: now, Kind: reporting.EventUploaded}
	return Result{
		Submission: store.Submission{PeriodID: obl.PeriodID, UnitCode: obl.UnitCode, Version: obl.LatestVersion + 1,
			FormVersionID: m.FormVersionID, SHA256: sha, FileName: name, Size: int64(len(data)), UploadedBy: userID(u), UploadedAt: now, Late: late},
		DryRun: true, Status: obl.Facts.Apply(ev).StatusAt(now), Warnings: warnings,
		Message: fmt.Sprintf(msgDryRunOK, obl.UnitName, obl.PeriodLabel),
	}, nil
}

// duplicate answers a file identical to the latest version: nothing new.
func (s *Service) duplicate(ctx context.Context, tx *store.Store, obl store.Obligation, now time.Time) (Result, error) {
	sub, err := tx.Submission(ctx, obl.LatestSubmissionID)
	if err != nil {
		return Result{}, err
	}
	return Result{Submission: sub, Duplicate: true, Status: obl.Status(now),
		Message: fmt.Sprintf(msgDuplicate, sub.Version, reporting.FormatDate(sub.UploadedAt.In(s.opts.Location)))}, nil
}

// checkFiling is what decides whether u may file a version of obl at now
// with a template of identity m: u may file for the unit, the template is
// of the form's current version, the period is open and not locked, the
// obligation is neither exempt nor accepted. Submit asks it under the
// obligation's lock, before it says what is wrong with the file.
func (s *Service) checkFiling(ctx context.Context, st *store.Store, u reporting.User, obl store.Obligation, m templates.Meta, now time.Time) error {
	ancestors, err := st.ObligationAncestors(ctx, obl)
	if err != nil {
		return err
	}
	if err := reporting.AuthorizeFile(u, obl.UnitCode, ancestors); err != nil {
		return reporting.Errorf(reporting.EFORBIDDEN, msgNotYourUnit, obl.UnitName, obl.UnitCode)
	}
	currentID, currentVersion, err := st.LatestFormVersion(ctx, m.FormCode)
	if err != nil {
		return err
	}
	loc := s.opts.Location
	switch st := obl.Status(now); {
	case currentID != m.FormVersionID:
		return reporting.Errorf(reporting.EINVALID, msgOldVersion, m.FormCode, m.FormVersion, currentVersion)
	case now.Before(obl.OpensAt):
		return reporting.Errorf(reporting.EINVALID, msgNotOpen, obl.PeriodLabel, reporting.FormatDate(obl.OpensAt.In(loc)))
	case !now.Before(obl.FilingLocksAt()):
		return reporting.Errorf(reporting.EINVALID, msgLocked, obl.PeriodLabel, reporting.FormatDate(obl.FilingLocksAt().In(loc)))
	case st == reporting.StatusExempt:
		return reporting.Errorf(reporting.EINVALID, msgExempt, obl.UnitName, obl.PeriodLabel)
	case st == reporting.StatusAccepted:
		return reporting.Errorf(reporting.EINVALID, msgAccepted, obl.PeriodLabel)
	}
	return nil
}
