package ui

import (
	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
)

// The data of each page, one type per page, filled by web's handlers from
// an ops view. They live here so that the render test can build every
// page's fixture.

// Obligation is one row of "Việc cần làm".
type Obligation struct {
	store.HistoryRow
	Href string
	// DaysLeft counts calendar days to the deadline (negative past it).
	DaysLeft int
}

// ObligationsPage is the data of the "obligations" page.
type ObligationsPage struct {
	UnitCode, UnitName string
	// Open are the obligations of periods taking uploads now, what needs
	// doing first (returned, then missing, then by deadline); Past the
	// rest, newest first.
	Open, Past []Obligation
}

// UnitPeriodPage is the data of the "unit-period" page.
type UnitPeriodPage struct {
	ops.UnitPeriod
	Path        string
	TemplateURL string
	// DaysLeft counts calendar days to the deadline (negative past it).
	DaysLeft int
	// After an upload: the refusal's problems (FileProblems those of the
	// file as a whole, CellProblems those of a cell or rule) and the link
	// to the marked-up workbook; or the receipt of a check or of a stored
	// version, with its values beside the form's labels.
	Refused      bool
	FileProblems []reporting.Problem
	CellProblems []reporting.Problem
	AnnotatedURL string
	FileName     string
	Result       *ops.Result
	Stored       *ops.SubmissionView
}

// UnitHistoryPage is the data of the "unit" page.
type UnitHistoryPage struct {
	Code string
	ops.UnitPage
	Current reporting.Unit
}

// PasswordForm is the data of the "password" page.
type PasswordForm struct {
	Error string
}
