package store

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// openTestDB opens and migrates a fresh SQLite database in a temporary
// directory (on the same disk as TMPDIR: set it to a real disk, not tmpfs,
// for figures that include fsync).
func openTestDB(tb testing.TB) (*DB, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "kysy.db")
	db, err := Open(context.Background(), Config{Driver: "sqlite", DSN: path}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return db, path
}

// newTestQuestion is a question as moderation.Submit builds it, with a
// random receipt hash.
func newTestQuestion(text string) *Question {
	h := make([]byte, 32)
	rand.Read(h)
	now := time.Now().UTC().Truncate(time.Hour)
	return &Question{
		ReceiptHash: h,
		Text:        text,
		Lang:        "fi",
		Status:      StatusReceived,
		Redactions:  `[{"kind":"PHONE","start":52,"end":59}]`,
		Signals:     "[]",
		CreatedAt:   now,
		UpdatedAt:   now,
	}
}

const benchText = "Kaveri kertoi että sen kotona lyödään. Sen numero on [PHONE], voitteko soittaa sille?"

// BenchmarkCreateQuestion measures the group-commit writer alone: many
// goroutines (64 on two CPUs) each store questions one at a time and wait
// for the commit, as HTTP handlers do. Each CreateQuestion returns only
// after the transaction holding it committed with synchronous=FULL.
func BenchmarkCreateQuestion(b *testing.B) {
	db, path := openTestDB(b)
	commits0, rows0 := db.writer.commits.Load(), db.writer.rows.Load()
	var mu sync.Mutex
	var lat []time.Duration
	b.SetParallelism(32)
	b.ReportAllocs()
	b.ResetTimer()
	start, cpu0 := time.Now(), processCPU()
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		mine := make([]time.Duration, 0, 1024)
		for pb.Next() {
			t0 := time.Now()
			if err := db.CreateQuestion(ctx, newTestQuestion(benchText)); err != nil {
				b.Error(err)
				return
			}
			mine = append(mine, time.Since(t0))
		}
		mu.Lock()
		lat = append(lat, mine...)
		mu.Unlock()
	})
	elapsed, cpu := time.Since(start), processCPU()-cpu0
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "submissions/s")
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-us/op")
	}
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	}
	if c := db.writer.commits.Load() - commits0; c > 0 {
		b.ReportMetric(float64(db.writer.rows.Load()-rows0)/float64(c), "rows/commit")
	}
	if fi, err := os.Stat(path + "-wal"); err == nil {
		b.ReportMetric(float64(fi.Size())/(1<<20), "WAL-MB")
	}
}

// processCPU returns the CPU time (user and system) this process has used
// so far, from /proc/self/stat; 0 where that is not available. CPU per
// operation is steadier than wall time on a shared machine.
func processCPU() time.Duration {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0
	}
	// The command name (field 2) may hold spaces; count from after it.
	i := strings.LastIndexByte(string(b), ')')
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)       // utime, field 14
	s, _ := strconv.ParseInt(f[12], 10, 64)       // stime, field 15
	return time.Duration(u+s) * time.Second / 100 // USER_HZ is 100 on Linux
}

// TestBatchFallsBackToSingleRows checks the SQLite writer's failure path:
// one bad question in a batch does not sink the others (the batch is
// rolled back and each question is retried alone), no ID survives a
// rollback, and the writer's connection is clean for the next batch.
func TestBatchFallsBackToSingleRows(t *testing.T) {
	db, _ := openTestDB(t)
	a, b, c := newTestQuestion("a"), newTestQuestion("b"), newTestQuestion("c")
	c.ReceiptHash = append([]byte(nil), a.ReceiptHash...) // duplicate: unique index
	batch := []insertRequest{{a, make(chan error, 1)}, {b, make(chan error, 1)}, {c, make(chan error, 1)}}
	db.writer.commit(batch)
	for i, want := range []error{nil, nil, ErrConflict} {
		err := <-batch[i].errc
		if !errors.Is(err, want) {
			t.Fatalf("question %d: err %v, want %v", i, err, want)
		}
	}
	if a.ID == 0 || b.ID == 0 || c.ID != 0 {
		t.Fatalf("ids %d %d %d: want the first two set, the third 0", a.ID, b.ID, c.ID)
	}
	n, _ := db.CountQuestions(context.Background(), "")
	if n != 2 {
		t.Fatalf("stored %d rows, want 2", n)
	}
	// The writer's connection is usable after the failed batch.
	if err := db.CreateQuestion(context.Background(), newTestQuestion("d")); err != nil {
		t.Fatal(err)
	}
}

// TestSQLiteInsertMatchesGORM checks that the writer's prepared INSERT
// stores a question exactly as GORM's Create does: same columns, same
// types, same bytes.
func TestSQLiteInsertMatchesGORM(t *testing.T) {
	db, _ := openTestDB(t)
	cluster := int64(7)
	mk := func() []*Question {
		q1 := newTestQuestion("Hei! Mun numero on [PHONE].\nÄiti ei tiedä. ☺")
		q1.Urgent, q1.ConsentPublish = true, true
		q1.Signals = `["self_harm"]`
		q2 := newTestQuestion("sv: Får jag …")
		q2.Lang, q2.Status, q2.Spam, q2.ClusterID, q2.RejectReason = "sv", StatusSpam, true, &cluster, "x"
		q2.CreatedAt = time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)
		q2.UpdatedAt = q2.CreatedAt.Add(time.Hour)
		return []*Question{q1, q2}
	}
	viaWriter, viaGORM := mk(), mk() // each with its own random receipt hashes
	if err := db.writer.sqliteInsert(viaWriter); err != nil {
		t.Fatal(err)
	}
	if err := db.orm.Create(viaGORM).Error; err != nil {
		t.Fatal(err)
	}
	const cols = `typeof(receipt_hash), length(receipt_hash), quote(text), typeof(text), quote(lang), quote(status),
		typeof(urgent), quote(urgent), quote(spam), quote(consent_publish), quote(redactions), quote(signals),
		quote(cluster_id), quote(reject_reason), typeof(created_at), quote(created_at), quote(updated_at)`
	row := func(id int64) string {
		var s string
		err := db.sqlDB.QueryRow(`SELECT concat_ws('|', `+cols+`) FROM questions WHERE id = ?`, id).Scan(&s)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	for i := range viaWriter {
		if viaWriter[i].ID == 0 || viaGORM[i].ID == 0 {
			t.Fatalf("ids not set: %d %d", viaWriter[i].ID, viaGORM[i].ID)
		}
		w, g := row(viaWriter[i].ID), row(viaGORM[i].ID)
		if w != g {
			t.Errorf("question %d stored differently:\nwriter %s\ngorm   %s", i, w, g)
		}
	}
}
