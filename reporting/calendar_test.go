package reporting_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"baocao/reporting"
)

// calDate parses a civil date written 2026-02-17.
func calDate(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// calDays expands "2026-02-14..2026-02-22" ranges and single dates.
func calDays(specs ...string) []time.Time {
	var out []time.Time
	for _, s := range specs {
		from, to, isRange := strings.Cut(s, "..")
		if !isRange {
			to = from
		}
		for d := calDate(from); !d.After(calDate(to)); d = d.AddDate(0, 0, 1) {
			out = append(out, d)
		}
	}
	return out
}

// calTestHolidays is a hand-written excerpt of the official days off, so
// these tests do not depend on the shipped CSV.
var calTestHolidays = calDays(
	"2026-01-01", "2026-01-02",
	"2026-02-14..2026-02-22", // Tết Bính Ngọ
	"2026-04-27", "2026-04-30", "2026-05-01",
	"2026-08-31..2026-09-02",
	"2027-01-01",
	"2027-02-05..2027-02-11", // Tết Đinh Mùi with the days in lieu
)

func TestCalendarIsWorkingDay(t *testing.T) {
	t.Parallel()
	cal := reporting.NewCalendar(calTestHolidays)
	hcm, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		cal  reporting.Calendar
		day  time.Time
		want bool
	}{
		{"friday before Tết", cal, calDate("2026-02-13"), true},
		{"saturday", cal, calDate("2026-02-07"), false},
		{"sunday", cal, calDate("2026-02-08"), false},
		{"Tết on a monday", cal, calDate("2026-02-16"), false},
		{"first day back after Tết", cal, calDate("2026-02-23"), true},
		{"swapped day off", cal, calDate("2026-01-02"), false},
		{"zero calendar knows no holiday", reporting.Calendar{}, calDate("2026-02-16"), true},
		{"zero calendar knows weekends", reporting.Calendar{}, calDate("2026-02-15"), false},
		// Only the date counts, in the value's own location.
		{"late evening of a holiday, local", cal, time.Date(2026, 9, 2, 23, 30, 0, 0, hcm), false},
		{"morning after a holiday, local", cal, time.Date(2026, 9, 3, 0, 30, 0, 0, hcm), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.cal.IsWorkingDay(tt.day); got != tt.want {
				t.Errorf("IsWorkingDay(%s) = %v, want %v", tt.day.Format(time.DateOnly), got, tt.want)
			}
		})
	}
}

func TestCalendarAddWorkingDays(t *testing.T) {
	t.Parallel()
	cal := reporting.NewCalendar(calTestHolidays)
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2026-01-07", 1, "2026-01-08"}, // Wed → Thu
		{"2026-01-09", 1, "2026-01-12"}, // Fri → Mon
		{"2026-01-10", 1, "2026-01-12"}, // Sat → Mon
		{"2025-12-31", 1, "2026-01-05"}, // over 1/1, the swapped 2/1 and a weekend
		{"2026-02-12", 1, "2026-02-13"},
		{"2026-02-12", 2, "2026-02-23"}, // over the whole Tết break
		{"2026-02-14", 1, "2026-02-23"}, // from inside Tết
		{"2027-01-31", 5, "2027-02-12"}, // 1–4 Feb, then Tết Đinh Mùi 5–11 Feb
		{"2026-03-17", 0, "2026-03-17"}, // n < 1 is the day itself
	}
	for _, tt := range tests {
		if got := cal.AddWorkingDays(calDate(tt.from), tt.n); !got.Equal(calDate(tt.want)) {
			t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", tt.from, tt.n, got.Format(time.DateOnly), tt.want)
		}
	}
}

func TestCalendarNextWorkingDay(t *testing.T) {
	t.Parallel()
	cal := reporting.NewCalendar(calTestHolidays)
	tests := []struct{ from, want string }{
		{"2026-03-17", "2026-03-17"}, // a working day is itself
		{"2026-02-14", "2026-02-23"}, // Tết
		{"2027-02-28", "2027-03-01"}, // Sunday
		{"2026-04-25", "2026-04-28"}, // weekend, then the day in lieu of Giỗ Tổ
		{"2026-12-31", "2026-12-31"},
	}
	for _, tt := range tests {
		if got := cal.NextWorkingDay(calDate(tt.from)); !got.Equal(calDate(tt.want)) {
			t.Errorf("NextWorkingDay(%s) = %s, want %s", tt.from, got.Format(time.DateOnly), tt.want)
		}
	}
}

func TestParseHolidaysCSV(t *testing.T) {
	t.Parallel()
	// A byte-order mark as spreadsheets write it, rows out of order.
	in := "\uFEFFday,name\n2026-02-17,Tết Nguyên đán Bính Ngọ\n2026-01-01,Tết Dương lịch\n"
	got, err := reporting.ParseHolidaysCSV(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []reporting.Holiday{
		{Day: reporting.Day(2026, time.January, 1), Name: "Tết Dương lịch"},
		{Day: reporting.Day(2026, time.February, 17), Name: "Tết Nguyên đán Bính Ngọ"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d holidays, want %d: %v", len(got), len(want), got)
	}
	for i := range want {
		if !got[i].Day.Equal(want[i].Day) || got[i].Name != want[i].Name {
			t.Errorf("holiday %d = %v %q, want %v %q", i, got[i].Day, got[i].Name, want[i].Day, want[i].Name)
		}
	}
}

func TestParseHolidaysCSVErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"empty", "", "Tệp lịch trống"},
		{"wrong header", "date,name\n2026-01-01,x\n", `Dòng đầu của tệp lịch là "date,name"; phải là day,name`},
		{"bad date", "day,name\n2026-01-01,a\n2026-02-30,b\n", `Dòng 3 của tệp lịch: ngày "2026-02-30" không đúng dạng`},
		{"day-first date", "day,name\n01/01/2026,a\n", `Dòng 2 của tệp lịch: ngày "01/01/2026" không đúng dạng`},
		{"no name", "day,name\n2026-01-01,a\n2026-01-02, \n", "Dòng 3 của tệp lịch: ngày 2026-01-02 chưa có tên"},
		{"twice", "day,name\n2026-01-01,a\n2026-02-17,b\n2026-01-01,c\n", "Dòng 4 của tệp lịch: ngày 2026-01-01 đã có ở dòng 2"},
		{"extra column", "day,name\n2026-01-01,a,b\n", "Dòng 2 của tệp lịch có 3 cột; phải có 2 cột"},
		{"unknown kind", "day,name,kind\n2026-01-10,a,holiday\n", `Dòng 2 của tệp lịch: loại "holiday" không hợp lệ`},
		{"working weekday", "day,name,kind\n2026-01-09,a,working\n", "Dòng 2 của tệp lịch: 2026-01-09 là thứ Sáu, vốn đã là ngày làm việc"},
		{"wrong third column", "day,name,type\n2026-01-10,a,off\n", "phải là day,name hoặc day,name,kind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := reporting.ParseHolidaysCSV(strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestShippedHolidaysCSV checks the demo's holidays against the official
// days off, written out by hand.
func TestShippedHolidaysCSV(t *testing.T) {
	t.Parallel()
	f, err := os.Open("../templates/calendar/vn-2024-2027.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	hs, err := reporting.ParseHolidaysCSV(f)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	var worked []string
	for _, h := range hs {
		if h.Kind == reporting.DayWorking {
			worked = append(worked, h.Day.Format(time.DateOnly))
			continue
		}
		got[h.Day.Format(time.DateOnly)] = h.Name
	}
	// The Saturdays worked in exchange for the days swapped off (the
	// Government's notices of each year).
	if want := "[2024-05-04 2025-04-26 2026-01-10 2026-08-22]"; fmt.Sprint(worked) != want {
		t.Errorf("make-up working days %v, want %s", worked, want)
	}
	want := calDays(
		"2024-01-01", "2024-02-08..2024-02-14", "2024-04-18", "2024-04-29..2024-05-01", "2024-09-02..2024-09-03",
		"2025-01-01", "2025-01-25..2025-02-02", "2025-04-07", "2025-04-30..2025-05-02", "2025-09-01..2025-09-02",
		"2026-01-01..2026-01-02", "2026-02-14..2026-02-22", "2026-04-26..2026-04-27", "2026-04-30..2026-05-01", "2026-08-31..2026-09-02",
		"2027-01-01", "2027-02-05..2027-02-11", "2027-04-16", "2027-04-30..2027-05-01", "2027-05-03", "2027-09-02..2027-09-03",
	)
	for _, d := range want {
		if _, ok := got[d.Format(time.DateOnly)]; !ok {
			t.Errorf("%s missing", d.Format(time.DateOnly))
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d days off listed, want %d", len(got), len(want))
	}
	for _, d := range calDays("2026-02-14..2026-02-22") {
		if name := got[d.Format(time.DateOnly)]; !strings.Contains(name, "Tết Nguyên đán") {
			t.Errorf("%s is %q, want Tết Nguyên đán", d.Format(time.DateOnly), name)
		}
	}
	cal := reporting.CalendarOf(hs)
	if cal.IsWorkingDay(calDate("2026-02-17")) || !cal.IsWorkingDay(calDate("2026-02-23")) {
		t.Error("the shipped calendar does not close 17/2/2026 (Tết) and reopen on 23/2/2026")
	}
	// Saturday 10/01/2026 is worked: one working day after Friday 9/1 is
	// that Saturday, not Monday 12/1; an ordinary Saturday stays off.
	if got := cal.AddWorkingDays(calDate("2026-01-09"), 1); !got.Equal(calDate("2026-01-10")) {
		t.Errorf("one working day after 09/01/2026 = %s, want the make-up Saturday 10/01/2026", got.Format(time.DateOnly))
	}
	if cal.IsWorkingDay(calDate("2026-01-17")) {
		t.Error("an ordinary Saturday, 17/01/2026, is a working day")
	}
}
