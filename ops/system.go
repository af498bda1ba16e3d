package ops

import (
	"context"

	"baocao/reporting"
	"baocao/store"
)

const msgSystemAdminOnly = "Chỉ quản trị viên được xem thông tin hệ thống."

// System is the database's and the scheduler's state for an
// administrator: migrations, the scheduler's leader and its jobs' last
// runs, sizes. leaderLock is the scheduler's advisory lock.
func (s *Service) System(ctx context.Context, u reporting.User, leaderLock int64) (store.SystemStatus, error) {
	if err := reporting.AuthorizeRole(u, reporting.RoleAdmin); err != nil {
		return store.SystemStatus{}, reporting.Errorf(reporting.EFORBIDDEN, msgSystemAdminOnly)
	}
	return s.st.SystemStatus(ctx, leaderLock)
}
