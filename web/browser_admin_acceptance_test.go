package web_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"baocao/ops"
	"baocao/store"
	"baocao/store/storetest"
	"baocao/templates"
)

// TestAdministratorsDayInBrowser is issue 12's acceptance walk, in
// Chromium against a real SMTP server: the administrator previews the
// demo province's post-2025 unit list over the 2024 one (the plan's
// counts are what the import then reports), applies it and sees the tree
// change; a list with mistakes shows its rows and changes nothing; adds a
// clerk, whose invitation reaches the SMTP server, and the clerk follows
// its link, sets a password and signs in; a failed e-mail is sent again
// from the outbox and delivered; the audit page lists those actions.
func TestAdministratorsDayInBrowser(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	sink, sender := smtpSink(t)
	e := newEnv(t, &envOptions{Loopback: true, Mailer: sender})
	site := "http://" + e.listen(t)
	f, err := os.Open("../cmd/baocao/demo/units-2024.csv")
	if err != nil {
		t.Fatal(err)
	}
	old, err := templates.ReadUnitList(f, "units-2024.csv")
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.ImportUnits(ctx, ops.CLIAdmin, e.clock.Now(), old, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}

	admin := e.user(t, "admin")
	tab := isolatedTab(t)
	navigate(t, tab, site+"/admin/units", 200)
	signIn(t, tab, admin.Email)

	// A list with mistakes: every row's, nothing changed.
	before, _ := e.st.UnitsFingerprint(ctx)
	bad := writeTemp(t, "sai.csv", []byte("code,name,kind,parent_code,email,active_from,active_until\n"+
		"N1,,commune_pc,75,,2025-07-01,\nN2,UBND xã Hai,xa,75,,2025-07-01,\n"))
	sendList := func(file, effective string, full bool) {
		t.Helper()
		acts := []chromedp.Action[chromedp.Void]{chromedp.SetUploadFiles(chromedp.CSS("#u-file"), []string{file}),
			chromedp.SetValue(chromedp.CSS("#u-effective"), effective)}
		if full {
			acts = append(acts, chromedp.Click(chromedp.CSS(`input[name=close_missing]`)))
		}
		if err := chromedp.Do(tab, acts...); err != nil {
			t.Fatal(err)
		}
		clickAndLoad(t, tab, `section[aria-labelledby=units-import-title] button[type=submit]`)
	}
	sendList(bad, "", false)
	rows := storetest.Eval[[]string](t, tab, `[...document.querySelectorAll('#unit-problems tbody tr')].map(r => r.innerText)`)
	if len(rows) < 2 {
		t.Errorf("a list with two bad rows: %q", rows)
	}
	if after, _ := e.st.UnitsFingerprint(ctx); after != before {
		t.Error("a list with mistakes changed the units")
	}

	// The post-reform list, as the whole tree from 1/7/2025.
	reform, err := filepath.Abs("../cmd/baocao/demo/units-2025.csv")
	if err != nil {
		t.Fatal(err)
	}
	sendList(reform, "2025-07-01", false)
	summary := storetest.Text(t, tab, "#units-preview > p")
	look(t, tab, "admin-units-reform-preview")
	clickAndLoad(t, tab, `#units-preview button[type=submit]`)
	flash := storetest.Text(t, tab, "main")
	created := numberAfter(summary, "Tạo mới ")
	if created <= 0 || !strings.Contains(flash, fmt.Sprintf("tạo %d,", created)) {
		t.Errorf("the preview said %q; the import reported %.200q", summary, flash)
	}
	navigate(t, tab, site+"/admin/units?day=01/08/2025&q=an+loc", 200)
	if text := storetest.Text(t, tab, "#unit-tree"); !strings.Contains(text, "UBND phường An Lộc") {
		t.Errorf("the tree after the import: %.300q", text)
	}

	// A clerk invited; the e-mail arrives; the clerk sets a password.
	navigate(t, tab, site+"/admin/users", 200)
	const clerkMail = "vanthu.anloc@tinh.test"
	if err := chromedp.Do(tab,
		chromedp.SendKeys(chromedp.CSS("#n-email"), clerkMail),
		chromedp.SendKeys(chromedp.CSS("#n-name"), "Trần Văn Thư"),
		chromedp.SetValue(chromedp.CSS("#n-role"), "clerk"),
		chromedp.SendKeys(chromedp.CSS("#n-unit"), "25325")); err != nil {
		t.Fatal(err)
	}
	clickAndLoad(t, tab, `section[aria-labelledby=add-user-title] button[type=submit]`)
	link := mailLink(t, sink, clerkMail, "/password/set?token=")
	clerk := isolatedTab(t)
	navigate(t, clerk, link, 200)
	if err := chromedp.Do(clerk,
		chromedp.SendKeys(chromedp.CSS("#sp-new"), "mat-khau-cua-van-thu"),
		chromedp.SendKeys(chromedp.CSS("#sp-again"), "mat-khau-cua-van-thu")); err != nil {
		t.Fatal(err)
	}
	clickAndLoad(t, clerk, `form[action="/password/set"] button[type=submit]`)
	storetest.FillForm(t, clerk, map[string]string{"#f-email": clerkMail, "#f-password": "mat-khau-cua-van-thu"})
	clickAndLoad(t, clerk, `form[action="/login"] button[type=submit]`)
	if loc := location(t, clerk); strings.HasSuffix(loc, "/login") {
		t.Errorf("the clerk did not get in: %s", loc)
	}

	// A failed e-mail sent again and delivered.
	now := e.clock.Now()
	if _, err := e.st.EnqueueReminders(ctx, []store.NewReminder{{PeriodID: e.periodID, UnitCode: e.c1, Kind: "manual_20260601", DueAt: now,
		Recipients: []string{"vanphong@tanphu.test"}, Subject: "Nhắc báo cáo", BodyText: "Kính gửi: UBND phường Tân Phú"}}, now, store.EnqueueOptions{}); err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := e.st.Pool().QueryRow(ctx, `UPDATE reminders SET status = 'failed', attempts = 8, last_error = '421 thử lại sau'
		WHERE unit_code = $1 AND kind = 'manual_20260601' RETURNING id`, e.c1).Scan(&id); err != nil {
		t.Fatal(err)
	}
	navigate(t, tab, site+"/outbox/"+strconv.FormatInt(id, 10), 200)
	clickAndLoad(t, tab, `form[action$="/retry"] button[type=submit]`)
	if res, err := e.svc.DeliverOutbox(ctx, sender, e.clock.Now()); err != nil || res.Sent != 1 {
		t.Fatalf("delivery after the retry: %+v, %v", res, err)
	}
	navigate(t, tab, site+"/outbox/"+strconv.FormatInt(id, 10), 200)
	if text := storetest.Text(t, tab, "dl.facts"); !strings.Contains(text, "Đã gửi") {
		t.Errorf("the e-mail after its retry: %.200q", text)
	}
	delivered := false
	for _, m := range sink.Messages() {
		delivered = delivered || strings.Contains(strings.Join(m.To, ","), "vanphong@tanphu.test")
	}
	if !delivered {
		t.Error("the retried e-mail did not reach the server")
	}

	// The audit trail has them all.
	navigate(t, tab, site+"/admin/audit", 200)
	text := storetest.Text(t, tab, "main table.data tbody")
	for _, action := range []string{"Nhập danh sách đơn vị", "Mời người dùng", "Gửi lại thư"} {
		if !strings.Contains(text, action) {
			t.Errorf("the audit page lacks %q", action)
		}
	}
	look(t, tab, "admin-audit-day")
}

// numberAfter is the number written right after prefix in text, or -1.
func numberAfter(text, prefix string) int {
	i := strings.Index(text, prefix)
	if i < 0 {
		return -1
	}
	rest := text[i+len(prefix):]
	j := 0
	for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
		j++
	}
	n, err := strconv.Atoi(rest[:j])
	if err != nil {
		return -1
	}
	return n
}
