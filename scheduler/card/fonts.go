package card

import (
	"strings"
	"sync"
	"unicode"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"
)

// fallbackRune replaces any rune the embedded fonts have no glyph for, so
// that nothing is drawn as an empty ".notdef" box.
const fallbackRune = '?'

// The Go fonts (BSD licence, golang.org/x/image/font/gofont) are compiled
// into the binary: nothing is read from the system or the network.
var (
	fontsOnce    sync.Once
	fontsErr     error
	regularFont  *opentype.Font
	boldFont     *opentype.Font
	glyphMu      sync.Mutex
	glyphCache   = map[rune]bool{}
	glyphScratch sfnt.Buffer
)

func loadFonts() error {
	fontsOnce.Do(func() {
		regularFont, fontsErr = opentype.Parse(goregular.TTF)
		if fontsErr != nil {
			return
		}
		boldFont, fontsErr = opentype.Parse(gobold.TTF)
	})
	return fontsErr
}

// hasGlyph reports whether both embedded fonts have a real glyph (not
// glyph 0, ".notdef") for r. Results are cached; safe for concurrent use.
func hasGlyph(r rune) bool {
	glyphMu.Lock()
	defer glyphMu.Unlock()
	if ok, seen := glyphCache[r]; seen {
		return ok
	}
	ok := true
	for _, f := range []*opentype.Font{regularFont, boldFont} {
		gi, err := f.GlyphIndex(&glyphScratch, r)
		if err != nil || gi == 0 {
			ok = false
			break
		}
	}
	if len(glyphCache) < 4096 {
		glyphCache[r] = ok
	}
	return ok
}

// sanitize prepares user text for drawing: NFC (so that "a" + combining
// diaeresis becomes one "ä" glyph), newlines normalised to "\n", tabs and
// other spaces to " ", invisible format and control characters dropped,
// and every rune without a glyph replaced by fallbackRune.
func sanitize(s string) string {
	s = norm.NFC.String(s)
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029' || r == '\u0085':
			b.WriteByte('\n')
		case r == unicode.ReplacementChar:
			// Invalid UTF-8 (or U+FFFD itself): the plain fallback.
			b.WriteRune(fallbackRune)
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		case unicode.Is(unicode.Cc, r), unicode.Is(unicode.Cf, r),
			unicode.Is(unicode.Variation_Selector, r):
			// Zero-width and control characters: nothing to draw.
		case unicode.Is(unicode.Mn, r) && !hasGlyph(r):
			// A combining mark left over after NFC with no glyph: drop it
			// rather than print a stray "?".
		case hasGlyph(r):
			b.WriteRune(r)
		default:
			b.WriteRune(fallbackRune)
		}
	}
	return strings.TrimSpace(b.String())
}

// faces makes and caches the font faces one Render call needs. A face is
// not safe for concurrent use, so each Render has its own faceSet.
type faceSet struct {
	m map[faceKey]font.Face
}

type faceKey struct {
	bold bool
	size int
}

func newFaceSet() *faceSet { return &faceSet{m: map[faceKey]font.Face{}} }

func (fs *faceSet) get(bold bool, size int) (font.Face, error) {
	k := faceKey{bold, size}
	if f, ok := fs.m[k]; ok {
		return f, nil
	}
	src := regularFont
	if bold {
		src = boldFont
	}
	f, err := opentype.NewFace(src, &opentype.FaceOptions{
		Size:    float64(size),
		DPI:     72, // so that Size is in pixels
		Hinting: font.HintingNone,
	})
	if err != nil {
		return nil, err
	}
	fs.m[k] = f
	return f, nil
}

func (fs *faceSet) close() {
	for _, f := range fs.m {
		_ = f.Close()
	}
}
