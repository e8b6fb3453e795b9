package api

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/text/language"

	"kysy/moderation"
)

// The staff console (SPEC §1): server-rendered pages in Finnish and
// English that work without JavaScript. A signed-in session cookie
// authenticates every page; every form carries the session's CSRF token
// and every POST passes the same-origin check first. Handlers stay thin:
// each makes one moderation call, which checks the role and audits.

// Sign-in attempts per client: a burst of consoleLoginBurst, then one every
// consoleLoginEvery. Lock-out per account (moderation) stops guessing one
// password; this stops spraying many accounts from one address.
const (
	consoleLoginEvery = 6 * time.Second
	consoleLoginBurst = 10
)

// consoleQueueLimit is how many questions a queue page shows.
const consoleQueueLimit = 25

// consoleAuditLimit is how many audit entries a page shows.
const consoleAuditLimit = 50

// consoleReviewLimit is how many answers the review page lists.
const consoleReviewLimit = 50

// consoleRoutes mounts the staff console.
func (s *Server) consoleRoutes() {
	e := s.echo
	logins := newLimiter(consoleLoginEvery, consoleLoginBurst, time.Now)
	post := func(path string, h echo.HandlerFunc) {
		e.POST(path, h, s.sameOrigin, s.requireStaff)
	}

	e.GET("/console/login", s.handleConsoleLoginPage)
	e.POST("/console/login", s.handleConsoleLogin, s.sameOrigin, s.rateLimit(logins))
	post("/console/logout", s.handleConsoleLogout)

	e.GET("/console", s.handleConsoleHome, s.requireStaff)
	e.GET("/console/queue", s.handleConsoleQueue, s.requireStaff)
	e.GET("/console/questions/:id", s.handleConsoleQuestion, s.requireStaff)
	post("/console/questions/:id/edit", s.handleConsoleQuestionEdit)
	post("/console/questions/:id/redact", s.handleConsoleQuestionRedact)
	post("/console/questions/:id/reject", s.handleConsoleQuestionReject)
	post("/console/questions/:id/restore", s.handleConsoleQuestionRestore)
	post("/console/questions/:id/answer", s.handleConsoleAnswerStart)
	post("/console/answers/:id/edit", s.handleConsoleAnswerEdit)
	post("/console/answers/:id/submit", s.handleConsoleAnswerSubmit)
	post("/console/answers/:id/link", s.handleConsoleAnswerLink)
	post("/console/answers/:id/approve", s.handleConsoleAnswerApprove)
	post("/console/answers/:id/request-changes", s.handleConsoleAnswerRequestChanges)
	e.GET("/console/review", s.handleConsoleReview, s.requireStaff)
	e.GET("/console/stats", s.handleConsoleStats, s.requireStaff)
	e.GET("/console/audit", s.handleConsoleAudit, s.requireStaff)
	s.consolePostsRoutes(post)
}

// isConsolePath reports whether path belongs to the console.
func isConsolePath(path string) bool {
	return path == "/console" || strings.HasPrefix(path, "/console/")
}

// consoleLang chooses the console's language: fi or en from ?lang=, then
// Accept-Language, then Finnish.
func consoleLang(c echo.Context) string {
	switch l := strings.ToLower(strings.TrimSpace(c.QueryParam("lang"))); l {
	case "fi", "en":
		return l
	}
	if al := c.Request().Header.Get("Accept-Language"); al != "" {
		tags, _, err := language.ParseAcceptLanguage(al)
		if err == nil && len(tags) > 0 {
			_, idx, conf := consoleLangMatcher.Match(tags...)
			if conf != language.No {
				return consoleLangs[idx].Code
			}
		}
	}
	return "fi"
}

// newConsolePage fills the frame of a console page.
func (s *Server) newConsolePage(c echo.Context, name string) *consolePage {
	lang := consoleLang(c)
	p := &consolePage{
		Lang:  lang,
		Title: s.render.console.tr(lang, "title_"+name),
		Page:  name,
		Path:  "/console",
		Actor: actorOf(c),
		CSRF:  csrfOf(c),
		Langs: consoleLangs,
	}
	// A language link leads to the page itself, and after a form post
	// (which cannot be repeated by a link) to the console.
	if c.Request().Method == http.MethodGet {
		p.Path = consolePathWithoutLang(c.Request().URL)
	}
	if ok := c.QueryParam("ok"); ok != "" && s.render.console.has(lang, "ok_"+ok) {
		p.Notice = s.render.console.tr(lang, "ok_"+ok)
	}
	return p
}

// consolePathWithoutLang is the request's path and query minus lang and ok (a
// notice belongs to the moment after a change, not to a language switch).
func consolePathWithoutLang(u *url.URL) string {
	q := u.Query()
	q.Del("lang")
	q.Del("ok")
	out := &url.URL{Path: u.Path, RawQuery: q.Encode()}
	return out.String()
}

// consoleSeeOther answers a good form post: 303 to path in the console's
// language, with a notice key.
func consoleSeeOther(c echo.Context, path, notice string) error {
	u := consoleWithLang(path, consoleLang(c))
	if notice != "" {
		u += "&ok=" + url.QueryEscape(notice)
	}
	return c.Redirect(http.StatusSeeOther, u)
}

// consoleMessage is a moderation or HTTP error in the console's language;
// a code without a translation shows the error's own (English) message.
func (s *Server) consoleMessage(lang, code, fallback string, kv ...any) string {
	if id := "err_" + code; s.render.console.has(lang, id) {
		return s.render.console.tr(lang, id, kv...)
	}
	if fallback != "" {
		return fallback
	}
	return s.render.console.tr(lang, "err_internal")
}

// consoleShownError reports whether err is a moderation error that a console page
// shows beside the form it came from (bad input, a conflict, a role or
// four-eyes refusal, an unknown id), with the status to answer.
func consoleShownError(err error) (*moderation.Error, int, bool) {
	var me *moderation.Error
	if !errors.As(err, &me) {
		return nil, 0, false
	}
	switch me.Kind {
	case moderation.KindInvalid, moderation.KindConflict, moderation.KindForbidden, moderation.KindNotFound:
		return me, kindStatus[me.Kind], true
	}
	return nil, 0, false
}

// consoleError is the error handler's answer under /console: the way to
// the sign-in for a request without a session, a console error page in
// the console's language for anything else.
func (s *Server) consoleError(c echo.Context, ae *apiError) error {
	if ae.Status == http.StatusUnauthorized {
		target := "/console/login"
		if c.Request().Method == http.MethodGet && c.Request().URL.Path != "/console/login" {
			target += "?next=" + url.QueryEscape(c.Request().URL.RequestURI())
		}
		return c.Redirect(http.StatusSeeOther, consoleWithLang(target, consoleLang(c)))
	}
	if c.Request().URL.Path == "/console/login" && ae.Code == "rate_limited" {
		p := s.newConsolePage(c, "login")
		p.Login = &consoleLoginView{Name: c.FormValue("name"), Next: consoleSafeNext(c.FormValue("next"))}
		p.Error = s.consoleMessage(p.Lang, ae.Code, ae.Message)
		return c.Render(ae.Status, "login", p)
	}
	p := s.newConsolePage(c, "error")
	code := ae.Code
	if code == "forbidden" && p.Actor == nil {
		// Refused before anyone was authenticated: the same-origin check,
		// not a missing role.
		code = "cross_site"
	}
	p.Error = s.consoleMessage(p.Lang, code, "")
	return c.Render(ae.Status, "error", p)
}

// consoleID reads a positive id from the path.
func consoleID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, echo.ErrNotFound
	}
	return id, nil
}

// consoleSafeNext keeps a post-sign-in destination only when it is a console
// page on this site.
func consoleSafeNext(next string) string {
	if next == "" || strings.ContainsAny(next, "\\\r\n\t") || strings.HasPrefix(next, "//") {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !isConsolePath(u.Path) ||
		strings.Contains(u.Path, "..") || u.Path == "/console/login" || u.Path == "/console/logout" {
		return ""
	}
	return u.RequestURI()
}
