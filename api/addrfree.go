package api

import (
	"context"
	"log/slog"
	"regexp"
)

// addressFreeHandler wraps the handler that net/http's own error log goes
// to: lines such as "http: TLS handshake error from 198.51.100.7:5123"
// would otherwise write a client address to the log (SPEC I2).
type addressFreeHandler struct{ next slog.Handler }

var addrPattern = regexp.MustCompile(`\[?[0-9A-Fa-f:.]*[0-9A-Fa-f]\]?:\d+|\b\d{1,3}(?:\.\d{1,3}){3}\b`)

func (h addressFreeHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

func (h addressFreeHandler) Handle(ctx context.Context, r slog.Record) error {
	clean := slog.NewRecord(r.Time, r.Level, addrPattern.ReplaceAllString(r.Message, "[address]"), r.PC)
	return h.next.Handle(ctx, clean)
}

func (h addressFreeHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return addressFreeHandler{h.next.WithAttrs(as)}
}

func (h addressFreeHandler) WithGroup(name string) slog.Handler {
	return addressFreeHandler{h.next.WithGroup(name)}
}
