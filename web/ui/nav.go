package ui

import "baocao/reporting"

// NavItem is one entry of the main navigation.
type NavItem struct {
	Key   string // Page.Nav of the pages under it
	Label string
	Href  string
}

// The navigation of each role, in one place: a user sees only what the
// role may open. The addresses are those of the pages' routes.
var navByRole = map[reporting.Role][]NavItem{
	reporting.RoleClerk: {
		{"obligations", navObligations, "/obligations"},
		{"unit", navMyUnit, "/my-unit"},
		{"evaluations", navEvaluations, "/evaluations"},
	},
	reporting.RoleSupervisor: {
		{"dashboard", navDashboard, "/dashboard"},
		{"periods", navPeriods, "/periods"},
		{"obligations", navObligations, "/obligations"},
		{"evaluations", navEvaluations, "/evaluations"},
	},
	reporting.RoleInspector: {
		{"dashboard", navDashboard, "/dashboard"},
		{"periods", navPeriods, "/periods"},
		{"evaluations", navEvaluations, "/evaluations"},
		{"outbox", navOutbox, "/outbox"},
	},
	reporting.RoleAdmin: {
		{"dashboard", navDashboard, "/dashboard"},
		{"periods", navPeriods, "/periods"},
		{"evaluations", navEvaluations, "/evaluations"},
		{"outbox", navOutbox, "/outbox"},
		{"admin-periods", navAdminPeriods, "/admin/periods"},
		{"admin-holidays", navAdminCalendar, "/admin/holidays"},
		{"admin-units", navAdminUnits, "/admin/units"},
		{"admin-users", navAdminUsers, "/admin/users"},
		{"admin-forms", navAdminForms, "/admin/forms"},
		{"admin-publications", navAdminPublications, "/admin/publications"},
		{"admin-audit", navAdminAudit, "/admin/audit"},
		{"admin-system", navAdminSystem, "/admin/system"},
	},
}

// NavItems is the navigation of u's role; none without a user.
func NavItems(u *reporting.User) []NavItem {
	if u == nil {
		return nil
	}
	return navByRole[u.Role]
}
