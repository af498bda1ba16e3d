// Package deploy holds no Go code, only the files a province deploys with
// (the systemd unit, an example configuration, the nginx site) and the
// tests that keep them true to the service.
package deploy_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"baocao/config"
)

// lookTool finds a program the test needs; a missing one fails the test
// (never skips it) with what to install: .ci/test installs it.
func lookTool(t *testing.T, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatal(name + " not found: install the Debian package " + pkg + " (.ci/test does)")
	}
	return p
}

// unitFile is the systemd unit with its program pointed at exe, since
// systemd-analyze verify refuses an ExecStart that does not exist.
func unitFile(t *testing.T, exe string) string {
	t.Helper()
	b, err := os.ReadFile("baocao.service")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte("ExecStart=/usr/local/bin/baocao serve --config /etc/baocao/baocao.yaml\n")) {
		t.Fatalf("baocao.service does not start /usr/local/bin/baocao serve --config /etc/baocao/baocao.yaml")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "baocao.service")
	if err := os.WriteFile(path, bytes.ReplaceAll(b, []byte("/usr/local/bin/baocao"), []byte(exe)), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSystemdUnitVerifiesAndStaysHardened(t *testing.T) {
	t.Parallel()
	analyze := lookTool(t, "systemd-analyze", "systemd")
	exe := filepath.Join(t.TempDir(), "baocao")
	if err := os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	unit := unitFile(t, exe)
	// verify exits 0 on an unknown key or a bad value and only prints a
	// warning, so any output is a failure.
	out, err := exec.Command(analyze, "verify", unit).CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Fatalf("systemd-analyze verify baocao.service: %v\n%s", err, out)
	}
	// The exposure score (0 safe … 10 exposed) of the sandbox as written:
	// 1.5 now; above 2.0 some hardening was lost.
	out, err = exec.Command(analyze, "security", "--offline=true", "--threshold=20", "--no-pager", unit).CombinedOutput()
	if err != nil {
		t.Fatalf("systemd-analyze security: exposure above 2.0 (%v)\n%s", err, out)
	}
	b, _ := os.ReadFile("baocao.service")
	for _, want := range []string{
		"User=baocao", "Restart=on-failure", "ProtectSystem=strict", "ReadWritePaths=/var/lib/baocao",
		"PrivateTmp=yes", "NoNewPrivileges=yes", "ProtectHome=yes", "CapabilityBoundingSet=\n",
	} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("baocao.service lacks %q", strings.TrimSpace(want))
		}
	}
}

// TestExampleConfigurationLoads: the example is a valid configuration, and
// its data directory is the one the unit lets the service write.
func TestExampleConfigurationLoads(t *testing.T) {
	t.Parallel()
	c := loadConfig(t, "baocao.yaml")
	if c.DataDir != "/var/lib/baocao" || c.SMTP.ReplyTo == "" || c.HTTP.BaseURL == "" {
		t.Fatalf("example configuration: data_dir %q, smtp.reply_to %q, http.base_url %q", c.DataDir, c.SMTP.ReplyTo, c.HTTP.BaseURL)
	}
}

// TestNginxPassesWhatBaocaoNeeds: uploads up to upload.max_bytes (the
// default and the example's) get through to baocao, and so do the headers
// its same-origin check and Secure cookies rely on.
func TestNginxPassesWhatBaocaoNeeds(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	conf := string(b)
	m := regexp.MustCompile(`(?m)^\s*client_max_body_size\s+(\d+)([kKmMgG]?);`).FindStringSubmatch(conf)
	if m == nil {
		t.Fatal("nginx.conf sets no client_max_body_size (nginx's default is 1m)")
	}
	limit, _ := strconv.ParseInt(m[1], 10, 64)
	limit <<= map[string]int{"": 0, "k": 10, "m": 20, "g": 30}[strings.ToLower(m[2])]
	empty := filepath.Join(t.TempDir(), "empty.yaml")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for name, max := range map[string]int64{
		"default upload.max_bytes": loadConfig(t, empty).Upload.MaxBytes,
		"example upload.max_bytes": loadConfig(t, "baocao.yaml").Upload.MaxBytes,
	} {
		// The multipart envelope adds a few hundred bytes; keep 64 KiB.
		if limit < max+64<<10 {
			t.Errorf("client_max_body_size %d bytes is not above the %s %d plus the form's envelope", limit, name, max)
		}
	}
	for _, want := range []string{
		"proxy_set_header Host $host;", "proxy_set_header X-Forwarded-Proto $scheme;",
		"client_body_timeout", "proxy_read_timeout", "ssl_certificate ",
	} {
		if !strings.Contains(conf, want) {
			t.Errorf("nginx.conf lacks %q", want)
		}
	}
}

func loadConfig(t *testing.T, file string) *config.Config {
	t.Helper()
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	config.Flags(fs)
	if err := fs.Parse([]string{"--config", file}); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(fs, nil)
	if err != nil {
		t.Fatalf("load %s: %v", file, err)
	}
	return c
}
