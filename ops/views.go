package ops

import (
	"context"
	"fmt"
	"slices"
	"time"

	"golang.org/x/sync/errgroup"

	"baocao/reporting"
	"baocao/store"
)

// The views: what each page shows, gathered in one call, for what the user
// may see. A page renders one of these; it runs no query of its own.

// UnitPeriod is the unit's page for a period: the obligation, its status
// and history, every version and review, and what u may do there.
type UnitPeriod struct {
	Obligation store.Obligation
	Status     reporting.Status
	// Reason is why it is exempt or returned, "" otherwise.
	Reason string
	// Form is the form's current version: the one the template is built
	// from and uploads must use.
	Form     reporting.Form
	Versions []store.Submission // newest first
	Reviews  []store.Review
	Events   []reporting.Event
	// Open: the period takes uploads now (opened, not locked).
	Open bool
	// CanFile and CanReview say what u may do.
	CanFile, CanReview bool
}

// UnitPeriod gathers the unit's period page at now for u.
func (s *Service) UnitPeriod(ctx context.Context, u reporting.User, now time.Time, periodID int64, unitCode string) (UnitPeriod, error) {
	o, err := s.st.Obligation(ctx, periodID, unitCode)
	if err != nil {
		return UnitPeriod{}, err
	}
	ancestors, err := s.st.ObligationAncestors(ctx, o)
	if err != nil {
		return UnitPeriod{}, err
	}
	if reporting.AuthorizeView(u, unitCode, ancestors) != nil {
		return UnitPeriod{}, store.ErrNoObligation(unitCode, periodID) // as if not there: ids out of scope stay unknown
	}
	v := UnitPeriod{Obligation: o, Open: !now.Before(o.OpensAt) && now.Before(o.FilingLocksAt()),
		CanFile: reporting.CanFileFor(u, unitCode, ancestors), CanReview: reporting.CanReview(u, unitCode, ancestors)}
	if v.Events, err = s.st.ObligationHistory(ctx, periodID, unitCode); err != nil {
		return v, err
	}
	f := reporting.FactsAt(v.Events, now)
	v.Status, v.Reason = f.StatusAt(now), f.Reason
	if v.Form, err = s.st.FormByCode(ctx, o.FormCode); err != nil {
		return v, err
	}
	if v.Versions, err = s.st.Submissions(ctx, periodID, unitCode); err != nil {
		return v, err
	}
	slices.Reverse(v.Versions)
	v.Reviews, err = s.st.Reviews(ctx, periodID, unitCode)
	return v, err
}

// FieldRow is one field of a version beside the form's label: its value,
// the clerk's note, the same field in the unit's previous version and in
// its counting report of the previous period, when there are.
type FieldRow struct {
	Section    string
	Field      reporting.Field
	Value      reporting.Value
	Note       string
	Previous   *reporting.Value
	LastPeriod *reporting.Value
}

// SubmissionView is the page of one version for reviewers and its unit:
// its values beside the labels, the warnings the clerk explained, the
// changes from the previous version and from the previous period.
type SubmissionView struct {
	Submission store.Submission
	Obligation store.Obligation
	Status     reporting.Status
	Form       reporting.Form
	Rows       []FieldRow
	Warnings   []reporting.Problem
	// PreviousVersion is the number of the version compared with, 0 for
	// none; PreviousPeriod the period whose counting report is, nil for
	// none.
	PreviousVersion int
	PreviousPeriod  *store.PeriodRow
	// Latest: this is the unit's latest version, the one a review decides.
	Latest bool
	// CanReview: u may accept or return it (now).
	CanReview bool
	Reviews   []store.Review
	// Signals are its data-quality signals, explained or not; CanExplain:
	// u may explain them (a reviewer of the unit).
	Signals    []reporting.Signal
	CanExplain bool
}

// SubmissionView gathers the page of version id at now for u.
func (s *Service) SubmissionView(ctx context.Context, u reporting.User, now time.Time, id int64) (SubmissionView, error) {
	sub, err := s.st.Submission(ctx, id)
	if err != nil {
		return SubmissionView{}, err
	}
	o, err := s.st.Obligation(ctx, sub.PeriodID, sub.UnitCode)
	if err != nil {
		return SubmissionView{}, err
	}
	ancestors, err := s.st.ObligationAncestors(ctx, o)
	if err != nil {
		return SubmissionView{}, err
	}
	if reporting.AuthorizeView(u, sub.UnitCode, ancestors) != nil {
		return SubmissionView{}, store.ErrSubmissionAbsent(id) // as if not there
	}
	v := SubmissionView{Submission: sub, Obligation: o, Status: o.Status(now), Latest: sub.Version == o.LatestVersion}
	v.CanReview = v.Latest && reporting.CanReview(u, sub.UnitCode, ancestors) && v.Status != reporting.StatusExempt &&
		!(v.Status == reporting.StatusAccepted && !now.Before(o.LocksAt))
	v.CanExplain = reporting.CanReview(u, sub.UnitCode, ancestors)
	if v.Form, err = s.st.FormVersion(ctx, sub.FormVersionID); err != nil {
		return v, err
	}
	values, notes, err := s.st.SubmissionValues(ctx, id)
	if err != nil {
		return v, err
	}
	for _, p := range reporting.Validate(v.Form, values, notes) {
		if p.Severity == reporting.SeverityWarning {
			v.Warnings = append(v.Warnings, p)
		}
	}
	if v.Signals, err = s.submissionSignals(ctx, sub, o.UnitKind, values, now); err != nil {
		return v, err
	}
	var previous, lastPeriod map[string]reporting.Value
	if sub.Version > 1 {
		subs, err := s.st.Submissions(ctx, sub.PeriodID, sub.UnitCode)
		if err != nil {
			return v, err
		}
		for _, p := range subs {
			if p.Version == sub.Version-1 {
				if previous, _, err = s.st.SubmissionValues(ctx, p.ID); err != nil {
					return v, err
				}
				v.PreviousVersion = p.Version
			}
		}
	}
	period, err := s.st.Period(ctx, sub.PeriodID)
	if err != nil {
		return v, err
	}
	if prev, ok, err := s.st.PreviousPeriod(ctx, period); err != nil {
		return v, err
	} else if ok {
		cid, err := s.st.CountingSubmission(ctx, prev.ID, sub.UnitCode, now)
		if err != nil {
			return v, err
		}
		if cid != 0 {
			if lastPeriod, _, err = s.st.SubmissionValues(ctx, cid); err != nil {
				return v, err
			}
			v.PreviousPeriod = &prev
		}
	}
	for _, sec := range v.Form.Sections {
		for _, f := range sec.Fields {
			row := FieldRow{Section: sec.Title, Field: f, Value: values[f.Code], Note: notes[f.Code]}
			if pv, ok := previous[f.Code]; ok {
				row.Previous = &pv
			}
			if lv, ok := lastPeriod[f.Code]; ok {
				row.LastPeriod = &lv
			}
			v.Rows = append(v.Rows, row)
		}
	}
	v.Reviews, err = s.st.Reviews(ctx, sub.PeriodID, sub.UnitCode)
	return v, err
}

// FormSummary is one form on the dashboard: its recent periods' totals,
// newest first, the latest with its groups (per parent unit and kind).
type FormSummary struct {
	Form    reporting.Form
	Periods []store.Compliance
}

// Dashboard is the inspectors' home: per current form, the compliance of
// its latest periods (opened by now) at now, in u's scope — the latest
// period's groups and every recent period's totals: three statements a
// form, the last two side by side, and up to four forms at once.
func (s *Service) Dashboard(ctx context.Context, u reporting.User, now time.Time, recent int) ([]FormSummary, error) {
	if recent <= 0 {
		recent = 6
	}
	forms, err := s.st.CurrentForms(ctx)
	if err != nil {
		return nil, err
	}
	scope := reporting.ScopeOf(u)
	out := make([]FormSummary, len(forms))
	// A form's latest period with its groups and the others' totals are
	// independent statements: run them, and the forms, side by side.
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(4)
	for i, f := range forms {
		out[i].Form = f
		g.Go(func() error {
			shown, err := s.st.RecentPeriods(gctx, f.Code, now, recent)
			if err != nil || len(shown) == 0 {
				return err
			}
			ids := make([]int64, len(shown))
			for j, p := range shown {
				ids[j] = p.ID
			}
			var (
				latest store.Compliance
				totals map[int64]store.ComplianceCounts
			)
			fg, fctx := errgroup.WithContext(gctx)
			fg.Go(func() (err error) {
				latest, err = s.st.PeriodCompliance(fctx, ids[0], now, scope)
				return err
			})
			fg.Go(func() (err error) {
				totals, err = s.st.PeriodTotals(fctx, ids[1:], now, scope)
				return err
			})
			if err := fg.Wait(); err != nil {
				return fmt.Errorf("dashboard of %s: %w", f.Code, err)
			}
			if latest.Total.Obliged > 0 {
				out[i].Periods = append(out[i].Periods, latest)
			}
			for _, p := range shown[1:] {
				if t, ok := totals[p.ID]; ok && t.Obliged > 0 {
					out[i].Periods = append(out[i].Periods, store.Compliance{Period: p, PeriodID: p.ID, At: now, Total: t})
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// PeriodPage is the inspectors' page of a period: its compliance, a page
// of its units in scope as a filter picks them, and the first of those
// still owing.
type PeriodPage struct {
	Compliance store.Compliance
	// Units is the page of units the filter asked for, and how many it
	// keeps in all.
	Units store.PeriodUnitList
	// Owing is the first OwingShown units still owing (any filter aside),
	// and how many owe in all.
	Owing store.PeriodUnitList
	// CanDecide: u may remind, exempt and extend (inspectors, admins).
	CanDecide bool
	// CanReport: u may download the consolidated reports.
	CanReport bool
	// Signals are the units in scope whose counting report raises
	// data-quality signals, the most unexplained first (PeriodSignals).
	Signals []SignalRow
}

// OwingShown is how many units still owing a period's page lists; the
// CSV (PeriodOwing) has them all.
const OwingShown = 100

// PeriodPage gathers period periodID's page at moment at for u, with the
// units filter f keeps. Filtering, ordering and paging happen in the
// database: three statements, each reading only what the page shows.
func (s *Service) PeriodPage(ctx context.Context, u reporting.User, at time.Time, periodID int64, f store.PeriodUnitFilter) (PeriodPage, error) {
	scope, err := periodPageScope(u)
	if err != nil {
		return PeriodPage{}, err
	}
	v := PeriodPage{CanDecide: reporting.AuthorizeDeadlines(u) == nil, CanReport: true}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		v.Compliance, err = s.st.PeriodCompliance(gctx, periodID, at, scope)
		return err
	})
	g.Go(func() (err error) {
		v.Units, err = s.st.PeriodUnits(gctx, periodID, at, scope, f)
		return err
	})
	g.Go(func() (err error) {
		v.Owing, err = s.st.PeriodUnits(gctx, periodID, at, scope, store.PeriodUnitFilter{Statuses: reporting.OwingStatuses, Limit: OwingShown})
		return err
	})
	g.Go(func() (err error) {
		v.Signals, err = s.PeriodSignals(gctx, u, at, periodID)
		return err
	})
	if err := g.Wait(); err != nil {
		return PeriodPage{}, err
	}
	return v, nil
}

// PeriodOwing lists every unit in u's scope still owing period periodID's
// report at moment at, in display order, with the period.
func (s *Service) PeriodOwing(ctx context.Context, u reporting.User, at time.Time, periodID int64) (store.PeriodRow, []store.PeriodUnit, error) {
	scope, err := periodPageScope(u)
	if err != nil {
		return store.PeriodRow{}, nil, err
	}
	p, err := s.st.Period(ctx, periodID)
	if err != nil {
		return store.PeriodRow{}, nil, err
	}
	owing, err := s.st.PeriodUnits(ctx, periodID, at, scope, store.PeriodUnitFilter{Statuses: reporting.OwingStatuses})
	return p, owing.Units, err
}

// periodPageScope is the units u sees on a period's page: inspectors and
// admins all of them, supervisors their subtree; clerks have their own
// unit's pages instead.
func periodPageScope(u reporting.User) (reporting.UnitScope, error) {
	scope := reporting.ScopeOf(u)
	if scope.Empty() || (!scope.All && scope.Subtree == "") {
		return scope, reporting.Errorf(reporting.EFORBIDDEN, msgPeriodPageForbidden)
	}
	return scope, nil
}

// UnitPage is a unit's history: its versions over time, successions, and
// every period it owed with its status at now.
type UnitPage struct {
	Versions    []reporting.Unit // oldest first
	Successions []store.Succession
	Obligations []store.HistoryRow
}

// UnitPage gathers unit code's page at now for u.
func (s *Service) UnitPage(ctx context.Context, u reporting.User, now time.Time, code string) (UnitPage, error) {
	obligations, err := s.UnitObligations(ctx, u, now, code)
	if err != nil {
		return UnitPage{}, err
	}
	versions, err := s.st.UnitHistory(ctx, code)
	if err != nil {
		return UnitPage{}, err
	}
	successions, err := s.st.Successions(ctx, code)
	if err != nil {
		return UnitPage{}, err
	}
	return UnitPage{Versions: versions, Successions: successions, Obligations: obligations}, nil
}

// ChangePassword sets u's new password at now after checking the current
// one. Every session of u ends (store.SetPassword): the caller signs u in
// again where it should stay signed in.
func (s *Service) ChangePassword(ctx context.Context, u reporting.User, now time.Time, current, next string) error {
	if _, err := s.st.Authenticate(ctx, u.Email, current); err != nil {
		return reporting.Errorf(reporting.EINVALID, msgWrongPassword)
	}
	if err := reporting.ValidatePassword(next); err != nil {
		return err
	}
	return s.st.InTx(ctx, func(tx *store.Store) error {
		if err := tx.SetPassword(ctx, u.ID, next); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEvent{At: now, Actor: u.Email, Action: "user.password", ObjectType: "user", ObjectID: fmt.Sprint(u.ID)})
	})
}

// Periods lists the stored periods, newest data window first, for users
// who follow compliance (inspectors, admins, supervisors), of one form or
// all ("").
func (s *Service) Periods(ctx context.Context, u reporting.User, formCode string) ([]store.PeriodRow, error) {
	if scope := reporting.ScopeOf(u); scope.Empty() || (!scope.All && scope.Subtree == "") {
		return nil, reporting.Errorf(reporting.EFORBIDDEN, msgPeriodPageForbidden)
	}
	return s.st.Periods(ctx, store.PeriodFilter{FormCode: formCode})
}

// RecentMatrix is form formCode's matrix at moment at for u over its
// latest n periods (all of them when n <= 0), oldest first: the years
// before are not read.
func (s *Service) RecentMatrix(ctx context.Context, u reporting.User, at time.Time, formCode string, n int) (store.Matrix, error) {
	from, err := s.st.RecentPeriodsStart(ctx, formCode, n)
	if err != nil {
		return store.Matrix{}, err
	}
	m, err := s.st.FormMatrix(ctx, formCode, from, time.Time{}, at, reporting.ScopeOf(u))
	if err != nil || n <= 0 || len(m.Periods) <= n {
		return m, err
	}
	// A longer period that began earlier can end inside the window: drop
	// it, and the units that owed nothing else.
	drop := len(m.Periods) - n
	m.Periods = m.Periods[drop:]
	rows := m.Rows[:0]
	for _, r := range m.Rows {
		r.Statuses = r.Statuses[drop:]
		if slices.ContainsFunc(r.Statuses, func(st reporting.Status) bool { return st != "" }) {
			rows = append(rows, r)
		}
	}
	m.Rows = rows
	return m, nil
}
