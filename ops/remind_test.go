package ops_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"mime"
	"net/mail"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	bmail "baocao/mail"
	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
)

var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))

// remindDeadline is the communes' deadline for the first half of 2026: two
// working days after the cut-off on Sunday 14/6, end of Tuesday 16/6.
var remindDeadline = time.Date(2026, time.June, 16, 23, 59, 59, 999999000, hcm)

const (
	remindFrom    = "Hệ thống báo cáo <baocao@snv.dongnai.gov.vn>"
	remindBaseURL = "https://baocao.dongnai.gov.vn/"
	districtMail  = "ubnd@huyenmot.vn"
)

// remindSvc is the actions on st as the reminder tests configure them.
func remindSvc(st *store.Store, outbox ops.OutboxOptions) *ops.Service {
	if outbox.From == "" {
		outbox.From = remindFrom
	}
	return ops.New(st, ops.Options{Secret: storetest.Secret, Location: hcm, BaseURL: remindBaseURL, Outbox: outbox, Logger: quietLog})
}

// unitCode is the code of the i-th test commune (from 1).
func unitCode(i int) string { return fmt.Sprintf("%05d", 25000+i) }

// seedRemind stores a half-yearly commune form with the default reminders
// (-7d, -1d, +1d, +7d), a district and n communes under it, each with
// one e-mail address except those in noEmail, and opens the first half of
// 2026 for them. Commune 13 is "UBND xã Tân Lập". It returns the period.
func seedRemind(t *testing.T, st *store.Store, n int, noEmail ...int) int64 {
	t.Helper()
	ctx := context.Background()
	form := reporting.Form{
		Code: "T-NHAC", Title: "Báo cáo kết quả thực hiện dân chủ ở cơ sở (cấp xã)",
		UnitKinds: []reporting.UnitKind{reporting.KindCommunePC},
		Schedules: []reporting.Schedule{{
			Periodicity: reporting.HalfYear, Since: "2025-12-15",
			Deadline: reporting.DeadlineRule{AfterCutoffWorkingDays: 2},
		}},
	}
	if _, err := st.SyncForms(ctx, []store.FormSource{{Definition: form, Source: "test", Checksum: "t1"}}); err != nil {
		t.Fatal(err)
	}
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := st.Pool().Exec(ctx, sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	exec(`INSERT INTO units (code, active_from) VALUES ('H01', '2020-01-01')`)
	exec(`INSERT INTO unit_versions (unit_code, valid_from, name, kind, emails)
	      VALUES ('H01', '2020-01-01', 'UBND huyện Một', 'district_pc', ARRAY[$1])`, districtMail)
	for i := 1; i <= n; i++ {
		name, emails := fmt.Sprintf("UBND xã Số %d", i), []string{fmt.Sprintf("vp%d@xa.vn", i)}
		if i == 13 {
			name = "UBND xã Tân Lập"
		}
		if slices.Contains(noEmail, i) {
			emails = []string{}
		}
		exec(`INSERT INTO units (code, active_from) VALUES ($1, '2020-01-01')`, unitCode(i))
		exec(`INSERT INTO unit_versions (unit_code, valid_from, name, kind, parent_code, emails)
		      VALUES ($1, '2020-01-01', $2, 'commune_pc', 'H01', $3)`, unitCode(i), name, emails)
	}
	storetest.OpenDue(t, st, remindDeadline.AddDate(0, 0, -10), hcm)
	var id int64
	var deadline time.Time
	if err := st.Pool().QueryRow(ctx, `SELECT id, deadline FROM periods WHERE key = '2026-H1'`).Scan(&id, &deadline); err != nil {
		t.Fatal(err)
	}
	if !deadline.Equal(remindDeadline) {
		t.Fatalf("period deadline %s, want %s", deadline.In(hcm), remindDeadline)
	}
	return id
}

func startSink(t *testing.T, opts bmail.SinkOptions) *bmail.Sink {
	t.Helper()
	opts.Logger = quietLog
	s, err := bmail.StartSink(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() }) //nolint:errcheck
	return s
}

func smtpTo(t *testing.T, addr string) *bmail.SMTP {
	t.Helper()
	host, port, _ := strings.Cut(addr, ":")
	var p int
	fmt.Sscan(port, &p) //nolint:errcheck
	s, err := bmail.NewSMTP(bmail.SMTPOptions{Host: host, Port: p, From: remindFrom, TLS: bmail.TLSNone, Timeout: 5 * time.Second, HELO: "localhost"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// outboxRow is a reminder as the tests look at it.
type outboxRow struct {
	unit, kind, status, lastError string
	attempts                      int
}

func outbox(t *testing.T, st *store.Store) map[int64]outboxRow {
	t.Helper()
	rows, err := st.Reminders(context.Background(), store.ReminderFilter{Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]outboxRow{}
	for _, r := range rows {
		out[r.ID] = outboxRow{r.UnitCode, r.Kind, string(r.Status), r.LastError, r.Attempts}
	}
	return out
}

// received counts the sink's messages per outbox row, by Message-ID.
func received(t *testing.T, sink *bmail.Sink, rows map[int64]outboxRow) map[int64]int {
	t.Helper()
	byID := map[string]int64{}
	for id := range rows {
		byID[ops.ReminderMessageID(id, remindFrom)] = id
	}
	out := map[int64]int{}
	for _, m := range sink.Messages() {
		id, ok := byID[m.MessageID]
		if !ok {
			t.Fatalf("sink got a message with Message-ID %q that no reminder has", m.MessageID)
		}
		out[id]++
	}
	return out
}

func TestRemindersOverAMovingClock(t *testing.T) {
	t.Parallel()
	all := []string{"due_in_7d", "due_in_1d", "overdue_1d", "overdue_7d"}
	// What each commune gets between ten days before and ten days after
	// the deadline, given the events below.
	want := map[string][]string{}
	for i := 1; i <= 30; i++ {
		switch {
		case i <= 5: // submitted three days before the deadline
			want[unitCode(i)] = all[:1]
		case i <= 8: // submitted before any reminder
		case i == 11: // deadline extended by five days: its overdue_7d falls after the window
			want[unitCode(i)] = all[:3]
		case i == 12: // submitted late, three days after the deadline
			want[unitCode(i)] = all[:3]
		default: // 9 and 10 were returned and never resubmitted; the rest never filed
			want[unitCode(i)] = all
		}
	}
	at := func(days, hour int) time.Time {
		return time.Date(2026, time.June, 16+days, hour, 0, 0, 0, hcm)
	}
	type event struct {
		at time.Time
		do func(t *testing.T, st *store.Store, period int64, at time.Time)
	}
	upload := func(units ...int) func(*testing.T, *store.Store, int64, time.Time) {
		return func(t *testing.T, st *store.Store, period int64, at time.Time) {
			for _, u := range units {
				storetest.Upload(t, st, period, unitCode(u), at)
			}
		}
	}
	events := []event{
		{at(-10, 0), func(t *testing.T, st *store.Store, period int64, at time.Time) {
			for _, u := range []int{9, 10} {
				storetest.Upload(t, st, period, unitCode(u), at.Add(-time.Minute))
				storetest.Record(t, st, period, unitCode(u), reporting.Event{At: at, Kind: reporting.EventReturned, Reason: "Thiếu số liệu"})
			}
		}},
		{at(-9, 12), upload(6, 7, 8)},
		{at(-8, 12), func(t *testing.T, st *store.Store, period int64, at time.Time) {
			storetest.Record(t, st, period, unitCode(11), reporting.Event{At: at, Kind: reporting.EventExtended,
				Deadline: remindDeadline.AddDate(0, 0, 5), Reason: "Gia hạn"})
		}},
		{at(-3, 10), upload(1, 2, 3, 4, 5)},
		{at(3, 10), upload(12)},
	}

	for _, tt := range []struct {
		name  string
		start time.Time
		step  time.Duration
		// late is how the first overdue reminder words the delay: it
		// counts calendar days to the tick that writes it (08:00 on D+1
		// when ticking hourly, midnight on D+2 when ticking daily).
		late string
	}{
		{"hourly", at(-10, 0), time.Hour, "quá hạn 1 ngày"},
		{"daily at midnight", at(-10, 0), 24 * time.Hour, "quá hạn 2 ngày"},
		{"every seven hours", at(-10, 3), 7 * time.Hour, "quá hạn 1 ngày"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			st := storetest.Open(t)
			period := seedRemind(t, st, 30, 30) // commune 30 has no e-mail address
			sink := startSink(t, bmail.SinkOptions{})
			sender := smtpTo(t, sink.Addr())
			svc := remindSvc(st, ops.OutboxOptions{})
			next := 0
			for now := tt.start; !now.After(at(10, 23)); now = now.Add(tt.step) {
				for ; next < len(events) && !events[next].at.After(now); next++ {
					events[next].do(t, st, period, events[next].at)
				}
				// The jobs of a tick: the deadline flag (reminders go on
				// for units flagged missing), reminders, delivery.
				if _, err := svc.FlagMissing(ctx, now); err != nil {
					t.Fatal(err)
				}
				if _, err := svc.EnqueueReminders(ctx, now); err != nil {
					t.Fatal(err)
				}
				if _, err := svc.DeliverOutbox(ctx, sender, now); err != nil {
					t.Fatal(err)
				}
			}

			rows := outbox(t, st)
			got := map[string][]string{}
			for _, r := range rows {
				got[r.unit] = append(got[r.unit], r.kind)
			}
			for u := range got {
				slices.SortFunc(got[u], func(a, b string) int { return slices.Index(all, a) - slices.Index(all, b) })
			}
			for _, u := range slices.Sorted(maps.Keys(want)) {
				if !slices.Equal(got[u], want[u]) {
					t.Errorf("unit %s got reminders %v, want %v", u, got[u], want[u])
				}
			}
			if len(got) != len(want) {
				t.Errorf("%d units have reminders, want %d (none for those that filed first)", len(got), len(want))
			}

			// At the SMTP server: every deliverable reminder exactly once;
			// nothing for the unit without an address, whose rows failed.
			counts := received(t, sink, rows)
			for id, r := range rows {
				wantN, wantStatus := 1, "sent"
				if r.unit == unitCode(30) {
					wantN, wantStatus = 0, "failed"
				}
				if counts[id] != wantN || r.status != wantStatus {
					t.Errorf("reminder %d (%s %s): received %d times, status %s; want %d, %s", id, r.unit, r.kind, counts[id], r.status, wantN, wantStatus)
				}
			}

			// Overdue reminders copy the district; the others do not.
			for _, m := range sink.Messages() {
				msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
				if err != nil {
					t.Fatal(err)
				}
				subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
				if err != nil {
					t.Fatal(err)
				}
				overdue := strings.HasPrefix(subject, "[Quá hạn] ")
				if overdue != slices.Contains(m.To, districtMail) || overdue == strings.HasPrefix(subject, "[Nhắc hạn] ") {
					t.Errorf("subject %q went to %v", subject, m.To)
				}
			}
			// One message read back whole: Tân Lập's first overdue reminder.
			var body string
			err := st.Pool().QueryRow(ctx, `SELECT subject || E'\n' || body_text FROM reminders WHERE unit_code = '25013' AND kind = 'overdue_1d'`).Scan(&body)
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{
				"[Quá hạn] Báo cáo 6 tháng đầu năm 2026 – UBND xã Tân Lập: " + tt.late + " (hạn 16/06/2026)",
				"Báo cáo kết quả thực hiện dân chủ ở cơ sở (cấp xã)",
				"Hạn nộp: 16/06/2026 23:59",
				"Tình trạng: Chưa nộp báo cáo (đã quá hạn)",
				fmt.Sprintf("https://baocao.dongnai.gov.vn/units/25013/periods/%d", period),
			} {
				if !strings.Contains(body, want) {
					t.Errorf("overdue reminder lacks %q:\n%s", want, body)
				}
			}
		})
	}
}

func TestTwoInstancesEnqueueAndDeliverEachReminderOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := storetest.NewDB(t)
	var instances [2]*store.Store
	for i := range instances {
		s, err := store.Open(ctx, url) // separate pools, as two instances
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		instances[i] = s
	}
	period := seedRemind(t, instances[0], 40)
	sink := startSink(t, bmail.SinkOptions{})
	sender := smtpTo(t, sink.Addr())

	// Both schedulers tick at the same moments, then a manual reminder to
	// every unit on top, so there are two kinds to deliver.
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for _, now := range []time.Time{remindDeadline.AddDate(0, 0, -7).Add(-15 * time.Hour), remindDeadline.AddDate(0, 0, -7).Add(-15*time.Hour + time.Minute)} {
		for _, st := range instances {
			wg.Go(func() {
				if _, err := remindSvc(st, ops.OutboxOptions{}).EnqueueReminders(ctx, now); err != nil {
					errs <- err
				}
			})
		}
		wg.Wait()
	}
	manualAt := remindDeadline.AddDate(0, 0, -5)
	for _, st := range instances {
		wg.Go(func() {
			if _, err := remindSvc(st, ops.OutboxOptions{}).RemindOwing(ctx, reporting.User{Email: "thanhtra@tinh.vn", Role: reporting.RoleInspector, Active: true}, manualAt, period); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	rows := outbox(t, instances[0])
	if len(rows) != 80 {
		t.Fatalf("%d reminders enqueued by two instances, want 40 due_in_7d + 40 manual", len(rows))
	}

	// Two senders deliver at once, in small batches so that they interleave.
	sendAt := manualAt.Add(time.Minute)
	results := make([]ops.DeliverResult, 2)
	for i, st := range instances {
		wg.Go(func() {
			res, err := remindSvc(st, ops.OutboxOptions{From: remindFrom, Batch: 3}).DeliverOutbox(ctx, sender, sendAt)
			if err != nil {
				errs <- err
			}
			results[i] = res
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	rows = outbox(t, instances[0])
	counts := received(t, sink, rows)
	for id, r := range rows {
		if counts[id] != 1 || r.status != "sent" || r.attempts != 1 {
			t.Errorf("reminder %d (%s %s): received %d times, %s after %d attempts; want once, sent, 1", id, r.unit, r.kind, counts[id], r.status, r.attempts)
		}
	}
	if results[0].Sent+results[1].Sent != 80 || results[0].Sent == 0 || results[1].Sent == 0 {
		t.Errorf("senders report %+v and %+v; want 80 between them, both working", results[0], results[1])
	}
}

func TestOutboxWaitsForTheServerAndGivesUpOnBadAddresses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	seedRemind(t, st, 6)
	bad := "vp4@xa.vn"
	if _, err := remindSvc(st, ops.OutboxOptions{}).EnqueueReminders(ctx, remindDeadline.AddDate(0, 0, -6)); err != nil {
		t.Fatal(err)
	}
	// The server is down: take a free port and close it.
	first := startSink(t, bmail.SinkOptions{})
	addr := first.Addr()
	first.Close() //nolint:errcheck
	sender := smtpTo(t, addr)
	opts := ops.OutboxOptions{From: remindFrom, MaxAttempts: 5}

	t0 := remindDeadline.AddDate(0, 0, -6)
	deliver := func(at time.Time) ops.DeliverResult {
		t.Helper()
		res, err := remindSvc(st, opts).DeliverOutbox(ctx, sender, at)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if res := deliver(t0); res != (ops.DeliverResult{Retried: 6}) {
		t.Fatalf("with the server down: %+v, want 6 retried", res)
	}
	if res := deliver(t0.Add(30 * time.Second)); res != (ops.DeliverResult{}) {
		t.Fatalf("before the backoff ran out: %+v, want nothing tried", res)
	}
	// Each retry waits from its own failure (the pass's moment plus the
	// time the pass took): a few seconds of margin.
	if res := deliver(t0.Add(time.Minute + 5*time.Second)); res != (ops.DeliverResult{Retried: 6}) {
		t.Fatalf("second try, server still down: %+v", res)
	}
	for _, r := range outbox(t, st) {
		if r.status != "queued" || r.attempts != 2 || !strings.Contains(r.lastError, "dial") {
			t.Fatalf("while the server is down: %+v, want queued after 2 attempts with the dial error", r)
		}
	}
	// Back on the same port, refusing one mailbox for good.
	sink := startSink(t, bmail.SinkOptions{Addr: addr, Reject: func(rcpt string) bool { return rcpt == bad }})
	if res := deliver(t0.Add(2 * time.Minute)); res != (ops.DeliverResult{}) {
		t.Fatalf("the second backoff is two minutes: %+v, want nothing tried", res)
	}
	if res := deliver(t0.Add(3*time.Minute + 10*time.Second)); res != (ops.DeliverResult{Sent: 5, Failed: 1}) {
		t.Fatalf("server back: %+v, want 5 sent and 1 failed", res)
	}
	rows := outbox(t, st)
	counts := received(t, sink, rows)
	for id, r := range rows {
		if r.unit == unitCode(4) {
			if r.status != "failed" || !strings.Contains(r.lastError, "550") || !strings.Contains(r.lastError, bad) || counts[id] != 0 {
				t.Errorf("rejected address: %+v received %d, want failed with the 550 reply naming %s", r, counts[id], bad)
			}
			continue
		}
		if r.status != "sent" || counts[id] != 1 {
			t.Errorf("%+v received %d times, want sent once", r, counts[id])
		}
	}

	// A server that never comes back: failed after MaxAttempts, error kept.
	st2 := storetest.Open(t)
	seedRemind(t, st2, 1)
	if _, err := remindSvc(st2, ops.OutboxOptions{}).EnqueueReminders(ctx, t0); err != nil {
		t.Fatal(err)
	}
	down := smtpTo(t, "127.0.0.1:1")
	at := t0
	var last ops.DeliverResult
	for i := range opts.MaxAttempts {
		if last, _ = remindSvc(st2, opts).DeliverOutbox(ctx, down, at); last == (ops.DeliverResult{}) {
			t.Fatalf("attempt %d: nothing claimed at %s", i+1, at)
		}
		at = at.Add(time.Minute<<i + 5*time.Second) // the backoff after attempt i+1 (1, 2, 4, 8 minutes) from its failure
	}
	for _, r := range outbox(t, st2) {
		if last != (ops.DeliverResult{Failed: 1}) || r.status != "failed" || r.attempts != opts.MaxAttempts || !strings.Contains(r.lastError, "dial") {
			t.Fatalf("after %d attempts: %+v (last pass %+v), want failed with the dial error", opts.MaxAttempts, r, last)
		}
	}
}

func TestASenderKilledAfterTheServerAcceptedCausesOneDuplicate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	seedRemind(t, st, 3)
	t0 := remindDeadline.AddDate(0, 0, -6)
	if _, err := remindSvc(st, ops.OutboxOptions{}).EnqueueReminders(ctx, t0); err != nil {
		t.Fatal(err)
	}
	sink := startSink(t, bmail.SinkOptions{})
	sender := smtpTo(t, sink.Addr())
	opts := ops.OutboxOptions{From: remindFrom, Lease: 5 * time.Minute}

	// The sender claims one reminder, the server accepts it, and the
	// process dies before marking it sent.
	claimed, err := st.ClaimReminders(ctx, t0, opts.Lease, 1)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim: %v, %v", claimed, err)
	}
	killed := claimed[0]
	err = sender.Send(ctx, bmail.Message{ID: ops.ReminderMessageID(killed.ID, remindFrom), To: killed.Recipients,
		Subject: killed.Subject, Text: killed.BodyText, HTML: killed.BodyHTML})
	if err != nil {
		t.Fatal(err)
	}

	// Another sender runs while the dead one's lease holds: the others go,
	// the claimed one waits.
	res, err := remindSvc(st, opts).DeliverOutbox(ctx, sender, t0.Add(time.Minute))
	if err != nil || res != (ops.DeliverResult{Sent: 2}) {
		t.Fatalf("during the lease: %+v, %v; want the 2 unclaimed sent", res, err)
	}
	// The lease runs out: the reminder is sent again.
	res, err = remindSvc(st, opts).DeliverOutbox(ctx, sender, t0.Add(opts.Lease+time.Second))
	if err != nil || res != (ops.DeliverResult{Sent: 1}) {
		t.Fatalf("after the lease: %+v, %v; want the claimed one sent", res, err)
	}
	rows := outbox(t, st)
	counts := received(t, sink, rows)
	for id, r := range rows {
		want, attempts := 1, 1
		if id == killed.ID {
			want, attempts = 2, 2 // the one duplicate, under one Message-ID
		}
		if counts[id] != want || r.status != "sent" || r.attempts != attempts {
			t.Errorf("reminder %d: received %d, %s after %d attempts; want %d, sent, %d", id, counts[id], r.status, r.attempts, want, attempts)
		}
	}
	if n := len(sink.Messages()); n != 4 {
		t.Fatalf("sink holds %d messages, want 3 reminders + 1 duplicate", n)
	}
}

func TestManualRemindersOnePerUnitADayAndAudited(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	period := seedRemind(t, st, 4)
	storetest.Upload(t, st, period, unitCode(2), remindDeadline.AddDate(0, 0, -8))
	storetest.Record(t, st, period, unitCode(2), reporting.Event{At: remindDeadline.AddDate(0, 0, -7), Kind: reporting.EventAccepted})
	day1 := time.Date(2026, time.June, 12, 9, 30, 0, 0, hcm)
	day2 := day1.AddDate(0, 0, 1)
	actor := "thanhtra@tinh.vn"

	tests := []struct {
		name     string
		unit     string
		now      time.Time
		created  bool
		wantCode string // reporting error code, "" for none
	}{
		{"first click", unitCode(1), day1, true, ""},
		{"second click the same day", unitCode(1), day1.Add(3 * time.Hour), false, ""},
		{"next day", unitCode(1), day2, true, ""},
		{"a unit whose report was accepted", unitCode(2), day1, false, reporting.ECONFLICT},
		{"a unit that owes nothing for the period", "99999", day1, false, reporting.ENOTFOUND},
		{"after the period locked", unitCode(3), remindDeadline.AddDate(0, 0, 31), false, reporting.ECONFLICT},
	}
	for _, tt := range tests { // in order: the clicks build on each other
		created, err := remindSvc(st, ops.OutboxOptions{}).RemindNow(ctx, reporting.User{Email: actor, Role: reporting.RoleInspector, Active: true}, tt.now, period, tt.unit)
		var re *reporting.Error
		switch {
		case tt.wantCode == "" && err != nil:
			t.Fatalf("%s: %v", tt.name, err)
		case tt.wantCode != "" && (!errors.As(err, &re) || re.Code != tt.wantCode):
			t.Fatalf("%s: err = %v, want a %s error", tt.name, err, tt.wantCode)
		case created != tt.created:
			t.Fatalf("%s: created = %v, want %v", tt.name, created, tt.created)
		}
	}
	// Every unit still owing: 1, 3 and 4; unit 1 was already reminded on day 2.
	res, err := remindSvc(st, ops.OutboxOptions{}).RemindOwing(ctx, reporting.User{Email: actor, Role: reporting.RoleInspector, Active: true}, day2, period)
	if err != nil || res.Enqueued != 2 {
		t.Fatalf("RemindMissing: %+v, %v; want 2 new", res, err)
	}
	kinds := map[string]int{}
	for _, r := range outbox(t, st) {
		kinds[r.unit+" "+r.kind]++
	}
	want := map[string]int{"25001 manual_20260612": 1, "25001 manual_20260613": 1, "25003 manual_20260613": 1, "25004 manual_20260613": 1}
	if !maps.Equal(kinds, want) {
		t.Fatalf("outbox %v, want %v", kinds, want)
	}
	evs, err := st.AuditEvents(ctx, store.AuditFilter{Action: "reminder.manual", Actor: actor})
	if err != nil {
		t.Fatal(err)
	}
	// Three clicks on unit 1 and one RemindMissing over three units.
	if len(evs) != 6 {
		t.Fatalf("%d audit events, want 6", len(evs))
	}
}

// TestRemindersWhoseReasonWentAwayAreSkipped: the "due in 7 days" reminders
// of six communes are queued; the mail server is down; meanwhile unit 1
// files, unit 2 is exempted, unit 3 is returned a report (it owes again,
// and is told so), and for units 4–6 nothing happens. When the server is
// back before the deadline, only what still has a reason goes out; when it
// is back after the deadline, the "due in" reminders are stale too.
func TestRemindersWhoseReasonWentAwayAreSkipped(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	queuedAt := remindDeadline.AddDate(0, 0, -6)
	tests := []struct {
		name string
		back time.Time // when the server is back
		want map[string]string
	}{
		{"back before the deadline", remindDeadline.AddDate(0, 0, -2), map[string]string{
			unitCode(1) + " due_in_7d": "skipped", unitCode(2) + " due_in_7d": "skipped",
			unitCode(3) + " due_in_7d": "sent", unitCode(3) + " returned": "sent",
			unitCode(4) + " due_in_7d": "sent", unitCode(5) + " due_in_7d": "sent", unitCode(6) + " due_in_7d": "sent",
		}},
		{"back after the deadline", remindDeadline.Add(time.Hour), map[string]string{
			unitCode(1) + " due_in_7d": "skipped", unitCode(2) + " due_in_7d": "skipped",
			unitCode(3) + " due_in_7d": "skipped", unitCode(3) + " returned": "sent",
			unitCode(4) + " due_in_7d": "skipped", unitCode(5) + " due_in_7d": "skipped", unitCode(6) + " due_in_7d": "skipped",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st := storetest.Open(t)
			period := seedRemind(t, st, 6)
			if res, err := remindSvc(st, ops.OutboxOptions{}).EnqueueReminders(ctx, queuedAt); err != nil || res.Enqueued != 6 {
				t.Fatalf("enqueue: %+v, %v", res, err)
			}
			// Unit 1 files; unit 3 files and is returned; unit 2 is exempted.
			svc := remindSvc(st, ops.OutboxOptions{})
			for _, u := range []int{1, 3} {
				sub := storetest.Upload(t, st, period, unitCode(u), queuedAt.Add(time.Hour))
				if u == 3 {
					if _, err := svc.Review(ctx, ops.CLIAdmin, queuedAt.Add(2*time.Hour), ops.ReviewInput{SubmissionID: sub.ID,
						Decision: reporting.DecisionReturned, Reason: "Thiếu số liệu"}); err != nil {
						t.Fatal(err)
					}
				}
			}
			if err := svc.Exempt(ctx, ops.CLIAdmin, queuedAt.Add(3*time.Hour), period, unitCode(2), "Sáp nhập"); err != nil {
				t.Fatal(err)
			}
			sink := startSink(t, bmail.SinkOptions{})
			res, err := remindSvc(st, ops.OutboxOptions{From: remindFrom}).DeliverOutbox(ctx, smtpTo(t, sink.Addr()), tt.back)
			if err != nil {
				t.Fatal(err)
			}
			rows := outbox(t, st)
			counts := received(t, sink, rows)
			got := map[string]string{}
			skipped := 0
			for id, r := range rows {
				kind := r.kind
				if strings.HasPrefix(kind, store.ReturnedKindPrefix) {
					kind = "returned"
				}
				got[r.unit+" "+kind] = r.status
				switch r.status {
				case "skipped":
					skipped++
					if counts[id] != 0 || !strings.HasPrefix(r.lastError, "not sent: ") {
						t.Errorf("%s %s skipped, received %d times, reason %q", r.unit, r.kind, counts[id], r.lastError)
					}
				case "sent":
					if counts[id] != 1 {
						t.Errorf("%s %s sent, received %d times", r.unit, r.kind, counts[id])
					}
				}
			}
			if !maps.Equal(got, tt.want) {
				t.Errorf("outbox %v\nwant %v", got, tt.want)
			}
			if res.Skipped != skipped || res.Sent != len(rows)-skipped {
				t.Errorf("delivery %+v, want %d skipped and the rest sent", res, skipped)
			}
		})
	}
}

// TestDeliveryReportsProgress: the command line's meter is told after each
// e-mail tried how many the pass has tried.
func TestDeliveryReportsProgress(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	seedRemind(t, st, 5)
	t0 := remindDeadline.AddDate(0, 0, -6)
	if _, err := remindSvc(st, ops.OutboxOptions{}).EnqueueReminders(ctx, t0); err != nil {
		t.Fatal(err)
	}
	sink := startSink(t, bmail.SinkOptions{})
	var seen []int
	res, err := remindSvc(st, ops.OutboxOptions{Batch: 2, Progress: func(n int) { seen = append(seen, n) }}).
		DeliverOutbox(ctx, smtpTo(t, sink.Addr()), t0.Add(time.Minute))
	if err != nil || res.Sent != 5 {
		t.Fatalf("delivery %+v, %v", res, err)
	}
	if fmt.Sprint(seen) != "[1 2 3 4 5]" {
		t.Fatalf("progress %v, want 1 to 5", seen)
	}
}
