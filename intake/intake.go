// Package intake turns an uploaded workbook into a stored submission: it
// reads and verifies the file (templates), checks it against the database
// — the right form version, an open period, a unit the uploader may file
// for — and stores it in one transaction (store). The web API and the
// command line both file reports through it, so they answer alike.
package intake

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"time"

	"baocao/reporting"
	"baocao/store"
	"baocao/templates"
)

// Options configure an Intake.
type Options struct {
	// Secret verifies templates' signatures; the one they were built with.
	Secret []byte
	// MaxBytes is the largest upload accepted.
	MaxBytes int64
	// Location shows deadlines and dates in local time.
	Location *time.Location
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Intake files reports.
type Intake struct {
	st   *store.Store
	opts Options
}

// New builds an Intake.
func New(st *store.Store, opts Options) *Intake {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = templates.DefaultMaxBytes
	}
	return &Intake{st: st, opts: opts}
}

// Upload is one file sent by a user.
type Upload struct {
	User     reporting.User
	Actor    string // for the audit trail; the user's e-mail when empty
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
	Status string `json:"status"`
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
}

func (e *ProblemsError) Error() string {
	return fmt.Sprintf("upload refused with %d problems: %s", len(e.Problems), e.Problems[0].Message)
}

// Unwrap makes the refusal an EINVALID domain error.
func (e *ProblemsError) Unwrap() error {
	return reporting.Errorf(reporting.EINVALID, msgRefused, len(e.Problems))
}

func refuse(code, msg string, args ...any) *ProblemsError {
	return &ProblemsError{Problems: []reporting.Problem{{
		Code: code, Severity: reporting.SeverityError, Sheet: "_meta", Message: fmt.Sprintf(msg, args...),
	}}}
}

// Submit files one upload. An upload the clerk must fix comes back as a
// *ProblemsError listing every problem; a user not allowed to file for the
// unit gets an EFORBIDDEN error; nothing is stored in either case.
func (in *Intake) Submit(ctx context.Context, up Upload) (Result, error) {
	now := in.opts.Now()
	data, err := io.ReadAll(io.LimitReader(up.Body, in.opts.MaxBytes+1))
	if err != nil {
		return Result{}, fmt.Errorf("read upload: %w", err)
	}
	var obl store.Obligation
	var forbidden error
	filled, err := templates.Read(bytes.NewReader(data), templates.ReadOptions{
		Secret:   in.opts.Secret,
		MaxBytes: in.opts.MaxBytes,
		Form: func(m templates.Meta) (reporting.Form, error) {
			form, o, err := in.check(ctx, up.User, m, now)
			obl = o
			if reporting.ErrorCode(err) == reporting.EFORBIDDEN {
				forbidden = err
			}
			return form, err
		},
	})
	if err != nil {
		return Result{}, err
	}
	if forbidden != nil {
		// The user, not the file, is refused: answer as such (403).
		return Result{}, forbidden
	}
	if filled.Blocking() {
		return Result{}, &ProblemsError{Problems: filled.Problems, Cause: filled.Cause}
	}
	var warnings []reporting.Problem
	for _, p := range filled.Problems {
		if p.Severity == reporting.SeverityWarning {
			warnings = append(warnings, p)
		}
	}
	actor := up.Actor
	if actor == "" {
		actor = up.User.Email
	}
	var uploader *int64
	if up.User.ID != 0 {
		uploader = &up.User.ID
	}
	name := up.FileName
	if name == "" {
		name = "baocao.xlsx"
	}
	if up.DryRun {
		late := now.After(obl.Deadline)
		status := "submitted"
		if late || (obl.FirstSubmittedAt != nil && obl.FirstSubmittedAt.After(obl.Deadline)) {
			status = "late"
		}
		return Result{
			Submission: store.Submission{PeriodID: obl.PeriodID, UnitCode: obl.UnitCode, Version: obl.Versions + 1,
				FormVersionID: filled.Meta.FormVersionID, FileName: name, Size: int64(len(data)), UploadedBy: uploader, UploadedAt: now, Late: late},
			DryRun: true, Status: status, Warnings: warnings,
			Message: fmt.Sprintf(msgDryRunOK, obl.UnitName, obl.PeriodLabel),
		}, nil
	}
	res, err := in.st.InsertSubmission(ctx, store.NewSubmission{
		PeriodID: obl.PeriodID, UnitCode: obl.UnitCode, FormVersionID: filled.Meta.FormVersionID,
		File: data, FileName: name, UploadedBy: uploader, Actor: actor, UploadedAt: now,
		Values: filled.Values, Notes: filled.Notes, Warnings: warnings,
	})
	if err != nil {
		return Result{}, err
	}
	out := Result{Submission: res.Submission, Duplicate: res.Duplicate, Status: res.Status, Warnings: warnings}
	switch {
	case res.Duplicate:
		out.Message = fmt.Sprintf(msgDuplicate, res.Submission.Version, reporting.FormatDate(res.Submission.UploadedAt.In(in.loc())))
	case res.Submission.Late:
		out.Message = fmt.Sprintf(msgStoredLate, res.Submission.Version, obl.UnitName, obl.PeriodLabel)
	default:
		out.Message = fmt.Sprintf(msgStored, res.Submission.Version, obl.UnitName, obl.PeriodLabel)
	}
	return out, nil
}

func (in *Intake) loc() *time.Location {
	if in.opts.Location != nil {
		return in.opts.Location
	}
	return time.UTC
}

// check is what Read asks once the template's signature holds: is this the
// current version of the form, does the unit owe this period, is the period
// open, may this user file for the unit. A *reporting.Error comes back to
// the clerk as a template problem.
func (in *Intake) check(ctx context.Context, u reporting.User, m templates.Meta, now time.Time) (reporting.Form, store.Obligation, error) {
	current, err := in.st.FormByCode(ctx, m.FormCode)
	if err != nil {
		return reporting.Form{}, store.Obligation{}, err
	}
	if current.VersionID != m.FormVersionID {
		return reporting.Form{}, store.Obligation{}, reporting.Errorf(reporting.EINVALID, msgOldVersion, m.FormCode, m.FormVersion, current.Version)
	}
	obl, err := in.st.Obligation(ctx, m.PeriodID, m.UnitCode)
	if err != nil {
		return reporting.Form{}, obl, err
	}
	ancestors, err := in.st.UnitAncestors(ctx, obl.UnitCode, obl.DataFrom)
	if err != nil {
		return reporting.Form{}, obl, err
	}
	if err := reporting.AuthorizeFile(u, obl.UnitCode, ancestors); err != nil {
		return reporting.Form{}, obl, reporting.Errorf(reporting.EFORBIDDEN, msgNotYourUnit, obl.UnitName, obl.UnitCode)
	}
	switch {
	case now.Before(obl.OpensAt):
		return reporting.Form{}, obl, reporting.Errorf(reporting.EINVALID, msgNotOpen, obl.PeriodLabel, reporting.FormatDate(obl.OpensAt.In(in.loc())))
	case !now.Before(obl.LocksAt):
		return reporting.Form{}, obl, reporting.Errorf(reporting.EINVALID, msgLocked, obl.PeriodLabel, reporting.FormatDate(obl.LocksAt.In(in.loc())))
	case obl.Status == "exempt":
		return reporting.Form{}, obl, reporting.Errorf(reporting.EINVALID, msgExempt, obl.UnitName, obl.PeriodLabel)
	case obl.Status == "accepted":
		return reporting.Form{}, obl, reporting.Errorf(reporting.EINVALID, msgAccepted, obl.PeriodLabel)
	}
	return current, obl, nil
}
