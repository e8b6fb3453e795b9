package api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"kysy/moderation"
)

// apiError is an HTTP error with the JSON body of SPEC §4.
type apiError struct {
	Status     int
	Code       string
	Message    string
	RetryAfter int // seconds; sets Retry-After when > 0
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func newError(status int, code, msg string) *apiError {
	return &apiError{Status: status, Code: code, Message: msg}
}

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

var kindStatus = map[moderation.ErrorKind]int{
	moderation.KindInvalid:         http.StatusUnprocessableEntity,
	moderation.KindNotFound:        http.StatusNotFound,
	moderation.KindConflict:        http.StatusConflict,
	moderation.KindForbidden:       http.StatusForbidden,
	moderation.KindUnavailable:     http.StatusServiceUnavailable,
	moderation.KindUnauthenticated: http.StatusUnauthorized,
	moderation.KindLocked:          http.StatusTooManyRequests,
}

// asAPIError maps any error to what the client is told; unknown errors
// become a generic 500 and ok is false.
func asAPIError(err error) (*apiError, bool) {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae, true
	}
	var me *moderation.Error
	if errors.As(err, &me) {
		st, ok := kindStatus[me.Kind]
		if !ok {
			st = http.StatusInternalServerError
		}
		if me.Code == "invalid_utf8" {
			st = http.StatusBadRequest
		}
		return newError(st, me.Code, me.Message), true
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errBodyTooLarge, true
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		switch he.Code {
		case http.StatusNotFound:
			return newError(http.StatusNotFound, "not_found", "There is nothing at this address."), true
		case http.StatusMethodNotAllowed:
			return newError(http.StatusMethodNotAllowed, "method_not_allowed", "This method is not allowed here."), true
		case http.StatusRequestEntityTooLarge:
			return errBodyTooLarge, true
		}
		if he.Code >= 400 && he.Code < 500 {
			return newError(he.Code, "bad_request", "The request could not be read."), true
		}
	}
	return newError(http.StatusInternalServerError, "internal", "Something went wrong on our side. Please try again."), false
}

var errBodyTooLarge = newError(http.StatusRequestEntityTooLarge, "body_too_large", "The request body is too large.")

// handleError is Echo's one error handler: JSON under /api, a console
// page (or the way to its sign-in) under /console, a public page
// elsewhere. It logs 5xx only, with the route and request ID, never the
// request's content.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	ae, known := asAPIError(err)
	if !known || ae.Status >= 500 && ae.Code == "internal" {
		s.log.Error("request failed", "route", c.Path(), "request_id", c.Response().Header().Get(echo.HeaderXRequestID), "err", err)
	}
	if ae.RetryAfter > 0 {
		c.Response().Header().Set("Retry-After", strconv.Itoa(ae.RetryAfter))
	}
	var werr error
	switch {
	case c.Request().Method == http.MethodHead:
		werr = c.NoContent(ae.Status)
	case strings.HasPrefix(c.Request().URL.Path, "/api/"):
		werr = c.JSON(ae.Status, errorBody{Error: errorDetail{Code: ae.Code, Message: ae.Message}})
	case isConsolePath(c.Request().URL.Path):
		werr = s.consoleError(c, ae)
	default:
		lang := pickLang(c.QueryParam("lang"), c.Request().Header.Get("Accept-Language"))
		if c.Request().Method == http.MethodPost && ae.Status != http.StatusRequestEntityTooLarge {
			// A refused form post answers in the form's language.
			lang = s.lang(c)
		}
		p := s.newPage("error", lang, "/")
		msgID := "err_" + ae.Code
		if msg := s.render.tr(lang, msgID); msg != msgID {
			p.Error = msg
		} else {
			p.Error = s.render.tr(lang, "err_internal")
		}
		werr = c.Render(ae.Status, "error", p)
	}
	if werr != nil {
		s.log.Error("write error response", "route", c.Path(), "err", werr)
	}
}
