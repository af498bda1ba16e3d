package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"baocao/ops"
	"baocao/store/storetest"
)

// privateTexts is everything of the database that must never reach the
// public page: every user's e-mail and name, every unit's e-mail, every
// free-text answer and every inspector's justification and unit comment.
func privateTexts(t *testing.T, e *env) []string {
	t.Helper()
	rows, err := e.st.Pool().Query(t.Context(), `
		SELECT email FROM users UNION SELECT name FROM users
		UNION SELECT unnest(emails) FROM unit_versions
		UNION SELECT txt FROM submission_values WHERE txt IS NOT NULL AND length(txt) > 12
		UNION SELECT justification FROM evaluation_judgements
		UNION SELECT body FROM evaluation_comments`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	return out
}

// leaks lists the private texts body holds.
func leaks(body string, private []string) []string {
	var found []string
	for _, p := range private {
		if p != "" && strings.Contains(body, p) {
			found = append(found, p)
		}
	}
	return found
}

// TestPublicPageShowsOnlyWhatWasPublished: an administrator publishes a
// period with one numeric field (a text field is refused; a clerk may not
// publish) and a closed evaluation round; anyone reads them without
// signing in as HTML, CSV and JSON, cached (304 on a second visit with the
// ETag); no answer holds a user's name or e-mail, a unit's e-mail, a
// unit's free text, an inspector's justification or a unit's comment —
// and the same scan finds the clerk's name on a signed-in page, so it
// would find a leak. Withdrawn, the period is gone from the public page.
func TestPublicPageShowsOnlyWhatWasPublished(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	e := newEnv(t, nil)
	values := storetest.SmallFormValues()
	values["kho_khan"] = "Ông Nguyễn Văn Bí mật phản ánh thiếu kinh phí (không công khai)"
	if w := e.upload(t, "clerk-c1", "", e.filled(t, "clerk-c1", e.c1, values)); w.Code != http.StatusCreated {
		t.Fatalf("upload: %d %s", w.Code, w.Body.String())
	}
	admin, clerk := e.token(t, "admin"), e.token(t, "clerk-c1")
	e.user(t, "inspector")

	// A closed round with a judgement and a comment, both free text.
	syncScorecardYAML(t, e, "dg-web.yaml", evalYAML)
	now := e.clock.Now()
	round, err := e.svc.OpenRound(ctx, e.user(t, "inspector"), now, ops.OpenRoundInput{Scorecard: "DG-WEB", Year: 2026})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Judge(ctx, e.user(t, "inspector"), now, ops.JudgeInput{RoundID: round.ID, Unit: e.c1, Criterion: "kiem_tra", Points: 15,
		Justification: "Biên bản mật số 99: cán bộ Trần Thị Riêng tư vắng mặt"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Comment(ctx, e.user(t, "clerk-c1"), now, round.ID, e.c1, "", "Góp ý nội bộ của xã, không công khai"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.CloseRound(ctx, e.user(t, "inspector"), now, round.ID, true); err != nil {
		t.Fatal(err)
	}

	period := fmt.Sprint(e.periodID)
	// Refusals first: a clerk; a free-text field.
	if w := e.do(t, formPost("/admin/publications", clerk, url.Values{"period": {period}, "field": {"giam_sat"}})); w.Code != http.StatusForbidden {
		t.Errorf("clerk publishing: %d", w.Code)
	}
	if w := e.do(t, formPost("/admin/publications", admin, url.Values{"period": {period}, "field": {"giam_sat", "kho_khan"}})); !strings.Contains(flashOf(w), "không công khai được") {
		t.Errorf("publishing a text field: %q", flashOf(w))
	}
	if pubs, _ := e.st.Publications(ctx); len(pubs) != 0 {
		t.Fatalf("refusals published %d items", len(pubs))
	}
	if w := e.do(t, formPost("/admin/publications", admin, url.Values{"period": {period}, "field": {"giam_sat"}})); !strings.Contains(flashOf(w), "Đã công khai") {
		t.Fatalf("publishing the period: %q", flashOf(w))
	}
	if w := e.do(t, formPost("/admin/publications", admin, url.Values{"round": {fmt.Sprint(round.ID)}})); !strings.Contains(flashOf(w), "Đã công khai") {
		t.Fatalf("publishing the round: %q", flashOf(w))
	}

	private := privateTexts(t, e)
	if len(private) < 8 {
		t.Fatalf("only %d private texts to look for: %q", len(private), private)
	}
	// The scan has teeth: a signed-in page shows the clerk's name.
	if w := e.do(t, request{method: "GET", target: "/obligations", cookie: clerk}); len(leaks(w.Body.String(), private)) == 0 {
		t.Fatal("the scan finds nothing private even on the clerk's own page")
	}
	ppath, rpath := "/cong-khai/ky/"+period, fmt.Sprintf("/cong-khai/danh-gia/%d", round.ID)
	for _, c := range []struct{ path, ctype, want string }{
		{"/cong-khai", "text/html", "Báo cáo thử kết quả thực hiện dân chủ ở cơ sở"},
		{"/cong-khai/feed.json", "application/json", ppath + "/du-lieu.json"},
		{ppath, "text/html", "Số cuộc giám sát"},
		{ppath + "/du-lieu.csv", "text/csv", "giam_sat"},
		{ppath + "/du-lieu.json", "application/json", `"code": "giam_sat"`},
		{rpath, "text/html", "UBND phường Tân Phú"},
		{rpath + "/du-lieu.csv", "text/csv", e.c1},
		{rpath + "/du-lieu.json", "application/json", `"rating"`},
	} {
		w := e.do(t, request{method: "GET", target: c.path})
		body := w.Body.String()
		if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), c.ctype) || !strings.Contains(body, c.want) {
			t.Errorf("GET %s: %d %s, want %s holding %q", c.path, w.Code, w.Header().Get("Content-Type"), c.ctype, c.want)
		}
		if found := leaks(body, private); len(found) > 0 {
			t.Errorf("GET %s shows private texts: %q", c.path, found)
		}
		if cc := w.Header().Get("Cache-Control"); !strings.HasPrefix(cc, "public") {
			t.Errorf("GET %s: Cache-Control %q", c.path, cc)
		}
		// A signed-in reader gets the same answer, nothing of theirs.
		if w2 := e.do(t, request{method: "GET", target: c.path, cookie: clerk}); w2.Body.String() != body {
			t.Errorf("GET %s signed in differs from the public answer", c.path)
		}
		if w3 := e.do(t, request{method: "GET", target: c.path, header: map[string]string{"If-None-Match": w.Header().Get("ETag")}}); w3.Code != http.StatusNotModified {
			t.Errorf("GET %s with its ETag: %d, want 304", c.path, w3.Code)
		}
	}
	// The period's total is what the unit reported: 12 giám sát.
	if w := e.do(t, request{method: "GET", target: ppath + "/du-lieu.csv"}); !strings.Contains(w.Body.String(), "province,TỔNG CỘNG TOÀN TỈNH,3,1,12") {
		t.Errorf("CSV totals:\n%s", w.Body.String())
	}
	// Unpublished, not published: gone, as if it never existed.
	pubs, _ := e.st.Publications(ctx)
	for _, p := range pubs {
		if p.PeriodID == e.periodID {
			if w := e.do(t, formPost("/admin/publications", admin, url.Values{"withdraw": {fmt.Sprint(p.ID)}})); !strings.Contains(flashOf(w), "thôi công khai") {
				t.Errorf("withdrawing: %q", flashOf(w))
			}
		}
	}
	for _, path := range []string{ppath, ppath + "/du-lieu.json", "/cong-khai/ky/999999", "/cong-khai/ky/abc", rpath + "/khac.txt"} {
		if w := e.do(t, request{method: "GET", target: path}); w.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, w.Code)
		}
	}
}
