package web_test

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"baocao/mail"
	"baocao/reporting"
	"baocao/store"
)

// TestAdminInvitesAUserWhoSetsAPassword: an administrator adds an
// inspector from the users page; the invitation reaches a real SMTP
// server with a link; the new user opens it, is refused mismatched
// passwords, sets one, is sent to sign in, and signs in with it; the link
// then no longer works. The administrator changes the user's role and
// unit, disables and enables them, and cannot disable themselves; a
// refused address is shown with the reason; other roles get 403.
func TestAdminInvitesAUserWhoSetsAPassword(t *testing.T) {
	t.Parallel()
	sink, sender := smtpSink(t)
	e := newEnv(t, &envOptions{Mailer: sender})
	admin := e.token(t, "admin")
	const newcomer = "thanhtra.moi@tinh.test"

	w := e.do(t, formPost("/admin/users", admin, url.Values{"email": {newcomer}, "name": {"Nguyễn Văn Mới"}, "role": {"inspector"}}))
	if w.Code != http.StatusSeeOther || !strings.Contains(flashOf(w), "gửi thư mời") {
		t.Fatalf("invite: %d, flash %q %s", w.Code, flashOf(w), excerpt(w.Body.String(), "alert"))
	}
	link := mailLink(t, sink, newcomer, "/password/set?token=")
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	page := u.RequestURI()
	if w := e.do(t, request{method: http.MethodGet, target: page}); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), newcomer) {
		t.Fatalf("the link's page: %d %s", w.Code, excerpt(w.Body.String(), "sp-title"))
	}
	set := func(pw, again string) *httptestResponse {
		return wrap(e.do(t, request{method: http.MethodPost, target: "/password/set", body: url.Values{"token": {u.Query().Get("token")}, "password": {pw}, "confirm": {again}}.Encode(),
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}}))
	}
	if r := set("mat-khau-that-dai", "mat-khau-khac-dai"); r.code != http.StatusUnprocessableEntity || !strings.Contains(r.body, "không khớp") {
		t.Errorf("mismatched passwords: %d", r.code)
	}
	if r := set("mat-khau-that-dai", "mat-khau-that-dai"); r.code != http.StatusSeeOther || r.location != "/login" {
		t.Fatalf("setting the password: %d to %q", r.code, r.location)
	}
	if w := e.do(t, jsonLogin(newcomer, "mat-khau-that-dai")); w.Code != http.StatusOK {
		t.Errorf("signing in with the new password: %d", w.Code)
	}
	if r := set("mat-khau-lan-hai-dai", "mat-khau-lan-hai-dai"); r.code != http.StatusUnprocessableEntity || !strings.Contains(r.body, "không còn hiệu lực") {
		t.Errorf("the link used again: %d", r.code)
	}

	who, err := e.st.UserByEmail(t.Context(), newcomer)
	if err != nil {
		t.Fatal(err)
	}
	w = e.do(t, formPost(fmt.Sprintf("/admin/users/%d", who.ID), admin, url.Values{"name": {"Nguyễn Văn Mới"}, "role": {"clerk"}, "unit": {e.c1}}))
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(flashOf(w), "success|") {
		t.Errorf("change role and unit: %d, flash %q", w.Code, flashOf(w))
	}
	if got, _ := e.st.UserByID(t.Context(), who.ID); got.Role != reporting.RoleClerk || got.UnitCode != e.c1 {
		t.Errorf("after the change: %+v", got)
	}
	w = e.do(t, formPost(fmt.Sprintf("/admin/users/%d/active", who.ID), admin, url.Values{"active": {"false"}}))
	if w.Code != http.StatusSeeOther {
		t.Errorf("disable: %d", w.Code)
	}
	if w := e.do(t, jsonLogin(newcomer, "mat-khau-that-dai")); w.Code == http.StatusOK {
		t.Error("a disabled user signed in")
	}
	self := e.user(t, "admin")
	if w := e.do(t, formPost(fmt.Sprintf("/admin/users/%d/active", self.ID), admin, url.Values{"active": {"false"}})); !strings.Contains(flashOf(w), "chính mình") {
		t.Errorf("the administrator disables themselves: %d, flash %q", w.Code, flashOf(w))
	}
	events, err := e.svc.AuditTrail(t.Context(), self, store.AuditFilter{ObjectType: "user"})
	if err != nil || len(events) < 4 {
		t.Errorf("user actions audited: %d (%v), want the invitation, the password, the change and the disabling", len(events), err)
	}

	// Refused: a taken address, a clerk without a unit.
	for _, bad := range []url.Values{
		{"email": {newcomer}, "name": {"Trùng"}, "role": {"inspector"}},
		{"email": {"vanthu.moi@tinh.test"}, "name": {"Văn thư"}, "role": {"clerk"}},
	} {
		if w := e.do(t, formPost("/admin/users", admin, bad)); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `role="alert"`) {
			t.Errorf("%v: %d, want 422 with the reason", bad, w.Code)
		}
	}
	for _, who := range []string{"clerk-c1", "supervisor-d1", "inspector"} {
		if w := e.do(t, request{method: http.MethodGet, target: "/admin/users", cookie: e.token(t, who)}); w.Code != http.StatusForbidden {
			t.Errorf("%s GET: %d, want 403", who, w.Code)
		}
		if w := e.do(t, formPost("/admin/users", e.token(t, who), url.Values{"email": {"x@y.test"}, "name": {"X"}, "role": {"admin"}})); w.Code != http.StatusForbidden {
			t.Errorf("%s adds a user: %d, want 403", who, w.Code)
		}
	}
}

// TestInvitationThatCannotBeMailedShowsTheLinkOnce: with the mail server
// down, the account is still created and the page shows the link, once,
// for the administrator to pass on; the link works.
func TestInvitationThatCannotBeMailedShowsTheLinkOnce(t *testing.T) {
	t.Parallel()
	dead, err := mail.NewSMTP(mail.SMTPOptions{Host: "127.0.0.1", Port: closedPort(t), From: "baocao@snv.test", TLS: mail.TLSNone, Timeout: 2 * time.Second, HELO: "localhost"})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, &envOptions{Mailer: dead})
	admin := e.token(t, "admin")
	w := e.do(t, formPost("/admin/users", admin, url.Values{"email": {"khong.thu@tinh.test"}, "name": {"Không Thư"}, "role": {"inspector"}}))
	body := w.Body.String()
	i := strings.Index(body, "/password/set?token=")
	if w.Code != http.StatusOK || i < 0 || !strings.Contains(body, "Không gửi được thư đến khong.thu@tinh.test.") {
		t.Fatalf("invitation without mail: %d %s", w.Code, excerpt(body, "invite-result"))
	}
	token := body[i+len("/password/set?token=") : i+len("/password/set?token=")+43]
	if w := e.do(t, request{method: http.MethodGet, target: "/password/set?token=" + token}); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "khong.thu@tinh.test") {
		t.Errorf("the link shown: %d", w.Code)
	}
	if w := e.do(t, request{method: http.MethodGet, target: "/admin/users", cookie: admin}); strings.Contains(w.Body.String(), token) {
		t.Error("the link is shown again on the list")
	}
}

// closedPort is a loopback TCP port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// TestAdminIssuesAndRevokesAnAPIToken: an administrator issues an API
// token for a user from the users page, sees it once, and it opens the
// API as that user; the list shows it by its label and not the token;
// revoked, it opens nothing. A token without a label or beyond 366 days
// is refused.
func TestAdminIssuesAndRevokesAnAPIToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	admin := e.token(t, "admin")
	clerk := e.user(t, "clerk-c1")
	target := fmt.Sprintf("/admin/users/%d/tokens", clerk.ID)
	w := e.do(t, formPost(target, admin, url.Values{"label": {"Đồng bộ với phần mềm một cửa"}, "days": {"30"}}))
	body := w.Body.String()
	i := strings.Index(body, `<code class="mail-text">`)
	if w.Code != http.StatusOK || i < 0 {
		t.Fatalf("issue: %d %s", w.Code, excerpt(body, "token-result"))
	}
	token := body[i+len(`<code class="mail-text">`) : i+len(`<code class="mail-text">`)+43]
	me := e.do(t, request{method: http.MethodGet, target: "/api/v1/me", header: map[string]string{"Authorization": "Bearer " + token}})
	if me.Code != http.StatusOK || !strings.Contains(me.Body.String(), clerk.Email) {
		t.Fatalf("the token opens the API: %d %s", me.Code, me.Body.String())
	}
	list := e.do(t, request{method: http.MethodGet, target: "/admin/users", cookie: admin}).Body.String()
	if !strings.Contains(list, "Đồng bộ với phần mềm một cửa") || strings.Contains(list, token) {
		t.Errorf("the list: label shown %v, token shown %v", strings.Contains(list, "Đồng bộ với phần mềm một cửa"), strings.Contains(list, token))
	}
	revoke := hiddenAction(list, fmt.Sprintf("/admin/users/%d/tokens/", clerk.ID))
	if revoke == "" {
		t.Fatal("no revoke form")
	}
	if w := e.do(t, formPost(revoke, admin, url.Values{})); w.Code != http.StatusSeeOther || !strings.HasPrefix(flashOf(w), "success|") {
		t.Errorf("revoke: %d, flash %q", w.Code, flashOf(w))
	}
	if me := e.do(t, request{method: http.MethodGet, target: "/api/v1/me", header: map[string]string{"Authorization": "Bearer " + token}}); me.Code != http.StatusUnauthorized {
		t.Errorf("the revoked token: %d, want 401", me.Code)
	}
	for _, bad := range []url.Values{{"label": {" "}, "days": {"30"}}, {"label": {"x"}, "days": {"400"}}} {
		if w := e.do(t, formPost(target, admin, bad)); w.Code != http.StatusSeeOther || !strings.HasPrefix(flashOf(w), "error|") {
			t.Errorf("%v: %d, flash %q; want refused", bad, w.Code, flashOf(w))
		}
	}
	if w := e.do(t, formPost(target, e.token(t, "inspector"), url.Values{"label": {"x"}, "days": {"30"}})); w.Code != http.StatusForbidden {
		t.Errorf("an inspector issues a token: %d", w.Code)
	}
}

// hiddenAction is the action of the first form whose action starts with
// prefix.
func hiddenAction(body, prefix string) string {
	i := strings.Index(body, `action="`+prefix)
	if i < 0 {
		return ""
	}
	rest := body[i+len(`action="`):]
	return rest[:strings.IndexByte(rest, '"')]
}

// TestAdminUnblocksASignIn: a user whose wrong passwords made them wait
// is shown as blocked on the users page; the administrator clears it and
// the right password works at once.
func TestAdminUnblocksASignIn(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	admin := e.token(t, "admin")
	clerk := e.user(t, "clerk-c1")
	for range 8 {
		e.do(t, jsonLogin(clerk.Email, "mat-khau-sai-hoan-toan"))
	}
	if w := e.do(t, jsonLogin(clerk.Email, "mat-khau-thu-nghiem")); w.Code != http.StatusTooManyRequests {
		t.Fatalf("after eight wrong passwords the right one: %d, want 429", w.Code)
	}
	list := e.do(t, request{method: http.MethodGet, target: "/admin/users", cookie: admin}).Body.String()
	action := fmt.Sprintf("/admin/users/%d/unblock", clerk.ID)
	if !strings.Contains(list, "Tạm chặn đăng nhập") || !strings.Contains(list, action) {
		t.Fatal("the users page does not show the block")
	}
	if w := e.do(t, formPost(action, e.token(t, "inspector"), url.Values{})); w.Code != http.StatusForbidden {
		t.Errorf("an inspector unblocks: %d", w.Code)
	}
	if w := e.do(t, formPost(action, admin, url.Values{})); w.Code != http.StatusSeeOther || !strings.HasPrefix(flashOf(w), "success|") {
		t.Fatalf("unblock: %d, flash %q", w.Code, flashOf(w))
	}
	if w := e.do(t, jsonLogin(clerk.Email, "mat-khau-thu-nghiem")); w.Code != http.StatusOK {
		t.Errorf("the right password after the unblock: %d", w.Code)
	}
}
