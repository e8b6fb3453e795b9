// Package triage classifies an anonymous question at intake (SPEC §8):
// urgent when it tells of a risk to life or safety now (self-harm, violence
// or abuse, being thrown out or on the run, an acute substance emergency, a
// sibling in danger, fear of going home), and spam when it is an ad, link
// spam, gibberish or a copy-paste flood. It reads Finnish (spoken forms and
// missing ä/ö included), Swedish and English.
//
// The words and patterns live in rules.txt, a readable data file embedded
// in the binary; this code only normalises, matches and weighs context
// (negation, past and resolved events, hypothetical and general questions).
// Every verdict carries named signals that tell a moderator why.
//
// The package imports only the standard library. It never stores or logs
// the text; FloodGuard keeps only keyed hashes, in memory.
package triage

import (
	_ "embed"
	"fmt"
	"slices"
	"sync"
)

//go:embed rules.txt
var rulesText string

// Result is the verdict on one question.
type Result struct {
	Urgent bool `json:"urgent"`
	Spam   bool `json:"spam"`
	// Signals name what was found, urgent categories first, then
	// modifiers (now, tonight, friend), then spam signals; never nil.
	Signals []string `json:"signals"`
}

// Urgent categories, in the order they are reported.
var urgentOrder = []string{
	"self_harm", "violence_home", "partner_violence", "violence", "sexual_abuse", "grooming",
	"image_abuse", "honour_violence", "abduction", "thrown_out", "runaway", "substance_emergency", "sibling_danger",
	"afraid_home",
}

// Classifier holds the compiled rules. It is safe for concurrent use and
// keeps no state between questions.
type Classifier struct {
	rs *ruleSet
	// sections by kind
	urgent []*section
	spam   []*section
	cues   map[string][]*section
	// models give a second opinion on what the rules let pass (model.go);
	// nil for rules only.
	models *models
}

// The cue names the rules file must define.
var cueNames = []string{
	"negation", "negafter", "negfill", "past", "continuing", "resolved", "recent", "now", "tonight",
	"urgency", "hypothetical", "hypoend", "continues", "disclosure", "generic", "firstperson",
	"friend", "idiom", "lang_fi", "lang_sv", "lang_en", "calm", "whether", "threat", "joke", "soon", "plan", "profanity", "laughter", "menace", "fiction", "genericnear",
}

// New compiles the embedded rules and trains the models on the embedded
// corpus.
func New() (*Classifier, error) {
	c, err := compile(rulesText)
	if err != nil {
		return nil, err
	}
	c.models = defaultModels()
	return c, nil
}

// RulesOnly returns a classifier without the models, for measuring what
// the rules do alone.
func RulesOnly() (*Classifier, error) { return compile(rulesText) }

func compile(src string) (*Classifier, error) {
	rs, err := parseRules(src)
	if err != nil {
		return nil, err
	}
	c := &Classifier{rs: rs, cues: map[string][]*section{}}
	for i := range rs.sections {
		sec := &rs.sections[i]
		switch sec.kind {
		case "urgent", "weak":
			if !slices.Contains(urgentOrder, sec.name) {
				return nil, fmt.Errorf("rules: unknown urgent signal %q", sec.name)
			}
			c.urgent = append(c.urgent, sec)
		case "spam":
			c.spam = append(c.spam, sec)
		case "cue":
			if !slices.Contains(cueNames, sec.name) {
				return nil, fmt.Errorf("rules: unknown cue %q", sec.name)
			}
			c.cues[sec.name] = append(c.cues[sec.name], sec)
		}
	}
	for _, n := range cueNames {
		if len(c.cues[n]) == 0 {
			return nil, fmt.Errorf("rules: cue %q is missing", n)
		}
	}
	return c, nil
}

var defaultClassifier = sync.OnceValue(func() *Classifier {
	c, err := New()
	if err != nil {
		panic("triage: embedded rules: " + err.Error())
	}
	return c
})

// Classify classifies text with the embedded rules.
func Classify(text string) Result {
	return defaultClassifier().Classify(text)
}

// Classify returns the verdict on one question. An urgent question is
// never spam: a crisis an urgent rule names, told in few words or next to
// a link, still goes to the top of the queue. Where only the model calls
// a question urgent, the spam rules outrank it: a chain letter that
// threatens "tonight" is spam (out of fold on the corpus, every such
// conflict was spam).
func (c *Classifier) Classify(text string) Result {
	d := c.rs.newDoc(text)
	defer d.release()
	cx := c.context(d)
	signals := c.urgentSignals(d, cx)
	var fs []uint32
	var spam []string
	spamDone := false
	if len(signals) == 0 && c.models != nil {
		fs = features(text)
		if p := c.models.urgent.score(fs); p >= urgentModelOverrule || (p >= urgentModelThreshold && !cx.calmed()) {
			spam, spamDone = c.spamSignals(text, d, cx), true
			if len(spam) == 0 {
				signals = []string{"model"}
			}
		}
	}
	res := Result{Urgent: len(signals) > 0, Signals: signals}
	if res.Urgent {
		res.Signals = append(res.Signals, cx.modifiers()...)
		return res
	}
	if !spamDone {
		spam = c.spamSignals(text, d, cx)
	}
	if len(spam) == 0 && c.models != nil && len(d.toks) >= 4 && mostlyLatin(text) && c.models.spam.score(fs) >= spamModelThreshold {
		spam = []string{"model_spam"}
	}
	res.Spam = len(spam) > 0
	res.Signals = append(res.Signals, spam...)
	if res.Signals == nil {
		res.Signals = []string{}
	}
	return res
}

// urgentSignals returns the urgent categories whose patterns matched and
// were not explained away by their context.
func (c *Classifier) urgentSignals(d *doc, cx *cues) []string {
	fired := map[string]bool{}
	var weak []*section
	var weakSpans []span
	for _, sec := range c.urgent {
		if fired[sec.name] {
			continue
		}
		hits := 0
		for i := range sec.pats {
			hit := false
			d.each(&sec.pats[i], func(s span) bool {
				if cx.suppressed(s) {
					cx.explained++
					return false
				}
				hit = true
				if sec.kind == "weak" {
					weakSpans = append(weakSpans, s)
				}
				if cx.inFriendSentence(s) {
					cx.friendHit = true
				}
				return true
			})
			if !hit {
				continue
			}
			if sec.kind == "urgent" {
				fired[sec.name] = true
				break
			}
			if hits == 0 {
				weak = append(weak, sec)
			}
			hits++
		}
	}
	// A weak match counts beside a strong one, with a supporting cue, or
	// beside another weak match: two independent hints ("I don't want to
	// go home" and "dad is drunk and raging") confirm each other.
	strong := len(fired) > 0
	for _, w := range weak {
		if strong || apart(weakSpans) || cx.support(w.strict) {
			fired[w.name] = true
		}
	}
	var out []string
	for _, n := range urgentOrder {
		if fired[n] {
			out = append(out, n)
		}
	}
	return out
}

// apart reports two spans that share no word: independent hints.
func apart(ss []span) bool {
	for i := range ss {
		for j := i + 1; j < len(ss); j++ {
			if ss[i].end < ss[j].start || ss[j].end < ss[i].start {
				return true
			}
		}
	}
	return false
}
