package web

// The administrator's calendar page: a year of days off and make-up
// working days; adding, removing and importing days, each change shown
// with the deadlines it would move before it is applied.

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"baocao/ops"
	"baocao/reporting"
	"baocao/web/ui"
)

const (
	msgCalendarApplied = "Đã lưu lịch: %d ngày thay đổi; %d hạn nộp được dời; %d đơn vị được báo qua thư."
	msgCalendarBadDay  = "Ngày “%s” không đúng dạng (năm-tháng-ngày, ví dụ 2026-09-01)."
	msgCalendarNoName  = "Xin nhập tên của ngày %s (ví dụ: Nghỉ bù Quốc khánh)."
	msgCalendarLong    = "Tên của ngày %s dài quá 200 ký tự."
	msgCalendarBadKind = "Loại ngày “%s” không hợp lệ: chọn “Ngày nghỉ” hoặc “Ngày làm bù”."
	msgCalendarNoDays  = "Chưa có ngày nào để thay đổi."
	msgCalendarBadFile = "Tệp lịch không đọc được: %s"
	msgCalendarYear    = "Năm “%s” không hợp lệ."
)

var weekdayWords = [...]string{"Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"}

// handleAdminCalendar shows a year (?year=, this year by default).
func (s *Server) handleAdminCalendar(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	year, err := s.calendarYear(r.URL.Query().Get("year"))
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.calendarPage(w, r, u, year, ui.CalendarPage{}, http.StatusOK)
}

func (s *Server) calendarYear(v string) (int, error) {
	if v == "" {
		return s.now().In(s.opts.Ops.Location()).Year(), nil
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < 2000 || y > 2100 {
		return 0, reporting.Errorf(reporting.EINVALID, msgCalendarYear, v)
	}
	return y, nil
}

// calendarPage renders year into p (which may carry a preview or an
// error) with status.
func (s *Server) calendarPage(w http.ResponseWriter, r *http.Request, u reporting.User, year int, p ui.CalendarPage, status int) {
	days, err := s.opts.Ops.CalendarDays(r.Context(), u, reporting.Day(year, time.January, 1), reporting.Day(year, time.December, 31))
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	p.Year, p.PrevYear, p.NextYear = year, year-1, year+1
	special := map[time.Time]reporting.Holiday{}
	for _, h := range days {
		special[reporting.Day(h.Day.Date())] = h
		p.Days = append(p.Days, dayRow(h))
	}
	for m := time.January; m <= time.December; m++ {
		p.Months = append(p.Months, monthGrid(year, m, special))
	}
	kind := reporting.DayOff
	if len(p.KindOptions) == 0 {
		p.KindOptions = kindOptions(kind)
	}
	s.pageWithStatus(w, r, status, "admin-holidays", fmt.Sprintf("Lịch làm việc năm %d", year), "admin-holidays", p)
}

func kindOptions(selected reporting.DayKind) []ui.Option {
	return []ui.Option{
		{Value: string(reporting.DayOff), Label: "Ngày nghỉ", Selected: selected != reporting.DayWorking},
		{Value: string(reporting.DayWorking), Label: "Ngày làm bù (cuối tuần đi làm)", Selected: selected == reporting.DayWorking},
	}
}

func dayRow(h reporting.Holiday) ui.CalendarDayRow {
	d := reporting.Day(h.Day.Date())
	kind := "Ngày nghỉ"
	if h.Kind == reporting.DayWorking {
		kind = "Ngày làm bù"
	}
	return ui.CalendarDayRow{Day: d, Weekday: weekdayWords[d.Weekday()], Name: h.Name, Kind: kind,
		Off: h.Kind != reporting.DayWorking, Value: d.Format(time.DateOnly)}
}

// monthGrid draws month m of year as weeks, Monday first.
func monthGrid(year int, m time.Month, special map[time.Time]reporting.Holiday) ui.CalendarMonth {
	out := ui.CalendarMonth{Name: fmt.Sprintf("Tháng %d", m)}
	first := reporting.Day(year, m, 1)
	week := make([]ui.CalendarCell, (int(first.Weekday())+6)%7)
	for d := first; d.Month() == m; d = d.AddDate(0, 0, 1) {
		c := ui.CalendarCell{Day: d.Day()}
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			c.Class = "weekend"
		}
		if h, ok := special[d]; ok {
			c.Title = h.Name
			c.Class = "off"
			if h.Kind == reporting.DayWorking {
				c.Class = "working"
			}
		}
		week = append(week, c)
		if len(week) == 7 {
			out.Weeks = append(out.Weeks, week)
			week = nil
		}
	}
	if len(week) > 0 {
		for len(week) < 7 {
			week = append(week, ui.CalendarCell{})
		}
		out.Weeks = append(out.Weeks, week)
	}
	return out
}

// handleAdminCalendarChange previews (action=preview) or applies
// (action=apply) a change: the days set_day/set_name/set_kind and
// remove_day of the form, or the days of a CSV file sent as "file".
func (s *Server) handleAdminCalendarChange(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedInAdmin(w, r)
	if !ok {
		return
	}
	var (
		fields    map[string][]string
		fileDays  []reporting.Holiday
		fileError string
	)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		up, ok := s.readFormUpload(w, r)
		if !ok {
			return
		}
		defer up.close()
		fields = up.fields
		if up.file != nil {
			var err error
			if fileDays, err = reporting.ParseHolidaysCSV(up.body()); err != nil {
				fileError = fmt.Sprintf(msgCalendarBadFile, reporting.ErrorMessage(err))
			}
		}
	} else {
		if err := r.ParseForm(); err != nil {
			s.pageError(w, r, reporting.Errorf(reporting.EINVALID, "%s", msgBadForm))
			return
		}
		fields = r.PostForm
	}
	year, err := s.calendarYear(first(fields["year"]))
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	p := ui.CalendarPage{AddDay: first(fields["set_day"]), AddName: first(fields["set_name"]),
		KindOptions: kindOptions(reporting.DayKind(first(fields["set_kind"])))}
	if fileError != "" {
		p.Error = fileError
		s.calendarPage(w, r, u, year, p, http.StatusUnprocessableEntity)
		return
	}
	ch, err := calendarChange(fields, fileDays)
	if err != nil {
		p.Error = reporting.ErrorMessage(err)
		s.calendarPage(w, r, u, year, p, http.StatusUnprocessableEntity)
		return
	}
	apply := first(fields["action"]) == "apply"
	res, err := s.opts.Ops.ApplyCalendar(r.Context(), u, s.now(), ch, !apply)
	if err != nil {
		if reporting.ErrorCode(err) == reporting.EINVALID {
			p.Error = reporting.ErrorMessage(err)
			s.calendarPage(w, r, u, year, p, http.StatusUnprocessableEntity)
			return
		}
		s.pageError(w, r, err)
		return
	}
	if apply {
		redirectFlash(w, r, fmt.Sprintf("/admin/holidays?year=%d", year), ui.FlashSuccess, fmt.Sprintf(msgCalendarApplied, res.Days, res.Moved, res.Announced))
		return
	}
	p.Preview = calendarPreview(ch, res)
	p.AddDay, p.AddName = "", ""
	s.calendarPage(w, r, u, year, p, http.StatusOK)
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return strings.TrimSpace(v[0])
}

// calendarChange reads the change from the form's fields (set_day,
// set_name and set_kind in step; remove_day) and the days of a file.
func calendarChange(fields map[string][]string, fileDays []reporting.Holiday) (ops.CalendarChange, error) {
	ch := ops.CalendarChange{Set: fileDays}
	days, names, kinds := fields["set_day"], fields["set_name"], fields["set_kind"]
	for i, d := range days {
		d = strings.TrimSpace(d)
		day, err := time.Parse(time.DateOnly, d)
		if err != nil {
			return ch, reporting.Errorf(reporting.EINVALID, msgCalendarBadDay, d)
		}
		name, kind := "", reporting.DayOff
		if i < len(names) {
			name = strings.TrimSpace(names[i])
		}
		if i < len(kinds) && kinds[i] != "" {
			kind = reporting.DayKind(kinds[i])
		}
		switch {
		case name == "":
			return ch, reporting.Errorf(reporting.EINVALID, msgCalendarNoName, reporting.FormatDate(day))
		case utf8.RuneCountInString(name) > 200:
			return ch, reporting.Errorf(reporting.EINVALID, msgCalendarLong, reporting.FormatDate(day))
		case kind != reporting.DayOff && kind != reporting.DayWorking:
			return ch, reporting.Errorf(reporting.EINVALID, msgCalendarBadKind, kind)
		}
		ch.Set = append(ch.Set, reporting.Holiday{Day: reporting.Day(day.Date()), Name: name, Kind: kind})
	}
	for _, d := range fields["remove_day"] {
		day, err := time.Parse(time.DateOnly, strings.TrimSpace(d))
		if err != nil {
			return ch, reporting.Errorf(reporting.EINVALID, msgCalendarBadDay, d)
		}
		ch.Remove = append(ch.Remove, reporting.Day(day.Date()))
	}
	if len(ch.Set) == 0 && len(ch.Remove) == 0 {
		return ch, reporting.Errorf(reporting.EINVALID, msgCalendarNoDays)
	}
	return ch, nil
}

// calendarPreview shows change ch and what it would do, with the fields
// that apply it.
func calendarPreview(ch ops.CalendarChange, res ops.CalendarResult) *ui.CalendarPreview {
	pv := &ui.CalendarPreview{Days: res.Days, Moves: res.Moves}
	for _, h := range ch.Set {
		pv.Set = append(pv.Set, dayRow(h))
		pv.Hidden = append(pv.Hidden, ui.Field{Name: "set_day", Value: reporting.Day(h.Day.Date()).Format(time.DateOnly)},
			ui.Field{Name: "set_name", Value: h.Name}, ui.Field{Name: "set_kind", Value: string(h.Kind)})
	}
	for _, d := range ch.Remove {
		pv.Remove = append(pv.Remove, ui.CalendarDayRow{Day: d, Weekday: weekdayWords[d.Weekday()], Value: d.Format(time.DateOnly)})
		pv.Hidden = append(pv.Hidden, ui.Field{Name: "remove_day", Value: d.Format(time.DateOnly)})
	}
	for _, m := range res.Moves {
		if m.Told {
			pv.Told++
		}
	}
	return pv
}
