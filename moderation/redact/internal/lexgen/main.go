// Command lexgen builds the name lists in moderation/redact/data from the
// @zxcvbn-ts/language-fi npm package and the hand-written lists in src/.
// It is a build-time tool: neither the build nor the tests run it.
//
// To regenerate everything (needs npm and network access to the npm
// registry), from the repository root:
//
//	bash moderation/redact/internal/lexgen/run.sh
//
// run.sh fetches the packages, runs this command, which writes
//
//	data/first_names.txt        zxcvbn-ts female + male first names
//	data/first_names_extra.txt  src/first_names_extra.txt less those
//	data/surnames.txt           zxcvbn-ts surnames
//	data/surnames_extra.txt     src/surnames_extra.txt less those
//
// and then computes data/common_words.txt with the package's own analyser
// (go test -tags lexgen, see ../../lexgen_test.go).
//
// Usage: lexgen -zxcvbn DIR -src DIR -out DIR [-auto FILE]
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"
)

func main() {
	zx := flag.String("zxcvbn", "", "the src/ folder of @zxcvbn-ts/language-fi")
	src := flag.String("src", "", "the folder of the hand-written lists")
	out := flag.String("out", "", "the data folder to write")
	auto := flag.String("auto", "", "the rule-based drop list (default: SRC/drop_auto.txt)")
	flag.Parse()
	if *zx == "" || *src == "" || *out == "" {
		flag.Usage()
		os.Exit(2)
	}
	if *auto == "" {
		*auto = filepath.Join(*src, "drop_auto.txt")
	}
	if err := run(*zx, *src, *out, *auto); err != nil {
		fmt.Fprintln(os.Stderr, "lexgen:", err)
		os.Exit(1)
	}
}

func run(zx, src, out, auto string) error {
	drops, err := readDrops(filepath.Join(src, "drop.txt"), auto)
	if err != nil {
		return err
	}
	var first, sur []string
	for _, f := range []string{"femaleFirstnames.json", "maleFirstnames.json"} {
		l, err := readJSON(filepath.Join(zx, f))
		if err != nil {
			return err
		}
		first = append(first, l...)
	}
	if sur, err = readJSON(filepath.Join(zx, "lastnames.json")); err != nil {
		return err
	}
	firstSet := clean(first, drops["first"])
	surSet := clean(sur, drops["surname"])
	firstExtra, err := readWords(filepath.Join(src, "first_names_extra.txt"))
	if err != nil {
		return err
	}
	surExtra, err := readWords(filepath.Join(src, "surnames_extra.txt"))
	if err != nil {
		return err
	}
	firstExtraSet := minus(clean(firstExtra, drops["first"]), firstSet)
	surExtraSet := minus(clean(surExtra, drops["surname"]), surSet)
	for name, set := range map[string]map[string]bool{
		"first_names.txt":       firstSet,
		"first_names_extra.txt": firstExtraSet,
		"surnames.txt":          surSet,
		"surnames_extra.txt":    surExtraSet,
	} {
		if err := writeSorted(filepath.Join(out, name), set); err != nil {
			return err
		}
		fmt.Printf("%s: %d\n", name, len(set))
	}
	return nil
}

func readJSON(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var l []string
	return l, json.Unmarshal(b, &l)
}

// readWords reads whitespace-separated words, skipping # comment lines.
func readWords(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var l []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		l = append(l, strings.Fields(line)...)
	}
	return l, sc.Err()
}

// readDrops reads "first NAME…" / "surname NAME…" lines (a # comment may
// follow, giving the reason): names taken out of the lists because they
// are ordinary words far more often than names. A missing file is empty.
func readDrops(paths ...string) (map[string]map[string]bool, error) {
	d := map[string]map[string]bool{"first": {}, "surname": {}}
	for _, path := range paths {
		if err := readDropFile(path, d); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func readDropFile(path string, d map[string]map[string]bool) error {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		fs := strings.Fields(line)
		if len(fs) == 0 {
			continue
		}
		if len(fs) < 2 || d[fs[0]] == nil {
			return fmt.Errorf("%s: bad line %q", path, sc.Text())
		}
		for _, w := range fs[1:] {
			d[fs[0]][strings.ToLower(w)] = true
		}
	}
	return sc.Err()
}

// particles are dropped from multi-word surnames: von Hertzen → hertzen.
var particles = map[string]bool{"von": true, "af": true, "de": true, "van": true, "der": true, "den": true, "la": true, "le": true}

// clean lower-cases, keeps the last part of multi-word names, adds an
// ASCII spelling of names with letters outside a–z, å, ä, ö, and removes
// dropped and malformed entries.
func clean(in []string, drop map[string]bool) map[string]bool {
	set := map[string]bool{}
	add := func(w string) {
		if w == "" || drop[w] || !wellFormed(w) {
			return
		}
		set[w] = true
	}
	for _, w := range in {
		w = strings.ToLower(strings.TrimSpace(w))
		if fs := strings.Fields(w); len(fs) > 1 {
			for len(fs) > 1 && particles[fs[0]] {
				fs = fs[1:]
			}
			w = strings.Join(fs, "-")
		}
		add(w)
		if a := fold(w); a != w {
			add(a)
		}
	}
	return set
}

func wellFormed(w string) bool {
	letters := 0
	for _, r := range w {
		switch {
		case unicode.IsLetter(r):
			letters++
		case r == '-' || r == '\'':
		default:
			return false
		}
	}
	return letters >= 2 && w[0] != '-' && w[len(w)-1] != '-'
}

// foldMap spells letters that Finnish keyboards make awkward the way
// people type them instead.
var foldMap = map[rune]string{
	'á': "a", 'à': "a", 'â': "a", 'ã': "a", 'ç': "c", 'č': "c", 'ć': "c",
	'é': "e", 'è': "e", 'ê': "e", 'ë': "e", 'ğ': "g", 'í': "i", 'ì': "i",
	'î': "i", 'ï': "i", 'ı': "i", 'ñ': "n", 'ó': "o", 'ò': "o", 'ô': "o",
	'õ': "o", 'ø': "ö", 'ş': "s", 'š': "s", 'ß': "ss", 'ú': "u", 'ù': "u",
	'û': "u", 'ü': "u", 'ý': "y", 'ž': "z", 'æ': "ä", 'đ': "d",
}

func fold(w string) string {
	var b strings.Builder
	for _, r := range w {
		if s, ok := foldMap[r]; ok {
			b.WriteString(s)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func minus(a, b map[string]bool) map[string]bool {
	for w := range a {
		if b[w] {
			delete(a, w)
		}
	}
	return a
}

func writeSorted(path string, set map[string]bool) error {
	l := make([]string, 0, len(set))
	for w := range set {
		l = append(l, w)
	}
	sort.Strings(l)
	return os.WriteFile(path, []byte(strings.Join(l, "\n")+"\n"), 0o644)
}
