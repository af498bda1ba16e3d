package ops

import (
	"context"
	"time"

	"baocao/reporting"
	"baocao/store"
)

const msgSystemAdminOnly = "Chỉ quản trị viên được dùng trang quản trị này."

// System is the database's and the scheduler's state for an
// administrator: migrations, the scheduler's leader and its jobs' last
// runs, sizes. leaderLock is the scheduler's advisory lock.
func (s *Service) System(ctx context.Context, u reporting.User, leaderLock int64) (store.SystemStatus, error) {
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin); err != nil {
		return store.SystemStatus{}, reporting.Errorf(reporting.EFORBIDDEN, msgSystemAdminOnly)
	}
	return s.st.SystemStatus(ctx, leaderLock)
}

// AdminPeriods is form formCode's periods, newest first, with each unit
// kind's deadlines, for an administrator.
func (s *Service) AdminPeriods(ctx context.Context, u reporting.User, formCode string) ([]store.PeriodRow, []store.KindDeadlines, error) {
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin); err != nil {
		return nil, nil, reporting.Errorf(reporting.EFORBIDDEN, msgSystemAdminOnly)
	}
	ps, err := s.st.Periods(ctx, store.PeriodFilter{FormCode: formCode})
	if err != nil {
		return nil, nil, err
	}
	ks, err := s.st.PeriodKindDeadlines(ctx, formCode)
	return ps, ks, err
}

// OpenDueNow opens, as administrator u's action at now, every period due
// (what the scheduler does each tick), and records it in the audit trail.
func (s *Service) OpenDueNow(ctx context.Context, u reporting.User, now time.Time) (store.OpenResult, error) {
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin); err != nil {
		return store.OpenResult{}, reporting.Errorf(reporting.EFORBIDDEN, msgSystemAdminOnly)
	}
	res, err := s.OpenDuePeriods(ctx, now)
	if err != nil {
		return res, err
	}
	return res, s.st.Audit(ctx, store.AuditEvent{At: now, Actor: u.Email, Action: "periods.open", ObjectType: "period", ObjectID: "due",
		Details: map[string]any{"periods": res.Periods, "obligations": res.Obligations}})
}
