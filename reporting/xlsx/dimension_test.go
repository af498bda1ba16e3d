package xlsx

import (
	"os"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"

	"baocao/reporting"
	"baocao/vi"
	"baocao/xlsxdim/xlsxdimtest"
)

// The consolidated workbook reads whole in a streaming reader, every
// sheet to its last row.
func TestWorkbookReadsWholeInStreamingReaders(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(write(t, synthetic(250, 12)))
	if err != nil {
		t.Fatal(err)
	}
	xlsxdimtest.ReadsWhole(t, data)
}

// Units come in the Vietnamese alphabet with numbers by value, read back
// from the summary sheet.
func TestSummaryListsUnitsInVietnameseOrder(t *testing.T) {
	t.Parallel()
	names := []string{"Xã Thử 10", "Xã Thử 2", "Ấp Bắc", "An Phú"}
	c := synthetic(len(names), 3)
	for i := range c.Units {
		c.Units[i].Name = names[i]
	}
	reporting.SortUnits(c.Units, vi.NewKeyer().Key)
	f, err := excelize.OpenFile(write(t, c))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(sheetSummary)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		if len(r) > 1 && slices.Contains(names, r[1]) {
			got = append(got, r[1])
		}
	}
	if want := []string{"An Phú", "Ấp Bắc", "Xã Thử 2", "Xã Thử 10"}; !slices.Equal(got, want) {
		t.Errorf("summary lists %q, want %q", got, want)
	}
}
