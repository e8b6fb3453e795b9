package redact_test

// The project's own PII corpus (testdata/corpus.jsonl, see testdata/README.md)
// scored the same way as the shared development set: a value is leaked if it
// can still be found in the redacted text, however it was disguised, and a
// keep string is lost if a harmless word, age, role, helpline or law
// reference was redacted along with it.
//
//	go test ./moderation/redact/ -run Corpus -v

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"kysy/moderation/redact"
)

// What the corpus must reach.
const (
	// corpusMinOverallRecall is the least share of all pii items that must
	// not leak.
	corpusMinOverallRecall = 0.98
	// corpusMinKeepRate is the least share of keep strings that must survive.
	corpusMinKeepRate = 0.97
	// corpusLargeKind is the number of items from which a kind counts as
	// large and must reach corpusMinRecallLargeKind; smaller kinds must
	// reach corpusMinRecallSmallKind.
	corpusLargeKind          = 10
	corpusMinRecallLargeKind = 0.95
	corpusMinRecallSmallKind = 0.80
	// corpusItemTimeout: a redaction that takes longer (or panics) counts
	// as echoing its input, as the external scorer counts a slow or failed
	// run.
	corpusItemTimeout = 10 * time.Second
	// corpusMinDigits: phone, id, iban, card and ip values with at least
	// this many digits are also leaked if their digits occur in the
	// digits-only projection of the output.
	corpusMinDigits = 6
)

// What the corpus itself must hold (checked by TestCorpusIsWellFormed).
const (
	corpusFile            = "testdata/corpus.jsonl"
	corpusMinCases        = 180
	corpusMinItemsPerKind = 8
)

// corpusKinds are the annotation kinds, in report order.
var corpusKinds = []string{
	"name", "phone", "email", "id", "iban", "card", "address", "postcode",
	"url", "handle", "ip", "plate", "school", "dob",
}

var corpusLangs = map[string]bool{"fi": true, "sv": true, "en": true, "mixed": true}

// corpusDigitKinds are checked on their digits as well.
var corpusDigitKinds = map[string]bool{"phone": true, "id": true, "iban": true, "card": true, "ip": true}

type corpusItem struct {
	Value string `json:"value"`
	Kind  string `json:"kind"`
}

type corpusCase struct {
	ID   string       `json:"id"`
	Lang string       `json:"lang"`
	Text string       `json:"text"`
	PII  []corpusItem `json:"pii"`
	Keep []string     `json:"keep"`
}

func loadCorpus(t *testing.T) []corpusCase {
	t.Helper()
	data, err := os.ReadFile(corpusFile)
	if err != nil {
		t.Fatalf("read corpus: %v", err)
	}
	var cases []corpusCase
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 4*1024*1024)
	line := 0
	for sc.Scan() {
		line++
		raw := bytes.TrimSpace(sc.Bytes())
		if len(raw) == 0 {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		var c corpusCase
		if err := dec.Decode(&c); err != nil {
			t.Fatalf("%s:%d: %v", corpusFile, line, err)
		}
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read corpus: %v", err)
	}
	if len(cases) == 0 {
		t.Fatalf("%s: no cases", corpusFile)
	}
	return cases
}

// ---- scoring, as in the shared corpus description -------------------------

// corpusConfusables folds Cyrillic and Greek letters that look like Latin
// ones.
var corpusConfusables = map[rune]rune{
	'а': 'a', 'в': 'b', 'е': 'e', 'ё': 'ë', 'к': 'k', 'м': 'm', 'н': 'h', 'о': 'o', 'р': 'p', 'с': 'c',
	'т': 't', 'у': 'y', 'х': 'x', 'і': 'i', 'ї': 'ï', 'ј': 'j', 'ѕ': 's', 'ԁ': 'd', 'ӏ': 'l', 'ԛ': 'q',
	'ԝ': 'w', 'һ': 'h', 'ɡ': 'g',
	'А': 'A', 'В': 'B', 'Е': 'E', 'К': 'K', 'М': 'M', 'Н': 'H', 'О': 'O', 'Р': 'P', 'С': 'C', 'Т': 'T',
	'У': 'Y', 'Х': 'X', 'І': 'I', 'Ј': 'J', 'Ѕ': 'S', 'Ԁ': 'D', 'Ӏ': 'I',
	'α': 'a', 'ο': 'o', 'ρ': 'p', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'τ': 't', 'υ': 'u', 'χ': 'x', 'ε': 'e',
	'Α': 'A', 'Β': 'B', 'Ε': 'E', 'Ζ': 'Z', 'Η': 'H', 'Ι': 'I', 'Κ': 'K', 'Μ': 'M', 'Ν': 'N', 'Ο': 'O',
	'Ρ': 'P', 'Τ': 'T', 'Υ': 'Y', 'Χ': 'X',
}

// corpusCanon is what leak checks compare: NFKC, zero-width and other
// format characters removed, look-alikes folded, lower case.
func corpusCanon(s string) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.Is(unicode.Cf, r) || r == 0x034F {
			continue
		}
		if l, ok := corpusConfusables[r]; ok {
			r = l
		}
		b.WriteRune(r)
	}
	return strings.ToLower(b.String())
}

func corpusIsAlnum(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// corpusDigits is the digits-only projection of s after NFKC.
func corpusDigits(s string) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// corpusFind reports whether the canonical value v occurs in the canonical
// text o, not glued to a letter or digit on a side where v itself starts or
// ends with one.
func corpusFind(o, v string) bool {
	if v == "" {
		return false
	}
	first, _ := utf8.DecodeRuneInString(v)
	last, _ := utf8.DecodeLastRuneInString(v)
	for from := 0; from <= len(o); {
		i := strings.Index(o[from:], v)
		if i < 0 {
			return false
		}
		i += from
		end := i + len(v)
		glued := false
		if corpusIsAlnum(first) && i > 0 {
			if r, _ := utf8.DecodeLastRuneInString(o[:i]); corpusIsAlnum(r) {
				glued = true
			}
		}
		if corpusIsAlnum(last) && end < len(o) {
			if r, _ := utf8.DecodeRuneInString(o[end:]); corpusIsAlnum(r) {
				glued = true
			}
		}
		if !glued {
			return true
		}
		_, size := utf8.DecodeRuneInString(o[i:])
		from = i + size
	}
	return false
}

// corpusLeaked reports whether item survived in out.
func corpusLeaked(it corpusItem, out string) bool {
	if corpusFind(corpusCanon(out), corpusCanon(it.Value)) {
		return true
	}
	if corpusDigitKinds[it.Kind] {
		if d := corpusDigits(it.Value); len(d) >= corpusMinDigits && strings.Contains(corpusDigits(out), d) {
			return true
		}
	}
	return false
}

// corpusKept reports whether keep survived in out (case-sensitive, NFKC).
func corpusKept(keep, out string) bool {
	return strings.Contains(norm.NFKC.String(out), norm.NFKC.String(keep))
}

type corpusLeak struct {
	id   string
	item corpusItem
	out  string
}

type corpusLost struct {
	id, keep, out string
}

type corpusTally struct{ total, leaked int }

func (c corpusTally) recall() float64 {
	if c.total == 0 {
		return 1
	}
	return 1 - float64(c.leaked)/float64(c.total)
}

type corpusScore struct {
	byKind              map[string]*corpusTally
	byLang              map[string]*corpusTally
	all                 corpusTally
	keepTotal, keepLost int
	leaks               []corpusLeak
	lost                []corpusLost
	problems            []string // timeouts, panics
}

func (s *corpusScore) keepRate() float64 {
	if s.keepTotal == 0 {
		return 1
	}
	return 1 - float64(s.keepLost)/float64(s.keepTotal)
}

func newCorpusScore() *corpusScore {
	return &corpusScore{byKind: map[string]*corpusTally{}, byLang: map[string]*corpusTally{}}
}

// add scores one case whose redacted text is out.
func (s *corpusScore) add(c corpusCase, out string) {
	for _, it := range c.PII {
		k := s.byKind[it.Kind]
		if k == nil {
			k = &corpusTally{}
			s.byKind[it.Kind] = k
		}
		l := s.byLang[c.Lang]
		if l == nil {
			l = &corpusTally{}
			s.byLang[c.Lang] = l
		}
		k.total++
		l.total++
		s.all.total++
		if corpusLeaked(it, out) {
			k.leaked++
			l.leaked++
			s.all.leaked++
			s.leaks = append(s.leaks, corpusLeak{c.ID, it, out})
		}
	}
	for _, keep := range c.Keep {
		s.keepTotal++
		if !corpusKept(keep, out) {
			s.keepLost++
			s.lost = append(s.lost, corpusLost{c.ID, keep, out})
		}
	}
}

// corpusRedact runs the redactor on text; a panic or a run over
// corpusItemTimeout counts as echoing the input.
func corpusRedact(r *redact.Redactor, text string) (out string, problem string) {
	type result struct {
		out   string
		panic any
	}
	ch := make(chan result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				ch <- result{panic: p}
			}
		}()
		ch <- result{out: r.Redact(text).Text}
	}()
	select {
	case res := <-ch:
		if res.panic != nil {
			return text, fmt.Sprintf("panic: %v", res.panic)
		}
		return res.out, ""
	case <-time.After(corpusItemTimeout):
		return text, "timeout after " + corpusItemTimeout.String()
	}
}

func corpusKindOrder(m map[string]*corpusTally) []string {
	seen := map[string]bool{}
	var order []string
	for _, k := range corpusKinds {
		if m[k] != nil {
			order = append(order, k)
			seen[k] = true
		}
	}
	var extra []string
	for k := range m {
		if !seen[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	return append(order, extra...)
}

func TestCorpusScore(t *testing.T) {
	cases := loadCorpus(t)
	r := redact.New(redact.Options{})
	s := newCorpusScore()
	for _, c := range cases {
		out, problem := corpusRedact(r, c.Text)
		if problem != "" {
			s.problems = append(s.problems, c.ID+": "+problem)
		}
		s.add(c, out)
	}

	t.Logf("corpus %s: %d cases, %d pii items, %d keep strings", corpusFile, len(cases), s.all.total, s.keepTotal)
	t.Logf("%-9s %6s %7s %7s", "kind", "total", "leaked", "recall")
	for _, k := range corpusKindOrder(s.byKind) {
		c := s.byKind[k]
		t.Logf("%-9s %6d %7d %7.3f", k, c.total, c.leaked, c.recall())
	}
	t.Logf("%-9s %6d %7d %7.3f", "ALL", s.all.total, s.all.leaked, s.all.recall())
	t.Logf("%-9s %6d %7d %7.3f  (keep: total, lost, rate)", "keep", s.keepTotal, s.keepLost, s.keepRate())
	for _, l := range []string{"fi", "sv", "en", "mixed"} {
		if c := s.byLang[l]; c != nil {
			t.Logf("lang %-5s recall %.3f (%d/%d leaked)", l, c.recall(), c.leaked, c.total)
		}
	}
	for _, p := range s.problems {
		t.Logf("PROBLEM %s (counted as echoing the input)", p)
	}
	for _, l := range s.leaks {
		t.Logf("LEAK %s %-8s %q  in: %q", l.id, l.item.Kind, l.item.Value, l.out)
	}
	for _, l := range s.lost {
		t.Logf("LOST %s keep %q  in: %q", l.id, l.keep, l.out)
	}

	if rec := s.all.recall(); rec < corpusMinOverallRecall {
		t.Errorf("overall recall %.3f < %.2f (%d of %d items leaked)", rec, corpusMinOverallRecall, s.all.leaked, s.all.total)
	}
	if kr := s.keepRate(); kr < corpusMinKeepRate {
		t.Errorf("keep rate %.3f < %.2f (%d of %d keep strings lost)", kr, corpusMinKeepRate, s.keepLost, s.keepTotal)
	}
	for _, k := range corpusKindOrder(s.byKind) {
		c := s.byKind[k]
		floor := corpusMinRecallSmallKind
		if c.total >= corpusLargeKind {
			floor = corpusMinRecallLargeKind
		}
		if rec := c.recall(); rec < floor {
			t.Errorf("kind %s: recall %.3f < %.2f (%d of %d leaked)", k, rec, floor, c.leaked, c.total)
		}
	}
}

// ---- the corpus itself ----------------------------------------------------

const corpusHetuCheck = "0123456789ABCDEFHJKLMNPRSTUVWXY"

var corpusHetuRE = regexp.MustCompile(`^(\d{2})(\d{2})(\d{2})([-+ABCDEFUVWXY])(\d{3})([0-9A-Y])$`)

// corpusPlain is NFKC with format characters removed: the form in which
// checksums are verified.
func corpusPlain(s string) string {
	s = norm.NFKC.String(s)
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s)
}

func corpusValidHetu(v string) error {
	m := corpusHetuRE.FindStringSubmatch(strings.ToUpper(corpusPlain(v)))
	if m == nil {
		return fmt.Errorf("not of the form DDMMYYCNNNQ")
	}
	dd, mm := corpusAtoi2(m[1]), corpusAtoi2(m[2])
	if dd < 1 || dd > 31 || mm < 1 || mm > 12 {
		return fmt.Errorf("no such date")
	}
	n := new(big.Int)
	n.SetString(m[1]+m[2]+m[3]+m[5], 10)
	want := corpusHetuCheck[new(big.Int).Mod(n, big.NewInt(31)).Int64()]
	if m[6][0] != want {
		return fmt.Errorf("check character %s, want %c", m[6], want)
	}
	return nil
}

func corpusAtoi2(s string) int { return int(s[0]-'0')*10 + int(s[1]-'0') }

var corpusIBANRE = regexp.MustCompile(`^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$`)

func corpusValidIBAN(v string) error {
	s := strings.ToUpper(corpusPlain(v))
	s = strings.NewReplacer(" ", "", "-", "").Replace(s)
	if !corpusIBANRE.MatchString(s) {
		return fmt.Errorf("not an IBAN")
	}
	if strings.HasPrefix(s, "FI") && len(s) != 18 {
		return fmt.Errorf("a Finnish IBAN has 18 characters, not %d", len(s))
	}
	rem := 0
	for _, c := range s[4:] + s[:4] {
		switch {
		case c >= '0' && c <= '9':
			rem = (rem*10 + int(c-'0')) % 97
		default:
			rem = (rem*100 + int(c-'A') + 10) % 97
		}
	}
	if rem != 1 {
		return fmt.Errorf("mod 97 is %d, not 1", rem)
	}
	return nil
}

func corpusValidCard(v string) error {
	s := strings.NewReplacer(" ", "", "-", "").Replace(corpusPlain(v))
	if len(s) < 12 || len(s) > 19 {
		return fmt.Errorf("%d digits", len(s))
	}
	sum := 0
	for i := 0; i < len(s); i++ {
		c := s[len(s)-1-i]
		if c < '0' || c > '9' {
			return fmt.Errorf("not only digits")
		}
		d := int(c - '0')
		if i%2 == 1 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	if sum%10 != 0 {
		return fmt.Errorf("fails the Luhn check")
	}
	return nil
}

// corpusIdeal is what a perfect redactor would return: every annotated
// value, where it stands as a whole token, replaced by a placeholder.
func corpusIdeal(c corpusCase) string {
	items := append([]corpusItem(nil), c.PII...)
	sort.SliceStable(items, func(i, j int) bool { return len(items[i].Value) > len(items[j].Value) })
	out := c.Text
	for _, it := range items {
		v := it.Value
		if v == "" {
			continue
		}
		first, _ := utf8.DecodeRuneInString(v)
		last, _ := utf8.DecodeLastRuneInString(v)
		var b strings.Builder
		i := 0
		for {
			j := strings.Index(out[i:], v)
			if j < 0 {
				b.WriteString(out[i:])
				break
			}
			j += i
			end := j + len(v)
			glued := false
			if corpusIsAlnum(first) && j > 0 {
				if r, _ := utf8.DecodeLastRuneInString(out[:j]); corpusIsAlnum(r) {
					glued = true
				}
			}
			if corpusIsAlnum(last) && end < len(out) {
				if r, _ := utf8.DecodeRuneInString(out[end:]); corpusIsAlnum(r) {
					glued = true
				}
			}
			if glued {
				_, size := utf8.DecodeRuneInString(out[j:])
				b.WriteString(out[i : j+size])
				i = j + size
				continue
			}
			b.WriteString(out[i:j])
			b.WriteString("[X]")
			i = end
		}
		out = b.String()
	}
	return out
}

func TestCorpusIsWellFormed(t *testing.T) {
	cases := loadCorpus(t)
	kinds := map[string]bool{}
	for _, k := range corpusKinds {
		kinds[k] = true
	}
	ids := map[string]bool{}
	perKind := map[string]int{}
	for _, c := range cases {
		if c.ID == "" {
			t.Errorf("a case has no id: %q", c.Text)
			continue
		}
		if ids[c.ID] {
			t.Errorf("%s: duplicate id", c.ID)
		}
		ids[c.ID] = true
		if !corpusLangs[c.Lang] {
			t.Errorf("%s: unknown lang %q", c.ID, c.Lang)
		}
		if strings.TrimSpace(c.Text) == "" {
			t.Errorf("%s: empty text", c.ID)
		}
		if !utf8.ValidString(c.Text) {
			t.Errorf("%s: text is not valid UTF-8", c.ID)
		}
		seen := map[corpusItem]bool{}
		for _, it := range c.PII {
			perKind[it.Kind]++
			if !kinds[it.Kind] {
				t.Errorf("%s: unknown kind %q", c.ID, it.Kind)
			}
			if it.Value == "" || !strings.Contains(c.Text, it.Value) {
				t.Errorf("%s: pii value %q (%s) is not a substring of the text", c.ID, it.Value, it.Kind)
			}
			if seen[it] {
				t.Errorf("%s: pii value %q (%s) listed twice", c.ID, it.Value, it.Kind)
			}
			seen[it] = true
			var err error
			switch it.Kind {
			case "id":
				err = corpusValidHetu(it.Value)
			case "iban":
				err = corpusValidIBAN(it.Value)
			case "card":
				err = corpusValidCard(it.Value)
			}
			if err != nil {
				t.Errorf("%s: %s %q: %v", c.ID, it.Kind, it.Value, err)
			}
		}
		for _, k := range c.Keep {
			if k == "" || !strings.Contains(c.Text, k) {
				t.Errorf("%s: keep %q is not a substring of the text", c.ID, k)
			}
		}
		// A perfect redactor must be able to score 100% on the case: no
		// value may also stand unannotated elsewhere in the text, and no
		// keep string may contain a value.
		ideal := corpusIdeal(c)
		for _, it := range c.PII {
			if corpusLeaked(it, ideal) {
				t.Errorf("%s: %s %q leaks even from a perfect redaction %q", c.ID, it.Kind, it.Value, ideal)
			}
		}
		for _, k := range c.Keep {
			if !corpusKept(k, ideal) {
				t.Errorf("%s: keep %q is lost even by a perfect redaction %q", c.ID, k, ideal)
			}
		}
	}
	if len(cases) < corpusMinCases {
		t.Errorf("%d cases, want at least %d", len(cases), corpusMinCases)
	}
	for _, k := range corpusKinds {
		if perKind[k] < corpusMinItemsPerKind {
			t.Errorf("kind %s: %d items, want at least %d", k, perKind[k], corpusMinItemsPerKind)
		}
	}
}
