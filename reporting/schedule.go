package reporting

import (
	"fmt"
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
	// instead of on the first day of its data window.
	OpenBeforeCutoff Days `yaml:"open_before_cutoff" json:"open_before_cutoff,omitempty"`
	// Deadline applies to every unit kind not in DeadlineByKind.
	Deadline       DeadlineRule              `yaml:"deadline" json:"deadline"`
	DeadlineByKind map[UnitKind]DeadlineRule `yaml:"deadline_by_kind" json:"deadline_by_kind,omitempty"`
	// Reminders are offsets from the deadline: -7d, -1d, +1d, +7d.
	Reminders []Days `yaml:"reminders" json:"reminders,omitempty"`
	// LockAfter is how long after the (default) deadline the period locks.
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
