package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"baocao/ops"
	"baocao/reporting"
	"baocao/web/ui"
)

// The pages of a unit: "Việc cần làm" (its open obligations), its page for
// a period (download, upload, every error, the receipt, the versions and
// decisions), and its history.

// Messages of the unit pages.
const (
	msgBadUnitPeriod = "Không có kỳ báo cáo %q."
	msgNoUnitOfUser  = "Tài khoản của bạn không gắn với đơn vị nào."
	msgAnnotatedGone = "Tệp đánh dấu lỗi không còn (chỉ giữ 30 phút). Xin tải tệp lên lại để xem lỗi."
)

// handleObligations shows the signed-in clerk's (or supervisor's) unit's
// obligations: "Việc cần làm".
func (s *Server) handleObligations(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	if u.UnitCode == "" {
		http.Redirect(w, r, home(u), http.StatusSeeOther)
		return
	}
	now := s.now()
	rows, err := s.opts.Ops.UnitObligations(r.Context(), u, now, u.UnitCode)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	loc := s.opts.Ops.Location()
	p := ui.ObligationsPage{UnitCode: u.UnitCode}
	for _, h := range rows {
		o := ui.Obligation{HistoryRow: h, Href: unitPeriodPath(u.UnitCode, h.PeriodID), DaysLeft: calendarDays(now.In(loc), h.Deadline.In(loc))}
		p.UnitName = h.UnitName
		if !now.Before(h.OpensAt) && now.Before(h.LocksAt) {
			p.Open = append(p.Open, o)
		} else {
			p.Past = append(p.Past, o)
		}
	}
	slices.SortStableFunc(p.Open, func(a, b ui.Obligation) int {
		if ra, rb := urgency(a.Status), urgency(b.Status); ra != rb {
			return ra - rb
		}
		return a.Deadline.Compare(b.Deadline)
	})
	s.page(w, r, "obligations", "Việc cần làm", "obligations", p)
}

// urgency orders "Việc cần làm": what the unit must act on first.
func urgency(st reporting.Status) int {
	switch st {
	case reporting.StatusReturned:
		return 0
	case reporting.StatusMissing:
		return 1
	case reporting.StatusPending:
		return 2
	}
	return 3
}

// calendarDays counts local calendar days from a's day to b's.
func calendarDays(a, b time.Time) int {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return int(time.Date(by, bm, bd, 0, 0, 0, 0, time.UTC).Sub(time.Date(ay, am, ad, 0, 0, 0, 0, time.UTC)).Hours() / 24)
}

func unitPeriodPath(unit string, periodID int64) string {
	return "/units/" + url.PathEscape(unit) + "/periods/" + strconv.FormatInt(periodID, 10)
}

// handleUnitPeriod shows a unit's page for a period: what reminders link
// to.
func (s *Server) handleUnitPeriod(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	p, err := s.unitPeriodPage(r, u)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.page(w, r, "unit-period", p.Obligation.PeriodLabel+" – "+p.Obligation.UnitName, "obligations", p)
}

func (s *Server) unitPeriodPage(r *http.Request, u reporting.User) (ui.UnitPeriodPage, error) {
	periodID, err := pathID(r, "period", msgBadUnitPeriod)
	if err != nil {
		return ui.UnitPeriodPage{}, err
	}
	unit := r.PathValue("unit")
	now := s.now()
	v, err := s.opts.Ops.UnitPeriod(r.Context(), u, now, periodID, unit)
	if err != nil {
		return ui.UnitPeriodPage{}, err
	}
	loc := s.opts.Ops.Location()
	path := unitPeriodPath(unit, periodID)
	return ui.UnitPeriodPage{UnitPeriod: v, Path: path, TemplateURL: path + "/template.xlsx",
		DaysLeft: calendarDays(now.In(loc), v.Obligation.Facts.Deadline.In(loc))}, nil
}

// handleUnitPeriodUpload files (or, with dry_run, checks) a workbook from
// the unit's page and answers the page again with the outcome: every
// problem, or the receipt and the values stored. It works as a plain form
// post and as an htmx request alike.
func (s *Server) handleUnitPeriodUpload(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	up, refused, err := s.readUpload(w, r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	defer up.close()
	p, perr := s.unitPeriodPage(r, u)
	if perr != nil {
		s.pageError(w, r, perr)
		return
	}
	var status int
	if refused != nil {
		p.Refused, p.FileProblems, status = true, []reporting.Problem{refused.problem}, refused.status
	} else {
		dry := up.fields.Get("dry_run") != "" || r.URL.Query().Get("dry_run") != ""
		status = s.fileFromPage(r, u, &p, up, dry)
	}
	if status == http.StatusCreated || status == http.StatusOK && p.Result != nil && !p.Result.DryRun {
		// The obligation changed: show its new state with the receipt.
		if fresh, err := s.unitPeriodPage(r, u); err == nil {
			fresh.Result, fresh.Stored = p.Result, p.Stored
			p = fresh
		}
	}
	a := authFrom(r.Context())
	s.renderPage(w, r, "unit-period", ui.Page{Title: p.Obligation.PeriodLabel + " – " + p.Obligation.UnitName, Nav: "obligations",
		User: &u, CSRF: csrfToken(a.token), Status: status, Content: p})
}

// fileFromPage submits up (checks it, if dry) for the page p and records
// the outcome in it; it returns the HTTP status to answer.
func (s *Server) fileFromPage(r *http.Request, u reporting.User, p *ui.UnitPeriodPage, up upload, dry bool) int {
	ctx, now := r.Context(), s.now()
	name := ops.CleanFileName(up.name)
	res, err := s.opts.Ops.Submit(ctx, u, now, ops.Upload{FileName: up.name, Body: up.body(), DryRun: dry})
	var pe *ops.ProblemsError
	switch {
	case errors.As(err, &pe):
		if pe.Cause != nil {
			s.log.InfoContext(ctx, "upload refused by the parser", "err", pe.Cause)
		}
		p.Refused, p.FileName = true, name
		for _, pr := range pe.Problems {
			if pr.Cell == "" && pr.Field == "" && len(pr.Cells) == 0 {
				p.FileProblems = append(p.FileProblems, pr)
			} else {
				p.CellProblems = append(p.CellProblems, pr)
			}
		}
		if out, ok := s.annotatedWorkbook(r, up, pe.Problems); ok {
			key := s.annotated.put(u.ID, "Cần sửa - "+name, out, now)
			p.AnnotatedURL = p.Path + "/annotated/" + key
		}
		if pe.TooLarge {
			return http.StatusRequestEntityTooLarge
		}
		return http.StatusUnprocessableEntity
	case err != nil:
		p.Refused = true
		p.FileProblems = []reporting.Problem{{Code: reporting.ProblemFile, Severity: reporting.SeverityError, Message: reporting.ErrorMessage(err)}}
		if reporting.ErrorCode(err) == reporting.EINTERNAL && ctx.Err() == nil {
			s.log.ErrorContext(ctx, "upload failed", "err", err)
		}
		return errorStatus(reporting.ErrorCode(err))
	}
	p.Result = &res
	if res.DryRun || res.Submission.ID == 0 {
		return http.StatusOK
	}
	if v, err := s.opts.Ops.SubmissionView(ctx, u, now, res.Submission.ID); err == nil {
		p.Stored = &v
	}
	if res.Duplicate {
		return http.StatusOK
	}
	return http.StatusCreated
}

// handleAnnotated serves the marked-up workbook of the user's refused
// upload, while it is kept.
func (s *Server) handleAnnotated(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	f, ok := s.annotated.get(u.ID, r.PathValue("key"), s.now())
	if !ok {
		s.pageError(w, r, reporting.Errorf(reporting.ENOTFOUND, msgAnnotatedGone))
		return
	}
	w.Header().Set("Content-Type", xlsxType)
	w.Header().Set("Cache-Control", "no-store")
	attachment(w, f.name, ops.ASCIIName(f.name))
	_, _ = w.Write(f.data)
}

// handleUnitPage shows a unit's history: its names, parents and
// successions over time and every period it owed.
func (s *Server) handleUnitPage(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	code := r.PathValue("code")
	v, err := s.opts.Ops.UnitPage(r.Context(), u, s.now(), code)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	p := ui.UnitHistoryPage{Code: code, UnitPage: v}
	if n := len(v.Versions); n > 0 {
		p.Current = v.Versions[n-1]
	}
	title := fmt.Sprintf("Đơn vị %s", code)
	if p.Current.Name != "" {
		title = p.Current.Name
	}
	s.page(w, r, "unit", title, "unit", p)
}

// handleMyUnit sends a clerk or supervisor to its unit's history.
func (s *Server) handleMyUnit(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	if u.UnitCode == "" {
		s.pageError(w, r, reporting.Errorf(reporting.ENOTFOUND, msgNoUnitOfUser))
		return
	}
	http.Redirect(w, r, "/units/"+url.PathEscape(u.UnitCode), http.StatusSeeOther)
}
