package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"baocao/store"
	"baocao/store/storetest"
	"baocao/web"
)

const (
	msgBadCredentials = "E-mail hoặc mật khẩu không đúng."
	msgExpired        = "Phiên làm việc đã hết hạn, xin đăng nhập lại."
	msgLoginRequired  = "Bạn cần đăng nhập để tiếp tục."
)

func jsonLogin(email, password string) request {
	b, _ := json.Marshal(map[string]string{"email": email, "password": password})
	return request{method: "POST", target: "/api/v1/login", body: string(b),
		header: map[string]string{"Content-Type": "application/json"}}
}

type loginBody struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	CSRFToken string    `json:"csrf_token"`
	User      struct {
		ID    int64  `json:"id"`
		Email string `json:"email"`
		Role  string `json:"role"`
	} `json:"user"`
	Error   string `json:"error"`
	Message string `json:"message"`
}

func decode(t *testing.T, w *httptest.ResponseRecorder) loginBody {
	t.Helper()
	var b loginBody
	if err := json.Unmarshal(w.Body.Bytes(), &b); err != nil {
		t.Fatalf("response %d %q is not JSON: %v", w.Code, w.Body, err)
	}
	return b
}

// login signs clerk-c1 in with its password.
func (e *env) login(t *testing.T) loginBody {
	t.Helper()
	w := e.do(t, jsonLogin(e.user(t, "clerk-c1").Email, storetest.Password))
	if w.Code != http.StatusOK {
		t.Fatalf("login: %d %s", w.Code, w.Body)
	}
	return decode(t, w)
}

func sessionCookie(w *httptest.ResponseRecorder) *http.Cookie {
	for _, c := range w.Result().Cookies() {
		if c.Name == web.SessionCookie {
			return c
		}
	}
	return nil
}

func TestLogin(t *testing.T) {
	t.Parallel()
	form := func(email, password string) request {
		return request{method: "POST", target: "/api/v1/login",
			body:   url.Values{"email": {email}, "password": {password}}.Encode(),
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}
	}
	withHeader := func(rq request, k, v string) request { rq.header[k] = v; return rq }
	tests := []struct {
		name       string
		rq         func(email string) request
		wantStatus int
		wantMsg    string
		wantSecure bool
	}{
		{"JSON, e-mail in capitals", func(e string) request { return jsonLogin(strings.ToUpper(e), storetest.Password) }, 200, "", false},
		{"form", func(e string) request { return form(e, storetest.Password) }, 200, "", false},
		{"JSON labelled a form, as curl -d sends it", func(e string) request {
			rq := withHeader(jsonLogin(e, storetest.Password), "Content-Type", "application/x-www-form-urlencoded")
			rq.invalid = true // a tolerance, not in openapi.yaml
			return rq
		}, 200, "", false},
		{"from our own page", func(e string) request {
			return withHeader(jsonLogin(e, storetest.Password), "Origin", "http://example.com")
		}, 200, "", false},
		{"over https the cookie is Secure", func(e string) request {
			rq := jsonLogin(e, storetest.Password)
			rq.target = "https://example.com/api/v1/login"
			return rq
		}, 200, "", true},
		{"behind a TLS proxy too", func(e string) request {
			return withHeader(jsonLogin(e, storetest.Password), "X-Forwarded-Proto", "https")
		}, 200, "", true},
		{"wrong password", func(e string) request { return jsonLogin(e, "mat-khau-sai-roi") }, 401, msgBadCredentials, false},
		{"unknown e-mail, same answer", func(string) request { return jsonLogin("ai-do@x.vn", storetest.Password) }, 401, msgBadCredentials, false},
		{"no password", func(e string) request { return form(e, "") }, 422, "Xin nhập e-mail và mật khẩu.", false},
		{"broken JSON", func(string) request {
			return request{method: "POST", target: "/api/v1/login", body: "{", header: map[string]string{"Content-Type": "application/json"}, invalid: true}
		}, 422, "Không đọc được thông tin đăng nhập.", false},
		{"posted from another site", func(e string) request {
			return withHeader(form(e, storetest.Password), "Origin", "https://evil.example")
		}, 403, "Yêu cầu bị từ chối vì không xác định được trang gửi đi. Xin tải lại trang rồi thử lại.", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// A plain-http address: whether the cookie is Secure follows
			// the request (with an https address it always is:
			// TestHTTPSServiceSendsHSTSAndSecureCookies).
			e := newEnv(t, &envOptions{BaseURL: "http://baocao.test"})
			clerk := e.user(t, "clerk-c1")
			w := e.do(t, tt.rq(clerk.Email))
			b := decode(t, w)
			if w.Code != tt.wantStatus {
				t.Fatalf("status %d (%s), want %d", w.Code, w.Body, tt.wantStatus)
			}
			c := sessionCookie(w)
			if tt.wantStatus != http.StatusOK {
				if b.Message != tt.wantMsg || c != nil || b.Token != "" {
					t.Fatalf("refused login: message %q, cookie %v, token %q; want %q and no session", b.Message, c, b.Token, tt.wantMsg)
				}
				return
			}
			if b.Token == "" || b.User.ID != clerk.ID || b.User.Email != clerk.Email || b.User.Role != "clerk" {
				t.Fatalf("login answered %+v, want a token and user %+v", b, clerk)
			}
			if want := e.clock.Now().Add(sessionTTL); !b.ExpiresAt.Equal(want) {
				t.Errorf("expires_at %v, want %v", b.ExpiresAt, want)
			}
			if c == nil || c.Value != b.Token || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" ||
				c.Secure != tt.wantSecure || c.MaxAge != int(sessionTTL.Seconds()) {
				t.Fatalf("cookie %+v, want the token, HttpOnly, SameSite=Lax, Path=/, Secure=%v, Max-Age %v", c, tt.wantSecure, sessionTTL)
			}
			// The token signs in, as a bearer token.
			if w := e.do(t, request{method: "GET", target: "/api/v1/me", header: map[string]string{"Authorization": "Bearer " + b.Token}}); w.Code != 200 {
				t.Errorf("/me with the new token: %d %s", w.Code, w.Body)
			}
		})
	}
}

func TestLoginDisabledUser(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	clerk := e.user(t, "clerk-c1")
	if err := e.st.SetUserActive(context.Background(), clerk.ID, false); err != nil {
		t.Fatal(err)
	}
	w := e.do(t, jsonLogin(clerk.Email, storetest.Password))
	if b := decode(t, w); w.Code != http.StatusForbidden || !strings.Contains(b.Message, "đã bị khóa") || sessionCookie(w) != nil {
		t.Fatalf("disabled user's login: %d %q, want 403 saying the account is locked", w.Code, b.Message)
	}
}

func TestMe(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		rq          func(token string) request
		advance     time.Duration
		wantStatus  int
		wantMsg     string
		wantCSRF    bool
		wantCleared bool // the stale cookie is deleted
	}{
		{"bearer token", func(tok string) request {
			return request{method: "GET", target: "/api/v1/me", header: map[string]string{"Authorization": "Bearer " + tok}}
		}, 0, 200, "", false, false},
		{"lower-case bearer scheme", func(tok string) request {
			return request{method: "GET", target: "/api/v1/me", header: map[string]string{"Authorization": "bearer " + tok}}
		}, 0, 200, "", false, false},
		{"session cookie, with its CSRF token", func(tok string) request {
			return request{method: "GET", target: "/api/v1/me", cookie: tok}
		}, 0, 200, "", true, false},
		{"cookie a minute before expiry", func(tok string) request {
			return request{method: "GET", target: "/api/v1/me", cookie: tok}
		}, sessionTTL - time.Minute, 200, "", true, false},
		{"nothing", func(string) request { return request{method: "GET", target: "/api/v1/me"} }, 0, 401, msgLoginRequired, false, false},
		{"expired cookie", func(tok string) request {
			return request{method: "GET", target: "/api/v1/me", cookie: tok}
		}, sessionTTL, 401, msgExpired, false, true},
		{"expired bearer token", func(tok string) request {
			return request{method: "GET", target: "/api/v1/me", header: map[string]string{"Authorization": "Bearer " + tok}}
		}, sessionTTL + time.Hour, 401, msgExpired, false, false},
		{"made-up token", func(string) request {
			return request{method: "GET", target: "/api/v1/me", header: map[string]string{"Authorization": "Bearer bịa-đặt"}}
		}, 0, 401, msgExpired, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, nil)
			tok := e.login(t).Token
			e.clock.Advance(tt.advance)
			w := e.do(t, tt.rq(tok))
			if w.Code != tt.wantStatus {
				t.Fatalf("status %d %s, want %d", w.Code, w.Body, tt.wantStatus)
			}
			var b struct {
				User      struct{ Email, RoleLabel string } `json:"user"`
				CSRFToken string                            `json:"csrf_token"`
				Message   string                            `json:"message"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &b); err != nil {
				t.Fatal(err)
			}
			if want := e.user(t, "clerk-c1").Email; tt.wantStatus == 200 && b.User.Email != want {
				t.Errorf("/me is %q, want %q", b.User.Email, want)
			}
			if b.Message != tt.wantMsg || (b.CSRFToken != "") != tt.wantCSRF {
				t.Errorf("message %q, csrf_token %q; want %q, a CSRF token %v", b.Message, b.CSRFToken, tt.wantMsg, tt.wantCSRF)
			}
			if tt.wantStatus == 401 && !strings.HasPrefix(w.Header().Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("401 without WWW-Authenticate: Bearer")
			}
			if c := sessionCookie(w); (c != nil && c.MaxAge < 0) != tt.wantCleared {
				t.Errorf("Set-Cookie %v, want the stale cookie cleared: %v", c, tt.wantCleared)
			}
		})
	}
}

// TestCSRF posts to logout, an unsafe request, with the session cookie and
// the various proofs of origin; a refused request must leave the session
// alive and an accepted one end it.
func TestCSRF(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		header func(csrf string) map[string]string
		bearer bool // authenticate with the token as bearer, not the cookie
		wantOK bool
	}{
		{"cookie without Origin or Referer", func(string) map[string]string { return nil }, false, false},
		{"cookie with our Origin", func(string) map[string]string { return map[string]string{"Origin": "http://example.com"} }, false, true},
		{"cookie with another site's Origin", func(string) map[string]string { return map[string]string{"Origin": "http://evil.example"} }, false, false},
		{"cookie with Origin null", func(string) map[string]string { return map[string]string{"Origin": "null"} }, false, false},
		{"cookie with our Referer only", func(string) map[string]string {
			return map[string]string{"Referer": "http://example.com/ky-bao-cao"}
		}, false, true},
		{"browser says same-origin", func(string) map[string]string { return map[string]string{"Sec-Fetch-Site": "same-origin"} }, false, true},
		{"browser says cross-site, whatever Origin claims", func(string) map[string]string {
			return map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "http://example.com"}
		}, false, false},
		{"cookie with the session's CSRF token", func(csrf string) map[string]string { return map[string]string{"X-CSRF-Token": csrf} }, false, true},
		{"cookie with a wrong CSRF token", func(csrf string) map[string]string {
			return map[string]string{"X-CSRF-Token": csrf[:len(csrf)-1] + "x"}
		}, false, false},
		{"bearer token needs no proof", func(string) map[string]string { return nil }, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, nil)
			lb := e.login(t)
			rq := request{method: "POST", target: "/api/v1/logout", header: tt.header(lb.CSRFToken)}
			if rq.header == nil {
				rq.header = map[string]string{}
			}
			if tt.bearer {
				rq.header["Authorization"] = "Bearer " + lb.Token
			} else {
				rq.cookie = lb.Token
			}
			w := e.do(t, rq)
			me := e.do(t, request{method: "GET", target: "/api/v1/me", header: map[string]string{"Authorization": "Bearer " + lb.Token}})
			if tt.wantOK {
				if w.Code != http.StatusNoContent || me.Code != http.StatusUnauthorized {
					t.Fatalf("logout %d %s, then /me %d; want 204 and the session gone", w.Code, w.Body, me.Code)
				}
				return
			}
			if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "không xác định được trang gửi đi") {
				t.Fatalf("logout %d %s, want 403 with the Vietnamese message", w.Code, w.Body)
			}
			if me.Code != http.StatusOK {
				t.Fatalf("/me after a refused logout: %d, want the session alive", me.Code)
			}
		})
	}
}

// TestLoginThrottle plays sequences of sign-in attempts against one e-mail.
func TestLoginThrottle(t *testing.T) {
	t.Parallel()
	type attempt struct {
		right   bool          // the right password
		advance time.Duration // clock moves before the attempt
		want    int
	}
	wrong := attempt{false, 0, 401}
	tests := []struct {
		name     string
		attempts []attempt
	}{
		{"five attempts at once, then even the right password waits a second", []attempt{
			wrong, wrong, wrong, wrong, wrong, {true, 0, 429}, {false, 500 * time.Millisecond, 429}, {true, time.Second, 200},
		}},
		{"each wait doubles: 1 s, 2 s, 4 s", []attempt{
			wrong, wrong, wrong, wrong, wrong,
			{false, time.Second, 401}, {false, time.Second, 429}, {false, time.Second, 401},
			{false, 3 * time.Second, 429}, {false, time.Second, 401}, {true, 7 * time.Second, 429}, {true, time.Second, 200},
		}},
		{"a success starts the count again", []attempt{
			wrong, wrong, wrong, wrong, {true, 0, 200}, wrong, wrong, wrong, wrong, {true, 0, 200},
		}},
		{"attempts spread beyond the window never wait", []attempt{
			wrong, wrong, wrong, wrong, {false, 16 * time.Minute, 401}, wrong, wrong, wrong, {true, 0, 200},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, nil)
			for i, a := range tt.attempts {
				e.clock.Advance(a.advance)
				pw := "mat-khau-sai-roi"
				if a.right {
					pw = storetest.Password
				}
				w := e.do(t, jsonLogin(e.user(t, "clerk-c1").Email, pw))
				if w.Code != a.want {
					t.Fatalf("attempt %d: %d %s, want %d", i+1, w.Code, w.Body, a.want)
				}
				if w.Code == http.StatusTooManyRequests {
					b := decode(t, w)
					retry, err := strconv.Atoi(w.Header().Get("Retry-After"))
					if !strings.HasPrefix(b.Message, "Có nhiều lần đăng nhập liên tiếp") || err != nil || retry < 1 || retry > 15*60 {
						t.Fatalf("429 message %q, Retry-After %q", b.Message, w.Header().Get("Retry-After"))
					}
				}
			}
			// Someone else's account is not affected.
			other := e.user(t, "clerk-c2")
			if w := e.do(t, jsonLogin(other.Email, storetest.Password)); w.Code != 200 {
				t.Fatalf("another user's login: %d %s", w.Code, w.Body)
			}
		})
	}
}

func TestLogoutWithCookieClearsIt(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	lb := e.login(t)
	w := e.do(t, request{method: "POST", target: "/api/v1/logout", cookie: lb.Token, header: map[string]string{"Origin": "http://example.com"}})
	if c := sessionCookie(w); w.Code != http.StatusNoContent || c == nil || c.MaxAge >= 0 {
		t.Fatalf("logout: %d, cookie %v; want 204 and the cookie cleared", w.Code, c)
	}
	events, err := e.st.AuditEvents(context.Background(), store.AuditFilter{Action: "auth."})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, ev := range events {
		actions = append(actions, ev.Action)
	}
	if strings.Join(actions, ",") != "auth.logout,auth.login" {
		t.Errorf("audit trail %v, want the login and the logout", actions)
	}
	// Signing out again is harmless.
	if w := e.do(t, request{method: "POST", target: "/api/v1/logout"}); w.Code != http.StatusNoContent {
		t.Errorf("logout without a session: %d", w.Code)
	}
}
