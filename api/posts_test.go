package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"kysy/moderation"
	"kysy/scheduler"
	"kysy/store"
)

// publishing wires the staff env for posts: Helsinki slots, the feed
// channel, and a scheduler on the test clock.
func (e *staffEnv) publishing(t *testing.T) *scheduler.Scheduler {
	t.Helper()
	cfg := scheduler.Config{Timezone: "Europe/Helsinki", Tick: "@every 15s", MaxDelay: 24 * time.Hour}
	sch, err := scheduler.New(cfg, e.db, e.mod, []scheduler.Channel{scheduler.Feed{}}, scheduler.Options{}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	sch.Now = e.clock.Now
	e.mod.ConfigurePublishing(moderation.PublishConfig{Location: sch.Location(), Channels: []string{"feed"},
		BaseURL: "http://127.0.0.1:8080", MaxDelay: 24 * time.Hour, MaxHashtags: 5})
	return sch
}

// approvedAnswer makes a question (with or without consent) and an
// approved answer to it.
func (e *staffEnv) approvedAnswer(t *testing.T, question, answer string, consent bool) (int64, int64) {
	t.Helper()
	ctx := context.Background()
	sub, err := e.mod.Submit(ctx, moderation.SubmitInput{Text: question, Lang: "fi", ConsentPublish: consent})
	if err != nil {
		t.Fatal(err)
	}
	a, err := e.mod.StartAnswer(ctx, e.actors["mika"], sub.ID, answer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.mod.SubmitAnswer(ctx, e.actors["mika"], a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.mod.Approve(ctx, e.actors["ritva"], a.ID); err != nil {
		t.Fatal(err)
	}
	return sub.ID, a.ID
}

type postJSON struct {
	ID          int64             `json:"id"`
	AnswerID    int64             `json:"answer_id"`
	Status      string            `json:"status"`
	ScheduledAt time.Time         `json:"scheduled_at"`
	PublishedAt *time.Time        `json:"published_at"`
	Channels    map[string]string `json:"channels"`
}

func TestStaffSlotsAndPosts(t *testing.T) {
	e := newStaffEnv(t)
	sch := e.publishing(t)
	comms, mod := e.bearer("kaisa"), e.bearer("mika")

	// Slots: checked with a clear error, and only comms may set them.
	rec := e.call(t, comms, "PUT", "/api/v1/staff/slots", `{"slots":["0 15 * * 1,3,5","61 9 * * *"]}`)
	expect(t, rec, 422, "invalid_slots")
	if !strings.Contains(decodeErr(t, rec).Error.Message, `Slot 2 ("61 9 * * *")`) {
		t.Fatalf("message %s", rec.Body)
	}
	rec = e.call(t, comms, "GET", "/api/v1/staff/slots", "")
	if rec.Code != 200 || strings.TrimSpace(rec.Body.String()) != `{"slots":[]}` {
		t.Fatalf("slots after a refused PUT: %s", rec.Body)
	}
	expect(t, e.call(t, mod, "PUT", "/api/v1/staff/slots", `{"slots":["0 15 * * 1"]}`), 403, "forbidden")
	expect(t, e.call(t, comms, "PUT", "/api/v1/staff/slots", `{"slots":["0 15 * * 1,3,5"], "x": 1}`), 400, "unknown_field")
	rec = e.call(t, comms, "PUT", "/api/v1/staff/slots", `{"slots":["0  15 * * 1,3,5"]}`)
	if rec.Code != 200 || strings.TrimSpace(rec.Body.String()) != `{"slots":["0 15 * * 1,3,5"]}` {
		t.Fatalf("PUT slots: %d %s", rec.Code, rec.Body)
	}

	// POST /posts without a time: the next free slot. The clock is Monday
	// 3 March 2025 09:02 UTC; 15:00 in Helsinki (EET) is 13:00 UTC.
	_, a1 := e.approvedAnswer(t, "Saako sossu kertoa koululle?", "Vain jos se on tarpeen sinun tukemiseksi.", true)
	_, a2 := e.approvedAnswer(t, "Voiko sijaisperheen vaihtaa?", "Voi, jos sijoitus ei toimi. Puhu sossun kanssa.", false)
	var c1, c2 postJSON
	rec = e.call(t, comms, "POST", "/api/v1/staff/posts", fmt.Sprintf(`{"answer_id":%d}`, a1))
	expect(t, rec, 201, "")
	decodeInto(t, rec, &c1)
	if want := time.Date(2025, 3, 3, 13, 0, 0, 0, time.UTC); !c1.ScheduledAt.Equal(want) || c1.Status != "scheduled" {
		t.Fatalf("first post %+v, want scheduled at %v", c1, want)
	}
	rec = e.call(t, comms, "POST", "/api/v1/staff/posts", fmt.Sprintf(`{"answer_id":%d}`, a2))
	decodeInto(t, rec, &c2)
	if want := time.Date(2025, 3, 5, 13, 0, 0, 0, time.UTC); !c2.ScheduledAt.Equal(want) {
		t.Fatalf("second post at %v, want the next free slot %v", c2.ScheduledAt, want)
	}
	// Refusals change nothing.
	_, inReview := e.inReview(t, "mika")
	expect(t, e.call(t, comms, "POST", "/api/v1/staff/posts", fmt.Sprintf(`{"answer_id":%d}`, inReview)), 409, "invalid_transition")
	expect(t, e.call(t, comms, "POST", "/api/v1/staff/posts", fmt.Sprintf(`{"answer_id":%d}`, a1)), 409, "already_scheduled")
	expect(t, e.call(t, comms, "POST", "/api/v1/staff/posts", fmt.Sprintf(`{"answer_id":%d,"at":"tomorrow"}`, inReview)), 422, "invalid_time")
	expect(t, e.call(t, comms, "POST", "/api/v1/staff/posts", fmt.Sprintf(`{"answer_id":%d,"at":"2020-01-01T10:00:00Z"}`, a1)), 422, "invalid_time")
	expect(t, e.call(t, comms, "POST", "/api/v1/staff/posts", fmt.Sprintf(`{"answer_id":%d,"channels":["instagram"]}`, a1)), 422, "invalid_channel")
	expect(t, e.call(t, comms, "POST", "/api/v1/staff/posts", `{}`), 422, "answer_id_required")
	expect(t, e.call(t, mod, "POST", "/api/v1/staff/posts", fmt.Sprintf(`{"answer_id":%d}`, a1)), 403, "forbidden")

	var page struct {
		Items      []postJSON `json:"items"`
		NextCursor *string    `json:"next_cursor"`
	}
	rec = e.call(t, comms, "GET", "/api/v1/staff/posts?status=scheduled", "")
	decodeInto(t, rec, &page)
	if len(page.Items) != 2 || page.Items[0].Channels["feed"] != "scheduled" || page.NextCursor != nil {
		t.Fatalf("scheduled posts %s", rec.Body)
	}
	expect(t, e.call(t, comms, "GET", "/api/v1/staff/posts?status=nonsense", ""), 422, "invalid_status")

	// The preview: caption and card as they will go out.
	rec = e.call(t, comms, "GET", fmt.Sprintf("/api/v1/staff/posts/%d/preview", c2.ID), "")
	var pv struct {
		Question *string  `json:"question"`
		Answer   string   `json:"answer"`
		Caption  string   `json:"caption"`
		CardURL  string   `json:"card_url"`
		Findings []string `json:"findings"`
	}
	decodeInto(t, rec, &pv)
	if pv.Question != nil || !strings.Contains(pv.Caption, "Voi, jos sijoitus ei toimi.") || strings.Contains(pv.Caption, "sijaisperheen") || len(pv.Findings) != 0 {
		t.Fatalf("preview without consent %s", rec.Body)
	}
	rec = e.call(t, comms, "GET", fmt.Sprintf("/api/v1/staff/posts/%d/preview/card.png", c2.ID), "")
	if cfg, format, err := image.DecodeConfig(bytes.NewReader(rec.Body.Bytes())); err != nil || format != "png" || cfg.Width != 1080 || cfg.Height != 1350 {
		t.Fatalf("preview card: %d %v %s %+v", rec.Code, err, format, cfg)
	}

	// Unschedule the first, publish the second now.
	rec = e.call(t, comms, "DELETE", fmt.Sprintf("/api/v1/staff/posts/%d", c1.ID), "")
	var del postJSON
	decodeInto(t, rec, &del)
	if del.Status != "cancelled" {
		t.Fatalf("DELETE a scheduled post: %s", rec.Body)
	}
	if a, _ := e.db.AnswerByID(context.Background(), a1); a.Status != store.AnswerApproved {
		t.Fatalf("answer after unscheduling: %s", a.Status)
	}
	rec = e.call(t, comms, "POST", fmt.Sprintf("/api/v1/staff/posts/%d/publish-now", c2.ID), "")
	expect(t, rec, 200, "")
	if err := sch.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	rec = e.call(t, comms, "GET", "/api/v1/staff/posts?status=published", "")
	decodeInto(t, rec, &page)
	if len(page.Items) != 1 || page.Items[0].ID != c2.ID || page.Items[0].Channels["feed"] != "published" || page.Items[0].PublishedAt == nil {
		t.Fatalf("published posts %s", rec.Body)
	}
	expect(t, e.call(t, comms, "POST", fmt.Sprintf("/api/v1/staff/posts/%d/publish-now", c2.ID), ""), 409, "invalid_transition")
	rec = e.call(t, e.bearer("anna"), "GET", "/api/v1/staff/stats", "")
	var st struct {
		Posts map[string]map[string]int64 `json:"posts"`
	}
	decodeInto(t, rec, &st)
	if st.Posts["feed"]["published"] != 1 {
		t.Fatalf("stats posts %s", rec.Body)
	}
}

func TestPublicPostsAndFeeds(t *testing.T) {
	e := newStaffEnv(t)
	sch := e.publishing(t)
	ctx := context.Background()
	// An empty JSON Feed still has its items, as the format requires.
	if body := e.do(t, "GET", "/feed.json", "", "").Body.String(); !strings.Contains(body, `"items": []`) {
		t.Fatalf("empty JSON feed: %s", body)
	}
	var ids []int64
	for i, consent := range []bool{true, false, true} {
		_, aid := e.approvedAnswer(t, fmt.Sprintf("Kysymys %d: mitä sijoitus tarkoittaa äidille?", i),
			fmt.Sprintf("Vastaus %d: sijoitus tarkoittaa, että asut muualla. <b>ei html</b>", i), consent)
		at := e.clock.Now()
		p, err := e.mod.SchedulePost(ctx, e.actors["kaisa"], moderation.ScheduleInput{AnswerID: aid, At: &at})
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(time.Minute)
		ids = append(ids, p.ID)
	}

	// JSON, newest first, paged.
	rec := e.do(t, "GET", "/api/v1/posts?limit=2", "", "")
	var page struct {
		Items []struct {
			ID          int64     `json:"id"`
			Question    *string   `json:"question"`
			Answer      string    `json:"answer"`
			PublishedAt time.Time `json:"published_at"`
			URL         string    `json:"url"`
			CardURL     string    `json:"card_url"`
		} `json:"items"`
		NextCursor *string `json:"next_cursor"`
	}
	decodeInto(t, rec, &page)
	if len(page.Items) != 2 || page.Items[0].ID != ids[2] || page.NextCursor == nil ||
		page.Items[0].URL != fmt.Sprintf("http://127.0.0.1:8080/posts/%d", ids[2]) || page.Items[0].CardURL != page.Items[0].URL+"/card.png" {
		t.Fatalf("first page %s", rec.Body)
	}
	if page.Items[1].Question != nil {
		t.Fatalf("the post without consent shows its question: %s", rec.Body)
	}
	rec = e.do(t, "GET", "/api/v1/posts?limit=2&cursor="+*page.NextCursor, "", "")
	decodeInto(t, rec, &page)
	if len(page.Items) != 1 || page.Items[0].ID != ids[0] || page.NextCursor != nil || page.Items[0].Question == nil {
		t.Fatalf("second page %s", rec.Body)
	}
	if rec := e.do(t, "GET", "/api/v1/posts?cursor=bogus!", "", ""); rec.Code != 400 || decodeErr(t, rec).Error.Code != "invalid_cursor" {
		t.Fatalf("bad cursor: %d %s", rec.Code, rec.Body)
	}

	// Pages: escaped, the question only with consent.
	rec = e.do(t, "GET", "/posts?lang=fi", "", "")
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, "Kysymys 2: mitä sijoitus tarkoittaa äidille?") || strings.Contains(body, "Kysymys 1:") ||
		!strings.Contains(body, "&lt;b&gt;ei html&lt;/b&gt;") || strings.Contains(body, "<b>ei html") {
		t.Fatalf("posts page %d:\n%s", rec.Code, body)
	}
	if rec := e.do(t, "GET", fmt.Sprintf("/posts/%d", ids[1]), "", ""); rec.Code != 200 || strings.Contains(rec.Body.String(), "Kysymys 1:") {
		t.Fatalf("post page without consent: %d", rec.Code)
	}
	if rec := e.do(t, "GET", "/posts/999999", "", ""); rec.Code != 404 {
		t.Fatalf("unknown post: %d", rec.Code)
	}
	for ext, format := range map[string]string{"png": "png", "jpg": "jpeg"} {
		rec := e.do(t, "GET", fmt.Sprintf("/posts/%d/card.%s", ids[0], ext), "", "")
		cfg, f, err := image.DecodeConfig(bytes.NewReader(rec.Body.Bytes()))
		if rec.Code != 200 || err != nil || f != format || cfg.Width != 1080 || cfg.Height != 1350 {
			t.Fatalf("card.%s: %d %v %s %+v", ext, rec.Code, err, f, cfg)
		}
	}

	// Feeds, from a feed library: parse each.
	rec = e.do(t, "GET", "/feed.atom", "", "")
	var atom struct {
		Entries []struct {
			Title string `xml:"title"`
			ID    string `xml:"id"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(rec.Body.Bytes(), &atom); err != nil || len(atom.Entries) != 3 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/atom+xml") {
		t.Fatalf("atom: %v %d entries %q", err, len(atom.Entries), rec.Header().Get("Content-Type"))
	}
	if atom.Entries[0].Title != "Kysymys 2: mitä sijoitus tarkoittaa äidille?" || strings.Contains(rec.Body.String(), "Kysymys 1:") {
		t.Fatalf("atom entries %+v", atom.Entries)
	}
	rec = e.do(t, "GET", "/feed.rss", "", "")
	var rss struct {
		Items []struct {
			Title string `xml:"title"`
		} `xml:"channel>item"`
	}
	if err := xml.Unmarshal(rec.Body.Bytes(), &rss); err != nil || len(rss.Items) != 3 {
		t.Fatalf("rss: %v %d items", err, len(rss.Items))
	}
	rec = e.do(t, "GET", "/feed.json", "", "")
	var jf struct {
		Version string `json:"version"`
		Items   []struct {
			ID  string `json:"id"`
			URL string `json:"url"`
		} `json:"items"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &jf); err != nil || len(jf.Items) != 3 || !strings.Contains(jf.Version, "jsonfeed.org") {
		t.Fatalf("json feed: %v %s", err, rec.Body)
	}

	// Unpublished: gone from pages, feeds and the card.
	if _, err := e.mod.DeletePost(ctx, e.actors["kaisa"], ids[0], false); err != nil {
		t.Fatal(err)
	}
	if rec := e.do(t, "GET", fmt.Sprintf("/posts/%d/card.png", ids[0]), "", ""); rec.Code != 404 {
		t.Fatalf("card of an unpublished post: %d", rec.Code)
	}
	if strings.Contains(e.do(t, "GET", "/feed.atom", "", "").Body.String(), "Kysymys 0:") {
		t.Fatal("an unpublished post is still in the feed")
	}
}

func TestFailedDeliveryReasonInStatsAndConsole(t *testing.T) {
	e := newStaffEnv(t)
	e.publishing(t)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusForbidden) }))
	t.Cleanup(rcv.Close)
	links := scheduler.Links{BaseURL: "http://127.0.0.1:8080"}
	wh := scheduler.NewWebhook(scheduler.WebhookConfig{Enabled: true, URL: rcv.URL, Secret: "a-secret-long-enough"}, links)
	sch, err := scheduler.New(scheduler.Config{Timezone: "Europe/Helsinki", Tick: "@every 15s", MaxDelay: 24 * time.Hour}, e.db, e.mod,
		[]scheduler.Channel{scheduler.Feed{}, wh}, scheduler.Options{}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	sch.Now = e.clock.Now
	e.mod.ConfigurePublishing(moderation.PublishConfig{Location: sch.Location(), Channels: []string{"feed", "webhook"},
		BaseURL: "http://127.0.0.1:8080", MaxDelay: 24 * time.Hour, MaxHashtags: 5})
	_, aid := e.approvedAnswer(t, "Kysymys", "Vastaus, joka on tarpeeksi pitkä.", true)
	at := e.clock.Now()
	p, err := e.mod.SchedulePost(context.Background(), e.actors["kaisa"], moderation.ScheduleInput{AnswerID: aid, At: &at})
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	rec := e.call(t, e.bearer("anna"), "GET", "/api/v1/staff/stats", "")
	var st struct {
		Posts    map[string]map[string]int64 `json:"posts"`
		Failures []struct {
			PostID  int64  `json:"post_id"`
			Channel string `json:"channel"`
			Reason  string `json:"reason"`
		} `json:"post_failures"`
	}
	decodeInto(t, rec, &st)
	if st.Posts["webhook"]["failed"] != 1 || st.Posts["feed"]["published"] != 1 || len(st.Failures) != 1 ||
		st.Failures[0].PostID != p.ID || !strings.Contains(st.Failures[0].Reason, "refused the post with 403") {
		t.Fatalf("stats %s", rec.Body)
	}
	comms := e.login(t, "kaisa")
	page := e.do(t, "GET", "/console/stats", "", "", comms.headers("GET")...)
	if page.Code != 200 || !strings.Contains(page.Body.String(), "refused the post with 403") || !strings.Contains(page.Body.String(), `id="channel-webhook"`) {
		t.Fatalf("console stats %d:\n%s", page.Code, page.Body)
	}
}
