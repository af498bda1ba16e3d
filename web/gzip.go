package web

import (
	"compress/gzip"
	"net/http"
	"strings"
	"sync"
)

// Pages and JSON travel gzipped to clients that accept it: a commune on a
// slow link gets a matrix of a hundred units in a tenth of its size.
// Static files are served compressed already (web/ui), and downloads
// (workbooks, PDFs) are compressed formats themselves, so only text/html
// and application/json answers are compressed here.

var gzipWriters = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression); return w }}

// gzipResponses compresses text answers for clients that accept gzip.
func gzipResponses(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") || r.Method == http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		gw := &gzipResponse{ResponseWriter: w}
		defer gw.close()
		next.ServeHTTP(gw, r)
	})
}

// gzipResponse decides at WriteHeader whether to compress, by the answer's
// Content-Type and Content-Encoding.
type gzipResponse struct {
	http.ResponseWriter
	gz      *gzip.Writer
	decided bool
}

func (g *gzipResponse) WriteHeader(status int) {
	if !g.decided {
		g.decided = true
		h := g.Header()
		ct := h.Get("Content-Type")
		if h.Get("Content-Encoding") == "" && (strings.HasPrefix(ct, "text/html") || strings.HasPrefix(ct, "application/json")) &&
			status != http.StatusNoContent && status != http.StatusNotModified {
			h.Del("Content-Length")
			h.Set("Content-Encoding", "gzip")
			h.Add("Vary", "Accept-Encoding")
			g.gz = gzipWriters.Get().(*gzip.Writer)
			g.gz.Reset(g.ResponseWriter)
		}
	}
	g.ResponseWriter.WriteHeader(status)
}

func (g *gzipResponse) Write(b []byte) (int, error) {
	if !g.decided {
		g.WriteHeader(http.StatusOK)
	}
	if g.gz != nil {
		return g.gz.Write(b)
	}
	return g.ResponseWriter.Write(b)
}

func (g *gzipResponse) close() {
	if g.gz != nil {
		g.gz.Close() //nolint:errcheck // the client is gone if this fails
		gzipWriters.Put(g.gz)
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (g *gzipResponse) Unwrap() http.ResponseWriter { return g.ResponseWriter }
