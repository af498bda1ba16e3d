// Package templates holds report templates: form definitions and the unit
// workbook round trip.
package templates

import "embed"

// files holds the form and scorecard definitions shipped in the binary. The folder
// forms/ is the one place an administrator edits; a changed file becomes a
// new form version on the next sync.
//
//go:embed forms/*.yaml scorecards/*.yaml
var files embed.FS
