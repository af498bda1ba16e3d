package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"baocao/reporting"
	"baocao/store"
	"baocao/web/ui"
)

// The sign-in, sign-out, home and password pages.

// home is where a user of u's role starts: a clerk on its unit's
// obligations, everyone else on the dashboard.
func home(u reporting.User) string {
	if u.Role == reporting.RoleClerk {
		return "/obligations"
	}
	return "/dashboard"
}

// handleHome sends the visitor to their start page, or to sign in.
func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	http.Redirect(w, r, home(u), http.StatusSeeOther)
}

// handleSignInPage shows the sign-in form (GET /login?next=…); a user
// already signed in goes on.
func (s *Server) handleSignInPage(w http.ResponseWriter, r *http.Request) {
	next := localPath(r.URL.Query().Get("next"))
	if a := authFrom(r.Context()); a.ok {
		if next == "/" {
			next = home(a.user)
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	content := ui.SignIn{Next: next}
	var flash []ui.Flash
	if r.URL.Query().Get("expired") != "" {
		flash = append(flash, ui.Flash{Kind: ui.FlashWarning, Message: msgSessionEnded})
	}
	s.page(w, r, "sign-in", "Đăng nhập", "", content, flash...)
}

// handleSignIn signs in from the form (POST /login): the session cookie
// and a redirect to where the user was going; the form again, with the
// reason, when it fails (the lock-out message after too many failures).
func (s *Server) handleSignIn(w http.ResponseWriter, r *http.Request) {
	if same, known := sameOrigin(r); known && !same {
		s.pageError(w, r, reporting.Errorf(reporting.EFORBIDDEN, msgCrossOrigin))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.pageError(w, r, reporting.Errorf(reporting.EINVALID, msgLoginUnreadble))
		return
	}
	content := ui.SignIn{Email: strings.TrimSpace(r.PostForm.Get("email")), Next: localPath(r.PostForm.Get("next"))}
	req := loginRequest{Email: strings.ToLower(content.Email), Password: r.PostForm.Get("password")}
	if !clean(content.Email) || !clean(req.Password) || !clean(r.PostForm.Get("next")) {
		content.Email, content.Next, content.Error = strings.ToValidUTF8(strings.ReplaceAll(content.Email, "\x00", ""), ""), "/", msgBadCharacters
		s.signInAgain(w, r, http.StatusBadRequest, content)
		return
	}
	if req.Email == "" || req.Password == "" {
		content.Error = msgLoginMissing
		s.signInAgain(w, r, http.StatusUnprocessableEntity, content)
		return
	}
	u, token, expires, err := s.signIn(r, req)
	var te *throttledError
	switch {
	case errors.As(err, &te):
		content.LockedOut = te.Error()
		s.signInAgain(w, r, http.StatusTooManyRequests, content)
		return
	case reporting.ErrorCode(err) == reporting.EUNAUTHORIZED || reporting.ErrorCode(err) == reporting.EFORBIDDEN:
		content.Error = reporting.ErrorMessage(err)
		s.signInAgain(w, r, errorStatus(reporting.ErrorCode(err)), content)
		return
	case err != nil:
		s.pageError(w, r, err)
		return
	}
	setSessionCookie(w, r, token, expires, s.now())
	next := content.Next
	if next == "/" {
		next = home(u)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) signInAgain(w http.ResponseWriter, r *http.Request, status int, content ui.SignIn) {
	s.renderPage(w, r, "sign-in", ui.Page{Title: "Đăng nhập", Status: status, Content: content})
}

// handleSignOut ends the session (POST /logout) and goes to the sign-in
// page.
func (s *Server) handleSignOut(w http.ResponseWriter, r *http.Request) {
	if a := authFrom(r.Context()); a.ok {
		ctx := r.Context()
		err := s.opts.Store.InTx(ctx, func(tx *store.Store) error {
			if err := tx.DeleteSession(ctx, a.token); err != nil {
				return err
			}
			return tx.Audit(ctx, store.AuditEvent{At: s.now(), Actor: a.user.Email, Action: store.ActionLogout,
				ObjectType: store.ObjectLogin, ObjectID: a.user.Email})
		})
		if err != nil {
			s.pageError(w, r, err)
			return
		}
	}
	clearSessionCookie(w, r)
	redirectFlash(w, r, "/login", ui.FlashInfo, msgSignedOut)
}

// handlePasswordPage shows the change-password form.
func (s *Server) handlePasswordPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.signedIn(w, r); !ok {
		return
	}
	s.page(w, r, "password", "Đổi mật khẩu", "", ui.PasswordForm{})
}

// handlePassword changes the password; the sessions of the old one end,
// and this browser is signed in again with the new.
func (s *Server) handlePassword(w http.ResponseWriter, r *http.Request) {
	u, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.pageError(w, r, reporting.Errorf(reporting.EINVALID, msgBadForm))
		return
	}
	current, next, again := r.PostForm.Get("current"), r.PostForm.Get("password"), r.PostForm.Get("again")
	fail := func(msg string) {
		a := authFrom(r.Context())
		s.renderPage(w, r, "password", ui.Page{Title: "Đổi mật khẩu", User: &u, CSRF: csrfToken(a.token),
			Status: http.StatusUnprocessableEntity, Content: ui.PasswordForm{Error: msg}})
	}
	if next != again {
		fail(msgPasswordMismatch)
		return
	}
	now := s.now()
	if err := s.opts.Ops.ChangePassword(r.Context(), u, now, current, next); err != nil {
		if reporting.ErrorCode(err) == reporting.EINVALID {
			fail(reporting.ErrorMessage(err))
			return
		}
		s.pageError(w, r, err)
		return
	}
	token, expires, err := s.opts.Store.CreateSession(r.Context(), u.ID, s.sessionTTL(), now)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	setSessionCookie(w, r, token, expires, now)
	redirectFlash(w, r, home(u), ui.FlashSuccess, msgPasswordChanged)
}

// loginURL is the sign-in page that comes back to path.
func loginURL(path string) string { return "/login?" + url.Values{"next": {path}}.Encode() }
