package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"baocao/web"
)

// The OpenAPI document (web/openapi.yaml) is held to the server two ways:
// every request a web test makes through env.do is validated against it,
// request and answer (openAPICheck), and every route the router registers
// must be in it (TestOpenAPICoversEveryRoute).

// openAPI is the loaded, validated document and a router over it, loaded
// once for every test.
var openAPI = sync.OnceValues(func() (*openAPIDoc, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(web.OpenAPI)
	if err != nil {
		return nil, fmt.Errorf("load openapi.yaml: %w", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("openapi.yaml is not a valid OpenAPI document: %w", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("route openapi.yaml: %w", err)
	}
	return &openAPIDoc{doc: doc, router: router}, nil
})

type openAPIDoc struct {
	doc    *openapi3.T
	router routers.Router
}

// acceptCredentials accepts a security scheme when the request carries its
// credential (whether the server takes it is the server's to say), and a
// request carrying none at all: the test is of the refusal, whose answer
// the document must describe.
func acceptCredentials(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	r := in.RequestValidationInput.Request
	bearer := strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ")
	_, err := r.Cookie(web.SessionCookie)
	cookie := err == nil
	switch {
	case !bearer && !cookie:
		return nil
	case in.SecuritySchemeName == "bearer" && bearer, in.SecuritySchemeName == "session" && cookie:
		return nil
	}
	return fmt.Errorf("no %s credential", in.SecuritySchemeName)
}

// openAPICheck validates a request about to be served against the
// document; call its result with the answer to validate that too. Requests
// outside the document (pages, static files) are not checked; an answer
// under /api/ that no operation describes (404, 405) must still be the
// document's Error. A request marked invalid breaks the document on
// purpose: only its answer is checked.
func openAPICheck(t testing.TB, r *http.Request, body string, invalid bool) func(w *httptest.ResponseRecorder) {
	t.Helper()
	oa, err := openAPI()
	if err != nil {
		t.Fatal(err)
	}
	// The router wants an absolute URL, as a server sees it.
	vr := r.Clone(r.Context())
	vr.URL.Scheme, vr.URL.Host = "http", r.Host
	vr.Body = io.NopCloser(strings.NewReader(body))
	route, params, err := oa.router.FindRoute(vr)
	if err != nil {
		if !strings.HasPrefix(r.URL.Path, "/api/") {
			return func(*httptest.ResponseRecorder) {}
		}
		return func(w *httptest.ResponseRecorder) {
			t.Helper()
			checkErrorShape(t, oa.doc, r, w)
		}
	}
	in := &openapi3filter.RequestValidationInput{Request: vr, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: acceptCredentials, IncludeResponseStatus: true, MultiError: true}}
	if !invalid {
		if err := openapi3filter.ValidateRequest(r.Context(), in); err != nil {
			t.Errorf("%s %s: the request breaks openapi.yaml: %v", r.Method, r.URL, err)
		}
	}
	return func(w *httptest.ResponseRecorder) {
		t.Helper()
		data := answerBody(t, w)
		err := openapi3filter.ValidateResponse(r.Context(), &openapi3filter.ResponseValidationInput{
			RequestValidationInput: in, Status: w.Code, Header: w.Header(), Body: io.NopCloser(bytes.NewReader(data)),
			Options: in.Options,
		})
		if err != nil {
			t.Errorf("%s %s: the answer (%d) breaks openapi.yaml: %v\n%s", r.Method, r.URL, w.Code, err, clip(data))
		}
	}
}

// checkErrorShape checks that an API answer no operation describes is the
// document's Error.
func checkErrorShape(t testing.TB, doc *openapi3.T, r *http.Request, w *httptest.ResponseRecorder) {
	t.Helper()
	data := answerBody(t, w)
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s %s: %d answered as %q, not JSON: %s", r.Method, r.URL, w.Code, ct, clip(data))
		return
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Errorf("%s %s: %d, not JSON: %s", r.Method, r.URL, w.Code, clip(data))
		return
	}
	if err := doc.Components.Schemas["Error"].Value.VisitJSON(v, openapi3.EnableJSONSchema2020()); err != nil {
		t.Errorf("%s %s: %d is not the API's error shape: %v\n%s", r.Method, r.URL, w.Code, err, clip(data))
	}
}

// answerBody is w's body, gunzipped when it went out compressed.
func answerBody(t testing.TB, w *httptest.ResponseRecorder) []byte {
	t.Helper()
	if w.Header().Get("Content-Encoding") != "gzip" {
		return w.Body.Bytes()
	}
	zr, err := gzip.NewReader(bytes.NewReader(w.Body.Bytes()))
	if err != nil {
		t.Fatalf("gzip answer: %v", err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("gzip answer: %v", err)
	}
	return data
}

func clip(b []byte) string {
	if len(b) > 2000 {
		return string(b[:2000]) + "…"
	}
	return string(b)
}

// TestOpenAPICoversEveryRoute holds the document to the route table: every
// API route the router registers is described, and the document describes
// nothing else (but /healthz).
func TestOpenAPICoversEveryRoute(t *testing.T) {
	t.Parallel()
	oa, err := openAPI()
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for path, item := range oa.doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+path] = true
		}
	}
	// ServeMux's {name} and {name...} wildcards are OpenAPI's {name}.
	wildcard := regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)(\.\.\.)?\}`)
	registered := map[string]bool{"GET /healthz": true}
	for _, rt := range web.APIRoutes() {
		registered[rt.Method+" "+wildcard.ReplaceAllString(strings.TrimSuffix(rt.Pattern, "{$}"), "{$1}")] = true
	}
	var missing, extra []string
	for r := range registered {
		if !documented[r] {
			missing = append(missing, r)
		}
	}
	for d := range documented {
		if !registered[d] {
			extra = append(extra, d)
		}
	}
	slices.Sort(missing)
	slices.Sort(extra)
	if len(missing) > 0 {
		t.Errorf("routes registered but not in openapi.yaml:\n%s", strings.Join(missing, "\n"))
	}
	if len(extra) > 0 {
		t.Errorf("operations in openapi.yaml that no route serves:\n%s", strings.Join(extra, "\n"))
	}
}

func TestOpenAPIServed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	w := e.do(t, request{method: "GET", target: "/api/v1/openapi.yaml"})
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/yaml" {
		t.Fatalf("GET /api/v1/openapi.yaml: %d %q", w.Code, w.Header().Get("Content-Type"))
	}
	doc, err := openapi3.NewLoader().LoadFromData(w.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !doc.IsOpenAPI31OrLater() || doc.Paths.Find("/api/v1/submissions/{id}/review") == nil {
		t.Errorf("served document: OpenAPI %s, %d paths", doc.OpenAPI, doc.Paths.Len())
	}
}

// TestOpenAPIErrorShape: what no route answers under /api/ (a path that
// does not exist, a method a path does not take) is the API's one error
// shape, not ServeMux's plain text; env.do checks the shape itself.
func TestOpenAPIErrorShape(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	for _, tc := range []struct {
		method, target string
		status         int
		allow          string
	}{
		{"GET", "/api/v1/nothing-here", http.StatusNotFound, ""},
		{"DELETE", "/api/v1/me", http.StatusMethodNotAllowed, "GET"},
		{"GET", "/api/v1/submissions", http.StatusMethodNotAllowed, "POST"},
		{"PUT", "/api/v1/periods/1/exemptions/x", http.StatusMethodNotAllowed, "DELETE"},
	} {
		w := e.do(t, request{method: tc.method, target: tc.target, as: "admin"})
		if w.Code != tc.status || w.Header().Get("Allow") != tc.allow {
			t.Errorf("%s %s: %d Allow %q, want %d Allow %q", tc.method, tc.target, w.Code, w.Header().Get("Allow"), tc.status, tc.allow)
		}
	}
}
