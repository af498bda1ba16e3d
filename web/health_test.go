package web_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"baocao/scheduler"
	"baocao/store"
	"baocao/store/storetest"
	"baocao/web"
)

// probe asks srv for path and decodes the JSON answer.
func probe(t *testing.T, srv *web.Server, path string) (int, map[string]any, string) {
	t.Helper()
	w := httptest.NewRecorder()
	srv.Handler().ServeHTTP(w, httptest.NewRequest("GET", path, nil))
	var m map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
		t.Fatalf("%s: %v in %s", path, err, w.Body)
	}
	return w.Code, m, w.Body.String()
}

func TestReadiness(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	srv := web.New(web.Options{Store: st, LeaderLock: scheduler.LeaderLockKey, Build: web.Build{Version: "v9.9.9"}})

	code, rep, _ := probe(t, srv, "/readyz")
	if code != http.StatusServiceUnavailable || rep["ready"] != false || rep["scheduler_leader"] != "none" || rep["migrations"] != "current" {
		t.Errorf("no leader yet: %d %v, want 503 with scheduler_leader none", code, rep)
	}

	leader := scheduler.NewLeader(st.Pool(), scheduler.LeaderLockKey, slog.Default())
	if err := leader.IsLeader(ctx); err != nil {
		t.Fatal(err)
	}
	code, rep, _ = probe(t, srv, "/readyz")
	if code != http.StatusOK || rep["ready"] != true || rep["database"] != "ok" || rep["scheduler_leader"] != "held" {
		t.Errorf("all holds: %d %v, want 200 ready", code, rep)
	}

	// A schema older than the binary's is not ready.
	if _, err := st.Pool().Exec(ctx, `DELETE FROM goose_db_version WHERE version_id = (SELECT max(version_id) FROM goose_db_version)`); err != nil {
		t.Fatal(err)
	}
	code, rep, _ = probe(t, srv, "/readyz")
	if code != http.StatusServiceUnavailable || rep["migrations"] != "behind" {
		t.Errorf("schema behind: %d %v, want 503 migrations behind", code, rep)
	}
	leader.Resign(ctx)

	code, rep, _ = probe(t, srv, "/healthz")
	if code != http.StatusOK || rep["status"] != "ok" || rep["version"] != "v9.9.9" {
		t.Errorf("healthz %d %v", code, rep)
	}
}

func TestReadinessWithTheDatabaseGone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := storetest.NewDB(t)
	st, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	srv := web.New(web.Options{Store: st, LeaderLock: scheduler.LeaderLockKey})
	if code, rep, _ := probe(t, srv, "/healthz"); code != http.StatusOK || rep["database"] != "ok" {
		t.Fatalf("healthz before the outage: %d %v", code, rep)
	}

	admin, err := pgx.Connect(ctx, storetest.AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	cfg, _ := pgx.ParseConfig(url)
	if _, err := admin.Exec(ctx, `DROP DATABASE "`+cfg.Database+`" WITH (FORCE)`); err != nil {
		t.Fatal(err)
	}

	code, rep, body := probe(t, srv, "/readyz")
	if code != http.StatusServiceUnavailable || rep["ready"] != false || rep["database"] != "unavailable" {
		t.Errorf("readyz with the database gone: %d %v, want 503, database unavailable", code, rep)
	}
	// Liveness: the process still answers, and says no more than one word
	// about the database — not its user, host or name.
	code, rep, hbody := probe(t, srv, "/healthz")
	if code != http.StatusOK || rep["database"] != "unavailable" {
		t.Errorf("healthz with the database gone: %d %v, want 200, database unavailable", code, rep)
	}
	for _, leak := range []string{cfg.User + "@", "user=", cfg.Host, cfg.Database, "failed to connect"} {
		if strings.Contains(body, leak) || strings.Contains(hbody, leak) {
			t.Errorf("a probe shows %q: %s %s", leak, body, hbody)
		}
	}
}
