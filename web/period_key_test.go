package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"baocao/store/storetest"
)

// A period in an API path is its id or its key, and ?at= takes the CLI's
// forms of a moment, in the service's time zone.
func TestPeriodByKeyAndMomentForms(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	periodID := func(t *testing.T, b map[string]any) int64 {
		t.Helper()
		p, _ := b["period"].(map[string]any)
		id, _ := p["id"].(float64)
		return int64(id)
	}
	at := func(t *testing.T, b map[string]any) time.Time {
		t.Helper()
		v, _ := b["at"].(string)
		tm, err := time.Parse(time.RFC3339, v)
		if err != nil {
			t.Fatalf("at %q: %v", v, err)
		}
		return tm
	}
	for _, tc := range []struct {
		target string
		at     time.Time
	}{
		{"/api/v1/periods/2026-H1/compliance?at=2026-06-30+08:00", time.Date(2026, 6, 30, 8, 0, 0, 0, hcm)},
		{"/api/v1/periods/2026-H1/compliance?at=2026-06-30", time.Date(2026, 6, 30, 0, 0, 0, 0, hcm)},
		{"/api/v1/periods/2026-H1/compliance?at=2026-06-30T01:00:00Z", time.Date(2026, 6, 30, 8, 0, 0, 0, hcm)},
		{"/api/v1/periods/2026-H1/compliance?form=TEST-IN", envStart},
	} {
		code, b := e.call(t, "inspector", "GET", tc.target, "")
		if code != http.StatusOK || periodID(t, b) != e.periodID || !at(t, b).Equal(tc.at) {
			t.Errorf("%s: %d, period %d at %v; want 200, period %d at %v", tc.target, code, periodID(t, b), b["at"], e.periodID, tc.at)
		}
	}
	if code, b := e.call(t, "inspector", "GET", "/api/v1/periods/2026-H1/compliance?at=30/06/2026", ""); code != http.StatusUnprocessableEntity {
		t.Errorf("a day as 30/06/2026: %d %v", code, b)
	}
	if code, b := e.call(t, "inspector", "GET", "/api/v1/periods/2031-H2/compliance", ""); code != http.StatusNotFound {
		t.Errorf("a key no period has: %d %v", code, b)
	}
	if w := e.do(t, request{method: "GET", target: "/units/" + e.c1 + "/periods/2026-H1/template.xlsx", as: "clerk-c1"}); w.Code != http.StatusOK {
		t.Errorf("the template by the period's key: %d %s", w.Code, w.Body)
	}

	// A second form with the same half-years: the key alone is ambiguous.
	storetest.SyncFormYAML(t, e.st, "other.yaml", strings.Replace(storetest.SmallFormYAML, "code: TEST-IN", "code: TEST-OTHER", 1))
	storetest.OpenDue(t, e.st, envStart, hcm)
	code, b := e.call(t, "inspector", "GET", "/api/v1/periods/2026-H1/compliance", "")
	msg, _ := b["message"].(string)
	if code != http.StatusUnprocessableEntity || !strings.Contains(msg, "TEST-IN") || !strings.Contains(msg, "TEST-OTHER") {
		t.Errorf("an ambiguous key: %d %v; want 422 naming both forms", code, b)
	}
	if code, b := e.call(t, "inspector", "GET", "/api/v1/periods/2026-H1/compliance?form=TEST-IN", ""); code != http.StatusOK || periodID(t, b) != e.periodID {
		t.Errorf("the key with its form: %d %v", code, b)
	}
	if code, b := e.call(t, "inspector", "GET", "/api/v1/periods/2026-H1/units/"+e.c1+"/history?form=TEST-IN&at=2026-06-10+09:00", ""); code != http.StatusOK {
		t.Errorf("an obligation's history by key: %d %v", code, b)
	}
}
