package scheduler

import (
	"context"
	"sync"
	"testing"
	"time"

	"baocao/store"
	"baocao/store/storetest"
)

func TestSchedulerTicksOnlyOnTheLeader(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := storetest.NewDB(t)
	var mu sync.Mutex
	runs := map[int]int{}
	var scheds []*Scheduler
	for i := range 2 {
		s, err := store.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		sc, err := New(s.Pool(), Options{Tick: 200 * time.Millisecond, Location: time.UTC},
			Job{Name: "count", Run: func(context.Context, time.Time) error {
				mu.Lock()
				runs[i]++
				mu.Unlock()
				return nil
			}})
		if err != nil {
			t.Fatal(err)
		}
		scheds = append(scheds, sc)
		sc.Start()
	}
	time.Sleep(1500 * time.Millisecond)
	for _, sc := range scheds {
		if err := sc.Shutdown(ctx); err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if (runs[0] == 0) == (runs[1] == 0) {
		t.Fatalf("job runs per instance %v: want exactly one instance running it", runs)
	}
}
