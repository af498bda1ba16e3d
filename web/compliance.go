package web

import (
	"net/http"
	"strings"
	"time"

	"baocao/reporting"
	"baocao/store"
)

// The compliance API: a period's counts and rates, a unit's history and a
// form's units × periods matrix. Every signed-in user may ask; each sees
// what reporting.ScopeOf gives its role (inspectors and admins everything, a
// supervisor its subtree, a clerk its unit). ?at= asks about another
// moment than now (see store's note on status at a moment), as the CLI's
// --at does.

// Messages a user sees from the compliance, review, exemption and
// extension handlers, in one place for review.
const (
	msgBadAt       = "Thời điểm %q không hợp lệ: dùng dạng 2026-06-30, \"2026-06-30 17:00\" hoặc 2026-06-30T17:00:00+07:00."
	msgBadDay      = "Ngày %q không hợp lệ: dùng dạng 2026-06-30."
	msgBadDeadline = "Hạn nộp mới %q không hợp lệ: dùng dạng 2026-06-30T23:59:59+07:00."
	msgBadJSON     = "Không đọc được nội dung yêu cầu (JSON)."
	msgNoUnit      = "Xin chọn đơn vị (trường \"unit\")."
)

// userAndPeriod is the signed-in user and the {id} path value as a period
// id, or false after answering the error.
func (s *Server) userAndPeriod(w http.ResponseWriter, r *http.Request) (reporting.User, int64, bool) {
	u, ok := s.requireUser(w, r)
	if !ok {
		return u, 0, false
	}
	id, ok := s.periodParam(w, r, "id")
	return u, id, ok
}

// periodParam is path value name as a period: its id (17) or its key
// (2026-H1), with ?form= when several forms have the key; or false after
// answering the error (an ambiguous key is 422, naming the forms).
func (s *Server) periodParam(w http.ResponseWriter, r *http.Request, name string) (int64, bool) {
	id, err := s.opts.Ops.FindPeriod(r.Context(), r.URL.Query().Get("form"), r.PathValue(name))
	if err != nil {
		s.writeError(w, r, err)
		return 0, false
	}
	return id, true
}

// atParam is ?at=, or now.
func (s *Server) atParam(w http.ResponseWriter, r *http.Request) (time.Time, bool) {
	return s.momentParam(w, r, "at", s.now())
}

// momentParam is query parameter name as a moment, as the CLI's --at
// takes it (reporting.ParseMoment, in the service's time zone), or def
// when absent; or false after answering 422.
func (s *Server) momentParam(w http.ResponseWriter, r *http.Request, name string, def time.Time) (time.Time, bool) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, true
	}
	t, err := reporting.ParseMoment(v, s.opts.Ops.Location())
	if err != nil {
		s.writeError(w, r, reporting.Errorf(reporting.EINVALID, msgBadAt, v))
		return time.Time{}, false
	}
	return t, true
}

// dayParam is the civil date in query parameter name, or the zero time.
func (s *Server) dayParam(w http.ResponseWriter, r *http.Request, name string) (time.Time, bool) {
	v := strings.TrimSpace(r.URL.Query().Get(name))
	if v == "" {
		return time.Time{}, true
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		s.writeError(w, r, reporting.Errorf(reporting.EINVALID, msgBadDay, v))
		return time.Time{}, false
	}
	return t, true
}

// periodJSON is the period a compliance answer is about.
type periodJSON struct {
	ID       int64     `json:"id"`
	FormCode string    `json:"form_code"`
	Key      string    `json:"key"`
	Label    string    `json:"label"`
	DataFrom time.Time `json:"data_from"`
	DataTo   time.Time `json:"data_to"`
	Deadline time.Time `json:"deadline"`
	LocksAt  time.Time `json:"locks_at"`
}

// statusLabels names every status in Vietnamese, for clients to show.
func statusLabels() map[reporting.Status]string {
	out := make(map[reporting.Status]string, len(reporting.Statuses))
	for _, st := range reporting.Statuses {
		out[st] = st.Label()
	}
	return out
}

// handlePeriodCompliance answers GET /api/v1/periods/{id}/compliance:
// counts and rates for the province, per parent unit and per unit kind.
func (s *Server) handlePeriodCompliance(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndPeriod(w, r)
	if !ok {
		return
	}
	at, ok := s.atParam(w, r)
	if !ok {
		return
	}
	c, err := s.opts.Ops.Compliance(r.Context(), u, at, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	p := c.Period
	writeJSON(w, http.StatusOK, map[string]any{
		"period": periodJSON{ID: p.ID, FormCode: p.FormCode, Key: p.Key, Label: p.Label, DataFrom: p.DataFrom, DataTo: p.DataTo,
			Deadline: p.Deadline, LocksAt: p.LocksAt},
		"at": c.At, "total": c.Total, "by_parent": c.ByParent, "by_kind": c.ByKind, "status_labels": statusLabels(),
	})
}

// handleUnitHistory answers GET /api/v1/units/{code}/history: the unit's
// obligations over every form and period. A user who may see none of
// them gets 403, not an empty list.
func (s *Server) handleUnitHistory(w http.ResponseWriter, r *http.Request) {
	u, ok := s.requireUser(w, r)
	if !ok {
		return
	}
	at, ok := s.atParam(w, r)
	if !ok {
		return
	}
	code := r.PathValue("code")
	rows, err := s.opts.Ops.UnitObligations(r.Context(), u, at, code)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"unit": code, "at": at, "history": rows})
}

// handleFormMatrix answers GET /api/v1/forms/{code}/matrix?from=&to=: the
// status of every unit in every period whose data window ends between the
// two days (YYYY-MM-DD, both optional).
func (s *Server) handleFormMatrix(w http.ResponseWriter, r *http.Request) {
	u, ok := s.requireUser(w, r)
	if !ok {
		return
	}
	at, ok := s.atParam(w, r)
	if !ok {
		return
	}
	from, ok := s.dayParam(w, r, "from")
	if !ok {
		return
	}
	to, ok := s.dayParam(w, r, "to")
	if !ok {
		return
	}
	m, err := s.opts.Ops.Matrix(r.Context(), u, at, r.PathValue("code"), from, to)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		store.Matrix
		StatusLabels map[reporting.Status]string `json:"status_labels"`
	}{m, statusLabels()})
}
