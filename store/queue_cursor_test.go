package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"kysy/store"
)

// TestQueueCursor: pages of two, after each page's last question, visit
// every question of the status once, urgent first, then oldest, then by
// id, also where several arrived in the same hour.
func TestQueueCursor(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		base := time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)
		type q struct {
			hour   int
			urgent bool
			status store.Status
		}
		var urgent, plain []int64
		for i, in := range []q{{2, false, store.StatusReceived}, {0, true, store.StatusReceived}, {0, false, store.StatusReceived},
			{1, false, store.StatusSpam}, {0, false, store.StatusReceived}, {2, true, store.StatusReceived},
			{0, true, store.StatusReceived}, {1, false, store.StatusReceived}, {2, false, store.StatusReceived}} {
			at := base.Add(time.Duration(in.hour) * time.Hour)
			row := &store.Question{ReceiptHash: []byte{byte(i), 9}, Text: "kysymys", Lang: "fi", Status: in.status,
				Urgent: in.urgent, Redactions: "[]", Signals: "[]", CreatedAt: at, UpdatedAt: at}
			if err := db.CreateQuestion(ctx, row); err != nil {
				t.Fatal(err)
			}
			if in.status != store.StatusReceived {
				continue
			}
			if in.urgent {
				urgent = append(urgent, row.ID)
			} else {
				plain = append(plain, row.ID)
			}
		}
		byTime := func(ids []int64) []int64 {
			rows := map[int64]time.Time{}
			for _, id := range ids {
				r, err := db.QuestionByID(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				rows[id] = r.CreatedAt
			}
			slices.SortFunc(ids, func(a, b int64) int {
				if c := rows[a].Compare(rows[b]); c != 0 {
					return c
				}
				return int(a - b)
			})
			return ids
		}
		want := append(byTime(urgent), byTime(plain)...)
		var got []int64
		var cur *store.QueueCursor
		for range 20 {
			page, err := db.Queue(ctx, store.StatusReceived, 2, cur)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range page {
				got = append(got, p.ID)
			}
			if len(page) < 2 {
				break
			}
			last := page[len(page)-1]
			cur = &store.QueueCursor{Urgent: last.Urgent, CreatedAt: last.CreatedAt, ID: last.ID}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("pages visit %v, want %v", got, want)
		}
	})
}
