// Package scheduler will run Kysy's timed jobs (publishing, retention,
// missed-post detection) on robfig/cron; it calls moderation and nothing
// below it. For now it holds the scheduler and channel settings, which are
// part of the configuration contract from the start (SPEC §6).
package scheduler

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Config is the scheduler section of config.yaml.
type Config struct {
	Timezone  string          `mapstructure:"timezone"`
	Tick      string          `mapstructure:"tick"`
	MaxDelay  time.Duration   `mapstructure:"max_delay"`
	Retention RetentionConfig `mapstructure:"retention"`
	// Lease is how long a claimed delivery belongs to one instance; after a
	// crash another takes it over when the lease runs out.
	Lease time.Duration `mapstructure:"lease"`
	// MaxAttempts is how many times a delivery is tried before it fails.
	MaxAttempts int `mapstructure:"max_attempts"`
	// RetryBackoff is the wait before the first retry; it doubles, with
	// jitter, up to an hour.
	RetryBackoff time.Duration `mapstructure:"retry_backoff"`
}

// RetentionConfig says how long questions are kept (scheduler.retention).
type RetentionConfig struct {
	Rejected            time.Duration `mapstructure:"rejected"`
	UnpublishedAnswered time.Duration `mapstructure:"unpublished_answered"`
}

// Validate names every bad key of the section.
func (c Config) Validate() error {
	var errs []error
	if _, err := time.LoadLocation(c.Timezone); err != nil || c.Timezone == "" {
		errs = append(errs, fmt.Errorf("scheduler.timezone: %q is not a known time zone", c.Timezone))
	}
	parser := cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
	if _, err := parser.Parse(c.Tick); err != nil {
		errs = append(errs, fmt.Errorf("scheduler.tick: %q is not a cron spec: %v", c.Tick, err))
	}
	if c.MaxDelay <= 0 {
		errs = append(errs, fmt.Errorf("scheduler.max_delay: %s must be positive", c.MaxDelay))
	}
	if c.Lease < 2*time.Second || c.Lease > time.Hour {
		errs = append(errs, fmt.Errorf("scheduler.lease: %s is not between 2s and 1h", c.Lease))
	}
	if c.MaxAttempts < 1 || c.MaxAttempts > 50 {
		errs = append(errs, fmt.Errorf("scheduler.max_attempts: %d is not between 1 and 50", c.MaxAttempts))
	}
	if c.RetryBackoff < 100*time.Millisecond || c.RetryBackoff > time.Hour {
		errs = append(errs, fmt.Errorf("scheduler.retry_backoff: %s is not between 100ms and 1h", c.RetryBackoff))
	}
	if c.Retention.Rejected <= 0 {
		errs = append(errs, fmt.Errorf("scheduler.retention.rejected: %s must be positive", c.Retention.Rejected))
	}
	if c.Retention.UnpublishedAnswered <= 0 {
		errs = append(errs, fmt.Errorf("scheduler.retention.unpublished_answered: %s must be positive", c.Retention.UnpublishedAnswered))
	}
	return errors.Join(errs...)
}

// ChannelsConfig is the channels section of config.yaml.
type ChannelsConfig struct {
	Feed      FeedConfig      `mapstructure:"feed"`
	Webhook   WebhookConfig   `mapstructure:"webhook"`
	Instagram InstagramConfig `mapstructure:"instagram"`
	// Alert tells the on-duty worker that urgent questions wait: their
	// count and the oldest one's age, never any text.
	Alert WebhookConfig `mapstructure:"alert"`
}

// FeedConfig is channels.feed.
type FeedConfig struct {
	Enabled bool `mapstructure:"enabled"`
}

// WebhookConfig is channels.webhook.
type WebhookConfig struct {
	Enabled bool   `mapstructure:"enabled"`
	URL     string `mapstructure:"url"`
	Secret  Secret `mapstructure:"secret"`
}

// validate names the bad keys of channels.<name> when it is enabled.
func (c WebhookConfig) validate(name string) error {
	if !c.Enabled {
		return nil
	}
	var errs []error
	if u, err := url.Parse(c.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		errs = append(errs, fmt.Errorf("channels.%s.url: %q is not an http(s) URL", name, c.URL))
	}
	if len(c.Secret) < 16 {
		errs = append(errs, fmt.Errorf("channels.%s.secret: needs at least 16 characters when enabled (set KYSY_CHANNELS_%s_SECRET)",
			name, strings.ToUpper(name)))
	}
	return errors.Join(errs...)
}

// InstagramConfig is channels.instagram.
type InstagramConfig struct {
	Enabled     bool   `mapstructure:"enabled"`
	APIBase     string `mapstructure:"api_base"`
	UserID      string `mapstructure:"user_id"`
	AccessToken Secret `mapstructure:"access_token"`
	MaxHashtags int    `mapstructure:"max_hashtags"`
}

// Secret is a configuration value that never appears in logs.
type Secret string

// LogValue implements slog.LogValuer.
func (Secret) LogValue() slog.Value { return slog.StringValue("[secret]") }

// String keeps the secret out of fmt output too.
func (Secret) String() string { return "[secret]" }

// Validate names every bad key of the section.
func (c ChannelsConfig) Validate() error {
	var errs []error
	errs = append(errs, c.Webhook.validate("webhook"), c.Alert.validate("alert"))
	if c.Instagram.Enabled {
		if u, err := url.Parse(c.Instagram.APIBase); err != nil || u.Scheme == "" || u.Host == "" {
			errs = append(errs, fmt.Errorf("channels.instagram.api_base: %q is not a URL", c.Instagram.APIBase))
		}
		if c.Instagram.UserID == "" {
			errs = append(errs, errors.New("channels.instagram.user_id: must be set when Instagram is enabled"))
		}
		if c.Instagram.AccessToken == "" {
			errs = append(errs, errors.New("channels.instagram.access_token: must be set when Instagram is enabled (set KYSY_CHANNELS_INSTAGRAM_ACCESS_TOKEN)"))
		}
	}
	if c.Instagram.MaxHashtags < 0 || c.Instagram.MaxHashtags > 30 {
		errs = append(errs, fmt.Errorf("channels.instagram.max_hashtags: %d is not between 0 and 30", c.Instagram.MaxHashtags))
	}
	return errors.Join(errs...)
}
