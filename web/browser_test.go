package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"baocao/mail"
	"baocao/ops"
	"baocao/reporting"
	"baocao/store/storetest"
)

// TestClerkFromReminderToReceiptInBrowser is the acceptance flow in
// Chromium at 1366×768: a commune clerk follows the link of a reminder
// delivered over SMTP, signs in, downloads the template, uploads it with
// mistakes and sees every one of them, uploads it corrected and gets the
// receipt; an inspector sees the unit counted, returns the version with a
// reason, downloads the consolidated reports; the clerk sees the reason; a
// supervisor of another district gets the 403 page; and, with JavaScript
// off, the clerk signs in, downloads and files again. Every main page is
// checked by axe and photographed at both sizes on the way.
func TestClerkFromReminderToReceiptInBrowser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, &envOptions{Loopback: true})
	site := "http://" + e.listen(t)
	clerk, inspector := e.user(t, "clerk-c1"), e.user(t, "inspector")
	periodPath := fmt.Sprintf("/units/%s/periods/%d", e.c1, e.periodID)

	// The reminder, enqueued and delivered by ops at the env's moment to a
	// real SMTP server.
	const clerkMail = "vanphong@tanphu.test"
	if _, err := e.st.Pool().Exec(ctx, `UPDATE unit_versions SET emails = ARRAY[$2] WHERE unit_code = $1`, e.c1, clerkMail); err != nil {
		t.Fatal(err)
	}
	sink, err := mail.StartSink(mail.SinkOptions{Dir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sink.Close() }) //nolint:errcheck
	sender, err := mail.NewSMTP(mail.SMTPOptions{Host: sink.Host(), Port: sink.Port(), From: "baocao@snv.test", TLS: mail.TLSNone,
		Timeout: 5 * time.Second, HELO: "localhost"})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := e.svc.EnqueueReminders(ctx, e.clock.Now()); err != nil || res.Enqueued == 0 {
		t.Fatalf("enqueue reminders: %+v, %v", res, err)
	}
	if res, err := e.svc.DeliverOutbox(ctx, sender, e.clock.Now()); err != nil || res.Sent == 0 {
		t.Fatalf("deliver outbox: %+v, %v", res, err)
	}
	link := reminderLink(t, sink, clerkMail)
	if link != site+periodPath {
		t.Fatalf("the reminder links to %q, want %q", link, site+periodPath)
	}

	// The clerk follows it, is sent to sign in, and comes back to it.
	tab := isolatedTab(t)
	navigate(t, tab, link, 200)
	if loc := location(t, tab); loc != site+"/login?next="+url.QueryEscape(periodPath) {
		t.Fatalf("the link led to %s, want the sign-in page coming back to %s", loc, periodPath)
	}
	look(t, tab, "sign-in")
	signIn(t, tab, clerk.Email)
	if loc := location(t, tab); loc != site+periodPath {
		t.Fatalf("signed in at %s, want %s", loc, site+periodPath)
	}
	look(t, tab, "unit-period")

	// The template, as the page's link gives it.
	tmplURL := storetest.Eval[string](t, tab, `document.querySelector('a[href$="/template.xlsx"]').href`)
	tmpl := fetchBytes(t, tab, tmplURL, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

	// Filled with mistakes: every one of them listed.
	bad := storetest.SmallFormValues()
	bad["giam_sat"] = 600           // over its maximum
	bad["kien_nghi"] = 3            // fewer than those settled: the rule
	bad["tien_thu_hoi"] = "nhiều"   // not a number
	bad["tu_danh_gia"] = "Xuất sắc" // not a choice
	badFile := storetest.Fill(t, tmpl, bad, nil)
	want := dryRunProblems(t, e, clerk, badFile)
	if len(want) < 4 {
		t.Fatalf("ops finds %d problems in the bad file, want at least 4: %+v", len(want), want)
	}
	uploadInPage(t, tab, writeTemp(t, "bao-cao-loi.xlsx", badFile))
	waitVisible(t, tab, "#refused-h")
	rows := storetest.Eval[[]string](t, tab, `[...document.querySelectorAll('#result table tbody tr')].map(r => r.innerText)`)
	if len(rows) != len(want) {
		t.Errorf("the page lists %d problems, ops reports %d:\n%s", len(rows), len(want), strings.Join(rows, "\n"))
	}
	for i, p := range want {
		cell := p.Cell
		if cell == "" {
			cell = strings.Join(p.Cells, ", ")
		}
		if i < len(rows) && (!strings.Contains(rows[i], cell) || !strings.Contains(rows[i], p.Message)) {
			t.Errorf("problem row %d is %q, want cell %s and %q", i+1, rows[i], cell, p.Message)
		}
	}
	if n := e.stored(t); n[0] != 0 {
		t.Fatalf("a refused upload stored %d versions", n)
	}
	look(t, tab, "unit-period-refused")
	annotatedURL := storetest.Eval[string](t, tab, `document.querySelector('a[href*="/annotated/"]').href`)
	marked := openXLSX(t, fetchBytes(t, tab, annotatedURL, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
	if len(marked.GetSheetList()) == 0 {
		t.Error("the marked-up workbook has no sheet")
	}

	// Corrected: the receipt and the values stored beside their labels.
	good := storetest.Fill(t, tmpl, storetest.SmallFormValues(), nil)
	uploadInPage(t, tab, writeTemp(t, "bao-cao.xlsx", good))
	waitVisible(t, tab, "#ok-h")
	if h := storetest.Text(t, tab, "#ok-h"); h != "Đã nhận báo cáo" {
		t.Fatalf("after the corrected upload: %q", h)
	}
	receipt := storetest.Text(t, tab, ".receipt")
	for _, s := range []string{"thứ 1", "10/06/2026", "Đúng hạn", storetest.SHA256(good)} {
		if !strings.Contains(receipt, s) {
			t.Errorf("the receipt %q lacks %q", receipt, s)
		}
	}
	for label, value := range map[string]string{"Số cuộc giám sát": "12", "Số tiền kiến nghị thu hồi": "12.345.678.901,25", "Tự đánh giá": "Khá"} {
		got := storetest.Eval[string](t, tab, fmt.Sprintf(`[...document.querySelectorAll('table.values tbody tr')]
			.filter(r => r.querySelector('th') && r.querySelector('th').innerText.startsWith(%q))
			.map(r => r.querySelector('td').innerText).join('|')`, label))
		if got != value {
			t.Errorf("stored %s: %q, want %q", label, got, value)
		}
	}
	look(t, tab, "unit-period-receipt")
	navigate(t, tab, site+"/units/"+e.c1, 200)
	look(t, tab, "unit")

	// The inspector, in a browser of their own.
	insp := isolatedTab(t)
	navigate(t, insp, site+"/login", 200)
	signIn(t, insp, inspector.Email)
	if loc := location(t, insp); loc != site+"/dashboard" {
		t.Fatalf("the inspector signed in at %s", loc)
	}
	if got := storetest.Eval[string](t, insp, `[...document.querySelectorAll('.stat')].find(s => s.innerText.includes('đúng hạn')).innerText`); !regexp.MustCompile(`^1\s`).MatchString(got) {
		t.Errorf("dashboard: %q, want 1 on time", got)
	}
	look(t, insp, "dashboard")
	navigate(t, insp, site+"/forms/TEST-IN/matrix", 200)
	cell := storetest.Eval[string](t, insp, fmt.Sprintf(`(() => { const a = document.querySelector('a.mx[href=%q]'); return a ? a.getAttribute('aria-label') : '' })()`, periodPath))
	if cell != reporting.StatusSubmitted.Label() {
		t.Errorf("matrix cell of %s: %q, want %q", e.c1, cell, reporting.StatusSubmitted.Label())
	}
	look(t, insp, "matrix")
	navigate(t, insp, site+"/periods", 200)
	look(t, insp, "periods")
	navigate(t, insp, fmt.Sprintf("%s/periods/%d", site, e.periodID), 200)
	look(t, insp, "period")
	xlsxURL := storetest.Eval[string](t, insp, `document.querySelector('a[href$=".xlsx"]').href`)
	pdfURL := storetest.Eval[string](t, insp, `document.querySelector('a[href$=".pdf"]').href`)
	report := openXLSX(t, fetchBytes(t, insp, xlsxURL, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
	if !workbookHas(t, report, "12") {
		t.Error("the consolidated workbook does not show the 12 inspections filed")
	}
	if pdf := fetchBytes(t, insp, pdfURL, "application/pdf"); !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Errorf("the PDF report starts %q", pdf[:min(len(pdf), 8)])
	}
	subURL := storetest.Eval[string](t, insp, `document.querySelector('a[href^="/submissions/"]').href`)
	navigate(t, insp, subURL, 200)
	look(t, insp, "submission")
	const reason = "Thiếu số liệu tiền thu hồi của quý II, xin bổ sung."
	if err := chromedp.Do(insp, chromedp.SendKeys(chromedp.CSS("#review-reason"), reason)); err != nil {
		t.Fatal(err)
	}
	clickAndLoad(t, insp, `button[name=decision][value=returned]`)
	if got := storetest.Text(t, insp, ".alert-success"); !strings.Contains(got, "Trả lại") {
		t.Errorf("after returning: %q", got)
	}
	navigate(t, insp, site+"/outbox", 200)
	if got := storetest.Eval[string](t, insp, fmt.Sprintf(`[...document.querySelectorAll('table.data tbody tr')]
		.filter(r => r.innerText.includes(%q) && r.innerText.includes('[Nhắc hạn]')).map(r => r.cells[4].innerText).join('|')`, clerkMail)); !strings.HasPrefix(got, "Đã gửi ") {
		t.Errorf("the outbox shows the reminder to %s as %q, want “Đã gửi” and when", clerkMail, got)
	}
	look(t, insp, "outbox")

	// The clerk sees why, first thing on "Việc cần làm".
	navigate(t, tab, site+"/obligations", 200)
	if got := storetest.Text(t, tab, ".todo-item .alert-warning"); !strings.Contains(got, reason) {
		t.Errorf("Việc cần làm shows %q, want the reason %q", got, reason)
	}
	look(t, tab, "obligations")

	// A supervisor of another district: the 404 page (c1's period is as
	// absent to them as one that does not exist), nothing of c1.
	other := isolatedTab(t)
	navigate(t, other, site+"/login", 200)
	signIn(t, other, e.user(t, "supervisor-d2").Email)
	navigate(t, other, site+periodPath, 404)
	if h := storetest.Text(t, other, "h1"); h != "Không tìm thấy trang" {
		t.Errorf("another district's supervisor sees %q", h)
	}
	if storetest.Eval[bool](t, other, fmt.Sprintf(`document.body.innerText.includes(%q)`, c1Name)) {
		t.Errorf("the 403 page shows %s", c1Name)
	}
	look(t, other, "error-403")

	// Without JavaScript: sign in, download, file again.
	nojs := isolatedTab(t)
	storetest.DisableJavaScript(t, nojs)
	navigate(t, nojs, site+periodPath, 200)
	signIn(t, nojs, clerk.Email)
	if loc := location(t, nojs); loc != site+periodPath {
		t.Fatalf("signed in without JavaScript at %s", loc)
	}
	tmpl2 := download(t, nojs, `a[href$="/template.xlsx"]`)
	again := storetest.SmallFormValues()
	again["tien_thu_hoi"] = 25_000_000
	storetest.Eval[bool](t, nojs, "true") // DOM calls still work; page scripts do not
	if err := chromedp.Do(nojs, chromedp.SetUploadFiles(chromedp.CSS("#upload-file"), []string{writeTemp(t, "bao-cao-2.xlsx", storetest.Fill(t, tmpl2, again, nil))})); err != nil {
		t.Fatal(err)
	}
	clickAndLoad(t, nojs, `form.upload button:not([name])`)
	if h := storetest.Text(t, nojs, "#ok-h"); h != "Đã nhận báo cáo" || !strings.Contains(storetest.Text(t, nojs, ".receipt"), "thứ 2") {
		t.Errorf("without JavaScript the upload answered %q, %q", h, storetest.Text(t, nojs, ".receipt"))
	}
	if storetest.Eval[bool](t, nojs, `document.documentElement.classList.contains("js")`) {
		t.Error("app.js ran with JavaScript disabled")
	}
	storetest.Screenshots(t, nojs, "unit-period-nojs")
}

// look runs axe on the tab's page and photographs it at both sizes.
func look(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	storetest.AxeCheck(t, ctx)
	storetest.Screenshots(t, ctx, name)
}

// isolatedTab is a tab in a browser context of its own: its own cookies,
// so two people (and parallel tests on other ports of 127.0.0.1) never
// share a session.
func isolatedTab(t *testing.T) context.Context {
	t.Helper()
	return storetest.IsolatedTab(t)
}

// navigate loads u and checks the document's status.
func navigate(t *testing.T, ctx context.Context, u string, status int64) {
	t.Helper()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(u))
	if err != nil {
		t.Fatalf("navigate to %s: %v", u, err)
	}
	if resp.Status != status {
		t.Fatalf("%s answered %d, want %d", u, resp.Status, status)
	}
}

// clickAndLoad clicks what loads a new page and waits for it.
func clickAndLoad(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	storetest.ClickAndLoad(t, ctx, sel)
}

func location(t *testing.T, ctx context.Context) string {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func waitVisible(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
		t.Fatalf("wait for %s: %v", sel, err)
	}
}

// signIn fills the sign-in form the tab shows and sends it.
func signIn(t *testing.T, ctx context.Context, email string) {
	t.Helper()
	storetest.FillForm(t, ctx, map[string]string{"#f-email": email, "#f-password": storetest.Password})
	clickAndLoad(t, ctx, `form[action="/login"] button[type=submit]`)
}

// uploadInPage chooses file in the page's upload form and sends it (htmx
// swaps the answer in).
func uploadInPage(t *testing.T, ctx context.Context, file string) {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.SetUploadFiles(chromedp.CSS("#upload-file"), []string{file}),
		chromedp.Click(chromedp.CSS(`form.upload button:not([name])`))); err != nil {
		t.Fatalf("upload %s: %v", file, err)
	}
}

func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// fetchBytes gets u with the tab's cookies and checks its content type.
func fetchBytes(t *testing.T, ctx context.Context, u, contentType string) []byte {
	t.Helper()
	return storetest.Fetch(t, ctx, u, contentType)
}

// download clicks a link with the browser's downloads going to a
// temporary folder, and returns the file once complete.
func download(t *testing.T, ctx context.Context, sel string) []byte {
	t.Helper()
	dir := t.TempDir()
	id := chromedp.FromContext(ctx).BrowserContextID
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: "allow", BrowserContextID: id, DownloadPath: dir}); err != nil {
		t.Fatalf("allow downloads: %v", err)
	}
	storetest.Click(t, ctx, sel)
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		files, _ := os.ReadDir(dir)
		for _, f := range files {
			if !strings.HasSuffix(f.Name(), ".crdownload") {
				data, err := os.ReadFile(filepath.Join(dir, f.Name()))
				if err == nil && len(data) > 0 {
					return data
				}
			}
		}
	}
	t.Fatalf("no download from %s", sel)
	return nil
}

func openXLSX(t *testing.T, data []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("open workbook: %v", err)
	}
	t.Cleanup(func() { f.Close() }) //nolint:errcheck
	return f
}

// workbookHas tells whether a cell of f's shows exactly s.
func workbookHas(t *testing.T, f *excelize.File, s string) bool {
	t.Helper()
	for _, sh := range f.GetSheetList() {
		rows, err := f.GetRows(sh)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			for _, c := range r {
				if strings.TrimSpace(c) == s {
					return true
				}
			}
		}
	}
	return false
}

// dryRunProblems are the problems ops finds in file for u, those of a
// cell or rule, in order: what the page must list.
func dryRunProblems(t *testing.T, e *env, u reporting.User, file []byte) []reporting.Problem {
	t.Helper()
	_, err := e.svc.Submit(context.Background(), u, e.clock.Now(), ops.Upload{FileName: "x.xlsx", Body: bytes.NewReader(file), DryRun: true})
	var pe *ops.ProblemsError
	if !errors.As(err, &pe) {
		t.Fatalf("dry run of the bad file: %v, want problems", err)
	}
	var out []reporting.Problem
	for _, p := range pe.Problems {
		if p.Cell != "" || p.Field != "" || len(p.Cells) > 0 {
			out = append(out, p)
		}
	}
	return out
}

var hrefRE = regexp.MustCompile(`href="([^"]+)"`)

// reminderLink is the link of the HTML part of the reminder the sink
// received for to, read from the .eml file.
func reminderLink(t *testing.T, sink *mail.Sink, to string) string {
	t.Helper()
	return mailLink(t, sink, to, "/units/")
}

// mailLink is the first link of the message to address to whose address
// contains part.
func mailLink(t *testing.T, sink *mail.Sink, to, part string) string {
	t.Helper()
	for _, m := range sink.Messages() {
		if !strings.Contains(strings.Join(m.To, ","), to) {
			continue
		}
		raw, err := os.ReadFile(m.File)
		if err != nil {
			t.Fatal(err)
		}
		msg, err := netmail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		body := htmlPart(t, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
		for _, m := range hrefRE.FindAllStringSubmatch(body, -1) {
			if l := html.UnescapeString(m[1]); strings.Contains(l, part) {
				return l
			}
		}
		t.Fatalf("the message to %s has no link to %s:\n%s", to, part, body)
	}
	t.Fatalf("no message to %s among %d", to, len(sink.Messages()))
	return ""
}

// htmlPart is the decoded text/html part of a MIME body.
func htmlPart(t *testing.T, contentType, encoding string, body io.Reader) string {
	t.Helper()
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		t.Fatalf("content type %q: %v", contentType, err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return ""
			}
			if err != nil {
				t.Fatal(err)
			}
			if s := htmlPart(t, p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p); s != "" {
				return s
			}
		}
	}
	if mt != "text/html" {
		return ""
	}
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
