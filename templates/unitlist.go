package templates

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"baocao/reporting"
)

// Limits on a unit list upload. A province has about a thousand units and a
// national list twelve thousand: a few megabytes at most. The unzip limits
// stop a small .xlsx from expanding into gigabytes (a zip bomb).
const (
	unitListMaxBytes       = 20 << 20
	unitListUnzipLimit     = 50 << 20
	unitListUnzipXMLLimits = 20 << 20
)

// unitListRequired are the columns a unit list cannot do without; e-mail and
// dates may be left out (the import's effective date then applies).
var unitListRequired = []string{reporting.UnitColCode, reporting.UnitColName, reporting.UnitColKind, reporting.UnitColParentCode}

// The Vietnamese messages of unit list reading, in one place for review.
const (
	msgUnitListFormat    = "tệp %q không đọc được: chỉ nhận danh sách đơn vị dạng .csv hoặc .xlsx"
	msgUnitListTooBig    = "tệp danh sách đơn vị lớn hơn %d MB"
	msgUnitListNotUTF8   = "tệp CSV không phải mã UTF-8; trong Excel hãy lưu bằng \"CSV UTF-8 (Comma delimited)\""
	msgUnitListBadCSV    = "tệp CSV bị lỗi ở dòng %d: %v"
	msgUnitListBadXLSX   = "không mở được tệp Excel (.xlsx); hãy lưu lại bằng Excel hoặc LibreOffice rồi tải lên"
	msgUnitListEmpty     = "tệp không có dòng tiêu đề; dòng 1 phải là: %s"
	msgUnitListNoRows    = "tệp không có đơn vị nào dưới dòng tiêu đề"
	msgUnitColumnUnknown = "cột không được hỗ trợ; các cột hợp lệ: %s"
	msgUnitColumnTwice   = "cột xuất hiện hai lần"
	msgUnitColumnMissing = "thiếu cột %s"
	msgUnitCellNoColumn  = "ô ở cột %s có dữ liệu nhưng cột không có tên ở dòng tiêu đề"
)

// ReadUnitList reads a unit list from a .csv or .xlsx file (by name's
// extension). The header row names the columns of reporting.UnitColumns, in
// any order and case. CSV is UTF-8 with or without a byte order mark,
// separated by commas or — as Excel writes it in a Vietnamese locale — by
// semicolons. In Excel the first sheet is read.
//
// Codes are text: leading zeros are kept, and a code Excel stored as a
// number comes back as the digits it shows, so "00123" formatted with
// leading zeros stays "00123". Text is NFC-normalised, so a name typed with
// combining accents equals the same name typed precomposed.
//
// Problems with the file's shape (unknown, missing or doubled columns) come
// back as a *reporting.UnitImportError; the rows' content is checked by
// reporting.ValidateUnitRows.
func ReadUnitList(r io.Reader, name string) ([]reporting.UnitRow, error) {
	b, err := io.ReadAll(io.LimitReader(r, unitListMaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read unit list %s: %w", name, err)
	}
	if len(b) > unitListMaxBytes {
		return nil, reporting.Errorf(reporting.EINVALID, msgUnitListTooBig, unitListMaxBytes>>20)
	}
	var records [][]string
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		records, err = unitCSVRecords(b)
	case ".xlsx":
		records, err = unitXLSXRecords(b)
	default:
		return nil, reporting.Errorf(reporting.EINVALID, msgUnitListFormat, name)
	}
	if err != nil {
		return nil, err
	}
	return unitRows(records)
}

// unitCSVRecords splits a CSV file into records, record i being the
// spreadsheet's row i+1 even when a quoted cell spans lines.
func unitCSVRecords(b []byte) ([][]string, error) {
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	if !utf8.Valid(b) {
		return nil, reporting.Errorf(reporting.EINVALID, msgUnitListNotUTF8)
	}
	cr := csv.NewReader(bytes.NewReader(b))
	cr.Comma = csvSeparator(b)
	cr.FieldsPerRecord = -1 // short rows are padded, long ones reported
	cr.TrimLeadingSpace = true
	var records [][]string
	prevEnd := 0 // the line the previous record ended on
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return records, nil
		}
		if err != nil {
			line := prevEnd + 1
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
				err = pe.Err
			}
			return nil, reporting.Errorf(reporting.EINVALID, msgUnitListBadCSV, line, err)
		}
		// encoding/csv skips empty lines, which are rows of the
		// spreadsheet all the same: keep them as empty records.
		start, _ := cr.FieldPos(0)
		for range start - prevEnd - 1 {
			records = append(records, nil)
		}
		end, _ := cr.FieldPos(len(rec) - 1)
		prevEnd = end + strings.Count(rec[len(rec)-1], "\n")
		records = append(records, rec)
	}
}

// csvSeparator guesses the separator from the header line: Excel uses the
// locale's list separator, which is ";" where the decimal mark is ",".
func csvSeparator(b []byte) rune {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	if bytes.Count(line, []byte(";")) > bytes.Count(line, []byte(",")) {
		return ';'
	}
	return ','
}

// unitXLSXRecords reads the first sheet as text, cell by cell as Excel
// shows it, except that date cells become YYYY-MM-DD whatever their display
// format (m/d/yy would otherwise read as d/m/yy).
func unitXLSXRecords(b []byte) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{
		UnzipSizeLimit:    unitListUnzipLimit,
		UnzipXMLSizeLimit: unitListUnzipXMLLimits,
	})
	if err != nil {
		return nil, reporting.Errorf(reporting.EINVALID, "%s", msgUnitListBadXLSX)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, reporting.Errorf(reporting.EINVALID, "%s", msgUnitListBadXLSX)
	}
	sheet := sheets[0]
	records, err := f.GetRows(sheet)
	if err != nil {
		return nil, reporting.Errorf(reporting.EINVALID, "%s", msgUnitListBadXLSX)
	}
	if len(records) == 0 {
		return records, nil
	}
	props, err := f.GetWorkbookProps()
	if err != nil {
		return nil, fmt.Errorf("read workbook properties: %w", err)
	}
	date1904 := props.Date1904 != nil && *props.Date1904
	for col, h := range records[0] {
		if name := unitHeaderName(h); name != reporting.UnitColActiveFrom && name != reporting.UnitColActiveUntil {
			continue
		}
		for row := 1; row < len(records); row++ {
			if col < len(records[row]) && records[row][col] != "" {
				records[row][col] = xlsxDateCell(f, sheet, col, row, records[row][col], date1904)
			}
		}
	}
	return records, nil
}

// xlsxDateCell is the cell at (col, row), 0-based, as YYYY-MM-DD when it
// holds a date serial number under a date format, otherwise shown as-is so
// that text like 01/07/2025 is parsed later and anything else is reported.
func xlsxDateCell(f *excelize.File, sheet string, col, row int, shown string, date1904 bool) string {
	cell, err := excelize.CoordinatesToCellName(col+1, row+1)
	if err != nil {
		return shown
	}
	typ, err := f.GetCellType(sheet, cell)
	if err != nil {
		return shown
	}
	raw, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	if err != nil {
		return shown
	}
	switch typ {
	case excelize.CellTypeDate: // ISO 8601 text, t="d"
		if len(raw) >= 10 {
			return raw[:10]
		}
		return shown
	case excelize.CellTypeUnset, excelize.CellTypeNumber:
		serial, err := strconv.ParseFloat(raw, 64)
		if err != nil || !xlsxHasDateFormat(f, sheet, cell) {
			return shown
		}
		t, err := excelize.ExcelDateToTime(serial, date1904)
		if err != nil {
			return shown
		}
		return t.Format("2006-01-02")
	}
	return shown
}

// xlsxHasDateFormat tells whether the cell's number format shows a date.
func xlsxHasDateFormat(f *excelize.File, sheet, cell string) bool {
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		return false
	}
	st, err := f.GetStyle(id)
	if err != nil || st == nil {
		return false
	}
	if st.CustomNumFmt != nil {
		return isDateFormatCode(*st.CustomNumFmt)
	}
	n := st.NumFmt
	// Excel's built-in date and time formats, including the East Asian
	// ones a file from another locale may carry.
	return (14 <= n && n <= 22) || (27 <= n && n <= 36) || (45 <= n && n <= 47) || (50 <= n && n <= 58) || (71 <= n && n <= 81)
}

// isDateFormatCode tells whether a custom number format shows a date: it
// has a day or year token once quoted text, escapes, fill and padding
// characters and [bracketed] colours or locales are removed.
func isDateFormatCode(code string) bool {
	var b strings.Builder
	for i := 0; i < len(code); i++ {
		switch c := code[i]; c {
		case '"', '[':
			end := byte('"')
			if c == '[' {
				end = ']'
			}
			if j := strings.IndexByte(code[i+1:], end); j >= 0 {
				i += j + 1
			} else {
				i = len(code)
			}
		case '\\', '_', '*':
			i++ // the next character is literal, padding or fill
		default:
			b.WriteByte(c)
		}
	}
	s := strings.ToLower(b.String())
	return strings.ContainsAny(s, "dy")
}

func unitHeaderName(h string) string {
	return strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
}

// unitRows maps records (record i = spreadsheet row i+1) onto UnitRows by
// the header, skipping blank rows without renumbering the others.
func unitRows(records [][]string) ([]reporting.UnitRow, error) {
	var problems reporting.UnitImportError
	if len(records) == 0 || isBlankRecord(records[0]) {
		problems.Add(1, "", "", msgUnitListEmpty, strings.Join(reporting.UnitColumns, ","))
		return nil, problems.Err()
	}
	cols := map[string]int{}
	var unnamed []int
	for i, h := range records[0] {
		name := unitHeaderName(h)
		switch {
		case name == "":
			unnamed = append(unnamed, i)
		case !slices.Contains(reporting.UnitColumns, name):
			problems.Add(1, name, strings.TrimSpace(h), msgUnitColumnUnknown, strings.Join(reporting.UnitColumns, ", "))
		default:
			if _, dup := cols[name]; dup {
				problems.Add(1, name, strings.TrimSpace(h), msgUnitColumnTwice)
			}
			cols[name] = i
		}
	}
	for _, name := range unitListRequired {
		if _, ok := cols[name]; !ok {
			problems.Add(1, name, "", msgUnitColumnMissing, name)
		}
	}
	if err := problems.Err(); err != nil {
		return nil, err
	}

	var rows []reporting.UnitRow
	for i := 1; i < len(records); i++ {
		rec := records[i]
		if isBlankRecord(rec) {
			continue
		}
		cell := func(name string) string {
			if c, ok := cols[name]; ok && c < len(rec) {
				return norm.NFC.String(strings.TrimSpace(rec[c]))
			}
			return ""
		}
		for c := range rec {
			if strings.TrimSpace(rec[c]) == "" || (c < len(records[0]) && !slices.Contains(unnamed, c)) {
				continue
			}
			letter, _ := excelize.ColumnNumberToName(c + 1)
			problems.Add(i+1, "", strings.TrimSpace(rec[c]), msgUnitCellNoColumn, letter)
		}
		rows = append(rows, reporting.ParseUnitRow(i+1, reporting.UnitRowRaw{
			Code:         cell(reporting.UnitColCode),
			Name:         cell(reporting.UnitColName),
			Kind:         cell(reporting.UnitColKind),
			ParentCode:   cell(reporting.UnitColParentCode),
			Email:        cell(reporting.UnitColEmail),
			ActiveFrom:   cell(reporting.UnitColActiveFrom),
			ActiveUntil:  cell(reporting.UnitColActiveUntil),
			Predecessors: cell(reporting.UnitColPredecessors),
		}))
	}
	if err := problems.Err(); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		problems.Add(0, "", "", msgUnitListNoRows)
		return nil, problems.Err()
	}
	return rows, nil
}

func isBlankRecord(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
