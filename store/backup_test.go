package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"kysy/store"
)

// openSQLite opens a migrated SQLite database at path.
func openSQLite(t *testing.T, path string) *store.DB {
	t.Helper()
	return openMigrated(t, store.Config{Driver: "sqlite", DSN: path})
}

// backupStats opens a backup read-only, checks its integrity and returns
// its question count and schema version.
func backupStats(t *testing.T, path string) (questions, version int64) {
	t.Helper()
	c, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var check string
	if err := c.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check of %s: %q, %v", path, check, err)
	}
	if err := c.QueryRow("SELECT COUNT(*) FROM questions").Scan(&questions); err != nil {
		t.Fatal(err)
	}
	if err := c.QueryRow("SELECT MAX(version_id) FROM schema_migrations WHERE is_applied").Scan(&version); err != nil {
		t.Fatal(err)
	}
	return questions, version
}

// dirNames lists the entries of dir.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestBackupCopiesTheDatabase(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := openSQLite(t, filepath.Join(dir, "live.db"))
	for i := 0; i < 25; i++ {
		q := question(0)
		q.ReceiptHash = []byte{byte(i), 42}
		if err := db.CreateQuestion(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	wantN, _ := db.CountQuestions(ctx, "")
	wantV, _ := db.SchemaVersion(ctx)

	outDir := t.TempDir()
	out := filepath.Join(outDir, "copy.db")
	info, err := db.Backup(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
	if info.Path != out || info.Bytes != st.Size() || info.SchemaVersion != wantV {
		t.Errorf("info %+v, want path %s, %d bytes, schema version %d", info, out, st.Size(), wantV)
	}
	n, v := backupStats(t, out)
	if n != wantN || v != wantV || n != 25 {
		t.Errorf("backup has %d questions at schema version %d, want %d at %d", n, v, wantN, wantV)
	}
	if names := dirNames(t, outDir); !slices.Equal(names, []string{"copy.db"}) {
		t.Errorf("backup directory holds %v, want only copy.db", names)
	}
	// The live database is still usable afterwards.
	if err := db.CreateQuestion(ctx, question(99)); err != nil {
		t.Fatal(err)
	}
}

// Each refusal names its problem and leaves the directory as it was.
func TestBackupRefusals(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "live.db")
	db := openSQLite(t, dbPath)
	if err := db.CreateQuestion(ctx, question(1)); err != nil {
		t.Fatal(err)
	}
	// With the WAL folded back and no writes, the file must not change.
	if err := db.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	existing := filepath.Join(dir, "old-backup.db")
	if err := os.WriteFile(existing, []byte("an operator's precious old backup"), 0o600); err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()

	cases := []struct {
		name string
		ctx  context.Context
		out  string
		want string
	}{
		{"empty", ctx, "", "no output file"},
		{"exists", ctx, existing, "already exists"},
		{"missing directory", ctx, filepath.Join(dir, "nope", "b.db"), "does not exist"},
		{"database itself", ctx, dbPath, "database file itself"},
		{"database itself, relative", ctx, relTo(t, dbPath), "database file itself"},
		{"cancelled", cancelled, filepath.Join(dir, "b.db"), "context canceled"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := dirNames(t, dir)
			dbBytes, _ := os.ReadFile(dbPath)
			_, err := db.Backup(tc.ctx, tc.out)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Backup(%q) = %v, want an error saying %q", tc.out, err, tc.want)
			}
			if after := dirNames(t, dir); !slices.Equal(before, after) {
				t.Errorf("directory was %v, is %v after the refusal", before, after)
			}
			if b, _ := os.ReadFile(existing); string(b) != "an operator's precious old backup" {
				t.Errorf("the existing file now holds %q", b)
			}
			if b, _ := os.ReadFile(dbPath); !bytes.Equal(b, dbBytes) {
				t.Error("the database file changed")
			}
		})
	}
}

// relTo returns path relative to the working directory.
func relTo(t *testing.T, path string) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(wd, path)
	if err != nil {
		t.Fatal(err)
	}
	return rel
}

// A database without Kysy's schema (a mistyped DSN makes an empty file)
// is not backed up as if it were one.
func TestBackupRefusesEmptyDatabase(t *testing.T) {
	dir := t.TempDir()
	db, err := store.Open(context.Background(), store.Config{Driver: "sqlite", DSN: filepath.Join(dir, "typo.db")}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := filepath.Join(dir, "b.db")
	if _, err := db.Backup(context.Background(), out); err == nil || !strings.Contains(err.Error(), "no Kysy schema") {
		t.Fatalf("Backup of an empty database: %v", err)
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("a backup file was written")
	}
}

func TestBackupRefusesPostgres(t *testing.T) {
	if os.Getenv("KYSY_TEST_POSTGRES_DSN") == "" {
		t.Skip("KYSY_TEST_POSTGRES_DSN is not set")
	}
	db := newTestDB(t, "postgres")
	dir := t.TempDir()
	_, err := db.Backup(context.Background(), filepath.Join(dir, "b.db"))
	if err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Fatalf("Backup on PostgreSQL: %v, want a refusal naming pg_dump", err)
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Fatalf("left %v behind", names)
	}
}

// Backups taken while writers commit are each a consistent snapshot:
// every writer commits its questions in pairs, in one transaction each,
// so a backup holding an odd number of questions (or a pair half) would
// have caught a write half done.
func TestBackupWhileWriting(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := openSQLite(t, filepath.Join(dir, "live.db"))

	const writers, backups = 4, 6
	stop := make(chan struct{})
	progress := make(chan struct{}, 64)
	errs := make(chan error, writers)
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				a, b := question(0), question(0)
				a.ReceiptHash = []byte(fmt.Sprintf("w%d-%d-a", w, i))
				b.ReceiptHash = []byte(fmt.Sprintf("w%d-%d-b", w, i))
				if err := db.ImportQuestions(ctx, []*store.Question{a, b}); err != nil {
					errs <- err
					return
				}
				select {
				case progress <- struct{}{}:
				default: // never wait on the test: keep writing during backups
				}
			}
		}(w)
	}

	var last int64
	for i := 0; i < backups; i++ {
		// Some pairs commit between backups, so each copy differs.
		for k := 0; k < 10; k++ {
			select {
			case <-progress:
			case err := <-errs:
				t.Fatalf("writer: %v", err)
			}
		}
		out := filepath.Join(dir, fmt.Sprintf("backup-%d.db", i))
		if _, err := db.Backup(ctx, out); err != nil {
			t.Fatalf("backup %d: %v", i, err)
		}
		n, _ := backupStats(t, out)
		if n%2 != 0 {
			t.Errorf("backup %d holds %d questions, an odd number: a pair was split", i, n)
		}
		if halves := pairHalves(t, out); halves != 0 {
			t.Errorf("backup %d holds %d questions without their pair", i, halves)
		}
		if n < last || n == 0 {
			t.Errorf("backup %d holds %d questions, the one before %d", i, n, last)
		}
		last = n
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("writer: %v", err)
	}
	if live, _ := db.CountQuestions(ctx, ""); live < last {
		t.Errorf("live database has %d questions, the last backup %d", live, last)
	}
}

// pairHalves counts the questions in a backup whose pair is missing.
func pairHalves(t *testing.T, path string) int {
	t.Helper()
	c, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var n int
	err = c.QueryRow(`SELECT COUNT(*) FROM questions q WHERE NOT EXISTS (
		SELECT 1 FROM questions p WHERE p.id <> q.id
		AND substr(p.receipt_hash, 1, length(p.receipt_hash) - 1) = substr(q.receipt_hash, 1, length(q.receipt_hash) - 1))`).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
