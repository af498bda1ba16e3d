package ops_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
	"baocao/templates"
)

func readList(t *testing.T, path string) []reporting.UnitRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := templates.ReadUnitList(f, path)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// codesOfKinds lists the codes of a unit list's rows of the given kinds:
// the expectation comes from the file, not from the code under test.
func codesOfKinds(rows []reporting.UnitRow, kinds ...reporting.UnitKind) []string {
	var out []string
	for _, r := range rows {
		if slices.Contains(kinds, r.Kind) {
			out = append(out, r.Code)
		}
	}
	slices.Sort(out)
	return out
}

// The province's real reorganisation, as a new installation meets it: the
// service starts on an empty database in September 2025 and opens the
// periods due (owed by nobody yet), the 2024 list is imported, a commune
// of it files its 2025-H2 report, then the post-reform list from 1/7/2025
// is imported with the absent units closed. The December 2025 round
// (2025-H2, data up to 14/12/2025) must end up owed by the communes that
// exist on its cut-off, with every change in the obligations' histories,
// the report already filed kept, and reminders only to existing units.
func TestOpenPeriodsFollowAReorganisationImportedWhileTheyAreOpen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	syncEmbeddedForms(t, st)
	svc := storetest.Ops(st, hcm)
	sept := time.Date(2025, time.September, 15, 8, 0, 0, 0, hcm)

	opened, err := svc.OpenDuePeriods(ctx, sept)
	if err != nil {
		t.Fatal(err)
	}
	if opened.Periods == 0 || opened.Obligations != 0 {
		t.Fatalf("empty database opened %+v, want periods with no obligations", opened)
	}
	xaH2 := periodID(t, st, "DCCS-XA", "2025-H2")

	old := readList(t, "../cmd/baocao/demo/units-2024.csv")
	res, err := svc.ImportUnits(ctx, ops.CLIAdmin, sept, old, store.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	oldXA := codesOfKinds(old, reporting.KindCommunePC, reporting.KindDistrictPC)
	if got := owing(t, st, xaH2); !slices.Equal(got, oldXA) {
		t.Fatalf("after the 2024 list, 2025-H2 owed by %d units, want the list's %d communes and districts", len(got), len(oldXA))
	}
	if res.Reconciled.Added < len(oldXA) || res.Reconciled.Released != 0 {
		t.Fatalf("reconciled %+v, want at least %d added and none released", res.Reconciled, len(oldXA))
	}

	newList := readList(t, "../cmd/baocao/demo/units-2025.csv")
	newXA := codesOfKinds(newList, reporting.KindCommunePC, reporting.KindDistrictPC)
	// A commune of the old list that the new one does not name files first.
	var filer string
	for _, c := range oldXA {
		if !slices.Contains(newXA, c) {
			filer = c
			break
		}
	}
	storetest.Upload(t, st, xaH2, filer, sept.Add(time.Hour))

	later := sept.AddDate(0, 0, 1)
	res, err = svc.ImportUnits(ctx, ops.CLIAdmin, later, newList,
		store.ImportOptions{Effective: reporting.Day(2025, time.July, 1), CloseMissing: true})
	if err != nil {
		t.Fatal(err)
	}
	want := append(slices.Clone(newXA), filer)
	slices.Sort(want)
	if got := owing(t, st, xaH2); !slices.Equal(got, want) {
		t.Fatalf("after the reform, 2025-H2 owed by %v\nwant the new list's %d communes and the commune that filed (%s)", got, len(newXA), filer)
	}
	var released, gone int
	for _, c := range oldXA {
		if slices.Contains(newXA, c) || c == filer {
			continue
		}
		gone++
		h, err := st.ObligationHistory(ctx, xaH2, c)
		if err != nil {
			t.Fatal(err)
		}
		last := h[len(h)-1]
		if last.Kind != reporting.EventExempted || !last.At.Equal(later) || last.Reason == "" {
			t.Fatalf("history of closed unit %s ends with %+v, want a release at the import with its reason", c, last)
		}
		released++
	}
	if gone == 0 || res.Reconciled.Released < released {
		t.Fatalf("reconciled %+v, want %d of DCCS-XA 2025-H2 released", res.Reconciled, released)
	}
	// A commune that kept its code owes the period under its new name and
	// parent, as the new list gives them.
	var name, parent string
	if err := st.Pool().QueryRow(ctx, `
		SELECT v.name, coalesce(v.parent_code, '') FROM obligations o JOIN unit_versions v ON v.id = o.unit_version_id
		WHERE o.period_id = $1 AND o.unit_code = '25195'`, xaH2).Scan(&name, &parent); err != nil {
		t.Fatal(err)
	}
	for _, r := range newList {
		if r.Code == "25195" && (name != r.Name || parent != r.ParentCode) {
			t.Fatalf("2025-H2 obligation of 25195 under %q (parent %q), want the new list's %q (parent %q)", name, parent, r.Name, r.ParentCode)
		}
	}
	if res.Reconciled.Moved == 0 {
		t.Fatalf("reconciled %+v, want obligations moved to the new versions", res.Reconciled)
	}
	// The commune that filed and then closed before the cut-off can still
	// be read, and its report reviewed: its tree is the one of its last day.
	if _, err := svc.UnitPeriod(ctx, ops.CLIAdmin, later, xaH2, filer); err != nil {
		t.Fatalf("the page of %s, which filed and then closed: %v", filer, err)
	}
	if _, _, err := svc.ObligationHistory(ctx, ops.CLIAdmin, xaH2, filer); err != nil {
		t.Fatalf("the history of %s, which filed and then closed: %v", filer, err)
	}
	// The report filed stays, with its history.
	if n := count(t, st, `SELECT count(*) FROM submissions WHERE period_id = $1 AND unit_code = $2`, xaH2, filer); n != 1 {
		t.Fatalf("the filed report of %s: %d stored, want 1", filer, n)
	}

	// Once more: nothing to change.
	if again, err := svc.ReconcileOpenPeriods(ctx, later); err != nil || again.Periods != 0 || again.Added+again.Moved+again.Released != 0 || len(again.Touched) != 0 {
		t.Fatalf("second reconciliation = %+v, %v; want nothing", again, err)
	}

	// The reminders of December 2025 go only to units that exist then.
	if _, err := svc.EnqueueReminders(ctx, time.Date(2025, time.December, 9, 8, 0, 0, 0, hcm)); err != nil {
		t.Fatal(err)
	}
	queued := count(t, st, `SELECT count(*) FROM reminders`)
	toClosed := count(t, st, `
		SELECT count(*) FROM reminders r JOIN periods p ON p.id = r.period_id JOIN units u ON u.code = r.unit_code
		WHERE u.active_until IS NOT NULL AND u.active_until < p.data_to`)
	if queued == 0 || toClosed != 0 {
		t.Fatalf("December reminders: %d queued, %d to units closed before the cut-off; want some, none", queued, toClosed)
	}
	// … at the addresses the new list gives them (a commune that kept its
	// code got a new name and address on 1/7/2025).
	addr := map[string][]string{}
	for _, r := range newList {
		addr[r.Code] = r.Emails
	}
	rows, err := st.Pool().Query(ctx, `SELECT unit_code, recipients FROM reminders WHERE period_id = $1`, xaH2)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	checked := 0
	for rows.Next() {
		var code string
		var to []string
		if err := rows.Scan(&code, &to); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(to, addr[code]) {
			t.Fatalf("2025-H2 reminder of %s to %v, want the new list's %v", code, to, addr[code])
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no 2025-H2 reminder to check")
	}
}

// reformUnderway is the province in September 2025 as a new installation
// meets the reform: the service started on an empty database and opened
// the periods due, then the demo's 2024 list was imported. It gives the
// store, the service, that moment, DCCS-XA 2025-H2's id and the 2024 list.
func reformUnderway(t *testing.T) (st *store.Store, svc *ops.Service, sept time.Time, xaH2 int64, old []reporting.UnitRow) {
	t.Helper()
	ctx := context.Background()
	st = storetest.Open(t)
	syncEmbeddedForms(t, st)
	svc = storetest.Ops(st, hcm)
	sept = time.Date(2025, time.September, 15, 8, 0, 0, 0, hcm)
	if _, err := svc.OpenDuePeriods(ctx, sept); err != nil {
		t.Fatal(err)
	}
	old = readList(t, "../cmd/baocao/demo/units-2024.csv")
	if _, err := svc.ImportUnits(ctx, ops.CLIAdmin, sept, old, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	return st, svc, sept, periodID(t, st, "DCCS-XA", "2025-H2"), old
}

// owing lists the units that owe period id a report: its obligations not
// exempt.
func owing(t *testing.T, st *store.Store, id int64) []string {
	t.Helper()
	rows, err := st.Pool().Query(context.Background(),
		`SELECT unit_code FROM obligations WHERE period_id = $1 AND NOT exempt ORDER BY unit_code COLLATE "C"`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

func periodID(t *testing.T, st *store.Store, form, key string) int64 {
	t.Helper()
	var id int64
	if err := st.Pool().QueryRow(context.Background(),
		`SELECT id FROM periods WHERE form_code = $1 AND key = $2`, form, key).Scan(&id); err != nil {
		t.Fatalf("period %s %s: %v", form, key, err)
	}
	return id
}

func syncEmbeddedForms(t *testing.T, st *store.Store) {
	t.Helper()
	files, err := templates.EmbeddedForms()
	if err != nil {
		t.Fatal(err)
	}
	var src []store.FormSource
	for _, f := range files {
		src = append(src, store.FormSource{Definition: f.Form, Source: string(f.Source), Checksum: f.Checksum})
	}
	if _, err := st.SyncForms(context.Background(), src); err != nil {
		t.Fatal(err)
	}
}

// A period keeps the unit kinds of the form version it was opened from: a
// new version of the quarterly form that no longer obliges agencies does
// not release the agency from a quarter already open.
func TestReconciliationKeepsThePeriodsFormVersion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	seed(t, st)
	svc := storetest.Ops(st, hcm)
	now := time.Date(2026, time.June, 20, 8, 0, 0, 0, hcm)
	if _, err := svc.OpenDuePeriods(ctx, now); err != nil {
		t.Fatal(err)
	}
	q3 := periodID(t, st, "DCCS-QUY", "2026-Q3")
	if got := owing(t, st, q3); !slices.Contains(got, "70.S01") {
		t.Fatalf("2026-Q3 owed by %v, want the agency 70.S01 among them", got)
	}
	files, err := templates.EmbeddedForms()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f.Form.Code == "DCCS-QUY" {
			src := strings.Replace(string(f.Source), "unit_kinds: [commune_pc, district_pc, agency, psu]", "unit_kinds: [commune_pc, district_pc, psu]", 1)
			src = strings.Replace(src, "      agency: {fixed_day: 20, month_offset: 0}\n", "", 1)
			if src == string(f.Source) || strings.Contains(src, "agency:") {
				t.Fatal("the quarterly form's unit_kinds line changed; update this test")
			}
			storetest.SyncFormYAML(t, st, f.Name, src)
		}
	}
	res, err := svc.ReconcileOpenPeriods(ctx, now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if res.Released != 0 {
		t.Fatalf("reconciled %+v, want nothing released", res)
	}
	if got := owing(t, st, q3); !slices.Contains(got, "70.S01") {
		t.Fatalf("after a new form version, 2026-Q3 owed by %v, want 70.S01 still", got)
	}
}
