package redact

import (
	"slices"
	"strings"
	"testing"
)

func TestLemmasFindBaseForms(t *testing.T) {
	cases := []struct{ word, lemma string }{
		// genitive, gradation
		{"Jennan", "jenna"}, {"Villen", "ville"}, {"Mikan", "mika"}, {"Aleksin", "aleksi"},
		{"Pekan", "pekka"}, {"Pekalle", "pekka"}, {"Matin", "matti"}, {"Antin", "antti"},
		{"Jukan", "jukka"}, {"Heikin", "heikki"}, {"Riikan", "riikka"}, {"Sofian", "sofia"},
		{"Kaisan", "kaisa"}, {"Kertun", "kerttu"}, {"Aadun", "aatu"}, {"Aadulle", "aatu"},
		{"Lotan", "lotta"}, {"Oton", "otto"}, {"Onnin", "onni"},
		// -nen surnames
		{"Virtasen", "virtanen"}, {"Virtasta", "virtanen"}, {"Virtaselle", "virtanen"},
		{"Virtasella", "virtanen"}, {"Virtasesta", "virtanen"}, {"Virtaseen", "virtanen"},
		{"Virtaset", "virtanen"}, {"Virtasille", "virtanen"}, {"Virtasten", "virtanen"},
		{"Virtasellekin", "virtanen"}, {"Korhoselta", "korhonen"},
		// other surname types
		{"Koskelan", "koskela"}, {"Mäkelältä", "mäkelä"}, {"Lehdon", "lehto"}, {"Aallolle", "aalto"},
		{"Niemen", "niemi"}, {"Nientä", "niemi"}, {"Niemeltä", "niemi"}, {"Mäen", "mäki"},
		{"Lahdessa", "lahti"}, {"Laineen", "laine"}, {"Laineeseen", "laine"}, {"Rinteen", "rinne"},
		{"Kankaan", "kangas"}, {"Hongan", "honka"}, {"Koskeloille", "koskela"},
		// cases
		{"Jennaa", "jenna"}, {"Villeä", "ville"}, {"Jennalla", "jenna"}, {"Jennalle", "jenna"},
		{"Jennalta", "jenna"}, {"Jennassa", "jenna"}, {"Jennasta", "jenna"}, {"Jennana", "jenna"},
		{"Jennaksi", "jenna"}, {"Jennaan", "jenna"}, {"Villeen", "ville"}, {"Mikkoon", "mikko"},
		{"Mattiin", "matti"}, {"Aleksiin", "aleksi"}, {"Villelle", "ville"}, {"Mikasta", "mika"},
		{"Jennoille", "jenna"},
		// possessives and clitics
		{"Jennalleni", "jenna"}, {"Jennansa", "jenna"}, {"Villellemme", "ville"},
		{"Jennallaan", "jenna"}, {"Jennakin", "jenna"}, {"Villekään", "ville"},
		{"Mikahan", "mika"}, {"Pekallekin", "pekka"},
		// -s names and consonant-final names
		{"Tuomaksen", "tuomas"}, {"Markukselle", "markus"}, {"Tuomasta", "tuomas"},
		{"Andersille", "anders"}, {"Andersin", "anders"}, {"Ahmedille", "ahmed"},
		{"Ahmedia", "ahmed"}, {"Nguyenin", "nguyen"}, {"Lindqvistin", "lindqvist"},
		{"Nyströmille", "nyström"}, {"Güneşin", "güneş"}, {"O'Connorille", "o'connor"},
		// spoken Finnish
		{"Jennal", "jenna"}, {"Jennalt", "jenna"}, {"Jennast", "jenna"}, {"Jennaks", "jenna"},
		{"Villel", "ville"},
		// double names: the last part inflects
		{"Anna-Liisan", "anna-liisa"}, {"Anna-Liisalle", "anna-liisa"},
		// Swedish genitive, English possessive, colon inflection
		{"Jennas", "jenna"}, {"Björns", "björn"}, {"Jenna's", "jenna"}, {"Jenna’s", "jenna"},
		{"Ahmed:lle", "ahmed"}, {"Chloe:n", "chloe"},
		// case does not matter
		{"JENNAN", "jenna"}, {"ÄIMÄN", "äimän"},
	}
	for _, c := range cases {
		got := lemmas(c.word, nil)
		if len(got) == 0 || got[0] != strings.ToLower(c.word) {
			t.Errorf("lemmas(%q) = %q: want the lower-cased word first", c.word, got)
		}
		if !slices.Contains(got, c.lemma) {
			t.Errorf("lemmas(%q) = %q: want %q among them", c.word, got, c.lemma)
		}
	}
}

func TestLemmasWithKnownForms(t *testing.T) {
	known := map[string]bool{"lappeenranta": true, "helsinki": true}
	for w, want := range map[string]string{"Lappeenrannassa": "lappeenranta", "Helsingistä": "helsinki", "Pekalle": "pekka"} {
		if got := lemmasWith(w, nil, known); !slices.Contains(got, want) {
			t.Errorf("lemmasWith(%q) = %q: want %q among them", w, got, want)
		}
	}
	if got := lemmas("Lappeenrannassa", nil); slices.Contains(got, "lappeenranta") {
		t.Errorf("lemmas rebuilt a form that is no name: %q", got)
	}
}

func TestLemmasKeepsTheWordFirst(t *testing.T) {
	got := lemmas("Anders", nil)
	if got[0] != "anders" || !slices.Contains(got, "ander") {
		t.Fatalf("lemmas(Anders) = %q", got)
	}
	buf := make([]string, 0, 32)
	buf = lemmas("Pekalle", buf)
	buf = lemmas("Jennan", buf[:0])
	if buf[0] != "jennan" || !slices.Contains(buf, "jenna") || slices.Contains(buf, "pekka") {
		t.Fatalf("reused buffer: %q", buf)
	}
}

// Ordinary words, mostly roles and places a young person writes about, must
// not analyse to any name.
func TestLemmasOfOrdinaryWordsAreNotNames(t *testing.T) {
	words := []string{
		"äidilleni", "isälle", "sossulle", "kuraattorille", "koulussa", "kotona",
		"äidille", "äitipuolelle", "isäpuolen", "mutsille", "faijalle", "tädille",
		"veljelle", "mummolle", "kaverille", "opettajalle", "poliisille", "terkkarille",
		"rehtorille", "kotiin", "kotoa", "koulusta", "kouluun", "sossut", "sossun",
		"lastensuojelu", "huostaanotto", "laitokseen", "nuorisokodissa", "sijaisperheeseen",
		"psykologille", "lääkärille", "poikaystävälle", "tyttöystävän", "mamma", "pappa",
		"kompisar", "socialen", "läraren", "stepdad", "counselor", "teacher",
	}
	for _, w := range words {
		for _, l := range lemmas(w, nil) {
			if isFirstName(l) || isSurname(l) {
				t.Errorf("lemmas(%q) has %q, a listed name", w, l)
			}
		}
		if h, ok := lexLookup(w); ok {
			t.Errorf("lexLookup(%q) = %+v", w, h)
		}
	}
}

func TestNameLists(t *testing.T) {
	first := []string{
		// @zxcvbn-ts/language-fi
		"jenna", "ville", "aino", "matti", "veeti", "iida", "anna-liisa",
		// Finnish nicknames
		"ellu", "jonttu", "mikke", "santtu", "tuukka", "jonne", "pete", "jussi",
		// Finland-Swedish
		"anders", "linnea", "björn", "ebba", "måns",
		// immigrant communities
		"hodan", "abdirahman", "yousef", "rojin", "arash", "dmitri", "kristjan", "arben",
		"minh", "xiaoming", "somchai", "ayşe", "ayse", "oleksandr", "chloe", "kofi",
	}
	for _, n := range first {
		if !isFirstName(n) {
			t.Errorf("isFirstName(%q) = false", n)
		}
	}
	sur := []string{
		"virtanen", "korhonen", "mäkinen", "lehto", "kivi", "hertzen",
		"lindqvist", "nyström", "sjöberg", "grönroos", "lindfors", "forsman",
		"mohamed", "ahmed", "ali", "hassan", "nguyen", "ivanov", "smirnov", "berisha",
		"yılmaz", "yilmaz", "shevchenko", "tamm", "wang", "o'connor",
	}
	for _, n := range sur {
		if !isSurname(n) {
			t.Errorf("isSurname(%q) = false", n)
		}
	}
	if !isFirstName("Jenna") || !isSurname("VIRTANEN") {
		t.Error("lookups must ignore case")
	}
	for _, w := range []string{"äiti", "isä", "koulu", "sossu", "kuraattori", "tai", "han", "he", "mutta"} {
		if isFirstName(w) || isSurname(w) {
			t.Errorf("%q is listed as a name", w)
		}
	}
}

func TestIsCommonWord(t *testing.T) {
	for _, w := range []string{
		"toivon", "onneksi", "pilvet", "stenar", "frankly", "Toivon", "lunta", "lumen",
		"sadun", "tuulen", "kivi", "mäki", "koski", "aamulla", "illalla", "illal",
		"usko", "kai", "into", "siskolle", "storebror", "toivottavasti", "will", "grace", "rose", "my",
	} {
		if !isCommonWord(w) {
			t.Errorf("isCommonWord(%q) = false", w)
		}
	}
	// Names whose dictionary readings are rare or odd are not ordinary words.
	for _, w := range []string{"jenna", "matti", "milla", "emmi", "anne", "aleksi", "virtanen", "pekan"} {
		if isCommonWord(w) {
			t.Errorf("isCommonWord(%q) = true", w)
		}
	}
}

func TestLexLookup(t *testing.T) {
	cases := []struct {
		word, lemma string
		kind        lexKind
		exact       bool
	}{
		{"Jenna", "jenna", lexFirst, true},
		{"jennalle", "jenna", lexFirst, false},
		{"Virtaselta", "virtanen", lexSur, false},
		{"Anna-Liisalle", "anna-liisa", lexFirst, false},
		{"Jenna-Marialle", "jenna-maria", lexFirst, false}, // not listed whole
	}
	for _, c := range cases {
		h, ok := lexLookup(c.word)
		if !ok || h.lemma != c.lemma || h.kind&c.kind == 0 || h.exact != c.exact {
			t.Errorf("lexLookup(%q) = %+v, %v; want %s", c.word, h, ok, c.lemma)
		}
	}
	for _, w := range []string{"", "a", "koulu", "Jenna-koululle", strings.Repeat("jenna", 30)} {
		if h, ok := lexLookup(w); ok {
			t.Errorf("lexLookup(%q) = %+v", w, h)
		}
	}
}

func TestLexiconDataIsSortedLowerCase(t *testing.T) {
	for name, data := range map[string]string{
		"first_names.txt": lexFirstNamesData, "first_names_extra.txt": lexFirstNamesExtraData,
		"surnames.txt": lexSurnamesData, "surnames_extra.txt": lexSurnamesExtraData,
		"common_words.txt": lexCommonWordsData,
	} {
		var lines []string
		lexEachLine(data, func(w string) { lines = append(lines, w) })
		if len(lines) < 100 {
			t.Errorf("%s: only %d entries", name, len(lines))
		}
		for i, w := range lines {
			if w != strings.ToLower(w) || strings.ContainsAny(w, " \t") {
				t.Errorf("%s: %q is not one lower-case word", name, w)
			}
			if i > 0 && lines[i-1] >= w {
				t.Errorf("%s: %q after %q: not sorted or duplicated", name, w, lines[i-1])
			}
		}
	}
}

func TestLexiconDoesNotAllocate(t *testing.T) {
	theLexicon()
	buf := make([]string, 0, lexMaxCands+4)
	for _, w := range []string{"jennalle", "Virtaselle", "koulussa", "Pekalle"} {
		if n := testing.AllocsPerRun(100, func() { lexLookup(w) }); n != 0 {
			t.Errorf("lexLookup(%q): %v allocations", w, n)
		}
		if n := testing.AllocsPerRun(100, func() { isCommonWord(w) }); n != 0 {
			t.Errorf("isCommonWord(%q): %v allocations", w, n)
		}
	}
	for _, w := range []string{"jennalle", "virtaselle", "koulussa", "pekalle"} {
		if n := testing.AllocsPerRun(100, func() { buf = lemmas(w, buf[:0]) }); n != 0 {
			t.Errorf("lemmas(%q): %v allocations", w, n)
		}
	}
}

// benchWords is a mix of ordinary words and names as they occur in a
// question: mostly lower-case, some inflected.
var benchWords = strings.Fields(`moi mä oon 14 ja mun kaveri jennalle tapahtu jotain
	kotona sen isäpuoli huutaa ja lyö välillä Virtasen perhe asuu naapurissa enkä
	tiedä kenelle kertoa koulussa kuraattori Pekka Mäkelä sano et pitäis soittaa
	sossulle mut mua pelottaa mitä äiti sanoo jos se saa tietää toivottavasti joku
	vastaa onneksi mulla on sisko Aino joka auttaa`)

func BenchmarkLemmas(b *testing.B) {
	theLexicon()
	buf := make([]string, 0, lexMaxCands+4)
	n := 0
	for _, w := range benchWords {
		n += len(w) + 1
	}
	b.SetBytes(int64(n))
	b.ReportAllocs()
	for b.Loop() {
		for _, w := range benchWords {
			buf = lemmas(w, buf[:0])
		}
	}
}

// BenchmarkLemmasAndLookups is lemmas plus isFirstName and isSurname for
// every lemma, as a detector might call them.
func BenchmarkLemmasAndLookups(b *testing.B) {
	theLexicon()
	buf := make([]string, 0, lexMaxCands+4)
	n := 0
	for _, w := range benchWords {
		n += len(w) + 1
	}
	b.SetBytes(int64(n))
	b.ReportAllocs()
	for b.Loop() {
		for _, w := range benchWords {
			buf = lemmas(w, buf[:0])
			for _, l := range buf {
				_ = isFirstName(l) || isSurname(l)
			}
			_ = isCommonWord(w)
		}
	}
}

func BenchmarkLexLookup(b *testing.B) {
	theLexicon()
	n := 0
	for _, w := range benchWords {
		n += len(w) + 1
	}
	b.SetBytes(int64(n))
	b.ReportAllocs()
	for b.Loop() {
		for _, w := range benchWords {
			if _, ok := lexLookup(w); ok {
				_ = isCommonWord(w)
			}
		}
	}
}

func BenchmarkLoadLexicon(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		loadLexicon()
	}
}
