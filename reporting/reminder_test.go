package reporting_test

import (
	"testing"
	"time"

	"baocao/reporting"
)

func TestDueReminderPicksTheLatestReminderThatStillMakesSense(t *testing.T) {
	t.Parallel()
	hcm, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	// Communes' deadline for the first half of 2026: end of Tuesday 16/6.
	deadline := reporting.EndOfDay(reporting.Day(2026, time.June, 16), hcm)
	at := func(day, hour, minute int) time.Time { return time.Date(2026, time.June, day, hour, minute, 0, 0, hcm) }
	dflt := reporting.Schedule{Periodicity: reporting.HalfYear}
	afterOnly := reporting.Schedule{Periodicity: reporting.HalfYear, Reminders: []reporting.Days{3}}
	none := reporting.Schedule{Periodicity: reporting.HalfYear, Reminders: []reporting.Days{}}

	tests := []struct {
		name string
		s    reporting.Schedule
		now  time.Time
		want string // "" for none
	}{
		{"eight days before", dflt, at(8, 12, 0), ""},
		{"just before the first reminder", dflt, at(9, 7, 59), ""},
		{"first reminder's moment, 08:00 a week before", dflt, at(9, 8, 0), "due_in_7d"},
		{"later that week", dflt, at(13, 17, 0), "due_in_7d"},
		{"the day before", dflt, at(15, 8, 0), "due_in_1d"},
		{"the deadline's evening", dflt, at(16, 23, 0), "due_in_1d"},
		{"after the deadline, before the overdue reminder: the due-in one is stale", dflt, at(17, 0, 30), ""},
		{"the morning after", dflt, at(17, 8, 0), "overdue_1d"},
		{"a week after", dflt, at(23, 8, 0), "overdue_7d"},
		{"back after a month of downtime: only the last", dflt, at(30, 8, 0) /* 30 June */, "overdue_7d"},
		{"back from downtime after the deadline: no due-in", dflt, at(17, 7, 0), ""},
		{"only an overdue reminder, not yet", afterOnly, at(18, 8, 0), ""},
		{"only an overdue reminder, due", afterOnly, at(19, 8, 0), "overdue_3d"},
		{"reminders turned off", none, at(20, 8, 0), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, ok := tt.s.DueReminder(deadline, tt.now, hcm)
			got := ""
			if ok {
				got = r.Kind
			}
			if got != tt.want {
				t.Fatalf("DueReminder at %s = %q, want %q", tt.now.Format(time.DateTime), got, tt.want)
			}
			if ok && r.At.After(tt.now) {
				t.Fatalf("reminder at %s is in the future of %s", r.At, tt.now)
			}
		})
	}
}

func TestManualReminderKindIsTheLocalDay(t *testing.T) {
	t.Parallel()
	hcm, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	// 18:30 UTC on 14 June is 01:30 on 15 June in Hồ Chí Minh City.
	now := time.Date(2026, time.June, 14, 18, 30, 0, 0, time.UTC)
	if got := reporting.ManualReminderKind(now, hcm); got != "manual_20260615" {
		t.Fatalf("ManualReminderKind = %q, want manual_20260615", got)
	}
}

func TestScheduleForMatchesThePeriodicity(t *testing.T) {
	t.Parallel()
	f := reporting.Form{Code: "X", Version: 2, Schedules: []reporting.Schedule{
		{Periodicity: reporting.HalfYear, Reminders: []reporting.Days{-3}},
		{Periodicity: reporting.Annual, Reminders: []reporting.Days{-9}},
	}}
	s, err := f.ScheduleFor(reporting.Annual)
	if err != nil || s.Reminders[0] != -9 {
		t.Fatalf("ScheduleFor(annual) = %+v, %v", s, err)
	}
	if _, err := f.ScheduleFor(reporting.Quarterly); err == nil {
		t.Fatal("ScheduleFor(quarterly) found a schedule the form does not have")
	}
}
