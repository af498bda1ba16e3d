package store_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"baocao/reporting"
	"baocao/reporting/xlsx"
	"baocao/store"
)

// TestConsolidatedLevelsCountEachCommuneOnce: when a form's higher units
// consolidate their children's reports (levels: consolidated, DCCS-XA
// before the 2025 reform), the province total adds only the units with no
// child in the report — the communes — so a district's figure, which
// already includes its communes, is not added again; each district's own
// figure stands beside its communes' sum with the difference, in the
// consolidation and in the workbook. The same data as a form of own
// levels adds everything.
func TestConsolidatedLevelsCountEachCommuneOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := seedConsolidation(t)
	q := store.ConsolidationQuery{FormCode: "TH-TEST", Period: "2025-H1", Scope: reporting.AllUnits, At: reportAt}
	own, err := s.st.Consolidate(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.st.Pool().Exec(ctx, `UPDATE form_versions SET definition = definition || '{"levels": "consolidated"}' WHERE id = $1`, s.formVersionID); err != nil {
		t.Fatal(err)
	}
	c, err := s.st.Consolidate(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	// Own levels: districts 3 + 2 and communes 10 + 4 + 6 (seedConsolidation).
	if got := own.Total.Values[0].Value; got != "25" {
		t.Errorf("own levels: province so_cuoc %s, want 25", got)
	}
	// Consolidated: the communes only, 10 + 4 + 6; tiền 1234567.5 +
	// 1000000.5 + 0; the rate's average over the three, (95+80+90)/3.
	if got := figures(&c.Total); got != "20 2234568 88.3333 3 12 [1 1 1 0] 5/7" {
		t.Errorf("consolidated: province %s", got)
	}
	communes := c.Group(reporting.LevelKind, reporting.KindCommunePC, "")
	if communes == nil || figures(communes) != "20 2234568 88.3333 3 12 [1 1 1 0] 3/5" {
		t.Errorf("the communes' own group changed: %s", figures(communes))
	}
	var got []string
	for _, lc := range c.LevelChecks() {
		got = append(got, fmt.Sprintf("%s %s own %s children %s (%d/%d) diff %s", lc.UnitCode, lc.Field.Code, lc.Own, lc.Children,
			lc.ChildrenReported, lc.ChildrenObliged, lc.Difference))
	}
	want := []string{
		// Huyện Đồng Phú: 2 against Tân Lập 4 + Thuận Lợi 6 (Đồng Tâm sent nothing).
		"732 so_cuoc own 2 children 10 (2/3) diff -8",
		"732 tien own 0.25 children 1000000.5 (2/3) diff -1000000.25",
		// Thành phố Đồng Xoài: 3 against Tân Phú's 10 (Tân Bình's was returned).
		"731 so_cuoc own 3 children 10 (1/2) diff -7",
		"731 tien own 2500000000.75 children 1234567.5 (1/2) diff 2498765433.25",
	}
	if !slices.Equal(got, want) {
		t.Errorf("level checks:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if own.LevelChecks() != nil {
		t.Errorf("a form of own levels has level checks")
	}

	var buf bytes.Buffer
	if err := xlsx.Write(ctx, &buf, c, xlsx.Options{Now: reportAt}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Đối chiếu các cấp", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	var diffs []string
	for _, r := range rows {
		if len(r) >= 8 && (r[1] == "731" || r[1] == "732") {
			diffs = append(diffs, r[1]+" "+r[7])
		}
	}
	if len(diffs) != 4 || diffs[0] != "732 -8" {
		t.Errorf("workbook's level sheet: %v", diffs)
	}
	if label, _ := f.GetCellValue("Tổng hợp", "B7"); label != "TỔNG CỘNG TOÀN TỈNH" {
		t.Errorf("workbook's row 7 is %q", label)
	}
	if v, err := f.GetCellValue("Tổng hợp", "D7", excelize.Options{RawCellValue: true}); err != nil || v != "20" {
		t.Errorf("workbook's province so_cuoc: %q, %v", v, err)
	}
}
