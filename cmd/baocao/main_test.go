package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"baocao/store"
	"baocao/store/storetest"
)

// hcm is the configuration's default time zone.
var hcm = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		panic(err)
	}
	return loc
}()

// cliNow is the moment every command of the tests runs at, whatever the
// day they run: 2026-H1 of the small form has been open since December
// and its deadline (16/6/2026) is six weeks away, before any of its
// scheduled reminders.
var cliNow = time.Date(2026, time.May, 4, 9, 0, 0, 0, hcm)

// runCLI runs the root command as a user would, with env as the whole
// environment and the clock stopped at cliNow.
func runCLI(ctx context.Context, t *testing.T, env []string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	root := newRootCmd(&out, &errOut, env, func() time.Time { return cliNow })
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err != nil {
		t.Logf("stderr: %s", errOut.String())
	}
	return out.String(), err
}

// smallFormDB is a new test database with the small commune form loaded,
// and a store on it closed at the end of the test.
func smallFormDB(t *testing.T) (url string, st *store.Store) {
	t.Helper()
	url = storetest.NewDB(t)
	st, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	storetest.SyncFormYAML(t, st, "test-in.yaml", storetest.SmallFormYAML)
	return url, st
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestDemoTwiceDuplicatesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := []string{"BAOCAO_DATABASE_URL=" + storetest.NewDB(t), "BAOCAO_DATA_DIR=" + t.TempDir(), "BAOCAO_LOG_LEVEL=warn"}
	first, err := runCLI(ctx, t, env, "demo", "--no-serve")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(first, "141 created") || strings.Contains(first, "periods: 0 opened") {
		t.Fatalf("first demo run:\n%s", first)
	}
	second, err := runCLI(ctx, t, env, "demo", "--no-serve")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"0 created, 0 new versions, 141 unchanged, 0 closed", "0 created, 0 new versions, 59 unchanged, 0 closed", "periods: 0 opened now with 0 obligations"} {
		if !strings.Contains(second, want) {
			t.Fatalf("second demo run lacks %q:\n%s", want, second)
		}
	}
}

func TestServeAnswersHealthzAndStopsGracefully(t *testing.T) {
	t.Parallel()
	addr := freeAddr(t)
	env := []string{
		"BAOCAO_DATABASE_URL=" + storetest.NewDB(t), "BAOCAO_HTTP_LISTEN=" + addr, "BAOCAO_DATA_DIR=" + t.TempDir(),
		"BAOCAO_SECRET=" + strings.Repeat("s", 40), "BAOCAO_LOG_LEVEL=warn",
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := runCLI(ctx, t, env, "serve")
		done <- err
	}()
	var resp *http.Response
	var err error
	for range 100 {
		resp, err = http.Get("http://" + addr + "/healthz")
		if err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("healthz never answered: %v", err)
	}
	var health map[string]any
	err = json.NewDecoder(resp.Body).Decode(&health)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || err != nil {
		t.Fatalf("healthz %d, %v", resp.StatusCode, err)
	}
	if health["version"] != "dev" || health["database"] != "ok" {
		t.Errorf("healthz %v: want version dev, database ok", health)
	}
	// Ready once this instance's scheduler has taken the leader lock.
	var ready map[string]any
	for range 100 {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		ready = map[string]any{"status": resp.StatusCode}
		_ = json.NewDecoder(resp.Body).Decode(&ready)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if ready["ready"] != true || ready["scheduler_leader"] != "held" || ready["migrations"] != "current" {
		t.Errorf("readyz never ready: %v", ready)
	}
	// The metrics are served, with this request's own count among them.
	if resp, err := http.Get("http://" + addr + "/metrics"); err != nil {
		t.Fatal(err)
	} else {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(b), `baocao_http_requests_total{code="200",method="GET",route="GET /healthz"} 1`) {
			t.Errorf("/metrics %d lacks the healthz request:\n%.2000s", resp.StatusCode, b)
		}
	}
	cancel() // what SIGTERM does through signal.NotifyContext
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve ended with %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
}

func TestServeRefusesBadConfigurationNamingTheKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		env  []string
		want string
	}{
		{[]string{"BAOCAO_SECRET=" + strings.Repeat("s", 40)}, "database.url"},
		{[]string{"BAOCAO_DATABASE_URL=postgres://x@127.0.0.1/x"}, "secret"},
		{[]string{"BAOCAO_TIME_ZONE=Mars/Olympus"}, "time_zone"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			t.Parallel()
			_, err := runCLI(context.Background(), t, tt.env, "serve")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one naming %s", err, tt.want)
			}
		})
	}
}

func TestPeriodsOpenAtAndList(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := []string{"BAOCAO_DATABASE_URL=" + storetest.NewDB(t), "BAOCAO_LOG_LEVEL=warn"}
	out, err := runCLI(ctx, t, env, "periods", "open", "--at", "2024-06-01")
	if err != nil {
		t.Fatal(err)
	}
	// No units yet: periods open, no obligations.
	if !strings.Contains(out, "with 0 obligations") {
		t.Fatalf("periods open: %s", out)
	}
	out, err = runCLI(ctx, t, env, "periods", "list", "--form", "DCCS-XA")
	if err != nil {
		t.Fatal(err)
	}
	// By 1/6/2024: H1 2024 and the annual 2024 (data from 15/12/2023).
	for _, want := range []string{"2024-H1", "6 tháng đầu năm 2024", "Năm 2024"} {
		if !strings.Contains(out, want) {
			t.Fatalf("periods list lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, "2024-H2") {
		t.Fatalf("2024-H2 opened before 15/6/2024? it opens on its data window's first day:\n%s", out)
	}
}
