package web_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

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
