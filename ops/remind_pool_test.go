package ops_test

import (
	"context"
	"net"
	"slices"
	"testing"
	"time"

	bmail "baocao/mail"
	"baocao/ops"
	"baocao/store"
	"baocao/store/storetest"
)

// TestAHungMailServerHoldsOneWorkerAndRetriesCountFromTheirFailure: an
// SMTP server that accepts connections and never answers holds each
// attempt until the timeout. With four workers, eight reminders fail in
// two waves rather than eight; each is retried a backoff after its own
// failure, so the second wave's retries come a timeout later than the
// first's.
func TestAHungMailServerHoldsOneWorkerAndRetriesCountFromTheirFailure(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	seedRemind(t, st, 8)
	hung, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer hung.Close()
	var held []net.Conn
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	go func() {
		for {
			c, err := hung.Accept()
			if err != nil {
				return
			}
			held = append(held, c) // accepted, never answered
		}
	}()
	const timeout = time.Second
	addr := hung.Addr().(*net.TCPAddr)
	sender, err := bmail.NewSMTP(bmail.SMTPOptions{Host: "127.0.0.1", Port: addr.Port, From: remindFrom, TLS: bmail.TLSNone, Timeout: timeout, HELO: "localhost"})
	if err != nil {
		t.Fatal(err)
	}
	opts := ops.OutboxOptions{From: remindFrom, Workers: 4, Batch: 20, Backoff: time.Minute}
	at := remindDeadline.AddDate(0, 0, -6)
	if res, err := remindSvc(st, opts).EnqueueReminders(ctx, at); err != nil || res.Enqueued != 8 {
		t.Fatalf("enqueue: %+v, %v", res, err)
	}
	res, err := remindSvc(st, opts).DeliverOutbox(ctx, sender, at)
	if err != nil || res.Retried != 8 {
		t.Fatalf("delivery to a hung server: %+v, %v", res, err)
	}
	rows, err := st.Reminders(ctx, store.ReminderFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var next []time.Time
	for _, r := range rows {
		next = append(next, r.NextTryAt)
	}
	slices.SortFunc(next, func(a, b time.Time) int { return a.Compare(b) })
	// Waves: retries more than half a timeout apart.
	waves := 1
	for i := 1; i < len(next); i++ {
		if next[i].Sub(next[i-1]) > timeout/2 {
			waves++
		}
	}
	if waves != 2 {
		t.Errorf("retries %v fall in %d waves, want 2 (eight e-mails, four at once)", next, waves)
	}
	if first := next[0].Sub(at); first < time.Minute+timeout*9/10 {
		t.Errorf("the first retry is %v after the pass began, want a backoff after its failure (≥ %v)", first, time.Minute+timeout)
	}
}
