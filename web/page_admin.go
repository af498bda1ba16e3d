package web

// The administrator's pages: forms and their versions, and the audit
// trail. Each asks ops, which refuses anyone but an administrator.

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
	"baocao/templates"
	"baocao/vi"
	"baocao/web/ui"
)

const (
	msgFormStored    = "Đã nạp biểu mẫu %s phiên bản %d. Các kỳ mở từ nay dùng phiên bản này; các kỳ đã mở giữ phiên bản cũ."
	msgFormUnchanged = "Biểu mẫu %s phiên bản %d đã đúng nội dung này; không có gì thay đổi."
	msgFormProblems  = "Tệp có %d lỗi; chưa nạp gì. Xin sửa rồi kiểm tra lại."
	msgFormChecked   = "Tệp hợp lệ. Xem các thay đổi bên dưới rồi bấm “Nạp phiên bản mới”."
	msgBadVersion    = "Không có phiên bản %s của biểu mẫu %s."
	msgAdminOnly     = "Trang này chỉ dành cho quản trị viên."
)

// signedInAdmin is the signed-in administrator; anyone else gets the
// 403 page (or sign-in), and false.
func (s *Server) signedInAdmin(w http.ResponseWriter, r *http.Request) (reporting.User, bool) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return u, false
	}
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin); err != nil {
		s.pageError(w, r, reporting.Errorf(reporting.EFORBIDDEN, msgAdminOnly))
		return u, false
	}
	return u, true
}

// readFormUpload reads a page form's multipart body (readUpload) for a
// file an administrator sends; a body it refuses is the error page, and
// false. The caller closes the upload.
func (s *Server) readFormUpload(w http.ResponseWriter, r *http.Request) (upload, bool) {
	return s.readPageForm(w, r, true)
}

// readPageForm is readFormUpload, the file optional without fileRequired.
func (s *Server) readPageForm(w http.ResponseWriter, r *http.Request, fileRequired bool) (upload, bool) {
	up, refused, err := s.readMultipart(w, r, fileRequired)
	switch {
	case err != nil:
		s.pageError(w, r, err)
		return upload{}, false
	case refused != nil:
		up.close()
		s.pageError(w, r, reporting.Errorf(reporting.EINVALID, "%s", refused.problem.Message))
		return upload{}, false
	}
	return up, true
}

// pathID is the positive number the route's {id} holds; the 404 page and
// false when it holds none.
func (s *Server) pathID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.pageError(w, r, reporting.Errorf(reporting.ENOTFOUND, msgPageNotFound, r.URL.Path))
		return 0, false
	}
	return id, true
}

// handleAdminForms lists every form with its current version, and the
// form to check or load a definition file.
func (s *Server) handleAdminForms(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	p, err := s.formsAdminPage(r, u)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.page(w, r, "admin-forms", "Biểu mẫu", "admin-forms", p)
}

func (s *Server) formsAdminPage(r *http.Request, u reporting.User) (ui.FormsAdminPage, error) {
	forms, err := s.opts.Ops.Forms(r.Context(), u)
	if err != nil {
		return ui.FormsAdminPage{}, err
	}
	var p ui.FormsAdminPage
	for _, f := range forms {
		cur := f.Current.Form
		p.Forms = append(p.Forms, ui.FormRow{Code: cur.Code, Title: cur.Title, Version: cur.Version, Versions: f.Versions,
			LoadedAt: f.Current.LoadedAt, Kinds: kindLabels(cur.UnitKinds), Schedules: scheduleWords(cur), Href: "/admin/forms/" + url.PathEscape(cur.Code)})
	}
	return p, nil
}

// handleAdminFormsLoad checks (action=check) or loads (action=apply) a
// form definition file sent from the forms page, and shows the page with
// every mistake, or the file's difference from the current version.
func (s *Server) handleAdminFormsLoad(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedInAdmin(w, r)
	if !ok {
		return
	}
	up, ok := s.readFormUpload(w, r)
	if !ok {
		return
	}
	defer up.close()
	var src []byte
	if up.file != nil {
		var err error
		if src, err = io.ReadAll(io.LimitReader(up.body(), ops.MaxFormYAML+1)); err != nil {
			s.pageError(w, r, fmt.Errorf("read form definition: %w", err))
			return
		}
	}
	apply := up.fields.Get("action") == "apply"
	res, err := s.opts.Ops.LoadFormYAML(r.Context(), u, s.now(), up.name, src, apply)
	if err != nil && reporting.ErrorCode(err) != reporting.EINVALID {
		s.pageError(w, r, err)
		return
	}
	p, perr := s.formsAdminPage(r, u)
	if perr != nil {
		s.pageError(w, r, perr)
		return
	}
	load := &ui.FormLoadView{FileName: ops.CleanFileName(up.name), Problems: res.Problems}
	status, flash := http.StatusOK, ui.Flash{Kind: ui.FlashInfo, Message: msgFormChecked}
	switch {
	case err != nil:
		status, flash = http.StatusUnprocessableEntity, ui.Flash{Kind: ui.FlashError, Message: reporting.ErrorMessage(err)}
	case len(res.Problems) > 0:
		status, flash = http.StatusUnprocessableEntity, ui.Flash{Kind: ui.FlashError, Message: fmt.Sprintf(msgFormProblems, len(res.Problems))}
	default:
		spec := formSpec(res.Form)
		load.Spec = &spec
		from := 0
		if res.Current != nil {
			from = res.Current.Version
		}
		d := diffView(res.Diff, from, 0)
		load.Diff = &d
		if res.Stored != nil {
			msg := fmt.Sprintf(msgFormStored, res.Stored.Code, res.Stored.Version)
			if res.Stored.Status == store.FormUnchanged {
				msg = fmt.Sprintf(msgFormUnchanged, res.Stored.Code, res.Stored.Version)
			}
			load.Stored, flash = msg, ui.Flash{Kind: ui.FlashSuccess, Message: msg}
		}
	}
	p.Load = load
	a := authFrom(r.Context())
	s.renderPage(w, r, "admin-forms", ui.Page{Title: "Biểu mẫu", Nav: "admin-forms", User: &u, CSRF: csrfToken(a.token),
		Status: status, Flash: []ui.Flash{flash}, Content: p})
}

// handleAdminForm shows one form: its versions, one of them (?v=, the
// latest by default) as its templates show it, and the difference between
// two (?from=&to=, the previous and the latest by default).
func (s *Server) handleAdminForm(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	code := r.PathValue("code")
	h, err := s.opts.Ops.FormHistory(r.Context(), u, code)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	q := r.URL.Query()
	byVersion := func(param string, def int) (store.FormVersionInfo, error) {
		v := def
		if raw := q.Get(param); raw != "" {
			n, err := strconv.Atoi(raw)
			if err != nil {
				return store.FormVersionInfo{}, reporting.Errorf(reporting.ENOTFOUND, msgBadVersion, raw, code)
			}
			v = n
		}
		i := slices.IndexFunc(h, func(x store.FormVersionInfo) bool { return x.Form.Version == v })
		if i < 0 {
			return store.FormVersionInfo{}, reporting.Errorf(reporting.ENOTFOUND, msgBadVersion, strconv.Itoa(v), code)
		}
		return h[i], nil
	}
	latest := h[0].Form.Version
	shown, err := byVersion("v", latest)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	p := ui.FormPage{Code: code, Title: h[0].Form.Title, Shown: formSpec(shown.Form)}
	base := "/admin/forms/" + url.PathEscape(code)
	for _, v := range h {
		p.Versions = append(p.Versions, ui.VersionRow{Version: v.Form.Version, LoadedAt: v.LoadedAt, Periods: v.Periods, Checksum: v.Checksum[:min(12, len(v.Checksum))],
			Href: base + "?v=" + strconv.Itoa(v.Form.Version), SourceURL: fmt.Sprintf("%s/versions/%d.yaml", base, v.Form.Version)})
		label := "Phiên bản " + strconv.Itoa(v.Form.Version)
		p.VersionOptions = append(p.VersionOptions, ui.Option{Value: strconv.Itoa(v.Form.Version), Label: label, Selected: v.Form.Version == shown.Form.Version})
	}
	if len(h) > 1 {
		to, err := byVersion("to", latest)
		if err == nil {
			var from store.FormVersionInfo
			if from, err = byVersion("from", h[1].Form.Version); err == nil {
				d := diffView(reporting.DiffForms(from.Form, to.Form), from.Form.Version, to.Form.Version)
				p.Diff = &d
				for _, v := range h {
					n := strconv.Itoa(v.Form.Version)
					p.FromOptions = append(p.FromOptions, ui.Option{Value: n, Label: "Phiên bản " + n, Selected: v.Form.Version == from.Form.Version})
					p.ToOptions = append(p.ToOptions, ui.Option{Value: n, Label: "Phiên bản " + n, Selected: v.Form.Version == to.Form.Version})
				}
			}
		}
		if err != nil {
			s.pageError(w, r, err)
			return
		}
	}
	s.page(w, r, "admin-form", code+" — "+p.Title, "admin-forms", p)
}

// handleAdminFormSource answers a version's YAML as it was loaded.
func (s *Server) handleAdminFormSource(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	code, file := r.PathValue("code"), r.PathValue("file")
	h, err := s.opts.Ops.FormHistory(r.Context(), u, code)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	v, err := strconv.Atoi(strings.TrimSuffix(file, ".yaml"))
	i := slices.IndexFunc(h, func(x store.FormVersionInfo) bool { return x.Form.Version == v })
	if err != nil || i < 0 || !strings.HasSuffix(file, ".yaml") {
		s.pageError(w, r, reporting.Errorf(reporting.ENOTFOUND, msgBadVersion, file, code))
		return
	}
	w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	name := fmt.Sprintf("%s-v%d.yaml", strings.ToLower(code), v)
	attachment(w, name, name)
	_, _ = w.Write([]byte(h[i].Source))
}

// formSpec is form f in words, each field as its template cell describes it.
func formSpec(f reporting.Form) ui.FormSpec {
	spec := ui.FormSpec{Version: f.Version, Code: f.Code, Title: f.Title, Kinds: kindLabels(f.UnitKinds), Schedules: scheduleWords(f)}
	for _, sec := range f.Sections {
		ss := ui.SectionSpec{Title: sec.Title}
		for _, fl := range sec.Fields {
			ss.Fields = append(ss.Fields, fieldSpec(fl))
		}
		spec.Sections = append(spec.Sections, ss)
	}
	for _, rl := range f.Rules {
		spec.Rules = append(spec.Rules, ruleSpec(rl))
	}
	return spec
}

func fieldSpec(fl reporting.Field) ui.FieldSpec {
	return ui.FieldSpec{Code: fl.Code, Label: fl.Label, Hint: templates.FieldHint(fl), Aggregate: aggregateWords[fl.Aggregate]}
}

func ruleSpec(r reporting.Rule) ui.RuleSpec {
	return ui.RuleSpec{Message: r.Message, Expr: r.Expr, Blocking: r.Severity != reporting.SeverityWarning}
}

// aggregateWords says how a field adds up over units in a consolidated
// report.
var aggregateWords = map[reporting.Aggregate]string{
	reporting.AggSum:   "cộng tổng",
	reporting.AggAvg:   "bình quân",
	reporting.AggMin:   "nhỏ nhất",
	reporting.AggMax:   "lớn nhất",
	reporting.AggCount: "đếm số đơn vị",
	reporting.AggNone:  "không tổng hợp",
}

func diffView(d reporting.FormDiff, from, to int) ui.DiffView {
	v := ui.DiffView{From: from, To: to, Empty: d.Empty(), Changed: d.Changed, Settings: d.Settings}
	for _, f := range d.Added {
		v.Added = append(v.Added, fieldSpec(f))
	}
	for _, f := range d.Removed {
		v.Removed = append(v.Removed, fieldSpec(f))
	}
	for _, r := range d.RulesAdded {
		v.RulesAdded = append(v.RulesAdded, ruleSpec(r))
	}
	for _, r := range d.RulesRemoved {
		v.RulesRemoved = append(v.RulesRemoved, ruleSpec(r))
	}
	return v
}

func kindLabels(kinds []reporting.UnitKind) []string {
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = k.Label()
	}
	return out
}

// periodicityWords names a schedule's periodicity in Vietnamese.
var periodicityWords = map[reporting.Periodicity]string{
	reporting.Monthly:    "hằng tháng",
	reporting.Quarterly:  "hằng quý",
	reporting.HalfYear:   "6 tháng",
	reporting.NineMonths: "9 tháng",
	reporting.Annual:     "hằng năm",
	reporting.AdHoc:      "đột xuất",
}

// scheduleWords describes each schedule of f: periodicity, first day,
// deadline, and the deadlines that differ by unit kind.
func scheduleWords(f reporting.Form) []string {
	var out []string
	for _, sc := range f.Schedules {
		s := periodicityWords[sc.Periodicity]
		if s == "" {
			s = string(sc.Periodicity)
		}
		if sc.Since != "" {
			s += ", từ " + sinceWords(sc.Since)
		}
		s += "; hạn nộp " + deadlineWords(sc.Deadline)
		for _, k := range slices.Sorted(maps.Keys(sc.DeadlineByKind)) {
			s += "; " + k.Label() + ": " + deadlineWords(sc.DeadlineByKind[k])
		}
		out = append(out, s)
	}
	return out
}

func sinceWords(day string) string {
	if t, err := reporting.ParseUnitDate(day); err == nil {
		return vi.Date(t)
	}
	return day
}

func deadlineWords(d reporting.DeadlineRule) string {
	switch {
	case d.FixedDay > 0 && d.MonthOffset > 0:
		return fmt.Sprintf("ngày %d, %d tháng sau tháng chốt số liệu (ngày nghỉ thì lùi sang ngày làm việc kế tiếp)", d.FixedDay, d.MonthOffset)
	case d.FixedDay > 0:
		return fmt.Sprintf("ngày %d của tháng chốt số liệu (ngày nghỉ thì lùi sang ngày làm việc kế tiếp)", d.FixedDay)
	case d.AfterCutoffWorkingDays > 0:
		return fmt.Sprintf("%d ngày làm việc sau ngày chốt số liệu", d.AfterCutoffWorkingDays)
	}
	return "ngày chốt số liệu"
}

// auditPageLimit is how many events the audit page shows; the CSV has up
// to auditCSVLimit.
const (
	auditPageLimit = 200
	auditCSVLimit  = 100_000
)

// actionLabels names the audited actions in Vietnamese.
var actionLabels = map[string]string{
	"auth.login":          "Đăng nhập",
	"auth.login_failed":   "Đăng nhập sai",
	"auth.logout":         "Đăng xuất",
	"calendar.change":     "Sửa lịch ngày nghỉ",
	"calendar.shipped":    "Nạp lịch chính thức",
	"audit.purge":         "Xóa nhật ký quá hạn lưu",
	"outbox.retry":        "Gửi lại thư",
	"outbox.test":         "Gửi thư thử",
	"periods.open":        "Mở kỳ báo cáo",
	"forms.load":          "Nạp biểu mẫu",
	"obligation.exempt":   "Miễn báo cáo",
	"obligation.unexempt": "Bỏ miễn báo cáo",
	"obligation.extend":   "Gia hạn",
	"period.reconcile":    "Cập nhật đơn vị phải báo cáo",
	"reminder.manual":     "Nhắc thủ công",
	"submission.review":   "Duyệt báo cáo",
	"submission.upload":   "Nộp báo cáo",
	"units.import":        "Nhập danh sách đơn vị",
	"user.create":         "Tạo người dùng",
	"user.password":       "Đổi mật khẩu",
	"user.token":          "Cấp khóa API",
	"user.token_revoke":   "Thu hồi khóa API",
	"user.invite":         "Mời người dùng",
	"user.reset_password": "Gửi liên kết đặt lại mật khẩu",
	"user.password_set":   "Đặt mật khẩu qua liên kết",
	"user.active":         "Khóa, mở khóa tài khoản",
	"user.update":         "Sửa người dùng",
	"user.unlock":         "Gỡ chặn đăng nhập",
}

// auditFilter reads the audit page's filter from the query; dates are
// days (dd/mm/yyyy), Until inclusive.
func (s *Server) auditFilter(r *http.Request) (ui.AuditFilter, store.AuditFilter, error) {
	q := r.URL.Query()
	typed := ui.AuditFilter{Actor: strings.TrimSpace(q.Get("actor")), Action: q.Get("action"), ObjectType: strings.TrimSpace(q.Get("object_type")),
		ObjectID: strings.TrimSpace(q.Get("object_id")), Since: strings.TrimSpace(q.Get("since")), Until: strings.TrimSpace(q.Get("until"))}
	f := store.AuditFilter{Actor: strings.ToLower(typed.Actor), Action: typed.Action, ObjectType: typed.ObjectType, ObjectID: typed.ObjectID}
	loc := s.opts.Ops.Location()
	if typed.Since != "" {
		d, err := parseDayVN(typed.Since, loc)
		if err != nil {
			return typed, f, err
		}
		f.Since = d
	}
	if typed.Until != "" {
		d, err := parseDayVN(typed.Until, loc)
		if err != nil {
			return typed, f, err
		}
		f.Until = d.AddDate(0, 0, 1)
	}
	return typed, f, nil
}

// handleAdminAudit shows the audit trail: who did what to which object
// when, filtered by actor, action, object and days.
func (s *Server) handleAdminAudit(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	typed, f, ferr := s.auditFilter(r)
	p := ui.AuditPage{Filter: typed, Limit: auditPageLimit, CSVHref: "/admin/audit.csv"}
	p.ActionOptions = []ui.Option{{Value: "", Label: "Tất cả", Selected: typed.Action == ""}}
	for _, a := range slices.Sorted(maps.Keys(actionLabels)) {
		p.ActionOptions = append(p.ActionOptions, ui.Option{Value: a, Label: actionLabels[a], Selected: typed.Action == a})
	}
	if r.URL.RawQuery != "" {
		p.CSVHref += "?" + r.URL.RawQuery
	}
	status := http.StatusOK
	if ferr != nil {
		// Show the page with the error rather than an empty trail.
		p.Error, status = reporting.ErrorMessage(ferr), http.StatusUnprocessableEntity
		f = store.AuditFilter{}
	}
	f.Limit = auditPageLimit + 1
	events, err := s.opts.Ops.AuditTrail(r.Context(), u, f)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	if len(events) > auditPageLimit {
		events, p.More = events[:auditPageLimit], true
	}
	for _, e := range events {
		p.Events = append(p.Events, auditRow(e))
	}
	a := authFrom(r.Context())
	s.renderPage(w, r, "admin-audit", ui.Page{Title: "Nhật ký thao tác", Nav: "admin-audit", User: &u, CSRF: csrfToken(a.token), Status: status, Content: p})
}

// handleAdminAuditCSV answers the filtered audit trail as CSV (UTF-8 with
// a byte order mark, for Excel).
func (s *Server) handleAdminAuditCSV(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	_, f, err := s.auditFilter(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	f.Limit = auditCSVLimit
	events, err := s.opts.Ops.AuditTrail(r.Context(), u, f)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	var b strings.Builder
	b.WriteString("\ufeff")
	cw := csv.NewWriter(&b)
	cw.Write([]string{"thoi_gian", "nguoi_thuc_hien", "thao_tac", "ma_thao_tac", "doi_tuong", "ma_doi_tuong", "chi_tiet"}) //nolint:errcheck
	loc := s.opts.Ops.Location()
	for _, e := range events {
		row := auditRow(e)
		cw.Write([]string{row.At.In(loc).Format("02/01/2006 15:04:05"), row.Actor, row.ActionLabel, row.Action, row.ObjectType, row.ObjectID, row.Details}) //nolint:errcheck
	}
	cw.Flush()
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	name := "Nhật ký thao tác " + s.now().In(loc).Format("2006-01-02") + ".csv"
	attachment(w, name, ops.ASCIIName(name))
	_, _ = w.Write([]byte(b.String()))
}

func auditRow(e store.AuditEvent) ui.AuditRow {
	row := ui.AuditRow{At: e.At, Actor: e.Actor, Action: e.Action, ActionLabel: actionLabels[e.Action], ObjectType: e.ObjectType, ObjectID: e.ObjectID}
	if row.ActionLabel == "" {
		row.ActionLabel = e.Action
	}
	if d, err := json.Marshal(e.Details); err == nil && string(d) != "{}" && string(d) != "null" {
		row.Details = string(d)
	}
	return row
}

// handleAdminSystem shows the build, the schema's migrations, the
// scheduler's leader and each job's last run, the database's size and the
// settings in force (secrets masked).
func (s *Server) handleAdminSystem(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	st, err := s.opts.Ops.System(r.Context(), u, s.opts.LeaderLock)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	b := s.opts.Build
	p := ui.SystemPage{Version: b.Version, Revision: b.Revision, BuildTime: b.Time, Instance: store.Instance(), Status: st,
		DatabaseSize: byteWords(st.DatabaseBytes), Settings: s.opts.Settings}
	for _, m := range st.Migrations {
		if !m.Applied {
			p.Pending++
		}
	}
	for _, t := range st.Tables {
		p.Tables = append(p.Tables, ui.TableRow{Name: t.Name, Size: byteWords(t.Bytes), Rows: t.Rows})
	}
	s.page(w, r, "admin-system", "Hệ thống", "admin-system", p)
}

// byteWords writes a size the Vietnamese way: "9,1 MB", "512 KB".
func byteWords(n int64) string {
	units := []string{"B", "KB", "MB", "GB", "TB"}
	x, i := float64(n), 0
	for x >= 1024 && i < len(units)-1 {
		x, i = x/1024, i+1
	}
	places := 1
	if i == 0 || x >= 100 {
		places = 0
	}
	return vi.Float(x, places) + " " + units[i]
}

const msgPeriodsOpened = "Đã mở %d kỳ báo cáo mới với %d nghĩa vụ báo cáo."

// handleAdminPeriods lists a form's periods (?form=, the first form by
// default): window, each kind's deadlines and how many filed, lock date.
func (s *Server) handleAdminPeriods(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	forms, err := s.opts.Ops.Forms(r.Context(), u)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	code := r.URL.Query().Get("form")
	if code == "" && len(forms) > 0 {
		code = forms[0].Current.Form.Code
	}
	p := ui.AdminPeriodsPage{FormCode: code}
	for _, f := range forms {
		c := f.Current.Form.Code
		p.FormOptions = append(p.FormOptions, ui.Option{Value: c, Label: c + " — " + f.Current.Form.Title, Selected: c == code})
	}
	ps, kinds, err := s.opts.Ops.AdminPeriods(r.Context(), u, code)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	byPeriod := map[int64][]ui.KindDeadlineRow{}
	for _, k := range kinds {
		byPeriod[k.PeriodID] = append(byPeriod[k.PeriodID], ui.KindDeadlineRow{Kind: k.Kind.Label(), Units: k.Units, Filed: k.Filed,
			Earliest: k.Earliest, Latest: k.Latest, LaterDeadline: k.LaterDeadline})
	}
	for _, pr := range ps {
		p.Periods = append(p.Periods, ui.AdminPeriodRow{PeriodRow: pr, Href: fmt.Sprintf("/periods/%d", pr.ID), Kinds: byPeriod[pr.ID]})
	}
	s.page(w, r, "admin-periods", "Quản lý kỳ báo cáo", "admin-periods", p)
}

// handleAdminPeriodsOpen opens every period due now, as the scheduler
// would, and goes back to the periods page saying what it opened.
func (s *Server) handleAdminPeriodsOpen(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	res, err := s.opts.Ops.OpenDueNow(r.Context(), u, s.now())
	s.actionDone(w, r, "/admin/periods", err, fmt.Sprintf(msgPeriodsOpened, res.Periods, res.Obligations))
}

// Messages of the outbox's actions.
const (
	msgRetryQueued    = "Thư đã trở lại hàng chờ; lượt gửi kế tiếp (trong vòng một phút) sẽ gửi đi."
	msgTestMailSent   = "Máy chủ thư đã nhận thư thử gửi đến %s. Xin kiểm tra hộp thư đó."
	msgTestMailFailed = "Không gửi được thư thử đến %s: %v"
)
