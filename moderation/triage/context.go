package triage

// cues is what the context patterns found in one question.
type cues struct {
	d    *doc
	lang string
	by   map[string][]span
	// per word
	neg, negAfter, fill, hypoEnd, continues, resolved []bool

	friendHit bool
	// explained counts urgent pattern matches the context explained away.
	explained int
}

// langScoreMin is how many more typical words one language needs over the
// others before language-specific cues (Finnish "en" is "I don't", Swedish
// "en" is "a") trust the guess.
const langScoreMin = 1

func (c *Classifier) context(d *doc) *cues {
	cx := &cues{d: d, by: map[string][]span{}}
	score := map[string]int{}
	for _, l := range []string{"fi", "sv", "en"} {
		for _, sec := range c.cues["lang_"+l] {
			score[l] += len(d.spans(sec))
		}
	}
	best, second := "", 0
	for _, l := range []string{"fi", "sv", "en"} {
		if best == "" || score[l] > score[best] {
			best = l
		}
	}
	for _, l := range []string{"fi", "sv", "en"} {
		if l != best && score[l] > second {
			second = score[l]
		}
	}
	if score[best]-second >= langScoreMin {
		cx.lang = best
	}
	for name, secs := range c.cues {
		for _, sec := range secs {
			if sec.lang != "" && cx.lang != "" && sec.lang != cx.lang {
				continue
			}
			cx.by[name] = append(cx.by[name], d.spans(sec)...)
		}
	}
	n := len(d.toks)
	mark := func(name string, whole bool) []bool {
		at := make([]bool, n)
		for _, s := range cx.by[name] {
			if whole {
				for p := s.start; p <= s.end; p++ {
					at[p] = true
				}
			} else {
				at[s.start] = true
			}
		}
		return at
	}
	cx.neg = mark("negation", false)
	cx.negAfter = mark("negafter", false)
	cx.fill = mark("negfill", false)
	cx.hypoEnd = mark("hypoend", false)
	cx.continues = mark("continues", false)
	cx.resolved = mark("resolved", true)
	return cx
}

// live reports whether a time cue is not part of a "resolved" phrase: the
// "now" of "now everything is fine" says nothing about danger now.
func (cx *cues) live(s span) bool {
	for p := s.start; p <= s.end; p++ {
		if cx.resolved[p] {
			return false
		}
	}
	return true
}

// any reports a live cue of name for which ok holds.
func (cx *cues) any(name string, ok func(span) bool) bool {
	for _, s := range cx.by[name] {
		if cx.live(s) && (ok == nil || ok(s)) {
			return true
		}
	}
	return false
}

func (cx *cues) sentence(p int) int { return cx.d.toks[p].sentence }
func (cx *cues) clause(p int) int   { return cx.d.toks[p].clause }

// support reports a cue that turns a weak pattern into an urgent one: a
// time now, tonight or soon, a plan, or a call for help.
func (cx *cues) support(strict bool) bool {
	names := []string{"recent", "now", "tonight", "urgency", "soon", "plan"}
	if strict {
		names = names[1:]
	}
	for _, n := range names {
		if cx.any(n, nil) {
			return true
		}
	}
	return false
}

// modifiers are the signals that qualify an urgent verdict.
func (cx *cues) modifiers() []string {
	var out []string
	if cx.friendHit {
		out = append(out, "friend")
	}
	if cx.any("now", nil) {
		out = append(out, "now")
	}
	if cx.any("tonight", nil) {
		out = append(out, "tonight")
	}
	return out
}

func (cx *cues) inFriendSentence(s span) bool {
	return cx.any("friend", func(f span) bool { return cx.sentence(f.start) == cx.sentence(s.start) })
}

// suppressed reports whether the context of a match explains it away.
func (cx *cues) suppressed(s span) bool {
	return cx.idiom(s) || cx.negated(s) || cx.joking(s) || cx.fiction(s) || cx.past(s) || cx.resolvedLater(s) ||
		cx.hypothetical(s) || cx.general(s)
}

// overlaps reports a cue of name that shares a word with s.
func (cx *cues) overlaps(name string, s span) bool {
	for _, i := range cx.by[name] {
		if i.start <= s.end && s.start <= i.end {
			return true
		}
	}
	return false
}

// idiom: the match is part of a figure of speech ("mom will kill me when
// she sees my grades", "I could die of shame") or about an animal.
// A threat word just before the figure makes it literal: "uhkaa tappaa
// mut jos näkee mut sen kanssa" is a threat, not "mom will kill me".
func (cx *cues) idiom(s span) bool {
	for _, i := range cx.by["idiom"] {
		if i.start > s.end || s.start > i.end {
			continue
		}
		literal := false
		for _, m := range cx.by["menace"] {
			if m.start < i.start && i.start-m.start <= 2 && cx.sentence(m.start) == cx.sentence(i.start) {
				literal = true
			}
		}
		if !literal {
			return true
		}
	}
	return false
}

// joking: the sentence takes it back as a joke ("…, vitsi vitsi", "jk"),
// unless the joke is denied ("en mä vitsaile", "not joking").
func (cx *cues) joking(s span) bool {
	sent := cx.sentence(s.start)
	for _, j := range cx.by["joke"] {
		if cx.sentence(j.start) == sent && !cx.negated(j) {
			return true
		}
	}
	return false
}

// fiction: the sentence is about a story, a film or a book ("a novel
// where the hero kills himself").
func (cx *cues) fiction(s span) bool {
	sent := cx.sentence(s.start)
	return cx.any("fiction", func(f span) bool { return cx.sentence(f.start) == sent })
}

// negated: a negation inside the match ("isä ei oo koskaan lyöny"), just
// before it with only auxiliaries between ("I'm not going to hurt
// myself", "en aio tappaa itteäni"), or just after it in Swedish ("han slår
// mig inte").
func (cx *cues) negated(s span) bool {
	for p := s.start + 1; p < s.end; p++ {
		if cx.neg[p] && !contains(s.used, p) {
			return true
		}
	}
	cl := cx.clause(s.start)
	for j, steps := s.start-1, 0; j >= 0 && steps <= 4 && cx.clause(j) == cl; j, steps = j-1, steps+1 {
		if cx.neg[j] {
			return true
		}
		if !cx.fill[j] {
			break
		}
	}
	for j := s.end + 1; j <= s.end+2 && j < len(cx.d.toks) && cx.clause(j) == cx.clause(s.end); j++ {
		if cx.negAfter[j] {
			return true
		}
	}
	return false
}

// recentNear reports a live cue of the present ("now", "again", "still",
// "yesterday") in a clause of the match.
func (cx *cues) recentNear(s span) bool {
	a, b := cx.clause(s.start), cx.clause(s.end)
	return cx.any("recent", func(r span) bool {
		c := cx.clause(r.start)
		return c >= a && c <= b
	})
}

// past: the sentence places the event in the past ("when I was little",
// "years ago"), and the match's clause says nothing of now.
func (cx *cues) past(s span) bool {
	sent := cx.sentence(s.start)
	if !cx.any("past", func(p span) bool { return cx.sentence(p.start) == sent }) {
		return false
	}
	if cx.recentNear(s) || cx.any("continuing", func(c span) bool { return cx.sentence(c.start) == sent }) {
		return false
	}
	return true
}

// resolvedLater: the text tells, after the match, that it is over ("now
// everything is fine", "he moved out"), and nothing ties the match to now.
// A time cue after the resolution ("…, now it's fine, but last night he
// hit me again") or tonight keeps the match.
func (cx *cues) resolvedLater(s span) bool {
	first := -1
	for _, r := range cx.by["resolved"] {
		if r.start > s.end && (first < 0 || r.start < first) {
			first = r.start
		}
	}
	if first < 0 || cx.any("tonight", nil) {
		return false
	}
	return !cx.any("recent", func(r span) bool { return r.start > first })
}

// hypothetical: the match sits inside a condition ("what if", "jos",
// "tänk om") and nothing ties it to now. A disclosure inside the condition
// ("if I tell that dad hits me") still counts, unless the subject is
// someone in general.
func (cx *cues) hypothetical(s span) bool {
	sent := cx.sentence(s.start)
	for _, h := range cx.by["hypothetical"] {
		// "whether" is not "if"; and a condition set by someone threatening
		// ("he said if I tell he'll hurt my sister") is a threat, not a
		// hypothesis.
		// A condition cue read across a clause break ("…wherever I can,
		// my parents…") is no condition.
		if h.end >= s.start || cx.sentence(h.start) != sent || cx.clause(h.start) != cx.clause(h.end) ||
			cx.overlaps("whether", h) || cx.overlaps("threat", h) {
			continue
		}
		inScope := true
		for p := h.end + 1; p <= s.start; p++ {
			if cx.hypoEnd[p] || (cx.d.toks[p].punct && !cx.continues[p]) {
				inScope = false
				break
			}
		}
		if !inScope {
			continue
		}
		if cx.any("recent", func(r span) bool { return r.start >= h.start && r.start <= s.end+3 && cx.sentence(r.start) == sent }) ||
			cx.any("tonight", func(r span) bool { return cx.sentence(r.start) == sent }) {
			return false
		}
		disclosed := cx.any("disclosure", func(x span) bool { return x.start > h.end-1 && x.end < s.start+1 && cx.sentence(x.start) == sent })
		if disclosed && !cx.genericSentence(sent) {
			return false
		}
		return true
	}
	return false
}

// genericSentence: the sentence speaks of people in general ("a child",
// "someone") and not of the writer.
func (cx *cues) genericSentence(sent int) bool {
	in := func(x span) bool { return cx.sentence(x.start) == sent }
	return cx.any("generic", in) && !cx.any("firstperson", in)
}

// general: a question about people in general ("why do people self-harm",
// "may parents hit a child"): no first person in the sentence, or a
// general subject right at the match and no first person there ("I've
// heard that some kids run away from children's homes").
func (cx *cues) general(s span) bool {
	if cx.genericSentence(cx.sentence(s.start)) {
		return true
	}
	lo, hi := s.start-genericReach, s.end+genericReach
	near := func(x span) bool {
		return x.start >= lo && x.start <= hi && cx.sentence(x.start) == cx.sentence(s.start)
	}
	return cx.any("genericnear", near) && !cx.any("firstperson", near)
}

// genericReach is how near a general subject must be to its match.
const genericReach = 3

func contains(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
