package web_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"baocao/web"
)

// syncBuffer is a log destination safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// lines are the JSON log records written so far.
func (s *syncBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(s.b.Bytes()))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		out = append(out, m)
	}
	return out
}

func TestRequestIDRoundTrip(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	var logs syncBuffer
	srv := web.New(web.Options{Store: e.st, Ops: e.svc, Logger: slog.New(slog.NewJSONHandler(&logs, nil)), Now: e.clock.Now})
	h := srv.Handler()
	serve := func(r *http.Request) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}

	// An upload cut off mid-body: two log lines (the handler's, the
	// request's), both with the client's id; the JSON answer names it.
	body, ctype := multipartBody(t, "x.xlsx", []byte("not a workbook"))
	r := httptest.NewRequest("POST", "/api/v1/submissions", bytes.NewReader(body.Bytes()[:body.Len()-5]))
	r.Header.Set("Content-Type", ctype)
	r.Header.Set("Authorization", "Bearer "+e.token(t, "clerk-c1"))
	r.Header.Set("X-Request-ID", "lb-7.Ab_9")
	w := serve(r)
	if w.Code != http.StatusBadRequest {
		t.Fatalf("upload: %d %s", w.Code, w.Body)
	}
	if got := w.Header().Get("X-Request-ID"); got != "lb-7.Ab_9" {
		t.Errorf("X-Request-ID %q, want the client's", got)
	}
	var answer map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &answer); err != nil {
		t.Fatal(err)
	}
	if answer["request_id"] != "lb-7.Ab_9" {
		t.Errorf("problems answer request_id %v", answer["request_id"])
	}
	var msgs []string
	for _, l := range logs.lines(t) {
		msgs = append(msgs, l["msg"].(string))
		if l["request_id"] != "lb-7.Ab_9" {
			t.Errorf("log line %v lacks the request id", l)
		}
		if l["msg"] == "http request" && l["route"] != "POST /api/v1/submissions" {
			t.Errorf("request line's route %v, want the pattern", l["route"])
		}
	}
	if strings.Join(msgs, "|") != "upload not read|http request" {
		t.Errorf("log lines %q (answer %s)", msgs, w.Body)
	}

	// An id that is not sane is replaced by a fresh one, shown on the
	// error page and in a JSON error.
	hexID := regexp.MustCompile(`^[0-9a-f]{16}$`)
	for _, bad := range []string{"", "a b", strings.Repeat("x", 65), "id\n{\"x\":1}", "ü"} {
		r := httptest.NewRequest("GET", "/no-such-page", nil)
		r.Header.Set("X-Request-ID", bad)
		w := serve(r)
		id := w.Header().Get("X-Request-ID")
		if !hexID.MatchString(id) {
			t.Errorf("incoming %q: id %q, want 16 hex digits", bad, id)
		}
		if w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "Mã yêu cầu: <code>"+id+"</code>") {
			t.Errorf("incoming %q: error page %d without its id %s", bad, w.Code, id)
		}
	}
	w1 := serve(httptest.NewRequest("GET", "/api/v1/me", nil))
	w2 := serve(httptest.NewRequest("GET", "/api/v1/me", nil))
	id1, id2 := w1.Header().Get("X-Request-ID"), w2.Header().Get("X-Request-ID")
	if id1 == id2 || !hexID.MatchString(id1) {
		t.Errorf("generated ids %q, %q: want distinct 16 hex digits", id1, id2)
	}
	if !strings.Contains(w1.Body.String(), `"request_id": "`+id1+`"`) {
		t.Errorf("JSON error without its id: %s", w1.Body)
	}
}
