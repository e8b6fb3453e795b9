package tests

import (
	"database/sql"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"
)

// TestStaffCommands drives the account, token and audit commands of SPEC
// §5 through the real binary.
func TestStaffCommands(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "k.db")
	env := []string{"KYSY_DATABASE_DSN=" + dbPath, "KYSY_LOG_LEVEL=warn"}
	kysy := func(stdin string, args ...string) (string, string, int) {
		return runKysy(t, dir, stdin, env, append(args, "--config", shippedConfig(t))...)
	}

	if out, errOut, code := kysy("short\n", "user", "add", "anna", "--roles", "moderator"); code != 1 || !strings.Contains(errOut, "at least 12 characters") {
		t.Fatalf("short password: %d %q %q", code, out, errOut)
	}
	if _, errOut, code := kysy("correct horse battery\n", "user", "add", "anna", "--roles", "moderator,boss"); code != 1 || !strings.Contains(errOut, `"boss" is not a role`) {
		t.Fatalf("bad role: %d %q", code, errOut)
	}
	if _, errOut, code := kysy("", "user", "add", "anna", "--roles", "moderator"); code != 1 || !strings.Contains(errOut, "password on stdin") {
		t.Fatalf("no password: %d %q", code, errOut)
	}
	if out, errOut, code := kysy("correct horse battery\n", "user", "add", "anna", "--roles", "moderator,reviewer"); code != 0 || !strings.Contains(out, "added anna with roles moderator,reviewer") {
		t.Fatalf("add: %d %q %q", code, out, errOut)
	}
	if _, errOut, code := kysy("correct horse battery\n", "user", "add", "anna", "--roles", "admin"); code != 1 || !strings.Contains(errOut, "already a user called anna") {
		t.Fatalf("duplicate: %d %q", code, errOut)
	}
	if _, _, code := kysy("another long password\n", "user", "add", "ben", "--roles", "reviewer"); code != 0 {
		t.Fatal("add ben")
	}

	// The token is alone on stdout, so a script can capture it.
	out, _, code := kysy("", "token", "create", "anna", "--ttl", "1h")
	if code != 0 || !regexp.MustCompile(`^kysy_[A-Za-z0-9_-]{43}\n$`).MatchString(out) {
		t.Fatalf("token create: %d %q", code, out)
	}
	token := strings.TrimSpace(out)
	if _, errOut, code := kysy("", "token", "create", "nobody"); code != 1 || !strings.Contains(errOut, "no user called nobody") {
		t.Fatalf("token for nobody: %d %q", code, errOut)
	}

	if _, _, code := kysy("", "user", "disable", "ben"); code != 0 {
		t.Fatal("disable ben")
	}
	out, _, code = kysy("", "user", "list")
	if code != 0 || !regexp.MustCompile(`(?m)^anna\s+moderator,reviewer\s+active`).MatchString(out) ||
		!regexp.MustCompile(`(?m)^ben\s+reviewer\s+disabled`).MatchString(out) {
		t.Fatalf("user list: %d %q", code, out)
	}

	// Only hashes are stored: neither the token nor the password is in
	// the database file.
	for _, secret := range []string{token, "correct horse battery"} {
		if hits := grepFiles(t, dir, []byte(secret)); len(hits) > 0 {
			t.Fatalf("a secret is stored in clear in %v", hits)
		}
	}

	out, _, code = kysy("", "audit", "verify")
	if code != 0 || !strings.Contains(out, "audit log intact: 4 entries") {
		t.Fatalf("audit verify: %d %q", code, out)
	}
	// Each kind of tampering, with raw SQL on a copy of the intact log,
	// makes verify exit 1 naming the first bad entry.
	pristine, err := os.ReadFile(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, sql, want string
	}{
		{"altered", "UPDATE audit_log SET actor = 'someone' WHERE id = 2", "audit entry 2: hash does not match"},
		{"removed", "DELETE FROM audit_log WHERE id = 2", "audit entry 3: expected entry 2 next"},
		{"reordered", "UPDATE audit_log SET id = 100 WHERE id = 2; UPDATE audit_log SET id = 2 WHERE id = 3; UPDATE audit_log SET id = 3 WHERE id = 100", "audit entry 2: previous hash does not match"},
	} {
		if err := os.WriteFile(dbPath, pristine, 0o600); err != nil {
			t.Fatal(err)
		}
		db, err := sql.Open("sqlite3", dbPath)
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.Exec(tc.sql)
		db.Close()
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		_, errOut, code := kysy("", "audit", "verify")
		if code != 1 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%s: verify exited %d with %q, want 1 and %q", tc.name, code, errOut, tc.want)
		}
	}
}

func shippedConfig(t *testing.T) string {
	t.Helper()
	p, err := filepath.Abs("../config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return p
}
