package imageio

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"math/rand/v2"
	"strconv"
	"testing"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
)

// opaqueImage hides the concrete type of an image so that the encoders take
// their generic path.
type opaqueImage struct{ image.Image }

// gradientRGBA is an opaque colour gradient over r.
func gradientRGBA(r image.Rectangle) *image.RGBA {
	m := image.NewRGBA(r)
	w, h := max(r.Dx()-1, 1), max(r.Dy()-1, 1)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			i, j := x-r.Min.X, y-r.Min.Y
			m.SetRGBA(x, y, color.RGBA{uint8(255 * i / w), uint8(255 * j / h), uint8(255 - 127*(i+j)/(w+h)), 255})
		}
	}
	return m
}

func gradientGray(r image.Rectangle) *image.Gray {
	m := image.NewGray(r)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			m.SetGray(x, y, color.Gray{uint8(19*(x-r.Min.X) + 31*(y-r.Min.Y))})
		}
	}
	return m
}

// testPalette has 16 opaque colours, black and white among them, so that
// every netpbm conversion sees both dark and light entries.
var testPalette = func() color.Palette {
	p := color.Palette{color.Black, color.White}
	for i := 2; i < 16; i++ {
		p = append(p, color.RGBA{uint8(17 * i), uint8(255 - 13*i), uint8(40 * (i % 7)), 255})
	}
	return p
}()

func patternPaletted(r image.Rectangle) *image.Paletted {
	m := image.NewPaletted(r, testPalette)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			m.SetColorIndex(x, y, uint8((3*x+5*y)%len(testPalette)))
		}
	}
	return m
}

// translucent is an NRGBA gradient with varying alpha, for the formats that
// keep alpha.
func translucent(r image.Rectangle) *image.NRGBA {
	m := image.NewNRGBA(r)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			m.SetNRGBA(x, y, color.NRGBA{uint8(20 * x), uint8(30 * y), 99, uint8(255 - 9*(x+y))})
		}
	}
	return m
}

type subImager interface {
	image.Image
	SubImage(image.Rectangle) image.Image
}

// offset returns a sub-image of a larger m, so that its bounds do not start
// at (0, 0) and its stride exceeds its width.
func offset(m subImager, r image.Rectangle) image.Image { return m.SubImage(r) }

var small = image.Rect(0, 0, 13, 7)

// testImages are the round-trip inputs. All are opaque and have at most 256
// colours, so that every lossless format, gif included, must reproduce them.
func testImages() map[string]image.Image {
	big := image.Rect(-4, -3, 20, 12)
	sub := image.Rect(2, 1, 15, 8) // 13x7 inside big
	// corner is 13x7 in big's bottom-right corner: its last row ends where
	// the pixel slice ends, so an encoder that takes Stride bytes a row
	// runs off it.
	corner := image.Rect(7, 5, 20, 12)
	return map[string]image.Image{
		"rgba":            gradientRGBA(small),
		"gray":            gradientGray(small),
		"paletted":        patternPaletted(small),
		"generic":         opaqueImage{gradientRGBA(small)},
		"rgba-offset":     offset(gradientRGBA(big), sub),
		"gray-offset":     offset(gradientGray(big), sub),
		"paletted-offset": offset(patternPaletted(big), sub),
		"rgba-corner":     offset(gradientRGBA(big), corner),
		"gray-corner":     offset(gradientGray(big), corner),
		"paletted-corner": offset(patternPaletted(big), corner),
		"rgba-min":        gradientRGBA(image.Rect(5, 3, 18, 10)),
		"1x1":             gradientRGBA(image.Rect(0, 0, 1, 1)),
		"9x1":             patternPaletted(image.Rect(0, 0, 9, 1)),
	}
}

// decodeNetpbm is a small decoder for the binary netpbm formats: P4 decodes
// to a Gray image of 0 (1 bits) and 255 (0 bits), P5 to Gray, P6 to RGBA. It
// insists on the exact raster length.
func decodeNetpbm(data []byte) (image.Image, error) {
	pos := 0
	token := func() (string, error) {
		for pos < len(data) && isSpace(data[pos]) {
			pos++
		}
		start := pos
		for pos < len(data) && !isSpace(data[pos]) {
			pos++
		}
		if start == pos {
			return "", io.ErrUnexpectedEOF
		}
		return string(data[start:pos]), nil
	}
	number := func() (int, error) {
		s, err := token()
		if err != nil {
			return 0, err
		}
		return strconv.Atoi(s)
	}
	magic, err := token()
	if err != nil {
		return nil, err
	}
	w, err := number()
	if err != nil {
		return nil, err
	}
	h, err := number()
	if err != nil {
		return nil, err
	}
	if magic != "P4" {
		maxval, err := number()
		if err != nil {
			return nil, err
		}
		if maxval != 255 {
			return nil, fmt.Errorf("maxval %d", maxval)
		}
	}
	if pos >= len(data) || !isSpace(data[pos]) {
		return nil, errors.New("no whitespace after header")
	}
	raster := data[pos+1:]
	r := image.Rect(0, 0, w, h)
	var want int
	switch magic {
	case "P4":
		want = h * ((w + 7) / 8)
	case "P5":
		want = w * h
	case "P6":
		want = 3 * w * h
	default:
		return nil, fmt.Errorf("magic %q", magic)
	}
	if len(raster) != want {
		return nil, fmt.Errorf("raster is %d bytes, want %d", len(raster), want)
	}
	switch magic {
	case "P4":
		m := image.NewGray(r)
		stride := (w + 7) / 8
		for y := range h {
			for x := range w {
				if raster[y*stride+x/8]&(0x80>>(x%8)) == 0 {
					m.Pix[y*m.Stride+x] = 255
				}
			}
		}
		return m, nil
	case "P5":
		return &image.Gray{Pix: raster, Stride: w, Rect: r}, nil
	default:
		m := image.NewRGBA(r)
		for i := range w * h {
			copy(m.Pix[4*i:], raster[3*i:3*i+3])
			m.Pix[4*i+3] = 255
		}
		return m, nil
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' }

func decode(f Format, data []byte) (image.Image, error) {
	r := bytes.NewReader(data)
	switch f {
	case PNG:
		return png.Decode(r)
	case JPEG:
		return jpeg.Decode(r)
	case GIF:
		return gif.Decode(r)
	case BMP:
		return bmp.Decode(r)
	case TIFF:
		return tiff.Decode(r)
	}
	return decodeNetpbm(data)
}

// expected returns what decoding img written in format f must give.
func expected(f Format, img image.Image) image.Image {
	b := img.Bounds()
	switch f {
	case PGM, PBM:
		m := image.NewGray(b)
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				g := color.GrayModel.Convert(img.At(x, y)).(color.Gray)
				if f == PBM {
					g.Y = 255
					if color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y < 128 {
						g.Y = 0
					}
				}
				m.SetGray(x, y, g)
			}
		}
		return m
	}
	return img
}

// compare reports pixels of got and want that differ by more than tol in an
// 8-bit channel, comparing positions relative to each image's Min. It returns
// the mean absolute channel difference.
func compare(t *testing.T, want, got image.Image, tol int) float64 {
	t.Helper()
	wb, gb := want.Bounds(), got.Bounds()
	if wb.Size() != gb.Size() {
		t.Fatalf("decoded size %v, want %v", gb.Size(), wb.Size())
	}
	var sum, n float64
	bad := 0
	for y := range wb.Dy() {
		for x := range wb.Dx() {
			r0, g0, b0, a0 := want.At(wb.Min.X+x, wb.Min.Y+y).RGBA()
			r1, g1, b1, a1 := got.At(gb.Min.X+x, gb.Min.Y+y).RGBA()
			for _, d := range [...][2]uint32{{r0, r1}, {g0, g1}, {b0, b1}, {a0, a1}} {
				diff := int(d[0]) - int(d[1])
				if tol > 0 {
					diff = int(d[0]>>8) - int(d[1]>>8)
				}
				diff = max(diff, -diff)
				sum += float64(diff)
				n++
				if diff > tol {
					if bad < 5 {
						t.Errorf("pixel (%d, %d): got %v, want %v", x, y,
							[4]uint32{r1, g1, b1, a1}, [4]uint32{r0, g0, b0, a0})
					}
					bad++
					break
				}
			}
		}
	}
	if bad > 5 {
		t.Errorf("... and %d more pixels differ", bad-5)
	}
	return sum / n
}

func TestRoundTrip(t *testing.T) {
	for _, f := range imageFormats() {
		for name, img := range testImages() {
			t.Run(string(f)+"/"+name, func(t *testing.T) {
				var buf bytes.Buffer
				if err := Encode(&buf, img, f); err != nil {
					t.Fatal(err)
				}
				got, err := decode(f, buf.Bytes())
				if err != nil {
					t.Fatalf("decoding: %v", err)
				}
				if f == JPEG {
					// JPEG keeps luminance at full resolution but subsamples
					// chroma, which the noisy paletted patterns cannot survive;
					// compare luminance, within a tolerance.
					want, have := expected(PGM, img), expected(PGM, got)
					if mean := compare(t, want, have, 24); mean > 5 {
						t.Errorf("mean luminance error %.2f, want <= 5", mean)
					}
					return
				}
				compare(t, expected(f, img), got, 0)
			})
		}
	}
}

func TestRoundTripAlpha(t *testing.T) {
	img := translucent(small)
	for _, f := range []Format{PNG, TIFF} {
		var buf bytes.Buffer
		if err := Encode(&buf, img, f); err != nil {
			t.Fatal(err)
		}
		got, err := decode(f, buf.Bytes())
		if err != nil {
			t.Fatalf("%s: decoding: %v", f, err)
		}
		compare(t, img, got, 0)
	}
}

// TestGIFPaletted checks that a paletted image keeps its palette and indices
// in a GIF, rather than being re-quantised.
func TestGIFPaletted(t *testing.T) {
	for _, img := range []*image.Paletted{
		patternPaletted(small),
		offset(patternPaletted(image.Rect(-3, -3, 20, 20)), image.Rect(1, 2, 14, 9)).(*image.Paletted),
	} {
		var buf bytes.Buffer
		if err := Encode(&buf, img, GIF); err != nil {
			t.Fatal(err)
		}
		got, err := gif.Decode(&buf)
		if err != nil {
			t.Fatal(err)
		}
		p, ok := got.(*image.Paletted)
		if !ok {
			t.Fatalf("decoded %T, want *image.Paletted", got)
		}
		if p.Bounds() != image.Rect(0, 0, 13, 7) {
			t.Errorf("decoded bounds %v, want (0,0)-(13,7)", p.Bounds())
		}
		if len(p.Palette) < len(img.Palette) {
			t.Fatalf("decoded palette has %d colours, want at least %d", len(p.Palette), len(img.Palette))
		}
		for i, c := range img.Palette {
			if color.RGBAModel.Convert(p.Palette[i]) != color.RGBAModel.Convert(c) {
				t.Errorf("palette[%d] = %v, want %v", i, p.Palette[i], c)
			}
		}
		b := img.Bounds()
		for y := range b.Dy() {
			for x := range b.Dx() {
				if g, w := p.ColorIndexAt(x, y), img.ColorIndexAt(b.Min.X+x, b.Min.Y+y); g != w {
					t.Fatalf("index at (%d, %d) = %d, want %d", x, y, g, w)
				}
			}
		}
	}
}

// TestGIFQuantised checks that an image with more than 256 colours is still
// written, approximately.
func TestGIFQuantised(t *testing.T) {
	img := gradientRGBA(image.Rect(0, 0, 64, 64)) // 4096 colours
	var buf bytes.Buffer
	if err := Encode(&buf, img, GIF); err != nil {
		t.Fatal(err)
	}
	got, err := gif.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if p := got.(*image.Paletted); len(p.Palette) > 256 {
		t.Errorf("palette has %d colours", len(p.Palette))
	}
	// Dithering moves single pixels far; the average must stay close.
	// A broken quantiser is far worse (about 80).
	if mean := compare(t, img, got, 255); mean > 20 {
		t.Errorf("mean channel error %.2f, want <= 20", mean)
	}
}

func TestJPEGQuality(t *testing.T) {
	img := gradientRGBA(image.Rect(0, 0, 64, 48))
	enc := func(q int) ([]byte, error) {
		var buf bytes.Buffer
		err := (&Encoder{Format: JPEG, Quality: q}).Encode(&buf, img)
		return buf.Bytes(), err
	}
	def, err := enc(0)
	if err != nil {
		t.Fatal(err)
	}
	q90, _ := enc(DefaultQuality)
	if !bytes.Equal(def, q90) {
		t.Error("Quality 0 does not give the same bytes as DefaultQuality")
	}
	lo, _ := enc(5)
	hi, _ := enc(100)
	if len(lo) >= len(hi) {
		t.Errorf("quality 5 gives %d bytes, quality 100 gives %d; want fewer", len(lo), len(hi))
	}
	for _, q := range []int{-1, 101, 1000} {
		if _, err := enc(q); err == nil {
			t.Errorf("Quality %d: no error", q)
		}
	}
	// Quality means nothing to other formats; it must not make them fail.
	if err := (&Encoder{Format: PNG, Quality: 500}).Encode(io.Discard, img); err != nil {
		t.Errorf("PNG with Quality 500: %v", err)
	}
}

func TestEncodeErrors(t *testing.T) {
	empties := []image.Image{
		image.NewRGBA(image.Rectangle{}),
		image.NewGray(image.Rect(0, 0, 0, 5)),
		image.NewPaletted(image.Rect(3, 3, 9, 3), testPalette),
		opaqueImage{image.NewRGBA(image.Rect(0, 0, 7, 0))},
	}
	for _, f := range Formats() {
		for _, img := range empties {
			var buf bytes.Buffer
			err := Encode(&buf, img, f)
			if !errors.Is(err, ErrEmptyImage) {
				t.Errorf("%s of %v: err = %v, want ErrEmptyImage", f, img.Bounds(), err)
			}
			if buf.Len() != 0 {
				t.Errorf("%s of %v: wrote %d bytes before failing", f, img.Bounds(), buf.Len())
			}
		}
	}
	for _, f := range []Format{"", "webp", "PNG"} {
		if err := Encode(io.Discard, gradientRGBA(small), f); !errors.Is(err, ErrUnknownFormat) {
			t.Errorf("Encode with format %q: err = %v, want ErrUnknownFormat", f, err)
		}
	}
}

var errBoom = errors.New("boom")

// failWriter accepts n bytes, then fails.
type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	if len(p) <= w.n {
		w.n -= len(p)
		return len(p), nil
	}
	n := w.n
	w.n = 0
	return n, errBoom
}

// TestWriteErrors checks that every encoder returns the writer's error, at
// whatever point of the output it happens.
func TestWriteErrors(t *testing.T) {
	// Noise does not compress, so every format writes well over 2000 bytes.
	rng := rand.New(rand.NewPCG(1, 2))
	img := image.NewRGBA(image.Rect(0, 0, 200, 120))
	for i := range img.Pix {
		img.Pix[i] = uint8(rng.Uint32())
		if i%4 == 3 {
			img.Pix[i] = 255
		}
	}
	for _, f := range imageFormats() {
		for _, n := range []int{0, 1, 9, 100, 2000} {
			err := Encode(&failWriter{n: n}, img, f)
			if !errors.Is(err, errBoom) {
				t.Errorf("%s, failing after %d bytes: err = %v, want errBoom", f, n, err)
			}
		}
	}
}

func BenchmarkEncodePNG(b *testing.B) {
	r := image.Rect(0, 0, 1024, 1024)
	pal := image.NewPaletted(r, palette256())
	for i := range pal.Pix {
		pal.Pix[i] = uint8(i / 1024 * 7 % 256)
	}
	rgba := image.NewRGBA(r)
	for i := range pal.Pix {
		c := pal.Palette[pal.Pix[i]].(color.RGBA)
		copy(rgba.Pix[4*i:], []uint8{c.R, c.G, c.B, c.A})
	}
	for _, bc := range []struct {
		name string
		img  image.Image
	}{{"Paletted", pal}, {"RGBA", rgba}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(r.Dx() * r.Dy()))
			for b.Loop() {
				if err := Encode(io.Discard, bc.img, PNG); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func palette256() color.Palette {
	p := make(color.Palette, 256)
	for i := range p {
		p[i] = color.RGBA{uint8(i), uint8(255 - i), uint8(i * 3), 255}
	}
	return p
}

// TestTIFFCornerDeep covers the types, besides the 8-bit ones of testImages,
// for which golang.org/x/image/tiff reads the pixel slice directly: a
// sub-image in its parent's bottom-right corner must round-trip, not panic.
func TestTIFFCornerDeep(t *testing.T) {
	big, corner := image.Rect(-4, -3, 20, 12), image.Rect(7, 5, 20, 12)
	g16, r64 := image.NewGray16(big), image.NewRGBA64(big)
	n8, n64 := image.NewNRGBA(big), image.NewNRGBA64(big)
	for y := big.Min.Y; y < big.Max.Y; y++ {
		for x := big.Min.X; x < big.Max.X; x++ {
			v := uint16(x*4099 + y*257)
			g16.SetGray16(x, y, color.Gray16{Y: v})
			r64.SetRGBA64(x, y, color.RGBA64{R: v, G: ^v, B: v / 3, A: 0xffff})
			n8.SetNRGBA(x, y, color.NRGBA{R: uint8(v), G: uint8(v >> 8), B: 7, A: 255})
			n64.SetNRGBA64(x, y, color.NRGBA64{R: ^v, G: v, B: v / 5, A: 0xffff})
		}
	}
	for name, m := range map[string]subImager{"gray16": g16, "rgba64": r64, "nrgba": n8, "nrgba64": n64} {
		t.Run(name, func(t *testing.T) {
			img := offset(m, corner)
			var buf bytes.Buffer
			if err := Encode(&buf, img, TIFF); err != nil {
				t.Fatal(err)
			}
			got, err := decode(TIFF, buf.Bytes())
			if err != nil {
				t.Fatalf("decoding: %v", err)
			}
			compare(t, img, got, 0)
		})
	}
}

// TestNilImage: a nil image is an error, as an empty one is, from Encode
// and from every row writer, not a nil dereference.
func TestNilImage(t *testing.T) {
	for _, f := range imageFormats() {
		var buf bytes.Buffer
		if err := Encode(&buf, nil, f); !errors.Is(err, ErrEmptyImage) {
			t.Errorf("%s: Encode(nil) = %v, want ErrEmptyImage", f, err)
		}
		if buf.Len() != 0 {
			t.Errorf("%s: wrote %d bytes for a nil image", f, buf.Len())
		}
		rw, err := (&Encoder{Format: f}).NewRowWriter(io.Discard, 3, 2, color.GrayModel)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		func() {
			defer func() {
				if e := recover(); e != nil {
					t.Errorf("%s: WriteRows(nil) panicked: %v", f, e)
				}
			}()
			if err := rw.WriteRows(nil); err == nil {
				t.Errorf("%s: WriteRows(nil) took it", f)
			}
		}()
	}
}
