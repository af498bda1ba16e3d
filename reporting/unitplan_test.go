package reporting

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestPlanUnitImportWithoutADatabase plans a reorganisation on 1/7/2025
// against a stored tree — the province, a commune that is renamed and
// moved, one absent from the list, one unchanged — and checks every
// write of the plan against what the list says.
func TestPlanUnitImportWithoutADatabase(t *testing.T) {
	t.Parallel()
	from := Day(2020, time.January, 1)
	stored := map[string]*StoredUnit{
		"70":    {Code: "70", ActiveFrom: from, Versions: []StoredVersion{{ID: 1, ValidFrom: from, Name: "UBND tỉnh", Kind: KindProvince}}},
		"25195": {Code: "25195", ActiveFrom: from, Versions: []StoredVersion{{ID: 2, ValidFrom: from, Name: "Phường Tân Phú", Kind: KindCommunePC, ParentCode: "70"}}},
		"25198": {Code: "25198", ActiveFrom: from, Versions: []StoredVersion{{ID: 3, ValidFrom: from, Name: "Phường Tân Đồng", Kind: KindCommunePC, ParentCode: "70"}}},
		"25200": {Code: "25200", ActiveFrom: from, Versions: []StoredVersion{{ID: 4, ValidFrom: from, Name: "Xã Tiến Hưng", Kind: KindCommunePC, ParentCode: "70"}}},
	}
	rows := []UnitRow{
		{Row: 2, Code: "70", Name: "UBND tỉnh", Kind: KindProvince},
		{Row: 3, Code: "25195", Name: "Phường Bình Phước", Kind: KindCommunePC, ParentCode: "70"},
		{Row: 4, Code: "25200", Name: "Xã Tiến Hưng", Kind: KindCommunePC, ParentCode: "70"},
		{Row: 5, Code: "25999", Name: "Xã Mới", Kind: KindCommunePC, ParentCode: "70"},
	}
	day := Day(2025, time.July, 1)
	p, err := PlanUnitImport(rows, day, UnitImportMode{CloseMissing: true}, stored)
	if err != nil {
		t.Fatal(err)
	}
	june30 := Day(2025, time.June, 30)
	if p.Result != (UnitImportCounts{Created: 1, Versioned: 1, Unchanged: 2, Closed: 1}) {
		t.Errorf("counts %+v", p.Result)
	}
	if len(p.Units) != 1 || p.Units[0].Code != "25999" || !p.Units[0].ActiveFrom.Equal(day) {
		t.Errorf("new units %+v", p.Units)
	}
	if len(p.Ends) != 1 || p.Ends[0].ID != 2 || !p.Ends[0].ValidUntil.Equal(june30) {
		t.Errorf("versions cut short %+v", p.Ends)
	}
	if len(p.Versions) != 2 || p.Versions[0].Name != "Phường Bình Phước" || !p.Versions[0].ValidFrom.Equal(day) || p.Versions[1].Code != "25999" {
		t.Errorf("new versions %+v", p.Versions)
	}
	if len(p.Closes) != 1 || p.Closes[0].Code != "25198" || !p.Closes[0].Until.Equal(june30) {
		t.Errorf("closed %+v", p.Closes)
	}

	// A list whose date falls before a unit began is refused with the row.
	_, err = PlanUnitImport([]UnitRow{{Row: 7, Code: "25195", Name: "X", Kind: KindCommunePC, ParentCode: "70"}}, Day(2019, time.January, 1), UnitImportMode{}, stored)
	var ue *UnitImportError
	if !errors.As(err, &ue) {
		t.Fatalf("a version before the unit began: %v", err)
	}
	found := false
	for _, pr := range ue.Problems {
		found = found || pr.Row == 7 && pr.Column == UnitColActiveFrom && strings.Contains(pr.Message, "25195 bắt đầu hoạt động")
	}
	if !found {
		t.Fatalf("no problem on row 7's active_from: %v", err)
	}
}

// Reopening a unit closed by mistake: the unit and the version that ended
// when it closed run on, the row's new data from its day on; a row taking
// effect later than the day after the closure would leave a gap in the
// unit's history and is refused even with the choice.
func TestPlanReopensAUnitClosedByMistake(t *testing.T) {
	t.Parallel()
	from, june30 := Day(2020, time.January, 1), Day(2025, time.June, 30)
	stored := map[string]*StoredUnit{
		"75": {Code: "75", ActiveFrom: from, Versions: []StoredVersion{{ID: 1, ValidFrom: from, Name: "UBND tỉnh", Kind: KindProvince}}},
		"25198": {Code: "25198", ActiveFrom: from, ActiveUntil: &june30,
			Versions: []StoredVersion{{ID: 2, ValidFrom: from, ValidUntil: &june30, Name: "Phường Tân Đồng", Kind: KindCommunePC, ParentCode: "75"}}},
	}
	row := UnitRow{Row: 2, Code: "25198", Name: "Phường Tân Đồng", Kind: KindCommunePC, ParentCode: "75"}

	p, err := PlanUnitImport([]UnitRow{row}, Day(2025, time.July, 1), UnitImportMode{Reopen: true}, stored)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Reopens) != 1 || p.Reopens[0] != (UnitReopen{Code: "25198", Until: june30}) || p.Result.Reopened != 1 || p.Result.Unchanged != 1 {
		t.Fatalf("plan %+v, want 25198 reopened from 30/06/2025 and nothing else written", p)
	}
	if stored["25198"].ActiveUntil == nil || stored["25198"].Versions[0].ValidUntil == nil {
		t.Fatal("planning changed the stored units it was given")
	}

	// Without the choice: refused, pointing at it.
	if _, err := PlanUnitImport([]UnitRow{row}, Day(2025, time.July, 1), UnitImportMode{}, stored); err == nil || !strings.Contains(err.Error(), "mở lại đơn vị đã đóng") {
		t.Fatalf("without reopen: %v, want a refusal pointing at the reopen choice", err)
	}
	// A day's gap: refused with the choice too.
	if _, err := PlanUnitImport([]UnitRow{row}, Day(2025, time.July, 2), UnitImportMode{Reopen: true}, stored); err == nil || !strings.Contains(err.Error(), "không muộn hơn ngày 01/07/2025") {
		t.Fatalf("a gap of a day: %v, want a refusal naming 01/07/2025", err)
	}
}
