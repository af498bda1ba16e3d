package web_test

import (
	"net/http"
	"net/url"
	"testing"
)

// TestAFormPostedWithoutASessionReturnsToItsPage: a session that ended
// while a form was open sends the user to sign in and then back to the
// page the form was on (its Referer, on this site), never to the POST
// address (a GET there is no page) nor to another site.
func TestAFormPostedWithoutASessionReturnsToItsPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	for _, tc := range []struct{ referer, next string }{
		{"http://example.com/periods/1?status=missing", "/periods/1?status=missing"},
		{"http://evil.example.org/phish", "/"},
		{"", "/"},
	} {
		w := e.do(t, request{method: http.MethodPost, target: "/periods/1/remind", body: "unit=x",
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Referer": tc.referer}})
		if loc := w.Header().Get("Location"); w.Code != http.StatusSeeOther || loc != "/login?next="+url.QueryEscape(tc.next) {
			t.Errorf("Referer %q: %d to %q, want /login?next=%s", tc.referer, w.Code, loc, url.QueryEscape(tc.next))
		}
	}
}
