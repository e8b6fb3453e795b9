package scheduler_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"kysy/moderation"
	"kysy/scheduler"
	"kysy/scheduler/instagram"
	"kysy/scheduler/instagram/igfake"
	"kysy/store"
)

// withInstagram switches the env to the feed and an Instagram channel on a
// local fake of the Graph API.
func (e *env) withInstagram(lease time.Duration) *igfake.Server {
	e.t.Helper()
	fake := igfake.New()
	e.t.Cleanup(fake.Close)
	client := instagram.New(instagram.Config{APIBase: fake.URL + "/v21.0", UserID: igfake.DefaultUserID, AccessToken: igfake.DefaultToken,
		PollInterval: time.Millisecond, MaxPolls: 3})
	links := scheduler.Links{BaseURL: "https://kysy.example"}
	sch, err := scheduler.New(e.cfg, e.db, e.mod, []scheduler.Channel{scheduler.Feed{}, scheduler.NewInstagram(client, links)},
		scheduler.Options{Lease: lease, MaxAttempts: 4, Backoff: time.Second}, slog.New(slog.DiscardHandler))
	if err != nil {
		e.t.Fatal(err)
	}
	sch.Now = e.clock.Now
	e.sch = sch
	e.mod.ConfigurePublishing(moderation.PublishConfig{Location: sch.Location(), Channels: []string{"feed", "instagram"},
		BaseURL: "https://kysy.example", MaxDelay: 24 * time.Hour, MaxHashtags: 5, Quota: client.Quota})
	return fake
}

func (e *env) delivery(postID int64, channel string) store.Delivery {
	e.t.Helper()
	ds, err := e.db.DeliveriesOf(context.Background(), []int64{postID})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, d := range ds {
		if d.Channel == channel {
			return d
		}
	}
	e.t.Fatalf("post %d has no %s delivery", postID, channel)
	return store.Delivery{}
}

func TestInstagramPublishesOnce(t *testing.T) {
	e := newEnv(t)
	fake := e.withInstagram(time.Minute)
	_, aid := e.approved("Mitä jälkihuolto tarkoittaa?", "Jälkihuolto on tukea sijoituksen jälkeen, kunnes täytät 25.", true)
	p := e.schedule(aid, start)
	e.tick()
	if got := e.post(p.ID).Status; got != store.PostPublished {
		t.Fatalf("post %s", got)
	}
	d := e.delivery(p.ID, "instagram")
	c := fake.Calls()
	if d.ContainerID == "" || c.Create != 1 || c.PublishByContainer[d.ContainerID] != 1 {
		t.Fatalf("delivery %+v, calls %+v", d, c)
	}
	if c.ImageURLs[0] != "https://kysy.example/posts/"+itoa(p.ID)+"/card.jpg" || !strings.Contains(c.Captions[0], "jälkihuolto") && !strings.Contains(c.Captions[0], "Jälkihuolto") {
		t.Fatalf("image_url %q caption %q", c.ImageURLs[0], c.Captions[0])
	}
	if c.TokenInURL != 0 {
		t.Fatalf("the token travelled in %d URLs", c.TokenInURL)
	}
	// Instagram cannot delete published media: unpublishing is refused
	// until comms confirm they deleted it there by hand.
	_, err := e.mod.DeletePost(context.Background(), e.comms, p.ID, false)
	var me *moderation.Error
	if !errors.As(err, &me) || me.Code != "instagram_unpublish_refused" {
		t.Fatalf("unpublish: %v", err)
	}
	if got, err := e.mod.DeletePost(context.Background(), e.comms, p.ID, true); err != nil || got.Status != store.PostUnpublished {
		t.Fatalf("unpublish after deleting by hand: %v %v", got, err)
	}
}

func TestInstagramCrashAfterPublishAsksStatus(t *testing.T) {
	e := newEnv(t)
	fake := e.withInstagram(2 * time.Second)
	_, aid := e.approved("Voiko sossu tulla kotiin?", "Voi, kotikäynti on tavallinen osa selvitystä.", true)
	p := e.schedule(aid, start)
	// media_publish goes through at Instagram but the answer never comes
	// back: the attempt times out (half the lease), like a crash mid-call.
	fake.PublishThenHang(1)
	e.tick()
	d := e.delivery(p.ID, "instagram")
	if d.Status != store.DeliveryPending || d.ContainerID == "" {
		t.Fatalf("after the lost answer: %+v", d)
	}
	e.clock.Advance(time.Minute)
	e.tick()
	d = e.delivery(p.ID, "instagram")
	c := fake.Calls()
	if d.Status != store.DeliveryPublished || c.PublishByContainer[d.ContainerID] != 1 || c.Create != 1 || c.Status < 1 {
		t.Fatalf("delivery %+v, calls %+v: the retry must ask the container's status and not publish again", d, c)
	}
}

func TestInstagramErrorsExplained(t *testing.T) {
	e := newEnv(t)
	fake := e.withInstagram(time.Minute)
	_, aid := e.approved("Kysymys", "Vastaus, joka on tarpeeksi pitkä julkaistavaksi.", true)
	p := e.schedule(aid, start)
	fake.FailNext(igfake.Create, 1, igfake.APIError{HTTPStatus: 400, Code: 190, Subcode: 463, Type: "OAuthException", Message: "Error validating access token"})
	e.tick()
	got := e.post(p.ID)
	d := e.delivery(p.ID, "instagram")
	if got.Status != store.PostFailed || d.Status != store.DeliveryFailed || d.Attempts != 1 {
		t.Fatalf("an expired token: post %s, delivery %+v; want failed at once", got.Status, d)
	}
	if !strings.Contains(strings.ToLower(d.LastError), "token") || strings.Contains(d.LastError, igfake.DefaultToken) {
		t.Fatalf("reason %q", d.LastError)
	}
}

func TestInstagramRulesAtScheduling(t *testing.T) {
	e := newEnv(t)
	fake := e.withInstagram(time.Minute)
	ctx := context.Background()
	_, long := e.approved("Pitkä", strings.Repeat("Hyvin pitkä vastaus. ", 120), true)
	at := start.Add(time.Hour)
	_, err := e.mod.SchedulePost(ctx, e.comms, moderation.ScheduleInput{AnswerID: long, At: &at})
	var me *moderation.Error
	if !errors.As(err, &me) || me.Code != "caption_too_long" {
		t.Fatalf("a 2,500-character caption: %v", err)
	}
	// Without Instagram the same answer can go.
	if _, err := e.mod.SchedulePost(ctx, e.comms, moderation.ScheduleInput{AnswerID: long, At: &at, Channels: []string{"feed"}}); err != nil {
		t.Fatal(err)
	}
	_, tags := e.approved("Tunnisteet", "Vastaus #yksi #kaksi #kolme #neljä", true)
	if _, err := e.mod.SchedulePost(ctx, e.comms, moderation.ScheduleInput{AnswerID: tags, At: &at}); !errors.As(err, &me) || me.Code != "too_many_hashtags" {
		t.Fatalf("4 + 2 hashtags over 5: %v", err)
	}
	fake.SetQuota(50, 50)
	_, full := e.approved("Kiintiö", "Vastaus, joka on tarpeeksi pitkä.", true)
	if _, err := e.mod.SchedulePost(ctx, e.comms, moderation.ScheduleInput{AnswerID: full, At: &at}); !errors.As(err, &me) || me.Code != "instagram_quota" {
		t.Fatalf("quota used up: %v", err)
	}
	if q := fake.Calls().Quota; q < 1 {
		t.Fatal("the quota was not read from the API")
	}
}
