package ops_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
)

// A calendar change moves the deadlines of several open periods in one
// transaction while communes upload. Two of those periods, DCCS-QUY
// 2026-Q3 and 2026-Q4, share each commune's matrix_cells row (same form,
// same year): the change, having moved Q4, held those rows while an
// upload to Q3 held its obligation and waited for the row, and the change
// then waited for the obligation — a deadlock PostgreSQL broke by failing
// one side. Every upload and every change must go through, and the
// deadlines end as the calendar says.
func TestCalendarChangesRaceUploadsWithoutDeadlock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	syncEmbeddedForms(t, st)
	svc := storetest.Ops(st, hcm)

	const communes = 400
	from := reporting.Day(2020, time.January, 1)
	rows := []reporting.UnitRow{{Row: 2, Code: "90", Name: "UBND tỉnh Thử", Kind: reporting.KindProvince, ActiveFrom: &from}}
	for i := range communes {
		rows = append(rows, reporting.UnitRow{Row: i + 3, Code: fmt.Sprintf("9%04d", i), Name: fmt.Sprintf("UBND xã Thử %d", i),
			Kind: reporting.KindCommunePC, ParentCode: "90", ActiveFrom: &from})
	}
	if _, err := svc.ImportUnits(ctx, ops.CLIAdmin, time.Date(2023, time.December, 1, 8, 0, 0, 0, hcm), rows, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, time.September, 15, 8, 0, 0, 0, hcm)
	if _, err := svc.OpenDuePeriods(ctx, now); err != nil {
		t.Fatal(err)
	}
	q3, q4 := periodID(t, st, "DCCS-QUY", "2026-Q3"), periodID(t, st, "DCCS-QUY", "2026-Q4")
	// Days off on the communes' deadlines of both quarters move both.
	var days []reporting.Holiday
	for _, id := range []int64{q3, q4} {
		var d time.Time
		if err := st.Pool().QueryRow(ctx, `SELECT min(deadline) FROM obligations WHERE period_id = $1`, id).Scan(&d); err != nil {
			t.Fatal(err)
		}
		days = append(days, reporting.Holiday{Day: reporting.DayOf(d, hcm), Name: "Ngày nghỉ thử", Kind: reporting.DayOff})
	}
	dates := []time.Time{days[0].Day, days[1].Day}

	var (
		deadlocks, changes atomic.Int64
		failures           = make(chan error, communes+100)
		wg                 sync.WaitGroup
		done               = make(chan struct{})
	)
	deadlock := func(err error) {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "40P01" {
			deadlocks.Add(1)
		}
		failures <- err
	}
	wg.Add(1)
	go func() { // the administrator: the days off set, then withdrawn, again and again
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			default:
			}
			ch := ops.CalendarChange{Set: days}
			if i%2 == 1 {
				ch = ops.CalendarChange{Remove: dates}
			}
			if _, err := svc.ApplyCalendar(ctx, ops.CLIAdmin, now, ch, false); err != nil {
				deadlock(fmt.Errorf("calendar change %d: %w", i, err))
				continue
			}
			changes.Add(1)
		}
	}()
	units := make(chan string)
	var uploads sync.WaitGroup
	for range 4 { // the communes, four at a time, each its Q3 report
		uploads.Add(1)
		go func() {
			defer uploads.Done()
			for u := range units {
				if _, err := storetest.TryUpload(ctx, st, q3, u, now); err != nil {
					deadlock(fmt.Errorf("upload of %s: %w", u, err))
				}
			}
		}()
	}
	for i := range communes {
		units <- fmt.Sprintf("9%04d", i)
	}
	close(units)
	uploads.Wait()
	close(done)
	wg.Wait()
	close(failures)
	for err := range failures {
		t.Error(err)
	}
	if deadlocks.Load() > 0 || changes.Load() < 2 {
		t.Fatalf("%d deadlocks, %d calendar changes during %d uploads; want none, and at least two changes", deadlocks.Load(), changes.Load(), communes)
	}
	if n := count(t, st, `SELECT count(*) FROM obligations WHERE period_id = $1 AND first_submitted_at IS NOT NULL`, q3); n != communes {
		t.Fatalf("%d of %d Q3 reports stored", n, communes)
	}
	t.Logf("%d calendar changes during %d uploads", changes.Load(), communes)
}
