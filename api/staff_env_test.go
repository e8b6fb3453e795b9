package api_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"kysy/api"
	"kysy/moderation"
	"kysy/moderation/redact"
	"kysy/store"
)

// staffPassword is every test account's password.
const staffPassword = "correct horse battery staple"

// staffSessionTTL is the console session lifetime in staff tests.
const staffSessionTTL = 8 * time.Hour

// staffClock is the moderation clock of the staff and console tests: it
// starts at a fixed hour and moves only when a test says so.
type staffClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *staffClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *staffClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// staffEnv is a real server over a temporary SQLite file with staff
// accounts, their API tokens, and a second database/sql handle on the same
// file for snapshots and query plans.
type staffEnv struct {
	*testEnv
	mod   *moderation.Service
	clock *staffClock
	path  string
	raw   *sql.DB
	// tokens holds a bearer token per credential name (see newStaffEnv).
	tokens map[string]string
	// actors holds the actor per account name.
	actors map[string]*moderation.Actor
}

// staffAccounts are the accounts of newStaffEnv and their roles.
var staffAccounts = []struct {
	name  string
	roles []moderation.Role
}{
	{"anna", []moderation.Role{moderation.RoleModerator, moderation.RoleReviewer}},
	{"mika", []moderation.Role{moderation.RoleModerator}},
	{"ritva", []moderation.Role{moderation.RoleReviewer}},
	{"kaisa", []moderation.Role{moderation.RoleComms}},
	{"aatu", []moderation.Role{moderation.RoleAdmin}},
	{"dora", []moderation.Role{moderation.RoleModerator, moderation.RoleReviewer}},
}

// openStaffServer wires store, moderation and api over the SQLite file at
// path, as main does, with the staff policy of the tests.
func openStaffServer(tb testing.TB, path string, change ...func(*api.Config)) (*testEnv, *moderation.Service) {
	tb.Helper()
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	db, err := store.Open(ctx, store.Config{Driver: "sqlite", DSN: path}, log)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	cfg := testConfig()
	for _, f := range change {
		f(&cfg)
	}
	mod := moderation.New(db, moderation.Config{MaxChars: cfg.Inbox.MaxChars, SessionTTL: staffSessionTTL,
		LockoutAfter: 5, LockoutFor: 15 * time.Minute}, redact.New(redact.Options{}), nil, log)
	srv, err := api.New(cfg, mod, db, log)
	if err != nil {
		tb.Fatal(err)
	}
	return &testEnv{srv: srv, db: db, h: srv.Handler()}, mod
}

// newStaffEnv builds a server with the accounts of staffAccounts and these
// bearer tokens: one per account name; "disabled", dora's, made before
// her account was disabled; "expired", mika's, whose one-minute lifetime
// has passed.
func newStaffEnv(t *testing.T) *staffEnv {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "staff.db")
	te, mod := openStaffServer(t, path)
	clock := &staffClock{t: time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)}
	mod.Now = clock.Now
	e := &staffEnv{testEnv: te, mod: mod, clock: clock, path: path,
		tokens: map[string]string{}, actors: map[string]*moderation.Actor{}}
	for _, a := range staffAccounts {
		if _, err := mod.AddUser(ctx, moderation.CLIActor, a.name, staffPassword, a.roles); err != nil {
			t.Fatal(err)
		}
		tok, err := mod.CreateToken(ctx, moderation.CLIActor, a.name, 0)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[a.name] = tok
		if e.actors[a.name], err = mod.AuthenticateToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
	}
	e.tokens["disabled"] = e.tokens["dora"]
	if err := mod.DisableUser(ctx, moderation.CLIActor, "dora"); err != nil {
		t.Fatal(err)
	}
	exp, err := mod.CreateToken(ctx, moderation.CLIActor, "mika", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	e.tokens["expired"] = exp
	clock.Advance(2 * time.Minute)

	raw, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	e.raw = raw
	return e
}

// cred is one way of presenting staff credentials.
type cred struct {
	name   string
	bearer string
	cookie string
	csrf   string
}

func (c cred) headers(method string) []string {
	var h []string
	if c.bearer != "" {
		h = append(h, "Authorization", "Bearer "+c.bearer)
	}
	if c.cookie != "" {
		h = append(h, "Cookie", "kysy_staff="+c.cookie)
		if c.csrf != "" && method != http.MethodGet {
			h = append(h, "X-CSRF-Token", c.csrf)
		}
	}
	return h
}

func (e *staffEnv) bearer(name string) cred { return cred{name: name, bearer: e.tokens[name]} }

// login opens a console session for name through moderation, as the
// console's sign-in form does.
func (e *staffEnv) login(t *testing.T, name string) cred {
	t.Helper()
	res, err := e.mod.Login(context.Background(), name, staffPassword, "")
	if err != nil {
		t.Fatalf("login %s: %v", name, err)
	}
	return cred{name: name + " (session)", cookie: res.Cookie, csrf: res.CSRF}
}

// call sends a staff request with credentials c; a non-empty body goes as
// JSON. Every staff response is checked for what it must never carry.
func (e *staffEnv) call(t *testing.T, c cred, method, path, body string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	ctype := ""
	if body != "" {
		ctype = "application/json"
	}
	rec := e.do(t, method, path, ctype, body, append(c.headers(method), hdr...)...)
	if sc := rec.Header().Values("Set-Cookie"); len(sc) > 0 {
		t.Errorf("%s %s as %s set a cookie: %q", method, path, c.name, sc)
	}
	if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("%s %s as %s: Cache-Control %q, want no-store", method, path, c.name, cc)
	}
	return rec
}

// expect checks a response's status and, for errors, its code.
func expect(t *testing.T, rec *httptest.ResponseRecorder, status int, code string) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status %d, want %d: %s", rec.Code, status, rec.Body)
	}
	if code != "" {
		if got := decodeErr(t, rec).Error.Code; got != code {
			t.Fatalf("code %q, want %q: %s", got, code, rec.Body)
		}
	}
}

func decodeInto(t *testing.T, rec *httptest.ResponseRecorder, v any) {
	t.Helper()
	if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
		t.Fatalf("body is not the JSON expected: %v: %s", err, rec.Body)
	}
}

// question submits a question through moderation and returns its id and
// receipt.
func (e *staffEnv) question(t *testing.T, text string) (int64, string) {
	t.Helper()
	sub, err := e.mod.Submit(context.Background(), moderation.SubmitInput{Text: text, Lang: "fi", ConsentPublish: true})
	if err != nil {
		t.Fatal(err)
	}
	return sub.ID, sub.Receipt
}

// storeQuestion writes a question straight into the store, for statuses
// and flags that intake without a triager never sets (spam, urgent).
func (e *staffEnv) storeQuestion(t *testing.T, text string, status store.Status, urgent bool) int64 {
	t.Helper()
	h := make([]byte, 32)
	rand.Read(h)
	now := e.clock.Now().Truncate(time.Hour)
	signals := "[]"
	if urgent {
		signals = `["violence"]`
	}
	q := &store.Question{ReceiptHash: h, Text: text, Lang: "fi", Status: status, Urgent: urgent,
		Spam: status == store.StatusSpam, Redactions: "[]", Signals: signals, CreatedAt: now, UpdatedAt: now}
	if err := e.db.CreateQuestion(context.Background(), q); err != nil {
		t.Fatal(err)
	}
	return q.ID
}

// draft starts an answer by author to a new question; it returns the
// question and answer ids.
func (e *staffEnv) draft(t *testing.T, author string) (int64, int64) {
	t.Helper()
	qid, _ := e.question(t, "Mitä tapahtuu kun sossu tulee kotikäynnille?")
	a, err := e.mod.StartAnswer(context.Background(), e.actors[author], qid, "Sosiaalityöntekijä juttelee teidän kanssanne.")
	if err != nil {
		t.Fatal(err)
	}
	return qid, a.ID
}

// inReview is draft, sent to review.
func (e *staffEnv) inReview(t *testing.T, author string) (int64, int64) {
	t.Helper()
	qid, aid := e.draft(t, author)
	if _, err := e.mod.SubmitAnswer(context.Background(), e.actors[author], aid); err != nil {
		t.Fatal(err)
	}
	return qid, aid
}

// snapshot is everything a staff request can change, read through a
// connection of its own: the questions and answers, the audit head, and
// the sessions.
func (e *staffEnv) snapshot(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT id, status, text, redactions, spam, urgent, reject_reason, answer_id, updated_at FROM questions ORDER BY id`,
		`SELECT id, status, body, reviewer_id, review_comment, updated_at, submitted_at, approved_at FROM answers ORDER BY id`,
		`SELECT last_id, hex(hash) FROM audit_head`,
		`SELECT id, user_id FROM staff_sessions ORDER BY id`,
		`SELECT id, disabled, failed_logins FROM staff_users ORDER BY id`,
	} {
		rows, err := e.raw.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%v\n", vals)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	return b.String()
}

func (e *staffEnv) questionRow(t *testing.T, id int64) *store.Question {
	t.Helper()
	q, err := e.db.QuestionByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func (e *staffEnv) answerRow(t *testing.T, id int64) *store.Answer {
	t.Helper()
	as, err := e.db.AnswersByIDs(context.Background(), []int64{id})
	if err != nil || len(as) != 1 {
		t.Fatalf("answer %d: %v (%d rows)", id, err, len(as))
	}
	return &as[0]
}

// queueQueries are the statements store.Queue sends (as GORM builds them)
// for a first page and for a page after a cursor.
var queueQueries = []struct {
	name string
	sql  string
	args []any
}{
	{"first page", "SELECT * FROM `questions` WHERE status = ? AND urgent = ? ORDER BY created_at, id LIMIT 51",
		[]any{"received", true}},
	{"after a cursor", "SELECT * FROM `questions` WHERE (status = ? AND urgent = ?) AND (created_at, id) > (?, ?) ORDER BY created_at, id LIMIT 51",
		[]any{"received", false, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), 1000}},
}

// explain returns SQLite's query plan for query, one step a line.
func explain(tb testing.TB, db *sql.DB, query string, args ...any) string {
	tb.Helper()
	rows, err := db.Query("EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			tb.Fatal(err)
		}
		fmt.Fprintf(&b, "%s\n", detail)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return b.String()
}
