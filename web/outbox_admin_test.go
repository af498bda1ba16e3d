package web_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptest"
	netmail "net/mail"
	"net/url"
	"strings"
	"testing"
	"time"

	"baocao/mail"
	"baocao/store"
)

func formPost(target, cookie string, form url.Values) request {
	return request{method: http.MethodPost, target: target, cookie: cookie, body: form.Encode(),
		header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}}
}

// TestOutboxTestMail: an administrator sends a test e-mail from the
// outbox page through the configured SMTP server and is told the server
// took it; with the server down, told why not; a bad address is refused;
// others may not send one.
func TestOutboxTestMail(t *testing.T) {
	t.Parallel()
	sink, sender := smtpSink(t)
	e := newEnv(t, &envOptions{Mailer: sender})
	admin := e.token(t, "admin")
	if w := e.do(t, request{method: http.MethodGet, target: "/outbox", cookie: admin}); !strings.Contains(w.Body.String(), `action="/admin/outbox/test"`) {
		t.Fatalf("the outbox page has no test e-mail form for the administrator: %d", w.Code)
	}
	if w := e.do(t, request{method: http.MethodGet, target: "/outbox", cookie: e.token(t, "inspector")}); strings.Contains(w.Body.String(), `action="/admin/outbox/test"`) {
		t.Error("the inspector sees the test e-mail form")
	}

	w := e.do(t, formPost("/admin/outbox/test", admin, url.Values{"to": {"quantri@tinh.test"}}))
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/outbox" || !strings.Contains(flashOf(w), "đã nhận thư thử") {
		t.Fatalf("test e-mail: %d to %q, flash %q", w.Code, w.Header().Get("Location"), flashOf(w))
	}
	got := sink.Messages()
	if len(got) != 1 || strings.Join(got[0].To, ",") != "quantri@tinh.test" {
		t.Fatalf("the sink received %d messages", len(got))
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(got[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	if subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil || !strings.Contains(subject, "[Thử] Kiểm tra cấu hình gửi thư") {
		t.Errorf("the test e-mail's subject: %q, %v", subject, err)
	}
	events, err := e.svc.AuditTrail(t.Context(), e.user(t, "admin"), store.AuditFilter{Action: "outbox.test"})
	if err != nil || len(events) != 1 {
		t.Errorf("outbox.test audited %d times (%v), want once", len(events), err)
	}

	if w := e.do(t, formPost("/admin/outbox/test", admin, url.Values{"to": {"khong-phai-dia-chi"}})); w.Code != http.StatusSeeOther || !strings.Contains(flashOf(w), "không phải một địa chỉ") {
		t.Errorf("a bad address: %d, flash %q", w.Code, flashOf(w))
	}
	if w := e.do(t, formPost("/admin/outbox/test", e.token(t, "inspector"), url.Values{"to": {"a@b.test"}})); w.Code != http.StatusForbidden {
		t.Errorf("an inspector sends a test e-mail: %d, want 403", w.Code)
	}

	// A server that refuses connections: the administrator is told so.
	dead, err := mail.NewSMTP(mail.SMTPOptions{Host: "127.0.0.1", Port: closedPort(t), From: "baocao@snv.test", TLS: mail.TLSNone, Timeout: 2 * time.Second, HELO: "localhost"})
	if err != nil {
		t.Fatal(err)
	}
	e2 := newEnv(t, &envOptions{Mailer: dead})
	w = e2.do(t, formPost("/admin/outbox/test", e2.token(t, "admin"), url.Values{"to": {"quantri@tinh.test"}}))
	if w.Code != http.StatusSeeOther || !strings.Contains(flashOf(w), "Không gửi được thư thử đến quantri@tinh.test") {
		t.Errorf("with the mail server down: %d, flash %q", w.Code, flashOf(w))
	}
}

// TestOutboxMessageAndRetry: a failed e-mail's page shows its text as it
// would be sent; an administrator puts it back in the queue (its tries
// counted afresh, audited), which only a failed one can be; an inspector
// may read it but not retry it; a clerk may do neither.
func TestOutboxMessageAndRetry(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := t.Context()
	now := e.clock.Now()
	if _, err := e.st.EnqueueReminders(ctx, []store.NewReminder{{PeriodID: e.periodID, UnitCode: e.c1, Kind: "manual_20260101", DueAt: now,
		Subject: "Nhắc báo cáo (thử)", BodyText: "Kính gửi: UBND phường Tân Phú\n\nNội dung thư thử.", Undeliverable: "đơn vị chưa có địa chỉ thư"}}, now, store.EnqueueOptions{}); err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := e.st.Pool().QueryRow(ctx, `SELECT id FROM reminders WHERE unit_code = $1 AND status = 'failed'`, e.c1).Scan(&id); err != nil {
		t.Fatal(err)
	}
	page := fmt.Sprintf("/outbox/%d", id)
	admin, inspector := e.token(t, "admin"), e.token(t, "inspector")

	w := e.do(t, request{method: http.MethodGet, target: page, cookie: inspector})
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Nội dung thư thử.") || strings.Contains(w.Body.String(), "/retry") {
		t.Errorf("the inspector reads the message: %d, retry offered: %v", w.Code, strings.Contains(w.Body.String(), "/retry"))
	}
	if w := e.do(t, request{method: http.MethodGet, target: page, cookie: admin}); !strings.Contains(w.Body.String(), page+"/retry") {
		t.Errorf("the administrator is not offered the retry: %d", w.Code)
	}
	if w := e.do(t, request{method: http.MethodGet, target: page, cookie: e.token(t, "clerk-c1")}); w.Code != http.StatusForbidden {
		t.Errorf("a clerk reads the outbox: %d, want 403", w.Code)
	}
	if w := e.do(t, request{method: http.MethodGet, target: "/outbox/987654", cookie: admin}); w.Code != http.StatusNotFound {
		t.Errorf("a message that does not exist: %d, want 404", w.Code)
	}
	if w := e.do(t, formPost(page+"/retry", inspector, url.Values{})); w.Code != http.StatusForbidden {
		t.Errorf("an inspector retries: %d, want 403", w.Code)
	}

	w = e.do(t, formPost(page+"/retry", admin, url.Values{}))
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != page || !strings.Contains(flashOf(w), "trở lại hàng chờ") {
		t.Fatalf("retry: %d to %q, flash %q", w.Code, w.Header().Get("Location"), flashOf(w))
	}
	var status string
	var attempts int
	if err := e.st.Pool().QueryRow(ctx, `SELECT status, attempts FROM reminders WHERE id = $1`, id).Scan(&status, &attempts); err != nil || status != "queued" || attempts != 0 {
		t.Errorf("after the retry: %s, %d tries (%v); want queued, 0", status, attempts, err)
	}
	events, err := e.svc.AuditTrail(ctx, e.user(t, "admin"), store.AuditFilter{Action: "outbox.retry"})
	if err != nil || len(events) != 1 {
		t.Errorf("outbox.retry audited %d times (%v), want once", len(events), err)
	}
	if w := e.do(t, formPost(page+"/retry", admin, url.Values{})); w.Code != http.StatusSeeOther || !strings.Contains(flashOf(w), "chỉ thư đó mới gửi lại được") {
		t.Errorf("retrying a queued message: %d, flash %q", w.Code, flashOf(w))
	}
}

// flashOf is the message a redirect left for the next page.
func flashOf(w *httptest.ResponseRecorder) string {
	for _, c := range w.Result().Cookies() {
		if c.Name == "baocao_flash" {
			v, _ := url.QueryUnescape(c.Value)
			return v
		}
	}
	return ""
}

// TestOutboxFilters: the outbox narrows to a unit, a period and the days
// the e-mails were created; a day that is not one is refused with the
// reason.
func TestOutboxFilters(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := t.Context()
	now := e.clock.Now()
	for _, unit := range []string{e.c1, e.c2} {
		if _, err := e.st.EnqueueReminders(ctx, []store.NewReminder{{PeriodID: e.periodID, UnitCode: unit, Kind: "manual_20260101", DueAt: now,
			Subject: "Nhắc " + unit, BodyText: "x", Recipients: []string{"a@b.test"}}}, now, store.EnqueueOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	inspector := e.token(t, "inspector")
	list := func(query string) (int, string) {
		w := e.do(t, request{method: http.MethodGet, target: "/outbox?" + query, cookie: inspector})
		return w.Code, w.Body.String()
	}
	today := time.Now().In(hcm)
	for _, c := range []struct {
		query        string
		with, absent []string
	}{
		{"", []string{"Nhắc " + e.c1, "Nhắc " + e.c2}, nil},
		{"unit=" + e.c1, []string{"Nhắc " + e.c1}, []string{"Nhắc " + e.c2}},
		{fmt.Sprintf("period=%d", e.periodID), []string{"Nhắc " + e.c1, "Nhắc " + e.c2}, nil},
		{fmt.Sprintf("period=%d", e.periodID+1000), nil, []string{"Nhắc " + e.c1, "Nhắc " + e.c2}},
		{"from=" + today.Format("02/01/2006"), []string{"Nhắc " + e.c1}, nil},
		{"to=" + today.AddDate(0, 0, -1).Format("02/01/2006"), nil, []string{"Nhắc " + e.c1, "Nhắc " + e.c2}},
	} {
		code, body := list(c.query)
		if code != http.StatusOK {
			t.Errorf("%q: %d", c.query, code)
		}
		for _, s := range c.with {
			if !strings.Contains(body, s) {
				t.Errorf("%q: %q missing", c.query, s)
			}
		}
		for _, s := range c.absent {
			if strings.Contains(body, s) {
				t.Errorf("%q: %q listed", c.query, s)
			}
		}
	}
	if code, body := list("from=31/02/2026"); code != http.StatusUnprocessableEntity || !strings.Contains(body, "không đúng dạng ngày") {
		t.Errorf("a bad day: %d", code)
	}
	if code, body := list("period=abc"); code != http.StatusUnprocessableEntity || !strings.Contains(body, "Mã kỳ") {
		t.Errorf("a bad period: %d", code)
	}
}

// smtpSink is a real SMTP server on loopback, stopped when the test ends,
// and a sender to it.
func smtpSink(t *testing.T) (*mail.Sink, mail.Sender) {
	t.Helper()
	sink, err := mail.StartSink(mail.SinkOptions{Dir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sink.Close() }) //nolint:errcheck
	sender, err := mail.NewSMTP(mail.SMTPOptions{Host: sink.Host(), Port: sink.Port(), From: "baocao@snv.test", TLS: mail.TLSNone, Timeout: 5 * time.Second, HELO: "localhost"})
	if err != nil {
		t.Fatal(err)
	}
	return sink, sender
}
