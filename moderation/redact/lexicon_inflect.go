package redact

// Finnish inflection, analysed backwards just far enough to find the base
// form of a name: "Virtasellekin" → virtanen, "Pekalle" → pekka,
// "Aadun" → aatu, "Niemeltä" → niemi, "Andersille" → anders,
// "Anna-Liisalle" → anna-liisa, "Jennas" / "Jenna's" → jenna.
//
// The analysis strips, from the end of the word, at most one clitic
// (-kin, -kaan, -han …), one possessive suffix (-ni, -si, -nsa, -mme,
// -nne, -Vn) and one case ending (singular or plural, standard or spoken:
// -n, -a, -ta, -na, -ksi, -ssa, -sta, -lla, -lta, -lle, -Vn, -seen, -t,
// -ille, -ien, -ten, -l, -lt, -st, -s, -ks …), and then rebuilds the
// nominative of the stem left over: -se-/-s- → -nen, -kse- → -s,
// consonant + i → the consonant-final name, -e- → -i (Niemen, Pilvet),
// n → mi (Nientä, lunta), -ee- → -e (Laineen), -aa- → -as (Kankaan),
// plural -o- → -a (Jennoille), and consonant gradation undone (k/kk,
// p/pp, t/tt, d/t, v/p, ∅/k, ng/nk, mm/mp, ll/lt, nn/nt, rr/rt, hd/ht, lj/lk,
// rj/rk) in both directions.
//
// It over-generates on purpose: every candidate is only a guess until it is
// found in the lexicon, and ordinary words that analyse as names are
// listed in common_words.txt. Candidates are kept as a prefix length of the
// lower-cased word plus a short rebuilt tail, so nothing is allocated and
// each candidate's hash costs a few steps (see lexicon.go).

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	lexMaxWord  = 48 // longer words are no names: lemmas returns them alone, lexLookup and isCommonWord report false
	lexMaxCands = 64
	lexMaxTail  = 10
	lexMinStem  = 3 // bytes; an inflected form's stem is never shorter
)

// lexCand is one candidate base form: w[:k] + tail[:tl].
type lexCand struct {
	k    uint8
	tl   uint8
	tail [lexMaxTail]byte
}

// lexAnalysis holds the lower-cased word and its prefix hashes. It lives
// on the caller's stack, so it is kept small.
type lexAnalysis struct {
	// In find mode (lexLookup) candidates are not kept: each is checked
	// against the lexicon as it is made, and the analysis stops at the
	// first name. Otherwise they are collected in cs.
	find  *lexicon
	found bool
	exact bool // the hit is the word itself
	hit   lexEntry
	cs    *lexCands

	n   int // candidates made so far
	wn  int // the word is buf[:wn] (a slice of buf kept here would move it to the heap)
	buf [lexMaxWord]byte
	ph  [lexMaxWord + 1]uint64 // ph[i] is the hash of buf[:i]
}

// lexCands collects the candidates of a word (lemmas).
type lexCands struct {
	hs [lexMaxCands]uint64
	c  [lexMaxCands]lexCand
}

const (
	lexFNVOffset = 14695981039346656037
	lexFNVPrime  = 1099511628211
)

// lowerInto writes the lower-cased word into a.buf and reports false when
// it does not fit.
func (a *lexAnalysis) lowerInto(word string) bool {
	if len(word) > lexMaxWord {
		return false
	}
	n := 0
	h := uint64(lexFNVOffset)
	a.ph[0] = h
	for i := 0; i < len(word); {
		c := word[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			a.buf[n] = c
			n++
			h = (h ^ uint64(c)) * lexFNVPrime
			a.ph[n] = h
			i++
			continue
		}
		var m int
		if isLatin1(word, i) {
			if n+2 > lexMaxWord {
				return false
			}
			a.buf[n], a.buf[n+1] = 0xC3, latin1Lower(word[i+1])
			m = n + 2
			i += 2
		} else {
			r, size := utf8.DecodeRuneInString(word[i:])
			i += size
			r = unicode.ToLower(r)
			if n+utf8.RuneLen(r) > lexMaxWord {
				return false
			}
			m = n + utf8.EncodeRune(a.buf[n:], r)
		}
		for ; n < m; n++ {
			h = (h ^ uint64(a.buf[n])) * lexFNVPrime
			a.ph[n+1] = h
		}
	}
	a.wn = n
	a.n = 0
	// A new word: forget the last lookup's result (an analysis may be
	// reused for word after word).
	a.find, a.found, a.exact = nil, false, false
	return true
}

// word returns the lower-cased word.
func (a *lexAnalysis) word() []byte { return a.buf[:a.wn] }

// hashOf returns the hash of candidate c.
func (a *lexAnalysis) hashOf(c *lexCand) uint64 {
	h := a.ph[c.k]
	for _, x := range c.tail[:c.tl] {
		h = (h ^ uint64(x)) * lexFNVPrime
	}
	return h
}

// appendTo appends candidate i to dst.
func (a *lexAnalysis) appendTo(dst []byte, i int) []byte {
	c := &a.cs.c[i]
	dst = append(dst, a.buf[:c.k]...)
	return append(dst, c.tail[:c.tl]...)
}

func (a *lexAnalysis) push(c *lexCand) {
	if a.find != nil {
		if !a.found {
			a.check(c)
		}
		return
	}
	if a.n == lexMaxCands {
		return
	}
	h := a.hashOf(c)
	for i := 0; i < a.n; i++ {
		if a.cs.hs[i] == h {
			return
		}
	}
	a.cs.hs[a.n] = h
	a.cs.c[a.n] = *c
	a.n++
}

// addPrefix adds w[:k].
func (a *lexAnalysis) addPrefix(k int) {
	c := lexCand{k: uint8(k)}
	a.push(&c)
}

// lexStem is a virtual stem: w[:k] + tail.
type lexStem struct {
	lexCand
}

func (a *lexAnalysis) vlen(v *lexStem) int { return int(v.k) + int(v.tl) }

func (a *lexAnalysis) vat(v *lexStem, i int) byte {
	if i < int(v.k) {
		return a.buf[i]
	}
	return v.tail[i-int(v.k)]
}

// vreplace returns v with the bytes [p, p+cut) replaced by ins.
func (a *lexAnalysis) vreplace(v *lexStem, p, cut int, ins string) (lexStem, bool) {
	var r lexStem
	n := a.vlen(v)
	if p > n || p+cut > n {
		return r, false
	}
	k := p
	if k > int(v.k) {
		k = int(v.k)
	}
	r.k = uint8(k)
	t := r.tail[:0]
	for i := k; i < p; i++ {
		if len(t) == lexMaxTail {
			return r, false
		}
		t = append(t, a.vat(v, i))
	}
	if len(t)+len(ins) > lexMaxTail {
		return r, false
	}
	t = append(t, ins...)
	for i := p + cut; i < n; i++ {
		if len(t) == lexMaxTail {
			return r, false
		}
		t = append(t, a.vat(v, i))
	}
	r.tl = uint8(len(t))
	return r, true
}

func (a *lexAnalysis) vhasSuffix(v *lexStem, s string) bool {
	n := a.vlen(v)
	if len(s) > n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if a.vat(v, n-len(s)+i) != s[i] {
			return false
		}
	}
	return true
}

func (a *lexAnalysis) vadd(v *lexStem, p, cut int, ins string) {
	if r, ok := a.vreplace(v, p, cut, ins); ok && a.vlen(&r) >= lexMinStem {
		a.push(&r.lexCand)
	}
}

// lastVowel reports the start and width of v's final character when it is a
// vowel (a e i o u y ä ö å); width is 0 otherwise.
func (a *lexAnalysis) lastVowel(v *lexStem) (int, int) {
	n := a.vlen(v)
	if n == 0 {
		return 0, 0
	}
	c := a.vat(v, n-1)
	if c < utf8.RuneSelf {
		switch c {
		case 'a', 'e', 'i', 'o', 'u', 'y':
			return n - 1, 1
		}
		return 0, 0
	}
	if n >= 2 && a.vat(v, n-2) == 0xC3 {
		switch c {
		case 0xA4, 0xB6, 0xA5: // ä ö å
			return n - 2, 2
		}
	}
	return 0, 0
}

func lexIsVowel(c byte) bool {
	switch c {
	case 'a', 'e', 'i', 'o', 'u', 'y':
		return true
	}
	return false
}

// lexIsCons reports whether c is an ASCII consonant letter.
func lexIsCons(c byte) bool {
	return 'a' <= c && c <= 'z' && !lexIsVowel(c)
}

// consonantBefore reports whether the word's character that ends at byte k
// is a consonant letter (ASCII, or a letter such as ş, ç, ł, ñ).
func (a *lexAnalysis) consonantBefore(k int) bool {
	c := a.buf[k-1]
	if c < utf8.RuneSelf {
		return lexIsCons(c)
	}
	r, _ := utf8.DecodeLastRune(a.buf[:k])
	return unicode.IsLetter(r) && !strings.ContainsRune(lexOtherVowels, r)
}

// lexOtherVowels are the non-ASCII vowel letters names are written with.
const lexOtherVowels = "äöåéèêëüõıíìîïóòôúùûýáàâãøæ"

// endsInVowel reports whether w[:k] ends in a vowel.
func (a *lexAnalysis) endsInVowel(k int) bool {
	if k == 0 {
		return false
	}
	c := a.buf[k-1]
	if c < utf8.RuneSelf {
		return lexIsVowel(c)
	}
	return k >= 2 && a.buf[k-2] == 0xC3 && (c == 0xA4 || c == 0xB6 || c == 0xA5 || c == 0xA9) // ä ö å é
}

// cluster returns the start of the ASCII consonant cluster that ends at
// position e (exclusive) of v.
func (a *lexAnalysis) cluster(v *lexStem, e int) int {
	s := e
	for s > 0 && lexIsCons(a.vat(v, s-1)) {
		s--
	}
	return s
}

// strengthen adds v with the last consonant gradation undone (weak grade
// to strong: Peka → Pekka, Aadu → Aatu, Mäe → Mäke, Lehdo → Lehto), and
// for each result ending in -e also the -i nominative (Mäke → Mäki).
func (a *lexAnalysis) strengthen(v *lexStem, eToI bool) {
	vp, vw := a.lastVowel(v)
	if vw == 0 {
		return
	}
	cs := a.cluster(v, vp)
	cl := vp - cs
	var r lexStem
	ok := false
	switch {
	case cl == 0:
		// Vowel + e: a k has gone (Mäe|n, Joe|lla). Only before e: the
		// names this matters for end in -ki.
		if vp >= 2 && vw == 1 && a.vat(v, vp) == 'e' && !lexIsCons(a.vat(v, vp-1)) {
			r, ok = a.vreplace(v, vp, 0, "k")
		}
	default:
		last := a.vat(v, vp-1)
		prev := byte(0)
		if cl >= 2 {
			prev = a.vat(v, vp-2)
		}
		switch {
		case (last == 'k' || last == 'p' || last == 't') && prev != last:
			r, ok = a.vreplace(v, vp, 0, string(last))
		case last == 'd':
			r, ok = a.vreplace(v, vp-1, 1, "t")
		case last == 'v':
			r, ok = a.vreplace(v, vp-1, 1, "p")
		case prev == 'n' && last == 'g':
			r, ok = a.vreplace(v, vp-1, 1, "k")
		case prev == 'm' && last == 'm':
			r, ok = a.vreplace(v, vp-1, 1, "p")
		case (prev == 'l' || prev == 'n' || prev == 'r') && last == prev:
			r, ok = a.vreplace(v, vp-1, 1, "t")
		case (prev == 'l' || prev == 'r') && last == 'j':
			r, ok = a.vreplace(v, vp-1, 1, "k")
		}
	}
	if !ok || a.vlen(&r) < lexMinStem {
		return
	}
	a.push(&r.lexCand)
	if eToI && vw == 1 && a.vat(&r, a.vlen(&r)-1) == 'e' {
		a.vadd(&r, a.vlen(&r)-1, 1, "i")
	}
}

// weaken returns v with the last consonant cluster in the weak grade, for
// the types whose nominative is weak (Rinne: Rinteen; Kangas: Kankaan).
// end is where the cluster ends.
func (a *lexAnalysis) weaken(v *lexStem, end int) (lexStem, bool) {
	cs := a.cluster(v, end)
	cl := end - cs
	if cl == 0 {
		return lexStem{}, false
	}
	last := a.vat(v, end-1)
	prev := byte(0)
	if cl >= 2 {
		prev = a.vat(v, end-2)
	}
	switch {
	case (last == 'k' || last == 'p' || last == 't') && prev == last:
		return a.vreplace(v, end-1, 1, "")
	case prev == 'n' && last == 'k':
		return a.vreplace(v, end-1, 1, "g")
	case prev == 'm' && last == 'p':
		return a.vreplace(v, end-1, 1, "m")
	case (prev == 'l' || prev == 'n' || prev == 'r') && last == 't':
		return a.vreplace(v, end-1, 1, string(prev))
	case prev == 'h' && last == 't':
		return a.vreplace(v, end-1, 1, "d")
	case last == 't':
		return a.vreplace(v, end-1, 1, "d")
	case last == 'p':
		return a.vreplace(v, end-1, 1, "v")
	case last == 'k':
		return a.vreplace(v, end-1, 1, "")
	}
	return lexStem{}, false
}

// ending classes
const (
	lexNeedV  = 1 << iota // the stem before it must end in a vowel
	lexPlural             // a plural ending: the stem may have lost a vowel
	lexPartTa             // -ta/-tä: Nien|tä, lun|ta
)

type lexEnding struct {
	s     string
	flags uint8
}

// lexCaseEndings are tried longest first within each final letter; order
// otherwise does not matter (all matches are tried).
var lexCaseEndings = []lexEnding{
	// singular
	{"n", lexNeedV},
	{"a", lexNeedV}, {"ä", lexNeedV},
	{"ta", lexPartTa}, {"tä", lexPartTa},
	{"tta", lexNeedV}, {"ttä", lexNeedV},
	{"na", lexNeedV}, {"nä", lexNeedV},
	{"ksi", lexNeedV}, {"ks", lexNeedV},
	{"ssa", lexNeedV}, {"ssä", lexNeedV}, {"s", 0},
	{"sta", lexNeedV}, {"stä", lexNeedV}, {"st", lexNeedV},
	{"lla", lexNeedV}, {"llä", lexNeedV}, {"l", lexNeedV},
	{"lta", lexNeedV}, {"ltä", lexNeedV}, {"lt", lexNeedV},
	{"lle", lexNeedV},
	{"seen", lexNeedV},
	// plural
	{"t", lexNeedV},
	{"ille", lexPlural}, {"illa", lexPlural}, {"illä", lexPlural},
	{"ilta", lexPlural}, {"iltä", lexPlural},
	{"issa", lexPlural}, {"issä", lexPlural},
	{"ista", lexPlural}, {"istä", lexPlural},
	{"iin", lexPlural}, {"ihin", lexPlural}, {"isiin", lexPlural},
	{"ina", lexPlural}, {"inä", lexPlural},
	{"iksi", lexPlural}, {"iks", lexPlural},
	{"ien", lexPlural}, {"jen", lexPlural}, {"iden", lexPlural},
	{"itten", lexPlural}, {"ten", lexPlural},
	{"ia", lexPlural}, {"iä", lexPlural}, {"ja", lexPlural}, {"jä", lexPlural},
	{"ita", lexPlural}, {"itä", lexPlural},
	{"il", lexPlural}, {"ilt", lexPlural}, {"ist", lexPlural}, {"is", lexPlural},
	{"ineen", lexPlural}, {"ine", lexPlural},
}

var lexClitics = []string{"kin", "kaan", "kään", "han", "hän", "ko", "kö", "pa", "pä", "kohan", "köhän", "kinhan"}

var lexPossessives = []string{"ni", "si", "nsa", "nsä", "mme", "nne"}

func (a *lexAnalysis) hasSuffixAt(k int, s string) bool {
	if k < len(s) {
		return false
	}
	for i := len(s) - 1; i >= 0; i-- {
		k--
		if a.buf[k] != s[i] {
			return false
		}
	}
	return true
}

// lexCliticsByLast and lexPossessivesByLast group the clitics and the
// possessive suffixes by their last byte, in their order: only those may
// end a word, so analyse tries no others.
var lexCliticsByLast, lexPossessivesByLast = byLastByte(lexClitics), byLastByte(lexPossessives)

func byLastByte(ss []string) (t [256][]string) {
	for _, s := range ss {
		t[s[len(s)-1]] = append(t[s[len(s)-1]], s)
	}
	return t
}

// lexEndingsByLast groups the case endings by their last byte.
var lexEndingsByLast = func() (t [256][]lexEnding) {
	for _, e := range lexCaseEndings {
		b := e.s[len(e.s)-1]
		t[b] = append(t[b], e)
	}
	return t
}()

// longVowelN reports the length of a final "Vn" after the same vowel V
// (illative Jenna|an, possessive Jennalla|an), or 0.
func (a *lexAnalysis) longVowelN(k int) int {
	w := a.word()
	if k < 4 || w[k-1] != 'n' {
		return 0
	}
	c := w[k-2]
	if c < utf8.RuneSelf {
		if lexIsVowel(c) && w[k-3] == c {
			return 2
		}
		return 0
	}
	if k >= 6 && w[k-3] == 0xC3 && w[k-5] == 0xC3 && w[k-4] == c && (c == 0xA4 || c == 0xB6) {
		return 3
	}
	return 0
}

// hVn reports the length of a final illative "hVn" after the same vowel
// (Lee|hen), or 0.
func (a *lexAnalysis) hVn(k int) int {
	w := a.word()
	if k < 5 || w[k-1] != 'n' {
		return 0
	}
	c := w[k-2]
	if c < utf8.RuneSelf {
		if lexIsVowel(c) && w[k-3] == 'h' && w[k-4] == c {
			return 3
		}
		return 0
	}
	if k >= 7 && w[k-3] == 0xC3 && w[k-4] == 'h' && w[k-5] == c && w[k-6] == 0xC3 {
		return 4
	}
	return 0
}

// analyse fills a's candidates for the word: the word itself first.
func (a *lexAnalysis) analyse() {
	w := a.word()
	n := len(w)
	a.addPrefix(n)
	// English possessive and Finnish colon inflection: Jenna's, Ahmed:lle.
	// (An apostrophe in the first two bytes belongs to the name: O'Brien.)
	for i := 2; i < n; i++ {
		c := w[i]
		if c == '\'' || c == ':' || (c == 0xE2 && i+2 < n && w[i+1] == 0x80 && w[i+2] == 0x99) {
			a.addPrefix(i)
			return
		}
	}
	if n < lexMinStem+1 {
		return
	}
	var l1 [4]int
	n1 := 0
	l1[n1] = n
	n1++
	for _, c := range lexCliticsByLast[w[n-1]] {
		if n1 < len(l1) && n-len(c) >= lexMinStem && a.hasSuffixAt(n, c) {
			l1[n1] = n - len(c)
			n1++
		}
	}
	var l2 [16]int
	n2 := 0
	for _, x := range l1[:n1] {
		if n2 < len(l2) {
			l2[n2] = x
			n2++
		}
		for _, p := range lexPossessivesByLast[w[x-1]] {
			if n2 < len(l2) && x-len(p) >= lexMinStem && a.hasSuffixAt(x, p) {
				l2[n2] = x - len(p)
				n2++
			}
		}
		if m := a.longVowelN(x); m > 0 && n2 < len(l2) && x-m >= lexMinStem {
			l2[n2] = x - m
			n2++
		}
	}
	for _, x := range l2[:n2] {
		if a.found {
			return
		}
		if x < n {
			// A bare stem left by a clitic or possessive: Mäke|ni, Virtase|nsa.
			// (The word itself needs no rebuilding: it was added first.)
			a.stem(x, 0)
		}
		es := lexEndingsByLast[w[x-1]]
		for i := range es {
			e := &es[i]
			t := x - len(e.s)
			if t < lexMinStem || !a.hasSuffixAt(x, e.s) {
				continue
			}
			if e.flags&lexNeedV != 0 && !a.endsInVowel(t) {
				continue
			}
			a.stem(t, e.flags)
		}
		if m := a.longVowelN(x); m > 0 && x-m >= lexMinStem {
			a.stem(x-m, 0)
		}
		if m := a.hVn(x); m > 0 && x-m >= lexMinStem {
			a.stem(x-m, 0)
		}
	}
}

// stem adds w[:t] and the nominatives it may come from.
func (a *lexAnalysis) stem(t int, flags uint8) {
	a.addPrefix(t)
	var v lexStem
	v.k = uint8(t)
	w := a.word()
	last := w[t-1]
	// -nen: Virtase|n, Virtas|ta, Virtas|ille.
	if a.hasSuffixAt(t, "se") && t-2 >= lexMinStem {
		a.vadd(&v, t-2, 2, "nen")
	} else if last == 's' && t-1 >= lexMinStem {
		a.vadd(&v, t-1, 1, "nen")
	}
	// -s names: Tuomakse|n, Markuks|ia.
	if a.hasSuffixAt(t, "kse") && t-3 >= lexMinStem {
		a.vadd(&v, t-3, 3, "s")
	} else if a.hasSuffixAt(t, "ks") && t-2 >= lexMinStem {
		a.vadd(&v, t-2, 2, "s")
	}
	// Consonant-final names: Andersi|n, Ahmedi|a, Nguyeni|lle, Güneşi|n.
	if last == 'i' && t-1 >= lexMinStem && a.consonantBefore(t-1) {
		a.addPrefix(t - 1)
	}
	// -mi nouns: Nien|tä, lun|ta.
	if flags&lexPartTa != 0 && last == 'n' {
		a.vadd(&v, t-1, 1, "mi")
	}
	// -e-type: Lainee|n → laine, Rintee|n → rinne.
	if a.hasSuffixAt(t, "ee") {
		var e lexStem
		e.k = uint8(t - 1)
		a.push(&e.lexCand)
		if r, ok := a.weaken(&e, t-2); ok {
			a.push(&r.lexCand)
		}
	}
	// -as/-äs type: Kankaa|n → kangas.
	if (a.hasSuffixAt(t, "aa") || a.hasSuffixAt(t, "ää")) && t-2 >= lexMinStem {
		var e lexStem
		vw := 1
		if last >= utf8.RuneSelf {
			vw = 2
		}
		e.k = uint8(t - vw)
		a.vadd(&e, t-vw, 0, "s")
		if r, ok := a.weaken(&e, t-2*vw); ok {
			a.vadd(&r, a.vlen(&r), 0, "s")
		}
	}
	// Vowel stems: -e- → -i (Nieme|n, Pilve|t) and gradation.
	if last == 'e' && t >= 2 && w[t-2] != 'e' {
		a.vadd(&v, t-1, 1, "i")
	}
	a.strengthen(&v, true)
	if flags&lexPlural != 0 {
		// Jenno|ille → jenna, Pekoi|lle → pekka, Niem|ille → niemi.
		var p lexStem
		ok := false
		switch {
		case last == 'o':
			p, ok = a.vreplace(&v, t-1, 1, "a")
		case t >= 2 && last == 0xB6 && w[t-2] == 0xC3: // ö
			p, ok = a.vreplace(&v, t-2, 2, "ä")
		case lexIsCons(last):
			p, ok = a.vreplace(&v, t, 0, "i")
		}
		if ok {
			a.push(&p.lexCand)
			a.strengthen(&p, false)
		}
	}
}
