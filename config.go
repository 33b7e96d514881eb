package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/affcore/affcore/core/identity"
)

// Config is every setting of `affcore serve`. Each field is filled from its
// flag, else its environment variable, else its default (settings table).
type Config struct {
	Addr                 string
	BaseURL              string
	DataDir              string
	DatabaseURL          string
	NATSURL              string
	NATSListen           string
	LogLevel             slog.Level
	LogFormat            string
	MasterKey            string // raw AFFCORE_MASTER_KEY; empty means <data-dir>/master.key
	ShutdownTimeout      time.Duration
	TrustedProxies       []*net.IPNet
	AllowPrivateOutbound bool
	PGBinDir             string
	DebugAddr            string
	SMTPURL              string
	SMTPFrom             string

	// argon is the password-hashing cost; zero means the production default.
	// Only tests lower it.
	argon identity.ArgonParams
	// rateLimitFactor raises the per-IP auth limits; only tests set it.
	rateLimitFactor int
	// Tracking area.
	GeoIPDB       string // location database (GeoIP2/GeoLite2 City or Country, or ip-location-db country)
	GeoIPASNDB    string // ASN database (GeoLite2-ASN or compatible)
	IngestWorkers int
	// ClickPublishes is how many click batches may publish at once (0:
	// chosen by where NATS runs, see clickPublishes).
	ClickPublishes int

	// Outgoing postbacks.
	PostbackRetrySchedule []time.Duration
	PostbackGiveUpAfter   time.Duration
	PostbackTimeout       time.Duration
	PostbackConcurrency   int
	// Plugins area.
	PluginDir  string // first-party bundles registered at start
	PluginKeys string // trusted plugin signing keys (ed25519:<base64>, comma-separated)
}

// setting is one row of the settings table: flag, environment variable,
// default, what it means, and how a value is parsed into Config.
type setting struct {
	flag, env, def, usage string
	secret                bool
	parse                 func(c *Config, v string) error
}

// settings is the one table of configuration; README.md documents it and a
// test checks that every row is there.
func settings() []setting {
	return []setting{
		{flag: "addr", env: "AFFCORE_ADDR", def: ":8080", usage: "HTTP listen address (host:port)", parse: func(c *Config, v string) error {
			if _, port, err := net.SplitHostPort(v); err != nil || port == "" {
				return errors.New("want host:port, e.g. :8080 or 127.0.0.1:8080")
			}
			c.Addr = v
			return nil
		}},
		{flag: "base-url", env: "AFFCORE_BASE_URL", def: "", usage: "public URL of this server, used in tracking links and emails (default http://localhost:<port>)", parse: func(c *Config, v string) error {
			if v == "" {
				return nil
			}
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return errors.New("want an absolute http(s) URL, e.g. https://track.example.com")
			}
			c.BaseURL = strings.TrimSuffix(v, "/")
			return nil
		}},
		{flag: "data-dir", env: "AFFCORE_DATA_DIR", def: "./data", usage: "directory for the private PostgreSQL cluster, NATS store, master key and caches", parse: func(c *Config, v string) error {
			if v == "" {
				return errors.New("must not be empty")
			}
			c.DataDir = v
			return nil
		}},
		{flag: "database-url", env: "DATABASE_URL", def: "", usage: "external PostgreSQL 14+ (postgres://…); empty runs a private cluster in the data dir", secret: true, parse: func(c *Config, v string) error {
			if v != "" && !strings.HasPrefix(v, "postgres://") && !strings.HasPrefix(v, "postgresql://") && !strings.Contains(v, "=") {
				return errors.New("want a postgres:// URL or a key=value connection string")
			}
			c.DatabaseURL = v
			return nil
		}},
		{flag: "nats-url", env: "NATS_URL", def: "", usage: "external NATS server or cluster with JetStream (nats://…); empty runs an embedded server", secret: true, parse: func(c *Config, v string) error {
			for _, u := range strings.Split(v, ",") {
				if v != "" && !strings.Contains(u, "://") {
					return errors.New("want nats:// URLs separated by commas")
				}
			}
			c.NATSURL = v
			return nil
		}},
		{flag: "nats-listen", env: "AFFCORE_NATS_LISTEN", def: "", usage: "host:port where the embedded NATS also accepts TCP clients (for remote `affcore host`); empty means no listener", parse: func(c *Config, v string) error {
			if v != "" {
				if _, _, err := net.SplitHostPort(v); err != nil {
					return errors.New("want host:port")
				}
			}
			c.NATSListen = v
			return nil
		}},
		{flag: "log-level", env: "AFFCORE_LOG_LEVEL", def: "info", usage: "debug, info, warn or error", parse: func(c *Config, v string) error {
			if c.LogLevel.UnmarshalText([]byte(v)) != nil {
				return errors.New("want debug, info, warn or error")
			}
			return nil
		}},
		{flag: "log-format", env: "AFFCORE_LOG_FORMAT", def: "text", usage: "text or json", parse: func(c *Config, v string) error {
			if v != "text" && v != "json" {
				return errors.New("want text or json")
			}
			c.LogFormat = v
			return nil
		}},
		{flag: "", env: "AFFCORE_MASTER_KEY", def: "", usage: "32-byte key (64 hex chars or base64) that encrypts secrets at rest; empty generates <data-dir>/master.key on first run", secret: true, parse: func(c *Config, v string) error {
			c.MasterKey = v
			return nil
		}},
		{flag: "shutdown-timeout", env: "AFFCORE_SHUTDOWN_TIMEOUT", def: "20s", usage: "how long a graceful shutdown may take", parse: func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return errors.New("want a positive duration such as 20s")
			}
			c.ShutdownTimeout = d
			return nil
		}},
		{flag: "trusted-proxies", env: "AFFCORE_TRUSTED_PROXIES", def: "", usage: "comma-separated CIDRs whose X-Forwarded-For is believed for the client IP", parse: func(c *Config, v string) error {
			c.TrustedProxies = nil
			for _, s := range strings.Split(v, ",") {
				if s = strings.TrimSpace(s); s == "" {
					continue
				}
				if !strings.Contains(s, "/") {
					s += map[bool]string{true: "/32", false: "/128"}[!strings.Contains(s, ":")]
				}
				_, n, err := net.ParseCIDR(s)
				if err != nil {
					return fmt.Errorf("%q is not a CIDR", s)
				}
				c.TrustedProxies = append(c.TrustedProxies, n)
			}
			return nil
		}},
		{flag: "", env: "AFFCORE_ALLOW_PRIVATE_OUTBOUND", def: "0", usage: "1 lets plugins and postbacks call private, loopback and link-local addresses (tests, closed networks)", parse: func(c *Config, v string) error {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return errors.New("want 0 or 1")
			}
			c.AllowPrivateOutbound = b
			return nil
		}},
		{flag: "smtp-url", env: "AFFCORE_SMTP_URL", def: "", usage: "SMTP server for email (smtp://user:pass@host:587 or smtps://…:465); empty keeps email in the dev outbox (/dev/outbox, from loopback)", secret: true, parse: func(c *Config, v string) error {
			if v != "" && !strings.HasPrefix(v, "smtp://") && !strings.HasPrefix(v, "smtps://") {
				return errors.New("want smtp://user:password@host:port or smtps://…")
			}
			c.SMTPURL = v
			return nil
		}},
		{flag: "smtp-from", env: "AFFCORE_SMTP_FROM", def: "", usage: "From address of outgoing email (required with AFFCORE_SMTP_URL)", parse: func(c *Config, v string) error {
			if v != "" && !strings.Contains(v, "@") {
				return errors.New("want an email address")
			}
			c.SMTPFrom = v
			return nil
		}},
		// Tracking area.
		{flag: "geoip-db", env: "AFFCORE_GEOIP_DB", def: "", usage: "MaxMind-format location database (GeoLite2/GeoIP2 City or Country); empty uses <data-dir>/geoip/country.mmdb when present (make geoip fetches it)", parse: func(c *Config, v string) error {
			c.GeoIPDB = v
			return nil
		}},
		{flag: "geoip-asn-db", env: "AFFCORE_GEOIP_ASN_DB", def: "", usage: "MaxMind-format ASN database (GeoLite2-ASN); empty uses <data-dir>/geoip/asn.mmdb when present", parse: func(c *Config, v string) error {
			c.GeoIPASNDB = v
			return nil
		}},
		{flag: "ingest-workers", env: "AFFCORE_INGEST_WORKERS", def: "2", usage: "parallel batches writing clicks from the stream to PostgreSQL", parse: intIn(1, 64, func(c *Config, n int) { c.IngestWorkers = n })},
		{flag: "click-publishes", env: "AFFCORE_CLICK_PUBLISHES", def: "0", usage: "click batches publishing to the bus at once; clicks arriving meanwhile wait and go out together; 0 chooses 1 with the embedded NATS, 4 with a remote cluster (a longer round trip)", parse: intIn(0, 64, func(c *Config, n int) { c.ClickPublishes = n })},
		{flag: "debug-addr", env: "AFFCORE_DEBUG_ADDR", def: "", usage: "host:port of a separate listener serving Go profiles (/debug/pprof/); empty disables it; bind it to localhost", parse: func(c *Config, v string) error {
			if v != "" {
				if _, _, err := net.SplitHostPort(v); err != nil {
					return errors.New("want host:port, e.g. 127.0.0.1:6060")
				}
			}
			c.DebugAddr = v
			return nil
		}},
		{flag: "pg-bin-dir", env: "AFFCORE_PG_BIN_DIR", def: "", usage: "directory with initdb and postgres; empty searches PATH and /usr/lib/postgresql/*/bin", parse: func(c *Config, v string) error {
			c.PGBinDir = v
			return nil
		}},
		// Outgoing postbacks.
		{flag: "", env: "AFFCORE_POSTBACK_RETRY_SCHEDULE", def: "1s,5s,30s,2m,10m,1h", usage: "delays between postback attempts, comma-separated; the last repeats until the give-up time", parse: func(c *Config, v string) error {
			c.PostbackRetrySchedule = nil
			for _, f := range strings.Split(v, ",") {
				d, err := time.ParseDuration(strings.TrimSpace(f))
				if err != nil || d <= 0 {
					return errors.New("want positive durations separated by commas, e.g. 1s,5s,30s,2m,10m,1h")
				}
				c.PostbackRetrySchedule = append(c.PostbackRetrySchedule, d)
			}
			return nil
		}},
		{flag: "", env: "AFFCORE_POSTBACK_GIVE_UP_AFTER", def: "24h", usage: "how long a postback is retried before it is marked failed", parse: func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return errors.New("want a positive duration such as 24h")
			}
			c.PostbackGiveUpAfter = d
			return nil
		}},
		{flag: "", env: "AFFCORE_POSTBACK_TIMEOUT", def: "10s", usage: "bound on one postback attempt (connect, send, answer)", parse: func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 || d > 2*time.Minute {
				return errors.New("want a duration between 0 and 2m such as 10s")
			}
			c.PostbackTimeout = d
			return nil
		}},
		{flag: "", env: "AFFCORE_POSTBACK_CONCURRENCY", def: "32", usage: "postback requests in flight to one receiver (scheme, host and port) at a time", parse: intIn(1, 256, func(c *Config, n int) { c.PostbackConcurrency = n })},
		// Plugins area.
		{flag: "plugin-dir", env: "AFFCORE_PLUGIN_DIR", def: "dist/plugins", usage: "directory of first-party plugin bundles (*.affplug) registered at start", parse: func(c *Config, v string) error {
			c.PluginDir = v
			return nil
		}},
		{flag: "", env: "AFFCORE_PLUGIN_KEYS", def: "", usage: "public keys (ed25519:<base64>, comma-separated) whose signatures mark plugin bundles as signed, besides the build's key", parse: func(c *Config, v string) error {
			c.PluginKeys = v
			return nil
		}},
	}
}

// ConfigError names the setting that has a bad value and what is allowed.
type ConfigError struct {
	Setting string
	Value   string
	Reason  string
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("invalid %s %q: %s", e.Setting, e.Value, e.Reason)
}

// parseConfig fills a Config from args (flags after the subcommand) and the
// environment, flags winning over environment over defaults.
func parseConfig(name string, args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	var c Config
	fs := flag.NewFlagSet("affcore "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	table := settings()
	given := make(map[string]*string, len(table))
	for _, s := range table {
		if s.flag != "" {
			given[s.flag] = fs.String(s.flag, "", s.usage+" (env "+s.env+", default "+quoteDefault(s.def)+")")
		}
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q (see affcore %s -h)", fs.Arg(0), name)
	}
	set := make(map[string]bool)
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, s := range table {
		v, from := s.def, s.env
		if e := getenv(s.env); e != "" {
			v = e
		}
		if set[s.flag] {
			v, from = *given[s.flag], "--"+s.flag
		}
		if err := s.parse(&c, v); err != nil {
			shown := v
			if s.secret {
				shown = mask(v)
			}
			return c, &ConfigError{Setting: from, Value: shown, Reason: err.Error()}
		}
	}
	if c.SMTPURL != "" && c.SMTPFrom == "" {
		return c, &ConfigError{Setting: "AFFCORE_SMTP_FROM", Value: "", Reason: "required when AFFCORE_SMTP_URL is set"}
	}
	if c.BaseURL == "" {
		_, port, _ := net.SplitHostPort(c.Addr)
		c.BaseURL = "http://localhost:" + port
	}
	return c, nil
}

func quoteDefault(d string) string {
	if d == "" {
		return "empty"
	}
	return d
}

// mask hides a secret value in logs and errors.
func mask(v string) string {
	if v == "" {
		return ""
	}
	if u, err := url.Parse(v); err == nil && u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
			return u.String()
		}
		return v
	}
	return "xxxxx"
}

// LogValue lists the settings with secrets masked, for the start-up log line.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("addr", c.Addr), slog.String("base_url", c.BaseURL), slog.String("data_dir", c.DataDir),
		slog.String("database_url", mask(c.DatabaseURL)), slog.String("nats_url", mask(c.NATSURL)),
		slog.String("nats_listen", c.NATSListen), slog.String("log_level", c.LogLevel.String()),
		slog.Bool("master_key_from_env", c.MasterKey != ""), slog.Duration("shutdown_timeout", c.ShutdownTimeout),
		slog.Int("trusted_proxies", len(c.TrustedProxies)), slog.Bool("allow_private_outbound", c.AllowPrivateOutbound),
	)
}

// newLogger builds the process logger from the config.
func newLogger(c Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// intIn parses a whole number from lo to hi and stores it with set.
func intIn(lo, hi int, set func(*Config, int)) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < lo || n > hi {
			return fmt.Errorf("want a number from %d to %d", lo, hi)
		}
		set(c, n)
		return nil
	}
}

// clickPublishes is how many click batches publish at once. In process one
// suffices: a publish round trip is short, and larger batches cost less CPU
// (measured: 7 % less per click than 2 at the same latency); a remote
// cluster's longer round trip wants more in flight.
func (c *Config) clickPublishes() int {
	switch {
	case c.ClickPublishes > 0:
		return c.ClickPublishes
	case c.NATSURL != "":
		return 4
	default:
		return 1
	}
}
