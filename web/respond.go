package web

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"baocao/reporting"
)

// errorStatus is the one mapping from domain error codes to HTTP statuses.
func errorStatus(code string) int {
	switch code {
	case reporting.ECONFLICT:
		return http.StatusConflict
	case reporting.EINVALID:
		return http.StatusUnprocessableEntity
	case reporting.ENOTFOUND:
		return http.StatusNotFound
	case reporting.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case reporting.EFORBIDDEN:
		return http.StatusForbidden
	case reporting.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// retryAfterSeconds is what a busy answer (503) asks a client to wait.
const retryAfterSeconds = 10

// Error codes of the API's own, beside the domain's (reporting.ECONFLICT, …).
const (
	errMethodNotAllowed = "method_not_allowed"
	errTooManyRequests  = "too_many_requests"
	errTooLarge         = "too_large"
)

const msgMethodNotAllowed = "Địa chỉ này không nhận phương thức %s; chỉ nhận %s."

// errorBody is the one error shape of the API: a code, a Vietnamese
// message and, for a refused upload, every problem found.
type errorBody struct {
	Error    string              `json:"error"`
	Message  string              `json:"message"`
	Problems []reporting.Problem `json:"problems,omitempty"`
	// RequestID names the request in the logs (see requestid.go), for a
	// user to quote.
	RequestID string `json:"request_id,omitempty"`
}

// statusClientClosed is what the access log records for a request whose
// client went away before its answer (nginx's 499); nothing reaches it.
const statusClientClosed = 499

// hungUp answers a request whose client went away while it was handled:
// the failure that followed (a query cancelled with the request's
// context) is the client's leaving, not the server's fault, so it is
// logged as information, with status 499, instead of an ERROR and a 500.
func (s *Server) hungUp(w http.ResponseWriter, r *http.Request, err error) bool {
	if r.Context().Err() == nil || reporting.ErrorCode(err) != reporting.EINTERNAL {
		return false
	}
	s.log.InfoContext(r.Context(), "client went away before the answer", "method", r.Method, "path", r.URL.Path, "err", err)
	w.WriteHeader(statusClientClosed)
	return true
}

// writeError answers err as JSON; internal errors are logged, not shown.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	if s.hungUp(w, r, err) {
		return
	}
	err = unavailableAsSuch(err)
	if tl := (*bodyTooLarge)(nil); errors.As(err, &tl) {
		writeJSON(w, http.StatusRequestEntityTooLarge, errorBody{Error: errTooLarge, Message: tl.Error(), RequestID: RequestID(r.Context())})
		return
	}
	code := reporting.ErrorCode(err)
	if code == reporting.EINTERNAL {
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if ue := (*unavailableError)(nil); errors.As(err, &ue) {
		s.log.WarnContext(r.Context(), "database unavailable", "method", r.Method, "path", r.URL.Path, "err", ue.cause)
	}
	if code == reporting.EUNAVAILABLE {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds))
	}
	writeJSON(w, errorStatus(code), errorBody{Error: code, Message: reporting.ErrorMessage(err), RequestID: RequestID(r.Context())})
}

const msgMaintenance = "Hệ thống đang bảo trì: tạm thời không truy cập được dữ liệu. Xin thử lại sau ít phút."

// unavailableAsSuch turns a failure to reach the database (it is down,
// restarting, the connection broke) into EUNAVAILABLE: a 503 with
// Retry-After and "hệ thống đang bảo trì", not a 500 — clients should
// retry, and nothing is wrong with their request. The cause is logged.
func unavailableAsSuch(err error) error {
	if err == nil || reporting.ErrorCode(err) != reporting.EINTERNAL {
		return err
	}
	var (
		ce *pgconn.ConnectError
		ne net.Error
	)
	if errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNRESET) || pgconn.SafeToRetry(err) || isAdminShutdown(err) {
		return &unavailableError{cause: err}
	}
	return err
}

// isAdminShutdown: the server is shutting down or restarting (57P01–03).
func isAdminShutdown(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && strings.HasPrefix(pe.Code, "57P")
}

// unavailableError is a database outage as the domain says it.
type unavailableError struct{ cause error }

func (e *unavailableError) Error() string { return "database unavailable: " + e.cause.Error() }
func (e *unavailableError) Unwrap() []error {
	return []error{reporting.Errorf(reporting.EUNAVAILABLE, msgMaintenance), e.cause}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		d := time.Since(start)
		route := ""
		if ri := infoFrom(r.Context()); ri != nil {
			route = ri.pattern
		}
		if s.opts.Observer != nil {
			s.opts.Observer.Request(route, r.Method, rec.status, d)
		}
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "http request",
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.String("route", route),
			slog.Int("status", rec.status), slog.Duration("duration", d))
	})
}
