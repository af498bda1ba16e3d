package web

import (
	"fmt"
	"net/http"
	"strings"
)

// routes is the whole route table: the pages here, the API in apiRoutes.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.HandleFunc("GET /readyz", s.handleReady)
	if s.opts.Metrics != nil {
		mux.Handle("GET /metrics", s.opts.Metrics)
	}
	// Pages.
	mux.Handle("GET /static/", s.ui.StaticHandler())
	mux.HandleFunc("GET /{$}", s.handleHome)
	mux.HandleFunc("GET /login", s.handleSignInPage)
	mux.HandleFunc("POST /login", s.handleSignIn)
	mux.HandleFunc("POST /logout", s.handleSignOut)
	mux.HandleFunc("GET /account/password", s.handlePasswordPage)
	mux.HandleFunc("POST /account/password", s.handlePassword)
	mux.HandleFunc("GET /obligations", s.handleObligations)
	mux.HandleFunc("GET /my-unit", s.handleMyUnit)
	mux.HandleFunc("GET /units/{code}", s.handleUnitPage)
	mux.HandleFunc("GET /units/{unit}/periods/{period}", s.handleUnitPeriod)
	mux.HandleFunc("POST /units/{unit}/periods/{period}/submissions", s.handleUnitPeriodUpload)
	mux.HandleFunc("GET /units/{unit}/periods/{period}/annotated/{key}", s.handleAnnotated)
	mux.HandleFunc("GET /dashboard", s.handleDashboard)
	mux.HandleFunc("GET /periods", s.handlePeriods)
	mux.HandleFunc("GET /reports", s.handlePeriods)
	mux.HandleFunc("GET /periods/{id}", s.handlePeriod)
	mux.HandleFunc("GET /periods/{id}/missing.csv", s.handleMissingCSV)
	mux.HandleFunc("POST /periods/{id}/remind", s.handlePeriodRemind)
	mux.HandleFunc("POST /periods/{id}/exempt", s.handlePeriodExempt)
	mux.HandleFunc("POST /periods/{id}/extend", s.handlePeriodExtend)
	mux.HandleFunc("GET /forms/{code}/matrix", s.handleMatrix)
	mux.HandleFunc("GET /submissions/{id}", s.handleSubmissionPage)
	mux.HandleFunc("POST /submissions/{id}/review", s.handleSubmissionReview)
	// Data-quality signals (issue 17): a reviewer explains one.
	mux.HandleFunc("POST /submissions/{id}/signals", s.handleSignalExplain)
	mux.HandleFunc("GET /outbox", s.handleOutboxPage)
	mux.HandleFunc("GET /outbox/{id}", s.handleOutboxMessage)
	mux.HandleFunc("POST /outbox/{id}/retry", s.handleOutboxRetry)
	mux.HandleFunc("POST /admin/outbox/test", s.handleOutboxTest)
	mux.HandleFunc("GET /admin/forms", s.handleAdminForms)
	mux.HandleFunc("POST /admin/forms", s.handleAdminFormsLoad)
	mux.HandleFunc("GET /admin/forms/{code}", s.handleAdminForm)
	mux.HandleFunc("GET /admin/forms/{code}/versions/{file}", s.handleAdminFormSource)
	mux.HandleFunc("GET /admin/audit", s.handleAdminAudit)
	mux.HandleFunc("GET /admin/audit.csv", s.handleAdminAuditCSV)
	mux.HandleFunc("GET /admin/system", s.handleAdminSystem)
	mux.HandleFunc("GET /admin/periods", s.handleAdminPeriods)
	mux.HandleFunc("POST /admin/periods/open", s.handleAdminPeriodsOpen)
	mux.HandleFunc("GET /admin/units", s.handleAdminUnits)
	mux.HandleFunc("POST /admin/units", s.handleAdminUnitsPreview)
	mux.HandleFunc("POST /admin/units/apply", s.handleAdminUnitsApply)
	mux.HandleFunc("POST /admin/units/succession", s.handleAdminUnitsSuccession)
	mux.HandleFunc("GET /admin/users", s.handleAdminUsers)
	mux.HandleFunc("POST /admin/users", s.handleAdminUserAdd)
	mux.HandleFunc("POST /admin/users/{id}", s.handleAdminUserUpdate)
	mux.HandleFunc("POST /admin/users/{id}/active", s.handleAdminUserActive)
	mux.HandleFunc("POST /admin/users/{id}/reset", s.handleAdminUserReset)
	mux.HandleFunc("POST /admin/users/{id}/unblock", s.handleAdminUserUnblock)
	mux.HandleFunc("POST /admin/users/{id}/tokens", s.handleAdminUserToken)
	mux.HandleFunc("POST /admin/users/{id}/tokens/{token}/revoke", s.handleAdminUserTokenRevoke)
	mux.HandleFunc("GET /password/set", s.handleSetPasswordPage)
	mux.HandleFunc("POST /password/set", s.handleSetPassword)
	mux.HandleFunc("GET /admin/holidays", s.handleAdminCalendar)
	mux.HandleFunc("POST /admin/holidays", s.handleAdminCalendarChange)
	// The annual evaluation (issue 17).
	mux.HandleFunc("GET /evaluations", s.handleEvaluations)
	mux.HandleFunc("POST /evaluations", s.handleEvaluationOpen)
	mux.HandleFunc("GET /evaluations/{id}", s.handleEvaluation)
	mux.HandleFunc("GET /evaluations/{id}/{file}", s.handleEvaluationFile)
	mux.HandleFunc("POST /evaluations/{id}/recompute", s.handleEvaluationRecompute)
	mux.HandleFunc("POST /evaluations/{id}/close", s.handleEvaluationClose)
	mux.HandleFunc("GET /evaluations/{id}/units/{code}", s.handleEvaluationUnit)
	mux.HandleFunc("POST /evaluations/{id}/units/{code}/judgements", s.handleEvaluationJudge)
	mux.HandleFunc("POST /evaluations/{id}/units/{code}/comments", s.handleEvaluationComment)
	mux.HandleFunc("GET /evaluations/{id}/units/{code}/evidence/{criterion}", s.handleEvaluationEvidence)
	// The public page (issue 17): no sign-in, cached.
	mux.HandleFunc("GET /cong-khai", s.handlePublicIndex)
	mux.HandleFunc("GET /cong-khai/feed.json", s.handlePublicFeed)
	mux.HandleFunc("GET /cong-khai/ky/{id}", s.handlePublicPeriod)
	mux.HandleFunc("GET /cong-khai/ky/{id}/{file}", s.handlePublicPeriod)
	mux.HandleFunc("GET /cong-khai/danh-gia/{id}", s.handlePublicRound)
	mux.HandleFunc("GET /cong-khai/danh-gia/{id}/{file}", s.handlePublicRound)
	mux.HandleFunc("GET /admin/publications", s.handleAdminPublications)
	mux.HandleFunc("POST /admin/publications", s.handleAdminPublish)
	mux.HandleFunc("/", s.handleNotFound)

	// The JSON API. Each API path also answers its other methods with a
	// JSON 405, not ServeMux's plain-text one.
	var patterns []string
	allowed := map[string][]string{}
	for _, rt := range s.apiRoutes() {
		mux.HandleFunc(rt.Method+" "+rt.Pattern, rt.handler)
		if allowed[rt.Pattern] == nil {
			patterns = append(patterns, rt.Pattern)
		}
		allowed[rt.Pattern] = append(allowed[rt.Pattern], rt.Method)
	}
	for _, p := range patterns {
		mux.HandleFunc(p, s.methodNotAllowed(allowed[p]))
	}
	return withRequestID(s.securityHeaders(s.bodyDeadlines(s.logRequests(s.limitRequests(s.cleanInput(gzipResponses(s.authenticate(notePattern(mux)))))))))
}

// APIRoute is one route of the JSON API: a method and a ServeMux path
// pattern ("/api/v1/submissions/{id}").
type APIRoute struct {
	Method, Pattern string
}

// APIRoutes lists the JSON API as the router registers it, for the test
// that holds web/openapi.yaml to it.
func APIRoutes() []APIRoute {
	var out []APIRoute
	for _, rt := range (&Server{}).apiRoutes() {
		out = append(out, APIRoute{Method: rt.Method, Pattern: rt.Pattern})
	}
	return out
}

type apiRoute struct {
	Method, Pattern string
	handler         http.HandlerFunc
}

// apiRoutes is the JSON API's route table (and the template download,
// which pages link to): the router and APIRoutes both read it.
func (s *Server) apiRoutes() []apiRoute {
	return []apiRoute{
		{"GET", "/api/v1/openapi.yaml", s.handleOpenAPI},
		{"POST", "/api/v1/login", s.handleLogin},
		{"POST", "/api/v1/logout", s.handleLogout},
		{"GET", "/api/v1/me", s.handleMe},
		{"GET", "/units/{unit}/periods/{period}/template.xlsx", s.handleTemplate},
		{"POST", "/api/v1/submissions", s.handleSubmit},
		{"GET", "/api/v1/submissions/{id}", s.handleSubmission},
		{"GET", "/api/v1/submissions/{id}/file", s.handleSubmissionFile},
		{"POST", "/api/v1/submissions/{id}/review", s.handleReview},
		{"GET", "/api/v1/periods/{id}/compliance", s.handlePeriodCompliance},
		{"POST", "/api/v1/periods/{id}/exemptions", s.handleExempt},
		{"DELETE", "/api/v1/periods/{id}/exemptions/{unit}", s.handleUnexempt},
		{"POST", "/api/v1/periods/{id}/extensions", s.handleExtend},
		{"POST", "/api/v1/periods/{id}/reminders", s.handleRemind},
		{"GET", "/api/v1/periods/{id}/units/{unit}/history", s.handleObligationHistory},
		{"GET", "/api/v1/units/{code}/history", s.handleUnitHistory},
		{"GET", "/api/v1/forms/{code}/matrix", s.handleFormMatrix},
		{"GET", "/api/v1/reports/{form}/{file}", s.handleReportRequest},
		{"GET", "/api/v1/outbox", s.handleOutbox},
		{"GET", "/api/v1/audit", s.handleAudit},
		// Data-quality signals (issue 17).
		{"POST", "/api/v1/submissions/{id}/signals", s.handleExplainSignal},
	}
}

// methodNotAllowed answers a method a path does not take: 405 in the API's
// error shape, with the methods it does take in Allow.
func (s *Server) methodNotAllowed(methods []string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", strings.Join(methods, ", "))
		writeJSON(w, http.StatusMethodNotAllowed, errorBody{Error: errMethodNotAllowed,
			Message: fmt.Sprintf(msgMethodNotAllowed, r.Method, strings.Join(methods, ", ")), RequestID: RequestID(r.Context())})
	}
}
