package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"baocao/reporting"
)

// TestAdminCalendarPreviewsThenApplies: the administrator's calendar page
// shows the year; adding a day off on the open period's deadline is first
// previewed — the units whose deadline would move, old and new, and
// nothing stored — then applied: deadlines moved, units told, back on the
// page with what was done. Removing the day is previewed from the list.
// Bad input is a 422 with the reason; other roles get 403.
func TestAdminCalendarPreviewsThenApplies(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	admin := e.token(t, "admin")
	day := e.deadline.In(hcm)
	dayISO := day.Format(time.DateOnly)
	year := day.Year()
	post := func(form url.Values) *httptestResponse {
		t.Helper()
		form.Set("year", fmt.Sprint(year))
		return wrap(e.do(t, request{method: http.MethodPost, target: "/admin/holidays", cookie: admin, body: form.Encode(),
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}}))
	}
	deadlineOf := func(unit string) time.Time {
		t.Helper()
		o, err := e.st.Obligation(t.Context(), e.periodID, unit)
		if err != nil {
			t.Fatal(err)
		}
		return o.Facts.Deadline
	}

	w := e.do(t, request{method: http.MethodGet, target: fmt.Sprintf("/admin/holidays?year=%d", year), cookie: admin})
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), fmt.Sprintf("Lịch làm việc năm %d", year)) || !strings.Contains(w.Body.String(), "Tháng 12") {
		t.Fatalf("the year: %d %.300s", w.Code, w.Body)
	}

	add := url.Values{"action": {"preview"}, "set_day": {dayISO}, "set_name": {"Nghỉ đột xuất (thử)"}, "set_kind": {"off"}}
	pre := post(add)
	body := pre.body
	if pre.code != http.StatusOK || !strings.Contains(body, "Xem trước thay đổi") || !strings.Contains(body, "hạn nộp sẽ dời") ||
		!strings.Contains(body, "UBND phường Tân Phú") || !strings.Contains(body, reporting.FormatDate(day)) {
		t.Fatalf("preview: %d %s", pre.code, excerpt(body, "preview"))
	}
	if !deadlineOf(e.c1).Equal(e.deadline) {
		t.Fatalf("the preview moved %s's deadline to %s", e.c1, deadlineOf(e.c1))
	}
	var days int
	e.st.Pool().QueryRow(t.Context(), `SELECT count(*) FROM holidays WHERE day = $1`, dayISO).Scan(&days) //nolint:errcheck
	if days != 0 {
		t.Fatal("the preview stored the day")
	}

	add.Set("action", "apply")
	done := post(add)
	if done.code != http.StatusSeeOther || done.location != fmt.Sprintf("/admin/holidays?year=%d", year) {
		t.Fatalf("apply: %d to %q", done.code, done.location)
	}
	if moved := deadlineOf(e.c1); !moved.After(e.deadline) {
		t.Errorf("after applying, %s's deadline %s; want it after %s", e.c1, moved, e.deadline)
	}
	var told int
	e.st.Pool().QueryRow(t.Context(), `SELECT count(*) FROM reminders WHERE kind LIKE 'rescheduled%' AND unit_code = $1`, e.c1).Scan(&told) //nolint:errcheck
	if told != 1 {
		t.Errorf("%s told %d times of its new deadline, want once", e.c1, told)
	}

	// Removing the day, from the list: previewed, the deadline back.
	rm := post(url.Values{"action": {"preview"}, "remove_day": {dayISO}})
	if rm.code != http.StatusOK || !strings.Contains(rm.body, "Bỏ 1 ngày") || !strings.Contains(rm.body, `name="remove_day" value="`+dayISO+`"`) {
		t.Errorf("preview of the removal: %d %s", rm.code, excerpt(rm.body, "preview"))
	}

	for _, bad := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"action": {"preview"}, "set_day": {"2026-02-30"}, "set_name": {"x"}}, "không đúng dạng"},
		{url.Values{"action": {"preview"}, "set_day": {dayISO}, "set_name": {" "}}, "Xin nhập tên"},
		{url.Values{"action": {"preview"}, "set_day": {dayISO}, "set_name": {"x"}, "set_kind": {"holiday"}}, "không hợp lệ"},
		{url.Values{"action": {"preview"}}, "Chưa có ngày nào"},
	} {
		if r := post(bad.form); r.code != http.StatusUnprocessableEntity || !strings.Contains(r.body, bad.want) {
			t.Errorf("%v: %d, want 422 saying %q", bad.form, r.code, bad.want)
		}
	}

	// A CSV file: previewed; a broken one says why.
	csv := "day,name,kind\n" + dayISO + ",Nghỉ theo tệp,off\n"
	mb, ct := multipartBody(t, "lich.csv", []byte(csv))
	w = e.do(t, request{method: http.MethodPost, target: "/admin/holidays", cookie: admin, body: mb.String() + "",
		header: map[string]string{"Content-Type": ct, "Sec-Fetch-Site": "same-origin"}})
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Nghỉ theo tệp") {
		t.Errorf("a CSV file: %d %s", w.Code, excerpt(w.Body.String(), "preview"))
	}
	mb, ct = multipartBody(t, "lich.csv", []byte("ngay;ten\n01/09/2026;Quốc khánh\n"))
	w = e.do(t, request{method: http.MethodPost, target: "/admin/holidays", cookie: admin, body: mb.String(),
		header: map[string]string{"Content-Type": ct, "Sec-Fetch-Site": "same-origin"}})
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "Tệp lịch không đọc được: Dòng đầu của tệp lịch là") {
		t.Errorf("a broken CSV: %d %s", w.Code, excerpt(w.Body.String(), "alert"))
	}

	for _, who := range []string{"clerk-c1", "supervisor-d1", "inspector"} {
		if w := e.do(t, request{method: http.MethodGet, target: "/admin/holidays", cookie: e.token(t, who)}); w.Code != http.StatusForbidden {
			t.Errorf("%s GET: %d, want 403", who, w.Code)
		}
		w := e.do(t, request{method: http.MethodPost, target: "/admin/holidays", cookie: e.token(t, who), body: add.Encode(),
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}})
		if w.Code != http.StatusForbidden {
			t.Errorf("%s changes the calendar: %d, want 403", who, w.Code)
		}
	}
}

// httptestResponse is what a test reads of an answer.
type httptestResponse struct {
	code           int
	body, location string
}

func wrap(w *httptest.ResponseRecorder) *httptestResponse {
	return &httptestResponse{code: w.Code, body: w.Body.String(), location: w.Header().Get("Location")}
}

// excerpt is body from the first mention of near on (or its start), cut
// short for a failure message.
func excerpt(body, near string) string {
	if i := strings.Index(body, near); i >= 0 {
		body = body[i:]
	}
	if len(body) > 1500 {
		body = body[:1500] + "…"
	}
	return body
}

// TestLockExceptionFromThePeriodPage: after the lock, the period page's
// extension form lets an administrator give one unit a deadline past the
// lock (the page says so), which its clerk's unit page then shows open;
// an inspector sending the same is refused.
func TestLockExceptionFromThePeriodPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	var locksAt time.Time
	if err := e.st.Pool().QueryRow(t.Context(), `SELECT locks_at FROM periods WHERE id = $1`, e.periodID).Scan(&locksAt); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(locksAt.Add(24 * time.Hour))
	until := locksAt.Add(10 * 24 * time.Hour).In(hcm)
	form := url.Values{"units": {e.c1}, "deadline": {until.Format("02/01/2006")}, "reason": {"Quyết định mở khóa sổ cho phường bị lũ"}}
	target := fmt.Sprintf("/periods/%d/extend", e.periodID)
	admin := e.token(t, "admin")
	if w := e.do(t, request{method: http.MethodGet, target: fmt.Sprintf("/periods/%d", e.periodID), cookie: admin}); !strings.Contains(w.Body.String(), "được mở khóa để nộp") {
		t.Errorf("the period page does not tell the administrator of lock exceptions: %d", w.Code)
	}
	w := e.do(t, formPost(target, e.token(t, "inspector"), form))
	if w.Code != http.StatusForbidden && !strings.Contains(flashOf(w), "khóa sổ") {
		t.Errorf("an inspector's exception: %d, flash %q; want refused", w.Code, flashOf(w))
	}
	w = e.do(t, formPost(target, admin, form))
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(flashOf(w), "success|") {
		t.Fatalf("the administrator's exception: %d, flash %q", w.Code, flashOf(w))
	}
	page := e.do(t, request{method: http.MethodGet, target: fmt.Sprintf("/units/%s/periods/%d", e.c1, e.periodID), cookie: e.token(t, "clerk-c1")})
	if page.Code != http.StatusOK || !strings.Contains(page.Body.String(), `name="file"`) {
		t.Errorf("the clerk's page under the exception offers no upload: %d", page.Code)
	}
	other := e.do(t, request{method: http.MethodGet, target: fmt.Sprintf("/units/%s/periods/%d", e.c2, e.periodID), cookie: e.token(t, "clerk-c2")})
	if other.Code != http.StatusOK || strings.Contains(other.Body.String(), `name="file"`) {
		t.Errorf("another unit's page after the lock: %d, upload offered: %v", other.Code, strings.Contains(other.Body.String(), `name="file"`))
	}
}
