package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"baocao/reporting"
	"baocao/store"
)

// Reminders sends reminders by hand. The scheduler implements it (web does
// not import scheduler); cmd wires the two.
type Reminders interface {
	// SendNow enqueues today's manual reminder to one unit; false when one
	// went out today already.
	SendNow(ctx context.Context, periodID int64, unit, actor string, now time.Time) (bool, error)
	// RemindMissing enqueues today's manual reminder to every unit that
	// still owes the period's report, and says how many were stored.
	RemindMissing(ctx context.Context, periodID int64, actor string, now time.Time) (int, error)
}

const msgNoReminders = "Chức năng gửi nhắc nhở chưa được bật trên máy chủ này."

type remindRequest struct {
	// Unit is one unit's code; empty reminds every unit still owing.
	Unit string `json:"unit"`
}

// handleRemind answers POST /api/v1/periods/{id}/reminders: an inspector
// or admin reminds one unit, or every unit still owing, now (once a day per
// unit at most). Delivery goes through the outbox.
func (s *Server) handleRemind(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireRole(w, r, reporting.RoleAdmin, reporting.RoleInspector); !ok {
		return
	}
	u, id, ok := s.userAndPeriod(w, r)
	if !ok {
		return
	}
	if s.opts.Reminders == nil {
		s.writeError(w, r, reporting.Errorf(reporting.ECONFLICT, msgNoReminders))
		return
	}
	var req remindRequest
	if err := readJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if unit := strings.TrimSpace(req.Unit); unit != "" {
		stored, err := s.opts.Reminders.SendNow(r.Context(), id, unit, u.Email, s.now())
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusAccepted, map[string]any{"enqueued": boolInt(stored), "already_sent_today": !stored})
		return
	}
	n, err := s.opts.Reminders.RemindMissing(r.Context(), id, u.Email, s.now())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"enqueued": n})
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
	if _, ok := s.requireRole(w, r, reporting.RoleAdmin, reporting.RoleInspector); !ok {
		return
	}
	q := r.URL.Query()
	f := store.ReminderFilter{Status: store.ReminderStatus(q.Get("status")), UnitCode: q.Get("unit")}
	f.PeriodID, _ = strconv.ParseInt(q.Get("period"), 10, 64)
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	rs, err := s.opts.Store.Reminders(r.Context(), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"reminders": rs})
}
