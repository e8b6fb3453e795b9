package redact

import (
	"bufio"
	"bytes"
	_ "embed"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"
)

// token is one word of the normalised text: letters, with inner hyphens
// and apostrophes ("Anna-Liisa", "Jenna's"). It is kept small (16 bytes)
// because the name detector holds one per word of the text: offsets are
// int32 (normalize's mapping already limits texts to 2 GB) and the word is
// s[start:end] rather than a string header of its own.
type token struct {
	start, end int32
	runes      int32
	flags      uint8
}

const (
	tokUpper     uint8 = 1 << iota // starts with an upper-case letter
	tokAllCaps                     // every letter upper case (shouting: case says nothing)
	tokSentStart                   // first word of a sentence, line or text
	// tokPlaceholder marks "[NAME]" and its kind, left by an earlier redaction.
	tokPlaceholder
)

func (t *token) word(s string) string { return s[t.start:t.end] }
func (t *token) upper() bool          { return t.flags&tokUpper != 0 }
func (t *token) allCaps() bool        { return t.flags&tokAllCaps != 0 }
func (t *token) sentStart() bool      { return t.flags&tokSentStart != 0 }
func (t *token) placeholder() bool    { return t.flags&tokPlaceholder != 0 }

// tokClass classifies bytes for tokenize.
const (
	tcOther   uint8 = iota // other ASCII: ends a sentence start
	tcLetter               // ASCII letter
	tcSentEnd              // . ! ? and a line break: a sentence starts after
	tcNeutral              // spaces, quotes, brackets, dashes, commas: change nothing
	tcMulti                // the first byte of a multi-byte rune (or an invalid byte)
)

var tokClass = func() (t [256]uint8) {
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = tcLetter, tcLetter
	}
	for _, c := range ".!?\n" {
		t[c] = tcSentEnd
	}
	for _, c := range " \t\r\"'()-*_,;:" {
		t[c] = tcNeutral
	}
	for c := utf8.RuneSelf; c < 256; c++ {
		t[c] = tcMulti
	}
	return t
}()

// latin1 classifies the rune U+00C0…U+00FF written 0xC3 b (b a
// continuation byte): all of them are letters but × and ÷, the upper-case
// ones come first (À…Þ) and the lower-case ones after (ß…ÿ), and none is
// a combining mark. These are the ä, ö, å and é of Finnish and Swedish
// text, so tokenize and the lower-casing helpers take them without
// decoding; TestLatin1 checks the table against package unicode.
func latin1(b byte) (letter, upper bool) {
	r := rune(b) + 0xC0 - 0x80
	return r != 0xD7 && r != 0xF7, r <= 0xDE
}

// latin1Lower lower-cases the second byte of 0xC3 b (À → à; the others,
// ß included, stay as they are).
func latin1Lower(b byte) byte {
	if b <= 0x9E && b != 0x97 {
		return b + 0x20
	}
	return b
}

// isLatin1 reports whether s[i:] starts with a rune of U+00C0…U+00FF.
func isLatin1(s string, i int) bool {
	return s[i] == 0xC3 && i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] <= 0xBF
}

// tokenize splits s into word tokens, appending to buf. ASCII and the
// Latin-1 letters are handled without decoding; other runes go through
// package unicode.
func tokenize(s string, buf []token) []token {
	sentStart := true
	i := 0
	for i < len(s) {
		c := s[i]
		var upper bool
		switch tokClass[c] {
		case tcOther:
			sentStart = false
			i++
			continue
		case tcSentEnd:
			sentStart = true
			i++
			continue
		case tcNeutral:
			i++
			continue
		case tcLetter:
			upper = c <= 'Z'
		case tcMulti:
			if isLatin1(s, i) {
				letter, up := latin1(s[i+1])
				if !letter {
					i += 2
					continue
				}
				upper = up
				break
			}
			r, size := utf8.DecodeRuneInString(s[i:])
			if !unicode.IsLetter(r) {
				if r == '…' {
					sentStart = true
				}
				i += size
				continue
			}
			upper = unicode.IsUpper(r)
		}
		start := i
		allCaps := upper
		n := 0
		for i < len(s) {
			c := s[i]
			if c < utf8.RuneSelf {
				if tokClass[c] == tcLetter {
					if c >= 'a' {
						allCaps = false
					}
					n++
					i++
					continue
				}
				if (c == '-' || c == '\'') && i+1 < len(s) && tokLetterAt(s, i+1) {
					i++
					continue
				}
				break
			}
			if isLatin1(s, i) {
				letter, up := latin1(s[i+1])
				if !letter {
					break // × or ÷
				}
				if !up {
					allCaps = false
				}
				n++
				i += 2
				continue
			}
			r, size := utf8.DecodeRuneInString(s[i:])
			if unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) {
				if unicode.IsLower(r) {
					allCaps = false
				}
				n++
				i += size
				continue
			}
			if r == '’' && i+size < len(s) && tokLetterAt(s, i+size) {
				i += size
				continue
			}
			break
		}
		var f uint8
		if upper {
			f |= tokUpper
		}
		if allCaps && n > 1 {
			f |= tokAllCaps
		}
		if sentStart {
			f |= tokSentStart
		}
		// A placeholder of an earlier redaction, "[ID]", stays a token
		// (it ends a cue) but is never a name.
		if start > 0 && s[start-1] == '[' && i < len(s) && s[i] == ']' && allCaps {
			f |= tokPlaceholder
		}
		buf = append(buf, token{start: int32(start), end: int32(i), runes: int32(n), flags: f})
		sentStart = false
	}
	return buf
}

// tokensOf is tokenize(t.s, buf) built from the pre-scan's word list
// rather than from the bytes: a token is a word, or words joined by an
// inner hyphen or apostrophe (the next word starting right after it),
// which starts a sentence when its first word does (wordSentStart: the
// bytes between tokens are those between words). tokenize ends a token at
// a combining mark that is not non-spacing (Mc, Me), where a word goes on;
// a text with one is tokenized from its bytes.
func tokensOf(t *text, buf []token) []token {
	s := t.s
	if !t.listed || t.otherMarks {
		return tokenize(s, buf)
	}
	words := t.words
	for k := 0; k < len(words); {
		w := words[k]
		sentStart := w.cases&wordSentStart != 0
		start, end, n, cases := int(w.start), int(w.end), w.runes, w.cases
		for k++; k < len(words) && end < len(s); k++ {
			skip := 0
			switch c := s[end]; {
			case c == '-' || c == '\'':
				skip = 1
			case c == 0xE2 && end+2 < len(s) && s[end+1] == 0x80 && s[end+2] == 0x99: // ’
				skip = 3
			}
			if skip == 0 || int(words[k].start) != end+skip {
				break
			}
			end, n, cases = int(words[k].end), n+words[k].runes, cases|words[k].cases&wordAnyLower
		}
		upper := cases&wordUpperFirst != 0
		allCaps := upper && cases&wordAnyLower == 0
		var f uint8
		if upper {
			f |= tokUpper
		}
		if allCaps && n > 1 {
			f |= tokAllCaps
		}
		if sentStart {
			f |= tokSentStart
		}
		if start > 0 && s[start-1] == '[' && end < len(s) && s[end] == ']' && allCaps {
			f |= tokPlaceholder
		}
		buf = append(buf, token{start: int32(start), end: int32(end), runes: n, flags: f})
	}
	return buf
}

// tokLetterAt reports whether a letter starts at s[i] (what may follow an
// inner hyphen or apostrophe).
func tokLetterAt(s string, i int) bool {
	if c := s[i]; c < utf8.RuneSelf {
		return tokClass[c] == tcLetter
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r)
}

// Cues before a name. After a strong cue ("mun nimi on", "jag heter",
// "my name is", a sign-off "t.") the next word is a name whatever it is;
// after a weak one ("oon", "i'm", a greeting) only if the lexicon knows it
// as a name.
var (
	strongCues = [][]string{
		{"nimi", "on"}, {"nimeni", "on"}, {"nimeni"}, {"nimi", "o"}, {"nimi:"}, {"nimee", "on"},
		{"heter"}, {"namn", "är"}, {"name", "is"}, {"name's"}, {"names"}, {"named"}, {"nimeltä"}, {"nimeltään"},
		{"terveisin"}, {"terkuin"}, {"terkut"}, {"t"}, {"hälsningar"}, {"mvh"}, {"regards"},
		{"kutsu", "mua"}, {"kutsukaa", "mua"}, {"call", "me"}, {"kallas"},
	}
	weakCues = [][]string{
		{"oon"}, {"olen"}, {"jag", "är"}, {"i'm"}, {"im"}, {"i", "am"},
		{"moi"}, {"moikka"}, {"hei"}, {"heippa"}, {"hej"}, {"hi"}, {"hello"}, {"se", "on"}, {"hän", "on"},
	}
	// nameVerbs follow a name at the start of a sentence: "Toivo sanoi",
	// but not "Toivon että".
	nameVerbs = setOf("sanoi", "sano", "sanoo", "kertoi", "kertoo", "löi", "lyö", "lyönyt", "huusi", "huutaa", "uhkasi", "uhkaa",
		"kiusaa", "kiusasi", "haukkuu", "haukkui", "potki", "potkii", "tönäisi", "satutti", "satuttaa", "kosketti", "koskettaa",
		"ahdistelee", "ahdisteli", "lähetti", "lähettää", "pakottaa", "pakotti", "juo", "joi", "soitti", "soittaa", "muutti",
		"asuu", "täytti", "täyttää", "ei", "oli", "ja",
		"sa", "sade", "säger", "slog", "slår", "hotar", "hotade", "skrek", "ringde", "bor", "fyller",
		"said", "says", "hit", "hits", "told", "tells", "threatened", "yelled", "touched", "sent", "called", "lives", "wants")
	// possessives after "on"/"is"/"är": "Tuuli on mun isosisko".
	possessives = setOf("mun", "minun", "mu", "meidän", "sun", "sinun", "my", "our", "min", "mitt", "mina", "vår", "vårt")
	// kin and role words after which a capitalised word is a name: "pikkusiskon Helmi", "my brother Will".
	kinPrefixes = []string{"pikkusisk", "pikkuvel", "pikkuvelj", "isosisk", "isovel", "isovelj", "sisko", "sisar", "veli", "velje",
		"bestis", "kaveri", "ystävä", "poikaystäv", "tyttöystäv", "poikkis", "tyttis", "serkku", "mummi", "mummo", "ukki", "vaari",
		"isoäiti", "isoisä", "täti", "setä", "eno", "isäpuol", "äitipuol", "sijaisäiti", "sijaisisä", "sijaisvanhem", "sossu",
		"sosiaalityöntekijä", "kuraattori", "opettaja", "ope", "luokanvalvoja", "ohjaaja", "valmentaja", "naapuri", "kummi",
		"brother", "sister", "friend", "cousin", "boyfriend", "girlfriend", "stepdad", "stepmom", "stepfather", "stepmother",
		"grandma", "grandpa", "uncle", "aunt", "teacher", "coach", "neighbour", "neighbor", "worker",
		"bror", "syster", "lillasyster", "lillebror", "storebror", "storasyster", "kompis", "vän", "pojkvän", "flickvän", "kusin",
		"mormor", "farmor", "morfar", "farfar", "moster", "faster", "morbror", "farbror", "styvpappa", "styvmamma", "lärare",
		"socialarbetare", "kurator", "tränare", "granne"}
	// notNames are never names, whatever comes before them.
	notNames = setOf("on", "ei", "se", "ja", "mä", "mun", "sun", "tosi", "niin", "vaan", "vähän", "aika", "ihan", "just",
		"the", "a", "an", "is", "not", "so", "very", "and", "och", "inte", "är", "jag", "en", "ett", "det", "som",
		"nimi", "name", "namn", "kiva", "huono", "outo", "tyttö", "poika", "girl", "boy", "in", "at", "of", "to", "from",
		"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
		"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "christmas", "easter",
		"tammikuu", "helmikuu", "maaliskuu", "huhtikuu", "toukokuu", "kesäkuu", "heinäkuu", "elokuu", "syyskuu", "lokakuu",
		"marraskuu", "joulukuu", "joulu", "juhannus", "pääsiäinen", "vappu")
)

// lastWords are the words cues end with: a cheap first test before cueBefore.
func lastWords(cues [][]string) map[string]bool {
	m := map[string]bool{}
	for _, c := range cues {
		m[strings.TrimSuffix(c[len(c)-1], ":")] = true
	}
	return m
}

var (
	strongLast = lastWords(strongCues)
	weakLast   = lastWords(weakCues)
)

// cuesByLast groups cues by their last word (without a trailing ':'), so
// that after "on" only the cues ending in "on" are tried, not all of them.
//
// Only cues whose last word is the lower-cased word before the name can
// match: cueBefore compares with strings.EqualFold, and a word equal under
// folding to a cue word made of lower-case ASCII letters, ä, ö, å and
// apostrophes lower-cases to exactly that cue word (the one exception, the
// long s ſ, lower-cases to itself and is in no cue list, so cue rejects
// it first). TestCueWords keeps the lists to that alphabet.
func cuesByLast(cues [][]string) map[string][][]string {
	m := map[string][][]string{}
	for _, c := range cues {
		k := strings.TrimSuffix(c[len(c)-1], ":")
		m[k] = append(m[k], c)
	}
	return m
}

var (
	strongByLast = cuesByLast(strongCues)
	weakByLast   = cuesByLast(weakCues)
)

func setOf(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

// The small word sets detectNames asks about, as bits of one table, so a
// token is lower-cased and looked up once however many sets are asked.
const (
	wordStrongLast uint8 = 1 << iota
	wordWeakLast
	wordNotName
	wordNameVerb
	wordPossessive
	// wordKnown marks tokInfo.words as filled in.
	wordKnown
)

// wordTable holds the union of those sets, each word with its bits, in an
// open-addressing table indexed by the lexicon's hash of the lower-cased
// word (lexAnalysis.ph), which detectNames has at hand for most tokens:
// a lookup is a probe or two and a string comparison, no hashing again.
var wordTable = func() (t struct {
	keys   [wordTableSize]string
	bits   [wordTableSize]uint8
	maxLen int // the longest word, in bytes
}) {
	for set, bit := range map[*map[string]bool]uint8{&strongLast: wordStrongLast, &weakLast: wordWeakLast,
		&notNames: wordNotName, &nameVerbs: wordNameVerb, &possessives: wordPossessive} {
		for w := range *set {
			k := wordSlot(lexHash([]byte(w)))
			for t.keys[k] != "" && t.keys[k] != w {
				k = (k + 1) % wordTableSize
			}
			t.keys[k] = w
			t.bits[k] |= bit
			t.maxLen = max(t.maxLen, len(w))
		}
	}
	return t
}()

// wordTableSize keeps wordTable under half full.
const wordTableSize = 512

func wordSlot(h uint64) uint64 { return (h ^ h>>32) % wordTableSize }

// lexHash is the lexicon's hash (FNV-1a) of b.
func lexHash(b []byte) uint64 {
	h := uint64(lexFNVOffset)
	for _, c := range b {
		h = (h ^ uint64(c)) * lexFNVPrime
	}
	return h
}

// wordClass returns the wordTable bits of lw, a lower-cased word with hash h.
func wordClass(lw []byte, h uint64) uint8 {
	if len(lw) > wordTable.maxLen {
		return 0
	}
	for k := wordSlot(h); wordTable.keys[k] != ""; k = (k + 1) % wordTableSize {
		if wordTable.keys[k] == string(lw) {
			return wordTable.bits[k]
		}
	}
	return 0
}

// cueBefore reports whether the tokens before i end with one of cues.
func cueBefore(s string, toks []token, i int, cues [][]string) bool {
	for _, c := range cues {
		if len(c) > i {
			continue
		}
		ok := true
		for k, w := range c {
			t := toks[i-len(c)+k]
			if t.placeholder() {
				// "[NAME] is …" is no cue: the placeholder is not the word.
				ok = false
				break
			}
			if w == "t" || w == "nimi:" {
				// "t." and "t:" sign-offs and "nimi:": the punctuation matters.
				base := strings.TrimSuffix(w, ":")
				if !strings.EqualFold(t.word(s), base) || int(t.end) >= len(s) || (s[t.end] != '.' && s[t.end] != ':') {
					ok = false
				}
				continue
			}
			if !strings.EqualFold(t.word(s), w) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func hasKinPrefix(word string) bool {
	if len(word) < 3 || len(word) > 40 {
		return false
	}
	var b [48]byte
	lw := appendLower(b[:0], word)
	for _, p := range kinByFirst[lw[0]] {
		if len(lw) >= len(p) && string(lw[:len(p)]) == p {
			return true
		}
	}
	return false
}

// kinByFirst groups kinPrefixes by their first byte.
var kinByFirst = func() (t [256][]string) {
	for _, p := range kinPrefixes {
		t[p[0]] = append(t[p[0]], p)
	}
	return t
}()

func appendLower(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		if isLatin1(s, i) {
			dst = append(dst, 0xC3, latin1Lower(s[i+1]))
			i += 2
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		dst = utf8.AppendRune(dst, unicode.ToLower(r))
		i += size
	}
	return dst
}

// placesData lists place names that are kept, with irregular inflections.
//
//go:embed data/places.txt
var placesData string

// placeBloomBits sizes placeBloom: a few hundred places in 4096 bits.
const placeBloomBits = 1 << 12

var (
	placesOnce sync.Once
	places     map[string]bool
	// placeBloom holds the lexicon's hash (lexAnalysis) of every place, so
	// isPlace can reject a candidate base form by the hash the analysis
	// has already computed, without building the string.
	placeBloom [placeBloomBits / 64]uint64
)

func placeSet() map[string]bool {
	placesOnce.Do(func() {
		places = map[string]bool{}
		sc := bufio.NewScanner(strings.NewReader(placesData))
		for sc.Scan() {
			if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
				places[l] = true
				h := uint64(lexFNVOffset)
				for i := 0; i < len(l); i++ {
					h = (h ^ uint64(l[i])) * lexFNVPrime
				}
				i, j := h&(placeBloomBits-1), (h>>32)&(placeBloomBits-1)
				placeBloom[i/64] |= 1 << (i % 64)
				placeBloom[j/64] |= 1 << (j % 64)
			}
		}
	})
	return places
}

func placeBloomHas(h uint64) bool {
	i, j := h&(placeBloomBits-1), (h>>32)&(placeBloomBits-1)
	return placeBloom[i/64]&(1<<(i%64)) != 0 && placeBloom[j/64]&(1<<(j%64)) != 0
}

// isPlace reports whether word, in any inflection, is a kept place name;
// for a hyphenated word ("Itä-Helsingissä") its last part counts.
//
// A word is a place when one of its lemmasWith(word, …, places) is. Those
// lemmas are the analysis's candidates that are cut forms, names or places,
// and a name is listed under its own spelling, so this is the same as asking
// whether any candidate is a place; the candidates' hashes let the place
// Bloom filter answer most of them without building a string.
func isPlace(word string) bool {
	ps := placeSet()
	if k := strings.LastIndexByte(word, '-'); k >= 0 && k+1 < len(word) {
		if isPlace(word[k+1:]) {
			return true
		}
	}
	var a lexAnalysis
	var cs lexCands
	a.cs = &cs
	if !a.lowerInto(word) {
		return ps[strings.ToLower(word)]
	}
	a.analyse()
	for i := 0; i < a.n; i++ {
		if placeBloomHas(cs.hs[i]) {
			var b [lexMaxWord + lexMaxTail]byte
			if ps[string(a.appendTo(b[:0], i))] {
				return true
			}
		}
	}
	// lemmasWith adds the base form of a double name's last part.
	lw := a.word()
	if h := bytes.LastIndexByte(lw, '-'); h > 0 && h < len(lw)-1 {
		if hit, ok := lexLookup(string(lw[h+1:])); ok && ps[hit.lemma] {
			return true
		}
	}
	return false
}

type tokInfo struct {
	hit    lexHit
	known  bool // the lexicon knows it as a name
	common bool // it is also an ordinary word
	name   bool
	// place is isPlace of the word, computed on first use: 0 not yet,
	// placeNo or placeYes.
	place uint8
	// words are the token's wordClasses bits, once wordKnown is set.
	words uint8
}

const (
	placeNo uint8 = iota + 1
	placeYes
)

// nextWordIsNumber reports whether the first non-space after byte i is a digit.
func nextWordIsNumber(s string, i int) bool {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i < len(s) && s[i] >= '0' && s[i] <= '9'
}

// nameScratch is the per-call memory of detectNames, pooled: a question
// has a few dozen tokens, and allocating their slices anew on every call
// cost more than the work on them.
type nameScratch struct {
	toks  []token
	inf   []tokInfo
	named map[string]bool // empty between calls
}

// wordMemo remembers what detectNames learnt about a word from the word
// alone (its word sets, its lexicon analysis and whether it is a place,
// which are most of the cost of the name detector): texts are made of the
// same few thousand words. Each word has a set of two slots, the one
// used last first; a word that does not fit is not remembered. A memo is
// half a megabyte (8192 words); a call takes one of wordMemos for itself.
type wordMemo struct {
	sets [1 << wordMemoBits][2]wordMemoSlot
}

const (
	wordMemoBits = 12
	wordMemoWord = 24 // bytes: longer words are not remembered
)

type wordMemoSlot struct {
	n    uint8 // the word's length; 0 for an empty slot
	word [wordMemoWord]byte
	info tokInfo // all but name, which depends on the context
}

// wordMemos are the memos, one for each call running at once (up to
// their number; a call that finds none free does without), kept for the
// life of the process: in a sync.Pool they would be dropped at every
// garbage collection, and with them what they remember.
var wordMemos [64]struct {
	busy atomic.Bool
	memo atomic.Pointer[wordMemo]
}

// takeWordMemo returns a memo no other call is using, and its index for
// releaseWordMemo; nil and -1 when all are in use.
func takeWordMemo() (*wordMemo, int) {
	for i := range wordMemos {
		e := &wordMemos[i]
		if !e.busy.CompareAndSwap(false, true) {
			continue
		}
		m := e.memo.Load()
		if m == nil {
			m = new(wordMemo)
			e.memo.Store(m)
		}
		return m, i
	}
	return nil, -1
}

// releaseWordMemo gives back the memo takeWordMemo returned with index i.
func releaseWordMemo(i int) {
	if i >= 0 {
		wordMemos[i].busy.Store(false)
	}
}

// wordMemoHash picks w's set from its length and its first and last
// bytes (eight of each, or four, or all of a word shorter than that).
func wordMemoHash(w string) uint64 {
	var a uint64
	switch n := len(w); {
	case n >= 8:
		a = load64(w, 0) ^ load64(w, n-8)*0xC2B2AE3D27D4EB4F
	case n >= 4:
		a = uint64(load32(w, 0)) | uint64(load32(w, n-4))<<32
	default:
		for i := 0; i < n; i++ {
			a = a<<8 | uint64(w[i])
		}
	}
	return ((a ^ uint64(len(w))) * 0x9E3779B97F4A7C15) >> (64 - wordMemoBits)
}

// load32 reads s[i:i+4] as a little-endian word (one load).
func load32(s string, i int) uint32 {
	s = s[i : i+4]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

// find returns the slot that holds w, or nil (also when m is nil).
func (m *wordMemo) find(w string) *wordMemoSlot {
	if m == nil || len(w) > wordMemoWord {
		return nil
	}
	set := &m.sets[wordMemoHash(w)]
	for k := range set {
		if sl := &set[k]; int(sl.n) == len(w) && string(sl.word[:sl.n]) == w {
			return sl
		}
	}
	return nil
}

// put stores what is known of w, which find did not find.
func (m *wordMemo) put(w string, info *tokInfo) {
	if m == nil || len(w) > wordMemoWord {
		return
	}
	set := &m.sets[wordMemoHash(w)]
	set[1] = set[0]
	set[0].n = uint8(copy(set[0].word[:], w))
	set[0].info = *info
}

var namePool = sync.Pool{New: func() any { return new(nameScratch) }}

// nameCtx answers the questions detectNames asks about a token, computing
// each answer once.
type nameCtx struct {
	s     string
	toks  []token
	inf   []tokInfo
	words *wordMemo
}

// is reports whether token i, lower-cased, is in one of the wordClasses
// sets in mask. Tokens out of range and of more than 20 letters are in none.
func (c *nameCtx) is(i int, mask uint8) bool {
	if i < 0 || i >= len(c.toks) {
		return false
	}
	in := &c.inf[i]
	if in.words&wordKnown == 0 {
		in.words = wordKnown
		if t := &c.toks[i]; t.runes <= 20 {
			var b [80]byte
			lw := appendLower(b[:0], t.word(c.s))
			in.words |= wordClass(lw, lexHash(lw))
		}
	}
	return in.words&mask != 0
}

// isPlace is isPlace of token i's word, memoised (in the word memo too).
func (c *nameCtx) isPlace(i int) bool {
	in := &c.inf[i]
	if in.place == 0 {
		w := c.toks[i].word(c.s)
		in.place = placeNo
		if isPlace(w) {
			in.place = placeYes
		}
		if memo := c.words.find(w); memo != nil {
			memo.info.place = in.place
		}
	}
	return in.place == placeYes
}

// cue reports whether a cue ends right before token i: one of byLast
// (strongByLast or weakByLast), whose last words are the wordTable bit last.
func (c *nameCtx) cue(i int, last uint8, byLast map[string][][]string) bool {
	if i == 0 || !c.is(i-1, last) {
		return false
	}
	var b [80]byte
	return cueBefore(c.s, c.toks, i, byLast[string(appendLower(b[:0], c.toks[i-1].word(c.s)))])
}

// adjacent reports whether token i directly follows token i-1 (one
// separator at most).
func (c *nameCtx) adjacent(i int) bool {
	return i > 0 && c.toks[i-1].end+1 >= c.toks[i].start
}

// detectNames finds person names: known first names and surnames in any
// Finnish inflection, lower case included; words after a name cue or a
// kin word; a capitalised word beside a name; a name again wherever it
// recurs; names spelled out letter by letter. Words that are also
// ordinary words (toivo, onni, lumi) count only when case and context say
// name.
//
// The answers that cost a lexicon analysis or a map lookup (the lexicon
// hit, whether the word is a place, which small word sets it is in) are
// only computed for the tokens whose outcome can depend on them.
func detectNames(s string, out []match) []match {
	t := plainText(s)
	return detectNamesIn(&t, out)
}

func detectNamesIn(tx *text, out []match) []match {
	s := tx.s
	sc := namePool.Get().(*nameScratch)
	defer namePool.Put(sc)
	toks := tokensOf(tx, sc.toks[:0])
	sc.toks = toks
	if len(toks) == 0 {
		return out
	}
	if cap(sc.inf) < len(toks) {
		sc.inf = make([]tokInfo, len(toks))
	}
	inf := sc.inf[:len(toks)]
	clear(inf)
	memo, mi := takeWordMemo()
	defer releaseWordMemo(mi)
	c := &nameCtx{s: s, toks: toks, inf: inf, words: memo}
	// One analysis, reused: it is some 500 bytes, and lowerInto starts it
	// afresh for each word.
	var a lexAnalysis
	for i := range toks {
		t := &toks[i]
		if t.runes < 2 || t.placeholder() {
			continue
		}
		// What the word alone says (its runes and case are the word's
		// too) is remembered.
		w := t.word(s)
		if memo := c.words.find(w); memo != nil {
			inf[i] = memo.info
			continue
		}
		// One lower-casing serves the small word sets and the lexicon.
		lowered := a.lowerInto(w)
		if lowered && t.runes <= 20 {
			inf[i].words = wordKnown | wordClass(a.word(), a.ph[a.wn])
		}
		// A lower-case word that can never be a name ("on", "ja", "the")
		// needs no lexicon lookup: its hit is only read for names and for
		// capitalised words.
		if lowered && (t.upper() || !c.is(i, wordNotName)) {
			if h, ok := a.lookup(w); ok {
				inf[i].hit, inf[i].known = h, true
				inf[i].common = isCommonWord(w)
			}
		}
		c.words.put(w, &inf[i])
	}
	for i := range toks {
		t := &toks[i]
		in := &inf[i]
		if t.runes < 2 || t.placeholder() {
			continue
		}
		capital := t.upper() && !t.allCaps()
		if !in.known && !capital {
			// Only a cue can make an unknown lower-case word a name.
			if c.cue(i, wordStrongLast, strongByLast) && !c.is(i, wordNotName) {
				in.name = true
			}
			continue
		}
		if c.is(i, wordNotName) {
			continue
		}
		prevName := i > 0 && inf[i-1].name && c.adjacent(i)
		afterKin := capital && c.adjacent(i) && hasKinPrefix(toks[i-1].word(s))
		switch {
		case c.cue(i, wordStrongLast, strongByLast):
			in.name = capital || !c.isPlace(i)
		case in.known:
			switch {
			case !prevName && !afterKin && c.isPlace(i):
			case !in.common:
				in.name = true
			case !capital:
				in.name = c.cue(i, wordWeakLast, weakByLast) && !c.isPlace(i)
			case prevName || afterKin || !t.sentStart():
				in.name = true
			case i+1 < len(toks) && c.is(i+1, wordNameVerb):
				in.name = true
			case i+1 < len(toks) && (strings.EqualFold(toks[i+1].word(s), "on") || strings.EqualFold(toks[i+1].word(s), "is") || strings.EqualFold(toks[i+1].word(s), "är")) &&
				(c.is(i+2, wordPossessive) || nextWordIsNumber(s, int(toks[i+1].end))):
				in.name = true
			case c.cue(i, wordWeakLast, weakByLast):
				in.name = true
			}
		case capital && afterKin && !t.sentStart() && !c.isPlace(i):
			// An unknown name after a kin word: "pikkusiskon Zyrah", "my brother Will".
			in.name = true
		case capital && prevName && !t.sentStart() && !isCommonWord(t.word(s)) && !c.isPlace(i):
			// An unknown surname after a known first name: "Jenna Zyrah".
			in.name = true
		}
	}
	// A name recurs: once a word is a name in this text, its other
	// capitalised forms are too ("Toivo on mun ukki … Toivolle se oli…").
	// The key is the lemma of a known word and the lower-cased word of an
	// unknown one.
	//
	// The set is pooled with the scratch; a known word's key is its
	// lemma, interned by the lexicon, so only unknown names cost a string.
	var kb [160]byte
	has := func(i int) bool {
		if inf[i].known {
			return sc.named[inf[i].hit.lemma]
		}
		return sc.named[string(appendLower(kb[:0], toks[i].word(s)))]
	}
	anyName := false
	for i := range toks {
		if inf[i].name && !has(i) {
			if sc.named == nil {
				sc.named = map[string]bool{}
			}
			if inf[i].known {
				sc.named[inf[i].hit.lemma] = true
			} else {
				sc.named[string(appendLower(kb[:0], toks[i].word(s)))] = true
			}
			anyName = true
		}
	}
	if !anyName {
		// No token is a name: the rules below start from one.
		return spelledNames(s, toks, out)
	}
	for i := range toks {
		t := &toks[i]
		if !inf[i].name && t.upper() && t.runes > 1 && !t.placeholder() && has(i) {
			inf[i].name = true
		}
	}
	// A map cleared keeps its size: one grown on a long text is not kept
	// for the questions after it.
	if len(sc.named) > 64 {
		sc.named = nil
	} else {
		clear(sc.named)
	}
	// An unknown capitalised word right before a surname: "Sergej Volkov".
	// A word of one letter was never asked whether it is a place (it is not).
	for i := len(toks) - 2; i >= 0; i-- {
		t := &toks[i]
		if !inf[i].name && !t.placeholder() && inf[i+1].name && inf[i+1].known && inf[i+1].hit.kind&lexSur != 0 && t.upper() && !t.allCaps() &&
			!t.sentStart() && t.end+1 >= toks[i+1].start && !(t.runes >= 2 && c.isPlace(i)) && !isCommonWord(t.word(s)) &&
			!c.is(i, wordNotName) && !hasKinPrefix(t.word(s)) {
			inf[i].name = true
		}
	}
	for i := range toks {
		if inf[i].name {
			out = append(out, match{KindName, int(toks[i].start), int(toks[i].end)})
		}
	}
	return spelledNames(s, toks, out)
}

// spelledNames finds names written letter by letter, "J o o n a s".
func spelledNames(s string, toks []token, out []match) []match {
	for i := 0; i < len(toks); {
		j := i
		for j < len(toks) && toks[j].runes == 1 && (j == i || toks[j].start == toks[j-1].end+1) {
			j++
		}
		if j-i >= 3 {
			var b strings.Builder
			for k := i; k < j; k++ {
				b.WriteString(toks[k].word(s))
			}
			if _, ok := lexLookup(b.String()); ok && !isCommonWord(b.String()) {
				out = append(out, match{KindName, int(toks[i].start), int(toks[j-1].end)})
			}
		}
		if j > i {
			i = j
		} else {
			i++
		}
	}
	return out
}
