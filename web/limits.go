package web

import (
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
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
//     and at most maxConnsPerAddr from one address other than this
//     machine's (behind the reverse proxy every connection is the
//     proxy's: the proxy limits clients then); beyond, a new connection is
//     closed at once.

const (
	bodyDeadline    = 15 * time.Second
	uploadStall     = 30 * time.Second
	maxConnsPerAddr = 64
	// DefaultMaxConns is Options.MaxConns when zero.
	DefaultMaxConns = 2048
)

// isUpload says whether a route receives a workbook, which may be slow.
func isUpload(r *http.Request) bool {
	return r.Method == http.MethodPost && (r.URL.Path == "/api/v1/submissions" || strings.HasSuffix(r.URL.Path, "/submissions") ||
		r.URL.Path == "/admin/forms")
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
}

func newCappedListener(ln net.Listener, max int) *cappedListener {
	if max <= 0 {
		max = DefaultMaxConns
	}
	return &cappedListener{Listener: ln, max: max, per: map[string]int{}}
}

func (l *cappedListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		host := remoteHost(c)
		l.mu.Lock()
		local := isLoopback(host)
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

func isLoopback(host string) bool {
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
