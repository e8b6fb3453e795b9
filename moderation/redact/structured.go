package redact

// Detectors for structured personal details: IBANs, payment cards, IP
// addresses, registration plates, URLs, social-media handles, obfuscated
// e-mail addresses and phone numbers split by words.
//
// Every detector here is a hand-written scanner that bails out cheaply: the
// redactor runs on every question and must keep well above 20 MB/s, so no
// detector runs a regular expression over the whole text, and each one looks
// for its anchor (a digit, a dot, an '@', a cue word) with a byte scan first.
//
// Offsets are byte offsets into s. Matches always start and end on rune
// boundaries (the scanners only cut next to ASCII bytes or at the ends of
// decoded runes), even for invalid UTF-8.

import (
	"net/netip"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// ---------------------------------------------------------------------------
// Shared scanning helpers (prefixed tx to keep clear of other files).

func txIsDigit(c byte) bool { return c >= '0' && c <= '9' }

func txIsASCIILetter(c byte) bool {
	c |= 0x20
	return c >= 'a' && c <= 'z'
}

func txIsASCIIAlnum(c byte) bool { return txIsDigit(c) || txIsASCIILetter(c) }

func txIsWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// txWordBefore reports whether a letter or digit ends right before s[i].
func txWordBefore(s string, i int) bool {
	if i <= 0 || i > len(s) {
		return false
	}
	if c := s[i-1]; c < utf8.RuneSelf {
		return txIsASCIIAlnum(c)
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return txIsWordRune(r)
}

// txWordAt reports whether a letter or digit starts at s[i].
func txWordAt(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return false
	}
	if c := s[i]; c < utf8.RuneSelf {
		return txIsASCIIAlnum(c)
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return txIsWordRune(r)
}

// txLetterAt reports whether a letter starts at s[i], and its size.
func txLetterAt(s string, i int) (bool, int) {
	if i < 0 || i >= len(s) {
		return false, 0
	}
	if c := s[i]; c < utf8.RuneSelf {
		return txIsASCIILetter(c), 1
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsMark(r)), n
}

// txLetterEnd returns the end of the run of letters that starts at i.
func txLetterEnd(s string, i int) int {
	for i < len(s) {
		ok, n := txLetterAt(s, i)
		if !ok {
			return i
		}
		i += n
	}
	return i
}

// txLetterStart returns the start of the run of letters that ends at i.
func txLetterStart(s string, i int) int {
	for i > 0 {
		c := s[i-1]
		if c < utf8.RuneSelf {
			if !txIsASCIILetter(c) {
				return i
			}
			i--
			continue
		}
		r, n := utf8.DecodeLastRuneInString(s[:i])
		if r == utf8.RuneError || !(unicode.IsLetter(r) || unicode.IsMark(r)) {
			return i
		}
		i -= n
	}
	return i
}

// txDigitEnd returns the end of the run of ASCII digits that starts at i.
func txDigitEnd(s string, i int) int {
	for i < len(s) && txIsDigit(s[i]) {
		i++
	}
	return i
}

// txIsUpperAt reports whether the rune at s[i] is an upper-case letter.
func txIsUpperAt(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return false
	}
	if c := s[i]; c < utf8.RuneSelf {
		return c >= 'A' && c <= 'Z'
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsUpper(r)
}

// txHasUpper reports whether w holds an upper-case letter.
func txHasUpper(w string) bool {
	for _, r := range w {
		if unicode.IsUpper(r) {
			return true
		}
	}
	return false
}

// txAllUpper reports whether every letter in w is upper case (and there is one).
func txAllUpper(w string) bool {
	seen := false
	for _, r := range w {
		if unicode.IsLetter(r) {
			if !unicode.IsUpper(r) {
				return false
			}
			seen = true
		}
	}
	return seen
}

// txRuneStartAfter moves i forward to the start of a rune.
func txRuneStartAfter(s string, i int) int {
	if i < 0 {
		i = 0
	}
	for i < len(s) && !utf8.RuneStart(s[i]) {
		i++
	}
	if i > len(s) {
		i = len(s)
	}
	return i
}

// txHasPrefixFold reports whether s[i:] starts with lit, ignoring case.
func txHasPrefixFold(s string, i int, lit string) bool {
	if i < 0 || i+len(lit) > len(s) {
		return false
	}
	return strings.EqualFold(s[i:i+len(lit)], lit)
}

// txCueWords reports whether a word in s[from:to] equals one of exact or
// starts with one of prefixes (both lower case). Words are runs of letters;
// the window is clamped to s and to rune boundaries.
func txCueWords(s string, from, to int, prefixes []string, exact map[string]bool) bool {
	if from < 0 {
		from = 0
	}
	if to > len(s) {
		to = len(s)
	}
	from = txRuneStartAfter(s, from)
	for i := from; i < to; {
		ok, n := txLetterAt(s, i)
		if !ok {
			if n == 0 {
				n = 1
			}
			i += n
			continue
		}
		if i > from && txWordBefore(s, i) {
			// The window started inside a word: skip that word.
			i = txLetterEnd(s, i)
			continue
		}
		j := txLetterEnd(s, i)
		if j > to {
			j = to
		}
		var buf [48]byte
		w, ok := txLower(buf[:], s[i:j])
		if ok {
			if exact[string(w)] {
				return true
			}
			for _, p := range prefixes {
				if len(w) >= len(p) && string(w[:len(p)]) == p {
					return true
				}
			}
		}
		i = j
	}
	return false
}

func txSet(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

// txClass classifies bytes: 1 ASCII letter, 2 ASCII digit, 3 start of a
// multi-byte sequence (maybe a letter), 0 anything else.
var txClass = func() (t [256]uint8) {
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = 1, 1
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = 2
	}
	for c := 0x80; c < 0x100; c++ {
		t[c] = 3
	}
	return t
}()

// txNextWord returns the next run of letters at or after i, or
// (len(s), len(s)). It is the hot loop of the word-level detectors: ASCII is
// classified by table, other runes are decoded.
func txNextWord(s string, i int) (int, int) {
	for i < len(s) {
		switch txClass[s[i]] {
		case 1:
			goto found
		case 3:
			r, n := utf8.DecodeRuneInString(s[i:])
			if r != utf8.RuneError && unicode.IsLetter(r) {
				goto found
			}
			i += n
		default:
			i++
		}
	}
	return len(s), len(s)
found:
	j := i
	for j < len(s) {
		switch txClass[s[j]] {
		case 1:
			j++
			continue
		case 3:
			r, n := utf8.DecodeRuneInString(s[j:])
			if r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsMark(r)) {
				j += n
				continue
			}
		}
		break
	}
	return i, j
}

// txFold2 folds two bytes to lower case: ASCII letters, and the second
// byte of a two-byte Latin-1 letter (Å Ä Ö É … after 0xC3).
func txFold2(a, b byte) [2]byte {
	if a < utf8.RuneSelf {
		if a >= 'A' && a <= 'Z' {
			a |= 0x20
		}
		if b >= 'A' && b <= 'Z' {
			b |= 0x20
		}
	} else if a == 0xC3 && b >= 0x80 && b <= 0x9E {
		b |= 0x20
	}
	return [2]byte{a, b}
}

// txFoldTab folds ASCII upper-case letters; other bytes map to themselves.
var txFoldTab = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = byte(c) | 0x20
	}
	return t
}()

// txKey2 is the first two bytes of s[i:], folded; it feeds prefix filters.
func txKey2(s string, i int) [2]byte {
	if i < 0 || i+1 >= len(s) {
		return [2]byte{}
	}
	return txFold2(s[i], s[i+1])
}

// txLast2 is the last two bytes of w, folded.
func txLast2(w string) [2]byte {
	if len(w) < 2 {
		return [2]byte{}
	}
	a, b := w[len(w)-2], w[len(w)-1]
	if a >= utf8.RuneSelf && b < utf8.RuneSelf {
		if b >= 'A' && b <= 'Z' {
			b |= 0x20
		}
		return [2]byte{a, b}
	}
	if a < utf8.RuneSelf && b >= utf8.RuneSelf {
		if a >= 'A' && a <= 'Z' {
			a |= 0x20
		}
		return [2]byte{a, b}
	}
	return txFold2(a, b)
}

// txPairs maps folded byte pairs to small integers: an open-addressing
// table of 256 slots (about 1 KB, so it stays in the L1 cache).
type txPairs struct {
	first [256]bool // first bytes of the keys: most misses stop here
	keys  [256][2]byte
	used  [256]bool
	val   [256]uint16
	n     int
}

func txPairSlot(k [2]byte) uint {
	return (uint(k[0])*0x9E + uint(k[1])*0x3B + uint(k[1])>>3) & 255
}

// put returns the value of k, adding k with value t.n if it is new.
func (t *txPairs) put(k [2]byte) int {
	h := txPairSlot(k)
	for t.used[h] {
		if t.keys[h] == k {
			return int(t.val[h])
		}
		h = (h + 1) & 255
	}
	if t.n >= 200 {
		panic("redact: txPairs full")
	}
	t.used[h], t.keys[h], t.val[h] = true, k, uint16(t.n)
	t.first[k[0]] = true
	t.n++
	return t.n - 1
}

func (t *txPairs) get(k [2]byte) (int, bool) {
	if !t.first[k[0]] {
		return 0, false
	}
	h := txPairSlot(k)
	for t.used[h] {
		if t.keys[h] == k {
			return int(t.val[h]), true
		}
		h = (h + 1) & 255
	}
	return 0, false
}

func (t *txPairs) has(k [2]byte) bool {
	_, ok := t.get(k)
	return ok
}

func txPairSet(words ...string) *txPairs {
	t := &txPairs{}
	for _, w := range words {
		if len(w) >= 2 {
			t.put([2]byte{w[0], w[1]})
		}
	}
	return t
}

// txWordIndex matches words case-insensitively, without allocating, by
// exact form or by prefix, bucketed by their first two bytes.
type txWordIndex struct {
	first    txPairs
	exact    [][]string
	prefixes [][]string
}

func newTxWordIndex(prefixes []string, exact []string) *txWordIndex {
	x := &txWordIndex{}
	slot := func(w string) int {
		i := x.first.put([2]byte{w[0], w[1]})
		for len(x.exact) <= i {
			x.exact = append(x.exact, nil)
			x.prefixes = append(x.prefixes, nil)
		}
		return i
	}
	for _, w := range exact {
		if len(w) >= 2 {
			i := slot(w)
			x.exact[i] = append(x.exact[i], w)
		}
	}
	for _, p := range prefixes {
		if len(p) >= 2 {
			i := slot(p)
			x.prefixes[i] = append(x.prefixes[i], p)
		}
	}
	return x
}

// mayMatch is the cheap test on the word starting at s[i].
func (x *txWordIndex) mayMatch(s string, i int) bool { return x.first.has(txKey2(s, i)) }

// match reports whether w (any case) is an exact word or has a prefix.
func (x *txWordIndex) match(w string) bool {
	if len(w) < 2 {
		return false
	}
	i, ok := x.first.get(txFold2(w[0], w[1]))
	if !ok {
		return false
	}
	for _, p := range x.prefixes[i] {
		if len(w) >= len(p) && strings.EqualFold(w[:len(p)], p) {
			return true
		}
	}
	// Latin letters keep their byte length when folded.
	for _, e := range x.exact[i] {
		if len(e) == len(w) && strings.EqualFold(w, e) {
			return true
		}
	}
	return false
}

// txSuffixIndex finds which of a set of lower-case forms a word ends with,
// case-insensitively and without allocating: the folded last two bytes
// select a bucket, a 4096-bit filter on a hash of the last few bytes
// rejects most words with a common ending, then the bucket's forms are
// compared (longer first).
type txSuffixIndex struct {
	last    txPairs
	tail    [4096 / 64]uint64
	tailLen int
	longest int // the length of the longest form
	buckets [][]int
	// byTail holds the forms by their last tailLen bytes, longer first:
	// the forms a word of ASCII and Latin-1 letters may end with.
	byTail map[uint32][]int
	forms  []string
}

// txTailKey is the last n bytes (n ≤ 4) of lw as a number.
func txTailKey(lw []byte, n int) uint32 {
	var k uint32
	for _, c := range lw[len(lw)-n:] {
		k = k<<8 | uint32(c)
	}
	return k
}

// txTailHash hashes the last n bytes (n ≤ 4) of w with ASCII letters
// folded: the bytes as a little-endian number, its upper-case letters
// folded all at once, times 0x9E3779B1 (mod 2^32), top twelve bits.
func txTailHash(w string, n int) uint {
	var x uint32
	if len(w) >= 4 {
		t := w[len(w)-4:]
		x = (uint32(t[0]) | uint32(t[1])<<8 | uint32(t[2])<<16 | uint32(t[3])<<24) >> (8 * (4 - n))
	} else {
		for k, c := range []byte(w[len(w)-n:]) {
			x |= uint32(c) << (8 * k)
		}
	}
	// A byte below 0x80 is 'A'…'Z' when adding 0x3f sets its top bit and
	// adding 0x25 does not; then it gains 0x20.
	lo := x & 0x7f7f7f7f
	upper := (lo + 0x3f3f3f3f) &^ (lo + 0x25252525) &^ x & 0x80808080
	x |= upper >> 2
	return uint((x * 0x9E3779B1) >> 20)
}

func newTxSuffixIndex(forms []string) *txSuffixIndex {
	x := &txSuffixIndex{forms: forms, tailLen: 4} // at most 4: txTailHash
	for _, f := range forms {
		x.tailLen = min(x.tailLen, len(f))
	}
	for i, f := range forms {
		if len(f) > txSuffixMax {
			panic("redact: txSuffixIndex form too long: " + f)
		}
		x.longest = max(x.longest, len(f))
		b := x.last.put(txLast2(f))
		for len(x.buckets) <= b {
			x.buckets = append(x.buckets, nil)
		}
		x.buckets[b] = append(x.buckets[b], i)
		if x.tailLen > 2 {
			h := txTailHash(f, x.tailLen)
			x.tail[h>>6] |= 1 << (h & 63)
		}
	}
	x.byTail = map[uint32][]int{}
	for i, f := range forms {
		k := txTailKey([]byte(f), x.tailLen)
		x.byTail[k] = append(x.byTail[k], i)
	}
	for _, l := range x.buckets {
		sort.SliceStable(l, func(p, q int) bool { return len(forms[l[p]]) > len(forms[l[q]]) })
	}
	for _, l := range x.byTail {
		sort.SliceStable(l, func(p, q int) bool { return len(forms[l[p]]) > len(forms[l[q]]) })
	}
	return x
}

// mayEnd is find's first test: false means w ends with none of the forms.
func (x *txSuffixIndex) mayEnd(w string) bool {
	if len(w) < x.tailLen || len(w) < 2 {
		return false
	}
	if x.tailLen > 2 {
		h := txTailHash(w, x.tailLen)
		if x.tail[h>>6]&(1<<(h&63)) == 0 {
			return false
		}
	}
	return true
}

// find returns the index of the longest form w ends with.
func (x *txSuffixIndex) find(w string) (int, bool) {
	if !x.mayEnd(w) {
		return 0, false
	}
	// The forms are lower case; a tail of ASCII and Latin-1 letters
	// lower-cased once compares byte for byte with the forms that end as
	// it does, as strings.EqualFold would (it folds no other rune to those
	// bytes; a form that would start inside a rune there matches in
	// neither).
	var buf [txSuffixMax]byte
	tail := w[max(0, len(w)-x.longest):]
	for len(tail) > 0 && !utf8.RuneStart(tail[0]) {
		tail = tail[1:]
	}
	if lw, simple := txFoldLatin1(buf[:0], tail); simple {
		if len(lw) < x.tailLen {
			return 0, false
		}
		for _, i := range x.byTail[txTailKey(lw, x.tailLen)] {
			if f := x.forms[i]; len(f) <= len(lw) && string(lw[len(lw)-len(f):]) == f {
				return i, true
			}
		}
		return 0, false
	}
	b, ok := x.last.get(txLast2(w))
	if !ok {
		return 0, false
	}
	for _, i := range x.buckets[b] {
		f := x.forms[i]
		if len(w) >= len(f) && strings.EqualFold(w[len(w)-len(f):], f) {
			return i, true
		}
	}
	return 0, false
}

// txSuffixMax bounds the length of the forms of a txSuffixIndex.
const txSuffixMax = 32

// txFoldLatin1 appends s to dst with ASCII letters and two-byte Latin-1
// letters (0xC3 b) lower-cased, and reports whether s held nothing else:
// otherwise the result is not to be used.
func txFoldLatin1(dst []byte, s string) ([]byte, bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c < utf8.RuneSelf:
			dst = append(dst, txFoldTab[c])
		case isLatin1(s, i):
			dst = append(dst, c, latin1Lower(s[i+1]))
			i++
		default:
			return dst, false
		}
	}
	return dst, true
}

// txLower writes w in lower case into buf and returns the bytes, or false
// when it does not fit.
func txLower(buf []byte, w string) ([]byte, bool) {
	n := 0
	for _, r := range w {
		r = unicode.ToLower(r)
		rl := utf8.RuneLen(r)
		if rl < 0 || n+rl > len(buf) {
			return nil, false
		}
		n += utf8.EncodeRune(buf[n:], r)
	}
	return buf[:n], true
}

// txUpperIn reports whether w, upper-cased, is in set (no allocation).
func txUpperIn(w string, set map[string]bool) bool {
	var buf [32]byte
	n := 0
	for _, r := range w {
		r = unicode.ToUpper(r)
		rl := utf8.RuneLen(r)
		if rl < 0 || n+rl > len(buf) {
			return false
		}
		n += utf8.EncodeRune(buf[n:], r)
	}
	return set[string(buf[:n])]
}

// txLowerIn reports whether w, lower-cased, is in set (no allocation).
func txLowerIn(w string, set map[string]bool) bool {
	if len(w) > 32 {
		return false
	}
	var buf [32]byte
	b, ok := txLower(buf[:], w)
	return ok && set[string(b)]
}

func txKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ---------------------------------------------------------------------------
// IBAN

// ibanLengths is the length of an IBAN per country (ISO 13616 registry).
var ibanLengths = map[[2]byte]int{
	{'A', 'D'}: 24, {'A', 'E'}: 23, {'A', 'L'}: 28, {'A', 'T'}: 20, {'A', 'X'}: 18,
	{'A', 'Z'}: 28, {'B', 'A'}: 20, {'B', 'E'}: 16, {'B', 'G'}: 22, {'B', 'H'}: 22,
	{'B', 'R'}: 29, {'B', 'Y'}: 28, {'C', 'H'}: 21, {'C', 'R'}: 22, {'C', 'Y'}: 28,
	{'C', 'Z'}: 24, {'D', 'E'}: 22, {'D', 'K'}: 18, {'D', 'O'}: 28, {'E', 'E'}: 20,
	{'E', 'G'}: 29, {'E', 'S'}: 24, {'F', 'I'}: 18, {'F', 'O'}: 18, {'F', 'R'}: 27,
	{'G', 'B'}: 22, {'G', 'E'}: 22, {'G', 'I'}: 23, {'G', 'L'}: 18, {'G', 'R'}: 27,
	{'G', 'T'}: 28, {'H', 'R'}: 21, {'H', 'U'}: 28, {'I', 'E'}: 22, {'I', 'L'}: 23,
	{'I', 'Q'}: 23, {'I', 'S'}: 26, {'I', 'T'}: 27, {'J', 'O'}: 30, {'K', 'W'}: 30,
	{'K', 'Z'}: 20, {'L', 'B'}: 28, {'L', 'C'}: 32, {'L', 'I'}: 21, {'L', 'T'}: 20,
	{'L', 'U'}: 20, {'L', 'V'}: 21, {'L', 'Y'}: 25, {'M', 'C'}: 27, {'M', 'D'}: 24,
	{'M', 'E'}: 22, {'M', 'K'}: 19, {'M', 'R'}: 27, {'M', 'T'}: 31, {'M', 'U'}: 30,
	{'N', 'L'}: 18, {'N', 'O'}: 15, {'P', 'K'}: 24, {'P', 'L'}: 28, {'P', 'S'}: 29,
	{'P', 'T'}: 25, {'Q', 'A'}: 29, {'R', 'O'}: 24, {'R', 'S'}: 22, {'R', 'U'}: 33,
	{'S', 'A'}: 24, {'S', 'C'}: 31, {'S', 'D'}: 18, {'S', 'E'}: 24, {'S', 'I'}: 19,
	{'S', 'K'}: 24, {'S', 'M'}: 27, {'S', 'T'}: 25, {'S', 'V'}: 28, {'T', 'L'}: 23,
	{'T', 'N'}: 24, {'T', 'R'}: 26, {'U', 'A'}: 29, {'V', 'A'}: 22, {'V', 'G'}: 24,
	{'X', 'K'}: 20,
}

// detectIBANs finds IBANs of any registered country, written in groups of
// four or not, in any case, validated by length and mod 97.
func detectIBANs(s string, out []match) []match {
	t := plainText(s)
	return detectIBANsIn(&t, out)
}

func detectIBANsIn(t *text, out []match) []match {
	s := t.s
	// The check digits are digits.
	if len(s) < 15 || t.digits < 2 {
		return out
	}
	// Candidates are the positions two before a digit.
	digits := t.digitCursor()
	for i := digits.next(2) - 2; i+4 <= len(s); i = digits.next(i+3) - 2 {
		if !txIsDigit(s[i+3]) || !txIsASCIILetter(s[i]) || !txIsASCIILetter(s[i+1]) {
			continue
		}
		if txWordBefore(s, i) {
			continue
		}
		if end, ok := ibanAt(s, i); ok {
			out = append(out, match{KindIBAN, i, end})
			i = end - 1
		}
	}
	return out
}

func ibanAt(s string, i int) (int, bool) {
	cc := [2]byte{s[i] &^ 0x20, s[i+1] &^ 0x20}
	want, ok := ibanLengths[cc]
	if !ok {
		return 0, false
	}
	var chars [34]byte
	var ends [34]int
	n, j := 0, i
	for j < len(s) && n < want {
		c := s[j]
		if txIsASCIIAlnum(c) {
			if c >= 'a' && c <= 'z' {
				c -= 'a' - 'A'
			}
			chars[n] = c
			j++
			ends[n] = j
			n++
			continue
		}
		// One space (or dash) between groups.
		if (c == ' ' || c == '-') && n >= 4 && j+1 < len(s) && txIsASCIIAlnum(s[j+1]) {
			j++
			continue
		}
		break
	}
	if n != want {
		return 0, false
	}
	end := ends[n-1]
	if txWordAt(s, end) {
		return 0, false
	}
	digits := 0
	for _, c := range chars[4:n] {
		if txIsDigit(c) {
			digits++
		}
	}
	if digits*2 < n-4 {
		return 0, false
	}
	// mod 97 over BBAN + country + check digits, letters as 10..35.
	rem := 0
	for k := 0; k < n; k++ {
		c := chars[(k+4)%n]
		if txIsDigit(c) {
			rem = (rem*10 + int(c-'0')) % 97
		} else {
			rem = (rem*100 + int(c-'A') + 10) % 97
		}
	}
	return end, rem == 1
}

// ---------------------------------------------------------------------------
// Payment cards

// detectCards finds payment card numbers: 13–19 digits starting 2–6, either
// in one run or grouped by single spaces or dashes as cards are printed
// (4-4-4-4…, 4-6-5, 4-6-4), that pass the Luhn check.
func detectCards(s string, out []match) []match {
	t := plainText(s)
	return detectCardsIn(&t, out)
}

func detectCardsIn(t *text, out []match) []match {
	s := t.s
	// A card number has 13 digits or more.
	if len(s) < 13 || t.digits < 13 {
		return out
	}
	digits := t.digitCursor()
	for i := digits.next(0); i < len(s); i = digits.next(i + 1) {
		c := s[i]
		runEnd := txDigitEnd(s, i)
		if c < '2' || c > '6' || txWordBefore(s, i) || (i > 0 && (s[i-1] == '+' || s[i-1] == '.' || s[i-1] == ',')) {
			i = runEnd
			continue
		}
		var groups [6]int
		var ends [6]int
		var digits [19]byte
		ng, nd, j := 0, 0, i
		for ng < len(groups) {
			e := txDigitEnd(s, j)
			if nd+e-j > len(digits) {
				break
			}
			nd += copy(digits[nd:], s[j:e])
			groups[ng], ends[ng] = e-j, e
			ng++
			if e+1 < len(s) && (s[e] == ' ' || s[e] == '-') && txIsDigit(s[e+1]) {
				j = e + 1
				continue
			}
			break
		}
		for k := ng; k >= 1; k-- {
			total := 0
			for _, g := range groups[:k] {
				total += g
			}
			if total < 13 || total > 19 || !cardGrouping(groups[:k]) {
				continue
			}
			end := ends[k-1]
			if txWordAt(s, end) || (end+1 < len(s) && (s[end] == '.' || s[end] == ',') && txIsDigit(s[end+1])) {
				continue
			}
			if luhn(digits[:total]) {
				out = append(out, match{KindCard, i, end})
				runEnd = end
				break
			}
		}
		i = runEnd
	}
	return out
}

func cardGrouping(g []int) bool {
	switch {
	case len(g) == 1:
		return true
	case len(g) == 3 && g[0] == 4 && g[1] == 6 && (g[2] == 5 || g[2] == 4):
		return true
	case len(g) >= 4:
		for _, n := range g[:len(g)-1] {
			if n != 4 {
				return false
			}
		}
		return g[len(g)-1] >= 1 && g[len(g)-1] <= 4
	}
	return false
}

func luhn(d []byte) bool {
	sum := 0
	double := false
	for k := len(d) - 1; k >= 0; k-- {
		n := int(d[k] - '0')
		if double {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
		double = !double
	}
	return sum%10 == 0
}

// ---------------------------------------------------------------------------
// IP addresses

var ipVersionCues = txSet("v", "ver", "versio", "version", "versiot", "versionen", "päivitys", "update", "build", "android", "ios")

// detectIPs finds IPv4 addresses (four octets ≤ 255, not part of a longer
// dotted number, not a version number) and IPv6 addresses (validated by
// net/netip, with at least one decimal digit so "dead::beef" is left alone).
func detectIPs(s string, out []match) []match {
	t := plainText(s)
	return detectIPsIn(&t, out)
}

func detectIPsIn(t *text, out []match) []match {
	s := t.s
	// An IPv4 address has digits, and an IPv6 one must have one too.
	if len(s) < 3 || t.digits == 0 {
		return out
	}
	// IPv4
	for i := strings.IndexByte(s, '.'); i >= 0 && i < len(s); {
		// Find the start of the digit run before this dot.
		st := i
		for st > 0 && txIsDigit(s[st-1]) {
			st--
		}
		if st < i && i-st <= 3 && !txWordBefore(s, st) && !(st > 0 && (s[st-1] == '.' || s[st-1] == ':')) {
			if end, ok := ipv4At(s, st); ok && !ipVersionBefore(s, st) {
				out = append(out, match{KindIP, st, end})
				i = end - 1
			}
		}
		if i+1 >= len(s) {
			break
		}
		k := strings.IndexByte(s[i+1:], '.')
		if k < 0 {
			break
		}
		i += 1 + k
	}
	// IPv6: runs of hex digits, colons and dots with two colons or more.
	for i := 0; i < len(s); {
		k := strings.IndexByte(s[i:], ':')
		if k < 0 {
			break
		}
		c := i + k
		st := c
		for st > 0 && (isHexByte(s[st-1]) || s[st-1] == ':' || s[st-1] == '.') {
			st--
		}
		en := c
		colons := 0
		for en < len(s) && (isHexByte(s[en]) || s[en] == ':' || s[en] == '.') {
			if s[en] == ':' {
				colons++
			}
			en++
		}
		i = en
		if colons < 2 {
			continue
		}
		// Trim sentence punctuation.
		for en > st && (s[en-1] == '.' || (s[en-1] == ':' && !(en-2 >= st && s[en-2] == ':'))) {
			en--
		}
		for st < en && s[st] == '.' {
			st++
		}
		if en-st < 3 || txWordBefore(s, st) || txWordAt(s, en) {
			continue
		}
		cand := s[st:en]
		dec := false
		for k := 0; k < len(cand); k++ {
			if txIsDigit(cand[k]) {
				dec = true
				break
			}
		}
		if !dec {
			continue
		}
		if a, err := netip.ParseAddr(cand); err == nil && a.Is6() {
			out = append(out, match{KindIP, st, en})
		}
	}
	return out
}

func isHexByte(c byte) bool {
	return txIsDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'f')
}

// ipv4At parses a dotted quad at s[i:]; it refuses a fifth part.
func ipv4At(s string, i int) (int, bool) {
	j := i
	for part := 0; part < 4; part++ {
		e := txDigitEnd(s, j)
		if e == j || e-j > 3 {
			return 0, false
		}
		if atoi(s[j:e]) > 255 {
			return 0, false
		}
		j = e
		if part < 3 {
			if j >= len(s) || s[j] != '.' {
				return 0, false
			}
			j++
		}
	}
	if txWordAt(s, j) || (j+1 < len(s) && (s[j] == '.' || s[j] == ',') && txIsDigit(s[j+1])) {
		return 0, false
	}
	return j, true
}

func ipVersionBefore(s string, i int) bool {
	j := i
	for j > 0 && (s[j-1] == ' ' || s[j-1] == ':') && i-j < 3 {
		j--
	}
	ws := txLetterStart(s, j)
	if ws == j || j-ws > 12 {
		return false
	}
	return txLowerIn(s[ws:j], ipVersionCues)
}

// ---------------------------------------------------------------------------
// Registration plates

// plateCueExact and plateCuePrefixes introduce a vehicle; after them a plate
// may be written in lower case or without its dash.
var (
	plateCueExact = txSet("bil", "bilen", "bilens", "bilnummer", "regnummer", "reg", "regnr", "nr",
		"skylt", "skylten", "car", "cars", "plate", "plates", "licence", "license", "moped", "mopeden",
		"scooter", "van", "truck", "motorcycle", "kilpi", "kilvessä", "kilven", "kilpeä", "mp", "mc", "vehicle")
	plateCuePrefixes = []string{"auto", "rekkari", "rekkar", "rekister", "registrer", "mopo", "mopedi",
		"skootteri", "prätkä", "moottoripyör", "mönkijä", "pakettiauto", "taksi", "numberplate", "licenseplate",
		"registration", "traktori", "mopoauto"}
	// plateStop are upper-case abbreviations that look like plates.
	plateStop = txSet("EU", "TV", "PS", "MP", "HD", "CD", "DVD", "USB", "HIV", "SM", "MM", "EM", "OS",
		"HPV", "SOS", "UFC", "NHL", "NBA", "MLB", "NFL", "IQ", "MLL", "THL", "YLE", "FM", "AM", "PM", "LP",
		"EP", "GTA", "PES", "CS", "WW", "HUS", "KKO", "KHO", "LSL", "SFS", "ISO", "UK", "US", "USA", "BMW",
		"VW", "KIA", "AMG", "GTI", "SUV", "EV", "RS", "TDI", "TSI", "XC", "MX", "CX", "RX", "ID", "RAV",
		"HJK", "TPS", "KPS", "HPK", "JYP", "KPK", "TAYS", "TYKS", "OYS", "KYS", "SARS", "MERS", "COVID",
		"WCAG", "HTML", "CSS", "MB", "GB", "KB", "TB", "CPU", "GPU", "RTX", "GTX", "RX", "AK", "AR", "ATP",
		"FIFA", "PEGI", "LOL", "OMG", "WTF", "SSD", "HDD", "LTE", "PDF", "JPG", "PNG", "MP", "FI", "SE",
		"NO", "DK", "DE", "EN", "SV", "EY", "OY", "AB", "HS", "IS", "KL", "SK", "LA", "SU", "MA", "TI",
		"KE", "TO", "PE", "KLO", "NRO", "PUH", "TEL", "ARK", "AIP", "VKO", "KPL", "SOTE", "ALV", "YT", "KVL", "UN", "WHO")
)

// detectPlates finds Finnish (ABC-123, AB-12, ÅLA-12), Swedish (ABC 123,
// ABC 12A) and moped-style plates. Without a vehicle cue nearby the letters
// must be upper case as written and the dash (Finnish) or space (Swedish,
// three characters after it) present; after a cue lower case, no dash and the
// digits-first moped order are accepted too.
func detectPlates(s string, out []match) []match {
	t := plainText(s)
	return detectPlatesIn(&t, out)
}

func detectPlatesIn(t *text, out []match) []match {
	s := t.s
	// Every plate has digits.
	if len(s) < 4 || t.digits == 0 {
		return out
	}
	words := t.cursor()
	for i := 0; i < len(s); {
		ws, we := words.nextWith(i, keyPlate)
		i = we
		// Cheap shape test first: a short word followed by '-', ' ' + digit
		// or a digit.
		if we-ws < 2 || we-ws > 6 {
			continue
		}
		if we+1 >= len(s) || !(txIsDigit(s[we]) || (s[we] == '-' || s[we] == ' ') && txIsDigit(s[we+1])) {
			// Digits-first moped plate "12 ABC" / "12ABC" after a cue.
			if ws > 0 && (txIsDigit(s[ws-1]) || ws >= 2 && s[ws-1] == ' ' && txIsDigit(s[ws-2])) {
				if end, st, ok := plateDigitsFirst(s, ws, we); ok {
					out = append(out, match{KindPlate, st, end})
				}
			}
			continue
		}
		if end, ok := plateAt(s, ws, we); ok {
			out = append(out, match{KindPlate, ws, end})
			i = end
		}
	}
	return out
}

// plateAt checks letters s[ws:we] followed by a separator and digits.
func plateAt(s string, ws, we int) (int, bool) {
	if txWordBefore(s, ws) || (ws > 0 && (s[ws-1] == '-' || s[ws-1] == '.' || s[ws-1] == '/' || s[ws-1] == '@' || s[ws-1] == '_')) {
		return 0, false
	}
	letters := s[ws:we]
	if !plateLetters(letters) {
		return 0, false
	}
	upper := txAllUpper(letters)
	stop := txUpperIn(letters, plateStop)
	sep := s[we]
	ds := we
	if sep == '-' || sep == ' ' {
		ds++
	}
	de := txDigitEnd(s, ds)
	nd := de - ds
	if nd < 1 || nd > 3 {
		return 0, false
	}
	end := de
	swedishLetter := false
	if sep == ' ' && nd == 2 && de < len(s) && txIsASCIILetter(s[de]) && !txWordAt(s, de+1) {
		// Swedish "ABC 12A".
		end = de + 1
		swedishLetter = true
	}
	if txWordAt(s, end) || (end+1 < len(s) && (s[end] == '-' || s[end] == '.' || s[end] == ',' || s[end] == '/' || s[end] == ':') && txWordAt(s, end+1)) {
		return 0, false
	}
	var accept bool
	switch {
	case stop:
	case sep == '-':
		// "ABC-123"; "abc-123" only after a vehicle cue.
		accept = upper || plateCue(s, ws)
	case sep == ' ':
		// Swedish "ABC 123", "ABC 12A" upper case as written; with a cue
		// also "AB 12". Lower case with a space is never a plate ("auto on
		// 3 v vanha", "bilen har 120 hk").
		if !upper {
			break
		}
		if utf8.RuneCountInString(letters) == 3 && (nd == 3 || swedishLetter) && !plateFollowedByDigits(s, end) {
			accept = true
		} else {
			accept = plateCue(s, ws)
		}
	default:
		// Glued "ABC123" / "abc123": only after a cue.
		accept = !swedishLetter && plateCue(s, ws)
	}
	return end, accept
}

// plateDigitsFirst checks "12 ABC" / "12ABC" (a moped plate written digits
// first) ending with the letters s[ws:we]; upper case and after a cue only.
func plateDigitsFirst(s string, ws, we int) (end, start int, ok bool) {
	if txWordAt(s, we) || !plateLetters(s[ws:we]) || !txAllUpper(s[ws:we]) || plateStop[s[ws:we]] {
		return 0, 0, false
	}
	j := ws
	if j >= 2 && s[j-1] == ' ' {
		j--
	}
	if j == 0 || !txIsDigit(s[j-1]) {
		return 0, 0, false
	}
	ds := j
	for ds > 0 && txIsDigit(s[ds-1]) {
		ds--
	}
	if j-ds > 3 || txWordBefore(s, ds) || (ds > 0 && (s[ds-1] == '-' || s[ds-1] == '.' || s[ds-1] == ',')) {
		return 0, 0, false
	}
	if !plateCue(s, ds) {
		return 0, 0, false
	}
	return we, ds, true
}

// plateLetters: two or three letters (A–Z, Å, Ä, Ö in either case).
func plateLetters(w string) bool {
	n := 0
	for _, r := range w {
		switch {
		case r < utf8.RuneSelf && txIsASCIILetter(byte(r)):
		case r == 'Å' || r == 'Ä' || r == 'Ö' || r == 'å' || r == 'ä' || r == 'ö':
		default:
			return false
		}
		n++
	}
	return n >= 2 && n <= 3
}

// plateFollowedByDigits catches "MLL 116 111": a three-digit group that
// continues as a number is not a Swedish plate.
func plateFollowedByDigits(s string, end int) bool {
	return end+1 < len(s) && s[end] == ' ' && txIsDigit(s[end+1])
}

func plateCue(s string, at int) bool {
	return txCueWords(s, at-48, at, plateCuePrefixes, plateCueExact)
}

// ---------------------------------------------------------------------------
// URLs

// keepDomains are public services (helplines, authorities) whose addresses a
// question or an answer may cite; they are never redacted, with or without a
// path. Subdomains are kept too.
var keepDomains = []string{
	"nuortennetti.fi", "sekasin.fi", "sekasin247.fi", "mll.fi", "mieli.fi", "riku.fi", "nollalinja.fi",
	"nettiturvakoti.fi", "112.fi", "kela.fi", "thl.fi", "lastensuojelu.info", "suomi.fi", "poliisi.fi",
	"oikeus.fi", "tukinet.net", "mielenterveystalo.fi", "terveyskyla.fi", "omaolo.fi", "ensijaturvakotienliitto.fi",
	"punainenristi.fi", "redcross.fi", "nuorisoasema.fi", "apuaeroon.fi", "lapsiasia.fi", "oikeusasiamies.fi",
	"stm.fi", "valvira.fi", "avi.fi", "hel.fi", "espoo.fi", "vantaa.fi", "tampere.fi", "turku.fi", "ouka.fi",
	"yle.fi", "bris.se", "1177.se", "umo.se", "polisen.se", "childhelplineinternational.org", "kysy.fi",
	"ehkaisevapaihdetyo.fi", "a-klinikka.fi", "irtihuumeista.fi", "seta.fi", "sinuiksi.fi", "pelastakaalapset.fi",
	"savethechildren.fi", "nuorisotakuu.fi", "ohjaamot.fi", "mielenterveysseura.fi", "mielinuoret.fi",
}

// urlGenericHosts are sites everyone uses; the bare name without a path says
// nothing about the writer ("mulla on gmail.com osoite"), so only a path makes
// one of them a URL to redact (instagram.com/nimi).
var urlGenericHosts = txSet("gmail.com", "hotmail.com", "hotmail.fi", "outlook.com", "yahoo.com", "icloud.com",
	"instagram.com", "tiktok.com", "youtube.com", "youtu.be", "snapchat.com", "facebook.com", "fb.com",
	"discord.com", "discord.gg", "whatsapp.com", "wa.me", "t.me", "telegram.org", "twitter.com", "x.com",
	"reddit.com", "google.com", "google.fi", "wikipedia.org", "netflix.com", "spotify.com", "twitch.tv",
	"roblox.com", "linktr.ee", "bit.ly", "vinted.fi", "tori.fi", "jodel.com", "kik.com", "onlyfans.com",
	"threads.net", "bsky.app", "steamcommunity.com", "minecraft.net", "epicgames.com", "tinder.com")

// urlTLDs are accepted on a bare domain (no scheme, www or path).
var urlTLDs = txSet("fi", "com", "net", "org", "se", "io", "me", "ly", "gg", "tv", "app", "ee", "co", "uk",
	"eu", "info", "de", "dk", "ru", "ax", "nu", "ai", "dev", "us", "ca", "cc", "link", "xyz", "site",
	"online", "live", "chat", "page", "fm", "gl", "gd", "sh", "ws", "im", "biz", "club", "store", "shop",
	"blog", "pl", "fr", "es", "nl", "ch", "be", "no", "to", "so", "is", "it", "at", "in", "lt", "lv",
	"pro", "art", "fun", "social", "world", "one", "email", "space", "team", "games", "top", "ua", "ng")

// urlWordTLDs are also ordinary words ("loppu.Se ei", "joo.me mentiin"):
// a bare domain with one of them needs a path, www, a subdomain or a
// following non-word.
var urlWordTLDs = txSet("se", "me", "no", "to", "so", "is", "it", "at", "in", "be", "us", "nu", "co", "one", "art", "fun", "top", "pro")

// detectURLs finds http(s)/ftp URLs, www. addresses and bare domains with a
// path or a common TLD, leaving keepDomains, e-mail domains and handles
// ("@nimi.fi") alone.
func detectURLs(s string, out []match) []match {
	if len(s) < 4 {
		return out
	}
	// Scheme URLs.
	first := len(out)
	for i := 0; i < len(s); {
		k := strings.Index(s[i:], "://")
		if k < 0 {
			break
		}
		c := i + k
		i = c + 3
		st := txLetterStart(s, c)
		scheme := strings.ToLower(s[st:c])
		if scheme != "http" && scheme != "https" && scheme != "ftp" && scheme != "hxxp" && scheme != "hxxps" {
			continue
		}
		hs := c + 3
		he := hs
		for he < len(s) && (txIsASCIIAlnum(s[he]) || s[he] == '.' || s[he] == '-' || s[he] == '_') {
			he++
		}
		host := strings.TrimRight(s[hs:he], ".-")
		if host == "" {
			continue
		}
		end := urlPathEnd(s, hs+len(host))
		if urlKept(host) {
			i = end
			continue
		}
		out = append(out, match{KindURL, st, end})
		i = end
	}
	// Domains around each dot. done is the end of the last URL before the
	// dot: only the scheme URLs before it count (one further on must not
	// hide the domains before it), which k walks.
	schemes := out[first:]
	done, k := 0, 0
	for i := strings.IndexByte(s, '.'); i >= 0 && i < len(s); {
		d := i
		next := func(from int) int {
			if from >= len(s) {
				return -1
			}
			k := strings.IndexByte(s[from:], '.')
			if k < 0 {
				return -1
			}
			return from + k
		}
		for ; k < len(schemes) && schemes[k].start <= d; k++ {
			done = max(done, schemes[k].end)
		}
		if d < done || d == 0 || d+2 >= len(s) || !txIsASCIIAlnum(s[d-1]) || !txIsASCIILetter(s[d+1]) {
			i = next(d + 1)
			continue
		}
		hs := d
		for hs > 0 && (txIsASCIIAlnum(s[hs-1]) || s[hs-1] == '.' || s[hs-1] == '-') {
			hs--
		}
		he := d
		for he < len(s) && (txIsASCIIAlnum(s[he]) || s[he] == '.' || s[he] == '-') {
			he++
		}
		for hs < he && (s[hs] == '.' || s[hs] == '-') {
			hs++
		}
		for he > hs && (s[he-1] == '.' || s[he-1] == '-') {
			he--
		}
		i = next(he)
		if hs < done {
			continue
		}
		end, ok := urlDomainAt(s, hs, he)
		if ok {
			out = append(out, match{KindURL, hs, end})
			done = end
			if i >= 0 && i < end {
				i = next(end)
			}
		}
	}
	return out
}

// urlDomainAt decides whether the host s[hs:he] (with what follows) is a URL,
// and returns the end of the URL.
func urlDomainAt(s string, hs, he int) (int, bool) {
	if hs > 0 {
		p := s[hs-1]
		if p == '@' || p == '_' || p == '/' || p == '\\' || p == '#' || p == '%' || p == '+' || p == '&' || p == '=' || p == '~' {
			return 0, false
		}
		if p >= utf8.RuneSelf && txWordBefore(s, hs) {
			return 0, false // "väsyny.se": glued to a word
		}
	}
	if txWordAt(s, he) {
		return 0, false
	}
	host := s[hs:he]
	lastDot := strings.LastIndexByte(host, '.')
	if lastDot <= 0 {
		return 0, false
	}
	tld := host[lastDot+1:]
	if len(tld) < 2 || len(tld) > 12 {
		return 0, false
	}
	for k := 0; k < len(tld); k++ {
		if !txIsASCIILetter(tld[k]) {
			return 0, false
		}
	}
	// Every label non-empty; the TLD lower case unless the whole host is
	// upper case ("loppu.Se" is a sentence, "WWW.MLL.FI" is not).
	if strings.Contains(host, "..") {
		return 0, false
	}
	if txHasUpper(tld) && txHasLowerASCII(host) {
		return 0, false
	}
	lower := strings.ToLower(host)
	tld = strings.ToLower(tld)
	www := strings.HasPrefix(lower, "www.")
	labels := strings.Count(host, ".") + 1
	hasPath := he < len(s) && (s[he] == '/' || (s[he] == ':' && he+1 < len(s) && txIsDigit(s[he+1])))
	end := he
	if hasPath {
		end = urlPathEnd(s, he)
	}
	if urlKept(lower) {
		return 0, false
	}
	switch {
	case www:
	case hasPath:
		if end-he < 2 && !urlTLDs[tld] {
			return 0, false // "jne./"
		}
		if !urlTLDs[tld] && len(tld) > 6 {
			return 0, false
		}
	default:
		if !urlTLDs[tld] {
			return 0, false
		}
		if urlGenericHosts[strings.TrimPrefix(lower, "www.")] {
			return 0, false
		}
		if urlWordTLDs[tld] && labels < 3 && !urlFollowedByNonWord(s, he) {
			return 0, false
		}
		first := host[:strings.IndexByte(host, '.')]
		if len(first) < 2 && labels < 3 {
			return 0, false
		}
		allDigits := true
		for k := 0; k < len(first); k++ {
			if !txIsDigit(first[k]) {
				allDigits = false
			}
		}
		if allDigits && labels < 3 && !urlKept(lower) {
			// "klo 14.ma"? numbers before a word are not domains,
			// but 112.fi-like sites are in keepDomains.
			return 0, false
		}
	}
	return end, true
}

func txHasLowerASCII(w string) bool {
	for k := 0; k < len(w); k++ {
		if w[k] >= 'a' && w[k] <= 'z' {
			return true
		}
	}
	return false
}

// urlFollowedByNonWord: after the host comes the end, a line break or
// punctuation other than a plain space followed by a lower-case word.
func urlFollowedByNonWord(s string, he int) bool {
	j := he
	for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
		j++
	}
	if j >= len(s) {
		return true
	}
	if j == he {
		// Punctuation right after: "bris.se!" or "bris.se, ..."; a dot
		// followed by a space ends a sentence.
		return true
	}
	ok, _ := txLetterAt(s, j)
	return !ok || txIsUpperAt(s, j)
}

// urlPathEnd consumes a path, query or port after a host and trims
// punctuation that ends the sentence.
func urlPathEnd(s string, i int) int {
	j := i
	for j < len(s) {
		c := s[j]
		if c <= ' ' || c == '<' || c == '>' || c == '"' || c == '\'' || c == '`' || c == '{' || c == '}' || c == '|' || c == '\\' || c == '^' || c == 0x7f {
			break
		}
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[j:])
			if r == utf8.RuneError || unicode.IsSpace(r) || (!txIsWordRune(r) && !unicode.IsPunct(r)) {
				break
			}
			j += n
			continue
		}
		j++
	}
	for j > i {
		c := s[j-1]
		if c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == ']' || c == '*' {
			j--
			continue
		}
		if c == ')' && strings.Count(s[i:j], "(") < strings.Count(s[i:j], ")") {
			j--
			continue
		}
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeLastRuneInString(s[i:j])
			if unicode.IsPunct(r) {
				j -= n
				continue
			}
		}
		break
	}
	return j
}

// urlKept reports whether host (any case, with or without www.) is a kept
// public service.
func urlKept(host string) bool {
	h := strings.ToLower(host)
	h = strings.TrimPrefix(h, "www.")
	for _, k := range keepDomains {
		if h == k || (len(h) > len(k) && strings.HasSuffix(h, k) && h[len(h)-len(k)-1] == '.') {
			return true
		}
	}
	return false
}

// ---------------------------------------------------------------------------
// Handles

var (
	// handleCuePrefixes name a platform (any inflection: snäpissä, igissä).
	handleCuePrefixes = []string{"snap", "snäp", "snäb", "insta", "tiktok", "discord", "telegram", "whatsapp",
		"twitter", "twitch", "roblox", "fortnite", "käyttäjänim", "nimimerk", "username", "gamertag",
		"användarnamn", "igiss", "igis", "kikiss", "threads", "steam", "xbox", "psn", "youtube", "jodel", "bereal", "pinterest", "facebook"}
	// handleCueStrong are cues after which a bare word is a handle ("sc nimi").
	handleCueStrong = txSet("sc", "ig", "dc", "tg", "wa", "kik", "igissä", "igis", "igiss", "snapchat", "snäpchat", "snap", "snäp", "snäppi", "insta", "psn", "xbox")
	// handleCueNominative: "mun snäppi on X", "my snap is X".
	handleCueNominative = txSet("snap", "snäp", "snäppi", "snapchat", "snäpchat", "snapi", "insta", "instagram", "tiktok",
		"discord", "telegram", "whatsapp", "kik", "twitter", "twitch", "steam", "psn", "xbox", "roblox", "fortnite",
		"username", "nick", "nikki", "nimimerkki", "käyttäjänimi", "käyttäjä", "gamertag", "användarnamn",
		"sc", "ig", "dc", "tg", "wa", "tili", "account", "konto", "user", "handle", "youtube", "threads")
	handleCueExact = txSet("sc", "ig", "dc", "tg", "wa", "kik", "nick", "nikki", "user", "handle")
	// handleFillers may stand between the cue and the handle.
	handleFillers = txSet("on", "is", "är", "oli", "was", "nimellä", "as", "som", "under", "name", "nimi",
		"tili", "tilini", "account", "konto", "handle", "username", "käyttäjä", "mun", "mut", "mua", "me",
		"mig", "minut", "mulle", "mulla", "my", "min", "mitt", "here", "täällä", "nyt", "now")
	// handleStop are words that follow a platform name but are no handle.
	handleStop = txSet("on", "ei", "en", "oo", "se", "ne", "me", "te", "he", "mä", "sä", "mun", "sun", "sen",
		"mut", "mua", "sua", "ja", "tai", "jos", "kun", "ku", "että", "et", "niin", "nii", "vaan", "vai", "mitä",
		"mikä", "miks", "miten", "kuka", "ketä", "tää", "toi", "tämä", "tuo", "joo", "juu", "no", "okei", "ok",
		"kiitos", "moi", "hei", "kans", "myös", "vielä", "nyt", "sit", "sitten", "ihan", "tosi", "aika", "vähän",
		"paljon", "kaikki", "kukaan", "mitään", "jotain", "mulla", "sulla", "sillä", "hakkeroitu", "hakkeroitiin",
		"rikki", "poistettu", "yksityinen", "julkinen", "auki", "kiinni", "estetty", "suljettu", "uusi", "vanha",
		"sama", "eri", "mukana", "täällä", "siellä", "kiva", "paska", "tyhmä", "hyvä", "huono", "tylsä", "ihana",
		"täynnä", "hauska", "pelottava", "vaarallinen", "turvallinen", "myrkyllinen", "kielletty", "oli", "olis",
		"ollu", "ollut", "oon", "ole", "olla", "the", "a", "an", "is", "are", "was", "my", "i", "it", "and",
		"or", "but", "if", "so", "not", "yes", "now", "just", "got", "get", "hacked", "deleted", "private",
		"public", "blocked", "same", "new", "old", "also", "here", "there", "what", "who", "how", "why", "this",
		"that", "cool", "good", "bad", "great", "fun", "boring", "trash", "down", "full", "safe", "dangerous",
		"toxic", "jag", "du", "det", "är", "och", "eller", "men", "om", "så", "inte", "nej", "ja", "min", "mitt",
		"mig", "hackad", "hackat", "privat", "borta", "låst", "nu", "här", "där", "vad", "vem", "hur", "varför",
		"kan", "har", "bra", "dålig", "kul", "tråkig", "farlig", "konto", "account", "tili", "tilin", "tilille",
		"sovellus", "appi", "app", "appen", "story", "stoori", "storyyn", "viesti", "viestejä", "viestit",
		"kuva", "kuvia", "kuvat", "video", "videoita", "videot", "chat", "chatissa", "ryhmä", "ryhmässä",
		"group", "server", "serveri", "serverillä", "servu", "profiili", "profile", "profil", "linkki", "link",
		"ku", "kautta", "via", "through", "kans", "with", "me", "us", "them", "you", "u", "ur", "your", "sulle",
		"mulle", "meille", "heille", "niille", "sille", "hänelle", "stories", "reels", "dm", "dms", "yv", "streak",
		"streaks", "snäppejä", "snäpit", "live", "lives", "feed", "followers", "seuraajat", "seuraajia", "tyyppi",
		"joku", "jotkut", "someone", "somebody", "anyone", "salainen", "lukittu", "jumissa", "bannattu", "pois",
		"locked", "banned", "gone", "dead", "open", "closed", "suljettu", "auki", "kaikille", "everyone",
		"kans", "vaan", "vain", "only", "bara", "also", "too", "myöskin", "ainoo", "ainoa", "eikä", "vaikka", "koska", "because", "att", "för",
		"med", "till", "från", "av", "en", "ett", "den", "de", "dom", "hon", "han", "hen", "jag", "vi", "ni")
)

// detectHandles finds social-media handles: "@nimi" (not inside an e-mail
// address or a URL), and a handle token after a platform cue ("snäppi:
// koira.123", "mun snäppi on jenna_2010", "discord luka_k#2207", "sc nimi").
// The handle is matched (with its '@'); the cue word stays.
func detectHandles(s string, out []match) []match {
	t := plainText(s)
	return detectHandlesIn(&t, out)
}

func detectHandlesIn(t *text, out []match) []match {
	s := t.s
	// '@' handles.
	for i := strings.IndexByte(s, '@'); i >= 0; {
		if end, ok := handleAfterAt(s, i); ok {
			out = append(out, match{KindHandle, i, end})
		}
		k := strings.IndexByte(s[i+1:], '@')
		if k < 0 {
			break
		}
		i += 1 + k
	}
	// Cue words.
	words := t.cursor()
	for i := 0; i < len(s); {
		ws, we := words.nextWith(i, keyHandleCue)
		i = we
		if we-ws < 2 || we-ws > 16 || !handleCues.first.first[txFoldTab[s[ws]]] || !handleCues.mayMatch(s, ws) || txWordBefore(s, ws) {
			continue
		}
		if !handleCues.match(s[ws:we]) {
			continue
		}
		if end, hs, ok := handleAfterCue(s, ws, we, strings.ToLower(s[ws:we])); ok {
			out = append(out, match{KindHandle, hs, end})
			i = end
		}
	}
	return out
}

var handleCues = newTxWordIndex(handleCuePrefixes, txKeys(handleCueExact))

// handleAfterAt reads "@nimi" at s[i] == '@'.
func handleAfterAt(s string, i int) (int, bool) {
	if i > 0 {
		p := s[i-1]
		// After a placeholder ("[EMAIL]@c.fi") the '@' belonged to what
		// was redacted.
		if txIsASCIIAlnum(p) || p == '.' || p == '_' || p == '%' || p == '+' || p == '-' || p == '/' || p == '@' || p == '=' || p == '\\' || p == ']' {
			return 0, false
		}
		if p >= utf8.RuneSelf && txWordBefore(s, i) {
			return 0, false
		}
	}
	end := handleTokenEnd(s, i+1)
	if end <= i+1 {
		return 0, false
	}
	if end < len(s) && (s[end] == '@' || s[end] == '/') {
		return 0, false
	}
	if utf8.RuneCountInString(s[i+1:end]) < 2 {
		return 0, false
	}
	return end, true
}

// handleTokenEnd returns the end of a handle token starting at i: letters,
// digits, '_', '.', '-' inside, and a Discord "#1234" tag; a trailing dot or
// dash is left out.
func handleTokenEnd(s string, i int) int {
	j := i
	for j < len(s) && j-i <= 64 {
		c := s[j]
		if txIsASCIIAlnum(c) || c == '_' {
			j++
			continue
		}
		if (c == '.' || c == '-') && j+1 < len(s) && j > i && (txWordAt(s, j+1) || s[j+1] == '_') {
			j++
			continue
		}
		if c == '#' && j > i && j+1 < len(s) && txIsDigit(s[j+1]) {
			e := txDigitEnd(s, j+1)
			if e-j-1 >= 2 && e-j-1 <= 6 {
				j = e
			}
			break
		}
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[j:])
			if r != utf8.RuneError && txIsWordRune(r) {
				j += n
				continue
			}
		}
		break
	}
	if j-i > 64 {
		return i
	}
	return j
}

// handleAfterCue reads the handle after a cue word ending at ce.
func handleAfterCue(s string, cs, ce int, cue string) (end, start int, ok bool) {
	j := ce
	// A Finnish case ending after a colon ("ig:ssä") belongs to the cue.
	if j+1 < len(s) && s[j] == ':' && txIsASCIILetter(s[j+1]) && !(j+2 < len(s) && s[j+2] == ' ') {
		j = txLetterEnd(s, j+1)
	}
	sep := false
	filler := false
	for step := 0; step < 4 && j < len(s); step++ {
		for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
			j++
		}
		if j >= len(s) {
			return 0, 0, false
		}
		c := s[j]
		if c == ':' || c == '=' || (c == '-' && j+1 < len(s) && s[j+1] == ' ') {
			sep = true
			j++
			continue
		}
		if c == '@' {
			return 0, 0, false // the '@' rule has it
		}
		ok, _ := txLetterAt(s, j)
		if !ok && !txIsDigit(c) && c != '_' {
			return 0, 0, false
		}
		te := handleTokenEnd(s, j)
		if te <= j {
			return 0, 0, false
		}
		tok := s[j:te]
		lw := strings.ToLower(tok)
		if step < 3 && handleFillers[lw] && !handleSpecial(tok) {
			filler = filler || lw == "on" || lw == "is" || lw == "är" || lw == "oli" || lw == "was" || lw == "nimellä" || lw == "name" || lw == "nimi" || lw == "as" || lw == "som" || lw == "under"
			j = te
			continue
		}
		if te < len(s) && (s[te] == '/' || s[te] == '@') {
			return 0, 0, false // a URL or an e-mail address
		}
		if handleStop[lw] || utf8.RuneCountInString(tok) < 2 || handleCues.match(tok) {
			return 0, 0, false // an ordinary word or another platform name
		}
		plain := !handleSpecial(tok)
		if !plain {
			return te, j, true
		}
		if utf8.RuneCountInString(tok) < 3 || !txIsASCII(tok) {
			// Platform usernames are ASCII; "yksityisiä" is a word.
			return 0, 0, false
		}
		switch {
		case sep:
			return te, j, true
		case filler && handleCueNominative[cue] && handlePossessiveBefore(s, cs):
			// "mun snäppi on jenna", "my snap is jenna".
			return te, j, true
		case handleCueStrong[cue]:
			return te, j, true
		}
		return 0, 0, false
	}
	return 0, 0, false
}

func txIsASCII(w string) bool {
	for k := 0; k < len(w); k++ {
		if w[k] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

var handlePossessives = txSet("mun", "minun", "mu", "my", "min", "mitt", "sun", "sinun", "hänen", "sen", "hans",
	"hennes", "his", "her", "our", "meidän", "their", "heidän", "niiden", "your", "din", "ditt")

// handlePossessiveBefore reports a possessive word right before the cue at cs.
func handlePossessiveBefore(s string, cs int) bool {
	j := cs
	if j < 2 || s[j-1] != ' ' {
		return false
	}
	ps := txLetterStart(s, j-1)
	return ps < j-1 && txLowerIn(s[ps:j-1], handlePossessives)
}

// handleSpecial: the token has characters ordinary words do not have
// (underscore, an inner dot, a #tag, letters mixed with digits).
func handleSpecial(tok string) bool {
	letters, digits := false, false
	for k := 0; k < len(tok); k++ {
		c := tok[k]
		switch {
		case c == '_' || c == '.' || c == '#':
			return true
		case txIsDigit(c):
			digits = true
		case c != '-':
			letters = true
		}
	}
	return letters && digits
}

// ---------------------------------------------------------------------------
// Obfuscated e-mail addresses

// emailAtWords are spelled-out '@' signs that stand alone between spaces.
var emailAtWords = []string{"miukumauku", "kissanhäntä", "snabel-a", "snabela", "snabel a", "at-merkki", "ät-merkki", "at", "ät"}

// emailAtBrackets are bracketed '@' signs that may be glued to the words.
var emailAtBrackets = []string{"(at)", "[at]", "{at}", "<at>", "(ät)", "[ät]", "{ät}", "<ät>", "(a)", "(@)", "[@]", "{@}", "<@>", "@"}

var emailAtKey2 = txPairSet(emailAtWords...)

// emailAtFirst are the first bytes of emailAtWords in either case.
var emailAtFirst = [256]bool{'a': true, 'A': true, 'm': true, 'M': true, 'k': true, 'K': true, 's': true, 'S': true, 0xC3: true}

var emailDotWords = []string{"dot", "piste", "punkt", "pist", "dott"}
var emailDotBrackets = []string{"(dot)", "[dot]", "{dot}", "<dot>", "(.)", "[.]", "{.}", "<.>", "(piste)", "[piste]", "{piste}", "(punkt)", "[punkt]", "(pist)", "."}

// emailProviders make a plain " at " plausible even with a real dot.
var emailProviders = txSet("gmail", "hotmail", "outlook", "yahoo", "icloud", "live", "msn", "protonmail",
	"proton", "luukku", "suomi24", "elisanet", "kolumbus", "saunalahti", "welho", "gmx", "aol", "yandex",
	"jippii", "mail", "email", "pp", "netti", "windowslive", "me", "koulu", "edu", "student", "opiskelija")

// emailNotDomains are words that follow "at" in ordinary English.
var emailNotDomains = txSet("this", "that", "the", "a", "an", "home", "school", "work", "night", "noon", "least",
	"last", "first", "all", "once", "it", "me", "you", "him", "her", "us", "them", "my", "your", "our", "their",
	"his", "its", "what", "which", "some", "any", "time", "times", "most", "best", "worst", "random", "risk",
	"hand", "ease", "large", "length", "midnight", "lunch", "dinner", "breakfast", "church", "starbucks", "heart",
	"sea", "war", "peace", "play", "rest", "one", "two", "three", "five", "six", "seven", "eight", "nine", "ten")

// emailCommonWord reports whether the domain label after the marker ending
// at i is an ordinary English word.
func emailCommonWord(s string, i int) bool {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	e := i
	for e < len(s) && txIsASCIIAlnum(s[e]) {
		e++
	}
	return txLowerIn(s[i:e], emailNotDomains)
}

var emailTLDs = txSet("fi", "com", "net", "org", "se", "io", "me", "eu", "info", "nu", "co", "uk", "de", "ee",
	"ax", "dk", "no", "ru", "edu", "gov", "app", "dev", "biz", "ch", "fr", "es", "it", "nl", "pl", "us")

// detectObfuscatedEmails finds e-mail addresses written to dodge filters:
// "jenna at gmail dot com", "jenna(at)gmail(dot)com", "jenna [at] gmail [.]
// com", "jenna miukumauku gmail.com", "jenna snabel-a gmail punkt com",
// "jenna@gmail piste com". The whole address is matched.
func detectObfuscatedEmails(s string, out []match) []match {
	t := plainText(s)
	return detectObfuscatedEmailsIn(&t, out)
}

// detectObfuscatedEmailsIn visits the places where a marker may begin:
// every bracket and '@', and of the spaces only those before a word that
// may be a spelled '@' (see emailSpaceBeforeWord), which it takes from the
// word list.
func detectObfuscatedEmailsIn(t *text, out []match) []match {
	s := t.s
	if len(s) < 8 || t.listed && t.keys&keyEmailAt == 0 && !emailMayHaveBracketAt(s) {
		return out
	}
	words := t.cursor()
	br, sp := -1, -1 // the next bracket or '@', and the next space before a marker word, at or after i
	for i := 0; i < len(s); {
		if br < i {
			for br = i; br < len(s) && !emailBrackets[s[br]]; br++ {
			}
		}
		if sp < i {
			sp = emailSpaceBeforeWord(s, &words, i)
		}
		i = min(br, sp)
		if i >= len(s) {
			break
		}
		if s[i] == ' ' {
			// A spelled '@' is a whole word after a space.
			if i+2 >= len(s) || !emailAtFirst[s[i+1]] || !emailAtKey2.has(txKey2(s, i+1)) {
				i++
				continue
			}
			i++
		}
		ae, glued, ok := emailAtMarker(s, i)
		if !ok {
			i++
			continue
		}
		ls, ok := emailLocalBefore(s, i, glued)
		if !ok {
			i++
			continue
		}
		de, obf, provider, ok := emailDomainAfter(s, ae, glued)
		if !ok {
			i++
			continue
		}
		plainAt := !glued && (txHasPrefixFold(s, i, "at") || txHasPrefixFold(s, i, "ät"))
		if s[i] == '@' && !obf && ae == i+1 {
			i++
			continue // an ordinary address: detectEmails has it
		}
		if plainAt && !provider && !strings.ContainsAny(s[ls:i], "._0123456789") {
			// English "at": "look at google.com", "look at this dot com".
			if !obf || emailCommonWord(s, ae) {
				i++
				continue
			}
		}
		out = append(out, match{KindEmail, ls, de})
		i = de
	}
	return out
}

// emailMayHaveBracketAt reports whether s may hold one of
// emailAtBrackets: an '@', or a bracket before 'a', 'ä' or '@' in either
// case. Without one, only a spelled marker (a word with keyEmailAt) is
// left to find.
func emailMayHaveBracketAt(s string) bool {
	if strings.IndexByte(s, '@') >= 0 {
		return true
	}
	for _, b := range [...]byte{'(', '[', '{', '<'} {
		for i := strings.IndexByte(s, b); i >= 0; {
			if i+1 < len(s) && (s[i+1]|0x20 == 'a' || s[i+1] == 0xC3) {
				return true
			}
			k := strings.IndexByte(s[i+1:], b)
			if k < 0 {
				break
			}
			i += 1 + k
		}
	}
	return false
}

// emailBrackets are the bytes a bracketed marker or an '@' starts with.
var emailBrackets = [256]bool{'@': true, '(': true, '[': true, '{': true, '<': true}

// emailAtWordLens are the byte lengths of the first word of a spelled
// marker: "at" 2, "ät" 3, "snabel" 6, "snabela" 7, "miukumauku" 10,
// "kissanhäntä" 12. emailAtMarker compares a marker with the bytes of its
// length (txHasPrefixFold), where only case variants of the same length
// can be equal, and wants a space or a dash after the word, so a word of
// any other length is no marker.
var emailAtWordLens = [13]bool{2: true, 3: true, 6: true, 7: true, 10: true, 12: true}

// emailSpaceBeforeWord returns the first space at or after i before a word
// that may begin a spelled marker, or len(s); detectObfuscatedEmailsIn
// skips every other space, where its first test would fail. The positions
// asked for must not decrease (words is a cursor).
func emailSpaceBeforeWord(s string, words *wordCursor, i int) int {
	for j := i + 1; j < len(s); {
		ws, we := words.nextWith(j, keyEmailAt)
		if ws >= len(s) {
			break
		}
		if n := we - ws; s[ws-1] == ' ' && n < len(emailAtWordLens) && emailAtWordLens[n] &&
			emailAtFirst[s[ws]] && emailAtKey2.has(txKey2(s, ws)) {
			return ws - 1
		}
		j = we
	}
	return len(s)
}

// emailAtMarker matches a spelled '@' at s[i]; glued means the marker is
// bracketed (or a real '@') and may touch the words on either side.
func emailAtMarker(s string, i int) (end int, glued, ok bool) {
	switch s[i] {
	case '@', '(', '[', '{', '<':
		for _, m := range emailAtBrackets {
			if txHasPrefixFold(s, i, m) {
				return i + len(m), true, true
			}
		}
		return 0, false, false
	}
	if i == 0 || s[i-1] != ' ' {
		return 0, false, false
	}
	for _, m := range emailAtWords {
		if txHasPrefixFold(s, i, m) && i+len(m) < len(s) && s[i+len(m)] == ' ' {
			return i + len(m), false, true
		}
	}
	return 0, false, false
}

// emailLocalBefore finds the local part that ends before the marker at i.
func emailLocalBefore(s string, i int, glued bool) (int, bool) {
	j := i
	sp := 0
	for j > 0 && s[j-1] == ' ' && sp < 2 {
		j--
		sp++
	}
	if !glued && sp == 0 {
		return 0, false
	}
	e := j
	for j > 0 && e-j <= 64 {
		c := s[j-1]
		if txIsASCIIAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' {
			j--
			continue
		}
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeLastRuneInString(s[:j])
			if r != utf8.RuneError && txIsWordRune(r) {
				j -= n
				continue
			}
		}
		break
	}
	for j < e && (s[j] == '.' || s[j] == '-' || s[j] == '+') {
		j++
	}
	if j >= e || e-j > 64 {
		return 0, false
	}
	return j, true
}

// emailDomainAfter reads "gmail dot com", "gmail.com", "gmail (piste) fi"
// from s[i:]; obf reports a spelled dot, provider a known mail provider.
func emailDomainAfter(s string, i int, glued bool) (end int, obf, provider, ok bool) {
	j := i
	sp := 0
	for j < len(s) && s[j] == ' ' && sp < 2 {
		j++
		sp++
	}
	if !glued && sp == 0 {
		return 0, false, false, false
	}
	labels := 0
	dots := 0
	best := -1
	bestObf := false
	for labels < 4 {
		le := j
		for le < len(s) && le-j <= 63 && (txIsASCIIAlnum(s[le]) || s[le] == '-') {
			le++
		}
		if le == j || le-j > 63 {
			break
		}
		// The label is ASCII and at most 63 bytes: lower-case it in place
		// of strings.ToLower, which allocated for every candidate.
		var lbuf [64]byte
		label := lbuf[:le-j]
		for k := range label {
			label[k] = txFoldTab[s[j+k]]
		}
		if labels == 0 {
			provider = emailProviders[string(label)]
			hasLetter := false
			for k := 0; k < len(label); k++ {
				if txIsASCIILetter(label[k]) {
					hasLetter = true
				}
			}
			if !hasLetter {
				return 0, false, false, false
			}
		}
		labels++
		if dots >= 1 && emailTLDs[string(label)] && !txWordAt(s, le) {
			best, bestObf = le, obf
		}
		// A dot marker.
		k := le
		sp := 0
		for k < len(s) && s[k] == ' ' && sp < 2 {
			k++
			sp++
		}
		found := false
		for _, m := range emailDotBrackets {
			if txHasPrefixFold(s, k, m) {
				if m == "." && sp > 0 && !(k+1 < len(s) && s[k+1] == ' ') {
					continue // "gmail .com" is odd but "gmail . com" fine
				}
				if m != "." || sp > 0 {
					obf = true
				}
				k += len(m)
				found = true
				break
			}
		}
		if !found && sp > 0 {
			for _, m := range emailDotWords {
				if txHasPrefixFold(s, k, m) && k+len(m) < len(s) && s[k+len(m)] == ' ' {
					k += len(m)
					obf = true
					found = true
					break
				}
			}
		}
		if !found {
			break
		}
		sp2 := 0
		for k < len(s) && s[k] == ' ' && sp2 < 2 {
			k++
			sp2++
		}
		if k >= len(s) || !txIsASCIIAlnum(s[k]) {
			break
		}
		dots++
		j = k
	}
	if best < 0 {
		return 0, false, false, false
	}
	return best, bestObf, provider, true
}

// ---------------------------------------------------------------------------
// Phone numbers split by words

// spelledDigits are digit words in Finnish (incl. puhekieli), Swedish and
// English.
var spelledDigits = map[string]byte{
	"nolla": '0', "yksi": '1', "yks": '1', "kaksi": '2', "kaks": '2', "kolme": '3', "neljä": '4', "nelja": '4',
	"viisi": '5', "viis": '5', "kuusi": '6', "kuus": '6', "seitsemän": '7', "seittemän": '7', "seitsemä": '7',
	"seitsman": '7', "kahdeksan": '8', "kaheksan": '8', "kasi": '8', "yhdeksän": '9', "yheksän": '9', "ysi": '9',
	"seiska": '7', "noll": '0', "ett": '1', "en": '1', "två": '2', "tre": '3', "fyra": '4', "fem": '5',
	"sex": '6', "sju": '7', "åtta": '8', "nio": '9', "zero": '0', "oh": '0', "one": '1', "two": '2',
	"three": '3', "four": '4', "five": '5', "six": '6', "seven": '7', "eight": '8', "nine": '9',
}

// spelledZeroKey2 are the first bytes of zero words and "plus".
var spelledZeroKey2 = func() *txPairs {
	ws := []string{"plus"}
	for w, d := range spelledDigits {
		if d == '0' {
			ws = append(ws, w)
		}
	}
	return txPairSet(ws...)
}()

var spelledDigitStr = [10]string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}

// spelledSeps are words written between digit groups.
var spelledSeps = txSet("viiva", "väliviiva", "tavuviiva", "streck", "bindestreck", "dash", "hyphen", "väli",
	"välilyönti", "space", "mellanslag", "piste", "punkt", "dot", "kautta", "slash")

var spelledKey2 = func() *txPairs {
	var ws []string
	for w := range spelledDigits {
		ws = append(ws, w)
	}
	return txPairSet(append(append(ws, txKeys(spelledSeps)...), "plus")...)
}()

type spelledUnit struct {
	start, end int
	digits     string
	plus       bool // the unit starts with a '+' sign or is "plus"
	word       bool // a spelled digit or "plus"
	gapOdd     bool // the gap before this unit held a word or odd separators
}

// detectSpelledPhones finds phone numbers the phone regexp misses: digits
// spelled out ("nolla neljä nolla yks kaks…", "noll fyra fyra…", "oh four
// oh…"), mixed with digit groups, or split by words and odd separators
// ("044 streck 998 12 34", "040 viiva 123 4567", "040 - 123 - 4567"). It
// needs at least seven digits and a Finnish or international start (0, +,
// 00), and leaves DefaultKeepNumbers alone.
func detectSpelledPhones(s string, out []match) []match {
	t := plainText(s)
	return spelledPhones(&t, out, nil)
}

// spelledPhones is detectSpelledPhones with a set of kept numbers (digits
// only); nil means DefaultKeepNumbers.
func spelledPhones(t *text, out []match, keep map[string]bool) []match {
	s := t.s
	if len(s) < 7 {
		return out
	}
	// Without a '0', a '+' or a word with keySpelledZero there is no
	// anchor (spelledNextAnchor).
	if t.listed && t.keys&keySpelledZero == 0 && strings.IndexByte(s, '0') < 0 && strings.IndexByte(s, '+') < 0 {
		return out
	}
	words := t.cursor()
	sc := spelledScanner{s: s, out: out, keep: keep}
	// The unit buffer is pooled: most texts have an anchor.
	var up *[]spelledUnit
	// A phone starts with '0', '+', a zero word or "plus": jump from one
	// such anchor to the next and read units only from there.
	for i := 0; i < len(s); {
		a := spelledNextAnchor(s, &words, i)
		if a >= len(s) {
			break
		}
		if up == nil {
			up = spelledUnitPool.Get().(*[]spelledUnit)
			sc.units = (*up)[:0]
		}
		i = sc.run(a)
		sc.flush()
	}
	if up != nil {
		*up = sc.units[:0]
		spelledUnitPool.Put(up)
	}
	return sc.out
}

var spelledUnitPool = sync.Pool{New: func() any { return new([]spelledUnit) }}

// spelledScanner collects the units of one run.
type spelledScanner struct {
	s        string
	out      []match
	keep     map[string]bool
	units    []spelledUnit
	gapLen   int  // bytes of separator characters since the last unit
	gapWords int  // separator words since the last unit
	gapOdd   bool // the gap holds a separator word or odd characters
	gapComma bool
	lastWord bool
}

func (sc *spelledScanner) resetGap() {
	sc.gapLen, sc.gapWords, sc.gapOdd, sc.gapComma = 0, 0, false, false
}

func (sc *spelledScanner) flush() {
	if len(sc.units) > 0 {
		sc.out = spelledEmit(sc.s, sc.units, sc.out, sc.keep)
	}
	sc.units = sc.units[:0]
	sc.resetGap()
}

func (sc *spelledScanner) add(u spelledUnit) {
	if len(sc.units) > 0 {
		if sc.gapLen > 4 || sc.gapWords > 1 || (sc.gapComma && !u.word && !sc.lastWord) {
			sc.flush()
		} else if sc.gapLen != 1 || sc.gapOdd {
			u.gapOdd = true
		}
	}
	sc.units = append(sc.units, u)
	sc.resetGap()
	sc.lastWord = u.word
}

// run reads units from the anchor at i until something ends the run, and
// returns where scanning resumes.
func (sc *spelledScanner) run(i int) int {
	s := sc.s
	for i < len(s) {
		c := s[i]
		switch {
		case txIsDigit(c):
			e := txDigitEnd(s, i)
			if txWordBefore(s, i) || txWordAt(s, e) || e-i > 12 {
				return e
			}
			u := spelledUnit{start: i, end: e, digits: s[i:e]}
			if i > 0 && s[i-1] == '+' {
				sc.flush()
				u.start, u.plus = i-1, true
			}
			sc.add(u)
			i = e
		case c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')' || c == '_' || c == '*' || c == ',' || c == '+':
			if len(sc.units) > 0 {
				sc.gapLen++
				if c == '_' || c == '*' || c == ',' || c == '(' || c == ')' {
					sc.gapOdd = true
				}
				if c == ',' {
					sc.gapComma = true
				}
			}
			i++
		case c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0x93 || s[i+2] == 0x94):
			sc.gapLen++
			sc.gapOdd = true
			i += 3
		default:
			ok, n := txLetterAt(s, i)
			if !ok {
				return i + max(n, 1)
			}
			e := txLetterEnd(s, i)
			if e-i > 12 || !spelledKey2.has(txKey2(s, i)) || txWordBefore(s, i) || txWordAt(s, e) {
				return e
			}
			var buf [32]byte
			w, _ := txLower(buf[:], s[i:e])
			switch d, isDigit := spelledDigits[string(w)]; {
			case isDigit:
				sc.add(spelledUnit{start: i, end: e, digits: spelledDigitStr[d-'0'], word: true})
			case string(w) == "plus" || string(w) == "plussa":
				sc.flush()
				sc.add(spelledUnit{start: i, end: e, plus: true, word: true})
			case len(sc.units) > 0 && spelledSeps[string(w)]:
				sc.gapOdd = true
				sc.gapWords++
			default:
				return e
			}
			i = e
		}
	}
	return i
}

// spelledNextAnchor finds the next place a phone number may start: a digit
// run beginning with 0, a '+' before a digit, or a zero word / "plus".
func spelledNextAnchor(s string, words *wordCursor, i int) int {
	for i < len(s) {
		c := s[i]
		switch txClass[c] {
		case 2:
			if c == '0' && !txWordBefore(s, i) {
				return i
			}
			i = txDigitEnd(s, i)
		case 1, 3:
			ws, we, keys := words.nextKeys(i)
			if ws >= len(s) {
				return len(s)
			}
			// keySpelledZero: spelledZeroKey2 has the word's first two letters.
			if keys&keySpelledZero != 0 && !txWordBefore(s, ws) {
				return ws
			}
			if we == ws {
				we++
			}
			i = we
		default:
			if c == '+' && i+1 < len(s) && txIsDigit(s[i+1]) {
				return i + 1
			}
			i++
		}
	}
	return len(s)
}

// spelledEmit finds phone numbers in a run of units.
func spelledEmit(s string, units []spelledUnit, out []match, keep map[string]bool) []match {
	for k := 0; k < len(units); {
		u := units[k]
		if !(u.plus || strings.HasPrefix(u.digits, "0")) {
			k++
			continue
		}
		intl := u.plus || strings.HasPrefix(u.digits, "00")
		max := 12
		if intl {
			max = 15
		}
		var dbuf [16]byte
		d := dbuf[:0]
		odd := false
		m := k
		for m < len(units) {
			if m > k && units[m].plus {
				break
			}
			if len(d)+len(units[m].digits) > max {
				break
			}
			d = append(d, units[m].digits...)
			if units[m].word || (m > k && units[m].gapOdd) {
				odd = true
			}
			m++
		}
		if m == k {
			k++
			continue
		}
		plausible := false
		switch {
		case u.plus:
			plausible = len(d) >= 8
		case len(d) >= 2 && d[0] == '0' && d[1] == '0':
			plausible = len(d) >= 9
		default:
			plausible = len(d) >= 7
		}
		if plausible && odd && !spelledKept(string(d), keep) && !spelledCounting(d) {
			out = append(out, match{KindPhone, u.start, units[m-1].end})
			k = m
			continue
		}
		k++
	}
	return out
}

// spelledCounting: "nolla, yksi, kaksi, kolme…" counts, it is no number.
func spelledCounting(d []byte) bool {
	up, down := true, true
	for k := 1; k < len(d); k++ {
		up = up && d[k] == d[k-1]+1
		down = down && d[k]+1 == d[k-1]
	}
	return up || down
}

func spelledKept(d string, keep map[string]bool) bool {
	if keep != nil {
		return keep[d]
	}
	for _, n := range DefaultKeepNumbers {
		if txDigitsEqual(n, d) {
			return true
		}
	}
	return false
}

// txDigitsEqual reports whether the digits of n are exactly d.
func txDigitsEqual(n, d string) bool {
	k := 0
	for i := 0; i < len(n); i++ {
		if c := n[i]; c >= '0' && c <= '9' {
			if k >= len(d) || d[k] != c {
				return false
			}
			k++
		}
	}
	return k == len(d)
}
