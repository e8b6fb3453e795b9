package triage

import (
	"bufio"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// The rules file (rules.txt) is data, read once at start-up. Its grammar:
//
//	# comment
//	@class = word word …        a named word class; indented lines continue it
//	[urgent SIGNAL]             patterns that raise SIGNAL on their own
//	[weak SIGNAL]               patterns that raise SIGNAL only with a time or
//	                            urgency cue, or beside a strong match
//	[cue NAME]                  patterns that mark context (negation, past …)
//	[cue NAME lang=fi]          the same, only when the text looks Finnish
//	[weak SIGNAL strict]        confirmed only by now, tonight, soon, a plan
//	                            or a call for help, not by "yesterday"
//	[spam SIGNAL WEIGHT]        patterns that add WEIGHT to the spam score
//	pattern [& slot …]          one pattern a line, optional document context
//
// A pattern is slots separated by spaces. A slot is one word or several
// joined by "|"; a word is folded like the text (ä→a, ö→o), "stem*" is a
// prefix, "*end" a suffix, "@class" a class, "@num" any number, "-word"
// excludes, and "=word" turns off typo tolerance (on for words of seven
// letters or more). "@manynum" is a count of five or more ("15"). "*mid*" matches inside a compound ("*lääk*" in
// "masennuslääkkeet"); "@adultage" is an adult's age ("30v", "25-vuotias",
// "40"). Between two slots, "..N" allows up to N other words in between,
// "<N>" the same in either order; nothing means adjacent. A final "$" asks
// that the match end its clause. "& slot" requires a word of that slot
// anywhere in the text.

// wordKind says how a word of the rules meets a word of the text.
type wordKind uint8

const (
	exact wordKind = iota
	prefix
	suffix
	infix
)

// word is one alternative of a slot.
type word struct {
	text  string
	kind  wordKind
	fuzzy bool
}

// slot is a set of words, some excluded; slots are shared between patterns.
type slot struct {
	words    []word
	excludes []word
	num      bool // @num: a token of digits
	adultAge bool // @adultage: 18–99, alone or with a unit ("30v")
	manyNum  bool // @manynum: a count of five or more ("15"), not a dose of one or two
}

// link relates a slot to the one before it in a pattern.
type link struct {
	gap       int  // other words allowed in between
	unordered bool // either side of the previous slot
}

// pattern is one line of the rules.
type pattern struct {
	slots []int  // slot ids
	links []link // links[i] relates slots[i] to slots[i-1]; links[0] unused
	needs []int  // slot ids that must occur somewhere in the text
	// endClause: the last slot's word ends its clause.
	endClause bool
	line      int
	src       string
}

// section is a run of patterns under one header.
type section struct {
	kind   string // urgent, weak, cue, spam
	name   string // signal or cue name
	weight int    // spam weight
	lang   string // "" or fi, sv, en
	// strict: a weak section that only a cue of now, tonight, soon, a
	// plan or a call for help confirms; "yesterday" is not enough to turn
	// "I can't take anything anymore" into a crisis.
	strict bool
	pats   []pattern
}

// ruleSet is the compiled rules file.
type ruleSet struct {
	slots    []slot
	sections []section
	classes  map[string][]string

	exactIdx  map[string][]int32
	prefixIdx map[string][]int32
	suffixIdx map[string][]int32
	fuzzyIdx  map[byte][]fuzzyWord
	infixes   []fuzzyWord // infix words and their slots
	numSlots  []int32
	ageSlots  []int32
	manySlots []int32
	docs      sync.Pool // of *doc
	maxPrefix int
	maxSuffix int
}

// fuzzyWord is a word of seven letters or more that tolerates one typo.
type fuzzyWord struct {
	word
	slots []int32
}

// fuzzyMin is the shortest word that tolerates a typo. Shorter words have
// too many real neighbours one letter away ("kuolla"/"kuulla").
const fuzzyMin = 7

// parseRules compiles the rules file; the error names the line.
func parseRules(src string) (*ruleSet, error) {
	rs := &ruleSet{classes: map[string][]string{}}
	type rawPat struct {
		sec  int
		line int
		text string
	}
	var pats []rawPat
	var lastClass string
	sc := bufio.NewScanner(strings.NewReader(src))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		raw := sc.Text()
		if i := strings.Index(raw, "#"); i >= 0 {
			raw = raw[:i]
		}
		line := strings.TrimSpace(raw)
		if line == "" {
			continue
		}
		indented := raw[0] == ' ' || raw[0] == '\t'
		switch {
		case indented && lastClass != "":
			rs.classes[lastClass] = append(rs.classes[lastClass], strings.Fields(line)...)
		case isClassLine(line):
			name, body, _ := strings.Cut(line, "=")
			name = strings.TrimSpace(name)
			if _, dup := rs.classes[name]; dup || name == "@num" || name == "@adultage" || name == "@manynum" {
				return nil, fmt.Errorf("rules line %d: class %s defined twice", n, name)
			}
			rs.classes[name] = strings.Fields(body)
			lastClass = name
		case strings.HasPrefix(line, "["):
			lastClass = ""
			sec, err := parseHeader(line)
			if err != nil {
				return nil, fmt.Errorf("rules line %d: %w", n, err)
			}
			rs.sections = append(rs.sections, sec)
		default:
			lastClass = ""
			if len(rs.sections) == 0 {
				return nil, fmt.Errorf("rules line %d: pattern before any [section]", n)
			}
			pats = append(pats, rawPat{len(rs.sections) - 1, n, line})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	slotIDs := map[string]int{}
	for _, p := range pats {
		kind := rs.sections[p.sec].kind
		cp, err := rs.compilePattern(p.text, slotIDs, kind == "urgent" || kind == "weak")
		if err != nil {
			return nil, fmt.Errorf("rules line %d: %w", p.line, err)
		}
		cp.line, cp.src = p.line, p.text
		rs.sections[p.sec].pats = append(rs.sections[p.sec].pats, cp)
	}
	rs.buildIndex()
	return rs, nil
}

// isClassLine reports a class definition, "@name = words".
func isClassLine(line string) bool {
	name, _, ok := strings.Cut(line, "=")
	name = strings.TrimSpace(name)
	return ok && strings.HasPrefix(name, "@") && len(name) > 1 && !strings.ContainsAny(name, " \t|*")
}

func parseHeader(line string) (section, error) {
	if !strings.HasSuffix(line, "]") {
		return section{}, fmt.Errorf("section header %q lacks ]", line)
	}
	f := strings.Fields(line[1 : len(line)-1])
	var sec section
	for len(f) > 2 {
		last := f[len(f)-1]
		if v, ok := strings.CutPrefix(last, "lang="); ok {
			sec.lang = v
		} else if last == "strict" {
			sec.strict = true
		} else {
			break
		}
		f = f[:len(f)-1]
	}
	switch {
	case len(f) == 2 && (f[0] == "urgent" || f[0] == "weak" || f[0] == "cue"):
		sec.kind, sec.name = f[0], f[1]
	case len(f) == 3 && f[0] == "spam":
		w, err := strconv.Atoi(f[2])
		if err != nil {
			return section{}, fmt.Errorf("spam weight %q: %w", f[2], err)
		}
		sec.kind, sec.name, sec.weight = f[0], f[1], w
	default:
		return section{}, fmt.Errorf("unknown section header %q", line)
	}
	return sec, nil
}

// compilePattern turns one pattern line into slot ids and links.
// Typo tolerance is for trigger words only: a cue or a spam word one
// letter off is too often another word ("vauvana"/"vauvaa").
func (rs *ruleSet) compilePattern(text string, slotIDs map[string]int, fuzzy bool) (pattern, error) {
	var p pattern
	fields := strings.Fields(text)
	pending := link{}
	haveLink := false
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		if f == "$" {
			if i != len(fields)-1 && fields[i+1] != "&" {
				return p, fmt.Errorf("$ must end the pattern")
			}
			p.endClause = true
			continue
		}
		if f == "&" {
			if i+1 >= len(fields) {
				return p, fmt.Errorf("& at the end")
			}
			id, err := rs.slotID(fields[i+1], slotIDs, fuzzy)
			if err != nil {
				return p, err
			}
			p.needs = append(p.needs, id)
			i++
			continue
		}
		if len(p.needs) > 0 {
			return p, fmt.Errorf("%q after a & context", f)
		}
		if g, ok := strings.CutPrefix(f, ".."); ok {
			n, err := strconv.Atoi(g)
			if err != nil || n < 0 || haveLink || len(p.slots) == 0 {
				return p, fmt.Errorf("bad gap %q", f)
			}
			pending, haveLink = link{gap: n}, true
			continue
		}
		if strings.HasPrefix(f, "<") && strings.HasSuffix(f, ">") && len(f) > 2 {
			n, err := strconv.Atoi(f[1 : len(f)-1])
			if err != nil || n < 0 || haveLink || len(p.slots) == 0 {
				return p, fmt.Errorf("bad window %q", f)
			}
			pending, haveLink = link{gap: n, unordered: true}, true
			continue
		}
		id, err := rs.slotID(f, slotIDs, fuzzy)
		if err != nil {
			return p, err
		}
		p.slots = append(p.slots, id)
		p.links = append(p.links, pending)
		pending, haveLink = link{}, false
	}
	if len(p.slots) == 0 {
		return p, fmt.Errorf("empty pattern")
	}
	if haveLink {
		return p, fmt.Errorf("gap at the end")
	}
	return p, nil
}

// slotID returns the id of the slot written as spec, creating it once.
func (rs *ruleSet) slotID(spec string, slotIDs map[string]int, fuzzy bool) (int, error) {
	key := fmt.Sprint(fuzzy, " ", spec)
	if id, ok := slotIDs[key]; ok {
		return id, nil
	}
	var s slot
	seen := map[string]bool{}
	if err := rs.addAlternatives(&s, strings.Split(spec, "|"), seen, 0); err != nil {
		return 0, fmt.Errorf("slot %q: %w", spec, err)
	}
	if !fuzzy {
		for i := range s.words {
			s.words[i].fuzzy = false
		}
	}
	if len(s.words) == 0 && !s.num && !s.adultAge && !s.manyNum {
		return 0, fmt.Errorf("slot %q has no words", spec)
	}
	id := len(rs.slots)
	rs.slots = append(rs.slots, s)
	slotIDs[key] = id
	return id, nil
}

func (rs *ruleSet) addAlternatives(s *slot, alts []string, seen map[string]bool, depth int) error {
	if depth > 8 {
		return fmt.Errorf("classes nest too deep")
	}
	for _, a := range alts {
		switch {
		case a == "":
			return fmt.Errorf("empty alternative")
		case a == "@num":
			s.num = true
		case a == "@adultage":
			s.adultAge = true
		case a == "@manynum":
			s.manyNum = true
		case strings.HasPrefix(a, "@"):
			body, ok := rs.classes[a]
			if !ok {
				return fmt.Errorf("unknown class %s", a)
			}
			if err := rs.addAlternatives(s, body, seen, depth+1); err != nil {
				return err
			}
		case strings.HasPrefix(a, "-"):
			w, err := parseWord(a[1:])
			if err != nil {
				return err
			}
			w.fuzzy = false
			s.excludes = append(s.excludes, w)
		default:
			w, err := parseWord(a)
			if err != nil {
				return err
			}
			key := fmt.Sprint(w.kind, w.text)
			if !seen[key] {
				seen[key] = true
				s.words = append(s.words, w)
			}
		}
	}
	return nil
}

func parseWord(a string) (word, error) {
	w := word{fuzzy: true}
	if t, ok := strings.CutPrefix(a, "="); ok {
		a, w.fuzzy = t, false
	}
	switch {
	case strings.HasSuffix(a, "*") && strings.HasPrefix(a, "*") && len(a) > 2:
		w.kind, a, w.fuzzy = infix, strings.Trim(a, "*"), false
	case strings.HasSuffix(a, "*"):
		w.kind, a = prefix, strings.TrimSuffix(a, "*")
	case strings.HasPrefix(a, "*"):
		w.kind, a, w.fuzzy = suffix, strings.TrimPrefix(a, "*"), false
	}
	w.text = foldWord(a)
	if w.text == "" || strings.ContainsAny(w.text, "*@|=&") {
		return w, fmt.Errorf("bad word %q", a)
	}
	if len(w.text) < fuzzyMin {
		w.fuzzy = false
	}
	return w, nil
}

// buildIndex maps every word to the slots that hold it.
func (rs *ruleSet) buildIndex() {
	rs.exactIdx = map[string][]int32{}
	rs.prefixIdx = map[string][]int32{}
	rs.suffixIdx = map[string][]int32{}
	rs.fuzzyIdx = map[byte][]fuzzyWord{}
	fuzzy := map[string]int{} // kind+text → index in its bucket
	for id, s := range rs.slots {
		sid := int32(id)
		if s.num {
			rs.numSlots = append(rs.numSlots, sid)
		}
		if s.adultAge {
			rs.ageSlots = append(rs.ageSlots, sid)
		}
		if s.manyNum {
			rs.manySlots = append(rs.manySlots, sid)
		}
		for _, w := range s.words {
			switch w.kind {
			case exact:
				rs.exactIdx[w.text] = appendOnce(rs.exactIdx[w.text], sid)
			case prefix:
				rs.prefixIdx[w.text] = appendOnce(rs.prefixIdx[w.text], sid)
				rs.maxPrefix = max(rs.maxPrefix, len(w.text))
			case suffix:
				rs.suffixIdx[w.text] = appendOnce(rs.suffixIdx[w.text], sid)
				rs.maxSuffix = max(rs.maxSuffix, len(w.text))
			case infix:
				found := false
				for i := range rs.infixes {
					if rs.infixes[i].text == w.text {
						rs.infixes[i].slots = appendOnce(rs.infixes[i].slots, sid)
						found = true
					}
				}
				if !found {
					rs.infixes = append(rs.infixes, fuzzyWord{w, []int32{sid}})
				}
			}
			if w.fuzzy {
				k := fmt.Sprint(w.kind, w.text)
				b := w.text[0]
				if i, ok := fuzzy[k]; ok {
					rs.fuzzyIdx[b][i].slots = appendOnce(rs.fuzzyIdx[b][i].slots, sid)
				} else {
					fuzzy[k] = len(rs.fuzzyIdx[b])
					rs.fuzzyIdx[b] = append(rs.fuzzyIdx[b], fuzzyWord{w, []int32{sid}})
				}
			}
		}
	}
}

func appendOnce(xs []int32, x int32) []int32 {
	if slices.Contains(xs, x) {
		return xs
	}
	return append(xs, x)
}

// within1 reports whether a and b differ by at most one edit: a letter
// added, dropped, changed, or two neighbours swapped.
func within1(a, b string) bool {
	la, lb := len(a), len(b)
	if la-lb > 1 || lb-la > 1 {
		return false
	}
	i := 0
	for i < la && i < lb && a[i] == b[i] {
		i++
	}
	switch {
	case i == la && i == lb:
		return true
	case la == lb:
		if a[i+1:] == b[i+1:] {
			return true
		}
		return i+1 < la && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	case la > lb:
		return a[i+1:] == b[i:]
	default:
		return a[i:] == b[i+1:]
	}
}

// fuzzyMatch reports whether tok is w with one typo.
func fuzzyMatch(w word, tok string) bool {
	if w.kind == exact {
		return within1(w.text, tok)
	}
	// A word shorter than the stem is another word, not a typo:
	// "sträng" is not "strangl-".
	n := len(w.text)
	if len(tok) < n {
		return false
	}
	for k := n - 1; k <= n+1 && k <= len(tok); k++ {
		if within1(w.text, tok[:k]) {
			return true
		}
	}
	return false
}

// wordMatch reports whether tok is an instance of w, without typos.
func wordMatch(w word, tok string) bool {
	switch w.kind {
	case prefix:
		return strings.HasPrefix(tok, w.text)
	case suffix:
		return strings.HasSuffix(tok, w.text)
	case infix:
		return strings.Contains(tok, w.text)
	}
	return tok == w.text
}
