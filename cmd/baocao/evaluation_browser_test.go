package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
)

// TestInspectorRunsTheDemos2025Evaluation is issue 17's browser walk, on
// the demo province served by "baocao serve": the inspector opens the
// 2025 evaluation of communes, reads the ranking, scores a commune's
// judgement criterion with a justification; the commune's clerk reads the
// provisional scorecard and comments; the inspector sees the comment,
// closes the round (counting unscored criteria as 0) and downloads the
// People's Council PDF, whose text names the year and the commune. Each
// page passes axe and is photographed at laptop and phone sizes.
func TestInspectorRunsTheDemos2025Evaluation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := storetest.NewDB(t)
	a := testApp(t, url)
	st, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	if err := a.seedDemo(ctx, st, cliNow, demoFillSince); err != nil {
		t.Fatal(err)
	}

	addr := freeAddr(t)
	env := []string{"BAOCAO_DATABASE_URL=" + url, "BAOCAO_HTTP_LISTEN=" + addr, "BAOCAO_DATA_DIR=" + t.TempDir(),
		"BAOCAO_SECRET=" + strings.Repeat("s", 40), "BAOCAO_LOG_LEVEL=warn", "BAOCAO_SCHEDULER_ENABLED=false"}
	srvCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { _, err := runCLI(srvCtx, t, env, "serve"); done <- err }()
	t.Cleanup(func() { stop(); <-done })
	site := "http://" + addr
	for i := 0; ; i++ {
		resp, err := http.Get(site + "/healthz")
		if err == nil {
			resp.Body.Close()
			break
		}
		if i == 100 {
			t.Fatalf("serve never answered: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}

	signIn := func(tab context.Context, email string) {
		t.Helper()
		storetest.Navigate(t, tab, site+"/login")
		storetest.FillForm(t, tab, map[string]string{"#f-email": email, "#f-password": demoPassword})
		storetest.ClickAndLoad(t, tab, `form[action="/login"] button[type=submit]`)
	}
	look := func(tab context.Context, name string) {
		t.Helper()
		storetest.AxeCheck(t, tab)
		storetest.Screenshots(t, tab, name)
	}

	// The inspector opens the 2025 round of the communes' scorecard.
	insp := storetest.IsolatedTab(t)
	signIn(insp, "thanhtra@demo.baocao.vn")
	storetest.Navigate(t, insp, site+"/evaluations")
	look(insp, "evaluations")
	if got := storetest.Eval[string](t, insp, `(() => { const s = document.querySelector("#e-scorecard"); s.value = "DGDC-XA"; return s.value; })()`); got != "DGDC-XA" {
		t.Fatalf("scorecard choice %q", got)
	}
	storetest.FillForm(t, insp, map[string]string{"#e-year": "2025", "#e-until": "20/05/2026"})
	storetest.ClickAndLoad(t, insp, `form[action="/evaluations"] button[type=submit]`)
	if h1 := storetest.Text(t, insp, "h1"); h1 != "Kết quả đánh giá năm 2025" {
		t.Fatalf("after opening: h1 %q", h1)
	}
	rounds, err := st.Rounds(ctx)
	if err != nil || len(rounds) != 1 {
		t.Fatalf("rounds %v, %v", rounds, err)
	}
	round := rounds[0]
	// The demo's post-reform communes of the former Bình Phước, as the
	// unit list the demo imports has them on 31/12/2025.
	communes, err := st.EvaluationSubjects(ctx, []reporting.UnitKind{reporting.KindCommunePC}, reporting.Day(2025, time.December, 31))
	if err != nil {
		t.Fatal(err)
	}
	if round.Units != len(communes) || len(communes) < 30 {
		t.Errorf("round scored %d units; %d communes were active on 31/12/2025", round.Units, len(communes))
	}
	rows := storetest.Eval[int](t, insp, `document.querySelectorAll('table.data tbody tr td a[href*="/units/"]').length`)
	if rows != len(communes) {
		t.Errorf("ranking shows %d units, want %d", rows, len(communes))
	}
	look(insp, "evaluation")

	// Phường Bình Phước's scorecard: a judgement with its justification.
	storetest.Navigate(t, insp, fmt.Sprintf("%s/evaluations/%d/units/25195", site, round.ID))
	setValues(t, insp, map[string]string{"#p-kiem_tra_thuc_te": "17,5",
		"#j-kiem_tra_thuc_te": "Biên bản kiểm tra số 12/BB-ĐKT ngày 05/5/2026: niêm yết đầy đủ tại trụ sở."})
	storetest.ClickAndLoad(t, insp, `#tc-kiem_tra_thuc_te form.judge button[type=submit]`)
	if flash := storetest.Text(t, insp, ".alert"); !strings.Contains(flash, "Đã lưu điểm") {
		t.Errorf("after judging: flash %q", flash)
	}
	if got := storetest.Text(t, insp, "#tc-kiem_tra_thuc_te h3"); !strings.Contains(got, "17,5/20") {
		t.Errorf("criterion heading after judging: %q", got)
	}
	look(insp, "evaluation-unit-inspector")

	// The commune's clerk reads the provisional card and comments.
	clerk := storetest.IsolatedTab(t)
	signIn(clerk, "binhphuoc@demo.baocao.vn")
	storetest.Navigate(t, clerk, site+"/evaluations")
	storetest.ClickAndLoad(t, clerk, `a[href$="/units/25195"]`)
	if got := storetest.Text(t, clerk, "#tc-kiem_tra_thuc_te"); !strings.Contains(got, "Biên bản kiểm tra số 12/BB-ĐKT") {
		t.Errorf("the clerk does not see the justification: %q", got)
	}
	if n := storetest.Eval[int](t, clerk, `document.querySelectorAll("form.judge").length`); n != 0 {
		t.Errorf("the clerk sees %d judgement forms", n)
	}
	setValues(t, clerk, map[string]string{"#cm-body": "Kỳ quý I/2025 đơn vị chưa được giao tài khoản nên không nộp được."})
	storetest.ClickAndLoad(t, clerk, `form[action$="/comments"] button[type=submit]`)
	look(clerk, "evaluation-unit-clerk")
	// Another commune's card is not the clerk's to read.
	resp := fetchStatus(t, clerk, fmt.Sprintf("%s/evaluations/%d/units/25210", site, round.ID))
	if resp != http.StatusForbidden {
		t.Errorf("the clerk reading another commune's card: %d", resp)
	}

	// The inspector sees the comment, closes the round and downloads the
	// report.
	storetest.Navigate(t, insp, fmt.Sprintf("%s/evaluations/%d/units/25195", site, round.ID))
	if got := storetest.Text(t, insp, "#comments-title + blockquote, section[aria-labelledby=comments-title]"); !strings.Contains(got, "chưa được giao tài khoản") {
		t.Errorf("the inspector does not see the comment: %q", got)
	}
	storetest.Navigate(t, insp, fmt.Sprintf("%s/evaluations/%d", site, round.ID))
	storetest.ClickAndLoad(t, insp, `form[action$="/close"] button[type=submit]`)
	if flash := storetest.Text(t, insp, ".alert"); !strings.Contains(flash, "Còn") {
		t.Errorf("closing with unscored criteria: flash %q", flash)
	}
	storetest.Click(t, insp, `input[name=zero_pending]`)
	storetest.ClickAndLoad(t, insp, `form[action$="/close"] button[type=submit]`)
	if flash := storetest.Text(t, insp, ".alert"); !strings.Contains(flash, "Đã kết thúc") {
		t.Errorf("closing: flash %q", flash)
	}
	look(insp, "evaluation-closed")
	pdf := storetest.Fetch(t, insp, fmt.Sprintf("/evaluations/%d/report.pdf", round.ID), "application/pdf")
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatal("the report is not a PDF")
	}
	text := storetest.PDFText(t, pdf)
	for _, want := range []string{"Kết quả đánh giá mức độ thực hiện dân chủ ở cơ sở năm 2025", "UBND phường Bình Phước", "Phụ lục II"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q", want)
		}
	}

	// The administrator publishes the round and the DCCS-XA 2025 annual
	// period's first total; anyone reads them without signing in.
	admin := storetest.IsolatedTab(t)
	signIn(admin, "admin@demo.baocao.vn")
	storetest.Navigate(t, admin, site+"/admin/publications")
	storetest.ClickAndLoad(t, admin, `section[aria-labelledby=pub-rounds] button[type=submit]`)
	annual, err := st.Periods(ctx, store.PeriodFilter{FormCode: "DCCS-XA", Key: "2025"})
	if err != nil || len(annual) != 1 {
		t.Fatalf("DCCS-XA 2025: %v, %v", annual, err)
	}
	form := fmt.Sprintf(`form input[name=period][value="%d"]`, annual[0].ID)
	if got := storetest.Eval[bool](t, admin, fmt.Sprintf(`(() => { const f = document.querySelector(%q).form; f.closest("details").open = true;
		f.querySelector("input[name=field]").checked = true; return true; })()`, form)); !got {
		t.Fatal("could not tick a field to publish")
	}
	storetest.ClickAndLoad(t, admin, form+` ~ button[type=submit]`)
	look(admin, "admin-publications")
	anyone := storetest.IsolatedTab(t)
	storetest.Navigate(t, anyone, site+"/cong-khai")
	look(anyone, "public-index")
	if n := storetest.Eval[int](t, anyone, `document.querySelectorAll("table.data tbody tr").length`); n != 2 {
		t.Errorf("the public index lists %d items, want 2", n)
	}
	storetest.Navigate(t, anyone, fmt.Sprintf("%s/cong-khai/ky/%d", site, annual[0].ID))
	look(anyone, "public-period")
	storetest.Navigate(t, anyone, fmt.Sprintf("%s/cong-khai/danh-gia/%d", site, round.ID))
	look(anyone, "public-round")
	if got := storetest.Text(t, anyone, "main"); !strings.Contains(got, "UBND phường Bình Phước") || strings.Contains(got, "Biên bản kiểm tra số 12") {
		t.Error("the public round page lacks the commune or shows the inspector's justification")
	}
}

// setValues sets form fields' values, by CSS selector (an empty textarea
// has no text for storetest.FillForm to clear).
func setValues(t *testing.T, tab context.Context, fields map[string]string) {
	t.Helper()
	for sel, v := range fields {
		if err := chromedp.Do(tab, chromedp.SetValue(chromedp.CSS(sel), v)); err != nil {
			t.Fatalf("set %s: %v", sel, err)
		}
	}
}

// fetchStatus is the status of a GET of u with the tab's cookies.
func fetchStatus(t *testing.T, tab context.Context, u string) int {
	t.Helper()
	n, err := chromedp.Run(tab, chromedp.Evaluate[int](fmt.Sprintf(`fetch(%q, {credentials: "same-origin"}).then(r => r.status)`, u), chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("fetch %s: %v", u, err)
	}
	return n
}
