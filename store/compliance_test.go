package store_test

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
	"baocao/vi"
)

var vnZone = func() *time.Location {
	l, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		panic(err)
	}
	return l
}()

// complianceFormYAML is the small test form filed by communes and agencies
// alike, so that compliance splits by kind.
var complianceFormYAML = strings.Replace(strings.Replace(storetest.SmallFormYAML,
	"code: TEST-IN", "code: TEST-CP", 1),
	"unit_kinds: [commune_pc]", "unit_kinds: [commune_pc, agency]", 1)

// plan is what a unit of the simulated period does.
type plan int

const (
	earlyBird plan = iota // files two days before the deadline
	onTime                // files the day before
	lastHour              // files in the last hour
	late                  // files two days after the deadline
	never                 // files nothing
)

// cpFixture is a simulated half-year period of 30 units: a province with
// three districts of nine communes each and three agencies directly under
// the province. Unit i follows plan i%5.
type cpFixture struct {
	st        *store.Store
	periodID  int64
	versionID int64
	deadline  time.Time
	locksAt   time.Time
	province  string
	districts []string
	units     []reporting.Unit // the 30 obliged units, in plan order
}

func (fx *cpFixture) plan(i int) plan { return plan(i % 5) }

// filingTime is when unit i files its first version under its plan.
func (fx *cpFixture) filingTime(i int) (time.Time, bool) {
	switch fx.plan(i) {
	case earlyBird:
		return fx.deadline.Add(-48 * time.Hour), true
	case onTime:
		return fx.deadline.Add(-24 * time.Hour), true
	case lastHour:
		return fx.deadline.Add(-time.Hour), true
	case late:
		return fx.deadline.Add(48 * time.Hour), true
	}
	return time.Time{}, false
}

func newCPFixture(t testing.TB) *cpFixture {
	t.Helper()
	return newCPFixtureNamed(t, nil)
}

// newCPFixtureNamed is newCPFixture with unit i named names[i] where given.
func newCPFixtureNamed(t testing.TB, names map[int]string) *cpFixture {
	t.Helper()
	ctx := context.Background()
	st := storetest.Open(t)
	storetest.SyncFormYAML(t, st, "test-cp.yaml", complianceFormYAML)
	fx := &cpFixture{st: st}
	fx.province = storetest.Unit(t, st, &storetest.UnitOpts{Kind: reporting.KindProvince, Name: "UBND tỉnh Thử"}).Code
	for d := range 3 {
		fx.districts = append(fx.districts, storetest.Unit(t, st, &storetest.UnitOpts{
			Kind: reporting.KindDistrictPC, Parent: fx.province, Name: fmt.Sprintf("UBND huyện %d", d+1)}).Code)
	}
	for i := range 30 {
		o := &storetest.UnitOpts{Name: fmt.Sprintf("Đơn vị %02d", i)}
		if name, ok := names[i]; ok {
			o.Name = name
		}
		if i < 27 {
			o.Parent = fx.districts[i/9]
		} else {
			o.Kind, o.Parent = reporting.KindAgency, fx.province
		}
		fx.units = append(fx.units, storetest.Unit(t, st, o))
	}
	opened := time.Date(2026, time.June, 10, 9, 0, 0, 0, vnZone)
	storetest.OpenDue(t, st, opened, vnZone)
	err := st.Pool().QueryRow(ctx, `SELECT id, form_version_id, deadline, locks_at FROM periods WHERE form_code = 'TEST-CP' AND key = '2026-H1'`).
		Scan(&fx.periodID, &fx.versionID, &fx.deadline, &fx.locksAt)
	if err != nil {
		t.Fatal(err)
	}
	fx.deadline = fx.deadline.In(vnZone)
	return fx
}

// file stores a new version of unit's report at `at`.
func (fx *cpFixture) file(t testing.TB, unit string, at time.Time) store.Submission {
	t.Helper()
	return storetest.Upload(t, fx.st, fx.periodID, unit, at)
}

// fileDueBy files every planned first version due by `at` that is not in.
func (fx *cpFixture) fileDueBy(t testing.TB, at time.Time, done map[int]bool) {
	t.Helper()
	for i, u := range fx.units {
		if when, ok := fx.filingTime(i); ok && !when.After(at) && !done[i] {
			fx.file(t, u.Code, when)
			done[i] = true
		}
	}
}

func (fx *cpFixture) compliance(t testing.TB, at time.Time) store.Compliance {
	t.Helper()
	c, err := fx.st.PeriodCompliance(context.Background(), fx.periodID, at, reporting.AllUnits)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// flagged counts the period's "flagged missing" events in the history.
func (fx *cpFixture) flagged(t testing.TB) int {
	t.Helper()
	var n int
	if err := fx.st.Pool().QueryRow(context.Background(), `SELECT count(*) FROM obligation_events WHERE period_id = $1 AND kind = 'flagged_missing'`,
		fx.periodID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// counts is the shape the hand counts are written in.
type counts struct{ obliged, pending, submitted, late, missing, returned, accepted, exempt, onTime, filedLate int }

func countsOf(c store.ComplianceCounts) counts {
	return counts{c.Obliged, c.Pending, c.Submitted, c.Late, c.Missing, c.Returned, c.Accepted, c.Exempt, c.OnTime, c.FiledLate}
}

func groupsOf(gs []store.ComplianceGroup) map[string]counts {
	out := map[string]counts{}
	for _, g := range gs {
		out[g.Code] = countsOf(g.ComplianceCounts)
	}
	return out
}

// TestSimulatedPeriodWithAMovingClock walks a period of 30 units through
// its deadline: statuses at each moment, the deadline tick, late filings,
// and rates against a hand count (plans by i%5; see cpFixture):
//
//	district 1 (units 0–8):  on time 0,1,2,5,6,7; late 3,8;  never 4
//	district 2 (units 9–17): on time 10,11,12,15,16,17; late 13; never 9,14
//	district 3 (18–26):      on time 20,21,22,25,26; late 18,23; never 19,24
//	agencies (27–29):        on time 27; late 28; never 29
func TestSimulatedPeriodWithAMovingClock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx := newCPFixture(t)
	filed := map[int]bool{}

	// The day before the deadline: the early birds are in.
	at := fx.deadline.Add(-24*time.Hour - time.Minute)
	fx.fileDueBy(t, at, filed)
	c := fx.compliance(t, at)
	if got, want := countsOf(c.Total), (counts{obliged: 30, pending: 24, submitted: 6, onTime: 6}); got != want {
		t.Fatalf("day before: %+v, want %+v", got, want)
	}

	// The deadline's last second: every on-time plan is in.
	at = fx.deadline
	fx.fileDueBy(t, at, filed)
	c = fx.compliance(t, at)
	if got, want := countsOf(c.Total), (counts{obliged: 30, pending: 12, submitted: 18, onTime: 18}); got != want {
		t.Fatalf("at the deadline: %+v, want %+v", got, want)
	}

	// An hour after the deadline, before any tick: the query already
	// derives missing; the history has no flag yet.
	at = fx.deadline.Add(time.Hour)
	c = fx.compliance(t, at)
	if got, want := countsOf(c.Total), (counts{obliged: 30, missing: 12, submitted: 18, onTime: 18}); got != want {
		t.Fatalf("after the deadline: %+v, want %+v", got, want)
	}
	if n := fx.flagged(t); n != 0 {
		t.Fatalf("%d flagged before the tick", n)
	}
	svc := storetest.Ops(fx.st, vnZone)
	for range 2 { // the tick, twice: the second changes nothing
		if _, err := svc.FlagMissing(ctx, at); err != nil {
			t.Fatal(err)
		}
	}
	if n := fx.flagged(t); n != 12 {
		t.Fatalf("%d flagged after the tick, want 12", n)
	}
	if c2 := fx.compliance(t, at); countsOf(c2.Total) != countsOf(c.Total) {
		t.Fatalf("the flag changed the counts: %+v, was %+v", c2.Total, c.Total)
	}

	// Three days on, the late ones have filed; the rest never will.
	at = fx.deadline.Add(72 * time.Hour)
	fx.fileDueBy(t, at, filed)
	for i, u := range fx.units {
		if fx.plan(i) == late {
			var sub store.Submission
			subs, err := fx.st.Submissions(ctx, fx.periodID, u.Code)
			if err != nil || len(subs) != 1 {
				t.Fatalf("%s: %v, %v", u.Code, subs, err)
			}
			if sub = subs[0]; !sub.Late {
				t.Errorf("%s's version after the deadline not marked late", u.Code)
			}
		}
	}
	c = fx.compliance(t, at)
	if got, want := countsOf(c.Total), (counts{obliged: 30, submitted: 18, late: 6, missing: 6, onTime: 18, filedLate: 6}); got != want {
		t.Fatalf("end: %+v, want %+v", got, want)
	}
	if c.Total.OnTimeRate != 18.0/30 || c.Total.FiledRate != 24.0/30 {
		t.Fatalf("rates %v, %v; want 0.6, 0.8", c.Total.OnTimeRate, c.Total.FiledRate)
	}
	wantParents := map[string]counts{
		fx.districts[0]: {obliged: 9, submitted: 6, late: 2, missing: 1, onTime: 6, filedLate: 2},
		fx.districts[1]: {obliged: 9, submitted: 6, late: 1, missing: 2, onTime: 6, filedLate: 1},
		fx.districts[2]: {obliged: 9, submitted: 5, late: 2, missing: 2, onTime: 5, filedLate: 2},
		fx.province:     {obliged: 3, submitted: 1, late: 1, missing: 1, onTime: 1, filedLate: 1},
	}
	if got := groupsOf(c.ByParent); fmt.Sprint(got) != fmt.Sprint(wantParents) {
		t.Fatalf("per parent:\n got %v\nwant %v", got, wantParents)
	}
	for _, g := range c.ByParent {
		if g.Code == fx.districts[0] && (g.Name != "UBND huyện 1" || g.OnTimeRate != 6.0/9) {
			t.Errorf("district 1 group %+v", g)
		}
	}
	wantKinds := map[string]counts{
		"commune_pc": {obliged: 27, submitted: 17, late: 5, missing: 5, onTime: 17, filedLate: 5},
		"agency":     {obliged: 3, submitted: 1, late: 1, missing: 1, onTime: 1, filedLate: 1},
	}
	if got := groupsOf(c.ByKind); fmt.Sprint(got) != fmt.Sprint(wantKinds) {
		t.Fatalf("per kind:\n got %v\nwant %v", got, wantKinds)
	}

	// The past is asked about with what had come in by then: at the
	// deadline the late ones were not in, whatever is stored now.
	c = fx.compliance(t, fx.deadline)
	if got, want := countsOf(c.Total), (counts{obliged: 30, pending: 12, submitted: 18, onTime: 18}); got != want {
		t.Fatalf("the deadline, asked afterwards: %+v, want %+v", got, want)
	}

	// Reviews change statuses but not timeliness; an exemption leaves the
	// rate's denominator.
	admin := reporting.User{Email: "admin", Role: reporting.RoleAdmin, Active: true}
	review := func(unit int, d reporting.Decision) {
		t.Helper()
		subs, err := fx.st.Submissions(ctx, fx.periodID, fx.units[unit].Code)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Review(ctx, admin, at, ops.ReviewInput{SubmissionID: subs[len(subs)-1].ID, Decision: d,
			Reason: "Thiếu số liệu mục I"}); err != nil {
			t.Fatal(err)
		}
	}
	review(0, reporting.DecisionAccepted) // on time
	review(3, reporting.DecisionAccepted) // late
	review(1, reporting.DecisionReturned) // on time
	if err := svc.Exempt(ctx, admin, at, fx.periodID, fx.units[4].Code, "Đơn vị bị ngập lụt, UBND tỉnh cho miễn"); err != nil {
		t.Fatal(err)
	}
	c = fx.compliance(t, at)
	if got, want := countsOf(c.Total), (counts{obliged: 30, submitted: 16, late: 5, missing: 5, returned: 1, accepted: 2, exempt: 1, onTime: 18, filedLate: 6}); got != want {
		t.Fatalf("after reviews: %+v, want %+v", got, want)
	}
	if c.Total.OnTimeRate != 18.0/29 {
		t.Fatalf("on-time rate %v, want 18/29", c.Total.OnTimeRate)
	}
	// The filed rate counts a report whose latest version stands: the
	// returned one (unit 1) needs a new version and is not filed, though
	// it was on time: 16 submitted + 5 late + 2 accepted of 29 due.
	if c.Total.FiledRate != 23.0/29 {
		t.Fatalf("filed rate %v, want 23/29 (the returned report not counted)", c.Total.FiledRate)
	}
}

// TestSQLStatusAgreesWithTheGoRule runs a table of histories (uploads,
// returns, acceptances, exemptions and their withdrawal, extensions, the
// deadline tick) through both rules: reporting.StatusAt over the history
// read back, and the SQL of the unit history, the compliance counts and
// the matrix (its summary path and its history path), at every moment an
// event happened, a second before it, and after all of them.
func TestSQLStatusAgreesWithTheGoRule(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx := newCPFixture(t)
	d := fx.deadline
	h := func(x float64) time.Time { return d.Add(time.Duration(x * float64(time.Hour))) }
	ev := func(k reporting.EventKind, at time.Time) reporting.Event {
		return reporting.Event{At: at, Kind: k, Reason: "lý do " + string(k)}
	}
	extend := func(at, to time.Time) reporting.Event {
		return reporting.Event{At: at, Kind: reporting.EventExtended, Deadline: to, Reason: "gia hạn"}
	}
	histories := [][]reporting.Event{
		{}, // nothing happens
		{{Kind: reporting.EventUploaded, At: h(-30)}}, // on time
		{{Kind: reporting.EventUploaded, At: h(2)}},   // late
		{{Kind: reporting.EventUploaded, At: h(-30)}, ev(reporting.EventReturned, h(-20)), {Kind: reporting.EventUploaded, At: h(5)}, ev(reporting.EventAccepted, h(6))},
		{{Kind: reporting.EventUploaded, At: h(3)}, ev(reporting.EventAccepted, h(4))},
		{ev(reporting.EventExempted, h(10))},
		{{Kind: reporting.EventUploaded, At: h(-5)}, ev(reporting.EventExempted, h(1)), ev(reporting.EventUnexempted, h(7))},
		{extend(h(30), h(200))}, // extended after the deadline passed
		{{Kind: reporting.EventUploaded, At: h(5)}, extend(h(10), h(48))}, // a late version made on time
		{{Kind: reporting.EventUploaded, At: h(-1)}, ev(reporting.EventReturned, h(1)), ev(reporting.EventExempted, h(2))},
		{{Kind: reporting.EventFlaggedMissing, At: h(1), Deadline: d}, {Kind: reporting.EventUploaded, At: h(20)}},
	}
	moments := map[time.Time]bool{h(-48): true, h(500): true}
	for i, hist := range histories {
		for _, e := range hist {
			if e.Kind == reporting.EventUploaded {
				fx.file(t, fx.units[i].Code, e.At)
			} else {
				storetest.Record(t, fx.st, fx.periodID, fx.units[i].Code, e)
			}
			moments[e.At], moments[e.At.Add(-time.Second)] = true, true
		}
	}
	for _, at := range slices.SortedFunc(maps.Keys(moments), time.Time.Compare) {
		m, err := fx.st.FormMatrix(ctx, "TEST-CP", time.Time{}, time.Time{}, at, reporting.AllUnits)
		if err != nil {
			t.Fatal(err)
		}
		inMatrix := map[string]reporting.Status{}
		for _, r := range m.Rows {
			inMatrix[r.UnitCode] = r.Statuses[0]
		}
		var want counts
		for i := range histories {
			u := fx.units[i].Code
			events, err := fx.st.ObligationHistory(ctx, fx.periodID, u)
			if err != nil {
				t.Fatal(err)
			}
			goRule, _ := reporting.StatusAt(events, at)
			rows, err := fx.st.UnitObligations(ctx, u, at, reporting.AllUnits)
			if err != nil || len(rows) != 1 {
				t.Fatalf("unit %d at %s: %v, %v", i, at, rows, err)
			}
			if rows[0].Status != goRule || inMatrix[u] != goRule {
				t.Errorf("history %d at %s: Go %s, SQL %s, matrix %s", i, at.Format(time.DateTime), goRule, rows[0].Status, inMatrix[u])
			}
			want.add(goRule)
		}
		for range fx.units[len(histories):] { // the fixture's other units: nothing happens
			want.add(reporting.FactsAt([]reporting.Event{{At: h(-1000), Kind: reporting.EventOpened, Deadline: d}}, at).StatusAt(at))
		}
		c := fx.compliance(t, at)
		got := countsOf(c.Total)
		got.onTime, got.filedLate = 0, 0 // timeliness has its own tests
		if got != want {
			t.Errorf("compliance at %s: %+v, want %+v", at.Format(time.DateTime), got, want)
		}
	}
}

// add counts one obligation of status st.
func (c *counts) add(st reporting.Status) {
	c.obliged++
	switch st {
	case reporting.StatusPending:
		c.pending++
	case reporting.StatusSubmitted:
		c.submitted++
	case reporting.StatusLate:
		c.late++
	case reporting.StatusMissing:
		c.missing++
	case reporting.StatusReturned:
		c.returned++
	case reporting.StatusAccepted:
		c.accepted++
	case reporting.StatusExempt:
		c.exempt++
	}
}

func TestObligationHistoryAndScopes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx := newCPFixture(t)
	fx.fileDueBy(t, fx.deadline.Add(72*time.Hour), map[int]bool{})
	at := fx.deadline.Add(72 * time.Hour)
	unit3 := fx.units[3] // district 1, filed late by two days
	tests := []struct {
		name  string
		unit  string
		scope reporting.UnitScope
		rows  int
	}{
		{"everything", unit3.Code, reporting.AllUnits, 1},
		{"its district's subtree", unit3.Code, reporting.UnitScope{Subtree: fx.districts[0]}, 1},
		{"the province's subtree", unit3.Code, reporting.UnitScope{Subtree: fx.province}, 1},
		{"another district's subtree", unit3.Code, reporting.UnitScope{Subtree: fx.districts[1]}, 0},
		{"the unit itself", unit3.Code, reporting.UnitScope{Codes: []string{unit3.Code}}, 1},
		{"another unit", unit3.Code, reporting.UnitScope{Codes: []string{fx.units[4].Code}}, 0},
		{"the zero scope", unit3.Code, reporting.UnitScope{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := fx.st.UnitObligations(ctx, tt.unit, at, tt.scope)
			if err != nil {
				t.Fatal(err)
			}
			if len(h) != tt.rows {
				t.Fatalf("%d rows, want %d", len(h), tt.rows)
			}
			if tt.rows == 0 {
				return
			}
			r := h[0]
			if r.Status != reporting.StatusLate || r.StatusLabel != reporting.StatusLate.Label() || r.DaysLate != 2 || r.Versions != 1 ||
				r.FirstSubmittedAt == nil || r.LastSubmittedAt == nil || r.PeriodKey != "2026-H1" || r.ParentCode != fx.districts[0] {
				t.Fatalf("history row %+v", r)
			}
		})
	}
	// Scoped compliance: a district sees its nine communes, a clerk one.
	for _, tt := range []struct {
		scope   reporting.UnitScope
		obliged int
	}{
		{reporting.UnitScope{Subtree: fx.districts[2]}, 9},
		{reporting.UnitScope{Codes: []string{unit3.Code}}, 1},
		{reporting.UnitScope{}, 0},
	} {
		c, err := fx.st.PeriodCompliance(ctx, fx.periodID, at, tt.scope)
		if err != nil {
			t.Fatal(err)
		}
		if c.Total.Obliged != tt.obliged {
			t.Errorf("scope %+v: %d obliged, want %d", tt.scope, c.Total.Obliged, tt.obliged)
		}
	}
	if _, err := fx.st.PeriodCompliance(ctx, 99999, at, reporting.AllUnits); reporting.ErrorCode(err) != reporting.ENOTFOUND {
		t.Fatalf("unknown period: %v", err)
	}
}

func TestFormMatrix(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx := newCPFixture(t)
	fx.fileDueBy(t, fx.deadline.Add(72*time.Hour), map[int]bool{})
	// A second period, the next half-year, opened later.
	storetest.OpenDue(t, fx.st, time.Date(2026, time.December, 20, 9, 0, 0, 0, vnZone), vnZone)
	at := time.Date(2026, time.December, 31, 9, 0, 0, 0, vnZone)
	m, err := fx.st.FormMatrix(ctx, "TEST-CP", reporting.Day(2026, time.January, 1), reporting.Day(2026, time.December, 31), at, reporting.AllUnits)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Periods) != 2 || m.Periods[0].Key != "2026-H1" || m.Periods[1].Key != "2026-H2" {
		t.Fatalf("periods %+v", m.Periods)
	}
	if len(m.Rows) != 30 {
		t.Fatalf("%d rows, want 30", len(m.Rows))
	}
	byCode := map[string]store.MatrixRow{}
	for _, r := range m.Rows {
		byCode[r.UnitCode] = r
	}
	want := map[plan]reporting.Status{earlyBird: reporting.StatusSubmitted, onTime: reporting.StatusSubmitted, lastHour: reporting.StatusSubmitted,
		late: reporting.StatusLate, never: reporting.StatusMissing}
	for i, u := range fx.units {
		r := byCode[u.Code]
		// H2 2026's deadline (mid December) has passed at the end of the
		// year with nothing in.
		if len(r.Statuses) != 2 || r.Statuses[0] != want[fx.plan(i)] || r.Statuses[1] != reporting.StatusMissing {
			t.Errorf("unit %d: %+v", i, r)
		}
	}
	first := byCode[fx.units[0].Code]
	if first.ParentCode != fx.districts[0] || first.ParentName != "UBND huyện 1" || first.Kind != reporting.KindCommunePC || first.UnitName == "" {
		t.Errorf("first row %+v", first)
	}
	// Rows go by parent name, then unit name (Vietnamese alphabet,
	// numbers by value), so each parent's units stay together.
	if !slices.IsSortedFunc(m.Rows, func(a, b store.MatrixRow) int {
		return cmp.Or(vi.Compare(a.ParentName, b.ParentName), vi.Compare(a.UnitName, b.UnitName))
	}) {
		t.Error("rows not in parent name, unit name order")
	}
	// A narrower window, a scope, and a form with nothing.
	m, err = fx.st.FormMatrix(ctx, "TEST-CP", reporting.Day(2026, time.July, 1), reporting.Day(2026, time.December, 31), at,
		reporting.UnitScope{Subtree: fx.districts[1]})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Periods) != 1 || len(m.Rows) != 9 || len(m.Rows[0].Statuses) != 1 {
		t.Fatalf("second half, district 2: %d periods, %d rows", len(m.Periods), len(m.Rows))
	}
	m, err = fx.st.FormMatrix(ctx, "NO-SUCH", time.Time{}, time.Time{}, at, reporting.AllUnits)
	if err != nil || len(m.Periods) != 0 || len(m.Rows) != 0 {
		t.Fatalf("unknown form: %+v, %v", m, err)
	}
}

// TestPeriodTotalsAgreeWithPeriodCompliance: the dashboard's totals of
// several periods in one statement are each period's own totals.
func TestPeriodTotalsAgreeWithPeriodCompliance(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx := newCPFixture(t)
	fx.fileDueBy(t, fx.deadline.Add(72*time.Hour), map[int]bool{})
	storetest.OpenDue(t, fx.st, time.Date(2026, time.December, 20, 9, 0, 0, 0, vnZone), vnZone)
	var h2 int64
	if err := fx.st.Pool().QueryRow(ctx, `SELECT id FROM periods WHERE form_code = 'TEST-CP' AND key = '2026-H2'`).Scan(&h2); err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Time{fx.deadline, fx.deadline.Add(72 * time.Hour), time.Date(2026, time.December, 31, 9, 0, 0, 0, vnZone)} {
		for _, scope := range []reporting.UnitScope{reporting.AllUnits, {Subtree: fx.districts[0]}} {
			totals, err := fx.st.PeriodTotals(ctx, []int64{fx.periodID, h2}, at, scope)
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range []int64{fx.periodID, h2} {
				c, err := fx.st.PeriodCompliance(ctx, id, at, scope)
				if err != nil {
					t.Fatal(err)
				}
				if totals[id] != c.Total {
					t.Errorf("period %d at %s in %+v: totals %+v, compliance %+v", id, at, scope, totals[id], c.Total)
				}
			}
		}
	}
}

// TestPeriodUnitsFiltersSortsAndPagesLikeTheList: every page the database
// cuts — by status, parent, kind and an accent-free search, in Vietnamese
// order with numbers as numbers — is the slice of the whole list filtered
// and sorted in Go (vi.Fold, vi.SortStable), and its total is the filtered
// count; the counts by status agree with PeriodCompliance; past the last
// page the total still comes.
func TestPeriodUnitsFiltersSortsAndPagesLikeTheList(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// Names that need the collator: tone marks, đ, numbers of two digits.
	names := map[int]string{}
	for i, name := range []string{"Xã Đức Hạnh 10", "Xã Đức Hạnh 2", "Xã Dương Minh Châu", "Xã An Lộc", "xã ấp Bắc", "Xã Thắng Lợi 1", "Xã Đức Hạnh 9"} {
		names[i*4] = name
	}
	fx := newCPFixtureNamed(t, names)
	fx.fileDueBy(t, fx.deadline.Add(72*time.Hour), map[int]bool{})
	storetest.Record(t, fx.st, fx.periodID, fx.units[0].Code, reporting.Event{At: fx.deadline.Add(73 * time.Hour), Kind: reporting.EventReturned, Reason: "Sai"})
	storetest.Record(t, fx.st, fx.periodID, fx.units[4].Code, reporting.Event{At: fx.deadline.Add(74 * time.Hour), Kind: reporting.EventExempted, Reason: "Miễn"})
	at := fx.deadline.Add(100 * time.Hour)
	all, err := fx.st.PeriodUnits(ctx, fx.periodID, at, reporting.AllUnits, store.PeriodUnitFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if all.Total != len(fx.units) || len(all.Units) != len(fx.units) {
		t.Fatalf("all: %d units, total %d; want %d", len(all.Units), all.Total, len(fx.units))
	}
	want := slices.Clone(all.Units)
	slices.Reverse(want) // whatever order the database gave, Go sorts afresh
	vi.SortStable(want, func(u store.PeriodUnit) []string { return []string{u.ParentName, u.UnitName} })
	if got, exp := codesOf(all.Units), codesOf(want); !slices.Equal(got, exp) {
		t.Errorf("order:\n got %v\nwant %v", got, exp)
	}
	c := fx.compliance(t, at)
	byStatus := map[reporting.Status]int{}
	for _, u := range all.Units {
		byStatus[u.Status]++
	}
	if byStatus[reporting.StatusReturned] != c.Total.Returned || byStatus[reporting.StatusExempt] != c.Total.Exempt ||
		byStatus[reporting.StatusMissing] != c.Total.Missing || byStatus[reporting.StatusLate] != c.Total.Late {
		t.Errorf("statuses %v, compliance %+v", byStatus, c.Total)
	}
	filters := []store.PeriodUnitFilter{
		{Limit: 7}, {Offset: 7, Limit: 7}, {Offset: 28, Limit: 7},
		{Statuses: reporting.OwingStatuses, Limit: 5},
		{Statuses: []reporting.Status{reporting.StatusReturned}},
		{Parent: fx.districts[1], Limit: 4, Offset: 4},
		{Kind: reporting.KindAgency},
		{Query: "duc hanh"}, {Query: "ĐỨC HẠNH 1"}, {Query: "AP BAC"}, {Query: strings.ToUpper(fx.units[9].Code[2:])},
		{Query: "duc", Statuses: []reporting.Status{reporting.StatusLate, reporting.StatusSubmitted, reporting.StatusMissing}},
	}
	for _, f := range filters {
		var kept []store.PeriodUnit
		for _, u := range want {
			q := vi.Fold(f.Query)
			if len(f.Statuses) > 0 && !slices.Contains(f.Statuses, u.Status) || f.Parent != "" && u.ParentCode != f.Parent ||
				f.Kind != "" && u.Kind != f.Kind ||
				q != "" && !strings.Contains(vi.Fold(u.UnitName), q) && !strings.Contains(strings.ToLower(u.UnitCode), q) {
				continue
			}
			kept = append(kept, u)
		}
		end := len(kept)
		if f.Limit > 0 {
			end = min(f.Offset+f.Limit, end)
		}
		page := kept[min(f.Offset, len(kept)):end]
		got, err := fx.st.PeriodUnits(ctx, fx.periodID, at, reporting.AllUnits, f)
		if err != nil {
			t.Fatal(err)
		}
		if got.Total != len(kept) || !slices.Equal(codesOf(got.Units), codesOf(page)) {
			t.Errorf("%+v: total %d %v; want %d %v", f, got.Total, codesOf(got.Units), len(kept), codesOf(page))
		}
		if len(page) > 0 && fmt.Sprint(got.Units[0]) != fmt.Sprint(page[0]) {
			t.Errorf("%+v: first row\n got %+v\nwant %+v", f, got.Units[0], page[0])
		}
	}
	for _, q := range []string{"duc hanh", "ap bac"} { // the searches above must have found something
		if got, _ := fx.st.PeriodUnits(ctx, fx.periodID, at, reporting.AllUnits, store.PeriodUnitFilter{Query: q}); got.Total == 0 {
			t.Errorf("search %q found nothing", q)
		}
	}
	past, err := fx.st.PeriodUnits(ctx, fx.periodID, at, reporting.AllUnits, store.PeriodUnitFilter{Offset: 500, Limit: 10})
	if err != nil || past.Total != len(fx.units) || len(past.Units) != 0 {
		t.Errorf("past the last page: %d units, total %d, %v", len(past.Units), past.Total, err)
	}
	sub, err := fx.st.PeriodUnits(ctx, fx.periodID, at, reporting.UnitScope{Subtree: fx.districts[2]}, store.PeriodUnitFilter{})
	if err != nil || sub.Total != 9 {
		t.Errorf("a district's subtree: %d units, %v; want its 9 communes", sub.Total, err)
	}
}

func codesOf(us []store.PeriodUnit) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.UnitCode
	}
	return out
}
