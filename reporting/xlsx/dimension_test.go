package xlsx

import (
	"os"
	"testing"

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
