package pglocal

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Files baocao keeps in the data folder, next to PostgreSQL's own.
const (
	portFileName = "baocao.port"
	logFileName  = "baocao-postgres.log"
)

// preferredPort is tried first for a new cluster: memorable, and off the
// standard 5432 a system server may take later.
const preferredPort = 54329

// maxSocketPath is the longest Unix socket path the kernel accepts
// (sun_path is 108 bytes with its NUL).
const maxSocketPath = 107

// Cluster is a private PostgreSQL cluster in a data folder, running as a
// server on 127.0.0.1.
type Cluster struct {
	// Dir is the absolute data folder.
	Dir string
	// Port is the TCP port the server listens on at 127.0.0.1.
	Port int
	// SocketDir holds the server's Unix socket: Dir when the path is short
	// enough for a socket, else a folder under /tmp.
	SocketDir string
	// LogFile receives the server's log.
	LogFile string
	// BinDir holds the PostgreSQL programs the cluster runs with.
	BinDir string

	run runner
}

// URL connects to database on the cluster as its superuser.
func (c *Cluster) URL(database string) string {
	return fmt.Sprintf("postgres://postgres@%s:%d/%s?sslmode=disable", loopbackHost, c.Port, url.PathEscape(database))
}

// Stop stops the server, rolling back open transactions (pg_ctl's fast
// mode); it does nothing if the server is not running.
func (c *Cluster) Stop(ctx context.Context) error {
	running, err := c.running(ctx)
	if err != nil || !running {
		return err
	}
	if _, err := c.run.run(ctx, "pg_ctl", "stop", "-D", c.Dir, "-m", "fast", "-w", "-t", "60"); err != nil {
		return fmt.Errorf("stop PostgreSQL cluster at %s: %w", c.Dir, err)
	}
	if c.SocketDir != c.Dir {
		// The server removed its socket; the folder under /tmp is ours to
		// tidy, and start makes it again. Not empty means not only ours.
		os.Remove(c.SocketDir) //nolint:errcheck
	}
	return nil
}

// provision returns the cluster in opts.DataDir running, initialising and
// starting it as needed. Other processes may do the same at once; a lock on
// the data folder serialises them.
func provision(ctx context.Context, opts Options) (*Cluster, error) {
	log := opts.Logger
	dir, err := absDataDir(opts.DataDir)
	if err != nil {
		return nil, err
	}
	acct, err := programAccount()
	if err != nil {
		return nil, err
	}
	// Programs first: without them, creating the folder would only leave
	// litter behind the error.
	binDir, err := pickBinDir(ctx, opts.BinDirs, clusterVersion(dir))
	if err != nil {
		return nil, fmt.Errorf("private PostgreSQL cluster at %s: %w", dir, err)
	}
	if err := prepareDataDir(dir, acct); err != nil {
		return nil, err
	}
	unlock, err := lockDir(ctx, dir)
	if err != nil {
		return nil, err
	}
	defer unlock()

	c := &Cluster{
		Dir:       dir,
		SocketDir: socketDirFor(dir),
		LogFile:   filepath.Join(dir, logFileName),
		BinDir:    binDir,
		run:       runner{binDir: binDir, acct: acct},
	}
	if clusterVersion(dir) == "" { // again: another process may have made it meanwhile
		if err := c.initdb(ctx, log); err != nil {
			return nil, err
		}
	}

	running, err := c.running(ctx)
	if err != nil {
		return nil, err
	}
	if running {
		// The server knows the port and socket it started with; our port
		// file may have been edited since.
		if err := c.readPIDFile(); err != nil {
			return nil, err
		}
		log.Info("reusing running private PostgreSQL cluster", "dir", dir, "port", c.Port)
		return c, nil
	}
	if c.Port, err = c.choosePort(log); err != nil {
		return nil, err
	}
	if err := c.start(ctx, log); err != nil {
		return nil, err
	}
	return c, nil
}

// clusterVersion is the major version that made the cluster in dir, or ""
// when there is no cluster yet.
func clusterVersion(dir string) string {
	b, err := os.ReadFile(filepath.Join(dir, "PG_VERSION"))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// prepareDataDir creates the data folder for the account to own. initdb
// requires it private (0700) and insists on owning it.
func prepareDataDir(dir string, acct account) error {
	// Parents readable by all: the postgres user must pass through them.
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return fmt.Errorf("create data folder %s: %w", dir, err)
	}
	if err := acct.checkReachable(dir); err != nil {
		return err
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("create data folder %s: %w", dir, err)
	}
	if clusterVersion(dir) != "" {
		return nil // initdb made it the account's already
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("read data folder %s: %w", dir, err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("data folder %s holds files but no PostgreSQL cluster (no PG_VERSION; "+
			"an interrupted initdb?): empty it or choose another folder", dir)
	}
	return acct.chown(dir)
}

// lockDir takes an exclusive lock on dir, waiting while another baocao holds
// it. Closing the descriptor releases it, and Go opens files close-on-exec,
// so the server we start does not inherit it.
func lockDir(ctx context.Context, dir string) (unlock func(), err error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("lock data folder %s: %w", dir, err)
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { f.Close() }, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("lock data folder %s: %w", dir, err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("wait for another process preparing %s: %w", dir, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// socketDirFor keeps the socket in the data folder when the path fits the
// kernel's limit, and otherwise in a folder under /tmp named after the data
// folder, so it stays the same across starts. (os.TempDir is avoided: TMPDIR
// may be long or out of the postgres user's reach.)
func socketDirFor(dataDir string) string {
	if len(dataDir)+len("/.s.PGSQL.65535") <= maxSocketPath {
		return dataDir
	}
	sum := sha256.Sum256([]byte(dataDir))
	return fmt.Sprintf("/tmp/baocao-pg-%x", sum[:6])
}

// prepareSocketDir creates a socket folder under /tmp for the account. In a
// world-writable /tmp someone else could have planted it, so an existing one
// must be a real folder the account owns.
func prepareSocketDir(dir string, acct account) error {
	if err := os.Mkdir(dir, 0o700); err == nil {
		return acct.chown(dir)
	} else if !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("create socket folder %s: %w", dir, err)
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("check socket folder %s: %w", dir, err)
	}
	if !fi.IsDir() || !acct.owns(fi) {
		return fmt.Errorf("socket folder %s exists but is not a folder owned by PostgreSQL's user: remove it", dir)
	}
	return nil
}

// initdb creates the cluster: UTF8, superuser postgres, trusted local
// connections. C.UTF-8 sorts by code point like C but classifies non-ASCII
// letters (Vietnamese names) properly; minimal systems may lack it.
func (c *Cluster) initdb(ctx context.Context, log *slog.Logger) error {
	args := []string{"-D", c.Dir, "--username=postgres", "--auth=trust", "--encoding=UTF8"}
	locale := "C.UTF-8"
	out, err := c.run.run(ctx, "initdb", append(args, "--locale="+locale)...)
	if err != nil && bytes.Contains(out, []byte("invalid locale")) {
		log.Warn("locale C.UTF-8 missing; initialising the cluster with locale C", "dir", c.Dir)
		locale = "C"
		_, err = c.run.run(ctx, "initdb", append(args, "--locale="+locale)...)
	}
	if err != nil {
		return fmt.Errorf("initialise PostgreSQL cluster at %s: %w", c.Dir, err)
	}
	log.Info("initialised private PostgreSQL cluster", "dir", c.Dir, "bin", c.BinDir, "locale", locale)
	return nil
}

// running asks pg_ctl, which checks that postmaster.pid names a live
// process, so a pid file left by a crash does not count.
func (c *Cluster) running(ctx context.Context) (bool, error) {
	_, err := c.run.run(ctx, "pg_ctl", "status", "-D", c.Dir)
	if err == nil {
		return true, nil
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 3 { // "no server running"
		return false, nil
	}
	return false, fmt.Errorf("check PostgreSQL cluster at %s: %w", c.Dir, err)
}

// readPIDFile takes the port and socket folder of the running server from
// postmaster.pid (lines 4 and 5).
func (c *Cluster) readPIDFile() error {
	b, err := os.ReadFile(filepath.Join(c.Dir, "postmaster.pid"))
	if err != nil {
		return fmt.Errorf("read running cluster's port: %w", err)
	}
	lines := strings.Split(string(b), "\n")
	if len(lines) < 5 {
		return fmt.Errorf("read running cluster's port: postmaster.pid at %s is incomplete", c.Dir)
	}
	port, err := strconv.Atoi(strings.TrimSpace(lines[3]))
	if err != nil {
		return fmt.Errorf("read running cluster's port from postmaster.pid at %s: %w", c.Dir, err)
	}
	c.Port = port
	if s := strings.TrimSpace(lines[4]); s != "" {
		c.SocketDir = s
	}
	return nil
}

// choosePort returns the port remembered in the data folder, so the URL
// stays the same across starts; a new cluster, or one whose port something
// else has taken meanwhile, gets a free one, remembered from then on.
func (c *Cluster) choosePort(log *slog.Logger) (int, error) {
	path := filepath.Join(c.Dir, portFileName)
	if b, err := os.ReadFile(path); err == nil {
		port, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err == nil && portFree(port) {
			return port, nil
		}
		log.Warn("remembered port of private PostgreSQL cluster is taken or invalid; choosing another",
			"dir", c.Dir, "port", strings.TrimSpace(string(b)))
	}
	port := preferredPort
	if !portFree(port) {
		l, err := net.Listen("tcp", net.JoinHostPort(loopbackHost, "0"))
		if err != nil {
			return 0, fmt.Errorf("find a free port for PostgreSQL: %w", err)
		}
		port = l.Addr().(*net.TCPAddr).Port
		l.Close()
	}
	if err := os.WriteFile(path, []byte(strconv.Itoa(port)+"\n"), 0o644); err != nil {
		return 0, fmt.Errorf("remember PostgreSQL port: %w", err)
	}
	return port, nil
}

func portFree(port int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort(loopbackHost, strconv.Itoa(port)))
	if err != nil {
		return false
	}
	l.Close()
	return true
}

// start starts the server on 127.0.0.1 only and waits until it accepts
// connections. pg_ctl detaches it into its own session, so it outlives
// baocao: the next start finds it running.
func (c *Cluster) start(ctx context.Context, log *slog.Logger) error {
	if c.SocketDir != c.Dir {
		if err := prepareSocketDir(c.SocketDir, c.run.acct); err != nil {
			return err
		}
	}
	// pg_ctl hands -o to /bin/sh, hence the quoting of the one path in it.
	serverOpts := fmt.Sprintf("-p %d -k %s -c listen_addresses=%s", c.Port, shellQuote(c.SocketDir), loopbackHost)
	_, err := c.run.run(ctx, "pg_ctl", "start", "-w", "-t", "60", "-D", c.Dir, "-l", c.LogFile, "-o", serverOpts)
	if err != nil {
		return fmt.Errorf("start PostgreSQL cluster at %s: %w\nserver log %s:%s", c.Dir, err, c.LogFile, logTail(c.LogFile))
	}
	log.Info("started private PostgreSQL cluster", "dir", c.Dir, "port", c.Port, "socket", c.SocketDir, "log", c.LogFile)
	return nil
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// logTail is the end of the server log, where a failed start says why.
func logTail(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return " (unreadable: " + err.Error() + ")"
	}
	defer f.Close()
	const window = 4096
	if fi, err := f.Stat(); err == nil && fi.Size() > window {
		f.Seek(fi.Size()-window, io.SeekStart) //nolint:errcheck // reading from the start is fine too
	}
	b, _ := io.ReadAll(f)
	return tail(b)
}
