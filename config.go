package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/viper"

	"kysy/api"
	"kysy/moderation"
	"kysy/moderation/redact"
	"kysy/scheduler"
	"kysy/store"
)

// Config mirrors config.yaml; each package owns and validates its part.
type Config struct {
	HTTP      api.HTTPConfig           `mapstructure:"http"`
	Database  store.Config             `mapstructure:"database"`
	Inbox     api.InboxConfig          `mapstructure:"inbox"`
	Redaction RedactionConfig          `mapstructure:"redaction"`
	Support   []api.Contact            `mapstructure:"support"`
	Staff     moderation.StaffConfig   `mapstructure:"staff"`
	Scheduler scheduler.Config         `mapstructure:"scheduler"`
	Channels  scheduler.ChannelsConfig `mapstructure:"channels"`
	Log       LogConfig                `mapstructure:"log"`
	Metrics   api.MetricsConfig        `mapstructure:"metrics"`
}

// RedactionConfig is the redaction section.
type RedactionConfig struct {
	// KeepNumbers are public helpline numbers that are never redacted.
	KeepNumbers []string `mapstructure:"keep_numbers"`
}

// LogConfig is the log section.
type LogConfig struct {
	Format string `mapstructure:"format"` // json or text
	Level  string `mapstructure:"level"`  // debug, info, warn, error
}

// Validate joins every part's complaints, each naming its key.
func (c Config) Validate() error {
	errs := []error{
		c.HTTP.Validate(), c.Database.Validate(), c.Inbox.Validate(),
		api.ValidateContacts(c.Support), c.Staff.Validate(), c.Scheduler.Validate(), c.Channels.Validate(),
		c.Metrics.Validate(),
	}
	if c.Log.Format != "json" && c.Log.Format != "text" {
		errs = append(errs, fmt.Errorf("log.format: %q is not json or text", c.Log.Format))
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("log.level: %q is not debug, info, warn or error", c.Log.Level))
	}
	if len(c.Redaction.KeepNumbers) == 0 {
		errs = append(errs, errors.New("redaction.keep_numbers: list at least the emergency number 112"))
	}
	return errors.Join(errs...)
}

// defaultConfig is what runs when config.yaml leaves a key out; the
// shipped config.yaml spells the same values out with comments.
func defaultConfig() Config {
	return Config{
		HTTP: api.HTTPConfig{
			Addr: "127.0.0.1:8080", BaseURL: "http://127.0.0.1:8080",
			TrustedProxies: []string{}, QuickExitURL: "https://www.google.com/search?q=s%C3%A4%C3%A4",
			BodyLimit: 64 << 10,
		},
		Database: store.Config{Driver: "sqlite", DSN: "data/kysy.db"},
		Inbox: api.InboxConfig{
			Open: true, MaxChars: 2000, ServiceHours: "ma–pe 9–16",
			ServiceHoursByLang: map[string]string{"sv": "mån–fre 9–16", "en": "Mon–Fri 9–16"},
			ExpectedAnswerDays: 7, ReopensByLang: map[string]string{},
			PowDifficulty: 100_000, PowExpires: 20 * time.Minute,
			Rate: api.RateConfig{Enabled: true, PerHour: 30, Burst: 10, WithoutPowPerHour: 6, WithoutPowBurst: 3},
		},
		Redaction: RedactionConfig{KeepNumbers: redact.DefaultKeepNumbers},
		Support:   defaultSupport(),
		Staff:     moderation.StaffConfig{SessionTTL: 12 * time.Hour, LockoutAfter: 5, LockoutFor: 15 * time.Minute},
		Scheduler: scheduler.Config{
			Timezone: "Europe/Helsinki", Tick: "@every 15s", MaxDelay: 24 * time.Hour,
			Lease: time.Minute, MaxAttempts: 6, RetryBackoff: 30 * time.Second,
			Retention: scheduler.RetentionConfig{Rejected: 30 * 24 * time.Hour, UnpublishedAnswered: 180 * 24 * time.Hour},
		},
		Channels: scheduler.ChannelsConfig{
			Feed:      scheduler.FeedConfig{Enabled: true},
			Instagram: scheduler.InstagramConfig{APIBase: "https://graph.facebook.com/v21.0", MaxHashtags: 5},
		},
		Log:     LogConfig{Format: "json", Level: "info"},
		Metrics: api.MetricsConfig{Enabled: true},
	}
}

func defaultSupport() []api.Contact {
	l := func(fi, sv, en string) map[string]string { return map[string]string{"fi": fi, "sv": sv, "en": en} }
	always := l("aina auki", "alltid öppet", "always open")
	return []api.Contact{
		{Name: l("Hätänumero", "Nödnumret", "Emergency number"), Phone: "112", Hours: always},
		{Name: l("MLL:n Lasten ja nuorten puhelin", "MLL:s Barn- och ungdomstelefon", "MLL Helpline for Children and Young People"),
			Phone: "116 111", URL: "https://www.nuortennetti.fi", Hours: l("ma–pe 14–20, la–su 17–20", "mån–fre 14–20, lör–sön 17–20", "Mon–Fri 14–20, Sat–Sun 17–20")},
		{Name: l("Sekasin-chat", "Sekasin-chatten", "Sekasin chat"), URL: "https://sekasin.fi",
			Hours: l("12–29-vuotiaille", "för 12–29-åringar", "for 12–29-year-olds")},
		{Name: l("Kriisipuhelin (MIELI ry)", "Kristelefonen (MIELI rf)", "Crisis line (MIELI)"), Phone: "09 2525 0111", Hours: always},
		{Name: l("Nuorten kriisipiste (MIELI ry)", "Nuorten kriisipiste – krishjälp för unga (MIELI rf)", "Nuorten kriisipiste – crisis help for young people (MIELI)"),
			URL: "https://mieli.fi", Hours: l("ajat ja yhteystiedot verkossa", "tider och kontakt på webben", "times and contacts online")},
		{Name: l("Rikosuhripäivystys", "Brottsofferjouren", "Victim Support Finland"), Phone: "116 006", URL: "https://www.riku.fi",
			Hours: l("ma–pe", "mån–fre", "Mon–Fri")},
		{Name: l("Nollalinja", "Nollinjen", "Nollalinja helpline for violence at home"), Phone: "080 005 005", Hours: always},
	}
}

// loadConfig reads path (when it exists or was named explicitly), applies
// KYSY_* environment overrides to every key, decodes strictly and
// validates. Errors name the key.
func loadConfig(path string, explicit bool) (Config, error) {
	v := viper.New()
	v.SetEnvPrefix("KYSY")
	v.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))
	v.AutomaticEnv()
	v.AllowEmptyEnv(true)
	setDefaults(v, "", reflect.ValueOf(defaultConfig()))
	v.SetConfigType("yaml")
	if _, err := os.Stat(path); err == nil || explicit {
		v.SetConfigFile(path)
		if err := v.ReadInConfig(); err != nil {
			return Config{}, fmt.Errorf("config %s: %w", path, err)
		}
	}
	var cfg Config
	err := v.UnmarshalExact(&cfg, viper.DecodeHook(mapstructure.ComposeDecodeHookFunc(
		durationHook, jsonHook, mapstructure.StringToSliceHookFunc(","),
	)))
	if err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, fmt.Errorf("config is invalid:\n%w", err)
	}
	return cfg, nil
}

// setDefaults registers every leaf key of the default config, so that an
// environment variable reaches each key even when the file omits it.
func setDefaults(v *viper.Viper, prefix string, val reflect.Value) {
	t := val.Type()
	for i := 0; i < t.NumField(); i++ {
		tag := t.Field(i).Tag.Get("mapstructure")
		if tag == "" || tag == "-" {
			continue
		}
		key := tag
		if prefix != "" {
			key = prefix + "." + tag
		}
		f := val.Field(i)
		if f.Kind() == reflect.Struct {
			setDefaults(v, key, f)
			continue
		}
		def := f.Interface()
		if f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.Struct {
			// Lists of records go to viper as plain maps, like a file's.
			var plain []map[string]any
			if err := mapstructure.Decode(def, &plain); err == nil {
				def = plain
			}
		}
		v.SetDefault(key, def)
	}
}

// durationHook accepts Go durations ("15s", "24h") and whole days ("30d").
func durationHook(from, to reflect.Type, data any) (any, error) {
	if to != reflect.TypeOf(time.Duration(0)) || from.Kind() != reflect.String {
		return data, nil
	}
	s := strings.TrimSpace(data.(string))
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil {
			return nil, fmt.Errorf("%q is not a duration such as 30d or 24h", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return nil, fmt.Errorf("%q is not a duration such as 30d or 24h", s)
	}
	return d, nil
}

// jsonHook lets an environment variable set a list or a map as JSON, for
// example KYSY_SUPPORT='[{"name":{"fi":"…"},"phone":"112"}]'.
func jsonHook(from, to reflect.Type, data any) (any, error) {
	if from.Kind() != reflect.String || (to.Kind() != reflect.Slice && to.Kind() != reflect.Map) {
		return data, nil
	}
	s := strings.TrimSpace(data.(string))
	if !strings.HasPrefix(s, "[") && !strings.HasPrefix(s, "{") {
		return data, nil
	}
	var out any
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, fmt.Errorf("not valid JSON: %v", err)
	}
	return out, nil
}
