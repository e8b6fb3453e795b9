package card

import "testing"

func benchmarkEncode(b *testing.B, enc func(Content) ([]byte, error)) {
	c := goldenCases[0].c
	var n int
	for b.Loop() {
		out, err := enc(c)
		if err != nil {
			b.Fatal(err)
		}
		n = len(out)
	}
	b.ReportMetric(float64(n), "bytes/card")
}

// BenchmarkPNG: render and encode the long Finnish card as PNG.
func BenchmarkPNG(b *testing.B) { benchmarkEncode(b, PNG) }

// BenchmarkJPEG: render and encode the long Finnish card as JPEG.
func BenchmarkJPEG(b *testing.B) { benchmarkEncode(b, JPEG) }

// BenchmarkRender: render only, the long Finnish card.
func BenchmarkRender(b *testing.B) {
	for b.Loop() {
		if _, err := Render(goldenCases[0].c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderExtreme: a 2,000-character question and a 5,000-character
// answer, which go through every size down to the smallest and get cut.
func BenchmarkRenderExtreme(b *testing.B) {
	for b.Loop() {
		if _, err := Render(extreme); err != nil {
			b.Fatal(err)
		}
	}
}
