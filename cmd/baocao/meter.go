package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// meter shows a long job's progress on one line of standard error — a
// counter, the rate and the time left — when standard error is a
// terminal; piped or in a log, it writes nothing, so logs stay clean.
// It is safe for concurrent use.
type meter struct {
	w     io.Writer // nil: quiet
	label string
	total int
	now   func() time.Time
	start time.Time

	mu    sync.Mutex
	last  time.Time
	shown bool
}

// meterEvery is the least time between two redraws.
const meterEvery = 200 * time.Millisecond

// newMeter is a meter on w for total items (0: unknown), quiet unless w is
// a terminal.
func newMeter(w io.Writer, label string, total int, now func() time.Time) *meter {
	m := &meter{label: label, total: total, now: now, start: now()}
	if isTerminal(w) {
		m.w = w
	}
	return m
}

// isTerminal reports whether w is a character device (a terminal), the
// check golang.org/x/term makes, without the dependency.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// Set redraws the line for done items, at most every meterEvery and
// always for the last one.
func (m *meter) Set(done int) {
	if m.w == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	t := m.now()
	if done != m.total && t.Sub(m.last) < meterEvery {
		return
	}
	m.last, m.shown = t, true
	fmt.Fprintf(m.w, "\r\033[K%s", meterLine(m.label, done, m.total, t.Sub(m.start)))
}

// Progress is Set for callbacks that give the total with each count
// (xlsx.Options.Progress).
func (m *meter) Progress(done, total int) {
	m.mu.Lock()
	m.total = total
	m.mu.Unlock()
	m.Set(done)
}

// Done ends the line, if one was drawn.
func (m *meter) Done() {
	if m.w == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.shown {
		fmt.Fprintln(m.w)
		m.shown = false
	}
}

// meterLine is "units 1.200/10.000 (12%) · 350/s · 25s left".
func meterLine(label string, done, total int, elapsed time.Duration) string {
	line := fmt.Sprintf("%s %d", label, done)
	if total > 0 {
		line = fmt.Sprintf("%s %d/%d (%d%%)", label, done, total, done*100/total)
	}
	if elapsed <= 0 || done == 0 {
		return line
	}
	rate := float64(done) / elapsed.Seconds()
	line += fmt.Sprintf(" · %.0f/s", rate)
	if total > done {
		left := time.Duration(float64(total-done) / rate * float64(time.Second))
		line += fmt.Sprintf(" · %s left", left.Round(time.Second))
	}
	return line
}
