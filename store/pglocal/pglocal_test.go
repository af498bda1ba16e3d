package pglocal

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// requireBinaries fails a test needing PostgreSQL's server programs when
// they are absent, naming the Debian package (.ci/test installs it):
// skipping would pass with nothing checked.
func requireBinaries(t *testing.T) {
	t.Helper()
	if len(binDirs(nil)) == 0 {
		t.Fatalf("no PostgreSQL server programs in %s or PATH: apt-get install -y postgresql (.ci/test installs it)", debianBinGlob)
	}
}

// reachableTempDir is a t.TempDir the postgres user can enter: as root the
// cluster runs as that user, and testing creates the temp folder's parent
// 0700.
func reachableTempDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// syncBuffer collects log output written from several goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func queryInt(ctx context.Context, t *testing.T, url, sql string) int {
	t.Helper()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect to %s: %v", url, err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, sql).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

func execSQL(ctx context.Context, t *testing.T, url, sql string) {
	t.Helper()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect to %s: %v", url, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func TestFindLocalServer(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	_, sockErr := os.Stat(filepath.Join(debianSocketDir, fmt.Sprintf(".s.PGSQL.%d", standardPort)))
	if c, err := net.DialTimeout("tcp", fmt.Sprintf("%s:%d", loopbackHost, standardPort), time.Second); err == nil {
		c.Close()
	} else if sockErr != nil {
		t.Fatalf("no PostgreSQL server listens on %s or %s:%d: apt-get install -y postgresql and start its cluster "+
			"(pg_ctlcluster VERSION main start); .ci/test does both", debianSocketDir, loopbackHost, standardPort)
	}

	// A name of our own, so a real baocao database is left alone.
	name := fmt.Sprintf("baocao_pglocal_test_%d_%d", os.Getpid(), time.Now().UnixNano())
	opts := Options{Database: name, Logger: slog.New(slog.DiscardHandler)}

	// Several demos starting at once must all get the database, none an
	// error from the others creating it.
	const racers = 4
	urls := make([]string, racers)
	errs := make([]error, racers)
	var wg sync.WaitGroup
	for i := range racers {
		wg.Go(func() { urls[i], errs[i] = Find(ctx, opts) })
	}
	wg.Wait()
	t.Cleanup(func() {
		cfg, err := pgx.ParseConfig(urls[0])
		if err != nil {
			return
		}
		cfg.Database = "postgres"
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		conn, err := pgx.ConnectConfig(ctx, cfg)
		if err != nil {
			t.Errorf("drop test database: %v", err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP DATABASE IF EXISTS `+pgx.Identifier{name}.Sanitize()+` WITH (FORCE)`); err != nil {
			t.Errorf("drop test database: %v", err)
		}
	})
	for i := range racers {
		if errs[i] != nil {
			t.Fatalf("Find #%d: %v", i, errs[i])
		}
		if urls[i] != urls[0] {
			t.Errorf("Find #%d returned %s, #0 returned %s", i, urls[i], urls[0])
		}
	}

	conn, err := pgx.Connect(ctx, urls[0])
	if err != nil {
		t.Fatalf("connect to found URL %s: %v", urls[0], err)
	}
	defer conn.Close(ctx)
	var got string
	if err := conn.QueryRow(ctx, `SELECT current_database()`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != name {
		t.Errorf("connected to database %q, want %q", got, name)
	}
}

func TestEnsurePrivateCluster(t *testing.T) {
	t.Parallel()
	requireBinaries(t)
	ctx := testContext(t)
	dir := filepath.Join(reachableTempDir(t), "postgres")
	var logs syncBuffer
	opts := Options{DataDir: dir, SkipLocal: true, Logger: slog.New(slog.NewTextHandler(&logs, nil))}

	first, err := Ensure(ctx, opts)
	if err != nil {
		t.Fatalf("first Ensure: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := first.Cluster.Stop(ctx); err != nil {
			t.Errorf("stop at cleanup: %v", err)
		}
	})
	if first.Cluster == nil || first.Source != "private cluster at "+dir {
		t.Fatalf("Ensure = %+v, want a private cluster at %s", first, dir)
	}
	if n := queryInt(ctx, t, first.URL, `SELECT 1`); n != 1 {
		t.Fatalf("SELECT 1 = %d", n)
	}
	execSQL(ctx, t, first.URL, `CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)`)
	made, err := os.Stat(filepath.Join(dir, "PG_VERSION"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(first.Cluster.LogFile); err != nil {
		t.Errorf("server log: %v", err)
	}

	// While it runs: reused as is.
	second, err := Ensure(ctx, opts)
	if err != nil {
		t.Fatalf("second Ensure: %v", err)
	}
	if second.URL != first.URL {
		t.Errorf("second Ensure URL = %s, want %s", second.URL, first.URL)
	}

	// After a stop: started again on the same data and port.
	if err := first.Cluster.Stop(ctx); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if running, err := first.Cluster.running(ctx); err != nil || running {
		t.Fatalf("after Stop running = %v, %v", running, err)
	}
	third, err := Ensure(ctx, opts)
	if err != nil {
		t.Fatalf("third Ensure: %v", err)
	}
	if third.URL != first.URL {
		t.Errorf("third Ensure URL = %s, want %s (port remembered)", third.URL, first.URL)
	}
	if n := queryInt(ctx, t, third.URL, `SELECT n FROM kept`); n != 42 {
		t.Errorf("row kept across restart = %d, want 42", n)
	}
	again, err := os.Stat(filepath.Join(dir, "PG_VERSION"))
	if err != nil {
		t.Fatal(err)
	}
	if !again.ModTime().Equal(made.ModTime()) {
		t.Errorf("PG_VERSION rewritten (%v, then %v): initdb ran twice", made.ModTime(), again.ModTime())
	}
	out := logs.String()
	for msg, want := range map[string]int{
		"initialised private PostgreSQL cluster":     1,
		"started private PostgreSQL cluster":         2,
		"reusing running private PostgreSQL cluster": 1,
	} {
		if got := strings.Count(out, msg); got != want {
			t.Errorf("log has %q %d times, want %d; log:\n%s", msg, got, want, out)
		}
	}
}

func TestEnsureWithoutBinaries(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "postgres")
	_, err := Ensure(testContext(t), Options{
		DataDir:   dir,
		SkipLocal: true,
		BinDirs:   []string{t.TempDir()},
		Logger:    slog.New(slog.DiscardHandler),
	})
	if !errors.Is(err, ErrNoBinaries) {
		t.Fatalf("Ensure error = %v, want ErrNoBinaries", err)
	}
	for _, want := range []string{"apt-get install postgresql", "BAOCAO_DATABASE_URL"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("data folder created despite the error (stat: %v)", err)
	}
}

func TestEnsureDataDirUnreachableAsRoot(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("skipped: needs root, not a tool: only root hands the cluster to the postgres user, whom this test locks out")
	}
	requireBinaries(t)
	parent := t.TempDir() // its own parent is 0700: the postgres user cannot enter
	dir := filepath.Join(parent, "postgres")
	_, err := Ensure(testContext(t), Options{DataDir: dir, SkipLocal: true, Logger: slog.New(slog.DiscardHandler)})
	if err == nil {
		t.Fatal("Ensure succeeded in a folder the postgres user cannot reach")
	}
	if want := "chmod o+x " + filepath.Dir(parent); !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
}

func TestSocketDirFor(t *testing.T) {
	t.Parallel()
	long := "/srv/" + strings.Repeat("a-rather-long-folder-name/", 5) + "postgres"
	tests := []struct {
		dataDir string
		inData  bool
	}{
		{"/work/main/baocao-data/postgres", true},
		{long, false},
	}
	for _, tt := range tests {
		got := socketDirFor(tt.dataDir)
		if (got == tt.dataDir) != tt.inData {
			t.Errorf("socketDirFor(%s) = %s, want in data folder: %v", tt.dataDir, got, tt.inData)
		}
		if len(got)+len("/.s.PGSQL.65535") > maxSocketPath {
			t.Errorf("socketDirFor(%s) = %s, too long for a socket", tt.dataDir, got)
		}
		if again := socketDirFor(tt.dataDir); again != got {
			t.Errorf("socketDirFor(%s) changed between calls: %s, %s", tt.dataDir, got, again)
		}
	}
}

func TestCompareVersions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		sign int
	}{
		{"9.6", "15", -1},
		{"17", "15", 1},
		{"15", "15", 0},
		{"10", "9.6", 1},
	}
	for _, tt := range tests {
		got := compareVersions(tt.a, tt.b)
		if (got > 0) != (tt.sign > 0) || (got < 0) != (tt.sign < 0) {
			t.Errorf("compareVersions(%s, %s) = %d, want sign %d", tt.a, tt.b, got, tt.sign)
		}
	}
}
