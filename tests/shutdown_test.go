package tests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestGracefulShutdown: SIGTERM while clients submit. The process exits 0,
// and every question answered 201 is there after a restart.
func TestGracefulShutdown(t *testing.T) {
	s := startServer(t)
	client := &http.Client{Timeout: 10 * time.Second}
	var (
		mu      sync.Mutex
		acked   []string
		wg      sync.WaitGroup
		started = make(chan struct{}, 64)
	)
	for c := 0; c < 4; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				b, _ := json.Marshal(map[string]string{"text": fmt.Sprintf("kysymys %d/%d: mikä on jälkihuolto?", c, i)})
				resp, err := client.Post(s.URL+"/api/v1/questions", "application/json", bytes.NewReader(b))
				if err != nil {
					return // refused once the listener closed
				}
				var out struct{ Receipt string }
				json.NewDecoder(resp.Body).Decode(&out)
				resp.Body.Close()
				if resp.StatusCode == http.StatusCreated {
					mu.Lock()
					acked = append(acked, out.Receipt)
					mu.Unlock()
					select {
					case started <- struct{}{}:
					default:
					}
				}
			}
		}(c)
	}
	for i := 0; i < 20; i++ {
		<-started
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.exited:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, s.logs(t))
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no exit 30 s after SIGTERM")
	}
	s.cmd = nil
	wg.Wait()
	s.start(t)
	for _, r := range acked {
		if code, out := postJSON(t, s.URL+"/api/v1/receipts/lookup", fmt.Sprintf(`{"receipt":%q}`, r)); code != 200 {
			t.Fatalf("acknowledged receipt lost after graceful shutdown: %d %v", code, out)
		}
	}
	t.Logf("%d acknowledged before and during shutdown, all found", len(acked))
	s.stop(t)
}
