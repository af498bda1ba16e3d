package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"baocao/reporting"
	"baocao/store"
	"baocao/templates"
)

// evalYAML scores the test form's communes: on-time rate, the share of
// recommendations settled, and an inspector's criterion.
const evalYAML = `code: DG-WEB
title: Bộ tiêu chí thử trên trang
from_year: 2026
unit_kinds: [commune_pc]
forms: [TEST-IN]
sections:
  - title: I. Báo cáo
    criteria:
      - {code: dung_han, title: Đúng hạn, basis: Nghị định 09/2019, max: 10, discipline: {measure: on_time_rate, bands: [{min: 100, points: 10}]}}
      - {code: kien_nghi, title: Kiến nghị được giải quyết, basis: Điều 33, max: 10, figures: {form: TEST-IN, periodicity: half_year, ratio: {numerator: da_giai_quyet, denominator: kien_nghi}, bands: [{min: 70, points: 10}]}}
  - title: II. Kiểm tra
    criteria:
      - {code: kiem_tra, title: Kiểm tra thực tế, basis: Nghị quyết HĐND, max: 20, inspector: {guidance: Theo biên bản}}
ratings:
  - {label: Đạt, min: 50}
  - {label: Chưa đạt, min: 0}
`

// TestEvaluationPagesWhoMayDoWhat: who sees and does what on the
// evaluation pages, and that refusals change nothing: inspectors open,
// score, recompute, close and download; a commune's clerk and its
// district's supervisor read the commune's card and comment; nobody else
// does; an evidence file goes back to those who may read the card, as a
// download.
func TestEvaluationPagesWhoMayDoWhat(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	e := newEnv(t, nil)
	syncScorecardYAML(t, e, "dg-web.yaml", evalYAML)
	tok := func(who string) string { return e.token(t, who) }
	open := url.Values{"scorecard": {"DG-WEB"}, "year": {"2026"}, "until": {"30/06/2026"}}

	// A clerk may not open a round; a bad year is said and stores nothing.
	if w := e.do(t, formPost("/evaluations", tok("clerk-c1"), open)); w.Code != http.StatusForbidden {
		t.Errorf("clerk opening a round: %d", w.Code)
	}
	bad := url.Values{"scorecard": {"DG-WEB"}, "year": {"hai nghìn"}, "until": {"30/06/2026"}}
	if w := e.do(t, formPost("/evaluations", tok("inspector"), bad)); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "Năm đánh giá") {
		t.Errorf("a bad year: %d %s", w.Code, excerpt(w.Body.String(), "result-refused"))
	}
	future := url.Values{"scorecard": {"DG-WEB"}, "year": {"2026"}, "until": {"30/06/2026"}, "at": {"01/01/2027 08:00"}}
	if w := e.do(t, formPost("/evaluations", tok("inspector"), future)); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "chưa đến") {
		t.Errorf("a moment to come: %d %s", w.Code, excerpt(w.Body.String(), "result-refused"))
	}
	open.Set("at", "10/06/2026 08:00")
	w := e.do(t, formPost("/evaluations", tok("inspector"), open))
	if w.Code != http.StatusSeeOther {
		t.Fatalf("inspector opening a round: %d %s", w.Code, excerpt(w.Body.String(), "result-refused"))
	}
	round := w.Header().Get("Location")
	var asAt time.Time
	if err := e.st.Pool().QueryRow(ctx, `SELECT as_at FROM evaluation_rounds`).Scan(&asAt); err != nil || !asAt.Equal(time.Date(2026, time.June, 10, 8, 0, 0, 0, hcm)) {
		t.Errorf("round as at %v (%v), want 10/06/2026 08:00", asAt, err)
	}
	if !strings.HasPrefix(round, "/evaluations/") || !strings.Contains(flashOf(w), "tính điểm cho 3 đơn vị") {
		t.Fatalf("opened: %s, flash %q", round, flashOf(w))
	}

	card := func(unit string) string { return round + "/units/" + unit }
	for _, c := range []struct {
		path string
		want map[string]int
	}{
		{"/evaluations", map[string]int{"clerk-c1": 200, "supervisor-d1": 200, "inspector": 200, "admin": 200}},
		{round, map[string]int{"clerk-c1": 403, "supervisor-d1": 403, "inspector": 200, "admin": 200}},
		{round + "/report.pdf", map[string]int{"clerk-c1": 403, "inspector": 200}},
		{round + "/report.xlsx", map[string]int{"supervisor-d1": 403, "admin": 200}},
		{round + "/report.doc", map[string]int{"inspector": 404}},
		{card(e.c1), map[string]int{"clerk-c1": 200, "clerk-c2": 403, "supervisor-d1": 200, "supervisor-d2": 403, "inspector": 200}},
		{"/evaluations/abc", map[string]int{"inspector": 404}},
		{"/evaluations/999999", map[string]int{"inspector": 404}},
	} {
		for who, status := range c.want {
			if w := e.do(t, request{method: "GET", target: c.path, cookie: tok(who)}); w.Code != status {
				t.Errorf("%s GET %s: %d, want %d", who, c.path, w.Code, status)
			}
		}
	}

	// Judging: a clerk may not; points out of range are said on the card;
	// an inspector's score with evidence is stored and audited.
	judge := func(who, points string, evidence []byte) *http.Response {
		body, ct := multipartFields(t, "bien-ban.pdf", evidence, map[string]string{"criterion": "kiem_tra", "points": points, "justification": "Biên bản số 7"})
		return e.do(t, request{method: "POST", target: card(e.c1) + "/judgements", cookie: tok(who), body: body,
			header: map[string]string{"Content-Type": ct, "Sec-Fetch-Site": "same-origin"}}).Result()
	}
	if r := judge("clerk-c1", "20", nil); r.StatusCode != http.StatusForbidden {
		t.Errorf("clerk judging: %d", r.StatusCode)
	}
	if r := judge("inspector", "25", nil); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("25 of 20 points: %d", r.StatusCode)
	}
	if r := judge("inspector", "mười", nil); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("points not a number: %d", r.StatusCode)
	}
	evidence := []byte("%PDF-1.4 biên bản kiểm tra")
	if r := judge("inspector", "17,5", evidence); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("inspector judging: %d", r.StatusCode)
	}
	var points float64
	if err := e.st.Pool().QueryRow(ctx, `SELECT points FROM evaluation_judgements WHERE unit_code = $1`, e.c1).Scan(&points); err != nil || points != 17.5 {
		t.Errorf("stored points %v, %v", points, err)
	}
	ev := card(e.c1) + "/evidence/kiem_tra"
	for who, status := range map[string]int{"clerk-c1": 200, "clerk-c2": 403, "inspector": 200} {
		w := e.do(t, request{method: "GET", target: ev, cookie: tok(who)})
		if w.Code != status {
			t.Errorf("%s downloading the evidence: %d, want %d", who, w.Code, status)
		}
		if status == 200 && (w.Body.String() != string(evidence) || w.Header().Get("Content-Type") != "application/octet-stream" ||
			!strings.HasPrefix(w.Header().Get("Content-Disposition"), "attachment")) {
			t.Errorf("evidence answered %q as %s, %s", w.Body.String(), w.Header().Get("Content-Type"), w.Header().Get("Content-Disposition"))
		}
	}

	// Comments: the commune's clerk and supervisor; not another commune's
	// clerk, not the inspector.
	comment := url.Values{"criterion": {"kiem_tra"}, "body": {"Đề nghị xem lại biên bản."}}
	for who, status := range map[string]int{"clerk-c2": 403, "inspector": 403, "supervisor-d2": 403, "clerk-c1": 303, "supervisor-d1": 303} {
		if w := e.do(t, formPost(card(e.c1)+"/comments", tok(who), comment)); w.Code != status {
			t.Errorf("%s commenting: %d, want %d", who, w.Code, status)
		}
	}
	var comments int
	if err := e.st.Pool().QueryRow(ctx, `SELECT count(*) FROM evaluation_comments`).Scan(&comments); err != nil || comments != 2 {
		t.Errorf("%d comments stored, want 2 (%v)", comments, err)
	}
	if w := e.do(t, request{method: "GET", target: card(e.c1), cookie: tok("inspector")}); !strings.Contains(w.Body.String(), "Đề nghị xem lại biên bản.") {
		t.Error("the inspector's card does not show the comment")
	}

	// Recompute needs a reason; closing with unscored criteria needs the
	// confirmation; then the round is closed for everyone.
	if w := e.do(t, formPost(round+"/recompute", tok("inspector"), url.Values{"reason": {""}})); !strings.Contains(flashOf(w), "lý do") {
		t.Errorf("recompute without a reason: %d %q", w.Code, flashOf(w))
	}
	if w := e.do(t, formPost(round+"/recompute", tok("clerk-c1"), url.Values{"reason": {"x"}})); w.Code != http.StatusForbidden {
		t.Errorf("clerk recomputing: %d", w.Code)
	}
	if w := e.do(t, formPost(round+"/close", tok("inspector"), url.Values{})); !strings.Contains(flashOf(w), "Còn 2 tiêu chí") {
		t.Errorf("closing with 2 unscored: %q", flashOf(w))
	}
	if w := e.do(t, formPost(round+"/close", tok("inspector"), url.Values{"zero_pending": {"1"}})); !strings.Contains(flashOf(w), "Đã kết thúc") {
		t.Errorf("closing: %q", flashOf(w))
	}
	if r := judge("inspector", "1", nil); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("judging in a closed round: %d", r.StatusCode)
	}
	if w := e.do(t, formPost(card(e.c1)+"/comments", tok("clerk-c1"), comment)); !strings.Contains(flashOf(w), "đã kết thúc") {
		t.Errorf("commenting in a closed round: %q", flashOf(w))
	}
}

// syncScorecardYAML parses a scorecard against the env's forms and loads
// it.
func syncScorecardYAML(t *testing.T, e *env, name, src string) {
	t.Helper()
	ctx := t.Context()
	forms, err := e.st.CurrentForms(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byCode := map[string]*reporting.Form{}
	for i := range forms {
		byCode[forms[i].Code] = &forms[i]
	}
	sf, err := templates.ParseScorecard(name, []byte(src), byCode)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.SyncShippedScorecards(ctx, []store.ScorecardSource{{Definition: sf.Scorecard, Source: src, Checksum: sf.Checksum}}); err != nil {
		t.Fatal(err)
	}
}
