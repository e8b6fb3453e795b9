package api_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"kysy/api"
)

var pageReceiptRE = regexp.MustCompile(`id="receipt-code"[^>]*>([A-Z2-9-]+)<`)

func TestFormFlow(t *testing.T) {
	e := newEnv(t)
	rec := e.do(t, "POST", "/questions", "application/x-www-form-urlencoded",
		"lang=sv&consent_publish=yes&question="+url.QueryEscape("Får socialen ta mig? Ring 040 765 4321"))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if loc := rec.Header().Get("Location"); loc != "" {
		t.Fatalf("the receipt page redirects to %q", loc)
	}
	if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
		t.Fatalf("Cache-Control %q, want no-store", cc)
	}
	body := rec.Body.String()
	m := pageReceiptRE.FindStringSubmatch(body)
	if m == nil || !receiptRE.MatchString(m[1]) {
		t.Fatalf("no receipt on the page:\n%s", body)
	}
	if !strings.Contains(body, `lang="sv"`) || !strings.Contains(body, "enda sättet att läsa svaret") {
		t.Fatal("the receipt page is not in Swedish or does not say the code is the only way back")
	}
	// Before anything leads away, the page shows the code and says it is
	// the only way back: no link but the quick exit precedes it.
	head := body[:strings.Index(body, `id="receipt-code"`)]
	links := regexp.MustCompile(`<a [^>]*href="([^"]+)"`).FindAllStringSubmatch(head, -1)
	for _, l := range links {
		if l[1] != "#main" && l[1] != "https://example.org/" {
			t.Errorf("link %q comes before the receipt", l[1])
		}
	}

	rec = e.do(t, "POST", "/answer", "application/x-www-form-urlencoded", "lang=sv&receipt="+url.QueryEscape(strings.ToLower(m[1])))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "står i kö") {
		t.Fatalf("answer page: %d\n%s", rec.Code, rec.Body)
	}
	// Withdrawing needs the confirmation box.
	rec = e.do(t, "POST", "/answer", "application/x-www-form-urlencoded", "lang=en&action=withdraw&receipt="+m[1])
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "tick the box") {
		t.Fatalf("withdraw without confirm: %d", rec.Code)
	}
	rec = e.do(t, "POST", "/answer", "application/x-www-form-urlencoded", "lang=en&action=withdraw&confirm=yes&receipt="+m[1])
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "You took this question back") {
		t.Fatalf("withdraw: %d\n%s", rec.Code, rec.Body)
	}
	rec = e.do(t, "POST", "/answer", "application/x-www-form-urlencoded", "lang=fi&receipt=AAAA-BBBB-CCCC-DDDD-EEEE")
	if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "Tällä koodilla ei löytynyt") {
		t.Fatalf("unknown receipt: %d", rec.Code)
	}
}

func TestFormErrorsKeepInput(t *testing.T) {
	e := newEnv(t)
	rec := e.do(t, "POST", "/questions", "application/x-www-form-urlencoded", "lang=fi&consent_publish=yes&question="+url.QueryEscape("   "))
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Kirjoita ensin kysymys") {
		t.Fatalf("empty question: %d", rec.Code)
	}
	if !strings.Contains(rec.Body.String(), `value="yes" checked`) {
		t.Fatal("the consent box lost its tick")
	}
	if e.count(t) != 0 {
		t.Fatal("an empty question was stored")
	}
}

func TestLanguageChoice(t *testing.T) {
	e := newEnv(t)
	cases := []struct{ query, accept, want string }{
		{"", "", "fi"},
		{"?lang=sv", "", "sv"},
		{"?lang=en", "sv-FI", "en"},
		{"", "sv-FI,sv;q=0.9,en;q=0.8", "sv"},
		{"", "en-GB,en;q=0.9", "en"},
		{"", "de-DE", "fi"},
		{"?lang=xx", "en", "en"},
	}
	for _, tc := range cases {
		for _, path := range []string{"/", "/answer", "/privacy"} {
			rec := e.do(t, "GET", path+tc.query, "", "", "Accept-Language", tc.accept)
			if rec.Code != 200 || !strings.Contains(rec.Body.String(), `<html lang="`+tc.want+`">`) {
				t.Errorf("GET %s%s Accept-Language %q: status %d, want lang %s", path, tc.query, tc.accept, rec.Code, tc.want)
			}
		}
	}
}

func TestPublicPagesShowWhatTheyMust(t *testing.T) {
	e := newEnv(t)
	body := e.do(t, "GET", "/?lang=fi", "", "").Body.String()
	for _, want := range []string{
		`id="quick-exit"`, `href="https://example.org/"`, // quick exit
		"ma–pe 9–16", "7 päivän", // service hours, expected answer time
		"112", "116 111", // crisis contacts
		`autocomplete="off"`, `name="consent_publish"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the form page lacks %q", want)
		}
	}
	if regexp.MustCompile(`<script>|<script [^>]*>[^<]`).MatchString(body) {
		t.Error("the page has inline script")
	}
	for _, src := range regexp.MustCompile(`(?:src|href)="(https?:)?//`).FindAllString(body, -1) {
		if !strings.Contains(body, `rel="noreferrer noopener"`) {
			t.Errorf("third-party reference %q", src)
		}
	}
	for _, lang := range []string{"fi", "sv", "en"} {
		p := e.do(t, "GET", "/privacy?lang="+lang, "", "").Body.String()
		if !strings.Contains(p, "30") || !strings.Contains(p, "180") {
			t.Errorf("privacy page (%s) does not give the retention periods", lang)
		}
	}
}

func TestSecurityHeadersAndNoCookies(t *testing.T) {
	e := newEnv(t)
	receipt := submit(t, e, "Saako sossu kertoa vanhemmille?")
	reqs := []struct{ method, path, ctype, body string }{
		{"GET", "/", "", ""}, {"GET", "/answer", "", ""}, {"GET", "/privacy", "", ""},
		{"GET", "/healthz", "", ""}, {"GET", "/readyz", "", ""}, {"GET", "/static/style.css", "", ""},
		{"POST", "/questions", "application/x-www-form-urlencoded", "question=hei"},
		{"POST", "/answer", "application/x-www-form-urlencoded", "receipt=" + receipt},
		{"POST", "/api/v1/questions", "application/json", `{"text":"hei"}`},
		{"POST", "/api/v1/receipts/lookup", "application/json", `{"receipt":"` + receipt + `"}`},
		{"GET", "/nope", "", ""},
	}
	for _, r := range reqs {
		rec := e.do(t, r.method, r.path, r.ctype, r.body)
		h := rec.Header()
		if len(rec.Result().Cookies()) > 0 || h.Get("Set-Cookie") != "" {
			t.Errorf("%s %s sets a cookie", r.method, r.path)
		}
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s %s: CSP %q", r.method, r.path, csp)
		}
		if h.Get("Referrer-Policy") != "no-referrer" || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s %s: headers %v", r.method, r.path, h)
		}
	}
}

func TestCrossSiteFormPostRefused(t *testing.T) {
	e := newEnv(t)
	rec := e.do(t, "POST", "/questions", "application/x-www-form-urlencoded", "question=hei", "Sec-Fetch-Site", "cross-site")
	if rec.Code != http.StatusForbidden {
		t.Fatalf("cross-site post: %d", rec.Code)
	}
	rec = e.do(t, "POST", "/questions", "application/x-www-form-urlencoded", "question=hei", "Sec-Fetch-Site", "same-origin")
	if rec.Code != http.StatusOK {
		t.Fatalf("same-origin post: %d", rec.Code)
	}
	if e.count(t) != 1 {
		t.Fatalf("questions = %d, want 1", e.count(t))
	}
}

func TestRateLimit(t *testing.T) {
	e := newEnv(t, func(c *api.Config) { c.Inbox.Rate = api.RateConfig{Enabled: true, PerHour: 30, Burst: 3} })
	post := func(addr string) *http.Response {
		req, _ := http.NewRequest("POST", "/api/v1/questions", strings.NewReader(`{"text":"hei"}`))
		req.RemoteAddr = addr
		req.Header.Set("Content-Type", "application/json")
		// A forged X-Forwarded-For must not buy a new bucket.
		req.Header.Set("X-Forwarded-For", addr+"0")
		rec := newRecorder()
		e.h.ServeHTTP(rec, req)
		return rec.Result()
	}
	for i := 0; i < 3; i++ {
		if r := post("192.0.2.1:1000"); r.StatusCode != 201 {
			t.Fatalf("request %d: %d", i, r.StatusCode)
		}
	}
	r := post("192.0.2.1:1001")
	if r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("4th request: %d, want 429", r.StatusCode)
	}
	if ra := r.Header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Fatalf("Retry-After %q", ra)
	}
	if r := post("192.0.2.2:1000"); r.StatusCode != 201 {
		t.Fatalf("another client: %d", r.StatusCode)
	}
	// Look-ups have their own bucket.
	req, _ := http.NewRequest("POST", "/api/v1/receipts/lookup", strings.NewReader(`{"receipt":"AAAA-BBBB-CCCC-DDDD-EEEE"}`))
	req.RemoteAddr = "192.0.2.1:1000"
	req.Header.Set("Content-Type", "application/json")
	rec := newRecorder()
	e.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotFound {
		t.Fatalf("lookup after submissions ran out: %d", rec.Code)
	}
	if n := e.count(t); n != 4 {
		t.Fatalf("questions = %d, want 4", n)
	}
}

func TestHealthAndReadiness(t *testing.T) {
	e := newEnv(t)
	if rec := e.do(t, "GET", "/healthz", "", ""); rec.Code != 200 || rec.Body.String() != "ok" {
		t.Fatalf("healthz: %d %q", rec.Code, rec.Body)
	}
	if rec := e.do(t, "GET", "/readyz", "", ""); rec.Code != 200 {
		t.Fatalf("readyz with a database: %d", rec.Code)
	}
	e.db.Close()
	if rec := e.do(t, "GET", "/readyz", "", ""); rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("readyz without a database: %d, want 503", rec.Code)
	}
	if rec := e.do(t, "GET", "/healthz", "", ""); rec.Code != 200 {
		t.Fatalf("healthz without a database: %d, want 200 (the process runs)", rec.Code)
	}
}
