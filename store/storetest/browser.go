package storetest

// A headless Chromium for browser tests: one per test binary, a tab per
// test. It is Debian's /usr/bin/chromium (or BAOCAO_CHROMIUM); without it
// the tests fail, they do not skip, so a page nobody looked at never
// passes for tested.

import (
	"context"
	_ "embed"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

//go:embed testdata/axe.min.js
var axeSource string

// TabTimeout bounds everything one test does in its tab.
const TabTimeout = 90 * time.Second

// Screen sizes the screenshots are taken at: a 1366×768 laptop (the
// provincial offices' usual screen) and a 390×844 phone.
var (
	Laptop = Viewport{Name: "1366x768", Width: 1366, Height: 768}
	Phone  = Viewport{Name: "390x844", Width: 390, Height: 844, Mobile: true}
)

// Viewport is a screen to emulate.
type Viewport struct {
	Name          string
	Width, Height int64
	Mobile        bool // a phone: mobile viewport rules and touch
}

var chrome struct {
	once sync.Once
	ctx  context.Context // the browser's; tabs are its children
	err  error
}

// chromiumPath is the browser the tests drive.
func chromiumPath() (string, error) {
	if p := os.Getenv("BAOCAO_CHROMIUM"); p != "" {
		if _, err := exec.LookPath(p); err != nil {
			return "", fmt.Errorf("BAOCAO_CHROMIUM=%s: %w; unset it to use Debian's chromium "+
				"(`apt-get install chromium fonts-noto-core`)", p, err)
		}
		return p, nil
	}
	for _, p := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if full, err := exec.LookPath(p); err == nil {
			return full, nil
		}
	}
	return "", fmt.Errorf("no chromium found for the browser tests: install it with " +
		"`apt-get install chromium fonts-noto-core` (or set BAOCAO_CHROMIUM to a Chrome binary)")
}

// Browser is the test binary's shared headless Chromium, started on first
// use; the test fails if it cannot start. Most tests want Tab.
func Browser(t testing.TB) context.Context {
	t.Helper()
	chrome.once.Do(func() { chrome.ctx, chrome.err = startBrowser() })
	if chrome.err != nil {
		t.Fatal(chrome.err)
	}
	return chrome.ctx
}

func startBrowser() (context.Context, error) {
	exe, err := chromiumPath()
	if err != nil {
		return nil, err
	}
	dir, err := userDataDir()
	if err != nil {
		return nil, err
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.UserDataDir(dir),
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("lang", "vi-VN"),
		chromedp.WindowSize(int(Laptop.Width), int(Laptop.Height)),
	}
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // Chromium refuses to run as root with its sandbox
	}
	// The browser lives as long as the test binary (Chromium is killed with
	// it), so these contexts are never cancelled; and the first Run has no
	// deadline, which would end the browser with it.
	alloc, _ := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, _ := chromedp.NewContext(alloc)
	if err := chromedp.Do(ctx); err != nil {
		return nil, fmt.Errorf("start %s: %w", exe, err)
	}
	return ctx, nil
}

// userDataDir is a fresh profile directory for this test binary. Chromium
// dies with the binary, which leaves no chance to remove it then, so each
// start removes those of binaries no longer running.
func userDataDir() (string, error) {
	base := filepath.Join(os.TempDir(), "baocao-chromium")
	if err := os.MkdirAll(base, 0o700); err != nil {
		return "", fmt.Errorf("browser profile: %w", err)
	}
	if old, err := os.ReadDir(base); err == nil {
		for _, e := range old {
			pid, err := strconv.Atoi(strings.SplitN(e.Name(), "-", 2)[0])
			if err == nil && pid != os.Getpid() && syscall.Kill(pid, 0) != nil {
				os.RemoveAll(filepath.Join(base, e.Name()))
			}
		}
	}
	dir, err := os.MkdirTemp(base, strconv.Itoa(os.Getpid())+"-")
	if err != nil {
		return "", fmt.Errorf("browser profile: %w", err)
	}
	return dir, nil
}

// Tab opens a new tab of the shared browser for this test, closed when the
// test ends; everything in it must finish within TabTimeout. Tabs of
// parallel tests run in parallel. The test fails if a page in the tab
// broke its Content-Security-Policy or threw an uncaught exception
// (WatchPages).
func Tab(t testing.TB) context.Context {
	t.Helper()
	ctx, watch := tab(t)
	t.Cleanup(func() {
		if problems := watch.Problems(); len(problems) > 0 {
			t.Errorf("the pages in this test's tab broke their CSP or threw:\n%s", strings.Join(problems, "\n"))
		}
	})
	return ctx
}

// UnwatchedTab is a Tab whose pages' problems the caller collects from
// the PageWatch, not failing the test.
func UnwatchedTab(t testing.TB) (context.Context, *PageWatch) {
	t.Helper()
	return tab(t)
}

// IsolatedTab is a Tab in a browser context of its own: its own cookies,
// so two people in one test (and parallel tests on other ports of
// 127.0.0.1) never share a session. It starts at the laptop size.
func IsolatedTab(t testing.TB) context.Context {
	t.Helper()
	ctx, watch := tab(t, chromedp.WithNewBrowserContext())
	t.Cleanup(func() {
		if problems := watch.Problems(); len(problems) > 0 {
			t.Errorf("the pages in this test's tab broke their CSP or threw:\n%s", strings.Join(problems, "\n"))
		}
	})
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(Laptop.Width, Laptop.Height)); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// ClickAndLoad clicks what loads a new page and waits for it.
func ClickAndLoad(t testing.TB, ctx context.Context, sel string) {
	t.Helper()
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
}

// Fetch gets u with the tab's cookies and checks its content type.
func Fetch(t testing.TB, ctx context.Context, u, contentType string) []byte {
	t.Helper()
	type answer struct {
		Status int    `json:"status"`
		Type   string `json:"type"`
		Data   string `json:"data"`
	}
	js := fmt.Sprintf(`fetch(%q, {credentials: "same-origin"}).then(r => r.arrayBuffer().then(b => {
		const u = new Uint8Array(b); let s = "";
		for (let i = 0; i < u.length; i += 8192) s += String.fromCharCode.apply(null, u.subarray(i, i + 8192));
		return {status: r.status, type: r.headers.get("content-type") || "", data: btoa(s)};
	}))`, u)
	a, err := chromedp.Run(ctx, chromedp.Evaluate[answer](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("fetch %s: %v", u, err)
	}
	if a.Status != 200 || !strings.HasPrefix(a.Type, contentType) {
		t.Fatalf("fetch %s: %d %s, want 200 %s", u, a.Status, a.Type, contentType)
	}
	data, err := base64.StdEncoding.DecodeString(a.Data)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func tab(t testing.TB, opts ...chromedp.ContextOption) (context.Context, *PageWatch) {
	t.Helper()
	tab, closeTab := chromedp.NewContext(Browser(t), opts...)
	if err := chromedp.Do(tab); err != nil {
		closeTab()
		t.Fatalf("open a browser tab: %v", err)
	}
	watch, err := WatchPages(tab)
	if err != nil {
		closeTab()
		t.Fatalf("watch the browser tab: %v", err)
	}
	ctx, cancel := context.WithTimeout(tab, TabTimeout)
	t.Cleanup(func() { cancel(); closeTab() })
	return ctx, watch
}

// PageWatch collects what went wrong in a tab's pages: every Content
// Security Policy violation Chromium reports (a script, style, image,
// frame or form the policy refused) and every uncaught exception.
type PageWatch struct {
	mu       sync.Mutex
	problems []string
}

// WatchPages starts collecting the problems of tab's pages.
func WatchPages(tab context.Context) (*PageWatch, error) {
	w := &PageWatch{}
	err := chromedp.Listen(tab, func(ev any) {
		switch e := ev.(type) {
		case *cdplog.EventEntryAdded:
			if e.Entry != nil && strings.Contains(e.Entry.Text, "Content Security Policy") {
				w.add(fmt.Sprintf("CSP (%s): %s", e.Entry.URL, e.Entry.Text))
			}
		case *cdpruntime.EventConsoleAPICalled:
			for _, a := range e.Args {
				if strings.Contains(string(a.Value), "Content Security Policy") || strings.Contains(a.Description, "Content Security Policy") {
					w.add(fmt.Sprintf("CSP (console): %s %s", a.Value, a.Description))
				}
			}
		case *cdpruntime.EventExceptionThrown:
			if d := e.ExceptionDetails; d != nil {
				msg := d.Text
				if d.Exception != nil {
					msg += " " + d.Exception.Description
				}
				w.add(fmt.Sprintf("exception (%s:%d): %s", d.URL, d.LineNumber+1, msg))
			}
		}
	})
	return w, err
}

func (w *PageWatch) add(p string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.problems = append(w.problems, p)
}

// Problems are the problems seen so far.
func (w *PageWatch) Problems() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.problems)
}

// Navigate loads url in the tab and waits for it.
func Navigate(t testing.TB, ctx context.Context, url string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("navigate to %s: %v", url, err)
	}
}

// FillForm types values into form fields, by CSS selector ("#f-email").
func FillForm(t testing.TB, ctx context.Context, fields map[string]string) {
	t.Helper()
	for sel, v := range fields {
		if err := chromedp.Do(ctx, chromedp.Clear(chromedp.CSS(sel)), chromedp.SendKeys(chromedp.CSS(sel), v)); err != nil {
			t.Fatalf("fill %s: %v", sel, err)
		}
	}
}

// Click clicks the first element matching the CSS selector.
func Click(t testing.TB, ctx context.Context, sel string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
}

// Text is the visible text of the first element matching the CSS selector.
func Text(t testing.TB, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("read text of %s: %v", sel, err)
	}
	return s
}

// Eval evaluates a JavaScript expression in the page.
func Eval[T any](t testing.TB, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// DisableJavaScript turns script execution off in the tab (from the next
// navigation or reload), to check that a page works without it.
func DisableJavaScript(t testing.TB, ctx context.Context) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatalf("disable JavaScript: %v", err)
	}
}

// Screenshots saves full-page PNGs of the current page at the laptop and
// the phone size, as testdata/out/<name>-<size>.png of the calling
// package (git ignores testdata/out), and leaves the laptop size set.
// Returns the files written.
func Screenshots(t testing.TB, ctx context.Context, name string) []string {
	t.Helper()
	if err := os.MkdirAll(filepath.Join("testdata", "out"), 0o755); err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, v := range []Viewport{Phone, Laptop} {
		var opts []chromedp.EmulateViewportOption
		if v.Mobile {
			opts = append(opts, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)
		}
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(v.Width, v.Height, opts...)); err != nil {
			t.Fatalf("emulate %s: %v", v.Name, err)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s at %s: %v", name, v.Name, err)
		}
		file := filepath.Join("testdata", "out", name+"-"+v.Name+".png")
		if err := os.WriteFile(file, png, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, file)
	}
	return files
}

// AxeViolation is one rule axe-core found broken.
type AxeViolation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []struct {
		Target  string `json:"target"`
		HTML    string `json:"html"`
		Summary string `json:"summary"`
	} `json:"nodes"`
}

// AxeCheck runs axe-core (vendored, testdata/axe.min.js, MPL-2.0) on the
// current page and fails the test on every serious or critical violation,
// printing each with the elements at fault; minor and moderate ones are
// logged. It needs JavaScript on in the tab. Returns every violation.
func AxeCheck(t testing.TB, ctx context.Context) []AxeViolation {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](axeSource)); err != nil {
		t.Fatalf("load axe-core: %v", err)
	}
	const run = `axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({
		id: v.id, impact: v.impact || "", help: v.help, helpUrl: v.helpUrl,
		nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html, summary: n.failureSummary || ""}))})))`
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]AxeViolation](run, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("run axe-core: %v", err)
	}
	for _, v := range vs {
		var b strings.Builder
		fmt.Fprintf(&b, "axe %s [%s]: %s (%s)", v.ID, v.Impact, v.Help, v.HelpURL)
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "\n    %s\n      %s\n      %s", n.Target, n.HTML, strings.ReplaceAll(n.Summary, "\n", "\n      "))
		}
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Error(b.String())
		} else {
			t.Log(b.String())
		}
	}
	return vs
}
