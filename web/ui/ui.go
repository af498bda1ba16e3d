// Package ui renders baocao's HTML pages: one layout, partials shared by
// every page (alerts, status badges, tables, pagination, form fields, the
// upload form, SVG charts), the pages' templates and the static files, all
// embedded in the binary and parsed once at start.
//
// Every page works without JavaScript; htmx and app.js only enhance. The
// pages need no inline script or style, so the server can send the strict
// ContentSecurityPolicy.
//
// A handler gathers its data first, then calls Render once:
//
//	err := s.ui.Render(w, "sign-in", ui.Page{Title: "Đăng nhập", Content: ui.SignIn{Next: "/"}})
//
// The template "pages/NAME.html" defines "content" (and optionally "head"
// for extra <head> elements); it sees the Page as dot and its own data as
// .Content.
package ui

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"

	"baocao/reporting"
)

//go:embed templates static
var files embed.FS

// ContentSecurityPolicy is the policy the pages are written for: scripts,
// styles and images only from our own origin, no inline code, no frames.
// Send it on every HTML response (Render does).
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// CSRFField is the name of the hidden form field that carries the
// session's CSRF token in every form a signed-in user posts (htmx requests
// carry it as the X-CSRF-Token header too).
const CSRFField = "csrf_token"

// Page is what every page hands the layout.
type Page struct {
	// Title names the page in the browser tab and the <h1>; required.
	Title string
	// User is the signed-in user, nil on the sign-in and public error pages.
	User *reporting.User
	// CSRF is the session's CSRF token; required when User is set (the
	// sign-out form and every form after it post it).
	CSRF string
	// Flash holds messages to show above the content (after a redirect).
	Flash []Flash
	// Nav is the key of the active navigation item (see NavItems).
	Nav string
	// Status is the HTTP status to answer; 0 is 200.
	Status int
	// Content is the page's own data, .Content in its template.
	Content any
}

// Flash is one message shown in a coloured box with its kind in words.
type Flash struct {
	Kind    FlashKind
	Message string
}

// FlashKind is the kind of a Flash message.
type FlashKind string

// The kinds of Flash messages.
const (
	FlashInfo    FlashKind = "info"
	FlashSuccess FlashKind = "success"
	FlashWarning FlashKind = "warning"
	FlashError   FlashKind = "error"
)

// Renderer holds the parsed templates and the static files.
type Renderer struct {
	pages    map[string]*template.Template // page name → layout+partials+page
	partials *template.Template            // layout+partials alone, for Fragment
	static   *staticFiles
	loc      *time.Location // dates are shown in it; nil: each time's own
}

// SetLocation makes every date and time the pages show be in loc (the
// service's time zone). Call it before serving.
func (r *Renderer) SetLocation(loc *time.Location) { r.loc = loc }

// New parses every template and indexes the static files, once, at start.
func New() (*Renderer, error) { return newRenderer(nil) }

// newRenderer is New with more pages from extra's pages/*.html (the tests'
// fixture pages).
func newRenderer(extra fs.FS) (*Renderer, error) {
	st, err := newStaticFiles(files, "static")
	if err != nil {
		return nil, err
	}
	r := &Renderer{pages: map[string]*template.Template{}, static: st}
	base := template.New("").Funcs(r.funcs())
	if base, err = base.ParseFS(files, "templates/layout.html", "templates/partials/*.html"); err != nil {
		return nil, fmt.Errorf("parse layout and partials: %w", err)
	}
	r.partials = base
	names, err := fs.Glob(files, "templates/pages/*.html")
	if err != nil {
		return nil, fmt.Errorf("list page templates: %w", err)
	}
	for _, file := range names {
		name := strings.TrimSuffix(path.Base(file), ".html")
		t, err := template.Must(base.Clone()).ParseFS(files, file)
		if err != nil {
			return nil, fmt.Errorf("parse page %s: %w", name, err)
		}
		if t.Lookup("content") == nil {
			return nil, fmt.Errorf("page %s defines no \"content\"", name)
		}
		r.pages[name] = t
	}
	if extra != nil {
		more, err := fs.Glob(extra, "pages/*.html")
		if err != nil {
			return nil, fmt.Errorf("list extra pages: %w", err)
		}
		for _, file := range more {
			t, err := template.Must(base.Clone()).ParseFS(extra, file)
			if err != nil {
				return nil, fmt.Errorf("parse page %s: %w", file, err)
			}
			r.pages[strings.TrimSuffix(path.Base(file), ".html")] = t
		}
	}
	return r, nil
}

// Pages lists the names of the pages Render knows, sorted.
func (r *Renderer) Pages() []string {
	names := make([]string, 0, len(r.pages))
	for n := range r.pages {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Partials lists the templates a page or Fragment may call, sorted.
func (r *Renderer) Partials() []string {
	var names []string
	for _, t := range r.partials.Templates() {
		if n := t.Name(); n != "" && !strings.HasSuffix(n, ".html") {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names
}

// Render writes page name into the layout as a whole HTML response, with
// p.Status (200 when 0), the Content-Security-Policy and no caching. It
// renders into a buffer first, so a template error answers nothing
// half-written and comes back to the caller, who answers 500.
func (r *Renderer) Render(w http.ResponseWriter, name string, p Page) error {
	var buf bytes.Buffer
	if err := r.Execute(&buf, name, p); err != nil {
		return err
	}
	return writeHTML(w, p.Status, &buf)
}

// Execute writes page name into the layout, checking p's required fields.
func (r *Renderer) Execute(w io.Writer, name string, p Page) error {
	t, ok := r.pages[name]
	if !ok {
		return fmt.Errorf("render page %q: no such page", name)
	}
	if err := p.check(); err != nil {
		return fmt.Errorf("render page %q: %w", name, err)
	}
	if err := t.ExecuteTemplate(w, "layout", p); err != nil {
		return fmt.Errorf("render page %q: %w", name, err)
	}
	return nil
}

// Fragment writes one partial alone (an htmx answer, e.g. a table body
// refreshed in place) with data as its dot, status 200.
func (r *Renderer) Fragment(w http.ResponseWriter, name string, data any) error {
	var buf bytes.Buffer
	if err := r.partials.ExecuteTemplate(&buf, name, data); err != nil {
		return fmt.Errorf("render fragment %q: %w", name, err)
	}
	return writeHTML(w, http.StatusOK, &buf)
}

func (p Page) check() error {
	var missing []string
	if strings.TrimSpace(p.Title) == "" {
		missing = append(missing, "Title")
	}
	if p.User != nil && p.CSRF == "" {
		missing = append(missing, "CSRF (a signed-in page posts it)")
	}
	if len(missing) > 0 {
		return errors.New("page lacks " + strings.Join(missing, ", "))
	}
	return nil
}

func writeHTML(w http.ResponseWriter, status int, body *bytes.Buffer) error {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", ContentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-store") // pages show a user's data
	}
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, err := body.WriteTo(w)
	return err
}
