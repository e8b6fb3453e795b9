package tests

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// Canaries: personal details the redactor must remove, and client
// identifiers that must never be written anywhere (SPEC I1, I2).
var (
	piiCanaries = []string{
		"kanarialintu.testaaja@example.fi", // email
		"040 918 2736",                     // phone as typed
		"0409182736",                       // the same, digits only
		"150798-245H",                      // identity code
		"290412B567A",                      // identity code, 2023 century sign
	}
	headerCanaries = map[string]string{
		"X-Forwarded-For": "203.0.113.77",
		"Forwarded":       "for=198.51.100.99;proto=https",
		"User-Agent":      "CanaryAgent/7.7 zq-ua-canary",
		"Referer":         "https://referer-canary.example/zq-ref-path",
		"Accept-Language": "sv-FI,sv;q=0.9",
	}
	headerNeedles = []string{"203.0.113.77", "198.51.100.99", "zq-ua-canary", "referer-canary", "zq-ref-path", "zqquerycanary"}
)

func canaryText() string {
	return "Hei, mun sähköposti on kanarialintu.testaaja@example.fi ja numero 040 918 2736. " +
		"Hetu 150798-245H ja pikkuveljen 290412B567A. Voiko sossu kertoa isälle mitä kirjoitin?"
}

func send(t *testing.T, method, url, ctype, body string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for k, v := range headerCanaries {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func body(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestNothingIdentifyingIsWritten is I1 and I2: questions full of personal
// details arrive through every public route with identifying headers and a
// query string; afterwards no file the server wrote (database, WAL, shared
// memory, logs) holds any canary or any receipt, and no route set a cookie.
func TestNothingIdentifyingIsWritten(t *testing.T) {
	s := startServer(t)
	q := "?zqquerycanary=1&lang=fi"
	var receipts []string
	noCookie := func(resp *http.Response, what string) {
		if len(resp.Cookies()) > 0 || resp.Header.Get("Set-Cookie") != "" {
			t.Errorf("%s set a cookie", what)
		}
	}

	for i := 0; i < 3; i++ {
		b, _ := json.Marshal(map[string]any{"text": canaryText(), "consent_publish": true})
		resp := send(t, "POST", s.URL+"/api/v1/questions"+q, "application/json", string(b))
		noCookie(resp, "POST /api/v1/questions")
		var out struct{ Receipt string }
		if err := json.Unmarshal([]byte(body(t, resp)), &out); err != nil || resp.StatusCode != 201 {
			t.Fatalf("submit: %d %v", resp.StatusCode, err)
		}
		receipts = append(receipts, out.Receipt)
	}
	resp := send(t, "POST", s.URL+"/questions"+q, "application/x-www-form-urlencoded", "lang=fi&question="+url.QueryEscape(canaryText()))
	noCookie(resp, "POST /questions")
	page := body(t, resp)
	m := regexp.MustCompile(`id="receipt-code"[^>]*>([A-Z2-9-]+)<`).FindStringSubmatch(page)
	if resp.StatusCode != 200 || m == nil {
		t.Fatalf("form submit: %d", resp.StatusCode)
	}
	receipts = append(receipts, m[1])

	for _, r := range receipts {
		resp := send(t, "POST", s.URL+"/api/v1/receipts/lookup"+q, "application/json", fmt.Sprintf(`{"receipt":%q}`, r))
		noCookie(resp, "lookup")
		if got := body(t, resp); resp.StatusCode != 200 || !strings.Contains(got, `"received"`) {
			t.Fatalf("lookup: %d %s", resp.StatusCode, got)
		}
	}
	resp = send(t, "POST", s.URL+"/answer"+q, "application/x-www-form-urlencoded", "receipt="+receipts[0])
	noCookie(resp, "POST /answer")
	body(t, resp)
	resp = send(t, "POST", s.URL+"/api/v1/receipts/withdraw"+q, "application/json", fmt.Sprintf(`{"receipt":%q}`, receipts[1]))
	noCookie(resp, "withdraw")
	body(t, resp)
	for _, p := range []string{"/", "/answer", "/privacy", "/healthz", "/readyz", "/static/app.js", "/static/style.css", "/missing"} {
		resp := send(t, "GET", s.URL+p+q, "", "")
		noCookie(resp, "GET "+p)
		body(t, resp)
	}

	scan := func(when string) {
		files, _ := filepath.Glob(filepath.Join(s.Dir, "*"))
		var names []string
		for _, f := range files {
			names = append(names, filepath.Base(f))
		}
		sort.Strings(names)
		t.Logf("%s: files written: %v", when, names)
		needles := append(append([]string{}, piiCanaries...), headerNeedles...)
		for _, r := range receipts {
			needles = append(needles, r, strings.ReplaceAll(r, "-", ""))
		}
		for _, n := range needles {
			if hits := grepFiles(t, s.Dir, []byte(n)); len(hits) > 0 {
				t.Errorf("%s: %q found in %v", when, n, hits)
			}
		}
	}
	if _, err := os.Stat(s.DBPath + "-wal"); err != nil {
		t.Fatalf("no WAL while running: %v", err)
	}
	scan("while running")
	s.stop(t)
	scan("after shutdown")

	// The stored text is the redacted one.
	db, _ := os.ReadFile(s.DBPath)
	if !strings.Contains(string(db), "[EMAIL]") || !strings.Contains(string(db), "[PHONE]") || !strings.Contains(string(db), "[ID]") {
		t.Error("the database does not hold the redacted text")
	}

	// A request log line says method, route, status and duration, no more.
	allowed := map[string]bool{"time": true, "level": true, "msg": true, "component": true, "method": true, "route": true, "status": true, "duration_ms": true}
	lines := 0
	for _, line := range strings.Split(s.logs(t), "\n") {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) != nil || rec["msg"] != "request" {
			continue
		}
		lines++
		for k := range rec {
			if !allowed[k] {
				t.Errorf("request log line has key %q: %s", k, line)
			}
		}
		if r, _ := rec["route"].(string); strings.Contains(r, "?") {
			t.Errorf("request log route has a query: %s", line)
		}
	}
	if lines < 10 {
		t.Fatalf("only %d request log lines", lines)
	}
}
