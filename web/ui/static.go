package ui

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

// staticFiles are the embedded static files, read, hashed and gzipped once
// at start: clerks on slow links fetch each version once and keep it.
type staticFiles struct {
	byName map[string]*staticFile
}

type staticFile struct {
	body, gz    []byte
	hash        string // first 16 hex digits of the sha256 of body
	contentType string
}

func newStaticFiles(fsys fs.FS, dir string) (*staticFiles, error) {
	s := &staticFiles{byName: map[string]*staticFile{}}
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		f := &staticFile{body: body, hash: hex.EncodeToString(sum[:8]), contentType: contentType(p)}
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		zw.Write(body)
		zw.Close()
		if gz.Len() < len(body)*9/10 {
			f.gz = gz.Bytes()
		}
		s.byName[strings.TrimPrefix(p, dir+"/")] = f
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read static files: %w", err)
	}
	return s, nil
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".txt":
		return "text/plain; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// url is the address of a static file with its content hash, so a new
// build's file is a new URL and the old one may be cached for a year.
func (s *staticFiles) url(name string) (string, error) {
	f, ok := s.byName[name]
	if !ok {
		return "", fmt.Errorf("static file %q does not exist", name)
	}
	return "/static/" + name + "?v=" + f.hash, nil
}

// StaticHandler serves the embedded static files under /static/ (mount it
// as mux.Handle("GET /static/", r.StaticHandler())). A request carrying
// the current content hash (?v=, as the templates' static func writes it)
// may be cached for a year; any other is revalidated with the ETag. Files
// go gzipped to clients that accept it.
func (r *Renderer) StaticHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		f, ok := r.static.byName[strings.TrimPrefix(req.URL.Path, "/static/")]
		if !ok {
			http.NotFound(w, req)
			return
		}
		h := w.Header()
		etag := `"` + f.hash + `"`
		h.Set("ETag", etag)
		h.Set("Vary", "Accept-Encoding")
		h.Set("X-Content-Type-Options", "nosniff")
		if req.URL.Query().Get("v") == f.hash {
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			h.Set("Cache-Control", "no-cache")
		}
		if inm := req.Header.Get("If-None-Match"); inm != "" && strings.Contains(inm, etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h.Set("Content-Type", f.contentType)
		body := f.body
		if f.gz != nil && acceptsGzip(req) {
			h.Set("Content-Encoding", "gzip")
			body = f.gz
		}
		h.Set("Content-Length", fmt.Sprint(len(body)))
		w.WriteHeader(http.StatusOK)
		if req.Method != http.MethodHead {
			w.Write(body)
		}
	})
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}
