package scheduler

import (
	"context"
	"time"

	"baocao/store"
)

// ManualReminders binds SendNow and RemindMissing to a store and options,
// for the web's "remind now" actions.
type ManualReminders struct {
	Store *store.Store
	Opts  RemindOptions
}

// SendNow reminds one unit now (see the package function).
func (m ManualReminders) SendNow(ctx context.Context, periodID int64, unit, actor string, now time.Time) (bool, error) {
	return SendNow(ctx, m.Store, periodID, unit, actor, now, m.Opts)
}

// RemindMissing reminds every unit still owing now (see the package function).
func (m ManualReminders) RemindMissing(ctx context.Context, periodID int64, actor string, now time.Time) (int, error) {
	res, err := RemindMissing(ctx, m.Store, periodID, actor, now, m.Opts)
	return res.Enqueued, err
}
