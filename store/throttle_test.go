package store_test

import (
	"context"
	"testing"
	"time"

	"baocao/store"
	"baocao/store/storetest"
)

// TestThrottleWaitsDoubleAndAreForgotten: on one key, the free attempts
// pass, then each next attempt must wait twice as long, up to the cap; a
// clear forgets them; a purge drops keys that make no one wait.
func TestThrottleWaitsDoubleAndAreForgotten(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	p := store.ThrottlePolicy{Free: 3, Window: time.Hour, MaxDelay: 8 * time.Second}
	t0 := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	at := t0
	try := func(advance time.Duration) time.Duration {
		t.Helper()
		at = at.Add(advance)
		wait, err := st.ReserveAttempt(ctx, "email:a@x.vn", at, p)
		if err != nil {
			t.Fatal(err)
		}
		return wait
	}
	steps := []struct {
		advance, want time.Duration
	}{
		{0, 0}, {0, 0}, {0, 0}, // free; the third sets a 1 s wait
		{0, time.Second}, {time.Second, 0}, // then 2 s
		{time.Second, time.Second}, {time.Second, 0}, // then 4 s
		{4 * time.Second, 0}, // then 8 s, the cap
		{8 * time.Second, 0}, // still 8 s
		{7 * time.Second, time.Second},
	}
	for i, s := range steps {
		if got := try(s.advance); got != s.want {
			t.Fatalf("attempt %d (+%v): wait %v, want %v", i+1, s.advance, got, s.want)
		}
	}
	if had, err := st.ClearAttempts(ctx, "email:a@x.vn"); err != nil || !had {
		t.Fatalf("clear: %v, %v", had, err)
	}
	if got := try(0); got != 0 {
		t.Errorf("after a clear: wait %v", got)
	}
	if n, err := st.PurgeAttempts(ctx, at.Add(time.Hour)); err != nil || n != 1 {
		t.Errorf("purge: %d, %v", n, err)
	}
}
