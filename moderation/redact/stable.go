package redact

import "strings"

// Redact returns s with every detected personal detail replaced by a
// "[KIND]" placeholder, and the spans of those placeholders.
//
// The result is stable: redacting it again finds nothing new. A
// replacement can change what its neighbours look like (a digit that was
// glued to a name stands alone once the name is "[NAME]"; "Xtie 1" is an
// address once the number after it is "[PHONE]"), so a text in which
// anything was found is redacted again until a pass finds nothing. This
// doubles the cost of texts with findings; it is what makes the last check
// before publishing (SPEC I4) quiet on text that was already redacted.
func (r *Redactor) Redact(s string) Result {
	res := r.redactOnce(s)
	for pass := 0; pass < 8 && len(res.Spans) > 0; pass++ {
		next := r.redactOnce(res.Text)
		if len(next.Spans) == 0 {
			break
		}
		res = Result{Text: next.Text, Spans: placeholderSpans(next.Text)}
	}
	return res
}

var placeholderKinds = []Kind{KindName, KindPhone, KindEmail, KindID, KindIBAN, KindCard, KindAddress, KindURL,
	KindHandle, KindIP, KindPlate, KindSchool, KindDate}

// placeholderSpans finds every "[KIND]" placeholder in s.
func placeholderSpans(s string) []Span {
	spans := []Span{}
	for i := 0; i < len(s); i++ {
		if s[i] != '[' {
			continue
		}
		for _, k := range placeholderKinds {
			if strings.HasPrefix(s[i+1:], string(k)) && i+1+len(k) < len(s) && s[i+1+len(k)] == ']' {
				spans = append(spans, Span{Kind: k, Start: i, End: i + len(k) + 2})
				i += len(k) + 1
				break
			}
		}
	}
	return spans
}
