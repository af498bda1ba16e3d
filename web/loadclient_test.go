package web_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The load benchmarks send their uploads from a separate process, this
// test binary run again with loadClientEnv set, so that the server's own
// CPU and memory can be measured alone: the clients' request building,
// their copies of the bodies and their garbage are not the server's.

const loadClientEnv = "BAOCAO_LOAD_CLIENT"

// loadPlan is what the client process is told: where to send, as whom,
// with how many connections, and the request bodies (files in Dir, one
// per upload, with their content types).
type loadPlan struct {
	URL     string   `json:"url"`
	Token   string   `json:"token"`
	Clients int      `json:"clients"`
	Dir     string   `json:"dir"`
	Types   []string `json:"types"`
}

// loadResult is what it answers: each upload's status and latency, and
// the wall-clock time from the first request to the last answer.
type loadResult struct {
	Codes     []int           `json:"codes"`
	Latencies []time.Duration `json:"latencies"`
	Wall      time.Duration   `json:"wall"`
	Errors    []string        `json:"errors"`
}

// writeLoadBodies writes the request bodies to a temporary folder for
// the client process, so the caller can let go of them before measuring.
func writeLoadBodies(b *testing.B, bodies [][]byte) (dir string) {
	b.Helper()
	dir = b.TempDir()
	for i, body := range bodies {
		if err := os.WriteFile(filepath.Join(dir, strconv.Itoa(i)), body, 0o600); err != nil {
			b.Fatal(err)
		}
	}
	return dir
}

// runLoadClients runs the client process on the bodies in dir
// (writeLoadBodies) and waits for it. ready is called once the client
// has read every body and is about to send the first request: the
// measurement of the server starts there; done when the last answer
// arrived.
func runLoadClients(b *testing.B, url, token string, clients int, dir string, types []string, ready, done func()) loadResult {
	b.Helper()
	plan, err := json.Marshal(loadPlan{URL: url, Token: token, Clients: clients, Dir: dir, Types: types})
	if err != nil {
		b.Fatal(err)
	}
	planFile := filepath.Join(dir, "plan.json")
	if err := os.WriteFile(planFile, plan, 0o600); err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestLoadClient$", "-test.count=1")
	cmd.Env = append(os.Environ(), loadClientEnv+"="+planFile)
	cmd.Stdin = nil
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	// The client prints "ready", then "done", then its result as a line
	// of JSON; the test framework's own lines are skipped.
	var res loadResult
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	got := false
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "load-client: ready":
			ready()
		case line == "load-client: done":
			done()
		case strings.HasPrefix(line, "load-client: result "):
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "load-client: result ")), &res); err != nil {
				b.Fatalf("client result: %v", err)
			}
			got = true
		}
	}
	if err := cmd.Wait(); err != nil || !got {
		b.Fatalf("load client: %v (result read: %v)\n%s", err, got, stderr.String())
	}
	for _, e := range res.Errors {
		b.Error(e)
	}
	return res
}

// TestLoadClient is the client process of the load benchmarks; run
// directly, without loadClientEnv, it has nothing to do.
func TestLoadClient(t *testing.T) {
	planFile := os.Getenv(loadClientEnv)
	if planFile == "" {
		return
	}
	raw, err := os.ReadFile(planFile)
	if err != nil {
		t.Fatal(err)
	}
	var plan loadPlan
	if err := json.Unmarshal(raw, &plan); err != nil {
		t.Fatal(err)
	}
	n := len(plan.Types)
	bodies := make([][]byte, n)
	for i := range n {
		if bodies[i], err = os.ReadFile(filepath.Join(plan.Dir, strconv.Itoa(i))); err != nil {
			t.Fatal(err)
		}
	}
	res := loadResult{Codes: make([]int, n), Latencies: make([]time.Duration, n)}
	var mu sync.Mutex
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		res.Errors = append(res.Errors, fmt.Sprintf(format, args...))
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: plan.Clients}}
	next := make(chan int)
	fmt.Println("load-client: ready")
	start := time.Now()
	var wg sync.WaitGroup
	for range plan.Clients {
		wg.Go(func() {
			for i := range next {
				req, err := http.NewRequest(http.MethodPost, plan.URL, bytes.NewReader(bodies[i]))
				if err != nil {
					fail("upload %d: %v", i, err)
					continue
				}
				req.Header.Set("Authorization", "Bearer "+plan.Token)
				req.Header.Set("Content-Type", plan.Types[i])
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					fail("upload %d: %v", i, err)
					continue
				}
				io.Copy(io.Discard, resp.Body) //nolint:errcheck
				resp.Body.Close()
				res.Latencies[i], res.Codes[i] = time.Since(t0), resp.StatusCode
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	res.Wall = time.Since(start)
	fmt.Println("load-client: done")
	out, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("load-client: result " + string(out))
}

// peakRSS measures the most resident memory this process holds while
// measuring runs: start resets the kernel's high-water mark (VmHWM) where
// the kernel allows it and also samples VmRSS every 2 ms, so the figure
// holds where /proc/self/clear_refs is refused; stop returns the peak and
// the resident size at start, in bytes.
type peakRSS struct {
	base  uint64
	hwm   bool
	stopc chan struct{}
	peak  chan uint64
}

func startPeakRSS() *peakRSS {
	p := &peakRSS{stopc: make(chan struct{}), peak: make(chan uint64)}
	p.hwm = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	p.base = procStatus("VmRSS")
	go func() {
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		most := p.base
		for {
			select {
			case <-tick.C:
				most = max(most, procStatus("VmRSS"))
			case <-p.stopc:
				if p.hwm {
					most = max(most, procStatus("VmHWM"))
				}
				p.peak <- max(most, procStatus("VmRSS"))
				return
			}
		}
	}()
	return p
}

func (p *peakRSS) stop() (peak, base uint64) {
	close(p.stopc)
	return <-p.peak, p.base
}

// procStatus is a size line of /proc/self/status ("VmRSS", "VmHWM") in
// bytes, 0 when unreadable.
func procStatus(key string) uint64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(raw)) {
		if rest, ok := strings.CutPrefix(line, key+":"); ok {
			f := strings.Fields(rest)
			if len(f) == 0 {
				return 0
			}
			kb, _ := strconv.ParseUint(f[0], 10, 64)
			return kb << 10
		}
	}
	return 0
}
