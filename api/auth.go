package api

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"kysy/moderation"
)

// Staff authentication: an API bearer token, or the console's session
// cookie plus its CSRF token (the X-CSRF-Token header, or the csrf form
// field of a console form) on every unsafe request. Public routes never
// read the cookie.

const (
	ctxActor = "kysy.actor"
	ctxCSRF  = "kysy.csrf"
	// csrfHeader carries the session's CSRF token on staff API calls.
	csrfHeader = "X-CSRF-Token"
	// csrfField carries it in console forms.
	csrfField = "csrf"
)

var (
	errUnauthenticated = newError(http.StatusUnauthorized, "unauthenticated", "Sign in, or send a valid API token.")
	errCSRF            = newError(http.StatusForbidden, "csrf", "The form has expired or did not come from the console. Reload the page and try again.")
)

// secureCookies reports whether the console runs behind https, judged by
// http.base_url: then the cookie is Secure and carries the __Host- prefix.
func (s *Server) secureCookies() bool {
	u, err := url.Parse(s.cfg.HTTP.BaseURL)
	return err == nil && u.Scheme == "https"
}

// sessionCookieName is the console cookie's name.
func (s *Server) sessionCookieName() string {
	if s.secureCookies() {
		return "__Host-kysy_staff"
	}
	return "kysy_staff"
}

// setSessionCookie sends the session cookie: HttpOnly, SameSite=Strict,
// Path=/, Secure behind https. An empty value with a past expiry deletes it.
func (s *Server) setSessionCookie(c echo.Context, value string, expires time.Time) {
	ck := &http.Cookie{
		Name: s.sessionCookieName(), Value: value, Path: "/",
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.secureCookies(),
	}
	if value == "" {
		ck.MaxAge = -1
	} else {
		ck.Expires = expires
	}
	c.SetCookie(ck)
}

// sessionCookie returns the session cookie's value, or "".
func (s *Server) sessionCookie(c echo.Context) string {
	ck, err := c.Cookie(s.sessionCookieName())
	if err != nil {
		return ""
	}
	return ck.Value
}

func isSafe(method string) bool {
	return method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions
}

// authenticate finds the staff actor of a request and checks its CSRF
// token on unsafe methods. It returns errUnauthenticated or errCSRF.
func (s *Server) authenticate(c echo.Context) (*moderation.Actor, string, error) {
	ctx := c.Request().Context()
	if h := c.Request().Header.Get(echo.HeaderAuthorization); h != "" {
		scheme, tok, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return nil, "", errUnauthenticated
		}
		actor, err := s.mod.AuthenticateToken(ctx, strings.TrimSpace(tok))
		if err != nil {
			return nil, "", err
		}
		return actor, "", nil
	}
	actor, csrf, err := s.mod.Session(ctx, s.sessionCookie(c))
	if err != nil {
		return nil, "", err
	}
	if !isSafe(c.Request().Method) {
		got := c.Request().Header.Get(csrfHeader)
		if got == "" && !strings.HasPrefix(c.Request().URL.Path, "/api/") {
			got = c.FormValue(csrfField)
		}
		if subtle.ConstantTimeCompare([]byte(got), []byte(csrf)) != 1 {
			return nil, "", errCSRF
		}
	}
	return actor, csrf, nil
}

// requireStaff lets a request through only with staff credentials, and
// puts the actor (and the session's CSRF token) in the context. Staff
// responses are never cached.
func (s *Server) requireStaff(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
		actor, csrf, err := s.authenticate(c)
		if err != nil {
			return err
		}
		c.Set(ctxActor, actor)
		c.Set(ctxCSRF, csrf)
		return next(c)
	}
}

// actorOf returns the actor requireStaff found.
func actorOf(c echo.Context) *moderation.Actor {
	a, _ := c.Get(ctxActor).(*moderation.Actor)
	return a
}

// csrfOf returns the session's CSRF token for console forms.
func csrfOf(c echo.Context) string {
	v, _ := c.Get(ctxCSRF).(string)
	return v
}
