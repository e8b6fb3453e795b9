package redact

import (
	"math/rand"
	"testing"
	"unicode"
	"unicode/utf8"
)

// TestLatin1 checks the Latin-1 fast paths against package unicode.
func TestLatin1(t *testing.T) {
	for b := 0x80; b <= 0xBF; b++ {
		s := string([]byte{0xC3, byte(b)})
		r, _ := utf8.DecodeRuneInString(s)
		letter, upper := latin1(byte(b))
		if letter != unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) {
			t.Errorf("%U: latin1 letter %v, unicode %v", r, letter, unicode.IsLetter(r))
		}
		if letter && (upper != unicode.IsUpper(r) || upper == unicode.IsLower(r)) {
			t.Errorf("%U: latin1 upper %v, unicode upper %v lower %v", r, upper, unicode.IsUpper(r), unicode.IsLower(r))
		}
		if got, want := string([]byte{0xC3, latin1Lower(byte(b))}), string(unicode.ToLower(r)); got != want {
			t.Errorf("%U: latin1Lower %q, unicode %q", r, got, want)
		}
		if _, changed := fold(r); changed {
			t.Errorf("%U: folded", r)
		}
	}
}

// TestFoldBelowGreek checks fold's fast path: below U+0370 only the soft
// hyphen is a format character and no rune is a decimal digit.
func TestFoldBelowGreek(t *testing.T) {
	for r := rune(utf8.RuneSelf); r < 0x0370; r++ {
		if (unicode.Is(unicode.Cf, r) || unicode.IsDigit(r)) && r != 0x00AD {
			t.Errorf("%U is Cf or Nd", r)
		}
	}
}

var scanTexts = []string{
	"", "a", "1", "abc def", " moi, mä oon 14v ja asun Helsingissä.", "Jenna-Liisa O'Brien 12ab",
	"😀 0401234567 x", "ä\u0301b", "\xff\xfeab\xc3", "e\u0301\u0301 a\u0301", "x\u00d7y ÄÖÅ äöå",
	"[NAME] ja [PHONE]", "ΑΒΓ абв １２３", "a\u200bb", "\u0301abc", "12.3.2010 klo 14:30",
}

func randomText(rng *rand.Rand) string {
	parts := []string{"a", "B", "ä", "Ö", "1", "0", " ", ".", "-", "'", "\u0301", "😀", "\xff", "\xc3", "×", "é", "_", "@", "\n", "ß"}
	n := rng.Intn(40)
	var b []byte
	for range n {
		b = append(b, parts[rng.Intn(len(parts))]...)
	}
	return string(b)
}

// TestWordCursor checks that the cursor over scanText's word list answers
// as txNextWord does, for any non-decreasing sequence of positions, that
// the digit cursor answers as a byte scan does, and that scanText counts
// the digits.
func TestWordCursor(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	texts := append([]string(nil), scanTexts...)
	for range 3000 {
		texts = append(texts, randomText(rng))
	}
	for _, s := range texts {
		tx := scanText(s, nil, nil, nil)
		if tx.digits != countDigits(s) {
			t.Fatalf("scanText(%q): %d digits, want %d", s, tx.digits, countDigits(s))
		}
		plain := plainText(s)
		for trial := 0; trial < 20; trial++ {
			dc, pc := tx.digitCursor(), plain.digitCursor()
			for i := 0; i <= len(s); i += 1 + rng.Intn(3) {
				if a, b := dc.next(i), pc.next(i); a != b {
					t.Fatalf("%q: digit next(%d) = %d listed, %d plain", s, i, a, b)
				}
			}
			c := tx.cursor()
			for i := 0; i <= len(s); i += rng.Intn(4) {
				ws, we := c.next(i)
				if ows, owe := txNextWord(s, i); ws != ows || we != owe {
					t.Fatalf("%q: next(%d) = %d,%d, txNextWord %d,%d", s, i, ws, we, ows, owe)
				}
				if trial == 0 && we > i {
					i = we - 1 // also walk word by word
				}
			}
		}
	}
}

// TestCueWords keeps the cue words to the alphabet cuesByLast relies on.
func TestCueWords(t *testing.T) {
	for _, cues := range [][][]string{strongCues, weakCues} {
		for _, c := range cues {
			for _, w := range c {
				for _, r := range w {
					if !(r >= 'a' && r <= 'z' || r == 'ä' || r == 'ö' || r == 'å' || r == '\'' || r == ':') {
						t.Errorf("cue word %q: %q", w, r)
					}
				}
			}
		}
	}
}

// TestListedEqualsPlain: every detector finds the same on a text with the
// pre-scan's word list (as Redact runs them) as on the plain text (as the
// detector tests run them, where the cursor asks txNextWord).
func TestListedEqualsPlain(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	texts := append([]string{benchText()}, scanTexts...)
	for range 2000 {
		texts = append(texts, randomText(rng))
	}
	words := []string{"asun", "Mannerheimintiellä", "12", "snap", "jenna_2010", "at", "gmail", "dot", "com", "(at)", "nolla",
		"neljä", "viiva", "040", "Kallion", "lukiossa", "Lastenkoti", "Koivulassa", "ABC-123", "auto", "synt.", "1.1.2010",
		"bor", "på", "Storgatan", "5", "@jenna", "ig:", "miukumauku", "piste", "fi", " ", ",", "ä", "\u0301",
		"Kalevan", "koulussa", "home", "Children's", "Oak", "School", "ala-asteella", "Päivärinne", "päiväkodissa",
		"barnhemmet", "Fyren", "Kompassissa", "Kompassista", "[NAME]", "mä", "oon", "ja"}
	for n := range 4000 {
		var b []byte
		// Some texts are long enough for detectSchoolsIn to skip words.
		for range rng.Intn(14 + 40*(n%4/3)) {
			b = append(b, words[rng.Intn(len(words))]...)
			b = append(b, " ,.-:\n"[rng.Intn(6)])
		}
		texts = append(texts, string(b))
	}
	r := New(Options{})
	for _, s := range texts {
		listed := scanText(s, nil, nil, nil)
		plain := plainText(s)
		for k, d := range r.detectors {
			a, b := d(&listed, nil), d(&plain, nil)
			if len(a) != len(b) {
				t.Fatalf("detector %d on %q: listed %v, plain %v", k, s, a, b)
			}
			for i := range a {
				if a[i] != b[i] {
					t.Fatalf("detector %d on %q: listed %v, plain %v", k, s, a, b)
				}
			}
		}
	}
}

// TestTxTailHash checks the folded tail hash against its definition.
func TestTxTailHash(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	for range 10000 {
		b := make([]byte, 1+rng.Intn(10))
		for i := range b {
			b[i] = byte(rng.Intn(256))
		}
		w := string(b)
		for n := 1; n <= min(len(w), 4); n++ {
			x := uint32(0)
			for k, c := range []byte(w[len(w)-n:]) {
				if c >= 'A' && c <= 'Z' {
					c |= 0x20
				}
				x |= uint32(c) << (8 * k)
			}
			if got, want := txTailHash(w, n), uint((x*0x9E3779B1)>>20); got != want {
				t.Fatalf("txTailHash(%q, %d) = %d, want %d", w, n, got, want)
			}
		}
	}
}

// TestTokensOf: the name tokens built from the word list are tokenize's.
func TestTokensOf(t *testing.T) {
	rng := rand.New(rand.NewSource(4))
	parts := []string{"a", "B", "ä", "Ö", "1", " ", ".", "-", "'", "’", "…", "\u0301", "\u0903", "😀", "\xff", "\xc3",
		"×", "é", "[", "]", "NAME", "!", "\n", ",", "ǅ", "Jenna", "liisa", "O'Brien", "K", "?", ":", "(", "@", "\t", "÷", "\"", "42"}
	texts := append([]string{benchText()}, scanTexts...)
	for range 20000 {
		var b []byte
		for range rng.Intn(25) {
			b = append(b, parts[rng.Intn(len(parts))]...)
		}
		texts = append(texts, string(b))
	}
	for _, s := range texts {
		tx := scanText(s, nil, nil, nil)
		got, want := tokensOf(&tx, nil), tokenize(s, nil)
		if len(got) != len(want) {
			t.Fatalf("%q: %d tokens, tokenize %d:\n%v\n%v", s, len(got), len(want), got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%q: token %d = %+v, tokenize %+v", s, i, got[i], want[i])
			}
		}
	}
}

// TestLowerASCIIRun checks the eight-byte run of lower-case letters
// against a byte loop, every byte value in the first two places.
func TestLowerASCIIRun(t *testing.T) {
	check := func(b [8]byte) {
		want := 0
		for want < 8 && b[want] >= 'a' && b[want] <= 'z' {
			want++
		}
		if got := lowerASCIIRun(load64(string(b[:]), 0)); got != want {
			t.Fatalf("lowerASCIIRun(%q) = %d, want %d", b, got, want)
		}
	}
	for c := 0; c < 256; c++ {
		for d := 0; d < 256; d++ {
			check([8]byte{byte(c), byte(d), 'a', 'z', 'q', 'm', 'b', 'y'})
			check([8]byte{'a', 'z', 'k', byte(c), byte(d), 'x', 'A', 'e'})
		}
	}
	rng := rand.New(rand.NewSource(1))
	for range 100000 {
		var b [8]byte
		for k := range b {
			b[k] = byte(rng.Intn(256))
			if rng.Intn(4) > 0 {
				b[k] = byte('a' - 1 + rng.Intn(28))
			}
		}
		check(b)
	}
}

// TestWordKeyRows checks that the rows hold the keys of the cue lists'
// first two bytes, and nothing else.
func TestWordKeyRows(t *testing.T) {
	var want [1 << 16]uint8
	for _, l := range []struct {
		t   *txPairs
		bit uint8
	}{{&addressCues.first, keyAddrCue}, {&handleCues.first, keyHandleCue}, {emailAtKey2, keyEmailAt},
		{spelledZeroKey2, keySpelledZero}} {
		for h, used := range l.t.used {
			if used {
				k := l.t.keys[h]
				want[uint16(k[0])<<8|uint16(k[1])] |= l.bit
			}
		}
	}
	for a := range 256 {
		for b := range 256 {
			if got := wordKeyRows[wordKeyRow[a]][b]; got != want[a<<8|b] {
				t.Fatalf("keys of %#x %#x = %#x, want %#x", a, b, got, want[a<<8|b])
			}
		}
	}
}
