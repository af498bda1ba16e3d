package web_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"baocao/web"
)

// TestClientHangingUpIsNotAServerError: a client that gives up while its
// request waits on the database (here, behind a table lock) is logged as
// having gone away, status 499, and never as an ERROR with status 500;
// the server goes on answering others.
func TestClientHangingUpIsNotAServerError(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, nil)
	addr := e.listen(t)
	token := e.token(t, "inspector")
	for _, target := range []string{
		fmt.Sprintf("/api/v1/periods/%d/compliance", e.periodID), // JSON
		fmt.Sprintf("/periods/%d", e.periodID),                   // a page
	} {
		t.Run(target, func(t *testing.T) {
			tx, err := e.st.Pool().Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tx.Exec(ctx, `LOCK TABLE obligations IN ACCESS EXCLUSIVE MODE`); err != nil {
				t.Fatal(err)
			}
			errorsBefore := e.log.count("ERROR")
			cctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
			req, err := http.NewRequestWithContext(cctx, http.MethodGet, "http://"+addr+target, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: token})
			resp, err := http.DefaultClient.Do(req)
			cancel()
			if err == nil {
				resp.Body.Close()
				t.Fatalf("answered %d behind the lock; the client should have given up", resp.StatusCode)
			}
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("client: %v", err)
			}
			line := e.log.ended(t, "GET "+target, 10*time.Second)
			if err := tx.Rollback(ctx); err != nil {
				t.Fatal(err)
			}
			if !strings.HasSuffix(line, " 499") {
				t.Errorf("access log: %q, want status 499", line)
			}
			if n := e.log.count("ERROR") - errorsBefore; n != 0 {
				t.Errorf("%d ERROR lines for a client that went away", n)
			}
			// The lock gone, the same request is answered.
			req, _ = http.NewRequest(http.MethodGet, "http://"+addr+target, nil)
			req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: token})
			resp, err = http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("after the lock: %d", resp.StatusCode)
			}
		})
	}
}

// TestRequestsBeyondTheCapWaitThenAre503: with two request slots, both
// held by requests waiting on the database, a third waits its turn for
// RequestWait and is then told the system is overloaded (503,
// Retry-After, in JSON and as a page), while /healthz still answers at
// once; when the slots free up, the held requests finish and new ones
// are served.
func TestRequestsBeyondTheCapWaitThenAre503(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, &envOptions{MaxRequests: 2, RequestWait: 300 * time.Millisecond})
	addr := e.listen(t)
	token := e.token(t, "inspector")
	get := func(target string) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, "http://"+addr+target, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: token})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", target, err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, string(body)
	}
	tx, err := e.st.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck
	if _, err := tx.Exec(ctx, `LOCK TABLE obligations IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	held := fmt.Sprintf("/api/v1/periods/%d/compliance", e.periodID)
	codes := make(chan int, 2)
	for range 2 {
		go func() {
			resp, _ := get(held)
			codes <- resp.StatusCode
		}()
	}
	// Both slots taken: wait until the two are waiting on the lock.
	deadline := time.Now().Add(10 * time.Second)
	for {
		var waiting int
		if err := e.st.Pool().QueryRow(ctx, `SELECT count(*) FROM pg_locks WHERE relation = 'obligations'::regclass AND NOT granted`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d requests waiting on the lock, want 2", waiting)
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, c := range []struct{ target, want string }{{"/api/v1/me", "quá tải"}, {"/dashboard", "quá tải"}} {
		start := time.Now()
		resp, body := get(c.target)
		if took := time.Since(start); took < 300*time.Millisecond {
			t.Errorf("%s refused after %s, before its wait", c.target, took)
		}
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || !strings.Contains(body, c.want) {
			t.Errorf("%s with every slot busy: %d, Retry-After %q, %.200s", c.target, resp.StatusCode, resp.Header.Get("Retry-After"), body)
		}
	}
	if resp, body := get("/healthz"); resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz with every slot busy: %d %s", resp.StatusCode, body)
	}
	// Uploads have limits of their own and are not held back: this one
	// is read and refused (it is no workbook) without a slot.
	body, ct := multipartBody(t, "ghi-chu.xlsx", []byte("không phải tệp Excel"))
	if a, err := postBody("http://"+addr+"/api/v1/submissions", token, ct, body.Bytes()); err != nil || a.status != http.StatusUnprocessableEntity {
		t.Errorf("an upload with every slot busy: %v, %v; want it read and refused (422)", a.status, err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if code := <-codes; code != http.StatusOK {
			t.Errorf("a held request, once the lock went: %d", code)
		}
	}
	if resp, body := get("/api/v1/me"); resp.StatusCode != http.StatusOK {
		t.Errorf("/api/v1/me once the slots are free: %d %s", resp.StatusCode, body)
	}
	if n := e.log.count("ERROR"); n != 0 {
		t.Errorf("%d ERROR lines", n)
	}
}
