package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/spf13/pflag"

	"baocao/config"
	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
)

// pgTool finds pg_dump or pg_restore: on the PATH (Debian's wrapper picks
// the cluster's version), else the newest server's bin folder. A backup
// the README tells provinces to make must be tested, so a missing tool
// fails, naming the package.
func pgTool(t *testing.T, name string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	if len(found) == 0 {
		t.Fatalf("%s not found on the PATH or in /usr/lib/postgresql/*/bin: install the Debian package postgresql-client (or postgresql)", name)
	}
	slices.SortFunc(found, func(a, b string) int { return versionOf(a) - versionOf(b) })
	return found[len(found)-1]
}

func versionOf(path string) int {
	var v int
	fmt.Sscan(filepath.Base(filepath.Dir(filepath.Dir(path))), &v) //nolint:errcheck
	return v
}

// TestBackupRestoresEveryOriginal: the README's backup (pg_dump -Fc) of a
// database holding part of the demo, restored with pg_restore into a new
// database, gives back every uploaded original byte for byte and every
// obligation's history.
func TestBackupRestoresEveryOriginal(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pgDump, pgRestore := pgTool(t, "pg_dump"), pgTool(t, "pg_restore")

	// Part of the demo: every unit, form and period, and the reports of the
	// periods whose data window ends from March 2026, through the upload
	// pipeline.
	srcURL := storetest.NewDB(t)
	a := testApp(t, srcURL)
	src, err := store.Open(ctx, srcURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(src.Close)
	if err := a.seedDemo(ctx, src, cliNow, reporting.Day(2026, time.March, 1)); err != nil {
		t.Fatal(err)
	}
	want := storedOriginals(t, src)
	if len(want.sha) < 20 {
		t.Fatalf("the demo part filed %d reports; the test needs a few dozen", len(want.sha))
	}

	dump := filepath.Join(t.TempDir(), "baocao.dump")
	run(t, pgDump, "--format=custom", "--file="+dump, "--dbname="+srcURL)

	dstURL := emptyDB(t)
	run(t, pgRestore, "--exit-on-error", "--single-transaction", "--no-owner", "--dbname="+dstURL, dump)
	dst, err := store.Open(ctx, dstURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(dst.Close)
	got := storedOriginals(t, dst)

	if got.submissions != want.submissions || got.events != want.events {
		t.Fatalf("restored %d submissions and %d obligation events, the original database has %d and %d",
			got.submissions, got.events, want.submissions, want.events)
	}
	t.Logf("%d originals and %d history events restored", got.submissions, got.events)
	for id, sum := range want.sha {
		if !bytes.Equal(got.sha[id], sum) {
			t.Errorf("submission %d: restored sha256 %x, stored %x", id, got.sha[id], sum)
		}
	}
	// The restored database is one the service can run on: migrations are
	// recorded (nothing left to apply) and its status rule answers.
	if n, err := dst.Migrate(ctx); err != nil || n != 0 {
		t.Fatalf("migrate the restored database: %d applied, %v; want none", n, err)
	}
}

// originals is what a backup must keep: every original's checksum, by
// submission, and how many submissions and history events there are.
type originals struct {
	sha                 map[int64][]byte
	submissions, events int
}

// storedOriginals reads every submission's file and checks it against its
// stored sha256, which it returns.
func storedOriginals(t *testing.T, st *store.Store) originals {
	t.Helper()
	ctx := context.Background()
	o := originals{sha: map[int64][]byte{}}
	rows, err := st.Pool().Query(ctx, `SELECT id, sha256, file FROM submissions`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id        int64
			sum, file []byte
		)
		if err := rows.Scan(&id, &sum, &file); err != nil {
			t.Fatal(err)
		}
		if real := sha256.Sum256(file); !bytes.Equal(real[:], sum) {
			t.Errorf("submission %d: the file's sha256 is %x, the stored one %x", id, real, sum)
		}
		o.sha[id] = sum
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	err = st.Pool().QueryRow(ctx, `SELECT (SELECT count(*) FROM submissions), (SELECT count(*) FROM obligation_events)`).
		Scan(&o.submissions, &o.events)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// testApp is the commands' shared state for a test calling them directly,
// configured on the database url alone.
func testApp(t *testing.T, url string) *app {
	t.Helper()
	empty := filepath.Join(t.TempDir(), "baocao.yaml")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	config.Flags(fs)
	if err := fs.Parse([]string{"--config", empty}); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(fs, []string{
		"BAOCAO_DATABASE_URL=" + url, "BAOCAO_DATA_DIR=" + t.TempDir(), "BAOCAO_SECRET=" + strings.Repeat("s", 40),
	})
	if err != nil {
		t.Fatal(err)
	}
	return &app{cfg: cfg, log: slog.New(slog.NewTextHandler(io.Discard, nil)), out: io.Discard, errOut: io.Discard,
		now: func() time.Time { return cliNow }}
}

// emptyDB is a new database with nothing in it, as a restore starts from,
// dropped at the end of the test.
func emptyDB(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	c, err := pgx.Connect(ctx, storetest.AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	name := fmt.Sprintf("baocao_restore_%d", time.Now().UnixNano())
	if _, err := c.Exec(ctx, `CREATE DATABASE "`+name+`" TEMPLATE template0`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), storetest.AdminURL())
		if err != nil {
			t.Logf("drop %s: %v", name, err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(context.Background(), `DROP DATABASE IF EXISTS "`+name+`" WITH (FORCE)`); err != nil {
			t.Logf("drop %s: %v", name, err)
		}
	})
	return storetest.URLFor(t, name)
}

func run(t *testing.T, name string, args ...string) {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out)
	}
}
