package reporting

import (
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strings"
	"time"
)

// Holiday is a day the calendar treats otherwise than its weekday says, as
// the administrator keeps them: a day off besides weekends (public
// holidays, the days given in lieu when one falls on a weekend, days
// swapped off by the Government), or, of kind DayWorking, a Saturday worked
// in exchange for a day swapped off. Day is a civil date (see Day).
type Holiday struct {
	Day  time.Time
	Name string
	Kind DayKind
}

// DayKind is what a Holiday makes of its day.
type DayKind string

const (
	DayOff     DayKind = "off"     // a day off (the default)
	DayWorking DayKind = "working" // a weekend day worked (ngày làm bù)
)

// CalendarOf builds the calendar of a list of holidays of both kinds.
func CalendarOf(hs []Holiday) Calendar {
	c := Calendar{holidays: make(map[time.Time]bool, len(hs))}
	for _, h := range hs {
		if h.Kind == DayWorking {
			if c.working == nil {
				c.working = map[time.Time]bool{}
			}
			c.working[civil(h.Day)] = true
			continue
		}
		c.holidays[civil(h.Day)] = true
	}
	return c
}

// Calendar tells working days from days off: Saturdays, Sundays and the
// holidays it was built with. The zero Calendar knows weekends only.
//
// Every date going in or out is a civil date; only the date of a time.Time
// argument counts (in that value's own location), so callers pass midnight
// UTC as Day does.
type Calendar struct {
	holidays map[time.Time]bool
	working  map[time.Time]bool // weekend days worked
}

// NewCalendar builds a calendar whose days off are weekends plus holidays.
func NewCalendar(holidays []time.Time) Calendar {
	c := Calendar{holidays: make(map[time.Time]bool, len(holidays))}
	for _, d := range holidays {
		c.holidays[civil(d)] = true
	}
	return c
}

// civil normalises d to its civil date at midnight UTC, the form map keys
// and comparisons rely on.
func civil(d time.Time) time.Time { return Day(d.Date()) }

// IsWorkingDay reports whether d is neither a weekend day nor a holiday,
// or is a weekend day listed as worked.
func (c Calendar) IsWorkingDay(d time.Time) bool {
	d = civil(d)
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return c.working[d]
	}
	return !c.holidays[d]
}

// AddWorkingDays is the n-th working day strictly after d: with n = 1 and d
// a Friday before an ordinary weekend, the Monday. For n < 1 it is d itself.
func (c Calendar) AddWorkingDays(d time.Time, n int) time.Time {
	d = civil(d)
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if c.IsWorkingDay(d) {
			n--
		}
	}
	return d
}

// NextWorkingDay is d when d is a working day, else the first working day
// after it: where a time limit ending on a day off ends (Civil Code 2015
// Art. 148(5)).
func (c Calendar) NextWorkingDay(d time.Time) time.Time {
	d = civil(d)
	for !c.IsWorkingDay(d) {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// ParseHolidaysCSV reads holidays from CSV with the header "day,name" and a
// row per day ("2026-02-16,Tết Nguyên đán Bính Ngọ"), dates as YYYY-MM-DD,
// or with the header "day,name,kind" where kind is off (or empty) or
// working ("2026-01-10,Làm bù cho ngày 02/01/2026,working"): a working day
// must be a Saturday or Sunday.
// A leading UTF-8 byte-order mark (spreadsheets write one) is ignored. Errors
// name the row as a spreadsheet shows it, the header being row 1. The result
// is sorted by day; a day listed twice is an error, because which name
// should win is not ours to guess.
// weekdayNames are the days of the week as a Vietnamese reader says them.
var weekdayNames = [...]string{"Chủ nhật", "thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy"}

func ParseHolidaysCSV(r io.Reader) ([]Holiday, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, Errorf(EINVALID, "Tệp lịch trống: dòng đầu phải là day,name (hoặc day,name,kind).")
	}
	if err != nil {
		return nil, Errorf(EINVALID, "Không đọc được dòng đầu của tệp lịch (%v).", err)
	}
	header[0] = strings.TrimPrefix(header[0], "\uFEFF")
	withKind := len(header) == 3 && strings.TrimSpace(header[2]) == "kind"
	if (len(header) != 2 && !withKind) || strings.TrimSpace(header[0]) != "day" || strings.TrimSpace(header[1]) != "name" {
		return nil, Errorf(EINVALID, "Dòng đầu của tệp lịch là %q; phải là day,name hoặc day,name,kind.", strings.Join(header, ","))
	}
	var out []Holiday
	seen := map[time.Time]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// csv.ParseError already says "record on line N".
			return nil, Errorf(EINVALID, "Tệp lịch không đúng dạng CSV (%v).", err)
		}
		row, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			return nil, Errorf(EINVALID, "Dòng %d của tệp lịch có %d cột; phải có %d cột như dòng đầu.", row, len(rec), len(header))
		}
		day, err := time.Parse(time.DateOnly, strings.TrimSpace(rec[0]))
		if err != nil {
			return nil, Errorf(EINVALID, "Dòng %d của tệp lịch: ngày %q không đúng dạng năm-tháng-ngày (ví dụ 2026-02-17).", row, rec[0])
		}
		name := strings.TrimSpace(rec[1])
		if name == "" {
			return nil, Errorf(EINVALID, "Dòng %d của tệp lịch: ngày %s chưa có tên.", row, rec[0])
		}
		if prev, ok := seen[day]; ok {
			return nil, Errorf(EINVALID, "Dòng %d của tệp lịch: ngày %s đã có ở dòng %d.", row, rec[0], prev)
		}
		seen[day] = row
		kind := DayOff
		if withKind {
			switch k := strings.TrimSpace(rec[2]); k {
			case "", string(DayOff):
			case string(DayWorking):
				if wd := day.Weekday(); wd != time.Saturday && wd != time.Sunday {
					return nil, Errorf(EINVALID, "Dòng %d của tệp lịch: %s là %s, vốn đã là ngày làm việc; ngày làm bù phải là thứ Bảy hoặc Chủ nhật.", row, rec[0], weekdayNames[wd])
				}
				kind = DayWorking
			default:
				return nil, Errorf(EINVALID, "Dòng %d của tệp lịch: loại %q không hợp lệ; dùng off (ngày nghỉ) hoặc working (ngày làm bù).", row, k)
			}
		}
		out = append(out, Holiday{Day: day, Name: name, Kind: kind})
	}
	slices.SortFunc(out, func(a, b Holiday) int { return a.Day.Compare(b.Day) })
	return out, nil
}
