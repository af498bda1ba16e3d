package reporting

// FieldType is the type of a field's value.
type FieldType string

// Field types.
const (
	TypeInt     FieldType = "int"
	TypeDecimal FieldType = "decimal"
	TypePercent FieldType = "percent"
	TypeChoice  FieldType = "choice"
	TypeDate    FieldType = "date"
	TypeText    FieldType = "text"
)

// Aggregate says how a field consolidates over units.
type Aggregate string

// Aggregations.
const (
	AggSum   Aggregate = "sum"
	AggAvg   Aggregate = "avg"
	AggMin   Aggregate = "min"
	AggMax   Aggregate = "max"
	AggCount Aggregate = "count"
	AggNone  Aggregate = "none"
	// AggRatio consolidates a percentage that is the ratio of two other
	// fields (Field.Ratio) as the ratio of their totals — "tỷ lệ chung" —
	// not the mean of the units' percentages, which weighs a commune of
	// 3 matters like one of 300.
	AggRatio Aggregate = "ratio"
)

// Levels is how a form's reports at different levels of the tree combine.
type Levels string

// How levels combine.
const (
	// LevelsOwn: each unit reports only its own activities; a total adds
	// every report.
	LevelsOwn Levels = "own"
	// LevelsConsolidated: a higher unit's report consolidates its
	// children's (a district's includes its communes'); a total adds only
	// the units with no child reporting the same period, and the higher
	// unit's own figure is shown beside its children's sum.
	LevelsConsolidated Levels = "consolidated"
)

// RatioOf names the two fields a percentage field is the ratio of: the
// percentage is Numerator / Denominator × 100.
type RatioOf struct {
	Numerator   string `yaml:"numerator" json:"numerator"`
	Denominator string `yaml:"denominator" json:"denominator"`
}

// Severity of a cross-field rule.
type Severity string

// Severities. A warning is accepted when the clerk explains it in the note.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Form is one version of a report definition, as written in
// templates/forms/*.yaml and stored (as JSON) in form_versions.definition.
type Form struct {
	Code        string     `yaml:"code" json:"code"`
	Title       string     `yaml:"title" json:"title"`
	Description string     `yaml:"description" json:"description,omitempty"`
	UnitKinds   []UnitKind `yaml:"unit_kinds" json:"unit_kinds"`
	Schedules   []Schedule `yaml:"schedules" json:"schedules"`
	Sections    []Section  `yaml:"sections" json:"sections"`
	Rules       []Rule     `yaml:"rules" json:"rules,omitempty"`
	// Checks are non-blocking: a report that fails one is stored as it
	// is, and the check becomes a data-quality signal for its reviewers
	// (see signal.go).
	Checks []Check `yaml:"checks" json:"checks,omitempty"`
	// Levels says how the reports of units at different levels combine
	// into a total: LevelsOwn (default) or LevelsConsolidated.
	Levels Levels `yaml:"levels" json:"levels,omitempty"`

	// Set when loaded from the database.
	VersionID int64 `yaml:"-" json:"-"`
	Version   int   `yaml:"-" json:"-"`
}

// Section is a titled group of fields ("IV. Ban Thanh tra nhân dân").
type Section struct {
	Title  string  `yaml:"title" json:"title"`
	Fields []Field `yaml:"fields" json:"fields"`
}

// Field is one value a unit reports.
type Field struct {
	Code      string    `yaml:"code" json:"code"`
	Label     string    `yaml:"label" json:"label"`
	Type      FieldType `yaml:"type" json:"type"`
	Unit      string    `yaml:"unit" json:"unit,omitempty"` // unit of measure: cuộc, người, đồng, …
	Required  bool      `yaml:"required" json:"required,omitempty"`
	Min       *float64  `yaml:"min" json:"min,omitempty"`
	Max       *float64  `yaml:"max" json:"max,omitempty"`
	Choices   []string  `yaml:"choices" json:"choices,omitempty"`
	MaxLength int       `yaml:"max_length" json:"max_length,omitempty"`
	Aggregate Aggregate `yaml:"aggregate" json:"aggregate"`
	// Ratio, on a percentage field, names the fields it is the ratio of;
	// its aggregate is then AggRatio.
	Ratio *RatioOf `yaml:"ratio" json:"ratio,omitempty"`
	Help  string   `yaml:"help" json:"help,omitempty"`
}

// Rule is a cross-field check: an expression over field codes that must be
// true, with the Vietnamese message shown when it is not.
type Rule struct {
	Expr     string   `yaml:"expr" json:"expr"`
	Message  string   `yaml:"message" json:"message"`
	Severity Severity `yaml:"severity" json:"severity,omitempty"`
}

// Check is a cross-field check that never blocks an upload: an
// expression over field codes that should be true, and the Vietnamese
// message a reviewer reads when it is not ("Có người vi phạm bị xử lý
// nhưng không có vụ vi phạm nào"). Written and compiled as rules are.
type Check struct {
	Expr    string `yaml:"expr" json:"expr"`
	Message string `yaml:"message" json:"message"`
}

// Fields lists every field in order.
func (f *Form) Fields() []Field {
	var out []Field
	for _, s := range f.Sections {
		out = append(out, s.Fields...)
	}
	return out
}

// Field finds a field by code.
func (f *Form) Field(code string) (Field, bool) {
	for _, s := range f.Sections {
		for _, fl := range s.Fields {
			if fl.Code == code {
				return fl, true
			}
		}
	}
	return Field{}, false
}

// Obliges reports whether units of kind k file this form.
func (f *Form) Obliges(k UnitKind) bool {
	for _, x := range f.UnitKinds {
		if x == k {
			return true
		}
	}
	return false
}
