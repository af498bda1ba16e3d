package templates

import (
	"testing"

	"baocao/xlsxdim/xlsxdimtest"
)

// Every workbook this package writes reads whole in a streaming reader:
// the template, a filled one and an annotated refusal.
func TestWorkbooksReadWholeInStreamingReaders(t *testing.T) {
	t.Parallel()
	form := testForm(t)
	template := buildTemplate(t, form)
	filled, err := FillValues(template, map[string]any{"so_cuoc": -3, "danh_gia": "Tốt"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	annotated, err := Annotate(filled, readFile(t, filled, form).Problems)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"template": template, "filled": filled, "annotated": annotated} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			xlsxdimtest.ReadsWhole(t, data)
		})
	}
}
