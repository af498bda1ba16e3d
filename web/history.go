package web

import (
	"net/http"

	"baocao/reporting"
)

// handleObligationHistory answers GET /api/v1/periods/{id}/units/{unit}/history?at=:
// what happened to one unit's obligation for a period, in order, for a
// user who may see the unit, with its status at the moment asked about
// (default now).
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
	at, ok := s.atParam(w, r)
	if !ok {
		return
	}
	st, _ := reporting.StatusAt(events, at)
	writeJSON(w, http.StatusOK, map[string]any{"period_id": id, "unit": o.UnitCode, "status": st, "status_label": st.Label(),
		"at": at, "deadline": reporting.FactsAt(events, at).Deadline, "events": events})
}
