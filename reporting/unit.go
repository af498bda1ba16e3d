package reporting

import "time"

// UnitKind is what kind of body a unit is.
type UnitKind string

// The unit kinds. The province is the root of the tree.
const (
	KindProvince   UnitKind = "province"
	KindAgency     UnitKind = "agency"
	KindPSU        UnitKind = "psu"
	KindDistrictPC UnitKind = "district_pc"
	KindCommunePC  UnitKind = "commune_pc"
)

// UnitKinds lists every kind, root first.
var UnitKinds = []UnitKind{KindProvince, KindAgency, KindPSU, KindDistrictPC, KindCommunePC}

// Valid reports whether k is a known kind.
func (k UnitKind) Valid() bool {
	for _, x := range UnitKinds {
		if k == x {
			return true
		}
	}
	return false
}

// Label is the kind's Vietnamese name.
func (k UnitKind) Label() string {
	switch k {
	case KindProvince:
		return "Tỉnh"
	case KindAgency:
		return "Cơ quan hành chính"
	case KindPSU:
		return "Đơn vị sự nghiệp công lập"
	case KindDistrictPC:
		return "UBND cấp huyện"
	case KindCommunePC:
		return "UBND cấp xã"
	}
	return string(k)
}

// Unit is one version of a unit: its stable code and what it was called,
// what kind it was and under which parent from ValidFrom on.
// Dates are civil dates held as midnight UTC (see Day).
type Unit struct {
	Code        string
	VersionID   int64
	Name        string
	Kind        UnitKind
	ParentCode  string // "" for the root
	Emails      []string
	ActiveFrom  time.Time
	ActiveUntil *time.Time // last active day, inclusive; nil while active
	ValidFrom   time.Time  // this version's first day
	ValidUntil  *time.Time // this version's last day, inclusive
}

// ActiveOn reports whether the unit exists on day d.
func (u Unit) ActiveOn(d time.Time) bool {
	return !d.Before(u.ActiveFrom) && (u.ActiveUntil == nil || !d.After(*u.ActiveUntil))
}

// Day is the civil date y-m-d, held as midnight UTC. Every date in the
// domain (data windows, active_from/until, holidays) uses this form.
func Day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// DayOf is the civil date of instant t in loc.
func DayOf(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return Day(y, m, d)
}
