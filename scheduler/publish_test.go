package scheduler_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"kysy/moderation"
	"kysy/moderation/redact"
	"kysy/scheduler"
	"kysy/store"
)

const hookSecret = "webhook-secret-0123456789"

// testClock is the injectable clock: tests move it, nothing sleeps.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// receiver is a local webhook endpoint that checks signatures and counts
// deliveries per Idempotency-Key.
type receiver struct {
	t      *testing.T
	srv    *httptest.Server
	mu     sync.Mutex
	n      int
	byKey  map[string]int
	bodies map[int64]scheduler.WebhookPayload
	keys   map[int64]map[string]bool
	status func(n int) int // the answer to the nth request (1-based)
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{t: t, byKey: map[string]int{}, bodies: map[int64]scheduler.WebhookPayload{}, keys: map[int64]map[string]bool{},
		status: func(int) int { return http.StatusOK }}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		if got, want := req.Header.Get("X-Kysy-Signature"), scheduler.Sign(hookSecret, body); got != want {
			t.Errorf("signature %q, want %q", got, want)
		}
		var p scheduler.WebhookPayload
		if err := json.Unmarshal(body, &p); err != nil {
			t.Errorf("webhook body: %v", err)
		}
		key := req.Header.Get("Idempotency-Key")
		r.mu.Lock()
		r.n++
		st := r.status(r.n)
		if st < 300 {
			r.byKey[key]++
			r.bodies[p.ID] = p
			if r.keys[p.ID] == nil {
				r.keys[p.ID] = map[string]bool{}
			}
			r.keys[p.ID][key] = true
		}
		r.mu.Unlock()
		w.WriteHeader(st)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

type env struct {
	t                       *testing.T
	db                      *store.DB
	mod                     *moderation.Service
	sch                     *scheduler.Scheduler
	clock                   *testClock
	hook                    *receiver
	cfg                     scheduler.Config
	author, reviewer, comms *moderation.Actor
}

var start = time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC) // Monday 10:00 in Helsinki

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	db, err := store.Open(ctx, store.Config{Driver: "sqlite", DSN: filepath.Join(t.TempDir(), "p.db")}, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	clock := &testClock{t: start}
	mod := moderation.New(db, moderation.Config{MaxChars: 2000, SessionTTL: time.Hour, LockoutAfter: 5, LockoutFor: time.Minute},
		redact.New(redact.Options{KeepNumbers: redact.DefaultKeepNumbers}), nil, log)
	mod.Now = clock.Now
	e := &env{t: t, db: db, mod: mod, clock: clock, hook: newReceiver(t)}
	e.cfg = scheduler.Config{Timezone: "Europe/Helsinki", Tick: "@every 15s", MaxDelay: 24 * time.Hour,
		Retention: scheduler.RetentionConfig{Rejected: 30 * 24 * time.Hour, UnpublishedAnswered: 180 * 24 * time.Hour}}
	e.sch = e.newScheduler()
	mod.ConfigurePublishing(moderation.PublishConfig{Location: e.sch.Location(), Channels: []string{"feed", "webhook"},
		BaseURL: "https://kysy.example", MaxDelay: 24 * time.Hour, MaxHashtags: 5})
	for _, u := range []struct {
		name  string
		roles []moderation.Role
		to    **moderation.Actor
	}{{"author", []moderation.Role{moderation.RoleModerator}, &e.author}, {"reviewer", []moderation.Role{moderation.RoleReviewer}, &e.reviewer},
		{"comms", []moderation.Role{moderation.RoleComms}, &e.comms}} {
		usr, err := mod.AddUser(ctx, moderation.CLIActor, u.name, "correct horse battery staple", u.roles)
		if err != nil {
			t.Fatal(err)
		}
		*u.to = &moderation.Actor{UserID: usr.ID, Name: u.name, Roles: u.roles}
	}
	return e
}

// newScheduler is one more instance on the same database.
func (e *env) newScheduler() *scheduler.Scheduler {
	links := scheduler.Links{BaseURL: "https://kysy.example"}
	wh := scheduler.NewWebhook(scheduler.WebhookConfig{Enabled: true, URL: e.hook.srv.URL, Secret: hookSecret}, links)
	sch, err := scheduler.New(e.cfg, e.db, e.mod, []scheduler.Channel{scheduler.Feed{}, wh},
		scheduler.Options{Lease: time.Minute, MaxAttempts: 3, Backoff: 10 * time.Second}, slog.New(slog.DiscardHandler))
	if err != nil {
		e.t.Fatal(err)
	}
	sch.Now = e.clock.Now
	return sch
}

// approved makes a question and an approved answer, and returns their ids.
func (e *env) approved(text, answer string, consent bool) (int64, int64) {
	e.t.Helper()
	ctx := context.Background()
	sub, err := e.mod.Submit(ctx, moderation.SubmitInput{Text: text, Lang: "fi", ConsentPublish: consent})
	if err != nil {
		e.t.Fatal(err)
	}
	a, err := e.mod.StartAnswer(ctx, e.author, sub.ID, answer)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.mod.SubmitAnswer(ctx, e.author, a.ID); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.mod.Approve(ctx, e.reviewer, a.ID); err != nil {
		e.t.Fatal(err)
	}
	return sub.ID, a.ID
}

func (e *env) schedule(answerID int64, at time.Time) *store.Post {
	e.t.Helper()
	p, err := e.mod.SchedulePost(context.Background(), e.comms, moderation.ScheduleInput{AnswerID: answerID, At: &at})
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *env) tick() {
	e.t.Helper()
	if err := e.sch.Tick(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) post(id int64) *store.Post {
	e.t.Helper()
	p, err := e.db.PostByID(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *env) question(id int64) *store.Question {
	e.t.Helper()
	q, err := e.db.QuestionByID(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return q
}

func TestPublishOnTime(t *testing.T) {
	e := newEnv(t)
	qid, aid := e.approved("Saako sossu kertoa vanhemmille mitä puhuin?", "Ei saa ilman hyvää syytä. Voit kysyä sossulta suoraan.", true)
	p := e.schedule(aid, start.Add(time.Hour))
	if q := e.question(qid); q.Status != store.StatusScheduled {
		t.Fatalf("question after scheduling: %s", q.Status)
	}
	e.tick()
	if got := e.post(p.ID).Status; got != store.PostScheduled {
		t.Fatalf("before its time the post is %s", got)
	}
	e.clock.Advance(time.Hour)
	e.tick()
	got := e.post(p.ID)
	if got.Status != store.PostPublished || got.PublishedAt == nil {
		t.Fatalf("after its time the post is %s (published_at %v)", got.Status, got.PublishedAt)
	}
	if q := e.question(qid); q.Status != store.StatusPublished {
		t.Fatalf("question after publishing: %s", q.Status)
	}
	body := e.hook.bodies[p.ID]
	if body.Question == nil || *body.Question != "Saako sossu kertoa vanhemmille mitä puhuin?" || body.Answer != got.Answer ||
		body.URL != "https://kysy.example/posts/"+itoa(p.ID) || body.CardURL != body.URL+"/card.png" || body.Caption != got.Caption {
		t.Fatalf("webhook body %+v", body)
	}
	// Ticking again sends nothing more.
	e.clock.Advance(time.Hour)
	e.tick()
	if e.hook.n != 1 {
		t.Fatalf("webhook called %d times, want 1", e.hook.n)
	}
	pub, err := e.db.PublicPosts(context.Background(), 10, nil, 0)
	if err != nil || len(pub) != 1 || pub[0].ID != p.ID {
		t.Fatalf("public posts %v %v", pub, err)
	}
}

func TestWithoutConsentOnlyTheAnswer(t *testing.T) {
	e := newEnv(t)
	_, aid := e.approved("Voiko sijaisperheestä muuttaa pois kesken lukion?", "Voi, jos sijoitus puretaan. Kysy asiasta sosiaalityöntekijältä.", false)
	p := e.schedule(aid, start)
	e.tick()
	got := e.post(p.ID)
	if got.Status != store.PostPublished || got.Question != "" || got.QuestionID != nil {
		t.Fatalf("post without consent: %+v", got)
	}
	if body := e.hook.bodies[p.ID]; body.Question != nil {
		t.Fatalf("webhook carried the question: %q", *body.Question)
	}
	for _, s := range []string{got.Caption, e.hook.bodies[p.ID].Caption} {
		if contains(s, "sijaisperheestä") {
			t.Fatalf("caption carries the question: %q", s)
		}
	}
}

func TestRetriesWithBackoffThenFails(t *testing.T) {
	e := newEnv(t)
	_, aid := e.approved("Kysymys yksi", "Vastaus yksi, joka on tarpeeksi pitkä.", true)
	e.hook.status = func(n int) int {
		if n <= 2 {
			return http.StatusServiceUnavailable
		}
		return http.StatusOK
	}
	p := e.schedule(aid, start)
	e.tick()
	if got := e.post(p.ID).Status; got != store.PostPublishing {
		t.Fatalf("after a 503 the post is %s", got)
	}
	// The retry waits for its backoff: a tick now sends nothing.
	e.tick()
	if e.hook.n != 1 {
		t.Fatalf("retried without waiting: %d calls", e.hook.n)
	}
	for range 2 {
		e.clock.Advance(time.Minute)
		e.tick()
	}
	ds, _ := e.db.DeliveriesOf(context.Background(), []int64{p.ID})
	for _, d := range ds {
		if d.Channel == "webhook" && (d.Status != store.DeliveryPublished || d.Attempts != 3) {
			t.Fatalf("webhook delivery %+v, want published on the 3rd attempt", d)
		}
	}
	if got := e.post(p.ID).Status; got != store.PostPublished {
		t.Fatalf("post %s", got)
	}

	// A receiver that keeps failing: failed after max_attempts, with the reason.
	_, aid2 := e.approved("Kysymys kaksi", "Vastaus kaksi, joka on myös tarpeeksi pitkä.", true)
	e.hook.status = func(int) int { return http.StatusBadGateway }
	p2 := e.schedule(aid2, e.clock.Now())
	for range 5 {
		e.tick()
		e.clock.Advance(2 * time.Minute)
	}
	got := e.post(p2.ID)
	if got.Status != store.PostFailed || !contains(got.Reason, "webhook: the webhook receiver answered 502") {
		t.Fatalf("post %s, reason %q", got.Status, got.Reason)
	}
	fails, _ := e.db.FailedDeliveries(context.Background(), 5)
	if len(fails) != 1 || fails[0].Attempts != 3 {
		t.Fatalf("failed deliveries %+v", fails)
	}
	// publish-now retries the failed channel only.
	e.hook.status = func(int) int { return http.StatusOK }
	if _, err := e.mod.PublishNow(context.Background(), e.comms, p2.ID); err != nil {
		t.Fatal(err)
	}
	e.tick()
	if got := e.post(p2.ID).Status; got != store.PostPublished {
		t.Fatalf("after publish-now: %s", got)
	}
}

func TestPermanentRefusalFailsAtOnce(t *testing.T) {
	e := newEnv(t)
	_, aid := e.approved("Kysymys", "Vastaus, joka on tarpeeksi pitkä.", true)
	e.hook.status = func(int) int { return http.StatusForbidden }
	p := e.schedule(aid, start)
	e.tick()
	got := e.post(p.ID)
	if got.Status != store.PostFailed || !contains(got.Reason, "refused the post with 403") {
		t.Fatalf("post %s, reason %q", got.Status, got.Reason)
	}
	if got.PublishedAt == nil {
		t.Fatal("the feed copy did not go out although the feed delivered")
	}
}

func TestDowntimeAndMissed(t *testing.T) {
	e := newEnv(t)
	q1, a1 := e.approved("Ensimmäinen kysymys", "Ensimmäinen vastaus, joka on tarpeeksi pitkä.", true)
	q2, a2 := e.approved("Toinen kysymys", "Toinen vastaus, joka on tarpeeksi pitkä.", true)
	tooLate := e.schedule(a2, start.Add(30*time.Minute))
	late := e.schedule(a1, start.Add(2*time.Hour))
	// The service was down; it comes back 23 h after the second post's
	// time, 24.5 h after the first's.
	e.clock.Set(start.Add(2*time.Hour + 23*time.Hour))
	e.tick()
	if got := e.post(late.ID); got.Status != store.PostPublished {
		t.Fatalf("a post 23 h late: %s, want published at once", got.Status)
	}
	got := e.post(tooLate.ID)
	if got.Status != store.PostMissed || got.Reason == "" {
		t.Fatalf("a post 24.5 h late: %s (%q), want missed", got.Status, got.Reason)
	}
	if q := e.question(q2); q.Status != store.StatusApproved {
		t.Fatalf("a missed post's question: %s, want approved (waits for a new time)", q.Status)
	}
	if q := e.question(q1); q.Status != store.StatusPublished {
		t.Fatalf("first question %s", q.Status)
	}
	// A new time: publish-now.
	if _, err := e.mod.PublishNow(context.Background(), e.comms, tooLate.ID); err != nil {
		t.Fatal(err)
	}
	e.tick()
	if got := e.post(tooLate.ID).Status; got != store.PostPublished {
		t.Fatalf("missed post after publish-now: %s", got)
	}
}

func TestLastGateReturnsToReview(t *testing.T) {
	e := newEnv(t)
	qid, aid := e.approved("Voinko soittaa jollekin?", "Soita minulle numeroon 040 765 4321, niin jutellaan.", true)
	p := e.schedule(aid, start)
	e.tick()
	got := e.post(p.ID)
	if got.Status != store.PostReturned || !contains(got.Reason, "phone") {
		t.Fatalf("post %s reason %q, want returned for a phone number", got.Status, got.Reason)
	}
	if contains(got.Reason, "765") {
		t.Fatal("the reason repeats the personal detail")
	}
	a, _ := e.db.AnswerByID(context.Background(), aid)
	if a.Status != store.AnswerInReview || a.ReviewComment != got.Reason {
		t.Fatalf("answer %s %q", a.Status, a.ReviewComment)
	}
	if q := e.question(qid); q.Status != store.StatusInReview {
		t.Fatalf("question %s", q.Status)
	}
	if e.hook.n != 0 {
		t.Fatal("the webhook got a post the last gate stopped")
	}
}

func TestTwoSchedulersSendOnce(t *testing.T) {
	e := newEnv(t)
	var ids []int64
	for i := range 30 {
		_, aid := e.approved("Kysymys numero "+itoa(int64(i)), "Vastaus numero "+itoa(int64(i))+" joka on tarpeeksi pitkä.", true)
		ids = append(ids, e.schedule(aid, start).ID)
	}
	other := e.newScheduler()
	var wg sync.WaitGroup
	for _, s := range []*scheduler.Scheduler{e.sch, other, e.sch, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.Tick(context.Background()); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	// Whoever held the lease did the work; the other ticks again later.
	e.tick()
	other.Tick(context.Background())
	for _, id := range ids {
		if got := e.post(id).Status; got != store.PostPublished {
			t.Fatalf("post %d %s", id, got)
		}
		if n := len(e.hook.keys[id]); n != 1 {
			t.Fatalf("post %d reached the webhook under %d keys", id, n)
		}
	}
	for k, n := range e.hook.byKey {
		if n != 1 {
			t.Fatalf("key %s delivered %d times", k, n)
		}
	}
}

func TestWithdrawUnpublishes(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	sub, err := e.mod.Submit(ctx, moderation.SubmitInput{Text: "Voinko perua kysymykseni myöhemmin?", Lang: "fi", ConsentPublish: true})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := e.mod.StartAnswer(ctx, e.author, sub.ID, "Voit, kuittikoodilla milloin tahansa.")
	e.mod.SubmitAnswer(ctx, e.author, a.ID)
	e.mod.Approve(ctx, e.reviewer, a.ID)
	p := e.schedule(a.ID, start)
	e.tick()
	if got := e.post(p.ID); got.Status != store.PostPublished || got.Question == "" {
		t.Fatalf("post %+v", got)
	}
	if err := e.mod.Withdraw(ctx, sub.Receipt); err != nil {
		t.Fatal(err)
	}
	got := e.post(p.ID)
	if got.Status != store.PostUnpublished || got.Question != "" || got.Caption != "" {
		t.Fatalf("after withdrawal: %s %q %q", got.Status, got.Question, got.Caption)
	}
	if _, err := e.db.PublicPost(ctx, p.ID); err == nil {
		t.Fatal("the withdrawn post is still public")
	}
}

func TestRetention(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	rej, _ := e.mod.Submit(ctx, moderation.SubmitInput{Text: "Asiaton kysymys", Lang: "fi"})
	modActor := &moderation.Actor{UserID: e.author.UserID, Name: "author", Roles: []moderation.Role{moderation.RoleModerator}}
	if _, err := e.mod.Reject(ctx, modActor, rej.ID, "Ei kuulu palveluun."); err != nil {
		t.Fatal(err)
	}
	kept, aid := e.approved("Vastattu mutta ei julkaistu", "Vastaus, joka jäi julkaisematta.", false)
	pubQ, pubA := e.approved("Julkaistu kysymys", "Julkaistu vastaus, joka on tarpeeksi pitkä.", true)
	e.schedule(pubA, start)
	e.tick()

	// 29 days on: nothing is old enough.
	e.clock.Advance(29 * 24 * time.Hour)
	e.sch.Now = e.clock.Now
	if err := e.sch.Retention(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.QuestionByID(ctx, rej.ID); err != nil {
		t.Fatalf("rejected question gone after 29 days: %v", err)
	}
	// 31 days: the rejected one goes.
	e.clock.Advance(2 * 24 * time.Hour)
	if err := e.sch.Retention(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.QuestionByID(ctx, rej.ID); err == nil {
		t.Fatal("rejected question kept after 31 days")
	}
	if _, err := e.db.QuestionByID(ctx, kept); err != nil {
		t.Fatal("answered question deleted after 31 days")
	}
	// 181 days: the answered-but-unpublished one and its answer go; the
	// published one stays.
	e.clock.Advance(150 * 24 * time.Hour)
	if err := e.sch.Retention(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.QuestionByID(ctx, kept); err == nil {
		t.Fatal("unpublished answered question kept after 181 days")
	}
	if _, err := e.db.AnswerByID(ctx, aid); err == nil {
		t.Fatal("its answer was kept")
	}
	if q := e.question(pubQ); q.Status != store.StatusPublished {
		t.Fatalf("published question %s", q.Status)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func TestRescheduleReplacesMissed(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, aid := e.approved("Kysymys ajasta", "Vastaus, joka on tarpeeksi pitkä julkaistavaksi.", true)
	old := e.schedule(aid, start.Add(time.Hour))
	e.clock.Set(start.Add(26 * time.Hour))
	e.tick()
	if got := e.post(old.ID).Status; got != store.PostMissed {
		t.Fatalf("post %s, want missed", got)
	}
	fresh := e.schedule(aid, e.clock.Now().Add(time.Hour))
	if got := e.post(old.ID).Status; got != store.PostCancelled {
		t.Fatalf("the missed post after a new one: %s, want cancelled", got)
	}
	if _, err := e.mod.PublishNow(ctx, e.comms, old.ID); err == nil {
		t.Fatal("the replaced post could still be published")
	}
	e.clock.Advance(time.Hour)
	e.tick()
	if got := e.post(fresh.ID).Status; got != store.PostPublished || e.hook.n != 1 {
		t.Fatalf("new post %s, webhook calls %d", got, e.hook.n)
	}
}
