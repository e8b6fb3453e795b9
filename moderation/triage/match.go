package triage

import (
	"slices"
	"strings"
)

// span is where a pattern matched: the first and last word, and the words
// the slots took (the others inside are gap words).
type span struct {
	start, end int
	used       []int
}

// maxMatches bounds the matches enumerated per pattern, so a long text of
// repeated trigger words stays fast.
const maxMatches = 24

// doc is one question, tokenized and indexed by slot.
type doc struct {
	rs      *ruleSet
	toks    []token
	post    [][]int32 // slot id → positions, ascending
	touched []int32   // slots with positions, to reset on release
	buf     []int32
	seen    map[string][]int32 // word → its slots, for words that repeat
}

// newDoc tokenizes text and indexes its words by slot. Docs are pooled:
// the postings table has a row per slot of the rules, and most rows stay
// empty, so it is reset row by row rather than allocated per question.
// Call release when done.
func (rs *ruleSet) newDoc(text string) *doc {
	d, _ := rs.docs.Get().(*doc)
	if d == nil || len(d.post) != len(rs.slots) {
		d = &doc{rs: rs, post: make([][]int32, len(rs.slots))}
	}
	d.toks = tokenize(text)
	if d.seen == nil {
		d.seen = map[string][]int32{}
	}
	for i, t := range d.toks {
		slots, ok := d.seen[t.key]
		if !ok || t.alt != "" {
			d.buf = rs.tokenSlots(t.key, d.buf[:0])
			if t.alt != "" {
				d.buf = rs.tokenSlots(t.alt, d.buf)
			}
			slices.Sort(d.buf)
			d.buf = slices.Compact(d.buf)
			slots = d.buf
			if t.alt == "" {
				d.seen[t.key] = slices.Clone(d.buf)
			}
		}
		for _, s := range slots {
			if len(d.post[s]) == 0 {
				d.touched = append(d.touched, s)
			}
			d.post[s] = append(d.post[s], int32(i))
		}
	}
	return d
}

// release returns d to the pool; d must not be used afterwards.
func (d *doc) release() {
	for _, s := range d.touched {
		d.post[s] = d.post[s][:0]
	}
	d.touched = d.touched[:0]
	d.toks = nil
	clear(d.seen)
	d.rs.docs.Put(d)
}

// tokenSlots appends the slots the word tok belongs to.
func (rs *ruleSet) tokenSlots(tok string, buf []int32) []int32 {
	start := len(buf)
	buf = append(buf, rs.exactIdx[tok]...)
	for i := 1; i <= len(tok) && i <= rs.maxPrefix; i++ {
		buf = append(buf, rs.prefixIdx[tok[:i]]...)
	}
	for i := max(0, len(tok)-rs.maxSuffix); i < len(tok); i++ {
		buf = append(buf, rs.suffixIdx[tok[i:]]...)
	}
	if allDigits(tok) {
		buf = append(buf, rs.numSlots...)
	}
	if adultAge(tok) {
		buf = append(buf, rs.ageSlots...)
	}
	if len(rs.manySlots) > 0 && manyNum(tok) {
		buf = append(buf, rs.manySlots...)
	}
	for _, iw := range rs.infixes {
		if strings.Contains(tok, iw.text) {
			buf = append(buf, iw.slots...)
		}
	}
	if len(tok) >= fuzzyMin-1 {
		for _, fw := range rs.fuzzyIdx[tok[0]] {
			if fuzzyMatch(fw.word, tok) {
				buf = append(buf, fw.slots...)
			}
		}
	}
	// drop the slots whose exclusions catch the word
	out := buf[:start]
	for _, s := range buf[start:] {
		if !rs.excluded(s, tok) {
			out = append(out, s)
		}
	}
	return out
}

func (rs *ruleSet) excluded(s int32, tok string) bool {
	for _, w := range rs.slots[s].excludes {
		if wordMatch(w, tok) {
			return true
		}
	}
	return false
}

// ageUnits follow an age: "30v", "25vuotias" (from "25-vuotias"), "40yo".
var ageUnits = []string{"", "v", "vee", "vuotias", "vuotiaan", "vuotiaalta", "vuotiaalle", "vuotiasta",
	"yo", "y", "yr", "yrs", "years", "year", "ar", "aring", "aringen"}

// adultAge reports an age of 18 to 99, bare or with a unit.
func adultAge(s string) bool {
	if len(s) < 2 || s[0] < '1' || s[0] > '9' || s[1] < '0' || s[1] > '9' {
		return false
	}
	if len(s) > 2 && s[2] >= '0' && s[2] <= '9' {
		return false
	}
	n := int(s[0]-'0')*10 + int(s[1]-'0')
	return n >= 18 && slices.Contains(ageUnits, s[2:])
}

// manyNum reports a count of five or more: "15", "30kpl", not "2" or
// "1.5".
func manyNum(s string) bool {
	n, i := 0, 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		n = min(n*10+int(s[i]-'0'), 1000)
	}
	if i == 0 || (i < len(s) && s[i] == '.') {
		return false
	}
	return n >= 5
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// has reports whether any word of slot s occurs in the text.
func (d *doc) has(s int) bool { return len(d.post[s]) > 0 }

// each calls fn for the matches of p, up to maxMatches, until fn returns
// true. All words of a match lie in one sentence.
func (d *doc) each(p *pattern, fn func(span) bool) {
	for _, n := range p.needs {
		if !d.has(n) {
			return
		}
	}
	count := 0
	pos := make([]int, 0, len(p.slots))
	var walk func(i int) bool
	walk = func(i int) bool {
		if i == len(p.slots) {
			if last := pos[len(pos)-1]; p.endClause && last+1 < len(d.toks) && d.toks[last+1].clause == d.toks[last].clause {
				return false
			}
			count++
			lo, hi := slices.Min(pos), slices.Max(pos)
			return fn(span{start: lo, end: hi, used: slices.Clone(pos)}) || count >= maxMatches
		}
		prev := pos[i-1]
		l := p.links[i]
		lo, hi := prev+1, prev+1+l.gap
		if l.unordered {
			lo = prev - 1 - l.gap
		}
		ps := d.post[p.slots[i]]
		k, _ := slices.BinarySearch(ps, int32(max(lo, 0)))
		for ; k < len(ps) && int(ps[k]) <= hi; k++ {
			q := int(ps[k])
			if slices.Contains(pos, q) || d.toks[q].sentence != d.toks[pos[0]].sentence {
				continue
			}
			pos = append(pos, q)
			if walk(i + 1) {
				return true
			}
			pos = pos[:len(pos)-1]
		}
		return false
	}
	for _, q := range d.post[p.slots[0]] {
		pos = append(pos[:0], int(q))
		if walk(1) {
			return
		}
	}
}

// spans collects the matches of every pattern of a section.
func (d *doc) spans(sec *section) []span {
	var out []span
	for i := range sec.pats {
		d.each(&sec.pats[i], func(s span) bool {
			out = append(out, s)
			return false
		})
	}
	return out
}
