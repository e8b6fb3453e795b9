package card

import (
	"image"
	"image/color"
	"math"
	"strings"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
)

// Geometry of the card, in pixels.
const (
	marginX       = 88                // left and right margin of everything
	stripeH       = 12                // accent stripe along the top edge
	contentTop    = 100               // first pixel row the blocks may use
	footerRuleY   = 1226              // the thin rule above the footer
	contentBottom = footerRuleY - 50  // last row (exclusive) the blocks may use
	textW         = Width - 2*marginX // width of labels and the answer
	boxPadX       = 40                // question box: inner left/right padding
	boxPadY       = 34                // question box: inner top/bottom padding
	boxRadius     = 28                // question box: corner radius
	questionW     = textW - 2*boxPadX // width of the question text
	labelGap      = 14                // between a label and its block
	blockGap      = 56                // between the question box and the answer label
	footerBase    = footerRuleY + 64  // baseline of the footer text
	footerBrandPx = 30                // "Kysy" in the footer, bold
	footerURLPx   = 22                // the URL in the footer, regular
	footerGap     = 48                // least space between brand and URL
	lineSpacing   = 1.4               // line height as a multiple of the font size
	labelSpacing  = 1.25              // the same for the labels
	availH        = contentBottom - contentTop
)

// Font sizes, in pixels. The body size starts at the maximum and shrinks by
// sizeStep until the text fits; at minSize overlong text is cut with "…".
const (
	maxSizeQA         = 50 // question and answer
	maxSizeAnswerOnly = 62 // answer only: larger
	labelSizeQA       = 30 // largest label size with a question
	labelSizeAnswer   = 34 // largest label size on an answer-only card
	minLabelSize      = 22
	minSize           = 26
	sizeStep          = 2
	// minQuestionLines is how many lines a question keeps at the least when
	// both texts are too long; the answer gets all the rest.
	minQuestionLines = 3
)

const ellipsis = "…"

// Colours. WCAG contrast of every text colour on its background is at least
// 4.5:1 (AA for normal text); see TestContrast.
var (
	colBackground = color.RGBA{0xF7, 0xF5, 0xF0, 0xFF} // warm off-white
	colText       = color.RGBA{0x1E, 0x2A, 0x36, 0xFF} // deep slate
	colAccent     = color.RGBA{0x1F, 0x5C, 0x70, 0xFF} // calm teal: labels, stripe, brand
	colBox        = color.RGBA{0xE2, 0xEE, 0xF0, 0xFF} // light teal tint of the question box
	colMuted      = color.RGBA{0x4A, 0x55, 0x60, 0xFF} // the URL
	colRule       = color.RGBA{0xD3, 0xD8, 0xD6, 0xFF} // footer rule (decorative)
)

// labels holds the block labels per language.
var labels = map[string][2]string{
	"fi": {"Kysymys", "Vastaus"},
	"sv": {"Fråga", "Svar"},
	"en": {"Question", "Answer"},
}

// langOf maps "fi", "sv-FI", "EN", … to a key of labels; anything else,
// including "", falls back to Finnish, the service's main language.
func langOf(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "-_"); i >= 0 {
		s = s[:i]
	}
	if _, ok := labels[s]; ok {
		return s
	}
	return "fi"
}

// Block names used in plan.blocks and textLine.block.
const (
	blockQLabel = "question-label"
	blockQBox   = "question-box"
	blockALabel = "answer-label"
	blockAnswer = "answer"
	blockFooter = "footer"
)

// textLine is one line of text to draw.
type textLine struct {
	text  string
	face  font.Face
	col   color.RGBA
	dot   fixed.Point26_6 // pen position: left end of the baseline
	block string
}

// plan is the complete, measured layout of a card: Render paints it and
// the tests inspect it.
type plan struct {
	bodySize   int
	lineH      int
	labelSize  int
	question   []string // question lines as drawn; nil without a question
	answer     []string // answer lines as drawn
	qTruncated bool
	aTruncated bool
	blocks     map[string]image.Rectangle
	lines      []textLine
}

func lineHeight(size int, spacing float64) int {
	return int(math.Round(float64(size) * spacing))
}

func px(n int) fixed.Int26_6 { return fixed.I(n) }

func width(face font.Face, s string) fixed.Int26_6 { return font.MeasureString(face, s) }

// wrap breaks text into lines no wider than maxW, at spaces; a word wider
// than maxW on its own is broken between letters. "\n" starts a new line;
// an empty paragraph becomes one empty line (runs of them collapse). When
// limit > 0, wrapping stops as soon as there are more than limit lines.
func wrap(text string, face font.Face, maxW fixed.Int26_6, limit int) []string {
	var lines []string
	full := func() bool { return limit > 0 && len(lines) > limit }
	for _, para := range strings.Split(text, "\n") {
		words := strings.Fields(para)
		if len(words) == 0 {
			if len(lines) > 0 && lines[len(lines)-1] != "" {
				lines = append(lines, "")
			}
			continue
		}
		cur := ""
		for _, w := range words {
			if cur != "" {
				if cand := cur + " " + w; width(face, cand) <= maxW {
					cur = cand
					continue
				}
				lines = append(lines, cur)
				cur = ""
				if full() {
					return lines
				}
			}
			if width(face, w) <= maxW {
				cur = w
				continue
			}
			chunks := breakWord(w, face, maxW)
			for _, ch := range chunks[:len(chunks)-1] {
				lines = append(lines, ch)
				if full() {
					return lines
				}
			}
			cur = chunks[len(chunks)-1]
		}
		lines = append(lines, cur)
		if full() {
			return lines
		}
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// breakWord splits a word wider than maxW into pieces that each fit
// (every piece holds at least one rune).
func breakWord(w string, face font.Face, maxW fixed.Int26_6) []string {
	var out []string
	for w != "" {
		end := 0
		for i, r := range w {
			next := i + utf8.RuneLen(r)
			if end > 0 && width(face, w[:next]) > maxW {
				break
			}
			end = next
		}
		out = append(out, w[:end])
		w = w[end:]
	}
	return out
}

// truncate keeps the first n lines and ends the last one with "…", cutting
// it back word by word (letter by letter for one long word) until the
// ellipsis fits. It returns lines unchanged when there are at most n.
func truncate(lines []string, n int, face font.Face, maxW fixed.Int26_6) ([]string, bool) {
	if len(lines) <= n {
		return lines, false
	}
	if n < 1 {
		n = 1
	}
	out := append([]string(nil), lines[:n]...)
	for len(out) > 1 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	last := out[len(out)-1]
	for {
		cand := strings.TrimRight(last, " ,;:-–—") + ellipsis
		if width(face, cand) <= maxW || last == "" {
			out[len(out)-1] = cand
			return out, true
		}
		if i := strings.LastIndexByte(last, ' '); i > 0 {
			last = last[:i]
		} else {
			_, sz := utf8.DecodeLastRuneInString(last)
			last = last[:len(last)-sz]
		}
	}
}

// labelSizeFor is the label size that goes with body text of size body:
// about 0.6 of it plus 2 px, between minLabelSize and maxLabel.
func labelSizeFor(body, maxLabel int) int {
	return max(minLabelSize, min(maxLabel, body*3/5+2))
}

// baselineIn returns the baseline that centres face's ascent+descent in a
// line box of height h starting at top.
func baselineIn(face font.Face, top, h int) fixed.Int26_6 {
	m := face.Metrics()
	return px(top) + (px(h)-(m.Ascent+m.Descent))/2 + m.Ascent
}

// layout measures and places everything. It fails only for an empty answer.
func layout(c Content, fs *faceSet) (*plan, error) {
	q := sanitize(c.Question)
	a := sanitize(c.Answer)
	if a == "" {
		return nil, ErrEmptyAnswer
	}
	names := labels[langOf(c.Lang)]
	hasQ := q != ""

	maxSize, maxLabel := maxSizeAnswerOnly, labelSizeAnswer
	if hasQ {
		maxSize, maxLabel = maxSizeQA, labelSizeQA
	}

	p := &plan{blocks: map[string]image.Rectangle{}}
	var body, labelFace font.Face
	var labelH, overhead, maxLines int
	var err error
	fitted := false
	for size := maxSize; size >= minSize; size -= sizeStep {
		// The labels shrink with the text, so that they stay headings and
		// do not shout over small text.
		p.labelSize = labelSizeFor(size, maxLabel)
		if labelFace, err = fs.get(true, p.labelSize); err != nil {
			return nil, err
		}
		labelH = lineHeight(p.labelSize, labelSpacing)
		overhead = labelH + labelGap
		if hasQ {
			overhead = 2*(labelH+labelGap) + 2*boxPadY + blockGap
		}
		if body, err = fs.get(false, size); err != nil {
			return nil, err
		}
		p.bodySize, p.lineH = size, lineHeight(size, lineSpacing)
		maxLines = (availH - overhead) / p.lineH
		p.answer = wrap(a, body, px(textW), maxLines)
		p.question = nil
		if hasQ {
			p.question = wrap(q, body, px(questionW), maxLines)
		}
		if len(p.question)+len(p.answer) <= maxLines {
			fitted = true
			break
		}
	}
	if !fitted {
		// Smallest size and still too long: the answer gets the space,
		// the question keeps at least minQuestionLines.
		qMin := 0
		if hasQ {
			qMin = min(len(p.question), minQuestionLines)
		}
		aN := min(len(p.answer), maxLines-qMin)
		qN := maxLines - aN
		p.answer, p.aTruncated = truncate(p.answer, aN, body, px(textW))
		if hasQ {
			p.question, p.qTruncated = truncate(p.question, qN, body, px(questionW))
		}
	}

	// Vertical placement: the group of blocks is centred in the content area.
	lh := p.lineH
	total := overhead + (len(p.question)+len(p.answer))*lh
	y := contentTop + (availH-total)/2
	addLabel := func(name, text string) {
		r := image.Rect(marginX, y, Width-marginX, y+labelH)
		p.blocks[name] = r
		p.lines = append(p.lines, textLine{
			text: text, face: labelFace, col: colAccent, block: name,
			dot: fixed.Point26_6{X: px(marginX), Y: baselineIn(labelFace, y, labelH)},
		})
		y += labelH + labelGap
	}
	if hasQ {
		addLabel(blockQLabel, names[0])
		box := image.Rect(marginX, y, Width-marginX, y+2*boxPadY+len(p.question)*lh)
		p.blocks[blockQBox] = box
		top := box.Min.Y + boxPadY
		for i, l := range p.question {
			p.lines = append(p.lines, textLine{
				text: l, face: body, col: colText, block: blockQBox,
				dot: fixed.Point26_6{X: px(box.Min.X + boxPadX), Y: baselineIn(body, top+i*lh, lh)},
			})
		}
		y = box.Max.Y + blockGap
	}
	addLabel(blockALabel, names[1])
	ar := image.Rect(marginX, y, Width-marginX, y+len(p.answer)*lh)
	p.blocks[blockAnswer] = ar
	for i, l := range p.answer {
		p.lines = append(p.lines, textLine{
			text: l, face: body, col: colText, block: blockAnswer,
			dot: fixed.Point26_6{X: px(marginX), Y: baselineIn(body, ar.Min.Y+i*lh, lh)},
		})
	}

	// Footer: the service name on the left, the URL (if any) on the right.
	p.blocks[blockFooter] = image.Rect(marginX, footerRuleY, Width-marginX, Height-24)
	brandFace, err := fs.get(true, footerBrandPx)
	if err != nil {
		return nil, err
	}
	p.lines = append(p.lines, textLine{
		text: "Kysy", face: brandFace, col: colAccent, block: blockFooter,
		dot: fixed.Point26_6{X: px(marginX), Y: px(footerBase)},
	})
	if u := displayURL(c.URL); u != "" {
		urlFace, err := fs.get(false, footerURLPx)
		if err != nil {
			return nil, err
		}
		room := px(textW) - width(brandFace, "Kysy") - px(footerGap)
		u = fitOneLine(u, urlFace, room)
		p.lines = append(p.lines, textLine{
			text: u, face: urlFace, col: colMuted, block: blockFooter,
			dot: fixed.Point26_6{X: px(Width-marginX) - width(urlFace, u), Y: px(footerBase)},
		})
	}
	return p, nil
}

// displayURL is the URL as printed: sanitised, on one line, without the
// "https://" that every address has.
func displayURL(u string) string {
	u = strings.Join(strings.Fields(sanitize(u)), "")
	u = strings.TrimPrefix(u, "https://")
	return strings.TrimSuffix(u, "/")
}

// fitOneLine cuts s from the end, letter by letter, and adds "…" until it
// is no wider than maxW.
func fitOneLine(s string, face font.Face, maxW fixed.Int26_6) string {
	if width(face, s) <= maxW {
		return s
	}
	for s != "" {
		_, sz := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-sz]
		if width(face, s+ellipsis) <= maxW {
			break
		}
	}
	return s + ellipsis
}
