package card

import (
	"bytes"
	"flag"
	"image"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden images in testdata/")

// goldenCases are fixed, invented contents (no real question).
var goldenCases = []struct {
	name string
	c    Content
}{
	{"fi_long", Content{
		Lang:     "fi",
		Question: "Äitini juo paljon ja riitelee isäpuolen kanssa öisin. En saa nukuttua ja koulussa väsyttää. Voinko kertoa tästä jollekin ilman, että äiti joutuu vaikeuksiin?",
		Answer: "Kiitos, että kirjoitit – tuo kuulostaa todella raskaalta, ja on hyvä, että kerrot siitä. Sinulla on oikeus turvalliseen kotiin ja rauhalliseen uneen.\n\n" +
			"Voit puhua koulukuraattorin, terveydenhoitajan tai opettajan kanssa. He ovat aikuisia, joiden tehtävä on auttaa, eikä kenenkään tarvitse ”joutua vaikeuksiin”: lastensuojelun tarkoitus on tukea koko perhettä.\n\n" +
			"Jos yöllä tuntuu pelottavalta, voit soittaa hätänumeroon 112. Sosiaalipäivystys on auki ympäri vuorokauden. Et ole yksin.",
		URL: "https://kysy.fi/v/2026-11-22-äiti",
	}},
	{"sv", Content{
		Lang:     "sv",
		Question: "Får socialen prata med mig utan att mina föräldrar vet om det?",
		Answer:   "Ja. Socialarbetaren kan träffa dig ensam, och du får berätta med egna ord. Dina föräldrar får oftast veta att en utredning görs, men det du säger behandlas varsamt. Du kan alltid fråga vad som händer härnäst.",
		URL:      "https://kysy.fi/sv/v/1842",
	}},
	{"en", Content{
		Lang:     "en",
		Question: "My friend said she’s being hit at home. She made me promise not to tell anyone. What should I do?",
		Answer:   "You’re a good friend for caring. Some promises are too heavy to keep alone – this is one of them. Tell a safe adult, such as a teacher or the school nurse, even if it feels like breaking a promise. Your friend deserves to be safe, and adults can help without blaming her.",
		URL:      "https://kysy.fi/en/v/2077",
	}},
	{"answer_only", Content{
		Lang:   "fi",
		Answer: "Sinulla on aina oikeus tulla kuulluksi. Kun ilmoitus tehdään, sosiaalityöntekijä selvittää tilanteen rauhassa ja kysyy myös sinun mielipidettäsi. Päätöksiä ei tehdä ilman, että sinua kuunnellaan.",
		URL:    "https://kysy.fi/v/311",
	}},
}

func TestGolden(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Render(tc.c)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "golden_"+tc.name+".png")
			if *update {
				var buf bytes.Buffer
				if err := png.Encode(&buf, got); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := readPNG(path)
			if err != nil {
				t.Fatalf("%v (run: go test ./scheduler/card -run Golden -update)", err)
			}
			if want.Bounds() != got.Bounds() {
				t.Fatalf("golden is %v, render is %v", want.Bounds(), got.Bounds())
			}
			if n := diffPixels(want, got); n > 0 {
				dir, err := os.MkdirTemp("", "kysy-card-golden-")
				if err != nil {
					t.Fatal(err)
				}
				out := filepath.Join(dir, "actual_"+tc.name+".png")
				var buf bytes.Buffer
				_ = png.Encode(&buf, got)
				_ = os.WriteFile(out, buf.Bytes(), 0o644)
				t.Errorf("%d pixels differ from %s; actual image written to %s "+
					"(if the change is intended: go test ./scheduler/card -run Golden -update)", n, path, out)
			}
		})
	}
}

func readPNG(path string) (*image.RGBA, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := png.Decode(f)
	if err != nil {
		return nil, err
	}
	rgba := image.NewRGBA(m.Bounds())
	draw.Draw(rgba, rgba.Bounds(), m, m.Bounds().Min, draw.Src)
	return rgba, nil
}

// diffPixels counts the pixels in which a and b (same bounds) differ.
func diffPixels(a, b *image.RGBA) int {
	n := 0
	for y := a.Rect.Min.Y; y < a.Rect.Max.Y; y++ {
		ra := a.Pix[a.PixOffset(a.Rect.Min.X, y):][:4*a.Rect.Dx()]
		rb := b.Pix[b.PixOffset(b.Rect.Min.X, y):][:4*b.Rect.Dx()]
		for i := 0; i < len(ra); i += 4 {
			if ra[i] != rb[i] || ra[i+1] != rb[i+1] || ra[i+2] != rb[i+2] || ra[i+3] != rb[i+3] {
				n++
			}
		}
	}
	return n
}
