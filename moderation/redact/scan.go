package redact

// The shared pre-scan. Several detectors walk the text word by word
// (txNextWord) or need to know how many digits it has; each used to find
// that out with its own pass over the bytes. Redact now makes one pass,
// scanText, and hands the result to every detector: the digit count lets
// a detector that needs digits return at once, and the list of words lets
// the word-level detectors step from word to word.
//
// The detectors keep their plain form, detectX(s, out), for the tests and
// for use on their own; it runs the same code on a text without a word
// list (plainText), where the cursor falls back to txNextWord.

import (
	"math/bits"
	"unicode"
	"unicode/utf8"
)

// text is the normalised text and what the pre-scan found in it.
type text struct {
	s      string
	digits int // ASCII digits in s
	// words are the runs of letters txNextWord finds, in order, and
	// digitRuns the runs of ASCII digits, when listed; otherwise the
	// cursors look in s themselves.
	words     []wordSpan
	digitRuns []wordSpan
	// keyed are the indices of the listed words with keys, for
	// wordCursor.nextWith.
	keyed  []int32
	listed bool
	// otherMarks: a word holds a combining mark that is not a
	// non-spacing one (Mc, Me), where tokenize would end a token.
	otherMarks bool
	// keys is the union of the listed words' keys: a detector whose key
	// no word has may skip the text.
	keys uint8
}

type wordSpan struct {
	start, end int32
	// For words (not digit runs): how many runes (letters and marks), the
	// word keys (wordKeyBits), and the case of its letters.
	runes int32
	keys  uint8
	cases uint8
}

const (
	wordUpperFirst uint8 = 1 << iota // the first letter is upper case
	wordAnyLower                     // a letter is lower case
	wordSentStart                    // a sentence starts here, by tokenize's rules for the bytes before
)

// Word keys: which word-level detectors may care about a word, by its
// first two letters, its length and what is around it. Each is implied by
// the test that detector makes first, so a detector may skip every word
// without its key (wordCursor.nextWith) and find the same.
const (
	keyAddrCue     uint8 = 1 << iota // detectAddresses: a cue word ("asun", "bor")
	keyHandleCue                     // detectHandles: a platform cue ("snap", "ig")
	keyEmailAt                       // detectObfuscatedEmails: a spelled '@' after a space
	keyPlate                         // detectPlates: a short word next to digits
	keySpelledZero                   // spelledNextAnchor: a zero word or "plus"
)

// wordKeyRow and wordKeyRows map the first two bytes of a word (folded,
// as txKey2) to the lists whose words start with them, where the lists'
// own txPairs cost a hash probe each: one load for the row of the first
// byte, and one in that row for the second. Only the first bytes some
// list's word starts with have a row (row 0, all zero, serves the rest),
// so the table is a few kilobytes and stays in the cache.
var wordKeyRow, wordKeyRows = func() (*[256]uint8, [][256]uint8) {
	var full [1 << 16]uint8
	for _, l := range []struct {
		t   *txPairs
		bit uint8
	}{{&addressCues.first, keyAddrCue}, {&handleCues.first, keyHandleCue}, {emailAtKey2, keyEmailAt},
		{spelledZeroKey2, keySpelledZero}} {
		for h, used := range l.t.used {
			if used {
				k := l.t.keys[h]
				full[uint16(k[0])<<8|uint16(k[1])] |= l.bit
			}
		}
	}
	var row [256]uint8
	rows := make([][256]uint8, 1, 32)
	for a := range 256 {
		var r [256]uint8
		copy(r[:], full[a<<8:(a+1)<<8])
		if r == ([256]uint8{}) {
			continue
		}
		if len(rows) == 256 {
			panic("redact: too many word key rows")
		}
		row[a] = uint8(len(rows))
		rows = append(rows, r)
	}
	return &row, rows
}()

// wordKeyBits returns the word keys of the word s[ws:we].
func wordKeyBits(s string, ws, we int) uint8 {
	n := we - ws
	k := txKey2(s, ws)
	m := wordKeyRows[wordKeyRow[k[0]]][k[1]]
	if m != 0 {
		if n < 3 || n > 12 {
			m &^= keyAddrCue
		}
		if n < 2 || n > 16 {
			m &^= keyHandleCue
		}
		if ws == 0 || s[ws-1] != ' ' || n >= len(emailAtWordLens) || !emailAtWordLens[n] {
			m &^= keyEmailAt
		}
	}
	if n >= 2 && n <= 6 && (we+1 < len(s) && (txIsDigit(s[we]) || (s[we] == '-' || s[we] == ' ') && txIsDigit(s[we+1])) ||
		ws > 0 && (txIsDigit(s[ws-1]) || ws >= 2 && s[ws-1] == ' ' && txIsDigit(s[ws-2]))) {
		m |= keyPlate
	}
	return m
}

// plainText is s without a word list, for a detector called on its own.
func plainText(s string) text {
	return text{s: s, digits: countDigits(s)}
}

// scanText lists the words and digit runs of s in one pass, appending
// them to words and digitRuns, and the indices of the words with keys to
// keyed.
func scanText(s string, words, digitRuns []wordSpan, keyed []int32) text {
	t := text{s: s, listed: true}
	i := 0
	// sent applies tokenize's rules for sentence starts to the bytes
	// between words: a sentence starts after . ! ? … and a line break, not
	// after a digit or other punctuation; spaces, quotes, brackets,
	// dashes, commas and non-ASCII symbols change nothing.
	sent := true
	for {
		// Skip to the next word, noting digits: they never occur inside a
		// word, nor inside a multi-byte rune, so every one is seen here.
		for i < len(s) {
			switch c := s[i]; txClass[c] {
			case 1:
				goto found
			case 2:
				e := txDigitEnd(s, i)
				digitRuns = append(digitRuns, wordSpan{start: int32(i), end: int32(e)})
				t.digits += e - i
				i = e
				sent = false
			case 3:
				r, n := utf8.DecodeRuneInString(s[i:])
				if r != utf8.RuneError && unicode.IsLetter(r) {
					goto found
				}
				if r == '…' {
					sent = true
				}
				i += n
			default:
				switch tokClass[c] {
				case tcOther:
					sent = false
				case tcSentEnd:
					sent = true
				}
				i++
			}
		}
		break
	found:
		// The word itself, as txNextWord extends it, with the case of its
		// letters and its length in runes for the name tokens (tokensOf).
		w := wordSpan{start: int32(i)}
		if sent {
			w.cases = wordSentStart
		}
		sent = false
		j := i
		for j < len(s) {
			// A run of lower-case ASCII letters, eight bytes at a time:
			// each is a letter that only adds wordAnyLower.
			if j+8 <= len(s) {
				if k := lowerASCIIRun(load64(s, j)); k > 0 {
					w.cases |= wordAnyLower
					w.runes += int32(k)
					j += k
					continue
				}
			}
			c := s[j]
			if txClass[c] == 1 {
				if c >= 'a' {
					w.cases |= wordAnyLower
				} else if j == i {
					w.cases |= wordUpperFirst
				}
				w.runes++
				j++
				continue
			}
			if c < utf8.RuneSelf {
				break
			}
			if isLatin1(s, j) {
				letter, upper := latin1(s[j+1])
				if !letter {
					break
				}
				if !upper {
					w.cases |= wordAnyLower
				} else if j == i {
					w.cases |= wordUpperFirst
				}
				w.runes++
				j += 2
				continue
			}
			r, n := utf8.DecodeRuneInString(s[j:])
			if r == utf8.RuneError {
				break
			}
			if unicode.IsLetter(r) {
				if unicode.IsLower(r) {
					w.cases |= wordAnyLower
				} else if j == i && unicode.IsUpper(r) {
					w.cases |= wordUpperFirst
				}
			} else if unicode.IsMark(r) {
				if !unicode.Is(unicode.Mn, r) {
					t.otherMarks = true
				}
			} else {
				break
			}
			w.runes++
			j += n
		}
		w.end = int32(j)
		w.keys = wordKeyBits(s, i, j)
		if w.keys != 0 {
			t.keys |= w.keys
			keyed = append(keyed, int32(len(words)))
		}
		words = append(words, w)
		i = j
	}
	t.words, t.digitRuns, t.keyed = words, digitRuns, keyed
	return t
}

// lowerASCIIRun returns how many of the eight bytes of x (little-endian:
// the first byte lowest) from the first on are 'a'…'z'. A byte below 0x80
// is one when adding 0x1f sets its top bit (it is 'a' or more) and adding
// 0x05 does not (it is 'z' or less); neither sum carries into the next
// byte.
func lowerASCIIRun(x uint64) int {
	lo := x & 0x7f7f7f7f7f7f7f7f
	lower := (lo + 0x1f1f1f1f1f1f1f1f) &^ (lo + 0x0505050505050505) &^ x & 0x8080808080808080
	return bits.TrailingZeros64(^lower&0x8080808080808080) >> 3
}

// digitCursor steps through the digits of a text for one detector.
type digitCursor struct {
	t *text
	k int // t.digitRuns[:k] end at or before the last position asked for
}

func (t *text) digitCursor() digitCursor { return digitCursor{t: t} }

// next returns the first position at or after i that holds an ASCII digit,
// or len(t.s). The positions asked for must not decrease.
func (c *digitCursor) next(i int) int {
	t := c.t
	if !t.listed {
		for i < len(t.s) && !txIsDigit(t.s[i]) {
			i++
		}
		return min(i, len(t.s))
	}
	for c.k < len(t.digitRuns) && int(t.digitRuns[c.k].end) <= i {
		c.k++
	}
	if c.k == len(t.digitRuns) {
		return len(t.s)
	}
	return max(i, int(t.digitRuns[c.k].start))
}

// wordCursor steps through the words of a text for one detector.
type wordCursor struct {
	t  *text
	k  int // t.words[:k] end at or before the last position asked for
	kk int // the words of t.keyed[:kk] come before it, for nextWith
}

func (t *text) cursor() wordCursor { return wordCursor{t: t} }

// next returns txNextWord(t.s, i). The positions asked for must not
// decrease.
//
// When i lies between words, the next word txNextWord finds from i is the
// first listed word starting at or after i: the scan from i skips the same
// non-letters the listing skipped (inside a skipped multi-byte rune it
// meets only continuation bytes, which start nothing) and meets the same
// word start. When i lies inside a listed word (a detector resumed after a
// match or an extension that ended there), txNextWord answers itself.
func (c *wordCursor) next(i int) (int, int) {
	t := c.t
	if !t.listed {
		return txNextWord(t.s, i)
	}
	for c.k < len(t.words) && int(t.words[c.k].end) <= i {
		c.k++
	}
	if c.k == len(t.words) {
		return len(t.s), len(t.s)
	}
	w := t.words[c.k]
	if int(w.start) >= i {
		return int(w.start), int(w.end)
	}
	return txNextWord(t.s, i)
}

// nextKeys is next, with the word's keys.
func (c *wordCursor) nextKeys(i int) (int, int, uint8) {
	t := c.t
	ws, we := c.next(i)
	if t.listed && c.k < len(t.words) && int(t.words[c.k].start) == ws && int(t.words[c.k].end) == we {
		return ws, we, t.words[c.k].keys
	}
	if ws >= len(t.s) {
		return ws, we, 0
	}
	return ws, we, wordKeyBits(t.s, ws, we)
}

// nextWith is next for a detector that only cares about words with one
// of the word keys in key, and that rejects a word with a letter right
// before it: it returns the next word at or after i that has the key,
// skipping the rest; a word i lies inside, which the detector would
// reject, is skipped too when the words are listed.
func (c *wordCursor) nextWith(i int, key uint8) (int, int) {
	t := c.t
	if !t.listed {
		for i < len(t.s) {
			ws, we := txNextWord(t.s, i)
			if ws >= len(t.s) {
				break
			}
			if wordKeyBits(t.s, ws, we)&key != 0 {
				return ws, we
			}
			i = we
		}
		return len(t.s), len(t.s)
	}
	// Only the words with keys are looked at.
	for ; c.kk < len(t.keyed); c.kk++ {
		if w := &t.words[t.keyed[c.kk]]; int(w.start) >= i && w.keys&key != 0 {
			return int(w.start), int(w.end)
		}
	}
	return len(t.s), len(t.s)
}
