package web

import (
	"context"
	"net/http"
	"strings"
	"unicode/utf8"

	"baocao/reporting"
)

// The headers a government service owes its users, on every answer:
//
//   - a strict Content-Security-Policy: scripts, styles, images, forms and
//     connections from this origin only, no inline script or style (the
//     pages have none: htmx and app.js are files, htmx's own indicator
//     style is turned off in the layout), no plugins, no framing;
//   - X-Content-Type-Options: nosniff, X-Frame-Options: DENY (for browsers
//     without frame-ancestors), Referrer-Policy: same-origin;
//   - Strict-Transport-Security when the service's address is https;
//   - Cache-Control: no-store on everything but the static files (which
//     carry their content hash and are cached by StaticHandler): pages and
//     API answers hold personal data and tokens, and a shared computer's
//     browser must not keep them.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// hstsMaxAge is a year, as HSTS preload lists ask.
const hstsMaxAge = "max-age=31536000; includeSubDomains"

// httpsKey marks a request's context when the service's public address is
// https: cookies are then Secure whatever the request came over (a proxy
// that terminates TLS may forward plain HTTP).
type httpsKey struct{}

// publicHTTPS says whether the service's address is https.
func publicHTTPS(ctx context.Context) bool {
	v, _ := ctx.Value(httpsKey{}).(bool)
	return v
}

// securityHeaders sets the headers above before anything else answers.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	https := s.opts.Ops != nil && strings.HasPrefix(strings.ToLower(s.opts.Ops.BaseURL()), "https://")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		if https {
			h.Set("Strict-Transport-Security", hstsMaxAge)
			r = r.WithContext(context.WithValue(r.Context(), httpsKey{}, true))
		}
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

const msgBadCharacters = "Địa chỉ hoặc tham số có ký tự không hợp lệ (ký tự NUL hoặc không phải UTF-8). Xin kiểm tra lại đường dẫn."

// cleanInput refuses, with 400 and a Vietnamese message, a request whose
// path or query holds a NUL character or text that is not UTF-8: no
// handler, query or log line ever sees one (PostgreSQL refuses NUL in
// text, which made them 500s).
func (s *Server) cleanInput(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		bad := !clean(r.URL.Path)
		for k, vs := range r.URL.Query() {
			bad = bad || !clean(k)
			for _, v := range vs {
				bad = bad || !clean(v)
			}
		}
		if !bad {
			next.ServeHTTP(w, r)
			return
		}
		err := reporting.Errorf(reporting.EINVALID, msgBadCharacters)
		if !strings.Contains(r.Header.Get("Accept"), "text/html") {
			// The API and its clients read JSON; a browser asked for a page.
			writeJSON(w, http.StatusBadRequest, errorBody{Error: reporting.EINVALID, Message: reporting.ErrorMessage(err), RequestID: RequestID(r.Context())})
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(msgBadCharacters + "\n"))
	})
}

// clean is text a handler may see: UTF-8 without NUL.
func clean(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }
