package web

import (
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"baocao/reporting"
)

// Bounded connections and bodies: ~20,000 clients sending a sign-in body
// one byte at a time once held every file descriptor, and /healthz stopped
// answering. Now:
//
//   - a request body must keep coming: a sign-in, JSON action or form must
//     arrive within bodyDeadline; an upload may take up to the server's
//     ReadTimeout in all but must not stall for longer than uploadStall
//     (a minimum transfer rate that a commune's slow link meets, and a
//     client sending nothing does not);
//   - the listener holds at most MaxConns connections (Options.MaxConns),
//     and at most maxConnsPerAddr from one address other than a trusted
//     proxy's (behind the reverse proxy every connection is the proxy's:
//     the proxy limits clients then); beyond, a new connection is closed
//     at once;
//   - at most MaxRequests requests are handled at once (Options); one
//     beyond waits up to RequestWait for its turn, then is answered 503
//     with Retry-After. The probes (/healthz, /readyz, /metrics) are not
//     counted: an overloaded instance still says how it is; nor are
//     uploads, bounded by their own limits (see limitRequests).

const (
	bodyDeadline    = 15 * time.Second
	uploadStall     = 30 * time.Second
	maxConnsPerAddr = 64
	// DefaultMaxConns is Options.MaxConns when zero.
	DefaultMaxConns = 2048
	// DefaultMaxRequests is Options.MaxRequests when zero: far more than
	// two cores serve at once, so only a flood waits.
	DefaultMaxRequests = 256
	// DefaultRequestWait is Options.RequestWait when zero.
	DefaultRequestWait = 2 * time.Second
)

const msgOverloaded = "Hệ thống đang quá tải: quá nhiều yêu cầu cùng lúc. Xin thử lại sau ít giây."

// limitRequests holds each request but the probes to one of MaxRequests
// slots (see the top).
func (s *Server) limitRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/healthz" || r.URL.Path == "/readyz" || r.URL.Path == "/metrics",
			// An upload on a slow link takes minutes to arrive; what it
			// costs is bounded by the upload's own limits (the spool's
			// memory budget, upload.parse_limit), and page views must not
			// wait behind a deadline rush of slow uploads.
			isUpload(r):
			next.ServeHTTP(w, r)
			return
		}
		select {
		case s.requests <- struct{}{}:
		default:
			wait := s.opts.RequestWait
			if wait <= 0 {
				wait = DefaultRequestWait
			}
			timer := time.NewTimer(wait)
			select {
			case s.requests <- struct{}{}:
				timer.Stop()
			case <-timer.C:
				s.overloaded(w, r)
				return
			case <-r.Context().Done():
				timer.Stop()
				w.WriteHeader(statusClientClosed)
				return
			}
		}
		defer func() { <-s.requests }()
		next.ServeHTTP(w, r)
	})
}

// overloaded answers a request that found no slot: 503, Retry-After, in
// JSON under /api/ and as a page elsewhere. It is logged at most once a
// second: a flood must not flood the log too.
func (s *Server) overloaded(w http.ResponseWriter, r *http.Request) {
	if now := time.Now().UnixNano(); now-s.overloadLogged.Load() > int64(time.Second) {
		s.overloadLogged.Store(now)
		s.log.WarnContext(r.Context(), "request refused: every request slot busy", "limit", cap(s.requests), "path", r.URL.Path)
	}
	err := reporting.Errorf(reporting.EUNAVAILABLE, msgOverloaded)
	w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds))
	if strings.HasPrefix(r.URL.Path, "/api/") {
		s.writeError(w, r, err)
		return
	}
	s.pageError(w, r, err)
}

// isUpload says whether a route receives a workbook, which may be slow.
func isUpload(r *http.Request) bool {
	return r.Method == http.MethodPost && (r.URL.Path == "/api/v1/submissions" || strings.HasSuffix(r.URL.Path, "/submissions") ||
		r.URL.Path == "/admin/forms" || r.URL.Path == "/admin/units")
}

// bodyDeadlines sets the read deadline of each request's body: short for
// everything but uploads, which instead must not stall.
func (s *Server) bodyDeadlines(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		if isUpload(r) {
			if r.Body != nil && r.Body != http.NoBody {
				_ = rc.SetReadDeadline(time.Now().Add(uploadStall))
				r.Body = &stallGuard{ReadCloser: r.Body, rc: rc, stall: uploadStall}
			}
		} else {
			// Not available on every ResponseWriter (a test recorder):
			// then the server's own timeouts hold.
			d := s.opts.BodyDeadline
			if d <= 0 {
				d = bodyDeadline
			}
			_ = rc.SetReadDeadline(time.Now().Add(d))
		}
		next.ServeHTTP(w, r)
	})
}

// stallGuard pushes the read deadline forward each time data arrives, so a
// body may be long but not stalled.
type stallGuard struct {
	io.ReadCloser
	rc    *http.ResponseController
	stall time.Duration
}

func (g *stallGuard) Read(p []byte) (int, error) {
	n, err := g.ReadCloser.Read(p)
	if n > 0 {
		_ = g.rc.SetReadDeadline(time.Now().Add(g.stall))
	}
	return n, err
}

// cappedListener closes connections beyond its caps (see the top).
type cappedListener struct {
	net.Listener
	max int
	mu  sync.Mutex
	all int
	per map[string]int
	// exempt hosts have no cap of their own.
	exempt func(host string) bool
}

// newCappedListener caps ln; exempt says which addresses the cap per
// address spares (the trusted proxies).
func newCappedListener(ln net.Listener, max int, exempt func(host string) bool) *cappedListener {
	if max <= 0 {
		max = DefaultMaxConns
	}
	return &cappedListener{Listener: ln, max: max, per: map[string]int{}, exempt: exempt}
}

func (l *cappedListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		host := remoteHost(c)
		l.mu.Lock()
		local := l.exempt(host)
		if l.all >= l.max || (!local && l.per[host] >= maxConnsPerAddr) {
			l.mu.Unlock()
			_ = c.Close()
			continue
		}
		l.all++
		if !local {
			l.per[host]++
		}
		l.mu.Unlock()
		return &countedConn{Conn: c, release: func() { l.release(host, local) }}, nil
	}
}

func (l *cappedListener) release(host string, local bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all--
	if !local {
		if l.per[host]--; l.per[host] <= 0 {
			delete(l.per, host)
		}
	}
}

// countedConn gives its slot back once, when closed.
type countedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *countedConn) Close() error {
	c.once.Do(c.release)
	return c.Conn.Close()
}

func remoteHost(c net.Conn) string {
	host, _, err := net.SplitHostPort(c.RemoteAddr().String())
	if err != nil {
		return c.RemoteAddr().String()
	}
	return host
}
