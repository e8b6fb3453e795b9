// Package redact removes personal details from a question before anything
// is stored (SPEC I1, §7). It depends on nothing but the standard library
// and its own data, so it can run anywhere, including the `kysy redact`
// command.
//
// Detectors find candidate spans in the input; overlapping spans are merged
// (the longer wins); each kept span is replaced by a placeholder "[KIND]".
package redact

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
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
	detectors []textDetector
}

type match struct {
	kind       Kind
	start, end int
}

type detector func(s string, out []match) []match

// textDetector is a detector that reads the shared pre-scan (scan.go).
type textDetector func(t *text, out []match) []match

// onText runs a detector that needs no pre-scan.
func onText(d detector) textDetector {
	return func(t *text, out []match) []match { return d(t.s, out) }
}

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
	// The order matters: of two matches with the same bounds, the
	// earlier detector's wins (see resolve). It is the order of the
	// detector indices (stable.go).
	r.detectors = []textDetector{
		detEmail: onText(detectEmails), detObfEmail: detectObfuscatedEmailsIn, detID: detectIdentityCodesIn,
		detPhone: r.detectPhonesIn, detSpelled: r.detectSpelledPhonesIn, detIBAN: detectIBANsIn, detCard: detectCardsIn,
		detIP: detectIPsIn, detURL: onText(detectURLs), detHandle: detectHandlesIn, detPlate: detectPlatesIn,
		detAddress: detectAddressesIn, detPostcode: detectPostcodesIn, detSchool: detectSchoolsIn,
		detDate: detectBirthDatesIn, detName: detectNamesIn,
	}
	return r
}

// redactOnce is one pass of the detectors in set over s. It also fills
// plan with what the next pass would read, and where it may find
// something new (see recheck).
func (r *Redactor) redactOnce(s string, set detectorSet, plan *recheckPlan) Result {
	plan.text, plan.windows = "", plan.windows[:0]
	// Detectors read the normalised text, where evasions (zero-width
	// characters, look-alike letters, fullwidth digits) are folded away;
	// their spans are mapped back and cut out of the text as written.
	n := normalize(s)
	defer n.release()
	sc := scratchPool.Get().(*redactScratch)
	defer scratchPool.Put(sc)
	sc.t = scanText(n.text, sc.t.words[:0], sc.t.digitRuns[:0], sc.t.keyed[:0])
	ms := r.detect(&sc.t, set, sc.ms[:0])
	sc.ms = ms
	if len(ms) == 0 {
		return Result{Text: s, Spans: []Span{}}
	}
	ms, lossy := resolve(ms)
	// The next pass reads this pass's normalised text with the same
	// placeholders (normalising goes rune by rune, so it makes no
	// difference whether it comes before or after the replacement):
	// recheck looks at that, and at the last byte of what each placeholder
	// replaced.
	ps := sc.ps[:0]
	var nb strings.Builder
	if n.orig != nil {
		nb.Grow(len(n.text))
	}
	var b strings.Builder
	b.Grow(len(s))
	spans := make([]Span, 0, len(ms))
	last, nlast := 0, 0
	for _, m := range ms {
		ns, ne := m.start, m.end
		m.start, m.end = n.span(ns, ne)
		b.WriteString(s[last:m.start])
		start := b.Len()
		b.WriteByte('[')
		b.WriteString(string(m.kind))
		b.WriteByte(']')
		spans = append(spans, Span{Kind: m.kind, Start: start, End: b.Len()})
		last = m.end
		p := placeholder{start: start, end: b.Len(), replacedLast: n.text[ne-1]}
		if n.orig != nil {
			nb.WriteString(n.text[nlast:ns])
			p.start = nb.Len()
			nb.WriteByte('[')
			nb.WriteString(string(m.kind))
			nb.WriteByte(']')
			p.end = nb.Len()
			nlast = ne
		}
		ps = append(ps, p)
	}
	b.WriteString(s[last:])
	res := Result{Text: b.String(), Spans: spans}
	next := res.Text
	if n.orig != nil {
		nb.WriteString(n.text[nlast:])
		next = nb.String()
	}
	sc.ps = ps
	if lossy {
		plan.text, plan.windows = next, append(plan.windows, recheckWindow{0, len(next), allDetectors})
	} else {
		recheck(next, ps, plan)
	}
	return res
}

// detect appends the matches of the detectors in set on t to ms.
func (r *Redactor) detect(t *text, set detectorSet, ms []match) []match {
	for k, d := range r.detectors {
		if set&(1<<k) != 0 {
			ms = d(t, ms)
		}
	}
	return ms
}

// redactScratch is the memory of one pass (redactOnce), pooled: the pre-scan
// (which the detectors, called through function values, would otherwise
// move to the heap), the match buffer and the placeholders made.
type redactScratch struct {
	t  text
	ms []match
	ps []placeholder
}

var scratchPool = sync.Pool{New: func() any { return new(redactScratch) }}

// resolve orders matches and drops those overlapping an earlier, longer one.
// It reports whether a dropped match began before the one that replaced it:
// then a piece of it is left next to the placeholder, unredacted.
//
// The sort is stable, so of matches with equal bounds the earlier
// detector's comes first and wins. (An unstable sort keeps that order only
// on short slices, where it sorts by insertion; on a long text the kind of
// such a match depended on the rest of the list.)
func resolve(ms []match) ([]match, bool) {
	slices.SortStableFunc(ms, func(a, b match) int {
		switch {
		case a.start != b.start:
			return cmp.Compare(a.start, b.start)
		case a.end != b.end:
			return cmp.Compare(b.end, a.end)
		}
		return 0
	})
	out := ms[:0]
	lossy := false
	for _, m := range ms {
		if n := len(out); n > 0 && m.start < out[n-1].end {
			prev := &out[n-1]
			if m.end-m.start > prev.end-prev.start {
				lossy = lossy || prev.start < m.start
				*prev = m
			} else if m.end > prev.end {
				prev.end = m.end
			}
			continue
		}
		out = append(out, m)
	}
	return out, lossy
}

// detectEmails finds addresses around each '@': a local part of letters,
// digits and ._%+- before it, and a domain with a dot and a top-level
// domain of two or more letters after it.
func detectEmails(s string, out []match) []match {
	from := 0
	for {
		k := strings.IndexByte(s[from:], '@')
		if k < 0 {
			return out
		}
		at := from + k
		from = at + 1
		start := at
		for start > 0 {
			r, size := utf8.DecodeLastRuneInString(s[:start])
			if !(unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("._%+-", r)) {
				break
			}
			start -= size
		}
		if start == at {
			continue
		}
		end, lastDot := at+1, -1
		for end < len(s) {
			r, size := utf8.DecodeRuneInString(s[end:])
			if r == '.' {
				lastDot = end
			} else if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-') {
				break
			}
			end += size
		}
		// Trailing dots end the sentence, not the address.
		for end > at+1 && s[end-1] == '.' {
			end--
		}
		if lastDot >= end {
			lastDot = strings.LastIndexByte(s[at+1:end], '.')
			if lastDot >= 0 {
				lastDot += at + 1
			}
		}
		if lastDot <= at+1 || !isTLD(s[lastDot+1:end]) {
			continue
		}
		out = append(out, match{KindEmail, start, end})
		from = end
	}
}

func isTLD(s string) bool {
	if len(s) < 2 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

const identityCheck = "0123456789ABCDEFHJKLMNPRSTUVWXY"

// detectIdentityCodes finds Finnish personal identity codes: DDMMYY, a
// century sign (+ for the 1800s; - Y X W V U for the 1900s; A B C D E F
// for the 2000s, the letters added in 2023), a three-digit individual
// number and a check character that must be right.
func detectIdentityCodes(s string, out []match) []match {
	t := plainText(s)
	return detectIdentityCodesIn(&t, out)
}

func detectIdentityCodesIn(t *text, out []match) []match {
	s := t.s
	// Nine of the eleven characters are digits.
	if t.digits < 9 {
		return out
	}
	digits := t.digitCursor()
	for i := digits.next(0); i+11 <= len(s); i = digits.next(i + 1) {
		if i > 0 && isWordByte(s[i-1]) {
			continue
		}
		if !allDigits(s[i:i+6]) || !strings.ContainsRune("-+ABCDEFUVWXYabcdefuvwxy", rune(s[i+6])) ||
			!allDigits(s[i+7:i+10]) {
			continue
		}
		chk := s[i+10] &^ 0x20
		if isDigit(s[i+10]) {
			chk = s[i+10]
		}
		if i+11 < len(s) && isWordByte(s[i+11]) {
			continue
		}
		if validIdentity(s[i:i+6], s[i+7:i+10], string(chk)) {
			out = append(out, match{KindID, i, i + 11})
			i += 10
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

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isWordByte is an ASCII letter or digit, or any byte of a non-ASCII rune
// (a letter such as ä, in the text Kysy sees).
func isWordByte(c byte) bool {
	return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'z') || c >= utf8.RuneSelf
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// digitGroup is one run of digits inside a candidate phone number.
type digitGroup struct{ start, end int }

// detectPhones finds phone numbers: digit groups joined by single spaces,
// dots, dashes or slashes (brackets around an area code allowed), with an
// optional leading + or 00. A run of groups may hold several numbers
// side by side; each is cut out as the longest plausible number. Public
// helplines are kept, and so are dates (12.03.2010) and other digit runs
// that do not start like a phone number.
func (r *Redactor) detectPhones(s string, out []match) []match {
	t := plainText(s)
	return r.detectPhonesIn(&t, out)
}

func (r *Redactor) detectPhonesIn(t *text, out []match) []match {
	s := t.s
	if t.digits < 7 {
		return out
	}
	var gbuf [8]digitGroup
	groups := gbuf[:0]
	for i := 0; i < len(s); {
		c := s[i]
		if !isDigit(c) && c != '+' && c != '(' {
			i++
			continue
		}
		if i > 0 && isDigit(s[i-1]) {
			i++
			continue
		}
		// Gather the run of groups starting here.
		groups = groups[:0]
		j := i
		if s[j] == '+' || s[j] == '(' {
			j++
		}
		if j < len(s) && s[j] == '(' {
			j++
		}
		var seps phoneSeps
		for j < len(s) && isDigit(s[j]) {
			g := digitGroup{start: j}
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			g.end = j
			groups = append(groups, g)
			k := j
			if k < len(s) && s[k] == ')' {
				k++
			}
			if k < len(s) && strings.IndexByte(" .-/", s[k]) >= 0 {
				seps.add(s[k])
				k++
			}
			if k < len(s) && s[k] == '(' {
				k++
			}
			if k >= len(s) || !isDigit(s[k]) {
				break
			}
			j = k
		}
		if len(groups) == 0 {
			i = j + 1
			continue
		}
		out = r.phonesInGroups(s, i, groups, seps, out)
		i = groups[len(groups)-1].end
	}
	return out
}

// phoneSeps records the separators between the groups of a run, as far as
// looksLikeDate needs them: how many, and the first two.
type phoneSeps struct {
	n     int
	first [2]byte
}

func (p *phoneSeps) add(c byte) {
	if p.n < len(p.first) {
		p.first[p.n] = c
	}
	p.n++
}

// twice reports whether the separators are exactly c twice ("..", "//").
func (p *phoneSeps) twice(c byte) bool { return p.n == 2 && p.first[0] == c && p.first[1] == c }

// phonesInGroups cuts plausible numbers out of one run of digit groups.
func (r *Redactor) phonesInGroups(s string, runStart int, groups []digitGroup, seps phoneSeps, out []match) []match {
	if looksLikeDate(s, groups, seps) {
		return out
	}
	for a := 0; a < len(groups); {
		start := groups[a].start
		if a == 0 {
			start = runStart
		}
		best := -1
		var dbuf [32]byte
		digits := dbuf[:0]
		for b := a; b < len(groups); b++ {
			digits = append(digits, s[groups[b].start:groups[b].end]...)
			if len(digits) > 15 {
				break
			}
			first := s[start]
			if first == '(' && start+1 < len(s) {
				first = s[start+1]
			}
			if len(digits) >= 7 && plausiblePhone(string(digits), first) {
				best = b
			}
		}
		if best < 0 {
			a++
			continue
		}
		end := groups[best].end
		var kbuf [32]byte
		d := kbuf[:0]
		for k := a; k <= best; k++ {
			d = append(d, s[groups[k].start:groups[k].end]...)
		}
		if !r.keep[string(d)] && !(end < len(s) && isWordByte(s[end]) && s[end] < utf8.RuneSelf && isDigit(s[end])) {
			out = append(out, match{KindPhone, start, end})
		}
		a = best + 1
	}
	return out
}

// looksLikeDate tells 12.03.2010 and 2/9/2010 from a phone number.
func looksLikeDate(s string, groups []digitGroup, seps phoneSeps) bool {
	if len(groups) != 3 || !(seps.twice('.') || seps.twice('/') || seps.twice('-')) {
		return false
	}
	l := func(g digitGroup) int { return g.end - g.start }
	if l(groups[0]) <= 2 && l(groups[1]) <= 2 && (l(groups[2]) == 4 || l(groups[2]) == 2) {
		return atoi(s[groups[1].start:groups[1].end]) <= 12
	}
	return l(groups[0]) == 4 && l(groups[1]) <= 2 && l(groups[2]) <= 2
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

// countDigits counts the ASCII digits in s.
func countDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' {
			n++
		}
	}
	return n
}

// detectSpelledPhones finds numbers written with words ("040 viiva 123…"),
// keeping the configured helplines.
func (r *Redactor) detectSpelledPhonesIn(t *text, out []match) []match {
	return spelledPhones(t, out, r.keep)
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
