package web

import (
	"crypto/rand"
	"sync"
	"time"
)

// annotatedFiles keeps the marked-up workbook of a refused upload for the
// user who sent it, so the page listing the problems can link to it
// without storing the refused file. Entries live annotatedTTL and the
// whole keeps at most annotatedMaxBytes (oldest dropped first): this is a
// convenience, not storage. With several instances behind a proxy the
// link works on the instance that refused the file (sticky sessions), or
// the clerk uploads again with "?annotate".
type annotatedFiles struct {
	mu    sync.Mutex
	files map[string]annotatedFile
	order []string
	size  int
}

type annotatedFile struct {
	userID  int64
	name    string
	data    []byte
	expires time.Time
}

const (
	annotatedTTL      = 30 * time.Minute
	annotatedMaxBytes = 64 << 20
)

func newAnnotatedFiles() *annotatedFiles { return &annotatedFiles{files: map[string]annotatedFile{}} }

// put keeps data for userID until now+annotatedTTL and returns its key.
func (a *annotatedFiles) put(userID int64, name string, data []byte, now time.Time) string {
	key := rand.Text()
	a.mu.Lock()
	defer a.mu.Unlock()
	a.files[key] = annotatedFile{userID: userID, name: name, data: data, expires: now.Add(annotatedTTL)}
	a.order = append(a.order, key)
	a.size += len(data)
	for len(a.order) > 0 && (a.size > annotatedMaxBytes || a.files[a.order[0]].expires.Before(now)) {
		a.size -= len(a.files[a.order[0]].data)
		delete(a.files, a.order[0])
		a.order = a.order[1:]
	}
	return key
}

// get is userID's file under key, if it is still kept.
func (a *annotatedFiles) get(userID int64, key string, now time.Time) (annotatedFile, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	f, ok := a.files[key]
	if !ok || f.userID != userID || f.expires.Before(now) {
		return annotatedFile{}, false
	}
	return f, true
}
