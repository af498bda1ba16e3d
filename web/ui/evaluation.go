package ui

import (
	"baocao/ops"
	"baocao/reporting"
	"baocao/store"
)

// The data of the evaluation pages (issue 17): the rounds, one round's
// results, one unit's scorecard.

// EvaluationsPage is the data of the "evaluations" page.
type EvaluationsPage struct {
	// Rounds lists every round, for inspectors and administrators; Mine
	// the rounds that evaluate the user's unit, each linking to its card.
	Rounds []store.Round
	Mine   []RoundLink
	// Open shows the form opening a round, with the scorecards to choose
	// from and the values echoed after a refusal.
	Open       bool
	Scorecards []Option
	Year       string
	At         string
	Until      string
	Error      string
}

// RoundLink is a round with the page to open.
type RoundLink struct {
	store.Round
	Href string
}

// EvaluationPage is the data of the "evaluation" page: a round's results.
type EvaluationPage struct {
	ops.RoundView
	// Units are this page of the ranking, after the filters; Pager pages
	// them.
	Units []EvalRow
	Pager Pager
	// The filters, echoed, and their options.
	Kind, Parent, Rating, Q           string
	KindOptions, ParentOptions, Rates []Option
	// Distribution charts the rating counts; MeanByParent the parents'
	// mean scores.
	Distribution BarChart
	MeanByParent BarChart
	// Criteria names TC1… in the ranking's header.
	Criteria []EvalCriterionHead
	// CanChange: the user may recompute and close (an inspector or
	// administrator, the round open).
	CanChange bool
}

// EvalCriterionHead is a criterion as a ranking column.
type EvalCriterionHead struct {
	Short, Title string
	Max          float64
}

// EvalRow is one unit of the ranking.
type EvalRow struct {
	reporting.EvaluatedUnit
	Href       string
	ParentName string
}

// EvaluationUnitPage is the data of the "evaluation-unit" page: one unit's
// scorecard with the reason of every point.
type EvaluationUnitPage struct {
	ops.UnitCardView
	Sections []EvalSection
	// General are the unit's comments on the scorecard as a whole.
	General []store.Comment
	Back    string
	// Form echoes a judgement refused, Error says why.
	Form  JudgeForm
	Error string
}

// EvalSection is a section of the scorecard with its criteria scored.
type EvalSection struct {
	Title string
	Rows  []EvalCriterionRow
}

// EvalCriterionRow is one criterion of a unit's scorecard.
type EvalCriterionRow struct {
	Number    string // TC1…
	Criterion reporting.Criterion
	Score     reporting.CriterionScore
	Judgement *store.JudgementDetail
	Evidence  string // the evidence file's address, if any
	Comments  []store.Comment
}

// JudgeForm is a judgement being entered.
type JudgeForm struct {
	Criterion, Points, Justification string
}

// PublicIndexPage is the data of the "public-index" page.
type PublicIndexPage struct {
	Publications []store.Publication
}

// PublicPeriodPage is the data of the "public-period" page.
type PublicPeriodPage struct {
	ops.PublicPeriod
	Base                       string
	ByKindChart, ByParentChart BarChart
}

// PublicRoundPage is the data of the "public-round" page.
type PublicRoundPage struct {
	ops.PublicRound
	Base  string
	Chart BarChart
}

// PublicationsAdminPage is the data of the "admin-publications" page.
type PublicationsAdminPage struct {
	ops.PublicationsAdmin
}
