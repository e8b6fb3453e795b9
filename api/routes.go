package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kysy/templates"
)

// routes lays out the whole URL surface, group by group.
func (s *Server) routes() {
	e := s.echo
	e.Use(requestID, s.recoverPanics(), s.logRequests, s.limitBody, s.secureHeaders())

	e.StaticFS("/static", echo.MustSubFS(templates.FS, "static"))

	e.GET("/healthz", s.handleHealth)
	e.GET("/readyz", s.handleReady)
	if s.metrics != nil && s.cfg.Metrics.Addr == "" {
		e.GET("/metrics", echo.WrapHandler(s.MetricsHandler()))
	}

	// Public pages: no cookies, no client identifiers kept.
	e.GET("/", s.handleAskPage)
	e.POST("/questions", s.handleAskForm, s.sameOrigin, s.rateLimit(s.submits))
	e.GET("/answer", s.handleAnswerPage)
	e.POST("/answer", s.handleAnswerForm, s.sameOrigin, s.rateLimit(s.lookups))
	e.GET("/privacy", s.handlePrivacyPage)
	e.GET("/posts", s.handlePostsPage)
	e.GET("/posts/:id", s.handlePostPage)
	e.GET("/posts/:id/card.png", s.handleCard("png"))
	e.GET("/posts/:id/card.jpg", s.handleCard("jpg"))
	e.GET("/feed.atom", s.handleFeed("atom"))
	e.GET("/feed.rss", s.handleFeed("rss"))
	e.GET("/feed.json", s.handleFeed("json"))

	// Public JSON API.
	// Middleware goes on each route, not on an Echo group: a group's
	// catch-all would answer 404 where 405 is right.
	e.GET("/api/v1/challenge", s.handleChallenge)
	e.GET("/api/v1/posts", s.handlePostsJSON)
	e.POST("/api/v1/questions", s.handleQuestionCreate, s.sameOrigin, s.rateLimit(s.submits))
	e.POST("/api/v1/receipts/lookup", s.handleReceiptLookup, s.sameOrigin, s.rateLimit(s.lookups))
	e.POST("/api/v1/receipts/withdraw", s.handleReceiptWithdraw, s.sameOrigin, s.rateLimit(s.lookups))

	s.staffRoutes()
	s.consoleRoutes()
}

// handleHealth answers while the process runs.
func (s *Server) handleHealth(c echo.Context) error {
	return c.String(http.StatusOK, "ok")
}

// handleReady answers 200 when the database answers, else 503.
func (s *Server) handleReady(c echo.Context) error {
	if err := s.db.Ping(c.Request().Context()); err != nil {
		s.log.Warn("not ready", "err", err)
		return c.String(http.StatusServiceUnavailable, "database unavailable")
	}
	return c.String(http.StatusOK, "ready")
}
