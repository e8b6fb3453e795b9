package api

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"time"
)

// HTTPConfig is the http section of config.yaml.
type HTTPConfig struct {
	Addr    string `mapstructure:"addr"`
	BaseURL string `mapstructure:"base_url"`
	// TrustedProxies are the CIDRs of reverse proxies whose
	// X-Forwarded-For is believed when rate limiting; empty means the
	// connection's own address is used.
	TrustedProxies []string `mapstructure:"trusted_proxies"`
	// QuickExitURL is the neutral page the quick-exit button leads to.
	QuickExitURL string `mapstructure:"quick_exit_url"`
	// BodyLimit bounds a request body in bytes.
	BodyLimit int64 `mapstructure:"body_limit"`
	// MaxConnections bounds the open connections (0: no bound); more wait
	// to be accepted. Each costs ~40 KB. A bound keeps a connection flood's
	// memory down but lets the flood crowd out everyone else (measured in
	// BENCHMARKS.md, "Under attack"), so it is off by default: bound
	// connections per client at the reverse proxy instead.
	MaxConnections int `mapstructure:"max_connections"`
}

// Validate names every bad key of the section.
func (c HTTPConfig) Validate() error {
	var errs []error
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
		errs = append(errs, fmt.Errorf("http.addr: %q is not host:port", c.Addr))
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("http.base_url: %q is not an http(s) URL", c.BaseURL))
	}
	for _, p := range c.TrustedProxies {
		if _, err := netip.ParsePrefix(p); err != nil {
			errs = append(errs, fmt.Errorf("http.trusted_proxies: %q is not a CIDR such as 10.0.0.0/8", p))
		}
	}
	if u, err := url.Parse(c.QuickExitURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("http.quick_exit_url: %q is not an http(s) URL", c.QuickExitURL))
	}
	if c.MaxConnections != 0 && (c.MaxConnections < 16 || c.MaxConnections > 100_000) {
		errs = append(errs, fmt.Errorf("http.max_connections: %d is not 0 (no bound) or between 16 and 100000", c.MaxConnections))
	}
	if c.BodyLimit < 1024 || c.BodyLimit > 16<<20 {
		errs = append(errs, fmt.Errorf("http.body_limit: %d is not between 1024 and 16777216 bytes", c.BodyLimit))
	}
	return errors.Join(errs...)
}

// InboxConfig is the inbox section of config.yaml.
type InboxConfig struct {
	Open     bool `mapstructure:"open"`
	MaxChars int  `mapstructure:"max_chars"`
	// ServiceHours is shown on the form; ServiceHoursByLang overrides it per
	// language (sv, en) where the Finnish text would not do.
	ServiceHours       string            `mapstructure:"service_hours"`
	ServiceHoursByLang map[string]string `mapstructure:"service_hours_by_lang"`
	ExpectedAnswerDays int               `mapstructure:"expected_answer_days"`
	// Reopens says when a closed inbox opens again ("ma 24.11. klo 9"),
	// shown while inbox.open is false; ReopensByLang per language.
	Reopens       string            `mapstructure:"reopens"`
	ReopensByLang map[string]string `mapstructure:"reopens_by_lang"`
	// Pow turns on ALTCHA proof of work on submissions (SPEC §4.2).
	Pow bool `mapstructure:"pow"`
	// PowKey signs challenges (HMAC); every instance needs the same one.
	// Empty: a random key for this process only.
	PowKey string `mapstructure:"pow_key"`
	// PowDifficulty is the largest number a client may have to try.
	PowDifficulty int64 `mapstructure:"pow_difficulty"`
	// PowExpires is how long a challenge may be solved and used.
	PowExpires time.Duration `mapstructure:"pow_expires"`
	Rate       RateConfig    `mapstructure:"rate"`
}

// RateConfig is inbox.rate: a token bucket per client address.
type RateConfig struct {
	Enabled bool `mapstructure:"enabled"`
	PerHour int  `mapstructure:"per_hour"`
	Burst   int  `mapstructure:"burst"`
	// WithoutPow* is the stricter bucket for submissions that carry no
	// proof of work while inbox.pow is on: the form without JavaScript.
	WithoutPowPerHour int `mapstructure:"without_pow_per_hour"`
	WithoutPowBurst   int `mapstructure:"without_pow_burst"`
}

// Validate names every bad key of the section.
func (c InboxConfig) Validate() error {
	var errs []error
	if c.MaxChars < 1 || c.MaxChars > 20000 {
		errs = append(errs, fmt.Errorf("inbox.max_chars: %d is not between 1 and 20000", c.MaxChars))
	}
	if strings.TrimSpace(c.ServiceHours) == "" {
		errs = append(errs, errors.New("inbox.service_hours: must not be empty"))
	}
	for lang := range c.ServiceHoursByLang {
		if lang != "fi" && lang != "sv" && lang != "en" {
			errs = append(errs, fmt.Errorf("inbox.service_hours_by_lang: %q is not fi, sv or en", lang))
		}
	}
	if c.ExpectedAnswerDays < 1 || c.ExpectedAnswerDays > 365 {
		errs = append(errs, fmt.Errorf("inbox.expected_answer_days: %d is not between 1 and 365", c.ExpectedAnswerDays))
	}
	if c.PowDifficulty < 1000 || c.PowDifficulty > 10_000_000 {
		errs = append(errs, fmt.Errorf("inbox.pow_difficulty: %d is not between 1000 and 10000000", c.PowDifficulty))
	}
	if c.PowExpires < time.Minute || c.PowExpires > 24*time.Hour {
		errs = append(errs, fmt.Errorf("inbox.pow_expires: %s is not between 1m and 24h", c.PowExpires))
	}
	if c.PowKey != "" && len(c.PowKey) < 32 {
		errs = append(errs, errors.New("inbox.pow_key: must be at least 32 characters (or empty for a random key)"))
	}
	if c.Rate.WithoutPowPerHour < 1 || c.Rate.WithoutPowPerHour > c.Rate.PerHour {
		errs = append(errs, fmt.Errorf("inbox.rate.without_pow_per_hour: %d is not between 1 and inbox.rate.per_hour (%d)", c.Rate.WithoutPowPerHour, c.Rate.PerHour))
	}
	if c.Rate.WithoutPowBurst < 1 || c.Rate.WithoutPowBurst > c.Rate.Burst {
		errs = append(errs, fmt.Errorf("inbox.rate.without_pow_burst: %d is not between 1 and inbox.rate.burst (%d)", c.Rate.WithoutPowBurst, c.Rate.Burst))
	}
	if c.Rate.PerHour < 1 {
		errs = append(errs, fmt.Errorf("inbox.rate.per_hour: %d must be at least 1", c.Rate.PerHour))
	}
	if c.Rate.Burst < 1 {
		errs = append(errs, fmt.Errorf("inbox.rate.burst: %d must be at least 1", c.Rate.Burst))
	}
	return errors.Join(errs...)
}

// Contact is a crisis contact shown to young people (the support list).
type Contact struct {
	Name  map[string]string `mapstructure:"name"`
	Phone string            `mapstructure:"phone"`
	URL   string            `mapstructure:"url"`
	Hours map[string]string `mapstructure:"hours"`
	// Source and Checked record where the details come from and when they
	// were last verified; they are not shown.
	Source  string `mapstructure:"source"`
	Checked string `mapstructure:"checked"`
}

// ValidateContacts names every bad support entry.
func ValidateContacts(cs []Contact) error {
	var errs []error
	if len(cs) == 0 {
		errs = append(errs, errors.New("support: at least one crisis contact is needed"))
	}
	for i, c := range cs {
		if strings.TrimSpace(c.Name["fi"]) == "" {
			errs = append(errs, fmt.Errorf("support[%d].name.fi: must not be empty", i))
		}
		if c.Phone == "" && c.URL == "" {
			errs = append(errs, fmt.Errorf("support[%d]: needs a phone or a url", i))
		}
		if c.URL != "" {
			if u, err := url.Parse(c.URL); err != nil || u.Scheme != "https" || u.Host == "" {
				errs = append(errs, fmt.Errorf("support[%d].url: %q is not an https URL", i, c.URL))
			}
		}
	}
	return errors.Join(errs...)
}
