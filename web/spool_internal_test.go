package web

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

func spoolBytes(n int) []byte {
	b := make([]byte, n)
	rand.NewChaCha8([32]byte{1}).Read(b) //nolint:errcheck
	return b
}

func spoolFiles(t *testing.T) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(os.TempDir(), "baocao-upload-*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func readBack(t *testing.T, s *spooled) []byte {
	t.Helper()
	got, err := io.ReadAll(s.reader())
	if err != nil {
		t.Fatal(err)
	}
	at := make([]byte, s.size)
	if _, err := s.readerAt().ReadAt(at, 0); err != nil && err != io.EOF {
		t.Fatal(err)
	}
	if !bytes.Equal(got, at) {
		t.Fatal("reader and readerAt disagree")
	}
	return got
}

func TestSpoolHoldsSmallUploadsInMemoryWithinItsBudget(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	sp := &spooler{budget: 2 * spoolInMemory}
	small := spoolBytes(spoolInMemory) // exactly the most held in memory
	var held []*spooled
	for i := range 3 {
		s, readErr, err := sp.spool(bytes.NewReader(small), 10<<20)
		if err != nil || readErr != nil {
			t.Fatal(err, readErr)
		}
		if got := readBack(t, s); !bytes.Equal(got, small) || s.size != int64(len(small)) {
			t.Fatalf("upload %d read back %d bytes, want the %d sent", i, len(got), len(small))
		}
		// The budget holds two: the third goes to a file.
		if inMemory := s.file == nil; inMemory != (i < 2) {
			t.Errorf("upload %d in memory: %v", i, inMemory)
		}
		held = append(held, s)
	}
	if n := len(spoolFiles(t)); n != 1 {
		t.Errorf("%d spool files, want 1 (the upload past the budget)", n)
	}
	if got := sp.held.Load(); got != 2*spoolInMemory {
		t.Errorf("budget held %d, want %d", got, 2*spoolInMemory)
	}
	for _, s := range held {
		s.close()
	}
	if got := sp.held.Load(); got != 0 {
		t.Errorf("budget held %d after every close, want 0", got)
	}
	if n := len(spoolFiles(t)); n != 0 {
		t.Errorf("%d spool files left after close", n)
	}
	// Room given back is room to use again.
	s, _, err := sp.spool(bytes.NewReader(small), 10<<20)
	if err != nil || s.file != nil {
		t.Errorf("after the others closed: in memory %v, %v", s.file == nil, err)
	}
	s.close()
}

func TestSpoolSendsLargeUploadsToAFile(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	sp := &spooler{budget: spoolMemoryBudget}
	big := spoolBytes(spoolInMemory + 1)
	s, readErr, err := sp.spool(bytes.NewReader(big), 10<<20)
	if err != nil || readErr != nil {
		t.Fatal(err, readErr)
	}
	defer s.close()
	if s.file == nil {
		t.Fatal("an upload over spoolInMemory is held in memory")
	}
	if got := readBack(t, s); !bytes.Equal(got, big) {
		t.Fatalf("read back %d bytes, want the %d sent", len(got), len(big))
	}
	if got := sp.held.Load(); got != 0 {
		t.Errorf("a spooled file holds %d of the memory budget", got)
	}
	// One byte past the limit is read, so the caller can refuse it; no
	// more.
	over, _, err := sp.spool(bytes.NewReader(spoolBytes(300<<10)), 200<<10)
	if err != nil {
		t.Fatal(err)
	}
	defer over.close()
	if over.size != 200<<10+1 {
		t.Errorf("read %d bytes of an upload over a limit of %d, want the limit plus one", over.size, 200<<10)
	}
}

type failingReader struct {
	data []byte
	err  error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestSpoolKeepsNothingOfABodyCutShort(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	sp := &spooler{budget: spoolMemoryBudget}
	cut := errors.New("connection reset")
	for _, n := range []int{1000, 200 << 10} {
		s, readErr, err := sp.spool(&failingReader{data: spoolBytes(n), err: cut}, 10<<20)
		if err != nil || !errors.Is(readErr, cut) || s != nil {
			t.Errorf("%d bytes then a reset: %v, %v, %v; want the read error alone", n, s, readErr, err)
		}
	}
	if got := sp.held.Load(); got != 0 {
		t.Errorf("budget held %d after bodies cut short", got)
	}
	if n := len(spoolFiles(t)); n != 0 {
		t.Errorf("%d spool files left by bodies cut short", n)
	}
}
