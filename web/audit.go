package web

import (
	"net/http"
	"time"

	"baocao/store"
)

// handleAudit answers GET /api/v1/audit?actor=&action=&object_type=&object_id=&since=&until=&limit=
// for administrators: the audit trail, newest first. action may be a
// prefix ending in "." ("obligation."); since and until are moments as
// ?at= takes them.
func (s *Server) handleAudit(w http.ResponseWriter, r *http.Request) {
	u, ok := s.requireUser(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	f := store.AuditFilter{Actor: q.Get("actor"), Action: q.Get("action"), ObjectType: q.Get("object_type"), ObjectID: q.Get("object_id")}
	if f.Since, ok = s.momentParam(w, r, "since", time.Time{}); !ok {
		return
	}
	if f.Until, ok = s.momentParam(w, r, "until", time.Time{}); !ok {
		return
	}
	var err error
	if f.Limit, err = intParam[int](q, "limit"); err != nil {
		s.writeError(w, r, err)
		return
	}
	events, err := s.opts.Ops.AuditTrail(r.Context(), u, f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": events})
}
