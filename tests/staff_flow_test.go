package tests

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// TestStaffFlowThroughTheBinary: accounts and tokens from the CLI, the
// whole answer lifecycle over the staff API of the running binary, the
// receipt that then shows the answer and who read the question, and an
// intact audit chain.
func TestStaffFlowThroughTheBinary(t *testing.T) {
	s := startServer(t)
	kysy := func(stdin string, args ...string) string {
		t.Helper()
		out, errOut, code := runKysy(t, s.Dir, stdin, nil, append(args, "--config", s.cfgPath)...)
		if code != 0 {
			t.Fatalf("kysy %v: %d %s", args, code, errOut)
		}
		return strings.TrimSpace(out)
	}
	kysy("a long enough password\n", "user", "add", "mona", "--roles", "moderator,reviewer")
	kysy("another long password\n", "user", "add", "riku", "--roles", "reviewer")
	mona := kysy("", "token", "create", "mona")
	riku := kysy("", "token", "create", "riku")

	code, sub := postJSON(t, s.URL+"/api/v1/questions", `{"text":"Voiko sossu lukea mun viestit? t. Jenna","lang":"fi"}`)
	if code != 201 {
		t.Fatalf("submit: %d %v", code, sub)
	}
	receipt := sub["receipt"].(string)

	call := func(token, method, path, body string, want int) map[string]any {
		t.Helper()
		return postsStaffCall(t, s, token, method, path, body, want)
	}

	queue := call(mona, "GET", "/questions", "", 200)
	items := queue["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("queue %v", queue)
	}
	q := items[0].(map[string]any)
	if text := q["text"].(string); strings.Contains(text, "Jenna") || !strings.Contains(text, "[NAME]") {
		t.Fatalf("the queue shows %q: the name must be redacted", text)
	}
	qid := int64(q["id"].(float64))
	call(riku, "GET", fmt.Sprintf("/questions/%d", qid), "", 200)

	ans := call(mona, "POST", fmt.Sprintf("/questions/%d/answers", qid), `{"body":"Ei voi ilman lupaasi."}`, 201)
	aid := int64(ans["id"].(float64))
	call(mona, "POST", fmt.Sprintf("/answers/%d/submit", aid), "", 200)
	four := call(mona, "POST", fmt.Sprintf("/answers/%d/approve", aid), "", 403)
	if four["error"].(map[string]any)["code"] != "four_eyes" {
		t.Fatalf("self-approval: %v", four)
	}
	call(riku, "POST", fmt.Sprintf("/answers/%d/approve", aid), "", 200)

	code, st := postJSON(t, s.URL+"/api/v1/receipts/lookup", fmt.Sprintf(`{"receipt":%q}`, receipt))
	if code != 200 || st["status"] != "approved" || st["answer"] != "Ei voi ilman lupaasi." {
		t.Fatalf("lookup: %d %v", code, st)
	}
	reads, _ := json.Marshal(st["staff_reads"])
	if string(reads) != `[{"count":1,"role":"moderator"},{"count":1,"role":"reviewer"}]` {
		t.Fatalf("staff_reads %s, want one read by a moderator (the queue) and one by a reviewer", reads)
	}

	// Reads commit without waiting for the disk, but a crash of the
	// process loses none: kill -9, restart, and every read is still there.
	call(riku, "GET", fmt.Sprintf("/questions/%d", qid), "", 200)
	s.kill()
	s.start(t)
	code, st = postJSON(t, s.URL+"/api/v1/receipts/lookup", fmt.Sprintf(`{"receipt":%q}`, receipt))
	reads, _ = json.Marshal(st["staff_reads"])
	if code != 200 || string(reads) != `[{"count":1,"role":"moderator"},{"count":2,"role":"reviewer"}]` {
		t.Fatalf("after kill -9: %d staff_reads %s", code, reads)
	}

	if out := kysy("", "audit", "verify"); !strings.HasPrefix(out, "audit log intact: ") {
		t.Fatalf("audit verify: %q", out)
	}
	// Tokens and the question's name are in no file the server wrote.
	for _, secret := range []string{mona, riku, "Jenna"} {
		if hits := grepFiles(t, s.Dir, []byte(secret)); len(hits) > 0 {
			t.Fatalf("%q found in %v", secret, hits)
		}
	}
}
