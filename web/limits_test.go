package web_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"baocao/web"
)

// TestSlowBodiesAreCutOffAndHealthAnswers: clients that send a sign-in's
// headers and then nothing of its body are cut off once the body deadline
// passes, and connections beyond the cap are closed at once, so /healthz
// keeps answering through the attack.
func TestSlowBodiesAreCutOffAndHealthAnswers(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	srv := web.New(web.Options{Store: e.st, Ops: e.svc, MaxConns: 40, BodyDeadline: time.Second})
	if err := srv.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	go srv.Serve() //nolint:errcheck
	t.Cleanup(func() { srv.Close() })
	addr := srv.Addr()

	const slow = 60
	var wg sync.WaitGroup
	cut := make(chan time.Duration, slow)
	for range slow {
		wg.Go(func() {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				cut <- 0
				return
			}
			defer c.Close()
			start := time.Now()
			fmt.Fprintf(c, "POST /api/v1/login HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"email\":", addr)
			c.SetReadDeadline(time.Now().Add(20 * time.Second)) //nolint:errcheck
			io.Copy(io.Discard, c)                              //nolint:errcheck // until the server ends it
			cut <- time.Since(start)
		})
	}
	time.Sleep(200 * time.Millisecond)
	// During the attack: /healthz answers (within the body deadline and
	// then some, as slots free up).
	client := &http.Client{Timeout: 3 * time.Second}
	healthy := false
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline) && !healthy; {
		if resp, err := client.Get("http://" + addr + "/healthz"); err == nil {
			healthy = resp.StatusCode == http.StatusOK
			resp.Body.Close()
		}
	}
	if !healthy {
		t.Error("/healthz did not answer during the slow-body attack")
	}
	wg.Wait()
	close(cut)
	var longest time.Duration
	for d := range cut {
		longest = max(longest, d)
	}
	if longest > 5*time.Second {
		t.Errorf("a slow client held its connection %v; the body deadline is 1 s", longest)
	}
}
