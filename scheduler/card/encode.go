package card

import (
	"bytes"
	_ "embed" // srgb.icc
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image/jpeg"
	"image/png"
)

// srgbICC is the sRGB IEC 61966-2.1 ICC profile (6,922 bytes) from Debian's
// icc-profiles-free package, zlib licence: see LICENSE-srgb-icc.txt.
//
//go:embed srgb.icc
var srgbICC []byte

// jpegQuality is the quality JPEG encodes with (Instagram re-encodes anyway).
const jpegQuality = 90

// maxJPEGBytes is Instagram's size limit for a photo; JPEG fails above it.
const maxJPEGBytes = 8 << 20

// PNG renders c (see Render) and encodes it as a PNG for the web. The file
// carries an sRGB chunk, so browsers show the colours as designed.
func PNG(c Content) ([]byte, error) {
	img, err := Render(c)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.Grow(256 << 10)
	enc := png.Encoder{CompressionLevel: png.DefaultCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, err
	}
	return withSRGBChunk(buf.Bytes())
}

// JPEG renders c (see Render) and encodes it for Instagram: a baseline
// JPEG (YCbCr, 4:2:0) of quality 90 with a JFIF APP0 segment and
// the embedded sRGB ICC profile in an APP2 "ICC_PROFILE" segment, well
// under maxJPEGBytes.
func JPEG(c Content) ([]byte, error) {
	img, err := Render(c)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.Grow(512 << 10)
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: jpegQuality}); err != nil {
		return nil, err
	}
	out, err := withJPEGHeaders(buf.Bytes())
	if err != nil {
		return nil, err
	}
	if len(out) > maxJPEGBytes {
		return nil, errors.New("card: JPEG larger than 8 MB")
	}
	return out, nil
}

// withJPEGHeaders inserts, right after SOI, a JFIF APP0 segment (which JFIF
// requires to come first) and then the ICC profile in one APP2 segment, as
// libjpeg and every camera do. Go's encoder writes neither.
func withJPEGHeaders(j []byte) ([]byte, error) {
	if len(j) < 4 || j[0] != 0xFF || j[1] != 0xD8 {
		return nil, errors.New("card: encoder did not start with SOI")
	}
	if j[2] == 0xFF && j[3] == 0xE0 {
		return nil, errors.New("card: encoder already wrote APP0")
	}
	const iccTag = "ICC_PROFILE\x00"
	iccLen := 2 + len(iccTag) + 2 + len(srgbICC)
	if iccLen > 0xFFFF {
		return nil, errors.New("card: ICC profile too large for one APP2 segment")
	}
	out := make([]byte, 0, len(j)+18+2+iccLen)
	out = append(out, 0xFF, 0xD8)
	// APP0 JFIF 1.01, no units, 1:1 pixel aspect, no thumbnail.
	out = append(out, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00,
		0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00)
	// APP2 ICC_PROFILE, chunk 1 of 1.
	out = append(out, 0xFF, 0xE2)
	out = binary.BigEndian.AppendUint16(out, uint16(iccLen))
	out = append(out, iccTag...)
	out = append(out, 1, 1)
	out = append(out, srgbICC...)
	return append(out, j[2:]...), nil
}

// withSRGBChunk inserts an sRGB chunk (rendering intent perceptual) after
// IHDR. Go's encoder always writes IHDR first: 8 bytes signature + 25.
func withSRGBChunk(p []byte) ([]byte, error) {
	const ihdrEnd = 8 + 4 + 4 + 13 + 4
	if len(p) < ihdrEnd || string(p[12:16]) != "IHDR" {
		return nil, errors.New("card: unexpected PNG layout")
	}
	chunk := []byte{0, 0, 0, 1, 's', 'R', 'G', 'B', 0}
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	out := make([]byte, 0, len(p)+len(chunk))
	out = append(out, p[:ihdrEnd]...)
	out = append(out, chunk...)
	return append(out, p[ihdrEnd:]...), nil
}
