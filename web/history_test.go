package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"baocao/reporting"
	"baocao/store/storetest"
)

// TestObligationHistory: c1's clerk files, the district's supervisor
// returns the report, the clerk files again and an inspector accepts it,
// an hour apart, all through the API. The obligation's history shows it
// in order to those who may see c1, with the status it comes to.
func TestObligationHistory(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	upload := func(values map[string]any) int64 {
		t.Helper()
		e.clock.Advance(time.Hour)
		w := e.upload(t, "clerk-c1", "", e.filled(t, "clerk-c1", e.c1, values))
		var res struct {
			Submission struct{ ID int64 } `json:"submission"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil || w.Code != http.StatusCreated {
			t.Fatalf("upload: %d %s", w.Code, w.Body)
		}
		return res.Submission.ID
	}
	review := func(who string, sub int64, body string) {
		t.Helper()
		e.clock.Advance(time.Hour)
		if code, res := e.call(t, who, "POST", fmt.Sprintf("/api/v1/submissions/%d/review", sub), body); code != http.StatusOK {
			t.Fatalf("review by %s: %d %v", who, code, res)
		}
	}
	v1 := upload(storetest.SmallFormValues())
	review("supervisor-d1", v1, `{"decision":"returned","reason":"Thiếu mục II"}`)
	second := storetest.SmallFormValues()
	second["kho_khan"] = "Đã bổ sung mục II."
	v2 := upload(second)
	review("inspector", v2, `{"decision":"accepted"}`)

	clerk, supervisor, inspector := e.user(t, "clerk-c1").Email, e.user(t, "supervisor-d1").Email, e.user(t, "inspector").Email
	var opensAt time.Time
	if err := e.st.Pool().QueryRow(context.Background(), `SELECT opens_at FROM periods WHERE id = $1`, e.periodID).Scan(&opensAt); err != nil {
		t.Fatal(err)
	}
	type event struct {
		At           time.Time           `json:"at"`
		Kind         reporting.EventKind `json:"kind"`
		Actor        string              `json:"actor"`
		SubmissionID int64               `json:"submission_id"`
		Version      int                 `json:"version"`
		Reason       string              `json:"reason"`
	}
	hour := func(n int) time.Time { return envStart.Add(time.Duration(n) * time.Hour) }
	opened := event{At: opensAt, Kind: reporting.EventOpened, Actor: "system"}
	c1History := []event{
		opened,
		{At: hour(1), Kind: reporting.EventUploaded, Actor: clerk, SubmissionID: v1, Version: 1},
		{At: hour(2), Kind: reporting.EventReturned, Actor: supervisor, SubmissionID: v1, Version: 1, Reason: "Thiếu mục II"},
		{At: hour(3), Kind: reporting.EventUploaded, Actor: clerk, SubmissionID: v2, Version: 2},
		{At: hour(4), Kind: reporting.EventAccepted, Actor: inspector, SubmissionID: v2, Version: 2},
	}
	history := func(unit string) string {
		return "/api/v1/periods/" + strconv.FormatInt(e.periodID, 10) + "/units/" + unit + "/history"
	}
	sameEvent := func(a, b event) bool {
		at := a.At.Equal(b.At)
		a.At, b.At = time.Time{}, time.Time{}
		return at && a == b
	}
	tests := []struct {
		name, who, target string
		status            int
		wantStatus        reporting.Status
		want              []event
	}{
		{"the unit's clerk", "clerk-c1", history(e.c1), 200, reporting.StatusAccepted, c1History},
		{"its district's supervisor", "supervisor-d1", history(e.c1), 200, reporting.StatusAccepted, c1History},
		{"an inspector", "inspector", history(e.c1), 200, reporting.StatusAccepted, c1History},
		{"another clerk, its own unit", "clerk-c2", history(e.c2), 200, reporting.StatusPending,
			[]event{opened}},

		{"a clerk of another unit", "clerk-c2", history(e.c1), 404, "", nil},
		{"another district's supervisor", "supervisor-d2", history(e.c1), 404, "", nil},
		{"nobody signed in", "", history(e.c1), 401, "", nil},
		{"a unit without the obligation", "inspector", history(e.d1), 404, "", nil},
		{"a period no id or key names", "inspector", "/api/v1/periods/ky-nay/units/" + e.c1 + "/history", 404, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := e.do(t, request{method: "GET", target: tt.target, as: tt.who})
			var body struct {
				Unit        string           `json:"unit"`
				Status      reporting.Status `json:"status"`
				StatusLabel string           `json:"status_label"`
				Events      []event          `json:"events"`
				Message     string           `json:"message"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatalf("%d, not JSON: %s", w.Code, w.Body)
			}
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tt.status, w.Body)
			}
			if tt.status != http.StatusOK {
				if body.Message == "" || body.Events != nil {
					t.Fatalf("refusal %s, want a message and no history", w.Body)
				}
				return
			}
			if body.Status != tt.wantStatus || body.StatusLabel != tt.wantStatus.Label() || !slices.EqualFunc(body.Events, tt.want, sameEvent) {
				t.Fatalf("%s %q %+v,\nwant %s %+v", body.Status, body.StatusLabel, body.Events, tt.wantStatus, tt.want)
			}
		})
	}
}
