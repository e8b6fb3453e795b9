package triage_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"testing"

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

// TestHeldOut measures the classifier on testdata/heldout.jsonl: 240 cases
// written by a team member who had not seen the rules or the corpus, kept
// out of the model's training and never used to tune anything. It guards
// against regressions below the level measured (urgent recall 0.941,
// precision 0.930, spam recall 0.967, borderline excluded); its figures are
// the honest estimate of quality on new text.
func TestHeldOut(t *testing.T) {
	items := loadCases(t, "testdata/heldout.jsonl")
	c, err := triage.New()
	if err != nil {
		t.Fatal(err)
	}
	var strict score
	for _, it := range items {
		if !it.Borderline {
			strict.add(it, c.Classify(it.Text))
		}
	}
	t.Logf("held out, borderline excluded: items=%d urgent recall=%.3f precision=%.3f spam recall=%.3f precision=%.3f",
		strict.n, strict.urgentRecall(), strict.urgentPrecision(), strict.spamRecall(), strict.spamPrecision())
	if strict.urgentRecall() < 0.94 || strict.urgentPrecision() < 0.9 || strict.spamRecall() < 0.95 {
		t.Errorf("held-out quality fell below what was measured: urgent %.3f/%.3f, spam recall %.3f",
			strict.urgentRecall(), strict.urgentPrecision(), strict.spamRecall())
	}
}
