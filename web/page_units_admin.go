package web

// The administrator's unit list import: every list previewed, then
// applied exactly as previewed.

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
	"baocao/templates"
	"baocao/vi"
	"baocao/web/ui"
)

const (
	msgUnitsApplied       = "Đã nhập danh sách: tạo %d, thay đổi %d, đóng %d đơn vị; %d kỳ đang mở được cập nhật."
	msgUnitsFileGone      = "Tệp đã xem trước không còn được giữ (quá 30 phút); xin chọn tệp và xem trước lại."
	msgUnitsUnreadable    = "Không đọc được danh sách đơn vị: %s"
	msgSuccessionBasis    = "Xin ghi căn cứ pháp lý của việc sáp nhập, chia tách."
	msgSuccessionRecorded = "Đã ghi nhận: đơn vị %s được kế thừa bởi đơn vị %s từ ngày %s."
)

// handleAdminUnits shows the import form.
func (s *Server) handleAdminUnits(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedInAdmin(w, r)
	if !ok {
		return
	}
	tree, status, err := s.unitTree(r, u)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.pageWithStatus(w, r, status, "admin-units", "Danh sách đơn vị", "admin-units", ui.UnitsImportPage{Tree: tree})
}

// maxUnitSearch bounds a search's results on the page.
const maxUnitSearch = 200

// unitTree is the tree of units on ?day= (today by default): the
// children of ?unit= (the roots by default) with the path to it, or the
// units whose code or name contains ?q= with or without accents.
func (s *Server) unitTree(r *http.Request, u reporting.User) (ui.UnitTreeView, int, error) {
	q := r.URL.Query()
	loc := s.opts.Ops.Location()
	t := ui.UnitTreeView{Day: strings.TrimSpace(q.Get("day")), Query: strings.TrimSpace(q.Get("q"))}
	day := reporting.Day(s.now().In(loc).Date())
	if t.Day != "" {
		d, err := parseDayVN(t.Day, loc)
		if err != nil {
			t.Error = fmt.Sprintf(msgOutboxBadDay, t.Day)
			return t, http.StatusUnprocessableEntity, nil
		}
		day = reporting.Day(d.Date())
	}
	t.Day = day.Format("02/01/2006")
	units, err := s.opts.Ops.UnitsOn(r.Context(), u, day)
	if err != nil {
		return t, 0, err
	}
	byCode := make(map[string]reporting.Unit, len(units))
	children := map[string][]reporting.Unit{}
	kinds := map[reporting.UnitKind]int{}
	for _, x := range units {
		byCode[x.Code] = x
		children[x.ParentCode] = append(children[x.ParentCode], x)
		kinds[x.Kind]++
	}
	t.Total = len(units)
	for _, k := range reporting.UnitKinds {
		if kinds[k] > 0 {
			t.Kinds = append(t.Kinds, ui.KindCount{Kind: k.Label(), Count: kinds[k]})
		}
	}
	row := func(x reporting.Unit) ui.UnitTreeRow {
		return ui.UnitTreeRow{Unit: x, Children: len(children[x.Code]), ParentName: byCode[x.ParentCode].Name}
	}
	if t.Query != "" {
		key := vi.Fold(t.Query)
		for _, x := range units {
			if strings.Contains(vi.Fold(x.Name), key) || strings.Contains(strings.ToLower(x.Code), strings.ToLower(t.Query)) {
				if len(t.Rows) == maxUnitSearch {
					t.More++
					continue
				}
				t.Rows = append(t.Rows, row(x))
			}
		}
		vi.SortStable(t.Rows, func(x ui.UnitTreeRow) []string { return []string{x.Name} })
		return t, http.StatusOK, nil
	}
	at := strings.TrimSpace(q.Get("unit"))
	if _, ok := byCode[at]; !ok {
		at = ""
	}
	for c := at; c != ""; c = byCode[c].ParentCode {
		t.Path = append([]reporting.Unit{byCode[c]}, t.Path...)
		if len(t.Path) > len(units) {
			break // a cycle in bad data
		}
	}
	if at != "" {
		t.Selected = byCode[at].Name
	}
	for _, x := range children[at] {
		t.Rows = append(t.Rows, row(x))
	}
	vi.SortStable(t.Rows, func(x ui.UnitTreeRow) []string { return []string{x.Name} })
	return t, http.StatusOK, nil
}

// unitImportOptions reads the form's effective day, full-list and reopen
// choices and legal basis.
func unitImportOptions(get func(string) string, actor string) (store.ImportOptions, ui.UnitsImportPage, error) {
	p := ui.UnitsImportPage{Effective: strings.TrimSpace(get("effective")), CloseMissing: get("close_missing") != "", Reopen: get("reopen") != "",
		Basis: strings.TrimSpace(get("basis"))}
	opts := store.ImportOptions{CloseMissing: p.CloseMissing, Reopen: p.Reopen, Actor: actor, SuccessionBasis: p.Basis}
	if p.Effective != "" {
		d, err := time.Parse(time.DateOnly, p.Effective)
		if err != nil {
			return opts, p, reporting.Errorf(reporting.EINVALID, msgCalendarBadDay, p.Effective)
		}
		opts.Effective = reporting.Day(d.Date())
	}
	return opts, p, nil
}

// handleAdminUnitsPreview reads a unit list and shows what it would do.
func (s *Server) handleAdminUnitsPreview(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedInAdmin(w, r)
	if !ok {
		return
	}
	up, ok := s.readFormUpload(w, r)
	if !ok {
		return
	}
	defer up.close()
	opts, p, err := unitImportOptions(up.fields.Get, u.Email)
	if err != nil {
		p.Error = reporting.ErrorMessage(err)
		s.pageWithStatus(w, r, http.StatusUnprocessableEntity, "admin-units", "Danh sách đơn vị", "admin-units", p)
		return
	}
	var data bytes.Buffer
	if _, err := data.ReadFrom(up.body()); err != nil {
		s.pageError(w, r, fmt.Errorf("read unit list: %w", err))
		return
	}
	rows, err := templates.ReadUnitList(bytes.NewReader(data.Bytes()), up.name)
	if err == nil {
		var pv ops.UnitImportPreview
		if pv, err = s.opts.Ops.PreviewUnitImport(r.Context(), u, s.now(), rows, opts); err == nil {
			key := s.annotated.put(u.ID, up.name, data.Bytes(), s.now())
			p.Preview = &ui.UnitsPreviewView{FileName: up.name, Preview: pv, Key: key, Fingerprint: pv.Fingerprint}
			s.page(w, r, "admin-units", "Danh sách đơn vị", "admin-units", p)
			return
		}
	}
	s.unitsRefused(w, r, p, err)
}

// unitsRefused shows why a list was refused: its rows' problems, or the
// reason; anything else is the error page.
func (s *Server) unitsRefused(w http.ResponseWriter, r *http.Request, p ui.UnitsImportPage, err error) {
	var ue *reporting.UnitImportError
	switch {
	case errors.As(err, &ue):
		p.Problems = ue.Problems
	case reporting.ErrorCode(err) == reporting.EINVALID || reporting.ErrorCode(err) == reporting.ECONFLICT:
		p.Error = fmt.Sprintf(msgUnitsUnreadable, reporting.ErrorMessage(err))
		if reporting.ErrorCode(err) == reporting.ECONFLICT {
			p.Error = reporting.ErrorMessage(err)
		}
	default:
		s.pageError(w, r, err)
		return
	}
	s.pageWithStatus(w, r, http.StatusUnprocessableEntity, "admin-units", "Danh sách đơn vị", "admin-units", p)
}

// handleAdminUnitsApply applies the list previewed (kept under key) if
// the units are still as they were then.
func (s *Server) handleAdminUnitsApply(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedInAdmin(w, r)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.pageError(w, r, reporting.Errorf(reporting.EINVALID, "%s", msgBadForm))
		return
	}
	opts, p, err := unitImportOptions(r.PostForm.Get, u.Email)
	if err != nil {
		s.unitsRefused(w, r, p, err)
		return
	}
	f, ok := s.annotated.get(u.ID, r.PostForm.Get("key"), s.now())
	if !ok {
		p.Error = msgUnitsFileGone
		s.pageWithStatus(w, r, http.StatusUnprocessableEntity, "admin-units", "Danh sách đơn vị", "admin-units", p)
		return
	}
	rows, err := templates.ReadUnitList(bytes.NewReader(f.data), f.name)
	if err != nil {
		s.unitsRefused(w, r, p, err)
		return
	}
	res, err := s.opts.Ops.ApplyUnitImport(r.Context(), u, s.now(), rows, opts, r.PostForm.Get("fingerprint"))
	if err != nil {
		s.unitsRefused(w, r, p, err)
		return
	}
	redirectFlash(w, r, "/admin/units", ui.FlashSuccess, fmt.Sprintf(msgUnitsApplied, res.Created, res.Versioned, res.Closed, res.Reconciled.Periods))
}

// handleAdminUnitsSuccession records that one unit continues as another
// from a day, on a legal basis.
func (s *Server) handleAdminUnitsSuccession(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.pageError(w, r, reporting.Errorf(reporting.EINVALID, "%s", msgBadForm))
		return
	}
	f := r.PostForm
	from, to, basis := strings.TrimSpace(f.Get("from")), strings.TrimSpace(f.Get("to")), strings.TrimSpace(f.Get("basis"))
	var err error
	day, perr := parseDayVN(f.Get("effective"), s.opts.Ops.Location())
	switch {
	case perr != nil:
		err = reporting.Errorf(reporting.EINVALID, msgOutboxBadDay, f.Get("effective"))
	case basis == "":
		err = reporting.Errorf(reporting.EINVALID, msgSuccessionBasis)
	default:
		err = s.opts.Ops.RecordSuccession(r.Context(), u, from, to, reporting.Day(day.Date()), basis, f.Get("cross_level") != "")
	}
	if reporting.ErrorCode(err) == reporting.ENOTFOUND {
		err = reporting.Errorf(reporting.EINVALID, "%s", reporting.ErrorMessage(err))
	}
	s.actionDone(w, r, "/admin/units", err, fmt.Sprintf(msgSuccessionRecorded, from, to, day.Format("02/01/2006")))
}
