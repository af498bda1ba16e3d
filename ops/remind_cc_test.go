package ops_test

import (
	"context"
	"strings"
	"testing"
	"time"

	bmail "baocao/mail"
	"baocao/ops"
	"baocao/store/storetest"
)

// TestARefusedCopyDoesNotSilenceTheReminder: the district's address,
// copied on overdue reminders, is refused for good by the mail server; the
// communes still get their reminders, once, marked sent, with the refused
// copy said in the outbox.
func TestARefusedCopyDoesNotSilenceTheReminder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	seedRemind(t, st, 3)
	sink := startSink(t, bmail.SinkOptions{Reject: func(rcpt string) bool { return rcpt == districtMail }})
	opts := ops.OutboxOptions{From: remindFrom, MaxAttempts: 5}
	overdue := remindDeadline.Add(36 * time.Hour)
	if res, err := remindSvc(st, opts).EnqueueReminders(ctx, overdue); err != nil || res.Enqueued == 0 {
		t.Fatalf("enqueue: %+v, %v", res, err)
	}
	res, err := remindSvc(st, opts).DeliverOutbox(ctx, smtpTo(t, sink.Addr()), overdue)
	if err != nil || res.Failed != 0 || res.Sent == 0 {
		t.Fatalf("delivery: %+v, %v; want every reminder sent", res, err)
	}
	rows := outbox(t, st)
	counts := received(t, sink, rows)
	copied := 0
	for id, r := range rows {
		if r.status != "sent" || counts[id] != 1 {
			t.Errorf("%+v received %d times, want sent once", r, counts[id])
		}
		if strings.HasPrefix(r.kind, "overdue") {
			copied++
			if !strings.Contains(r.lastError, districtMail) || !strings.Contains(r.lastError, "550") {
				t.Errorf("overdue reminder %d: note %q, want the refused copy named", id, r.lastError)
			}
		}
	}
	if copied == 0 {
		t.Fatal("no overdue reminder: the test tested nothing")
	}
	for _, m := range sink.Messages() {
		for _, to := range m.To {
			if to == districtMail {
				t.Errorf("the refused address received %s", m.MessageID)
			}
		}
	}
}
