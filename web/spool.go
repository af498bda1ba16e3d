package web

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"sync/atomic"
)

// An upload is read whole before anything is filed. A filled template is
// tens of kilobytes: it is held in memory, which spares a file's creation,
// writes, reads and removal on every upload of a deadline rush. A larger
// one, or any once the uploads held in memory reach their budget, is
// spooled to a temporary file, so uploads waiting their turn to be parsed
// hold no more than the budget of heap however many arrive.
const (
	// spoolInMemory is the largest upload held in memory.
	spoolInMemory = 64 << 10
	// spoolMemoryBudget bounds the uploads held in memory at once.
	spoolMemoryBudget = 16 << 20
)

// spooler hands out in-memory room for uploads up to its budget.
type spooler struct {
	budget int64
	held   atomic.Int64
}

// spooled is one upload's file: in memory (mem) or in a temporary file.
type spooled struct {
	sp   *spooler
	mem  []byte
	file *os.File
	size int64
	room int64 // of sp's budget, held until close
}

// spool reads r whole, up to max+1 bytes (the caller refuses more), into
// memory when it fits in spoolInMemory and the budget has room, else into
// a temporary file. writeErr is an error of the temporary file (the
// server's fault); readErr one of r (the client's).
func (sp *spooler) spool(r io.Reader, max int64) (s *spooled, readErr, writeErr error) {
	s = &spooled{sp: sp}
	r = io.LimitReader(r, max+1)
	if sp.held.Add(spoolInMemory) <= sp.budget {
		s.room = spoolInMemory
	} else {
		sp.held.Add(-spoolInMemory)
	}
	var head bytes.Buffer
	if s.room > 0 {
		// One byte more than fits says whether it all did.
		n, err := head.ReadFrom(io.LimitReader(r, spoolInMemory+1))
		if err != nil {
			s.close()
			return nil, err, nil
		}
		if n <= spoolInMemory {
			s.mem, s.size = head.Bytes(), n
			return s, nil, nil
		}
		s.release()
	}
	f, err := os.CreateTemp("", "baocao-upload-*")
	if err != nil {
		return nil, nil, fmt.Errorf("spool upload: %w", err)
	}
	s.file = f
	dst := &fileWriter{f: f}
	n, err := io.Copy(dst, io.MultiReader(&head, r))
	s.size = n
	switch {
	case dst.err != nil:
		s.close()
		return nil, nil, fmt.Errorf("spool upload: %w", dst.err)
	case err != nil:
		s.close()
		return nil, err, nil
	}
	return s, nil, nil
}

// reader is the upload from its start.
func (s *spooled) reader() io.Reader {
	if s.file == nil {
		return bytes.NewReader(s.mem)
	}
	return io.NewSectionReader(s.file, 0, s.size)
}

// readerAt reads the upload at any offset.
func (s *spooled) readerAt() io.ReaderAt {
	if s.file == nil {
		return bytes.NewReader(s.mem)
	}
	return s.file
}

// close gives back its memory or removes its file.
func (s *spooled) close() {
	if s == nil {
		return
	}
	s.release()
	s.mem = nil
	if s.file != nil {
		s.file.Close()           //nolint:errcheck
		os.Remove(s.file.Name()) //nolint:errcheck
		s.file = nil
	}
}

func (s *spooled) release() {
	if s.room > 0 {
		s.sp.held.Add(-s.room)
		s.room = 0
	}
}

// fileWriter tells the file's write errors from the reader's.
type fileWriter struct {
	f   *os.File
	err error
}

func (w *fileWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	if err != nil {
		w.err = err
	}
	return n, err
}
