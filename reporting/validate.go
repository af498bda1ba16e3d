package reporting

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// The range a date field accepts, both days included: wide enough for any
// report of this regime, narrow enough to catch a serial number or a year
// typed wrong (05/01/226). Templates offer the same range in their data
// validation.
var (
	MinDate = Day(2000, time.January, 1)
	MaxDate = Day(2100, time.December, 31)
)

// User-facing messages of this file, in Vietnamese, kept together for
// review. Each names the field by its label; where is " (ô D12)" when the
// cell is known.
const (
	msgRequired         = "Chưa nhập “%s”%s: chỉ tiêu này bắt buộc."
	msgNotNumber        = "“%s”%s: “%s” không phải là số. Chỉ nhập số, không kèm chữ hay đơn vị tính (ví dụ 1234 hoặc 1.234,5)."
	msgNotInteger       = "“%s”%s phải là số nguyên; đã nhập %s."
	msgBetween          = "“%s”%s phải từ %s đến %s; đã nhập %s."
	msgAtLeast          = "“%s”%s không được nhỏ hơn %s; đã nhập %s."
	msgAtMost           = "“%s”%s không được lớn hơn %s; đã nhập %s."
	msgLongNumber       = "một số có %d chữ số"
	msgTooManyDecimals  = "“%s”%s chỉ được có tối đa %d chữ số sau dấu phẩy; đã nhập %s. Xin làm tròn số (nếu ô có công thức, dùng hàm ROUND)."
	msgNotDate          = "“%s”%s: “%s” không phải là ngày hợp lệ. Nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/01/2026."
	msgDateRange        = "“%s”%s: ngày %s nằm ngoài khoảng cho phép (từ %s đến %s)."
	msgChoice           = "“%s”%s: “%s” không có trong danh sách. Chọn một trong: %s."
	msgTooLong          = "“%s”%s dài %d ký tự, vượt quá %d ký tự cho phép."
	msgFormulaAt        = "Ô %s (“%s”) chứa công thức nhưng không có giá trị đã tính. Xin mở tệp bằng Excel hoặc LibreOffice để tính lại rồi lưu, hoặc nhập trực tiếp số liệu."
	msgFormula          = "“%s” chứa công thức nhưng không có giá trị đã tính. Xin mở tệp bằng Excel hoặc LibreOffice để tính lại rồi lưu, hoặc nhập trực tiếp số liệu."
	msgInvolved         = " Chỉ tiêu liên quan: %s."
	msgInvolvedItem     = "“%s”%s = %s"
	msgEmptyValue       = "(trống)"
	msgRuleNotEvaluated = " (Không tính được quy tắc với các giá trị đã nhập.)"
	msgWarningNeedsNote = " Nếu số liệu đúng, xin ghi giải trình vào cột “Ghi chú / giải trình” cùng dòng với “%s”%s."
	msgWarningExplained = " Đơn vị đã giải trình: “%s”."
	msgRulesBroken      = "Không kiểm tra được các quy tắc liên chỉ tiêu của biểu mẫu (định nghĩa biểu mẫu bị lỗi). Xin báo quản trị viên."
	msgWhere            = " (ô %s)"
	msgChoiceSep        = ", "
	msgInvolvedSep      = "; "
)

// Validate checks a report's values against its form and returns every
// problem at once, in form order: for each field required, type, range
// (the form's min and max within the type's Limit), decimals, choice and
// length; then the cross-field rules. A rule that reads a field
// with a problem of its own is skipped, so one wrong cell is reported once.
//
// A failed error rule is a ProblemRule naming every field it reads. A
// failed warning rule is a ProblemWarning: of severity error while the note
// of the rule's first field is empty (the clerk must confirm the unusual
// value by explaining it), of severity warning once it is not, carrying the
// note so inspectors see both.
//
// values and notes are keyed by field code; a field absent from values is
// empty. Problems carry the sheet and cell each value came from.
func Validate(form Form, values map[string]Value, notes map[string]string) []Problem {
	var out []Problem
	env := make(map[string]any, len(values))
	for _, fl := range form.Fields() {
		v := values[fl.Code]
		if p, bad := checkField(fl, v); bad {
			out = append(out, p)
			continue
		}
		if x := ruleInput(fl, v); x != nil {
			env[fl.Code] = x
		}
	}
	if len(form.Rules) == 0 {
		return out
	}
	rs, err := cachedRules(&form)
	if err != nil {
		// Definitions are validated when loaded, so this is a bug; refusing
		// is better than accepting a report whose rules never ran.
		return append(out, Problem{Code: ProblemRule, Severity: SeverityError, Message: msgRulesBroken})
	}
	for _, r := range rs.Eval(env) {
		out = append(out, ruleProblem(form, r, values, notes))
	}
	return out
}

// ruleSets caches compiled rules by what compiling depends on (see
// rulesKey): an upload should run its form's rules, not compile them, and
// a process serves few forms. The cap only guards against a flood of
// distinct definitions.
var ruleSets struct {
	sync.Mutex
	m map[string]*RuleSet
}

const maxCachedRuleSets = 256

func cachedRules(f *Form) (*RuleSet, error) {
	key := rulesKey(f)
	ruleSets.Lock()
	rs, ok := ruleSets.m[key]
	ruleSets.Unlock()
	if ok {
		return rs, nil
	}
	rs, err := CompileRules(f)
	if err != nil {
		return nil, err
	}
	ruleSets.Lock()
	defer ruleSets.Unlock()
	if ruleSets.m == nil || len(ruleSets.m) >= maxCachedRuleSets {
		ruleSets.m = map[string]*RuleSet{}
	}
	ruleSets.m[key] = rs
	return rs, nil
}

// rulesKey is everything a compiled rule set depends on: each field's code
// and type (the compile environment) and each rule.
func rulesKey(f *Form) string {
	var b strings.Builder
	for _, s := range f.Sections {
		for _, fl := range s.Fields {
			b.WriteString(fl.Code)
			b.WriteByte(':')
			b.WriteString(string(fl.Type))
			b.WriteByte(0)
		}
	}
	for _, r := range f.Rules {
		b.WriteByte(1)
		b.WriteString(r.Expr)
		b.WriteByte(0)
		b.WriteString(r.Message)
		b.WriteByte(0)
		b.WriteString(string(r.Severity))
	}
	return b.String()
}

// checkField returns the first problem of one value, if any.
func checkField(fl Field, v Value) (Problem, bool) {
	p := Problem{Severity: SeverityError, Sheet: v.Sheet, Cell: v.Cell, Field: fl.Code, Label: fl.Label, Value: v.Raw}
	fail := func(code, format string, args ...any) (Problem, bool) {
		p.Code, p.Message = code, fmt.Sprintf(format, args...)
		return p, true
	}
	at := where(v)
	switch {
	case v.Empty():
		if fl.Required {
			return fail(ProblemRequired, msgRequired, fl.Label, at)
		}
		return p, false
	case v.Raw == "": // a formula without a computed value
		if v.Cell != "" {
			return fail(ProblemFormula, msgFormulaAt, v.Cell, fl.Label)
		}
		return fail(ProblemFormula, msgFormula, fl.Label)
	}

	switch fl.Type {
	case TypeInt, TypeDecimal, TypePercent:
		n, ok := v.rat()
		if !ok {
			return fail(ProblemType, msgNotNumber, fl.Label, at, v.Raw)
		}
		if fl.Type == TypeInt && !n.IsInt() {
			return fail(ProblemType, msgNotInteger, fl.Label, at, FormatNumber(v.Num))
		}
		b := boundsOf(fl)
		tooLow, tooHigh := n.Cmp(b.lo) < 0, n.Cmp(b.hi) > 0
		got := shownNumber(v.Num)
		switch {
		case (tooLow || tooHigh) && b.both:
			return fail(ProblemRange, msgBetween, fl.Label, at, withUnitText(FormatNumber(b.loText), fl.Unit), withUnitText(FormatNumber(b.hiText), fl.Unit), got)
		case tooLow:
			return fail(ProblemRange, msgAtLeast, fl.Label, at, withUnitText(FormatNumber(b.loText), fl.Unit), got)
		case tooHigh:
			return fail(ProblemRange, msgAtMost, fl.Label, at, withUnitText(FormatNumber(b.hiText), fl.Unit), got)
		}
		// The stored value must be the one the sheet shows, and the sheet
		// shows the type's decimals: more are refused, not rounded away.
		if places := numberLimits[fl.Type].Places; fl.Type != TypeInt && decimalPlaces(v.Num) > places {
			return fail(ProblemType, msgTooManyDecimals, fl.Label, at, places, got)
		}
	case TypeChoice:
		if !slices.Contains(fl.Choices, v.Text) {
			return fail(ProblemChoice, msgChoice, fl.Label, at, v.Raw, strings.Join(fl.Choices, msgChoiceSep))
		}
	case TypeDate:
		if v.Date == nil {
			return fail(ProblemType, msgNotDate, fl.Label, at, v.Raw)
		}
		if v.Date.Before(MinDate) || v.Date.After(MaxDate) {
			return fail(ProblemRange, msgDateRange, fl.Label, at, FormatDate(*v.Date), FormatDate(MinDate), FormatDate(MaxDate))
		}
	case TypeText:
		limit := fl.MaxLength
		if limit == 0 {
			limit = DefaultMaxLength
		}
		if n := utf8.RuneCountInString(v.Text); n > limit {
			return fail(ProblemLength, msgTooLong, fl.Label, at, n, limit)
		}
	}
	return p, false
}

// ruleInput is a valid value as the rule engine wants it, or nil for an
// empty one or a text (rules do not read text).
func ruleInput(fl Field, v Value) any {
	if v.Empty() {
		return nil
	}
	switch fl.Type {
	case TypeInt, TypeDecimal, TypePercent:
		if f, ok := v.Float(); ok {
			return f
		}
	case TypeChoice:
		return v.Text
	case TypeDate:
		if v.Date != nil {
			return *v.Date
		}
	}
	return nil
}

func ruleProblem(form Form, r RuleResult, values map[string]Value, notes map[string]string) Problem {
	first := values[r.Field()]
	p := Problem{
		Code:     ProblemRule,
		Severity: SeverityError,
		Sheet:    first.Sheet,
		Cell:     first.Cell,
		Field:    r.Field(),
		Value:    first.Raw,
		Fields:   r.Fields,
	}
	items := make([]string, 0, len(r.Fields))
	for _, code := range r.Fields {
		fl, _ := form.Field(code)
		v := values[code]
		p.Cells = append(p.Cells, v.Cell)
		items = append(items, fmt.Sprintf(msgInvolvedItem, fl.Label, where(v), display(fl, v)))
		if code == r.Field() {
			p.Label = fl.Label
		}
	}
	msg := r.Message
	if r.Err != nil {
		msg += msgRuleNotEvaluated
	}
	msg += fmt.Sprintf(msgInvolved, strings.Join(items, msgInvolvedSep))
	if r.Severity == SeverityWarning {
		p.Code = ProblemWarning
		if note := strings.TrimSpace(notes[r.Field()]); note != "" {
			p.Severity, p.Note = SeverityWarning, note
			msg += fmt.Sprintf(msgWarningExplained, note)
		} else {
			msg += fmt.Sprintf(msgWarningNeedsNote, p.Label, where(first))
		}
	}
	p.Message = msg
	return p
}

func where(v Value) string {
	if v.Cell == "" {
		return ""
	}
	return fmt.Sprintf(msgWhere, v.Cell)
}

// display is a value as a message shows it.
func display(fl Field, v Value) string {
	switch {
	case v.Empty() || v.Raw == "":
		return msgEmptyValue
	case v.Num != "":
		return withUnitText(FormatNumber(v.Num), fl.Unit)
	case v.Date != nil:
		return FormatDate(*v.Date)
	case v.Text != "":
		return v.Text
	}
	return v.Raw
}

// shownNumber is a value as a message quotes it: written the Vietnamese
// way, or by its length when it is too long to read (a 400-digit amount).
func shownNumber(canonical string) string {
	if n := digitCount(canonical); n > maxQuotedDigits {
		return fmt.Sprintf(msgLongNumber, n)
	}
	return FormatNumber(canonical)
}

// maxQuotedDigits is the longest number a message quotes digit for digit.
const maxQuotedDigits = 24

func withUnitText(n, unit string) string {
	switch unit {
	case "":
		return n
	case "%":
		return n + "%"
	}
	return n + " " + unit
}

// FormatNumber writes a canonical decimal (see Value.Num) the Vietnamese
// way: "." between thousands, "," before the fraction ("12.345.678,25").
// Anything else is returned as it is.
func FormatNumber(canonical string) string {
	if !IsCanonicalNumber(canonical) {
		return canonical
	}
	sign := ""
	if strings.HasPrefix(canonical, "-") {
		sign, canonical = "-", canonical[1:]
	}
	intPart, frac, hasFrac := strings.Cut(canonical, ".")
	var b strings.Builder
	b.WriteString(sign)
	for i, d := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(d)
	}
	if hasFrac {
		b.WriteByte(',')
		b.WriteString(frac)
	}
	return b.String()
}

// FormatDate writes a civil date as dd/mm/yyyy.
func FormatDate(d time.Time) string { return d.Format("02/01/2006") }
