package redact

import (
	"bufio"
	_ "embed"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// token is one word of the normalised text: letters, with inner hyphens
// and apostrophes ("Anna-Liisa", "Jenna's").
type token struct {
	start, end int
	word       string
	upper      bool // starts with an upper-case letter
	allCaps    bool // every letter upper case (shouting: case says nothing)
	sentStart  bool // first word of a sentence, line or text
	runes      int
	// placeholder marks "[NAME]" and its kind, left by an earlier redaction.
	placeholder bool
}

// tokenize splits s into word tokens, appending to buf.
func tokenize(s string, buf []token) []token {
	sentStart := true
	i := 0
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf && !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			switch c {
			case '.', '!', '?', '\n':
				sentStart = true
			case ' ', '\t', '\r', '"', '\'', '(', ')', '-', '*', '_', ',', ';', ':':
			default:
				sentStart = false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsLetter(r) {
			if r == '…' {
				sentStart = true
			}
			i += size
			continue
		}
		start := i
		upper := unicode.IsUpper(r)
		allCaps := upper
		n := 0
		for i < len(s) {
			r, size := utf8.DecodeRuneInString(s[i:])
			if unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) {
				if unicode.IsLower(r) {
					allCaps = false
				}
				n++
				i += size
				continue
			}
			if (r == '-' || r == '\'' || r == '’') && i+size < len(s) {
				next, _ := utf8.DecodeRuneInString(s[i+size:])
				if unicode.IsLetter(next) {
					i += size
					continue
				}
			}
			break
		}
		// A placeholder of an earlier redaction, "[ID]", stays a token
		// (it ends a cue) but is never a name.
		ph := start > 0 && s[start-1] == '[' && i < len(s) && s[i] == ']' && allCaps
		buf = append(buf, token{start: start, end: i, word: s[start:i], upper: upper, placeholder: ph,
			allCaps: allCaps && n > 1, sentStart: sentStart, runes: n})
		sentStart = false
	}
	return buf
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

func setOf(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
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
			if w == "t" || w == "nimi:" {
				// "t." and "t:" sign-offs and "nimi:": the punctuation matters.
				base := strings.TrimSuffix(w, ":")
				if !strings.EqualFold(t.word, base) || t.end >= len(s) || (s[t.end] != '.' && s[t.end] != ':') {
					ok = false
				}
				continue
			}
			if !strings.EqualFold(t.word, w) {
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
	for _, p := range kinPrefixes {
		if len(lw) >= len(p) && string(lw[:len(p)]) == p {
			return true
		}
	}
	return false
}

func appendLower(dst []byte, s string) []byte {
	for _, r := range s {
		dst = utf8.AppendRune(dst, unicode.ToLower(r))
	}
	return dst
}

// placesData lists place names that are kept, with irregular inflections.
//
//go:embed data/places.txt
var placesData string

var (
	placesOnce sync.Once
	places     map[string]bool
)

func placeSet() map[string]bool {
	placesOnce.Do(func() {
		places = map[string]bool{}
		sc := bufio.NewScanner(strings.NewReader(placesData))
		for sc.Scan() {
			if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
				places[l] = true
			}
		}
	})
	return places
}

// isPlace reports whether word, in any inflection, is a kept place name;
// for a hyphenated word ("Itä-Helsingissä") its last part counts.
func isPlace(word string, buf []string) bool {
	ps := placeSet()
	if k := strings.LastIndexByte(word, '-'); k >= 0 && k+1 < len(word) {
		if isPlace(word[k+1:], buf) {
			return true
		}
	}
	for _, l := range lemmasWith(word, buf[:0], ps) {
		if ps[l] {
			return true
		}
	}
	return false
}

type tokInfo struct {
	hit    lexHit
	known  bool // the lexicon knows it as a name
	common bool // it is also an ordinary word
	place  bool
	name   bool
}

// nextWordIsNumber reports whether the first non-space after byte i is a digit.
func nextWordIsNumber(s string, i int) bool {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i < len(s) && s[i] >= '0' && s[i] <= '9'
}

// detectNames finds person names: known first names and surnames in any
// Finnish inflection, lower case included; words after a name cue or a
// kin word; a capitalised word beside a name; a name again wherever it
// recurs; names spelled out letter by letter. Words that are also
// ordinary words (toivo, onni, lumi) count only when case and context say
// name.
func detectNames(s string, out []match) []match {
	toks := tokenize(s, make([]token, 0, len(s)/6+1))
	if len(toks) == 0 {
		return out
	}
	inf := make([]tokInfo, len(toks))
	for i, t := range toks {
		if t.runes < 2 || t.placeholder {
			continue
		}
		if h, ok := lexLookup(t.word); ok {
			inf[i].hit, inf[i].known = h, true
			inf[i].common = isCommonWord(t.word)
		}
	}
	var buf []string
	lowerIs := func(i int, set map[string]bool) bool {
		if i < 0 || i >= len(toks) || toks[i].runes > 20 {
			return false
		}
		var b [64]byte
		return set[string(appendLower(b[:0], toks[i].word))]
	}
	cue := func(i int, last map[string]bool, cues [][]string) bool {
		return i > 0 && lowerIs(i-1, last) && cueBefore(s, toks, i, cues)
	}
	for i, t := range toks {
		in := &inf[i]
		if t.runes < 2 || t.placeholder {
			continue
		}
		capital := t.upper && !t.allCaps
		if !in.known && !capital {
			// Only a cue can make an unknown lower-case word a name.
			if cue(i, strongLast, strongCues) && !lowerIs(i, notNames) {
				in.name = true
			}
			continue
		}
		if lowerIs(i, notNames) {
			continue
		}
		in.place = isPlace(t.word, buf)
		prevName := i > 0 && inf[i-1].name && toks[i-1].end+1 >= t.start
		afterKin := capital && i > 0 && toks[i-1].end+1 >= t.start && hasKinPrefix(toks[i-1].word)
		switch {
		case cue(i, strongLast, strongCues):
			in.name = !in.place || capital
		case in.known:
			switch {
			case in.place && !prevName && !afterKin:
			case !in.common:
				in.name = true
			case !capital:
				in.name = cue(i, weakLast, weakCues) && !in.place
			case prevName || afterKin || !t.sentStart:
				in.name = true
			case i+1 < len(toks) && lowerIs(i+1, nameVerbs):
				in.name = true
			case i+1 < len(toks) && (strings.EqualFold(toks[i+1].word, "on") || strings.EqualFold(toks[i+1].word, "is") || strings.EqualFold(toks[i+1].word, "är")) &&
				(lowerIs(i+2, possessives) || nextWordIsNumber(s, toks[i+1].end)):
				in.name = true
			case cue(i, weakLast, weakCues):
				in.name = true
			}
		case capital && !in.place && afterKin && !t.sentStart:
			// An unknown name after a kin word: "pikkusiskon Zyrah", "my brother Will".
			in.name = true
		case capital && !in.place && prevName && !t.sentStart && !isCommonWord(t.word):
			// An unknown surname after a known first name: "Jenna Zyrah".
			in.name = true
		}
	}
	// A name recurs: once a word is a name in this text, its other
	// capitalised forms are too ("Toivo on mun ukki … Toivolle se oli…").
	named := map[string]bool{}
	key := func(i int) string {
		if inf[i].known {
			return inf[i].hit.lemma
		}
		return strings.ToLower(toks[i].word)
	}
	for i := range toks {
		if inf[i].name {
			named[key(i)] = true
		}
	}
	if len(named) > 0 {
		for i, t := range toks {
			if !inf[i].name && t.upper && t.runes > 1 && !t.placeholder && named[key(i)] {
				inf[i].name = true
			}
		}
	}
	// An unknown capitalised word right before a surname: "Sergej Volkov".
	for i := len(toks) - 2; i >= 0; i-- {
		t := toks[i]
		if !inf[i].name && !t.placeholder && inf[i+1].name && inf[i+1].known && inf[i+1].hit.kind&lexSur != 0 && t.upper && !t.allCaps &&
			!t.sentStart && !inf[i].place && t.end+1 >= toks[i+1].start && !isCommonWord(t.word) && !lowerIs(i, notNames) && !hasKinPrefix(t.word) {
			inf[i].name = true
		}
	}
	for i, t := range toks {
		if inf[i].name {
			out = append(out, match{KindName, t.start, t.end})
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
				b.WriteString(toks[k].word)
			}
			if _, ok := lexLookup(b.String()); ok && !isCommonWord(b.String()) {
				out = append(out, match{KindName, toks[i].start, toks[j-1].end})
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
