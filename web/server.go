// Package web is baocao's HTTP interface: the route table, handlers, the
// JSON API and (later) the server-rendered pages, with one mapping from
// domain errors to HTTP statuses.
package web

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime"
	"sync/atomic"
	"time"

	"baocao/config"
	"baocao/mail"
	"baocao/ops"
	"baocao/store"
	"baocao/web/ui"
)

// Options configure the web server.
type Options struct {
	// Store is the database, for sessions, sign-in and health.
	Store *store.Store
	// Logger receives request and error logs.
	Logger *slog.Logger
	// Build identifies the binary, shown by /healthz.
	Build Build
	// LeaderLock is the advisory lock the scheduler's leader holds
	// (scheduler.LeaderLockKey): /readyz requires some instance to hold
	// it. 0 leaves the check out.
	LeaderLock int64
	// SessionTTL is how long a browser sign-in lasts; zero is
	// DefaultSessionTTL.
	SessionTTL time.Duration
	// Now is the clock for sessions and login throttling; nil is time.Now.
	Now func() time.Time
	// Ops performs every action and read the handlers translate.
	Ops *ops.Service
	// Observer, when set, is told of every answered request, for metrics
	// (package metrics implements it).
	Observer Observer
	// Metrics, when set, is served at GET /metrics (the Prometheus
	// exposition).
	Metrics http.Handler
	// Settings are the configuration in force, secrets masked, for the
	// administrator's system page.
	Settings []config.Setting
	// MaxConns caps the connections held at once (DefaultMaxConns when
	// zero); BodyDeadline is how long a request body other than an
	// upload may take to arrive (15 s when zero); see limits.go.
	MaxConns     int
	BodyDeadline time.Duration
	// MaxRequests caps the requests handled at once
	// (DefaultMaxRequests when zero); one beyond waits up to
	// RequestWait (DefaultRequestWait when zero) for its turn, then is
	// answered 503 "quá tải" (see limits.go).
	MaxRequests int
	RequestWait time.Duration
	// Mailer sends the administrator's test e-mail (the outbox page); nil
	// says the server has no mail configured.
	Mailer mail.Sender
	// TrustedProxies are the reverse proxies whose X-Real-IP or
	// X-Forwarded-For names the client (http.trusted_proxies); loopback
	// when empty (see proxies.go).
	TrustedProxies []netip.Prefix
}

// Observer is told of every answered request: the ServeMux pattern that
// matched ("GET /units/{code}", "" when none did), the method, the status
// and how long it took.
type Observer interface {
	Request(route, method string, status int, d time.Duration)
}

// Server serves baocao over HTTP.
type Server struct {
	opts Options
	log  *slog.Logger
	// spools holds small uploads in memory, up to its budget.
	spools *spooler
	// requests holds a token per request being handled (MaxRequests);
	// overloadLogged is when a refusal was last logged (UnixNano).
	requests       chan struct{}
	overloadLogged atomic.Int64
	ui             *ui.Renderer
	http           *http.Server
	ln             net.Listener
	// annotated keeps the marked-up workbooks of refused uploads a
	// little while, for the page's download link.
	annotated *annotatedFiles
	// hashSlots bounds the password hashings at once (argon2id takes
	// ~19 MiB each), hashWaiting counts the sign-ins holding or awaiting
	// one (see hashSlot).
	hashSlots   chan struct{}
	hashWaiting atomic.Int64
	// public caches the answers of /cong-khai, the same for everyone.
	public publicCache
}

// New builds a server; call Listen then Serve, or ListenAndServe.
func New(opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	opts.Logger = slog.New(LogHandler(opts.Logger.Handler()))
	r, err := ui.New()
	if err != nil {
		// The templates are embedded: a parse error is a bug the render
		// test catches, not a condition to run with.
		panic(fmt.Sprintf("web: parse page templates: %v", err))
	}
	if opts.Ops != nil {
		r.SetLocation(opts.Ops.Location())
	}
	s := &Server{opts: opts, log: opts.Logger, ui: r, annotated: newAnnotatedFiles(), spools: &spooler{budget: spoolMemoryBudget},
		requests: make(chan struct{}, cmp.Or(max(opts.MaxRequests, 0), DefaultMaxRequests)), hashSlots: make(chan struct{}, max(2, runtime.NumCPU()))}
	s.http = &http.Server{
		Handler:           s.routes(),
		ReadHeaderTimeout: 10 * time.Second,
		// Uploads come over slow commune links: allow long bodies.
		ReadTimeout:  10 * time.Minute,
		WriteTimeout: 10 * time.Minute,
		IdleTimeout:  2 * time.Minute,
		ErrorLog:     slog.NewLogLogger(opts.Logger.Handler(), slog.LevelWarn),
	}
	return s
}

// Handler is the server's whole route table, for tests.
func (s *Server) Handler() http.Handler { return s.http.Handler }

// Listen binds addr ("127.0.0.1:0" picks a free port).
func (s *Server) Listen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	s.ln = newCappedListener(ln, s.opts.MaxConns, s.trusted)
	return nil
}

// Addr is the bound address.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Serve answers requests until Shutdown.
func (s *Server) Serve() error {
	if err := s.http.Serve(s.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve http: %w", err)
	}
	return nil
}

// Shutdown stops accepting requests and waits for running ones.
func (s *Server) Shutdown(ctx context.Context) error {
	if err := s.http.Shutdown(ctx); err != nil {
		return fmt.Errorf("shut down http: %w", err)
	}
	return nil
}

// Close stops the server at once, dropping the connections it holds.
func (s *Server) Close() error { return s.http.Close() }
