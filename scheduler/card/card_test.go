package card

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"strings"
	"sync"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/unicode/norm"
)

// layoutOf runs layout with a fresh face set (closed when the test ends).
func layoutOf(t testing.TB, c Content) *plan {
	t.Helper()
	if err := loadFonts(); err != nil {
		t.Fatal(err)
	}
	fs := newFaceSet()
	t.Cleanup(fs.close)
	p, err := layout(c, fs)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// words makes n space-separated invented words of varying length.
func words(n int) string {
	vocab := []string{"lastensuojelu", "ja", "sosiaalityöntekijä", "voi", "auttaa", "sinua", "kun", "kotona", "on", "vaikeaa", "äiti", "öisin", "både", "kuraattori", "€", "–", "”tärkeää”", "Åland"}
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(vocab[(i*7+i/3)%len(vocab)])
	}
	return b.String()
}

func chars(n int) string {
	s := words(n/5 + 10)
	return string([]rune(s)[:n])
}

var extreme = Content{Lang: "fi", Question: chars(2000), Answer: chars(5000), URL: "https://kysy.fi/v/1"}

// layoutCases covers ordinary, long, extreme and odd contents.
func layoutCases() map[string]Content {
	m := map[string]Content{
		"extreme":            extreme,
		"extreme_answer":     {Lang: "sv", Answer: chars(5000)},
		"long_question_only": {Lang: "en", Question: chars(2000), Answer: "Yes."},
		"long_word":          {Lang: "fi", Question: strings.Repeat("Ä", 300), Answer: "https://example.invalid/" + strings.Repeat("abcdefghij", 60)},
		"paragraphs":         {Lang: "fi", Question: "Rivi 1\n\n\n\nRivi 2\r\nRivi 3", Answer: "A\n\nB\n\n\n\nC\n", URL: "https://kysy.fi/" + strings.Repeat("pitkä-osoite-", 20)},
		"tiny":               {Lang: "en", Question: "?", Answer: "Ok."},
	}
	for _, g := range goldenCases {
		m["golden_"+g.name] = g.c
	}
	return m
}

func TestEmptyAnswer(t *testing.T) {
	for _, a := range []string{"", "   ", "\n\t\r\n", "\u200b\u200d"} {
		c := Content{Question: "Kysymys?", Answer: a, Lang: "fi"}
		if _, err := Render(c); !errors.Is(err, ErrEmptyAnswer) {
			t.Errorf("Render(answer %q): err = %v, want ErrEmptyAnswer", a, err)
		}
		if _, err := PNG(c); !errors.Is(err, ErrEmptyAnswer) {
			t.Errorf("PNG(answer %q): err = %v, want ErrEmptyAnswer", a, err)
		}
		if _, err := JPEG(c); !errors.Is(err, ErrEmptyAnswer) {
			t.Errorf("JPEG(answer %q): err = %v, want ErrEmptyAnswer", a, err)
		}
	}
}

func TestErrorHasNoText(t *testing.T) {
	_, err := Render(Content{Question: "salainen-kysymys", Answer: " "})
	if err == nil || strings.Contains(err.Error(), "salainen") {
		t.Fatalf("err = %v", err)
	}
}

func TestDeterministic(t *testing.T) {
	c := goldenCases[0].c
	a, err := Render(c)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Render(c)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Pix, b.Pix) {
		t.Fatalf("two renders differ in %d pixels", diffPixels(a, b))
	}
	// Concurrent renders (run with -race) give the same pixels too.
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m, err := Render(c)
			if err == nil && !bytes.Equal(m.Pix, a.Pix) {
				err = errors.New("concurrent render differs")
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	pa, _ := PNG(c)
	pb, _ := PNG(c)
	ja, _ := JPEG(c)
	jb, _ := JPEG(c)
	if !bytes.Equal(pa, pb) || !bytes.Equal(ja, jb) {
		t.Error("encoded bytes differ between two calls")
	}
}

func TestRenderSize(t *testing.T) {
	m, err := Render(goldenCases[1].c)
	if err != nil {
		t.Fatal(err)
	}
	if m.Bounds() != image.Rect(0, 0, 1080, 1350) {
		t.Fatalf("bounds %v", m.Bounds())
	}
}

func TestLabels(t *testing.T) {
	for lang, want := range map[string][2]string{
		"fi": {"Kysymys", "Vastaus"}, "sv": {"Fråga", "Svar"}, "en": {"Question", "Answer"},
		"sv-FI": {"Fråga", "Svar"}, "EN": {"Question", "Answer"}, "": {"Kysymys", "Vastaus"}, "de": {"Kysymys", "Vastaus"},
	} {
		p := layoutOf(t, Content{Lang: lang, Question: "q", Answer: "a"})
		got := [2]string{}
		for _, l := range p.lines {
			switch l.block {
			case blockQLabel:
				got[0] = l.text
			case blockALabel:
				got[1] = l.text
			}
		}
		if got != want {
			t.Errorf("lang %q: labels %q, want %q", lang, got, want)
		}
	}
}

func TestNoQuestionNoLabel(t *testing.T) {
	for _, q := range []string{"", "  \n ", "\u200b"} {
		p := layoutOf(t, Content{Lang: "fi", Question: q, Answer: "Vastaus kysymykseen."})
		if _, ok := p.blocks[blockQLabel]; ok {
			t.Errorf("question %q: question label placed", q)
		}
		if _, ok := p.blocks[blockQBox]; ok {
			t.Errorf("question %q: question box placed", q)
		}
		for _, l := range p.lines {
			if l.block == blockQLabel || l.block == blockQBox || l.text == "Kysymys" {
				t.Errorf("question %q: drew %q in %s", q, l.text, l.block)
			}
		}
		if p.question != nil {
			t.Errorf("question lines %q", p.question)
		}
		if p.labelSize != labelSizeAnswer || p.bodySize != maxSizeAnswerOnly {
			t.Errorf("answer-only card not larger: label %d, body %d", p.labelSize, p.bodySize)
		}
	}
	// And in pixels: the answer-only card has no tinted box colour anywhere.
	m, err := Render(Content{Lang: "fi", Answer: "Vastaus."})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(m.Pix); i += 4 {
		if m.Pix[i] == colBox.R && m.Pix[i+1] == colBox.G && m.Pix[i+2] == colBox.B {
			t.Fatal("question box colour found on an answer-only card")
		}
	}
}

func TestWrapWithinWidth(t *testing.T) {
	if err := loadFonts(); err != nil {
		t.Fatal(err)
	}
	fs := newFaceSet()
	defer fs.close()
	texts := []string{
		words(400),
		strings.Repeat("W", 500),
		"lyhyt " + strings.Repeat("pitkäsanaäöå", 40) + " loppu",
		"a\n\nb\nc    d\t\te",
		sanitize(chars(3000)),
	}
	for size := minSize; size <= maxSizeAnswerOnly; size += sizeStep {
		face, err := fs.get(false, size)
		if err != nil {
			t.Fatal(err)
		}
		for _, maxW := range []int{questionW, textW, 200} {
			for ti, text := range texts {
				lines := wrap(text, face, px(maxW), 0)
				for _, l := range lines {
					if w := width(face, l); w > px(maxW) {
						t.Fatalf("size %d text %d: line width %v > %d: %q", size, ti, w, maxW, l)
					}
				}
				// Nothing is lost: the lines hold the same non-space runes.
				if strip(strings.Join(lines, "")) != strip(text) {
					t.Fatalf("size %d text %d: wrapping lost or changed text", size, ti)
				}
			}
		}
	}
	// Paragraphs are kept, runs of empty lines collapse to one.
	face, _ := fs.get(false, 40)
	got := wrap("a\n\n\nb\nc\n\n", face, px(textW), 0)
	if want := []string{"a", "", "b", "c"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("paragraphs: %q, want %q", got, want)
	}
}

func strip(s string) string {
	return strings.Join(strings.Fields(s), "")
}

// inkBleed is how far, in pixels, a glyph's ink may overhang its block
// sideways (into the 88 px margin).
const inkBleed = 4

// TestLayoutInvariants: every block lies inside the card and the content
// area, no two blocks overlap, and the ink of every line lies inside its
// block (so inside the card) with its advance within the text width.
func TestLayoutInvariants(t *testing.T) {
	card := image.Rect(0, 0, Width, Height)
	for name, c := range layoutCases() {
		p := layoutOf(t, c)
		var names []string
		for n, r := range p.blocks {
			names = append(names, n)
			if !r.In(card) || r.Empty() {
				t.Errorf("%s: block %s %v not inside the card", name, n, r)
			}
			if n != blockFooter && (r.Min.Y < contentTop || r.Max.Y > contentBottom) {
				t.Errorf("%s: block %s %v outside the content area", name, n, r)
			}
		}
		for i := range names {
			for j := i + 1; j < len(names); j++ {
				if a, b := p.blocks[names[i]], p.blocks[names[j]]; a.Overlaps(b) {
					t.Errorf("%s: blocks %s %v and %s %v overlap", name, names[i], a, names[j], b)
				}
			}
		}
		for _, l := range p.lines {
			r := p.blocks[l.block]
			left, right := px(r.Min.X), px(r.Max.X)
			if l.block == blockQBox {
				left, right = px(r.Min.X+boxPadX), px(r.Max.X-boxPadX)
			}
			adv := width(l.face, l.text)
			if l.dot.X < left || l.dot.X+adv > right {
				t.Errorf("%s: line in %s spans %v..%v, outside %v..%v", name, l.block, l.dot.X, l.dot.X+adv, left, right)
			}
			// Ink may overhang the block sideways by a glyph's negative
			// side bearing (the "J" of Go Regular: 1.5 px), never more than
			// inkBleed, and never leave the block vertically.
			ink, _ := font.BoundString(l.face, l.text)
			ink = ink.Add(l.dot)
			box := fixed.R(r.Min.X-inkBleed, r.Min.Y, r.Max.X+inkBleed, r.Max.Y)
			if l.text != "" && !ink.In(box) {
				t.Errorf("%s: ink %v of a line in %s outside block %v", name, ink, l.block, r)
			}
		}
	}
}

func TestShrink(t *testing.T) {
	prev := math.MaxInt
	for _, n := range []int{10, 40, 70, 100, 130} {
		p := layoutOf(t, Content{Lang: "fi", Question: words(n / 4), Answer: words(n)})
		if p.bodySize > prev {
			t.Errorf("%d words: size %d grew from %d", n, p.bodySize, prev)
		}
		if p.qTruncated || p.aTruncated {
			t.Errorf("%d words: truncated although it should fit by shrinking", n)
		}
		prev = p.bodySize
	}
	short := layoutOf(t, Content{Lang: "fi", Question: "Hei?", Answer: "Hei!"})
	long := layoutOf(t, Content{Lang: "fi", Question: words(60), Answer: words(250)})
	if short.bodySize != maxSizeQA {
		t.Errorf("short text at %d px, want the maximum %d", short.bodySize, maxSizeQA)
	}
	if long.bodySize >= short.bodySize || long.bodySize < minSize {
		t.Errorf("long text at %d px, want smaller than %d and at least %d", long.bodySize, short.bodySize, minSize)
	}
}

func TestTruncateExtreme(t *testing.T) {
	p := layoutOf(t, extreme)
	if p.bodySize != minSize {
		t.Errorf("size %d, want the minimum %d", p.bodySize, minSize)
	}
	if !p.qTruncated || !p.aTruncated {
		t.Fatalf("truncated: question %v answer %v, want both", p.qTruncated, p.aTruncated)
	}
	for name, lines := range map[string][]string{"question": p.question, "answer": p.answer} {
		last := lines[len(lines)-1]
		if !strings.HasSuffix(last, ellipsis) {
			t.Errorf("%s: last line %q does not end with …", name, last)
		}
		for _, l := range lines[:len(lines)-1] {
			if strings.Contains(l, ellipsis) {
				t.Errorf("%s: … before the last line", name)
			}
		}
	}
	if len(p.answer) <= len(p.question) {
		t.Errorf("answer %d lines, question %d: the answer should get priority", len(p.answer), len(p.question))
	}
	if len(p.question) < minQuestionLines {
		t.Errorf("question kept %d lines, want at least %d", len(p.question), minQuestionLines)
	}
	// The cut is at a word boundary: what is kept before "…" is a prefix of
	// the text ending with a whole word.
	kept := strings.TrimSuffix(strings.Join(p.answer, " "), ellipsis)
	src := strings.Join(strings.Fields(sanitize(extreme.Answer)), " ")
	if !strings.HasPrefix(src, kept) || (len(src) > len(kept) && src[len(kept)] != ' ') {
		t.Errorf("answer not cut at a word boundary: …%q", kept[max(0, len(kept)-30):])
	}
	// A short answer with a huge question: the question gets the rest.
	p = layoutOf(t, Content{Lang: "fi", Question: chars(5000), Answer: "Kyllä."})
	if p.aTruncated || !p.qTruncated || len(p.answer) != 1 {
		t.Errorf("huge question: answer truncated %v, question truncated %v", p.aTruncated, p.qTruncated)
	}
	// Rendering and encoding still work.
	if _, err := JPEG(extreme); err != nil {
		t.Fatal(err)
	}
}

func TestTruncateFunc(t *testing.T) {
	if err := loadFonts(); err != nil {
		t.Fatal(err)
	}
	fs := newFaceSet()
	defer fs.close()
	face, _ := fs.get(false, 40)
	lines := []string{"yksi kaksi", "", "kolme, neljä", "viisi"}
	got, cut := truncate(lines, 3, face, px(textW))
	if !cut || fmt.Sprint(got) != fmt.Sprint([]string{"yksi kaksi", "", "kolme, neljä…"}) {
		t.Errorf("got %q", got)
	}
	got, _ = truncate(lines, 2, face, px(textW))
	if fmt.Sprint(got) != fmt.Sprint([]string{"yksi kaksi…"}) {
		t.Errorf("trailing empty line kept: %q", got)
	}
	// A full line loses its last word so that "…" fits.
	full := wrap(words(200), face, px(300), 0)
	got, _ = truncate(full, 1, face, px(300))
	if width(face, got[0]) > px(300) || !strings.HasSuffix(got[0], ellipsis) {
		t.Errorf("ellipsis line %q too wide or without …", got[0])
	}
	if _, cut := truncate(lines, 4, face, px(textW)); cut {
		t.Error("truncated lines that fit")
	}
}

// TestGlyphs: the letters and punctuation a Nordic text needs have real
// glyphs in both fonts, and are drawn as ink, not as the ".notdef" box.
func TestGlyphs(t *testing.T) {
	if err := loadFonts(); err != nil {
		t.Fatal(err)
	}
	fs := newFaceSet()
	defer fs.close()
	need := "äöåÄÖÅéüÜõšžŠŽ€–—“”‘’„«»…§½°"
	notdef := glyphMask(t, fs, '\U0010FFFD') // private use: not in the font
	for _, r := range need {
		if !hasGlyph(r) {
			t.Errorf("%q (%U) has no glyph", r, r)
			continue
		}
		m := glyphMask(t, fs, r)
		if m == "" || m == notdef {
			t.Errorf("%q (%U) draws no ink or the .notdef box", r, r)
		}
	}
	if s := sanitize(need); s != need {
		t.Errorf("sanitize changed supported text: %q", s)
	}
}

// glyphMask draws r at 40 px and returns its alpha mask as a string.
func glyphMask(t *testing.T, fs *faceSet, r rune) string {
	face, err := fs.get(false, 40)
	if err != nil {
		t.Fatal(err)
	}
	dr, mask, mp, _, ok := face.Glyph(fixed.P(10, 50), r)
	if !ok || dr.Empty() {
		return ""
	}
	var b strings.Builder
	for y := dr.Min.Y; y < dr.Max.Y; y++ {
		for x := dr.Min.X; x < dr.Max.X; x++ {
			_, _, _, a := mask.At(mp.X+x-dr.Min.X, mp.Y+y-dr.Min.Y).RGBA()
			b.WriteByte(byte(a >> 8))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func TestSanitize(t *testing.T) {
	for in, want := range map[string]string{
		"a\u0308iti":          "äiti",   // NFC
		"hei 😀!":              "hei ?!", // no glyph → fallback
		"x\u200by\u00adz":     "xyz",    // zero-width, soft hyphen dropped
		"  a\r\nb\rc\u2028d ": "a\nb\nc\nd",
		"a\tb\u00a0c":         "a b c",
		"\x00\x1bok\x7f":      "ok",
		"漢字":                  "??",
		"\uFFFD":              "?",
	} {
		if got := sanitize(in); got != want {
			t.Errorf("sanitize(%q) = %q, want %q", in, got, want)
		}
	}
	if s := sanitize("“Lainaus” – ’heitto’ … 5 €"); s != norm.NFC.String("“Lainaus” – ’heitto’ … 5 €") {
		t.Errorf("typographic punctuation changed: %q", s)
	}
}

func TestURLFooter(t *testing.T) {
	p := layoutOf(t, Content{Answer: "a", URL: "https://kysy.fi/v/12/"})
	found := false
	for _, l := range p.lines {
		if l.block == blockFooter && l.text == "kysy.fi/v/12" {
			found = true
		}
	}
	if !found {
		t.Error("URL not printed as kysy.fi/v/12")
	}
	p = layoutOf(t, Content{Answer: "a"})
	for _, l := range p.lines {
		if l.block == blockFooter && l.text != "Kysy" {
			t.Errorf("footer without URL drew %q", l.text)
		}
	}
	p = layoutOf(t, Content{Answer: "a", URL: "https://kysy.fi/" + strings.Repeat("x", 500)})
	for _, l := range p.lines {
		if l.block == blockFooter && l.text != "Kysy" && !strings.HasSuffix(l.text, ellipsis) {
			t.Errorf("long URL not shortened: %q", l.text)
		}
	}
}

// TestContrast checks WCAG 2 AA (4.5:1) for every text colour on the
// background it is drawn on.
func TestContrast(t *testing.T) {
	for _, pair := range []struct {
		name   string
		fg, bg color.RGBA
	}{
		{"text on background", colText, colBackground},
		{"text in question box", colText, colBox},
		{"labels and brand", colAccent, colBackground},
		{"URL", colMuted, colBackground},
	} {
		if r := contrast(pair.fg, pair.bg); r < 4.5 {
			t.Errorf("%s: contrast %.2f < 4.5", pair.name, r)
		} else {
			t.Logf("%s: %.2f:1", pair.name, r)
		}
	}
}

func contrast(a, b color.RGBA) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(c color.RGBA) float64 {
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.R) + 0.7152*lin(c.G) + 0.0722*lin(c.B)
}
