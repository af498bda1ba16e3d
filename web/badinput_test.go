package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestBadBodiesAreClearRefusals: a NUL or broken UTF-8 in the sign-in
// e-mail or password — through the API or the page — is a 4xx with a
// Vietnamese message, never a 500 nor an ERROR line; a JSON action over
// 1 MB, or a sign-in over 64 KB, is 413, not a malformed 422.
func TestBadBodiesAreClearRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	for _, bad := range []string{"a\x00b@x.vn", "\xff\xfe@x.vn"} {
		// JSON carries a NUL as \u0000; bytes that are not UTF-8 go raw.
		q, _ := json.Marshal(bad)
		raw := `{"email": ` + string(q) + `, "password": "x"}`
		if !utf8.ValidString(bad) {
			raw = `{"email": "` + bad + `", "password": "x"}`
		}
		code, body := e.callMalformed(t, "", http.MethodPost, "/api/v1/login", raw)
		// Go's JSON decoder turns bytes that are not UTF-8 into U+FFFD: such
		// an e-mail is then simply unknown (401), as it should be.
		if !utf8.ValidString(bad) && code == http.StatusUnauthorized {
			continue
		}
		if code != http.StatusUnprocessableEntity || !strings.Contains(body["message"].(string), "không hợp lệ") {
			t.Errorf("API sign-in with %q: %d %v", bad, code, body)
		}
		form := url.Values{"email": {bad}, "password": {"mat-khau"}}.Encode()
		w := e.do(t, request{method: http.MethodPost, target: "/login", body: form,
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}})
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "không hợp lệ") {
			t.Errorf("page sign-in with %q: %d", bad, w.Code)
		}
	}
	big := `{"email": "a@x.vn", "password": "` + strings.Repeat("x", 70<<10) + `"}`
	if code, body := e.callMalformed(t, "", http.MethodPost, "/api/v1/login", big); code != http.StatusRequestEntityTooLarge || body["error"] != "too_large" {
		t.Errorf("a 70 KB sign-in: %d %v", code, body)
	}
	huge := `{"decision": "returned", "reason": "` + strings.Repeat("x", 2<<20) + `"}`
	if code, body := e.callMalformed(t, "inspector", http.MethodPost, "/api/v1/submissions/1/review", huge); code != http.StatusRequestEntityTooLarge {
		t.Errorf("a 2 MB review: %d %v", code, body)
	}
	if n := e.log.count("ERROR"); n > 0 {
		t.Errorf("%d ERROR log lines", n)
	}
}
