package web_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"baocao/store/storetest"
)

// TestSignInBurstGetsAHandfulThrough: 100 wrong passwords sent at once for
// one account get at most the free attempts through (the rest wait, 429);
// the right password sent right after the burst waits too; the account's
// owner is not locked out for long — nor is anyone else's account.
func TestSignInBurstGetsAHandfulThrough(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	victim := e.user(t, "clerk-c1")
	var mu sync.Mutex
	codes := map[int]int{}
	var wg sync.WaitGroup
	for range 100 {
		wg.Go(func() {
			w := e.do(t, jsonLogin(victim.Email, "doan-thu-mat-khau"))
			mu.Lock()
			codes[w.Code]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if codes[http.StatusUnauthorized] > 5 || codes[http.StatusTooManyRequests] < 95 || codes[http.StatusOK] > 0 {
		t.Errorf("100 guesses at once: %v; want at most 5 checked, the rest told to wait", codes)
	}
	if w := e.do(t, jsonLogin(victim.Email, storetest.Password)); w.Code != http.StatusTooManyRequests {
		t.Errorf("the right password right after the burst: %d, want 429", w.Code)
	}
	if w := e.do(t, jsonLogin(e.user(t, "clerk-c2").Email, storetest.Password)); w.Code != http.StatusOK {
		t.Errorf("another account after the burst: %d, want 200", w.Code)
	}
}

// TestSignInGuessesAcrossAccountsFromOneAddress: a few guesses at each of
// many accounts from one address run into the address's limit, which
// guesses at one account each never would; a request from the reverse
// proxy on this machine counts the address the proxy saw (X-Real-IP).
func TestSignInGuessesAcrossAccountsFromOneAddress(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	from := func(addr string, i int) int {
		rq := jsonLogin(fmt.Sprintf("nguoi-%d@tinh.gov.vn", i), "doan-thu")
		w := e.doFrom(t, rq, addr)
		return w.Code
	}
	var refused int
	for i := range 40 {
		if from("198.51.100.7:5000", i) == http.StatusTooManyRequests {
			refused++
		}
	}
	if refused == 0 {
		t.Error("40 accounts guessed from one address: none refused")
	}
	// Through the local proxy, two clients are two addresses.
	if code := from("127.0.0.1:3000", 100); code != http.StatusUnauthorized {
		t.Errorf("the proxy's first client: %d", code)
	}
	rq := jsonLogin("nguoi-200@tinh.gov.vn", "doan-thu")
	rq.header["X-Real-IP"] = "198.51.100.7"
	if w := e.doFrom(t, rq, "127.0.0.1:3000"); w.Code != http.StatusTooManyRequests {
		t.Errorf("the guessing client behind the proxy: %d, want 429", w.Code)
	}
	rq.header["X-Real-IP"] = "203.0.113.50"
	if w := e.doFrom(t, rq, "127.0.0.1:3000"); w.Code != http.StatusUnauthorized {
		t.Errorf("another client behind the proxy: %d, want 401", w.Code)
	}
}

// TestParallelSignInsStayInMemory: 300 sign-ins at once (each hash takes
// ~19 MiB) grow the heap by a bounded amount: the hashing slots run a few
// at a time and the rest are told to come back.
func TestParallelSignInsStayInMemory(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	var mu sync.Mutex
	codes := map[int]int{}
	growth := heapGrowth(func() {
		var wg sync.WaitGroup
		for i := range 300 {
			wg.Go(func() {
				// Many accounts and addresses: the throttle lets them all
				// try; only the hashing slots hold them back.
				rq := jsonLogin(fmt.Sprintf("k%d@tinh.gov.vn", i), "doan-thu")
				w := e.doFrom(t, rq, fmt.Sprintf("10.%d.%d.1:4000", i/250, i%250))
				mu.Lock()
				codes[w.Code]++
				mu.Unlock()
			})
		}
		wg.Wait()
	})
	t.Logf("300 sign-ins at once: %v, heap grew by %.1f MiB", codes, float64(growth)/(1<<20))
	if growth > 400<<20 {
		t.Errorf("heap grew by %.1f MiB for 300 sign-ins", float64(growth)/(1<<20))
	}
	if codes[http.StatusTooManyRequests] == 0 || codes[http.StatusInternalServerError] > 0 {
		t.Errorf("300 sign-ins at once: %v; want some told to come back, none failing", codes)
	}
}
