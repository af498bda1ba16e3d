package ui

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"baocao/reporting"
)

// TestRenderEveryTemplate executes every page and every partial with its
// fixture data: html/template finds a misspelt field only when it runs.
func TestRenderEveryTemplate(t *testing.T) {
	t.Parallel()
	r := newTestRenderer(t)
	pages := pageFixtures()
	for _, name := range r.Pages() {
		fixtures := pages[name]
		if len(fixtures) == 0 {
			t.Errorf("page %q has no fixture in pageFixtures", name)
		}
		for i, p := range fixtures {
			rec := httptest.NewRecorder()
			if err := r.Render(rec, name, p); err != nil {
				t.Errorf("page %s #%d: %v", name, i, err)
				continue
			}
			checkHTML(t, fmt.Sprintf("page %s #%d", name, i), rec.Body.String())
		}
	}
	partials := partialFixtures()
	for _, name := range r.Partials() {
		if name == "layout" || name == "content" || name == "head" {
			continue
		}
		data, ok := partials[name]
		if !ok {
			t.Errorf("partial %q has no fixture in partialFixtures", name)
			continue
		}
		rec := httptest.NewRecorder()
		if err := r.Fragment(rec, name, data); err != nil {
			t.Errorf("partial %s: %v", name, err)
			continue
		}
		checkHTML(t, "partial "+name, rec.Body.String())
	}
}

// checkHTML catches what a template bug leaves in the output.
func checkHTML(t *testing.T, what, html string) {
	t.Helper()
	for _, bad := range []string{"<no value>", "%!", "ZgotmplZ", "<nil>", "map["} {
		if strings.Contains(html, bad) {
			i := strings.Index(html, bad)
			t.Errorf("%s: output contains %q near …%s…", what, bad, html[max(0, i-80):min(len(html), i+40)])
		}
	}
}

func render(t *testing.T, r *Renderer, name string, p Page) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	if err := r.Render(rec, name, p); err != nil {
		t.Fatalf("render %s: %v", name, err)
	}
	return rec.Code, rec.Body.String()
}

func contains(t *testing.T, what, html string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(html, w) {
			t.Errorf("%s: missing %q", what, w)
		}
	}
}

func TestRenderRefusesMissingFields(t *testing.T) {
	t.Parallel()
	r := newTestRenderer(t)
	for _, tc := range []struct {
		name, page string
		p          Page
		want       string
	}{
		{"no title", "sign-in", Page{Content: SignIn{}}, "Title"},
		{"user without csrf", "error", Page{Title: "x", User: fixtureClerk, Content: ErrorContent{Status: 404}}, "CSRF"},
		{"unknown page", "nope", Page{Title: "x"}, "no such page"},
		{"wrong content type", "sign-in", Page{Title: "x", Content: ErrorContent{}}, "can't evaluate field"},
	} {
		err := r.Execute(io.Discard, tc.page, tc.p)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one mentioning %q", tc.name, err, tc.want)
		}
	}
	for _, tc := range []struct {
		partial string
		data    any
		want    string
	}{
		{"field", map[string]any{"Label": "E-mail"}, "Name"},
		{"field", map[string]any{"Name": "email"}, "Label"},
		{"upload", map[string]any{"Action": "/u"}, "CSRF"},
		{"alert", Flash{Kind: FlashInfo}, "Message"},
		{"bar-chart", BarChart{}, "Title"},
		{"table", Table{}, "Caption"},
	} {
		err := r.Fragment(httptest.NewRecorder(), tc.partial, tc.data)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("partial %s without %s: error %v", tc.partial, tc.want, err)
		}
	}
}

func TestLayout(t *testing.T) {
	t.Parallel()
	r := newTestRenderer(t)

	code, html := render(t, r, "error", withUser(ErrorPage(http.StatusForbidden, "Bạn không có quyền xem thông tin của đơn vị 25200."), fixtureClerk))
	if code != http.StatusForbidden {
		t.Errorf("status %d, want 403", code)
	}
	contains(t, "clerk's page", html,
		`<html lang="vi">`,
		"Hệ thống báo cáo thực hiện dân chủ ở cơ sở",
		"Nguyễn Thị Ngọc Ánh", reporting.RoleClerk.Label(),
		`action="/logout"`, `name="csrf_token" value="`+fixtureCSRF+`"`,
		`hx-headers='{"X-CSRF-Token": "`+fixtureCSRF+`"}'`,
		`href="/obligations"`, "Việc cần làm",
		"Bạn không có quyền xem trang này", "Mã lỗi 403",
	)
	if strings.Contains(html, `href="/admin/users"`) {
		t.Error("a clerk is offered the users page")
	}

	_, html = render(t, r, "components", pageFixtures()["components"][0])
	contains(t, "inspector's page", html, `href="/dashboard" aria-current="page"`, `href="/outbox"`)
	if strings.Contains(html, `href="/obligations"`) || strings.Contains(html, `href="/admin/users"`) {
		t.Error("an inspector is offered a clerk's or an admin's page")
	}

	_, html = render(t, r, "error", withRequestID(ErrorPage(http.StatusInternalServerError, ""), "3f9a1c0d2e4b5a69"))
	contains(t, "error page naming its request", html, "Mã yêu cầu: <code>3f9a1c0d2e4b5a69</code>")

	_, html = render(t, r, "error", ErrorPage(http.StatusNotFound, ""))
	contains(t, "signed-out page", html, "Không tìm thấy trang", "Mã lỗi 404")
	if strings.Contains(html, "Mã yêu cầu") {
		t.Error("an error page without a request id shows the label")
	}
	for _, no := range []string{"Đăng xuất", "hx-headers", `<nav class="site-nav"`} {
		if strings.Contains(html, no) {
			t.Errorf("a page without a user shows %q", no)
		}
	}
	if strings.Contains(html, "<script>") || strings.Contains(html, " style=") || strings.Contains(html, " on") && strings.Contains(html, `onclick=`) {
		t.Error("inline script or style: the CSP forbids it")
	}
}

func TestSignIn(t *testing.T) {
	t.Parallel()
	r := newTestRenderer(t)
	_, html := render(t, r, "sign-in", Page{Title: "Đăng nhập", Content: SignIn{Next: "/obligations"}})
	contains(t, "sign-in", html,
		`<form class="card" method="post" action="/login">`,
		`name="next" value="/obligations"`,
		`type="email"`, `autocomplete="username"`, `autocomplete="current-password"`,
		`<label for="f-email">E-mail`, `<label for="f-password">Mật khẩu`,
	)
	if strings.Contains(html, "locked-out") {
		t.Error("lock-out message shown without a lock-out")
	}
	code, html := render(t, r, "sign-in", pageFixtures()["sign-in"][2])
	if code != http.StatusTooManyRequests {
		t.Errorf("status %d", code)
	}
	contains(t, "locked-out sign-in", html, `role="alert" id="locked-out"`, "sai quá 5 lần", `value="vanthu@xa-tanphu.gov.vn"`)
}

func TestStatusBadgeSaysStatusInWords(t *testing.T) {
	t.Parallel()
	r := newTestRenderer(t)
	for _, s := range reporting.Statuses {
		rec := httptest.NewRecorder()
		if err := r.Fragment(rec, "status", s); err != nil {
			t.Fatal(err)
		}
		html := rec.Body.String()
		contains(t, string(s), html, `class="badge badge-`+string(s)+`"`, s.Label(), `aria-hidden="true">`+statusIcon(s))
	}
}

func TestFuncs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		base string
		segs []any
		want string
	}{
		{"/units", []any{"25195", "periods", 12}, "/units/25195/periods/12"},
		{"/units/", []any{"79/2 x"}, "/units/79%2F2%20x"},
		{"", nil, "/"},
	} {
		if got := urlPath(tc.base, tc.segs...); got != tc.want {
			t.Errorf("url %q %v = %q, want %q", tc.base, tc.segs, got, tc.want)
		}
	}
	if s, err := number(1234567); err != nil || s != "1.234.567" {
		t.Errorf("number = %q, %v", s, err)
	}
	if _, err := number("12"); err == nil {
		t.Error("number of a string: no error")
	}
}

func TestStaticHandler(t *testing.T) {
	t.Parallel()
	r := newTestRenderer(t)
	h := r.StaticHandler()
	u, err := r.static.url("app.css")
	if err != nil {
		t.Fatal(err)
	}
	get := func(target string, hdr ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", target, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}

	rec := get(u, "Accept-Encoding", "gzip, deflate")
	if rec.Code != 200 || rec.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" ||
		rec.Header().Get("Content-Encoding") != "gzip" || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/css") {
		t.Errorf("hashed css: %d %v", rec.Code, rec.Header())
	}
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(zr)
	if !bytes.Contains(body, []byte(":focus-visible")) {
		t.Error("gzipped css does not decode to the stylesheet")
	}

	rec = get("/static/app.css")
	if rec.Header().Get("Cache-Control") != "no-cache" || rec.Header().Get("Content-Encoding") != "" || rec.Body.Len() == 0 {
		t.Errorf("unhashed css: %v", rec.Header())
	}
	etag := rec.Header().Get("ETag")
	if rec = get("/static/app.css", "If-None-Match", etag); rec.Code != http.StatusNotModified {
		t.Errorf("If-None-Match: %d, want 304", rec.Code)
	}
	if rec = get("/static/htmx.min.js?v=old"); rec.Code != 200 || rec.Header().Get("Cache-Control") != "no-cache" {
		t.Errorf("stale hash: %d %q", rec.Code, rec.Header().Get("Cache-Control"))
	}
	if rec = get("/static/nope.js"); rec.Code != http.StatusNotFound {
		t.Errorf("missing file: %d", rec.Code)
	}
	if _, err := r.static.url("nope.css"); err == nil {
		t.Error("static of a missing file: no error")
	}
}

func TestBarChart(t *testing.T) {
	t.Parallel()
	rows := BarChart{Title: "x", Bars: []Bar{
		{Label: "A", Value: "3/4", Rate: 0.75},
		{Label: "B", Rate: 1.4},
		{Label: strings.Repeat("Ủy ban nhân dân ", 5), Rate: -1},
	}}.Rows()
	want := []struct{ width, figure string }{{"75.00%", "3/4 · 75%"}, {"100.00%", "140%"}, {"0.00%", "-100%"}}
	for i, w := range want {
		if rows[i].Width != w.width || rows[i].Figure != w.figure {
			t.Errorf("row %d: width %s figure %q, want %s %q", i, rows[i].Width, rows[i].Figure, w.width, w.figure)
		}
	}
	if got := []rune(rows[2].Short); len(got) > barLabelMax || got[len(got)-1] != '…' {
		t.Errorf("long label shortened to %q", rows[2].Short)
	}
	// A short label shares its line with the figure; a long one puts the
	// figure on the next line, so they never overlap on a phone.
	if rows[0].Below || rows[0].FigureY != rows[0].TextY || !rows[2].Below || rows[2].FigureY != rows[2].TextY+barLine {
		t.Errorf("figure lines: %+v / %+v", rows[0], rows[2])
	}
	if rows[1].TextY <= rows[0].BarY+barHeight || rows[2].TextY <= rows[1].BarY+barHeight {
		t.Errorf("rows overlap: %+v", rows)
	}
}

func TestLineChart(t *testing.T) {
	t.Parallel()
	p := fixtureLines().Plot()
	if len(p.Lines) != 2 || len(p.Lines[0].Marks) != 5 || len(p.Lines[1].Marks) != 4 {
		t.Fatalf("lines %+v", p.Lines)
	}
	// 0.62 of a 0–100% axis: 38% of the 180px plot below its top at 12px.
	if m := p.Lines[0].Marks[0]; m.X != "11.00%" || m.Y != 12+68 || m.Text != "6T/2024: 62%" {
		t.Errorf("first mark %+v", m)
	}
	if m := p.Lines[0].Marks[4]; m.X != "97.00%" {
		t.Errorf("last mark %+v", m)
	}
	if got := p.Lines[0].Points; !strings.HasPrefix(got, "0.0,380.0 ") || !strings.HasSuffix(got, " 1000.0,216.0") {
		t.Errorf("points %q", got)
	}
	if p.Grid[0].Text != "0%" || p.Grid[4].Text != "100%" {
		t.Errorf("grid %+v", p.Grid)
	}
	counts := LineChart{Title: "x", Labels: []string{"a", "b"}, Series: []Series{{Name: "n", Values: []float64{130, 1710}}}}
	if g := counts.Plot().Grid; g[4].Text != "2.000" || g[1].Text != "500" {
		t.Errorf("count axis %+v", g)
	}
}

func TestPager(t *testing.T) {
	t.Parallel()
	p := fixturePager() // page 3 of 6, 111 items by 20
	if p.Pages() != 6 || p.Range() != "Hiển thị 41–60 trong 111" {
		t.Errorf("pages %d range %q", p.Pages(), p.Range())
	}
	var got []string
	for _, l := range p.Links() {
		got = append(got, fmt.Sprint(l.Number))
	}
	if s := strings.Join(got, " "); s != "1 2 3 4 5 6" {
		t.Errorf("links %s", s)
	}
	if h := p.Href(1); h != "/periods/12?status=late" {
		t.Errorf("href 1 = %q", h)
	}
	if h := p.Href(4); h != "/periods/12?page=4&status=late" {
		t.Errorf("href 4 = %q", h)
	}
	u := p.url
	far := NewPager(&u, 50, 10, 1000)
	var links []string
	for _, l := range far.Links() {
		links = append(links, fmt.Sprint(l.Number))
	}
	if s := strings.Join(links, " "); s != "1 0 48 49 50 51 52 0 100" {
		t.Errorf("far links %s", s)
	}
}
