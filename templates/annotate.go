package templates

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"baocao/reporting"
	"baocao/xlsxdim"
)

// Annotate returns an uploaded workbook with each problem's cells filled
// red and a comment holding its messages, so the clerk corrects the file
// in place. Problems without a cell (file and template problems) mark
// nothing. The file must be one Read could open.
func Annotate(file []byte, problems []reporting.Problem) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("annotate workbook: excelize panic: %v", r)
		}
	}()
	f, err := excelize.OpenReader(bytes.NewReader(file), excelize.Options{UnzipSizeLimit: DefaultUnzipSizeLimit, UnzipXMLSizeLimit: DefaultUnzipXMLSizeLimit})
	if err != nil {
		return nil, fmt.Errorf("annotate workbook: open: %w", err)
	}
	defer f.Close()

	type at struct{ sheet, cell string }
	var order []at
	messages := map[at][]string{}
	for _, p := range problems {
		cells := p.Cells
		if len(cells) == 0 && p.Cell != "" {
			cells = []string{p.Cell}
		}
		for _, c := range cells {
			if p.Sheet == "" || c == "" {
				continue
			}
			k := at{p.Sheet, c}
			if _, seen := messages[k]; !seen {
				order = append(order, k)
			}
			messages[k] = append(messages[k], p.Message)
		}
	}
	styles := map[int]int{} // original style → marked style
	for _, k := range order {
		id, err := f.GetCellStyle(k.sheet, k.cell)
		if err != nil {
			return nil, fmt.Errorf("annotate %s!%s: %w", k.sheet, k.cell, err)
		}
		marked, ok := styles[id]
		if !ok {
			st, err := f.GetStyle(id)
			if err != nil {
				return nil, fmt.Errorf("annotate %s!%s: style: %w", k.sheet, k.cell, err)
			}
			st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFC7CE"}}
			if marked, err = f.NewStyle(st); err != nil {
				return nil, fmt.Errorf("annotate %s!%s: style: %w", k.sheet, k.cell, err)
			}
			styles[id] = marked
		}
		if err := f.SetCellStyle(k.sheet, k.cell, k.cell, marked); err != nil {
			return nil, fmt.Errorf("annotate %s!%s: %w", k.sheet, k.cell, err)
		}
		_ = f.DeleteComment(k.sheet, k.cell) // a comment from an earlier round
		text := strings.Join(messages[k], "\n")
		if err := f.AddComment(k.sheet, excelize.Comment{Cell: k.cell, Author: txtDocCreator, Text: text, Width: 360, Height: uint(60 + 30*len(messages[k]))}); err != nil {
			return nil, fmt.Errorf("annotate %s!%s: comment: %w", k.sheet, k.cell, err)
		}
	}
	xlsxdim.Use(f)
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, fmt.Errorf("annotate workbook: write: %w", err)
	}
	return buf.Bytes(), nil
}
