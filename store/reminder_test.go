package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
)

var hcm = func() *time.Location {
	l, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		panic(err)
	}
	return l
}()

// reminderDeadline is the deadline of the period seedReminderPeriod makes.
var reminderDeadline = time.Date(2026, time.June, 16, 23, 59, 59, 999999000, hcm)

// seedReminderPeriod stores a form and, for each unit code, a commune
// under district "H01"; units named in noEmail have no address. It opens
// the form's 2026-H1 period (deadline reminderDeadline, locked 30 days
// later) through the store, so that every commune owes it, and returns
// the period's id.
func seedReminderPeriod(t *testing.T, st *store.Store, codes []string, noEmail ...string) int64 {
	t.Helper()
	ctx := context.Background()
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := st.Pool().Exec(ctx, sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	exec(`INSERT INTO forms (code) VALUES ('T-NHAC')`)
	exec(`INSERT INTO form_versions (form_code, version, checksum, title, definition, source)
	      VALUES ('T-NHAC', 1, 'c', 'Biểu thử nhắc hạn', '{}', '')`)
	exec(`INSERT INTO units (code, active_from) VALUES ('H01', '2020-01-01')`)
	exec(`INSERT INTO unit_versions (unit_code, valid_from, name, kind, emails)
	      VALUES ('H01', '2020-01-01', 'UBND huyện Một', 'district_pc', '{huyen@mot.vn}')`)
	for _, c := range codes {
		emails := []string{c + "@xa.vn"}
		if slices.Contains(noEmail, c) {
			emails = []string{}
		}
		exec(`INSERT INTO units (code, active_from) VALUES ($1, '2020-01-01')`, c)
		exec(`INSERT INTO unit_versions (unit_code, valid_from, name, kind, parent_code, emails)
		      VALUES ($1, '2020-01-01', 'UBND xã ' || $1, 'commune_pc', 'H01', $2)`, c, emails)
	}
	form := reporting.Form{Code: "T-NHAC", UnitKinds: []reporting.UnitKind{reporting.KindCommunePC}}
	if err := st.Pool().QueryRow(ctx, `SELECT id FROM form_versions WHERE form_code = 'T-NHAC'`).Scan(&form.VersionID); err != nil {
		t.Fatal(err)
	}
	res, err := st.OpenPeriods(ctx, form, []reporting.Period{{Periodicity: reporting.HalfYear, Key: "2026-H1", Label: "6 tháng đầu năm 2026",
		DataFrom: reporting.Day(2025, time.December, 15), DataTo: reporting.Day(2026, time.June, 14),
		OpensAt: time.Date(2025, time.December, 15, 0, 0, 0, 0, hcm), Deadline: reminderDeadline, LocksAt: reminderDeadline.AddDate(0, 0, 30)}})
	if err != nil || res.Obligations != len(codes) {
		t.Fatalf("open the period: %+v, %v", res, err)
	}
	var id int64
	if err := st.Pool().QueryRow(ctx, `SELECT id FROM periods WHERE key = '2026-H1'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func countRows(t *testing.T, st *store.Store, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := st.Pool().QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func newReminders(ts []store.ReminderTarget, kind string, at time.Time) []store.NewReminder {
	var out []store.NewReminder
	for _, t := range ts {
		r := store.NewReminder{PeriodID: t.PeriodID, UnitCode: t.UnitCode, Kind: kind, DueAt: at,
			Recipients: t.Emails, Subject: "Nhắc " + t.UnitName, BodyText: "nội dung"}
		if len(t.Emails) == 0 {
			r.Undeliverable = "unit has no e-mail address"
		}
		out = append(out, r)
	}
	return out
}

func TestEnqueueRemindersOncePerKindAndOnlyWhileOwing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	period := seedReminderPeriod(t, st, []string{"X01", "X02", "X03"}, "X03")
	now := time.Date(2026, time.June, 9, 8, 0, 0, 0, hcm)
	storetest.Upload(t, st, period, "X02", now.AddDate(0, 0, -1))

	for _, tt := range []struct {
		name string
		at   time.Time
		want int
	}{
		{"open period", now, 1},
		{"before it opens", time.Date(2025, time.December, 14, 12, 0, 0, 0, hcm), 0},
		{"after it locks", reminderDeadline.AddDate(0, 0, 31), 0},
	} {
		ds, err := st.OwingDeadlines(ctx, tt.at)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) != tt.want {
			t.Fatalf("%s: %d owing deadlines, want %d", tt.name, len(ds), tt.want)
		}
		if tt.want == 1 && (ds[0].PeriodID != period || !ds[0].Deadline.Equal(reminderDeadline) || ds[0].Periodicity != "half_year") {
			t.Fatalf("%s: owing deadline %+v", tt.name, ds[0])
		}
	}

	due := []store.ReminderDue{{PeriodID: period, Deadline: reminderDeadline, Kind: "due_in_7d", DueAt: now}}
	targets, err := st.ReminderTargets(ctx, due, now)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tg := range targets {
		got = append(got, fmt.Sprintf("%s %v %v %s", tg.UnitCode, tg.Emails, tg.SupervisorEmails, tg.Kind))
	}
	want := []string{"X01 [X01@xa.vn] [huyen@mot.vn] due_in_7d", "X03 [] [huyen@mot.vn] due_in_7d"}
	if !slices.Equal(got, want) {
		t.Fatalf("targets %q, want %q (the unit that submitted owes nothing)", got, want)
	}
	if tg := targets[0]; tg.PeriodLabel != "6 tháng đầu năm 2026" || tg.FormTitle != "Biểu thử nhắc hạn" || tg.UnitName != "UBND xã X01" || tg.Status != "pending" {
		t.Fatalf("target reads %+v", tg)
	}

	rows := newReminders(targets, "due_in_7d", now)
	// A row for the unit that submitted meanwhile is dropped by the insert.
	rows = append(rows, store.NewReminder{PeriodID: period, UnitCode: "X02", Kind: "due_in_7d", DueAt: now, Recipients: []string{"X02@xa.vn"}})
	n, err := st.EnqueueReminders(ctx, rows, now, store.EnqueueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Fatalf("enqueued %d, want 2", n)
	}
	if n, err = st.EnqueueReminders(ctx, rows, now.Add(time.Hour), store.EnqueueOptions{}); err != nil || n != 0 {
		t.Fatalf("second enqueue added %d (%v), want 0", n, err)
	}
	if again, err := st.ReminderTargets(ctx, due, now); err != nil || len(again) != 0 {
		t.Fatalf("targets after enqueue: %d (%v), want none", len(again), err)
	}
	list, err := st.Reminders(ctx, store.ReminderFilter{PeriodID: period})
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]string{}
	for _, r := range list {
		states[r.UnitCode] = fmt.Sprintf("%s %q", r.Status, r.LastError)
	}
	if states["X01"] != `queued ""` || states["X03"] != `failed "unit has no e-mail address"` || len(states) != 2 {
		t.Fatalf("outbox %v", states)
	}
	if n := countRows(t, st, `SELECT count(*) FROM audit_events`); n != 0 {
		t.Fatalf("%d audit events for scheduled reminders, want 0", n)
	}
}

func TestManualRemindersAreAuditedAndOncePerDay(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	period := seedReminderPeriod(t, st, []string{"X01", "X02"})
	now := time.Date(2026, time.June, 10, 9, 0, 0, 0, hcm)
	targets, err := st.ObligationTargets(ctx, period, "X02", now)
	if err != nil || len(targets) != 1 || targets[0].UnitCode != "X02" || targets[0].Status != reporting.StatusPending {
		t.Fatalf("ObligationTargets(X02) = %+v, %v", targets, err)
	}
	rows := newReminders(targets, "manual_20260610", now)
	opts := store.EnqueueOptions{Actor: "thanhtra@tinh.vn"}
	for i, want := range []int{1, 0} {
		n, err := st.EnqueueReminders(ctx, rows, now, opts)
		if err != nil || n != want {
			t.Fatalf("click %d enqueued %d (%v), want %d", i+1, n, err, want)
		}
	}
	evs, err := st.AuditEvents(ctx, store.AuditFilter{Action: "reminder.manual"})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 {
		t.Fatalf("%d audit events, want one per click", len(evs))
	}
	for _, e := range evs {
		if e.Actor != "thanhtra@tinh.vn" || e.ObjectType != "obligation" || e.ObjectID != fmt.Sprintf("%d/X02", period) {
			t.Fatalf("audit event %+v", e)
		}
	}
	// Newest first: the second click found today's reminder already there.
	if !strings.Contains(string(evs[0].Details.(json.RawMessage)), `"enqueued": false`) ||
		!strings.Contains(string(evs[1].Details.(json.RawMessage)), `"enqueued": true`) {
		t.Fatalf("audit details %s / %s", evs[0].Details, evs[1].Details)
	}
}

func TestClaimRemindersLeasesFencesAndReleases(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := storetest.NewDB(t)
	var senders [2]*store.Store
	for i := range senders {
		s, err := store.Open(ctx, url) // two instances, two pools
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		senders[i] = s
	}
	st := senders[0]
	var codes []string
	for i := range 10 {
		codes = append(codes, fmt.Sprintf("X%02d", i))
	}
	period := seedReminderPeriod(t, st, codes)
	now := time.Date(2026, time.June, 9, 8, 0, 0, 0, hcm)
	targets, err := st.ObligationTargets(ctx, period, "", now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.EnqueueReminders(ctx, newReminders(targets, "due_in_7d", now), now, store.EnqueueOptions{}); err != nil {
		t.Fatal(err)
	}

	// Both claim at once: between them every row, none twice.
	const lease = 5 * time.Minute
	var wg sync.WaitGroup
	claims := make([][]store.Reminder, 2)
	for i := range senders {
		wg.Go(func() {
			c, err := senders[i].ClaimReminders(ctx, now, lease, 6)
			if err != nil {
				t.Error(err)
			}
			claims[i] = c
		})
	}
	wg.Wait()
	seen := map[int64]bool{}
	for _, c := range claims {
		for _, r := range c {
			if seen[r.ID] || r.Status != store.ReminderSending || r.Attempts != 1 || !r.NextTryAt.Equal(now.Add(lease)) {
				t.Fatalf("claimed %+v (seen before: %v)", r, seen[r.ID])
			}
			seen[r.ID] = true
		}
	}
	if len(seen) != 10 {
		t.Fatalf("claimed %d rows between two senders, want 10", len(seen))
	}
	if c, err := st.ClaimReminders(ctx, now.Add(lease-time.Second), lease, 100); err != nil || len(c) != 0 {
		t.Fatalf("claim during the leases took %d rows (%v), want 0", len(c), err)
	}

	all := append(claims[0], claims[1]...)
	a, b, c, d := all[0], all[1], all[2], all[3]
	retryAt := now.Add(time.Minute)
	if ok, err := st.RetryReminder(ctx, a.ID, a.Attempts+1, "wrong attempt", retryAt); err != nil || ok {
		t.Fatalf("retry with a stale attempt number changed the row (%v)", err)
	}
	if ok, err := st.RetryReminder(ctx, a.ID, a.Attempts, "421 try later", retryAt); err != nil || !ok {
		t.Fatalf("retry: %v %v", ok, err)
	}
	if ok, err := st.FailReminder(ctx, b.ID, b.Attempts, "550 no such user"); err != nil || !ok {
		t.Fatalf("fail: %v %v", ok, err)
	}
	if err := st.MarkReminderSent(ctx, c.ID, "reminder-1@x", now); err != nil {
		t.Fatal(err)
	}
	if err := st.ReleaseReminders(ctx, []store.Reminder{d}, now); err != nil {
		t.Fatal(err)
	}
	// Released at once and without the attempt; retried after its backoff.
	got, err := st.ClaimReminders(ctx, now, lease, 100)
	if err != nil || len(got) != 1 || got[0].ID != d.ID || got[0].Attempts != 1 {
		t.Fatalf("claim after release: %+v, %v; want only the released row, attempt 1", got, err)
	}
	got, err = st.ClaimReminders(ctx, retryAt, lease, 100)
	if err != nil || len(got) != 1 || got[0].ID != a.ID || got[0].Attempts != 2 || got[0].LastError != "421 try later" {
		t.Fatalf("claim at the retry time: %+v, %v; want only the retried row, attempt 2", got, err)
	}

	// Leases run out: the six rows never marked and the released one
	// claimed at now are taken again, and the senders that lost them can no
	// longer requeue them.
	later := now.Add(lease + time.Second)
	again, err := senders[1].ClaimReminders(ctx, later, lease, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 7 {
		t.Fatalf("reclaimed %d rows after the leases ran out, want 7", len(again))
	}
	stale := all[4]
	if ok, err := st.RetryReminder(ctx, stale.ID, stale.Attempts, "late", later); err != nil || ok {
		t.Fatalf("a sender that lost its lease requeued the row (%v)", err)
	}
	// But its delivery, if it did deliver, is recorded.
	if err := st.MarkReminderSent(ctx, stale.ID, "reminder-x@x", later); err != nil {
		t.Fatal(err)
	}
	counts, err := st.ReminderCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts[store.ReminderSent] != 2 || counts[store.ReminderFailed] != 1 || counts[store.ReminderSending] != 7 {
		t.Fatalf("counts %v", counts)
	}
	failed, err := st.Reminders(ctx, store.ReminderFilter{Status: store.ReminderFailed})
	if err != nil || len(failed) != 1 || failed[0].LastError != "550 no such user" {
		t.Fatalf("failed rows %+v, %v", failed, err)
	}
}
