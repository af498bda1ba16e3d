package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"baocao/reporting"
	"baocao/store"
)

type remindRequest struct {
	// Unit is one unit's code; empty reminds every unit still owing.
	Unit string `json:"unit"`
}

// handleRemind answers POST /api/v1/periods/{id}/reminders: an inspector
// or admin reminds one unit, or every unit still owing, now (once a day per
// unit at most). Delivery goes through the outbox.
func (s *Server) handleRemind(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndPeriod(w, r)
	if !ok {
		return
	}
	var req remindRequest
	if err := readJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if unit := strings.TrimSpace(req.Unit); unit != "" {
		stored, err := s.opts.Ops.RemindNow(r.Context(), u, s.now(), id, unit)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusAccepted, map[string]any{"enqueued": boolInt(stored), "already_sent_today": !stored})
		return
	}
	res, err := s.opts.Ops.RemindOwing(r.Context(), u, s.now(), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"enqueued": res.Enqueued})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// handleOutbox answers GET /api/v1/outbox?status=&period=&unit=&limit=
// for inspectors and admins: the e-mails queued, sent and failed.
func (s *Server) handleOutbox(w http.ResponseWriter, r *http.Request) {
	u, ok := s.requireUser(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	f := store.ReminderFilter{Status: store.ReminderStatus(q.Get("status")), UnitCode: q.Get("unit")}
	f.PeriodID, _ = strconv.ParseInt(q.Get("period"), 10, 64)
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	rs, err := s.opts.Ops.Outbox(r.Context(), u, f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"reminders": rs})
}

// handleAudit answers GET /api/v1/audit?actor=&action=&object_type=&object_id=&since=&until=&limit=
// for administrators: the audit trail, newest first. action may be a
// prefix ending in "." ("obligation."); since and until are RFC 3339.
func (s *Server) handleAudit(w http.ResponseWriter, r *http.Request) {
	u, ok := s.requireUser(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	f := store.AuditFilter{Actor: q.Get("actor"), Action: q.Get("action"), ObjectType: q.Get("object_type"), ObjectID: q.Get("object_id")}
	for name, dst := range map[string]*time.Time{"since": &f.Since, "until": &f.Until} {
		if v := q.Get(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				s.writeError(w, r, reporting.Errorf(reporting.EINVALID, msgBadAt, v))
				return
			}
			*dst = t
		}
	}
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	events, err := s.opts.Ops.AuditTrail(r.Context(), u, f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": events})
}

// handleObligationHistory answers GET /api/v1/periods/{id}/units/{unit}/history:
// what happened to one unit's obligation for a period, in order, for a
// user who may see the unit.
func (s *Server) handleObligationHistory(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndPeriod(w, r)
	if !ok {
		return
	}
	o, events, err := s.opts.Ops.ObligationHistory(r.Context(), u, id, r.PathValue("unit"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	st, _ := reporting.StatusAt(events, s.now())
	writeJSON(w, http.StatusOK, map[string]any{"period_id": id, "unit": o.UnitCode, "status": st, "status_label": st.Label(),
		"deadline": o.Facts.Deadline, "events": events})
}
