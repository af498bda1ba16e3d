package web_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"baocao/store/storetest"
)

// pageBudget is what one page may weigh on a commune's slow link: its
// HTML, CSS and JavaScript as transferred (gzipped), each asset counted
// once.
const pageBudget = 100_000

var assetRE = regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`)

// TestPageWeight loads each main page as its user, gzip accepted, adds up
// the bytes transferred for the page and the stylesheets and scripts it
// loads, and fails a page over pageBudget.
func TestPageWeight(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	sub := storetest.Upload(t, e.st, e.periodID, e.c1, e.clock.Now())
	unitPeriod := fmt.Sprintf("/units/%s/periods/%d", e.c1, e.periodID)
	refused := e.filled(t, "clerk-c1", e.c1, map[string]any{"giam_sat": 600, "tu_danh_gia": "Xuất sắc"})
	for _, p := range []struct{ name, who, method, path string }{
		{"sign-in", "", "GET", "/login"},
		{"obligations", "clerk-c1", "GET", "/obligations"},
		{"unit-period", "clerk-c1", "GET", unitPeriod},
		{"unit-period-refused", "clerk-c1", "POST", unitPeriod + "/submissions"},
		{"unit", "clerk-c1", "GET", "/units/" + e.c1},
		{"dashboard", "inspector", "GET", "/dashboard"},
		{"periods", "inspector", "GET", "/periods"},
		{"period", "inspector", "GET", fmt.Sprintf("/periods/%d", e.periodID)},
		{"matrix", "inspector", "GET", "/forms/TEST-IN/matrix"},
		{"submission", "inspector", "GET", fmt.Sprintf("/submissions/%d", sub.ID)},
		{"outbox", "inspector", "GET", "/outbox"},
		{"error", "clerk-c2", "GET", unitPeriod},
	} {
		t.Run(p.name, func(t *testing.T) {
			rq := request{method: p.method, target: p.path, header: map[string]string{"Accept-Encoding": "gzip", "Sec-Fetch-Site": "same-origin"}}
			if p.who != "" {
				rq.cookie = e.token(t, p.who)
			}
			if p.method == "POST" {
				body, ct := multipartBody(t, "bao-cao.xlsx", refused)
				rq.body, rq.header["Content-Type"] = body.String(), ct
			}
			w := e.do(t, rq)
			if w.Code >= 500 || w.Header().Get("Content-Encoding") != "gzip" {
				t.Fatalf("%s %s: %d, Content-Encoding %q", p.method, p.path, w.Code, w.Header().Get("Content-Encoding"))
			}
			html := gunzip(t, w.Body.Bytes())
			total := w.Body.Len()
			parts := []string{fmt.Sprintf("html %d", w.Body.Len())}
			seen := map[string]bool{}
			for _, m := range assetRE.FindAllStringSubmatch(html, -1) {
				if seen[m[1]] {
					continue
				}
				seen[m[1]] = true
				a := e.do(t, request{method: "GET", target: m[1], header: map[string]string{"Accept-Encoding": "gzip"}})
				if a.Code != http.StatusOK {
					t.Fatalf("%s: %d", m[1], a.Code)
				}
				total += a.Body.Len()
				parts = append(parts, fmt.Sprintf("%s %d", m[1], a.Body.Len()))
			}
			if len(seen) < 3 || !strings.Contains(html, "</html>") {
				t.Fatalf("%s: %d assets found in %d bytes of HTML, want the stylesheet and both scripts", p.name, len(seen), len(html))
			}
			t.Logf("%s: %d bytes transferred (%s)", p.name, total, strings.Join(parts, ", "))
			if total > pageBudget {
				t.Errorf("%s weighs %d bytes transferred, over the budget of %d", p.name, total, pageBudget)
			}
		})
	}
}

func gunzip(t *testing.T, b []byte) string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}
