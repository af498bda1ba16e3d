package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"baocao/store/storetest"
)

// walker is who a walk request is sent as: nobody ("") or a person of
// the test world.
var walkers = []string{"", "clerk-c1", "clerk-c2", "supervisor-d1", "supervisor-d2", "inspector", "admin"}

// c1Name is the name of the unit the walk's paths point at: what no one
// outside its scope may see.
const c1Name = "UBND phường Tân Phú"

// walkRoute is one page route with the ids of unit c1, its period and its
// version, and the status each person gets.
type walkRoute struct {
	method, path string
	form         url.Values // a POST's urlencoded body
	upload       []byte     // a POST's file, sent as the page's form sends it
	want         map[string]int
	// sees are those whose answer may show c1's name; everyone else's must
	// not.
	sees []string
}

// TestPagesAuthorizationWalk walks every page route (GET and POST) as
// nobody, the clerks of c1 and c2, the supervisors of each district, an
// inspector and an administrator, at the addresses of c1's unit, period
// and version: nobody is sent to sign in and back; a page the role may
// not see is the Vietnamese 403 page, with nothing of c1 in it; an
// unknown address is the 404 page; a refused action changes nothing.
func TestPagesAuthorizationWalk(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	file := e.filled(t, "clerk-c1", e.c1, storetest.SmallFormValues())
	sub := storetest.Upload(t, e.st, e.periodID, e.c1, e.clock.Now())
	unitPath := "/units/" + e.c1
	periodPath := fmt.Sprintf("/units/%s/periods/%d", e.c1, e.periodID)
	all := func(status int) map[string]int {
		return map[string]int{"clerk-c1": status, "clerk-c2": status, "supervisor-d1": status, "supervisor-d2": status, "inspector": status, "admin": status}
	}
	// c1's own: its clerk, its district's supervisor, the province.
	// Outside their scope c1's unit, period and version are, to clerk c2
	// and district 2's supervisor, as absent as an id that does not exist.
	c1Only := map[string]int{"clerk-c1": 200, "clerk-c2": 404, "supervisor-d1": 200, "supervisor-d2": 404, "inspector": 200, "admin": 200}
	c1Sees := []string{"clerk-c1", "supervisor-d1", "inspector", "admin"}
	followers := map[string]int{"clerk-c1": 403, "clerk-c2": 403, "supervisor-d1": 200, "supervisor-d2": 200, "inspector": 200, "admin": 200}
	// A supervisor reviews the units below its own.
	reviewers := map[string]int{"clerk-c1": 403, "clerk-c2": 403, "supervisor-d1": 303, "supervisor-d2": 403, "inspector": 303, "admin": 303}
	deciders := map[string]int{"clerk-c1": 403, "clerk-c2": 403, "supervisor-d1": 403, "supervisor-d2": 403, "inspector": 303, "admin": 303}
	routes := []walkRoute{
		{method: "GET", path: "/", want: all(303)},
		{method: "GET", path: "/account/password", want: all(200)},
		{method: "POST", path: "/account/password", form: url.Values{"current": {"sai"}, "password": {"mat-khau-moi-1"}, "again": {"mat-khau-moi-2"}},
			want: all(422)},
		{method: "GET", path: "/obligations", want: map[string]int{"clerk-c1": 200, "clerk-c2": 200, "supervisor-d1": 200, "supervisor-d2": 200,
			"inspector": 303, "admin": 303}, sees: []string{"clerk-c1"}},
		{method: "GET", path: "/my-unit", want: map[string]int{"clerk-c1": 303, "clerk-c2": 303, "supervisor-d1": 303, "supervisor-d2": 303,
			"inspector": 404, "admin": 404}},
		{method: "GET", path: unitPath, want: c1Only, sees: c1Sees},
		{method: "GET", path: periodPath, want: c1Only, sees: c1Sees},
		{method: "GET", path: periodPath + "/annotated/nokey", want: all(404)},
		{method: "GET", path: "/dashboard", want: map[string]int{"clerk-c1": 303, "clerk-c2": 303, "supervisor-d1": 200, "supervisor-d2": 200,
			"inspector": 200, "admin": 200}, sees: c1Sees},
		{method: "GET", path: "/periods", want: followers},
		{method: "GET", path: "/reports", want: followers},
		{method: "GET", path: fmt.Sprintf("/periods/%d", e.periodID), want: followers, sees: c1Sees},
		{method: "GET", path: "/forms/TEST-IN/matrix", want: map[string]int{"clerk-c1": 200, "clerk-c2": 200, "supervisor-d1": 200,
			"supervisor-d2": 200, "inspector": 200, "admin": 200}, sees: c1Sees},
		{method: "GET", path: fmt.Sprintf("/submissions/%d", sub.ID), want: c1Only, sees: c1Sees},
		{method: "GET", path: "/outbox", want: map[string]int{"clerk-c1": 403, "clerk-c2": 403, "supervisor-d1": 403, "supervisor-d2": 403,
			"inspector": 200, "admin": 200}, sees: []string{"inspector", "admin"}},
		// Unknown addresses, and unknown ids in known ones.
		{method: "GET", path: "/khong-co-trang-nay", want: all(404)},
		{method: "GET", path: unitPath + "/periods/0", want: all(404)},
		{method: "GET", path: "/submissions/abc", want: all(404)},
		{method: "GET", path: "/periods/999999999", want: map[string]int{"clerk-c1": 403, "clerk-c2": 403, "supervisor-d1": 404,
			"supervisor-d2": 404, "inspector": 404, "admin": 404}},
		// The actions, last: the inspector's and administrator's change
		// things.
		{method: "POST", path: periodPath + "/submissions?dry_run=1", upload: file,
			want: map[string]int{"clerk-c1": 200, "clerk-c2": 404, "supervisor-d1": 200, "supervisor-d2": 404, "inspector": 403, "admin": 200},
			sees: c1Sees},
		{method: "POST", path: fmt.Sprintf("/periods/%d/remind", e.periodID), form: url.Values{"unit": {e.c1}}, want: deciders},
		{method: "POST", path: fmt.Sprintf("/periods/%d/remind", e.periodID), want: deciders},
		{method: "POST", path: fmt.Sprintf("/periods/%d/extend", e.periodID),
			form: url.Values{"units": {e.c1}, "deadline": {"30/06/2026"}, "reason": {"Lũ lụt"}}, want: deciders},
		{method: "POST", path: fmt.Sprintf("/submissions/%d/review", sub.ID),
			form: url.Values{"decision": {"returned"}, "reason": {"Thiếu số liệu"}}, want: reviewers},
		{method: "POST", path: fmt.Sprintf("/periods/%d/exempt", e.periodID),
			form: url.Values{"unit": {e.c2}, "reason": {"Sáp nhập"}}, want: deciders},
	}
	for _, who := range walkers {
		for _, rt := range routes {
			name := rt.method + " " + rt.path
			var body, ct string
			switch {
			case rt.upload != nil:
				b, c := multipartBody(t, "báo cáo.xlsx", rt.upload)
				body, ct = b.String(), c
			case rt.method == "POST":
				body, ct = rt.form.Encode(), "application/x-www-form-urlencoded"
			}
			rq := request{method: rt.method, target: rt.path, body: body,
				header: map[string]string{"Content-Type": ct, "Sec-Fetch-Site": "same-origin"}}
			if who != "" {
				rq.cookie = e.token(t, who)
			}
			before := e.snapshot(t)
			w := e.do(t, rq)
			got := w.Body.String()
			if who == "" {
				// Nobody: to sign in, and back here afterwards.
				if rt.path == "/khong-co-trang-nay" {
					if w.Code != http.StatusNotFound {
						t.Errorf("%s as nobody: %d, want 404", name, w.Code)
					}
				} else {
					// A page comes back to itself; a form posted without a
					// session comes back to the page it was on (here no
					// Referer: home), never to the POST address.
					next := rt.path
					if rt.method != http.MethodGet {
						next = "/"
					}
					if loc := w.Header().Get("Location"); w.Code != http.StatusSeeOther || loc != "/login?next="+url.QueryEscape(next) {
						t.Errorf("%s as nobody: %d to %q, want 303 to /login?next=%s", name, w.Code, loc, url.QueryEscape(next))
					}
				}
				if strings.Contains(got, c1Name) {
					t.Errorf("%s as nobody shows %s", name, c1Name)
				}
				if after := e.snapshot(t); after != before {
					t.Errorf("%s as nobody changed the database:\n%s\n→ %s", name, before, after)
				}
				continue
			}
			want := rt.want[who]
			if w.Code != want {
				t.Errorf("%s as %s: %d, want %d (to %q)", name, who, w.Code, want, w.Header().Get("Location"))
			}
			switch want {
			case http.StatusForbidden:
				// A 403 from the page that still lists c1 (a supervisor's
				// refused upload on c1's own page) is the page; else the
				// error page.
				if !contains(rt.sees, who) && !strings.Contains(got, "Bạn không có quyền xem trang này") {
					t.Errorf("%s as %s: 403 without the Vietnamese error page:\n%.400s", name, who, got)
				}
			case http.StatusNotFound:
				if !strings.Contains(got, "Không tìm thấy trang") || !strings.Contains(w.Header().Get("Content-Type"), "text/html") {
					t.Errorf("%s as %s: 404 without the Vietnamese error page:\n%.400s", name, who, got)
				}
			}
			if !contains(rt.sees, who) && strings.Contains(got, c1Name) {
				t.Errorf("%s as %s (%d) shows %s", name, who, w.Code, c1Name)
			}
			if rt.method == "POST" && want >= 400 {
				if after := e.snapshot(t); after != before {
					t.Errorf("%s as %s (refused, %d) changed the database:\n%s\n→ %s", name, who, w.Code, before, after)
				}
			}
		}
	}
	// The walk saw the other unit's name where it may: the check of its
	// absence looks for the right text.
	w := e.do(t, request{method: "GET", target: periodPath, cookie: e.token(t, "clerk-c1")})
	if !strings.Contains(w.Body.String(), c1Name) {
		t.Fatalf("c1's page as its clerk does not show %q", c1Name)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// snapshot sums up what an action could change: versions, reviews, the
// outbox, the obligations and their history, users and their passwords.
func (e *env) snapshot(t testing.TB) string {
	t.Helper()
	var s string
	err := e.st.Pool().QueryRow(context.Background(), `SELECT concat_ws(' ',
		(SELECT count(*) FROM submissions), (SELECT count(*) FROM reviews), (SELECT count(*) FROM reminders),
		(SELECT count(*) FROM obligation_events),
		(SELECT md5(string_agg(o::text, ',' ORDER BY o::text)) FROM obligations o),
		(SELECT md5(string_agg(u::text, ',' ORDER BY u.id)) FROM users u))`).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestEveryAdminRouteRefusesOtherRoles walks every administration route
// in routes.go (and the outbox's retry, an administrator's action) as a
// clerk, a supervisor and an inspector: each is refused with the
// Vietnamese 403 page and changes nothing; as nobody, each leads to
// sign-in. A new admin route is walked without being listed here.
func TestEveryAdminRouteRefusesOtherRoles(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	var admin [][2]string
	for _, rt := range routePatterns(t) {
		if strings.HasPrefix(rt[1], "/admin/") || strings.HasSuffix(rt[1], "/retry") {
			admin = append(admin, rt)
		}
	}
	if len(admin) < 20 {
		t.Fatalf("only %d administration routes found", len(admin))
	}
	body := url.Values{"email": {"x@y.test"}, "name": {"X"}, "role": {"admin"}, "to": {"x@y.test"}, "action": {"apply"},
		"set_day": {"2026-06-16"}, "set_name": {"x"}, "from": {e.c1}, "to_unit": {e.c2}, "effective": {"01/07/2025"}, "basis": {"x"},
		"label": {"x"}, "days": {"30"}, "active": {"false"}}.Encode()
	for _, who := range []string{"", "clerk-c1", "supervisor-d1", "inspector"} {
		for _, rt := range admin {
			name := rt[0] + " " + rt[1]
			rq := request{method: rt[0], target: pathOf(rt[1], "1")}
			if rt[0] == http.MethodPost {
				rq.body = body
				rq.header = map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}
			}
			if who != "" {
				rq.cookie = e.token(t, who)
			}
			before := e.snapshot(t)
			w := e.do(t, rq)
			switch {
			case who == "":
				if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/login?next=") {
					t.Errorf("%s as nobody: %d to %q, want to sign in", name, w.Code, w.Header().Get("Location"))
				}
			case w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "Bạn không có quyền"):
				t.Errorf("%s as %s: %d, want the 403 page", name, who, w.Code)
			}
			if after := e.snapshot(t); after != before {
				t.Errorf("%s as %q changed the database", name, who)
			}
		}
	}
}
