package web_test

import (
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"baocao/web"
)

// routePatterns is every route the server registers, read from
// routes.go's source (pages) and web.APIRoutes (the API): a route added
// later is walked too.
func routePatterns(t *testing.T) [][2]string {
	t.Helper()
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	var out [][2]string
	for _, m := range regexp.MustCompile(`mux\.Handle(?:Func)?\("(GET|POST|DELETE|PUT) ([^"]+)"`).FindAllStringSubmatch(string(src), -1) {
		out = append(out, [2]string{m[1], m[2]})
	}
	for _, r := range web.APIRoutes() {
		out = append(out, [2]string{r.Method, r.Pattern})
	}
	if len(out) < 40 {
		t.Fatalf("only %d routes found in routes.go and the API", len(out))
	}
	return out
}

// pathOf fills a pattern's wildcards ("/units/{code}") with value.
func pathOf(pattern, value string) string {
	p := regexp.MustCompile(`\{[^}]+\}`).ReplaceAllString(strings.TrimSuffix(pattern, "{$}"), value)
	if strings.HasSuffix(p, "/") && p != "/" {
		p += "x"
	}
	return p
}

// TestSecurityHeadersOnEveryAnswer: every route, as nobody and as an
// administrator, answers — whatever its status — with the strict CSP,
// nosniff, no framing, same-origin referrers and no-store (static files
// and the public page's answers aside, which are cached), and no HSTS on
// a plain-http service.
func TestSecurityHeadersOnEveryAnswer(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &envOptions{BaseURL: "http://baocao.test"})
	for _, rt := range routePatterns(t) {
		for _, who := range []string{"", "admin"} {
			rq := request{method: rt[0], target: pathOf(rt[1], "1"), invalid: true}
			if who != "" {
				rq.cookie = e.token(t, who)
			}
			if rt[0] != http.MethodGet {
				rq.header = map[string]string{"Content-Type": "application/json", "Sec-Fetch-Site": "same-origin"}
				rq.body = "{}"
			}
			w := e.do(t, rq)
			h := w.Header()
			for name, want := range map[string]string{
				"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin",
			} {
				if h.Get(name) != want {
					t.Errorf("%s %s as %q (%d): %s %q", rq.method, rq.target, who, w.Code, name, h.Get(name))
				}
			}
			csp := h.Get("Content-Security-Policy")
			if !strings.Contains(csp, "script-src 'self';") || !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
				t.Errorf("%s %s as %q: CSP %q", rq.method, rq.target, who, csp)
			}
			// The public page's answers are the same for everyone and
			// cached; what it refuses is not.
			public := strings.HasPrefix(rq.target, "/cong-khai") && w.Code == http.StatusOK
			switch cc := h.Get("Cache-Control"); {
			case public && cc != "public, max-age=60":
				t.Errorf("%s %s as %q (%d): Cache-Control %q, want public", rq.method, rq.target, who, w.Code, cc)
			case !public && !strings.HasPrefix(rq.target, "/static/") && cc != "no-store" && rt[1] != "/api/v1/openapi.yaml":
				t.Errorf("%s %s as %q (%d): Cache-Control %q", rq.method, rq.target, who, w.Code, cc)
			}
			if h.Get("Strict-Transport-Security") != "" {
				t.Errorf("%s %s: HSTS on a plain-http service", rq.method, rq.target)
			}
		}
	}
}

// TestHTTPSServiceSendsHSTSAndSecureCookies: with an https address, every
// answer carries HSTS and the session cookie is Secure even when the
// request reached baocao over plain HTTP (a proxy terminating TLS).
func TestHTTPSServiceSendsHSTSAndSecureCookies(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &envOptions{BaseURL: "https://baocao.tinh.gov.vn"})
	admin := e.user(t, "admin")
	w := e.do(t, request{method: http.MethodPost, target: "/login", body: "email=" + admin.Email + "&password=mat-khau-thu-nghiem",
		header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}})
	if !strings.HasPrefix(w.Header().Get("Strict-Transport-Security"), "max-age=") {
		t.Errorf("no HSTS: %q", w.Header().Get("Strict-Transport-Security"))
	}
	var session *http.Cookie
	for _, c := range w.Result().Cookies() {
		if c.Name == web.SessionCookie {
			session = c
		}
	}
	if session == nil || !session.Secure || !session.HttpOnly {
		t.Fatalf("sign-in %d: session cookie %+v", w.Code, session)
	}
	if cc := w.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("the page sign-in that set the session: Cache-Control %q", cc)
	}
	// The API's sign-in answers the token itself: never to be kept.
	api := e.do(t, jsonLogin(admin.Email, "mat-khau-thu-nghiem"))
	if api.Code != http.StatusOK || !strings.Contains(api.Body.String(), `"token"`) || api.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("API sign-in: %d, Cache-Control %q, %.100s", api.Code, api.Header().Get("Cache-Control"), api.Body.String())
	}
}

// TestBadCharactersAre400: a NUL or text that is not UTF-8 anywhere in the
// path or query of any route is a 400 with a Vietnamese message (JSON on
// the API), never reaching a handler, the database or an ERROR log line.
func TestBadCharactersAre400(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	for _, rt := range routePatterns(t) {
		if strings.HasPrefix(rt[1], "/static/") {
			continue
		}
		for _, bad := range []string{"%00", "%FF%FE", "a%00b"} {
			targets := []string{pathOf(rt[1], "1") + "?q=" + bad, pathOf(rt[1], "1") + "?" + bad + "=1"}
			if strings.Contains(strings.TrimSuffix(rt[1], "{$}"), "{") {
				targets = append(targets, pathOf(rt[1], bad))
			}
			for _, target := range targets {
				w := e.do(t, request{method: rt[0], target: target, cookie: e.token(t, "admin"), invalid: true,
					header: map[string]string{"Sec-Fetch-Site": "same-origin"}})
				if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "không hợp lệ") {
					t.Errorf("%s %s: %d %.100s", rt[0], target, w.Code, w.Body.String())
				}
			}
		}
	}
	if n := e.log.count("ERROR"); n > 0 {
		t.Errorf("%d ERROR log lines", n)
	}
}
