// Package tests holds Kysy's black-box tests: they build the real binary
// once, run it against a temporary config and database, and speak to it
// over HTTP (and through a real browser) only. They import no Kysy package.
package tests

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

var binPath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "kysy-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binPath = filepath.Join(dir, "kysy")
	build := exec.Command("go", "build", "-o", binPath, ".")
	build.Dir = ".."
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build kysy:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// server is one running kysy process with its own directory, database
// and log file.
type server struct {
	URL     string
	Dir     string
	DBPath  string
	LogPath string
	cmd     *exec.Cmd
	exited  chan error
	env     []string
	cfgPath string
}

// serverOpts changes the config a test server starts with.
type serverOpts struct {
	env   []string // extra KYSY_… overrides
	dir   string   // reuse a directory (restart after a crash)
	extra string   // YAML appended to the config
}

func withEnv(kv ...string) func(*serverOpts) {
	return func(o *serverOpts) { o.env = append(o.env, kv...) }
}

func inDir(dir string) func(*serverOpts) { return func(o *serverOpts) { o.dir = dir } }

// startServer writes a config into a temp directory, starts the binary
// with it on a free loopback port, and waits until /healthz answers.
func startServer(t testing.TB, opts ...func(*serverOpts)) *server {
	t.Helper()
	var o serverOpts
	for _, f := range opts {
		f(&o)
	}
	dir := o.dir
	if dir == "" {
		dir = t.TempDir()
	}
	s := &server{Dir: dir, DBPath: filepath.Join(dir, "kysy.db"), LogPath: filepath.Join(dir, "server.log"),
		cfgPath: filepath.Join(dir, "config.yaml"), env: o.env}
	cfg := fmt.Sprintf(`http:
  addr: 127.0.0.1:0
  base_url: http://127.0.0.1:8080
  quick_exit_url: https://example.org/
database:
  driver: sqlite
  dsn: %s
inbox:
  rate: {enabled: false, per_hour: 30, burst: 10}
log: {format: json, level: info}
%s`, s.DBPath, o.extra)
	if err := os.WriteFile(s.cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	s.start(t)
	t.Cleanup(func() { s.kill() })
	return s
}

var listenRE = regexp.MustCompile(`"msg":"listening","addr":"([^"]+)"`)

func (s *server) start(t testing.TB) {
	t.Helper()
	logf, err := os.OpenFile(s.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(s.LogPath)
	cmd := exec.Command(binPath, "serve", "--config", s.cfgPath)
	cmd.Dir = s.Dir
	cmd.Env = append(os.Environ(), s.env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	logf.Close()
	s.cmd = cmd
	s.exited = make(chan error, 1)
	go func() { s.exited <- cmd.Wait() }()

	deadline := time.Now().Add(20 * time.Second)
	for {
		b, _ := os.ReadFile(s.LogPath)
		if m := listenRE.FindSubmatch(b[len(before):]); m != nil {
			s.URL = "http://" + string(m[1])
			break
		}
		select {
		case err := <-s.exited:
			t.Fatalf("kysy exited before listening: %v\n%s", err, b)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("kysy did not start listening:\n%s", b)
		}
	}
	for {
		resp, err := http.Get(s.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("healthz never answered: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop sends SIGTERM and expects a clean exit.
func (s *server) stop(t testing.TB) {
	t.Helper()
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.exited:
		if err != nil {
			t.Errorf("kysy did not exit cleanly after SIGTERM: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Errorf("kysy did not exit within 20 s of SIGTERM")
		s.cmd.Process.Kill()
		<-s.exited
	}
	s.cmd = nil
}

// kill sends SIGKILL and waits for the process to be gone.
func (s *server) kill() {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Kill()
	<-s.exited
	s.cmd = nil
}

// logs returns everything the server has written so far.
func (s *server) logs(t testing.TB) string {
	b, err := os.ReadFile(s.LogPath)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// postJSON posts body to path and returns the status and decoded reply.
func postJSON(t testing.TB, url, body string, hdr ...string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("POST %s: status %d, body is not JSON: %q", url, resp.StatusCode, b)
	}
	return resp.StatusCode, out
}

// grepFiles reports which files under dir contain needle.
func grepFiles(t testing.TB, dir string, needle []byte) []string {
	t.Helper()
	var hits []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return nil
		}
		defer f.Close()
		b, _ := io.ReadAll(bufio.NewReader(f))
		if bytes.Contains(b, needle) {
			hits = append(hits, filepath.Base(p))
		}
		return nil
	})
	return hits
}

// postsStaffCall sends a staff API request with a bearer token and expects
// the status want.
func postsStaffCall(t *testing.T, s *server, token, method, path, body string, want int) map[string]any {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+"/api/v1/staff"+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s: %d %s, want %d", method, path, resp.StatusCode, raw, want)
	}
	var m map[string]any
	json.Unmarshal(raw, &m)
	return m
}

// postsToken makes an API token for name with the real CLI.
func postsToken(t *testing.T, s *server, name string) string {
	t.Helper()
	out, errOut, code := runKysy(t, s.Dir, "", nil, "token", "create", name, "--config", s.cfgPath)
	if code != 0 {
		t.Fatalf("kysy token create %s: exit %d %s", name, code, errOut)
	}
	return strings.TrimSpace(out)
}
