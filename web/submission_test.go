package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"baocao/intake"
	"baocao/reporting"
	"baocao/scheduler"
	"baocao/store"
	"baocao/store/storetest"
	"baocao/web"
)

var hcm, _ = time.LoadLocation("Asia/Ho_Chi_Minh")

// upEnv is the whole web app on a real loopback port, with one commune, its
// clerk and an open half-year period of the small test form.
type upEnv struct {
	st       *store.Store
	base     string
	token    string
	periodID int64
	unit     string
	other    string
}

func newUpEnv(t testing.TB, maxBytes int64) *upEnv {
	t.Helper()
	ctx := context.Background()
	st := storetest.Open(t)
	storetest.SyncFormYAML(t, st, "test-in.yaml", storetest.SmallFormYAML)
	prov := storetest.Unit(t, st, &storetest.UnitOpts{Kind: reporting.KindProvince})
	unit := storetest.Unit(t, st, &storetest.UnitOpts{Parent: prov.Code, Name: "UBND phường Tân Phú"})
	other := storetest.Unit(t, st, &storetest.UnitOpts{Parent: prov.Code, Name: "UBND xã Tiến Hưng"})
	clerk := storetest.User(t, st, &storetest.UserOpts{Role: reporting.RoleClerk, UnitCode: unit.Code})
	now := func() time.Time { return time.Date(2026, time.June, 10, 9, 0, 0, 0, hcm) }
	if _, err := scheduler.OpenDue(ctx, st, now(), hcm); err != nil {
		t.Fatal(err)
	}
	e := &upEnv{st: st, unit: unit.Code, other: other.Code}
	if err := st.Pool().QueryRow(ctx, `SELECT id FROM periods WHERE key = '2026-H1'`).Scan(&e.periodID); err != nil {
		t.Fatal(err)
	}
	tok, _, err := st.CreateSession(ctx, clerk.ID, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	e.token = tok
	in := intake.New(st, intake.Options{Secret: []byte(strings.Repeat("k", 32)), MaxBytes: maxBytes, Location: hcm, Now: now})
	srv := web.New(web.Options{Store: st, Logger: slog.New(slog.DiscardHandler), Intake: in, MaxUploadBytes: maxBytes, Now: now,
		Reminders: scheduler.ManualReminders{Store: st, Opts: scheduler.RemindOptions{Location: hcm}}})
	if err := srv.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	go srv.Serve()                                           //nolint:errcheck
	t.Cleanup(func() { srv.Shutdown(context.Background()) }) //nolint:errcheck
	e.base = "http://" + srv.Addr()
	return e
}

func (e *upEnv) do(t testing.TB, method, path string, body io.Reader, contentType string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, e.base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+e.token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func (e *upEnv) template(t testing.TB, unit string) []byte {
	t.Helper()
	resp, b := e.do(t, "GET", fmt.Sprintf("/units/%s/periods/%d/template.xlsx", unit, e.periodID), nil, "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("template: %d %s", resp.StatusCode, b)
	}
	return b
}

func multipartBody(t testing.TB, name string, file []byte) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(file) //nolint:errcheck
	mw.Close()
	return &buf, mw.FormDataContentType()
}

func (e *upEnv) upload(t testing.TB, query string, file []byte) (*http.Response, []byte) {
	t.Helper()
	body, ct := multipartBody(t, "báo cáo.xlsx", file)
	return e.do(t, "POST", "/api/v1/submissions"+query, body, ct)
}

func (e *upEnv) submissions(t testing.TB) int {
	t.Helper()
	var n int
	if err := e.st.Pool().QueryRow(context.Background(), `SELECT count(*) FROM submissions`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestUploadOverHTTP(t *testing.T) {
	t.Parallel()
	e := newUpEnv(t, 0)

	resp, tmpl := e.do(t, "GET", fmt.Sprintf("/units/%s/periods/%d/template.xlsx", e.unit, e.periodID), nil, "")
	if resp.StatusCode != 200 {
		t.Fatalf("template %d", resp.StatusCode)
	}
	cd := resp.Header.Get("Content-Disposition")
	if !strings.Contains(cd, `filename="Bao cao TEST-IN 6 thang dau nam 2026 - UBND phuong Tan Phu.xlsx"`) ||
		!strings.Contains(cd, "filename*=UTF-8''B%C3%A1o%20c%C3%A1o") {
		t.Fatalf("Content-Disposition %q", cd)
	}
	file := storetest.Fill(t, tmpl, storetest.SmallFormValues(), nil)

	// Dry run: the same answer as a real upload, nothing stored.
	resp, b := e.upload(t, "?dry_run=true", file)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), `"dry_run": true`) || e.submissions(t) != 0 {
		t.Fatalf("dry run: %d %s", resp.StatusCode, b)
	}
	resp, b = e.upload(t, "", file)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("upload: %d %s", resp.StatusCode, b)
	}
	var res intake.Result
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	if res.Submission.Version != 1 || res.Submission.FileName != "báo cáo.xlsx" || resp.Header.Get("Location") == "" {
		t.Fatalf("created %+v", res)
	}
	// The original comes back byte for byte.
	resp, orig := e.do(t, "GET", resp.Header.Get("Location")+"/file", nil, "")
	if resp.StatusCode != 200 || !bytes.Equal(orig, file) {
		t.Fatalf("original file: %d, %d bytes (want %d)", resp.StatusCode, len(orig), len(file))
	}
	// The same file again: 200, reported as a duplicate.
	resp, b = e.upload(t, "", file)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), `"duplicate": true`) || e.submissions(t) != 1 {
		t.Fatalf("duplicate: %d %s", resp.StatusCode, b)
	}
	// A bad file: 422 with every problem.
	bad := storetest.SmallFormValues()
	bad["giam_sat"] = "nhiều"
	bad["da_giai_quyet"] = 9
	resp, b = e.upload(t, "", storetest.Fill(t, tmpl, bad, nil))
	var pb struct {
		Problems []reporting.Problem `json:"problems"`
	}
	if err := json.Unmarshal(b, &pb); err != nil || resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad file: %d %s", resp.StatusCode, b)
	}
	codes := map[string]bool{}
	for _, p := range pb.Problems {
		codes[p.Code] = p.Message != "" && p.Cell != ""
	}
	if !codes[reporting.ProblemType] || !codes[reporting.ProblemRule] {
		t.Fatalf("problems %+v, want a located type and rule problem", pb.Problems)
	}
	// Annotated: the workbook back, still 422.
	resp, b = e.upload(t, "?annotate=true", storetest.Fill(t, tmpl, bad, nil))
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/vnd.openxmlformats") || !bytes.HasPrefix(b, []byte("PK")) {
		t.Fatalf("annotated: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	// Another unit's template: 403 naming the unit.
	resp, b = e.upload(t, "", storetest.Fill(t, e.templateAsAdmin(t), storetest.SmallFormValues(), nil))
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(b), "UBND xã Tiến Hưng") {
		t.Fatalf("other unit: %d %s", resp.StatusCode, b)
	}
	if e.submissions(t) != 1 {
		t.Fatalf("%d submissions stored, want 1", e.submissions(t))
	}
}

// templateAsAdmin fetches the other unit's template, which its clerk may
// not; an admin's session does.
func (e *upEnv) templateAsAdmin(t *testing.T) []byte {
	t.Helper()
	admin := storetest.User(t, e.st, &storetest.UserOpts{Role: reporting.RoleAdmin})
	tok, _, err := e.st.CreateSession(context.Background(), admin.ID, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	clerk := e.token
	e.token = tok
	defer func() { e.token = clerk }()
	return e.template(t, e.other)
}

func TestUploadTooLargeIsRefusedBeforeParsing(t *testing.T) {
	t.Parallel()
	e := newUpEnv(t, 1<<20)
	big := bytes.Repeat([]byte("x"), 2<<20)
	resp, b := e.upload(t, "", big)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(b), "Tệp quá lớn (tối đa 1 MB)") {
		t.Fatalf("oversized: %d %s", resp.StatusCode, b)
	}
	if e.submissions(t) != 0 {
		t.Fatal("stored an oversized upload")
	}
}

// A clerk's connection drops halfway through the upload: nothing is stored.
func TestKilledUploadLeavesNothing(t *testing.T) {
	t.Parallel()
	e := newUpEnv(t, 0)
	file := storetest.Fill(t, e.template(t, e.unit), storetest.SmallFormValues(), nil)
	body, ct := multipartBody(t, "x.xlsx", file)
	conn, err := net.Dial("tcp", strings.TrimPrefix(e.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST /api/v1/submissions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n",
		e.token, ct, body.Len())
	conn.Write(body.Bytes()[:body.Len()/2]) //nolint:errcheck
	time.Sleep(200 * time.Millisecond)
	conn.Close()
	// The server notices and gives up; then a whole upload still works.
	time.Sleep(300 * time.Millisecond)
	if n := e.submissions(t); n != 0 {
		t.Fatalf("%d submissions after a killed upload", n)
	}
	var rows int
	if err := e.st.Pool().QueryRow(context.Background(), `SELECT (SELECT count(*) FROM submission_values) + (SELECT count(*) FROM audit_events WHERE action = 'submission.upload')`).Scan(&rows); err != nil || rows != 0 {
		t.Fatalf("%d partial rows, %v", rows, err)
	}
	if resp, b := e.upload(t, "", file); resp.StatusCode != http.StatusCreated {
		t.Fatalf("upload after the killed one: %d %s", resp.StatusCode, b)
	}
}

// BenchmarkHTTPUpload100 posts 100 different filled templates one after the
// other to the running server (each a new version: open, verify, validate,
// store) and reports uploads per second.
// go test -run '^$' -bench HTTPUpload100 -benchtime 1x ./web/
func BenchmarkHTTPUpload100(b *testing.B) {
	e := newUpEnv(b, 0)
	tmpl := e.template(b, e.unit)
	files := make([][]byte, 100)
	for i := range files {
		v := storetest.SmallFormValues()
		v["giam_sat"] = i % 50
		v["kho_khan"] = fmt.Sprintf("Lần nộp %d", i)
		files[i] = storetest.Fill(b, tmpl, v, nil)
	}
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		for _, f := range files {
			if resp, body := e.upload(b, "", f); resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
				b.Fatalf("upload: %d %s", resp.StatusCode, body)
			}
		}
	}
	b.ReportMetric(float64(100*b.N)/time.Since(start).Seconds(), "uploads/s")
}
