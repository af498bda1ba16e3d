package ops_test

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"baocao/ops"
	"baocao/reporting"
)

// At most ParseLimit uploads are parsed at once: the others wait their
// turn and are served when a slot frees, and one that waits longer than
// ParseWait is told the service is busy (503 on the API), storing nothing.
func TestUploadsBeyondTheParseLimitWaitTheirTurnOrAreToldBusy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx := setup(t, formYAML)
	fx.svc = ops.New(fx.st, ops.Options{Secret: secret, Location: hcm, ParseLimit: 1, ParseWait: 300 * time.Millisecond})
	file := fill(t, fx.template(t, fx.unit.Code), valid(), nil)

	entered, hold := make(chan struct{}, 4), make(chan struct{})
	var mu sync.Mutex
	inside, most := 0, 0
	ops.SetParsing(fx.svc, func() {
		mu.Lock()
		inside++
		most = max(most, inside)
		mu.Unlock()
		entered <- struct{}{}
		<-hold
		mu.Lock()
		inside--
		mu.Unlock()
	})
	submit := func(dry bool) (ops.Result, error) {
		return fx.svc.Submit(ctx, fx.clerk, fx.now, ops.Upload{FileName: "a.xlsx", Body: bytes.NewReader(file), DryRun: dry})
	}

	// The first upload holds the only slot.
	first := make(chan error, 1)
	go func() { _, err := submit(true); first <- err }()
	<-entered

	// A second one waits longer than ParseWait: busy.
	start := time.Now()
	_, err := submit(true)
	if reporting.ErrorCode(err) != reporting.EUNAVAILABLE {
		t.Fatalf("second upload while the slot is held: %v, want EUNAVAILABLE", err)
	}
	if waited := time.Since(start); waited < 300*time.Millisecond {
		t.Errorf("refused after %v, before ParseWait", waited)
	}
	if reporting.ErrorMessage(err) == "" || !bytes.Contains([]byte(reporting.ErrorMessage(err)), []byte("thử lại sau")) {
		t.Errorf("message %q: want a Vietnamese try-again-later", reporting.ErrorMessage(err))
	}

	// A third one waits, and is served as soon as the first lets go.
	third := make(chan error, 1)
	go func() { _, err := submit(false); third <- err }()
	time.Sleep(100 * time.Millisecond)
	hold <- struct{}{} // the first finishes
	if err := <-first; err != nil {
		t.Fatalf("first upload: %v", err)
	}
	<-entered
	hold <- struct{}{}
	if err := <-third; err != nil {
		t.Fatalf("third upload, served in turn: %v", err)
	}
	if most != 1 {
		t.Errorf("%d uploads parsed at once, want at most 1", most)
	}
	if c := fx.counts(t); c[0] != 1 {
		t.Errorf("%d submissions stored, want only the third's", c[0])
	}
}

// Between its parse and its storing an upload's bytes count against
// HeldUploadBytes: while they fill it, the next upload waits for room,
// keeping its parse slot, and is told the service is busy after
// ParseWait; once room frees, uploads go on.
func TestUploadsHeldBeforeStoringStayWithinTheirBudget(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx := setup(t, formYAML)
	file := fill(t, fx.template(t, fx.unit.Code), valid(), nil)
	room := int64(len(file)) + 10 // one upload's bytes
	fx.svc = ops.New(fx.st, ops.Options{Secret: secret, Location: hcm, ParseLimit: 4, ParseWait: 300 * time.Millisecond,
		MaxUploadBytes: room, HeldUploadBytes: room})
	entered, hold := make(chan struct{}, 4), make(chan struct{})
	var once sync.Once
	ops.SetBeforeStore(fx.svc, func() {
		once.Do(func() { // the first upload holds its bytes until told
			entered <- struct{}{}
			<-hold
		})
	})
	submit := func() (ops.Result, error) {
		return fx.svc.Submit(ctx, fx.clerk, fx.now, ops.Upload{FileName: "a.xlsx", Body: bytes.NewReader(file), DryRun: true})
	}
	first := make(chan error, 1)
	go func() { _, err := submit(); first <- err }()
	<-entered

	start := time.Now()
	_, err := submit()
	if reporting.ErrorCode(err) != reporting.EUNAVAILABLE || !bytes.Contains([]byte(reporting.ErrorMessage(err)), []byte("thử lại sau")) {
		t.Fatalf("an upload while the budget is full: %v, want EUNAVAILABLE, try again later", err)
	}
	if waited := time.Since(start); waited < 300*time.Millisecond {
		t.Errorf("refused after %v, before ParseWait", waited)
	}
	close(hold)
	if err := <-first; err != nil {
		t.Fatalf("first upload: %v", err)
	}
	if _, err := submit(); err != nil {
		t.Errorf("an upload once the room freed: %v", err)
	}
}
