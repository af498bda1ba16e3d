package store

import (
	"bytes"
	"context"
	"fmt"
	htmltemplate "html/template"
	"net/url"
	"strconv"
	"strings"
	texttemplate "text/template"
	"time"

	"baocao/reporting"
)

// ReviewInput is a reviewer's decision on a submission.
type ReviewInput struct {
	SubmissionID int64
	// Reviewer must be allowed to review the unit (reporting.CanReview):
	// an inspector or admin anywhere, a supervisor below its unit. ID 0
	// is the built-in administrator of the command line.
	Reviewer reporting.User
	Decision reporting.Decision
	// Reason is required to return a submission; for an acceptance it is
	// an optional note.
	Reason string
	Now    time.Time
	// BaseURL is the public address the return e-mail links to
	// ("https://baocao.dongnai.gov.vn"); "" leaves the link out.
	BaseURL string
}

// ReviewResult says what Review did.
type ReviewResult struct {
	ReviewID   int64            `json:"review_id"`
	Submission Submission       `json:"submission"`
	Decision   string           `json:"decision"`
	Status     reporting.Status `json:"status"`
	// Notified: a return e-mail to the unit went into the outbox. False for
	// an acceptance, or when this version's return was notified already.
	Notified bool `json:"notified"`
}

// ReturnedKindPrefix starts the reminder kind of the e-mail telling a unit
// its submission was returned: "returned_42" for submission 42, so each
// returned version is notified once however often it is reviewed.
const ReturnedKindPrefix = "returned_"

// Review records a decision on the latest version of an obligation, in one
// transaction with the obligation's new status and an audit event:
// accepted makes it accepted; returned (a reason required) makes it
// returned, asks for a new version (an upload then sets submitted or late
// from the first version's timeliness, see InsertSubmission) and queues an
// e-mail to the unit with the reason. Only the latest version can be
// reviewed; an exempt obligation has nothing to review; an accepted
// obligation cannot change once its period is locked, and nothing can be
// returned then, since the unit could not file again.
func (s *Store) Review(ctx context.Context, in ReviewInput) (ReviewResult, error) {
	in.Reason = strings.TrimSpace(in.Reason)
	if err := reporting.ValidateReview(in.Decision, in.Reason); err != nil {
		return ReviewResult{}, err
	}
	var res ReviewResult
	err := s.InTx(ctx, func(tx *Store) error {
		sub, err := tx.Submission(ctx, in.SubmissionID)
		if err != nil {
			return err
		}
		o, err := tx.lockObligation(ctx, sub.PeriodID, sub.UnitCode)
		if err != nil {
			return err
		}
		ancestors, err := tx.UnitAncestors(ctx, sub.UnitCode, o.DataFrom)
		if err != nil {
			return err
		}
		if err := reporting.AuthorizeReview(in.Reviewer, sub.UnitCode, ancestors); err != nil {
			return err
		}
		switch {
		case o.Status == reporting.StatusExempt:
			return reporting.Errorf(reporting.ECONFLICT, msgReviewExempt, o.UnitName, o.PeriodLabel)
		case sub.Version != o.LatestVersion:
			return reporting.Errorf(reporting.ECONFLICT, msgNotLatest, sub.Version, o.UnitName, o.LatestVersion)
		}
		if err := o.checkAcceptedLock(in.Now); err != nil {
			return err
		}
		if in.Decision == reporting.DecisionReturned && !in.Now.Before(o.LocksAt) {
			return reporting.Errorf(reporting.ECONFLICT, msgReturnLocked, o.PeriodLabel, reporting.FormatDateTime(o.LocksAt))
		}
		var reviewer *int64
		if in.Reviewer.ID != 0 {
			reviewer = &in.Reviewer.ID
		}
		if err := tx.q.QueryRow(ctx, `
			INSERT INTO reviews (submission_id, reviewer_id, decision, reason, created_at)
			VALUES ($1, $2, $3, $4, $5)
			RETURNING id`, sub.ID, reviewer, string(in.Decision), in.Reason, in.Now).Scan(&res.ReviewID); err != nil {
			return fmt.Errorf("insert review: %w", err)
		}
		status := reporting.StatusAccepted
		if in.Decision == reporting.DecisionReturned {
			status = reporting.StatusReturned
		}
		if err := tx.setStatus(ctx, sub.PeriodID, sub.UnitCode, status, in.Reason, in.Now); err != nil {
			return err
		}
		if err := tx.Audit(ctx, AuditEvent{
			At: in.Now, Actor: in.Reviewer.Email, Action: "submission.review", ObjectType: "submission", ObjectID: fmt.Sprint(sub.ID),
			Details: map[string]any{"period_id": sub.PeriodID, "unit": sub.UnitCode, "version": sub.Version,
				"decision": in.Decision, "reason": in.Reason, "previous_status": o.Status, "review_id": res.ReviewID},
		}); err != nil {
			return err
		}
		res.Submission, res.Decision, res.Status = sub, string(in.Decision), status
		if in.Decision == reporting.DecisionReturned {
			n, err := tx.notifyReturned(ctx, sub, in)
			if err != nil {
				return err
			}
			res.Notified = n > 0
		}
		return nil
	})
	if err != nil {
		return ReviewResult{}, err
	}
	return res, nil
}

// notifyReturned queues the e-mail telling the unit its submission was
// returned, through the reminders outbox (EnqueueReminders), as kind
// returned_<submission id>. A unit without an address gets a failed row the
// outbox shows, as reminders do.
func (s *Store) notifyReturned(ctx context.Context, sub Submission, in ReviewInput) (int, error) {
	targets, err := s.ObligationTargets(ctx, sub.PeriodID, sub.UnitCode)
	if err != nil {
		return 0, fmt.Errorf("notify return: %w", err)
	}
	if len(targets) != 1 {
		return 0, fmt.Errorf("notify return of submission %d: %d obligations found", sub.ID, len(targets))
	}
	t := targets[0]
	reviewer := in.Reviewer.Name
	if reviewer == "" {
		reviewer = in.Reviewer.Email
	}
	c, err := returnedMessage(returnedData{
		UnitName: t.UnitName, FormTitle: t.FormTitle, PeriodLabel: t.PeriodLabel, Version: sub.Version, FileName: sub.FileName,
		Reviewer: reviewer, Reason: in.Reason, Link: unitPeriodLink(in.BaseURL, sub.UnitCode, sub.PeriodID),
	})
	if err != nil {
		return 0, err
	}
	r := NewReminder{
		PeriodID: sub.PeriodID, UnitCode: sub.UnitCode, Kind: ReturnedKindPrefix + strconv.FormatInt(sub.ID, 10), DueAt: in.Now,
		Recipients: t.Emails, Subject: c.subject, BodyText: c.text, BodyHTML: c.html,
	}
	if len(t.Emails) == 0 {
		r.Undeliverable = returnedNoAddress
	}
	return s.EnqueueReminders(ctx, []NewReminder{r}, in.Now, EnqueueOptions{})
}

// unitPeriodLink is the unit's page for a period, or "" without a base.
func unitPeriodLink(base, unit string, periodID int64) string {
	if base == "" {
		return ""
	}
	return strings.TrimRight(base, "/") + "/units/" + url.PathEscape(unit) + "/periods/" + strconv.FormatInt(periodID, 10)
}

// returnedData is what the return e-mail says.
type returnedData struct {
	UnitName, FormTitle, PeriodLabel string
	Version                          int
	FileName                         string
	Reviewer, Reason, Link           string
}

type returnedContent struct{ subject, text, html string }

// The Vietnamese text of the return e-mail, in one place for review.
const (
	returnedSubject   = "[Trả lại] %s – %s: xin sửa và gửi lại báo cáo"
	returnedLead      = "Báo cáo dưới đây của đơn vị đã bị trả lại. Xin sửa theo ý kiến của người duyệt và gửi lại bản mới."
	returnedAutomatic = "Thư được gửi tự động từ hệ thống báo cáo định kỳ; xin không trả lời thư này."
	// returnedNoAddress is the outbox's reason for an undeliverable row
	// (for the administrator, in English like the other outbox errors).
	returnedNoAddress = "the unit has no e-mail address; add one to its unit version"
)

var returnedText = texttemplate.Must(texttemplate.New("text").Parse(`Kính gửi: {{.UnitName}}

` + returnedLead + `

- Biểu mẫu: {{.FormTitle}}
- Kỳ báo cáo: {{.PeriodLabel}}
- Bản bị trả lại: lần gửi thứ {{.Version}} (tệp {{.FileName}})
- Người duyệt: {{.Reviewer}}
- Lý do trả lại: {{.Reason}}
{{if .Link}}
Xem và nộp lại báo cáo tại: {{.Link}}
{{end}}
--
` + returnedAutomatic + `
`))

var returnedHTML = htmltemplate.Must(htmltemplate.New("html").Parse(`<!DOCTYPE html>
<html lang="vi">
<head><meta charset="utf-8"><title>{{.PeriodLabel}}</title></head>
<body style="font-family: 'Times New Roman', serif; font-size: 15px; color: #000">
<p>Kính gửi: <strong>{{.UnitName}}</strong></p>
<p>` + returnedLead + `</p>
<table cellpadding="4" style="border-collapse: collapse">
<tr><td>Biểu mẫu:</td><td>{{.FormTitle}}</td></tr>
<tr><td>Kỳ báo cáo:</td><td>{{.PeriodLabel}}</td></tr>
<tr><td>Bản bị trả lại:</td><td>lần gửi thứ {{.Version}} (tệp {{.FileName}})</td></tr>
<tr><td>Người duyệt:</td><td>{{.Reviewer}}</td></tr>
<tr><td>Lý do trả lại:</td><td><strong>{{.Reason}}</strong></td></tr>
</table>
{{- if .Link}}
<p><a href="{{.Link}}">Xem và nộp lại báo cáo</a></p>
{{- end}}
<hr>
<p style="font-size: 13px; color: #555">` + returnedAutomatic + `</p>
</body>
</html>
`))

// returnedMessage renders the return e-mail. (The mail package's builders
// write deadline reminders, which carry no reviewer's reason; this one is
// the return's own.)
func returnedMessage(d returnedData) (returnedContent, error) {
	c := returnedContent{subject: fmt.Sprintf(returnedSubject, d.UnitName, d.PeriodLabel)}
	var b bytes.Buffer
	if err := returnedText.Execute(&b, d); err != nil {
		return c, fmt.Errorf("render return e-mail text: %w", err)
	}
	c.text = b.String()
	b.Reset()
	if err := returnedHTML.Execute(&b, d); err != nil {
		return c, fmt.Errorf("render return e-mail html: %w", err)
	}
	c.html = b.String()
	return c, nil
}
