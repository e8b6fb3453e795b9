package redact

import (
	"strings"
	"sync"
	"unicode/utf8"
)

// Redact returns s with every detected personal detail replaced by a
// "[KIND]" placeholder, and the spans of those placeholders.
//
// The result is stable: redacting it again finds nothing new. A
// replacement can change what its neighbours look like (a digit that was
// glued to a name stands alone once the name is "[NAME]"; "Xtie 1" is an
// address once the number after it is "[PHONE]"), so after a pass the
// detectors that may find something new in the text it made are run
// around its placeholders (see recheck), and if they find anything the
// text is redacted again. That is what makes the last check before
// publishing (SPEC I4) quiet on text that was already redacted; most texts
// need no second pass.
func (r *Redactor) Redact(s string) Result {
	plan := planPool.Get().(*recheckPlan)
	defer func() {
		plan.text = "" // not to keep the text alive in the pool
		planPool.Put(plan)
	}()
	res := r.redactOnce(s, allDetectors, plan)
	for pass := 0; pass < 8 && len(plan.windows) > 0; pass++ {
		set := r.findsAny(plan)
		if set == 0 {
			break
		}
		next := r.redactOnce(res.Text, set, plan)
		if len(next.Spans) == 0 {
			break
		}
		res = Result{Text: next.Text, Spans: placeholderSpans(next.Text)}
	}
	return res
}

// The detectors, by their index in Redactor.detectors.
const (
	detEmail = iota
	detObfEmail
	detID
	detPhone
	detSpelled
	detIBAN
	detCard
	detIP
	detURL
	detHandle
	detPlate
	detAddress
	detPostcode
	detSchool
	detDate
	detName
	numDetectors
)

// detectorSet has bit k for detector k.
type detectorSet uint32

const allDetectors detectorSet = 1<<numDetectors - 1

// placeholder is one placeholder a pass made, in the text the next pass
// reads, and the last byte of what it replaced, as the pass read it.
type placeholder struct {
	start, end   int
	replacedLast byte
}

// recheckPlan says where the text a pass made may hold something the pass
// did not find: the detectors to run on each window of text.
type recheckPlan struct {
	text    string
	windows []recheckWindow
	byRisk  [numRisks][]recheckWindow // recheck's memory
}

// planPool keeps plans, and their memory, from call to call.
var planPool = sync.Pool{New: func() any { return new(recheckPlan) }}

type recheckWindow struct {
	start, end int
	set        detectorSet
}

// findsAny runs the plan's detectors on its windows; if any finds
// something, it returns all the plan's detectors (every one that may find
// something anywhere in the text), and otherwise none.
func (r *Redactor) findsAny(plan *recheckPlan) detectorSet {
	var all detectorSet
	for _, w := range plan.windows {
		all |= w.set
	}
	sc := scratchPool.Get().(*redactScratch)
	defer scratchPool.Put(sc)
	for _, w := range plan.windows {
		sc.t = scanText(plan.text[w.start:w.end], sc.t.words[:0], sc.t.digitRuns[:0], sc.t.keyed[:0])
		sc.ms = r.detect(&sc.t, w.set, sc.ms[:0])
		if len(sc.ms) > 0 {
			return all
		}
	}
	return 0
}

// A placeholder "[KIND]" is never a name, a number or part of a match (its
// word is a cue twice: "PLATE" to plates, which need a digit near it too,
// and "HANDLE" to handles, where the "]" after it ends the handle before
// it starts), and between blanks it changes no word but itself (see
// bordered). Then the ways it can change what a detector finds are the
// risks below, each with the detectors it concerns and how far around the
// placeholder they may read, in bytes, to make a new match (a window is
// widened by windowWords words more on either side).
type risk uint8

const (
	// riskAny: the placeholder is glued to a word, or a match that lost
	// to a longer one left a piece of itself beside it.
	riskAny risk = iota
	// riskDigit: a digit near it. A number that went on into what was
	// replaced ends at the placeholder now ("Xtie 1 0100000" → "Xtie 1
	// [PHONE]"), and a cue within a detector's window may be nearer, or no
	// longer behind a sentence's end. Within recheckReach of the digit, a
	// match of up to some 50 bytes (an IBAN, an address) that reads 60
	// bytes around itself (a cue before a plate or a date).
	riskDigit
	// riskSpelled: a spelled digit or a digit before it, where a run of
	// spelled digits ends now; such a phone number may be 15 words long.
	riskSpelled
	// riskSentence: what it replaced ended in punctuation, so a word after
	// it that started a sentence ("12.3. Toivo") does not any more
	// ("[DATE] Toivo"): the words after it matter.
	riskSentence
	// riskLetters: a one-letter word beside it, where a name spelled
	// letter by letter ("J o n a s", at most lexMaxWord letters) ends now.
	riskLetters
	// riskHost: a host right before it, which the word after it no longer
	// joins to a sentence ("bris.se [NAME]" ends as a URL would).
	riskHost
	numRisks
)

var risks = [numRisks]struct {
	set   detectorSet
	reach int
}{
	riskAny:     {allDetectors, 512},
	riskDigit:   {1<<detID | 1<<detPhone | 1<<detIBAN | 1<<detCard | 1<<detIP | 1<<detPlate | 1<<detAddress | 1<<detPostcode | 1<<detDate, 256},
	riskSpelled: {1 << detSpelled, 512},
	// A name (tokSentStart), a school name (schoolSentenceStart), a
	// street's genitive (streetGenitiveBefore).
	riskSentence: {1<<detName | 1<<detSchool | 1<<detAddress, 64},
	riskLetters:  {1 << detName, 2*lexMaxWord + 32},
	riskHost:     {1 << detURL, 256},
}

// windowWords widens every window, on either side, past the word it
// would cut and a few more: detectors that read words read whole ones,
// and the name cues are words before the name.
const windowWords = 4

// recheck returns where the detectors may find something in t, the text a
// pass made with the placeholders ps, that the pass did not find, into
// plan: a match that is new in t must read a placeholder, or read past
// one. A new match elsewhere can only follow from a new one there (a name
// that recurs, a school's other forms), which a window around the
// placeholder finds.
func recheck(t string, ps []placeholder, plan *recheckPlan) {
	plan.text, plan.windows = t, plan.windows[:0]
	byRisk := &plan.byRisk
	for k := range byRisk {
		byRisk[k] = byRisk[k][:0]
	}
	for _, p := range ps {
		for k, at := range placeholderRisks(t, p) {
			if !at {
				continue
			}
			reach := risks[k].reach
			start := wordsBefore(t, max(0, p.start-reach), windowWords)
			end := wordsAfter(t, min(len(t), p.end+reach), windowWords)
			ws := byRisk[k]
			if n := len(ws); n > 0 && start <= ws[n-1].end {
				ws[n-1].end = end
				continue
			}
			byRisk[k] = append(ws, recheckWindow{start, end, risks[k].set})
		}
	}
	for k, ws := range byRisk {
		covered := 0
		for _, w := range ws {
			covered += w.end - w.start
		}
		if len(ws) > 1 && 2*covered >= len(t) {
			// Mostly covered: one window costs less than many.
			ws = append(ws[:0], recheckWindow{0, len(t), risks[k].set})
		}
		plan.windows = append(plan.windows, ws...)
	}
	// A short text has one window, the whole text, for each risk.
	if n := len(plan.windows); n > 1 {
		whole := detectorSet(0)
		ws := plan.windows[:0]
		for _, w := range plan.windows {
			if w.start == 0 && w.end == len(t) {
				whole |= w.set
			} else {
				ws = append(ws, w)
			}
		}
		if whole != 0 {
			ws = append(ws, recheckWindow{0, len(t), whole})
		}
		plan.windows = ws
	}
}

// placeholderRisks reports the risks around the placeholder p of t.
func placeholderRisks(t string, p placeholder) (at [numRisks]bool) {
	if !bordered(t, p) {
		at[riskAny] = true
		return at
	}
	at[riskDigit] = digitNear(t, p)
	at[riskSpelled] = spelledNear(t, p)
	at[riskSentence] = !txIsASCIIAlnum(p.replacedLast)
	at[riskLetters] = oneLetterBeside(t, p)
	at[riskHost] = hostBefore(t, p.start)
	return at
}

// bordered reports whether the placeholder stands between blanks: after
// the start of the text or a blank, with an opening bracket, a quote or a
// slash between; before the end or a blank, with closing punctuation or a
// case ending after a colon ("[ADDRESS]:ssa") between. Then the words and
// numbers around it are the same as around what it replaced (none of
// those characters joins a word to the next).
func bordered(t string, p placeholder) bool {
	i := p.start
	if i > 0 && (t[i-1] == '(' || t[i-1] == '"' || t[i-1] == '/') {
		i--
	}
	if i > 0 && !isBlank(t[i-1]) {
		return false
	}
	j := p.end
	if j+1 < len(t) && t[j] == ':' {
		if ok, _ := txLetterAt(t, j+1); ok {
			j = txLetterEnd(t, j+1)
		}
	}
	for j < len(t) && strings.IndexByte(".,;:!?)\"'", t[j]) >= 0 {
		j++
	}
	return j == len(t) || isBlank(t[j])
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// recheckReach bounds how far from the placeholder a digit may be and
// still start or end a match that reads it: a cue 48 bytes before a plate
// or a date, a street word before a house number, the groups of a long
// phone number.
const recheckReach = 80

// digitNear reports an ASCII digit within recheckReach bytes of p, the
// window widened to whole words.
func digitNear(t string, p placeholder) bool {
	from, to := max(0, p.start-recheckReach), min(len(t), p.end+recheckReach)
	for from > 0 && wordByte(t[from-1]) {
		from--
	}
	for to < len(t) && wordByte(t[to]) {
		to++
	}
	return hasDigit(t, from, p.start) || hasDigit(t, p.end, to)
}

// wordByte reports whether c may be part of a word: an ASCII letter or
// digit, or any byte of a non-ASCII rune (the windows of recheck, widened
// to whole words, may only grow with it).
func wordByte(c byte) bool { return c >= utf8.RuneSelf || txIsASCIIAlnum(c) }

func hasDigit(t string, from, to int) bool {
	i := from
	// Eight bytes at a time: a byte below 0x80 is a digit when adding 0x50
	// sets its top bit (it is '0' or more) and adding 0x46 does not (it is
	// '9' or less); neither sum carries into the next byte.
	for ; i+8 <= to; i += 8 {
		x := load64(t, i)
		lo := x & 0x7f7f7f7f7f7f7f7f
		if (lo+0x5050505050505050)&^(lo+0x4646464646464646)&^x&0x8080808080808080 != 0 {
			return true
		}
	}
	for ; i < to; i++ {
		if isDigit(t[i]) {
			return true
		}
	}
	return false
}

// spelledNear reports a unit of a spelled phone number (a digit group, a
// digit word, "plus") before p that a run of units may have joined to what
// p replaced: the nearest one, past separator characters and at most one
// separator word (spelledScanner.run). After p nothing is new: a run that
// went on from what p replaced into the units after it had the same units
// after each of them (spelledEmit reads forward), and a run that starts
// there now starts at an anchor, as it did.
func spelledNear(t string, p placeholder) bool {
	i := p.start
	for seps, words := 0, 0; i > 0 && seps <= spelledGap; {
		switch c := t[i-1]; {
		case spelledSep(c):
			i--
			seps++
		case i >= 3 && t[i-3] == 0xE2 && t[i-2] == 0x80 && (c == 0x93 || c == 0x94): // – —
			i -= 3
			seps++
		case isDigit(c):
			return true
		default:
			ws := txLetterStart(t, i)
			if ws == i {
				return false
			}
			unit, sep := spelledWord(t[ws:i])
			if unit {
				return true
			}
			if !sep || words > 0 {
				return false
			}
			i = ws
			words++
		}
	}
	return false
}

// spelledGap is more separator bytes than a run's gap holds (four).
const spelledGap = 8

// spelledSep: the characters spelledScanner.run takes between units.
func spelledSep(c byte) bool { return strings.IndexByte(" -./()_*,+", c) >= 0 }

// spelledWord reports whether w is a unit (a digit word, "plus") or a
// separator word of a spelled phone number.
func spelledWord(w string) (unit, sep bool) {
	if len(w) > 12 || !spelledKey2.has(txKey2(w, 0)) {
		return false, false
	}
	var buf [32]byte
	lw, _ := txLower(buf[:], w)
	k := spelledWords[string(lw)]
	return k == spelledIsUnit, k == spelledIsSep
}

// spelledWords are the words of spelled phone numbers: units (digit
// words, "plus") and separator words.
var spelledWords = func() map[string]uint8 {
	m := map[string]uint8{"plus": spelledIsUnit, "plussa": spelledIsUnit}
	for w := range spelledDigits {
		m[w] = spelledIsUnit
	}
	for w := range spelledSeps {
		m[w] = spelledIsSep
	}
	return m
}()

const (
	spelledIsUnit uint8 = iota + 1
	spelledIsSep
)

// oneLetterBeside reports a word of one letter one byte before or after p.
func oneLetterBeside(t string, p placeholder) bool {
	if p.start >= 3 && txIsASCIILetter(t[p.start-2]) && txIsASCIILetter(t[p.start-3]) &&
		p.end+2 < len(t) && txIsASCIILetter(t[p.end+1]) && txIsASCIILetter(t[p.end+2]) {
		return false // the common case: longer words on both sides
	}
	if p.start >= 2 {
		ws := txLetterStart(t, p.start-1)
		if ws < p.start-1 && utf8.RuneCountInString(t[ws:p.start-1]) == 1 {
			return true
		}
	}
	if p.end+1 < len(t) {
		we := txLetterEnd(t, p.end+1)
		if we > p.end+1 && utf8.RuneCountInString(t[p.end+1:we]) == 1 {
			return true
		}
	}
	return false
}

// hostBefore reports whether a host (a word with an inner dot before a
// letter) ends before the spaces before i: urlFollowedByNonWord reads
// past them.
func hostBefore(t string, i int) bool {
	j := i
	for j > 0 && (t[j-1] == ' ' || t[j-1] == '\t') {
		j--
	}
	if j == i {
		return false
	}
	for j > 0 && (t[j-1] == '.' || t[j-1] == '-') {
		j--
	}
	for ; j > 1 && (txIsASCIIAlnum(t[j-1]) || t[j-1] == '.' || t[j-1] == '-'); j-- {
		if t[j-2] == '.' && txIsASCIILetter(t[j-1]) {
			return true
		}
	}
	return false
}

// wordsBefore moves i back over n more words (runs of wordByte) and the
// gaps before them.
func wordsBefore(t string, i, n int) int {
	for ; n > 0 && i > 0; n-- {
		for i > 0 && !wordByte(t[i-1]) {
			i--
		}
		for i > 0 && wordByte(t[i-1]) {
			i--
		}
	}
	return i
}

// wordsAfter moves i forward over n more words and the gaps before them.
func wordsAfter(t string, i, n int) int {
	for ; n > 0 && i < len(t); n-- {
		for i < len(t) && !wordByte(t[i]) {
			i++
		}
		for i < len(t) && wordByte(t[i]) {
			i++
		}
	}
	return i
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
