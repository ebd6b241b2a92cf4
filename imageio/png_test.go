package imageio

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/adler32"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/mandel-project/mandel/render"
)

func TestMain(m *testing.M) {
	// The PNG encoder's workers must all be gone when Encode returns, even
	// after a write error.
	goleak.VerifyTestMain(m)
}

// mandelImage is mandel's own picture of the full view at w x h, painted at
// supersampling aa: paletted at aa 1, RGBA otherwise.
func mandelImage(tb testing.TB, w, h, aa int) image.Image {
	tb.Helper()
	p, err := render.LookupPreset("full")
	if err != nil {
		tb.Fatal(err)
	}
	v := p.View
	v.Width, v.Height = w, h
	r, err := render.NewRenderer(v, aa, render.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	r.RenderUnits(0, r.Units())
	c := (&render.Painter{Palette: palette(tb, "classic")}).Canvas(r.Frame(), aa)
	if _, err := c.Task()(0, 0, r.Units()); err != nil {
		tb.Fatal(err)
	}
	return c.Image
}

func palette(tb testing.TB, name string) render.Palette {
	p, err := render.LookupPalette(name)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// noisy returns an image of type kind ("paletted", "gray", "rgba",
// "translucent") over r: random runs of random values, which compress a
// little and exercise every filter.
func noisy(kind string, r image.Rectangle, seed uint64) image.Image {
	rng := rand.New(rand.NewPCG(seed, 7))
	fill := func(pix []byte, step int, alpha bool) {
		for i := 0; i < len(pix); {
			v := []byte{uint8(rng.Uint32()), uint8(rng.Uint32()), uint8(rng.Uint32()), uint8(rng.Uint32())}
			for n := 1 + rng.IntN(6); n > 0 && i < len(pix); n-- {
				copy(pix[i:i+step], v)
				if step == 4 && !alpha {
					pix[i+3] = 255
				}
				if step == 4 && alpha { // premultiplied: no channel above alpha
					for c := 0; c < 3; c++ {
						pix[i+c] = min(pix[i+c], pix[i+3])
					}
				}
				i += step
			}
		}
	}
	switch kind {
	case "paletted":
		pal := make(color.Palette, 200)
		for i := range pal {
			pal[i] = color.RGBA{uint8(i), uint8(3 * i), uint8(255 - i), 255}
		}
		m := image.NewPaletted(r, pal)
		fill(m.Pix, 1, false)
		for i := range m.Pix {
			m.Pix[i] %= uint8(len(pal))
		}
		return m
	case "gray":
		m := image.NewGray(r)
		fill(m.Pix, 1, false)
		return m
	case "rgba":
		m := image.NewRGBA(r)
		fill(m.Pix, 4, false)
		return m
	case "translucent":
		m := image.NewRGBA(r)
		fill(m.Pix, 4, true)
		return m
	}
	panic("noisy: unknown kind " + kind)
}

var pngKinds = []string{"paletted", "gray", "rgba", "translucent"}

// smallStrips makes strips of 8 KiB for the rest of the test, so that small
// images, quick under the race detector, have several, and so that the 32
// KiB dictionary reaches back over several strips.
func smallStrips(t *testing.T) {
	old := pngStripBytes
	pngStripBytes = 8 << 10
	t.Cleanup(func() { pngStripBytes = old })
}

// pngSizes, with smallStrips, include one pixel, odd widths, heights that
// are not a multiple of a strip, and images of many strips (a 200-wide
// paletted row is 201 bytes, 41 rows a strip; an RGB row 601, 14 rows).
var pngSizes = []image.Rectangle{
	image.Rect(0, 0, 1, 1),
	image.Rect(0, 0, 1, 300),
	image.Rect(0, 0, 301, 1),
	image.Rect(0, 0, 13, 7),
	image.Rect(-5, 3, 94, 60),
	image.Rect(0, 0, 200, 41),
	image.Rect(0, 0, 200, 42),
	image.Rect(0, 0, 200, 333),
	image.Rect(0, 0, 9000, 5), // a row longer than a strip, and than the window in colour
}

// bigUnderRace reports whether r is one of pngSizes' two large images
// (many strips; a row longer than a strip) and the race detector is on,
// which slows deflate about twentyfold: the matrix tests then leave it out
// (their 200x333 RGBA images took a minute each). What they prove with it
// is arithmetic, the same bytes whatever the strips and workers, and make
// test's norace leg runs them in full; under the detector the 200x41 and
// 200x42 images still span two or three strips of 8 KiB, compressed by
// several workers, and TestPNGDeterministic runs images of many strips on
// 8 threads.
func bigUnderRace(r image.Rectangle) bool {
	return raceEnabled && r.Dx()*r.Dy() > 20000
}

func encodeWith(tb testing.TB, m image.Image, workers int) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := (&Encoder{Format: PNG, Workers: workers}).Encode(&buf, m); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// samePixels fails unless got, decoded, has m's pixels (translated to the
// origin), compared as non-premultiplied 8-bit colours as PNG stores them.
func samePixels(t *testing.T, m, got image.Image) {
	t.Helper()
	b := m.Bounds()
	if got.Bounds() != image.Rect(0, 0, b.Dx(), b.Dy()) {
		t.Fatalf("decoded bounds %v, want %dx%d", got.Bounds(), b.Dx(), b.Dy())
	}
	bad := 0
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			want := color.NRGBAModel.Convert(m.At(b.Min.X+x, b.Min.Y+y))
			have := color.NRGBAModel.Convert(got.At(x, y))
			if want != have {
				if bad++; bad <= 3 {
					t.Errorf("pixel (%d, %d) = %v, want %v", x, y, have, want)
				}
			}
		}
	}
	if bad > 3 {
		t.Errorf("... %d pixels differ in all", bad)
	}
}

func TestPNGRoundTrip(t *testing.T) {
	smallStrips(t)
	for _, kind := range pngKinds {
		for i, r := range pngSizes {
			if bigUnderRace(r) {
				continue
			}
			t.Run(fmt.Sprintf("%s/%dx%d", kind, r.Dx(), r.Dy()), func(t *testing.T) {
				m := noisy(kind, r, uint64(i))
				got, err := png.Decode(bytes.NewReader(encodeWith(t, m, 2)))
				if err != nil {
					t.Fatalf("decoding: %v", err)
				}
				samePixels(t, m, got)
			})
		}
	}
}

// pngChunks splits a PNG file into its chunks, checking each CRC.
func pngChunks(t *testing.T, data []byte) (names []string, bodies [][]byte) {
	t.Helper()
	if !bytes.HasPrefix(data, []byte(pngSignature)) {
		t.Fatalf("no PNG signature")
	}
	data = data[len(pngSignature):]
	for len(data) > 0 {
		if len(data) < 12 {
			t.Fatalf("truncated chunk: %d bytes left", len(data))
		}
		n := int(binary.BigEndian.Uint32(data))
		if len(data) < 12+n {
			t.Fatalf("chunk of %d bytes, %d left", n, len(data)-12)
		}
		if crc := crc32.ChecksumIEEE(data[4 : 8+n]); crc != binary.BigEndian.Uint32(data[8+n:]) {
			t.Errorf("chunk %q: bad CRC", data[4:8])
		}
		names = append(names, string(data[4:8]))
		bodies = append(bodies, data[8:8+n])
		data = data[12+n:]
	}
	return names, bodies
}

// inflated returns the file's chunks other than IDAT, and the decompressed
// IDAT data, which zlib checks against the stream's Adler-32.
func inflated(t *testing.T, data []byte) (chunks map[string][]byte, raw []byte) {
	t.Helper()
	names, bodies := pngChunks(t, data)
	chunks = map[string][]byte{}
	var idat []byte
	for i, name := range names {
		if name == "IDAT" {
			idat = append(idat, bodies[i]...)
			continue
		}
		chunks[name] = bodies[i]
	}
	zr, err := zlib.NewReader(bytes.NewReader(idat))
	if err != nil {
		t.Fatal(err)
	}
	raw, err = io.ReadAll(zr)
	if err != nil {
		t.Fatalf("inflating the IDAT data: %v", err)
	}
	return chunks, raw
}

// TestPNGSameDataAsImagePNG checks the stronger property behind the round
// trip: the header chunks, and the filtered rows before compression, are
// exactly image/png's, so the parallel encoder chooses every filter as it does.
func TestPNGSameDataAsImagePNG(t *testing.T) {
	smallStrips(t)
	cases := map[string]image.Image{"mandel": mandelImage(t, 240, 160, 1), "mandel-aa2": mandelImage(t, 120, 80, 2)}
	for _, kind := range pngKinds {
		for i, r := range pngSizes {
			if bigUnderRace(r) {
				continue
			}
			cases[fmt.Sprintf("%s/%dx%d", kind, r.Dx(), r.Dy())] = noisy(kind, r, uint64(i))
		}
	}
	alphaPal := append(color.Palette{color.NRGBA{1, 2, 3, 0}, color.NRGBA{9, 9, 9, 128}}, noisy("paletted", image.Rect(0, 0, 1, 1), 0).(*image.Paletted).Palette...)
	cases["palette-alpha"] = &image.Paletted{Pix: []byte{0, 1, 2, 3, 4, 5}, Stride: 3, Rect: image.Rect(0, 0, 3, 2), Palette: alphaPal}
	for name, m := range cases {
		t.Run(name, func(t *testing.T) {
			var want bytes.Buffer
			if err := png.Encode(&want, m); err != nil {
				t.Fatal(err)
			}
			got := encodeWith(t, m, 2)
			gotChunks, gotRaw := inflated(t, got)
			wantChunks, wantRaw := inflated(t, want.Bytes())
			if len(gotChunks) != len(wantChunks) {
				t.Errorf("chunks other than IDAT: got %d, want %d", len(gotChunks), len(wantChunks))
			}
			for name, body := range wantChunks {
				if !bytes.Equal(gotChunks[name], body) {
					t.Errorf("chunk %s = %x, want %x", name, gotChunks[name], body)
				}
			}
			if !bytes.Equal(gotRaw, wantRaw) {
				t.Errorf("uncompressed data differs from image/png's (%d and %d bytes)", len(gotRaw), len(wantRaw))
			}
		})
	}
}

// TestPNGDeterministic checks that the bytes do not depend on the number of
// workers, with as many threads as workers so that they really run at once:
// on mandel's picture with the real strips, and on others with small ones.
// Under the race detector mandel's picture is 256x256 in small strips, as
// the others, and the workers 3 and the default (8, GOMAXPROCS) only: the
// workers' hand-offs are the same whatever the strip size, and rendering
// and compressing a megapixel 13 times under it took half a minute; make
// test's norace leg runs the real strips and every worker count.
func TestPNGDeterministic(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(8))
	side, workerCounts := 1024, []int{2, 3, 8, 0} // 1024: 2 strips
	if raceEnabled {
		side, workerCounts = 256, []int{3, 0}
	}
	images := map[string]image.Image{
		"mandel":      mandelImage(t, side, side, 1),
		"rgba":        noisy("rgba", image.Rect(0, 0, 133, 100), 1),
		"gray":        noisy("gray", image.Rect(0, 0, 99, 500), 2),
		"translucent": noisy("translucent", image.Rect(0, 0, 50, 300), 3),
	}
	for name, m := range images {
		t.Run(name, func(t *testing.T) {
			if name != "mandel" || raceEnabled {
				smallStrips(t)
			}
			want := encodeWith(t, m, 1)
			names, _ := pngChunks(t, want)
			if idats := strings.Count(strings.Join(names, " "), "IDAT"); idats < 2 {
				t.Fatalf("%d IDAT chunks: want an image of several strips", idats)
			}
			for _, workers := range workerCounts {
				for range 3 {
					if got := encodeWith(t, m, workers); !bytes.Equal(got, want) {
						t.Fatalf("%d workers: %d bytes differ from 1 worker's %d", workers, len(got), len(want))
					}
				}
			}
		})
	}
}

// TestPNGFallback checks that the images left to image/png are written by it.
func TestPNGFallback(t *testing.T) {
	for name, m := range map[string]image.Image{
		"paletted-16": patternPaletted(small),
		"nrgba":       translucent(small),
		"generic":     opaqueImage{gradientRGBA(small)},
	} {
		t.Run(name, func(t *testing.T) {
			var want bytes.Buffer
			if err := png.Encode(&want, m); err != nil {
				t.Fatal(err)
			}
			if got := encodeWith(t, m, 2); !bytes.Equal(got, want.Bytes()) {
				t.Errorf("not image/png's bytes")
			}
		})
	}
}

// TestPNGWriteErrors checks that a writer's error at any point stops the
// encoder, and that it returns it (goleak, in TestMain, checks that no
// worker is left running).
func TestPNGWriteErrors(t *testing.T) {
	smallStrips(t)
	m := noisy("rgba", image.Rect(0, 0, 100, 80), 9)
	n := len(encodeWith(t, m, 2))
	for _, after := range []int{0, 7, 8, 40, n / 3, n - 5, n - 1} {
		t.Run(fmt.Sprint(after), func(t *testing.T) {
			err := (&Encoder{Format: PNG, Workers: 2}).Encode(&failWriter{n: after}, m)
			if !errors.Is(err, errBoom) {
				t.Errorf("err = %v, want errBoom", err)
			}
		})
	}
}

func TestAdler32Combine(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	data := make([]byte, 300000)
	for i := range data {
		data[i] = uint8(rng.Uint32())
	}
	ff := bytes.Repeat([]byte{0xff}, 200000) // the largest sums
	for _, c := range []struct {
		name string
		data []byte
		cut  int
	}{
		{"empty", nil, 0},
		{"empty-second", data[:100], 100},
		{"empty-first", data[:100], 0},
		{"small", data[:100], 37},
		{"base", data[:2*65521+3], 65521},
		{"long", data, 123457},
		{"ones", ff, 65521 * 2},
		{"ones-odd", ff, 99999},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, b := c.data[:c.cut], c.data[c.cut:]
			got := adler32Combine(adler32.Checksum(a), adler32.Checksum(b), len(b))
			if want := adler32.Checksum(c.data); got != want {
				t.Errorf("got %08x, want %08x", got, want)
			}
		})
	}
}

// FuzzPNG checks that random small images of every kind round-trip, and
// that the bytes do not depend on the workers.
func FuzzPNG(f *testing.F) {
	f.Add(uint8(0), uint16(1), uint16(1), uint64(0))
	f.Add(uint8(1), uint16(299), uint16(5), uint64(1))
	f.Add(uint8(2), uint16(77), uint16(299), uint64(2))
	f.Add(uint8(3), uint16(17), uint16(3), uint64(3))
	f.Fuzz(func(t *testing.T, kind uint8, w, h uint16, seed uint64) {
		smallStrips(t)
		w, h = 1+w%300, 1+h%300
		m := noisy(pngKinds[int(kind)%len(pngKinds)], image.Rect(0, 0, int(w), int(h)), seed)
		data := encodeWith(t, m, 1)
		if got := encodeWith(t, m, 3); !bytes.Equal(got, data) {
			t.Fatalf("3 workers wrote other bytes than 1")
		}
		got, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("decoding: %v", err)
		}
		samePixels(t, m, got)
	})
}

// TestPNGSize compares the file size with image/png's on mandel's picture,
// large enough for two strips: the cut may cost a little, not much.
func TestPNGSize(t *testing.T) {
	if testing.Short() || raceEnabled {
		// The ratio is the same with the detector; make test's norace leg
		// measures it.
		t.Skip("renders 600,000 pixels")
	}
	for _, c := range []struct{ side, aa int }{{768, 1}, {512, 2}} {
		t.Run(fmt.Sprintf("aa%d", c.aa), func(t *testing.T) {
			m := mandelImage(t, c.side, c.side, c.aa)
			var want bytes.Buffer
			if err := png.Encode(&want, m); err != nil {
				t.Fatal(err)
			}
			data := encodeWith(t, m, 2)
			if names, _ := pngChunks(t, data); strings.Count(strings.Join(names, " "), "IDAT") < 2 {
				t.Fatalf("one strip: the test does not test the cut")
			}
			ratio := float64(len(data)) / float64(want.Len())
			t.Logf("parallel %d bytes, image/png %d bytes, ratio %.4f", len(data), want.Len(), ratio)
			if ratio > 1.01 {
				t.Errorf("parallel PNG is %.1f%% larger than image/png's", 100*(ratio-1))
			}
		})
	}
}

// BenchmarkEncodePNGMandel compares image/png with the parallel encoder on
// mandel's picture of the full view at 1024x1024.
func BenchmarkEncodePNGMandel(b *testing.B) {
	for _, aa := range []int{1, 2} {
		kind := map[int]string{1: "Paletted", 2: "RGBA"}[aa]
		b.Run(kind, func(b *testing.B) {
			m := mandelImage(b, 1024, 1024, aa)
			encoders := []struct {
				name string
				enc  func(io.Writer) error
			}{
				{"imagepng", func(w io.Writer) error { return png.Encode(w, m) }},
				{"parallel-w1", func(w io.Writer) error { return (&Encoder{Format: PNG, Workers: 1}).Encode(w, m) }},
				{"parallel-w2", func(w io.Writer) error { return (&Encoder{Format: PNG, Workers: 2}).Encode(w, m) }},
			}
			for _, e := range encoders {
				b.Run(e.name, func(b *testing.B) {
					b.SetBytes(int64(m.Bounds().Dx() * m.Bounds().Dy()))
					var n int
					for b.Loop() {
						var w countWriter
						if err := e.enc(&w); err != nil {
							b.Fatal(err)
						}
						n = int(w)
					}
					b.ReportMetric(float64(n), "file-bytes")
				})
			}
		})
	}
}

type countWriter int

func (w *countWriter) Write(p []byte) (int, error) {
	*w += countWriter(len(p))
	return len(p), nil
}
