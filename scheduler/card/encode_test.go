package card

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"testing"
)

type segment struct {
	marker byte
	data   []byte // without marker and length
}

// jpegSegments parses the marker segments of a JPEG up to SOS.
func jpegSegments(t *testing.T, j []byte) []segment {
	t.Helper()
	if len(j) < 2 || j[0] != 0xFF || j[1] != 0xD8 {
		t.Fatal("no SOI")
	}
	var segs []segment
	i := 2
	for {
		if i+4 > len(j) || j[i] != 0xFF {
			t.Fatalf("bad marker at %d", i)
		}
		m := j[i+1]
		n := int(binary.BigEndian.Uint16(j[i+2:]))
		if n < 2 || i+2+n > len(j) {
			t.Fatalf("bad length %d of marker %#x", n, m)
		}
		segs = append(segs, segment{m, j[i+4 : i+2+n]})
		if m == 0xDA { // SOS: entropy-coded data follows
			break
		}
		i += 2 + n
	}
	if j[len(j)-2] != 0xFF || j[len(j)-1] != 0xD9 {
		t.Fatal("no EOI")
	}
	return segs
}

func TestJPEG(t *testing.T) {
	for _, tc := range append(goldenCases, struct {
		name string
		c    Content
	}{"extreme", extreme}) {
		t.Run(tc.name, func(t *testing.T) {
			j, err := JPEG(tc.c)
			if err != nil {
				t.Fatal(err)
			}
			if len(j) >= maxJPEGBytes {
				t.Fatalf("%d bytes, want < 8 MB", len(j))
			}
			t.Logf("%d bytes", len(j))
			m, err := jpeg.Decode(bytes.NewReader(j))
			if err != nil {
				t.Fatal(err)
			}
			if m.Bounds() != image.Rect(0, 0, Width, Height) {
				t.Fatalf("bounds %v", m.Bounds())
			}
			if m.ColorModel() != color.YCbCrModel {
				t.Errorf("colour model %T, want YCbCr", m.ColorModel())
			}
			// The decoded picture is close to the render (lossy, quality 90).
			want, _ := Render(tc.c)
			got := image.NewRGBA(m.Bounds())
			draw.Draw(got, got.Bounds(), m, image.Point{}, draw.Src)
			var sum float64
			for i := 0; i < len(got.Pix); i += 4 {
				for k := range 3 {
					d := float64(got.Pix[i+k]) - float64(want.Pix[i+k])
					sum += d * d
				}
			}
			if rmse := sum / float64(len(got.Pix)/4*3); rmse > 40 {
				t.Errorf("mean squared error %.1f too high", rmse)
			}

			segs := jpegSegments(t, j)
			if segs[0].marker != 0xE0 || !bytes.HasPrefix(segs[0].data, []byte("JFIF\x00\x01")) {
				t.Errorf("first segment %#x is not JFIF APP0", segs[0].marker)
			}
			if segs[1].marker != 0xE2 {
				t.Fatalf("second segment %#x is not APP2", segs[1].marker)
			}
			checkICCSegment(t, segs[1].data)
			var sof []byte
			for _, s := range segs {
				switch s.marker {
				case 0xC0:
					sof = s.data
				case 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF:
					t.Errorf("non-baseline SOF %#x", s.marker)
				}
			}
			if sof == nil {
				t.Fatal("no baseline SOF0")
			}
			if sof[0] != 8 || binary.BigEndian.Uint16(sof[1:]) != Height ||
				binary.BigEndian.Uint16(sof[3:]) != Width || sof[5] != 3 {
				t.Errorf("SOF0 %x: want 8-bit, %dx%d, 3 components", sof[:6], Width, Height)
			}
		})
	}
}

// checkICCSegment checks an APP2 payload: "ICC_PROFILE\0", chunk 1 of 1,
// and a well-formed RGB display profile identical to the embedded one.
func checkICCSegment(t *testing.T, d []byte) {
	t.Helper()
	const tag = "ICC_PROFILE\x00"
	if !bytes.HasPrefix(d, []byte(tag)) {
		t.Fatalf("APP2 does not start with %q", tag)
	}
	d = d[len(tag):]
	if d[0] != 1 || d[1] != 1 {
		t.Errorf("ICC chunk %d of %d, want 1 of 1", d[0], d[1])
	}
	prof := d[2:]
	if !bytes.Equal(prof, srgbICC) {
		t.Error("profile differs from srgb.icc")
	}
	checkICCProfile(t, prof)
}

func checkICCProfile(t *testing.T, prof []byte) {
	t.Helper()
	if len(prof) < 132 {
		t.Fatalf("profile only %d bytes", len(prof))
	}
	if n := binary.BigEndian.Uint32(prof); int(n) != len(prof) {
		t.Errorf("profile size field %d, actual %d", n, len(prof))
	}
	for _, f := range []struct {
		off  int
		want string
	}{{12, "mntr"}, {16, "RGB "}, {20, "XYZ "}, {36, "acsp"}} {
		if got := string(prof[f.off : f.off+4]); got != f.want {
			t.Errorf("profile bytes %d..%d = %q, want %q", f.off, f.off+4, got, f.want)
		}
	}
	// The tag table: every tag lies inside the profile, and the tags an RGB
	// matrix/TRC display profile needs are there.
	n := int(binary.BigEndian.Uint32(prof[128:]))
	if 132+12*n > len(prof) {
		t.Fatalf("tag table of %d tags overruns the profile", n)
	}
	tags := map[string]bool{}
	for i := range n {
		e := prof[132+12*i:]
		sig := string(e[:4])
		off, size := binary.BigEndian.Uint32(e[4:]), binary.BigEndian.Uint32(e[8:])
		if uint64(off)+uint64(size) > uint64(len(prof)) {
			t.Errorf("tag %q overruns the profile", sig)
		}
		tags[sig] = true
	}
	for _, sig := range []string{"desc", "wtpt", "rXYZ", "gXYZ", "bXYZ", "rTRC", "gTRC", "bTRC", "cprt"} {
		if !tags[sig] {
			t.Errorf("profile lacks tag %q", sig)
		}
	}
}

func TestPNG(t *testing.T) {
	c := goldenCases[2].c
	b, err := PNG(c)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d bytes", len(b))
	m, err := png.Decode(bytes.NewReader(b)) // also verifies every chunk's CRC
	if err != nil {
		t.Fatal(err)
	}
	want, _ := Render(c)
	got := image.NewRGBA(m.Bounds())
	draw.Draw(got, got.Bounds(), m, image.Point{}, draw.Src)
	if got.Bounds() != want.Bounds() || !bytes.Equal(got.Pix, want.Pix) {
		t.Fatal("decoded PNG differs from Render")
	}
	// The sRGB chunk follows IHDR, with intent 0 and a valid CRC.
	const at = 8 + 25
	chunk := b[at : at+13]
	if string(chunk[4:8]) != "sRGB" || binary.BigEndian.Uint32(chunk) != 1 || chunk[8] != 0 {
		t.Fatalf("no sRGB chunk after IHDR: %x", chunk)
	}
	if crc32.ChecksumIEEE(chunk[4:9]) != binary.BigEndian.Uint32(chunk[9:]) {
		t.Error("sRGB chunk CRC wrong")
	}
}

func TestEmbeddedProfile(t *testing.T) {
	checkICCProfile(t, srgbICC)
}
