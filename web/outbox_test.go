package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
)

func TestRemindNowAndOutbox(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	path := fmt.Sprintf("/api/v1/periods/%d/reminders", e.periodID)
	for _, who := range []string{"clerk-c1", "supervisor-d1"} {
		if code, body := e.call(t, who, "POST", path, `{}`); code != http.StatusForbidden {
			t.Fatalf("%s reminding: %d %v, want 403", who, code, body)
		}
		if code, body := e.call(t, who, "GET", "/api/v1/outbox", ""); code != http.StatusForbidden {
			t.Fatalf("%s reading the outbox: %d %v, want 403", who, code, body)
		}
	}
	enqueued := func(body string) float64 {
		code, res := e.call(t, "inspector", "POST", path, body)
		if code != http.StatusAccepted {
			t.Fatalf("remind %s: %d %v", body, code, res)
		}
		return num(res, "enqueued")
	}
	// The three communes owe the period: all are reminded, once a day.
	if n := enqueued(`{}`); n != 3 {
		t.Fatalf("every owing unit: %v enqueued, want 3", n)
	}
	if n := enqueued(`{"unit":"` + e.c1 + `"}`); n != 0 {
		t.Fatalf("same unit the same day: %v enqueued, want 0", n)
	}
	w := e.do(t, request{method: "GET", target: "/api/v1/outbox", as: "inspector"})
	var out struct {
		Reminders []struct {
			UnitCode string `json:"unit_code"`
			Status   string `json:"status"`
			Subject  string `json:"subject"`
		} `json:"reminders"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil || w.Code != http.StatusOK || len(out.Reminders) != 3 {
		t.Fatalf("outbox: %d %s", w.Code, w.Body)
	}
	// Fields in snake_case, as everywhere in the API.
	for _, r := range out.Reminders {
		if r.UnitCode == "" || r.Status == "" || r.Subject == "" {
			t.Fatalf("outbox row %+v from %s", r, w.Body)
		}
	}
}
