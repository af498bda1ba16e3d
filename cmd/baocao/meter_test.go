package main

import (
	"bytes"
	"io"
	"os"
	"testing"
	"time"
)

func TestMeterLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		done, total int
		elapsed     time.Duration
		want        string
	}{
		{0, 900, 0, "reports 0/900 (0%)"},
		{300, 900, 10 * time.Second, "reports 300/900 (33%) · 30/s · 20s left"},
		{900, 900, 30 * time.Second, "reports 900/900 (100%) · 30/s"},
		{50, 0, 2 * time.Second, "reports 50 · 25/s"},
	} {
		if got := meterLine("reports", tc.done, tc.total, tc.elapsed); got != tc.want {
			t.Errorf("meterLine(%d, %d, %s) = %q, want %q", tc.done, tc.total, tc.elapsed, got, tc.want)
		}
	}
}

// Not a terminal — a buffer, a pipe, a file — the meter says nothing.
func TestMeterIsQuietOffATerminal(t *testing.T) {
	t.Parallel()
	clock := time.Unix(0, 0)
	now := func() time.Time { clock = clock.Add(time.Second); return clock }
	var buf bytes.Buffer
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	for _, out := range []interface{ Write([]byte) (int, error) }{&buf, w} {
		m := newMeter(out, "reports", 3, now)
		for i := range 4 {
			m.Set(i)
		}
		m.Done()
	}
	if buf.Len() != 0 {
		t.Errorf("meter wrote %q to a buffer", buf.String())
	}
	w.Close()
	if b, _ := io.ReadAll(r); len(b) != 0 {
		t.Errorf("meter wrote %q to a pipe", b)
	}
}

// On a terminal it redraws one line and ends it.
func TestMeterDrawsOnATerminal(t *testing.T) {
	t.Parallel()
	clock := time.Unix(0, 0)
	var buf bytes.Buffer
	m := &meter{w: &buf, label: "reports", total: 2, now: func() time.Time { return clock }, start: clock}
	clock = clock.Add(time.Second)
	m.Set(1)
	clock = clock.Add(time.Second)
	m.Set(2)
	m.Done()
	want := "\r\033[Kreports 1/2 (50%) · 1/s · 1s left\r\033[Kreports 2/2 (100%) · 1/s\n"
	if buf.String() != want {
		t.Errorf("drew %q, want %q", buf.String(), want)
	}
}
