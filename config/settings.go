package config

import (
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"time"
)

// Setting is one configuration key as the administrator's system page
// shows it: its name in the file ("smtp.host") and its value, with
// secrets masked.
type Setting struct {
	Name, Value string
}

// Masked stands for a secret that is set.
const Masked = "•••••• (đã đặt)"

// Settings lists every setting of c by its key in the configuration file,
// in the order of the file's sections; passwords and secrets are masked
// and so is the password of the database URL.
func (c Config) Settings() []Setting {
	var out []Setting
	walkSettings(reflect.ValueOf(c), "", &out)
	return out
}

func walkSettings(v reflect.Value, prefix string, out *[]Setting) {
	t := v.Type()
	for i := range t.NumField() {
		sf := t.Field(i)
		key, _, _ := strings.Cut(sf.Tag.Get("mapstructure"), ",")
		if !sf.IsExported() || key == "" || key == "-" {
			continue
		}
		name := key
		if prefix != "" {
			name = prefix + "." + key
		}
		fv := v.Field(i)
		if fv.Kind() == reflect.Struct && fv.Type() != reflect.TypeOf(time.Time{}) {
			walkSettings(fv, name, out)
			continue
		}
		*out = append(*out, Setting{Name: name, Value: settingValue(name, fv)})
	}
}

// secretKeys are the settings whose value is never shown.
var secretKeys = []string{"secret", "password", "token", "key"}

func settingValue(name string, v reflect.Value) string {
	last := name[strings.LastIndex(name, ".")+1:]
	for _, s := range secretKeys {
		if strings.Contains(last, s) {
			if v.IsZero() {
				return ""
			}
			return Masked
		}
	}
	if name == "database.url" {
		return maskURL(v.String())
	}
	switch x := v.Interface().(type) {
	case time.Duration:
		return x.String()
	case []string:
		return strings.Join(x, ", ")
	}
	return fmt.Sprint(v.Interface())
}

// maskURL hides the password of a database URL (postgres://u:p@h/db or a
// key=value string).
func maskURL(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		if _, set := u.User.Password(); set {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
			return strings.Replace(u.String(), "xxxxx", "••••••", 1)
		}
		return raw
	}
	fields := strings.Fields(raw)
	for i, f := range fields {
		if strings.HasPrefix(f, "password=") {
			fields[i] = "password=••••••"
		}
	}
	return strings.Join(fields, " ")
}
