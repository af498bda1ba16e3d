package templates

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"baocao/xlsxdim"
)

// FillValues writes values and notes (by field code) into a template
// through its defined names, as a program filling it in would, and returns
// the workbook. Values are what a spreadsheet holds: numbers, strings,
// times. The demo uses it to file realistic reports; tests, to make files.
func FillValues(data []byte, values map[string]any, notes map[string]string) ([]byte, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("open template: %w", err)
	}
	defer f.Close()
	cells := map[string][2]string{}
	for _, dn := range f.GetDefinedName() {
		if sheet, cell, ok := parseRef(dn.RefersTo); ok {
			cells[dn.Name] = [2]string{sheet, cell}
		}
	}
	set := func(name string, v any) error {
		c, ok := cells[name]
		if !ok {
			return fmt.Errorf("fill template: no defined name %s", name)
		}
		if s, isStr := v.(string); isStr {
			// Strings go in as text even when they look like numbers, as
			// a clerk typing "1.234" into a text cell would leave them.
			return f.SetCellStr(c[0], c[1], strings.TrimSpace(s))
		}
		return f.SetCellValue(c[0], c[1], v)
	}
	for code, v := range values {
		if err := set(ValueName(code), v); err != nil {
			return nil, err
		}
	}
	for code, n := range notes {
		if err := set(NoteName(code), n); err != nil {
			return nil, err
		}
	}
	xlsxdim.Use(f)
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, fmt.Errorf("save filled template: %w", err)
	}
	return buf.Bytes(), nil
}
