package api_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"kysy/api"
	"kysy/moderation"
	"kysy/moderation/redact"
	"kysy/store"
)

// consolePassword is every console test account's password.
const consolePassword = "kuusi hevosta juoksee"

// consoleLockoutAfter failed sign-ins lock an account in these tests.
const consoleLockoutAfter = 3

// consoleAccounts are the console test accounts and their roles.
var consoleAccounts = map[string][]moderation.Role{
	"mona": {moderation.RoleModerator},
	"riku": {moderation.RoleReviewer},
	"mira": {moderation.RoleModerator, moderation.RoleReviewer},
	"kia":  {moderation.RoleComms},
	"aada": {moderation.RoleAdmin},
}

// consoleTriager marks a question urgent or spam when it says so, so
// that tests can make both kinds through the real intake.
type consoleTriager struct{}

func (consoleTriager) Triage(text string) moderation.Triage {
	var t moderation.Triage
	if strings.Contains(text, "HÄTÄ") {
		t.Urgent, t.Signals = true, []string{"crisis"}
	}
	if strings.Contains(text, "MAINOS") {
		t.Spam, t.Signals = true, append(t.Signals, "advert")
	}
	return t
}

type consoleEnv struct {
	*testEnv
	mod   *moderation.Service
	clock *staffClock
}

func newConsoleEnv(t *testing.T, change ...func(*api.Config)) *consoleEnv {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	db, err := store.Open(ctx, store.Config{Driver: "sqlite", DSN: filepath.Join(t.TempDir(), "console.db")}, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig()
	for _, f := range change {
		f(&cfg)
	}
	mod := moderation.New(db, moderation.Config{MaxChars: cfg.Inbox.MaxChars, SessionTTL: 8 * time.Hour,
		LockoutAfter: consoleLockoutAfter, LockoutFor: 15 * time.Minute}, redact.New(redact.Options{}), consoleTriager{}, log)
	clock := &staffClock{t: time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)}
	mod.Now = clock.Now
	srv, err := api.New(cfg, mod, db, log)
	if err != nil {
		t.Fatal(err)
	}
	for name, roles := range consoleAccounts {
		if _, err := mod.AddUser(ctx, moderation.CLIActor, name, consolePassword, roles); err != nil {
			t.Fatal(err)
		}
	}
	return &consoleEnv{testEnv: &testEnv{srv: srv, db: db, h: srv.Handler()}, mod: mod, clock: clock}
}

// consoleSession is a signed-in browser: its cookie and the CSRF token
// its pages carry.
type consoleSession struct {
	name   string
	cookie string
	csrf   string
}

var consoleCSRFRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// form posts a form to the console; an empty cookie sends none.
func (e *consoleEnv) form(t *testing.T, cookie, path string, v url.Values, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	if cookie != "" {
		hdr = append(hdr, "Cookie", "kysy_staff="+cookie)
	}
	return e.do(t, http.MethodPost, path, "application/x-www-form-urlencoded", v.Encode(), hdr...)
}

// page gets a console page; an empty cookie sends none.
func (e *consoleEnv) page(t *testing.T, cookie, path string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	if cookie != "" {
		hdr = append(hdr, "Cookie", "kysy_staff="+cookie)
	}
	return e.do(t, http.MethodGet, path, "", "", hdr...)
}

// consoleCookie is the session cookie a response sets, or nil.
func consoleCookie(rec *httptest.ResponseRecorder) *http.Cookie {
	for _, c := range rec.Result().Cookies() {
		if c.Name == "kysy_staff" {
			return c
		}
	}
	return nil
}

// signIn signs name in through the form and reads the CSRF token from
// the page it lands on.
func (e *consoleEnv) signIn(t *testing.T, name string) *consoleSession {
	t.Helper()
	rec := e.form(t, "", "/console/login", url.Values{"name": {name}, "password": {consolePassword}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("sign in %s: status %d, want 303: %s", name, rec.Code, rec.Body)
	}
	ck := consoleCookie(rec)
	if ck == nil || ck.Value == "" {
		t.Fatalf("sign in %s set no session cookie", name)
	}
	s := &consoleSession{name: name, cookie: ck.Value}
	rec = e.page(t, s.cookie, "/console/stats")
	m := consoleCSRFRE.FindStringSubmatch(rec.Body.String())
	if rec.Code != http.StatusOK || m == nil {
		t.Fatalf("stats page after signing in %s: status %d, no csrf field: %s", name, rec.Code, rec.Body)
	}
	s.csrf = m[1]
	return s
}

// post sends a console form as s, with its CSRF token.
func (e *consoleEnv) post(t *testing.T, s *consoleSession, path string, v url.Values) *httptest.ResponseRecorder {
	t.Helper()
	if v == nil {
		v = url.Values{}
	}
	v.Set("csrf", s.csrf)
	return e.form(t, s.cookie, path, v)
}

func (e *consoleEnv) get(t *testing.T, s *consoleSession, path string) *httptest.ResponseRecorder {
	t.Helper()
	return e.page(t, s.cookie, path)
}

// ask submits a question through moderation, as the public form does.
func (e *consoleEnv) ask(t *testing.T, text string) (int64, string) {
	t.Helper()
	sub, err := e.mod.Submit(context.Background(), moderation.SubmitInput{Text: text, Lang: "fi"})
	if err != nil {
		t.Fatal(err)
	}
	return sub.ID, sub.Receipt
}

func (e *consoleEnv) question(t *testing.T, id int64) *store.Question {
	t.Helper()
	q, err := e.db.QuestionByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func (e *consoleEnv) answer(t *testing.T, id int64) *store.Answer {
	t.Helper()
	a, err := e.db.AnswerByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// wantConsolePage checks the status of a console response and that its body
// holds every fragment.
func wantConsolePage(t *testing.T, what string, rec *httptest.ResponseRecorder, status int, fragments ...string) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("%s: status %d, want %d:\n%s", what, rec.Code, status, rec.Body)
	}
	for _, f := range fragments {
		if !strings.Contains(rec.Body.String(), f) {
			t.Errorf("%s: the page lacks %q:\n%s", what, f, rec.Body)
		}
	}
}

// wantConsoleRedirect checks a 303 and where it goes.
func wantConsoleRedirect(t *testing.T, what string, rec *httptest.ResponseRecorder, location string) {
	t.Helper()
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("%s: status %d, want 303:\n%s", what, rec.Code, rec.Body)
	}
	if got := rec.Header().Get("Location"); got != location {
		t.Fatalf("%s: Location %q, want %q", what, got, location)
	}
}

func TestConsoleLoginPage(t *testing.T) {
	e := newConsoleEnv(t)
	rec := e.page(t, "", "/console/login")
	wantConsolePage(t, "login page", rec, http.StatusOK, `<html lang="fi">`, `id="name" name="name"`,
		`id="password" name="password"`, `id="code" name="code"`, `autocomplete="current-password"`, "Kirjaudu")
	if rec.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("login page Cache-Control %q, want no-store", rec.Header().Get("Cache-Control"))
	}
	rec = e.page(t, "", "/console/login", "Accept-Language", "en-GB,en;q=0.8")
	wantConsolePage(t, "login page for Accept-Language en", rec, http.StatusOK, `<html lang="en">`, "Sign in with your staff account")
	rec = e.page(t, "", "/console/login?lang=en", "Accept-Language", "fi")
	wantConsolePage(t, "login page with ?lang=en", rec, http.StatusOK, `<html lang="en">`)
	rec = e.page(t, "", "/console/login", "Accept-Language", "sv")
	wantConsolePage(t, "login page for Accept-Language sv (not a console language)", rec, http.StatusOK, `<html lang="fi">`)
}

func TestConsoleLogin(t *testing.T) {
	e := newConsoleEnv(t)

	cases := []struct {
		name     string
		form     url.Values
		path     string
		status   int
		fragment string
	}{
		{"wrong password", url.Values{"name": {"mona"}, "password": {"not the password"}}, "/console/login", http.StatusUnauthorized,
			"Käyttäjätunnus, salasana tai vahvistuskoodi on väärin."},
		{"unknown user", url.Values{"name": {"nobody"}, "password": {consolePassword}}, "/console/login", http.StatusUnauthorized,
			"Käyttäjätunnus, salasana tai vahvistuskoodi on väärin."},
		{"in English", url.Values{"name": {"mona"}, "password": {"nope nope nope"}}, "/console/login?lang=en", http.StatusUnauthorized,
			"The user name, password or code is wrong."},
		{"empty fields", url.Values{"name": {""}, "password": {""}}, "/console/login", http.StatusUnprocessableEntity,
			"Kirjoita käyttäjätunnus ja salasana."},
		{"absurdly long password", url.Values{"name": {"mona"}, "password": {strings.Repeat("x", 5000)}}, "/console/login", http.StatusUnauthorized,
			"on väärin"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := e.form(t, "", tc.path, tc.form)
			wantConsolePage(t, tc.name, rec, tc.status, tc.fragment, `role="alert"`)
			if ck := consoleCookie(rec); ck != nil && ck.Value != "" {
				t.Errorf("a failed sign-in set a session cookie")
			}
			if strings.Contains(rec.Body.String(), tc.form.Get("password")) && tc.form.Get("password") != "" {
				t.Errorf("the page echoes the password")
			}
		})
	}

	t.Run("success", func(t *testing.T) {
		rec := e.form(t, "", "/console/login?lang=en", url.Values{"name": {"mona"}, "password": {consolePassword}})
		wantConsoleRedirect(t, "sign in", rec, "/console?lang=en")
		ck := consoleCookie(rec)
		if ck == nil || ck.Value == "" || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/" {
			t.Fatalf("session cookie %+v: want a value, HttpOnly, SameSite=Strict, Path=/", ck)
		}
		wantConsolePage(t, "queue after sign-in", e.page(t, ck.Value, "/console?lang=en"), http.StatusOK, "Signed in as mona")
	})

	t.Run("goes on to the page asked for", func(t *testing.T) {
		rec := e.form(t, "", "/console/login", url.Values{"name": {"mona"}, "password": {consolePassword}, "next": {"/console/stats"}})
		wantConsoleRedirect(t, "sign in with next", rec, "/console/stats?lang=fi")
		for _, bad := range []string{"https://evil.example/", "//evil.example/console", "/answer", "/console/../answer", "/\\evil.example"} {
			rec := e.form(t, "", "/console/login", url.Values{"name": {"mona"}, "password": {consolePassword}, "next": {bad}})
			wantConsoleRedirect(t, "sign in with next="+bad, rec, "/console?lang=fi")
		}
	})

	t.Run("a presented session is never kept", func(t *testing.T) {
		first := e.signIn(t, "mona")
		rec := e.form(t, first.cookie, "/console/login", url.Values{"name": {"mona"}, "password": {consolePassword}})
		wantConsoleRedirect(t, "sign in over a session", rec, "/console?lang=fi")
		ck := consoleCookie(rec)
		if ck == nil || ck.Value == "" || ck.Value == first.cookie {
			t.Fatalf("signing in with a session cookie kept it: %+v", ck)
		}
		wantConsoleRedirect(t, "the old session after a new sign-in", e.page(t, first.cookie, "/console/stats"),
			"/console/login?lang=fi&next=%2Fconsole%2Fstats")
		wantConsolePage(t, "the new session", e.page(t, ck.Value, "/console/stats"), http.StatusOK)
	})

	t.Run("signed in already", func(t *testing.T) {
		s := e.signIn(t, "riku")
		wantConsoleRedirect(t, "login page with a session", e.page(t, s.cookie, "/console/login"), "/console?lang=fi")
	})
}

func TestConsoleLockout(t *testing.T) {
	e := newConsoleEnv(t)
	for i := 0; i < consoleLockoutAfter; i++ {
		rec := e.form(t, "", "/console/login", url.Values{"name": {"riku"}, "password": {"wrong password " + strconv.Itoa(i)}})
		wantConsolePage(t, fmt.Sprintf("failure %d", i+1), rec, http.StatusUnauthorized, "on väärin")
	}
	zone, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		zone = time.UTC
	}
	until := e.clock.Now().Add(15 * time.Minute).In(zone).Format("15:04 MST")
	rec := e.form(t, "", "/console/login", url.Values{"name": {"riku"}, "password": {consolePassword}})
	wantConsolePage(t, "right password on a locked account", rec, http.StatusTooManyRequests,
		"Tili on lukittu klo "+until+" asti.")
	if ck := consoleCookie(rec); ck != nil && ck.Value != "" {
		t.Error("a locked account got a session")
	}
	rec = e.form(t, "", "/console/login?lang=en", url.Values{"name": {"riku"}, "password": {consolePassword}})
	wantConsolePage(t, "locked, in English", rec, http.StatusTooManyRequests, "The account is locked until "+until+".")

	e.clock.Advance(16 * time.Minute)
	rec = e.form(t, "", "/console/login", url.Values{"name": {"riku"}, "password": {consolePassword}})
	wantConsoleRedirect(t, "sign in after the lock-out", rec, "/console?lang=fi")
}

func TestConsoleLoginRateLimit(t *testing.T) {
	e := newConsoleEnv(t, func(c *api.Config) { c.Inbox.Rate.Enabled = true })
	var rec *httptest.ResponseRecorder
	for i := 0; i < 20 && (rec == nil || rec.Code != http.StatusTooManyRequests); i++ {
		rec = e.form(t, "", "/console/login", url.Values{"name": {fmt.Sprintf("guess%d", i)}, "password": {"guess guess guess"}})
	}
	wantConsolePage(t, "sign-in spraying", rec, http.StatusTooManyRequests, "Liian monta yritystä lyhyessä ajassa.", `id="password"`)
	if rec.Header().Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	// The public limits are separate buckets: asking still works.
	if got := e.do(t, "POST", "/api/v1/questions", "application/json", `{"text":"Voiko sossu tulla kouluun?"}`); got.Code != http.StatusCreated {
		t.Fatalf("a question after the sign-in limit: status %d", got.Code)
	}
}

func TestConsoleSignedOutRedirects(t *testing.T) {
	e := newConsoleEnv(t)
	id, _ := e.ask(t, "Voiko sossu viedä minut pois kotoa?")
	q := strconv.FormatInt(id, 10)
	for _, cookie := range []string{"", "not-a-session", strings.Repeat("a", 43)} {
		for _, path := range []string{"/console", "/console/queue?status=spam", "/console/questions/" + q, "/console/review",
			"/console/stats", "/console/audit", "/console/questions/999"} {
			rec := e.page(t, cookie, path)
			want := "/console/login?lang=fi&next=" + url.QueryEscape(path)
			wantConsoleRedirect(t, "GET "+path+" signed out", rec, want)
		}
		for _, path := range []string{"/console/questions/" + q + "/reject", "/console/logout", "/console/answers/1/approve"} {
			rec := e.form(t, cookie, path+"?lang=en", url.Values{"reason": {"x"}, "csrf": {"whatever"}})
			wantConsoleRedirect(t, "POST "+path+" signed out", rec, "/console/login?lang=en")
		}
	}
	if got := e.question(t, id).Status; got != store.StatusReceived {
		t.Fatalf("a signed-out POST changed the question: status %s", got)
	}
}

func TestConsoleCSRF(t *testing.T) {
	e := newConsoleEnv(t)
	id, _ := e.ask(t, "Voiko sossu viedä minut pois kotoa?")
	s := e.signIn(t, "mona")
	other := e.signIn(t, "mira")
	path := fmt.Sprintf("/console/questions/%d/reject", id)

	cases := []struct {
		name string
		form url.Values
		hdr  []string
		frag string
	}{
		{"missing", url.Values{"reason": {"Ei kuulu palveluun."}}, nil, "Lomake on vanhentunut"},
		{"wrong", url.Values{"reason": {"Ei kuulu palveluun."}, "csrf": {"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}}, nil, "Lomake on vanhentunut"},
		{"another session's", url.Values{"reason": {"Ei kuulu palveluun."}, "csrf": {other.csrf}}, nil, "Lomake on vanhentunut"},
		{"cross-site", url.Values{"reason": {"Ei kuulu palveluun."}, "csrf": {s.csrf}}, []string{"Sec-Fetch-Site", "cross-site"}, "Lomake lähetettiin toiselta sivustolta"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := e.form(t, s.cookie, path, tc.form, tc.hdr...)
			wantConsolePage(t, "reject with "+tc.name+" CSRF token", rec, http.StatusForbidden, tc.frag)
			if got := e.question(t, id); got.Status != store.StatusReceived || got.RejectReason != "" {
				t.Fatalf("a POST with a %s CSRF token changed the question: %s %q", tc.name, got.Status, got.RejectReason)
			}
		})
	}
	rec := e.form(t, s.cookie, "/console/logout", url.Values{})
	if rec.Code != http.StatusForbidden {
		t.Fatalf("logout without a CSRF token: status %d, want 403", rec.Code)
	}
	wantConsolePage(t, "the session after a refused logout", e.get(t, s, "/console/stats"), http.StatusOK)

	rec = e.post(t, s, path, url.Values{"reason": {"Ei kuulu palveluun."}})
	wantConsoleRedirect(t, "reject with the right token", rec, fmt.Sprintf("/console/questions/%d?lang=fi&ok=rejected", id))
	if got := e.question(t, id); got.Status != store.StatusRejected {
		t.Fatalf("status %s after reject, want rejected", got.Status)
	}
}

func TestConsoleLogout(t *testing.T) {
	e := newConsoleEnv(t)
	s := e.signIn(t, "mona")
	rec := e.post(t, s, "/console/logout?lang=en", nil)
	wantConsoleRedirect(t, "logout", rec, "/console/login?lang=en&ok=signed_out")
	if ck := consoleCookie(rec); ck == nil || ck.MaxAge >= 0 {
		t.Errorf("logout did not delete the cookie: %+v", ck)
	}
	wantConsoleRedirect(t, "the session after logout", e.get(t, s, "/console/stats"), "/console/login?lang=fi&next=%2Fconsole%2Fstats")
	wantConsolePage(t, "login page after logout", e.page(t, "", "/console/login?lang=en&ok=signed_out"), http.StatusOK, "You are signed out.")
}

func TestConsolePagesByRole(t *testing.T) {
	e := newConsoleEnv(t)
	id, _ := e.ask(t, "Mitä tapahtuu kun sossu tulee kotikäynnille?")
	q := fmt.Sprintf("/console/questions/%d", id)
	sessions := map[string]*consoleSession{}
	for name := range consoleAccounts {
		sessions[name] = e.signIn(t, name)
	}
	cases := []struct {
		path    string
		allowed []string
		frag    string // on the page for the allowed
	}{
		{"/console/queue", []string{"mona", "riku", "mira"}, `id="tab-received" aria-current="page"`},
		{"/console/queue?status=spam", []string{"mona", "riku", "mira"}, `id="tab-spam" aria-current="page"`},
		{q, []string{"mona", "riku", "mira"}, "Kysymys #"},
		{"/console/review", []string{"riku", "mira"}, "Ei tarkastettavia vastauksia."},
		{"/console/stats", []string{"mona", "riku", "mira", "kia", "aada"}, "Aika vastaukseen"},
		{"/console/audit", []string{"aada"}, "login"},
	}
	for _, tc := range cases {
		for name, s := range sessions {
			rec := e.get(t, s, tc.path)
			allowed := false
			for _, a := range tc.allowed {
				allowed = allowed || a == name
			}
			if allowed {
				wantConsolePage(t, name+" GET "+tc.path, rec, http.StatusOK, tc.frag, `name="csrf" value="`+s.csrf+`"`)
			} else {
				wantConsolePage(t, name+" GET "+tc.path, rec, http.StatusForbidden, "Sinulla ei ole tähän tarvittavaa roolia.", "Takaisin konsoliin")
			}
		}
	}
	// The front page is the queue for those who work it, what to publish
	// for comms.
	wantConsolePage(t, "mona GET /console", e.get(t, sessions["mona"], "/console"), http.StatusOK, `id="tab-received"`)
	wantConsoleRedirect(t, "kia GET /console", e.get(t, sessions["kia"], "/console"), "/console/schedule?lang=fi")
	// The menu offers only what the role may open.
	body := e.get(t, sessions["kia"], "/console/stats").Body.String()
	if strings.Contains(body, `id="nav-queue"`) || strings.Contains(body, `id="nav-review"`) || strings.Contains(body, `id="nav-audit"`) {
		t.Errorf("comms sees menu entries it may not open:\n%s", body)
	}
	// Forms a role may not use are not offered.
	body = e.get(t, sessions["riku"], q).Body.String()
	for _, f := range []string{`id="reject-submit"`, `id="start-answer"`, `id="redact-submit"`, `id="edit-submit"`} {
		if strings.Contains(body, f) {
			t.Errorf("a reviewer is offered %s", f)
		}
	}
	wantConsolePage(t, "unknown question", e.get(t, sessions["mona"], "/console/questions/9999"), http.StatusNotFound, "ei löytynyt")
	wantConsolePage(t, "bad id", e.get(t, sessions["mona"], "/console/questions/abc"), http.StatusNotFound, "ei löytynyt")
	wantConsolePage(t, "unknown console page", e.get(t, sessions["mona"], "/console/nothing-here"), http.StatusNotFound, "ei löytynyt")
	wantConsolePage(t, "bad status", e.get(t, sessions["mona"], "/console/queue?status=nope"), http.StatusUnprocessableEntity, "Tuntematon tila.")
	wantConsolePage(t, "bad cursor", e.get(t, sessions["mona"], "/console/queue?cursor=bm90LWEtY3Vyc29y"), http.StatusUnprocessableEntity, "Sivutuslinkki ei kelpaa")
}

func TestConsoleEscapesQuestionText(t *testing.T) {
	e := newConsoleEnv(t)
	id, _ := e.ask(t, `<script>alert("x")</script> Mun nimi on Matti Virtanen & <b>kiusaan</b>`)
	s := e.signIn(t, "mona")
	for _, path := range []string{"/console/queue", fmt.Sprintf("/console/questions/%d", id)} {
		rec := e.get(t, s, path)
		body := rec.Body.String()
		wantConsolePage(t, path, rec, http.StatusOK, `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;`, `&lt;b&gt;kiusaan&lt;/b&gt;`)
		if strings.Contains(body, "<script") || strings.Contains(body, "<b>") {
			t.Errorf("%s renders the question's markup unescaped:\n%s", path, body)
		}
	}
	rec := e.get(t, s, fmt.Sprintf("/console/questions/%d", id))
	wantConsolePage(t, "question page", rec, http.StatusOK, `<mark class="redaction">[NAME]</mark>`)
}

func TestConsoleRedactAndEdit(t *testing.T) {
	e := newConsoleEnv(t)
	id, _ := e.ask(t, "Pikku-Myy sanoi että opettaja kiusaa.")
	s := e.signIn(t, "mona")
	base := fmt.Sprintf("/console/questions/%d", id)

	rec := e.post(t, s, base+"/redact", url.Values{"phrase": {"Pikku-Myy"}, "kind": {"NAME"}})
	wantConsoleRedirect(t, "redact more", rec, base+"?lang=fi&ok=redacted")
	if q := e.question(t, id); q.Text != "[NAME] sanoi että opettaja kiusaa." {
		t.Fatalf("after redacting, the text is %q", q.Text)
	}
	wantConsolePage(t, "question after redact", e.get(t, s, base+"?lang=fi&ok=redacted"), http.StatusOK,
		`<div class="qtext"><mark class="redaction">[NAME]</mark> sanoi että opettaja kiusaa.</div>`, "Tiedot poistettu.")

	errs := []struct {
		name   string
		path   string
		form   url.Values
		status int
		frag   string
	}{
		{"phrase not in the text", "/redact", url.Values{"phrase": {"Kallio"}, "kind": {"NAME"}}, http.StatusUnprocessableEntity, "Näitä sanoja ei ole kysymyksessä."},
		{"no phrase", "/redact", url.Values{"phrase": {"  "}, "kind": {"NAME"}}, http.StatusUnprocessableEntity, "Kirjoita poistettavat sanat."},
		{"unknown kind", "/redact", url.Values{"phrase": {"opettaja"}, "kind": {"SHOE"}}, http.StatusUnprocessableEntity, "Valitse tiedon laji listasta."},
		{"empty text", "/edit", url.Values{"text": {"   "}}, http.StatusUnprocessableEntity, "Teksti ei voi olla tyhjä."},
		{"control character", "/edit", url.Values{"text": {"moi\x07"}}, http.StatusUnprocessableEntity, "merkkejä, joita ei voi tallentaa"},
		{"no reason", "/reject", url.Values{"reason": {""}}, http.StatusUnprocessableEntity, "Kirjoita hylkäyksen syy"},
		{"restore a question that is not spam", "/restore", nil, http.StatusConflict, "Tätä ei voi tehdä nykyisessä tilassa."},
		{"no answer text", "/answer", url.Values{"body": {""}}, http.StatusUnprocessableEntity, "Kirjoita vastaus."},
	}
	for _, tc := range errs {
		t.Run(tc.name, func(t *testing.T) {
			before := e.question(t, id)
			rec := e.post(t, s, base+tc.path, tc.form)
			wantConsolePage(t, tc.name, rec, tc.status, tc.frag, `role="alert"`, `<h1 id="page-h">Kysymys #`)
			after := e.question(t, id)
			if after.Text != before.Text || after.Status != before.Status {
				t.Fatalf("a refused %s changed the question", tc.name)
			}
		})
	}
	// What was typed comes back after an error.
	rec = e.post(t, s, base+"/redact", url.Values{"phrase": {"Kallio <i>"}, "kind": {"SCHOOL"}})
	wantConsolePage(t, "redact error keeps input", rec, http.StatusUnprocessableEntity, `value="Kallio &lt;i&gt;"`, `<option value="SCHOOL" selected>`)

	rec = e.post(t, s, base+"/edit", url.Values{"text": {"Opettaja kiusaa minua, soita 040 123 4567"}})
	wantConsoleRedirect(t, "edit", rec, base+"?lang=fi&ok=saved")
	if q := e.question(t, id); q.Text != "Opettaja kiusaa minua, soita [PHONE]" {
		t.Fatalf("edited text %q: the edit was not redacted again", q.Text)
	}
}

func TestConsoleSpamRestoreAndReject(t *testing.T) {
	e := newConsoleEnv(t)
	spam, _ := e.ask(t, "MAINOS osta halpoja kelloja")
	s := e.signIn(t, "mona")
	rec := e.get(t, s, "/console/queue?status=spam")
	wantConsolePage(t, "spam tab", rec, http.StatusOK, fmt.Sprintf(`id="q-%d"`, spam), `<span class="signal">advert</span>`)
	if strings.Contains(e.get(t, s, "/console/queue").Body.String(), fmt.Sprintf(`id="q-%d"`, spam)) {
		t.Error("a spam question is in the inbox")
	}
	base := fmt.Sprintf("/console/questions/%d", spam)
	wantConsolePage(t, "spam question", e.get(t, s, base), http.StatusOK, `id="restore-submit"`)
	wantConsoleRedirect(t, "restore", e.post(t, s, base+"/restore", nil), base+"?lang=fi&ok=restored")
	if got := e.question(t, spam).Status; got != store.StatusReceived {
		t.Fatalf("status %s after restore", got)
	}
	wantConsoleRedirect(t, "reject", e.post(t, s, base+"/reject", url.Values{"reason": {"Tämä ei ole kysymys."}}), base+"?lang=fi&ok=rejected")
	wantConsolePage(t, "rejected question", e.get(t, s, base), http.StatusOK, `id="reject-reason-shown">Tämä ei ole kysymys.<`)
	wantConsolePage(t, "reject twice", e.post(t, s, base+"/reject", url.Values{"reason": {"Uudestaan."}}), http.StatusConflict, "Tätä ei voi tehdä")
}

func TestConsoleQueueOrderAndPages(t *testing.T) {
	e := newConsoleEnv(t)
	var ids []int64
	for i := 0; i < 30; i++ {
		id, _ := e.ask(t, fmt.Sprintf("Kysymys numero %d kotiasioista", i))
		ids = append(ids, id)
		e.clock.Advance(time.Hour)
	}
	urgent, _ := e.ask(t, "HÄTÄ en uskalla mennä kotiin")
	e.clock.Advance(3 * 24 * time.Hour)
	s := e.signIn(t, "mona")
	rec := e.get(t, s, "/console/queue")
	body := rec.Body.String()
	wantConsolePage(t, "queue page 1", rec, http.StatusOK, `<span class="badge urgent">Kiireellinen</span>`, `id="next-page"`, "4 pv")
	rows := regexp.MustCompile(`id="q-(\d+)"`).FindAllStringSubmatch(body, -1)
	if len(rows) != 25 {
		t.Fatalf("page 1 has %d questions, want 25", len(rows))
	}
	if rows[0][1] != strconv.FormatInt(urgent, 10) || rows[1][1] != strconv.FormatInt(ids[0], 10) {
		t.Fatalf("page 1 starts with #%s, #%s; want the urgent #%d, then the oldest #%d", rows[0][1], rows[1][1], urgent, ids[0])
	}
	next := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(body)
	if next == nil {
		t.Fatal("no next page link")
	}
	rec = e.get(t, s, strings.ReplaceAll(next[1], "&amp;", "&"))
	rows2 := regexp.MustCompile(`id="q-(\d+)"`).FindAllStringSubmatch(rec.Body.String(), -1)
	wantConsolePage(t, "queue page 2", rec, http.StatusOK, "Ensimmäinen sivu")
	if len(rows2) != 6 || rows2[5][1] != strconv.FormatInt(ids[29], 10) {
		t.Fatalf("page 2 has %d questions ending in %v; want 6 ending in #%d", len(rows2), rows2, ids[29])
	}
	if strings.Contains(rec.Body.String(), `id="next-page"`) {
		t.Error("the last page offers a next page")
	}
}

func TestConsoleAnswerReviewFlow(t *testing.T) {
	e := newConsoleEnv(t)
	id, receipt := e.ask(t, "Voiko sossu viedä minut pois kotoa jos kerron?")
	dup, dupReceipt := e.ask(t, "Voiko sosiaalityöntekijä viedä minut kotoa?")
	mira := e.signIn(t, "mira")
	mona := e.signIn(t, "mona")
	riku := e.signIn(t, "riku")
	base := fmt.Sprintf("/console/questions/%d", id)

	// mira drafts, edits and sends to review.
	wantConsolePage(t, "new question", e.get(t, mira, base), http.StatusOK, `id="start-answer"`, `<textarea id="answer-body" name="body"`)
	wantConsoleRedirect(t, "start", e.post(t, mira, base+"/answer", url.Values{"body": {"Ei voi noin vain."}}), base+"?lang=fi&ok=draft_started")
	q := e.question(t, id)
	if q.Status != store.StatusAnswering || q.AnswerID == nil {
		t.Fatalf("after starting: status %s, answer %v", q.Status, q.AnswerID)
	}
	aid := *q.AnswerID
	ans := fmt.Sprintf("/console/answers/%d", aid)
	wantConsolePage(t, "second start", e.post(t, mira, base+"/answer", url.Values{"body": {"Toinen."}}), http.StatusConflict, "Tätä ei voi tehdä")
	wantConsolePage(t, "draft", e.get(t, mira, base), http.StatusOK, `id="save-answer"`, `id="submit-answer"`, "Ei voi noin vain.")
	// Another moderator sees the draft but may not change it.
	body := e.get(t, mona, base).Body.String()
	if strings.Contains(body, `id="save-answer"`) || !strings.Contains(body, `id="answer-text"`) {
		t.Errorf("another moderator is offered the author's editor")
	}
	wantConsolePage(t, "edit by another", e.post(t, mona, ans+"/edit", url.Values{"body": {"Minun.", ""}, "question": {strconv.FormatInt(id, 10)}}),
		http.StatusForbidden, "Sinulla ei ole tähän tarvittavaa roolia.")
	wantConsolePage(t, "empty edit", e.post(t, mira, ans+"/edit", url.Values{"body": {" "}, "question": {strconv.FormatInt(id, 10)}}),
		http.StatusUnprocessableEntity, "Kirjoita vastaus.")
	wantConsoleRedirect(t, "save", e.post(t, mira, ans+"/edit", url.Values{"body": {"Ei voi. Sosiaalityöntekijä kuuntelee ensin."}, "question": {strconv.FormatInt(id, 10)}}),
		base+"?lang=fi&ok=draft_saved")

	// Linking: a typed id, and a bad one.
	wantConsolePage(t, "link bad ids", e.post(t, mira, ans+"/link", url.Values{"other_ids": {"12, abc"}, "question": {strconv.FormatInt(id, 10)}}),
		http.StatusUnprocessableEntity, "Kysymysten numerot ovat kokonaislukuja", `value="12, abc"`)
	wantConsolePage(t, "link unknown", e.post(t, mira, ans+"/link", url.Values{"other_ids": {"9999"}, "question": {strconv.FormatInt(id, 10)}}),
		http.StatusNotFound, "ei löytynyt")
	wantConsolePage(t, "link none", e.post(t, mira, ans+"/link", url.Values{"question": {strconv.FormatInt(id, 10)}}),
		http.StatusUnprocessableEntity, "ainakin yksi kysymys")
	wantConsoleRedirect(t, "link", e.post(t, mira, ans+"/link", url.Values{"other_ids": {fmt.Sprintf("#%d", dup)}, "question": {strconv.FormatInt(id, 10)}}),
		base+"?lang=fi&ok=linked")
	wantConsolePage(t, "linked", e.get(t, mira, base), http.StatusOK, fmt.Sprintf(`href="/console/questions/%d?lang=fi">#%d</a>`, dup, dup))

	wantConsoleRedirect(t, "save and submit", e.post(t, mira, ans+"/edit", url.Values{"body": {"Ei voi. Sosiaalityöntekijä kuuntelee ensin ja auttaa."},
		"question": {strconv.FormatInt(id, 10)}, "then": {"submit"}}), base+"?lang=fi&ok=submitted")
	if a := e.answer(t, aid); a.Status != store.AnswerInReview {
		t.Fatalf("answer status %s after submit", a.Status)
	}

	// Four eyes: the author, a reviewer too, is not offered approval, and
	// is refused with a clear message when she sends the form anyway.
	body = e.get(t, mira, base).Body.String()
	if strings.Contains(body, `id="approve"`) || !strings.Contains(body, `id="four-eyes"`) {
		t.Errorf("the author is offered approval of her own answer:\n%s", body)
	}
	if strings.Contains(e.get(t, mira, "/console/review").Body.String(), fmt.Sprintf(`id="approve-%d"`, aid)) {
		t.Error("the author's own answer is on her review list")
	}
	rec := e.post(t, mira, ans+"/approve", nil)
	wantConsolePage(t, "author approves", rec, http.StatusForbidden, "Kirjoitit tämän vastauksen itse", "neljän silmän periaate", "Tarkastettavat vastaukset")
	rec = e.post(t, mira, ans+"/approve?lang=en", url.Values{"back": {"question"}, "question": {strconv.FormatInt(id, 10)}})
	wantConsolePage(t, "author approves from the question page", rec, http.StatusForbidden, "You wrote this answer, so you cannot review it.", "Question #")
	wantConsolePage(t, "author sends back", e.post(t, mira, ans+"/request-changes", url.Values{"comment": {"Hyvä."}}), http.StatusForbidden, "neljän silmän periaate")
	// A moderator without the reviewer role may not approve at all.
	wantConsolePage(t, "moderator approves", e.post(t, mona, ans+"/approve", nil), http.StatusForbidden, "Sinulla ei ole tähän tarvittavaa roolia.")
	if a := e.answer(t, aid); a.Status != store.AnswerInReview {
		t.Fatalf("answer status %s after refused approvals", a.Status)
	}

	// The reviewer sees both questions and the answer.
	rec = e.get(t, riku, "/console/review")
	wantConsolePage(t, "review list", rec, http.StatusOK, fmt.Sprintf(`id="approve-%d"`, aid), "Ei voi. Sosiaalityöntekijä kuuntelee ensin ja auttaa.",
		"Voiko sossu viedä minut pois kotoa jos kerron?", "Voiko sosiaalityöntekijä viedä minut kotoa?")
	wantConsolePage(t, "send back without a comment", e.post(t, riku, ans+"/request-changes", url.Values{"comment": {" "}}),
		http.StatusUnprocessableEntity, "Kirjoita, mitä pitää muuttaa.")
	wantConsoleRedirect(t, "send back", e.post(t, riku, ans+"/request-changes", url.Values{"comment": {"Lisää auttavan puhelimen numero."}}),
		"/console/review?lang=fi&ok=changes_requested")
	wantConsolePage(t, "sent back", e.get(t, mira, base), http.StatusOK, `id="review-comment">Lisää auttavan puhelimen numero.<`, `id="submit-answer"`)
	wantConsoleRedirect(t, "resubmit", e.post(t, mira, ans+"/submit", url.Values{"question": {strconv.FormatInt(id, 10)}}), base+"?lang=fi&ok=submitted")
	wantConsoleRedirect(t, "approve", e.post(t, riku, ans+"/approve", nil), "/console/review?lang=fi&ok=approved")
	wantConsolePage(t, "after approval", e.get(t, riku, "/console/review?ok=approved"), http.StatusOK, "Vastaus hyväksytty.", "Ei tarkastettavia vastauksia.")
	wantConsolePage(t, "approve twice", e.post(t, riku, ans+"/approve", nil), http.StatusConflict, "Tätä ei voi tehdä")

	for _, r := range []string{receipt, dupReceipt} {
		st, err := e.mod.Lookup(context.Background(), r)
		if err != nil || st.Answer == nil || !strings.Contains(*st.Answer, "kuuntelee ensin ja auttaa") {
			t.Fatalf("the receipt does not show the approved answer: %+v %v", st, err)
		}
	}
	// The history names who did what.
	wantConsolePage(t, "history", e.get(t, riku, base), http.StatusOK, "answer.approve", "answer.submit", "<td>riku</td>", "<td>mira</td>", "tarkastaja")
}

func TestConsoleStatsAndAudit(t *testing.T) {
	e := newConsoleEnv(t)
	e.ask(t, "HÄTÄ en uskalla mennä kotiin")
	e.ask(t, "Miten sijaisperhe valitaan?")
	e.ask(t, "MAINOS osta")
	e.clock.Advance(50 * time.Hour)
	kia := e.signIn(t, "kia")
	rec := e.get(t, kia, "/console/stats?lang=en")
	wantConsolePage(t, "stats", rec, http.StatusOK, `id="urgent-waiting">1<`, `>2 d</time>`,
		`<tr id="depth-received"><th scope="row">Received</th><td class="num">2</td></tr>`,
		`<tr id="depth-spam"><th scope="row">Spam</th><td class="num">1</td></tr>`, `id="tta-7d"`, `id="tta-30d"`)

	aada := e.signIn(t, "aada")
	rec = e.get(t, aada, "/console/audit")
	wantConsolePage(t, "audit", rec, http.StatusOK, "user.add", "login")
	if strings.Contains(rec.Body.String(), `id="next-page"`) {
		// Fewer than a page of entries so far.
		t.Error("the only audit page offers a next page")
	}
	for i := 0; i < 60; i++ {
		e.signIn(t, "kia")
	}
	rec = e.get(t, aada, "/console/audit")
	next := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(rec.Body.String())
	if next == nil {
		t.Fatal("a full audit page has no next page link")
	}
	rec = e.get(t, aada, strings.ReplaceAll(next[1], "&amp;", "&"))
	wantConsolePage(t, "audit page 2", rec, http.StatusOK, "Ensimmäinen sivu", "<td class=\"num\">51</td>")
	wantConsolePage(t, "bad audit cursor", e.get(t, aada, "/console/audit?after=-4"), http.StatusUnprocessableEntity, "Sivutuslinkki ei kelpaa")
}

func TestConsoleLeavesPublicPagesAlone(t *testing.T) {
	e := newConsoleEnv(t)
	rec := e.page(t, "", "/nothing-here?lang=sv")
	if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), `href="/static/style.css"`) {
		t.Fatalf("a public 404 is not the public error page: %d\n%s", rec.Code, rec.Body)
	}
	rec = e.page(t, "", "/console/nothing-here")
	wantConsolePage(t, "unknown console page signed out", rec, http.StatusNotFound, `href="/static/console.css"`, `href="/console/login?lang=fi"`)
}
