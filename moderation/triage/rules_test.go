package triage

import (
	"strings"
	"testing"
)

func TestTokenize(t *testing.T) {
	cases := []struct {
		in   string
		keys []string
	}{
		{"Äiti LYÖ mua!", []string{"aiti", "lyo", "mua"}},
		{"don't itse-murha", []string{"dont", "itsemurha"}},
		{"apuaaaaa kuoooolla", []string{"apuaa", "kuoolla"}},
		{"a\u0308iti", []string{"aiti"}},
		{"30-vuotias", []string{"30vuotias"}},
	}
	for _, tc := range cases {
		var got []string
		for _, tk := range tokenize(tc.in) {
			got = append(got, tk.key)
		}
		if strings.Join(got, " ") != strings.Join(tc.keys, " ") {
			t.Errorf("tokenize(%q) = %v, want %v", tc.in, got, tc.keys)
		}
	}
	toks := tokenize("kuoooolla")
	if toks[0].alt != "kuolla" {
		t.Errorf("alt of a stretched word = %q, want kuolla", toks[0].alt)
	}
}

func TestTokenizeSentencesAndClauses(t *testing.T) {
	toks := tokenize("isä löi mua, mut nyt kaikki on hyvin. voiko")
	byKey := map[string]token{}
	for _, tk := range toks {
		byKey[tk.key] = tk
	}
	if byKey["mutta"].key == "" {
		t.Fatalf("'mut' after a comma is not read as 'but': %+v", toks)
	}
	if byKey["isa"].clause == byKey["nyt"].clause {
		t.Error("a comma does not open a clause")
	}
	if byKey["voiko"].sentence == byKey["isa"].sentence {
		t.Error("a full stop does not end a sentence")
	}
	if tokenize("isä lyö mut joka päivä")[2].key != "mut" {
		t.Error("the pronoun 'mut' (me) was taken for 'but'")
	}
}

func TestWithin1(t *testing.T) {
	yes := [][2]string{{"itsemurha", "itsemurha"}, {"itsemurha", "itsmurha"}, {"itsemurha", "itsemruha"},
		{"itsemurha", "itsemurhaa"}, {"itsemurha", "itsemurba"}}
	no := [][2]string{{"itsemurha", "itsmruha"}, {"tappaa", "tapaan"}, {"abc", "abcde"}}
	for _, p := range yes {
		if !within1(p[0], p[1]) {
			t.Errorf("within1(%q, %q) = false", p[0], p[1])
		}
	}
	for _, p := range no {
		if within1(p[0], p[1]) {
			t.Errorf("within1(%q, %q) = true", p[0], p[1])
		}
	}
}

func TestFuzzyOnlyLongTriggerWords(t *testing.T) {
	rs, err := parseRules("[urgent self_harm]\nitsemurh*\nkuolla\n[cue past]\nvauvana\n")
	if err != nil {
		t.Fatal(err)
	}
	d := rs.newDoc("itsmurha kuulla vauvaa")
	if len(d.post[rs.sections[0].pats[0].slots[0]]) != 1 {
		t.Error("a typo in a long trigger word is not tolerated")
	}
	if len(d.post[rs.sections[0].pats[1].slots[0]]) != 0 {
		t.Error("a short word tolerates a typo ('kuulla' is not 'kuolla')")
	}
	if len(d.post[rs.sections[1].pats[0].slots[0]]) != 0 {
		t.Error("a cue word tolerates a typo")
	}
}

func TestAdultAge(t *testing.T) {
	for _, s := range []string{"30v", "25vuotias", "18", "40yo", "19ar"} {
		if !adultAge(s) {
			t.Errorf("adultAge(%q) = false", s)
		}
	}
	for _, s := range []string{"14v", "17", "100", "3v", "tv", "12vuotias"} {
		if adultAge(s) {
			t.Errorf("adultAge(%q) = true", s)
		}
	}
}

func TestPatternGrammar(t *testing.T) {
	src := `@who = isä* äiti*
[urgent violence_home]
@who <2> lyö*
lukitsi ..2 mut $
kosket* & @who
[cue past]
ennen
`
	rs, err := parseRules(src)
	if err != nil {
		t.Fatal(err)
	}
	match := func(pat int, text string) bool {
		d := rs.newDoc(text)
		hit := false
		d.each(&rs.sections[0].pats[pat], func(span) bool { hit = true; return true })
		return hit
	}
	cases := []struct {
		pat  int
		text string
		want bool
	}{
		{0, "isä lyö", true},
		{0, "lyö isä", true},
		{0, "isä sanoo että ne kaikki lyö", false}, // too far apart
		{0, "isä. lyö", false},                     // another sentence
		{1, "lukitsi mut", true},
		{1, "lukitsi mut huoneeseen", false},
		{1, "lukitsi mut, ja", true},
		{2, "kosketteli, sano äiti", true},
		{2, "kosketteli", false},
	}
	for _, tc := range cases {
		if got := match(tc.pat, tc.text); got != tc.want {
			t.Errorf("pattern %q on %q = %v, want %v", rs.sections[0].pats[tc.pat].src, tc.text, got, tc.want)
		}
	}
}

func TestRulesErrors(t *testing.T) {
	bad := []string{
		"lyö\n",                       // pattern before any section
		"[urgent nothing]\nlyö\n",     // fine to parse; compile rejects the name
		"[urgent self_harm]\n@nope\n", // unknown class
		"[urgent self_harm]\nlyö ..\n",
		"[urgent self_harm]\nlyö ..2\n",
		"[urgent self_harm]\nlyö $ kuolla\n",
		"[spam x y]\nfoo\n",
		"[bogus]\nfoo\n",
	}
	for _, src := range bad {
		if _, err := compile(src); err == nil {
			t.Errorf("compile(%q) succeeded, want an error", src)
		}
	}
}

// TestEmbeddedRules: the embedded rules compile, every class is used, and
// every section has patterns.
func TestEmbeddedRules(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, sec := range c.rs.sections {
		if len(sec.pats) == 0 {
			t.Errorf("section [%s %s] has no patterns", sec.kind, sec.name)
		}
	}
	for name := range c.rs.classes {
		used := strings.Contains(rulesText, name+" ") || strings.Contains(rulesText, name+"|") ||
			strings.Contains(rulesText, name+"\n") || strings.Contains(rulesText, "|"+name)
		if !used {
			t.Errorf("class %s is never used", name)
		}
	}
}
