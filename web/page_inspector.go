package web

import (
	"encoding/csv"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
	"baocao/vi"
	"baocao/web/ui"
)

// The pages of inspectors, administrators and supervisors: the dashboard,
// the periods, a period's units with the actions on them, the units ×
// periods matrix, a version for review, and the outbox.

// Messages of these pages.
const (
	msgBadPeriod       = "Không có kỳ báo cáo %q."
	msgBadSubmissionID = "Không có bản báo cáo %q."
	msgReminded        = "Đã xếp %d thư nhắc vào hộp thư đi."
	msgRemindedOne     = "Đã xếp thư nhắc cho đơn vị %s vào hộp thư đi."
	msgRemindedToday   = "Hôm nay đã nhắc đơn vị %s rồi; không gửi thêm."
	msgExempted        = "Đã miễn báo cáo kỳ này cho đơn vị %s."
	msgExtended        = "Đã gia hạn đến %s cho %d đơn vị (%d đơn vị từ “quá hạn” trở lại “chưa đến hạn”)."
	msgReviewed        = "Đã ghi nhận: %s lần gửi thứ %d của %s."
	msgBadDeadlineDay  = "Ngày gia hạn %q không hợp lệ: dùng dạng 30/06/2026 hoặc 2026-06-30."
	msgAllUnits        = "Tất cả"
	msgChartParents    = "Tỷ lệ nộp đúng hạn theo đơn vị cấp trên — %s"
	msgChartKinds      = "Tỷ lệ nộp đúng hạn theo loại đơn vị — %s"
	msgChartTrend      = "Tỷ lệ nộp đúng hạn qua các kỳ — %s"
	msgSeriesOnTime    = "Đúng hạn"
	msgSeriesFiled     = "Đã nộp (kể cả muộn)"
	msgUnitsOf         = "%d/%d đơn vị"
	msgWithSignals     = "Có dấu hiệu bất thường"
	msgExplained       = "Đã lưu giải trình cho dấu hiệu “%s”."
)

// pageSize is how many rows a long table shows a page.
const pageSize = 100

// handleDashboard shows, per form, the latest periods' compliance with
// bars per parent unit and per kind and the trend.
func (s *Server) handleDashboard(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	if u.Role == reporting.RoleClerk {
		http.Redirect(w, r, home(u), http.StatusSeeOther)
		return
	}
	forms, err := s.opts.Ops.Dashboard(r.Context(), u, s.now(), 6)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	var p ui.DashboardPage
	for _, f := range forms {
		panel := ui.FormPanel{Form: f.Form, Recent: f.Periods, MatrixHref: "/forms/" + url.PathEscape(f.Form.Code) + "/matrix"}
		if len(f.Periods) > 0 {
			panel.Latest = f.Periods[0]
			panel.ByParent, panel.ByKind = complianceBars(panel.Latest)
			panel.Trend = trend(f.Form.Code, f.Periods)
		}
		p.Forms = append(p.Forms, panel)
	}
	s.page(w, r, "dashboard", "Tình hình báo cáo", "dashboard", p)
}

// complianceBars are the on-time rates of a period per parent unit and per
// unit kind, parents in Vietnamese order.
func complianceBars(c store.Compliance) (byParent, byKind ui.BarChart) {
	label := c.Period.Label
	byParent.Title, byKind.Title = fmt.Sprintf(msgChartParents, label), fmt.Sprintf(msgChartKinds, label)
	groups := slices.Clone(c.ByParent)
	slices.SortFunc(groups, func(a, b store.ComplianceGroup) int { return vi.Compare(a.Name, b.Name) })
	for _, g := range groups {
		name := g.Name
		if name == "" {
			name = g.Code
		}
		byParent.Bars = append(byParent.Bars, ui.Bar{Label: name, Value: fmt.Sprintf(msgUnitsOf, g.OnTime, g.Obliged-g.Exempt), Rate: g.OnTimeRate})
	}
	for _, g := range c.ByKind {
		byKind.Bars = append(byKind.Bars, ui.Bar{Label: g.Name, Value: fmt.Sprintf(msgUnitsOf, g.OnTime, g.Obliged-g.Exempt), Rate: g.OnTimeRate})
	}
	return byParent, byKind
}

// trend is the on-time and filed rates of periods (newest first) as a
// line, oldest left.
func trend(form string, periods []store.Compliance) ui.LineChart {
	lc := ui.LineChart{Title: fmt.Sprintf(msgChartTrend, form), Percent: true, Max: 1,
		Series: []ui.Series{{Name: msgSeriesOnTime}, {Name: msgSeriesFiled}}}
	for i := len(periods) - 1; i >= 0; i-- {
		c := periods[i]
		lc.Labels = append(lc.Labels, c.Period.Key)
		on, filed := c.Total.OnTimeRate, c.Total.FiledRate
		if c.Total.Obliged == c.Total.Exempt {
			on, filed = math.NaN(), math.NaN()
		}
		lc.Series[0].Values = append(lc.Series[0].Values, on)
		lc.Series[1].Values = append(lc.Series[1].Values, filed)
	}
	return lc
}

// handlePeriods lists every period with links to its page and reports.
func (s *Server) handlePeriods(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	ps, err := s.opts.Ops.Periods(r.Context(), u, r.URL.Query().Get("form"))
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.page(w, r, "periods", "Các kỳ báo cáo", "periods", ui.PeriodsPage{Periods: ps})
}

// handlePeriod shows a period's units, filtered by status, parent, kind
// and a search by name or code (accents optional), a page at a time, with
// the actions on them and the report downloads. The database filters,
// sorts and pages: the page reads the hundred rows it shows.
func (s *Server) handlePeriod(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	id, err := pathID(r, "id", msgBadPeriod)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	q := r.URL.Query()
	f := ui.PeriodFilter{Status: q.Get("status"), Parent: q.Get("parent"), Kind: q.Get("kind"), Q: strings.TrimSpace(q.Get("q"))}
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	uf := store.PeriodUnitFilter{Parent: f.Parent, Kind: reporting.UnitKind(f.Kind), Query: f.Q, Offset: (page - 1) * pageSize, Limit: pageSize}
	if f.Status != "" {
		uf.Statuses = []reporting.Status{reporting.Status(f.Status)}
	}
	v, err := s.opts.Ops.PeriodPage(r.Context(), u, s.now(), id, uf)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	p := ui.PeriodPage{PeriodPage: v, Filter: f, Path: r.URL.Path}
	per := v.Compliance.Period
	p.XLSXURL = "/api/v1/reports/" + url.PathEscape(per.FormCode) + "/" + url.PathEscape(per.Key) + ".xlsx"
	p.PDFURL = "/api/v1/reports/" + url.PathEscape(per.FormCode) + "/" + url.PathEscape(per.Key) + ".pdf"
	p.MatrixHref = "/forms/" + url.PathEscape(per.FormCode) + "/matrix"
	p.Bars, _ = complianceBars(v.Compliance)
	parents, kinds := map[string]string{}, map[string]string{}
	for _, g := range v.Compliance.ByParent {
		parents[g.Code] = g.Name
	}
	for _, g := range v.Compliance.ByKind {
		kinds[g.Code] = g.Name
	}
	var emails []string
	for _, pu := range v.Owing.Units {
		emails = append(emails, pu.Emails...)
	}
	p.Missing, p.MissingCount = v.Owing.Units, v.Owing.Total
	p.MissingCSV = p.Path + "/missing.csv"
	p.MissingEmails = strings.Join(slices.Compact(slices.Sorted(slices.Values(emails))), "; ")
	p.StatusOptions = statusOptions(f.Status)
	p.ParentOptions = options(parents, f.Parent)
	p.KindOptions = options(kinds, f.Kind)
	p.Pager = ui.NewPager(r.URL, page, pageSize, v.Units.Total)
	if p.Pager.Page != page {
		// Past the last page (the filter keeps fewer units than the link
		// was made for): show the last one.
		http.Redirect(w, r, p.Pager.Href(p.Pager.Page), http.StatusSeeOther)
		return
	}
	p.Shown = v.Units.Units
	p.SignalsOnly = q.Get("signals") == "1"
	needle := vi.Fold(f.Q)
	for _, row := range v.Signals {
		if !keeps(f, needle, row.ParentCode, row.Kind, row.UnitName, row.UnitCode) {
			continue
		}
		p.Signals = append(p.Signals, row)
	}
	p.SignalOf = map[string]*ops.SignalRow{}
	for i := range v.Signals {
		p.SignalOf[v.Signals[i].UnitCode] = &v.Signals[i]
	}
	p.SignalOptions = []ui.Option{{Value: "", Label: msgAllUnits, Selected: !p.SignalsOnly},
		{Value: "1", Label: msgWithSignals, Selected: p.SignalsOnly}}
	s.page(w, r, "period", per.Label+" — "+per.FormCode, "periods", p)
}

// handleMissingCSV answers every unit still owing a period's report, with
// its e-mails, as CSV (UTF-8 with a byte order mark, so Excel reads the
// accents).
func (s *Server) handleMissingCSV(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	id, err := pathID(r, "id", msgBadPeriod)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	per, owing, err := s.opts.Ops.PeriodOwing(r.Context(), u, s.now(), id)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	var b strings.Builder
	b.WriteString("\ufeff")
	cw := csv.NewWriter(&b)
	cw.Write([]string{"ma_don_vi", "ten_don_vi", "don_vi_cap_tren", "trang_thai", "han_nop", "email"}) //nolint:errcheck
	loc := s.opts.Ops.Location()
	for _, pu := range owing {
		cw.Write([]string{pu.UnitCode, pu.UnitName, pu.ParentName, pu.Status.Label(), vi.DateTime(pu.Deadline.In(loc)), //nolint:errcheck
			strings.Join(pu.Emails, "; ")})
	}
	cw.Flush()
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	name := fmt.Sprintf("Chưa nộp %s %s.csv", per.FormCode, per.Key)
	attachment(w, name, ops.ASCIIName(name))
	_, _ = w.Write([]byte(b.String()))
}

func statusOptions(selected string) []ui.Option {
	out := []ui.Option{{Value: "", Label: msgAllUnits, Selected: selected == ""}}
	for _, st := range reporting.Statuses {
		out = append(out, ui.Option{Value: string(st), Label: st.Label(), Selected: selected == string(st)})
	}
	return out
}

// options are the choices of a filter, by label in Vietnamese order.
func options(values map[string]string, selected string) []ui.Option {
	out := []ui.Option{{Value: "", Label: msgAllUnits, Selected: selected == ""}}
	for v, label := range values {
		if label == "" {
			label = v
		}
		out = append(out, ui.Option{Value: v, Label: label, Selected: v == selected})
	}
	slices.SortFunc(out[1:], func(a, b ui.Option) int { return vi.Compare(a.Label, b.Label) })
	return out
}

// periodAction reads a period action's form; false after answering.
func (s *Server) periodAction(w http.ResponseWriter, r *http.Request) (reporting.User, int64, bool) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return u, 0, false
	}
	id, err := pathID(r, "id", msgBadPeriod)
	if err == nil {
		r.Body = http.MaxBytesReader(w, r.Body, maxActionBody)
		if perr := r.ParseForm(); perr != nil {
			err = reporting.Errorf(reporting.EINVALID, msgBadForm)
		}
	}
	if err != nil {
		s.pageError(w, r, err)
		return u, 0, false
	}
	return u, id, true
}

// backToPeriod is the period page the action came from, with its filters.
func backToPeriod(r *http.Request, id int64) string {
	if b := localPath(r.PostForm.Get("back")); strings.HasPrefix(b, fmt.Sprintf("/periods/%d", id)) {
		return b
	}
	return fmt.Sprintf("/periods/%d", id)
}

// actionDone answers an action: back to the page with a message, or the
// error with its reason.
func (s *Server) actionDone(w http.ResponseWriter, r *http.Request, back string, err error, msg string) {
	if err != nil {
		// A refusal is the 403 page, not the page behind it with a
		// message: that page may be one the user may not see either.
		if code := reporting.ErrorCode(err); code == reporting.EINTERNAL || code == reporting.EFORBIDDEN {
			s.pageError(w, r, err)
			return
		}
		redirectFlash(w, r, back, ui.FlashError, reporting.ErrorMessage(err))
		return
	}
	redirectFlash(w, r, back, ui.FlashSuccess, msg)
}

// handlePeriodRemind reminds one unit (field unit) or every unit still
// owing, now.
func (s *Server) handlePeriodRemind(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.periodAction(w, r)
	if !ok {
		return
	}
	back := backToPeriod(r, id)
	if unit := strings.TrimSpace(r.PostForm.Get("unit")); unit != "" {
		stored, err := s.opts.Ops.RemindNow(r.Context(), u, s.now(), id, unit)
		msg := fmt.Sprintf(msgRemindedOne, unit)
		if err == nil && !stored {
			msg = fmt.Sprintf(msgRemindedToday, unit)
		}
		s.actionDone(w, r, back, err, msg)
		return
	}
	res, err := s.opts.Ops.RemindOwing(r.Context(), u, s.now(), id)
	s.actionDone(w, r, back, err, fmt.Sprintf(msgReminded, res.Enqueued))
}

// handlePeriodExempt exempts one unit with a reason.
func (s *Server) handlePeriodExempt(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.periodAction(w, r)
	if !ok {
		return
	}
	unit := strings.TrimSpace(r.PostForm.Get("unit"))
	err := s.opts.Ops.Exempt(r.Context(), u, s.now(), id, unit, r.PostForm.Get("reason"))
	s.actionDone(w, r, backToPeriod(r, id), err, fmt.Sprintf(msgExempted, unit))
}

// handlePeriodExtend extends the deadline of the listed units (field
// units, codes separated by spaces or commas) and/or a subtree, to the end
// of a day, with a reason.
func (s *Server) handlePeriodExtend(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.periodAction(w, r)
	if !ok {
		return
	}
	back := backToPeriod(r, id)
	loc := s.opts.Ops.Location()
	day, err := parseDayVN(r.PostForm.Get("deadline"), loc)
	if err != nil {
		s.actionDone(w, r, back, err, "")
		return
	}
	units := strings.FieldsFunc(r.PostForm.Get("units"), func(c rune) bool { return c == ',' || c == ';' || c == ' ' || c == '\n' || c == '\r' })
	res, err := s.opts.Ops.Extend(r.Context(), u, s.now(), ops.ExtendInput{PeriodID: id, UnitCodes: units,
		Subtree: strings.TrimSpace(r.PostForm.Get("subtree")), NewDeadline: reporting.EndOfDay(day, loc), Reason: r.PostForm.Get("reason")})
	s.actionDone(w, r, back, err, fmt.Sprintf(msgExtended, vi.Date(day), len(res.Units), res.Reopened))
}

// parseDayVN reads a day typed as 30/06/2026 or 2026-06-30.
func parseDayVN(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"02/01/2006", "2/1/2006", time.DateOnly} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, reporting.Errorf(reporting.EINVALID, msgBadDeadlineDay, s)
}

// handleMatrix shows a form's units × periods, coloured by status, paged,
// filtered by parent and kind; each cell links to the unit's period page.
func (s *Server) handleMatrix(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	code := r.PathValue("code")
	m, err := s.opts.Ops.RecentMatrix(r.Context(), u, s.now(), code, 8) // the latest eight periods fit a laptop
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	q := r.URL.Query()
	f := ui.PeriodFilter{Parent: q.Get("parent"), Kind: q.Get("kind"), Q: strings.TrimSpace(q.Get("q"))}
	parents, kinds := map[string]string{}, map[string]string{}
	needle := vi.Fold(f.Q)
	var rows []store.MatrixRow
	for _, row := range m.Rows {
		parents[row.ParentCode], kinds[string(row.Kind)] = row.ParentName, row.Kind.Label()
		if !keeps(f, needle, row.ParentCode, row.Kind, row.UnitName, row.UnitCode) {
			continue
		}
		rows = append(rows, row)
	}
	// The rows come in Vietnamese order already (store.FormMatrix).
	p := ui.MatrixPage{FormCode: code, Matrix: m, Filter: f, ParentOptions: options(parents, f.Parent), KindOptions: options(kinds, f.Kind)}
	page, _ := strconv.Atoi(q.Get("page"))
	p.Pager = ui.NewPager(r.URL, page, pageSize, len(rows))
	start := (p.Pager.Page - 1) * pageSize
	p.Rows = rows[min(start, len(rows)):min(start+pageSize, len(rows))]
	s.page(w, r, "matrix", "Bảng theo dõi "+code, "dashboard", p)
}

// keeps tells whether filter f (needle its search, folded) keeps a unit
// of kind under parent, named name, of code.
func keeps(f ui.PeriodFilter, needle, parent string, kind reporting.UnitKind, name, code string) bool {
	return (f.Parent == "" || parent == f.Parent) && (f.Kind == "" || string(kind) == f.Kind) &&
		(needle == "" || strings.Contains(vi.Fold(name), needle) || strings.Contains(strings.ToLower(code), needle))
}

// handleSubmissionPage shows one version: values beside labels, changes,
// warnings and, for a reviewer, the decision form.
func (s *Server) handleSubmissionPage(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	id, err := pathID(r, "id", msgBadSubmissionID)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	v, err := s.opts.Ops.SubmissionView(r.Context(), u, s.now(), id)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	p := ui.SubmissionPage{SubmissionView: v, ReviewURL: fmt.Sprintf("/submissions/%d/review", id), ExplainURL: fmt.Sprintf("/submissions/%d/signals", id),
		FileURL: fmt.Sprintf("/api/v1/submissions/%d/file", id), UnitHref: unitPeriodPath(v.Submission.UnitCode, v.Submission.PeriodID)}
	s.page(w, r, "submission", fmt.Sprintf("%s — lần gửi thứ %d", v.Obligation.UnitName, v.Submission.Version), "periods", p)
}

// submissionAction reads the form of an action on the submission the
// path names ({id}); false after answering.
func (s *Server) submissionAction(w http.ResponseWriter, r *http.Request) (reporting.User, int64, bool) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return u, 0, false
	}
	id, err := pathID(r, "id", msgBadSubmissionID)
	if err == nil {
		r.Body = http.MaxBytesReader(w, r.Body, maxActionBody)
		if perr := r.ParseForm(); perr != nil {
			err = reporting.Errorf(reporting.EINVALID, msgBadForm)
		}
	}
	if err != nil {
		s.pageError(w, r, err)
		return u, 0, false
	}
	return u, id, true
}

// handleSubmissionReview records a reviewer's decision from the form.
func (s *Server) handleSubmissionReview(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.submissionAction(w, r)
	if !ok {
		return
	}
	back := fmt.Sprintf("/submissions/%d", id)
	d, err := reporting.ParseDecision(r.PostForm.Get("decision"))
	if err != nil {
		s.actionDone(w, r, back, err, "")
		return
	}
	res, err := s.opts.Ops.Review(r.Context(), u, s.now(), ops.ReviewInput{SubmissionID: id, Decision: d, Reason: r.PostForm.Get("reason")})
	s.actionDone(w, r, back, err, fmt.Sprintf(msgReviewed, d.Label(), res.Submission.Version, res.Submission.UnitCode))
}

// handleSignalExplain records a reviewer's explanation of one of a
// submission's signals (fields key and note) from its page.
func (s *Server) handleSignalExplain(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.submissionAction(w, r)
	if !ok {
		return
	}
	sg, err := s.opts.Ops.ExplainSignal(r.Context(), u, s.now(), ops.ExplainInput{SubmissionID: id, Key: r.PostForm.Get("key"), Note: r.PostForm.Get("note")})
	s.actionDone(w, r, fmt.Sprintf("/submissions/%d", id), err, fmt.Sprintf(msgExplained, sg.Label))
}

// handleOutboxPage lists the e-mails queued, sent, failed and skipped.
func (s *Server) handleOutboxPage(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	status := q.Get("status")
	p := ui.OutboxPage{Status: status, Unit: strings.TrimSpace(q.Get("unit")), Period: strings.TrimSpace(q.Get("period")),
		From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to")), TestMail: u.Role == reporting.RoleAdmin}
	f := store.ReminderFilter{Status: store.ReminderStatus(status), UnitCode: p.Unit, Limit: 200}
	httpStatus := http.StatusOK
	if p.Period != "" {
		id, err := strconv.ParseInt(p.Period, 10, 64)
		if err != nil || id <= 0 {
			p.Error = fmt.Sprintf(msgOutboxBadPeriod, p.Period)
		}
		f.PeriodID = id
	}
	loc := s.opts.Ops.Location()
	for _, d := range []struct {
		text string
		into *time.Time
		next bool
	}{{p.From, &f.Since, false}, {p.To, &f.Before, true}} {
		if d.text == "" {
			continue
		}
		day, err := parseDayVN(d.text, loc)
		if err != nil {
			p.Error = fmt.Sprintf(msgOutboxBadDay, d.text)
			continue
		}
		if d.next {
			day = day.AddDate(0, 0, 1) // "to" includes its day
		}
		*d.into = day
	}
	if p.Error != "" {
		httpStatus = http.StatusUnprocessableEntity
	} else {
		rs, err := s.opts.Ops.Outbox(r.Context(), u, f)
		if err != nil {
			s.pageError(w, r, err)
			return
		}
		p.Reminders = rs
	}
	p.StatusOptions = []ui.Option{{Value: "", Label: msgAllUnits, Selected: status == ""}}
	for _, st := range []store.ReminderStatus{store.ReminderQueued, store.ReminderSending, store.ReminderSent, store.ReminderFailed, store.ReminderSkipped} {
		p.StatusOptions = append(p.StatusOptions, ui.Option{Value: string(st), Label: reminderStatusLabel(st), Selected: status == string(st)})
	}
	s.pageWithStatus(w, r, httpStatus, "outbox", "Thư nhắc và thông báo", "outbox", p)
}

const (
	msgOutboxBadPeriod = "Mã kỳ “%s” không hợp lệ: nhập số của kỳ (trong địa chỉ trang kỳ báo cáo, /periods/số)."
	msgOutboxBadDay    = "Ngày “%s” không đúng dạng ngày/tháng/năm (ví dụ 16/06/2026)."
)

// handleOutboxMessage shows one e-mail of the outbox with its text.
func (s *Server) handleOutboxMessage(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.signedInID(w, r)
	if !ok {
		return
	}
	m, err := s.opts.Ops.OutboxMessage(r.Context(), u, id)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.page(w, r, "outbox-message", fmt.Sprintf("Thư số %d", m.ID), "outbox", ui.OutboxMessagePage{Message: m,
		StatusLabel: reminderStatusLabel(m.Status), CanRetry: u.Role == reporting.RoleAdmin && m.Status == store.ReminderFailed})
}

// signedInID is the signed-in user and the object the path names ({id}:
// an outbox message, an evaluation round); false when the answer was
// given already.
func (s *Server) signedInID(w http.ResponseWriter, r *http.Request) (reporting.User, int64, bool) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return u, 0, false
	}
	id, ok := s.pathID(w, r)
	return u, id, ok
}

// handleOutboxRetry puts a failed e-mail back in the queue.
func (s *Server) handleOutboxRetry(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.signedInID(w, r)
	if !ok {
		return
	}
	err := s.opts.Ops.RetryReminder(r.Context(), u, s.now(), id)
	s.actionDone(w, r, fmt.Sprintf("/outbox/%d", id), err, msgRetryQueued)
}

// handleOutboxTest sends a test e-mail through the configured server and
// says what the server answered.
func (s *Server) handleOutboxTest(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.pageError(w, r, reporting.Errorf(reporting.EINVALID, "%s", msgBadForm))
		return
	}
	res, err := s.opts.Ops.SendTestMail(r.Context(), u, s.opts.Mailer, s.now(), r.PostForm.Get("to"))
	if err == nil && res.Err != nil {
		redirectFlash(w, r, "/outbox", ui.FlashError, fmt.Sprintf(msgTestMailFailed, res.To, res.Err))
		return
	}
	s.actionDone(w, r, "/outbox", err, fmt.Sprintf(msgTestMailSent, res.To))
}

func reminderStatusLabel(st store.ReminderStatus) string {
	switch st {
	case store.ReminderQueued:
		return "Đang chờ gửi"
	case store.ReminderSending:
		return "Đang gửi"
	case store.ReminderSent:
		return "Đã gửi"
	case store.ReminderFailed:
		return "Gửi không được"
	case store.ReminderSkipped:
		return "Không gửi nữa"
	}
	return string(st)
}
