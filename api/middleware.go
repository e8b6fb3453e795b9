package api

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// contentSecurityPolicy allows only Kysy's own assets: no inline script,
// no third party, no framing (SPEC I2, issue 2 §8).
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// requestID gives each request a random ID for correlating error logs. An
// incoming X-Request-Id is ignored: a client must not choose what we log.
func requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		var b [8]byte
		rand.Read(b[:])
		c.Response().Header().Set(echo.HeaderXRequestID, hex.EncodeToString(b[:]))
		return next(c)
	}
}

// logRequests writes one line per request: method, route pattern, status
// and duration — nothing about the client, the path's values or the query
// — and counts the same in the metrics.
func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		if err := next(c); err != nil {
			c.Error(err)
		}
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		took := time.Since(start)
		s.log.Info("request",
			"method", c.Request().Method,
			"route", route,
			"status", c.Response().Status,
			"duration_ms", float64(took.Microseconds())/1000)
		if s.metrics != nil {
			s.metrics.observe(c.Request().Method, route, c.Response().Status, took)
		}
		return nil
	}
}

// limitBody caps every request body; reading past the cap fails with
// *http.MaxBytesError, which the error handler turns into 413.
func (s *Server) limitBody(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if req.ContentLength > s.cfg.HTTP.BodyLimit {
			return errBodyTooLarge
		}
		req.Body = http.MaxBytesReader(c.Response(), req.Body, s.cfg.HTTP.BodyLimit)
		return next(c)
	}
}

// secureHeaders sets the headers of issue 2 §8 on every response, and
// keeps pages out of caches, where a parent checking the phone could find
// them.
func (s *Server) secureHeaders() echo.MiddlewareFunc {
	hsts := 0
	if strings.HasPrefix(s.cfg.HTTP.BaseURL, "https://") {
		hsts = 63072000
	}
	sec := middleware.SecureWithConfig(middleware.SecureConfig{
		XSSProtection:         "0",
		ContentTypeNosniff:    "nosniff",
		XFrameOptions:         "DENY",
		HSTSMaxAge:            hsts,
		ContentSecurityPolicy: contentSecurityPolicy,
		ReferrerPolicy:        "no-referrer",
	})
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		h := sec(next)
		return func(c echo.Context) error {
			hd := c.Response().Header()
			hd.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
			hd.Set("Cross-Origin-Opener-Policy", "same-origin")
			hd.Set("Cross-Origin-Resource-Policy", "same-origin")
			if strings.HasPrefix(c.Request().URL.Path, "/static/") {
				hd.Set(echo.HeaderCacheControl, "public, max-age=3600")
			} else {
				hd.Set(echo.HeaderCacheControl, "no-store")
			}
			return h(c)
		}
	}
}

// sameOrigin refuses cross-site form and API posts (CSRF) with Go's
// CrossOriginProtection, which needs no cookie or token.
func (s *Server) sameOrigin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := s.crossOrg.Check(c.Request()); err != nil {
			return newError(http.StatusForbidden, "forbidden", "Cross-site requests are not accepted.")
		}
		return next(c)
	}
}

// rateLimit takes a token for the client from l; without one it answers
// 429 rate_limited with Retry-After.
func (s *Server) rateLimit(l *limiter) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if !s.cfg.Inbox.Rate.Enabled {
				return next(c)
			}
			if ok, wait := l.allow(c.RealIP()); !ok {
				e := newError(http.StatusTooManyRequests, "rate_limited", "Too many requests. Please wait a moment and try again.")
				e.RetryAfter = retryAfterSeconds(wait)
				return e
			}
			return next(c)
		}
	}
}

// recoverPanics turns a panic into a 500 and logs where, not what the
// request held.
func (s *Server) recoverPanics() echo.MiddlewareFunc {
	return middleware.RecoverWithConfig(middleware.RecoverConfig{
		DisableStackAll: true,
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			s.log.Error("panic", "route", c.Path(), "err", err, "stack", string(stack))
			return err
		},
	})
}
