package redact

// Kinds lists every kind of personal detail, in the order of SPEC §5.
var Kinds = placeholderKinds

// Placeholders returns the spans of every "[KIND]" placeholder in s: of
// text redacted earlier as well as now.
func Placeholders(s string) []Span { return placeholderSpans(s) }
