package store_test

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"

	"context"
	"errors"
	_ "github.com/jackc/pgx/v5/stdlib"
	"io/fs"
	"log/slog"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"kysy/store"
)

// dialects are the engines the store tests run on: SQLite always, and
// PostgreSQL when KYSY_TEST_POSTGRES_DSN names a database (CI sets it).
func dialects(t *testing.T) []string {
	if os.Getenv("KYSY_TEST_POSTGRES_DSN") == "" {
		t.Log("KYSY_TEST_POSTGRES_DSN is not set: testing SQLite only")
		return []string{"sqlite"}
	}
	return []string{"sqlite", "postgres"}
}

// eachDB runs fn on a fresh, migrated database of every dialect.
func eachDB(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	for _, d := range dialects(t) {
		t.Run(d, func(t *testing.T) { fn(t, newTestDB(t, d)) })
	}
}

func newTestDB(t *testing.T, dialect string) *store.DB {
	t.Helper()
	cfg := store.Config{Driver: "sqlite", DSN: filepath.Join(t.TempDir(), "s.db")}
	if dialect == "postgres" {
		cfg = store.Config{Driver: "postgres", DSN: postgresSchema(t)}
	}
	return openMigrated(t, cfg)
}

// openMigrated opens cfg's database for one test and migrates it.
func openMigrated(t *testing.T, cfg store.Config) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// postgresSchema creates a schema of its own for one test and returns a
// DSN whose search_path points at it.
func postgresSchema(t *testing.T) string {
	t.Helper()
	base := os.Getenv("KYSY_TEST_POSTGRES_DSN")
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err == nil {
			a.Exec("DROP SCHEMA " + schema + " CASCADE")
			a.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func question(hash byte) *store.Question {
	now := time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)
	return &store.Question{ReceiptHash: []byte{hash, 1, 2, 3}, Text: "kysymys", Lang: "fi", Status: store.StatusReceived,
		Redactions: "[]", Signals: "[]", CreatedAt: now, UpdatedAt: now}
}

func TestMigrationsAreRecordedAndRepeatable(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		v, err := db.SchemaVersion(context.Background())
		if err != nil || v < 1 {
			t.Fatalf("schema version %d, %v", v, err)
		}
		applied, err := db.Migrate(context.Background())
		if err != nil || len(applied) != 0 {
			t.Fatalf("second Migrate applied %v, %v", applied, err)
		}
	})
}

// Both dialects carry the same migration versions.
func TestDialectsHaveTheSameMigrations(t *testing.T) {
	names := func(d string) []string {
		fsys, err := store.MigrationsFS(d)
		if err != nil {
			t.Fatal(err)
		}
		m, _ := fs.Glob(fsys, "*.sql")
		sort.Strings(m)
		return m
	}
	a, b := names("sqlite"), names("postgres")
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("sqlite %v, postgres %v", a, b)
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("migration %d: sqlite %s, postgres %s", i, a[i], b[i])
		}
	}
}

func TestCreateQuestionGroupCommit(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		var wg sync.WaitGroup
		ids := make(chan int64, 200)
		for i := 0; i < 200; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				q := question(0)
				q.ReceiptHash = []byte{byte(i), byte(i >> 8), 9}
				if err := db.CreateQuestion(context.Background(), q); err != nil {
					t.Error(err)
					return
				}
				ids <- q.ID
			}(i)
		}
		wg.Wait()
		close(ids)
		seen := map[int64]bool{}
		for id := range ids {
			if id == 0 || seen[id] {
				t.Fatalf("bad or repeated id %d", id)
			}
			seen[id] = true
			if _, err := db.QuestionByID(context.Background(), id); err != nil {
				t.Fatalf("question %d: %v", id, err)
			}
		}
		if n, _ := db.CountQuestions(context.Background(), ""); n != 200 {
			t.Fatalf("count %d", n)
		}
	})
}

// A failing row (duplicate receipt hash) fails alone; its batch mates are stored.
func TestCreateQuestionConflictFailsAlone(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		if err := db.CreateQuestion(context.Background(), question(7)); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 50)
		for i := 0; i < 50; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				q := question(7)
				if i > 0 {
					q.ReceiptHash = []byte{byte(i), 200}
				}
				errs <- db.CreateQuestion(context.Background(), q)
			}(i)
		}
		wg.Wait()
		close(errs)
		conflicts := 0
		for err := range errs {
			if errors.Is(err, store.ErrConflict) {
				conflicts++
			} else if err != nil {
				t.Fatalf("unexpected error %v", err)
			}
		}
		if conflicts != 1 {
			t.Fatalf("%d conflicts, want 1", conflicts)
		}
		if n, _ := db.CountQuestions(context.Background(), ""); n != 50 {
			t.Fatalf("count %d, want 50", n)
		}
	})
}

func TestCreateAfterCloseFails(t *testing.T) {
	db, err := store.Open(context.Background(), store.Config{Driver: "sqlite", DSN: filepath.Join(t.TempDir(), "c.db")}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	db.Migrate(context.Background())
	db.Close()
	if err := db.CreateQuestion(context.Background(), question(1)); !errors.Is(err, store.ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
}

func TestWithdrawQuestion(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		q := question(3)
		db.CreateQuestion(context.Background(), q)
		at := time.Date(2026, 11, 23, 5, 0, 0, 0, time.UTC)
		if err := db.WithdrawQuestion(context.Background(), q.ID, at); err != nil {
			t.Fatal(err)
		}
		got, _ := db.QuestionByID(context.Background(), q.ID)
		if got.Text != "" || got.Status != store.StatusWithdrawn || !got.UpdatedAt.Equal(at) {
			t.Fatalf("after withdraw %+v", got)
		}
		if err := db.WithdrawQuestion(context.Background(), 9999, at); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown id: %v", err)
		}
	})
}

func TestSQLitePragmas(t *testing.T) {
	db := newTestDB(t, "sqlite")
	for pragma, want := range map[string]string{"journal_mode": "wal", "foreign_keys": "1", "secure_delete": "1", "synchronous": "2",
		"wal_autocheckpoint": "0"} {
		got, err := db.PragmaForTest(context.Background(), pragma)
		if err != nil || got != want {
			t.Errorf("PRAGMA %s = %q (%v), want %q", pragma, got, err, want)
		}
	}
}
