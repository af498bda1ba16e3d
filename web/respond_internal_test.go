package web

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"baocao/reporting"
)

// A busy service (every parse slot taken past upload.parse_wait) answers
// 503 with Retry-After and its Vietnamese message; other errors carry no
// Retry-After.
func TestBusyAnswers503WithRetryAfter(t *testing.T) {
	t.Parallel()
	s := &Server{log: slog.New(slog.DiscardHandler)}
	req := httptest.NewRequest(http.MethodPost, "/api/v1/submissions", nil)

	rec := httptest.NewRecorder()
	s.writeError(rec, req, reporting.Errorf(reporting.EUNAVAILABLE, "Hệ thống đang bận. Xin thử lại sau ít phút."))
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), "thử lại sau") {
		t.Fatalf("busy: %d, Retry-After %q, body %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}

	rec = httptest.NewRecorder()
	s.writeError(rec, req, reporting.Errorf(reporting.EINVALID, "sai"))
	if rec.Code != http.StatusUnprocessableEntity || rec.Header().Get("Retry-After") != "" {
		t.Fatalf("invalid: %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
	}
}
