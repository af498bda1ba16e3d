package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"baocao/reporting"
	"baocao/store/storetest"
)

func TestRemindNowAndOutbox(t *testing.T) {
	t.Parallel()
	e := newUpEnv(t, 0)
	path := fmt.Sprintf("/api/v1/periods/%d/reminders", e.periodID)
	if resp, _ := e.do(t, "POST", path, strings.NewReader(`{}`), "application/json"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("clerk reminding: %d, want 403", resp.StatusCode)
	}
	inspector := storetest.User(t, e.st, &storetest.UserOpts{Role: reporting.RoleInspector})
	tok, _, err := e.st.CreateSession(context.Background(), inspector.ID, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	e.token = tok
	enqueued := func(body string) int {
		resp, b := e.do(t, "POST", path, strings.NewReader(body), "application/json")
		if resp.StatusCode != http.StatusAccepted {
			t.Fatalf("remind %s: %d %s", body, resp.StatusCode, b)
		}
		var res struct{ Enqueued int }
		if err := json.Unmarshal(b, &res); err != nil {
			t.Fatal(err)
		}
		return res.Enqueued
	}
	// Both communes owe the period: both are reminded, once a day.
	if n := enqueued(`{}`); n != 2 {
		t.Fatalf("every owing unit: %d enqueued, want 2", n)
	}
	if n := enqueued(`{"unit":"` + e.unit + `"}`); n != 0 {
		t.Fatalf("same unit the same day: %d enqueued, want 0", n)
	}
	resp, b := e.do(t, "GET", "/api/v1/outbox", nil, "")
	var out struct {
		Reminders []struct {
			UnitCode string `json:"unit_code"`
			Status   string `json:"status"`
			Subject  string `json:"subject"`
		} `json:"reminders"`
	}
	if err := json.Unmarshal(b, &out); err != nil || resp.StatusCode != http.StatusOK || len(out.Reminders) != 2 {
		t.Fatalf("outbox: %d %s", resp.StatusCode, b)
	}
	// Fields in snake_case, as everywhere in the API.
	for _, r := range out.Reminders {
		if r.UnitCode == "" || r.Status == "" || r.Subject == "" {
			t.Fatalf("outbox row %+v from %s", r, b)
		}
	}
}
