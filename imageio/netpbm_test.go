package imageio

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"io"
	"math/rand/v2"
	"testing"
)

// bitmap builds a Gray image from rows of '#' (black, a 1 bit) and '.'
// (white, a 0 bit).
func bitmap(rows ...string) *image.Gray {
	m := image.NewGray(image.Rect(0, 0, len(rows[0]), len(rows)))
	for y, row := range rows {
		for x, c := range row {
			if c == '.' {
				m.SetGray(x, y, color.Gray{255})
			}
		}
	}
	return m
}

// variants returns the same bitmap as every image type the PBM writer
// distinguishes: its fast paths and the generic path.
func variants(g *image.Gray) map[string]image.Image {
	b := g.Bounds()
	pal := image.NewPaletted(b, color.Palette{color.White, color.Black})
	rgba := image.NewRGBA(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := g.GrayAt(x, y)
			if c.Y < 128 {
				pal.SetColorIndex(x, y, 1)
			}
			rgba.Set(x, y, c)
		}
	}
	return map[string]image.Image{"gray": g, "paletted": pal, "rgba": rgba, "generic": opaqueImage{g}}
}

func TestPBMBytes(t *testing.T) {
	for _, tc := range []struct {
		name string
		img  *image.Gray
		want string
	}{
		{"1x1 black", bitmap("#"), "P4\n1 1\n\x80"},
		{"1x1 white", bitmap("."), "P4\n1 1\n\x00"},
		{"8x2", bitmap(
			"#......#",
			"#.#.#.#.",
		), "P4\n8 2\n\x81\xaa"},
		{"10x3", bitmap(
			"#.#......#",
			"##########",
			"..........",
		), "P4\n10 3\n\xa0\x40\xff\xc0\x00\x00"},
		{"3x2", bitmap(
			".##",
			"#..",
		), "P4\n3 2\n\x60\x80"},
		{"16x1", bitmap("#.......########"), "P4\n16 1\n\x80\xff"},
		{"17x1", bitmap("........#.......#"), "P4\n17 1\n\x00\x80\x80"},
	} {
		for kind, img := range variants(tc.img) {
			var buf bytes.Buffer
			if err := Encode(&buf, img, PBM); err != nil {
				t.Fatal(err)
			}
			if got := buf.String(); got != tc.want {
				t.Errorf("%s (%s): got %q, want %q", tc.name, kind, got, tc.want)
			}
		}
	}
}

// TestPBMThreshold pins the dark/light boundary: luminance 127 is a 1 bit,
// 128 a 0 bit.
func TestPBMThreshold(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 4, 1))
	copy(g.Pix, []uint8{0, 127, 128, 255})
	for kind, img := range map[string]image.Image{
		"gray":     g,
		"paletted": &image.Paletted{Pix: []uint8{0, 1, 2, 3}, Stride: 4, Rect: g.Rect, Palette: color.Palette{color.Gray{0}, color.Gray{127}, color.Gray{128}, color.Gray{255}}},
		"rgba":     &image.RGBA{Pix: []uint8{0, 0, 0, 255, 127, 127, 127, 255, 128, 128, 128, 255, 255, 255, 255, 255}, Stride: 16, Rect: g.Rect},
		"generic":  opaqueImage{g},
	} {
		var buf bytes.Buffer
		if err := Encode(&buf, img, PBM); err != nil {
			t.Fatal(err)
		}
		if got, want := buf.String(), "P4\n4 1\n\xc0"; got != want {
			t.Errorf("%s: got %q, want %q", kind, got, want)
		}
	}
}

// randomImages returns random images of every fast-path type, some with
// bounds not at the origin, together with their generic twins.
func randomImages(rng *rand.Rand, w, h int) map[string][2]image.Image {
	r := image.Rect(0, 0, w, h)
	if rng.IntN(2) == 0 {
		r = r.Add(image.Pt(rng.IntN(9)-4, rng.IntN(9)-4))
	}
	// A larger parent gives the sub-image a stride wider than its width.
	parent := image.Rect(r.Min.X-2, r.Min.Y-1, r.Max.X+3, r.Max.Y+2)

	g := image.NewGray(parent)
	rgba := image.NewRGBA(parent)
	pal := make(color.Palette, 1+rng.IntN(256))
	for i := range pal {
		pal[i] = color.RGBA{uint8(rng.Uint32()), uint8(rng.Uint32()), uint8(rng.Uint32()), 255}
	}
	p := image.NewPaletted(parent, pal)
	for i := range g.Pix {
		g.Pix[i] = uint8(rng.Uint32())
		p.Pix[i] = uint8(rng.IntN(len(pal)))
	}
	for i := range rgba.Pix {
		rgba.Pix[i] = uint8(rng.Uint32())
	}
	out := map[string][2]image.Image{}
	for name, m := range map[string]subImager{"gray": g, "rgba": rgba, "paletted": p} {
		sub := m.SubImage(r)
		out[name] = [2]image.Image{sub, opaqueImage{sub}}
	}
	return out
}

// TestNetpbmFastPaths checks that the fast paths give the same bytes as the
// generic path over many sizes, offsets and random contents.
func TestNetpbmFastPaths(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for w := 1; w <= 33; w++ {
		for _, h := range []int{1, 2, 5} {
			for name, pair := range randomImages(rng, w, h) {
				for _, f := range []Format{PGM, PPM, PBM} {
					var fast, slow bytes.Buffer
					if err := Encode(&fast, pair[0], f); err != nil {
						t.Fatal(err)
					}
					if err := Encode(&slow, pair[1], f); err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(fast.Bytes(), slow.Bytes()) {
						t.Fatalf("%s of %dx%d %s at %v: fast path\n%q\ngeneric path\n%q",
							f, w, h, name, pair[0].Bounds(), fast.Bytes(), slow.Bytes())
					}
				}
			}
		}
	}
}

// TestLum checks the inlined luminance against color.GrayModel on a lattice
// through the RGB cube that includes its corners.
func TestLum(t *testing.T) {
	for r := 0; r < 256; r += 3 {
		for g := 0; g < 256; g += 5 {
			for b := 0; b < 256; b += 3 {
				want := color.GrayModel.Convert(color.RGBA{uint8(r), uint8(g), uint8(b), 255}).(color.Gray).Y
				if got := lum(uint8(r), uint8(g), uint8(b)); got != want {
					t.Fatalf("lum(%d, %d, %d) = %d, want %d", r, g, b, got, want)
				}
			}
		}
	}
}

// TestNetpbmHeaders pins the exact headers and lengths.
func TestNetpbmHeaders(t *testing.T) {
	img := gradientRGBA(image.Rect(0, 0, 11, 3))
	for f, want := range map[Format]string{PGM: "P5\n11 3\n255\n", PPM: "P6\n11 3\n255\n", PBM: "P4\n11 3\n"} {
		var buf bytes.Buffer
		if err := Encode(&buf, img, f); err != nil {
			t.Fatal(err)
		}
		per := map[Format]int{PGM: 11, PPM: 33, PBM: 2}[f]
		if got := buf.String(); got[:len(want)] != want || len(got) != len(want)+3*per {
			t.Errorf("%s: output starts %q and is %d bytes; want header %q and %d bytes",
				f, got[:min(len(got), 16)], len(got), want, len(want)+3*per)
		}
	}
}

// TestPalettedOutOfRange checks that indices beyond the palette read as
// opaque black instead of panicking.
func TestPalettedOutOfRange(t *testing.T) {
	img := image.NewPaletted(image.Rect(0, 0, 3, 1), color.Palette{color.White, color.White})
	copy(img.Pix, []uint8{0, 2, 255})
	for f, want := range map[Format]string{
		PGM: "P5\n3 1\n255\n\xff\x00\x00",
		PPM: "P6\n3 1\n255\n\xff\xff\xff\x00\x00\x00\x00\x00\x00",
		PBM: "P4\n3 1\n\x60",
	} {
		var buf bytes.Buffer
		if err := Encode(&buf, img, f); err != nil {
			t.Fatal(err)
		}
		if buf.String() != want {
			t.Errorf("%s: got %q, want %q", f, buf.String(), want)
		}
	}
	img.Palette = nil
	var buf bytes.Buffer
	if err := Encode(&buf, img, PBM); err != nil || buf.String() != "P4\n3 1\n\xe0" {
		t.Errorf("PBM with an empty palette: %q, %v", buf.String(), err)
	}
}

// FuzzPBM checks that a P4 bitmap of any small image decodes to the same
// bits, has exactly the expected length, and that every fast path agrees
// with the generic path.
func FuzzPBM(f *testing.F) {
	f.Add(uint8(10), uint8(3), []byte{0, 255, 0, 127, 128})
	f.Add(uint8(8), uint8(1), []byte{0, 255, 0, 255, 0, 255, 0, 255})
	f.Add(uint8(1), uint8(1), []byte{})
	f.Add(uint8(17), uint8(4), []byte("mandelbrot"))
	f.Add(uint8(64), uint8(2), bytes.Repeat([]byte{3, 200}, 64))
	f.Fuzz(func(t *testing.T, w, h uint8, data []byte) {
		width, height := 1+int(w)%70, 1+int(h)%20
		g := image.NewGray(image.Rect(0, 0, width, height))
		if len(data) > 0 {
			for i := range g.Pix {
				g.Pix[i] = data[i%len(data)]
			}
		}
		var want []byte
		for kind, img := range variants(g) {
			var buf bytes.Buffer
			if err := Encode(&buf, img, PBM); err != nil {
				t.Fatal(err)
			}
			header := fmt.Sprintf("P4\n%d %d\n", width, height)
			if n := len(header) + height*((width+7)/8); buf.Len() != n {
				t.Fatalf("%s: %d bytes, want %d", kind, buf.Len(), n)
			}
			got, err := decodeNetpbm(buf.Bytes())
			if err != nil {
				t.Fatalf("%s: %v", kind, err)
			}
			for i, v := range got.(*image.Gray).Pix {
				if (v == 0) != (g.Pix[i] < 128) {
					t.Fatalf("%s: pixel %d (grey %d) decoded as %d", kind, i, g.Pix[i], v)
				}
			}
			// Padding bits must be zero: the decoder above ignores them.
			if r := width % 8; r != 0 {
				stride := (width + 7) / 8
				for y := range height {
					if last := buf.Bytes()[len(header)+y*stride+stride-1]; last&(0xff>>r) != 0 {
						t.Fatalf("%s: row %d has padding bits set: %08b", kind, y, last)
					}
				}
			}
			if want == nil {
				want = buf.Bytes()
			} else if !bytes.Equal(buf.Bytes(), want) {
				t.Fatalf("%s differs from another path", kind)
			}
		}
	})
}

func BenchmarkEncodePBM(b *testing.B) {
	const n = 4000
	r := image.Rect(0, 0, n, n)
	pal := image.NewPaletted(r, color.Palette{color.White, color.Black})
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range pal.Pix {
		pal.Pix[i] = uint8(rng.IntN(2))
	}
	gray := image.NewGray(r)
	for i, v := range pal.Pix {
		gray.Pix[i] = 255 * (1 - v)
	}
	for _, bc := range []struct {
		name string
		img  image.Image
	}{{"Paletted", pal}, {"Gray", gray}, {"Generic", opaqueImage{gray}}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(n * n) // one byte per pixel in, so MB/s reads as Mpixel/s
			for b.Loop() {
				if err := Encode(io.Discard, bc.img, PBM); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestPBMWriter checks that packed rows, written in strips of any size,
// come out as Encode writes the same bitmap, and that rows of the wrong
// length, too many rows or too few are refused.
func TestPBMWriter(t *testing.T) {
	for _, tc := range []struct {
		w, h   int
		strips []string
		want   string
	}{
		{1, 1, []string{"\x80"}, "P4\n1 1\n\x80"},
		{10, 3, []string{"\xa0\x40\xff\xc0\x00\x00"}, "P4\n10 3\n\xa0\x40\xff\xc0\x00\x00"},
		{10, 3, []string{"\xa0\x40", "", "\xff\xc0\x00\x00"}, "P4\n10 3\n\xa0\x40\xff\xc0\x00\x00"},
		{17, 2, []string{"\x00\x80\x80", "\x01\x02\x00"}, "P4\n17 2\n\x00\x80\x80\x01\x02\x00"},
	} {
		t.Run(fmt.Sprintf("%dx%d/%d strips", tc.w, tc.h, len(tc.strips)), func(t *testing.T) {
			var buf bytes.Buffer
			p, err := NewPBMWriter(&buf, tc.w, tc.h)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range tc.strips {
				if _, err := p.Write([]byte(s)); err != nil {
					t.Fatal(err)
				}
			}
			if err := p.Close(); err != nil {
				t.Fatal(err)
			}
			if got := buf.String(); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	for _, tc := range []struct {
		name string
		w, h int
		rows []int
	}{{"partial row", 10, 3, []int{5}}, {"too many rows", 10, 3, []int{4, 4}}, {"too few rows", 10, 3, []int{4}}} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := NewPBMWriter(io.Discard, tc.w, tc.h)
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range tc.rows {
				if _, err = p.Write(make([]byte, n)); err != nil {
					break
				}
			}
			if err == nil {
				err = p.Close()
			}
			if err == nil {
				t.Error("accepted")
			}
		})
	}
	for _, size := range [][2]int{{0, 3}, {8, 0}} {
		var buf bytes.Buffer
		if _, err := NewPBMWriter(&buf, size[0], size[1]); err == nil || buf.Len() != 0 {
			t.Errorf("%dx%d: err %v, wrote %d bytes: want an error and nothing written", size[0], size[1], err, buf.Len())
		}
	}
}
