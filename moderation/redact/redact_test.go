package redact_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"kysy/moderation/redact"
)

func TestRedactBasicKinds(t *testing.T) {
	r := redact.New(redact.Options{})
	cases := []struct{ in, want string }{
		{"mailaa mulle jenna.virtanen@gmail.com kiitos", "mailaa mulle [EMAIL] kiitos"},
		{"osoite: Pekka_99@koulu.hel.fi.", "osoite: [EMAIL]."},
		{"soita 040 123 4567", "soita [PHONE]"},
		{"soita 0401234567!", "soita [PHONE]!"},
		{"numero +358 40 123 4567", "numero [PHONE]"},
		{"numero +358401234567", "numero [PHONE]"},
		{"lankapuhelin (09) 123 4567", "lankapuhelin [PHONE]"},
		{"050-765-4321 on äidin", "[PHONE] on äidin"},
		{"045.123.4567", "[PHONE]"},
		{"ring 070-123 45 67", "ring [PHONE]"},
		{"hetu 150798-245H", "hetu [ID]"},
		{"hetu 010203A1230 ja 290412B567A", "hetu [ID] ja [ID]"},
		{"hetu 311299Y902A", "hetu [ID]"},
		{"pieni kirjain 150798-245h", "pieni kirjain [ID]"},
		// Kept: wrong checksum, helplines, ages, years, counts.
		{"150798-245A ei ole oikea", "150798-245A ei ole oikea"},
		{"soita 112 tai 116 111", "soita 112 tai 116 111"},
		{"kriisipuhelin 09 2525 0111", "kriisipuhelin 09 2525 0111"},
		{"Nollalinja 080 005 005", "Nollalinja 080 005 005"},
		{"olen 14v ja vuonna 2019 muutettiin", "olen 14v ja vuonna 2019 muutettiin"},
		{"lastensuojelulaki 417/2007 sanoo", "lastensuojelulaki 417/2007 sanoo"},
		{"kello 14.30 koulun jälkeen", "kello 14.30 koulun jälkeen"},
		{"", ""},
	}
	for _, tc := range cases {
		res := r.Redact(tc.in)
		if res.Text != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.in, res.Text, tc.want)
		}
		for _, sp := range res.Spans {
			if sp.Start < 0 || sp.End > len(res.Text) || res.Text[sp.Start:sp.End] != "["+string(sp.Kind)+"]" {
				t.Errorf("Redact(%q): span %+v does not cover its placeholder in %q", tc.in, sp, res.Text)
			}
		}
	}
}

func TestRedactKeepNumbersFromConfig(t *testing.T) {
	r := redact.New(redact.Options{KeepNumbers: []string{"040 000 0000"}})
	if got := r.Redact("soita 040 000 0000 tai 040 123 4567").Text; got != "soita 040 000 0000 tai [PHONE]" {
		t.Fatalf("got %q", got)
	}
}

func TestRedactIsIdempotent(t *testing.T) {
	r := redact.New(redact.Options{})
	in := "Jenna 040 123 4567, jenna@example.com, 150798-245H"
	once := r.Redact(in).Text
	if twice := r.Redact(once); twice.Text != once || len(twice.Spans) != 0 {
		t.Fatalf("redacting %q again found %v", once, twice.Spans)
	}
}

// TestRedactLongTextStable: on a long text the second look after a pass
// runs on windows around the placeholders rather than on the whole text
// (recheck); redacting its output again must still find nothing new. The
// text is the corpus and the fuzz seeds, each several times, joined by
// assorted separators.
func TestRedactLongTextStable(t *testing.T) {
	parts := corpusTexts(t)
	seeds, _ := filepath.Glob("testdata/fuzz/FuzzRedact/*")
	for _, f := range seeds {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		// go test fuzz v1 files: a header line, then string("…").
		for _, line := range strings.Split(string(b), "\n")[1:] {
			if q, ok := strings.CutPrefix(line, "string("); ok {
				if s, err := strconv.Unquote(strings.TrimSuffix(q, ")")); err == nil {
					parts = append(parts, s)
				}
			}
		}
	}
	seps := []string{"\n\n", " ", "\n", ". ", " 0", "1 ", ", ", ""}
	var b strings.Builder
	for k := 0; k < 3; k++ {
		for i, p := range parts {
			b.WriteString(p)
			b.WriteString(seps[(i+k)%len(seps)])
		}
	}
	r := redact.New(redact.Options{})
	once := r.Redact(b.String()).Text
	if twice := r.Redact(once); twice.Text != once {
		a, c := once, twice.Text
		i := 0
		for i < len(a) && i < len(c) && a[i] == c[i] {
			i++
		}
		t.Fatalf("redacting the output again changed it at byte %d:\n%q\n%q", i, a[max(0, i-80):min(len(a), i+80)], c[max(0, i-80):min(len(c), i+80)])
	}
}
