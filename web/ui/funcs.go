package ui

import (
	"errors"
	"fmt"
	"html/template"
	"net/url"
	"reflect"
	"strings"
	"sync/atomic"
	"time"

	"baocao/reporting"
	"baocao/vi"
)

// funcs are the template functions every template may call.
//
//	number 1234          → 1.234 (any integer; a float is rounded)
//	decimal "1234.5" 1   → 1.234,5
//	float 12.5 1         → 12,5
//	percent 0.725        → 72,5%
//	date t, datetime t   → 05/01/2027, 05/01/2027 08:05 (time.Time or *time.Time; nil → "")
//	statusLabel s, statusClass s, statusIcon s   (reporting.Status or its string)
//	roleLabel r          → the role's Vietnamese name
//	add a b, sub a b     → integer arithmetic
//	dict "K" v "K2" v2   → a map for a partial's arguments
//	required "Name" v    → v, or an error when v is missing or empty
//	url "/units" code "periods" id → /units/<code>/periods/<id>, each segment path-escaped
//	static "app.css"     → /static/app.css?v=<content hash>
//	navItems user        → the navigation items of the user's role
func (r *Renderer) funcs() template.FuncMap {
	return template.FuncMap{
		"number":      number,
		"decimal":     vi.Decimal,
		"float":       vi.Float,
		"percent":     vi.Percent,
		"points":      reporting.FormatPoints,
		"date":        r.timeFunc(vi.Date),
		"datetime":    r.timeFunc(vi.DateTime),
		"statusLabel": func(s reporting.Status) string { return s.Label() },
		"statusClass": statusClass,
		"statusIcon":  statusIcon,
		"statusHint":  statusHint,
		"statuses":    func() []reporting.Status { return reporting.Statuses },
		"roleLabel":   func(r reporting.Role) string { return r.Label() },
		"add":         func(a, b int) int { return a + b },
		"sub":         func(a, b int) int { return a - b },
		"dict":        dict,
		"required":    required,
		"url":         urlPath,
		"static":      r.static.url,
		"navItems":    NavItems,
		"flashLabel":  flashLabel,
		"uid":         uid,
	}
}

var uids atomic.Uint64

// uid is a fresh element id, for a partial that may appear twice on a page
// (aria-labelledby needs ids).
func uid(prefix string) string { return fmt.Sprintf("%s-%d", prefix, uids.Add(1)) }

func number(v any) (string, error) {
	switch x := v.(type) {
	case int:
		return vi.Number(x), nil
	case int32:
		return vi.Number(x), nil
	case int64:
		return vi.Number(x), nil
	case uint:
		return vi.Number(x), nil
	case uint32:
		return vi.Number(x), nil
	case uint64:
		return vi.Number(x), nil
	case float64:
		return vi.Float(x, 0), nil
	case float32:
		return vi.Float(float64(x), 0), nil
	}
	return "", fmt.Errorf("number: %T is not a number", v)
}

// timeFunc formats a time (or *time.Time; zero or nil is "") with f, in
// the renderer's time zone when it has one.
func (r *Renderer) timeFunc(f func(time.Time) string) func(any) (string, error) {
	in := func(t time.Time) string {
		if r.loc != nil {
			t = t.In(r.loc)
		}
		return f(t)
	}
	return func(v any) (string, error) {
		switch t := v.(type) {
		case time.Time:
			if t.IsZero() {
				return "", nil
			}
			return in(t), nil
		case *time.Time:
			if t == nil || t.IsZero() {
				return "", nil
			}
			return in(*t), nil
		}
		return "", fmt.Errorf("date: %T is not a time", v)
	}
}

// statusClass is the CSS class of a status badge: colour and icon both
// say the status, and the label says it in words.
func statusClass(s reporting.Status) string {
	if !s.Valid() {
		return "badge"
	}
	return "badge badge-" + string(s)
}

func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, errors.New("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// required lets a partial insist on an argument: a template rendered
// without it fails (in the test that renders every template) instead of
// showing a form field without a name.
func required(name string, v any) (any, error) {
	if v == nil {
		return nil, fmt.Errorf("required argument %s is missing", name)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String, reflect.Slice, reflect.Map:
		if rv.Len() == 0 {
			return nil, fmt.Errorf("required argument %s is empty", name)
		}
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return nil, fmt.Errorf("required argument %s is nil", name)
		}
	}
	return v, nil
}

// urlPath joins a base path and path segments, escaping each segment:
// url "/units" "79/2" → "/units/79%2F2".
func urlPath(base string, segments ...any) string {
	var b strings.Builder
	b.WriteString(strings.TrimSuffix(base, "/"))
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(fmt.Sprint(s)))
	}
	if b.Len() == 0 {
		return "/"
	}
	return b.String()
}
