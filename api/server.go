// Package api is Kysy's HTTP face: the Echo server, its routes, request
// and response shapes, pages and error mapping. It calls moderation for
// every change and reads store only for plain checks; it never logs
// anything that identifies a young person (SPEC I1, I2).
package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/net/netutil"

	"kysy/moderation"
	"kysy/store"
)

// Config is what the api package needs from config.yaml.
type Config struct {
	HTTP    HTTPConfig
	Inbox   InboxConfig
	Support []Contact
	// RetentionRejected and RetentionUnpublished are told to young people
	// on the privacy page.
	RetentionRejected    time.Duration
	RetentionUnpublished time.Duration
	// Location is scheduler.timezone, for dates on the post pages.
	Location *time.Location
	// Metrics is the metrics section.
	Metrics MetricsConfig
}

// Server serves the public pages and the JSON API.
type Server struct {
	cfg     Config
	mod     *moderation.Service
	db      *store.DB
	log     *slog.Logger
	echo    *echo.Echo
	render  *renderer
	submits *limiter
	lookups *limiter
	noPow   *limiter
	cards   cardCache
	// Wake, when set, asks the scheduler for a tick (a post due now).
	Wake     func()
	pow      *powGate
	crossOrg *http.CrossOriginProtection
	metrics  *metrics
}

// New builds a Server; it parses every template and message file once and
// fails fast on a broken one.
func New(cfg Config, mod *moderation.Service, db *store.DB, log *slog.Logger) (*Server, error) {
	r, err := newRenderer()
	if err != nil {
		return nil, fmt.Errorf("new server: %w", err)
	}
	s := &Server{
		cfg:      cfg,
		mod:      mod,
		db:       db,
		log:      log.With("component", "api"),
		render:   r,
		crossOrg: http.NewCrossOriginProtection(),
	}
	per := time.Hour / time.Duration(cfg.Inbox.Rate.PerHour)
	s.submits = newLimiter(per, cfg.Inbox.Rate.Burst, time.Now)
	s.lookups = newLimiter(per, cfg.Inbox.Rate.Burst, time.Now)
	if cfg.Inbox.Pow {
		strict := time.Hour / time.Duration(cfg.Inbox.Rate.WithoutPowPerHour)
		s.noPow = newLimiter(strict, cfg.Inbox.Rate.WithoutPowBurst, time.Now)
		s.pow = newPowGate(cfg.Inbox, db, time.Now)
		if cfg.Inbox.PowKey == "" {
			s.log.Warn("inbox.pow_key is empty: challenges are signed with a random key of this process; set the same key on every instance")
		}
	}

	if cfg.Metrics.Enabled {
		s.metrics = newMetrics(s)
	}

	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.Renderer = r
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = ipExtractor(cfg.HTTP.TrustedProxies)
	s.echo = e
	s.routes()
	return s, nil
}

// Handler returns the server's http.Handler.
func (s *Server) Handler() http.Handler { return s.echo }

// ipExtractor reads the client address from the connection, or from
// X-Forwarded-For when the connection comes from a trusted proxy. The
// address feeds the in-memory rate limiter only.
func ipExtractor(trusted []string) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range trusted {
		if pfx, err := netip.ParsePrefix(p); err == nil {
			_, n, _ := net.ParseCIDR(pfx.String())
			opts = append(opts, echo.TrustIPRange(n))
		}
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// Serve answers HTTP on ln until ctx ends, then shuts down gracefully,
// letting requests in flight finish for up to grace.
func (s *Server) Serve(ctx context.Context, ln net.Listener, grace time.Duration) error {
	srv := &http.Server{
		Handler:           s.echo,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          slog.NewLogLogger(addressFreeHandler{s.log.Handler()}, slog.LevelWarn),
	}
	errc := make(chan error, 1)
	if n := s.cfg.HTTP.MaxConnections; n > 0 {
		ln = netutil.LimitListener(ln, n)
	}
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
