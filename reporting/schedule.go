package reporting

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Periodicity is how often a schedule's periods come.
type Periodicity string

// Periodicities.
const (
	Monthly    Periodicity = "monthly"
	Quarterly  Periodicity = "quarterly"
	HalfYear   Periodicity = "half_year"
	NineMonths Periodicity = "nine_months"
	Annual     Periodicity = "annual"
	AdHoc      Periodicity = "adhoc"
)

// Cutoff rules for the data window.
const (
	CutoffDecree09 = "decree09" // 15th of the previous month to the 14th (Decree 09/2019 Art. 12)
	CutoffCalendar = "calendar" // calendar months
)

// Schedule says when a form's periods come and are due.
type Schedule struct {
	Periodicity Periodicity `yaml:"periodicity" json:"periodicity"`
	// Cutoff is CutoffDecree09 (default) or CutoffCalendar.
	Cutoff string `yaml:"cutoff" json:"cutoff,omitempty"`
	// Since is the first day whose periods are opened (a period is opened
	// when its data window starts on or after it), "2024-01-01".
	Since string `yaml:"since" json:"since"`
	// OpenBeforeCutoff opens a period this long before its cut-off day
	// instead of on the first day of its data window, but never before the
	// window starts.
	OpenBeforeCutoff Days `yaml:"open_before_cutoff" json:"open_before_cutoff,omitempty"`
	// Deadline applies to every unit kind not in DeadlineByKind.
	Deadline       DeadlineRule              `yaml:"deadline" json:"deadline"`
	DeadlineByKind map[UnitKind]DeadlineRule `yaml:"deadline_by_kind" json:"deadline_by_kind,omitempty"`
	// Reminders are offsets in days from the deadline's day: -7d, -1d,
	// +1d, +7d (see ReminderTimes). Absent (nil) means DefaultReminders; an
	// empty list means none, which is why the JSON tag keeps it: with
	// omitempty a stored [] would come back as nil, the defaults.
	Reminders []Days `yaml:"reminders" json:"reminders"`
	// LockAfter is how many calendar days after the latest deadline of a
	// period (over all unit kinds) the period locks; 0 means
	// DefaultLockAfter.
	LockAfter Days `yaml:"lock_after" json:"lock_after,omitempty"`
}

// DeadlineRule: either N working days after the cut-off day, or a fixed day
// of the month (MonthOffset months after the cut-off's month), moved to the
// next working day when it is not one (Civil Code 2015 Art. 148). A deadline
// "on day D" runs until the end of D, local time.
type DeadlineRule struct {
	AfterCutoffWorkingDays int `yaml:"after_cutoff_working_days" json:"after_cutoff_working_days,omitempty"`
	FixedDay               int `yaml:"fixed_day" json:"fixed_day,omitempty"`
	MonthOffset            int `yaml:"month_offset" json:"month_offset,omitempty"`
}

// Days is a whole number of days written "7d", "-1d", "+7d".
type Days int

// UnmarshalText parses "7d", "-1d", "+30d" (a bare number also counts).
func (d *Days) UnmarshalText(b []byte) error {
	s := strings.TrimSuffix(strings.TrimSpace(string(b)), "d")
	n, err := strconv.Atoi(strings.TrimPrefix(s, "+"))
	if err != nil {
		return fmt.Errorf("%q is not a number of days like 7d or -1d", string(b))
	}
	*d = Days(n)
	return nil
}

// MarshalText writes "+7d" / "-1d".
func (d Days) MarshalText() ([]byte, error) {
	if d > 0 {
		return []byte(fmt.Sprintf("+%dd", int(d))), nil
	}
	return []byte(fmt.Sprintf("%dd", int(d))), nil
}

// Duration is d as a time.Duration of 24-hour days.
func (d Days) Duration() time.Duration { return time.Duration(d) * 24 * time.Hour }

// Schedule defaults, applied by WithDefaults.
var (
	// DefaultReminders: a week and a day before the deadline, a day and a
	// week after it.
	DefaultReminders = []Days{-7, -1, 1, 7}
	// DefaultLockAfter leaves a month for late reports before a period locks.
	DefaultLockAfter Days = 30
)

// WithDefaults fills what a schedule leaves out: the Decree 09/2019 cut-off,
// DefaultReminders when Reminders is nil, DefaultLockAfter when LockAfter is
// 0. The period computations apply it themselves.
func (s Schedule) WithDefaults() Schedule {
	if s.Cutoff == "" {
		s.Cutoff = CutoffDecree09
	}
	if s.Reminders == nil {
		s.Reminders = slices.Clone(DefaultReminders)
	}
	if s.LockAfter == 0 {
		s.LockAfter = DefaultLockAfter
	}
	return s
}

// Valid reports whether p is a known periodicity.
func (p Periodicity) Valid() bool {
	switch p {
	case Monthly, Quarterly, HalfYear, NineMonths, Annual, AdHoc:
		return true
	}
	return false
}

// Validate checks a schedule as written in a form definition. Every problem
// is reported (joined), each naming its key, for the administrator who wrote
// the YAML.
func (s Schedule) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("schedule.%s: %s", key, fmt.Sprintf(format, args...)))
	}
	switch {
	case s.Periodicity == "":
		bad("periodicity", "required (monthly, quarterly, half_year, nine_months, annual or adhoc)")
	case !s.Periodicity.Valid():
		bad("periodicity", "unknown %q (want monthly, quarterly, half_year, nine_months, annual or adhoc)", s.Periodicity)
	}
	cutoff := s.Cutoff
	switch cutoff {
	case "":
		cutoff = CutoffDecree09
	case CutoffDecree09, CutoffCalendar:
	default:
		bad("cutoff", "unknown %q (want decree09 or calendar)", s.Cutoff)
	}
	if s.Since == "" {
		if s.Periodicity != AdHoc {
			bad("since", "required: the first day whose periods are opened, like 2026-01-01")
		}
	} else if _, err := time.Parse(time.DateOnly, s.Since); err != nil {
		bad("since", "%q is not a date like 2026-01-01", s.Since)
	}
	if s.OpenBeforeCutoff < 0 {
		bad("open_before_cutoff", "%s is negative", fmtDays(s.OpenBeforeCutoff))
	}
	// Ad hoc reports take the deadline their issuer sets, so a rule is
	// optional for them; when given it must still make sense.
	if s.Periodicity != AdHoc || s.Deadline != (DeadlineRule{}) {
		errs = append(errs, s.Deadline.validate("schedule.deadline", cutoff)...)
	}
	for _, k := range slices.Sorted(maps.Keys(s.DeadlineByKind)) {
		key := "schedule.deadline_by_kind." + string(k)
		if !k.Valid() {
			errs = append(errs, fmt.Errorf("%s: unknown unit kind %q (want one of %s)", key, k, kindList()))
			continue
		}
		errs = append(errs, s.DeadlineByKind[k].validate(key, cutoff)...)
	}
	if s.LockAfter < 0 {
		bad("lock_after", "%s is negative", fmtDays(s.LockAfter))
	}
	seen := map[Days]bool{}
	for i, r := range s.Reminders {
		switch {
		case r == 0:
			bad(fmt.Sprintf("reminders[%d]", i), "0d is the deadline day itself; use -1d (the day before) or +1d (the day after)")
		case seen[r]:
			bad(fmt.Sprintf("reminders[%d]", i), "%s is listed twice", fmtDays(r))
		}
		seen[r] = true
	}
	return errors.Join(errs...)
}

// validate checks one deadline rule; key names it in the messages. cutoff
// matters because a fixed day in the cut-off's own month must come after
// the cut-off day.
func (r DeadlineRule) validate(key, cutoff string) []error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
	}
	switch {
	case r.AfterCutoffWorkingDays != 0 && r.FixedDay != 0:
		bad("set after_cutoff_working_days or fixed_day, not both")
	case r.AfterCutoffWorkingDays == 0 && r.FixedDay == 0:
		bad("set after_cutoff_working_days or fixed_day")
	case r.AfterCutoffWorkingDays != 0:
		if r.AfterCutoffWorkingDays < 1 {
			// Decree 09/2019 Art. 12: at least one working day after the cut-off.
			bad("after_cutoff_working_days is %d, want at least 1 (Decree 09/2019: at least one working day after the cut-off)", r.AfterCutoffWorkingDays)
		}
		if r.MonthOffset != 0 {
			bad("month_offset goes with fixed_day only")
		}
	default:
		switch {
		case r.FixedDay < 1 || r.FixedDay > 31:
			bad("fixed_day is %d, want 1..31", r.FixedDay)
		case r.MonthOffset < 0 || r.MonthOffset > 12:
			bad("month_offset is %d, want 0..12", r.MonthOffset)
		case r.MonthOffset == 0 && cutoff == CutoffCalendar:
			bad("fixed_day %d with month_offset 0 falls inside the period under cutoff calendar; set month_offset: 1", r.FixedDay)
		case r.MonthOffset == 0 && r.FixedDay <= decree09CutoffDay:
			bad("fixed_day %d with month_offset 0 is not after the cut-off day (the %dth); use a later day or month_offset: 1", r.FixedDay, decree09CutoffDay)
		}
	}
	return errs
}

func fmtDays(d Days) string {
	b, _ := d.MarshalText()
	return string(b)
}

func kindList() string {
	names := make([]string, len(UnitKinds))
	for i, k := range UnitKinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}
