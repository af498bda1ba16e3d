package ops_test

import (
	"context"
	"testing"
	"time"

	"baocao/reporting"
	"baocao/store"
	"baocao/store/storetest"
)

func importList(t *testing.T, st *store.Store, path string, opts store.ImportOptions) {
	t.Helper()
	if _, err := st.ImportUnits(context.Background(), readList(t, path), opts); err != nil {
		t.Fatal(err)
	}
}

// The 2025 reform: Bình Phước's 2024 list, then the merged province's list
// from 1/7/2025 with the absent units closed. A 2024 period obliges the old
// units under their old names and district parents; a 2026 period the new
// ones directly under the new province; nothing of 2024 is lost.
func TestPeriodsFollowTheUnitTreeOfTheirTime(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	syncEmbeddedForms(t, st)
	importList(t, st, "../cmd/baocao/demo/units-2024.csv", store.ImportOptions{})
	importList(t, st, "../cmd/baocao/demo/units-2025.csv", store.ImportOptions{Effective: reporting.Day(2025, time.July, 1), CloseMissing: true})
	if _, err := storetest.Ops(st, hcm).OpenDuePeriods(ctx, time.Date(2026, time.July, 1, 0, 0, 0, 0, hcm)); err != nil {
		t.Fatal(err)
	}

	type oblig struct{ name, parent, kind string }
	obligated := func(key, code string) (oblig, bool) {
		var o oblig
		err := st.Pool().QueryRow(ctx, `
			SELECT v.name, coalesce(v.parent_code, ''), v.kind
			FROM obligations o JOIN periods p ON p.id = o.period_id JOIN unit_versions v ON v.id = o.unit_version_id
			WHERE p.form_code = 'DCCS-XA' AND p.key = $1 AND o.unit_code = $2`, key, code).Scan(&o.name, &o.parent, &o.kind)
		return o, err == nil
	}
	old, ok := obligated("2024-H1", "25195")
	if !ok || old.name != "UBND phường Tân Phú" || old.parent == "75" || old.parent == "" {
		t.Fatalf("2024-H1 obligation of 25195 = %+v (found %v), want Phường Tân Phú under its 2024 town", old, ok)
	}
	now, ok := obligated("2026-H1", "25195")
	if !ok || now.name != "UBND phường Bình Phước" || now.parent != "75" {
		t.Fatalf("2026-H1 obligation of 25195 = %+v (found %v), want Phường Bình Phước under 75", now, ok)
	}
	// District People's Committees reported in 2024 and are gone in 2026.
	var d2024, d2026, c2024, c2026 int
	if err := st.Pool().QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE p.key = '2024-H1' AND v.kind = 'district_pc'),
		       count(*) FILTER (WHERE p.key = '2026-H1' AND v.kind = 'district_pc'),
		       count(*) FILTER (WHERE p.key = '2024-H1' AND v.kind = 'commune_pc'),
		       count(*) FILTER (WHERE p.key = '2026-H1' AND v.kind = 'commune_pc')
		FROM obligations o JOIN periods p ON p.id = o.period_id JOIN unit_versions v ON v.id = o.unit_version_id
		WHERE p.form_code = 'DCCS-XA'`).Scan(&d2024, &d2026, &c2024, &c2026); err != nil {
		t.Fatal(err)
	}
	if d2024 != 11 || d2026 != 0 || c2024 != 111 || c2026 != 40 {
		t.Fatalf("obligations: districts 2024=%d 2026=%d, communes 2024=%d 2026=%d; want 11, 0, 111, 40", d2024, d2026, c2024, c2026)
	}
	// The December 2025 round (data 15/06–14/12/2025) began under the old
	// tree but is owed by the units that exist on its cut-off: the new
	// communes, no district.
	var d2025, c2025 int
	if err := st.Pool().QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE v.kind = 'district_pc'), count(*) FILTER (WHERE v.kind = 'commune_pc')
		FROM obligations o JOIN periods p ON p.id = o.period_id JOIN unit_versions v ON v.id = o.unit_version_id
		WHERE p.form_code = 'DCCS-XA' AND p.key = '2025-H2'`).Scan(&d2025, &c2025); err != nil {
		t.Fatal(err)
	}
	if d2025 != 0 || c2025 != 40 {
		t.Fatalf("2025-H2 obligations: %d districts, %d communes; want 0 and the 40 communes of the new list", d2025, c2025)
	}
}
