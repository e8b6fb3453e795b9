package triage_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"unicode"

	"kysy/moderation/triage"
)

// corpusItem is one labelled question of testdata/corpus.jsonl; the fields
// are those of the shared development set.
type corpusItem struct {
	ID         string `json:"id"`
	Lang       string `json:"lang"`
	Text       string `json:"text"`
	Urgent     bool   `json:"urgent"`
	Spam       bool   `json:"spam"`
	Borderline bool   `json:"borderline"`
	Why        string `json:"why"`
}

func loadCorpus(t *testing.T) []corpusItem { return loadCases(t, "testdata/corpus.jsonl") }

func loadCases(t *testing.T, path string) []corpusItem {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var items []corpusItem
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var it corpusItem
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&it); err != nil {
			t.Fatalf("corpus line %d: %v", n, err)
		}
		if it.ID == "" || it.Text == "" || it.Why == "" || seen[it.ID] {
			t.Fatalf("corpus line %d: empty field or duplicate id %q", n, it.ID)
		}
		if it.Lang != "fi" && it.Lang != "sv" && it.Lang != "en" {
			t.Fatalf("corpus line %d: lang %q", n, it.Lang)
		}
		seen[it.ID] = true
		items = append(items, it)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return items
}

// score counts a confusion matrix for urgent and spam.
type score struct {
	n, urgent, tpU, fpU, spam, tpS, fpS int
}

func (s *score) add(it corpusItem, r triage.Result) {
	s.n++
	if it.Urgent {
		s.urgent++
		if r.Urgent {
			s.tpU++
		}
	} else if r.Urgent {
		s.fpU++
	}
	if it.Spam {
		s.spam++
		if r.Spam {
			s.tpS++
		}
	} else if r.Spam {
		s.fpS++
	}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

func (s score) urgentRecall() float64    { return ratio(s.tpU, s.urgent) }
func (s score) urgentPrecision() float64 { return ratio(s.tpU, s.tpU+s.fpU) }
func (s score) spamRecall() float64      { return ratio(s.tpS, s.spam) }
func (s score) spamPrecision() float64   { return ratio(s.tpS, s.tpS+s.fpS) }

// TestCorpus measures the classifier on our own labelled questions and
// holds it to the bar: urgent recall ≥ 0.95 and precision ≥ 0.85 with the
// borderline items left out; spam recall and precision ≥ 0.90.
func TestCorpus(t *testing.T) {
	items := loadCorpus(t)
	if len(items) < 150 {
		t.Fatalf("corpus has %d items, want at least 150", len(items))
	}
	c, err := triage.New()
	if err != nil {
		t.Fatal(err)
	}
	var all, strict score
	byLang := map[string]*score{"fi": {}, "sv": {}, "en": {}}
	for _, it := range items {
		r := c.Classify(it.Text)
		all.add(it, r)
		byLang[it.Lang].add(it, r)
		if !it.Borderline {
			strict.add(it, r)
		}
		mark := ""
		if it.Borderline {
			mark = " (borderline)"
		}
		if r.Urgent != it.Urgent || r.Spam != it.Spam {
			t.Logf("miss %s%s: got urgent=%v spam=%v %v, want urgent=%v spam=%v — %s",
				it.ID, mark, r.Urgent, r.Spam, r.Signals, it.Urgent, it.Spam, it.Why)
		}
	}
	report := func(name string, s score) {
		t.Logf("%-14s items=%3d urgent=%3d recall=%.3f precision=%.3f  spam=%2d recall=%.3f precision=%.3f",
			name, s.n, s.urgent, s.urgentRecall(), s.urgentPrecision(), s.spam, s.spamRecall(), s.spamPrecision())
	}
	report("all", all)
	report("no borderline", strict)
	for _, l := range []string{"fi", "sv", "en"} {
		report("lang="+l, *byLang[l])
	}
	if r := strict.urgentRecall(); r < 0.95 {
		t.Errorf("urgent recall %.3f < 0.95 (borderline excluded)", r)
	}
	if p := strict.urgentPrecision(); p < 0.85 {
		t.Errorf("urgent precision %.3f < 0.85 (borderline excluded)", p)
	}
	if r := all.spamRecall(); r < 0.90 {
		t.Errorf("spam recall %.3f < 0.90", r)
	}
	if p := all.spamPrecision(); p < 0.90 {
		t.Errorf("spam precision %.3f < 0.90", p)
	}
}

// TestHeldOut measures the classifier on the two held-out sets, each
// written by a team member who had seen neither the rules nor the corpus,
// kept out of the model's training and never used to tune anything:
// testdata/heldout.jsonl (240 cases) and testdata/heldout2.jsonl (240,
// measured for the first time on the build that met the bar). Each must
// hold the bar of issue 6, borderline excluded: urgent recall ≥ 0.95 with
// precision ≥ 0.85, spam recall ≥ 0.90. Measured: 0.965/0.953/0.967 and
// 0.965/0.965/0.938. These figures are the honest estimate of quality on
// new text.
func TestHeldOut(t *testing.T) {
	c, err := triage.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range []string{"testdata/heldout.jsonl", "testdata/heldout2.jsonl"} {
		var strict score
		for _, it := range loadCases(t, file) {
			if !it.Borderline {
				strict.add(it, c.Classify(it.Text))
			}
		}
		t.Logf("%s, borderline excluded: items=%d urgent recall=%.3f precision=%.3f spam recall=%.3f precision=%.3f",
			file, strict.n, strict.urgentRecall(), strict.urgentPrecision(), strict.spamRecall(), strict.spamPrecision())
		if strict.urgentRecall() < 0.95 || strict.urgentPrecision() < 0.85 || strict.spamRecall() < 0.90 {
			t.Errorf("%s below the bar: urgent recall %.3f (≥ 0.95), precision %.3f (≥ 0.85), spam recall %.3f (≥ 0.90)",
				file, strict.urgentRecall(), strict.urgentPrecision(), strict.spamRecall())
		}
	}
}

// TestHeldOutKeptOutOfTraining fails when a held-out question, or one
// nearly the same (70 % of its folded words shared), is in the training
// corpus: the model would have learnt the answer, and the held-out figures
// would no longer say anything about new text. Writers working apart
// still reach the same stock sentences ("my mom is going to kill me when
// she sees my report card"), so every new batch is checked.
func TestHeldOutKeptOutOfTraining(t *testing.T) {
	words := func(s string) map[string]bool {
		set := map[string]bool{}
		for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		}) {
			set[strings.NewReplacer("ä", "a", "å", "a", "ö", "o").Replace(w)] = true
		}
		return set
	}
	jaccard := func(a, b map[string]bool) float64 {
		both := 0
		for w := range a {
			if b[w] {
				both++
			}
		}
		return float64(both) / float64(max(1, len(a)+len(b)-both))
	}
	var held []corpusItem
	for _, f := range []string{"testdata/heldout.jsonl", "testdata/heldout2.jsonl"} {
		held = append(held, loadCases(t, f)...)
	}
	heldWords := make([]map[string]bool, len(held))
	for i, h := range held {
		heldWords[i] = words(h.Text)
	}
	for _, c := range loadCorpus(t) {
		cw := words(c.Text)
		for i, hw := range heldWords {
			if j := jaccard(cw, hw); j >= 0.7 {
				t.Errorf("corpus %s is %.0f %% the same words as held-out %s", c.ID, 100*j, held[i].ID)
			}
		}
	}
}
