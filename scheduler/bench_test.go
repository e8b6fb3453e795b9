package scheduler_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"kysy/moderation"
	"kysy/moderation/redact"
	"kysy/scheduler"
	"kysy/store"
)

// BenchmarkPublish10000 is SPEC issue 5's speed item: 10,000 posts due at
// the same minute, published to the feed and a local webhook receiver.
// One op is the whole batch, from the first tick until every post is
// published; it reports posts/s and the seconds the batch took.
//
//	go test ./scheduler -run XXX -bench Publish10000 -benchtime 1x -count 3
func BenchmarkPublish10000(b *testing.B) {
	const n = 10_000
	for range b.N {
		b.StopTimer()
		ctx := context.Background()
		log := slog.New(slog.DiscardHandler)
		db, err := store.Open(ctx, store.Config{Driver: "sqlite", DSN: filepath.Join(b.TempDir(), "bench.db")}, log)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
		var got atomic.Int64
		rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got.Add(1)
			w.WriteHeader(http.StatusNoContent)
		}))
		due := time.Date(2026, 11, 23, 13, 0, 0, 0, time.UTC)
		clock := &testClock{t: due.Add(-time.Hour)}
		mod := moderation.New(db, moderation.Config{MaxChars: 2000}, redact.New(redact.Options{KeepNumbers: redact.DefaultKeepNumbers}), nil, log)
		mod.Now = clock.Now
		cfg := scheduler.Config{Timezone: "Europe/Helsinki", Tick: "@every 15s", MaxDelay: 24 * time.Hour}
		links := scheduler.Links{BaseURL: "https://kysy.example"}
		wh := scheduler.NewWebhook(scheduler.WebhookConfig{Enabled: true, URL: rcv.URL, Secret: hookSecret}, links)
		sch, err := scheduler.New(cfg, db, mod, []scheduler.Channel{scheduler.Feed{}, wh}, scheduler.Options{}, log)
		if err != nil {
			b.Fatal(err)
		}
		sch.Now = clock.Now
		mod.ConfigurePublishing(moderation.PublishConfig{Location: sch.Location(), Channels: []string{"feed", "webhook"},
			BaseURL: "https://kysy.example", MaxDelay: 24 * time.Hour, MaxHashtags: 5})
		if err := seedDuePosts(ctx, db, n, due); err != nil {
			b.Fatal(err)
		}
		clock.Set(due.Add(30 * time.Second))
		b.StartTimer()
		t0 := time.Now()
		if err := sch.Tick(ctx); err != nil {
			b.Fatal(err)
		}
		took := time.Since(t0)
		b.StopTimer()
		counts, _ := db.PostCounts(ctx)
		if counts[store.PostPublished] != n || got.Load() != n {
			b.Fatalf("published %d posts, webhook got %d, want %d", counts[store.PostPublished], got.Load(), n)
		}
		b.ReportMetric(float64(n)/took.Seconds(), "posts/s")
		b.ReportMetric(took.Seconds(), "s/10k")
		rcv.Close()
		db.Close()
	}
}

// seedDuePosts writes n approved answers with scheduled posts due at due,
// straight into the database, in one transaction.
func seedDuePosts(ctx context.Context, db *store.DB, n int, due time.Time) error {
	now := due.Add(-24 * time.Hour)
	u := &store.User{Name: "bench", PasswordHash: "x", Roles: "comms", CreatedAt: now, UpdatedAt: now}
	if err := db.CreateUser(ctx, u); err != nil {
		return err
	}
	qs := make([]*store.Question, n)
	for i := range qs {
		qs[i] = &store.Question{ReceiptHash: []byte(fmt.Sprintf("r%08d", i)), Text: fmt.Sprintf("Kysymys %d: miten sijoitus päättyy?", i),
			Lang: "fi", Status: store.StatusScheduled, ConsentPublish: i%2 == 0, Redactions: "[]", Signals: "[]", CreatedAt: now, UpdatedAt: now}
	}
	if err := db.ImportQuestions(ctx, qs); err != nil {
		return err
	}
	return db.InTx(ctx, func(tx *store.DB) error {
		for i, q := range qs {
			a := &store.Answer{QuestionID: q.ID, Body: fmt.Sprintf("Vastaus %d: sijoitus päättyy, kun sen syyt ovat poissa.", i),
				Status: store.AnswerApproved, AuthorID: u.ID, CreatedAt: now, UpdatedAt: now}
			if err := tx.CreateAnswer(ctx, a); err != nil {
				return err
			}
			q.AnswerID = &a.ID
			if err := tx.UpdateQuestion(ctx, q, store.StatusScheduled, "answer_id"); err != nil {
				return err
			}
			p := &store.Post{AnswerID: a.ID, Status: store.PostScheduled, ScheduledAt: due, Channels: "feed,webhook", Lang: "fi",
				CreatedBy: u.ID, CreatedAt: now, UpdatedAt: now}
			if err := tx.CreatePost(ctx, p); err != nil {
				return err
			}
		}
		return nil
	})
}
