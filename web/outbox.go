package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

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
	var err error
	if f.PeriodID, err = intParam[int64](q, "period"); err == nil {
		f.Limit, err = intParam[int](q, "limit")
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rs, err := s.opts.Ops.Outbox(r.Context(), u, f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"reminders": rs})
}

// intParam is query parameter name as a non-negative integer, 0 when
// absent, or an EINVALID error naming it.
func intParam[T int | int64](q url.Values, name string) (T, error) {
	v := q.Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, reporting.Errorf(reporting.EINVALID, msgBadNumber, name, v)
	}
	return T(n), nil
}

const msgBadNumber = "Tham số %s=%q không hợp lệ: cần một số nguyên không âm."
