package tests

import (
	"bytes"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"
)

// backupCounts opens a backup read-only, checks its integrity and counts
// the rows of table.
func backupCounts(t *testing.T, path, table string) int {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var check string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check of the backup: %q, %v", check, err)
	}
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestBackupCommand: kysy backup writes a 0600 copy with the data in it,
// and never overwrites a file that exists.
func TestBackupCommand(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	yaml := fmt.Sprintf("database: {driver: sqlite, dsn: %s}\nlog: {level: warn}\n", filepath.Join(dir, "k.db"))
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	kysy := func(stdin string, args ...string) (string, string, int) {
		return runKysy(t, dir, stdin, nil, append(args, "--config", cfg)...)
	}
	if out, errOut, code := kysy("", "migrate"); code != 0 {
		t.Fatalf("migrate: %d %q %q", code, out, errOut)
	}
	for _, name := range []string{"anna", "ben"} {
		if out, errOut, code := kysy("correct horse battery\n", "user", "add", name, "--roles", "moderator"); code != 0 {
			t.Fatalf("user add %s: %d %q %q", name, code, out, errOut)
		}
	}

	if _, errOut, code := kysy("", "backup"); code != 1 || !strings.Contains(errOut, `"out" not set`) {
		t.Fatalf("backup without --out: %d %q", code, errOut)
	}

	if err := os.Mkdir(filepath.Join(dir, "backups"), 0o700); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "backups", "kysy-1.db")
	stdout, errOut, code := kysy("", "backup", "--out", out)
	want := regexp.MustCompile(`^backup written: ` + regexp.QuoteMeta(out) + ` \((\d+) bytes, schema version (\d+)\)\n$`)
	m := want.FindStringSubmatch(stdout)
	if code != 0 || m == nil {
		t.Fatalf("backup: exit %d, stdout %q, stderr %q", code, stdout, errOut)
	}
	st, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("backup mode %v, want 0600", st.Mode().Perm())
	}
	if m[1] != fmt.Sprint(st.Size()) || m[2] == "0" {
		t.Errorf("backup reported %s bytes, schema version %s; the file has %d bytes", m[1], m[2], st.Size())
	}
	if n := backupCounts(t, out, "staff_users"); n != 2 {
		t.Errorf("backup holds %d staff users, want 2", n)
	}
	first, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}

	// More data, then the same path again: refused, the first file intact.
	if _, _, code := kysy("correct horse battery\n", "user", "add", "cecilia", "--roles", "reviewer"); code != 0 {
		t.Fatal("user add cecilia")
	}
	stdout, errOut, code = kysy("", "backup", "--out", out)
	if code != 1 || stdout != "" || !strings.Contains(errOut, out+" already exists") {
		t.Fatalf("second backup to the same path: exit %d, stdout %q, stderr %q", code, stdout, errOut)
	}
	if again, _ := os.ReadFile(out); !bytes.Equal(again, first) {
		t.Fatal("the second run changed the first backup")
	}
	if es, _ := os.ReadDir(filepath.Join(dir, "backups")); len(es) != 1 {
		t.Fatalf("backups directory holds %d entries, want 1", len(es))
	}

	if _, errOut, code := kysy("", "backup", "--out", filepath.Join(dir, "k.db")); code != 1 || !strings.Contains(errOut, "database file itself") {
		t.Fatalf("backup onto the database: %d %q", code, errOut)
	}
	if _, errOut, code := kysy("", "backup", "--out", filepath.Join(dir, "missing", "b.db")); code != 1 || !strings.Contains(errOut, "does not exist") {
		t.Fatalf("backup into a missing directory: %d %q", code, errOut)
	}
}

// TestBackupWhileServing: a backup of the live database of a running
// server holds every question the server acknowledged.
func TestBackupWhileServing(t *testing.T) {
	s := startServer(t)
	const asked = 12
	for i := 0; i < asked; i++ {
		code, body := postJSON(t, s.URL+"/api/v1/questions", fmt.Sprintf(`{"text":"Mitä tapahtuu, kun kysyn kysymyksen numero %d?"}`, i))
		if code != 201 {
			t.Fatalf("question %d: %d %v", i, code, body)
		}
	}
	out := filepath.Join(t.TempDir(), "live.db")
	stdout, errOut, code := runKysy(t, s.Dir, "", nil, "backup", "--out", out, "--config", s.cfgPath)
	if code != 0 || !strings.HasPrefix(stdout, "backup written: "+out) {
		t.Fatalf("backup while serving: exit %d, stdout %q, stderr %q", code, stdout, errOut)
	}
	if n := backupCounts(t, out, "questions"); n != asked {
		t.Errorf("backup holds %d questions, the server acknowledged %d", n, asked)
	}
	// The server is unaffected.
	if code, body := postJSON(t, s.URL+"/api/v1/questions", `{"text":"Vielä yksi kysymys sosiaalityöntekijälle."}`); code != 201 {
		t.Fatalf("question after the backup: %d %v", code, body)
	}
	s.stop(t)
}
