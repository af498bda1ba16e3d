package ui

import (
	"time"

	"baocao/config"
	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
)

// The data of the administrator's pages.

// FormsAdminPage is the data of the "admin-forms" page: every form, and
// the outcome of checking or loading a definition file.
type FormsAdminPage struct {
	Forms []FormRow
	Load  *FormLoadView
}

// FormRow is one form on the list.
type FormRow struct {
	Code, Title string
	Version     int // the current one
	Versions    int // how many it has had
	LoadedAt    time.Time
	Kinds       []string // Vietnamese labels
	Schedules   []string // in words
	Href        string
}

// FormLoadView is what checking or loading a definition file found.
type FormLoadView struct {
	FileName string
	Problems []ops.FormProblem
	// Spec is the file's form, when it has no problem; Diff its difference
	// from the current version (From 0 for a new form).
	Spec *FormSpec
	Diff *DiffView
	// Stored says what loading stored ("" for a check).
	Stored string
}

// FormPage is the data of the "admin-form" page: a form's versions, one of
// them shown as its template shows it, and the difference between two.
type FormPage struct {
	Code, Title    string
	Versions       []VersionRow
	Shown          FormSpec
	Diff           *DiffView
	VersionOptions []Option // for the "shown" choice
	FromOptions    []Option // for the comparison
	ToOptions      []Option
}

// VersionRow is one version of a form.
type VersionRow struct {
	Version   int
	LoadedAt  time.Time
	Periods   int
	Checksum  string // shortened
	Href      string // the page showing it
	SourceURL string // its YAML
}

// FormSpec is a form version in words.
type FormSpec struct {
	Version   int // 0: a file not loaded
	Code      string
	Title     string
	Kinds     []string
	Schedules []string
	Sections  []SectionSpec
	Rules     []RuleSpec
}

// SectionSpec is one section of a FormSpec.
type SectionSpec struct {
	Title  string
	Fields []FieldSpec
}

// FieldSpec is one field of a FormSpec: its code, label and what the
// template tells the clerk about it.
type FieldSpec struct {
	Code, Label, Hint string
	Aggregate         string // how it adds up over units, in words
}

// RuleSpec is one cross-field rule in words: the message the clerk gets,
// the expression, and whether it blocks the upload.
type RuleSpec struct {
	Message, Expr string
	Blocking      bool
}

// DiffView is the difference between two versions of a form (To 0: the
// file being loaded).
type DiffView struct {
	From, To     int
	Empty        bool
	Added        []FieldSpec
	Removed      []FieldSpec
	Changed      []reporting.FieldChange
	RulesAdded   []RuleSpec
	RulesRemoved []RuleSpec
	Settings     []reporting.AttrChange
}

// AuditPage is the data of the "admin-audit" page: the audit trail,
// filtered, newest first.
type AuditPage struct {
	Filter        AuditFilter
	ActionOptions []Option
	Events        []AuditRow
	Limit         int  // at most this many shown
	More          bool // the filter keeps more than Limit
	CSVHref       string
	Error         string // a filter that could not be read
}

// AuditFilter is the audit page's filter as typed (dates dd/mm/yyyy).
type AuditFilter struct {
	Actor, Action, ObjectType, ObjectID, Since, Until string
}

// AuditRow is one audit event.
type AuditRow struct {
	At                   time.Time
	Actor                string
	Action, ActionLabel  string
	ObjectType, ObjectID string
	Details              string // compact JSON
}

// SystemPage is the data of the "admin-system" page.
type SystemPage struct {
	Version, Revision, BuildTime string
	Instance                     string // the instance answering
	Status                       store.SystemStatus
	Pending                      int    // migrations not applied
	DatabaseSize                 string // in words ("9,1 MB")
	Tables                       []TableRow
	Settings                     []config.Setting
}

// TableRow is one table's size in words.
type TableRow struct {
	Name, Size string
	Rows       int64
}

// AdminPeriodsPage is the data of the "admin-periods" page: a form's
// periods with their windows, each unit kind's deadlines, lock dates and
// counts, and the button that opens due periods now.
type AdminPeriodsPage struct {
	FormOptions []Option
	FormCode    string
	Periods     []AdminPeriodRow
}

// AdminPeriodRow is one period of the admin periods page.
type AdminPeriodRow struct {
	store.PeriodRow
	Href  string
	Kinds []KindDeadlineRow
}

// KindDeadlineRow is one unit kind's deadlines in a period.
type KindDeadlineRow struct {
	Kind             string // its label
	Units, Filed     int
	Earliest, Latest time.Time
	LaterDeadline    int
}

// CalendarPage is the data of the "admin-holidays" page: a year of the
// working-day calendar, its special days, and a change previewed.
type CalendarPage struct {
	Year, PrevYear, NextYear int
	Months                   []CalendarMonth
	Days                     []CalendarDayRow
	// Preview is a change checked and not yet applied; Error a change
	// refused (a bad day, a bad file).
	Preview *CalendarPreview
	Error   string
	// Add echoes the add form.
	AddDay, AddName string
	KindOptions     []Option
}

// CalendarMonth is one month drawn as weeks of days, Monday first.
type CalendarMonth struct {
	Name  string
	Weeks [][]CalendarCell
}

// CalendarCell is one day of a month grid; Day 0 is a blank before the
// first or after the last day.
type CalendarCell struct {
	Day   int
	Class string // "off", "working", "weekend" or ""
	Title string // the day's name, for a day off or worked
}

// CalendarDayRow is one special day.
type CalendarDayRow struct {
	Day     time.Time
	Weekday string
	Name    string
	Kind    string // in words
	Off     bool
	Value   string // YYYY-MM-DD, for the forms
}

// CalendarPreview is a calendar change and what it would do.
type CalendarPreview struct {
	Set    []CalendarDayRow
	Remove []CalendarDayRow
	Days   int // days it adds, changes or removes
	Moves  []ops.CalendarMove
	Told   int
	// Hidden are the change's fields, sent again to apply it.
	Hidden []Field
}

// Field is a hidden form field.
type Field struct{ Name, Value string }

// UsersPage is the data of the "admin-users" page: every user, adding one
// (invited by e-mail to set a password), and what the last invitation
// did when its e-mail could not go.
type UsersPage struct {
	Users       []UserRowView
	RoleOptions []Option
	Add         UserForm
	Error       string
	Invite      *InviteView
	// NewToken is an API token just issued, shown this once.
	NewToken *NewTokenView
}

// NewTokenView is an API token just issued.
type NewTokenView struct {
	Email, Label, Token string
	Expires             time.Time
}

// UserRowView is one user on the list, with the choices of its edit form.
type UserRowView struct {
	store.UserRow
	RoleLabel   string
	RoleOptions []Option
	Self        bool
	Tokens      []store.APIToken
}

// UserForm echoes the add form.
type UserForm struct{ Email, Name, Unit string }

// InviteView is an invitation or reset whose e-mail did not go: the link
// to pass on, shown this once.
type InviteView struct {
	Email, Link, Problem string
}

// SetPasswordPage is the data of the "set-password" page, reached from
// the e-mailed link: the account, or why the link no longer works.
type SetPasswordPage struct {
	Token, Email, Name string
	Invalid            string
	Error              string
}

// UnitsImportPage is the data of the "admin-units" page: importing a unit
// list, previewed before it is applied.
type UnitsImportPage struct {
	Tree UnitTreeView
	// The form, echoed.
	Effective    string
	CloseMissing bool
	Reopen       bool
	Basis        string
	// Problems are the list's row errors (nothing stored); Error a
	// refusal of the whole (a stale preview, an unreadable file).
	Problems []reporting.RowProblem
	Error    string
	Preview  *UnitsPreviewView
}

// UnitsPreviewView is a previewed list and what it would do.
type UnitsPreviewView struct {
	FileName string
	Preview  ops.UnitImportPreview
	// Key names the file kept for the apply; Fingerprint the units it was
	// planned against.
	Key, Fingerprint string
}

// UnitTreeView is the unit tree part of the "admin-units" page: the
// units on a day, drilled down from the root or found by a search.
type UnitTreeView struct {
	Day, Query string // echoed (dd/mm/yyyy; the search)
	Total      int
	Kinds      []KindCount
	// Path is the selected unit's ancestry, root first, the selected one
	// last (empty at the top); Rows its children, or the search's results.
	Path     []reporting.Unit
	Selected string // the selected unit's name
	Rows     []UnitTreeRow
	More     int // search results left out
	Error    string
}

// KindCount is how many units of a kind there are.
type KindCount struct {
	Kind  string
	Count int
}

// UnitTreeRow is one unit listed, with how many units it has below it.
type UnitTreeRow struct {
	reporting.Unit
	Children   int
	ParentName string
}
