package config

import (
	"strings"
	"testing"
)

// TestSettingsMaskSecrets: the system page's list of settings names every
// key as the file does and never shows a password, the secret or the
// database URL's password.
func TestSettingsMaskSecrets(t *testing.T) {
	t.Parallel()
	var c Config
	c.Database.URL = "postgres://baocao:mat-khau-csdl@db.tinh.gov.vn:5432/baocao?sslmode=require"
	c.Secret = "bi-mat-phien-lam-viec"
	c.SMTP.Host, c.SMTP.Port, c.SMTP.Password, c.SMTP.From = "mail.tinh.gov.vn", 587, "mat-khau-thu", "baocao@tinh.gov.vn"
	got := map[string]string{}
	var all strings.Builder
	for _, s := range c.Settings() {
		got[s.Name] = s.Value
		all.WriteString(s.Name + "=" + s.Value + "\n")
	}
	for _, secret := range []string{"mat-khau-csdl", "bi-mat-phien-lam-viec", "mat-khau-thu"} {
		if strings.Contains(all.String(), secret) {
			t.Errorf("a secret shows: %s\n%s", secret, all.String())
		}
	}
	want := map[string]string{
		"smtp.host":     "mail.tinh.gov.vn",
		"smtp.port":     "587",
		"smtp.password": Masked,
		"smtp.username": "",
		"secret":        Masked,
		"database.url":  "postgres://baocao:••••••@db.tinh.gov.vn:5432/baocao?sslmode=require",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if kv := maskURL("host=db user=baocao password=bi-mat dbname=baocao"); kv != "host=db user=baocao password=•••••• dbname=baocao" {
		t.Errorf("key=value URL: %q", kv)
	}
}
