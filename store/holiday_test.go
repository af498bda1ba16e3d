package store_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"baocao/reporting"
	"baocao/store/storetest"
)

func TestUpsertHolidays(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.Tx(t)
	d := func(m time.Month, day int) time.Time { return reporting.Day(2026, m, day) }

	n, err := s.UpsertHolidays(ctx, []reporting.Holiday{
		{Day: d(time.February, 16), Name: "Tết"},
		{Day: d(time.February, 17), Name: "Tết Nguyên đán Bính Ngọ"},
		{Day: d(time.September, 2), Name: "Quốc khánh (2/9)"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Fatalf("first load: %d rows, want 3", n)
	}

	// Loading again changes nothing but the renamed day.
	n, err = s.UpsertHolidays(ctx, []reporting.Holiday{
		{Day: d(time.February, 16), Name: "Tết Nguyên đán Bính Ngọ"},
		{Day: d(time.February, 17), Name: "Tết Nguyên đán Bính Ngọ"},
		{Day: d(time.September, 2), Name: "Quốc khánh (2/9)"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("second load: %d rows, want 1 (the renamed day)", n)
	}

	got, err := s.Holidays(ctx, d(time.February, 16), d(time.September, 1))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !got[0].Day.Equal(d(time.February, 16)) || !got[1].Day.Equal(d(time.February, 17)) {
		t.Fatalf("Holidays(16/2, 1/9) = %v, want 16/2 and 17/2", got)
	}
	if got[0].Name != "Tết Nguyên đán Bính Ngọ" {
		t.Errorf("16/2 is named %q, want the new name", got[0].Name)
	}

	if _, err := s.UpsertHolidays(ctx, []reporting.Holiday{
		{Day: d(time.May, 1), Name: "a"}, {Day: d(time.May, 1), Name: "b"},
	}); err == nil || !strings.Contains(err.Error(), "2026-05-01 listed twice") {
		t.Fatalf("a day listed twice: error %v", err)
	}
}

// TestDemoHolidaysCalendar loads the shipped CSV the way the demo does and
// checks the calendar read back around Tết Bính Ngọ (14–22/2/2026).
func TestDemoHolidaysCalendar(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.Tx(t)
	f, err := os.Open("../templates/calendar/vn-2024-2027.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	hs, err := reporting.ParseHolidaysCSV(f)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s.UpsertHolidays(ctx, hs); err != nil || n != len(hs) {
		t.Fatalf("UpsertHolidays = %d, %v; want %d", n, err, len(hs))
	}
	cal, err := s.Calendar(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !cal.IsWorkingDay(reporting.Day(2026, time.February, 13)) {
		t.Error("Fri 13/2/2026 is not a working day")
	}
	for day := 16; day <= 20; day++ {
		if cal.IsWorkingDay(reporting.Day(2026, time.February, day)) {
			t.Errorf("%d/2/2026 (Tết) is a working day", day)
		}
	}
	if got := cal.AddWorkingDays(reporting.Day(2026, time.February, 13), 1); !got.Equal(reporting.Day(2026, time.February, 23)) {
		t.Errorf("first working day after 13/2/2026 is %s, want 2026-02-23", got.Format(time.DateOnly))
	}
	tet, err := s.Holidays(ctx, reporting.Day(2026, time.February, 1), reporting.Day(2026, time.February, 28))
	if err != nil {
		t.Fatal(err)
	}
	if len(tet) != 9 {
		t.Errorf("%d holidays in February 2026, want 9 (14–22/2)", len(tet))
	}
}
