package reporting_test

import (
	"slices"
	"testing"
	"time"
	_ "time/tzdata" // the tests must not depend on the machine's zoneinfo

	"baocao/reporting"
)

// calLoc is Asia/Ho_Chi_Minh (UTC+7 all year, no daylight saving).
func calLoc(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// calEndOf is the deadline instant of day s, written out by hand:
// 23:59:59.999999 local.
func calEndOf(s string, loc *time.Location) time.Time {
	d := calDate(s)
	return time.Date(d.Year(), d.Month(), d.Day(), 23, 59, 59, 999999000, loc)
}

// calSchedule is a schedule with a two-working-day deadline, since 2020.
func calSchedule(p reporting.Periodicity, cutoff string) reporting.Schedule {
	return reporting.Schedule{
		Periodicity: p,
		Cutoff:      cutoff,
		Since:       "2020-01-01",
		Deadline:    reporting.DeadlineRule{AfterCutoffWorkingDays: 2},
	}
}

func TestPeriodWindows(t *testing.T) {
	t.Parallel()
	loc := calLoc(t)
	const d09, cal = reporting.CutoffDecree09, reporting.CutoffCalendar
	tests := []struct {
		p        reporting.Periodicity
		cutoff   string
		key      string
		from, to string
		label    string
	}{
		// Decree 09/2019 Art. 12 windows.
		{reporting.Monthly, d09, "2026-M01", "2025-12-15", "2026-01-14", "Tháng 1 năm 2026"},
		{reporting.Monthly, d09, "2026-M03", "2026-02-15", "2026-03-14", "Tháng 3 năm 2026"},
		{reporting.Monthly, d09, "2026-M12", "2026-11-15", "2026-12-14", "Tháng 12 năm 2026"},
		{reporting.Monthly, "", "2026-M07", "2026-06-15", "2026-07-14", "Tháng 7 năm 2026"}, // decree09 by default
		{reporting.Quarterly, d09, "2026-Q1", "2025-12-15", "2026-03-14", "Quý I năm 2026"},
		{reporting.Quarterly, d09, "2026-Q2", "2026-03-15", "2026-06-14", "Quý II năm 2026"},
		{reporting.Quarterly, d09, "2026-Q3", "2026-06-15", "2026-09-14", "Quý III năm 2026"},
		{reporting.Quarterly, d09, "2026-Q4", "2026-09-15", "2026-12-14", "Quý IV năm 2026"},
		{reporting.HalfYear, d09, "2026-H1", "2025-12-15", "2026-06-14", "6 tháng đầu năm 2026"},
		{reporting.HalfYear, d09, "2026-H2", "2026-06-15", "2026-12-14", "6 tháng cuối năm 2026"},
		{reporting.NineMonths, d09, "2026-9M", "2025-12-15", "2026-09-14", "9 tháng năm 2026"},
		{reporting.Annual, d09, "2026", "2025-12-15", "2026-12-14", "Năm 2026"},
		// Leap year: 29 February sits inside the Decree 09 windows.
		{reporting.Monthly, d09, "2028-M02", "2028-01-15", "2028-02-14", "Tháng 2 năm 2028"},
		{reporting.Monthly, d09, "2028-M03", "2028-02-15", "2028-03-14", "Tháng 3 năm 2028"},
		// Calendar periods.
		{reporting.Monthly, cal, "2026-M01", "2026-01-01", "2026-01-31", "Tháng 1 năm 2026"},
		{reporting.Monthly, cal, "2028-M02", "2028-02-01", "2028-02-29", "Tháng 2 năm 2028"},
		{reporting.Monthly, cal, "2027-M02", "2027-02-01", "2027-02-28", "Tháng 2 năm 2027"},
		{reporting.Monthly, cal, "2026-M04", "2026-04-01", "2026-04-30", "Tháng 4 năm 2026"},
		{reporting.Quarterly, cal, "2026-Q1", "2026-01-01", "2026-03-31", "Quý I năm 2026"},
		{reporting.Quarterly, cal, "2026-Q4", "2026-10-01", "2026-12-31", "Quý IV năm 2026"},
		{reporting.HalfYear, cal, "2026-H2", "2026-07-01", "2026-12-31", "6 tháng cuối năm 2026"},
		{reporting.NineMonths, cal, "2026-9M", "2026-01-01", "2026-09-30", "9 tháng năm 2026"},
		{reporting.Annual, cal, "2026", "2026-01-01", "2026-12-31", "Năm 2026"},
	}
	for _, tt := range tests {
		t.Run(string(tt.p)+"/"+tt.cutoff+"/"+tt.key, func(t *testing.T) {
			t.Parallel()
			p, err := calSchedule(tt.p, tt.cutoff).PeriodByKey(tt.key, loc, reporting.Calendar{})
			if err != nil {
				t.Fatal(err)
			}
			if p.Key != tt.key || p.Label != tt.label || p.Periodicity != tt.p {
				t.Errorf("key %q label %q periodicity %q, want %q %q %q", p.Key, p.Label, p.Periodicity, tt.key, tt.label, tt.p)
			}
			if !p.DataFrom.Equal(calDate(tt.from)) || !p.DataTo.Equal(calDate(tt.to)) {
				t.Errorf("window %s–%s, want %s–%s", p.DataFrom.Format(time.DateOnly), p.DataTo.Format(time.DateOnly), tt.from, tt.to)
			}
		})
	}
}

func TestPeriodDeadlines(t *testing.T) {
	t.Parallel()
	loc := calLoc(t)
	cal := reporting.NewCalendar(calTestHolidays)
	wd := func(n int) reporting.DeadlineRule { return reporting.DeadlineRule{AfterCutoffWorkingDays: n} }
	fixed := func(day, offset int) reporting.DeadlineRule {
		return reporting.DeadlineRule{FixedDay: day, MonthOffset: offset}
	}
	const d09 = reporting.CutoffDecree09
	tests := []struct {
		name   string
		p      reporting.Periodicity
		cutoff string
		rule   reporting.DeadlineRule
		key    string
		want   string // the deadline's day
	}{
		{"cut-off on a saturday", reporting.Monthly, d09, wd(2), "2026-M03", "2026-03-17"},                             // 14/3 Sat → Mon 16, Tue 17
		{"cut-off in Tết", reporting.Monthly, d09, wd(1), "2026-M02", "2026-02-23"},                                    // 14/2 is Tết → Mon 23/2
		{"three days after Tết", reporting.Monthly, d09, wd(3), "2026-M02", "2026-02-25"},                              // 23, 24, 25
		{"working days across Tết 2027", reporting.Monthly, reporting.CutoffCalendar, wd(5), "2027-M01", "2027-02-12"}, // 1–4/2, then 12/2
		{"quarter on a weekday", reporting.Quarterly, d09, wd(2), "2026-Q4", "2026-12-16"},                             // 14/12 Mon → 15, 16
		{"quarter on a saturday", reporting.Quarterly, d09, wd(1), "2026-Q1", "2026-03-16"},                            // 14/3 Sat → Mon 16
		{"half-year on a sunday", reporting.HalfYear, d09, wd(2), "2026-H1", "2026-06-16"},                             // 14/6 Sun → 15, 16
		{"nine months", reporting.NineMonths, d09, wd(2), "2026-9M", "2026-09-16"},                                     // 14/9 Mon → 15, 16
		{"year-end into New Year", reporting.Annual, reporting.CutoffCalendar, wd(1), "2026", "2027-01-04"},            // 31/12 Thu; 1/1 off; weekend
		{"fixed day on Tết", reporting.Quarterly, d09, fixed(5, 2), "2026-Q4", "2027-02-12"},                           // 5/2/2027 Tết → 12/2
		{"fixed day on Tết, monthly", reporting.Monthly, d09, fixed(5, 1), "2027-M01", "2027-02-12"},
		{"fixed day on a saturday", reporting.Monthly, d09, fixed(20, 0), "2026-M06", "2026-06-22"},       // 20/6 Sat → Mon 22
		{"fixed day 31 in leap February", reporting.Monthly, d09, fixed(31, 1), "2028-M01", "2028-02-29"}, // Tue
		{"fixed day 30 in leap February", reporting.Monthly, d09, fixed(30, 1), "2028-M01", "2028-02-29"},
		{"fixed day 29 in leap February", reporting.Monthly, d09, fixed(29, 1), "2028-M01", "2028-02-29"},
		{"fixed day 31 in February 2027", reporting.Monthly, d09, fixed(31, 1), "2027-M01", "2027-03-01"}, // 28/2 Sun → Mon 1/3
		{"fixed day 29 in February 2027", reporting.Monthly, d09, fixed(29, 1), "2027-M01", "2027-03-01"},
		// 31 → 30/4, a holiday, as is 1/5, then a weekend.
		{"fixed day 31 in April", reporting.Monthly, reporting.CutoffCalendar, fixed(31, 1), "2026-M03", "2026-05-04"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := calSchedule(tt.p, tt.cutoff)
			s.Deadline = tt.rule
			p, err := s.PeriodByKey(tt.key, loc, cal)
			if err != nil {
				t.Fatal(err)
			}
			if want := calEndOf(tt.want, loc); !p.Deadline.Equal(want) {
				t.Errorf("deadline %s, want %s", p.Deadline.In(loc), want)
			}
		})
	}
}

func TestDeadlineInstant(t *testing.T) {
	t.Parallel()
	loc := calLoc(t)
	s := calSchedule(reporting.Monthly, reporting.CutoffDecree09)
	s.Deadline = reporting.DeadlineRule{AfterCutoffWorkingDays: 1}
	p, err := s.PeriodByKey("2026-M02", loc, reporting.NewCalendar(calTestHolidays))
	if err != nil {
		t.Fatal(err)
	}
	// Day D = 23/2/2026: the deadline is 23:59:59.999999 local, which is
	// 16:59:59.999999 UTC.
	want := time.Date(2026, 2, 23, 16, 59, 59, 999999000, time.UTC)
	if !p.Deadline.Equal(want) {
		t.Fatalf("deadline %s, want %s", p.Deadline.UTC().Format(time.RFC3339Nano), want.Format(time.RFC3339Nano))
	}
	if got := p.Deadline.In(loc).Format("2006-01-02 15:04:05.999999 -07"); got != "2026-02-23 23:59:59.999999 +07" {
		t.Errorf("local deadline %s", got)
	}
	if !p.Deadline.Round(time.Microsecond).Equal(p.Deadline) {
		t.Error("deadline has sub-microsecond precision PostgreSQL would drop")
	}
	onTime := time.Date(2026, 2, 23, 23, 59, 59, 999999000, loc)
	if onTime.After(p.Deadline) {
		t.Error("an upload at 23:59:59.999999 local on D is after the deadline")
	}
	late := onTime.Add(time.Microsecond) // midnight starting 24/2
	if !late.After(p.Deadline) {
		t.Error("an upload 1µs after the deadline is not after it")
	}
	if got := reporting.DayOf(late, loc); !got.Equal(calDate("2026-02-24")) {
		t.Errorf("1µs after the deadline is on %s, want 2026-02-24", got.Format(time.DateOnly))
	}
}

func TestPeriodOpensAndLocks(t *testing.T) {
	t.Parallel()
	loc := calLoc(t)
	cal := reporting.NewCalendar(calTestHolidays)
	midnight := func(s string) time.Time {
		d := calDate(s)
		return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
	}
	tests := []struct {
		name       string
		edit       func(*reporting.Schedule)
		key        string
		opens      time.Time
		locks      time.Time
		byKind     map[reporting.UnitKind]time.Time
		kindsCheck []reporting.UnitKind
	}{
		{
			name:  "defaults: open with the window, lock 30 days after the deadline",
			key:   "2026-M03", // deadline 17/3
			opens: midnight("2026-02-15"),
			locks: calEndOf("2026-04-16", loc),
		},
		{
			name:  "open 5 days before the cut-off, lock after 7",
			edit:  func(s *reporting.Schedule) { s.OpenBeforeCutoff = 5; s.LockAfter = 7 },
			key:   "2026-M03",
			opens: midnight("2026-03-09"),
			locks: calEndOf("2026-03-24", loc),
		},
		{
			name:  "opening earlier than the window is clamped to its start",
			edit:  func(s *reporting.Schedule) { s.OpenBeforeCutoff = 40 },
			key:   "2026-M03",
			opens: midnight("2026-02-15"),
			locks: calEndOf("2026-04-16", loc),
		},
		{
			// H1 2026 cut-off Sun 14/6: communes (default) 2 working days
			// → Tue 16/6; districts 4 → Thu 18/6; agencies day 25 → Thu 25/6.
			name: "deadline per unit kind, locking after the latest",
			edit: func(s *reporting.Schedule) {
				s.Periodicity = reporting.HalfYear
				s.DeadlineByKind = map[reporting.UnitKind]reporting.DeadlineRule{
					reporting.KindDistrictPC: {AfterCutoffWorkingDays: 4},
					reporting.KindAgency:     {FixedDay: 25},
				}
			},
			key:   "2026-H1",
			opens: midnight("2025-12-15"),
			locks: calEndOf("2026-07-25", loc), // 25/6 + 30 days
			byKind: map[reporting.UnitKind]time.Time{
				reporting.KindCommunePC:  calEndOf("2026-06-16", loc),
				reporting.KindDistrictPC: calEndOf("2026-06-18", loc),
				reporting.KindAgency:     calEndOf("2026-06-25", loc),
				reporting.KindPSU:        calEndOf("2026-06-16", loc),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := calSchedule(reporting.Monthly, "")
			if tt.edit != nil {
				tt.edit(&s)
			}
			p, err := s.PeriodByKey(tt.key, loc, cal)
			if err != nil {
				t.Fatal(err)
			}
			if !p.OpensAt.Equal(tt.opens) {
				t.Errorf("opens %s, want %s", p.OpensAt.In(loc), tt.opens)
			}
			if !p.LocksAt.Equal(tt.locks) {
				t.Errorf("locks %s, want %s", p.LocksAt.In(loc), tt.locks)
			}
			for k, want := range tt.byKind {
				if got := p.DeadlineFor(k); !got.Equal(want) {
					t.Errorf("DeadlineFor(%s) = %s, want %s", k, got.In(loc), want)
				}
			}
			if len(s.DeadlineByKind) != len(p.Deadlines) {
				t.Errorf("%d deadlines by kind, want %d", len(p.Deadlines), len(s.DeadlineByKind))
			}
		})
	}
}

func TestPeriodsDue(t *testing.T) {
	t.Parallel()
	loc := calLoc(t)
	cal := reporting.NewCalendar(calTestHolidays)
	at := func(s string, hour int) time.Time {
		d := calDate(s)
		return time.Date(d.Year(), d.Month(), d.Day(), hour, 0, 0, 0, loc)
	}
	monthly := reporting.Schedule{
		Periodicity: reporting.Monthly,
		Since:       "2025-12-15",
		Deadline:    reporting.DeadlineRule{AfterCutoffWorkingDays: 2},
	}
	withOpen := func(s reporting.Schedule, p reporting.Periodicity, k reporting.Days) reporting.Schedule {
		s.Periodicity, s.OpenBeforeCutoff = p, k
		return s
	}
	tests := []struct {
		name  string
		s     reporting.Schedule
		since time.Time
		now   time.Time
		want  []string
	}{
		{
			// Down since before the first period opened: every month
			// whose window has started comes back, June's (15/5–14/6)
			// included, July's (from 15/6) not.
			name: "catch-up after months of downtime",
			s:    monthly,
			now:  at("2026-05-20", 10),
			want: []string{"2026-M01", "2026-M02", "2026-M03", "2026-M04", "2026-M05", "2026-M06"},
		},
		{
			name: "a nanosecond before July opens",
			s:    monthly,
			now:  at("2026-06-15", 0).Add(-time.Nanosecond),
			want: []string{"2026-M01", "2026-M02", "2026-M03", "2026-M04", "2026-M05", "2026-M06"},
		},
		{
			name: "the instant July opens",
			s:    monthly,
			now:  at("2026-06-15", 0),
			want: []string{"2026-M01", "2026-M02", "2026-M03", "2026-M04", "2026-M05", "2026-M06", "2026-M07"},
		},
		{
			name:  "since bounds further",
			s:     monthly,
			since: calDate("2026-03-01"), // M03's window starts 15/2, before it
			now:   at("2026-05-20", 10),
			want:  []string{"2026-M04", "2026-M05", "2026-M06"},
		},
		{
			name:  "since earlier than the schedule's changes nothing",
			s:     monthly,
			since: calDate("2020-01-01"),
			now:   at("2026-02-01", 10),
			want:  []string{"2026-M01", "2026-M02"},
		},
		{
			name: "nothing open yet",
			s:    monthly,
			now:  at("2025-12-14", 23),
		},
		{
			// Q1 2024 starts 15/12/2023, before since; Q2 2026 opens 15/3.
			name: "quarters over two years",
			s: reporting.Schedule{Periodicity: reporting.Quarterly, Since: "2024-01-01",
				Deadline: reporting.DeadlineRule{AfterCutoffWorkingDays: 2}},
			now:  at("2026-03-01", 0),
			want: []string{"2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"},
		},
		{
			// Opening 10 days before the cut-off: H1 opens 4/6, H2 4/12.
			name: "half-years opening before the cut-off",
			s:    withOpen(monthly, reporting.HalfYear, 10),
			now:  at("2026-07-01", 0),
			want: []string{"2026-H1"},
		},
		{
			name: "half-year not open a minute early",
			s:    withOpen(monthly, reporting.HalfYear, 10),
			now:  at("2026-06-04", 0).Add(-time.Minute),
		},
		{
			name: "calendar years, one opening at midnight on 1 January",
			s: reporting.Schedule{Periodicity: reporting.Annual, Cutoff: reporting.CutoffCalendar,
				Since: "2024-01-01", Deadline: reporting.DeadlineRule{FixedDay: 15, MonthOffset: 1}},
			now:  at("2026-01-01", 0),
			want: []string{"2024", "2025", "2026"},
		},
		{
			name: "nine months: one a year",
			s:    withOpen(monthly, reporting.NineMonths, 0),
			now:  at("2027-12-15", 0),
			want: []string{"2026-9M", "2027-9M", "2028-9M"},
		},
		{
			name: "ad hoc has none",
			s:    reporting.Schedule{Periodicity: reporting.AdHoc},
			now:  at("2026-05-20", 10),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			due, err := tt.s.PeriodsDue(tt.since, tt.now, loc, cal)
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			for _, p := range due {
				keys = append(keys, p.Key)
				if p.OpensAt.After(tt.now) {
					t.Errorf("%s opens at %s, after now", p.Key, p.OpensAt)
				}
			}
			if !slices.Equal(keys, tt.want) {
				t.Errorf("due %v, want %v", keys, tt.want)
			}
		})
	}
}

func TestPeriodsDueRejectsInvalidSchedule(t *testing.T) {
	t.Parallel()
	_, err := reporting.Schedule{Periodicity: reporting.Monthly}.PeriodsDue(time.Time{}, calEndOf("2026-06-01", calLoc(t)), calLoc(t), reporting.Calendar{})
	if err == nil {
		t.Fatal("PeriodsDue of a schedule without since or deadline: no error")
	}
}

func TestPeriodByKeyRejectsBadKeys(t *testing.T) {
	t.Parallel()
	loc := calLoc(t)
	tests := []struct {
		p   reporting.Periodicity
		key string
	}{
		{reporting.Monthly, "2026-M13"},
		{reporting.Monthly, "2026-M00"},
		{reporting.Monthly, "2026-M1"},
		{reporting.Monthly, "2026-Q1"},
		{reporting.Monthly, "26-M01"},
		{reporting.Quarterly, "2026-Q5"},
		{reporting.Quarterly, "2026-Q"},
		{reporting.HalfYear, "2026-H3"},
		{reporting.HalfYear, "2026-Q1"},
		{reporting.NineMonths, "2026-M09"},
		{reporting.Annual, "2026-"},
		{reporting.Annual, "-202"},
		{reporting.AdHoc, "2026"},
	}
	for _, tt := range tests {
		s := calSchedule(tt.p, "")
		if tt.p == reporting.AdHoc {
			s = reporting.Schedule{Periodicity: reporting.AdHoc}
		}
		_, err := s.PeriodByKey(tt.key, loc, reporting.Calendar{})
		if code := reporting.ErrorCode(err); code != reporting.EINVALID {
			t.Errorf("%s %q: error %v (code %s), want %s", tt.p, tt.key, err, code, reporting.EINVALID)
		}
	}
}

func TestPeriodContaining(t *testing.T) {
	t.Parallel()
	loc := calLoc(t)
	tests := []struct {
		p      reporting.Periodicity
		cutoff string
		day    string
		want   string // "" for none
	}{
		{reporting.Monthly, "", "2026-01-10", "2026-M01"},
		{reporting.Monthly, "", "2025-12-20", "2026-M01"}, // December's second half belongs to January
		{reporting.Monthly, "", "2026-12-15", "2027-M01"},
		{reporting.Monthly, "", "2026-12-14", "2026-M12"},
		{reporting.Quarterly, "", "2026-12-20", "2027-Q1"},
		{reporting.HalfYear, "", "2026-06-15", "2026-H2"},
		{reporting.Annual, "", "2025-12-15", "2026"},
		{reporting.NineMonths, "", "2026-09-14", "2026-9M"},
		{reporting.NineMonths, "", "2026-10-01", ""}, // outside any nine-month window
		{reporting.Monthly, reporting.CutoffCalendar, "2028-02-29", "2028-M02"},
		{reporting.Annual, reporting.CutoffCalendar, "2026-12-31", "2026"},
	}
	for _, tt := range tests {
		p, err := calSchedule(tt.p, tt.cutoff).PeriodContaining(calDate(tt.day), loc, reporting.Calendar{})
		switch {
		case tt.want == "" && reporting.ErrorCode(err) != reporting.ENOTFOUND:
			t.Errorf("%s %s: got %q, %v; want not found", tt.p, tt.day, p.Key, err)
		case tt.want != "" && (err != nil || p.Key != tt.want):
			t.Errorf("%s %s: got %q, %v; want %s", tt.p, tt.day, p.Key, err, tt.want)
		}
	}
}

func TestReminderTimes(t *testing.T) {
	t.Parallel()
	loc := calLoc(t)
	at8 := func(s string) time.Time {
		d := calDate(s)
		return time.Date(d.Year(), d.Month(), d.Day(), 8, 0, 0, 0, loc)
	}
	type rt = reporting.ReminderTime
	deadline := calEndOf("2026-02-23", loc)
	// D = 23/2: 8:00 on D−7, D−1, D+1, D+7.
	defaults := []rt{
		{Kind: "due_in_7d", Offset: -7, At: at8("2026-02-16")},
		{Kind: "due_in_1d", Offset: -1, At: at8("2026-02-22")},
		{Kind: "overdue_1d", Offset: 1, At: at8("2026-02-24")},
		{Kind: "overdue_7d", Offset: 7, At: at8("2026-03-02")},
	}
	tests := []struct {
		name      string
		reminders []reporting.Days
		deadline  time.Time
		want      []rt
	}{
		{
			name:     "defaults",
			deadline: deadline,
			want:     defaults,
		},
		{
			// As read back from PostgreSQL: the same instant in UTC.
			name:     "deadline given in UTC",
			deadline: deadline.UTC(),
			want:     defaults,
		},
		{
			name:      "custom, written out of order",
			reminders: []reporting.Days{14, -3},
			deadline:  deadline,
			want: []rt{
				{Kind: "due_in_3d", Offset: -3, At: at8("2026-02-20")},
				{Kind: "overdue_14d", Offset: 14, At: at8("2026-03-09")},
			},
		},
		{
			name:      "none",
			reminders: []reporting.Days{},
			deadline:  deadline,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := calSchedule(reporting.Monthly, "")
			s.Reminders = tt.reminders
			got := s.ReminderTimes(tt.deadline, loc)
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i].Kind != tt.want[i].Kind || got[i].Offset != tt.want[i].Offset || !got[i].At.Equal(tt.want[i].At) {
					t.Errorf("reminder %d = %s %d %s, want %s %d %s", i,
						got[i].Kind, got[i].Offset, got[i].At.In(loc), tt.want[i].Kind, tt.want[i].Offset, tt.want[i].At)
				}
			}
		})
	}
}
