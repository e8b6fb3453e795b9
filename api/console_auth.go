package api

import (
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"kysy/moderation"
)

// consoleLoginView is the sign-in form.
type consoleLoginView struct {
	Name string
	Next string
}

// Bounds on what the sign-in form accepts; anything longer cannot be a
// real name, password or code.
const (
	consoleMaxLoginName     = 64
	consoleMaxLoginPassword = 1024
	consoleMaxLoginCode     = 16
)

// handleConsoleLoginPage shows the sign-in form, or goes to the console
// when the browser already has a session.
func (s *Server) handleConsoleLoginPage(c echo.Context) error {
	next := consoleSafeNext(c.QueryParam("next"))
	if ck := s.sessionCookie(c); ck != "" {
		if _, _, err := s.mod.Session(c.Request().Context(), ck); err == nil {
			return consoleSeeOther(c, consoleOr(next), "")
		}
	}
	p := s.newConsolePage(c, "login")
	p.Login = &consoleLoginView{Next: next}
	return c.Render(http.StatusOK, "login", p)
}

func consoleOr(next string) string {
	if next == "" {
		return "/console"
	}
	return next
}

// handleConsoleLogin signs a staff member in. Any session the browser
// presents ends first, and a successful sign-in always gets a new one, so
// a session planted before sign-in is never promoted (session fixation).
func (s *Server) handleConsoleLogin(c echo.Context) error {
	if err := c.Request().ParseForm(); err != nil {
		return formError(err)
	}
	ctx := c.Request().Context()
	name := strings.TrimSpace(c.FormValue("name"))
	password := c.FormValue("password")
	code := strings.TrimSpace(c.FormValue("code"))
	next := consoleSafeNext(c.FormValue("next"))

	old := s.sessionCookie(c)
	if old != "" {
		if err := s.mod.Logout(ctx, old); err != nil {
			return err
		}
	}
	p := s.newConsolePage(c, "login")
	p.Path = "/console/login"
	p.Login = &consoleLoginView{Name: name, Next: next}
	fail := func(status int, msg string) error {
		if old != "" {
			s.setSessionCookie(c, "", time.Time{})
		}
		p.Error = msg
		return c.Render(status, "login", p)
	}
	tr := s.render.console.tr
	if name == "" || password == "" {
		return fail(http.StatusUnprocessableEntity, tr(p.Lang, "err_login_required"))
	}
	if utf8.RuneCountInString(name) > consoleMaxLoginName || len(password) > consoleMaxLoginPassword || len(code) > consoleMaxLoginCode {
		return fail(http.StatusUnauthorized, tr(p.Lang, "err_bad_login"))
	}
	res, err := s.mod.Login(ctx, name, password, code)
	var me *moderation.Error
	if errors.As(err, &me) {
		switch me.Kind {
		case moderation.KindLocked:
			return fail(http.StatusTooManyRequests, tr(p.Lang, "err_account_locked_until", "Until", s.consoleLockedUntil(c, name)))
		case moderation.KindUnauthenticated, moderation.KindInvalid:
			return fail(http.StatusUnauthorized, s.consoleMessage(p.Lang, me.Code, me.Message))
		}
	}
	if err != nil {
		return err
	}
	s.setSessionCookie(c, res.Cookie, res.Expires)
	return consoleSeeOther(c, consoleOr(next), "")
}

// consoleLockedUntil says until when name is locked, in the console's time zone.
// moderation's error says it in words; the time itself is read here, in
// the page's language and zone.
func (s *Server) consoleLockedUntil(c echo.Context, name string) string {
	u, err := s.db.UserByName(c.Request().Context(), name)
	if err != nil || u.LockedUntil == nil {
		return "?"
	}
	return u.LockedUntil.In(s.render.console.zone).Format("15:04 MST")
}

// handleConsoleLogout ends the session and deletes the cookie.
func (s *Server) handleConsoleLogout(c echo.Context) error {
	if err := s.mod.Logout(c.Request().Context(), s.sessionCookie(c)); err != nil {
		return err
	}
	s.setSessionCookie(c, "", time.Time{})
	return consoleSeeOther(c, "/console/login", "signed_out")
}
