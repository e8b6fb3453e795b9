package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"kysy/store"
)

// seedPost makes a user, a question, an approved answer and a post with
// one delivery per channel, due at at.
func seedPost(t *testing.T, db *store.DB, at time.Time, channels ...string) *store.Post {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	u := &store.User{Name: fmt.Sprintf("u%d", now.UnixNano()), PasswordHash: "x", Roles: "comms", CreatedAt: now, UpdatedAt: now}
	if err := db.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	q := &store.Question{ReceiptHash: []byte(fmt.Sprint(now.UnixNano())), Text: "q", Lang: "fi", Status: store.StatusApproved, CreatedAt: now, UpdatedAt: now}
	if err := db.CreateQuestion(ctx, q); err != nil {
		t.Fatal(err)
	}
	a := &store.Answer{QuestionID: q.ID, Body: "a", Status: store.AnswerApproved, AuthorID: u.ID, CreatedAt: now, UpdatedAt: now}
	if err := db.CreateAnswer(ctx, a); err != nil {
		t.Fatal(err)
	}
	p := &store.Post{AnswerID: a.ID, QuestionID: &q.ID, Status: store.PostPublishing, ScheduledAt: at, Channels: "webhook", Lang: "fi",
		CreatedBy: u.ID, CreatedAt: now, UpdatedAt: now}
	if err := db.CreatePost(ctx, p); err != nil {
		t.Fatal(err)
	}
	var ds []store.Delivery
	for _, c := range channels {
		ds = append(ds, store.Delivery{PostID: p.ID, Channel: c, Status: store.DeliveryPending, IdempotencyKey: fmt.Sprintf("k-%d-%s", p.ID, c),
			NextAttemptAt: at, UpdatedAt: now})
	}
	if err := db.CreateDeliveries(ctx, ds); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestClaimDeliveriesExclusive(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Second)
		for range 20 {
			seedPost(t, db, now.Add(-time.Minute), "feed", "webhook")
		}
		// Eight claimers race for the 40 deliveries.
		var mu sync.Mutex
		got := map[int64]string{}
		var wg sync.WaitGroup
		for w := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				owner := fmt.Sprintf("w%d", w)
				for {
					ds, err := db.ClaimDeliveries(ctx, owner, now, time.Minute, 3)
					if err != nil {
						t.Error(err)
						return
					}
					if len(ds) == 0 {
						return
					}
					mu.Lock()
					for _, d := range ds {
						if prev, ok := got[d.ID]; ok {
							t.Errorf("delivery %d claimed by %s and %s", d.ID, prev, owner)
						}
						got[d.ID] = owner
						if d.Status != store.DeliverySending || d.LeaseOwner != owner || d.Attempts != 1 {
							t.Errorf("claimed delivery %+v", d)
						}
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if len(got) != 40 {
			t.Fatalf("%d deliveries claimed, want 40", len(got))
		}
		// Before the lease runs out nobody else gets them; after, they are
		// due again (their owner is taken to be dead).
		if ds, _ := db.ClaimDeliveries(ctx, "late", now.Add(30*time.Second), time.Minute, 100); len(ds) != 0 {
			t.Fatalf("claimed %d deliveries under a live lease", len(ds))
		}
		ds, err := db.ClaimDeliveries(ctx, "late", now.Add(2*time.Minute), time.Minute, 100)
		if err != nil || len(ds) != 40 || ds[0].Attempts != 2 {
			t.Fatalf("after the lease: %d claimed (%v)", len(ds), err)
		}
		// The old owner's outcome is dropped; the new owner's counts.
		posts, err := db.FinishDeliveries(ctx, "w0", now, []store.DeliveryOutcome{{ID: ds[0].ID, Status: store.DeliveryPublished}})
		if err != nil || len(posts) != 0 {
			t.Fatalf("finish by a lost lease: %v %v", posts, err)
		}
		posts, err = db.FinishDeliveries(ctx, "late", now, []store.DeliveryOutcome{{ID: ds[0].ID, Status: store.DeliveryPublished, ExternalID: "x"}})
		if err != nil || len(posts) != 1 || posts[0] != ds[0].PostID {
			t.Fatalf("finish by the owner: %v %v", posts, err)
		}
	})
}

func TestAcquireJob(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now()
		ok, err := db.AcquireJob(ctx, "publish", "a", now, time.Minute)
		if err != nil || !ok {
			t.Fatalf("first: %v %v", ok, err)
		}
		if ok, _ := db.AcquireJob(ctx, "publish", "b", now.Add(time.Second), time.Minute); ok {
			t.Fatal("b took a live lease")
		}
		if ok, _ := db.AcquireJob(ctx, "publish", "a", now.Add(time.Second), time.Minute); !ok {
			t.Fatal("a could not renew its own lease")
		}
		if ok, _ := db.AcquireJob(ctx, "publish", "b", now.Add(2*time.Minute), time.Minute); !ok {
			t.Fatal("b could not take an expired lease")
		}
	})
}
