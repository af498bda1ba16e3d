package reporting

import (
	"fmt"
	"io"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"
)

// The columns of a unit list (templates.ReadUnitList reads them from CSV or
// Excel). Problems name the column by these header names, which is what the
// administrator sees in the file.
const (
	UnitColCode        = "code"
	UnitColName        = "name"
	UnitColKind        = "kind"
	UnitColParentCode  = "parent_code"
	UnitColEmail       = "email"
	UnitColActiveFrom  = "active_from"
	UnitColActiveUntil = "active_until"
	// UnitColPredecessors lists the codes of the units this one was
	// formed from (a merger, or the part of a split), ";"-separated: the
	// import records each as a succession from the unit's first day.
	UnitColPredecessors = "predecessors"
)

// UnitColumns lists the columns in the order the demo files use.
var UnitColumns = []string{UnitColCode, UnitColName, UnitColKind, UnitColParentCode, UnitColEmail, UnitColActiveFrom, UnitColActiveUntil, UnitColPredecessors}

// unitCodePattern is the same rule as the CHECK on units.code: codes go into
// URLs, file names and defined names, so they stay plain ASCII.
var unitCodePattern = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z._-]*$`)

// UnitRowRaw is one row of a unit list as written, kept so that problems can
// quote what the administrator typed rather than what it was parsed into.
type UnitRowRaw struct {
	Code, Name, Kind, ParentCode, Email, ActiveFrom, ActiveUntil, Predecessors string
}

// UnitRow is one row of a unit list, parsed but not yet validated (see
// ValidateUnitRows). Dates are civil dates (see Day); a date that did not
// parse is nil with its text kept in Raw, and is reported by validation.
type UnitRow struct {
	Row         int // the spreadsheet's row number; the header is row 1
	Code        string
	Name        string
	Kind        UnitKind
	ParentCode  string
	Emails      []string
	ActiveFrom  *time.Time // first active day; nil: from the import's effective date
	ActiveUntil *time.Time // last active day, inclusive; nil: still active
	// Predecessors are the codes of the units this one was formed from.
	Predecessors []string
	Raw          UnitRowRaw
}

// ParseUnitRow turns the cells of one row into a UnitRow. It never fails:
// whatever does not parse is left for ValidateUnitRows to report, so the
// administrator gets every problem of the file at once. Several e-mail
// addresses are separated by ";" (or ","); addresses are lower-cased so that
// a re-import differing only in case is not a change.
func ParseUnitRow(row int, raw UnitRowRaw) UnitRow {
	r := UnitRow{
		Row:        row,
		Code:       strings.TrimSpace(raw.Code),
		Name:       strings.Join(strings.Fields(raw.Name), " "),
		Kind:       UnitKind(strings.ToLower(strings.TrimSpace(raw.Kind))),
		ParentCode: strings.TrimSpace(raw.ParentCode),
		Raw:        raw,
	}
	for _, e := range strings.FieldsFunc(raw.Email, func(c rune) bool { return c == ';' || c == ',' }) {
		if e = strings.ToLower(strings.TrimSpace(e)); e != "" {
			r.Emails = append(r.Emails, e)
		}
	}
	for _, c := range strings.FieldsFunc(raw.Predecessors, func(c rune) bool { return c == ';' || c == ',' }) {
		if c = strings.TrimSpace(c); c != "" && !slices.Contains(r.Predecessors, c) {
			r.Predecessors = append(r.Predecessors, c)
		}
	}
	if d, err := ParseUnitDate(raw.ActiveFrom); err == nil && !d.IsZero() {
		r.ActiveFrom = &d
	}
	if d, err := ParseUnitDate(raw.ActiveUntil); err == nil && !d.IsZero() {
		r.ActiveUntil = &d
	}
	return r
}

// ParseUnitDate reads a civil date written as YYYY-MM-DD or as DD/MM/YYYY
// (the Vietnamese order, which Excel in a Vietnamese locale writes into CSV).
// An empty string is the zero time and no error.
func ParseUnitDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{"2006-1-2", "2/1/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date like 2025-07-01 or 01/07/2025", s)
}

// UnitRef is what validation needs to know about a unit already stored.
type UnitRef struct {
	Code        string
	Kind        UnitKind
	ParentCode  string // parent at the import's date, for finding cycles
	ActiveFrom  time.Time
	ActiveUntil *time.Time // last active day, inclusive; nil while active
}

// RowProblem is one thing wrong with one row. Row 0 is the file as a whole.
type RowProblem struct {
	Row     int
	Column  string
	Value   string
	Message string // Vietnamese, for the administrator
}

func (p RowProblem) String() string {
	var b strings.Builder
	if p.Row > 0 {
		fmt.Fprintf(&b, "dòng %d", p.Row)
	} else {
		b.WriteString("toàn tệp")
	}
	if p.Column != "" {
		fmt.Fprintf(&b, ", cột %s", p.Column)
	}
	if p.Value != "" {
		fmt.Fprintf(&b, " (%q)", p.Value)
	}
	b.WriteString(": ")
	b.WriteString(p.Message)
	return b.String()
}

// UnitImportError lists every problem of a unit list. Nothing of the list is
// stored while there is one.
type UnitImportError struct {
	Problems []RowProblem
}

func (e *UnitImportError) Error() string {
	lines := make([]string, 0, len(e.Problems)+1)
	lines = append(lines, fmt.Sprintf(msgUnitProblems, len(e.Problems)))
	for _, p := range e.Problems {
		lines = append(lines, p.String())
	}
	return strings.Join(lines, "\n")
}

// Unwrap makes the list an EINVALID *Error for ErrorCode and ErrorMessage, so
// the web layer maps it like any other invalid input.
func (e *UnitImportError) Unwrap() error { return &Error{Code: EINVALID, Message: e.Error()} }

// Sort orders the problems by row, then column as in UnitColumns.
func (e *UnitImportError) Sort() {
	slices.SortStableFunc(e.Problems, func(a, b RowProblem) int {
		if a.Row != b.Row {
			return a.Row - b.Row
		}
		return slices.Index(UnitColumns, a.Column) - slices.Index(UnitColumns, b.Column)
	})
}

// Add appends a problem.
func (e *UnitImportError) Add(row int, column, value, format string, args ...any) {
	e.Problems = append(e.Problems, RowProblem{Row: row, Column: column, Value: value, Message: fmt.Sprintf(format, args...)})
}

// Err is e when it holds a problem and nil otherwise, so callers can collect
// into one value and return it unconditionally.
func (e *UnitImportError) Err() error {
	if e == nil || len(e.Problems) == 0 {
		return nil
	}
	e.Sort()
	return e
}

// The Vietnamese messages of unit imports, in one place for review.
const (
	msgUnitProblems       = "Danh sách đơn vị có %d lỗi, chưa lưu gì:"
	msgCodeEmpty          = "thiếu mã đơn vị"
	msgCodeIllegal        = "mã đơn vị chỉ gồm chữ cái không dấu, chữ số và các ký tự . _ -, bắt đầu bằng chữ hoặc số"
	msgCodeDuplicate      = "mã %s xuất hiện hai lần: dòng %d và dòng %d"
	msgCodeClosed         = "đơn vị %s đã ngừng hoạt động sau ngày %s; mã đơn vị không được dùng lại (nếu đơn vị bị đóng nhầm: nhập lại với lựa chọn mở lại đơn vị đã đóng, ngày hiệu lực không muộn hơn ngày %s)"
	msgNameEmpty          = "thiếu tên đơn vị"
	msgPredecessorSelf    = "đơn vị %s không thể được hình thành từ chính nó"
	msgPredecessorUnknown = "không có đơn vị mã %s (trong tệp hay đã lưu) để làm đơn vị tiền thân"
	msgKindEmpty          = "thiếu loại đơn vị; dùng một trong: %s"
	msgKindUnknown        = "loại đơn vị không hợp lệ; dùng một trong: %s"
	msgParentUnknown      = "đơn vị cha %s không có trong tệp và chưa có trong hệ thống"
	msgParentOfProvince   = "đơn vị cấp tỉnh không có đơn vị cha; để trống cột này"
	msgParentMissing      = "thiếu mã đơn vị cha (chỉ đơn vị cấp tỉnh không có đơn vị cha)"
	msgParentCycle        = "các đơn vị cha tạo thành vòng lặp: %s"
	msgParentNotYet       = "đơn vị cha %s chỉ bắt đầu hoạt động từ ngày %s, sau ngày %s"
	msgParentEnds         = "đơn vị cha %s ngừng hoạt động sau ngày %s, trong khi đơn vị này %s"
	msgStillActive        = "vẫn hoạt động"
	msgActiveUntil        = "hoạt động đến ngày %s"
	msgEmailInvalid       = "địa chỉ e-mail %q không hợp lệ (nhiều địa chỉ thì ngăn cách bằng dấu ;)"
	msgDateInvalid        = "ngày không hợp lệ; viết theo dạng 2025-07-01 hoặc 01/07/2025"
	msgUntilBeforeFrom    = "ngày ngừng hoạt động %s trước ngày bắt đầu %s"
	msgTreeParentInactive = "(đơn vị cha %s không hoạt động)"
)

func unitKindChoices() string {
	s := make([]string, len(UnitKinds))
	for i, k := range UnitKinds {
		s[i] = fmt.Sprintf("%s (%s)", k, k.Label())
	}
	return strings.Join(s, ", ")
}

// ValidateUnitRows checks a whole unit list against itself and the units
// already stored (known, by code) and returns every problem as a
// *UnitImportError, or nil. Rows may refer to parents further down the file.
//
// Each row is checked over its own dates: from ActiveFrom (when nil, the
// start is not checked) to ActiveUntil (nil: open-ended). A parent's active
// time is that of the stored unit when known — the caller applies what the
// import itself will close — and otherwise that of its row in the file.
func ValidateUnitRows(rows []UnitRow, known map[string]UnitRef) error {
	var e UnitImportError
	first := make(map[string]*UnitRow, len(rows)) // code → its first row
	for i := range rows {
		r := &rows[i]
		if r.Code == "" {
			continue
		}
		if f, dup := first[r.Code]; dup {
			e.Add(r.Row, UnitColCode, r.Code, msgCodeDuplicate, r.Code, f.Row, r.Row)
			continue
		}
		first[r.Code] = r
	}
	for i := range rows {
		validateUnitRow(&e, &rows[i], first, known)
	}
	findUnitCycles(&e, rows, first, known)
	return e.Err()
}

func validateUnitRow(e *UnitImportError, r *UnitRow, first map[string]*UnitRow, known map[string]UnitRef) {
	switch {
	case r.Code == "":
		e.Add(r.Row, UnitColCode, "", msgCodeEmpty)
	case !unitCodePattern.MatchString(r.Code):
		e.Add(r.Row, UnitColCode, r.Code, msgCodeIllegal)
	}
	if r.Name == "" {
		e.Add(r.Row, UnitColName, "", msgNameEmpty)
	}
	for _, p := range r.Predecessors {
		_, inFile := first[p]
		_, stored := known[p]
		switch {
		case p == r.Code:
			e.Add(r.Row, UnitColPredecessors, p, msgPredecessorSelf, p)
		case !inFile && !stored:
			e.Add(r.Row, UnitColPredecessors, p, msgPredecessorUnknown, p)
		}
	}
	switch {
	case r.Kind == "":
		e.Add(r.Row, UnitColKind, "", msgKindEmpty, unitKindChoices())
	case !r.Kind.Valid():
		e.Add(r.Row, UnitColKind, r.Raw.Kind, msgKindUnknown, unitKindChoices())
	}
	for _, addr := range r.Emails {
		if a, err := mail.ParseAddress(addr); err != nil || a.Address != addr {
			e.Add(r.Row, UnitColEmail, r.Raw.Email, msgEmailInvalid, addr)
		}
	}
	datesOK := true
	if r.ActiveFrom == nil && strings.TrimSpace(r.Raw.ActiveFrom) != "" {
		e.Add(r.Row, UnitColActiveFrom, r.Raw.ActiveFrom, msgDateInvalid)
		datesOK = false
	}
	if r.ActiveUntil == nil && strings.TrimSpace(r.Raw.ActiveUntil) != "" {
		e.Add(r.Row, UnitColActiveUntil, r.Raw.ActiveUntil, msgDateInvalid)
		datesOK = false
	}
	if r.ActiveFrom != nil && r.ActiveUntil != nil && r.ActiveUntil.Before(*r.ActiveFrom) {
		e.Add(r.Row, UnitColActiveUntil, r.Raw.ActiveUntil, msgUntilBeforeFrom, FormatDate(*r.ActiveUntil), FormatDate(*r.ActiveFrom))
		datesOK = false
	}
	if k, ok := known[r.Code]; ok && k.ActiveUntil != nil && r.ActiveFrom != nil && r.ActiveFrom.After(*k.ActiveUntil) {
		e.Add(r.Row, UnitColCode, r.Code, msgCodeClosed, r.Code, FormatDate(*k.ActiveUntil), FormatDate(k.ActiveUntil.AddDate(0, 0, 1)))
	}

	if r.Kind == KindProvince {
		if r.ParentCode != "" {
			e.Add(r.Row, UnitColParentCode, r.ParentCode, msgParentOfProvince)
		}
		return
	}
	if r.ParentCode == "" {
		if r.Kind.Valid() {
			e.Add(r.Row, UnitColParentCode, "", msgParentMissing)
		}
		return
	}
	if r.ParentCode == r.Code {
		return // reported as a cycle
	}
	pFrom, pUntil, found := unitParentWindow(r.ParentCode, first, known)
	if !found {
		e.Add(r.Row, UnitColParentCode, r.ParentCode, msgParentUnknown, r.ParentCode)
		return
	}
	if !datesOK {
		return
	}
	if r.ActiveFrom != nil && pFrom != nil && pFrom.After(*r.ActiveFrom) {
		e.Add(r.Row, UnitColParentCode, r.ParentCode, msgParentNotYet, r.ParentCode, FormatDate(*pFrom), FormatDate(*r.ActiveFrom))
	}
	if pUntil != nil && (r.ActiveUntil == nil || r.ActiveUntil.After(*pUntil)) {
		until := msgStillActive
		if r.ActiveUntil != nil {
			until = fmt.Sprintf(msgActiveUntil, FormatDate(*r.ActiveUntil))
		}
		e.Add(r.Row, UnitColParentCode, r.ParentCode, msgParentEnds, r.ParentCode, FormatDate(*pUntil), until)
	}
}

// unitParentWindow is when parent is active: as stored when known,
// otherwise as its row says. A nil from is unknown, a nil until open-ended.
func unitParentWindow(parent string, first map[string]*UnitRow, known map[string]UnitRef) (from, until *time.Time, found bool) {
	if k, ok := known[parent]; ok {
		from := k.ActiveFrom
		return &from, k.ActiveUntil, true
	}
	if p, ok := first[parent]; ok {
		return p.ActiveFrom, p.ActiveUntil, true
	}
	return nil, nil, false
}

// findUnitCycles reports each loop of parent links once, at the first row
// on it. Links run through the file's rows and, for codes not in the file,
// the stored parents, since a file can close a loop with stored units.
func findUnitCycles(e *UnitImportError, rows []UnitRow, first map[string]*UnitRow, known map[string]UnitRef) {
	parentOf := func(code string) string {
		if r, ok := first[code]; ok {
			return r.ParentCode
		}
		return known[code].ParentCode
	}
	const (
		visiting = 1
		done     = 2
	)
	state := map[string]int{}
	for _, r := range rows {
		if r.Code == "" || state[r.Code] != 0 {
			continue
		}
		var path []string
		c := r.Code
		for c != "" && state[c] == 0 {
			state[c] = visiting
			path = append(path, c)
			c = parentOf(c)
		}
		if c != "" && state[c] == visiting {
			loop := path[slices.Index(path, c):]
			var at *UnitRow // the loop's first row in the file
			for _, lc := range loop {
				if fr, ok := first[lc]; ok && (at == nil || fr.Row < at.Row) {
					at = fr
				}
			}
			codes := strings.Join(append(slices.Clone(loop), c), " → ")
			if at == nil {
				e.Add(0, UnitColParentCode, "", msgParentCycle, codes)
			} else {
				e.Add(at.Row, UnitColParentCode, at.ParentCode, msgParentCycle, codes)
			}
		}
		for _, p := range path {
			state[p] = done
		}
	}
}

// UnitTreeEntry is one line of a unit tree: a unit and how deep it sits.
type UnitTreeEntry struct {
	Unit  Unit
	Depth int
	// Orphan is set on a unit whose parent is not among the units given
	// (e.g. closed earlier than its child); it is shown at the top level.
	Orphan bool
}

// UnitTree orders units depth-first under their parents: within a parent by
// kind (agencies, public service units, districts, communes) and then name,
// compared by their keys (see SortUnits), and code.
func UnitTree(units []Unit, key func(string) string) []UnitTreeEntry {
	byCode := make(map[string]bool, len(units))
	for _, u := range units {
		byCode[u.Code] = true
	}
	children := map[string][]Unit{}
	var roots []Unit
	for _, u := range units {
		if u.ParentCode == "" || !byCode[u.ParentCode] {
			roots = append(roots, u)
		} else {
			children[u.ParentCode] = append(children[u.ParentCode], u)
		}
	}
	nameKey := make(map[string]string, len(units))
	for _, u := range units {
		nameKey[u.Code] = key(u.Name)
	}
	order := func(a, b Unit) int {
		if d := slices.Index(UnitKinds, a.Kind) - slices.Index(UnitKinds, b.Kind); d != 0 {
			return d
		}
		if d := strings.Compare(nameKey[a.Code], nameKey[b.Code]); d != 0 {
			return d
		}
		if d := len(a.Code) - len(b.Code); d != 0 && unitCodeIsNumber(a.Code) && unitCodeIsNumber(b.Code) {
			return d
		}
		return strings.Compare(a.Code, b.Code)
	}
	out := make([]UnitTreeEntry, 0, len(units))
	seen := make(map[string]bool, len(units))
	var walk func(u Unit, depth int)
	walk = func(u Unit, depth int) {
		if seen[u.Code] {
			return
		}
		seen[u.Code] = true
		out = append(out, UnitTreeEntry{Unit: u, Depth: depth, Orphan: depth == 0 && u.ParentCode != ""})
		kids := children[u.Code]
		slices.SortFunc(kids, order)
		for _, k := range kids {
			walk(k, depth+1)
		}
	}
	slices.SortFunc(roots, order)
	for _, u := range roots {
		walk(u, 0)
	}
	// Units on a loop of parents are reachable from no root; show them
	// rather than hide them.
	for _, u := range units {
		if !seen[u.Code] {
			walk(u, 0)
		}
	}
	return out
}

func unitCodeIsNumber(s string) bool {
	return s != "" && strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) < 0
}

// FormatUnitTree writes units as an indented tree, one unit a line: code,
// name and kind, two spaces of indent per level.
func FormatUnitTree(w io.Writer, units []Unit, key func(string) string) error {
	for _, en := range UnitTree(units, key) {
		u := en.Unit
		line := fmt.Sprintf("%s%s  %s  [%s]", strings.Repeat("  ", en.Depth), u.Code, u.Name, u.Kind.Label())
		if en.Orphan {
			line += " " + fmt.Sprintf(msgTreeParentInactive, u.ParentCode)
		}
		if _, err := fmt.Fprintln(w, line); err != nil {
			return fmt.Errorf("write unit tree: %w", err)
		}
	}
	return nil
}
