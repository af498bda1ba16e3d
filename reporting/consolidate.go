package reporting

import (
	"cmp"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// This file holds the consolidated report of one form for one period: what
// every obliged unit reported (its counting submission: the latest version
// not returned), the aggregates per parent unit, per unit kind and for the
// province, the comparison with earlier periods and the compliance counts.
// The store fills it (aggregating in SQL); the Excel and PDF writers read it.
// A unit without a counting submission has no values: it shows as "not
// reported", never as zeros, and it takes no part in averages.

// User-facing texts of consolidated reports, in Vietnamese, kept together
// for review.
const (
	msgNotReported   = "Chưa báo cáo"
	msgProvinceTotal = "TỔNG CỘNG TOÀN TỈNH"
	msgTotalOf       = "TỔNG CỘNG TOÀN "
	msgNoParent      = "(không có đơn vị cấp trên)"
	// Baseline notes: which period, how many units reported then and now,
	// and how far the two periods' units differ.
	msgBaselineReported = "So với %s (%s): %s/%s đơn vị đã báo cáo; kỳ này %s/%s."
	msgBaselineMostly   = " Phạm vi đơn vị có thay đổi: %s đơn vị phải báo cáo ở cả hai kỳ."
	msgLikeForLike      = " Tăng, giảm của các chỉ tiêu cộng tổng được tính trên %s đơn vị có báo cáo ở cả hai kỳ."
	msgLikeRegrouped    = " Trong đó %s đơn vị được so với các đơn vị cũ đã hợp nhất vào đơn vị đó."
	msgLikePartial      = " %s đơn vị không so sánh được vì có đơn vị cũ không báo cáo kỳ trước."
	msgLikeNew          = " %s đơn vị không có số liệu kỳ trước để so sánh."
	msgLikeNone         = " Không đơn vị nào có báo cáo ở cả hai kỳ nên không tính tăng, giảm."
	msgBaselineOther    = " Phạm vi đơn vị khác nhau (chỉ %s đơn vị phải báo cáo ở cả hai kỳ, có thể do sắp xếp đơn vị hành chính) nên không tính tăng, giảm."
)

// Labels of the periods a report compares with, and of the change, shared
// by the Excel and PDF reports and the baseline notes.
const (
	LabelPrevious = "Kỳ trước"
	LabelYearAgo  = "Cùng kỳ năm trước"
	LabelChange   = "Tăng (+), giảm (−)"
)

// LowerFirst lower-cases the first letter of s ("Kỳ trước" → "kỳ trước"),
// for a label used mid-sentence.
func LowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return strings.ToLower(string(r)) + s[n:]
}

// NotReported is how a unit without a counting submission is shown in
// place of its values.
const NotReported = msgNotReported

// Places after the decimal point of computed values. Averages keep four
// (two are shown; the rest keeps a re-average honest), percentages of
// change two. PostgreSQL rounds the same way (half away from zero).
const (
	AvgPlaces     = 4
	PercentPlaces = 2
)

// Decimal is an exact decimal number in canonical text (see
// IsCanonicalNumber): sums of money keep every digit. "" means no value.
type Decimal string

// ParseDecimal reads a decimal as PostgreSQL's numeric prints it
// ("1234.50", "-3", "0.0000") into canonical form.
func ParseDecimal(s string) (Decimal, bool) {
	if s == "" {
		return "", true
	}
	intPart, frac, _ := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	if intPart == "" || !allDigits(intPart) || !allDigits(frac) {
		return "", false
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return "", false
	}
	return ratDecimal(r, len(frac)), true
}

// DecimalInt is n as a Decimal.
func DecimalInt(n int64) Decimal { return Decimal(strconv.FormatInt(n, 10)) }

// ratDecimal rounds r to places and makes it canonical.
func ratDecimal(r *big.Rat, places int) Decimal {
	s := r.FloatString(places)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return Decimal(s)
}

// Valid reports whether d holds a value.
func (d Decimal) Valid() bool { return d != "" }

// String is the canonical text; "" when there is no value.
func (d Decimal) String() string { return string(d) }

// Float64 is the nearest float64: what a spreadsheet stores. Exact for up
// to 15 significant digits (see FitsSpreadsheet).
func (d Decimal) Float64() float64 {
	f, _ := strconv.ParseFloat(string(d), 64)
	return f
}

// SpreadsheetDigits is how many significant digits a spreadsheet keeps of
// a number: cells hold doubles, and Excel reads, shows and writes 15.
const SpreadsheetDigits = 15

// FitsSpreadsheet reports whether a spreadsheet holds d exactly as a
// number: whether it has at most SpreadsheetDigits significant digits
// (zeros ending an integer do not count: 10^19 is exact). One amount may
// have 17 (10^15 đồng with two decimals), a province total of 10,000
// units 22, so a workbook writes such figures as text rather than lose
// their last digits.
func (d Decimal) FitsSpreadsheet() bool {
	s := strings.TrimPrefix(string(d), "-")
	if !strings.Contains(s, ".") {
		s = strings.TrimRight(s, "0")
	}
	s = strings.TrimLeft(strings.Replace(s, ".", "", 1), "0")
	return len(s) <= SpreadsheetDigits
}

// Places is the number of digits after the decimal point.
func (d Decimal) Places() int {
	if _, frac, ok := strings.Cut(string(d), "."); ok {
		return len(frac)
	}
	return 0
}

// Format writes d the Vietnamese way, rounded to places ("12.345,6").
func (d Decimal) Format(places int) string {
	if !d.Valid() {
		return ""
	}
	return FormatNumber(string(ratDecimal(d.rat(), places)))
}

func (d Decimal) rat() *big.Rat {
	r, ok := new(big.Rat).SetString(string(d))
	if !ok {
		return new(big.Rat)
	}
	return r
}

// Sign is -1, 0 or +1.
func (d Decimal) Sign() int { return d.rat().Sign() }

// Cmp compares d and e as numbers.
func (d Decimal) Cmp(e Decimal) int { return d.rat().Cmp(e.rat()) }

// Add is d+e, exactly.
func (d Decimal) Add(e Decimal) Decimal {
	return ratDecimal(new(big.Rat).Add(d.rat(), e.rat()), max(d.Places(), e.Places()))
}

// Sub is d-e, exactly; no value when either has none.
func (d Decimal) Sub(e Decimal) Decimal {
	if !d.Valid() || !e.Valid() {
		return ""
	}
	return ratDecimal(new(big.Rat).Sub(d.rat(), e.rat()), max(d.Places(), e.Places()))
}

// Ratio is d/e×100 rounded to PercentPlaces; no value when either has none
// or e is 0: a percentage of nothing is not a number a reader should see.
func (d Decimal) Ratio(e Decimal) Decimal {
	if !d.Valid() || !e.Valid() || e.Sign() == 0 {
		return ""
	}
	r := new(big.Rat).Quo(d.rat(), e.rat())
	return ratDecimal(r.Mul(r, big.NewRat(100, 1)), PercentPlaces)
}

// UnitScope is which units a consolidated report covers: every unit, or
// the listed codes and the subtree under Subtree (its root included, as the
// tree was in the period: a district's communes in 2024, nothing after the
// 2025 reform). The zero value covers nothing.
type UnitScope struct {
	All     bool
	Codes   []string
	Subtree string
}

// AllUnits is the scope of inspectors and administrators.
var AllUnits = UnitScope{All: true}

// FieldValue is one reported value of a counting submission. Which part is
// set follows the field's type: Num for int, decimal and percent, Text for
// choice and text, Day for date.
type FieldValue struct {
	Num  Decimal
	Text string
	Day  time.Time
}

// UnitReport is one obligation of the period: the unit as it was when the
// period opened, how it filed and, when a submission counts, its values.
type UnitReport struct {
	Code       string
	Name       string
	Kind       UnitKind
	ParentCode string // "" for none
	ParentName string
	// Status is obligations.status; StatusReason explains an exemption.
	Status       Status
	StatusReason string
	Deadline     time.Time
	// FirstSubmittedAt and LastSubmittedAt bound the uploads; zero when
	// there are none. Versions counts them.
	FirstSubmittedAt time.Time
	LastSubmittedAt  time.Time
	Versions         int
	// CountedVersion is the version whose values count; 0 when none does.
	CountedVersion int
	// The latest review of any version: decision, reviewer's name, time.
	ReviewDecision Decision
	Reviewer       string
	ReviewedAt     time.Time
	// Values holds the counting submission's values in Consolidation.Fields
	// order; nil when no submission counts.
	Values []FieldValue
}

// Reported reports whether a submission counts for the unit.
func (u *UnitReport) Reported() bool { return u.Values != nil }

// OnTime reports whether the first version came by the deadline.
func (u *UnitReport) OnTime() bool {
	return !u.FirstSubmittedAt.IsZero() && !u.FirstSubmittedAt.After(u.Deadline)
}

// DaysLate is how many days (a day started counts whole) the first version
// came after the deadline or, while nothing is in, the deadline is past at
// now, as the compliance pages count them; 0 for an exempt unit.
func (u *UnitReport) DaysLate(now time.Time) int {
	if u.Status == StatusExempt {
		return 0
	}
	var first *time.Time
	if !u.FirstSubmittedAt.IsZero() {
		first = &u.FirstSubmittedAt
	}
	return DaysLate(u.Deadline, first, now)
}

// Aggregated is one field consolidated over a group of units.
type Aggregated struct {
	// Value is the sum, average, minimum or maximum, as the field says;
	// no value when no unit of the group gave one.
	Value Decimal
	// Count is how many units of the group gave a value.
	Count int
	// Choices counts the units per choice, in Field.Choices order, for
	// choice fields.
	Choices []int
}

// GroupLevel says what a group gathers.
type GroupLevel string

// Group levels.
const (
	LevelParent   GroupLevel = "parent"   // the units of one kind under one parent
	LevelKind     GroupLevel = "kind"     // all units of one kind
	LevelProvince GroupLevel = "province" // every unit
)

// Group is the consolidation of a set of units.
type Group struct {
	Level      GroupLevel
	Kind       UnitKind // for parent and kind groups
	ParentCode string   // for parent groups
	ParentName string
	// Obliged counts the obligations in the group, Reported those with a
	// counting submission.
	Obliged  int
	Reported int
	// Values holds one aggregate per field, in Consolidation.Fields order.
	Values []Aggregated
}

// Label names the group in Vietnamese.
func (g *Group) Label() string {
	switch g.Level {
	case LevelProvince:
		return msgProvinceTotal
	case LevelKind:
		return g.Kind.Label()
	}
	if g.ParentName == "" {
		return msgNoParent
	}
	return g.ParentName
}

// Baseline is an earlier period's province total, to compare with.
type Baseline struct {
	PeriodID int64
	Key      string
	Label    string
	Total    Group
	// Shared counts the units (by code, in scope) that owed both this
	// period's report and the consolidated one.
	Shared int
	// Like is this period regrouped onto the report's units by succession,
	// over the units that reported both times; nil when not worked out.
	// Summed fields' changes are computed over it.
	Like *LikeForLike
}

// UnitMatch says how an earlier period's units compare with the report's:
// totals over different units are not a trend. After the 2025 reform a
// province's 122 districts and communes became 40 communes, and its totals
// "fell" by two thirds.
type UnitMatch int

const (
	// SameUnits: the same units owed both reports.
	SameUnits UnitMatch = iota
	// MostlySame: nine in ten of the units or more owed both; the change is
	// given, with the unit counts beside it.
	MostlySame
	// OtherUnits: the units differ more; totals are shown, not compared.
	OtherUnits
)

// Match compares the units of baseline b with the report's.
func (c *Consolidation) Match(b *Baseline) UnitMatch {
	now, then := len(c.Units), b.Total.Obliged
	switch {
	case b.Shared == now && b.Shared == then:
		return SameUnits
	case b.Shared*10 >= 9*max(now, then):
		return MostlySame
	}
	return OtherUnits
}

// BaselineNotes says, for each earlier period compared with, how many units
// reported then and now and, when the units differ, how much: the context
// a change in a total needs to be read right.
func (c *Consolidation) BaselineNotes() []string {
	var notes []string
	n := func(i int) string { return DecimalInt(int64(i)).Format(0) }
	for _, b := range []struct {
		base *Baseline
		what string
	}{{c.Previous, LabelPrevious}, {c.YearAgo, LabelYearAgo}} {
		if b.base == nil || b.base == c.YearAgo && c.Previous != nil && c.Previous.PeriodID == b.base.PeriodID {
			continue // none, or the previous period is the year-earlier one too
		}
		note := fmt.Sprintf(msgBaselineReported, LowerFirst(b.what), b.base.Label, n(b.base.Total.Reported), n(b.base.Total.Obliged),
			n(c.Total.Reported), n(c.Total.Obliged))
		switch l := b.base.Like; {
		case l != nil && l.Units > 0:
			note += fmt.Sprintf(msgLikeForLike, n(l.Units))
			if l.Regrouped > 0 {
				note += fmt.Sprintf(msgLikeRegrouped, n(l.Regrouped))
			}
			if l.Partial > 0 {
				note += fmt.Sprintf(msgLikePartial, n(l.Partial))
			}
			if l.New > 0 {
				note += fmt.Sprintf(msgLikeNew, n(l.New))
			}
		case l != nil:
			note += msgLikeNone
		case c.Match(b.base) == MostlySame:
			note += fmt.Sprintf(msgBaselineMostly, n(b.base.Shared))
		case c.Match(b.base) == OtherUnits:
			note += fmt.Sprintf(msgBaselineOther, n(b.base.Shared))
		}
		notes = append(notes, note)
	}
	return notes
}

// Consolidation is the consolidated report of one form for one period.
type Consolidation struct {
	Form Form
	// Fields is Form.Fields(), the order of every Values slice.
	Fields   []Field
	PeriodID int64
	Period   Period
	// Province is the name of the root unit when the report is made (the
	// body that issues it), for titles.
	Province     string
	AcceptedOnly bool
	Scope        UnitScope
	// Units is every obligation in scope, in tree order (see SortUnits).
	Units []UnitReport
	// Groups holds the kind groups and, after each, its parent groups, in
	// Units order.
	Groups []Group
	// Total is the province.
	Total Group
	// Previous is the period before of the same form and periodicity,
	// YearAgo the same period a year earlier; nil when not stored.
	Previous *Baseline
	YearAgo  *Baseline
	// Unexplained are the data-quality signals of the counting
	// submissions that no reviewer explained (see signal.go), by unit in
	// Units order, for the report's annex; set by the caller that knows
	// the explanations.
	Unexplained []UnitSignals
}

// TotalLabel names the row of the whole territory after its type: "TỔNG
// CỘNG TOÀN TỈNH", "TỔNG CỘNG TOÀN THÀNH PHỐ" (see TerritoryOf).
func (c *Consolidation) TotalLabel() string {
	_, kind := TerritoryOf(c.Province)
	return msgTotalOf + strings.ToUpper(kind)
}

// FieldIndex is the position of the field code in Fields, or -1.
func (c *Consolidation) FieldIndex(code string) int {
	return slices.IndexFunc(c.Fields, func(f Field) bool { return f.Code == code })
}

// Group finds a group: Group(LevelKind, k, "") or Group(LevelParent, k,
// parent); nil when absent.
func (c *Consolidation) Group(level GroupLevel, kind UnitKind, parent string) *Group {
	if level == LevelProvince {
		return &c.Total
	}
	for i := range c.Groups {
		g := &c.Groups[i]
		if g.Level == level && g.Kind == kind && (level == LevelKind || g.ParentCode == parent) {
			return g
		}
	}
	return nil
}

// Computed reports whether a field consolidates to a number over units.
func Computed(f Field) bool {
	switch f.Aggregate {
	case AggSum, AggAvg, AggMin, AggMax, AggRatio:
		return true
	}
	return false
}

// kindRank orders kinds as UnitKinds does; unknown kinds last.
func kindRank(k UnitKind) int {
	if i := slices.Index(UnitKinds, k); i >= 0 {
		return i
	}
	return len(UnitKinds)
}

// SortUnits puts units in tree order as a reader looks them up: by kind
// (as UnitKinds), then parent by name, then unit by name, codes breaking
// ties. key is a name's sort key (vi.NewKeyer().Key: the Vietnamese
// alphabet, "Xã 2" before "Xã 10"), asked once per unit; reporting leaves
// the collation to its caller. A parent's units stay together even if
// their records name it differently: it sorts by the first name seen.
func SortUnits(units []UnitReport, key func(string) string) {
	parentKey := map[string]string{}
	type sortKey struct {
		kind                     int
		parent, parentCode, name string
	}
	keys := make([]sortKey, len(units))
	for i, u := range units {
		pk, ok := parentKey[u.ParentCode]
		if !ok {
			pk = key(u.ParentName)
			parentKey[u.ParentCode] = pk
		}
		keys[i] = sortKey{kindRank(u.Kind), pk, u.ParentCode, key(u.Name)}
	}
	order := make([]int, len(units))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		x, y := keys[a], keys[b]
		return cmp.Or(cmp.Compare(x.kind, y.kind), cmp.Compare(x.parent, y.parent), cmp.Compare(x.parentCode, y.parentCode),
			cmp.Compare(x.name, y.name), cmp.Compare(units[a].Code, units[b].Code))
	})
	sorted := make([]UnitReport, len(units))
	for i, j := range order {
		sorted[i] = units[j]
	}
	copy(units, sorted)
}

// RowType says what a row of the summary table holds.
type RowType int

// Summary rows: the province total first, then per kind its total, per
// parent its subtotal (left out when the kind has one parent only: it would
// repeat the kind's total) and the units.
const (
	RowProvince RowType = iota
	RowKind
	RowParent
	RowUnit
)

// Row is one line of the summary table.
type Row struct {
	Type RowType
	// Number is the row's STT: roman per kind, arabic per unit within its
	// kind; "" for the province and parent rows.
	Number string
	Label  string
	Unit   *UnitReport // unit rows
	Group  *Group      // every other row
}

// Rows lays out the summary table: units grouped by kind and parent with
// subtotals, after the province total. Rows point into c.
func (c *Consolidation) Rows() []Row {
	rows := make([]Row, 0, len(c.Units)+len(c.Groups)+1)
	rows = append(rows, Row{Type: RowProvince, Label: c.TotalLabel(), Group: &c.Total})
	kindNo := 0
	for gi := 0; gi < len(c.Groups); gi++ {
		kg := &c.Groups[gi]
		if kg.Level != LevelKind {
			continue
		}
		kindNo++
		rows = append(rows, Row{Type: RowKind, Number: roman(kindNo), Label: kg.Label(), Group: kg})
		var parents []*Group
		for gj := gi + 1; gj < len(c.Groups) && c.Groups[gj].Level == LevelParent; gj++ {
			parents = append(parents, &c.Groups[gj])
		}
		unitNo := 0
		for _, pg := range parents {
			if len(parents) > 1 {
				rows = append(rows, Row{Type: RowParent, Label: pg.Label(), Group: pg})
			}
			for ui := range c.Units {
				u := &c.Units[ui]
				if u.Kind == kg.Kind && u.ParentCode == pg.ParentCode {
					unitNo++
					rows = append(rows, Row{Type: RowUnit, Number: strconv.Itoa(unitNo), Label: u.Name, Unit: u})
				}
			}
		}
	}
	return rows
}

func roman(n int) string {
	vals := []int{1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1}
	syms := []string{"M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"}
	var b strings.Builder
	for i, v := range vals {
		for n >= v {
			b.WriteString(syms[i])
			n -= v
		}
	}
	return b.String()
}

// Change compares a value with a base: Delta = value − base, Percent =
// Delta / base × 100 (no value when the base is 0 or missing, and for
// percentage fields, whose change is in points: a relative change of a
// rate would mislead). Over other units (Units is OtherUnits) there is a
// base and no change.
type Change struct {
	Base    Decimal
	Delta   Decimal
	Percent Decimal
	Units   UnitMatch
	// Compared: Base and Delta are over the units that reported both
	// times (Baseline.Like), not the whole totals; Now is those units'
	// total in the report's period, which Delta is from.
	Compared bool
	Now      Decimal
}

func changeFrom(v, base Decimal) Change {
	d := v.Sub(base)
	return Change{Base: base, Delta: d, Percent: d.Ratio(base)}
}

// Comparison is one computed field's province total against the previous
// period and the same period a year earlier.
type Comparison struct {
	Field   Field
	Current Decimal
	// Previous and YearAgo have no Base when the period or the value is
	// missing.
	Previous Change
	YearAgo  Change
}

// Comparisons compares every computed field's province total with the
// baselines.
func (c *Consolidation) Comparisons() []Comparison {
	var out []Comparison
	for fi, f := range c.Fields {
		if !Computed(f) {
			continue
		}
		cur := c.Total.Values[fi].Value
		cmp := Comparison{
			Field:    f,
			Current:  cur,
			Previous: c.changeFrom(cur, c.Previous, fi),
			YearAgo:  c.changeFrom(cur, c.YearAgo, fi),
		}
		if f.Type == TypePercent {
			cmp.Previous.Percent, cmp.YearAgo.Percent = "", ""
		}
		out = append(out, cmp)
	}
	return out
}

// changeFrom compares cur with field fi of baseline b, nil for none.
func (c *Consolidation) changeFrom(cur Decimal, b *Baseline, fi int) Change {
	if b == nil || fi >= len(b.Total.Values) {
		return changeFrom(cur, "")
	}
	if l := b.Like; l != nil && c.Fields[fi].Aggregate == AggSum {
		// Like with like: the units that reported both times, regrouped
		// by succession.
		if l.Units == 0 || !l.Base[fi].Valid() {
			return Change{Base: b.Total.Values[fi].Value, Units: OtherUnits}
		}
		ch := changeFrom(l.Current[fi], l.Base[fi])
		ch.Units, ch.Compared, ch.Now = SameUnits, true, l.Current[fi]
		return ch
	}
	base, m := b.Total.Values[fi].Value, c.Match(b)
	if m == OtherUnits {
		return Change{Base: base, Units: m}
	}
	ch := changeFrom(cur, base)
	ch.Units = m
	return ch
}

// Compliance counts how the units filed.
type Compliance struct {
	// Obliged counts the obligations, exempt ones included.
	Obliged int
	Exempt  int
	// OnTime and Late split the units that sent anything by their first
	// version; NotSent counts the others, exempt ones left out.
	OnTime, Late, NotSent int
	// Returned counts obligations waiting for a new version, Accepted
	// those whose report was accepted.
	Returned, Accepted int
	// Reported counts units with a counting submission.
	Reported int
	// ByStatus counts obligations.status values.
	ByStatus map[Status]int
}

// Due is the number of units that had to report: the obliged, less the
// exempt.
func (c Compliance) Due() int { return c.Obliged - c.Exempt }

// OnTimePercent is OnTime / Due × 100 (no value when none was due).
func (c Compliance) OnTimePercent() Decimal {
	return DecimalInt(int64(c.OnTime)).Ratio(DecimalInt(int64(c.Due())))
}

// Compliance counts how the units in c filed.
func (c *Consolidation) Compliance() Compliance { return CountCompliance(c.Units) }

// CountCompliance counts how some units filed (say, one kind's).
func CountCompliance(units []UnitReport) Compliance {
	out := Compliance{ByStatus: map[Status]int{}}
	for i := range units {
		u := &units[i]
		out.Obliged++
		out.ByStatus[u.Status]++
		switch {
		case u.Status == StatusExempt:
			out.Exempt++
		case u.FirstSubmittedAt.IsZero():
			out.NotSent++
		case u.OnTime():
			out.OnTime++
		default:
			out.Late++
		}
		switch u.Status {
		case StatusReturned:
			out.Returned++
		case StatusAccepted:
			out.Accepted++
		}
		if u.Reported() {
			out.Reported++
		}
	}
	return out
}

// FormatValue writes a unit's or group's number for reading: grouped
// thousands, two decimals for averages and decimals, one for percentages.
func FormatValue(f Field, d Decimal) string {
	return d.Format(ValuePlaces(f))
}

// ValuePlaces is how many decimals a field's consolidated value shows.
func ValuePlaces(f Field) int {
	switch {
	case f.Type == TypePercent:
		return 1
	case f.Type == TypeDecimal, f.Aggregate == AggAvg:
		return 2
	}
	return 0
}
