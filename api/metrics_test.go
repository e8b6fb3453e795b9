package api_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"kysy/api"
	"kysy/moderation"
)

func withMetrics(addr string) func(*api.Config) {
	return func(c *api.Config) { c.Metrics = api.MetricsConfig{Enabled: true, Addr: addr} }
}

// scrape parses a /metrics body in the Prometheus text format.
func scrape(t *testing.T, body string) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("/metrics is not the Prometheus text format: %v", err)
	}
	return fams
}

// value returns the value of the family's series whose labels include
// all of want, and whether there is one.
func value(fams map[string]*dto.MetricFamily, name string, want map[string]string) (float64, bool) {
	f := fams[name]
	if f == nil {
		return 0, false
	}
next:
	for _, m := range f.Metric {
		have := map[string]string{}
		for _, l := range m.Label {
			have[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if have[k] != v {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		}
	}
	return 0, false
}

// TestMetricsCountRoutesAndQueue: requests are counted by route pattern,
// the queue and the time to answer come from the database, and nothing a
// young person wrote, nor their receipt or address, is in the body.
func TestMetricsCountRoutesAndQueue(t *testing.T) {
	e := newEnv(t, withMetrics(""))
	const secret = "Kysymys jonka teksti ei saa näkyä mittareissa"
	rec := e.do(t, "POST", "/api/v1/questions", "application/json", `{"text":"`+secret+`","lang":"fi"}`)
	if rec.Code != 201 {
		t.Fatalf("intake: %d %s", rec.Code, rec.Body)
	}
	receipt := decodeReceipt(t, rec)
	e.do(t, "GET", "/posts/12345", "", "")
	e.do(t, "GET", "/no/such/place-"+receipt, "", "")
	e.do(t, "FROB", "/", "", "")

	rec = e.do(t, "GET", "/metrics", "", "")
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") {
		t.Fatalf("/metrics: %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	body := rec.Body.String()
	for _, leak := range []string{secret, "teksti", receipt, "12345", "no/such", "192.0.2.1", "FROB"} {
		if strings.Contains(body, leak) {
			t.Errorf("/metrics contains %q", leak)
		}
	}
	fams := scrape(t, body)
	checks := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"kysy_http_requests_total", map[string]string{"method": "POST", "route": "/api/v1/questions", "status": "201"}, 1},
		{"kysy_http_requests_total", map[string]string{"method": "GET", "route": "/posts/:id", "status": "404"}, 1},
		{"kysy_http_requests_total", map[string]string{"method": "GET", "route": "unmatched", "status": "404"}, 1},
		{"kysy_http_requests_total", map[string]string{"method": "other"}, 1},
		{"kysy_http_request_duration_seconds", map[string]string{"method": "POST", "route": "/api/v1/questions"}, 1},
		{"kysy_questions", map[string]string{"status": "received"}, 1},
		{"kysy_questions", map[string]string{"status": "spam"}, 0},
		{"kysy_urgent_waiting", nil, 0},
		{"kysy_answered", map[string]string{"window": "7d"}, 0},
		{"kysy_stats_up", nil, 1},
	}
	for _, c := range checks {
		got, ok := value(fams, c.name, c.labels)
		if !ok || got != c.want {
			t.Errorf("%s%v = %v (present %v), want %v", c.name, c.labels, got, ok, c.want)
		}
	}
	if age, ok := value(fams, "kysy_oldest_waiting_seconds", nil); !ok || age < 0 || age > 3600 {
		t.Errorf("kysy_oldest_waiting_seconds = %v (present %v), want the age of the one question (≤ 1 h: hour-rounded)", age, ok)
	}
	if _, ok := fams["go_goroutines"]; !ok {
		t.Error("the Go runtime collector is missing")
	}
}

func decodeReceipt(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	var b struct {
		Receipt string `json:"receipt"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil || b.Receipt == "" {
		t.Fatalf("no receipt in %q: %v", rec.Body, err)
	}
	return b.Receipt
}

// TestMetricsTimeToAnswer: an approved answer shows in the headline
// figure, and an urgent question waiting in its gauge.
func TestMetricsTimeToAnswer(t *testing.T) {
	e := newConsoleEnv(t, withMetrics(""))
	e.approved(t, "Voiko sossu tulla kouluun?", "Voi, jos siihen on hyvä syy.", false)
	if _, err := e.mod.Submit(context.Background(), moderation.SubmitInput{Text: "HÄTÄ apua", Lang: "fi"}); err != nil {
		t.Fatal(err)
	}
	fams := scrape(t, e.do(t, "GET", "/metrics", "", "").Body.String())
	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"kysy_answered", map[string]string{"window": "7d"}, 1},
		{"kysy_answered", map[string]string{"window": "30d"}, 1},
		{"kysy_questions", map[string]string{"status": "approved"}, 1},
		{"kysy_urgent_waiting", nil, 1},
	} {
		if got, ok := value(fams, c.name, c.labels); !ok || got != c.want {
			t.Errorf("%s%v = %v (present %v), want %v", c.name, c.labels, got, ok, c.want)
		}
	}
	for _, q := range []string{"0.5", "0.9"} {
		if v, ok := value(fams, "kysy_time_to_answer_seconds", map[string]string{"window": "30d", "quantile": q}); !ok || v < 0 {
			t.Errorf("kysy_time_to_answer_seconds{30d,%s} = %v (present %v)", q, v, ok)
		}
	}
}

// TestMetricsOffAndOnTheirOwnAddress: off, /metrics is a 404; with
// metrics.addr it is served only on its own listener.
func TestMetricsOffAndOnTheirOwnAddress(t *testing.T) {
	if rec := newEnv(t).do(t, "GET", "/metrics", "", ""); rec.Code != 404 {
		t.Errorf("metrics off: /metrics = %d, want 404", rec.Code)
	}
	e := newEnv(t, withMetrics("127.0.0.1:0"))
	if rec := e.do(t, "GET", "/metrics", "", ""); rec.Code != 404 {
		t.Errorf("metrics.addr set: /metrics on the public address = %d, want 404", rec.Code)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.srv.ServeMetrics(ctx, ln) }()
	e.do(t, "GET", "/healthz", "", "")
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Get("http://" + ln.Addr().String() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		sb.Write(buf[:n])
		if err != nil {
			break
		}
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("metrics listener: %d", resp.StatusCode)
	}
	if n, ok := value(scrape(t, sb.String()), "kysy_http_requests_total", map[string]string{"route": "/healthz", "status": "200"}); !ok || n != 1 {
		t.Errorf("healthz counted %v (present %v), want 1", n, ok)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("metrics listener did not shut down cleanly: %v", err)
	}
}

func TestMetricsConfigValidate(t *testing.T) {
	if err := (api.MetricsConfig{Enabled: true, Addr: "9090"}).Validate(); err == nil || !strings.Contains(err.Error(), "metrics.addr") {
		t.Errorf("a bad metrics.addr: %v, want an error naming metrics.addr", err)
	}
	if err := (api.MetricsConfig{Enabled: true, Addr: "127.0.0.1:9090"}).Validate(); err != nil {
		t.Errorf("a good metrics.addr: %v", err)
	}
}

// BenchmarkHealthzWithMetrics is the cheapest request with and without
// the metrics middleware: the difference is what counting costs.
func BenchmarkHealthzWithMetrics(b *testing.B) {
	for _, on := range []bool{false, true} {
		b.Run(map[bool]string{false: "off", true: "on"}[on], func(b *testing.B) {
			e := newEnv(b, func(c *api.Config) { c.Metrics.Enabled = on })
			req := httptest.NewRequest("GET", "/healthz", nil)
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				e.h.ServeHTTP(rec, req)
			}
		})
	}
}

// BenchmarkMetricsScrape1M is one Prometheus scrape over the 1,000,000
// questions of BenchmarkStaffQueue: the queue per status, urgent waiting,
// the oldest, and the time to answer over 7 and 30 days.
func BenchmarkMetricsScrape1M(b *testing.B) {
	template := staffBenchDB(b)
	path := filepath.Join(b.TempDir(), "kysy.db")
	if err := copyFile(template, path); err != nil {
		b.Fatal(err)
	}
	te, _ := openStaffServer(b, path, withMetrics(""))
	req := httptest.NewRequest("GET", "/metrics", nil)
	for b.Loop() {
		rec := httptest.NewRecorder()
		te.h.ServeHTTP(rec, req)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "kysy_stats_up 1") {
			b.Fatalf("scrape: %d", rec.Code)
		}
	}
}
