package reporting

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// FormDiff is what changed from one version of a form to another, for an
// administrator deciding whether to load it: fields added, removed and
// changed (attribute by attribute), rules added and removed, and the
// form's other settings (title, unit kinds, schedules, …) that differ.
type FormDiff struct {
	Added, Removed []Field
	Changed        []FieldChange
	RulesAdded     []Rule
	RulesRemoved   []Rule
	// Settings are the form's own attributes that differ, by YAML key,
	// each with both values written as YAML.
	Settings []AttrChange
}

// FieldChange is one field present in both versions whose definition
// differs.
type FieldChange struct {
	Code, Label string
	Attrs       []AttrChange
}

// AttrChange is one attribute (a YAML key: "label", "max", "section") with
// its old and new value written as YAML ("" for none).
type AttrChange struct {
	Key, Old, New string
}

// Empty says the two versions define the same form.
func (d FormDiff) Empty() bool {
	return len(d.Added)+len(d.Removed)+len(d.Changed)+len(d.RulesAdded)+len(d.RulesRemoved)+len(d.Settings) == 0
}

// DiffForms compares form version a (the older) with b. Attributes are
// compared by their YAML keys, so an attribute a form definition gains
// later is compared too.
func DiffForms(a, b Form) FormDiff {
	var d FormDiff
	d.Settings = attrChanges(formSettings(a), formSettings(b))
	inA, inB := fieldsBySection(a), fieldsBySection(b)
	for _, f := range b.Fields() {
		old, ok := inA[f.Code]
		if !ok {
			d.Added = append(d.Added, f)
			continue
		}
		changes := attrChanges(old.field, inB[f.Code].field)
		if old.section != inB[f.Code].section {
			changes = append(changes, AttrChange{Key: "section", Old: old.section, New: inB[f.Code].section})
		}
		if len(changes) > 0 {
			d.Changed = append(d.Changed, FieldChange{Code: f.Code, Label: f.Label, Attrs: changes})
		}
	}
	for _, f := range a.Fields() {
		if _, ok := inB[f.Code]; !ok {
			d.Removed = append(d.Removed, f)
		}
	}
	for _, r := range b.Rules {
		if !slices.ContainsFunc(a.Rules, func(x Rule) bool { return reflect.DeepEqual(x, r) }) {
			d.RulesAdded = append(d.RulesAdded, r)
		}
	}
	for _, r := range a.Rules {
		if !slices.ContainsFunc(b.Rules, func(x Rule) bool { return reflect.DeepEqual(x, r) }) {
			d.RulesRemoved = append(d.RulesRemoved, r)
		}
	}
	return d
}

type placedField struct {
	field   Field
	section string
}

func fieldsBySection(f Form) map[string]placedField {
	out := map[string]placedField{}
	for _, s := range f.Sections {
		for _, fl := range s.Fields {
			out[fl.Code] = placedField{field: fl, section: s.Title}
		}
	}
	return out
}

// formSettings is f without its sections and rules (compared on their
// own) and its version: what else the form says.
func formSettings(f Form) Form {
	f.Sections, f.Rules, f.VersionID, f.Version = nil, nil, 0, 0
	return f
}

// attrChanges compares two values of the same struct type attribute by
// attribute (exported fields with a YAML key), each written as YAML.
func attrChanges[T any](a, b T) []AttrChange {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	var out []AttrChange
	for i := range va.NumField() {
		sf := va.Type().Field(i)
		key, _, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
		if !sf.IsExported() || key == "-" || key == "" {
			continue
		}
		x, y := va.Field(i).Interface(), vb.Field(i).Interface()
		if reflect.DeepEqual(x, y) {
			continue
		}
		out = append(out, AttrChange{Key: key, Old: yamlText(va.Field(i)), New: yamlText(vb.Field(i))})
	}
	return out
}

// yamlText writes v as a one-line YAML flow value, "" when it is the zero
// value (absent from a definition).
func yamlText(v reflect.Value) string {
	if v.IsZero() {
		return ""
	}
	x := v.Interface()
	if v.Kind() == reflect.Pointer {
		x = v.Elem().Interface()
	}
	var node yaml.Node
	if err := node.Encode(x); err != nil {
		return fmt.Sprint(x)
	}
	setFlow(&node)
	out, err := yaml.Marshal(&node)
	if err != nil {
		return fmt.Sprint(x)
	}
	return strings.TrimSpace(string(out))
}

func setFlow(n *yaml.Node) {
	if n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode {
		n.Style = yaml.FlowStyle
	}
	for _, c := range n.Content {
		setFlow(c)
	}
}
