//go:build lexgen

// This file is not part of the normal build or test run. It computes
// data/common_words.txt with the package's own analyser, from word lists
// prepared by internal/lexgen/run.sh (see data/README.md):
//
//	LEXGEN_FI=fi.txt LEXGEN_SV=sv.txt LEXGEN_EN=en.txt LEXGEN_ZX=zxcvbn/src \
//	LEXGEN_FREQ=commonWords.json LEXGEN_FREQ_EN=en/commonWords.json \
//	LEXGEN_FREQ_SV=internal/lexgen/src/sv_frequent.txt \
//	LEXGEN_EXTRA=internal/lexgen/src/common_words_extra.txt \
//	LEXGEN_ORDINARY=internal/lexgen/src/ordinary_names.txt \
//	LEXGEN_OUT=data/common_words.txt LEXGEN_REPORT=/tmp/collisions.txt \
//	go test -tags lexgen -run TestGenerateCommonWords ./moderation/redact/
//
// and, before that, the automatic part of the drop list:
//
//	LEXGEN_FI=fi.txt LEXGEN_FREQ=commonWords.json LEXGEN_ZX=zxcvbn/src \
//	LEXGEN_KEEP=internal/lexgen/src/keep.txt LEXGEN_DROPS=internal/lexgen/src/drop_auto.txt \
//	go test -tags lexgen -run TestGenerateDrops ./moderation/redact/

package redact

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode"
)

// Suffixes that make an ordinary Swedish or English word of a name
// (sten → stenar, frank → frankly); such words are listed too, although
// the analyser does not map them to the name, for detectors that match
// names inside longer words.
var (
	lexgenSvSuffixes = []string{"s", "en", "et", "ar", "er", "or", "na", "arna", "erna", "orna", "ens", "ets", "ars", "a", "e", "ig", "iga", "isk", "iska"}
	lexgenEnSuffixes = []string{"s", "es", "'s", "ly", "ed", "ing", "er", "ers", "est", "y", "ies", "ish", "ful", "fully", "ness"}
)

// Names this frequent (by zxcvbn-ts rank), and hand-added ones, keep their
// inflected forms out of common_words.txt unless the word form is frequent
// (in commonWords.json) or the name is an ordinary word (ordinary_names.txt):
// "matin", "annin", "sannalla", "ahon" are dictionary words, but rare ones.
const (
	lexgenTopFirst = 1000
	lexgenTopSur   = 1000
)

// TestGenerateCommonWords writes common_words.txt. A dictionary word w
// (lower case, fi/sv/en) is listed when the analyser finds a name in it and
//   - w is exactly a listed first name: only if ordinary_names.txt has it;
//   - w is exactly a surname (and no first name): always (mäki, laine);
//   - a form that an ordinary -i name takes as a name but the e-stem word
//     only as a rare plural (Lumin, Tuulille): only if it is frequent;
//   - otherwise, with name lemma L: unless L is a top (or hand-added) first
//     name or surname that is not in ordinary_names.txt and w is not a frequent word (by the
//     zxcvbn-ts fi or en commonWords lists, or the hand-written
//     sv_frequent.txt: "helgen" is listed, "pekan", a rare Swedish word, is
//     not);
//
// and also its spoken forms (illalla → illal) under the same rules, the
// Swedish/English words made of a name and a suffix (stenar, frankly),
// frequent Finnish words that begin with a name (toivottavasti), and the
// hand-written common_words_extra.txt.
func TestGenerateCommonWords(t *testing.T) {
	out := os.Getenv("LEXGEN_OUT")
	if out == "" {
		t.Skip("LEXGEN_OUT not set")
	}
	freq := map[string]int{}
	if err := lexgenReadJSONRanks(os.Getenv("LEXGEN_FREQ"), freq); err != nil {
		t.Fatal(err)
	}
	firstRank, surRank := map[string]int{}, map[string]int{}
	for _, f := range []string{"femaleFirstnames.json", "maleFirstnames.json"} {
		if err := lexgenReadJSONRanks(filepath.Join(os.Getenv("LEXGEN_ZX"), f), firstRank); err != nil {
			t.Fatal(err)
		}
	}
	if err := lexgenReadJSONRanks(filepath.Join(os.Getenv("LEXGEN_ZX"), "lastnames.json"), surRank); err != nil {
		t.Fatal(err)
	}
	ordinary := map[string]bool{}
	if err := eachWordInFile(os.Getenv("LEXGEN_ORDINARY"), func(w string) { ordinary[w] = true }); err != nil {
		t.Fatal(err)
	}
	l := theLexicon()
	// accept reports whether w, found to be (a form of) the name lemma, is
	// listed, and why not.
	// nameOnly holds the forms an ordinary -i name takes as a name (i-stem:
	// Lumin, Tuulille, Helmiä) where the word is an e-stem (lumen, tuulelle):
	// as words they are rare plural forms, so they are listed only when
	// frequent.
	fiWords := map[string]bool{}
	if err := eachWordInFile(os.Getenv("LEXGEN_FI"), func(w string) { fiWords[w] = true }); err != nil {
		t.Fatal(err)
	}
	nameOnly := map[string]bool{}
	for w := range ordinary {
		if e := l.names[w]; e.kind&lexFirst == 0 || !strings.HasSuffix(w, "i") || !fiWords[w[:len(w)-1]+"en"] {
			continue
		}
		for _, end := range lexgenNameEndings {
			nameOnly[w+end] = true
		}
	}
	freqEn := map[string]int{}
	if err := lexgenReadJSONRanks(os.Getenv("LEXGEN_FREQ_EN"), freqEn); err != nil {
		t.Fatal(err)
	}
	freqSv := map[string]int{}
	if err := eachWordInFile(os.Getenv("LEXGEN_FREQ_SV"), func(w string) { freqSv[w] = len(freqSv) }); err != nil {
		t.Fatal(err)
	}
	frequent := map[string]map[string]int{"fi": freq, "en": freqEn, "sv": freqSv}
	// accept reports whether w, found to be (a form of) the name lemma in a
	// dictionary of language lang, is listed.
	accept := func(w, lemma, lang string) bool {
		if e, isName := l.names[w]; isName {
			if e.kind&lexFirst != 0 {
				return ordinary[w]
			}
			return true
		}
		if nameOnly[w] {
			_, ok := frequent[lang][w]
			return ok
		}
		if ordinary[lemma] {
			return true
		}
		e := l.names[lemma]
		r, ranked := firstRank[lemma]
		rs, rankedSur := surRank[lemma]
		if e.kind&lexFirst != 0 && (!ranked || r < lexgenTopFirst) || e.kind&lexSur != 0 && (!rankedSur || rs < lexgenTopSur) {
			// A top name, or a hand-added one (ranked by nothing, but added
			// because it is common).
			_, ok := frequent[lang][w]
			return ok
		}
		return true
	}
	common := map[string]string{} // word → why
	add := func(w, why string) bool {
		if _, seen := common[w]; seen {
			return false
		}
		common[w] = why
		return true
	}
	lists := []struct {
		env, lang string
		suffixes  []string
	}{
		{"LEXGEN_FI", "fi", nil},
		{"LEXGEN_SV", "sv", lexgenSvSuffixes},
		{"LEXGEN_EN", "en", lexgenEnSuffixes},
	}
	for _, li := range lists {
		path := os.Getenv(li.env)
		if path == "" {
			t.Fatalf("%s not set", li.env)
		}
		n, skipped := 0, 0
		err := eachWordInFile(path, func(w string) {
			if !lexgenOrdinary(w) {
				return
			}
			if h, ok := lexLookup(w); ok {
				if !accept(w, h.lemma, li.lang) {
					skipped++
					return
				}
				if add(w, li.lang+" "+h.lemma) {
					n++
				}
				if li.lang != "fi" {
					return
				}
				for _, sp := range lexgenSpoken(w) {
					if _, isName := l.names[sp]; isName {
						continue
					}
					if h, ok := lexLookup(sp); ok && accept(sp, h.lemma, "fi") && add(sp, "fi-spoken "+h.lemma) {
						n++
					}
				}
				return
			}
			for _, s := range li.suffixes {
				base, ok := strings.CutSuffix(w, s)
				if !ok || len(base) < 3 {
					continue
				}
				if _, isName := l.names[base]; isName {
					if accept(base, base, li.lang) {
						if add(w, li.lang+"+"+s+" "+base) {
							n++
						}
					}
					return
				}
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d words (%d forms of names left out)", li.lang, n, skipped)
	}
	// Frequent Finnish words that begin with a name (toivottavasti), for
	// detectors that match names inside words.
	n := 0
	for w := range freq {
		if _, seen := common[w]; seen || !fiWords[w] || !lexgenOrdinary(w) {
			continue
		}
		if _, isName := l.names[w]; isName {
			continue
		}
		for k := len(w) - 1; k >= 4; k-- {
			if _, isName := l.names[w[:k]]; isName {
				if add(w, "fi-freq-prefix "+w[:k]) {
					n++
				}
				break
			}
		}
	}
	t.Logf("frequent words beginning with a name: %d", n)
	if path := os.Getenv("LEXGEN_EXTRA"); path != "" {
		n := 0
		err := eachWordInFile(path, func(w string) {
			if add(w, "extra") {
				n++
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("hand-written: %d", n)
	}
	for w := range ordinary {
		add(w, "ordinary")
	}
	words := make([]string, 0, len(common))
	for w := range common {
		words = append(words, w)
	}
	sort.Strings(words)
	if err := os.WriteFile(out, []byte(strings.Join(words, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %d words", out, len(words))
	if rep := os.Getenv("LEXGEN_REPORT"); rep != "" {
		var b strings.Builder
		for _, w := range words {
			fmt.Fprintf(&b, "%s\t%s\n", w, common[w])
		}
		if err := os.WriteFile(rep, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// lexgenOrdinary reports whether a dictionary entry is an ordinary
// lower-case word (proper nouns, abbreviations and entries with digits are
// left out).
func lexgenOrdinary(w string) bool {
	letters := 0
	for _, r := range w {
		switch {
		case unicode.IsLower(r):
			letters++
		case r == '-' || r == '\'':
		default:
			return false
		}
	}
	return letters >= 2
}

// eachWordInFile calls f with each whitespace-separated word of the file,
// skipping # comment lines.
func eachWordInFile(path string, f func(string)) error {
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		for _, w := range strings.Fields(line) {
			f(w)
		}
	}
	return sc.Err()
}

// Drop rule: a name is dropped from a list when it is rare in that list
// (zxcvbn-ts ranks names by how many people bear them: first names from
// rank lexgenRareFirst on in the female or male list, surnames from
// lexgenRareSur on; every hand-added name counts as rare) and one of the
// Finnish words that analyse to it is frequent (in the zxcvbn-ts
// commonWords list, which is drawn from subtitles, so names of film
// characters are "frequent" too: keep.txt lists names never dropped). Such
// names would be found in ordinary words far more often than
// in people, also in spoken forms no dictionary lists.
const (
	lexgenRareFirst = 1500
	lexgenRareSur   = 3000
)

func TestGenerateDrops(t *testing.T) {
	out := os.Getenv("LEXGEN_DROPS")
	if out == "" {
		t.Skip("LEXGEN_DROPS not set")
	}
	freq := map[string]int{}
	if err := lexgenReadJSONRanks(os.Getenv("LEXGEN_FREQ"), freq); err != nil {
		t.Fatal(err)
	}
	zx := os.Getenv("LEXGEN_ZX")
	firstRank, surRank := map[string]int{}, map[string]int{}
	for _, f := range []string{"femaleFirstnames.json", "maleFirstnames.json"} {
		if err := lexgenReadJSONRanks(filepath.Join(zx, f), firstRank); err != nil {
			t.Fatal(err)
		}
	}
	if err := lexgenReadJSONRanks(filepath.Join(zx, "lastnames.json"), surRank); err != nil {
		t.Fatal(err)
	}
	keep := map[string]bool{}
	if err := eachWordInFile(os.Getenv("LEXGEN_KEEP"), func(w string) { keep[w] = true }); err != nil {
		t.Fatal(err)
	}
	l := theLexicon()
	evidence := map[string]string{} // lemma → the most frequent colliding word
	err := eachWordInFile(os.Getenv("LEXGEN_FI"), func(w string) {
		r, ok := freq[w]
		if !ok || !lexgenOrdinary(w) {
			return
		}
		h, ok := lexLookup(w)
		if !ok {
			return
		}
		if e, seen := evidence[h.lemma]; !seen || freq[e] > r {
			evidence[h.lemma] = w
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for lemma, w := range evidence {
		if keep[lemma] {
			continue
		}
		e := l.names[lemma]
		if r, ok := firstRank[lemma]; e.kind&lexFirst != 0 && (!ok || r >= lexgenRareFirst) {
			lines = append(lines, fmt.Sprintf("first %s # rank %s, word %q (rank %d)", lemma, lexgenRankString(r, ok), w, freq[w]))
		}
		if r, ok := surRank[lemma]; e.kind&lexSur != 0 && (!ok || r >= lexgenRareSur) {
			lines = append(lines, fmt.Sprintf("surname %s # rank %s, word %q (rank %d)", lemma, lexgenRankString(r, ok), w, freq[w]))
		}
	}
	sort.Strings(lines)
	head := "# Generated by TestGenerateDrops (lexgen_test.go): rare names that frequent\n# ordinary words analyse to. Do not edit; see drop.txt.\n"
	if err := os.WriteFile(out, []byte(head+strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %d drops", out, len(lines))
}

// lexgenNameEndings are the endings an -i first name takes on its i-stem.
var lexgenNameEndings = []string{
	"n", "a", "ä", "in", "na", "nä", "ksi", "lla", "llä", "lle", "lta", "ltä", "ssa", "ssä", "sta", "stä",
	"kin", "kaan", "kään", "han", "hän", "nkin", "llekin", "lle", "ni", "si", "nsa", "nsä",
	"l", "lt", "s", "st", "ks",
}

func lexgenRankString(r int, ok bool) string {
	if !ok {
		return "hand-added"
	}
	return fmt.Sprint(r)
}

// lexgenReadJSONRanks adds the position of each word of a JSON list to
// ranks (the smaller one wins).
func lexgenReadJSONRanks(path string, ranks map[string]int) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var l []string
	if err := json.Unmarshal(b, &l); err != nil {
		return err
	}
	for i, w := range l {
		if r, ok := ranks[w]; !ok || i < r {
			ranks[w] = i
		}
	}
	return nil
}

// lexgenSpoken returns the spoken forms of a standard Finnish word form
// (illalla → illal, illasta → illast, illassa → illas, illaksi → illaks,
// lukeeko → lukeeks).
func lexgenSpoken(w string) []string {
	var out []string
	for _, r := range []struct{ suf, rep string }{
		{"lla", "l"}, {"llä", "l"}, {"lle", "l"}, {"lta", "lt"}, {"ltä", "lt"},
		{"sta", "st"}, {"stä", "st"}, {"ssa", "s"}, {"ssä", "s"}, {"ksi", "ks"},
		{"ko", "ks"}, {"kö", "ks"},
	} {
		if base, ok := strings.CutSuffix(w, r.suf); ok && len(base) >= 3 {
			out = append(out, base+r.rep)
		}
	}
	return out
}
