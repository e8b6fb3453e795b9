package moderation

import "fmt"

// ErrorKind classifies a moderation error for the caller (HTTP status,
// CLI exit code).
type ErrorKind int

// The kinds of error moderation returns; anything else is internal.
const (
	KindInvalid ErrorKind = iota + 1
	KindNotFound
	KindConflict
	KindForbidden
	KindUnavailable
	KindUnauthenticated
	// KindLocked is a sign-in refused because of earlier failures.
	KindLocked
)

// Error is an error whose Message is safe to show to the person who caused
// it. Code is the stable snake_case code of the JSON error body.
type Error struct {
	Kind    ErrorKind
	Code    string
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Invalid returns a KindInvalid error.
func Invalid(code, msg string) *Error { return &Error{Kind: KindInvalid, Code: code, Message: msg} }

// NotFound returns a KindNotFound error.
func NotFound(code, msg string) *Error { return &Error{Kind: KindNotFound, Code: code, Message: msg} }

// Conflict returns a KindConflict error.
func Conflict(code, msg string) *Error { return &Error{Kind: KindConflict, Code: code, Message: msg} }

// Unavailable returns a KindUnavailable error.
func Unavailable(code, msg string) *Error {
	return &Error{Kind: KindUnavailable, Code: code, Message: msg}
}

// Forbidden returns a KindForbidden error.
func Forbidden(code, msg string) *Error { return &Error{Kind: KindForbidden, Code: code, Message: msg} }

// Unauthenticated returns a KindUnauthenticated error.
func Unauthenticated(code, msg string) *Error {
	return &Error{Kind: KindUnauthenticated, Code: code, Message: msg}
}
