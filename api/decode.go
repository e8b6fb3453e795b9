package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
)

// decodeJSON decodes the request body into dst strictly (SPEC §4, I8):
// application/json only, within the body limit, valid UTF-8, one JSON
// value, no unknown fields, every value of the right type.
func decodeJSON(c echo.Context, limit int64, dst any) error {
	req := c.Request()
	mt, _, err := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	if err != nil || mt != echo.MIMEApplicationJSON {
		return newError(http.StatusUnsupportedMediaType, "unsupported_media_type", "The body must be application/json.")
	}
	if req.ContentLength > limit {
		return errBodyTooLarge
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, limit+1))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errBodyTooLarge
		}
		return newError(http.StatusBadRequest, "invalid_json", "The request body could not be read.")
	}
	if int64(len(body)) > limit {
		return errBodyTooLarge
	}
	if !utf8.Valid(body) {
		return newError(http.StatusBadRequest, "invalid_utf8", "The request body is not valid UTF-8.")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return newError(http.StatusBadRequest, "invalid_json", "The request body is empty; send a JSON object.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return newError(http.StatusBadRequest, "invalid_json", "The request body must hold exactly one JSON object.")
	}
	return nil
}

func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		if te.Field == "" {
			return newError(http.StatusBadRequest, "invalid_json", "The request body must be a JSON object.")
		}
		return newError(http.StatusBadRequest, "invalid_json", fmt.Sprintf("The field %q must be a %s.", te.Field, jsonKind(te.Type.Kind().String())))
	case errors.As(err, &se):
		return newError(http.StatusBadRequest, "invalid_json", fmt.Sprintf("The request body is not valid JSON (at byte %d).", se.Offset))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.TrimPrefix(err.Error(), "json: unknown field ")
		if len(field) > 64 {
			field = field[:64] + `…"`
		}
		return newError(http.StatusBadRequest, "unknown_field", fmt.Sprintf("The field %s is not known.", field))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return newError(http.StatusBadRequest, "invalid_json", "The request body ends in the middle of a JSON value.")
	}
	return newError(http.StatusBadRequest, "invalid_json", "The request body is not valid JSON.")
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "string"
	case "bool":
		return "boolean (true or false)"
	case "int", "int64", "float64":
		return "number"
	}
	return k
}
