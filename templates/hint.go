package templates

import "baocao/reporting"

// FieldHint is what a template tells the clerk about field fl when its
// value cell is selected — label, unit, type, range or choices, whether it
// is required, the form's help — as the cell's input message says it
// (truncated where Excel truncates): the administrator's forms page shows
// a version the way its templates show it.
func FieldHint(fl reporting.Field) string {
	dv, err := validation(fl, "A1", "")
	if err != nil || dv.Prompt == nil {
		return fl.Label
	}
	return *dv.Prompt
}
