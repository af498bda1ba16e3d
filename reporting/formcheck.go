package reporting

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strings"

	"github.com/expr-lang/expr/parser"
)

// DefaultMaxLength caps a text field without max_length: long enough for a
// paragraph of difficulties or proposals, short enough to keep a cell usable.
const DefaultMaxLength = 2000

// MaxFieldCode is the longest field code: codes become Excel defined names
// and column names in exports, and short ones stay readable there.
const MaxFieldCode = 40

var (
	// formCodeRE is the forms table's CHECK, so a definition that passes
	// here also loads.
	formCodeRE  = regexp.MustCompile(`^[A-Z0-9][A-Z0-9_-]*$`)
	fieldCodeRE = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
)

// ruleWords are the expression language's words; a field with one of these
// codes could never be named in a rule.
var ruleWords = []string{"and", "or", "not", "in", "matches", "contains", "let", "nil", "true", "false", "if", "else"}

// Normalize fills in the defaults a definition may leave out: the
// aggregate for the field's type (sum for int and decimal, avg for
// percent, count for choice, none otherwise), 0..100 for a percent, a
// maximum length for text, and error severity for rules. Unknown types are
// left alone for Validate to report.
func (f *Form) Normalize() {
	for si := range f.Sections {
		for fi := range f.Sections[si].Fields {
			fl := &f.Sections[si].Fields[fi]
			if fl.Aggregate == "" {
				fl.Aggregate = defaultAggregate(fl.Type)
				if fl.Ratio != nil {
					fl.Aggregate = AggRatio
				}
			}
			switch fl.Type {
			case TypePercent:
				if fl.Min == nil {
					lo := 0.0
					fl.Min = &lo
				}
				if fl.Max == nil {
					hi := 100.0
					fl.Max = &hi
				}
			case TypeText:
				if fl.MaxLength == 0 {
					fl.MaxLength = DefaultMaxLength
				}
			}
		}
	}
	for i := range f.Rules {
		if f.Rules[i].Severity == "" {
			f.Rules[i].Severity = SeverityError
		}
	}
}

func defaultAggregate(t FieldType) Aggregate {
	switch t {
	case TypeInt, TypeDecimal:
		return AggSum
	case TypePercent:
		return AggAvg
	case TypeChoice:
		return AggCount
	case TypeText, TypeDate:
		return AggNone
	}
	return ""
}

// aggregateFits says whether values of type t can be consolidated with a.
// Percentages average rather than add up; a choice is counted per answer;
// dates and text are listed, not computed.
func aggregateFits(t FieldType, a Aggregate) bool {
	switch a {
	case AggNone:
		return true
	case AggSum:
		return t == TypeInt || t == TypeDecimal
	case AggAvg, AggMin, AggMax:
		return t == TypeInt || t == TypeDecimal || t == TypePercent
	case AggRatio:
		return t == TypePercent
	case AggCount:
		return t == TypeChoice
	}
	return false
}

func knownFieldAggregate(a Aggregate) bool {
	switch a {
	case AggSum, AggAvg, AggMin, AggMax, AggCount, AggNone, AggRatio:
		return true
	}
	return false
}

func knownFieldType(t FieldType) bool {
	switch t {
	case TypeInt, TypeDecimal, TypePercent, TypeChoice, TypeDate, TypeText:
		return true
	}
	return false
}

func numericType(t FieldType) bool { return t == TypeInt || t == TypeDecimal || t == TypePercent }

// Validate reports every problem of the definition at once, joined, each
// naming where it is (form, schedule N, section N, field code, rule N) and
// why, so an administrator fixes a file in one pass. Empty aggregates,
// severities and max lengths count as their defaults (see Normalize).
func (f *Form) Validate() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	switch {
	case f.Code == "":
		add("form code is missing")
	case !formCodeRE.MatchString(f.Code):
		add("form code %q: use capital letters, digits, - and _ (like DCCS-XA)", f.Code)
	}
	if strings.TrimSpace(f.Title) == "" {
		add("title is missing")
	}

	if len(f.UnitKinds) == 0 {
		add("unit_kinds is empty: say which kinds of unit file this form")
	}
	for i, k := range f.UnitKinds {
		switch {
		case !k.Valid():
			add("unit_kinds: unknown kind %q (want one of %s)", k, kindList())
		case slices.Contains(f.UnitKinds[:i], k):
			add("unit_kinds: %s listed twice", k)
		}
	}

	if f.Levels != "" && f.Levels != LevelsOwn && f.Levels != LevelsConsolidated {
		add("levels: unknown %q (want own: each unit reports its own activities, or consolidated: a higher unit's report includes its children's)", f.Levels)
	}

	errs = append(errs, f.validateSchedules()...)
	errs = append(errs, f.validateFields()...)
	errs = append(errs, f.validateRules()...)
	errs = append(errs, f.validateChecks()...)
	return errors.Join(errs...)
}

func (f *Form) validateSchedules() []error {
	var errs []error
	if len(f.Schedules) == 0 {
		errs = append(errs, errors.New("no schedule: a form needs at least one"))
	}
	for i, s := range f.Schedules {
		where := fmt.Sprintf("schedule %d (%s)", i+1, s.Periodicity)
		for _, err := range splitJoined(s.Validate()) {
			errs = append(errs, fmt.Errorf("%s: %w", where, err))
		}
		// Periods are unique per (form, periodicity, start): two schedules
		// of one periodicity would fight over the same periods.
		for j := range i {
			if f.Schedules[j].Periodicity == s.Periodicity {
				errs = append(errs, fmt.Errorf("%s: periodicity %s is already used by schedule %d", where, s.Periodicity, j+1))
				break
			}
		}
		for _, k := range slices.Sorted(maps.Keys(s.DeadlineByKind)) {
			if k.Valid() && !f.Obliges(k) { // an unknown kind is Schedule.Validate's to report
				errs = append(errs, fmt.Errorf("%s: deadline_by_kind names %s, which is not in unit_kinds", where, k))
			}
		}
	}
	return errs
}

func (f *Form) validateFields() []error {
	var errs []error
	if len(f.Sections) == 0 {
		errs = append(errs, errors.New("no section: a form needs at least one section with fields"))
	}
	firstSection := map[string]int{} // code → 1-based section it first appears in
	for si, s := range f.Sections {
		if strings.TrimSpace(s.Title) == "" {
			errs = append(errs, fmt.Errorf("section %d: title is missing", si+1))
		}
		if len(s.Fields) == 0 {
			errs = append(errs, fmt.Errorf("section %d (%s): no field", si+1, s.Title))
		}
		for fi, fl := range s.Fields {
			where := "field " + fl.Code
			if fl.Code == "" {
				where = fmt.Sprintf("section %d, field %d", si+1, fi+1)
			}
			for _, reason := range fieldProblems(fl) {
				errs = append(errs, fmt.Errorf("%s: %s", where, reason))
			}
			if fl.Code == "" {
				continue
			}
			if first, dup := firstSection[fl.Code]; dup {
				errs = append(errs, fmt.Errorf("%s: duplicate code (first used in section %d)", where, first))
			} else {
				firstSection[fl.Code] = si + 1
			}
		}
	}
	return append(errs, f.ratioProblems()...)
}

// ratioProblems checks every ratio: its two fields exist, are counts or
// amounts that add up (aggregate sum), and are not the field itself.
func (f *Form) ratioProblems() []error {
	var errs []error
	byCode := map[string]Field{}
	for _, fl := range f.Fields() {
		byCode[fl.Code] = fl
	}
	for _, fl := range f.Fields() {
		if fl.Ratio == nil {
			continue
		}
		for _, part := range []struct{ role, code string }{{"numerator", fl.Ratio.Numerator}, {"denominator", fl.Ratio.Denominator}} {
			other, ok := byCode[part.code]
			switch {
			case part.code == "":
				errs = append(errs, fmt.Errorf("field %s: ratio %s is missing", fl.Code, part.role))
			case part.code == fl.Code:
				errs = append(errs, fmt.Errorf("field %s: ratio %s is the field itself", fl.Code, part.role))
			case !ok:
				errs = append(errs, fmt.Errorf("field %s: ratio %s %s is not a field of the form", fl.Code, part.role, part.code))
			case other.Type != TypeInt && other.Type != TypeDecimal:
				errs = append(errs, fmt.Errorf("field %s: ratio %s %s is %s; it must be an int or decimal field", fl.Code, part.role, part.code, other.Type))
			case other.Aggregate != "" && other.Aggregate != AggSum:
				errs = append(errs, fmt.Errorf("field %s: ratio %s %s must add up (aggregate sum), not %s", fl.Code, part.role, part.code, other.Aggregate))
			}
		}
		if fl.Ratio.Numerator != "" && fl.Ratio.Numerator == fl.Ratio.Denominator {
			errs = append(errs, fmt.Errorf("field %s: ratio numerator and denominator are the same field", fl.Code))
		}
	}
	return errs
}

// fieldProblems lists what is wrong with one field on its own.
func fieldProblems(fl Field) []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }

	switch {
	case fl.Code == "":
		add("code is missing")
	case !fieldCodeRE.MatchString(fl.Code):
		add("code must be lower_snake ASCII (^[a-z][a-z0-9_]*$)")
	case len(fl.Code) > MaxFieldCode:
		add("code is %d characters long, at most %d allowed", len(fl.Code), MaxFieldCode)
	case slices.Contains(ruleWords, fl.Code):
		add("code %q is a word of the rule language; choose another", fl.Code)
	}
	if strings.TrimSpace(fl.Label) == "" {
		add("label is missing")
	}
	if !knownFieldType(fl.Type) {
		add("unknown type %q (want int, decimal, percent, choice, date or text)", fl.Type)
		return out // the remaining checks depend on the type
	}

	agg := fl.Aggregate
	if agg == "" {
		agg = defaultAggregate(fl.Type)
		if fl.Ratio != nil {
			agg = AggRatio
		}
	}
	switch {
	case !knownFieldAggregate(agg):
		add("unknown aggregate %q (want sum, avg, min, max, count, ratio or none)", agg)
	case agg == AggRatio && fl.Ratio == nil:
		add("aggregate ratio needs ratio: {numerator: …, denominator: …} naming the two fields")
	case fl.Ratio != nil && agg != AggRatio:
		add("a field with ratio: consolidates as the ratio of the totals; drop aggregate %s or write ratio", agg)
	case !aggregateFits(fl.Type, agg):
		add("aggregate %s does not fit type %s (%s)", agg, fl.Type, aggregateHint(fl.Type))
	}

	if numericType(fl.Type) {
		out = append(out, boundProblems(fl)...)
		if fl.Min != nil && fl.Max != nil && *fl.Min > *fl.Max {
			add("min %g is greater than max %g", *fl.Min, *fl.Max)
		}
	} else if fl.Min != nil || fl.Max != nil {
		add("min and max apply only to int, decimal and percent fields")
	}

	if fl.Type == TypeChoice {
		if len(fl.Choices) == 0 {
			add("a choice field needs choices")
		}
		for i, c := range fl.Choices {
			switch {
			case strings.TrimSpace(c) == "":
				add("choice %d is empty", i+1)
			case slices.Contains(fl.Choices[:i], c):
				add("choice %q listed twice", c)
			}
		}
	} else if len(fl.Choices) > 0 {
		add("choices apply only to choice fields")
	}

	switch {
	case fl.MaxLength < 0:
		add("max_length %d is negative", fl.MaxLength)
	case fl.MaxLength > 0 && fl.Type != TypeText:
		add("max_length applies only to text fields")
	}
	return out
}

// boundProblems says what is wrong with a numeric field's min and max:
// each must be a number within what the type holds (see Limit), so that no
// form accepts a value the database, the totals or the printed report
// could not keep exactly.
func boundProblems(fl Field) []string {
	var out []string
	l := numberLimits[fl.Type]
	percentOut := false
	for _, b := range []struct {
		name string
		v    *float64
	}{{"min", fl.Min}, {"max", fl.Max}} {
		switch {
		case b.v == nil:
		case math.IsNaN(*b.v) || math.IsInf(*b.v, 0):
			out = append(out, fmt.Sprintf("%s %g is not a number", b.name, *b.v))
		case fl.Type == TypePercent:
			percentOut = percentOut || *b.v < 0 || *b.v > float64(l.Ceiling)
		case math.Abs(*b.v) > float64(l.Ceiling):
			hint := ""
			if fl.Type == TypeInt {
				hint = "; amounts of money are decimal fields"
			}
			out = append(out, fmt.Sprintf("%s %s lies beyond ±%d, the limit of %s fields%s", b.name, floatText(*b.v), l.Ceiling, fl.Type, hint))
		}
	}
	if percentOut {
		out = append(out, fmt.Sprintf("a percent lies within 0..%d", l.Ceiling))
	}
	return out
}

func aggregateHint(t FieldType) string {
	switch t {
	case TypeInt, TypeDecimal:
		return "use sum, avg, min, max or none"
	case TypePercent:
		return "percentages do not add up; use avg, min, max or none"
	case TypeChoice:
		return "use count or none"
	}
	return "use none"
}

func (f *Form) validateRules() []error {
	var errs []error
	env := ruleEnv(f)
	for i, r := range f.Rules {
		if strings.TrimSpace(r.Message) == "" {
			errs = append(errs, ruleError(i, r, errors.New("message is missing: say in Vietnamese what the clerk should correct")))
		}
		if s := r.Severity; s != "" && s != SeverityError && s != SeverityWarning {
			errs = append(errs, ruleError(i, r, fmt.Errorf("unknown severity %q (want error or warning)", s)))
		}
		c, err := compileRule(f, env, r)
		switch {
		case err != nil && readsUntypedField(f, r.Expr):
			// The field's unknown type is reported on the field; the rule
			// would only repeat it.
		case err != nil:
			errs = append(errs, ruleError(i, r, err))
		case len(c.fields) == 0:
			// Always true or always false: either way not a check of the report.
			errs = append(errs, ruleError(i, r, errors.New("reads no field")))
		}
	}
	return errs
}

// validateChecks checks the non-blocking checks as validateRules does the
// rules: a message, an expression that compiles and reads a field.
func (f *Form) validateChecks() []error {
	var errs []error
	env := ruleEnv(f)
	for i, ch := range f.Checks {
		where := func(err error) error { return fmt.Errorf("check %d (%s): %w", i+1, ch.Expr, err) }
		if strings.TrimSpace(ch.Message) == "" {
			errs = append(errs, where(errors.New("message is missing: say in Vietnamese what looks wrong to a reviewer")))
		}
		c, err := compileRule(f, env, Rule{Expr: ch.Expr, Message: ch.Message})
		switch {
		case err != nil && readsUntypedField(f, ch.Expr):
		case err != nil:
			errs = append(errs, where(err))
		case len(c.fields) == 0:
			errs = append(errs, where(errors.New("reads no field")))
		}
	}
	return errs
}

// readsUntypedField tells whether an expression names a field whose type
// is unknown.
func readsUntypedField(f *Form, src string) bool {
	tree, err := parser.Parse(src)
	if err != nil {
		return false
	}
	for _, name := range exprIdentifiers(&tree.Node) {
		if fl, ok := f.Field(name); ok && !knownFieldType(fl.Type) {
			return true
		}
	}
	return false
}

// splitJoined undoes errors.Join, so each problem gets its own prefix and
// its own line.
func splitJoined(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
