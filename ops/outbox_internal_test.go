package ops

import (
	"fmt"
	"testing"
)

func TestBackoffDoublesUpToTheCap(t *testing.T) {
	t.Parallel()
	o := OutboxOptions{}.withDefaults()
	var got []string
	for n := 1; n <= 9; n++ {
		got = append(got, o.backoff(n).String())
	}
	if want := "[1m0s 2m0s 4m0s 8m0s 16m0s 32m0s 1h0m0s 1h0m0s 1h0m0s]"; fmt.Sprint(got) != want {
		t.Fatalf("backoff %v, want %s", got, want)
	}
}
