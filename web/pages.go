package web

// The HTML pages: what a handler needs to answer with a page, an error
// page or a redirect to the sign-in page. Each page's handler gathers its
// view from ops first, then renders once (web/ui).

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"baocao/reporting"
	"baocao/web/ui"
)

// The Vietnamese messages of the pages' handlers, in one place for review.
const (
	msgSignedOut        = "Bạn đã đăng xuất."
	msgSessionEnded     = "Phiên làm việc đã hết hạn, xin đăng nhập lại."
	msgPageNotFound     = "Không có trang %s."
	msgPasswordChanged  = "Đã đổi mật khẩu."
	msgPasswordMismatch = "Mật khẩu mới nhập lại không khớp."
	msgBadForm          = "Không đọc được nội dung biểu mẫu gửi lên. Xin tải lại trang rồi thử lại."
)

// signedIn is the request's user for a page, with the session's CSRF
// token; without a session it redirects to the sign-in page, which comes
// back here afterwards, and answers false.
func (s *Server) signedIn(w http.ResponseWriter, r *http.Request) (reporting.User, bool) {
	a := authFrom(r.Context())
	if a.ok {
		return a.user, true
	}
	if a.err != nil && reporting.ErrorCode(unavailableAsSuch(a.err)) == reporting.EUNAVAILABLE {
		// The session could not be checked: the database is down, the
		// user is not signed out.
		s.pageError(w, r, a.err)
		return reporting.User{}, false
	}
	next := r.URL.RequestURI()
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		// A form posted after the session ended: after signing in, back
		// to the page the form was on (the post itself is not replayed).
		next = "/"
		if ref, err := url.Parse(r.Referer()); err == nil && ref.Path != "" && (ref.Host == "" || ref.Host == r.Host) {
			next = ref.RequestURI()
		}
	}
	q := url.Values{"next": {localPath(next)}}
	if a.err != nil {
		q.Set("expired", "1")
	}
	http.Redirect(w, r, "/login?"+q.Encode(), http.StatusSeeOther)
	return reporting.User{}, false
}

// localPath is p when it is a path on this site, else "/": a sign-in link
// must never send the user elsewhere.
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		return "/"
	}
	return p
}

// page renders page name for the signed-in user of r, with nav the active
// navigation item; a rendering error is logged and answered 500.
func (s *Server) page(w http.ResponseWriter, r *http.Request, name, title, nav string, content any, flash ...ui.Flash) {
	s.pageWithStatus(w, r, http.StatusOK, name, title, nav, content, flash...)
}

// pageWithStatus is page answered with status (a 422 that shows what to
// correct, say).
func (s *Server) pageWithStatus(w http.ResponseWriter, r *http.Request, status int, name, title, nav string, content any, flash ...ui.Flash) {
	p := ui.Page{Title: title, Nav: nav, Content: content, Flash: flash, Status: status}
	if a := authFrom(r.Context()); a.ok {
		u := a.user
		p.User, p.CSRF = &u, csrfToken(a.token)
	}
	if f := flashFrom(r); f != nil {
		p.Flash = append(p.Flash, *f)
		clearFlash(w, r)
	}
	s.renderPage(w, r, name, p)
}

func (s *Server) renderPage(w http.ResponseWriter, r *http.Request, name string, p ui.Page) {
	if err := s.ui.Render(w, name, p); err != nil {
		if r.Context().Err() != nil {
			// The page was written to a client that had gone away.
			s.log.InfoContext(r.Context(), "client went away before the answer", "page", name, "err", err)
			return
		}
		s.log.ErrorContext(r.Context(), "page not rendered", "page", name, "err", err)
		http.Error(w, reporting.ErrorMessage(err), http.StatusInternalServerError)
	}
}

// pageError answers err as an error page in Vietnamese, with the status
// the one mapping gives it; internal errors are logged, not shown.
func (s *Server) pageError(w http.ResponseWriter, r *http.Request, err error) {
	if s.hungUp(w, r, err) {
		return
	}
	err = unavailableAsSuch(err)
	if ue := (*unavailableError)(nil); errors.As(err, &ue) {
		s.log.WarnContext(r.Context(), "database unavailable", "method", r.Method, "path", r.URL.Path, "err", ue.cause)
		w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds))
	}
	code := reporting.ErrorCode(err)
	status := errorStatus(code)
	detail := reporting.ErrorMessage(err)
	if code == reporting.EINTERNAL {
		s.log.ErrorContext(r.Context(), "page failed", "method", r.Method, "path", r.URL.Path, "err", err)
		detail = ""
	}
	p := ui.ErrorPage(status, detail)
	if c, ok := p.Content.(ui.ErrorContent); ok {
		c.RequestID = RequestID(r.Context())
		p.Content = c
	}
	if a := authFrom(r.Context()); a.ok {
		u := a.user
		p.User, p.CSRF = &u, csrfToken(a.token)
	}
	s.renderPage(w, r, "error", p)
}

// handleNotFound answers any path no route takes: an error page for a
// browser, JSON under /api/.
func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	err := reporting.Errorf(reporting.ENOTFOUND, msgPageNotFound, r.URL.Path)
	if strings.HasPrefix(r.URL.Path, "/api/") {
		s.writeError(w, r, err)
		return
	}
	s.pageError(w, r, err)
}

// Flash messages survive one redirect in a short-lived cookie.
const flashCookie = "baocao_flash"

// redirectFlash redirects to target with a message for the next page.
func redirectFlash(w http.ResponseWriter, r *http.Request, target string, kind ui.FlashKind, msg string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: url.QueryEscape(string(kind) + "|" + msg), Path: "/",
		MaxAge: 60, HttpOnly: true, Secure: secureRequest(r), SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// flashFrom reads the message a redirect left, if any; the page that
// shows it clears it (clearFlash).
func flashFrom(r *http.Request) *ui.Flash {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return nil
	}
	v, err := url.QueryUnescape(c.Value)
	if err != nil {
		return nil
	}
	kind, msg, ok := strings.Cut(v, "|")
	if !ok || msg == "" {
		return nil
	}
	return &ui.Flash{Kind: ui.FlashKind(kind), Message: msg}
}

// clearFlash stops a shown flash message from showing again.
func clearFlash(w http.ResponseWriter, r *http.Request) {
	if _, err := r.Cookie(flashCookie); err == nil {
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
			Secure: secureRequest(r), SameSite: http.SameSiteLaxMode})
	}
}

// pathID is path value name as an id, or an EINVALID error.
func pathID(r *http.Request, name, msg string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, reporting.Errorf(reporting.ENOTFOUND, msg, r.PathValue(name))
	}
	return id, nil
}
