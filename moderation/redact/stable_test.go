package redact

import (
	"math/rand"
	"slices"
	"strings"
	"testing"
)

// TestHasDigit checks the eight-bytes-at-a-time digit test against a byte
// loop, for every byte value in every position and on random strings.
func TestHasDigit(t *testing.T) {
	naive := func(s string, from, to int) bool {
		for i := from; i < to; i++ {
			if isDigit(s[i]) {
				return true
			}
		}
		return false
	}
	for c := 0; c < 256; c++ {
		for pos := 0; pos < 9; pos++ {
			b := []byte("xxxxxxxxx")
			b[pos] = byte(c)
			if got, want := hasDigit(string(b), 0, len(b)), naive(string(b), 0, len(b)); got != want {
				t.Fatalf("byte %#x at %d: %v, want %v", c, pos, got, want)
			}
		}
	}
	rng := rand.New(rand.NewSource(1))
	for range 20000 {
		b := make([]byte, rng.Intn(40))
		for i := range b {
			b[i] = byte(rng.Intn(256))
			if b[i] >= '0' && b[i] <= '9' && rng.Intn(4) > 0 {
				b[i] = 'x'
			}
		}
		s := string(b)
		from := rng.Intn(len(s) + 1)
		to := from + rng.Intn(len(s)-from+1)
		if got, want := hasDigit(s, from, to), naive(s, from, to); got != want {
			t.Fatalf("hasDigit(%q, %d, %d) = %v, want %v", s, from, to, got, want)
		}
	}
}

// TestSuffixFind checks txSuffixIndex.find against its definition: the
// longest form (the first of equal ones) that the word ends with under
// strings.EqualFold, among those with the same last two bytes, for a word
// that passes mayEnd.
func TestSuffixFind(t *testing.T) {
	ref := func(x *txSuffixIndex, w string) (int, bool) {
		if !x.mayEnd(w) {
			return 0, false
		}
		best := -1
		for i, f := range x.forms {
			if len(w) >= len(f) && txLast2(w) == txLast2(f) && strings.EqualFold(w[len(w)-len(f):], f) &&
				(best < 0 || len(f) > len(x.forms[best])) {
				best = i
			}
		}
		return max(best, 0), best >= 0
	}
	rng := rand.New(rand.NewSource(5))
	pieces := []string{"a", "ä", "Ä", "ö", "Ö", "å", "Å", "K", "k", "s", "S", "ſ", "\u212a", "é", "É", "x", "-", "\xc3", "\x84", "ÿ", "ß"}
	for _, x := range []*txSuffixIndex{instIndex, streetIndex} {
		for _, f := range x.forms {
			for range 100 {
				var b strings.Builder
				for range rng.Intn(4) {
					b.WriteString(pieces[rng.Intn(len(pieces))])
				}
				for _, r := range f {
					switch rng.Intn(20) {
					case 0, 1, 2, 3, 4, 5:
						b.WriteString(strings.ToUpper(string(r)))
					case 6:
						b.WriteString(pieces[rng.Intn(len(pieces))])
					default:
						b.WriteRune(r)
					}
				}
				w := b.String()
				i1, ok1 := x.find(w)
				i2, ok2 := ref(x, w)
				if i1 != i2 || ok1 != ok2 {
					t.Fatalf("find(%q) = %d, %v; want %d, %v", w, i1, ok1, i2, ok2)
				}
			}
		}
	}
}

// TestNamesMemo: what the name detector finds does not depend on what its
// word memo holds: the corpus gives the same names read forwards, when
// the memo learns each text's words first, and backwards.
func TestNamesMemo(t *testing.T) {
	texts := append([]string{benchText()}, scanTexts...)
	for _, s := range strings.Split(benchText(), ".") {
		texts = append(texts, s, strings.ToUpper(s), strings.ToLower(s))
	}
	names := func(order []int) [][]match {
		out := make([][]match, len(texts))
		for _, i := range order {
			tx := scanText(texts[i], nil, nil, nil)
			out[i] = detectNamesIn(&tx, nil)
		}
		return out
	}
	order := make([]int, len(texts))
	for i := range order {
		order[i] = i
	}
	fwd := names(order)
	slices.Reverse(order)
	back := names(order)
	for i := range texts {
		if !slices.Equal(fwd[i], back[i]) {
			t.Fatalf("%q: %v forwards, %v backwards", texts[i], fwd[i], back[i])
		}
	}
}
