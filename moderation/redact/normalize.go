package redact

import (
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
	text string
	orig []int32
}

// span maps [start, end) of the normalised text to the input.
func (n *normalized) span(start, end int) (int, int) {
	if n.orig == nil {
		return start, end
	}
	return int(n.orig[start]), int(n.orig[end])
}

// normalize prepares s for detection. Most questions need no folding, and
// then it costs one pass over the bytes and allocates nothing.
func normalize(s string) normalized {
	clean := true
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if _, ok := fold(r); ok {
			clean = false
			break
		}
		i += size
	}
	if clean {
		return normalized{text: s}
	}
	out := make([]byte, 0, len(s))
	orig := make([]int32, 0, len(s)+1)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		rep, changed := fold(r)
		if !changed {
			out = append(out, s[i:i+size]...)
			for k := 0; k < size; k++ {
				orig = append(orig, int32(i))
			}
		} else {
			for k := 0; k < len(rep); k++ {
				orig = append(orig, int32(i))
			}
			out = append(out, rep...)
		}
		i += size
	}
	orig = append(orig, int32(len(s)))
	return normalized{text: string(out), orig: orig}
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
			return string(rune('0' + d)), true
		}
	}
	if r >= 0xFF01 && r <= 0xFF5E || r >= 0x1D400 && r <= 0x1D7FF || r >= 0x2460 && r <= 0x24FF {
		// Fullwidth forms, mathematical alphanumerics, circled characters.
		if k := norm.NFKC.String(string(r)); k != string(r) {
			return k, true
		}
	}
	return "", false
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
