package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"baocao/config"
	"baocao/mail"
	"baocao/metrics"
	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
	"baocao/web"
)

// The one test world every web test runs in (newEnv):
//
//	province
//	├── d1 "UBND huyện Một"  ── c1 "UBND phường Tân Phú", c2 "UBND xã Tiến Hưng"
//	└── d2 "UBND huyện Hai"  ── c3 "UBND xã Ba"
//
// with the small commune form (storetest.SmallFormYAML) and its 2026-H1
// period open for c1, c2 and c3, nothing filed yet; its people (env.people),
// made and signed in on first use; the actions (ops.Service) and the web
// server on top. One pinned clock, moved only by the test, is the server's
// and the moment the env's sessions start, so a session never expires or
// outlives its time by the wall clock.

var hcm = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		panic(err)
	}
	return loc
}()

// envStart is where every env's clock stands at first: 2026-H1 is open,
// its deadline (16/6/2026) a week ahead.
var envStart = time.Date(2026, time.June, 10, 9, 0, 0, 0, hcm)

// sessionTTL is the server's session lifetime in every env.
const sessionTTL = 8 * time.Hour

// baseURL is the public address e-mails link to in every env.
const baseURL = "https://baocao.test"

// clock is a settable clock: the server's, and the moment of the sessions
// the env creates.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.now = t }

func (c *clock) Advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }

// envOptions change an env from the default; nil is the default.
type envOptions struct {
	// MaxUploadBytes is ops.Options.MaxUploadBytes; 0 is its default.
	MaxUploadBytes int64
	// Loopback picks the loopback address listen will serve on now, and
	// makes it the BaseURL e-mails link to, so a test can follow them.
	Loopback bool
	// Metrics observes ops and the server (env.metrics) and serves them
	// at /metrics.
	Metrics bool
	// BaseURL is ops.Options.BaseURL when Loopback does not set it.
	BaseURL string
	// Settings and LeaderLock are web.Options', for the system page.
	Settings   []config.Setting
	LeaderLock int64
	// Mailer is web.Options': the test e-mail's sender.
	Mailer mail.Sender
	// MaxRequests and RequestWait are web.Options'.
	MaxRequests int
	RequestWait time.Duration
	// DatabaseURL is a database to use (migrated here) instead of a
	// fresh one on the test server.
	DatabaseURL string
}

// env is the whole web app over a database of its own (storetest.Open):
// the test world above, the actions and the server.
type env struct {
	st    *store.Store
	svc   *ops.Service
	clock *clock
	srv   *web.Server
	h     http.Handler
	log   *requestLog
	// metrics is set with envOptions.Metrics.
	metrics *metrics.Metrics

	periodID   int64
	deadline   time.Time
	d1, d2     string
	c1, c2, c3 string
	// people are the users a test may act as, by name (see user).
	people map[string]storetest.UserOpts

	mu     sync.Mutex
	users  map[string]reporting.User
	tokens map[string]string
	// addr is where listen serves, when envOptions.Loopback chose it.
	addr string
}

func newEnv(t testing.TB, o *envOptions) *env {
	t.Helper()
	var opts envOptions
	if o != nil {
		opts = *o
	}
	ctx := context.Background()
	var st *store.Store
	if opts.DatabaseURL == "" {
		st = storetest.Open(t)
	} else {
		var err error
		if st, err = store.Open(ctx, opts.DatabaseURL); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(st.Close)
		if _, err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
	}
	storetest.SyncFormYAML(t, st, "test-in.yaml", storetest.SmallFormYAML)
	e := &env{st: st, clock: &clock{now: envStart}, log: &requestLog{},
		users: map[string]reporting.User{}, tokens: map[string]string{}}
	prov := storetest.Unit(t, st, &storetest.UnitOpts{Kind: reporting.KindProvince}).Code
	e.d1 = storetest.Unit(t, st, &storetest.UnitOpts{Kind: reporting.KindDistrictPC, Parent: prov, Name: "UBND huyện Một"}).Code
	e.d2 = storetest.Unit(t, st, &storetest.UnitOpts{Kind: reporting.KindDistrictPC, Parent: prov, Name: "UBND huyện Hai"}).Code
	e.c1 = storetest.Unit(t, st, &storetest.UnitOpts{Parent: e.d1, Name: "UBND phường Tân Phú"}).Code
	e.c2 = storetest.Unit(t, st, &storetest.UnitOpts{Parent: e.d1, Name: "UBND xã Tiến Hưng"}).Code
	e.c3 = storetest.Unit(t, st, &storetest.UnitOpts{Parent: e.d2, Name: "UBND xã Ba"}).Code
	storetest.OpenDue(t, st, envStart, hcm)
	if err := st.Pool().QueryRow(ctx, `SELECT id, deadline FROM periods WHERE form_code = 'TEST-IN' AND key = '2026-H1'`).
		Scan(&e.periodID, &e.deadline); err != nil {
		t.Fatal(err)
	}
	e.people = map[string]storetest.UserOpts{
		"admin":         {Role: reporting.RoleAdmin},
		"inspector":     {Role: reporting.RoleInspector},
		"supervisor-d1": {Role: reporting.RoleSupervisor, UnitCode: e.d1},
		"supervisor-d2": {Role: reporting.RoleSupervisor, UnitCode: e.d2},
		"clerk-c1":      {Role: reporting.RoleClerk, UnitCode: e.c1},
		"clerk-c2":      {Role: reporting.RoleClerk, UnitCode: e.c2},
	}
	logger := slog.New(e.log)
	base := baseURL
	if opts.Loopback {
		e.addr = freeLoopback(t)
		base = "http://" + e.addr
	} else if opts.BaseURL != "" {
		base = opts.BaseURL
	}
	oo := ops.Options{Secret: storetest.Secret, MaxUploadBytes: opts.MaxUploadBytes, Location: hcm,
		BaseURL: base, Logger: logger}
	wo := web.Options{Store: st, Logger: logger, SessionTTL: sessionTTL, Now: e.clock.Now, Settings: opts.Settings,
		LeaderLock: opts.LeaderLock, MaxRequests: opts.MaxRequests, RequestWait: opts.RequestWait, Mailer: opts.Mailer}
	if opts.Metrics {
		e.metrics = metrics.New(st, metrics.Options{Now: e.clock.Now, Logger: logger})
		oo.Observer, wo.Observer, wo.Metrics = e.metrics, e.metrics, e.metrics.Handler()
	}
	e.svc = ops.New(st, oo)
	wo.Ops = e.svc
	e.srv = web.New(wo)
	e.h = e.srv.Handler()
	return e
}

// user is the person of the world named name (a key of env.people),
// created on first use: hashing a password takes a while.
func (e *env) user(t testing.TB, name string) reporting.User {
	t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	if u, ok := e.users[name]; ok {
		return u
	}
	o, ok := e.people[name]
	if !ok {
		t.Fatalf("no person %q in the test world", name)
	}
	u := storetest.User(t, e.st, &o)
	e.users[name] = u
	return u
}

// token is a session of the person named name, made on first use at the
// clock's moment and lasting sessionTTL, as a sign-in then would.
func (e *env) token(t testing.TB, name string) string {
	t.Helper()
	u := e.user(t, name)
	e.mu.Lock()
	defer e.mu.Unlock()
	if tok, ok := e.tokens[name]; ok {
		return tok
	}
	tok, _, err := e.st.CreateSession(context.Background(), u.ID, sessionTTL, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	e.tokens[name] = tok
	return tok
}

// request is one request to the server; header values "" are left out.
type request struct {
	method, target string
	body           string
	header         map[string]string
	as             string // a person of the world, by bearer token
	cookie         string // a session token, as the browser's cookie
	// invalid: the request breaks openapi.yaml on purpose (the test is of
	// its refusal); only the answer is checked against the document.
	invalid bool
}

// do serves rq in process, checking the request and the answer against
// openapi.yaml (openAPICheck).
func (e *env) do(t testing.TB, rq request) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(rq.method, rq.target, strings.NewReader(rq.body))
	for k, v := range rq.header {
		if v != "" {
			r.Header.Set(k, v)
		}
	}
	if rq.as != "" {
		r.Header.Set("Authorization", "Bearer "+e.token(t, rq.as))
	}
	if rq.cookie != "" {
		r.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: rq.cookie})
	}
	check := openAPICheck(t, r, rq.body, rq.invalid)
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	check(w)
	return w
}

// doFrom is do from the client address addr ("198.51.100.7:5000").
func (e *env) doFrom(t testing.TB, rq request, addr string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(rq.method, rq.target, strings.NewReader(rq.body))
	r.RemoteAddr = addr
	for k, v := range rq.header {
		if v != "" {
			r.Header.Set(k, v)
		}
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return w
}

// call sends a JSON request as who ("" for nobody) and decodes the JSON
// answer.
func (e *env) call(t testing.TB, who, method, target, body string) (int, map[string]any) {
	t.Helper()
	return e.callJSON(t, request{method: method, target: target, body: body, as: who})
}

// callMalformed is call for a request that breaks openapi.yaml on purpose
// (a test of its refusal): only the answer is held to the document.
func (e *env) callMalformed(t testing.TB, who, method, target, body string) (int, map[string]any) {
	t.Helper()
	return e.callJSON(t, request{method: method, target: target, body: body, as: who, invalid: true})
}

func (e *env) callJSON(t testing.TB, rq request) (int, map[string]any) {
	t.Helper()
	method, target, body := rq.method, rq.target, rq.body
	if body != "" {
		rq.header = map[string]string{"Content-Type": "application/json"}
	}
	w := e.do(t, rq)
	var out map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		t.Fatalf("%s %s: %d, not JSON: %s", method, target, w.Code, w.Body)
	}
	return w.Code, out
}

// template is unit's signed workbook for the period, fetched as who.
func (e *env) template(t testing.TB, who, unit string) []byte {
	t.Helper()
	w := e.do(t, request{method: "GET", target: fmt.Sprintf("/units/%s/periods/%d/template.xlsx", unit, e.periodID), as: who})
	if w.Code != http.StatusOK {
		t.Fatalf("template of %s as %s: %d %s", unit, who, w.Code, w.Body)
	}
	return w.Body.Bytes()
}

// filled is unit's template filled with values.
func (e *env) filled(t testing.TB, who, unit string, values map[string]any) []byte {
	t.Helper()
	return storetest.Fill(t, e.template(t, who, unit), values, nil)
}

// upload posts file as who, as the browser's form does, with query
// ("?dry_run=true") after the path.
func (e *env) upload(t testing.TB, who, query string, file []byte) *httptest.ResponseRecorder {
	t.Helper()
	body, ct := multipartBody(t, "báo cáo.xlsx", file)
	return e.do(t, request{method: "POST", target: "/api/v1/submissions" + query, body: body.String(),
		header: map[string]string{"Content-Type": ct}, as: who})
}

func multipartBody(t testing.TB, name string, file []byte) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(file); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf, mw.FormDataContentType()
}

// listen serves the env on a loopback port too, for tests that need a
// real connection, and returns its host:port. The server stops when the
// test ends. Call it once.
func (e *env) listen(t testing.TB) string {
	t.Helper()
	addr := "127.0.0.1:0"
	if e.addr != "" {
		addr = e.addr
	}
	if err := e.srv.Listen(addr); err != nil {
		t.Fatal(err)
	}
	go e.srv.Serve() //nolint:errcheck
	t.Cleanup(func() {
		// A test that failed may leave a request hanging: do not wait for
		// it forever.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		e.srv.Shutdown(ctx) //nolint:errcheck
	})
	return e.srv.Addr()
}

// freeLoopback is a loopback host:port free a moment ago, for a server
// whose address must be known before it starts.
func freeLoopback(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// requestLog is the server's logger: it keeps each "http request" line
// (logged when a request's handler has returned) as "METHOD path status",
// so a test can wait for a request to end.
type requestLog struct {
	mu    sync.Mutex
	lines []string
	more  chan struct{} // closed at the next line
	// levels counts every line logged, by level.
	levels map[slog.Level]int
}

// count is how many lines were logged at level ("ERROR", "WARN", …).
func (l *requestLog) count(level string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return -1
	}
	return l.levels[lv]
}

func (l *requestLog) Enabled(context.Context, slog.Level) bool { return true }
func (l *requestLog) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *requestLog) WithGroup(string) slog.Handler            { return l }

func (l *requestLog) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	if l.levels == nil {
		l.levels = map[slog.Level]int{}
	}
	l.levels[r.Level]++
	l.mu.Unlock()
	if r.Message != "http request" {
		return nil
	}
	var method, path, status string
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "method":
			method = a.Value.String()
		case "path":
			path = a.Value.String()
		case "status":
			status = a.Value.String()
		}
		return true
	})
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, method+" "+path+" "+status)
	if l.more != nil {
		close(l.more)
		l.more = nil
	}
	return nil
}

// ended waits until a request "METHOD path" has been answered and returns
// the line logged for it.
func (l *requestLog) ended(t testing.TB, request string, timeout time.Duration) string {
	t.Helper()
	deadline := time.After(timeout)
	for {
		l.mu.Lock()
		for _, line := range l.lines {
			if strings.HasPrefix(line, request+" ") {
				l.mu.Unlock()
				return line
			}
		}
		if l.more == nil {
			l.more = make(chan struct{})
		}
		more := l.more
		l.mu.Unlock()
		select {
		case <-more:
		case <-deadline:
			t.Fatalf("%s not answered within %s", request, timeout)
		}
	}
}
