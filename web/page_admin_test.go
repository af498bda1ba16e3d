package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"baocao/config"
	"baocao/scheduler"
	"baocao/store"
	"baocao/store/storetest"
)

// formPost is the forms page's upload of a definition file: the file, the
// button pressed (check or apply) and the CSRF field, as a browser sends
// them from this site.
func (e *env) formPost(t *testing.T, who, name, src, action string) *http.Response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write([]byte(src))           //nolint:errcheck
	mw.WriteField("action", action) //nolint:errcheck
	mw.Close()                      //nolint:errcheck
	w := e.do(t, request{method: http.MethodPost, target: "/admin/forms", body: buf.String(), cookie: e.token(t, who),
		header: map[string]string{"Content-Type": mw.FormDataContentType(), "Sec-Fetch-Site": "same-origin"}})
	return w.Result()
}

const adminFormV1 = `code: NAP-WEB
title: Biểu nạp qua trang
unit_kinds: [commune_pc]
schedules:
  - periodicity: quarterly
    since: "2026-01-01"
    deadline: {after_cutoff_working_days: 2}
sections:
  - title: I. Chỉ tiêu
    fields:
      - {code: so_cuoc, label: Số cuộc, type: int, min: 0, unit: cuộc}
`

// adminFormThreeMistakes: an unknown type, a section without a title, a
// rule over a field that does not exist.
const adminFormThreeMistakes = `code: NAP-WEB
title: Biểu nạp qua trang
unit_kinds: [commune_pc]
schedules:
  - periodicity: quarterly
    since: "2026-01-01"
    deadline: {after_cutoff_working_days: 2}
sections:
  - title: I. Chỉ tiêu
    fields:
      - {code: so_cuoc, label: Số cuộc, type: integer}
  - title: ""
    fields:
      - {code: so_nguoi, label: Số người, type: int}
rules:
  - {expr: "so_nguoi <= khong_co", message: "Số người không quá số không có"}
`

// TestAdminFormsPages: an administrator checks a definition with three
// mistakes and sees all three (422, nothing stored); checks a good one and
// sees what it adds; loads it; loads a second version and compares the
// two on the form's page, each field described as its template cell
// says; downloads a version's YAML; the audit page lists the loads and
// its CSV has them; nobody else may open these pages.
func TestAdminFormsPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	bad := e.formPost(t, "admin", "nap-web.yaml", adminFormThreeMistakes, "apply")
	body := readBody(t, bad)
	if bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "có 3 lỗi") {
		t.Fatalf("three mistakes: %d\n%s", bad.StatusCode, body)
	}
	for _, want := range []string{"field so_cuoc", "section 2", "rule 1", `unknown type &#34;integer&#34;`} {
		if !strings.Contains(body, want) {
			t.Errorf("three mistakes: the page does not say %q", want)
		}
	}
	if _, err := e.st.FormByCode(t.Context(), "NAP-WEB"); err == nil {
		t.Fatal("a file with mistakes was stored")
	}
	check := e.formPost(t, "admin", "nap-web.yaml", adminFormV1, "check")
	body = readBody(t, check)
	if check.StatusCode != http.StatusOK || !strings.Contains(body, "Chỉ tiêu thêm (1)") || !strings.Contains(body, "Số nguyên từ 0 trở lên") {
		t.Fatalf("check: %d\n%s", check.StatusCode, body)
	}
	if _, err := e.st.FormByCode(t.Context(), "NAP-WEB"); err == nil {
		t.Fatal("a check stored the form")
	}
	if w := e.formPost(t, "admin", "nap-web.yaml", adminFormV1, "apply"); w.StatusCode != http.StatusOK || !strings.Contains(readBody(t, w), "phiên bản 1") {
		t.Fatalf("load v1: %d", w.StatusCode)
	}
	v2 := strings.Replace(adminFormV1, "min: 0,", "min: 0, max: 500,", 1)
	if w := e.formPost(t, "admin", "nap-web-2.yaml", v2, "apply"); w.StatusCode != http.StatusOK || !strings.Contains(readBody(t, w), "phiên bản 2") {
		t.Fatalf("load v2: %d", w.StatusCode)
	}
	page := e.do(t, request{method: http.MethodGet, target: "/admin/forms/NAP-WEB", cookie: e.token(t, "admin")})
	body = page.Body.String()
	for _, want := range []string{"Chỉ tiêu sửa (1)", "<code>max</code> (không có) → 500", "Số nguyên từ 0 đến 500", "/admin/forms/NAP-WEB/versions/1.yaml"} {
		if !strings.Contains(body, want) {
			t.Errorf("form page: no %q", want)
		}
	}
	old := e.do(t, request{method: http.MethodGet, target: "/admin/forms/NAP-WEB?v=1", cookie: e.token(t, "admin")})
	if !strings.Contains(old.Body.String(), "Số nguyên từ 0 trở lên") {
		t.Errorf("version 1 shown: %s", old.Body)
	}
	src := e.do(t, request{method: http.MethodGet, target: "/admin/forms/NAP-WEB/versions/1.yaml", cookie: e.token(t, "admin")})
	if src.Code != http.StatusOK || src.Body.String() != adminFormV1 {
		t.Errorf("version 1's YAML: %d %q", src.Code, src.Body)
	}
	for _, target := range []string{"/admin/forms/NAP-WEB?v=9", "/admin/forms/NAP-WEB/versions/9.yaml", "/admin/forms/NAP-WEB?from=x", "/admin/forms/KHONG-CO"} {
		if w := e.do(t, request{method: http.MethodGet, target: target, cookie: e.token(t, "admin")}); w.Code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", target, w.Code)
		}
	}

	audit := e.do(t, request{method: http.MethodGet, target: "/admin/audit?action=forms.load", cookie: e.token(t, "admin")})
	body = audit.Body.String()
	if audit.Code != http.StatusOK || strings.Count(body, "Nạp biểu mẫu <span") != 2 || !strings.Contains(body, "NAP-WEB") {
		t.Errorf("audit page: %d\n%s", audit.Code, body)
	}
	csvAnswer := e.do(t, request{method: http.MethodGet, target: "/admin/audit.csv?action=forms.load", cookie: e.token(t, "admin")})
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(csvAnswer.Body.String(), "\ufeff"))).ReadAll()
	if err != nil || len(rows) != 3 || rows[1][3] != "forms.load" || rows[1][5] != "NAP-WEB" || !strings.Contains(rows[1][6], `"version":2`) {
		t.Errorf("audit CSV: %v, %v", rows, err)
	}
	if w := e.do(t, request{method: http.MethodGet, target: "/admin/audit?since=31/02/2026", cookie: e.token(t, "admin")}); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("a bad day: %d", w.Code)
	}
	day := e.clock.Now().Format("02/01/2006")
	today := e.do(t, request{method: http.MethodGet, target: "/admin/audit?action=forms.load&since=" + day + "&until=" + day, cookie: e.token(t, "admin")})
	if strings.Count(today.Body.String(), "Nạp biểu mẫu <span") != 2 {
		t.Errorf("today's loads: not both listed")
	}
	yesterday := e.clock.Now().AddDate(0, 0, -1).Format("02/01/2006")
	if w := e.do(t, request{method: http.MethodGet, target: "/admin/audit?action=forms.load&until=" + yesterday, cookie: e.token(t, "admin")}); strings.Contains(w.Body.String(), "NAP-WEB") {
		t.Errorf("loads listed until yesterday")
	}

	for _, who := range []string{"clerk-c1", "supervisor-d1", "inspector"} {
		for _, target := range []string{"/admin/forms", "/admin/forms/NAP-WEB", "/admin/forms/NAP-WEB/versions/1.yaml", "/admin/audit", "/admin/audit.csv"} {
			if w := e.do(t, request{method: http.MethodGet, target: target, cookie: e.token(t, who)}); w.Code != http.StatusForbidden {
				t.Errorf("%s GET %s: %d, want 403", who, target, w.Code)
			}
		}
		if w := e.formPost(t, who, "nap-web-3.yaml", strings.Replace(v2, "500", "600", 1), "apply"); w.StatusCode != http.StatusForbidden {
			t.Errorf("%s loads a form: %d, want 403", who, w.StatusCode)
		}
	}
	if h, _ := e.st.FormHistory(t.Context(), "NAP-WEB"); len(h) != 2 {
		t.Errorf("%d versions after the refused loads, want 2", len(h))
	}
	if w := e.do(t, request{method: http.MethodGet, target: "/admin/forms"}); w.Code != http.StatusSeeOther {
		t.Errorf("nobody: %d, want 303 to sign in", w.Code)
	}
}

func readBody(t *testing.T, r *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestAdminSystemPage: the system page names the instance leading the
// scheduler and each job's last run with its error, says the schema is up
// to date, shows the settings with the secrets masked, and is the
// administrator's alone.
func TestAdminSystemPage(t *testing.T) {
	t.Parallel()
	var c config.Config
	c.SMTP.Host, c.SMTP.Password = "mail.tinh.gov.vn", "mat-khau-thu-rat-bi-mat"
	// The page's leader lock, held by hand below: the scheduler that runs
	// the job gives its own up when it stops.
	const lock = 990_001
	e := newEnv(t, &envOptions{Settings: c.Settings(), LeaderLock: lock})
	w := e.do(t, request{method: http.MethodGet, target: "/admin/system", cookie: e.token(t, "admin")})
	if body := w.Body.String(); w.Code != http.StatusOK || !strings.Contains(body, "Không máy nào đang chạy các việc định kỳ") {
		t.Fatalf("no leader: %d\n%s", w.Code, body)
	}
	leader := scheduler.NewLeader(e.st.Pool(), lock, slog.New(slog.DiscardHandler))
	if err := leader.IsLeader(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { leader.Resign(context.Background()) })
	sc, err := scheduler.New(e.st.Pool(), scheduler.Options{Tick: time.Hour, Location: time.UTC, Logger: slog.New(slog.DiscardHandler)},
		scheduler.Job{Name: "gui-thu", Run: func(context.Context, time.Time) error { return errors.New("máy chủ thư không trả lời") }})
	if err != nil {
		t.Fatal(err)
	}
	sc.Start()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var n int
		e.st.Pool().QueryRow(t.Context(), `SELECT count(*) FROM scheduler_runs WHERE job = 'gui-thu'`).Scan(&n) //nolint:errcheck
		if n == 1 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	sc.Shutdown(t.Context()) //nolint:errcheck
	w = e.do(t, request{method: http.MethodGet, target: "/admin/system", cookie: e.token(t, "admin")})
	body := w.Body.String()
	for _, want := range []string{"baocao " + store.Instance(), "<code>gui-thu</code>", "máy chủ thư không trả lời", "Đã cập nhật",
		"<code>smtp.host</code></td><td>mail.tinh.gov.vn", "<code>obligations</code>"} {
		if !strings.Contains(body, want) {
			t.Errorf("system page: no %q", want)
		}
	}
	if strings.Contains(body, "mat-khau-thu-rat-bi-mat") {
		t.Error("the SMTP password shows")
	}
	for _, who := range []string{"clerk-c1", "supervisor-d1", "inspector"} {
		if w := e.do(t, request{method: http.MethodGet, target: "/admin/system", cookie: e.token(t, who)}); w.Code != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", who, w.Code)
		}
	}
}

// TestAdminPeriodsPage: the administrator's periods page lists the
// form's periods with each kind's earliest deadline, the units given a
// later one and how many filed; "open due periods now" opens what is due
// (nothing twice), says so and is audited; nobody else may do either.
func TestAdminPeriodsPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	if _, err := e.st.Pool().Exec(t.Context(), `UPDATE obligations SET deadline = deadline + interval '3 days' WHERE period_id = $1 AND unit_code = $2`,
		e.periodID, e.c2); err != nil {
		t.Fatal(err)
	}
	storetest.Upload(t, e.st, e.periodID, e.c1, e.clock.Now())
	w := e.do(t, request{method: http.MethodGet, target: "/admin/periods", cookie: e.token(t, "admin")})
	body := w.Body.String()
	if w.Code != http.StatusOK || !strings.Contains(body, "(1 đơn vị được gia hạn") || !strings.Contains(body, "đã nộp 1/3") {
		t.Fatalf("periods page: %d\n%s", w.Code, body)
	}
	var before int
	e.st.Pool().QueryRow(t.Context(), `SELECT count(*) FROM periods`).Scan(&before) //nolint:errcheck
	e.clock.Advance(200 * 24 * time.Hour)                                           // another half-year has begun
	admin, _, err := e.st.CreateSession(t.Context(), e.user(t, "admin").ID, time.Hour, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	counts := []int{before}
	for i := range 2 { // the second time, nothing is due
		w = e.do(t, request{method: http.MethodPost, target: "/admin/periods/open", cookie: admin,
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}})
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/admin/periods" {
			t.Fatalf("open now %d: %d to %s %s", i, w.Code, w.Header().Get("Location"), w.Body)
		}
		var after int
		e.st.Pool().QueryRow(t.Context(), `SELECT count(*) FROM periods`).Scan(&after) //nolint:errcheck
		counts = append(counts, after)
		events, err := e.svc.AuditTrail(t.Context(), e.user(t, "admin"), store.AuditFilter{Action: "periods.open"})
		if err != nil || len(events) != i+1 {
			t.Fatalf("audit after open %d: %d events, %v", i, len(events), err)
		}
		if d, _ := json.Marshal(events[0].Details); !strings.Contains(string(d), fmt.Sprintf(`"periods":%d,`, after-counts[i])) {
			t.Errorf("open %d: details %s, want %d periods", i, d, after-counts[i])
		}
	}
	if counts[1] <= counts[0] || counts[2] != counts[1] {
		t.Errorf("periods before, after the first and the second opening: %v", counts)
	}
	for _, who := range []string{"clerk-c1", "supervisor-d1", "inspector"} {
		if w := e.do(t, request{method: http.MethodGet, target: "/admin/periods", cookie: e.token(t, who)}); w.Code != http.StatusForbidden {
			t.Errorf("%s GET: %d, want 403", who, w.Code)
		}
		w := e.do(t, request{method: http.MethodPost, target: "/admin/periods/open", cookie: e.token(t, who),
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}})
		if w.Code != http.StatusForbidden {
			t.Errorf("%s opens periods: %d, want 403", who, w.Code)
		}
	}
}
