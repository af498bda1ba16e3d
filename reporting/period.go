package reporting

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Period is one reporting window of a schedule, with the instants that
// govern it. Dates (DataFrom, DataTo) are civil dates (see Day); OpensAt,
// Deadline and LocksAt are instants, computed in the location the schedule
// was evaluated in.
type Period struct {
	Periodicity Periodicity
	// Key names the period within its form: "2026-M03", "2026-Q1",
	// "2026-H1", "2026-H2", "2026-9M", "2026".
	Key string
	// Label is the Vietnamese name: "Quý I năm 2026".
	Label string
	// DataFrom and DataTo are the data window (thời gian chốt số liệu),
	// both days included; DataTo is the cut-off day.
	DataFrom, DataTo time.Time
	// OpensAt is when the period is created and units may start filing.
	OpensAt time.Time
	// Deadline is the default rule's deadline: the last instant of its day.
	Deadline time.Time
	// LocksAt is when late filing stops.
	LocksAt time.Time
	// Deadlines holds the deadline of every unit kind with its own rule
	// (Schedule.DeadlineByKind); use DeadlineFor.
	Deadlines map[UnitKind]time.Time
}

// DeadlineFor is the deadline units of kind k have for this period.
func (p Period) DeadlineFor(k UnitKind) time.Time {
	if d, ok := p.Deadlines[k]; ok {
		return d
	}
	return p.Deadline
}

// decree09CutoffDay is the day of the month data windows end on under
// Decree 09/2019 Art. 12 (the next window starts on the 15th).
const decree09CutoffDay = 14

// ReminderHour is the local hour reminders go out: the start of an office
// day, so a clerk reads the e-mail while there is still a day to act.
const ReminderHour = 8

// User-facing messages of this file, in Vietnamese, kept together for review.
const (
	msgPeriodKeyInvalid = "Mã kỳ báo cáo %q không hợp lệ; mã kỳ %s có dạng %s."
	msgAdHocNoPeriods   = "Báo cáo đột xuất không có kỳ báo cáo định sẵn."
	msgNoPeriodOnDay    = "Ngày %s không thuộc kỳ báo cáo nào."
)

// periodLabel is the Vietnamese name of the n-th period of year y.
func periodLabel(p Periodicity, y, n int) string {
	switch p {
	case Monthly:
		return fmt.Sprintf("Tháng %d năm %d", n, y)
	case Quarterly:
		return fmt.Sprintf("Quý %s năm %d", [...]string{"I", "II", "III", "IV"}[n-1], y)
	case HalfYear:
		if n == 1 {
			return fmt.Sprintf("6 tháng đầu năm %d", y)
		}
		return fmt.Sprintf("6 tháng cuối năm %d", y)
	case NineMonths:
		return fmt.Sprintf("9 tháng năm %d", y)
	}
	return fmt.Sprintf("Năm %d", y)
}

// slot is the n-th period (from 1) of year y of a periodicity: the year its
// cut-off day falls in.
type slot struct{ year, n int }

// perYear is how many periods a periodicity has in a year.
func perYear(p Periodicity) int {
	switch p {
	case Monthly:
		return 12
	case Quarterly:
		return 4
	case HalfYear:
		return 2
	}
	return 1
}

func (sl slot) next(p Periodicity) slot {
	if sl.n < perYear(p) {
		return slot{sl.year, sl.n + 1}
	}
	return slot{sl.year + 1, 1}
}

// months is the first and last month a period covers, named as calendar
// periods (Q2 is April to June); Decree 09 windows shift them back by half
// a month.
func months(p Periodicity, n int) (first, last time.Month) {
	switch p {
	case Monthly:
		return time.Month(n), time.Month(n)
	case Quarterly:
		return time.Month(3*n - 2), time.Month(3 * n)
	case HalfYear:
		return time.Month(6*n - 5), time.Month(6 * n)
	case NineMonths:
		return time.January, time.September
	}
	return time.January, time.December
}

// window is a slot's data window. Under Decree 09/2019 it runs from the 15th
// of the month before the first month to the 14th of the last (Q1 = 15/12 of
// the previous year to 14/3); under cutoff calendar it is whole months.
func window(cutoff string, p Periodicity, sl slot) (from, to time.Time) {
	first, last := months(p, sl.n)
	if cutoff == CutoffCalendar {
		// Day 0 of the next month is the last day of this one.
		return Day(sl.year, first, 1), Day(sl.year, last+1, 0)
	}
	// Month 0 is December of the previous year.
	return Day(sl.year, first-1, decree09CutoffDay+1), Day(sl.year, last, decree09CutoffDay)
}

func periodKey(p Periodicity, sl slot) string {
	switch p {
	case Monthly:
		return fmt.Sprintf("%04d-M%02d", sl.year, sl.n)
	case Quarterly:
		return fmt.Sprintf("%04d-Q%d", sl.year, sl.n)
	case HalfYear:
		return fmt.Sprintf("%04d-H%d", sl.year, sl.n)
	case NineMonths:
		return fmt.Sprintf("%04d-9M", sl.year)
	}
	return fmt.Sprintf("%04d", sl.year)
}

// keyPattern shows a periodicity's key form in messages.
func keyPattern(p Periodicity) string {
	return periodKey(p, slot{2026, 1})
}

// parseKey is periodKey's inverse.
func parseKey(p Periodicity, key string) (slot, bool) {
	if len(key) < 4 {
		return slot{}, false
	}
	y, err := strconv.Atoi(key[:4])
	if err != nil || y < 1000 {
		return slot{}, false
	}
	rest := key[4:]
	var n int
	switch p {
	case Monthly:
		if len(rest) != 4 || !strings.HasPrefix(rest, "-M") {
			return slot{}, false
		}
		n, err = strconv.Atoi(rest[2:])
	case Quarterly, HalfYear:
		prefix := "-Q"
		if p == HalfYear {
			prefix = "-H"
		}
		if len(rest) != 3 || !strings.HasPrefix(rest, prefix) {
			return slot{}, false
		}
		n, err = strconv.Atoi(rest[2:])
	case NineMonths:
		n, err = 1, nil
		if rest != "-9M" {
			return slot{}, false
		}
	case Annual:
		n, err = 1, nil
		if rest != "" {
			return slot{}, false
		}
	default:
		return slot{}, false
	}
	if err != nil || n < 1 || n > perYear(p) {
		return slot{}, false
	}
	return slot{y, n}, true
}

// EndOfDay is the deadline instant of day d in loc: the last microsecond
// before the local midnight that ends d. A time limit ends at 24:00 of its
// last day (Civil Code 2015 Art. 148(6)); one microsecond earlier keeps the
// instant inside d, and microseconds are what PostgreSQL's timestamptz
// keeps, so the value survives a round trip unchanged.
func EndOfDay(d time.Time, loc *time.Location) time.Time {
	y, m, dd := d.Date()
	return time.Date(y, m, dd+1, 0, 0, 0, 0, loc).Add(-time.Microsecond)
}

// startOfDay is the local midnight that starts civil day d in loc.
func startOfDay(d time.Time, loc *time.Location) time.Time {
	y, m, dd := d.Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, loc)
}

// day is the civil day a rule puts the deadline on, for a period whose
// cut-off day is cutoff.
func (r DeadlineRule) day(cutoff time.Time, cal Calendar) time.Time {
	if r.AfterCutoffWorkingDays > 0 {
		return cal.AddWorkingDays(cutoff, r.AfterCutoffWorkingDays)
	}
	y, m, _ := cutoff.Date()
	first := Day(y, m+time.Month(r.MonthOffset), 1)
	last := first.AddDate(0, 1, -1).Day()
	// fixed_day 31 means the month's last day in a shorter month (28 or 29
	// February, 30 April), not a day spilling into the next month.
	return cal.NextWorkingDay(Day(first.Year(), first.Month(), min(r.FixedDay, last)))
}

// period builds the period of slot sl. s has its defaults applied and is
// valid.
func (s Schedule) period(sl slot, loc *time.Location, cal Calendar) Period {
	p := Period{
		Periodicity: s.Periodicity,
		Key:         periodKey(s.Periodicity, sl),
		Label:       periodLabel(s.Periodicity, sl.year, sl.n),
	}
	p.DataFrom, p.DataTo = window(s.Cutoff, s.Periodicity, sl)
	p.OpensAt = startOfDay(s.openDay(p.DataFrom, p.DataTo), loc)
	p.Deadline = EndOfDay(s.Deadline.day(p.DataTo, cal), loc)
	latest := p.Deadline
	if len(s.DeadlineByKind) > 0 {
		p.Deadlines = make(map[UnitKind]time.Time, len(s.DeadlineByKind))
		for k, r := range s.DeadlineByKind {
			d := EndOfDay(r.day(p.DataTo, cal), loc)
			p.Deadlines[k] = d
			if d.After(latest) {
				latest = d
			}
		}
	}
	// Counting from the latest deadline rather than the default one: a kind
	// whose deadline comes later (districts after communes) must not find
	// the period locked before it was even due.
	p.LocksAt = latest.In(loc).AddDate(0, 0, int(s.LockAfter))
	return p
}

// openDay is the civil day a period with the given window opens: the first
// day of the window, or OpenBeforeCutoff days before the cut-off day but
// never before the window starts, since a period cannot take data that
// does not exist yet and must not overlap the previous period's run-up.
func (s Schedule) openDay(from, to time.Time) time.Time {
	if s.OpenBeforeCutoff <= 0 {
		return from
	}
	d := to.AddDate(0, 0, -int(s.OpenBeforeCutoff))
	if d.Before(from) {
		return from
	}
	return d
}

// prepared is s with defaults applied, checked.
func (s Schedule) prepared() (Schedule, error) {
	s = s.WithDefaults()
	if err := s.Validate(); err != nil {
		return s, err
	}
	return s, nil
}

// PeriodsDue lists every period of s that has opened by now, oldest first:
// those whose data window starts on or after s.Since, and on or after since
// too when since is not zero (a civil date; see Day). The scheduler calls it
// on every tick and inserts what is missing, so after any downtime it sees
// every missed period, each once. Ad hoc schedules have none.
func (s Schedule) PeriodsDue(since, now time.Time, loc *time.Location, cal Calendar) ([]Period, error) {
	s, err := s.prepared()
	if err != nil {
		return nil, fmt.Errorf("periods due: %w", err)
	}
	if s.Periodicity == AdHoc {
		return nil, nil
	}
	from, _ := time.Parse(time.DateOnly, s.Since) // checked by Validate
	if !since.IsZero() && civil(since).After(from) {
		from = civil(since)
	}
	// Every window of year Y starts on or before 1 January of Y, so the
	// first period of from's year is never too late a place to start.
	sl := slot{from.Year(), 1}
	for {
		if f, _ := window(s.Cutoff, s.Periodicity, sl); !f.Before(from) {
			break
		}
		sl = sl.next(s.Periodicity)
	}
	var due []Period
	for {
		p := s.period(sl, loc, cal)
		// Opening times grow with the slots, so the first one still in
		// the future ends the list.
		if p.OpensAt.After(now) {
			return due, nil
		}
		due = append(due, p)
		sl = sl.next(s.Periodicity)
	}
}

// PeriodByKey is the period of s named key ("2026-Q1"), whether or not it
// has opened. A key of the wrong form is an EINVALID *Error.
func (s Schedule) PeriodByKey(key string, loc *time.Location, cal Calendar) (Period, error) {
	s, err := s.prepared()
	if err != nil {
		return Period{}, fmt.Errorf("period %s: %w", key, err)
	}
	if s.Periodicity == AdHoc {
		return Period{}, Errorf(EINVALID, msgAdHocNoPeriods)
	}
	sl, ok := parseKey(s.Periodicity, key)
	if !ok {
		return Period{}, Errorf(EINVALID, msgPeriodKeyInvalid, key, periodLabelKind(s.Periodicity), keyPattern(s.Periodicity))
	}
	return s.period(sl, loc, cal), nil
}

// PeriodContaining is the period of s whose data window holds civil day d.
// Nine-month windows leave 15/9–14/12 uncovered; a day there, or any day of
// an ad hoc schedule, is an ENOTFOUND *Error.
func (s Schedule) PeriodContaining(d time.Time, loc *time.Location, cal Calendar) (Period, error) {
	s, err := s.prepared()
	if err != nil {
		return Period{}, fmt.Errorf("period containing %s: %w", d.Format(time.DateOnly), err)
	}
	d = civil(d)
	if s.Periodicity != AdHoc {
		// A window holding d ends in d's year or, for Decree 09 windows
		// starting on 15 December, in the next one.
		for sl := (slot{d.Year(), 1}); sl.year <= d.Year()+1; sl = sl.next(s.Periodicity) {
			if from, to := window(s.Cutoff, s.Periodicity, sl); !d.Before(from) && !d.After(to) {
				return s.period(sl, loc, cal), nil
			}
		}
	}
	return Period{}, Errorf(ENOTFOUND, msgNoPeriodOnDay, d.Format("02/01/2006"))
}

// periodLabelKind names a periodicity in Vietnamese for messages.
func periodLabelKind(p Periodicity) string {
	switch p {
	case Monthly:
		return "tháng"
	case Quarterly:
		return "quý"
	case HalfYear:
		return "6 tháng"
	case NineMonths:
		return "9 tháng"
	case Annual:
		return "năm"
	}
	return string(p)
}

// ReminderTime is when one reminder for a deadline is due.
type ReminderTime struct {
	// Kind is the reminder's name, unique per period and unit:
	// "due_in_7d", "due_in_1d", "overdue_1d", "overdue_7d".
	Kind string
	// Offset is the schedule's offset in days from the deadline's day.
	Offset Days
	// At is ReminderHour local time on the deadline's day plus Offset.
	At time.Time
}

// ReminderKind names the reminder sent offset days from a deadline's day.
func ReminderKind(offset Days) string {
	if offset < 0 {
		return fmt.Sprintf("due_in_%dd", -offset)
	}
	return fmt.Sprintf("overdue_%dd", offset)
}

// ReminderTimes lists the reminders of s for a deadline, earliest first.
// Offsets count calendar days from the deadline's local
// day D, and each reminder fires at ReminderHour local time: due_in_7d at
// 08:00 on D−7, due_in_1d at 08:00 on D−1, overdue_1d at 08:00 on D+1 (the
// first morning after the deadline passed at the end of D), overdue_7d at
// 08:00 on D+7. Calendar rather than working days, because an e-mail costs
// nothing on a Sunday and counting working days would let a reminder
// "7 days before" arrive two weeks early around Tết.
func (s Schedule) ReminderTimes(deadline time.Time, loc *time.Location) []ReminderTime {
	s = s.WithDefaults()
	y, m, d := deadline.In(loc).Date()
	out := make([]ReminderTime, 0, len(s.Reminders))
	for _, off := range s.Reminders {
		if off == 0 {
			continue // rejected by Validate; never a kind of its own
		}
		out = append(out, ReminderTime{
			Kind:   ReminderKind(off),
			Offset: off,
			At:     time.Date(y, m, d+int(off), ReminderHour, 0, 0, 0, loc),
		})
	}
	slices.SortFunc(out, func(a, b ReminderTime) int { return cmp.Compare(a.Offset, b.Offset) })
	return out
}
