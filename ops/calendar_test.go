package ops_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
)

// A day off added while a period is open moves the deadlines still ahead
// that fall on it or count working days across it, with the change in each
// obligation's history; an inspector's extension stands; a deadline already
// past stays. DCCS-XA 2026-H1: data to Sunday 14/06/2026, communes report
// two working days later, Tuesday 16/06 (by hand); with 16/06 off,
// Wednesday 17/06.
func TestAHolidayAddedMovesTheOpenDeadlinesStillAhead(t *testing.T) {
	t.Parallel()
	hcmDay := func(y int, m time.Month, d int) time.Time {
		return time.Date(y, m, d, 23, 59, 59, 999999000, hcm)
	}
	off := []reporting.Holiday{{Day: reporting.Day(2026, time.June, 16), Name: "Ngày nghỉ đột xuất (thử)", Kind: reporting.DayOff}}
	setup := func(t *testing.T) (*store.Store, *ops.Service, int64) {
		st := storetest.Open(t)
		seed(t, st)
		svc := storetest.Ops(st, hcm)
		if _, err := svc.OpenDuePeriods(context.Background(), time.Date(2026, time.June, 1, 8, 0, 0, 0, hcm)); err != nil {
			t.Fatal(err)
		}
		id := periodID(t, st, "DCCS-XA", "2026-H1")
		o, err := st.Obligation(context.Background(), id, "25001")
		if err != nil {
			t.Fatal(err)
		}
		if !o.Facts.Deadline.Equal(hcmDay(2026, time.June, 16)) {
			t.Fatalf("25001's 2026-H1 deadline %s, want 16/06/2026 23:59:59", o.Facts.Deadline.In(hcm))
		}
		return st, svc, id
	}

	t.Run("ahead", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		st, svc, id := setup(t)
		now := time.Date(2026, time.June, 5, 9, 0, 0, 0, hcm)
		// 25002's deadline was extended by hand: it stands.
		if _, err := svc.Extend(ctx, ops.CLIAdmin, now.Add(-time.Hour), ops.ExtendInput{PeriodID: id, UnitCodes: []string{"25002"},
			NewDeadline: hcmDay(2026, time.June, 19), Reason: "Xã bị ảnh hưởng bão"}); err != nil {
			t.Fatal(err)
		}
		// 25004 has filed, on time: its deadline no longer matters and stays.
		storetest.Upload(t, st, id, "25004", now.Add(-30*time.Minute))
		var locksBefore time.Time
		if err := st.Pool().QueryRow(ctx, `SELECT locks_at FROM periods WHERE id = $1`, id).Scan(&locksBefore); err != nil {
			t.Fatal(err)
		}
		res, err := svc.ChangeCalendar(ctx, ops.CLIAdmin, now, off)
		if err != nil {
			t.Fatal(err)
		}
		if res.Days != 1 || res.Moved == 0 {
			t.Fatalf("calendar change %+v, want 1 day stored and deadlines moved", res)
		}
		want := hcmDay(2026, time.June, 17)
		for _, u := range []string{"25001"} {
			o, err := st.Obligation(ctx, id, u)
			if err != nil {
				t.Fatal(err)
			}
			if !o.Facts.Deadline.Equal(want) {
				t.Errorf("%s's deadline %s after 16/06 became a day off, want 17/06/2026 23:59:59", u, o.Facts.Deadline.In(hcm))
			}
			h, err := st.ObligationHistory(ctx, id, u)
			if err != nil {
				t.Fatal(err)
			}
			last := h[len(h)-1]
			if last.Kind != reporting.EventRescheduled || !last.Deadline.Equal(want) || last.PreviousDeadline == nil ||
				!last.PreviousDeadline.Equal(hcmDay(2026, time.June, 16)) || last.Reason == "" {
				t.Errorf("%s's history ends with %+v, want the move 16/06 → 17/06 with its reason", u, last)
			}
			// The SQL fold of the history agrees.
			var sqlDeadline time.Time
			if err := st.Pool().QueryRow(ctx, `SELECT deadline FROM obligation_history_at($1, $2, $3)`, id, u, now).Scan(&sqlDeadline); err != nil {
				t.Fatal(err)
			}
			if !sqlDeadline.Equal(want) {
				t.Errorf("%s: obligation_history_at gives %s, want 17/06", u, sqlDeadline.In(hcm))
			}
		}
		if o, err := st.Obligation(ctx, id, "25002"); err != nil || !o.Facts.Deadline.Equal(hcmDay(2026, time.June, 19)) {
			t.Errorf("extended 25002's deadline %v (%v), want its extension, 19/06, kept", o.Facts.Deadline, err)
		}
		if o, err := st.Obligation(ctx, id, "25004"); err != nil || !o.Facts.Deadline.Equal(hcmDay(2026, time.June, 16)) {
			t.Errorf("25004, which filed, has deadline %v (%v), want 16/06 kept", o.Facts.Deadline, err)
		}
		// The lock day never comes earlier: extensions run up to it.
		var locksAfter time.Time
		if err := st.Pool().QueryRow(ctx, `SELECT locks_at FROM periods WHERE id = $1`, id).Scan(&locksAfter); err != nil {
			t.Fatal(err)
		}
		if locksAfter.Before(locksBefore) {
			t.Errorf("the period's lock moved from %s to %s, earlier", locksBefore, locksAfter)
		}
		// Each unit whose deadline moved and that still owes the report is
		// told by e-mail, once; the extended and the filed units are not.
		rows, err := st.Pool().Query(ctx, `SELECT unit_code, kind, subject, body_text FROM reminders
			WHERE period_id = $1 AND kind LIKE 'rescheduled%' ORDER BY unit_code`, id)
		if err != nil {
			t.Fatal(err)
		}
		told := map[string]string{}
		for rows.Next() {
			var unit, kind, subject, body string
			if err := rows.Scan(&unit, &kind, &subject, &body); err != nil {
				t.Fatal(err)
			}
			told[unit] = kind
			if kind != "rescheduled_20260617" || !strings.Contains(subject, "17/06/2026") ||
				!strings.Contains(body, "16/06/2026") || !strings.Contains(body, "17/06/2026") {
				t.Errorf("%s's notice: %s %q\n%s", unit, kind, subject, body)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		var all int
		if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM reminders WHERE kind LIKE 'rescheduled%'`).Scan(&all); err != nil {
			t.Fatal(err)
		}
		if _, ok := told["25001"]; !ok || all != res.Announced || res.Announced > res.Moved {
			t.Errorf("notices to %v, announced %d of %d moved; want 25001 told and the count right", told, res.Announced, res.Moved)
		}
		for _, u := range []string{"25002", "25004"} {
			if _, ok := told[u]; ok {
				t.Errorf("%s was told of a new deadline; its deadline did not move", u)
			}
		}
		// The same list again moves nothing and tells no one.
		if again, err := svc.ChangeCalendar(ctx, ops.CLIAdmin, now.Add(time.Hour), off); err != nil || again.Moved != 0 || again.Days != 0 || again.Announced != 0 {
			t.Errorf("the same calendar again: %+v, %v; want nothing", again, err)
		}
	})

	t.Run("past", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		st, svc, id := setup(t)
		res, err := svc.ChangeCalendar(ctx, ops.CLIAdmin, time.Date(2026, time.June, 17, 9, 0, 0, 0, hcm), off)
		if err != nil {
			t.Fatal(err)
		}
		if res.Days != 1 {
			t.Fatalf("calendar change %+v, want 1 day stored", res)
		}
		if o, err := st.Obligation(ctx, id, "25001"); err != nil || !o.Facts.Deadline.Equal(hcmDay(2026, time.June, 16)) {
			t.Errorf("a deadline already past moved to %v (%v)", o.Facts.Deadline, err)
		}
	})

	t.Run("shipped with the binary", func(t *testing.T) {
		// A new version of the official calendar, loaded at a start after
		// the period opened, moves its deadlines as an administrator's
		// change would, the system being the actor.
		t.Parallel()
		ctx := context.Background()
		st, svc, id := setup(t)
		now := time.Date(2026, time.June, 5, 9, 0, 0, 0, hcm)
		n, err := st.LoadShippedCalendar(ctx, "calendar-test.yaml", "test-checksum", off)
		if err != nil || n != 1 {
			t.Fatalf("load a shipped calendar of one day: %d, %v", n, err)
		}
		res, err := svc.ShippedCalendarLoaded(ctx, now, "calendar-test.yaml", n)
		if err != nil || res.Moved == 0 || res.Announced == 0 {
			t.Fatalf("after the shipped calendar: %+v, %v; want deadlines moved and units told", res, err)
		}
		h, err := st.ObligationHistory(ctx, id, "25001")
		if err != nil {
			t.Fatal(err)
		}
		if last := h[len(h)-1]; last.Kind != reporting.EventRescheduled || !last.Deadline.Equal(hcmDay(2026, time.June, 17)) || last.Actor != ops.System.Email {
			t.Errorf("25001's history ends with %+v, want the system's move to 17/06", last)
		}
		var audited int
		if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action = 'calendar.shipped'`).Scan(&audited); err != nil || audited != 1 {
			t.Errorf("calendar.shipped audited %d times (%v), want once", audited, err)
		}
	})

	t.Run("previewed, then removed", func(t *testing.T) {
		// A preview says which deadlines would move and stores nothing;
		// removing the day again moves them back.
		t.Parallel()
		ctx := context.Background()
		st, svc, id := setup(t)
		now := time.Date(2026, time.June, 5, 9, 0, 0, 0, hcm)
		deadline := func() time.Time {
			o, err := st.Obligation(ctx, id, "25001")
			if err != nil {
				t.Fatal(err)
			}
			return o.Facts.Deadline
		}
		find := func(res ops.CalendarResult) *ops.CalendarMove {
			for i, m := range res.Moves {
				if m.PeriodID == id && m.UnitCode == "25001" {
					return &res.Moves[i]
				}
			}
			return nil
		}
		pre, err := svc.ApplyCalendar(ctx, ops.CLIAdmin, now, ops.CalendarChange{Set: off}, true)
		if err != nil {
			t.Fatal(err)
		}
		m := find(pre)
		if m == nil || !m.Old.Equal(hcmDay(2026, time.June, 16)) || !m.New.Equal(hcmDay(2026, time.June, 17)) || !m.Told || m.UnitName == "" || m.PeriodLabel == "" {
			t.Fatalf("preview's move of 25001: %+v, want 16/06 → 17/06, told, named", m)
		}
		var days, reminders int
		if err := st.Pool().QueryRow(ctx, `SELECT (SELECT count(*) FROM holidays WHERE day = '2026-06-16'), (SELECT count(*) FROM reminders WHERE kind LIKE 'rescheduled%')`).Scan(&days, &reminders); err != nil {
			t.Fatal(err)
		}
		if days != 0 || reminders != 0 || !deadline().Equal(hcmDay(2026, time.June, 16)) {
			t.Errorf("after a preview: %d days stored, %d notices queued, deadline %s; want nothing changed", days, reminders, deadline().In(hcm))
		}
		if _, err := svc.ApplyCalendar(ctx, ops.CLIAdmin, now, ops.CalendarChange{Set: off}, false); err != nil {
			t.Fatal(err)
		}
		if !deadline().Equal(hcmDay(2026, time.June, 17)) {
			t.Fatalf("after applying: deadline %s, want 17/06", deadline().In(hcm))
		}
		back, err := svc.ApplyCalendar(ctx, ops.CLIAdmin, now.Add(time.Hour), ops.CalendarChange{Remove: []time.Time{reporting.Day(2026, time.June, 16)}}, false)
		if err != nil {
			t.Fatal(err)
		}
		if m := find(back); back.Days != 1 || m == nil || !m.New.Equal(hcmDay(2026, time.June, 16)) || !deadline().Equal(hcmDay(2026, time.June, 16)) {
			t.Errorf("removing 16/06: %+v, deadline %s; want it back on 16/06", back, deadline().In(hcm))
		}
	})

	t.Run("not an administrator", func(t *testing.T) {
		t.Parallel()
		insp := reporting.User{Email: "tt@example.vn", Role: reporting.RoleInspector, Active: true}
		_, err := storetest.Ops(storetest.Open(t), hcm).ChangeCalendar(context.Background(), insp, time.Now(), off)
		if reporting.ErrorCode(err) != reporting.EFORBIDDEN {
			t.Fatalf("an inspector changing the calendar: %v, want forbidden", err)
		}
	})
}
