package api

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"kysy/moderation"
)

// MetricsConfig is the metrics section of config.yaml (SPEC §4.1
// GET /metrics).
type MetricsConfig struct {
	// Enabled serves Prometheus metrics.
	Enabled bool `mapstructure:"enabled"`
	// Addr, when set, serves /metrics on its own listener (host:port) and
	// not beside the public pages; empty serves it on http.addr.
	Addr string `mapstructure:"addr"`
}

// Validate names a bad metrics.addr.
func (c MetricsConfig) Validate() error {
	if c.Addr == "" {
		return nil
	}
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
		return fmt.Errorf("metrics.addr: %q is not host:port (or empty to serve /metrics on http.addr)", c.Addr)
	}
	return nil
}

// metrics holds the server's own registry: a registry per server keeps
// tests (and two servers in one process) apart.
//
// No label ever carries what a young person wrote or who they are: routes
// are the patterns ("/posts/:id"), never the path; methods and statuses
// come from closed sets; the gauges are counts (SPEC I1–I3).
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// metricsActor reads the figures of /stats for the scrape; it holds a
// staff role only to pass the role check, and is never stored or audited.
var metricsActor = &moderation.Actor{Name: "metrics", Roles: []moderation.Role{moderation.RoleModerator}}

func newMetrics(s *Server) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kysy_http_requests_total",
			Help: "HTTP requests by method, route pattern and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "kysy_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by method and route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method", "route"}),
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.duration,
		&stateCollector{s: s},
	)
	return m
}

// knownMethods bounds the method label: anything else is "other", so a
// client cannot grow the label set.
var knownMethods = map[string]bool{
	http.MethodGet: true, http.MethodHead: true, http.MethodPost: true, http.MethodPut: true,
	http.MethodPatch: true, http.MethodDelete: true, http.MethodOptions: true,
}

func (m *metrics) observe(method, route string, status int, d time.Duration) {
	if !knownMethods[method] {
		method = "other"
	}
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(method, route).Observe(d.Seconds())
}

// stateCollector reads the figures of /stats at each scrape: the queue,
// urgent questions waiting, the time to answer (our headline figure) and
// the posts per channel and result.
type stateCollector struct{ s *Server }

var (
	descUp = prometheus.NewDesc("kysy_stats_up",
		"1 when the scrape could read the figures from the database, else 0.", nil, nil)
	descQuestions = prometheus.NewDesc("kysy_questions",
		"Questions by status.", []string{"status"}, nil)
	descUrgent = prometheus.NewDesc("kysy_urgent_waiting",
		"Urgent questions without an approved answer.", nil, nil)
	descOldest = prometheus.NewDesc("kysy_oldest_waiting_seconds",
		"Age of the oldest question without an approved answer (0 when none waits).", nil, nil)
	descAnswered = prometheus.NewDesc("kysy_answered",
		"Questions that got an approved answer within the window.", []string{"window"}, nil)
	descTTA = prometheus.NewDesc("kysy_time_to_answer_seconds",
		"Time from question to approved answer within the window, by quantile.", []string{"window", "quantile"}, nil)
	descDeliveries = prometheus.NewDesc("kysy_post_deliveries",
		"Post deliveries by channel and status.", []string{"channel", "status"}, nil)
)

func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descUp, descQuestions, descUrgent, descOldest, descAnswered, descTTA, descDeliveries} {
		ch <- d
	}
}

func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	up := 1.0
	if err := c.collect(ctx, ch); err != nil {
		up = 0
		c.s.log.Warn("metrics: reading the figures failed", "err", err)
	}
	ch <- prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, up)
}

func (c *stateCollector) collect(ctx context.Context, ch chan<- prometheus.Metric) error {
	st, err := c.s.mod.Stats(ctx, metricsActor)
	if err != nil {
		return err
	}
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	for status, n := range st.ByStatus {
		gauge(descQuestions, float64(n), string(status))
	}
	gauge(descUrgent, float64(st.UrgentWaiting))
	oldest := 0.0
	if st.OldestWaiting != nil {
		oldest = max(0, st.Now.Sub(*st.OldestWaiting).Seconds())
	}
	gauge(descOldest, oldest)
	for window, t := range st.TimeToAnswer {
		gauge(descAnswered, float64(t.Count), window)
		if t.Count > 0 {
			gauge(descTTA, t.Median.Seconds(), window, "0.5")
			gauge(descTTA, t.P90.Seconds(), window, "0.9")
		}
	}
	posts, _, err := postStats(ctx, c.s.db)
	if err != nil {
		return err
	}
	for channel, byStatus := range posts {
		for status, n := range byStatus {
			gauge(descDeliveries, float64(n), channel, status)
		}
	}
	return nil
}

// MetricsHandler serves the Prometheus text format; nil when metrics are
// off.
func (s *Server) MetricsHandler() http.Handler {
	if s.metrics == nil {
		return nil
	}
	return promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{ErrorLog: nil})
}

// ServeMetrics answers /metrics alone on ln (metrics.addr) until ctx ends.
func (s *Server) ServeMetrics(ctx context.Context, ln net.Listener) error {
	h := s.MetricsHandler()
	if h == nil {
		return errors.New("metrics are off (metrics.enabled)")
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("metrics: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	srv.Shutdown(sctx)
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("metrics: %w", err)
	}
	return nil
}
