// Package redact removes personal details from a question before anything
// is stored (SPEC I1, §7). It depends on nothing but the standard library
// and its own data, so it can run anywhere, including the `kysy redact`
// command.
//
// Detectors find candidate spans in the input; overlapping spans are merged
// (the longer wins); each kept span is replaced by a placeholder "[KIND]".
package redact

import (
	"regexp"
	"sort"
	"strings"
)

// Kind names what a redacted span was; it is also the placeholder text.
type Kind string

// The kinds of SPEC §5.
const (
	KindName    Kind = "NAME"
	KindPhone   Kind = "PHONE"
	KindEmail   Kind = "EMAIL"
	KindID      Kind = "ID"
	KindIBAN    Kind = "IBAN"
	KindCard    Kind = "CARD"
	KindAddress Kind = "ADDRESS"
	KindURL     Kind = "URL"
	KindHandle  Kind = "HANDLE"
	KindIP      Kind = "IP"
	KindPlate   Kind = "PLATE"
	KindSchool  Kind = "SCHOOL"
	KindDate    Kind = "DATE"
)

// Span is one placeholder in the redacted text: Start and End are byte
// offsets into Result.Text and cover the "[KIND]" placeholder.
type Span struct {
	Kind  Kind `json:"kind"`
	Start int  `json:"start"`
	End   int  `json:"end"`
}

// Result is redacted text with the spans of its placeholders, in order.
type Result struct {
	Text  string `json:"text"`
	Spans []Span `json:"redactions"`
}

// Options tune a Redactor.
type Options struct {
	// KeepNumbers are public numbers (helplines) that are never redacted,
	// compared by their digits alone.
	KeepNumbers []string
}

// DefaultKeepNumbers are Finnish helplines and emergency numbers that a
// question may mention and an answer may need.
var DefaultKeepNumbers = []string{
	"112", "116 111", "116 006", "116 000", "116 123",
	"09 2525 0111", "080 005 005", "0800 02400", "0800 100 120",
}

// Redactor finds and replaces personal details. It is safe for concurrent use.
type Redactor struct {
	keep      map[string]bool
	detectors []detector
}

type match struct {
	kind       Kind
	start, end int
}

type detector func(s string, out []match) []match

// New returns a Redactor.
func New(opts Options) *Redactor {
	keep := opts.KeepNumbers
	if keep == nil {
		keep = DefaultKeepNumbers
	}
	r := &Redactor{keep: map[string]bool{}}
	for _, n := range keep {
		r.keep[digitsOnly(n)] = true
	}
	r.detectors = []detector{detectEmails, detectIdentityCodes, r.detectPhones}
	return r
}

// Redact returns s with every detected personal detail replaced.
func (r *Redactor) Redact(s string) Result {
	var ms []match
	for _, d := range r.detectors {
		ms = d(s, ms)
	}
	if len(ms) == 0 {
		return Result{Text: s, Spans: []Span{}}
	}
	ms = resolve(ms)
	var b strings.Builder
	b.Grow(len(s))
	spans := make([]Span, 0, len(ms))
	last := 0
	for _, m := range ms {
		b.WriteString(s[last:m.start])
		start := b.Len()
		b.WriteByte('[')
		b.WriteString(string(m.kind))
		b.WriteByte(']')
		spans = append(spans, Span{Kind: m.kind, Start: start, End: b.Len()})
		last = m.end
	}
	b.WriteString(s[last:])
	return Result{Text: b.String(), Spans: spans}
}

// resolve orders matches and drops those overlapping an earlier, longer one.
func resolve(ms []match) []match {
	sort.Slice(ms, func(i, j int) bool {
		if ms[i].start != ms[j].start {
			return ms[i].start < ms[j].start
		}
		return ms[i].end > ms[j].end
	})
	out := ms[:0]
	for _, m := range ms {
		if n := len(out); n > 0 && m.start < out[n-1].end {
			prev := &out[n-1]
			if m.end-m.start > prev.end-prev.start {
				*prev = m
			} else if m.end > prev.end {
				prev.end = m.end
			}
			continue
		}
		out = append(out, m)
	}
	return out
}

var emailRE = regexp.MustCompile(`(?i)[\p{L}0-9._%+\-]+@[\p{L}0-9\-]+(?:\.[\p{L}0-9\-]+)*\.[a-z]{2,}`)

func detectEmails(s string, out []match) []match {
	if !strings.Contains(s, "@") {
		return out
	}
	for _, loc := range emailRE.FindAllStringIndex(s, -1) {
		out = append(out, match{KindEmail, loc[0], loc[1]})
	}
	return out
}

// identityRE matches a Finnish personal identity code: DDMMYY, a century
// sign (+ for the 1800s; - Y X W V U for the 1900s; A B C D E F for the
// 2000s, the letters added in 2023), a three-digit individual number and a
// check character.
var identityRE = regexp.MustCompile(`(?i)\b(\d{6})([-+ABCDEFUVWXY])(\d{3})([0-9A-Y])\b`)

const identityCheck = "0123456789ABCDEFHJKLMNPRSTUVWXY"

func detectIdentityCodes(s string, out []match) []match {
	for _, m := range identityRE.FindAllStringSubmatchIndex(s, -1) {
		date, num, chk := s[m[2]:m[3]], s[m[6]:m[7]], strings.ToUpper(s[m[8]:m[9]])
		if validIdentity(date, num, chk) {
			out = append(out, match{KindID, m[0], m[1]})
		}
	}
	return out
}

func validIdentity(date, num, chk string) bool {
	dd := atoi(date[0:2])
	mm := atoi(date[2:4])
	if dd < 1 || dd > 31 || mm < 1 || mm > 12 {
		return false
	}
	n := atoi(date + num)
	return string(identityCheck[n%31]) == chk
}

// phoneRE finds runs that look like phone numbers: an optional + and then
// digits with single spaces, dots, dashes or slashes between them, at
// least seven digits in all. Parentheses around an area code are allowed.
var phoneRE = regexp.MustCompile(`(?:\+|\b00)?\(?\d(?:\)?[ .\-/]?\(?\d){6,14}\b`)

func (r *Redactor) detectPhones(s string, out []match) []match {
	for _, loc := range phoneRE.FindAllStringIndex(s, -1) {
		d := digitsOnly(s[loc[0]:loc[1]])
		if r.keep[d] || !plausiblePhone(d, s[loc[0]]) {
			continue
		}
		out = append(out, match{KindPhone, loc[0], loc[1]})
	}
	return out
}

// plausiblePhone accepts Finnish numbers (0…, 358…) and international ones
// written with + or 00; it leaves other long digit runs (years, amounts,
// identity-code dates) alone.
func plausiblePhone(d string, first byte) bool {
	switch {
	case first == '+':
		return len(d) >= 8
	case strings.HasPrefix(d, "00"):
		return len(d) >= 9
	case strings.HasPrefix(d, "358"):
		return len(d) >= 9
	case strings.HasPrefix(d, "0"):
		return len(d) >= 7 && len(d) <= 12
	}
	return false
}

func digitsOnly(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' {
			b.WriteByte(c)
		}
	}
	return b.String()
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
