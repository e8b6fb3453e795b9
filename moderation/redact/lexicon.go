package redact

// The name lexicon: first names and surnames (Finnish, Finland-Swedish and
// those of the larger immigrant communities), ordinary words that would be
// mistaken for them, and the Finnish inflection analysis that maps a word
// as written to the base forms it may come from. The data and how it was
// made are described in data/README.md.
//
// API (package-internal; the lexicon is loaded once, on first use, and is
// safe for concurrent use):
//
//	lemmas(word, buf) []string        candidate base forms, the word itself first,
//	                                  appended to buf (pass buf[:0] to reuse it)
//	lemmasWith(word, buf, known)      the same, also rebuilding forms in known
//	                                  (place names: Lappeenrannassa → lappeenranta)
//	isFirstName(lemma) bool           a listed first name
//	isSurname(lemma) bool             a listed surname
//	isCommonWord(word) bool           the exact form is an ordinary fi/sv/en word
//	                                  that is also a name or analyses as one
//	lexLookup(word) (lexHit, bool)    the fast path: the first candidate base
//	                                  form that is a name, with its kind
//
// All of them accept any case. lexLookup and isCommonWord never allocate;
// lemmas allocates only to lower-case a word with upper-case letters (and
// when buf must grow). lexLookup is the one to call per token: it checks
// each candidate as it is made against a Bloom filter of hashes computed
// incrementally (a map lookup only on a Bloom hit), stops at the first
// name, and skips words whose first two bytes begin no name; on ordinary
// text it runs at about 100 MB/s on one core (BenchmarkLexLookup), against
// about half that for lemmas alone and less for lemmas followed by
// isFirstName and isSurname on every lemma. Loading takes about 10 ms and
// 5 MB (BenchmarkLoadLexicon).

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

var (
	//go:embed data/first_names.txt
	lexFirstNamesData string
	//go:embed data/first_names_extra.txt
	lexFirstNamesExtraData string
	//go:embed data/surnames.txt
	lexSurnamesData string
	//go:embed data/surnames_extra.txt
	lexSurnamesExtraData string
	//go:embed data/common_words.txt
	lexCommonWordsData string
)

// lexKind says what a lexicon entry is; a name may be both.
type lexKind uint8

const (
	lexFirst lexKind = 1 << iota
	lexSur
)

type lexEntry struct {
	lemma string // the key itself, so candidates can be returned without allocating
	kind  lexKind
}

type lexicon struct {
	names  map[string]lexEntry
	common map[string]struct{}
	bloom  []uint64 // hashes (see lexAnalysis.lowerInto) of every name
	// first2 has a bit for the first two bytes of every name. The analysis
	// never changes them (it only cuts and rebuilds endings), so a word
	// whose first two bytes no name has cannot be a name.
	first2 [1 << 16 / 64]uint64
}

const lexBloomBits = 1 << 20

var (
	lexOnce    sync.Once
	lexDefault *lexicon
)

// theLexicon returns the package lexicon, loading it on first use.
func theLexicon() *lexicon {
	lexOnce.Do(func() { lexDefault = loadLexicon() })
	return lexDefault
}

func loadLexicon() *lexicon {
	l := &lexicon{
		names:  make(map[string]lexEntry, 24000),
		common: make(map[string]struct{}, 64000),
		bloom:  make([]uint64, lexBloomBits/64),
	}
	l.addNames(lexFirstNamesData, lexFirst)
	l.addNames(lexFirstNamesExtraData, lexFirst)
	l.addNames(lexSurnamesData, lexSur)
	l.addNames(lexSurnamesExtraData, lexSur)
	lexEachLine(lexCommonWordsData, func(w string) { l.common[w] = struct{}{} })
	return l
}

// lexEachLine calls f with each non-empty line of s that is not a # comment.
func lexEachLine(s string, f func(string)) {
	for len(s) > 0 {
		i := strings.IndexByte(s, '\n')
		var line string
		if i < 0 {
			line, s = s, ""
		} else {
			line, s = s[:i], s[i+1:]
		}
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		f(line)
	}
}

func (l *lexicon) addNames(data string, kind lexKind) {
	lexEachLine(data, func(w string) {
		e := l.names[w]
		e.lemma = w
		e.kind |= kind
		l.names[w] = e
		h := uint64(lexFNVOffset)
		for i := 0; i < len(w); i++ {
			h = (h ^ uint64(w[i])) * lexFNVPrime
		}
		l.bloomSet(h)
		if len(w) >= 2 {
			f := uint16(w[0])<<8 | uint16(w[1])
			l.first2[f/64] |= 1 << (f % 64)
		}
	})
}

func (l *lexicon) bloomSet(h uint64) {
	i, j := h&(lexBloomBits-1), (h>>32)&(lexBloomBits-1)
	l.bloom[i/64] |= 1 << (i % 64)
	l.bloom[j/64] |= 1 << (j % 64)
}

func (l *lexicon) bloomHas(h uint64) bool {
	i, j := h&(lexBloomBits-1), (h>>32)&(lexBloomBits-1)
	return l.bloom[i/64]&(1<<(i%64)) != 0 && l.bloom[j/64]&(1<<(j%64)) != 0
}

// name looks candidate i of a up; the returned entry's lemma is interned.
func (l *lexicon) name(a *lexAnalysis, i int) (lexEntry, bool) {
	if !l.bloomHas(a.cs.hs[i]) {
		return lexEntry{}, false
	}
	c := &a.cs.c[i]
	if c.tl == 0 {
		e, ok := l.names[string(a.buf[:c.k])]
		return e, ok
	}
	var buf [lexMaxWord + lexMaxTail]byte
	e, ok := l.names[string(a.appendTo(buf[:0], i))]
	return e, ok
}

// check looks candidate c up in find mode and records a hit.
func (a *lexAnalysis) check(c *lexCand) {
	l := a.find
	if !l.bloomHas(a.hashOf(c)) {
		a.n++
		return
	}
	var e lexEntry
	var ok bool
	if c.tl == 0 {
		e, ok = l.names[string(a.buf[:c.k])]
	} else {
		var buf [lexMaxWord + lexMaxTail]byte
		b := append(buf[:0], a.buf[:c.k]...)
		e, ok = l.names[string(append(b, c.tail[:c.tl]...))]
	}
	if ok {
		a.found, a.hit, a.exact = true, e, a.n == 0
	}
	a.n++
}

// lexHit is a word found to be a name.
type lexHit struct {
	lemma string  // the base form as listed (lower case)
	kind  lexKind // first name, surname or both
	exact bool    // the lower-cased word is itself the lemma (not inflected)
}

// lexLookup reports the first candidate base form of word (see lemmas)
// that is a first name or a surname. A double name whose whole form is not
// listed ("Jenna-Petteri") is a name when every part before the last is a
// listed name and the last part analyses as one; its lemma is then built
// (and allocated). Callers decide, with isCommonWord and the context,
// whether a hit that is also an ordinary word is meant as a name.
func lexLookup(word string) (lexHit, bool) {
	var a lexAnalysis
	if !a.lowerInto(word) {
		return lexHit{}, false
	}
	return a.lookup(word)
}

// lookup is lexLookup for a word that a.lowerInto(word) has just
// lower-cased (a caller that needs the lower-cased word too does it once).
func (a *lexAnalysis) lookup(word string) (lexHit, bool) {
	l := theLexicon()
	if a.wn < 2 {
		return lexHit{}, false
	}
	if f := uint16(a.buf[0])<<8 | uint16(a.buf[1]); l.first2[f/64]&(1<<(f%64)) != 0 {
		a.find = l
		a.analyse()
	}
	if a.found {
		return lexHit{lemma: a.hit.lemma, kind: a.hit.kind, exact: a.exact}, true
	}
	if h := strings.LastIndexByte(word, '-'); h > 0 && h < len(word)-1 {
		last, ok := lexLookup(word[h+1:])
		if !ok {
			return lexHit{}, false
		}
		kind := last.kind
		// Every part before the last ("Jenna" in "Jenna-Petteri", all
		// of them, empty ones included) must be a listed name.
		for rest := word[:h]; ; {
			part := rest
			k := strings.IndexByte(rest, '-')
			if k >= 0 {
				part, rest = rest[:k], rest[k+1:]
			}
			var p lexAnalysis
			if !p.lowerInto(part) {
				return lexHit{}, false
			}
			e, ok := l.names[string(p.word())]
			if !ok {
				return lexHit{}, false
			}
			kind &= e.kind
			if k < 0 {
				break
			}
		}
		if kind == 0 {
			kind = last.kind
		}
		var lw lexAnalysis
		lw.lowerInto(word[:h+1])
		return lexHit{lemma: string(lw.word()) + last.lemma, kind: kind, exact: last.exact}, true
	}
	return lexHit{}, false
}

// lemmas returns candidate base forms (lower case) of a word as it may be
// inflected in Finnish (case endings, possessive suffixes, clitics,
// consonant gradation, plurals, spoken forms), Swedish genitive -s, English
// possessive 's and Finnish colon inflection (Ahmed:lle), appended to buf;
// the lower-cased word itself comes first. Forms obtained by cutting
// endings off are always returned; forms that had to be rebuilt
// (Pekalle → pekka, Virtaselle → virtanen, Aadulle → aatu) only when they
// are listed names, since nothing else could use them (see lemmasWith).
// For a double name whose whole form is not listed, the base form of its
// last part follows when it is a name ("Jenna-Marialle" → …, "maria").
func lemmas(word string, buf []string) []string {
	return lemmasWith(word, buf, nil)
}

// lemmasWith is lemmas that also returns the rebuilt forms found in known
// (lower-case base forms, such as place names: Lappeenrannassa →
// lappeenranta, Helsingissä → helsinki). A rebuilt form found in known costs
// one allocation; nothing else does.
func lemmasWith(word string, buf []string, known map[string]bool) []string {
	l := theLexicon()
	var a lexAnalysis
	var cs lexCands
	a.cs = &cs
	if !a.lowerInto(word) {
		return append(buf, strings.ToLower(word))
	}
	lw := word
	if string(a.word()) != word {
		lw = string(a.word())
	}
	a.analyse()
	for i := 0; i < a.n; i++ {
		c := &cs.c[i]
		if c.tl == 0 {
			buf = append(buf, lw[:c.k])
		} else if e, ok := l.name(&a, i); ok {
			buf = append(buf, e.lemma)
		} else if known != nil {
			var b [lexMaxWord + lexMaxTail]byte
			if r := a.appendTo(b[:0], i); known[string(r)] {
				buf = append(buf, string(r))
			}
		}
	}
	if h := strings.LastIndexByte(lw, '-'); h > 0 && h < len(lw)-1 {
		if hit, ok := lexLookup(lw[h+1:]); ok {
			buf = append(buf, hit.lemma)
		}
	}
	return buf
}

// isFirstName reports whether lemma (any case) is a listed first name.
func isFirstName(lemma string) bool {
	return theLexicon().kindOf(lemma)&lexFirst != 0
}

// isSurname reports whether lemma (any case) is a listed surname.
func isSurname(lemma string) bool {
	return theLexicon().kindOf(lemma)&lexSur != 0
}

func (l *lexicon) kindOf(s string) lexKind {
	if e, ok := l.names[s]; ok {
		return e.kind
	}
	if !lexHasUpper(s) {
		return 0
	}
	var a lexAnalysis
	if !a.lowerInto(s) {
		return 0
	}
	return l.names[string(a.word())].kind
}

// lexHasUpper reports whether s has upper-case letters.
func lexHasUpper(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsUpper(r) {
			return true
		}
		i += size
	}
	return false
}

// isCommonWord reports whether the exact word form, lower-cased, is an
// ordinary Finnish, Swedish or English word that is also a name or
// analyses as an inflected name (toivon, onneksi, pilvet, stenar,
// frankly). Words that cannot be mistaken for names are not listed.
func isCommonWord(word string) bool {
	l := theLexicon()
	if _, ok := l.common[word]; ok || !lexHasUpper(word) {
		return ok
	}
	var a lexAnalysis
	if !a.lowerInto(word) {
		return false
	}
	_, ok := l.common[string(a.word())]
	return ok
}
