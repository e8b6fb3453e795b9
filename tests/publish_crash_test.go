package tests

// Exactly once across crashes (SPEC I7): the real binary publishes posts to
// a local webhook receiver and is killed with SIGKILL in the middle of
// sending, again and again. Every post must reach the receiver, and every
// delivery of one post must carry one and the same Idempotency-Key, so the
// receiver can drop the redeliveries.

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const crashHookSecret = "crash-test-webhook-secret"

// hookLog is the receiver's record.
type hookLog struct {
	mu       sync.Mutex
	requests int
	keys     map[int64]map[string]int // post id → key → requests
	arrived  chan struct{}            // one value per request, before it is answered
	release  chan struct{}            // closed to let held requests answer
	hold     bool
}

func newHookLog() *hookLog {
	return &hookLog{keys: map[int64]map[string]int{}, arrived: make(chan struct{}, 10000), release: make(chan struct{})}
}

func (h *hookLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	mac := hmac.New(sha256.New, []byte(crashHookSecret))
	mac.Write(body)
	if r.Header.Get("X-Kysy-Signature") != "sha256="+hex.EncodeToString(mac.Sum(nil)) {
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var p struct {
		ID int64 `json:"id"`
	}
	json.Unmarshal(body, &p)
	key := r.Header.Get("Idempotency-Key")
	h.mu.Lock()
	h.requests++
	if h.keys[p.ID] == nil {
		h.keys[p.ID] = map[string]int{}
	}
	h.keys[p.ID][key]++
	hold, release := h.hold, h.release
	h.mu.Unlock()
	h.arrived <- struct{}{}
	if hold {
		// Answer only after the test has killed the sender: the delivery
		// reached us, but its sender never learns it did.
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

func TestPublishExactlyOnceAcrossKills(t *testing.T) {
	hook := newHookLog()
	hook.hold = true
	rcv := httptest.NewServer(hook)
	t.Cleanup(rcv.Close)

	s := startServer(t, withEnv(
		"KYSY_CHANNELS_WEBHOOK_ENABLED=true",
		"KYSY_CHANNELS_WEBHOOK_URL="+rcv.URL,
		"KYSY_CHANNELS_WEBHOOK_SECRET="+crashHookSecret,
		"KYSY_SCHEDULER_TICK=@every 1s",
		"KYSY_SCHEDULER_LEASE=2s",
		"KYSY_SCHEDULER_RETRY_BACKOFF=200ms",
		"KYSY_SCHEDULER_MAX_ATTEMPTS=50",
	))
	kysy := func(stdin string, args ...string) string {
		t.Helper()
		out, errOut, code := runKysy(t, s.Dir, stdin, nil, append(args, "--config", s.cfgPath)...)
		if code != 0 {
			t.Fatalf("kysy %v: %d %s", args, code, errOut)
		}
		return strings.TrimSpace(out)
	}
	kysy("a long enough password\n", "user", "add", "mona", "--roles", "moderator")
	kysy("another long password\n", "user", "add", "riku", "--roles", "reviewer")
	kysy("a third long password\n", "user", "add", "kaisa", "--roles", "comms")
	tok := map[string]string{}
	for _, n := range []string{"mona", "riku", "kaisa"} {
		tok[n] = kysy("", "token", "create", n)
	}
	call := func(who, method, path, body string, want int) map[string]any {
		t.Helper()
		return postsStaffCall(t, s, tok[who], method, path, body, want)
	}

	// 30 approved answers, each scheduled now: they go out at once.
	const posts = 30
	var postIDs []int64
	for i := range posts {
		code, _ := postJSON(t, s.URL+"/api/v1/questions", fmt.Sprintf(`{"text":"Kysymys %d sijoituksesta: saako sossu kertoa koululle mitä puhuin?","lang":"fi","consent_publish":true}`, i))
		if code != 201 {
			t.Fatalf("submit %d: %d", i, code)
		}
	}
	queue := call("mona", "GET", "/questions?limit=100", "", 200)["items"].([]any)
	if len(queue) != posts {
		t.Fatalf("queue has %d questions", len(queue))
	}
	for _, it := range queue {
		qid := int64(it.(map[string]any)["id"].(float64))
		a := call("mona", "POST", fmt.Sprintf("/questions/%d/answers", qid), `{"body":"Vastaus, joka on tarpeeksi pitkä julkaistavaksi."}`, 201)
		aid := int64(a["id"].(float64))
		call("mona", "POST", fmt.Sprintf("/answers/%d/submit", aid), "", 200)
		call("riku", "POST", fmt.Sprintf("/answers/%d/approve", aid), "", 200)
		p := call("kaisa", "POST", "/posts", fmt.Sprintf(`{"answer_id":%d,"at":%q}`, aid, time.Now().UTC().Format(time.RFC3339)), 201)
		postIDs = append(postIDs, int64(p["id"].(float64)))
	}

	// Kill the binary while a delivery is on the wire, five times over:
	// each time the receiver has the request but the sender never hears
	// back. Then restart it on the same database.
	const kills = 5
	for k := range kills {
		select {
		case <-hook.arrived:
		case <-time.After(60 * time.Second):
			t.Fatalf("kill %d: no delivery arrived within 60 s\n%s", k+1, s.logs(t))
		}
		s.kill()
		// Forget what the dead instance sent: the next kill must catch the
		// new instance mid-send.
		for len(hook.arrived) > 0 {
			<-hook.arrived
		}
		s.start(t)
	}
	hook.mu.Lock()
	hook.hold = false
	close(hook.release)
	hook.mu.Unlock()

	// Let the last instance finish: every post published.
	deadline := time.Now().Add(90 * time.Second)
	for {
		page := call("kaisa", "GET", "/posts?status=published&limit=200", "", 200)
		if n := len(page["items"].([]any)); n == posts {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not every post was published within 90 s after the last restart: %v\n%s", call("kaisa", "GET", "/posts?limit=200", "", 200), s.logs(t))
		}
		select { // the next delivery, or a fresh look at the posts
		case <-hook.arrived:
		case <-time.After(250 * time.Millisecond):
		}
	}

	hook.mu.Lock()
	defer hook.mu.Unlock()
	redelivered := 0
	seenKeys := map[string]bool{}
	for _, id := range postIDs {
		keys := hook.keys[id]
		if len(keys) != 1 {
			t.Errorf("post %d reached the receiver under %d Idempotency-Keys (%v), want exactly 1", id, len(keys), keys)
		}
		for k, n := range keys {
			if seenKeys[k] {
				t.Errorf("key %s was used for two posts", k)
			}
			seenKeys[k] = true
			redelivered += n - 1
		}
	}
	if len(hook.keys) != posts {
		t.Errorf("the receiver saw %d posts, want %d", len(hook.keys), posts)
	}
	if redelivered < 1 {
		t.Errorf("no delivery was repeated after %d kills: the test did not kill mid-send", kills)
	}
	t.Logf("%d posts, %d requests, %d redeliveries after %d kills, each post under one key", posts, hook.requests, redelivered, kills)
}
