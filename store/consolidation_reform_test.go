package store_test

import (
	"context"
	"encoding/csv"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
	"baocao/templates"
)

// The demo's real unit lists: the former Bình Phước in 2024 and its part of
// the merged province from 1 July 2025, whose predecessors column is
// Resolution 1662/NQ-UBTVQH15.
const (
	demoUnits2024 = "../cmd/baocao/demo/units-2024.csv"
	demoUnits2025 = "../cmd/baocao/demo/units-2025.csv"
)

// csvUnit is one row of a unit list as read here, independently of the
// importer under test.
type csvUnit struct {
	code, kind, parent string
	predecessors       []string
}

func readCSVUnits(t *testing.T, path string) []csvUnit {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	var out []csvUnit
	for _, r := range rows[1:] {
		u := csvUnit{code: r[col["code"]], kind: r[col["kind"]], parent: r[col["parent_code"]]}
		if i, ok := col["predecessors"]; ok && r[i] != "" {
			u.predecessors = strings.Split(r[i], ";")
		}
		out = append(out, u)
	}
	return out
}

// seedReform loads the shipped DCCS-XA and the demo's two unit lists as the
// demo does, and opens every period due by June 2026.
func seedReform(t *testing.T) (*store.Store, reporting.Form, func(key string) int64) {
	t.Helper()
	ctx := context.Background()
	st := storetest.Open(t)
	src, err := os.ReadFile("../templates/forms/dccs-xa.yaml")
	if err != nil {
		t.Fatal(err)
	}
	storetest.SyncFormYAML(t, st, "dccs-xa.yaml", string(src))
	form, err := st.FormByCode(ctx, "DCCS-XA")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []struct {
		path string
		opts store.ImportOptions
	}{
		{demoUnits2024, store.ImportOptions{}},
		{demoUnits2025, store.ImportOptions{Effective: reporting.Day(2025, time.July, 1), CloseMissing: true, SuccessionBasis: "Nghị quyết 1662/NQ-UBTVQH15"}},
	} {
		f, err := os.Open(l.path)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := templates.ReadUnitList(f, l.path)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.ImportUnits(ctx, rows, l.opts); err != nil {
			t.Fatalf("import %s: %v", l.path, err)
		}
	}
	storetest.OpenDue(t, st, time.Date(2026, time.June, 10, 9, 0, 0, 0, hcmZone), hcmZone)
	return st, form, func(key string) int64 {
		var id int64
		if err := st.Pool().QueryRow(ctx, `SELECT id FROM periods WHERE form_code = 'DCCS-XA' AND key = $1`, key).Scan(&id); err != nil {
			t.Fatalf("period %s: %v", key, err)
		}
		return id
	}
}

var hcmZone = time.FixedZone("ICT", 7*3600)

// figureOf is a made-up but fixed figure for a unit in a period.
func figureOf(code string, salt int) int {
	n, _ := strconv.Atoi(code)
	return n%(37+salt) + salt
}

// TestReformComparisonAddsUpByHand: with the demo's real lists, the
// consolidated DCCS-XA 2026-H1 compares each of the 40 communes of the
// former Bình Phước with the 2025-H1 communes it was formed from. Every
// expected figure is computed here from the CSV files and the values
// filed, not by the code under test.
func TestReformComparisonAddsUpByHand(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, form, periodOf := seedReform(t)
	then, now := periodOf("2025-H1"), periodOf("2026-H1")
	old, current := readCSVUnits(t, demoUnits2024), readCSVUnits(t, demoUnits2025)

	// 2025-H1: every old commune reports but those whose code is divisible
	// by 11; the districts report too (their figures consolidate their
	// communes and must not enter the comparison).
	filedThen := map[string]int{}
	oldCommune := map[string]bool{}
	for _, u := range old {
		switch {
		case u.kind == "commune_pc":
			oldCommune[u.code] = true
			if n, _ := strconv.Atoi(u.code); n%11 == 0 {
				continue
			}
			filedThen[u.code] = figureOf(u.code, 3)
		case u.kind == "district_pc":
			filedThen[u.code] = 1000
		default:
			continue
		}
		fileNumbers(t, st, form.VersionID, then, u.code, time.Date(2025, time.June, 16, 9, 0, 0, 0, hcmZone),
			map[string]string{"tuyen_truyen_cuoc": strconv.Itoa(filedThen[u.code])})
	}
	// 2026-H1: every new commune but Bom Bo (25405).
	filedNow := map[string]int{}
	for _, u := range current {
		if u.kind != "commune_pc" || u.code == "25405" {
			continue
		}
		filedNow[u.code] = figureOf(u.code, 5)
		fileNumbers(t, st, form.VersionID, now, u.code, time.Date(2026, time.June, 10, 9, 0, 0, 0, hcmZone),
			map[string]string{"tuyen_truyen_cuoc": strconv.Itoa(filedNow[u.code])})
	}

	// By hand: a new commune is formed from its predecessors and, if its
	// code was a commune's, that commune; it is compared when it reported
	// now and all of those reported then.
	var units, regrouped, partial, fresh, sumNow, sumThen, communesNow int
	for _, u := range current {
		if u.kind != "commune_pc" {
			continue
		}
		communesNow++
		n, ok := filedNow[u.code]
		if !ok {
			continue
		}
		from := slices.Clone(u.predecessors)
		if oldCommune[u.code] {
			from = append(from, u.code)
		}
		base, complete := 0, len(from) > 0
		for _, p := range from {
			v, ok := filedThen[p]
			complete = complete && ok
			base += v
		}
		switch {
		case len(from) == 0:
			fresh++
		case !complete:
			partial++
		default:
			units++
			sumNow += n
			sumThen += base
			if len(from) > 1 || from[0] != u.code {
				regrouped++
			}
		}
	}
	if communesNow != 40 || units < 10 || partial == 0 || regrouped < 10 {
		t.Fatalf("the data does not exercise the comparison: %d communes, %d compared, %d partial, %d regrouped", communesNow, units, partial, regrouped)
	}

	t.Logf("by hand: %d compared (%d regrouped), %d partial, %d new; %d then → %d now", units, regrouped, partial, fresh, sumThen, sumNow)
	c, err := st.Consolidate(ctx, store.ConsolidationQuery{FormCode: "DCCS-XA", Period: "2026-H1", At: time.Date(2026, time.June, 20, 9, 0, 0, 0, hcmZone), Scope: reporting.AllUnits})
	if err != nil {
		t.Fatal(err)
	}
	b := c.YearAgo
	if b == nil || b.Key != "2025-H1" || b.Like == nil {
		t.Fatalf("year ago: %+v", b)
	}
	if l := b.Like; l.Units != units || l.Regrouped != regrouped || l.Partial != partial || l.New != fresh {
		t.Errorf("compared %d, regrouped %d, partial %d, new %d; by hand %d, %d, %d, %d", l.Units, l.Regrouped, l.Partial, l.New, units, regrouped, partial, fresh)
	}
	var got reporting.Change
	for _, cmp := range c.Comparisons() {
		if cmp.Field.Code == "tuyen_truyen_cuoc" {
			got = cmp.YearAgo
		}
	}
	if got.Base.String() != strconv.Itoa(sumThen) || got.Now.String() != strconv.Itoa(sumNow) || got.Delta.String() != strconv.Itoa(sumNow-sumThen) || !got.Compared {
		t.Errorf("tuyen_truyen_cuoc against 2025-H1: %+v; by hand %d → %d", got, sumThen, sumNow)
	}
	notes := strings.Join(c.BaselineNotes(), " ")
	if want := "trên " + strconv.Itoa(units) + " đơn vị có báo cáo ở cả hai kỳ"; !strings.Contains(notes, want) {
		t.Errorf("notes lack %q: %s", want, notes)
	}
}

// TestPre2025ProvinceTotalCountsEachCommuneOnce: with the demo's real 2024
// list, DCCS-XA 2024-H2 (filed by districts that consolidate their
// communes, and by the communes) totals the communes only, and each
// district's own figure stands beside the sum of its communes.
func TestPre2025ProvinceTotalCountsEachCommuneOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, form, periodOf := seedReform(t)
	period := periodOf("2024-H2")
	filed := map[string]int{}
	childSum := map[string]int{}
	total := 0
	units := readCSVUnits(t, demoUnits2024)
	for _, u := range units {
		if u.kind != "commune_pc" {
			continue
		}
		filed[u.code] = figureOf(u.code, 2)
		childSum[u.parent] += filed[u.code]
		total += filed[u.code]
	}
	// Each district reports its communes' sum, except Lộc Ninh (692),
	// which reports 5 more than its communes.
	for _, u := range units {
		if u.kind == "district_pc" {
			filed[u.code] = childSum[u.code]
			if u.code == "692" {
				filed[u.code] += 5
			}
		}
	}
	for code, n := range filed {
		fileNumbers(t, st, form.VersionID, period, code, time.Date(2024, time.December, 16, 9, 0, 0, 0, hcmZone),
			map[string]string{"tuyen_truyen_cuoc": strconv.Itoa(n)})
	}
	c, err := st.Consolidate(ctx, store.ConsolidationQuery{FormCode: "DCCS-XA", Period: "2024-H2", At: time.Date(2026, time.June, 20, 9, 0, 0, 0, hcmZone), Scope: reporting.AllUnits})
	if err != nil {
		t.Fatal(err)
	}
	fi := slices.IndexFunc(c.Fields, func(f reporting.Field) bool { return f.Code == "tuyen_truyen_cuoc" })
	if got := c.Total.Values[fi].Value; got.String() != strconv.Itoa(total) {
		t.Errorf("province total %s, want the communes' %d (the districts' would double it)", got, total)
	}
	checks := 0
	for _, lc := range c.LevelChecks() {
		if lc.Field.Code != "tuyen_truyen_cuoc" {
			continue
		}
		checks++
		wantDiff := "0"
		if lc.UnitCode == "692" {
			wantDiff = "5"
		}
		if lc.Own.String() != strconv.Itoa(filed[lc.UnitCode]) || lc.Children.String() != strconv.Itoa(childSum[lc.UnitCode]) || lc.Difference.String() != wantDiff {
			t.Errorf("district %s: own %s, children %s, difference %s; want %d, %d, %s", lc.UnitCode, lc.Own, lc.Children, lc.Difference,
				filed[lc.UnitCode], childSum[lc.UnitCode], wantDiff)
		}
	}
	if checks != 11 {
		t.Errorf("%d districts checked, want the 11", checks)
	}
}
