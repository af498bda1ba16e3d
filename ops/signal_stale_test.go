package ops_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"baocao/ops"
	"baocao/reporting"
)

// TestPeriodPageShowsPreviousSignalsWhileTheyAreRead: once a period's data
// change, the period page does not wait for its signals to be read afresh
// (seconds at 10,000 units, and data change every second at a deadline):
// it shows the previous ones while the read goes on, and the fresh ones
// once it is done; a submission's page, which shows one report's signals,
// waits for the fresh read.
func TestPeriodPageShowsPreviousSignalsWhileTheyAreRead(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	p := seedSignalProvince(t)
	svc, now := p.svc, p.now
	before, err := svc.PeriodSignals(ctx, p.inspector, now, p.last.ID)
	if err != nil || len(before) != 3 {
		t.Fatalf("signals before: %d rows, %v", len(before), err)
	}
	release := make(chan struct{})
	ops.SetSignalRead(svc, func() { <-release })
	// A review changes what the signals are read from.
	if _, err := svc.Review(ctx, p.inspector, now, ops.ReviewInput{SubmissionID: p.subs["X01"], Decision: reporting.DecisionAccepted}); err != nil {
		t.Fatal(err)
	}
	type answer struct {
		rows []ops.SignalRow
		err  error
	}
	page := make(chan answer, 1)
	go func() {
		rows, err := svc.PeriodSignals(ctx, p.inspector, now, p.last.ID)
		page <- answer{rows, err}
	}()
	select {
	case a := <-page:
		if a.err != nil || len(a.rows) != 3 {
			t.Fatalf("signals while the read is held: %d rows, %v", len(a.rows), a.err)
		}
	case <-time.After(5 * time.Second):
		close(release)
		t.Fatal("the period page waited for a read that was held")
	}
	sub := make(chan error, 1)
	go func() {
		_, err := svc.SubmissionSignals(ctx, p.inspector, now, p.subs[plantedJump])
		sub <- err
	}()
	select {
	case err := <-sub:
		t.Fatalf("a submission's signals came before the fresh read (%v)", err)
	case <-time.After(500 * time.Millisecond):
	}
	close(release)
	if err := <-sub; err != nil {
		t.Fatal(err)
	}
	if rows, err := svc.PeriodSignals(ctx, p.inspector, now, p.last.ID); err != nil || len(rows) != 3 {
		t.Errorf("signals after the read: %d rows, %v", len(rows), err)
	}
}

// A request waiting for a period's signals gives up when it is cancelled
// (the reader went away, the database hangs), even when no earlier read
// could stand in.
func TestSignalsWaitEndsWithTheRequest(t *testing.T) {
	t.Parallel()
	p := seedSignalProvince(t)
	release := make(chan struct{})
	defer close(release)
	ops.SetSignalRead(p.svc, func() { <-release })
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := p.svc.PeriodSignals(ctx, p.inspector, p.now, p.last.ID)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("a cancelled wait answered %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the request still waits for a held read after it was cancelled")
	}
}
