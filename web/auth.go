package web

// Authentication, sessions and CSRF.
//
// A client proves who it is with a session token, sent either as
// "Authorization: Bearer <token>" (scripts, API tokens from `baocao users
// token`) or as the cookie baocao_session (browsers; HttpOnly,
// SameSite=Lax, Secure over https). The authenticate middleware resolves it
// once per request and puts it in the request context (authFrom);
// handlers that need a user call s.requireUser.
//
// CSRF: a cookie-authenticated unsafe request (anything but GET, HEAD,
// OPTIONS, TRACE) must show it comes from our own pages: the browser's
// Sec-Fetch-Site "same-origin", or else an Origin (or, without Origin, a
// Referer) whose host is the request's Host, or an X-CSRF-Token header equal
// to the session's CSRF token (returned by login and /api/v1/me; derived
// from the session token, so it needs no storage and cannot be computed
// without the cookie). A request with none of these is refused, including
// a POST without Origin. Bearer requests are exempt: a browser never adds
// that header by itself. Behind a reverse proxy the proxy must pass the
// Host header through, or clients must send X-CSRF-Token.
//
// Sign-in throttling: every attempt reserves a turn on two keys — the
// e-mail and the client's address — in one atomic statement each
// (store.ReserveAttempt): the first attempts of a window pass at once,
// each further one makes the next wait twice as long (1 s, 2 s, 4 s, … up
// to 15 minutes), whatever the password. A burst of parallel guesses gets
// a handful through, not all of them; nobody can lock another's account
// for long; a successful sign-in clears its e-mail's count, an
// administrator can too (baocao users unlock). The counts live in
// PostgreSQL, so every instance behind a load balancer shares them.
// Hashing a password (argon2id, ~19 MiB) runs in a few slots at a time;
// beyond a short queue, sign-ins are told to come back (429) at once.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"baocao/reporting"
	"baocao/store"
	"baocao/web/ui"
)

// SessionCookie is the name of the browser session cookie.
const SessionCookie = "baocao_session"

// DefaultSessionTTL is how long a browser sign-in lasts when
// Options.SessionTTL is zero: a working day and then some.
const DefaultSessionTTL = 12 * time.Hour

// Sign-in throttling (see the file comment): per e-mail, and per client
// address (wider: an office shares one address).
var (
	emailThrottle   = store.ThrottlePolicy{Free: 5, Window: 15 * time.Minute, MaxDelay: 15 * time.Minute}
	addressThrottle = store.ThrottlePolicy{Free: 30, Window: 15 * time.Minute, MaxDelay: 15 * time.Minute}
)

// hashQueue is how many sign-ins may wait for a hashing slot, per slot.
const hashQueue = 4

// The Vietnamese messages of authentication, in one place for review.
const (
	msgLoginRequired  = "Bạn cần đăng nhập để tiếp tục."
	msgLoginMissing   = "Xin nhập e-mail và mật khẩu."
	msgLoginUnreadble = "Không đọc được thông tin đăng nhập."
	msgLoginThrottled = "Có nhiều lần đăng nhập liên tiếp cho tài khoản này hoặc từ máy này. Xin thử lại sau %s."
	msgLoginBusy      = "Hệ thống đang xử lý nhiều lượt đăng nhập. Xin thử lại sau %s."
	msgCrossOrigin    = "Yêu cầu bị từ chối vì không xác định được trang gửi đi. Xin tải lại trang rồi thử lại."
)

// now is the server's clock.
func (s *Server) now() time.Time {
	if s.opts.Now != nil {
		return s.opts.Now()
	}
	return time.Now()
}

func (s *Server) sessionTTL() time.Duration {
	if s.opts.SessionTTL > 0 {
		return s.opts.SessionTTL
	}
	return DefaultSessionTTL
}

// auth is what the middleware learnt about a request's credentials.
type auth struct {
	user      reporting.User
	ok        bool   // user is signed in
	err       error  // why a credential presented was refused (expired, …)
	token     string // the session token presented
	viaCookie bool
}

type authKey struct{}

func authFrom(ctx context.Context) *auth {
	if a, _ := ctx.Value(authKey{}).(*auth); a != nil {
		return a
	}
	return &auth{}
}

// credential is the session token a request carries: the bearer token, or
// else the session cookie.
func credential(r *http.Request) (token string, viaCookie bool) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, _ := strings.Cut(h, " ")
		if strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(tok), false
		}
	}
	if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
		return c.Value, true
	}
	return "", false
}

// authenticate resolves the request's credential into the context and
// enforces the CSRF rule on cookie-authenticated unsafe requests. It never
// refuses a request for lacking a user: handlers decide (requireUser).
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := &auth{}
		a.token, a.viaCookie = credential(r)
		if a.token != "" {
			a.user, a.err = s.opts.Store.SessionUser(r.Context(), a.token, s.now())
			a.ok = a.err == nil
		}
		if a.viaCookie && reporting.ErrorCode(a.err) == reporting.EUNAUTHORIZED {
			clearSessionCookie(w, r) // stale: stop sending it
		}
		if a.ok && a.viaCookie && !safeMethod(r.Method) && !s.csrfOK(r, a.token) {
			s.writeError(w, r, reporting.Errorf(reporting.EFORBIDDEN, msgCrossOrigin))
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), authKey{}, a)))
	})
}

// requireUser is the signed-in user, or false after answering 401 (with
// the reason: not signed in, or the session expired) or 500.
func (s *Server) requireUser(w http.ResponseWriter, r *http.Request) (reporting.User, bool) {
	a := authFrom(r.Context())
	if a.ok {
		return a.user, true
	}
	err := a.err
	if err == nil {
		err = reporting.Errorf(reporting.EUNAUTHORIZED, msgLoginRequired)
	}
	if reporting.ErrorCode(err) == reporting.EUNAUTHORIZED {
		w.Header().Set("WWW-Authenticate", `Bearer realm="baocao"`)
	}
	s.writeError(w, r, err)
	return reporting.User{}, false
}

// requireRole is requireUser for users of one of roles; others get 403.
func (s *Server) requireRole(w http.ResponseWriter, r *http.Request, roles ...reporting.Role) (reporting.User, bool) {
	u, ok := s.requireUser(w, r)
	if !ok {
		return u, false
	}
	if err := reporting.AuthorizeRole(u, roles...); err != nil {
		s.writeError(w, r, err)
		return reporting.User{}, false
	}
	return u, true
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions || m == http.MethodTrace
}

// csrfToken is the CSRF token of a session: a one-way function of its
// token, so only a holder of the cookie (our page, rendered for it) has it.
func csrfToken(sessionToken string) string {
	h := sha256.Sum256([]byte("baocao csrf v1\x00" + sessionToken))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

// csrfOK applies the CSRF rule of the file comment.
func (s *Server) csrfOK(r *http.Request, sessionToken string) bool {
	if t := r.Header.Get("X-CSRF-Token"); t != "" &&
		subtle.ConstantTimeCompare([]byte(t), []byte(csrfToken(sessionToken))) == 1 {
		return true
	}
	same, known := sameOrigin(r)
	if known {
		return same
	}
	// A page's plain form (no JavaScript, a browser hiding its origin)
	// carries the token in a hidden field; only small urlencoded bodies
	// are read for it, never an upload.
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/x-www-form-urlencoded" {
		r.Body = http.MaxBytesReader(nil, r.Body, maxActionBody)
		t := r.PostFormValue(ui.CSRFField)
		return t != "" && subtle.ConstantTimeCompare([]byte(t), []byte(csrfToken(sessionToken))) == 1
	}
	return false
}

// sameOrigin tells whether the browser says r comes from our own origin;
// known is false when the request carries no such evidence (curl, or a
// browser that hides it).
func sameOrigin(r *http.Request) (same, known bool) {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "same-origin":
		return true, true
	case "same-site", "cross-site":
		return false, true
	}
	from := r.Header.Get("Origin")
	if from == "" {
		from = r.Header.Get("Referer")
	}
	if from == "" {
		return false, false
	}
	u, err := url.Parse(from)
	if err != nil || u.Host == "" { // including Origin: null
		return false, true
	}
	return strings.EqualFold(u.Host, r.Host), true
}

// secureRequest tells whether the client reached us over https, directly or
// through a TLS-terminating proxy. A forged header only makes the cookie
// Secure, which harms no one but the forger.
func secureRequest(r *http.Request) bool {
	return r.TLS != nil || publicHTTPS(r.Context()) || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

func setSessionCookie(w http.ResponseWriter, r *http.Request, token string, expires time.Time, now time.Time) {
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: token, Path: "/",
		Expires: expires, MaxAge: int(expires.Sub(now).Seconds()),
		HttpOnly: true, Secure: secureRequest(r), SameSite: http.SameSiteLaxMode,
	})
}

func clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: secureRequest(r), SameSite: http.SameSiteLaxMode,
	})
}

// userJSON is a user as the API shows it.
type userJSON struct {
	ID        int64          `json:"id"`
	Email     string         `json:"email"`
	Name      string         `json:"name"`
	Role      reporting.Role `json:"role"`
	RoleLabel string         `json:"role_label"`
	UnitCode  string         `json:"unit_code,omitempty"`
	Active    bool           `json:"active"`
}

func toUserJSON(u reporting.User) userJSON {
	return userJSON{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, RoleLabel: u.Role.Label(), UnitCode: u.UnitCode, Active: u.Active}
}

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type loginResponse struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	CSRFToken string    `json:"csrf_token"`
	User      userJSON  `json:"user"`
}

// readLogin reads {email, password} as JSON or as a form.
func readLogin(w http.ResponseWriter, r *http.Request) (loginRequest, error) {
	var req loginRequest
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<10))
	if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
		return req, &bodyTooLarge{limit: mbe.Limit}
	}
	if err != nil {
		return req, reporting.Errorf(reporting.EINVALID, msgLoginUnreadble)
	}
	// JSON when it says so, or when it looks like it: `curl -d '{…}'`
	// labels a JSON body as a form.
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "application/json" || bytes.HasPrefix(bytes.TrimSpace(body), []byte("{")) {
		if err := json.Unmarshal(body, &req); err != nil {
			return req, reporting.Errorf(reporting.EINVALID, msgLoginUnreadble)
		}
	} else {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return req, reporting.Errorf(reporting.EINVALID, msgLoginUnreadble)
		}
		req.Email, req.Password = form.Get("email"), form.Get("password")
	}
	if !clean(req.Email) || !clean(req.Password) {
		return req, reporting.Errorf(reporting.EINVALID, msgBadCharacters)
	}
	req.Email = strings.ToLower(strings.TrimSpace(req.Email))
	if req.Email == "" || req.Password == "" {
		return req, reporting.Errorf(reporting.EINVALID, msgLoginMissing)
	}
	if len(req.Email) > 254 {
		req.Email = req.Email[:254] // an audit key, not an address: keep it bounded
	}
	return req, nil
}

// throttledError refuses a sign-in for now: Wait is how long until the
// next attempt may go ahead; Busy says the hashing slots are full rather
// than the attempts too many.
type throttledError struct {
	Wait time.Duration
	Busy bool
}

func (e *throttledError) Error() string {
	msg := msgLoginThrottled
	if e.Busy {
		msg = msgLoginBusy
	}
	return fmt.Sprintf(msg, waitWords(e.Wait))
}

// waitWords says a wait in Vietnamese: "5 giây", "3 phút".
func waitWords(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%d giây", max(1, int((d+time.Second-1)/time.Second)))
	}
	return fmt.Sprintf("%d phút", int((d+time.Minute-1)/time.Minute))
}

// hashSlot waits for one of the password-hashing slots; false (at once)
// when the queue is full. release gives the slot back.
func (s *Server) hashSlot(ctx context.Context) (release func(), ok bool) {
	if int(s.hashWaiting.Add(1)) > cap(s.hashSlots)*(hashQueue+1) {
		s.hashWaiting.Add(-1)
		return nil, false
	}
	select {
	case s.hashSlots <- struct{}{}:
		return func() { <-s.hashSlots; s.hashWaiting.Add(-1) }, true
	case <-ctx.Done():
		s.hashWaiting.Add(-1)
		return nil, false
	}
}

// signIn checks req's e-mail and password (throttled: a *throttledError),
// records the attempt in the audit trail and, on success, creates a
// session: the one sign-in of the API and of the sign-in page.
func (s *Server) signIn(r *http.Request, req loginRequest) (u reporting.User, token string, expires time.Time, err error) {
	ctx, st, now := r.Context(), s.opts.Store, s.now()
	addr := s.clientAddress(r)
	for _, k := range []struct {
		key    string
		policy store.ThrottlePolicy
	}{{"email:" + req.Email, emailThrottle}, {"addr:" + addr, addressThrottle}} {
		wait, err := st.ReserveAttempt(ctx, k.key, now, k.policy)
		if err != nil {
			return u, "", time.Time{}, err
		}
		if wait > 0 {
			return u, "", time.Time{}, &throttledError{Wait: wait}
		}
	}
	release, ok := s.hashSlot(ctx)
	if !ok {
		return u, "", time.Time{}, &throttledError{Wait: 2 * time.Second, Busy: true}
	}
	event := store.AuditEvent{At: now, Actor: req.Email, ObjectType: store.ObjectLogin, ObjectID: req.Email,
		Details: map[string]string{"remote_addr": addr, "user_agent": r.UserAgent()}}
	u, err = st.Authenticate(ctx, req.Email, req.Password)
	release()
	if reporting.ErrorCode(err) == reporting.EUNAUTHORIZED {
		event.Action = store.ActionLoginFailed
		if aerr := st.Audit(ctx, event); aerr != nil {
			err = aerr
		}
	}
	if err != nil {
		return u, "", time.Time{}, err
	}
	err = st.InTx(ctx, func(tx *store.Store) error {
		var err error
		if token, expires, err = tx.CreateSession(ctx, u.ID, s.sessionTTL(), now); err != nil {
			return err
		}
		if _, err := tx.ClearAttempts(ctx, "email:"+req.Email); err != nil {
			return err
		}
		event.Action = store.ActionLogin
		return tx.Audit(ctx, event)
	})
	if err != nil {
		return u, "", time.Time{}, fmt.Errorf("sign in %s: %w", u.Email, err)
	}
	return u, token, expires, nil
}

// handleLogin signs a user in: POST {email, password} (JSON or form) →
// 200 {token, expires_at, csrf_token, user} and the session cookie.
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	// Signing a victim's browser into an attacker's account is a CSRF too.
	if same, known := sameOrigin(r); known && !same {
		s.writeError(w, r, reporting.Errorf(reporting.EFORBIDDEN, msgCrossOrigin))
		return
	}
	req, err := readLogin(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	u, token, expires, err := s.signIn(r, req)
	var te *throttledError
	if errors.As(err, &te) {
		w.Header().Set("Retry-After", fmt.Sprint(int((te.Wait+time.Second-1)/time.Second)))
		writeJSON(w, http.StatusTooManyRequests, errorBody{Error: errTooManyRequests, Message: te.Error(), RequestID: RequestID(r.Context())})
		return
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	setSessionCookie(w, r, token, expires, s.now())
	writeJSON(w, http.StatusOK, loginResponse{Token: token, ExpiresAt: expires, CSRFToken: csrfToken(token), User: toUserJSON(u)})
}

// handleLogout ends the session presented (cookie or bearer) and clears
// the cookie: 204. Without a valid session there is nothing to end, which
// is not an error.
func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	a := authFrom(r.Context())
	if a.ok {
		ctx := r.Context()
		err := s.opts.Store.InTx(ctx, func(tx *store.Store) error {
			if err := tx.DeleteSession(ctx, a.token); err != nil {
				return err
			}
			return tx.Audit(ctx, store.AuditEvent{At: s.now(), Actor: a.user.Email, Action: store.ActionLogout,
				ObjectType: store.ObjectLogin, ObjectID: a.user.Email})
		})
		if err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	if a.viaCookie {
		clearSessionCookie(w, r)
	}
	w.WriteHeader(http.StatusNoContent)
}

type meResponse struct {
	User userJSON `json:"user"`
	// CSRFToken is for cookie sessions, whose pages send it as X-CSRF-Token.
	CSRFToken string `json:"csrf_token,omitempty"`
}

// handleMe answers the signed-in user.
func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) {
	u, ok := s.requireUser(w, r)
	if !ok {
		return
	}
	resp := meResponse{User: toUserJSON(u)}
	if a := authFrom(r.Context()); a.viaCookie {
		resp.CSRFToken = csrfToken(a.token)
	}
	writeJSON(w, http.StatusOK, resp)
}
