package pglocal

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os/user"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Where a Debian server listens by default. The socket comes first: Debian's
// pg_hba.conf lets OS users in by peer authentication there, while TCP asks
// for a password by default.
const (
	debianSocketDir = "/var/run/postgresql"
	loopbackHost    = "127.0.0.1"
	standardPort    = 5432
)

// ErrNoLocalServer means no PostgreSQL server on this machine both answered
// and let us create the database.
var ErrNoLocalServer = errors.New("no usable local PostgreSQL server")

// probe is one way to reach a local server.
type probe struct{ host, user string }

func (p probe) url(database string) string {
	u := url.URL{Scheme: "postgres", User: url.User(p.user), Path: "/" + database}
	q := url.Values{"sslmode": {"disable"}}
	if strings.HasPrefix(p.host, "/") {
		// A socket folder goes in the query: the authority part of a URL
		// cannot hold a path.
		q.Set("host", p.host)
		q.Set("port", fmt.Sprint(standardPort))
	} else {
		u.Host = fmt.Sprintf("%s:%d", p.host, standardPort)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func localProbes() []probe {
	users := []string{"postgres"}
	// Peer authentication admits the OS user under its own name.
	if u, err := user.Current(); err == nil && u.Username != "postgres" {
		users = append(users, u.Username)
	}
	var ps []probe
	for _, host := range []string{debianSocketDir, loopbackHost} {
		for _, name := range users {
			ps = append(ps, probe{host, name})
		}
	}
	return ps
}

// Find looks for a PostgreSQL server already running on this machine, on
// Debian's Unix socket or on 127.0.0.1:5432, as user postgres or as the
// current OS user, and returns the URL of opts.Database on the first that
// lets us in, creating the database if missing. It fails with an error
// wrapping ErrNoLocalServer, listing why each attempt failed, when none does.
func Find(ctx context.Context, opts Options) (string, error) {
	opts = opts.withDefaults()
	var reasons []string
	for _, p := range localProbes() {
		created, err := createDatabase(ctx, p.url("postgres"), opts.Database, opts.ProbeTimeout)
		if err != nil {
			if ctx.Err() != nil {
				return "", fmt.Errorf("look for a local PostgreSQL server: %w", ctx.Err())
			}
			opts.Logger.Debug("local PostgreSQL probe failed", "host", p.host, "user", p.user, "err", err)
			reasons = append(reasons, fmt.Sprintf("%s as %s: %v", p.host, p.user, err))
			continue
		}
		opts.Logger.Info("using local PostgreSQL server", "host", p.host, "port", standardPort,
			"user", p.user, "database", opts.Database, "created", created)
		return p.url(opts.Database), nil
	}
	return "", fmt.Errorf("%w: %s", ErrNoLocalServer, strings.Join(reasons, "; "))
}

// createDatabase connects to the server's maintenance database at adminURL
// and creates database name unless it exists. It is safe against another
// process doing the same at the same moment.
func createDatabase(ctx context.Context, adminURL, name string, timeout time.Duration) (created bool, err error) {
	cfg, err := pgx.ParseConfig(adminURL)
	if err != nil {
		return false, fmt.Errorf("parse database url: %w", err)
	}
	cfg.ConnectTimeout = timeout
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn, err := pgx.ConnectConfig(cctx, cfg)
	if err != nil {
		return false, fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))

	// Looking first spares users without CREATEDB, whose database an
	// administrator made for them, a needless permission error.
	var exists bool
	err = conn.QueryRow(cctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists)
	if err != nil {
		return false, fmt.Errorf("look up database %s: %w", name, err)
	}
	if exists {
		return false, nil
	}
	// CREATE DATABASE cannot run in a transaction, so no lock can cover the
	// check above: a concurrent creator makes ours fail with
	// duplicate_database, or unique_violation on pg_database's name index
	// if both got past the server's own check, and either means "exists".
	_, err = conn.Exec(cctx, `CREATE DATABASE `+pgx.Identifier{name}.Sanitize())
	var pe *pgconn.PgError
	if errors.As(err, &pe) && (pe.Code == "42P04" || pe.Code == "23505") {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("create database %s: %w", name, err)
	}
	return true, nil
}
