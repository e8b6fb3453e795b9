package triage

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is one word of a question after normalisation.
type token struct {
	// key is the folded word: lower case, ä/å→a, ö/ø→o and other accents
	// dropped, apostrophes and inner hyphens removed, and a letter
	// repeated three or more times cut to two ("apuaaa" → "apuaa").
	key string
	// alt is key with those long runs cut to one letter ("apua"), or ""
	// when the word had no run of three.
	alt string
	// sentence and clause number the span the word belongs to; cues such
	// as "when I was little" reach only so far.
	sentence, clause int
	// punct is set when punctuation came right before the word.
	punct bool
}

// fold maps a lower-case letter to its plain Latin form. Finnish and
// Swedish writers often type without ä, ö and å ("aiti", "paa"), so both
// spellings meet in the same key.
func fold(r rune) rune {
	switch r {
	case 'ä', 'á', 'à', 'â', 'ã', 'å', 'æ':
		return 'a'
	case 'ö', 'ó', 'ò', 'ô', 'õ', 'ø', 'œ':
		return 'o'
	case 'é', 'è', 'ê', 'ë':
		return 'e'
	case 'í', 'ì', 'î', 'ï':
		return 'i'
	case 'ú', 'ù', 'û', 'ü':
		return 'u'
	case 'ý', 'ÿ':
		return 'y'
	case 'š':
		return 's'
	case 'ž':
		return 'z'
	case 'ç':
		return 'c'
	case 'ñ':
		return 'n'
	case 'ß':
		return 's'
	}
	return r
}

// foldWord normalises one word of the rules file the way tokenize
// normalises the text.
func foldWord(w string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(w) {
		if unicode.Is(unicode.Mn, r) || isJoiner(r) {
			continue
		}
		b.WriteRune(fold(r))
	}
	k, _ := squeeze(b.String())
	return k
}

// isJoiner reports characters that join the parts of one word: "don't",
// "itse-murha", "mä’oon".
func isJoiner(r rune) bool {
	switch r {
	case '\'', '’', '´', '`', '-', '‐', '\u00ad':
		return true
	}
	return false
}

// isSentenceEnd reports characters that end a sentence.
func isSentenceEnd(r rune) bool {
	switch r {
	case '.', '!', '?', '\n', ';', '…', '¿', '¡':
		return true
	}
	return false
}

// isClauseEnd reports characters that end a clause inside a sentence.
func isClauseEnd(r rune) bool {
	switch r {
	case ',', ':', '(', ')', '–', '—', '"', '“', '”', '«', '»', '/':
		return true
	}
	return false
}

// clauseWords start a new clause: "when I was little dad hit me, but now
// he hits my sister" keeps the past cue away from the second half.
var clauseWords = map[string]bool{
	"mutta": true, "ja": true, "but": true, "and": true, "although": true,
	"though": true, "men": true, "och": true, "fast": true, "vaikka": true,
	"koska": true, "because": true, "eftersom": true,
}

// squeeze cuts letter runs of three or more to two (key) and to one (alt):
// "kuoooolla" → "kuoolla", "kuolla". alt is "" when nothing was cut.
func squeeze(w string) (key, alt string) {
	rs := []rune(w)
	long := false
	for i := 2; i < len(rs); i++ {
		if rs[i] == rs[i-1] && rs[i] == rs[i-2] && unicode.IsLetter(rs[i]) {
			long = true
			break
		}
	}
	if !long {
		return w, ""
	}
	var k, a strings.Builder
	for i := 0; i < len(rs); {
		j := i
		for j < len(rs) && rs[j] == rs[i] {
			j++
		}
		n := j - i
		if !unicode.IsLetter(rs[i]) {
			k.WriteString(string(rs[i:j]))
			a.WriteString(string(rs[i:j]))
		} else if n >= 3 {
			k.WriteString(string(rs[i : i+2]))
			a.WriteRune(rs[i])
		} else {
			k.WriteString(string(rs[i:j]))
			a.WriteString(string(rs[i:j]))
		}
		i = j
	}
	return k.String(), a.String()
}

// spokenForms are spoken or regional spellings read as the written word
// they stand for: Finland-Swedish "int" is "inte" ("ja vill int leva").
var spokenForms = map[string]string{"int": "inte"}

// tokenize splits text into folded words, numbering sentences and clauses.
func tokenize(text string) []token {
	toks := make([]token, 0, len(text)/5+1)
	var b strings.Builder
	sentence, clause := 0, 0
	pendingSentence, pendingClause := false, false
	flush := func() {
		if b.Len() == 0 {
			return
		}
		if pendingSentence && len(toks) > 0 {
			sentence++
			clause++
		} else if pendingClause && len(toks) > 0 {
			clause++
		}
		punct := pendingSentence || pendingClause
		pendingSentence, pendingClause = false, false
		key, alt := squeeze(b.String())
		b.Reset()
		if full, ok := spokenForms[key]; ok {
			key = full
		}
		if clauseWords[key] && len(toks) > 0 {
			clause++
		}
		toks = append(toks, token{key: key, alt: alt, sentence: sentence, clause: clause, punct: punct})
	}
	rs := []rune(strings.ToLower(text))
	for i, r := range rs {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(fold(r))
		case unicode.Is(unicode.Mn, r):
			// a combining accent typed apart from its letter: drop it
		case isJoiner(r) && b.Len() > 0 && i+1 < len(rs) && (unicode.IsLetter(rs[i+1]) || unicode.IsDigit(rs[i+1])):
			// inside a word: "don't", "itse-murha"
		case r == '.' && b.Len() > 0 && i+1 < len(rs) && unicode.IsDigit(rs[i+1]) && unicode.IsDigit(rs[i-1]):
			// a decimal or a date: "2.5", "1.1."
			b.WriteRune('.')
		default:
			flush()
			if isSentenceEnd(r) {
				pendingSentence = true
			} else if isClauseEnd(r) {
				pendingClause = true
			}
		}
	}
	flush()
	disambiguate(toks)
	return toks
}

// butAfter are words that follow the conjunction "mut" ("but"), not the
// pronoun "mut" ("me"): "mut nyt kaikki on hyvin".
var butAfter = map[string]bool{
	"nyt": true, "nykyaan": true, "nykyisin": true, "sit": true, "sitten": true, "silti": true,
	"kuitenkin": true, "onneks": true, "onneksi": true, "ehka": true, "jotenkin": true, "toisaalta": true,
	"se": true, "ne": true, "ma": true, "sa": true, "en": true, "ei": true,
}

// disambiguate settles spoken Finnish words with two readings. "mut" is
// "me" ("isä lyö mut") or "but" ("…, mut nyt se on ohi"); read as "but"
// after punctuation, at the start of a sentence or before a word that
// starts a clause, it becomes "mutta" and opens a new clause.
func disambiguate(toks []token) {
	shift := 0
	for i := range toks {
		toks[i].clause += shift
		if toks[i].key != "mut" {
			continue
		}
		first := i == 0 || toks[i-1].sentence != toks[i].sentence
		next := i+1 < len(toks) && toks[i+1].sentence == toks[i].sentence && butAfter[toks[i+1].key]
		// "mut heitettiin pihalle": before a passive verb "mut" is "me".
		passive := i+1 < len(toks) && toks[i+1].sentence == toks[i].sentence && isPassive(toks[i+1].key)
		if (toks[i].punct || first || next) && !passive {
			toks[i].key = "mutta"
			if !toks[i].punct && !first {
				shift++
				toks[i].clause++
			}
		}
	}
}

// passiveEnds end a Finnish passive verb ("heitettiin", "lyödään",
// "potkittu"), which takes the pronoun "mut" as its object.
var passiveEnds = []string{"ttiin", "tiin", "ttaan", "taan", "taan", "daan", "ttu", "tty"}

// isPassive reports a Finnish passive verb form.
func isPassive(w string) bool {
	if len(w) < 6 {
		return false
	}
	for _, e := range passiveEnds {
		if strings.HasSuffix(w, e) {
			return true
		}
	}
	return false
}

// floodKey is the text reduced to what a copy-paste flood keeps constant:
// folded letters and digits, single spaces between words.
func floodKey(text string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(text) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(fold(r))
		case unicode.Is(unicode.Mn, r), isJoiner(r):
		default:
			space = true
		}
	}
	return b.String()
}

// runeLen is the number of characters in s.
func runeLen(s string) int { return utf8.RuneCountInString(s) }
