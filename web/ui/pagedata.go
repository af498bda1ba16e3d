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

// DashboardPage is the data of the "dashboard" page: one panel per form.
type DashboardPage struct {
	Forms []FormPanel
}

// FormPanel is one form on the dashboard: its latest period's counts,
// bars per parent unit and per kind, and the trend over recent periods.
type FormPanel struct {
	Form   reporting.Form
	Latest store.Compliance
	// Recent are the form's recent periods, newest first (Latest is the
	// first).
	Recent     []store.Compliance
	ByParent   BarChart
	ByKind     BarChart
	Trend      LineChart
	MatrixHref string
}

// PeriodsPage is the data of the "periods" page: every period, newest
// first.
type PeriodsPage struct {
	Periods []store.PeriodRow
}

// PeriodFilter is what the period page's units table is filtered by.
type PeriodFilter struct {
	Status, Parent, Kind, Q string
}

// Option is one choice of a <select>.
type Option struct {
	Value, Label string
	Selected     bool
}

// PeriodPage is the data of the "period" page.
type PeriodPage struct {
	ops.PeriodPage
	Filter          PeriodFilter
	StatusOptions   []Option
	ParentOptions   []Option
	KindOptions     []Option
	Shown           []store.PeriodUnit // this page of the filtered units
	Pager           Pager
	Missing         []store.PeriodUnit // the first units still owing
	MissingCount    int                // how many still owe
	MissingEmails   string             // every one's addresses, to copy
	MissingCSV      string             // the link to all of them as CSV
	Path            string
	XLSXURL, PDFURL string
	// Signals are the units whose counting report raises data-quality
	// signals, the most unexplained first (shown before the units unless
	// the filter asks for them alone); SignalOf finds a unit's among them
	// for the units' table; SignalsOnly is the filter "có dấu hiệu bất
	// thường".
	Signals       []ops.SignalRow
	SignalOf      map[string]*ops.SignalRow
	SignalsOnly   bool
	SignalOptions []Option
	MatrixHref    string
	Bars          BarChart
}

// MatrixPage is the data of the "matrix" page: units × periods, paged.
type MatrixPage struct {
	FormCode      string
	Matrix        store.Matrix
	Rows          []store.MatrixRow // this page's
	Pager         Pager
	ParentOptions []Option
	KindOptions   []Option
	Filter        PeriodFilter
}

// SubmissionPage is the data of the "submission" page.
type SubmissionPage struct {
	ops.SubmissionView
	ReviewURL string
	FileURL   string
	UnitHref  string
	// ExplainURL takes a reviewer's explanation of a signal.
	ExplainURL string
}

// OutboxPage is the data of the "outbox" page.
type OutboxPage struct {
	Reminders     []store.Reminder
	Status        string
	StatusOptions []Option
	// The other filters, echoed: a unit's code, a period's id, days
	// (dd/mm/yyyy) the e-mails were created from and to; Error a filter
	// refused.
	Unit, Period, From, To string
	Error                  string
	// TestMail shows the administrator's test e-mail form.
	TestMail bool
}

// OutboxMessagePage is the data of the "outbox-message" page: one e-mail
// as it was (or will be) sent, and retrying it when it failed.
type OutboxMessagePage struct {
	Message     store.Reminder
	StatusLabel string
	// CanRetry: an administrator looking at a failed message.
	CanRetry bool
}
