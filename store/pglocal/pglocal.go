// Package pglocal gives `baocao demo` a PostgreSQL database when none is
// configured, so the demo runs on a fresh Debian machine with nothing but the
// postgresql package installed.
//
// Ensure first looks for a server already running on this machine (Find);
// failing that it provisions a private cluster in a data folder from the
// PostgreSQL binaries installed on the machine, and starts it on 127.0.0.1.
// The private cluster is left running when baocao exits, so the next start
// is instant and finds the same data; Cluster.Stop stops it (tests do).
//
// PostgreSQL refuses to run as root. When baocao runs as root, the cluster's
// programs run as the "postgres" system user the Debian package creates, which
// therefore must own the data folder and be able to reach it: every parent
// folder must let that user through (o+x). A folder that doesn't is reported,
// with the chmod that fixes it, rather than silently loosened.
//
// The private cluster trusts every connection from this machine (initdb
// --auth=trust, listening on 127.0.0.1 only): it holds demo data, and a
// password would be one more thing to configure. Production points
// BAOCAO_DATABASE_URL at a real server instead.
package pglocal

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"
)

// Options say where to look for and put the database. The zero value is the
// demo's configuration.
type Options struct {
	// DataDir is the private cluster's data folder, created if missing. The
	// default is baocao-data/postgres under the working directory.
	DataDir string
	// Database is the database created and returned; default "baocao".
	Database string
	// SkipLocal skips looking for a running server and always uses the
	// private cluster (tests force provisioning with it).
	SkipLocal bool
	// BinDirs are the folders searched for initdb, pg_ctl and postgres, in
	// order. Empty means Debian's /usr/lib/postgresql/*/bin, highest version
	// first, then PATH.
	BinDirs []string
	// ProbeTimeout bounds each attempt to reach a running server, so a
	// machine without one moves on to provisioning quickly; default 2 s.
	ProbeTimeout time.Duration
	// Logger receives what was found and done; default slog.Default().
	Logger *slog.Logger
}

// Defaults, in one place.
const (
	defaultDataDir      = "baocao-data/postgres"
	defaultDatabase     = "baocao"
	defaultProbeTimeout = 2 * time.Second
)

func (o Options) withDefaults() Options {
	if o.DataDir == "" {
		o.DataDir = defaultDataDir
	}
	if o.Database == "" {
		o.Database = defaultDatabase
	}
	if o.ProbeTimeout <= 0 {
		o.ProbeTimeout = defaultProbeTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// Result is the database Ensure settled on.
type Result struct {
	// URL connects to the database as a superuser.
	URL string
	// Source says where the database lives, for the demo's banner:
	// "local server" or "private cluster at DIR".
	Source string
	// Cluster is the private cluster, nil when a local server was used.
	Cluster *Cluster
}

// Ensure returns a database to run on: one on a PostgreSQL server already
// running on this machine if one lets us in, else one in the private cluster
// in opts.DataDir, initialised and started as needed.
func Ensure(ctx context.Context, opts Options) (Result, error) {
	opts = opts.withDefaults()
	var localErr error
	if !opts.SkipLocal {
		url, err := Find(ctx, opts)
		if err == nil {
			return Result{URL: url, Source: "local server"}, nil
		}
		if ctx.Err() != nil {
			return Result{}, err
		}
		localErr = err
		opts.Logger.Info("no usable local PostgreSQL server; using a private cluster", "reason", err)
	}
	c, err := provision(ctx, opts)
	if err != nil {
		if localErr != nil {
			// Both ways failed; the user may want to fix either.
			return Result{}, fmt.Errorf("%w (and %v)", err, localErr)
		}
		return Result{}, err
	}
	url := c.URL(opts.Database)
	created, err := createDatabase(ctx, c.URL("postgres"), opts.Database, 10*time.Second)
	if err != nil {
		return Result{}, fmt.Errorf("private cluster at %s: %w", c.Dir, err)
	}
	opts.Logger.Info("using private PostgreSQL cluster", "dir", c.Dir, "port", c.Port,
		"database", opts.Database, "created", created, "log", c.LogFile)
	return Result{URL: url, Source: "private cluster at " + c.Dir, Cluster: c}, nil
}

// ErrNoBinaries means no PostgreSQL server programs were found to provision
// a private cluster with.
var ErrNoBinaries = errors.New("no PostgreSQL server programs (initdb, pg_ctl, postgres) found")

// absDataDir resolves the data folder once, so logs, the socket path and
// pg_ctl all name the same absolute folder whatever the working directory of
// the programs we start.
func absDataDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("resolve data folder %s: %w", dir, err)
	}
	return abs, nil
}
