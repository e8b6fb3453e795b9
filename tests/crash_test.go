package tests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"
)

// TestAcknowledgedSurvivesKill is I6: while 8 clients submit, the real
// binary is killed with SIGKILL; after a restart, every question that was
// answered 201 is there. Three rounds, each killed at a different point.
func TestAcknowledgedSurvivesKill(t *testing.T) {
	s := startServer(t)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	var acked []string
	for round, killAfter := range []int{50, 300, 1000} {
		var (
			mu       sync.Mutex
			got      []string
			reached  = make(chan struct{})
			once     sync.Once
			wg       sync.WaitGroup
			stopping = make(chan struct{})
		)
		for c := 0; c < 8; c++ {
			wg.Add(1)
			go func(c int) {
				defer wg.Done()
				for i := 0; ; i++ {
					select {
					case <-stopping:
						return
					default:
					}
					b, _ := json.Marshal(map[string]any{"text": fmt.Sprintf("Kierros %d, asiakas %d, kysymys %d: saako sossu soittaa kouluun?", round, c, i)})
					resp, err := client.Post(s.URL+"/api/v1/questions", "application/json", bytes.NewReader(b))
					if err != nil {
						return // the server is gone
					}
					var out struct{ Receipt string }
					var buf bytes.Buffer
					buf.ReadFrom(resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusCreated {
						continue
					}
					if err := json.Unmarshal(buf.Bytes(), &out); err != nil || out.Receipt == "" {
						t.Errorf("201 without a receipt: %q", buf.String())
						return
					}
					mu.Lock()
					got = append(got, out.Receipt)
					if len(got) >= killAfter {
						once.Do(func() { close(reached) })
					}
					mu.Unlock()
				}
			}(c)
		}
		select {
		case <-reached:
		case <-time.After(60 * time.Second):
			t.Fatalf("round %d: only %d acknowledged in 60 s", round, len(got))
		}
		s.kill() // SIGKILL while the clients are still sending
		close(stopping)
		wg.Wait()
		mu.Lock()
		acked = append(acked, got...)
		mu.Unlock()
		t.Logf("round %d: killed after %d acknowledged", round, len(got))

		s.start(t)
		missing := 0
		for _, r := range acked {
			code, out := postJSON(t, s.URL+"/api/v1/receipts/lookup", fmt.Sprintf(`{"receipt":%q}`, r))
			if code != http.StatusOK || out["status"] != "received" {
				missing++
				if missing <= 5 {
					t.Errorf("round %d: acknowledged receipt lost: %d %v", round, code, out)
				}
			}
		}
		if missing > 0 {
			t.Fatalf("round %d: %d of %d acknowledged questions lost", round, missing, len(acked))
		}
	}
	s.stop(t)
}
