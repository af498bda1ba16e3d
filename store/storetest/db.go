// Package storetest gives tests a real PostgreSQL database: an isolated
// database cloned from a migrated template (for code that commits, locks or
// runs in two processes) or a transaction rolled back at the end.
//
// The server is BAOCAO_TEST_DATABASE_URL, by default the local one at
// postgres://postgres@127.0.0.1:5432/postgres.
package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"baocao/migrations"
	"baocao/store"
)

// AdminURL is the server the tests use, on its maintenance database.
func AdminURL() string {
	if u := os.Getenv("BAOCAO_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// URLFor is AdminURL pointed at another database.
func URLFor(t testing.TB, dbname string) string {
	t.Helper()
	cfg, err := pgx.ParseConfig(AdminURL())
	if err != nil {
		t.Fatalf("parse BAOCAO_TEST_DATABASE_URL: %v", err)
	}
	return fmt.Sprintf("postgres://%s@%s:%d/%s?sslmode=disable", cfg.User, cfg.Host, cfg.Port, dbname)
}

// templateName names the migrated template after the migrations' contents, so
// a changed migration gets a fresh template and old ones are never reused.
func templateName(t testing.TB) string {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		h.Write([]byte(path))
		h.Write(b)
		return err
	})
	if err != nil {
		t.Fatalf("hash migrations: %v", err)
	}
	return "baocao_tmpl_" + hex.EncodeToString(h.Sum(nil))[:16]
}

var dbSeq atomic.Int64

// ensureTemplate creates the migrated template database once per server,
// under an advisory lock so parallel test binaries do not race.
func ensureTemplate(ctx context.Context, t testing.TB, admin *pgx.Conn) string {
	name := templateName(t)
	if _, err := admin.Exec(ctx, `SELECT pg_advisory_lock(7242001)`); err != nil {
		t.Fatalf("lock template creation: %v", err)
	}
	defer admin.Exec(ctx, `SELECT pg_advisory_unlock(7242001)`) //nolint:errcheck
	var exists bool
	if err := admin.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		t.Fatalf("look up template: %v", err)
	}
	if exists {
		return name
	}
	building := name + "_building"
	admin.Exec(ctx, `DROP DATABASE IF EXISTS `+building) //nolint:errcheck
	if _, err := admin.Exec(ctx, `CREATE DATABASE `+building); err != nil {
		t.Fatalf("create template: %v", err)
	}
	s, err := store.Open(ctx, URLFor(t, building))
	if err != nil {
		t.Fatalf("open template: %v", err)
	}
	_, err = s.Migrate(ctx)
	s.Close()
	if err != nil {
		t.Fatalf("migrate template: %v", err)
	}
	if _, err := admin.Exec(ctx, `ALTER DATABASE `+building+` RENAME TO `+name); err != nil {
		t.Fatalf("rename template: %v", err)
	}
	return name
}

// NewDB creates an empty, migrated database for this test alone and returns
// its URL; it is dropped when the test ends.
func NewDB(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		t.Fatalf("connect to test PostgreSQL at %s (set BAOCAO_TEST_DATABASE_URL): %v", AdminURL(), err)
	}
	defer admin.Close(ctx)
	tmpl := ensureTemplate(ctx, t, admin)
	name := fmt.Sprintf("baocao_t_%d_%d_%s", os.Getpid(), dbSeq.Add(1), sanitize(t.Name()))
	if len(name) > 63 {
		name = name[:63]
	}
	// CREATE DATABASE … TEMPLATE fails while another session uses the
	// template; template connections are short, so retry briefly.
	for i := 0; ; i++ {
		_, err = admin.Exec(ctx, `CREATE DATABASE "`+name+`" TEMPLATE `+tmpl)
		if err == nil || i == 50 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, AdminURL())
		if err != nil {
			t.Logf("drop test database %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, `DROP DATABASE IF EXISTS "`+name+`" WITH (FORCE)`); err != nil {
			t.Logf("drop test database %s: %v", name, err)
		}
	})
	return URLFor(t, name)
}

// Open gives a Store on a fresh isolated database (see NewDB).
func Open(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), NewDB(t))
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// shared is one migrated database per test binary for Tx.
var shared atomic.Pointer[pgxpool.Pool]

// Tx gives a Store inside a transaction that is rolled back when the test
// ends, on a database shared by the package's tests. Use it for tests that
// neither commit nor depend on other sessions.
func Tx(t testing.TB) *store.Store {
	t.Helper()
	ctx := context.Background()
	pool := shared.Load()
	if pool == nil {
		p, err := pgxpool.New(ctx, NewDBUntracked(t))
		if err != nil {
			t.Fatalf("open shared test database: %v", err)
		}
		if !shared.CompareAndSwap(nil, p) {
			p.Close()
		}
		pool = shared.Load()
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatalf("begin test transaction: %v", err)
	}
	t.Cleanup(func() { tx.Rollback(context.Background()) }) //nolint:errcheck
	return store.OnTx(pool, tx)
}

// NewDBUntracked is NewDB without the drop at the end of the test: the
// shared database lives as long as the test binary and is named after its
// pid, so a later run's DropStale removes it.
func NewDBUntracked(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		t.Fatalf("connect to test PostgreSQL at %s (set BAOCAO_TEST_DATABASE_URL): %v", AdminURL(), err)
	}
	defer admin.Close(ctx)
	tmpl := ensureTemplate(ctx, t, admin)
	dropStale(ctx, admin)
	name := fmt.Sprintf("baocao_shared_%d_%d", os.Getpid(), dbSeq.Add(1))
	if _, err := admin.Exec(ctx, `CREATE DATABASE "`+name+`" TEMPLATE `+tmpl); err != nil {
		t.Fatalf("create shared test database: %v", err)
	}
	return URLFor(t, name)
}

// dropStale removes shared databases of test binaries that have exited.
func dropStale(ctx context.Context, admin *pgx.Conn) {
	rows, err := admin.Query(ctx, `SELECT datname FROM pg_database WHERE datname LIKE 'baocao_shared_%'`)
	if err != nil {
		return
	}
	names, _ := pgx.CollectRows(rows, pgx.RowTo[string])
	for _, n := range names {
		var pid int
		if _, err := fmt.Sscanf(n, "baocao_shared_%d_", &pid); err != nil || processAlive(pid) {
			continue
		}
		admin.Exec(ctx, `DROP DATABASE IF EXISTS "`+n+`" WITH (FORCE)`) //nolint:errcheck
	}
}

func processAlive(pid int) bool {
	_, err := os.Stat(fmt.Sprintf("/proc/%d", pid))
	return err == nil
}

func sanitize(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}
