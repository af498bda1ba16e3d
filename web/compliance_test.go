package web_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
)

// newFiledEnv is the test world two days after the 2026-H1 deadline: c1
// filed an hour before it (submission sub1), c3 a day after it, c2
// nothing.
func newFiledEnv(t *testing.T) (e *env, sub1 int64) {
	t.Helper()
	e = newEnv(t, nil)
	sub1 = storetest.Upload(t, e.st, e.periodID, e.c1, e.deadline.Add(-time.Hour)).ID
	storetest.Upload(t, e.st, e.periodID, e.c3, e.deadline.Add(24*time.Hour))
	e.clock.Set(e.deadline.Add(48 * time.Hour))
	return e, sub1
}

// num reads a number at a path of nested objects.
func num(v any, path ...string) float64 {
	for _, k := range path {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	f, _ := v.(float64)
	return f
}

func count(v any, key string) int {
	a, _ := v.(map[string]any)[key].([]any)
	return len(a)
}

func TestComplianceQueriesShowEachUserItsOwnUnits(t *testing.T) {
	t.Parallel()
	e, _ := newFiledEnv(t)
	period := "/api/v1/periods/" + strconv.FormatInt(e.periodID, 10)
	tests := []struct {
		name   string
		who    string
		target string
		status int
		check  func(t *testing.T, body map[string]any)
	}{
		{"inspector sees the province", "inspector", period + "/compliance", 200, func(t *testing.T, b map[string]any) {
			if num(b, "total", "obliged") != 3 || num(b, "total", "on_time") != 1 || num(b, "total", "filed_late") != 1 ||
				num(b, "total", "missing") != 1 || count(b, "by_parent") != 2 || count(b, "by_kind") != 1 {
				t.Fatalf("compliance %v", b)
			}
			if rate := num(b, "total", "on_time_rate"); rate < 0.333 || rate > 0.334 {
				t.Fatalf("on-time rate %v", rate)
			}
			if b["status_labels"].(map[string]any)["missing"] != reporting.StatusMissing.Label() {
				t.Fatalf("labels %v", b["status_labels"])
			}
		}},
		{"a supervisor sees its district", "supervisor-d1", period + "/compliance", 200, func(t *testing.T, b map[string]any) {
			if num(b, "total", "obliged") != 2 || count(b, "by_parent") != 1 {
				t.Fatalf("compliance %v", b)
			}
		}},
		{"a clerk sees its unit", "clerk-c1", period + "/compliance", 200, func(t *testing.T, b map[string]any) {
			if num(b, "total", "obliged") != 1 || num(b, "total", "submitted") != 1 {
				t.Fatalf("compliance %v", b)
			}
		}},
		{"at a moment before the deadline", "inspector", period + "/compliance?at=" + e.deadline.Add(-30*time.Minute).Format(time.RFC3339), 200,
			func(t *testing.T, b map[string]any) {
				if num(b, "total", "pending") != 2 || num(b, "total", "missing") != 0 {
					t.Fatalf("compliance %v", b)
				}
			}},
		{"a bad moment", "inspector", period + "/compliance?at=yesterday", 422, nil},
		{"an unknown period", "inspector", "/api/v1/periods/999999/compliance", 404, nil},
		{"nobody signed in", "", period + "/compliance", 401, nil},

		{"a clerk's own history", "clerk-c1", "/api/v1/units/" + e.c1 + "/history", 200, func(t *testing.T, b map[string]any) {
			h := b["history"].([]any)
			if len(h) != 1 || h[0].(map[string]any)["status"] != "submitted" || h[0].(map[string]any)["status_label"] != reporting.StatusSubmitted.Label() {
				t.Fatalf("history %v", b)
			}
		}},
		{"a clerk cannot see another unit (as if it did not exist)", "clerk-c1", "/api/v1/units/" + e.c2 + "/history", 404, nil},
		{"a supervisor sees below it", "supervisor-d1", "/api/v1/units/" + e.c2 + "/history", 200, func(t *testing.T, b map[string]any) {
			if h := b["history"].([]any); len(h) != 1 || h[0].(map[string]any)["status"] != "missing" || num(h[0], "days_late") != 2 {
				t.Fatalf("history %v", b)
			}
		}},
		{"a supervisor cannot see another district (as if it did not exist)", "supervisor-d1", "/api/v1/units/" + e.c3 + "/history", 404, nil},
		{"an inspector sees anyone", "inspector", "/api/v1/units/" + e.c3 + "/history", 200, func(t *testing.T, b map[string]any) {
			if h := b["history"].([]any); len(h) != 1 || h[0].(map[string]any)["status"] != "late" || num(h[0], "days_late") != 1 {
				t.Fatalf("history %v", b)
			}
		}},

		{"the matrix for an inspector", "inspector", "/api/v1/forms/TEST-IN/matrix?from=2026-01-01&to=2026-12-31", 200, func(t *testing.T, b map[string]any) {
			if count(b, "periods") != 1 || count(b, "rows") != 3 {
				t.Fatalf("matrix %v", b)
			}
		}},
		{"the matrix for a supervisor", "supervisor-d2", "/api/v1/forms/TEST-IN/matrix", 200, func(t *testing.T, b map[string]any) {
			rows := b["rows"].([]any)
			if len(rows) != 1 || rows[0].(map[string]any)["unit_code"] != e.c3 || rows[0].(map[string]any)["statuses"].([]any)[0] != "late" {
				t.Fatalf("matrix %v", b)
			}
		}},
		{"the matrix for a clerk", "clerk-c1", "/api/v1/forms/TEST-IN/matrix", 200, func(t *testing.T, b map[string]any) {
			if count(b, "rows") != 1 {
				t.Fatalf("matrix %v", b)
			}
		}},
		{"a bad day", "inspector", "/api/v1/forms/TEST-IN/matrix?from=1/1/2026", 422, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			call := e.call
			if tt.name == "a bad day" { // a day openapi.yaml rules out, to see it refused
				call = e.callMalformed
			}
			code, body := call(t, tt.who, "GET", tt.target, "")
			if code != tt.status {
				t.Fatalf("status %d, want %d: %v", code, tt.status, body)
			}
			if tt.status >= 400 && body["message"] == "" {
				t.Fatalf("no message: %v", body)
			}
			if tt.check != nil {
				tt.check(t, body)
			}
		})
	}
}

// TestReviewExemptAndExtendOverTheAPI runs the actions in order, each
// tried first by someone who may not.
func TestReviewExemptAndExtendOverTheAPI(t *testing.T) {
	t.Parallel()
	e, sub1 := newFiledEnv(t)
	period := "/api/v1/periods/" + strconv.FormatInt(e.periodID, 10)
	review1 := "/api/v1/submissions/" + strconv.FormatInt(sub1, 10) + "/review"
	newDeadline := e.deadline.Add(5 * 24 * time.Hour).Format(time.RFC3339)
	steps := []struct {
		name           string
		who            string
		method, target string
		body           string
		status         int
		check          func(t *testing.T, body map[string]any)
	}{
		{"the unit's clerk cannot review it", "clerk-c1", "POST", review1, `{"decision":"accepted"}`, 403, nil},
		{"another district's supervisor cannot", "supervisor-d2", "POST", review1, `{"decision":"accepted"}`, 403, nil},
		{"nobody signed in", "", "POST", review1, `{"decision":"accepted"}`, 401, nil},
		{"a return needs a reason", "supervisor-d1", "POST", review1, `{"decision":"returned","reason":" "}`, 422, nil},
		{"an unknown decision", "supervisor-d1", "POST", review1, `{"decision":"maybe"}`, 422, nil},
		{"not JSON", "supervisor-d1", "POST", review1, `decision=accepted`, 422, nil},
		{"the district's supervisor returns it", "supervisor-d1", "POST", review1, `{"decision":"return","reason":"Thiếu mục II"}`, 200,
			func(t *testing.T, b map[string]any) {
				if b["status"] != "returned" || b["notified"] != true {
					t.Fatalf("review %v", b)
				}
			}},
		{"the unit's history shows it returned", "clerk-c1", "GET", "/api/v1/units/" + e.c1 + "/history", "", 200,
			func(t *testing.T, b map[string]any) {
				h := b["history"].([]any)[0].(map[string]any)
				if h["status"] != "returned" || h["status_reason"] != "Thiếu mục II" {
					t.Fatalf("history %v", h)
				}
			}},

		{"a supervisor cannot exempt", "supervisor-d1", "POST", period + "/exemptions", `{"unit":"` + e.c2 + `","reason":"Lũ"}`, 403, nil},
		{"an exemption needs a unit", "inspector", "POST", period + "/exemptions", `{"reason":"Lũ"}`, 422, nil},
		{"an exemption needs a reason", "inspector", "POST", period + "/exemptions", `{"unit":"` + e.c2 + `"}`, 422, nil},
		{"an inspector exempts", "inspector", "POST", period + "/exemptions", `{"unit":"` + e.c2 + `","reason":"Sáp nhập"}`, 201,
			func(t *testing.T, b map[string]any) {
				if b["status"] != "exempt" {
					t.Fatalf("exempt %v", b)
				}
			}},
		{"and withdraws it", "inspector", "DELETE", period + "/exemptions/" + e.c2, "", 200, func(t *testing.T, b map[string]any) {
			if b["status"] != "missing" {
				t.Fatalf("unexempt %v", b)
			}
		}},

		{"a clerk cannot extend", "clerk-c1", "POST", period + "/extensions", `{"subtree":"` + e.d1 + `","deadline":"` + newDeadline + `","reason":"Lũ"}`, 403, nil},
		{"a bad deadline", "admin", "POST", period + "/extensions", `{"subtree":"` + e.d1 + `","deadline":"30/06/2026","reason":"Lũ"}`, 422, nil},
		{"an earlier deadline", "admin", "POST", period + "/extensions",
			`{"units":["` + e.c1 + `"],"deadline":"` + e.deadline.Add(-time.Hour).Format(time.RFC3339) + `","reason":"Lũ"}`, 422, nil},
		{"an admin extends district 1", "admin", "POST", period + "/extensions", `{"subtree":"` + e.d1 + `","deadline":"` + newDeadline + `","reason":"Lũ"}`, 200,
			func(t *testing.T, b map[string]any) {
				ext := b["extended"].(map[string]any)
				if len(ext["units"].([]any)) != 2 || num(ext, "reopened") != 1 {
					t.Fatalf("extension %v", b)
				}
			}},
		{"the missing commune is pending again", "supervisor-d1", "GET", "/api/v1/units/" + e.c2 + "/history", "", 200,
			func(t *testing.T, b map[string]any) {
				if h := b["history"].([]any)[0].(map[string]any); h["status"] != "pending" {
					t.Fatalf("history %v", h)
				}
			}},
	}
	// These steps send what openapi.yaml rules out, to see it refused.
	malformed := map[string]bool{"an unknown decision": true, "not JSON": true, "an exemption needs a unit": true,
		"an exemption needs a reason": true, "a bad deadline": true}
	for _, s := range steps {
		call := e.call
		if malformed[s.name] {
			call = e.callMalformed
		}
		code, body := call(t, s.who, s.method, s.target, s.body)
		if code != s.status {
			t.Fatalf("%s: status %d, want %d: %v", s.name, code, s.status, body)
		}
		if s.check != nil {
			s.check(t, body)
		}
	}
	// The return went to the outbox with the configured link.
	rs, err := e.st.Reminders(context.Background(), store.ReminderFilter{UnitCode: e.c1})
	if err != nil || len(rs) != 1 || !strings.Contains(rs[0].BodyText, baseURL+"/units/"+e.c1) {
		t.Fatalf("return e-mail %+v, %v", rs, err)
	}
}
