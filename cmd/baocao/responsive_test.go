package main

import (
	"context"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
)

// blackhole is an SMTP server that accepts connections and never says a
// word: the worst a mail server can do, worse than being down.
type blackhole struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
	took  chan struct{} // closed at the first connection
}

func newBlackhole(t *testing.T) *blackhole {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &blackhole{ln: ln, took: make(chan struct{})}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			b.mu.Lock()
			if len(b.conns) == 0 {
				close(b.took)
			}
			b.conns = append(b.conns, c)
			b.mu.Unlock()
		}
	}()
	return b
}

// close hangs up on every connection, so the senders stuck on them return.
func (b *blackhole) close() {
	b.ln.Close() //nolint:errcheck
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, c := range b.conns {
		c.Close() //nolint:errcheck
	}
}

// TestServeStaysResponsiveWhileSMTPHangs runs the service with its
// scheduler against an SMTP server that never answers, with reminders in
// the outbox: while the sender waits on the server, the web answers, and
// the reminders wait, claimed or queued.
func TestServeStaysResponsiveWhileSMTPHangs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url, st := smallFormDB(t)
	periodID := owingCommunes(t, st, 5)
	inspector := storetest.User(t, st, &storetest.UserOpts{Role: reporting.RoleInspector})
	// At the clock the server reads, as a sign-in through it would be.
	token, _, err := st.CreateSession(ctx, inspector.ID, time.Hour, cliNow)
	if err != nil {
		t.Fatal(err)
	}

	smtp := newBlackhole(t)
	host, port, _ := net.SplitHostPort(smtp.ln.Addr().String())
	addr := freeAddr(t)
	env := []string{
		"BAOCAO_DATABASE_URL=" + url, "BAOCAO_HTTP_LISTEN=" + addr, "BAOCAO_DATA_DIR=" + t.TempDir(),
		"BAOCAO_SECRET=" + strings.Repeat("s", 40), "BAOCAO_LOG_LEVEL=error",
		"BAOCAO_SMTP_HOST=" + host, "BAOCAO_SMTP_PORT=" + port, "BAOCAO_SMTP_TLS=none",
		"BAOCAO_SCHEDULER_TICK=1s",
	}
	serveCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		_, err := runCLI(serveCtx, t, env, "serve")
		done <- err
	}()
	defer func() {
		smtp.close()
		stop()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve ended with %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop")
		}
	}()
	select {
	case <-smtp.took:
	case <-time.After(20 * time.Second):
		t.Fatal("the outbox sender never reached the SMTP server")
	}

	// The sender now waits on a server that will not answer for 30 s (the
	// SMTP timeout); every request must still be served, each well within
	// the client's limit.
	client := &http.Client{Timeout: 5 * time.Second}
	requests := []struct{ name, path string }{
		{"health", "/healthz"},
		{"compliance", "/api/v1/periods/" + strconv.FormatInt(periodID, 10) + "/compliance"},
		{"outbox", "/api/v1/outbox"},
		{"matrix", "/api/v1/forms/TEST-IN/matrix"},
	}
	for range 5 {
		for _, r := range requests {
			req, _ := http.NewRequest("GET", "http://"+addr+r.path, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := client.Do(req)
			if err != nil {
				t.Fatalf("%s while SMTP hangs: %v", r.name, err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s while SMTP hangs: %d", r.name, resp.StatusCode)
			}
		}
	}
	// Claimed or waiting, none lost, none given up on.
	var waiting, sending int
	if err := st.Pool().QueryRow(ctx, `SELECT count(*) FILTER (WHERE status IN ('queued', 'sending')), count(*) FILTER (WHERE status = 'sending')
		FROM reminders`).Scan(&waiting, &sending); err != nil || waiting != 5 || sending == 0 {
		t.Fatalf("while SMTP hangs: %d reminders queued or sending, %d sending; want all 5, some sending (%v)", waiting, sending, err)
	}
}

// TestOutboxSendWithoutSMTPHostKeepsMailInTheDataDir: as in the demo, with
// no smtp.host `outbox send` delivers to a local sink that writes .eml
// files under data_dir/mail.
func TestOutboxSendWithoutSMTPHostKeepsMailInTheDataDir(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url, st := smallFormDB(t)
	owingCommunes(t, st, 3)
	dir := t.TempDir()
	out, err := runCLI(ctx, t, []string{"BAOCAO_DATABASE_URL=" + url, "BAOCAO_DATA_DIR=" + dir, "BAOCAO_LOG_LEVEL=warn"}, "outbox", "send")
	if err != nil || !strings.Contains(out, "sent 3,") {
		t.Fatalf("outbox send: %q, %v", out, err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "mail", "*.eml"))
	if err != nil || len(files) != 3 {
		t.Fatalf("%d .eml files in data_dir/mail, want 3 (%v)", len(files), err)
	}
}

// owingCommunes adds a district with n communes that have e-mail
// addresses, opens 2026-H1 of the small form at cliNow and reminds every
// commune then, as an inspector's "remind all" does: n e-mails due at
// cliNow, and no scheduled reminder due besides.
func owingCommunes(t *testing.T, st *store.Store, n int) (periodID int64) {
	t.Helper()
	ctx := context.Background()
	prov := storetest.Unit(t, st, &storetest.UnitOpts{Kind: reporting.KindProvince}).Code
	district := storetest.Unit(t, st, &storetest.UnitOpts{Kind: reporting.KindDistrictPC, Parent: prov}).Code
	for range n {
		storetest.Unit(t, st, &storetest.UnitOpts{Parent: district})
	}
	if _, err := st.Pool().Exec(ctx, `UPDATE unit_versions SET emails = ARRAY['vp-' || lower(unit_code) || '@xa.vn']`); err != nil {
		t.Fatal(err)
	}
	storetest.OpenDue(t, st, cliNow, hcm)
	if err := st.Pool().QueryRow(ctx, `SELECT id FROM periods WHERE form_code = 'TEST-IN' AND key = '2026-H1'`).Scan(&periodID); err != nil {
		t.Fatal(err)
	}
	svc := storetest.Ops(st, hcm)
	// The tests count the outbox: the scheduler, ticking at cliNow, must
	// not add to it.
	if res, err := svc.EnqueueReminders(ctx, cliNow); err != nil || res.Enqueued != 0 {
		t.Fatalf("scheduled reminders due at %s: %+v, %v; want none", cliNow, res, err)
	}
	res, err := svc.RemindOwing(ctx, ops.CLIAdmin, cliNow, periodID)
	if err != nil || res.Enqueued != n {
		t.Fatalf("remind: %+v, %v", res, err)
	}
	return periodID
}
