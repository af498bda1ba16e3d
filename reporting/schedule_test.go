package reporting_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"baocao/reporting"
)

func TestScheduleValidate(t *testing.T) {
	t.Parallel()
	valid := func(edit func(s *reporting.Schedule)) reporting.Schedule {
		s := reporting.Schedule{
			Periodicity: reporting.HalfYear,
			Since:       "2024-01-01",
			Deadline:    reporting.DeadlineRule{AfterCutoffWorkingDays: 2},
		}
		edit(&s)
		return s
	}
	ok := []struct {
		name string
		s    reporting.Schedule
	}{
		{"decree 09 defaults", valid(func(*reporting.Schedule) {})},
		{"everything set", valid(func(s *reporting.Schedule) {
			s.Cutoff = reporting.CutoffCalendar
			s.OpenBeforeCutoff = 10
			s.DeadlineByKind = map[reporting.UnitKind]reporting.DeadlineRule{
				reporting.KindDistrictPC: {AfterCutoffWorkingDays: 4},
				reporting.KindAgency:     {FixedDay: 5, MonthOffset: 1},
			}
			s.Reminders = []reporting.Days{-7, -1, 1, 7}
			s.LockAfter = 45
		})},
		{"fixed day after the 14th in the cut-off month", valid(func(s *reporting.Schedule) {
			s.Deadline = reporting.DeadlineRule{FixedDay: 15}
		})},
		{"fixed day 31 next month", valid(func(s *reporting.Schedule) {
			s.Deadline = reporting.DeadlineRule{FixedDay: 31, MonthOffset: 1}
		})},
		{"no reminders at all", valid(func(s *reporting.Schedule) { s.Reminders = []reporting.Days{} })},
		{"ad hoc needs neither since nor deadline", reporting.Schedule{Periodicity: reporting.AdHoc}},
	}
	for _, tt := range ok {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := tt.s.Validate(); err != nil {
				t.Fatalf("Validate() = %v, want nil", err)
			}
		})
	}

	bad := []struct {
		name string
		s    reporting.Schedule
		want string // the whole message: one defect, one error
	}{
		{"no periodicity", valid(func(s *reporting.Schedule) { s.Periodicity = "" }),
			"schedule.periodicity: required (monthly, quarterly, half_year, nine_months, annual or adhoc)"},
		{"unknown periodicity", valid(func(s *reporting.Schedule) { s.Periodicity = "weekly" }),
			`schedule.periodicity: unknown "weekly" (want monthly, quarterly, half_year, nine_months, annual or adhoc)`},
		{"unknown cutoff", valid(func(s *reporting.Schedule) { s.Cutoff = "fiscal" }),
			`schedule.cutoff: unknown "fiscal" (want decree09 or calendar)`},
		{"no since", valid(func(s *reporting.Schedule) { s.Since = "" }),
			"schedule.since: required: the first day whose periods are opened, like 2026-01-01"},
		{"since not a date", valid(func(s *reporting.Schedule) { s.Since = "2024-13-01" }),
			`schedule.since: "2024-13-01" is not a date like 2026-01-01`},
		{"since day first", valid(func(s *reporting.Schedule) { s.Since = "01/01/2024" }),
			`schedule.since: "01/01/2024" is not a date like 2026-01-01`},
		{"both deadline rules", valid(func(s *reporting.Schedule) {
			s.Deadline = reporting.DeadlineRule{AfterCutoffWorkingDays: 2, FixedDay: 20}
		}), "schedule.deadline: set after_cutoff_working_days or fixed_day, not both"},
		{"no deadline rule", valid(func(s *reporting.Schedule) { s.Deadline = reporting.DeadlineRule{} }),
			"schedule.deadline: set after_cutoff_working_days or fixed_day"},
		{"deadline before the cut-off", valid(func(s *reporting.Schedule) {
			s.Deadline = reporting.DeadlineRule{AfterCutoffWorkingDays: -1}
		}), "schedule.deadline: after_cutoff_working_days is -1, want at least 1 (Decree 09/2019: at least one working day after the cut-off)"},
		{"month offset with working days", valid(func(s *reporting.Schedule) {
			s.Deadline = reporting.DeadlineRule{AfterCutoffWorkingDays: 2, MonthOffset: 1}
		}), "schedule.deadline: month_offset goes with fixed_day only"},
		{"fixed day 32", valid(func(s *reporting.Schedule) {
			s.Deadline = reporting.DeadlineRule{FixedDay: 32, MonthOffset: 1}
		}), "schedule.deadline: fixed_day is 32, want 1..31"},
		{"negative fixed day", valid(func(s *reporting.Schedule) {
			s.Deadline = reporting.DeadlineRule{FixedDay: -3, MonthOffset: 1}
		}), "schedule.deadline: fixed_day is -3, want 1..31"},
		{"month offset 13", valid(func(s *reporting.Schedule) {
			s.Deadline = reporting.DeadlineRule{FixedDay: 5, MonthOffset: 13}
		}), "schedule.deadline: month_offset is 13, want 0..12"},
		{"fixed day on the cut-off day", valid(func(s *reporting.Schedule) {
			s.Deadline = reporting.DeadlineRule{FixedDay: 14}
		}), "schedule.deadline: fixed_day 14 with month_offset 0 is not after the cut-off day (the 14th); use a later day or month_offset: 1"},
		{"fixed day inside a calendar period", valid(func(s *reporting.Schedule) {
			s.Cutoff = reporting.CutoffCalendar
			s.Deadline = reporting.DeadlineRule{FixedDay: 20}
		}), "schedule.deadline: fixed_day 20 with month_offset 0 falls inside the period under cutoff calendar; set month_offset: 1"},
		{"unknown unit kind", valid(func(s *reporting.Schedule) {
			s.DeadlineByKind = map[reporting.UnitKind]reporting.DeadlineRule{"ward": {AfterCutoffWorkingDays: 3}}
		}), `schedule.deadline_by_kind.ward: unknown unit kind "ward" (want one of province, agency, psu, district_pc, commune_pc)`},
		{"bad rule for a kind", valid(func(s *reporting.Schedule) {
			s.DeadlineByKind = map[reporting.UnitKind]reporting.DeadlineRule{
				reporting.KindDistrictPC: {AfterCutoffWorkingDays: 4, FixedDay: 20},
			}
		}), "schedule.deadline_by_kind.district_pc: set after_cutoff_working_days or fixed_day, not both"},
		{"negative lock_after", valid(func(s *reporting.Schedule) { s.LockAfter = -1 }),
			"schedule.lock_after: -1d is negative"},
		{"negative open_before_cutoff", valid(func(s *reporting.Schedule) { s.OpenBeforeCutoff = -5 }),
			"schedule.open_before_cutoff: -5d is negative"},
		{"reminder on the deadline day", valid(func(s *reporting.Schedule) { s.Reminders = []reporting.Days{-1, 0} }),
			"schedule.reminders[1]: 0d is the deadline day itself; use -1d (the day before) or +1d (the day after)"},
		{"reminder twice", valid(func(s *reporting.Schedule) { s.Reminders = []reporting.Days{-7, 1, -7} }),
			"schedule.reminders[2]: -7d is listed twice"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.s.Validate()
			if err == nil {
				t.Fatalf("Validate() = nil, want %q", tt.want)
			}
			if err.Error() != tt.want {
				t.Fatalf("Validate() =\n\t%v\nwant\n\t%s", err, tt.want)
			}
		})
	}
}

func TestScheduleValidateReportsEveryProblem(t *testing.T) {
	t.Parallel()
	err := reporting.Schedule{Periodicity: reporting.Monthly, LockAfter: -1}.Validate()
	if err == nil {
		t.Fatal("Validate() = nil")
	}
	for _, key := range []string{"schedule.since:", "schedule.deadline:", "schedule.lock_after:"} {
		if !strings.Contains(err.Error(), key) {
			t.Errorf("error %q does not name %s", err, key)
		}
	}
}

func TestScheduleWithDefaults(t *testing.T) {
	t.Parallel()
	got := reporting.Schedule{Periodicity: reporting.Quarterly}.WithDefaults()
	if got.Cutoff != reporting.CutoffDecree09 {
		t.Errorf("cutoff %q, want decree09", got.Cutoff)
	}
	if !slices.Equal(got.Reminders, []reporting.Days{-7, -1, 1, 7}) {
		t.Errorf("reminders %v, want [-7 -1 1 7]", got.Reminders)
	}
	if got.LockAfter != 30 {
		t.Errorf("lock_after %d, want 30", got.LockAfter)
	}
	// The defaults are copied, not shared.
	got.Reminders[0] = -99
	if reporting.DefaultReminders[0] != -7 {
		t.Error("changing a schedule's reminders changed DefaultReminders")
	}

	set := reporting.Schedule{Cutoff: reporting.CutoffCalendar, Reminders: []reporting.Days{}, LockAfter: 5}.WithDefaults()
	if set.Cutoff != reporting.CutoffCalendar || set.Reminders == nil || len(set.Reminders) != 0 || set.LockAfter != 5 {
		t.Errorf("explicit settings overridden: %+v", set)
	}
}

// An explicit empty reminder list must survive the JSON the definition is
// stored as, or a form that wants no reminders would get the defaults back.
func TestScheduleNoRemindersSurvivesJSON(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(reporting.Schedule{Periodicity: reporting.Annual, Reminders: []reporting.Days{}})
	if err != nil {
		t.Fatal(err)
	}
	var back reporting.Schedule
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Reminders == nil {
		t.Fatalf("reminders [] came back nil from %s", b)
	}
	if n := len(back.WithDefaults().Reminders); n != 0 {
		t.Fatalf("%d reminders after defaults, want 0", n)
	}
}
