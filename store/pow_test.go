package store_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kysy/store"
)

func TestSpendChallengeOnce(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		exp := time.Date(2026, 11, 22, 17, 20, 5, 0, time.UTC)
		ok, err := db.SpendChallenge(ctx, "aa11", exp)
		if err != nil || !ok {
			t.Fatalf("first spend = %v, %v; want true", ok, err)
		}
		ok, err = db.SpendChallenge(ctx, "aa11", exp)
		if err != nil || ok {
			t.Fatalf("replayed spend = %v, %v; want false, nil", ok, err)
		}
		// Expiry is kept at hour precision only (I2).
		stored, err := db.QueryTimeForTest(ctx, "SELECT expires_at FROM pow_used WHERE challenge = ?", "aa11")
		if err != nil {
			t.Fatal(err)
		}
		if want := time.Date(2026, 11, 22, 18, 0, 0, 0, time.UTC); !stored.Equal(want) {
			t.Fatalf("stored expiry %v, want %v", stored, want)
		}
		// Purging before expiry keeps the record; after, it goes.
		if n, err := db.PurgeSpentChallenges(ctx, exp); err != nil || n != 0 {
			t.Fatalf("purge before expiry removed %d, %v", n, err)
		}
		if ok, _ := db.SpendChallenge(ctx, "aa11", exp); ok {
			t.Fatal("a purge before expiry forgot the challenge")
		}
		if n, err := db.PurgeSpentChallenges(ctx, exp.Add(time.Hour)); err != nil || n != 1 {
			t.Fatalf("purge after expiry removed %d, %v; want 1", n, err)
		}
	})
}

func TestSpendChallengeRace(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		var wins atomic.Int32
		var wg sync.WaitGroup
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := db.SpendChallenge(context.Background(), "race", time.Now().Add(time.Minute))
				if err != nil {
					t.Error(err)
				}
				if ok {
					wins.Add(1)
				}
			}()
		}
		wg.Wait()
		if wins.Load() != 1 {
			t.Fatalf("%d concurrent spends won, want exactly 1", wins.Load())
		}
	})
}
