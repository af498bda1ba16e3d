package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"
	"time"
)

// TestAuditTrail: an inspector exempts c2, an hour later an admin extends
// c1's deadline; the audit trail shows an administrator those actions,
// newest first, filtered as asked, and no one else anything.
func TestAuditTrail(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	period := "/api/v1/periods/" + strconv.FormatInt(e.periodID, 10)
	exemptAt := e.clock.Now()
	if code, body := e.call(t, "inspector", "POST", period+"/exemptions", `{"unit":"`+e.c2+`","reason":"Sáp nhập"}`); code != http.StatusCreated {
		t.Fatalf("exempt: %d %v", code, body)
	}
	e.clock.Advance(time.Hour)
	extendAt := e.clock.Now()
	newDeadline := e.deadline.Add(5 * 24 * time.Hour).Format(time.RFC3339)
	if code, body := e.call(t, "admin", "POST", period+"/extensions",
		`{"units":["`+e.c1+`"],"deadline":"`+newDeadline+`","reason":"Lũ"}`); code != http.StatusOK {
		t.Fatalf("extend: %d %v", code, body)
	}
	between := exemptAt.Add(30 * time.Minute).Format(time.RFC3339)
	inspector, admin := e.user(t, "inspector").Email, e.user(t, "admin").Email

	// event is what a test reads of an audit event. The API writes the
	// store's field names; these one-word ones decode whatever their case.
	type event struct {
		At     time.Time
		Actor  string
		Action string
	}
	exempt := event{exemptAt, inspector, "obligation.exempt"}
	extend := event{extendAt, admin, "obligation.extend"}
	tests := []struct {
		name   string
		who    string
		query  url.Values
		status int
		want   []event // the events, in order, when 200
	}{
		{"every obligation action, newest first", "admin", url.Values{"action": {"obligation."}}, 200, []event{extend, exempt}},
		{"one action", "admin", url.Values{"action": {"obligation.exempt"}}, 200, []event{exempt}},
		{"one actor", "admin", url.Values{"actor": {admin}}, 200, []event{extend}},
		{"since a moment", "admin", url.Values{"action": {"obligation."}, "since": {between}}, 200, []event{extend}},
		{"until a moment", "admin", url.Values{"action": {"obligation."}, "until": {between}}, 200, []event{exempt}},
		{"since the action itself", "admin", url.Values{"action": {"obligation."}, "since": {extendAt.Format(time.RFC3339)}}, 200, []event{extend}},
		{"limited", "admin", url.Values{"action": {"obligation."}, "limit": {"1"}}, 200, []event{extend}},
		{"the object acted on", "admin", url.Values{"object_type": {"obligation"}, "object_id": {strconv.FormatInt(e.periodID, 10) + "/" + e.c2}}, 200, []event{exempt}},

		{"a bad since", "admin", url.Values{"since": {"hôm qua"}}, 422, nil},
		{"a day written 10/06/2026 is not a moment", "admin", url.Values{"until": {"10/06/2026"}}, 422, nil},
		{"an inspector may not", "inspector", nil, 403, nil},
		{"a supervisor may not", "supervisor-d1", nil, 403, nil},
		{"a clerk may not", "clerk-c1", nil, 403, nil},
		{"nobody signed in", "", nil, 401, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := e.do(t, request{method: "GET", target: "/api/v1/audit?" + tt.query.Encode(), as: tt.who})
			var body struct {
				Events  []event `json:"events"`
				Message string  `json:"message"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatalf("%d, not JSON: %s", w.Code, w.Body)
			}
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tt.status, w.Body)
			}
			if tt.status != http.StatusOK {
				if body.Message == "" || body.Events != nil {
					t.Fatalf("refusal %s, want a message and no events", w.Body)
				}
				return
			}
			if !slices.EqualFunc(body.Events, tt.want, func(a, b event) bool {
				return a.At.Equal(b.At) && a.Actor == b.Actor && a.Action == b.Action
			}) {
				t.Fatalf("events %+v, want %+v", body.Events, tt.want)
			}
		})
	}
}
