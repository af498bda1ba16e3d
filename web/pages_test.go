package web_test

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"baocao/store/storetest"
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

// TestMissingCSVListsEveryUnitStillOwing: the period page's full list of
// units still owing, with their e-mails, as CSV Excel opens with its
// accents; a clerk may not have it.
func TestMissingCSVListsEveryUnitStillOwing(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	storetest.Upload(t, e.st, e.periodID, e.c1, envStart.Add(-time.Hour))
	target := fmt.Sprintf("/periods/%d/missing.csv", e.periodID)
	w := e.do(t, request{method: http.MethodGet, target: target, cookie: e.token(t, "inspector")})
	if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/csv") {
		t.Fatalf("inspector: %d %s", w.Code, w.Header().Get("Content-Type"))
	}
	body := w.Body.String()
	if !strings.HasPrefix(body, "\ufeffma_don_vi,") {
		t.Errorf("no byte order mark and header: %q", body[:min(len(body), 40)])
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, r := range rows[1:] {
		codes = append(codes, r[0])
	}
	slices.Sort(codes)
	if want := []string{e.c2, e.c3}; !slices.Equal(codes, slices.Sorted(slices.Values(want))) {
		t.Errorf("units owing %v, want %v (c1 filed)", codes, want)
	}
	if w := e.do(t, request{method: http.MethodGet, target: target, cookie: e.token(t, "clerk-c1")}); w.Code != http.StatusForbidden {
		t.Errorf("clerk: %d, want 403", w.Code)
	}
}
