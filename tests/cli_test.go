package tests

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func runKysy(t *testing.T, dir, stdin string, env []string, args ...string) (string, string, int) {
	t.Helper()
	// A command that should fail fast but serves instead must not hang the suite.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binPath, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

// TestBadConfigStopsStartup: each bad value stops serve with a message
// that names its key, and nothing is listening or written.
func TestBadConfigStopsStartup(t *testing.T) {
	cases := []struct {
		name string
		env  []string
		yaml string
		key  string
	}{
		{"bad addr", []string{"KYSY_HTTP_ADDR=nonsense"}, "", "http.addr"},
		{"bad base url", []string{"KYSY_HTTP_BASE_URL=ftp://x"}, "", "http.base_url"},
		{"zero max chars", []string{"KYSY_INBOX_MAX_CHARS=0"}, "", "inbox.max_chars"},
		{"max chars not a number", []string{"KYSY_INBOX_MAX_CHARS=lots"}, "", "inbox.max_chars"},
		{"bool not a bool", []string{"KYSY_INBOX_RATE_ENABLED=maybe"}, "", "inbox.rate.enabled"},
		{"rate zero", []string{"KYSY_INBOX_RATE_PER_HOUR=0"}, "", "inbox.rate.per_hour"},
		{"unknown driver", []string{"KYSY_DATABASE_DRIVER=mysql"}, "", "database.driver"},
		{"empty dsn", []string{"KYSY_DATABASE_DSN="}, "", "database.dsn"},
		{"bad timezone", []string{"KYSY_SCHEDULER_TIMEZONE=Mars/Olympus"}, "", "scheduler.timezone"},
		{"bad tick", []string{"KYSY_SCHEDULER_TICK=every now and then"}, "", "scheduler.tick"},
		{"bad retention", []string{"KYSY_SCHEDULER_RETENTION_REJECTED=soon"}, "", "scheduler.retention.rejected"},
		{"webhook without secret", []string{"KYSY_CHANNELS_WEBHOOK_ENABLED=true", "KYSY_CHANNELS_WEBHOOK_URL=https://example.org/hook"}, "", "channels.webhook.secret"},
		{"typo in file", nil, "inbox:\n  max_char: 10\n", "max_char"},
		{"support as bad JSON", []string{`KYSY_SUPPORT=[{"name":`}, "", "support"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := filepath.Join(dir, "config.yaml")
			os.WriteFile(cfg, []byte("database: {dsn: "+filepath.Join(dir, "k.db")+"}\nhttp: {addr: 127.0.0.1:0}\n"+tc.yaml), 0o600)
			_, stderr, code := runKysy(t, dir, "", tc.env, "serve", "--config", cfg)
			if code == 0 {
				t.Fatalf("serve exited 0 with %v", tc.env)
			}
			if !strings.Contains(stderr, tc.key) {
				t.Fatalf("error does not name %q:\n%s", tc.key, stderr)
			}
			if _, err := os.Stat(filepath.Join(dir, "k.db")); err == nil {
				t.Fatal("a database was created despite the bad config")
			}
		})
	}
}

func TestEnvOverridesAndShippedConfig(t *testing.T) {
	// The shipped config.yaml is valid as is: migrate runs with it (the
	// database pointed elsewhere by environment).
	shipped, err := filepath.Abs("../config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	env := []string{"KYSY_DATABASE_DSN=" + filepath.Join(dir, "sub", "k.db")}
	out, stderr, code := runKysy(t, dir, "", env, "migrate", "--config", shipped)
	if code != 0 || !strings.Contains(out, "applied 4 migration(s); schema version 4") {
		t.Fatalf("migrate: %d %q %q", code, out, stderr)
	}
	out, _, code = runKysy(t, dir, "", env, "migrate", "--config", shipped)
	if code != 0 || !strings.Contains(out, "applied 0 migration(s); schema version 4") {
		t.Fatalf("second migrate: %d %q", code, out)
	}

	// KYSY_INBOX_OPEN=false reaches the running server.
	s := startServer(t, withEnv("KYSY_INBOX_OPEN=false"))
	code2, body := postJSON(t, s.URL+"/api/v1/questions", `{"text":"hei"}`)
	if code2 != 503 || body["error"].(map[string]any)["code"] != "inbox_closed" {
		t.Fatalf("closed inbox: %d %v", code2, body)
	}
	s.stop(t)
}

func TestVersionAndRedactCommands(t *testing.T) {
	dir := t.TempDir()
	out, _, code := runKysy(t, dir, "", nil, "version")
	if code != 0 || !strings.HasPrefix(out, "kysy ") {
		t.Fatalf("version: %d %q", code, out)
	}
	in := "Soita 040 123 4567 tai mailaa jenna@example.com, hätänumero 112."
	out, _, code = runKysy(t, dir, in, nil, "redact")
	if code != 0 || out != "Soita [PHONE] tai mailaa [EMAIL], hätänumero 112." {
		t.Fatalf("redact: %d %q", code, out)
	}
	out, _, code = runKysy(t, dir, in, nil, "redact", "--json")
	var res struct {
		Text       string
		Redactions []struct {
			Kind       string
			Start, End int
		}
	}
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || len(res.Redactions) != 2 {
		t.Fatalf("redact --json: %d %q", code, out)
	}
	for _, r := range res.Redactions {
		if res.Text[r.Start:r.End] != "["+r.Kind+"]" {
			t.Errorf("span %+v does not cover its placeholder in %q", r, res.Text)
		}
	}
}
