// Package config builds baocao's one typed configuration from baocao.yaml,
// BAOCAO_* environment variables and command-line flags (in rising order of
// precedence), and validates it. Only cmd imports it; every other package
// gets its own small options struct.
package config

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
	"go.yaml.in/yaml/v3"
)

// Config is the whole configuration. Keys are the yaml tags; the
// environment variable of a key is BAOCAO_ plus the key upper-cased with
// dots as underscores (database.url → BAOCAO_DATABASE_URL).
type Config struct {
	Database  Database  `mapstructure:"database" yaml:"database"`
	HTTP      HTTP      `mapstructure:"http" yaml:"http"`
	TimeZone  string    `mapstructure:"time_zone" yaml:"time_zone"`
	Secret    string    `mapstructure:"secret" yaml:"secret"`
	DataDir   string    `mapstructure:"data_dir" yaml:"data_dir"`
	SMTP      SMTP      `mapstructure:"smtp" yaml:"smtp"`
	Scheduler Scheduler `mapstructure:"scheduler" yaml:"scheduler"`
	Upload    Upload    `mapstructure:"upload" yaml:"upload"`
	Audit     Audit     `mapstructure:"audit" yaml:"audit"`
	Signals   Signals   `mapstructure:"signals" yaml:"signals"`
	Log       Log       `mapstructure:"log" yaml:"log"`

	// Location is TimeZone, loaded by Validate.
	Location *time.Location `mapstructure:"-" yaml:"-"`
	// File is the configuration file read, if any.
	File string `mapstructure:"-" yaml:"-"`
}

// Database settings.
type Database struct {
	// URL of the PostgreSQL database. Empty: `baocao demo` finds or
	// provisions a local server; `baocao serve` refuses to start.
	URL string `mapstructure:"url" yaml:"url"`
}

// HTTP settings.
type HTTP struct {
	Listen  string `mapstructure:"listen" yaml:"listen"`     // host:port to listen on
	BaseURL string `mapstructure:"base_url" yaml:"base_url"` // public URL, used in e-mail links
	// TrustedProxies are the reverse proxies whose X-Real-IP or
	// X-Forwarded-For names the client: addresses or CIDR ranges,
	// separated by commas.
	TrustedProxies string `mapstructure:"trusted_proxies" yaml:"trusted_proxies"`
	// MaxConns caps the connections held at once; MaxRequests the
	// requests handled at once (uploads and health probes aside).
	MaxConns    int `mapstructure:"max_conns" yaml:"max_conns"`
	MaxRequests int `mapstructure:"max_requests" yaml:"max_requests"`
}

// Proxies parses TrustedProxies (Validate has checked it).
func (h HTTP) Proxies() []netip.Prefix {
	out, _ := parseProxies(h.TrustedProxies)
	return out
}

// parseProxies reads a comma-separated list of addresses and CIDR ranges.
func parseProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%q is neither an address nor a CIDR range", f)
		}
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// SMTP settings for outgoing mail. An empty host in the demo starts a local
// mail sink.
type SMTP struct {
	Host     string `mapstructure:"host" yaml:"host"`
	Port     int    `mapstructure:"port" yaml:"port"`
	Username string `mapstructure:"username" yaml:"username"`
	Password string `mapstructure:"password" yaml:"password"`
	From     string `mapstructure:"from" yaml:"from"`
	// FromName is the display name shown for From, unless From carries
	// its own ("Sở Nội vụ <baocao@snv.gov.vn>").
	FromName string `mapstructure:"from_name" yaml:"from_name"`
	// ReplyTo is the Reply-To of every e-mail, the inspectors' mailbox;
	// empty sends none and the e-mails ask for no reply.
	ReplyTo string `mapstructure:"reply_to" yaml:"reply_to"`
	// TLS is "none", "starttls" (opportunistic) or "starttls_required".
	TLS string `mapstructure:"tls" yaml:"tls"`
	// Workers is how many e-mails a delivery pass sends at once: a hung
	// server holds one of them, not the queue.
	Workers int `mapstructure:"workers" yaml:"workers"`
}

// Scheduler settings.
type Scheduler struct {
	Enabled bool          `mapstructure:"enabled" yaml:"enabled"`
	Tick    time.Duration `mapstructure:"tick" yaml:"tick"`
}

// Upload settings.
type Upload struct {
	MaxBytes int64 `mapstructure:"max_bytes" yaml:"max_bytes"`
	// ParseLimit bounds the uploads parsed at once (0: one per CPU);
	// ParseWait is how long one waits its turn before "try again later".
	ParseLimit int           `mapstructure:"parse_limit" yaml:"parse_limit"`
	ParseWait  time.Duration `mapstructure:"parse_wait" yaml:"parse_wait"`
	// MemoryBudget bounds the bytes of uploads held in memory between
	// their parse and their storing.
	MemoryBudget int64 `mapstructure:"memory_budget" yaml:"memory_budget"`
}

// Audit settings.
type Audit struct {
	// RetentionDays is how long audit events are kept; 0 keeps them for
	// good (the default: they are the legal trail).
	RetentionDays int `mapstructure:"retention_days" yaml:"retention_days"`
}

// Signals are the thresholds of the data-quality signals (see
// reporting.SignalOptions, whose fields these are).
type Signals struct {
	JumpFactor     float64 `mapstructure:"jump_factor" yaml:"jump_factor"`
	PercentJump    float64 `mapstructure:"percent_jump" yaml:"percent_jump"`
	MinDifference  float64 `mapstructure:"min_difference" yaml:"min_difference"`
	HistoryPeriods int     `mapstructure:"history_periods" yaml:"history_periods"`
	HistoryMinimum int     `mapstructure:"history_minimum" yaml:"history_minimum"`
	ZScore         float64 `mapstructure:"z_score" yaml:"z_score"`
	PeersMinimum   int     `mapstructure:"peers_minimum" yaml:"peers_minimum"`
}

// signalDefaults are Signals' defaults (reporting.DefaultSignalOptions'
// values), part of defaults.
var signalDefaults = map[string]any{
	"signals.jump_factor":     4.0,
	"signals.percent_jump":    30.0,
	"signals.min_difference":  10.0,
	"signals.history_periods": 6,
	"signals.history_minimum": 4,
	"signals.z_score":         3.5,
	"signals.peers_minimum":   10,
}

func init() { maps.Copy(defaults, signalDefaults) }

// validate reports each threshold out of its range.
func (sg Signals) validate(bad func(key, format string, args ...any)) {
	if sg.JumpFactor < 1.5 || sg.JumpFactor > 100 {
		bad("signals.jump_factor", "%g is outside 1.5..100", sg.JumpFactor)
	}
	if sg.PercentJump <= 0 || sg.PercentJump > 100 {
		bad("signals.percent_jump", "%g is outside 0..100 percentage points", sg.PercentJump)
	}
	if sg.MinDifference < 0 {
		bad("signals.min_difference", "%g is negative", sg.MinDifference)
	}
	if sg.HistoryPeriods < 1 || sg.HistoryPeriods > 24 {
		bad("signals.history_periods", "%d is outside 1..24", sg.HistoryPeriods)
	}
	if sg.HistoryMinimum < 3 || sg.HistoryMinimum > sg.HistoryPeriods {
		bad("signals.history_minimum", "%d is outside 3..signals.history_periods (%d)", sg.HistoryMinimum, sg.HistoryPeriods)
	}
	if sg.ZScore < 2 || sg.ZScore > 20 {
		bad("signals.z_score", "%g is outside 2..20", sg.ZScore)
	}
	if sg.PeersMinimum < 5 || sg.PeersMinimum > 1000 {
		bad("signals.peers_minimum", "%d is outside 5..1000", sg.PeersMinimum)
	}
}

// Log settings.
type Log struct {
	Level  string `mapstructure:"level" yaml:"level"`   // debug, info, warn, error
	Format string `mapstructure:"format" yaml:"format"` // json or text
}

// DefaultDataDir is data_dir's default, relative to the working directory.
const DefaultDataDir = "baocao-data"

// DefaultFromName is smtp.from_name's default: the system as the units
// know it.
const DefaultFromName = "Hệ thống báo cáo dân chủ ở cơ sở"

// defaults, in one place. Every key needs one (possibly empty) so that
// viper sees its environment variable.
var defaults = map[string]any{
	"database.url":         "",
	"http.listen":          "127.0.0.1:8080",
	"http.base_url":        "",
	"http.trusted_proxies": "127.0.0.1/8, ::1",
	"http.max_conns":       2048,
	"http.max_requests":    256,
	"time_zone":            "Asia/Ho_Chi_Minh",
	"secret":               "",
	"data_dir":             DefaultDataDir,
	"smtp.host":            "",
	"smtp.port":            25,
	"smtp.username":        "",
	"smtp.password":        "",
	"smtp.from":            "baocao@localhost",
	"smtp.from_name":       DefaultFromName,
	"smtp.reply_to":        "",
	"smtp.tls":             "starttls",
	"smtp.workers":         4,
	"scheduler.enabled":    true,
	"scheduler.tick":       "1m",
	"upload.max_bytes":     10 << 20,
	"upload.parse_limit":   0,
	"upload.parse_wait":    "30s",
	"upload.memory_budget": 128 << 20,
	"audit.retention_days": 0,
	"log.level":            "info",
	"log.format":           "json",
}

// secrets are masked when printed.
var secrets = map[string]bool{"secret": true, "smtp.password": true}

// Flags registers the flags that override configuration keys.
func Flags(fs *pflag.FlagSet) {
	fs.String("config", "", "configuration file (default: ./baocao.yaml, then /etc/baocao/baocao.yaml)")
	fs.String("database-url", "", "PostgreSQL URL (database.url, BAOCAO_DATABASE_URL)")
	fs.String("listen", "", "HTTP listen address (http.listen)")
	fs.String("time-zone", "", "time zone of deadlines (time_zone)")
	fs.String("data-dir", "", "folder for the demo's local data (data_dir)")
	fs.String("log-level", "", "debug, info, warn or error (log.level)")
	fs.String("log-format", "", "json or text (log.format)")
}

var flagKeys = map[string]string{
	"database-url": "database.url",
	"listen":       "http.listen",
	"time-zone":    "time_zone",
	"data-dir":     "data_dir",
	"log-level":    "log.level",
	"log-format":   "log.format",
}

// Load reads the configuration from the file, the environment (environ,
// normally os.Environ()) and the flags, then validates it.
func Load(fs *pflag.FlagSet, environ []string) (*Config, error) {
	v := viper.New()
	for k, d := range defaults {
		v.SetDefault(k, d)
	}
	// Read the environment from environ rather than the process so that
	// tests can run in parallel with different settings.
	for _, kv := range environ {
		k, val, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(k, "BAOCAO_") {
			continue
		}
		key := envKey(k)
		if key == "" {
			return nil, fmt.Errorf("config: environment variable %s matches no configuration key (known: %s)", k, strings.Join(envNames(), ", "))
		}
		v.Set(key, val)
	}
	file := ""
	if fs != nil {
		file, _ = fs.GetString("config")
	}
	if file == "" {
		for _, c := range []string{"baocao.yaml", "/etc/baocao/baocao.yaml"} {
			if _, err := os.Stat(c); err == nil {
				file = c
				break
			}
		}
	}
	if file != "" {
		fv := viper.New()
		fv.SetConfigFile(file)
		if err := fv.ReadInConfig(); err != nil {
			return nil, fmt.Errorf("config: read %s: %w", file, err)
		}
		for _, k := range fv.AllKeys() {
			if _, known := defaults[k]; !known {
				return nil, fmt.Errorf("config: %s: unknown key %q", file, k)
			}
			if !isSetFromEnv(environ, k) {
				v.Set(k, fv.Get(k))
			}
		}
	}
	if fs != nil {
		for name, key := range flagKeys {
			if f := fs.Lookup(name); f != nil && f.Changed {
				v.Set(key, f.Value.String())
			}
		}
	}
	var c Config
	if err := v.Unmarshal(&c); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	c.File = file
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

func envKey(name string) string {
	want := strings.ToLower(strings.TrimPrefix(name, "BAOCAO_"))
	for k := range defaults {
		if strings.ReplaceAll(k, ".", "_") == want {
			return k
		}
	}
	return ""
}

func envNames() []string {
	var out []string
	for k := range defaults {
		out = append(out, "BAOCAO_"+strings.ToUpper(strings.ReplaceAll(k, ".", "_")))
	}
	sort.Strings(out)
	return out
}

func isSetFromEnv(environ []string, key string) bool {
	name := "BAOCAO_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_")) + "="
	for _, kv := range environ {
		if strings.HasPrefix(kv, name) {
			return true
		}
	}
	return false
}

// Validate checks every value and fills Location; each error names its key.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("config: %s: %s", key, fmt.Sprintf(format, args...)))
	}
	if c.Database.URL != "" {
		if _, err := pgx.ParseConfig(c.Database.URL); err != nil {
			bad("database.url", "not a PostgreSQL URL: %v", err)
		}
	}
	if _, port, err := net.SplitHostPort(c.HTTP.Listen); err != nil || port == "" {
		bad("http.listen", "%q is not host:port", c.HTTP.Listen)
	}
	if c.HTTP.BaseURL != "" {
		u, err := url.Parse(c.HTTP.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("http.base_url", "%q is not an absolute http(s) URL", c.HTTP.BaseURL)
		}
	}
	if _, err := parseProxies(c.HTTP.TrustedProxies); err != nil {
		bad("http.trusted_proxies", "%v", err)
	}
	if c.HTTP.MaxConns < 16 || c.HTTP.MaxConns > 1<<20 {
		bad("http.max_conns", "%d is outside 16..1048576", c.HTTP.MaxConns)
	}
	if c.HTTP.MaxRequests < 4 || c.HTTP.MaxRequests > 1<<16 {
		bad("http.max_requests", "%d is outside 4..65536", c.HTTP.MaxRequests)
	}
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil || c.TimeZone == "" {
		bad("time_zone", "unknown time zone %q (use an IANA name such as Asia/Ho_Chi_Minh)", c.TimeZone)
	}
	c.Location = loc
	if c.Secret != "" && len(c.Secret) < 32 {
		bad("secret", "must be at least 32 characters (it signs templates and sessions)")
	}
	if c.DataDir == "" {
		bad("data_dir", "must not be empty")
	}
	if c.SMTP.Port < 1 || c.SMTP.Port > 65535 {
		bad("smtp.port", "%d is not a TCP port", c.SMTP.Port)
	}
	if _, err := mail.ParseAddress(c.SMTP.From); err != nil {
		bad("smtp.from", "%q is not an e-mail address", c.SMTP.From)
	}
	if strings.ContainsAny(c.SMTP.FromName, "\r\n") {
		bad("smtp.from_name", "must be one line")
	}
	if c.SMTP.ReplyTo != "" {
		if a, err := mail.ParseAddress(c.SMTP.ReplyTo); err != nil || a.Name != "" {
			bad("smtp.reply_to", "%q is not a bare e-mail address (name@domain)", c.SMTP.ReplyTo)
		}
	}
	switch c.SMTP.TLS {
	case "none", "starttls", "starttls_required":
	default:
		bad("smtp.tls", "%q is not one of none, starttls, starttls_required", c.SMTP.TLS)
	}
	if c.Scheduler.Tick < time.Second {
		bad("scheduler.tick", "%s is shorter than 1s", c.Scheduler.Tick)
	}
	if c.Upload.MaxBytes < 1024 || c.Upload.MaxBytes > 1<<30 {
		bad("upload.max_bytes", "%d is outside 1 KiB..1 GiB", c.Upload.MaxBytes)
	}
	if c.Upload.ParseLimit < 0 || c.Upload.ParseLimit > 1024 {
		bad("upload.parse_limit", "%d is outside 0..1024 (0: one per CPU)", c.Upload.ParseLimit)
	}
	if c.Upload.MemoryBudget < c.Upload.MaxBytes || c.Upload.MemoryBudget > 64<<30 {
		bad("upload.memory_budget", "%d is outside upload.max_bytes (%d)..64 GiB", c.Upload.MemoryBudget, c.Upload.MaxBytes)
	}
	if c.Upload.ParseWait < time.Second || c.Upload.ParseWait > 10*time.Minute {
		bad("upload.parse_wait", "%s is outside 1s..10m", c.Upload.ParseWait)
	}
	if c.Audit.RetentionDays < 0 || c.Audit.RetentionDays > 0 && c.Audit.RetentionDays < 365 {
		bad("audit.retention_days", "%d: 0 keeps the trail for good, else at least 365 days", c.Audit.RetentionDays)
	}
	c.Signals.validate(bad)
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		bad("log.level", "%q is not one of debug, info, warn, error", c.Log.Level)
	}
	switch c.Log.Format {
	case "json", "text":
	default:
		bad("log.format", "%q is not json or text", c.Log.Format)
	}
	return errors.Join(errs...)
}

// BaseURLOr is the configured base URL or one derived from the listen address.
func (c *Config) BaseURLOr() string {
	if c.HTTP.BaseURL != "" {
		return strings.TrimRight(c.HTTP.BaseURL, "/")
	}
	host, port, _ := net.SplitHostPort(c.HTTP.Listen)
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// Abs resolves a path under DataDir.
func (c *Config) Abs(elem ...string) string {
	p := filepath.Join(append([]string{c.DataDir}, elem...)...)
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// Masked is the configuration as YAML with secrets replaced by "********".
func (c *Config) Masked() (string, error) {
	b, err := yaml.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("marshal config: %w", err)
	}
	var m map[string]any
	if err := yaml.Unmarshal(b, &m); err != nil {
		return "", fmt.Errorf("reread config: %w", err)
	}
	for key := range secrets {
		mask(m, strings.Split(key, "."))
	}
	out, err := yaml.Marshal(m)
	if err != nil {
		return "", fmt.Errorf("marshal config: %w", err)
	}
	return string(out), nil
}

func mask(m map[string]any, path []string) {
	if len(path) == 1 {
		if s, _ := m[path[0]].(string); s != "" {
			m[path[0]] = "********"
		}
		return
	}
	if sub, ok := m[path[0]].(map[string]any); ok {
		mask(sub, path[1:])
	}
}
