package redact

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// normalized is the text the detectors read: evasions folded away
// (zero-width and other format characters dropped, fullwidth and other
// compatibility forms and non-ASCII digits folded by NFKC, Cyrillic and
// Greek look-alike letters folded to Latin). orig maps each byte of text
// back to the byte of the input it came from, so spans found in text can
// be cut out of the input. orig is nil when text is the input unchanged.
type normalized struct {
	text   string
	orig   []int32
	pooled *[]int32 // orig's pool entry
}

// span maps [start, end) of the normalised text to the input.
func (n *normalized) span(start, end int) (int, int) {
	if n.orig == nil {
		return start, end
	}
	return int(n.orig[start]), int(n.orig[end])
}

// normalize prepares s for detection. Most questions need no folding, and
// then it costs one pass over the bytes and allocates nothing. Otherwise
// the mapping comes from origPool; Redact returns it with release.
func normalize(s string) normalized {
	first := -1
	for i := 0; i < len(s); {
		// Eight ASCII bytes at a time: only non-ASCII runes are folded.
		if i+8 <= len(s) && load64(s, i)&0x8080808080808080 == 0 {
			i += 8
			continue
		}
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			continue
		}
		if isLatin1(s, i) {
			// À…ÿ, the ä and ö of most questions: never folded.
			i += 2
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if _, ok := fold(r); ok {
			first = i
			break
		}
		i += size
	}
	if first < 0 {
		return normalized{text: s}
	}
	var out strings.Builder
	out.Grow(len(s))
	op := origPool.Get().(*[]int32)
	orig := (*op)[:0]
	if cap(orig) < len(s)+1 {
		orig = make([]int32, 0, len(s)+1)
	}
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			// A run of ASCII is copied as it is.
			j := i + 1
			for j < len(s) && s[j] < utf8.RuneSelf {
				j++
			}
			out.WriteString(s[i:j])
			for ; i < j; i++ {
				orig = append(orig, int32(i))
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		rep, changed := fold(r)
		if !changed {
			rep = s[i : i+size]
		}
		// Every byte of the rune or of its replacement maps to the rune.
		for k := 0; k < len(rep); k++ {
			orig = append(orig, int32(i))
		}
		out.WriteString(rep)
		i += size
	}
	orig = append(orig, int32(len(s)))
	*op = orig
	return normalized{text: out.String(), orig: orig, pooled: op}
}

// load64 reads s[i:i+8] as a little-endian word (the compiler makes it one
// load).
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// origPool holds mappings between calls: they are four bytes per byte of
// text, so allocating (and clearing) one per question was a large part of
// the cost of the texts that need one.
var origPool = sync.Pool{New: func() any { return new([]int32) }}

// release gives the mapping back to origPool; n must not be used after.
func (n *normalized) release() {
	if n.pooled != nil {
		origPool.Put(n.pooled)
		n.orig, n.pooled = nil, nil
	}
}

// confusables are Cyrillic and Greek letters that look like Latin ones.
var confusables = map[rune]string{
	'а': "a", 'в': "b", 'е': "e", 'ё': "ë", 'к': "k", 'м': "m", 'н': "h", 'о': "o", 'р': "p", 'с': "c", 'т': "t",
	'у': "y", 'х': "x", 'і': "i", 'ї': "ï", 'ј': "j", 'ѕ': "s", 'ԁ': "d", 'ӏ': "l", 'ԛ': "q", 'ԝ': "w", 'һ': "h",
	'А': "A", 'В': "B", 'Е': "E", 'К': "K", 'М': "M", 'Н': "H", 'О': "O", 'Р': "P", 'С': "C", 'Т': "T", 'У': "Y",
	'Х': "X", 'І': "I", 'Ј': "J", 'Ѕ': "S", 'Ԁ': "D", 'Ӏ': "I",
	'α': "a", 'ο': "o", 'ρ': "p", 'ι': "i", 'κ': "k", 'ν': "v", 'τ': "t", 'υ': "u", 'χ': "x", 'ε': "e",
	'Α': "A", 'Β': "B", 'Ε': "E", 'Ζ': "Z", 'Η': "H", 'Ι': "I", 'Κ': "K", 'Μ': "M", 'Ν': "N", 'Ο': "O",
	'Ρ': "P", 'Τ': "T", 'Υ': "Y", 'Χ': "X",
}

// fold returns what r becomes for detection, and whether that differs from r.
func fold(r rune) (string, bool) {
	switch {
	case r < utf8.RuneSelf:
		return "", false
	case r < 0x0370 && r != 0x00AD && r != 0x034F && r != 0x00A0:
		// Latin letters and symbols (ä, ö, å, é …) are the common case:
		// below Greek, only the soft hyphen is a format character (Cf), no
		// rune is a decimal digit, and nothing else below is folded.
		return "", false
	case r == 0x00AD || r == 0x034F || r == 0x180E || (r >= 0x200B && r <= 0x200F) ||
		(r >= 0x202A && r <= 0x202E) || (r >= 0x2060 && r <= 0x206F) || r == 0xFEFF:
		return "", true // soft hyphen, zero-width and direction marks
	case r == 0x00A0 || r == 0x2007 || r == 0x202F || (r >= 0x2000 && r <= 0x200A) || r == 0x3000:
		return " ", true // odd spaces
	case r >= 0x2010 && r <= 0x2015 || r == 0x2212:
		return "-", true // dashes and minus
	}
	if l, ok := confusables[r]; ok {
		return l, true
	}
	if unicode.Is(unicode.Cf, r) {
		return "", true
	}
	if unicode.IsDigit(r) {
		if d := digitValue(r); d >= 0 {
			return asciiDigits[d : d+1], true
		}
	}
	if r >= 0xFF01 && r <= 0xFF5E || r >= 0x1D400 && r <= 0x1D7FF || r >= 0x2460 && r <= 0x24FF {
		// Fullwidth forms, mathematical alphanumerics, circled characters.
		if k, ok := nfkcFolds()[r]; ok {
			return k, true
		}
	}
	return "", false
}

const asciiDigits = "0123456789"

var (
	nfkcOnce sync.Once
	nfkcMap  map[rune]string
)

// nfkcFolds maps each rune of the ranges fold folds by NFKC to its NFKC
// form, where that differs; made once, so folding allocates nothing.
func nfkcFolds() map[rune]string {
	nfkcOnce.Do(func() {
		nfkcMap = map[rune]string{}
		for _, rg := range [][2]rune{{0xFF01, 0xFF5E}, {0x1D400, 0x1D7FF}, {0x2460, 0x24FF}} {
			for r := rg[0]; r <= rg[1]; r++ {
				if k := norm.NFKC.String(string(r)); k != string(r) {
					nfkcMap[r] = k
				}
			}
		}
	})
	return nfkcMap
}

// digitValue reads a decimal digit of any script (Unicode category Nd).
func digitValue(r rune) int {
	for _, rt := range unicode.Nd.R16 {
		if uint16(r) >= rt.Lo && uint16(r) <= rt.Hi && r <= 0xFFFF {
			return int(uint16(r)-rt.Lo) % 10
		}
	}
	for _, rt := range unicode.Nd.R32 {
		if uint32(r) >= rt.Lo && uint32(r) <= rt.Hi {
			return int(uint32(r)-rt.Lo) % 10
		}
	}
	return -1
}
