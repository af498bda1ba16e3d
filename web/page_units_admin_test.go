package web_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// unitListPost sends a unit list to the import form with the form's
// fields.
func (e *env) unitListPost(t *testing.T, cookie, csv string, fields map[string]string) *httptestResponse {
	t.Helper()
	body, ct := multipartFields(t, "don-vi.csv", []byte(csv), fields)
	return wrap(e.do(t, request{method: http.MethodPost, target: "/admin/units", cookie: cookie, body: body,
		header: map[string]string{"Content-Type": ct, "Sec-Fetch-Site": "same-origin"}}))
}

// TestAdminUnitImportPreviewThenApply: a list adding a commune and
// renaming another is previewed — the new unit, the change old → new, the
// open period that gains an obligation — with nothing stored; applied, it
// stores that; applying the same preview again is refused as stale; a
// list with mistakes lists every row's; other roles get 403.
func TestAdminUnitImportPreviewThenApply(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	admin := e.token(t, "admin")
	csv := "code,name,kind,parent_code,email,active_from,active_until\n" +
		"N100,UBND xã Mới Lập,commune_pc," + e.d1 + ",,2026-01-01,\n" +
		e.c2 + ",UBND xã Tiến Hưng Mới,commune_pc," + e.d1 + ",,,\n"
	fields := map[string]string{"effective": "2026-03-01"}
	pre := e.unitListPost(t, admin, csv, fields)
	if pre.code != http.StatusOK || !strings.Contains(pre.body, "Xem trước don-vi.csv") || !strings.Contains(pre.body, "UBND xã Mới Lập") ||
		!strings.Contains(pre.body, "UBND xã Tiến Hưng Mới") || !strings.Contains(pre.body, "TEST-IN") {
		t.Fatalf("preview: %d %s", pre.code, excerpt(pre.body, "units-preview"))
	}
	var n int
	e.st.Pool().QueryRow(t.Context(), `SELECT count(*) FROM units WHERE code = 'N100'`).Scan(&n) //nolint:errcheck
	if n != 0 {
		t.Fatal("the preview stored the new unit")
	}
	key := hiddenValue(pre.body, "key")
	fp := hiddenValue(pre.body, "fingerprint")
	if key == "" || fp == "" {
		t.Fatalf("the preview's apply form lacks its key or fingerprint")
	}
	apply := fmt.Sprintf("key=%s&fingerprint=%s&effective=2026-03-01", key, fp)
	w := e.do(t, request{method: http.MethodPost, target: "/admin/units/apply", cookie: admin, body: apply,
		header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}})
	if w.Code != http.StatusSeeOther || !strings.Contains(flashOf(w), "tạo 1, thay đổi 1") {
		t.Fatalf("apply: %d, flash %q %s", w.Code, flashOf(w), excerpt(w.Body.String(), "alert"))
	}
	var owes int
	e.st.Pool().QueryRow(t.Context(), `SELECT count(*) FROM obligations WHERE period_id = $1 AND unit_code = 'N100'`, e.periodID).Scan(&owes) //nolint:errcheck
	if owes != 1 {
		t.Errorf("the new commune owes the open period %d times, want once", owes)
	}
	w = e.do(t, request{method: http.MethodPost, target: "/admin/units/apply", cookie: admin, body: apply,
		header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}})
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "đã thay đổi kể từ lúc xem trước") {
		t.Errorf("a stale preview applied: %d", w.Code)
	}

	bad := "code,name,kind,parent_code,email,active_from,active_until\n" +
		"N200,,commune_pc," + e.d1 + ",,2026-01-01,\n" +
		"N201,UBND xã Sai,xa," + e.d1 + ",,2026-01-01,\n"
	if r := e.unitListPost(t, admin, bad, nil); r.code != http.StatusUnprocessableEntity || strings.Count(excerpt(r.body, "unit-problems"), "<tr><td class=\"num\">") < 2 {
		t.Errorf("a list with mistakes: %d %s", r.code, excerpt(r.body, "unit-problems"))
	}
	for _, who := range []string{"clerk-c1", "supervisor-d1", "inspector"} {
		if w := e.do(t, request{method: http.MethodGet, target: "/admin/units", cookie: e.token(t, who)}); w.Code != http.StatusForbidden {
			t.Errorf("%s GET: %d, want 403", who, w.Code)
		}
		if r := e.unitListPost(t, e.token(t, who), csv, fields); r.code != http.StatusForbidden {
			t.Errorf("%s previews a list: %d, want 403", who, r.code)
		}
	}
}

// hiddenValue is the value of the first hidden field named name.
func hiddenValue(body, name string) string {
	marker := `name="` + name + `" value="`
	i := strings.Index(body, marker)
	if i < 0 {
		return ""
	}
	rest := body[i+len(marker):]
	return rest[:strings.IndexByte(rest, '"')]
}

// multipartFields is a form's multipart body: the file as "file" and the
// fields beside it.
func multipartFields(t *testing.T, name string, file []byte, fields map[string]string) (string, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(file); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String(), mw.FormDataContentType()
}

// TestAdminUnitTree: the units page shows the tree on a day, drilled down
// from the top; a search without accents finds a name with them; each
// unit links to its history; a day that is not one is refused.
func TestAdminUnitTree(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	admin := e.token(t, "admin")
	get := func(query string) (int, string) {
		w := e.do(t, request{method: http.MethodGet, target: "/admin/units?" + query, cookie: admin})
		return w.Code, w.Body.String()
	}
	code, top := get("")
	if code != http.StatusOK || !strings.Contains(top, "Các đơn vị hoạt động ngày") || !strings.Contains(top, "UBND cấp xã: ") {
		t.Fatalf("the tree: %d %s", code, excerpt(top, "unit-tree"))
	}
	var prov string
	if err := e.st.Pool().QueryRow(t.Context(), `SELECT parent_code FROM unit_versions WHERE unit_code = $1`, e.d1).Scan(&prov); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(top, "unit="+prov) {
		t.Fatalf("the top of the tree does not lead to the province %s", prov)
	}
	_, under := get("unit=" + prov)
	if !strings.Contains(under, "UBND huyện Một") || !strings.Contains(under, "UBND huyện Hai") || strings.Contains(under, "UBND xã Tiến Hưng") {
		t.Errorf("under the province: %s", excerpt(under, "<caption>"))
	}
	_, found := get("q=tien+hung")
	if !strings.Contains(found, "UBND xã Tiến Hưng") || !strings.Contains(found, `href="/units/`+e.c2+`"`) {
		t.Errorf("searching without accents: %s", excerpt(found, "<caption>"))
	}
	if code, body := get("day=31/02/2026"); code != http.StatusUnprocessableEntity || !strings.Contains(body, "không đúng dạng ngày") {
		t.Errorf("a bad day: %d", code)
	}
}

// TestAdminRecordsASuccession: from the units page an administrator
// records that a commune continues as another, on a legal basis; the unit
// history shows it; a missing basis, an unknown code or a change of level
// without saying so is refused with the reason; other roles get 403.
func TestAdminRecordsASuccession(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	admin := e.token(t, "admin")
	post := func(cookie string, v url.Values) *httptest.ResponseRecorder {
		return e.do(t, formPost("/admin/units/succession", cookie, v))
	}
	ok := url.Values{"from": {e.c1}, "to": {e.c2}, "effective": {"01/07/2025"}, "basis": {"Nghị quyết 1662/NQ-UBTVQH15"}}
	w := post(admin, ok)
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(flashOf(w), "success|") {
		t.Fatalf("record: %d, flash %q", w.Code, flashOf(w))
	}
	var basis string
	if err := e.st.Pool().QueryRow(t.Context(), `SELECT legal_basis FROM unit_successions WHERE from_code = $1 AND to_code = $2`, e.c1, e.c2).Scan(&basis); err != nil || basis != "Nghị quyết 1662/NQ-UBTVQH15" {
		t.Errorf("stored: %q, %v", basis, err)
	}
	for _, bad := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"from": {e.c1}, "to": {e.c3}, "effective": {"01/07/2025"}}, "căn cứ pháp lý"},
		{url.Values{"from": {"KHONGCO"}, "to": {e.c2}, "effective": {"01/07/2025"}, "basis": {"x"}}, "KHONGCO"},
		{url.Values{"from": {e.d2}, "to": {e.c2}, "effective": {"01/07/2025"}, "basis": {"x"}}, ""},
		{url.Values{"from": {e.c1}, "to": {e.c3}, "effective": {"31/02/2025"}, "basis": {"x"}}, "không đúng dạng ngày"},
	} {
		w := post(admin, bad.form)
		if w.Code != http.StatusSeeOther || !strings.HasPrefix(flashOf(w), "error|") || !strings.Contains(flashOf(w), bad.want) {
			t.Errorf("%v: %d, flash %q; want refused saying %q", bad.form, w.Code, flashOf(w), bad.want)
		}
	}
	if w := post(e.token(t, "inspector"), ok); w.Code != http.StatusForbidden {
		t.Errorf("an inspector records a succession: %d", w.Code)
	}
}

// TestAdminReopensAUnitClosedByMistake: a list closing a commune before
// the open period's cut-off, applied from the page, releases it; the
// corrected list, previewed with the reopen choice, says the commune is
// reopened and owes the period again, and applied (the choice carried
// through the preview) makes it owe the period again.
func TestAdminReopensAUnitClosedByMistake(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	admin := e.token(t, "admin")
	head := "code,name,kind,parent_code,email,active_from,active_until\n"
	apply := func(csv string, fields map[string]string, want string) {
		t.Helper()
		pre := e.unitListPost(t, admin, csv, fields)
		if pre.code != http.StatusOK || !strings.Contains(pre.body, want) {
			t.Fatalf("preview: %d, want %q in %s", pre.code, want, excerpt(pre.body, "units-preview"))
		}
		form := url.Values{"key": {hiddenValue(pre.body, "key")}, "fingerprint": {hiddenValue(pre.body, "fingerprint")},
			"effective": {fields["effective"]}, "reopen": {hiddenValue(pre.body, "reopen")}}
		w := e.do(t, request{method: http.MethodPost, target: "/admin/units/apply", cookie: admin, body: form.Encode(),
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}})
		if w.Code != http.StatusSeeOther {
			t.Fatalf("apply: %d %s", w.Code, excerpt(w.Body.String(), "alert"))
		}
	}
	exempt := func() bool {
		var ex bool
		if err := e.st.Pool().QueryRow(t.Context(), `SELECT exempt FROM obligations WHERE period_id = $1 AND unit_code = $2`, e.periodID, e.c2).Scan(&ex); err != nil {
			t.Fatal(err)
		}
		return ex
	}
	apply(head+e.c2+",UBND xã Tiến Hưng,commune_pc,"+e.d1+",,,2026-02-28\n", map[string]string{"effective": "2026-01-01"}, "ngừng sau ngày 28/02/2026")
	if !exempt() {
		t.Fatal("the commune closed before the cut-off still owes the period")
	}
	apply(head+e.c2+",UBND xã Tiến Hưng,commune_pc,"+e.d1+",,,\n", map[string]string{"effective": "2026-03-01", "reopen": "on"}, "1 đơn vị đóng nhầm được mở lại")
	if exempt() {
		t.Fatal("the commune reopened from the page does not owe the period again")
	}
}
