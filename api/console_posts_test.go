package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"kysy/moderation"
	"kysy/store"
)

// helsinki is the scheduler.timezone of the comms console tests.
func helsinki(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	return loc
}

// newCommsEnv is a console over a moderation that publishes in Helsinki
// time on the given channels (feed and webhook when none are named).
func newCommsEnv(t *testing.T, channels ...string) *consoleEnv {
	t.Helper()
	e := newConsoleEnv(t)
	if len(channels) == 0 {
		channels = []string{moderation.ChannelFeed, moderation.ChannelWebhook}
	}
	e.mod.ConfigurePublishing(moderation.PublishConfig{Location: helsinki(t), Channels: channels,
		BaseURL: "https://kysy.example", MaxDelay: 24 * time.Hour, MaxHashtags: 5})
	return e
}

// actor signs name in through moderation and returns the session's actor.
func (e *consoleEnv) actor(t *testing.T, name string) *moderation.Actor {
	t.Helper()
	ctx := context.Background()
	res, err := e.mod.Login(ctx, name, consolePassword, "")
	if err != nil {
		t.Fatal(err)
	}
	a, _, err := e.mod.Session(ctx, res.Cookie)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// approved makes an approved answer to a new question (asked with consent
// to publish when consent is true): mira writes it, riku approves it.
func (e *consoleEnv) approved(t *testing.T, question, answer string, consent bool) int64 {
	t.Helper()
	ctx := context.Background()
	sub, err := e.mod.Submit(ctx, moderation.SubmitInput{Text: question, Lang: "fi", ConsentPublish: consent})
	if err != nil {
		t.Fatal(err)
	}
	mira, riku := e.actor(t, "mira"), e.actor(t, "riku")
	a, err := e.mod.StartAnswer(ctx, mira, sub.ID, answer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.mod.SubmitAnswer(ctx, mira, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.mod.Approve(ctx, riku, a.ID); err != nil {
		t.Fatal(err)
	}
	return a.ID
}

func (e *consoleEnv) postRow(t *testing.T, id int64) *store.Post {
	t.Helper()
	p, err := e.db.PostByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (e *consoleEnv) slots(t *testing.T) []string {
	t.Helper()
	s, err := e.db.Slots(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func wantNoStore(t *testing.T, what string, rec interface{ Header() http.Header }) {
	t.Helper()
	if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("%s: Cache-Control %q, want no-store", what, cc)
	}
}

func TestConsolePostsScheduleFlow(t *testing.T) {
	e := newCommsEnv(t)
	aid := e.approved(t, "Voiko sossu tulla kouluun?", "Voi, jos siihen on hyvä syy. Sinulle kerrotaan aina miksi.", true)
	hidden := e.approved(t, "Saako sossu kertoa vanhemmille?", "Ei kaikkea. Kysy sosiaalityöntekijältä suoraan.", false)
	kia := e.signIn(t, "kia")

	rec := e.get(t, kia, "/console/schedule?lang=en")
	wantConsolePage(t, "schedule page", rec, http.StatusOK, fmt.Sprintf(`id="schedule-%d"`, aid), fmt.Sprintf(`id="schedule-%d"`, hidden),
		"Language: fi", "The question is shown with the answer.", "No consent: only the answer is published.",
		`id="nav-schedule" aria-current="page"`, "Voi, jos siihen on hyvä syy.",
		fmt.Sprintf(`id="ch-%d-feed" name="channels" value="feed" checked`, aid),
		fmt.Sprintf(`id="ch-%d-webhook" name="channels" value="webhook" checked`, aid),
		"Europe/Helsinki", "There are no posting slots")
	wantNoStore(t, "schedule page", rec)

	path := fmt.Sprintf("/console/schedule/%d?lang=en", aid)
	rec = e.post(t, kia, path, url.Values{"when": {"next"}, "channels": {"feed"}})
	wantConsolePage(t, "next slot without slots", rec, http.StatusUnprocessableEntity, "There are no posting slots. Set slots first", `role="alert"`)
	rec = e.post(t, kia, path, url.Values{"when": {"next"}})
	wantConsolePage(t, "no channel ticked", rec, http.StatusUnprocessableEntity, "Tick at least one channel.")

	// Slots: Monday, Wednesday, Friday 15:00 and every day 9:30, Helsinki
	// time. The clock is Monday 2025-03-03 09:00 UTC, 11:00 in Helsinki.
	rec = e.post(t, kia, "/console/slots?lang=en", url.Values{"slots": {"0 15 * * 1,3,5\r\n\r\n30  9 * * *\r\n"}})
	wantConsoleRedirect(t, "save slots", rec, "/console/slots?lang=en&ok=slots_saved")
	if got := e.slots(t); !slices.Equal(got, []string{"0 15 * * 1,3,5", "30 9 * * *"}) {
		t.Fatalf("slots %q after saving", got)
	}
	rec = e.get(t, kia, "/console/slots?lang=en&ok=slots_saved")
	wantConsolePage(t, "slots after saving", rec, http.StatusOK, "Slots saved.", "0 15 * * 1,3,5\n30 9 * * *</textarea>",
		`<time datetime="2025-03-03T13:00:00Z">2025-03-03 15:00 EET</time>`,
		`<time datetime="2025-03-04T07:30:00Z">2025-03-04 09:30 EET</time>`,
		"2025-03-05 09:30 EET", "2025-03-05 15:00 EET", "2025-03-06 09:30 EET", "minute hour day month weekday")
	if strings.Contains(rec.Body.String(), "2025-03-07") {
		t.Error("the slots page shows more than five times")
	}

	// Schedule in the next free slot, on the feed only.
	rec = e.post(t, kia, path, url.Values{"when": {"next"}, "channels": {"feed"}})
	wantConsoleRedirect(t, "schedule", rec, "/console/posts/1?lang=en&ok=scheduled")
	p := e.postRow(t, 1)
	if p.AnswerID != aid || p.Status != store.PostScheduled || !p.ScheduledAt.Equal(time.Date(2025, 3, 3, 13, 0, 0, 0, time.UTC)) || p.Channels != "feed" {
		t.Fatalf("post after scheduling: %+v", p)
	}
	rec = e.get(t, kia, "/console/posts/1?lang=en&ok=scheduled")
	wantConsolePage(t, "post page", rec, http.StatusOK, "Post scheduled.", "Post #1", `data-status="scheduled"`,
		`<time datetime="2025-03-03T13:00:00Z" id="post-time">2025-03-03 15:00 EET</time>`,
		`src="/api/v1/staff/posts/1/preview/card.png"`, `<pre class="caption" id="post-caption">`,
		`id="post-question">Voiko sossu tulla kouluun?</div>`, `id="publish-now"`, `id="unschedule"`,
		`href="/console/week?day=2025-03-03&amp;lang=en"`)
	if strings.Contains(rec.Body.String(), `id="findings"`) {
		t.Error("the post page warns of personal details the answer does not have")
	}
	wantNoStore(t, "post page", rec)

	// The list, the week, and the answer gone from the schedule page.
	rec = e.get(t, kia, "/console/posts?lang=en")
	wantConsolePage(t, "posts", rec, http.StatusOK, `id="post-row-1"`, `href="/console/posts/1?lang=en"`, "2025-03-03 15:00 EET",
		"Website and feeds: Scheduled")
	wantConsolePage(t, "posts filtered", e.get(t, kia, "/console/posts?status=scheduled&lang=en"), http.StatusOK, `id="post-row-1"`)
	wantConsolePage(t, "posts filtered", e.get(t, kia, "/console/posts?status=published&lang=en"), http.StatusOK, `id="posts-empty"`)
	wantConsolePage(t, "posts, bad status", e.get(t, kia, "/console/posts?status=nope&lang=en"), http.StatusUnprocessableEntity, "Unknown status.")
	rec = e.get(t, kia, "/console/week?lang=en")
	wantConsolePage(t, "week", rec, http.StatusOK, "Week 10: 2025-03-03 – 2025-03-09", `id="week-post-1"`,
		`<time datetime="2025-03-03T13:00:00Z">15:00</time>`, `<th scope="col" id="day-1" class="today">Monday`,
		`href="/console/week?day=2025-02-24&amp;lang=en"`, `href="/console/week?day=2025-03-10&amp;lang=en"`)
	if !strings.Contains(rec.Body.String(), `id="day-2025-03-03" class="today">`) {
		t.Error("the post is not under Monday")
	}
	rec = e.get(t, kia, "/console/week?day=2025-03-10&lang=en")
	wantConsolePage(t, "next week", rec, http.StatusOK, "Week 11: 2025-03-10 – 2025-03-16")
	if strings.Contains(rec.Body.String(), `id="week-post-1"`) {
		t.Error("next week shows this week's post")
	}
	wantConsolePage(t, "week, bad day", e.get(t, kia, "/console/week?day=3.3.2025&lang=en"), http.StatusUnprocessableEntity, "The day must be a date")
	rec = e.get(t, kia, "/console/schedule?lang=en")
	if strings.Contains(rec.Body.String(), fmt.Sprintf(`id="schedule-%d"`, aid)) {
		t.Error("a scheduled answer is still on the list to publish")
	}
	wantConsolePage(t, "schedule page after", rec, http.StatusOK, fmt.Sprintf(`id="schedule-%d"`, hidden),
		`The next free slot is <time datetime="2025-03-04T07:30:00Z">2025-03-04 09:30 EET</time>`)

	// At a date and time, in Helsinki time; a bad or past time is refused.
	path = fmt.Sprintf("/console/schedule/%d?lang=en", hidden)
	rec = e.post(t, kia, path, url.Values{"when": {"at"}, "date": {"2025-03-05"}, "time": {"25:00"}, "channels": {"feed", "webhook"}})
	wantConsolePage(t, "bad time", rec, http.StatusUnprocessableEntity, "The date or time is not valid.", `value="2025-03-05"`, `value="25:00"`,
		fmt.Sprintf(`id="when-at-%d" name="when" value="at" checked`, hidden))
	rec = e.post(t, kia, path, url.Values{"when": {"at"}, "date": {"2025-03-01"}, "time": {"12:00"}, "channels": {"feed"}})
	wantConsolePage(t, "past time", rec, http.StatusUnprocessableEntity, "The time must be in the future")
	rec = e.post(t, kia, path, url.Values{"when": {"at"}, "date": {"2025-03-05"}, "time": {"12:00"}, "channels": {"feed", "instagram"}})
	wantConsolePage(t, "a channel not in use", rec, http.StatusUnprocessableEntity, "The channel is not in use.")
	if _, err := e.db.PostByID(context.Background(), 2); err == nil {
		t.Fatal("a refused form made a post")
	}
	rec = e.post(t, kia, path, url.Values{"when": {"at"}, "date": {"2025-03-05"}, "time": {"12:00"}, "channels": {"feed", "webhook"}})
	wantConsoleRedirect(t, "schedule at a time", rec, "/console/posts/2?lang=en&ok=scheduled")
	if p := e.postRow(t, 2); !p.ScheduledAt.Equal(time.Date(2025, 3, 5, 10, 0, 0, 0, time.UTC)) || p.Channels != "feed,webhook" {
		t.Fatalf("post at a time: %+v", p)
	}
	wantConsolePage(t, "post without the question", e.get(t, kia, "/console/posts/2?lang=en"), http.StatusOK,
		`id="post-question-hidden"`, `Website and feeds: <span class="status">Scheduled</span>`, `Webhook: <span class="status">Scheduled</span>`)
	rec = e.post(t, kia, path, url.Values{"when": {"next"}, "channels": {"feed"}})
	wantConsolePage(t, "scheduled twice", rec, http.StatusConflict, "This answer already has a post.")

	// In Finnish too.
	wantConsolePage(t, "week in Finnish", e.get(t, kia, "/console/week?day=2025-03-05&lang=fi"), http.StatusOK,
		"Viikko 10: 2025-03-03 – 2025-03-09", "Keskiviikko <time datetime=\"2025-03-05\">5.3.</time>", `id="week-post-2"`, "Ajastettu")
	wantConsolePage(t, "schedule in Finnish", e.get(t, kia, "/console/schedule?lang=fi"), http.StatusOK, `id="schedule-empty"`,
		"Julkaisua odottavia hyväksyttyjä vastauksia ei ole.", `id="nav-posts"`)
}

func TestConsolePostsForbidden(t *testing.T) {
	e := newCommsEnv(t)
	aid := e.approved(t, "Voiko sossu tulla kouluun?", "Voi, jos siihen on hyvä syy.", true)
	if _, err := e.mod.SetSlots(context.Background(), e.actor(t, "kia"), []string{"0 15 * * *"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.mod.SchedulePost(context.Background(), e.actor(t, "kia"), moderation.ScheduleInput{AnswerID: aid}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"mona", "riku", "mira"} {
		s := e.signIn(t, name)
		for _, path := range []string{"/console/schedule", "/console/posts", "/console/posts/1", "/console/slots", "/console/week"} {
			rec := e.get(t, s, path+"?lang=en")
			wantConsolePage(t, name+" GET "+path, rec, http.StatusForbidden, "You do not have the role this needs.")
		}
		for path, form := range map[string]url.Values{
			"/console/slots":                         {"slots": {"0 9 * * *"}},
			fmt.Sprintf("/console/schedule/%d", aid): {"when": {"next"}, "channels": {"feed"}},
			"/console/posts/1/publish-now":           nil,
			"/console/posts/1/remove":                {"confirm": {"yes"}},
		} {
			rec := e.post(t, s, path+"?lang=en", form)
			wantConsolePage(t, name+" POST "+path, rec, http.StatusForbidden, "You do not have the role this needs.")
		}
		if strings.Contains(e.get(t, s, "/console/stats").Body.String(), `id="nav-schedule"`) {
			t.Errorf("%s is offered the comms pages", name)
		}
	}
	if got := e.slots(t); !slices.Equal(got, []string{"0 15 * * *"}) {
		t.Fatalf("slots %q after refused forms", got)
	}
	if p := e.postRow(t, 1); p.Status != store.PostScheduled {
		t.Fatalf("post %s after refused forms", p.Status)
	}
	// An admin may.
	aada := e.signIn(t, "aada")
	wantConsolePage(t, "admin's schedule page", e.get(t, aada, "/console/schedule"), http.StatusOK, `id="nav-schedule"`)
	// Signed out, the pages lead to the sign-in.
	wantConsoleRedirect(t, "week signed out", e.page(t, "", "/console/week"), "/console/login?lang=fi&next=%2Fconsole%2Fweek")
}

func TestConsolePostsInvalidSlots(t *testing.T) {
	e := newCommsEnv(t)
	kia := e.signIn(t, "kia")
	rec := e.post(t, kia, "/console/slots?lang=en", url.Values{"slots": {"0 15 * * 1,3,5"}})
	wantConsoleRedirect(t, "save slots", rec, "/console/slots?lang=en&ok=slots_saved")
	audit := e.snapshotAuditHead(t)

	cases := []struct{ name, text, want string }{
		{"out of range", "0 15 * * 1,3,5\n61 25 * * *", "Line 2 (61 25 * * *) is not accepted."},
		{"too few fields", "0 15 *", "Line 1 (0 15 *) is not accepted."},
		{"twice", "0 9 * * *\n0  9 * * *", "Line 2 (0 9 * * *) is not accepted."},
		{"time zone", "CRON_TZ=UTC 0 9 * * *", "Line 1 (CRON_TZ=UTC 0 9 * * *) is not accepted."},
		{"never", "0 9 30 2 *", "Line 1 (0 9 30 2 *) is not accepted."},
		{"too many", strings.Repeat("0 9 * * *\n", 51), "At most 50 slots."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := e.post(t, kia, "/console/slots?lang=en", url.Values{"slots": {tc.text}})
			wantConsolePage(t, tc.name, rec, http.StatusUnprocessableEntity, tc.want, `role="alert"`, `aria-invalid="true"`,
				// The editor keeps what was typed; the times are the saved slots'.
				strings.Split(tc.text, "\n")[0], "2025-03-03 15:00 EET")
			if got := e.slots(t); !slices.Equal(got, []string{"0 15 * * 1,3,5"}) {
				t.Fatalf("slots %q after an invalid form", got)
			}
		})
	}
	if got := e.snapshotAuditHead(t); got != audit {
		t.Fatal("an invalid form wrote to the audit log")
	}
	rec = e.post(t, kia, "/console/slots?lang=fi", url.Values{"slots": {"0 15 * * 8"}})
	wantConsolePage(t, "in Finnish", rec, http.StatusUnprocessableEntity, "Rivi 1 (0 15 * * 8) ei kelpaa.")
	// An empty list removes every slot.
	rec = e.post(t, kia, "/console/slots?lang=en", url.Values{"slots": {"\n"}})
	wantConsoleRedirect(t, "clear slots", rec, "/console/slots?lang=en&ok=slots_saved")
	wantConsolePage(t, "no slots", e.get(t, kia, "/console/slots?lang=en"), http.StatusOK, `id="no-slots"`)
}

// snapshotAuditHead is the audit log's head, which every audited change moves.
func (e *consoleEnv) snapshotAuditHead(t *testing.T) string {
	t.Helper()
	es, err := e.mod.AuditPage(context.Background(), moderation.CLIActor, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(len(es))
}

func TestConsolePostsPublishNowAndRemove(t *testing.T) {
	e := newCommsEnv(t, moderation.ChannelFeed, moderation.ChannelInstagram)
	ctx := context.Background()
	kia := e.signIn(t, "kia")
	a1 := e.approved(t, "Voiko sossu tulla kouluun?", "Voi, jos siihen on hyvä syy.", true)
	a2 := e.approved(t, "Saako sossu kertoa vanhemmille?", "Ei kaikkea.", true)
	a3 := e.approved(t, "Mitä tapahtuu kotikäynnillä?", "Jutellaan.", true)
	for _, aid := range []int64{a1, a2, a3} {
		rec := e.post(t, kia, fmt.Sprintf("/console/schedule/%d?lang=en", aid),
			url.Values{"when": {"at"}, "date": {"2025-03-10"}, "time": {"12:00"}, "channels": {"feed", "instagram"}})
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("schedule %d: %d %s", aid, rec.Code, rec.Body)
		}
	}

	// Unschedule: the answer is back on the list, its question approved.
	rec := e.post(t, kia, "/console/posts/3/remove?lang=en", nil)
	wantConsoleRedirect(t, "unschedule", rec, "/console/posts/3?lang=en&ok=unscheduled")
	if p := e.postRow(t, 3); p.Status != store.PostCancelled {
		t.Fatalf("post 3 %s after unscheduling", p.Status)
	}
	wantConsolePage(t, "schedule page after unscheduling", e.get(t, kia, "/console/schedule?lang=en"), http.StatusOK, fmt.Sprintf(`id="schedule-%d"`, a3))
	wantConsolePage(t, "cancelled post", e.get(t, kia, "/console/posts/3?lang=en&ok=unscheduled"), http.StatusOK,
		"Post unscheduled.", `data-status="cancelled"`)
	if strings.Contains(e.get(t, kia, "/console/posts/3?lang=en").Body.String(), `id="publish-now"`) {
		t.Error("a cancelled post offers publish now")
	}
	rec = e.post(t, kia, "/console/posts/3/remove?lang=en", nil)
	wantConsolePage(t, "unschedule twice", rec, http.StatusConflict, "This cannot be done in the current status.")

	// Publish now: due at once.
	rec = e.post(t, kia, "/console/posts/1/publish-now?lang=en", nil)
	wantConsoleRedirect(t, "publish now", rec, "/console/posts/1?lang=en&ok=published_now")
	if p := e.postRow(t, 1); p.Status != store.PostScheduled || !p.ScheduledAt.Equal(e.clock.Now().Truncate(time.Second)) {
		t.Fatalf("post 1 after publish now: %s at %s", p.Status, p.ScheduledAt)
	}
	rec = e.post(t, kia, "/console/posts/2/publish-now?lang=en", nil)
	wantConsoleRedirect(t, "publish now", rec, "/console/posts/2?lang=en&ok=published_now")
	if _, err := e.mod.StartDue(ctx, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	wantConsolePage(t, "post going out", e.get(t, kia, "/console/posts/1?lang=en"), http.StatusOK, `data-status="publishing"`,
		`Website and feeds: <span class="status">Waiting</span>`, `Instagram: <span class="status">Waiting</span>`, `id="unpublish"`)
	rec = e.post(t, kia, "/console/posts/1/publish-now?lang=en", nil)
	wantConsolePage(t, "publish now twice", rec, http.StatusConflict, "This cannot be done in the current status.")

	// Unpublish asks first; then it goes.
	rec = e.post(t, kia, "/console/posts/1/remove?lang=en", nil)
	wantConsolePage(t, "unpublish, the confirmation", rec, http.StatusOK, `id="confirm-unpublish"`, `name="confirm" value="yes"`,
		"Are you sure?")
	if p := e.postRow(t, 1); p.Status != store.PostPublishing {
		t.Fatalf("post 1 %s before the confirmation", p.Status)
	}
	wantConsolePage(t, "confirmation by link", e.get(t, kia, "/console/posts/1?confirm=remove&lang=en"), http.StatusOK, `id="confirm-unpublish"`)
	rec = e.post(t, kia, "/console/posts/1/remove?lang=en", url.Values{"confirm": {"yes"}})
	wantConsoleRedirect(t, "unpublish", rec, "/console/posts/1?lang=en&ok=unpublished")
	if p := e.postRow(t, 1); p.Status != store.PostUnpublished {
		t.Fatalf("post 1 %s after unpublishing", p.Status)
	}

	// On Instagram: refused until the checkbox says it was deleted there.
	if err := e.db.SetDeliveries(ctx, 2, []store.DeliveryStatus{store.DeliveryPending}, store.DeliveryPublished, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	rec = e.post(t, kia, "/console/posts/2/remove?lang=en", nil)
	wantConsolePage(t, "unpublish from Instagram, the confirmation", rec, http.StatusOK, `id="instagram-removed" name="instagram_removed" value="true"`,
		"I deleted it on Instagram")
	rec = e.post(t, kia, "/console/posts/2/remove?lang=en", url.Values{"confirm": {"yes"}})
	wantConsolePage(t, "unpublish from Instagram unticked", rec, http.StatusConflict, "Instagram does not let the service delete it",
		`id="instagram-removed"`, `role="alert"`)
	if p := e.postRow(t, 2); p.Status == store.PostUnpublished {
		t.Fatal("refused, the post was unpublished anyway")
	}
	rec = e.post(t, kia, "/console/posts/2/remove?lang=en", url.Values{"confirm": {"yes"}, "instagram_removed": {"true"}})
	wantConsoleRedirect(t, "unpublish after deleting on Instagram", rec, "/console/posts/2?lang=en&ok=unpublished")
	if p := e.postRow(t, 2); p.Status != store.PostUnpublished {
		t.Fatalf("post 2 %s after unpublishing", p.Status)
	}
	wantConsolePage(t, "unpublished list", e.get(t, kia, "/console/posts?status=unpublished&lang=en"), http.StatusOK,
		`id="post-row-1"`, `id="post-row-2"`, "Instagram: Unpublished")

	wantConsolePage(t, "unknown post", e.get(t, kia, "/console/posts/99?lang=en"), http.StatusNotFound)
	wantConsolePage(t, "unknown post, publish now", e.post(t, kia, "/console/posts/99/publish-now?lang=en", nil), http.StatusNotFound)
}

func TestConsolePostsFindings(t *testing.T) {
	e := newCommsEnv(t)
	kia := e.signIn(t, "kia")
	aid := e.approved(t, "Voiko sossu tulla kouluun?", "Soita meille numeroon 040 123 4567 tai kirjoita.", true)
	rec := e.post(t, kia, fmt.Sprintf("/console/schedule/%d?lang=en", aid),
		url.Values{"when": {"at"}, "date": {"2025-03-10"}, "time": {"12:00"}, "channels": {"feed"}})
	wantConsoleRedirect(t, "schedule", rec, "/console/posts/1?lang=en&ok=scheduled")
	wantConsolePage(t, "post with findings", e.get(t, kia, "/console/posts/1?lang=en"), http.StatusOK, `id="findings"`,
		"The last check before publishing would find personal details:", "Phone number [PHONE]")
}
