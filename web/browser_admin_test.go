package web_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"baocao/store/storetest"
)

// TestAdminPagesInBrowser: an administrator signs in, checks a form
// definition with three mistakes and sees all three listed with their
// places, loads a correct one, sees the form's page with its fields as
// the template describes them, finds the load in the audit trail, and
// opens the system page; each page passes axe and is photographed at
// laptop and phone sizes.
func TestAdminPagesInBrowser(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &envOptions{Loopback: true})
	site := "http://" + e.listen(t)
	admin := e.user(t, "admin")
	tab := isolatedTab(t)
	navigate(t, tab, site+"/admin/forms", 200)
	signIn(t, tab, admin.Email)
	if loc := location(t, tab); loc != site+"/admin/forms" {
		t.Fatalf("after signing in: %s, want the forms page", loc)
	}
	look(t, tab, "admin-forms")

	sendForm := func(src, button string) {
		t.Helper()
		file := writeTemp(t, "nap-web.yaml", []byte(src))
		if err := chromedp.Do(tab, chromedp.SetUploadFiles(chromedp.CSS("#form-file"), []string{file})); err != nil {
			t.Fatal(err)
		}
		clickAndLoad(t, tab, `button[name=action][value=`+button+`]`)
	}
	sendForm(adminFormThreeMistakes, "check")
	rows := storetest.Eval[[]string](t, tab, `[...document.querySelectorAll('#load-result tbody tr')].map(r => r.innerText)`)
	if len(rows) != 3 {
		t.Fatalf("three mistakes: %d rows %q", len(rows), rows)
	}
	for i, where := range []string{"section 2", "field so_cuoc", "rule 1"} {
		if !strings.Contains(strings.Join(rows, "\n"), where) {
			t.Errorf("mistake %d at %q not listed: %q", i, where, rows)
		}
	}
	look(t, tab, "admin-forms-mistakes")

	sendForm(adminFormV1, "apply")
	if msg := storetest.Text(t, tab, "#load-result h3"); !strings.Contains(msg, "NAP-WEB phiên bản 1") {
		t.Errorf("after loading: %q", msg)
	}
	clickAndLoad(t, tab, `a[href="/admin/forms/NAP-WEB"]`)
	if hint := storetest.Text(t, tab, "section[aria-labelledby=spec-title] table tbody"); !strings.Contains(hint, "Số nguyên từ 0 trở lên") {
		t.Errorf("the form's page: %q", hint)
	}
	look(t, tab, "admin-form")

	clickAndLoad(t, tab, `a[href="/admin/audit"]`)
	if text := storetest.Text(t, tab, "main table.data tbody"); !strings.Contains(text, "Nạp biểu mẫu") || !strings.Contains(text, "NAP-WEB") {
		t.Errorf("the audit page: %q", text)
	}
	look(t, tab, "admin-audit")

	clickAndLoad(t, tab, `a[href="/admin/system"]`)
	if text := storetest.Text(t, tab, "main"); !strings.Contains(text, "Đã cập nhật") {
		t.Errorf("the system page: %q", text)
	}
	look(t, tab, "admin-system")

	// The calendar: a day off on the open period's deadline, previewed
	// with the units it moves, then applied.
	clickAndLoad(t, tab, `a[href="/admin/holidays"]`)
	navigate(t, tab, site+"/admin/holidays?year="+e.deadline.In(hcm).Format("2006"), 200)
	if err := chromedp.Do(tab,
		chromedp.SetValue(chromedp.CSS("#h-day"), e.deadline.In(hcm).Format(time.DateOnly)),
		chromedp.SendKeys(chromedp.CSS("#h-name"), "Nghỉ đột xuất (thử)")); err != nil {
		t.Fatal(err)
	}
	clickAndLoad(t, tab, `section[aria-labelledby=add-title] button[value=preview]`)
	if moves := storetest.Text(t, tab, "#preview table tbody"); !strings.Contains(moves, "UBND phường Tân Phú") {
		t.Errorf("the preview's moves: %q", moves)
	}
	look(t, tab, "admin-holidays-preview")
	clickAndLoad(t, tab, `#preview button[value=apply]`)
	if flash := storetest.Text(t, tab, "main"); !strings.Contains(flash, "Đã lưu lịch") {
		t.Errorf("after applying: %.300q", flash)
	}
	look(t, tab, "admin-holidays")

	// The outbox: one of the e-mails just queued, with its text.
	var id int64
	if err := e.st.Pool().QueryRow(t.Context(), `SELECT id FROM reminders ORDER BY id LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	navigate(t, tab, site+"/outbox/"+strconv.FormatInt(id, 10), 200)
	if text := storetest.Text(t, tab, "pre.mail-text"); !strings.Contains(text, "Kính gửi") {
		t.Errorf("the e-mail's text: %q", text)
	}
	look(t, tab, "outbox-message")

	// Units: the tree, then a list adding a commune, previewed.
	clickAndLoad(t, tab, `a[href="/admin/units"]`)
	if text := storetest.Text(t, tab, "#unit-tree"); !strings.Contains(text, "Các đơn vị hoạt động ngày") {
		t.Errorf("the unit tree: %.200q", text)
	}
	look(t, tab, "admin-units")
	list := writeTemp(t, "don-vi.csv", []byte("code,name,kind,parent_code,email,active_from,active_until\n"+
		"N100,UBND xã Mới Lập,commune_pc,"+e.d1+",,2026-01-01,\n"))
	if err := chromedp.Do(tab, chromedp.SetUploadFiles(chromedp.CSS("#u-file"), []string{list}),
		chromedp.SetValue(chromedp.CSS("#u-effective"), "2026-03-01")); err != nil {
		t.Fatal(err)
	}
	clickAndLoad(t, tab, `section[aria-labelledby=units-import-title] button[type=submit]`)
	if text := storetest.Text(t, tab, "#units-preview"); !strings.Contains(text, "Tạo mới 1 đơn vị") {
		t.Errorf("the units preview: %.300q", text)
	}
	look(t, tab, "admin-units-preview")

	// Users: an inspector added; this server sends no mail, so the page
	// gives the link to pass on; the newcomer follows it and sets a
	// password.
	clickAndLoad(t, tab, `a[href="/admin/users"]`)
	if err := chromedp.Do(tab,
		chromedp.SendKeys(chromedp.CSS("#n-email"), "thanhtra.moi@tinh.test"),
		chromedp.SendKeys(chromedp.CSS("#n-name"), "Nguyễn Văn Mới"),
		chromedp.SetValue(chromedp.CSS("#n-role"), "inspector")); err != nil {
		t.Fatal(err)
	}
	clickAndLoad(t, tab, `section[aria-labelledby=add-user-title] button[type=submit]`)
	link := storetest.Text(t, tab, "#invite-result code")
	if !strings.Contains(link, "/password/set?token=") {
		t.Fatalf("the invitation's link: %q", link)
	}
	look(t, tab, "admin-users")
	newcomer := isolatedTab(t)
	navigate(t, newcomer, link, 200)
	if err := chromedp.Do(newcomer,
		chromedp.SendKeys(chromedp.CSS("#sp-new"), "mat-khau-that-dai"),
		chromedp.SendKeys(chromedp.CSS("#sp-again"), "mat-khau-that-dai")); err != nil {
		t.Fatal(err)
	}
	look(t, newcomer, "set-password")
	clickAndLoad(t, newcomer, `form[action="/password/set"] button[type=submit]`)
	if loc := location(t, newcomer); loc != site+"/login" {
		t.Errorf("after setting the password: %s, want the sign-in page", loc)
	}
}
