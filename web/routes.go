package web

import "net/http"

// routes is the whole route table.
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
	mux.HandleFunc("GET /outbox", s.handleOutboxPage)
	mux.HandleFunc("/", s.handleNotFound)

	// The JSON API (and the template download, which pages link to).
	mux.HandleFunc("POST /api/v1/login", s.handleLogin)
	mux.HandleFunc("POST /api/v1/logout", s.handleLogout)
	mux.HandleFunc("GET /api/v1/me", s.handleMe)
	mux.HandleFunc("GET /units/{unit}/periods/{period}/template.xlsx", s.handleTemplate)
	mux.HandleFunc("POST /api/v1/submissions", s.handleSubmit)
	mux.HandleFunc("GET /api/v1/submissions/{id}", s.handleSubmission)
	mux.HandleFunc("GET /api/v1/submissions/{id}/file", s.handleSubmissionFile)
	mux.HandleFunc("POST /api/v1/submissions/{id}/review", s.handleReview)
	mux.HandleFunc("GET /api/v1/periods/{id}/compliance", s.handlePeriodCompliance)
	mux.HandleFunc("POST /api/v1/periods/{id}/exemptions", s.handleExempt)
	mux.HandleFunc("DELETE /api/v1/periods/{id}/exemptions/{unit}", s.handleUnexempt)
	mux.HandleFunc("POST /api/v1/periods/{id}/extensions", s.handleExtend)
	mux.HandleFunc("GET /api/v1/units/{code}/history", s.handleUnitHistory)
	mux.HandleFunc("GET /api/v1/forms/{code}/matrix", s.handleFormMatrix)
	mux.HandleFunc("GET /api/v1/reports/{form}/{file}", s.handleReportRequest)
	mux.HandleFunc("POST /api/v1/periods/{id}/reminders", s.handleRemind)
	mux.HandleFunc("GET /api/v1/outbox", s.handleOutbox)
	mux.HandleFunc("GET /api/v1/audit", s.handleAudit)
	mux.HandleFunc("GET /api/v1/periods/{id}/units/{unit}/history", s.handleObligationHistory)
	return withRequestID(s.logRequests(gzipResponses(s.authenticate(notePattern(mux)))))
}
