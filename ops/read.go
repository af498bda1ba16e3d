package ops

import (
	"context"
	"fmt"
	"io"
	"time"

	"baocao/reporting"
	"baocao/reporting/pdf"
	"baocao/reporting/xlsx"
	"baocao/store"
)

// The reads: what the pages, the API and the command line show, each
// limited to what the user may see (reporting.ScopeOf, CanViewUnit).

// Compliance is period periodID's counts and rates at moment at for what
// u may see.
func (s *Service) Compliance(ctx context.Context, u reporting.User, at time.Time, periodID int64) (store.Compliance, error) {
	return s.st.PeriodCompliance(ctx, periodID, at, reporting.ScopeOf(u))
}

// UnitObligations is unit unitCode's obligations over every form and
// period at moment at. A user who may see none of them gets the answer
// for a unit that does not exist, not an empty list.
func (s *Service) UnitObligations(ctx context.Context, u reporting.User, at time.Time, unitCode string) ([]store.HistoryRow, error) {
	scope := reporting.ScopeOf(u)
	rows, err := s.st.UnitObligations(ctx, unitCode, at, scope)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 && !scope.All {
		// Nothing visible: either nothing there, or not the user's to see.
		// Without ancestors only the user's own unit passes.
		if err := reporting.AuthorizeView(u, unitCode, nil); err != nil {
			return nil, store.ErrUnitAbsent(unitCode)
		}
	}
	return rows, nil
}

// Matrix is form formCode's units × periods statuses at moment at, for
// periods whose data window ends between from and to (zero: no bound).
func (s *Service) Matrix(ctx context.Context, u reporting.User, at time.Time, formCode string, from, to time.Time) (store.Matrix, error) {
	return s.st.FormMatrix(ctx, formCode, from, to, at, reporting.ScopeOf(u))
}

// ObligationHistory is the history of (period, unit): what happened to the
// obligation, when and by whom, for a user who may see the unit.
func (s *Service) ObligationHistory(ctx context.Context, u reporting.User, periodID int64, unitCode string) (store.Obligation, []reporting.Event, error) {
	o, err := s.viewObligation(ctx, u, periodID, unitCode)
	if err != nil {
		return store.Obligation{}, nil, err
	}
	events, err := s.st.ObligationHistory(ctx, periodID, unitCode)
	return o, events, err
}

// viewObligation reads (period, unit)'s obligation for u; one u may not see
// is answered as one that does not exist (store.ErrNoObligation), so ids
// outside u's scope cannot be told from ids that are not there.
func (s *Service) viewObligation(ctx context.Context, u reporting.User, periodID int64, unitCode string) (store.Obligation, error) {
	o, err := s.st.Obligation(ctx, periodID, unitCode)
	if err != nil {
		return o, err
	}
	ancestors, err := s.st.ObligationAncestors(ctx, o)
	if err != nil {
		return o, err
	}
	if reporting.AuthorizeView(u, unitCode, ancestors) != nil {
		return store.Obligation{}, store.ErrNoObligation(unitCode, periodID)
	}
	return o, nil
}

// SubmissionValues is one submission's record and values, for a user who
// may see its unit.
func (s *Service) SubmissionValues(ctx context.Context, u reporting.User, id int64) (store.Submission, map[string]reporting.Value, map[string]string, error) {
	sub, err := s.viewSubmission(ctx, u, id)
	if err != nil {
		return sub, nil, nil, err
	}
	values, notes, err := s.st.SubmissionValues(ctx, id)
	return sub, values, notes, err
}

// SubmissionFile is one submission's original bytes, for a user who may
// see its unit.
func (s *Service) SubmissionFile(ctx context.Context, u reporting.User, id int64) (store.Submission, []byte, error) {
	if _, err := s.viewSubmission(ctx, u, id); err != nil {
		return store.Submission{}, nil, err
	}
	return s.st.SubmissionFile(ctx, id)
}

func (s *Service) viewSubmission(ctx context.Context, u reporting.User, id int64) (store.Submission, error) {
	sub, err := s.st.Submission(ctx, id)
	if err != nil {
		return sub, err
	}
	if _, err := s.viewObligation(ctx, u, sub.PeriodID, sub.UnitCode); err != nil {
		if reporting.ErrorCode(err) == reporting.ENOTFOUND {
			return store.Submission{}, store.ErrSubmissionAbsent(id)
		}
		return store.Submission{}, err
	}
	return sub, nil
}

// Outbox lists the e-mails queued, sent, failed and skipped, for
// inspectors and administrators.
func (s *Service) Outbox(ctx context.Context, u reporting.User, f store.ReminderFilter) ([]store.Reminder, error) {
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin, reporting.RoleInspector); err != nil {
		return nil, reporting.Errorf(reporting.EFORBIDDEN, msgOutboxForbidden)
	}
	return s.st.Reminders(ctx, f)
}

// AuditTrail lists the audit events matching f, newest first, for
// administrators.
func (s *Service) AuditTrail(ctx context.Context, u reporting.User, f store.AuditFilter) ([]store.AuditEvent, error) {
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin); err != nil {
		return nil, reporting.Errorf(reporting.EFORBIDDEN, msgAuditAdminOnly)
	}
	return s.st.AuditEvents(ctx, f)
}

// ReportFormat is a consolidated report's file type.
type ReportFormat string

// The report formats.
const (
	ReportXLSX ReportFormat = "xlsx"
	ReportPDF  ReportFormat = "pdf"
)

// ReportRequest asks for a consolidated report.
type ReportRequest struct {
	// FormCode is the form; Period its period's key ("2026-H1") or id.
	FormCode, Period string
	Format           ReportFormat
	// AcceptedOnly counts accepted submissions only.
	AcceptedOnly bool
	// PDF says what the People's Council report's header and footer say
	// where the defaults (from the root unit) will not do.
	PDF PDFText
	// Progress, if set, is told how many rows of how many are written.
	Progress func(done, total int)
}

// PDFText is the wording of a PDF report's Decree 30 blocks (see
// pdf.Options): the number ("07/BC-UBND"), the signer's name, the issuing
// body and the body over it, the place and the subject line.
type PDFText struct {
	Number, Signer, Issuer, ParentBody, Place, Subject string
}

// Report consolidates a form's period as at now over what u may see
// (inspectors and admins the province, a supervisor its subtree; clerks
// none) and writes it to w as a workbook or the People's Council PDF, its
// dates and times in the service's time zone. It returns the
// consolidation, for callers that say what it held.
func (s *Service) Report(ctx context.Context, u reporting.User, now time.Time, in ReportRequest, w io.Writer) (*reporting.Consolidation, error) {
	scope := reporting.ScopeOf(u)
	if u.Role == reporting.RoleClerk || (!scope.All && scope.Subtree == "") {
		return nil, reporting.Errorf(reporting.EFORBIDDEN, msgReportForbidden)
	}
	if in.Format != ReportXLSX && in.Format != ReportPDF {
		return nil, fmt.Errorf("report %s %s: unknown format %q", in.FormCode, in.Period, in.Format)
	}
	c, err := s.st.Consolidate(ctx, store.ConsolidationQuery{
		FormCode: in.FormCode, Period: in.Period, AcceptedOnly: in.AcceptedOnly, Scope: scope, At: now,
	})
	if err != nil {
		return nil, err
	}
	if err := s.unexplainedSignals(ctx, c, now); err != nil {
		return nil, fmt.Errorf("report %s %s: %w", in.FormCode, in.Period, err)
	}
	loc := s.opts.Location
	if in.Format == ReportXLSX {
		err = xlsx.Write(ctx, w, c, xlsx.Options{Now: now, Location: loc, Progress: in.Progress})
	} else {
		t := in.PDF
		err = pdf.Write(ctx, w, c, pdf.Options{
			ParentBody: t.ParentBody, Issuer: t.Issuer, Number: t.Number, Place: t.Place, Subject: t.Subject,
			Signer: t.Signer, Date: now, Location: loc, Progress: in.Progress,
		})
	}
	if err != nil {
		return nil, fmt.Errorf("report %s %s: %w", c.Form.Code, c.Period.Key, err)
	}
	return c, nil
}
