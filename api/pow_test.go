package api_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/altcha-org/altcha-lib-go"

	"kysy/api"
)

const testPowKey = "test-key-test-key-test-key-test-key"

func powOn(c *api.Config) {
	c.Inbox.Pow = true
	c.Inbox.PowKey = testPowKey
	c.Inbox.PowDifficulty = 5000
	c.Inbox.PowExpires = 20 * time.Minute
	c.Inbox.Rate = api.RateConfig{Enabled: true, PerHour: 30, Burst: 10, WithoutPowPerHour: 6, WithoutPowBurst: 2}
}

// solve fetches a challenge from the server and solves it as the widget
// would, returning the base64 payload of the altcha field.
func solve(t *testing.T, e *testEnv) string {
	t.Helper()
	rec := e.do(t, "GET", "/api/v1/challenge", "", "")
	if rec.Code != http.StatusOK {
		t.Fatalf("challenge: %d %s", rec.Code, rec.Body)
	}
	if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("challenge Cache-Control %q, want no-store", cc)
	}
	var ch altcha.Challenge
	if err := json.Unmarshal(rec.Body.Bytes(), &ch); err != nil {
		t.Fatal(err)
	}
	if ch.Algorithm != "SHA-256" || ch.MaxNumber != 5000 || !strings.Contains(ch.Salt, "expires=") {
		t.Fatalf("challenge %+v: want SHA-256, maxNumber 5000 and an expiry", ch)
	}
	sol, err := altcha.SolveChallenge(ch.Challenge, ch.Salt, altcha.Algorithm(ch.Algorithm), int(ch.MaxNumber), 0, nil)
	if err != nil || sol == nil {
		t.Fatalf("solve: %v", err)
	}
	return encodePayload(t, altcha.Payload{Algorithm: ch.Algorithm, Challenge: ch.Challenge, Number: int64(sol.Number), Salt: ch.Salt, Signature: ch.Signature})
}

func encodePayload(t *testing.T, p altcha.Payload) string {
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b)
}

func decodePayload(t *testing.T, s string) altcha.Payload {
	b, _ := base64.StdEncoding.DecodeString(s)
	var p altcha.Payload
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func askWith(t *testing.T, e *testEnv, text, solution string, ip string) *http.Response {
	t.Helper()
	m := map[string]any{"text": text}
	if solution != "" {
		m["altcha"] = solution
	}
	body, _ := json.Marshal(m)
	req, _ := http.NewRequest("POST", "/api/v1/questions", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.RemoteAddr = ip + ":40000"
	rec := newRecorder()
	e.h.ServeHTTP(rec, req)
	return rec.Result()
}

func errCode(t *testing.T, r *http.Response) string {
	t.Helper()
	var b errBody
	json.NewDecoder(r.Body).Decode(&b)
	return b.Error.Code
}

func TestChallengeOffByDefault(t *testing.T) {
	e := newEnv(t)
	rec := e.do(t, "GET", "/api/v1/challenge", "", "")
	if rec.Code != http.StatusNotFound {
		t.Fatalf("challenge with pow off: %d, want 404", rec.Code)
	}
	if strings.Contains(e.do(t, "GET", "/", "", "").Body.String(), "altcha") {
		t.Fatal("the form loads the widget with pow off")
	}
}

func TestPowSolutionIsSpentOnce(t *testing.T) {
	e := newEnv(t, powOn)
	sol := solve(t, e)
	if r := askWith(t, e, "Voiko sossu tulla kouluun?", sol, "192.0.2.1"); r.StatusCode != http.StatusCreated {
		t.Fatalf("first use: %d %s", r.StatusCode, errCode(t, r))
	}
	r := askWith(t, e, "Toinen kysymys samalla ratkaisulla", sol, "192.0.2.1")
	if r.StatusCode != http.StatusUnprocessableEntity || errCode(t, r) != "challenge_used" {
		t.Fatalf("replay: %d, want 422 challenge_used", r.StatusCode)
	}
	if n := e.count(t); n != 1 {
		t.Fatalf("%d questions stored, want 1", n)
	}
}

func TestPowInvalidQuestionKeepsChallenge(t *testing.T) {
	e := newEnv(t, powOn)
	sol := solve(t, e)
	r := askWith(t, e, "   ", sol, "192.0.2.1")
	if r.StatusCode != http.StatusUnprocessableEntity || errCode(t, r) != "text_required" {
		t.Fatalf("empty text: %d", r.StatusCode)
	}
	// The refused question did not use the solution up (I8).
	if r := askWith(t, e, "Nyt kysymyksen kanssa", sol, "192.0.2.1"); r.StatusCode != http.StatusCreated {
		t.Fatalf("second try with the same solution: %d %s", r.StatusCode, errCode(t, r))
	}
}

func TestPowRefusesForgedSolutions(t *testing.T) {
	e := newEnv(t, powOn)
	good := decodePayload(t, solve(t, e))
	future := time.Now().Add(time.Hour)
	// A challenge signed with another key.
	other, _ := altcha.CreateChallenge(altcha.ChallengeOptions{HMACKey: "another-key-another-key-another-key", MaxNumber: 100, Expires: &future})
	otherSol, _ := altcha.SolveChallenge(other.Challenge, other.Salt, altcha.SHA256, 100, 0, nil)
	// One of ours that expired.
	past := time.Now().Add(-time.Minute)
	old, _ := altcha.CreateChallenge(altcha.ChallengeOptions{HMACKey: testPowKey, MaxNumber: 100, Expires: &past})
	oldSol, _ := altcha.SolveChallenge(old.Challenge, old.Salt, altcha.SHA256, 100, 0, nil)
	// One of ours without an expiry: valid forever if accepted.
	forever, _ := altcha.CreateChallenge(altcha.ChallengeOptions{HMACKey: testPowKey, MaxNumber: 100})
	foreverSol, _ := altcha.SolveChallenge(forever.Challenge, forever.Salt, altcha.SHA256, 100, 0, nil)

	// CVE-2025-68113, challenge splicing: digits moved between the salt
	// (its expires parameter) and the number must not verify.
	num := fmt.Sprint(good.Number + 1000) // at least 4 digits to move
	spliced := good
	spliced.Salt = good.Salt + num[:1]
	spliced.Number = mustAtoi(t, num[1:])
	spliced2 := good
	spliced2.Salt = strings.TrimSuffix(good.Salt, "&") + "9&"

	wrong := good
	wrong.Number++
	cases := map[string]string{
		"wrong number":     encodePayload(t, wrong),
		"other key":        encodePayload(t, altcha.Payload{Algorithm: "SHA-256", Challenge: other.Challenge, Number: int64(otherSol.Number), Salt: other.Salt, Signature: other.Signature}),
		"expired":          encodePayload(t, altcha.Payload{Algorithm: "SHA-256", Challenge: old.Challenge, Number: int64(oldSol.Number), Salt: old.Salt, Signature: old.Signature}),
		"no expiry":        encodePayload(t, altcha.Payload{Algorithm: "SHA-256", Challenge: forever.Challenge, Number: int64(foreverSol.Number), Salt: forever.Salt, Signature: forever.Signature}),
		"spliced number":   encodePayload(t, spliced),
		"extended expires": encodePayload(t, spliced2),
		"not base64":       "!!!",
		"not json":         base64.StdEncoding.EncodeToString([]byte("hello")),
		"too long":         strings.Repeat("A", 4096),
	}
	for name, p := range cases {
		r := askWith(t, e, "Kysymys "+name, p, "192.0.2.1")
		if r.StatusCode != http.StatusUnprocessableEntity || errCode(t, r) != "invalid_challenge" {
			t.Errorf("%s: %d, want 422 invalid_challenge", name, r.StatusCode)
		}
	}
	if n := e.count(t); n != 0 {
		t.Fatalf("%d questions stored from forged solutions", n)
	}
}

func mustAtoi(t *testing.T, s string) int64 {
	var n int64
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPowWithoutSolutionHasStricterLimit(t *testing.T) {
	e := newEnv(t, powOn)
	// Without JavaScript: the stricter bucket (burst 2) applies.
	for i := range 2 {
		if r := askWith(t, e, fmt.Sprintf("Ilman JavaScriptiä %d", i), "", "192.0.2.7"); r.StatusCode != http.StatusCreated {
			t.Fatalf("no-JS submission %d: %d", i, r.StatusCode)
		}
	}
	r := askWith(t, e, "Kolmas ilman", "", "192.0.2.7")
	if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
		t.Fatalf("third no-JS submission: %d, want 429 with Retry-After", r.StatusCode)
	}
	// The same address with a solved challenge still gets in: the normal
	// bucket (burst 10) has tokens left.
	if r := askWith(t, e, "JavaScriptin kanssa", solve(t, e), "192.0.2.7"); r.StatusCode != http.StatusCreated {
		t.Fatalf("with a solution after the strict limit: %d %s", r.StatusCode, errCode(t, r))
	}
	// Another address is not affected.
	if r := askWith(t, e, "Toinen osoite", "", "192.0.2.8"); r.StatusCode != http.StatusCreated {
		t.Fatalf("another address: %d", r.StatusCode)
	}
	if n := e.count(t); n != 4 {
		t.Fatalf("%d questions stored, want 4", n)
	}
}

func TestPowForm(t *testing.T) {
	e := newEnv(t, powOn)
	page := e.do(t, "GET", "/", "", "").Body.String()
	for _, want := range []string{`<altcha-widget challengeurl="/api/v1/challenge" name="altcha"`, `src="/static/altcha/altcha.js"`, `En ole robotti`} {
		if !strings.Contains(page, want) {
			t.Errorf("form lacks %q", want)
		}
	}
	sol := solve(t, e)
	post := func() (int, string) {
		form := url.Values{"question": {"Lomakkeelta kysytty"}, "altcha": {sol}}
		rec := e.do(t, "POST", "/questions", "application/x-www-form-urlencoded", form.Encode())
		return rec.Code, rec.Body.String()
	}
	if code, _ := post(); code != http.StatusOK {
		t.Fatalf("form with a solution: %d", code)
	}
	code, body := post()
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "on jo käytetty") || !strings.Contains(body, "Lomakkeelta kysytty") {
		t.Fatalf("replayed form: %d; want the form again with the error and the text kept", code)
	}
	// The widget's files are served from our origin.
	for _, p := range []string{"/static/altcha/altcha.js", "/static/altcha/worker.js", "/static/altcha/altcha.css"} {
		if rec := e.do(t, "GET", p, "", ""); rec.Code != http.StatusOK || rec.Body.Len() < 1000 {
			t.Errorf("%s: %d, %d bytes", p, rec.Code, rec.Body.Len())
		}
	}
}
