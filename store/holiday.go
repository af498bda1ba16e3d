package store

// The holidays table: days off besides weekends and weekend days worked,
// on which deadlines are counted (reporting.Calendar).
//
// Sources of the shipped calendar, templates/calendar/vn-2024-2027.csv (government
// offices, 2024–2027): Labour Code 2019 Art. 112 (1/1; Tết 5 days; Giỗ Tổ
// 10/3 lunar; 30/4; 1/5; 2/9 and an adjacent day), Art. 111(3) (a holiday on
// a weekend gives the next working day off) and the Government's notices:
// 2024 Tết 8–14/2, Mon 29/4 swapped off (2450/VPCP-KGVX), 2–3/9; 2025 Tết
// 25/1–2/2, Fri 2/5 swapped off, 1–2/9; 2026 Fri 2/1 swapped off
// (12729/VPCP-KGVX), Tết 14–22/2, Mon 27/4 in lieu of Giỗ Tổ, 31/8 swapped
// off and 1–2/9 (Ministry of Home Affairs, October 2025).
// Assumptions: 2027 was not announced, so it follows the statute: Tết Đinh
// Mùi is Fri 5/2 (last day of the old year) to Tue 9/2 plus Wed 10/2 and
// Thu 11/2 in lieu of the weekend; Mon 3/5 in lieu of 1/5; 2/9's adjacent
// day is taken to be Fri 3/9. Lunar dates were checked against computed new
// moons at UTC+7. The Saturdays worked in exchange for swapped days are
// listed as kind working (04/5/2024, 26/4/2025, 10/01/2026, 22/8/2026, as
// the same notices give them). Ngày Văn hóa Việt Nam (24/11) waits for the Labour Code
// amendment that makes it a holiday.

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/reporting"
)

// UpsertHolidays inserts holidays and renames those already there, in one
// statement. It returns how many rows it inserted or renamed, so loading
// the same list twice reports 0 the second time. A day listed twice is an
// error (PostgreSQL would refuse to update a row twice in one statement).
func (s *Store) UpsertHolidays(ctx context.Context, hs []reporting.Holiday) (int, error) {
	days := make([]time.Time, len(hs))
	names := make([]string, len(hs))
	kinds := make([]string, len(hs))
	seen := make(map[time.Time]bool, len(hs))
	for i, h := range hs {
		d := reporting.Day(h.Day.Date())
		if seen[d] {
			return 0, fmt.Errorf("upsert holidays: %s listed twice", d.Format(time.DateOnly))
		}
		seen[d] = true
		days[i], names[i], kinds[i] = d, h.Name, string(h.Kind)
		if h.Kind == "" {
			kinds[i] = string(reporting.DayOff)
		}
	}
	tag, err := s.q.Exec(ctx, `
		INSERT INTO holidays (day, name, kind)
		SELECT day, name, kind FROM unnest($1::date[], $2::text[], $3::text[]) AS h (day, name, kind)
		ON CONFLICT (day) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind
		WHERE (holidays.name, holidays.kind) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.kind)`, days, names, kinds)
	if err != nil {
		return 0, fmt.Errorf("upsert %d holidays: %w", len(hs), err)
	}
	return int(tag.RowsAffected()), nil
}

// DeleteHolidays removes days from the calendar (they become ordinary
// days again: a weekday worked, a weekend off) and says how many it
// removed.
func (s *Store) DeleteHolidays(ctx context.Context, days []time.Time) (int, error) {
	ds := make([]time.Time, len(days))
	for i, d := range days {
		ds[i] = reporting.Day(d.Date())
	}
	tag, err := s.q.Exec(ctx, `DELETE FROM holidays WHERE day = ANY ($1::date[])`, ds)
	if err != nil {
		return 0, fmt.Errorf("delete %d holidays: %w", len(days), err)
	}
	return int(tag.RowsAffected()), nil
}

// Holidays lists the holidays from from to to, both days included, by day.
func (s *Store) Holidays(ctx context.Context, from, to time.Time) ([]reporting.Holiday, error) {
	rows, err := s.q.Query(ctx, `
		SELECT day, name, kind FROM holidays
		WHERE day BETWEEN $1 AND $2
		ORDER BY day`, reporting.Day(from.Date()), reporting.Day(to.Date()))
	if err != nil {
		return nil, fmt.Errorf("list holidays %s to %s: %w", from.Format(time.DateOnly), to.Format(time.DateOnly), err)
	}
	hs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[reporting.Holiday])
	if err != nil {
		return nil, fmt.Errorf("list holidays %s to %s: %w", from.Format(time.DateOnly), to.Format(time.DateOnly), err)
	}
	return hs, nil
}

// Calendar is the working-day calendar of every holiday in the table. The
// table holds a few dozen rows a year, so loading all of it is cheaper than
// guessing which years a computation will touch.
func (s *Store) Calendar(ctx context.Context) (reporting.Calendar, error) {
	rows, err := s.q.Query(ctx, `SELECT day, name, kind FROM holidays`)
	if err != nil {
		return reporting.Calendar{}, fmt.Errorf("load holiday calendar: %w", err)
	}
	hs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[reporting.Holiday])
	if err != nil {
		return reporting.Calendar{}, fmt.Errorf("load holiday calendar: %w", err)
	}
	return reporting.CalendarOf(hs), nil
}

// LoadShippedCalendar stores the official calendar shipped in the binary
// (name, its checksum, its days) unless this version of it was loaded
// before: a day already in the table is left as the administrator has it,
// and a day the administrator deleted is not brought back until a new
// version of the shipped calendar lists it. It returns how many days it
// added (0 when this version was loaded already).
func (s *Store) LoadShippedCalendar(ctx context.Context, name, checksum string, hs []reporting.Holiday) (int, error) {
	added := 0
	err := s.InTx(ctx, func(tx *Store) error {
		tag, err := tx.q.Exec(ctx, `
			INSERT INTO calendar_sources (checksum, name, days) VALUES ($1, $2, $3)
			ON CONFLICT DO NOTHING`, checksum, name, len(hs))
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		days := make([]time.Time, len(hs))
		names := make([]string, len(hs))
		kinds := make([]string, len(hs))
		for i, h := range hs {
			days[i], names[i], kinds[i] = reporting.Day(h.Day.Date()), h.Name, string(h.Kind)
		}
		tag, err = tx.q.Exec(ctx, `
			INSERT INTO holidays (day, name, kind)
			SELECT day, name, kind FROM unnest($1::date[], $2::text[], $3::text[]) AS h (day, name, kind)
			ON CONFLICT (day) DO NOTHING`, days, names, kinds)
		added = int(tag.RowsAffected())
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("load the shipped calendar %s: %w", name, err)
	}
	return added, nil
}
