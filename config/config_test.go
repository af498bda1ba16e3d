package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

func load(t *testing.T, yaml string, env []string, args ...string) (*Config, error) {
	t.Helper()
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	Flags(fs)
	file := filepath.Join(t.TempDir(), "baocao.yaml")
	if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := fs.Parse(append([]string{"--config", file}, args...)); err != nil {
		t.Fatal(err)
	}
	return Load(fs, env)
}

func TestLoadPrecedence(t *testing.T) {
	t.Parallel()
	file := "database:\n  url: postgres://file@h/db\nhttp:\n  listen: 127.0.0.1:9000\nscheduler:\n  tick: 30s\nsmtp:\n  port: 2525\n"
	tests := []struct {
		name string
		env  []string
		args []string
		want func(*Config) bool
	}{
		{"defaults", nil, nil, func(c *Config) bool {
			return c.TimeZone == "Asia/Ho_Chi_Minh" && c.Location.String() == "Asia/Ho_Chi_Minh" && c.Upload.MaxBytes == 10<<20 && c.Scheduler.Enabled
		}},
		{"file", nil, nil, func(c *Config) bool {
			return c.Database.URL == "postgres://file@h/db" && c.HTTP.Listen == "127.0.0.1:9000" && c.Scheduler.Tick == 30*time.Second && c.SMTP.Port == 2525
		}},
		{"env beats file", []string{"BAOCAO_DATABASE_URL=postgres://env@h/db", "BAOCAO_SMTP_PORT=587", "BAOCAO_SCHEDULER_ENABLED=false"}, nil, func(c *Config) bool {
			return c.Database.URL == "postgres://env@h/db" && c.SMTP.Port == 587 && !c.Scheduler.Enabled
		}},
		{"mail identity defaults", nil, nil, func(c *Config) bool {
			return c.SMTP.FromName == "Hệ thống báo cáo dân chủ ở cơ sở" && c.SMTP.ReplyTo == ""
		}},
		{"mail identity from the environment", []string{"BAOCAO_SMTP_FROM_NAME=Sở Nội vụ tỉnh Đồng Nai", "BAOCAO_SMTP_REPLY_TO=thanhtra@snv.dongnai.gov.vn"}, nil, func(c *Config) bool {
			return c.SMTP.FromName == "Sở Nội vụ tỉnh Đồng Nai" && c.SMTP.ReplyTo == "thanhtra@snv.dongnai.gov.vn"
		}},
		{"trusted proxies from the environment", []string{"BAOCAO_HTTP_TRUSTED_PROXIES=10.0.0.0/8, 192.168.1.10"}, nil, func(c *Config) bool {
			return fmt.Sprint(c.HTTP.Proxies()) == "[10.0.0.0/8 192.168.1.10/32]"
		}},
		{"trusted proxies by default: loopback", nil, nil, func(c *Config) bool {
			return fmt.Sprint(c.HTTP.Proxies()) == "[127.0.0.0/8 ::1/128]" && c.HTTP.MaxConns == 2048 && c.HTTP.MaxRequests == 256
		}},
		{"flag beats env", []string{"BAOCAO_DATABASE_URL=postgres://env@h/db"}, []string{"--database-url", "postgres://flag@h/db"}, func(c *Config) bool {
			return c.Database.URL == "postgres://flag@h/db"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := load(t, file, tt.env, tt.args...)
			if err != nil {
				t.Fatal(err)
			}
			if !tt.want(c) {
				t.Fatalf("unexpected config %+v", c)
			}
		})
	}
}

func TestLoadRejectsBadValuesNamingTheKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, yaml string
		env        []string
		wantKey    string
	}{
		{"time zone", "time_zone: Asia/Hanoi_X\n", nil, "time_zone"},
		{"listen", "http:\n  listen: nowhere\n", nil, "http.listen"},
		{"base url", "http:\n  base_url: ftp://x\n", nil, "http.base_url"},
		{"tick", "scheduler:\n  tick: 10ms\n", nil, "scheduler.tick"},
		{"smtp port", "", []string{"BAOCAO_SMTP_PORT=70000"}, "smtp.port"},
		{"smtp tls", "smtp:\n  tls: maybe\n", nil, "smtp.tls"},
		{"smtp from", "smtp:\n  from: not-an-address\n", nil, "smtp.from"},
		{"smtp reply-to", "smtp:\n  reply_to: thanh tra\n", nil, "smtp.reply_to"},
		{"smtp reply-to with a name", "", []string{"BAOCAO_SMTP_REPLY_TO=Thanh tra <tt@snv.gov.vn>"}, "smtp.reply_to"},
		{"smtp from name on two lines", "", []string{"BAOCAO_SMTP_FROM_NAME=Sở\nNội vụ"}, "smtp.from_name"},
		{"short secret", "secret: abc\n", nil, "secret"},
		{"database url", "database:\n  url: 'postgres://x:y@h:notaport/db'\n", nil, "database.url"},
		{"unknown file key", "smtp:\n  hots: x\n", nil, "smtp.hots"},
		{"unknown env var", "", []string{"BAOCAO_DATABSE_URL=x"}, "BAOCAO_DATABSE_URL"},
		{"log level", "log:\n  level: loud\n", nil, "log.level"},
		{"trusted proxies", "", []string{"BAOCAO_HTTP_TRUSTED_PROXIES=10.0.0.0/8, proxy.tinh.gov.vn"}, "http.trusted_proxies"},
		{"max conns", "http:\n  max_conns: 3\n", nil, "http.max_conns"},
		{"audit kept a month", "", []string{"BAOCAO_AUDIT_RETENTION_DAYS=30"}, "audit.retention_days"},
		{"memory budget below one upload", "upload:\n  memory_budget: 1024\n", nil, "upload.memory_budget"},
		{"max requests", "", []string{"BAOCAO_HTTP_MAX_REQUESTS=0"}, "http.max_requests"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := load(t, tt.yaml, tt.env)
			if err == nil || !strings.Contains(err.Error(), tt.wantKey) {
				t.Fatalf("error %v, want one naming %s", err, tt.wantKey)
			}
		})
	}
}

func TestMaskedHidesSecrets(t *testing.T) {
	t.Parallel()
	c, err := load(t, "secret: 0123456789abcdef0123456789abcdef-top\nsmtp:\n  password: hunter2\n  username: mailer\n", nil)
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.Masked()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "hunter2") || strings.Contains(out, "0123456789abcdef") {
		t.Fatalf("secret leaked:\n%s", out)
	}
	if !strings.Contains(out, "username: mailer") || strings.Count(out, "********") != 2 {
		t.Fatalf("masked output wrong:\n%s", out)
	}
}

func TestLoadMailIdentityFromTheFile(t *testing.T) {
	t.Parallel()
	c, err := load(t, "smtp:\n  from: baocao@snv.dongnai.gov.vn\n  from_name: Sở Nội vụ tỉnh Đồng Nai\n  reply_to: thanhtra@snv.dongnai.gov.vn\n", nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTP.FromName != "Sở Nội vụ tỉnh Đồng Nai" || c.SMTP.ReplyTo != "thanhtra@snv.dongnai.gov.vn" {
		t.Fatalf("smtp from the file: %+v", c.SMTP)
	}
	masked, err := c.Masked()
	if err != nil || !strings.Contains(masked, "reply_to: thanhtra@snv.dongnai.gov.vn") {
		t.Fatalf("`baocao config` does not show smtp.reply_to (%v):\n%s", err, masked)
	}
}
