// Package card renders the image card of a published Kysy post: the
// question (when the young person consented to publishing it) and the
// social worker's answer on a calm 1080×1350 (4:5) card, for the web feed
// (PNG) and Instagram (JPEG).
//
// Rendering is pure and deterministic: the fonts (the Go fonts) and the
// sRGB colour profile are embedded, nothing is read from the system or the
// network, and the same Content always gives the same pixels. The package
// never logs, and its errors never contain the text of a card.
package card

import (
	"errors"
	"image"
	"image/color"
	"image/draw"

	"golang.org/x/image/font"
	"golang.org/x/image/vector"
)

// Width and Height are the size of every card in pixels: 4:5 portrait, the
// size Instagram shows without cropping.
const Width, Height = 1080, 1350

// Content is what a card shows. Question may be empty: without the young
// person's consent to publish, only the answer is shown.
type Content struct {
	Question string
	Answer   string
	Lang     string // fi, sv or en: picks the labels
	URL      string // the post's public address, printed small at the bottom (may be empty)
}

// ErrEmptyAnswer is returned when the answer has no visible text.
var ErrEmptyAnswer = errors.New("card: the answer is empty")

// Render draws the card for c. It is deterministic: the same input gives
// the same pixels. Text is wrapped to the card, the font shrinks step by
// step until everything fits, and text that does not fit even at the
// smallest size is cut with "…" (the answer keeps priority over the
// question). Lang "fi", "sv" or "en" picks the labels; anything else falls
// back to Finnish. Runes the fonts cannot draw are shown as "?".
func Render(c Content) (*image.RGBA, error) {
	if err := loadFonts(); err != nil {
		return nil, err
	}
	fs := newFaceSet()
	defer fs.close()
	p, err := layout(c, fs)
	if err != nil {
		return nil, err
	}
	return paint(p), nil
}

// paint draws a measured plan.
func paint(p *plan) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, Width, Height))
	fill(img, img.Bounds(), colBackground)
	fill(img, image.Rect(0, 0, Width, stripeH), colAccent)
	if box, ok := p.blocks[blockQBox]; ok {
		roundedRect(img, box, boxRadius, colBox)
	}
	fill(img, image.Rect(marginX, footerRuleY, Width-marginX, footerRuleY+2), colRule)
	for _, l := range p.lines {
		d := font.Drawer{Dst: img, Src: image.NewUniform(l.col), Face: l.face, Dot: l.dot}
		d.DrawString(l.text)
	}
	return img
}

func fill(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	draw.Draw(img, r, image.NewUniform(c), image.Point{}, draw.Src)
}

// roundedRect fills r with corners of radius rad, anti-aliased.
func roundedRect(img *image.RGBA, r image.Rectangle, rad int, c color.RGBA) {
	w, h := float32(r.Dx()), float32(r.Dy())
	k := float32(rad) * 0.5523 // cubic Bézier approximation of a quarter circle
	q := float32(rad)
	z := vector.NewRasterizer(r.Dx(), r.Dy())
	z.MoveTo(q, 0)
	z.LineTo(w-q, 0)
	z.CubeTo(w-q+k, 0, w, q-k, w, q)
	z.LineTo(w, h-q)
	z.CubeTo(w, h-q+k, w-q+k, h, w-q, h)
	z.LineTo(q, h)
	z.CubeTo(q-k, h, 0, h-q+k, 0, h-q)
	z.LineTo(0, q)
	z.CubeTo(0, q-k, q-k, 0, q, 0)
	z.ClosePath()
	z.Draw(img, r, image.NewUniform(c), image.Point{})
}
