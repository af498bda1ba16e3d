package ui

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"baocao/store/storetest"
)

// fixtureServer serves the fixture pages as the real server would: the
// pages with their headers (CSP included) and the static files.
func fixtureServer(t *testing.T) (*httptest.Server, *loginLog) {
	r := newTestRenderer(t)
	logins := &loginLog{}
	mux := http.NewServeMux()
	mux.Handle("GET /static/", r.StaticHandler())
	page := func(name string, p Page) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			if err := r.Render(w, name, p); err != nil {
				t.Errorf("render %s: %v", name, err)
			}
		}
	}
	pages := pageFixtures()
	mux.HandleFunc("GET /login", page("sign-in", pages["sign-in"][0]))
	mux.HandleFunc("GET /login/locked", page("sign-in", pages["sign-in"][2]))
	mux.HandleFunc("GET /error/404", page("error", pages["error"][0]))
	mux.HandleFunc("GET /error/403", page("error", pages["error"][1]))
	mux.HandleFunc("GET /components", page("components", pages["components"][0]))
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, req *http.Request) {
		req.ParseForm()
		logins.add(req.PostForm)
		page("error", ErrorPage(http.StatusNotFound, "signed in as "+req.PostForm.Get("email")))(w, req)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, logins
}

type loginLog struct {
	mu   sync.Mutex
	form []url.Values
}

func (l *loginLog) add(v url.Values) { l.mu.Lock(); l.form = append(l.form, v); l.mu.Unlock() }
func (l *loginLog) last() url.Values {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.form) == 0 {
		return nil
	}
	return l.form[len(l.form)-1]
}

// TestPagesInBrowser loads each real page and the components fixture in
// Chromium: the scripts load under the CSP, axe finds nothing serious, and
// screenshots at both sizes land in testdata/out/ to be looked at.
func TestPagesInBrowser(t *testing.T) {
	srv, _ := fixtureServer(t)
	for _, tc := range []struct{ name, path, h1 string }{
		{"sign-in", "/login", "Đăng nhập"},
		{"sign-in-locked", "/login/locked", "Đăng nhập"},
		{"error-404", "/error/404", "Không tìm thấy trang"},
		{"error-403", "/error/403", "Bạn không có quyền xem trang này"},
		{"components", "/components", "Các thành phần giao diện"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := storetest.Tab(t)
			storetest.Navigate(t, ctx, srv.URL+tc.path)
			if got := storetest.Text(t, ctx, "h1"); got != tc.h1 {
				t.Errorf("h1 %q, want %q", got, tc.h1)
			}
			// htmx and app.js ran although the CSP forbids inline code.
			if !storetest.Eval[bool](t, ctx, `typeof htmx === "object" && htmx.version === "2.0.11" && document.documentElement.classList.contains("js")`) {
				t.Error("htmx or app.js did not run")
			}
			storetest.AxeCheck(t, ctx)
			storetest.Screenshots(t, ctx, tc.name)
		})
	}
}

// TestSignInWithoutJavaScript signs in with scripts off: the form is a
// plain form posting to /login.
func TestSignInWithoutJavaScript(t *testing.T) {
	srv, logins := fixtureServer(t)
	ctx := storetest.Tab(t)
	storetest.DisableJavaScript(t, ctx)
	storetest.Navigate(t, ctx, srv.URL+"/login/locked")
	if got := storetest.Text(t, ctx, "#locked-out"); !strings.Contains(got, "sai quá 5 lần") {
		t.Errorf("lock-out message %q", got)
	}
	storetest.Screenshots(t, ctx, "sign-in-nojs")
	storetest.FillForm(t, ctx, map[string]string{"#f-email": "thanhtra@snv.gov.vn", "#f-password": "mật khẩu đúng"})
	storetest.Click(t, ctx, "button[type=submit]")
	storetest.Text(t, ctx, ".error-detail") // waits for the answer page
	got := logins.last()
	if got.Get("email") != "thanhtra@snv.gov.vn" || got.Get("password") != "mật khẩu đúng" {
		t.Errorf("posted %v", got)
	}
	if storetest.Eval[bool](t, ctx, `document.documentElement.classList.contains("js")`) {
		t.Error("app.js ran with JavaScript disabled")
	}
}

// TestSignInPageWeight reports what a clerk's slow link carries for the
// sign-in page: HTML, CSS and JS, gzipped, and keeps it under budget.
func TestSignInPageWeight(t *testing.T) {
	t.Parallel()
	r := newTestRenderer(t)
	rec := httptest.NewRecorder()
	if err := r.Render(rec, "sign-in", pageFixtures()["sign-in"][0]); err != nil {
		t.Fatal(err)
	}
	var z bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&z, gzip.DefaultCompression)
	zw.Write(rec.Body.Bytes())
	zw.Close()
	total := z.Len()
	parts := []string{"html " + itoa(rec.Body.Len()) + " → " + itoa(z.Len())}
	for _, name := range []string{"app.css", "htmx.min.js", "app.js"} {
		f := r.static.byName[name]
		n := len(f.body)
		if f.gz != nil {
			n = len(f.gz)
		}
		total += n
		parts = append(parts, name+" "+itoa(len(f.body))+" → "+itoa(n))
	}
	t.Logf("sign-in page weight, gzipped: %s bytes (%s)", itoa(total), strings.Join(parts, ", "))
	if total > 30_000 {
		t.Errorf("sign-in page weighs %d bytes gzipped; budget 30 000", total)
	}
}

func itoa(n int) string { s, _ := number(n); return s }

// axeRecorder is a testing.TB that keeps the errors AxeCheck reports.
type axeRecorder struct {
	testing.TB
	errors []string
}

func (r *axeRecorder) Error(args ...any) {
	r.errors = append(r.errors, strings.TrimSpace(fmt.Sprintln(args...)))
}
func (r *axeRecorder) Log(args ...any) {}

// TestAxeCheckFails proves the accessibility check bites: a page with an
// unlabelled field and grey-on-grey text fails it.
func TestAxeCheckFails(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, `<!doctype html><html lang="vi"><title>x</title><main><h1>x</h1>`+
			`<input type="text"><p style="color:#bbb;background:#ccc">chữ mờ</p></main></html>`)
	}))
	defer srv.Close()
	ctx := storetest.Tab(t)
	storetest.Navigate(t, ctx, srv.URL)
	rec := &axeRecorder{TB: t}
	storetest.AxeCheck(rec, ctx)
	got := strings.Join(rec.errors, "\n")
	for _, rule := range []string{"axe label [critical]", "axe color-contrast [serious]"} {
		if !strings.Contains(got, rule) {
			t.Errorf("AxeCheck did not report %q; reported:\n%s", rule, got)
		}
	}
}

// TestPageWatchCatchesCSPViolationsAndExceptions proves the check every
// browser tab runs (storetest.Tab) bites: a page with an inline script
// and an inline style under a strict policy, and a script of its own that
// throws, are all reported.
func TestPageWatchCatchesCSPViolationsAndExceptions(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'")
		fmt.Fprint(w, `<!doctype html><html lang="vi"><title>x</title><main><h1>x</h1>`+
			`<script>document.title = "inline";</script><style>h1 { color: red }</style>`+
			`<script src="/boom.js"></script></main></html>`)
	})
	mux.HandleFunc("GET /boom.js", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprint(w, `throw new Error("nổ");`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	ctx, watch := storetest.UnwatchedTab(t)
	storetest.Navigate(t, ctx, srv.URL)
	// The reports arrive as events, shortly after the load.
	deadline := time.Now().Add(5 * time.Second)
	for len(watch.Problems()) < 3 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	got := strings.Join(watch.Problems(), "\n")
	for _, want := range []string{"script-src", "style-src", "nổ"} {
		if !strings.Contains(got, want) {
			t.Errorf("the watch did not report %q; reported:\n%s", want, got)
		}
	}
}
