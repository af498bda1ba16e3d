package reporting

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"time"
)

// Planning a unit import: what a unit list changes in the stored tree,
// decided without writing, so that the same plan can be shown before it
// is applied (store.ImportUnits applies it in one transaction).

// StoredVersion is one stored version of a unit.
type StoredVersion struct {
	ID         int64
	ValidFrom  time.Time
	ValidUntil *time.Time
	Name       string
	Kind       UnitKind
	ParentCode string
	Emails     []string
}

// StoredUnit is a stored unit with all its versions, oldest first.
type StoredUnit struct {
	Code        string
	ActiveFrom  time.Time
	ActiveUntil *time.Time
	Versions    []StoredVersion
}

// VersionAt is the version in effect on day d, or nil.
func (u *StoredUnit) VersionAt(d time.Time) *StoredVersion {
	for i := range u.Versions {
		v := &u.Versions[i]
		if !d.Before(v.ValidFrom) && (v.ValidUntil == nil || !d.After(*v.ValidUntil)) {
			return v
		}
	}
	return nil
}

// SameAs reports whether row says what v says. Emails are compared in
// order, since the first is the one reminders go to.
func (v *StoredVersion) SameAs(r UnitRow) bool {
	return v.Name == r.Name && v.Kind == r.Kind && v.ParentCode == r.ParentCode && slices.Equal(v.Emails, r.Emails)
}

// UnitImportCounts counts what an import does. Each row is Created,
// Versioned or Unchanged; Closed counts units closed.
type UnitImportCounts struct {
	Created, Versioned, Unchanged, Closed int
	// Reopened counts closed units the import reopened (UnitImportMode.Reopen).
	Reopened int
	// Successions counts the successions the predecessors column recorded
	// that were not recorded before.
	Successions int
}

// Changed reports whether the import stores anything.
func (r UnitImportCounts) Changed() bool {
	return r.Created+r.Versioned+r.Closed+r.Reopened+r.Successions > 0
}

// NewUnit is a unit an import creates.
type NewUnit struct {
	Code        string
	ActiveFrom  time.Time
	ActiveUntil *time.Time
}

// PlannedVersion is a unit version an import writes: a new one (ID 0) or
// a correction of the stored version ID over the same days.
type PlannedVersion struct {
	ID         int64
	Code       string
	ValidFrom  time.Time
	ValidUntil *time.Time
	Name       string
	Kind       UnitKind
	ParentCode string
	Emails     []string
}

// VersionEnd cuts stored version ID short at ValidUntil.
type VersionEnd struct {
	ID         int64
	ValidUntil time.Time
}

// UnitClose closes unit Code after day Until.
type UnitClose struct {
	Code  string
	Until time.Time
}

// UnitReopen reopens unit Code, closed after day Until by mistake: the
// unit and its version that ended that day run on again.
type UnitReopen struct {
	Code  string
	Until time.Time
}

// UnitImportMode says how a list is read against the stored units.
type UnitImportMode struct {
	// CloseMissing: the rows are the whole tree on the import's date, and
	// stored units they do not name are closed the day before.
	CloseMissing bool
	// Reopen: a row naming a closed unit with no active_until, or a later
	// one, reopens it (it was closed by mistake), provided the row takes
	// effect no later than the day after the unit closed. Without it such
	// a row leaves the closure as it is (an empty active_until) or is
	// refused (another active_until): a list of an earlier day, imported
	// again, must not bring abolished units back.
	Reopen bool
}

// UnitImportPlan is what an import will write.
type UnitImportPlan struct {
	Base     time.Time // the import's date: the effective day or the file's earliest
	Result   UnitImportCounts
	Units    []NewUnit
	Ends     []VersionEnd     // versions cut short by a newer one
	Replaced []PlannedVersion // versions rewritten in place (same first day)
	Versions []PlannedVersion // versions to insert
	Closes   []UnitClose      // units to close, by their row or closeMissing
	Reopens  []UnitReopen     // closed units to reopen, before anything else is written
	Touched  []string         // every code written, for the parent check
	RowOf    map[string]int   // the row of each listed code
}

// The Vietnamese messages of unit imports that need the stored history,
// in one place for review.
const (
	msgImportNeedsDate   = "không có ngày hiệu lực: hãy điền active_from cho các dòng hoặc chỉ định ngày hiệu lực khi nhập"
	msgBeforeUnitStart   = "đơn vị %s bắt đầu hoạt động từ ngày %s; không ghi được thông tin có hiệu lực từ ngày %s"
	msgNoVersion         = "đơn vị %s không có thông tin nào có hiệu lực vào ngày %s"
	msgUntilAlreadySet   = "đơn vị %s đã ngừng hoạt động sau ngày %s; không đổi được thành ngày %s (nếu đơn vị bị đóng nhầm, hãy nhập lại với lựa chọn mở lại đơn vị đã đóng)"
	msgVersionAfterUntil = "đơn vị %s đã có thông tin có hiệu lực từ ngày %s, sau ngày ngừng hoạt động %s"
	msgMissingStartsLate = "đơn vị %s không có trong danh sách nhưng bắt đầu hoạt động đúng ngày hiệu lực %s nên không đóng được trước ngày đó; hãy thêm đơn vị vào danh sách hoặc xem lại ngày hiệu lực"
	msgMissingHasLater   = "đơn vị %s không có trong danh sách nhưng đã có thông tin có hiệu lực từ ngày %s, không sớm hơn ngày hiệu lực %s; không đóng được đơn vị"
)

func dayBefore(t time.Time) time.Time { return t.AddDate(0, 0, -1) }

// reopened is su as it stands once reopened: active again and its version
// that ended on the day the unit closed running on, open-ended.
func reopened(su *StoredUnit) *StoredUnit {
	ru := *su
	ru.ActiveUntil = nil
	ru.Versions = slices.Clone(su.Versions)
	for i := range ru.Versions {
		if v := &ru.Versions[i]; v.ValidUntil != nil && v.ValidUntil.Equal(*su.ActiveUntil) {
			v.ValidUntil = nil
		}
	}
	return &ru
}

// reopens reports whether row r, taking effect on start, reopens closed
// unit su under mode: it asks for a later last day (none, or after the
// closure), and it takes effect by the day after the closure, so that
// no gap opens in the unit's history.
func reopens(mode UnitImportMode, r UnitRow, start time.Time, su *StoredUnit) bool {
	return mode.Reopen && su.ActiveUntil != nil &&
		(r.ActiveUntil == nil && !unparsedDate(r.Raw.ActiveUntil, r.ActiveUntil) || r.ActiveUntil != nil && r.ActiveUntil.After(*su.ActiveUntil)) &&
		!start.After(su.ActiveUntil.AddDate(0, 0, 1)) && !start.Before(su.ActiveFrom)
}

// earlierEnd is the earlier of two last days, nil being open-ended.
func earlierEnd(a, b *time.Time) *time.Time {
	switch {
	case a == nil:
		return b
	case b == nil || a.Before(*b):
		return a
	}
	return b
}

func unparsedDate(raw string, parsed *time.Time) bool {
	return parsed == nil && strings.TrimSpace(raw) != ""
}

// PlanUnitImport decides what an import of rows writes, without writing:
// rows take effect from effectiveDay (zero: each row's own active_from,
// the file's earliest for the rest); mode says whether the rows are the
// whole tree that day (stored units they do not name are closed) and
// whether they reopen units closed by mistake. It
// resolves every row's first day, checks the rows against the stored
// history (ValidateUnitRows plus what only the history can tell)
// and returns every problem at once.
func PlanUnitImport(rows []UnitRow, effectiveDay time.Time, mode UnitImportMode, stored map[string]*StoredUnit) (*UnitImportPlan, error) {
	var problems UnitImportError
	p := &UnitImportPlan{RowOf: make(map[string]int, len(rows))}
	effective := !effectiveDay.IsZero()
	if effective {
		p.Base = Day(effectiveDay.Date())
	} else {
		for _, r := range rows {
			if r.ActiveFrom != nil && (p.Base.IsZero() || r.ActiveFrom.Before(p.Base)) {
				p.Base = *r.ActiveFrom
			}
		}
		if p.Base.IsZero() {
			problems.Add(0, UnitColActiveFrom, "", msgImportNeedsDate)
			return nil, problems.Err()
		}
	}

	known := make(map[string]UnitRef, len(stored))
	for code, su := range stored {
		ref := UnitRef{Code: code, ActiveFrom: su.ActiveFrom, ActiveUntil: su.ActiveUntil}
		if v := su.VersionAt(p.Base); v != nil {
			ref.Kind, ref.ParentCode = v.Kind, v.ParentCode
		}
		known[code] = ref
	}

	// view is the stored units as the plan sees them once the units it
	// reopens are reopened; stored itself is left as it is.
	view := maps.Clone(stored)

	// Validation sees each row over the days it will write: from its first
	// day to its own last day or, for a stored unit, to the end of the
	// version it replaces. Unparsable dates stay nil so they are reported.
	starts := make([]time.Time, len(rows))
	checked := make([]UnitRow, len(rows))
	for i, r := range rows {
		if _, seen := p.RowOf[r.Code]; !seen {
			p.RowOf[r.Code] = r.Row
		}
		start := p.Base
		su := stored[r.Code]
		if r.ActiveFrom != nil && (!effective || su == nil) {
			start = *r.ActiveFrom
		}
		starts[i] = start
		c := r
		if !unparsedDate(r.Raw.ActiveFrom, r.ActiveFrom) {
			c.ActiveFrom = &start
		}
		if su != nil && reopens(mode, r, start, su) {
			p.Reopens = append(p.Reopens, UnitReopen{Code: r.Code, Until: *su.ActiveUntil})
			su = reopened(su)
			view[r.Code] = su
			ref := known[r.Code]
			ref.ActiveUntil = nil
			known[r.Code] = ref
		}
		if su != nil {
			if until, ok := planStoredRow(&problems, r, start, su); ok {
				if !unparsedDate(r.Raw.ActiveUntil, r.ActiveUntil) {
					c.ActiveUntil = until
				}
				if r.ActiveUntil != nil { // children are checked against the new last day
					ref := known[r.Code]
					ref.ActiveUntil = r.ActiveUntil
					known[r.Code] = ref
				}
			}
		}
		checked[i] = c
	}

	if mode.CloseMissing {
		closeBefore := dayBefore(p.Base)
		for _, code := range sortedCodes(stored) {
			su := stored[code]
			if _, listed := p.RowOf[code]; listed || su.ActiveFrom.After(p.Base) || (su.ActiveUntil != nil && su.ActiveUntil.Before(p.Base)) {
				continue
			}
			if !su.ActiveFrom.Before(p.Base) {
				problems.Add(0, UnitColCode, code, msgMissingStartsLate, code, FormatDate(p.Base))
				continue
			}
			if n := len(su.Versions); n > 0 && !su.Versions[n-1].ValidFrom.Before(p.Base) {
				problems.Add(0, UnitColCode, code, msgMissingHasLater, code, FormatDate(su.Versions[n-1].ValidFrom), FormatDate(p.Base))
				continue
			}
			p.Closes = append(p.Closes, UnitClose{Code: code, Until: closeBefore})
			ref := known[code]
			ref.ActiveUntil = &closeBefore
			known[code] = ref
		}
	}

	if err := ValidateUnitRows(checked, known); err != nil {
		var ue *UnitImportError
		if !errors.As(err, &ue) {
			return nil, err
		}
		problems.Problems = append(problems.Problems, ue.Problems...)
	}
	if err := problems.Err(); err != nil {
		return nil, err
	}

	for i, r := range rows {
		p.planRow(r, starts[i], view[r.Code])
	}
	p.Result.Closed = len(p.Closes)
	p.Result.Reopened = len(p.Reopens)
	for _, c := range p.Closes {
		p.Touched = append(p.Touched, c.Code)
	}
	for _, r := range p.Reopens {
		p.Touched = append(p.Touched, r.Code)
	}
	return p, nil
}

// planStoredRow checks a row of a stored unit against its history and
// returns the last day the row's data will hold: its own active_until, or
// the end of the version in effect on its first day.
func planStoredRow(problems *UnitImportError, r UnitRow, start time.Time, su *StoredUnit) (*time.Time, bool) {
	if start.Before(su.ActiveFrom) {
		problems.Add(r.Row, UnitColActiveFrom, r.Raw.ActiveFrom, msgBeforeUnitStart, r.Code, FormatDate(su.ActiveFrom), FormatDate(start))
		return nil, false
	}
	if su.ActiveUntil != nil && start.After(*su.ActiveUntil) {
		return nil, false // a reused code; reporting says so
	}
	v := su.VersionAt(start)
	if v == nil {
		problems.Add(r.Row, UnitColCode, r.Code, msgNoVersion, r.Code, FormatDate(start))
		return nil, false
	}
	if r.ActiveUntil != nil {
		if su.ActiveUntil != nil && !su.ActiveUntil.Equal(*r.ActiveUntil) {
			problems.Add(r.Row, UnitColActiveUntil, r.Raw.ActiveUntil, msgUntilAlreadySet, r.Code, FormatDate(*su.ActiveUntil), FormatDate(*r.ActiveUntil))
			return nil, false
		}
		if last := su.Versions[len(su.Versions)-1]; last.ValidFrom.After(*r.ActiveUntil) {
			problems.Add(r.Row, UnitColActiveUntil, r.Raw.ActiveUntil, msgVersionAfterUntil, r.Code, FormatDate(last.ValidFrom), FormatDate(*r.ActiveUntil))
			return nil, false
		}
	}
	return earlierEnd(r.ActiveUntil, v.ValidUntil), true
}

// planRow adds one valid row's writes to the plan.
func (p *UnitImportPlan) planRow(r UnitRow, start time.Time, su *StoredUnit) {
	emails := r.Emails
	if emails == nil {
		emails = []string{}
	}
	ver := PlannedVersion{Code: r.Code, ValidFrom: start, Name: r.Name, Kind: r.Kind, ParentCode: r.ParentCode, Emails: emails}
	if su == nil {
		ver.ValidUntil = r.ActiveUntil
		p.Units = append(p.Units, NewUnit{Code: r.Code, ActiveFrom: start, ActiveUntil: r.ActiveUntil})
		p.Versions = append(p.Versions, ver)
		p.Touched = append(p.Touched, r.Code)
		p.Result.Created++
		return
	}
	v := su.VersionAt(start)
	if r.ActiveUntil != nil && su.ActiveUntil == nil {
		p.Closes = append(p.Closes, UnitClose{Code: r.Code, Until: *r.ActiveUntil})
	}
	switch {
	case v.SameAs(r):
		p.Result.Unchanged++
		return
	case v.ValidFrom.Equal(start):
		ver.ID, ver.ValidFrom = v.ID, v.ValidFrom
		p.Replaced = append(p.Replaced, ver)
	default:
		ver.ValidUntil = earlierEnd(r.ActiveUntil, v.ValidUntil)
		p.Ends = append(p.Ends, VersionEnd{ID: v.ID, ValidUntil: dayBefore(start)})
		p.Versions = append(p.Versions, ver)
	}
	p.Touched = append(p.Touched, r.Code)
	p.Result.Versioned++
}

func sortedCodes(stored map[string]*StoredUnit) []string {
	codes := make([]string, 0, len(stored))
	for c := range stored {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	return codes
}
