package redact

import "strings"

// stableWindow is how far around each placeholder a second look reaches:
// farther than any detector's context (a cue is at most a few words).
const stableWindow = 64

// Redact returns s with every detected personal detail replaced by a
// "[KIND]" placeholder, and the spans of those placeholders.
//
// The result is stable: redacting it again finds nothing new. A
// replacement can change what its neighbours look like (a digit that was
// glued to a name stands alone once the name is "[NAME]"), so after the
// first pass the text around every placeholder is looked at again, and
// while that finds anything, the whole text is redacted once more. Only
// placeholders glued to a letter or digit are looked at again; elsewhere a
// replacement changes nothing a detector reads (placeholders never count
// as words, cues or names).
func (r *Redactor) Redact(s string) Result {
	res := r.redactOnce(s)
	for pass := 0; pass < 8 && glued(res) && r.unstable(res); pass++ {
		next := r.redactOnce(res.Text)
		if len(next.Spans) == 0 {
			break
		}
		res = Result{Text: next.Text, Spans: placeholderSpans(next.Text)}
	}
	return res
}

// glued reports whether a placeholder of res touches a letter or digit:
// only there can a replacement change what its neighbour looks like
// ("Yi0 1234567" → "[NAME]0 1234567", where the 0 now starts a number).
func glued(res Result) bool {
	for _, sp := range res.Spans {
		if sp.Start > 0 && isWordByte(res.Text[sp.Start-1]) || sp.End < len(res.Text) && isWordByte(res.Text[sp.End]) {
			return true
		}
	}
	return false
}

// unstable reports whether a detector finds anything new near the
// placeholders of res.
func (r *Redactor) unstable(res Result) bool {
	t := res.Text
	for i := 0; i < len(res.Spans); {
		start := max(0, res.Spans[i].Start-stableWindow)
		end := min(len(t), res.Spans[i].End+stableWindow)
		j := i + 1
		// Merge windows that touch, and never cut a placeholder in two.
		for j < len(res.Spans) && res.Spans[j].Start <= end {
			end = min(len(t), max(end, res.Spans[j].End+stableWindow))
			j++
		}
		if j < len(res.Spans) && res.Spans[j].Start < end {
			end = res.Spans[j].End
		}
		if i > 0 && res.Spans[i-1].End > start {
			start = res.Spans[i-1].Start
		}
		for start > 0 && !isBoundary(t, start) {
			start--
		}
		for end < len(t) && !isBoundary(t, end) {
			end++
		}
		if len(r.redactOnce(t[start:end]).Spans) > 0 {
			return true
		}
		i = j
	}
	return false
}

// isBoundary reports whether byte i of s starts a UTF-8 sequence.
func isBoundary(s string, i int) bool { return s[i]&0xC0 != 0x80 }

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
