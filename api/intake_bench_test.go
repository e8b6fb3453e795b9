package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kysy/api"
	"kysy/moderation"
	"kysy/moderation/redact"
	"kysy/store"
)

// benchQuestions are realistic questions in Kysy's three languages; some
// carry (fake) phone numbers, e-mail addresses or an identity code for the
// redactor.
var benchQuestions = []struct{ lang, text string }{
	{"fi", "Mun isä juo joka viikonloppu ja huutaa äidille. Voiko sossu viedä mut pois kotoa jos kerron tästä?"},
	{"fi", "Kaveri kertoi että sen kotona lyödään. Sen numero on 040 123 4567, voitteko soittaa sille?"},
	{"fi", "Äiti sanoo että jos kerron kenellekään, se tappaa itsensä. Mun sähköposti on salainen.tyttö99@example.com"},
	{"fi", "Onko normaalia että isäpuoli lukee mun viestit? Soita mulle +358 50 765 4321 jos voit."},
	{"fi", "Mun hetu on 131052-308T ja sossu kysyi sitä, onko se ok antaa puhelimessa?"},
	{"fi", "Meillä on kotona väkivaltaa ja mä soitin jo 112 kerran. Mitä nyt tapahtuu?"},
	{"sv", "Min pappa dricker och jag är rädd när han kommer hem. Kan socialen hjälpa mig utan att han vet?"},
	{"sv", "Min kompis blir slagen hemma. Hennes mejl är kompis.hjalp@example.org, kan ni kontakta henne?"},
	{"sv", "Vad händer om jag gör en barnskyddsanmälan om mig själv? Ring mig på 045 987 6543."},
	{"en", "My mom's boyfriend yells at me every night. Can a social worker help me without telling him?"},
	{"en", "My friend says her dad hits her. Email me at worried.friend@example.net, what should I do?"},
	{"en", "I am 15 and my parents lock me in my room. Call me on 050 111 2233 after school please."},
}

// newIntakeServer wires the real server as main's serve does — store on a
// temporary SQLite file (WAL, synchronous=FULL), redactor, moderation,
// api — with rate limiting off, and serves it with httptest.
func newIntakeServer(b *testing.B) (*httptest.Server, *store.DB) {
	b.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))
	db, err := store.Open(ctx, store.Config{Driver: "sqlite", DSN: filepath.Join(b.TempDir(), "kysy.db")}, log)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	red := redact.New(redact.Options{KeepNumbers: redact.DefaultKeepNumbers})
	mod := moderation.New(db, moderation.Config{MaxChars: 2000}, red, nil, log)
	srv, err := api.New(api.Config{
		HTTP: api.HTTPConfig{Addr: "127.0.0.1:0", BaseURL: "http://127.0.0.1", QuickExitURL: "https://www.google.com/",
			BodyLimit: 64 << 10, TrustedProxies: []string{}},
		Inbox: api.InboxConfig{Open: true, MaxChars: 2000, ServiceHours: "ma–pe 9–16", ExpectedAnswerDays: 7,
			Rate: api.RateConfig{Enabled: false, PerHour: 30, Burst: 10}},
		Support:              []api.Contact{{Name: map[string]string{"fi": "Hätänumero", "sv": "Nödnumret", "en": "Emergency number"}, Phone: "112"}},
		RetentionRejected:    30 * 24 * time.Hour,
		RetentionUnpublished: 180 * 24 * time.Hour,
	}, mod, db, log)
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	b.Cleanup(ts.Close)
	return ts, db
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

// BenchmarkIntake posts questions to POST /api/v1/questions from 64
// concurrent clients (b.RunParallel with parallelism 32 on two CPUs), so
// that the store's group commit shows. Each 201 is sent only after the
// question's transaction committed. ns/op and allocs/op cover client and
// server both (they share the process); submissions/s is 201s per second
// of wall time; cpu-us/op is the process's CPU (client and server) per
// request; p50-ms and p99-ms are the clients' latencies.
func BenchmarkIntake(b *testing.B) {
	ts, db := newIntakeServer(b)
	bodies := make([][]byte, 0, 3*len(benchQuestions))
	for i, q := range benchQuestions {
		for j := range 3 {
			body, _ := json.Marshal(map[string]any{"text": fmt.Sprintf("%s (%d)", q.text, j), "lang": q.lang, "consent_publish": (i+j)%3 == 0})
			bodies = append(bodies, body)
		}
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: 128, MaxIdleConnsPerHost: 128, DisableCompression: true}}
	b.Cleanup(client.CloseIdleConnections)
	url := ts.URL + "/api/v1/questions"

	var created, next atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	b.SetParallelism(32)
	b.ReportAllocs()
	b.ResetTimer()
	start, cpu0 := time.Now(), processCPU()
	b.RunParallel(func(pb *testing.PB) {
		mine := make([]time.Duration, 0, 1024)
		defer func() {
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
		for pb.Next() {
			body := bodies[int(next.Add(1))%len(bodies)]
			req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			t0 := time.Now()
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusCreated {
				b.Errorf("status %d, want 201", resp.StatusCode)
				return
			}
			mine = append(mine, time.Since(t0))
			created.Add(1)
		}
	})
	elapsed, cpu := time.Since(start), processCPU()-cpu0
	b.StopTimer()
	b.ReportMetric(float64(created.Load())/elapsed.Seconds(), "submissions/s")
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-us/op")
	}
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	}
	n, err := db.CountQuestions(context.Background(), "")
	if err != nil {
		b.Fatal(err)
	}
	if n != created.Load() {
		b.Fatalf("%d rows stored, %d questions acknowledged", n, created.Load())
	}
}
