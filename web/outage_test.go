package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/store/pglocal"
	"baocao/store/storetest"
	"baocao/web"
)

// TestDatabaseOutageIs503: with the database gone, the API answers 503
// with Retry-After and the maintenance message, pages the Vietnamese
// maintenance page — not a 500, not a trip to the sign-in page — and
// nothing is logged as an ERROR.
func TestDatabaseOutageIs503(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, nil)
	token := e.token(t, "inspector")
	srv := web.New(web.Options{Store: e.st, Ops: e.svc, Logger: slog.New(e.log), Now: e.clock.Now})
	h := srv.Handler()
	admin, err := pgx.Connect(ctx, storetest.AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	var db string
	if err := e.st.Pool().QueryRow(ctx, `SELECT current_database()`).Scan(&db); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(ctx, `DROP DATABASE "`+db+`" WITH (FORCE)`); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ target, want string }{
		{"/api/v1/me", "bảo trì"},
		{"/api/v1/periods/1/compliance", "bảo trì"},
		{"/dashboard", "Hệ thống đang bảo trì"},
		{"/periods", "Hệ thống đang bảo trì"},
	} {
		r := httptest.NewRequest(http.MethodGet, tc.target, nil)
		r.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: token})
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" || !strings.Contains(w.Body.String(), tc.want) {
			t.Errorf("%s during the outage: %d, Retry-After %q, %.200s", tc.target, w.Code, w.Header().Get("Retry-After"), w.Body.String())
		}
	}
	if n := e.log.count("ERROR"); n > 0 {
		t.Errorf("%d ERROR log lines during the outage", n)
	}
}

// TestPrivateClusterStoppedAndStartedAgain: the database is a private
// PostgreSQL cluster (store/pglocal) the test starts, stops mid-traffic
// and starts again. While it is down the API answers 503 with
// Retry-After and the maintenance message, pages the maintenance page,
// /healthz "database: unavailable" with no connection details; once it
// is back the same server answers as before without a restart, and
// nothing was logged as an ERROR.
func TestPrivateClusterStoppedAndStartedAgain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tmp := t.TempDir()
	// PostgreSQL runs as the postgres user when the tests run as root:
	// it must reach its data folder.
	for _, d := range []string{filepath.Dir(tmp), tmp} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	opts := pglocal.Options{DataDir: filepath.Join(tmp, "postgres"), Database: "baocao_outage", SkipLocal: true, Logger: slog.New(slog.DiscardHandler)}
	db, err := pglocal.Ensure(ctx, opts)
	if err != nil {
		t.Fatalf("provision a private cluster: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := db.Cluster.Stop(ctx); err != nil {
			t.Errorf("stop the cluster: %v", err)
		}
	})
	e := newEnv(t, &envOptions{DatabaseURL: db.URL})
	base := "http://" + e.listen(t)
	token := e.token(t, "inspector")
	get := func(target string) (int, http.Header, string) {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, base+target, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: token})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", target, err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, resp.Header, string(body)
	}
	pages := []struct{ target, down string }{
		{"/api/v1/me", "bảo trì"},
		{fmt.Sprintf("/api/v1/periods/%d/compliance", e.periodID), "bảo trì"},
		{"/dashboard", "Hệ thống đang bảo trì"},
		{fmt.Sprintf("/periods/%d", e.periodID), "Hệ thống đang bảo trì"},
	}
	for _, p := range pages {
		if code, _, body := get(p.target); code != http.StatusOK {
			t.Fatalf("%s before the outage: %d %.200s", p.target, code, body)
		}
	}

	if err := db.Cluster.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	for _, p := range pages {
		code, h, body := get(p.target)
		if code != http.StatusServiceUnavailable || h.Get("Retry-After") == "" || !strings.Contains(body, p.down) {
			t.Errorf("%s with the cluster stopped: %d, Retry-After %q, %.200s", p.target, code, h.Get("Retry-After"), body)
		}
	}
	code, _, body := get("/healthz")
	var health struct{ Database string }
	if err := json.Unmarshal([]byte(body), &health); err != nil || code != http.StatusOK || health.Database != "unavailable" {
		t.Errorf("/healthz with the cluster stopped: %d %s (%v)", code, body, err)
	}
	for _, secret := range []string{strconv.Itoa(db.Cluster.Port), "127.0.0.1", "baocao_outage", "postgres", "dial", "connect"} {
		if strings.Contains(body, secret) {
			t.Errorf("/healthz during the outage tells %q: %s", secret, body)
		}
	}

	if _, err := pglocal.Ensure(ctx, opts); err != nil {
		t.Fatalf("start the cluster again: %v", err)
	}
	for _, p := range pages {
		if code, _, body := get(p.target); code != http.StatusOK {
			t.Errorf("%s once the cluster is back: %d %.200s", p.target, code, body)
		}
	}
	if n := e.log.count("ERROR"); n > 0 {
		t.Errorf("%d ERROR log lines around the outage", n)
	}
}
