package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
)

// Every request carries an id: the client's X-Request-ID when it is sane
// (a proxy in front may have set it), else 16 random hex digits. It is
// sent back in X-Request-ID, shown on error answers and pages, and added
// to every log line the request causes (LogHandler), so a clerk's "mã yêu
// cầu" leads to the log lines of that request.

// RequestIDHeader is the header that carries a request's id both ways.
const RequestIDHeader = "X-Request-ID"

// requestInfo is what the outermost middleware learns of a request and the
// inner ones fill in: its id, and the route pattern the mux matched
// (ServeMux sets Pattern on the request it is handed, which the wrappers
// around it never see).
type requestInfo struct {
	id      string
	pattern string
}

type requestInfoKey struct{}

func infoFrom(ctx context.Context) *requestInfo {
	ri, _ := ctx.Value(requestInfoKey{}).(*requestInfo)
	return ri
}

// RequestID is the id of the request ctx belongs to, or "".
func RequestID(ctx context.Context) string {
	if ri := infoFrom(ctx); ri != nil {
		return ri.id
	}
	return ""
}

// saneRequestID accepts an incoming id of 1–64 characters from
// [A-Za-z0-9._-]: anything else could forge or break log lines.
func saneRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range []byte(id) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go ≥ 1.24)
	return hex.EncodeToString(b[:])
}

// withRequestID gives the request its id (see above) and a requestInfo.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(RequestIDHeader)
		if !saneRequestID(id) {
			id = newRequestID()
		}
		w.Header().Set(RequestIDHeader, id)
		ri := &requestInfo{id: id}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestInfoKey{}, ri)))
	})
}

// notePattern runs the mux and records the route pattern it matched.
func notePattern(mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r)
		if ri := infoFrom(r.Context()); ri != nil {
			ri.pattern = r.Pattern
		}
	})
}

// LogHandler wraps h so that every record logged with a request's context
// (s.log.InfoContext(r.Context(), …), and ops' lines during a request)
// carries request_id. cmd wraps the process's logger with it; web.New wraps
// the one it is given when it is not wrapped yet.
func LogHandler(h slog.Handler) slog.Handler {
	if _, ok := h.(requestIDHandler); ok {
		return h
	}
	return requestIDHandler{h}
}

type requestIDHandler struct{ slog.Handler }

func (h requestIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r = r.Clone()
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestIDHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(attrs)}
}

func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(name)}
}
