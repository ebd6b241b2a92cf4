package imageio

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"io"
	"testing"
)

// TestModelOf: the model of each strip type is the one a PNGWriter needs to
// write Encoder's bytes.
func TestModelOf(t *testing.T) {
	smallStrips(t)
	for _, kind := range []string{"paletted", "gray", "rgba"} {
		t.Run(kind, func(t *testing.T) {
			m := noisy(kind, image.Rect(0, 0, 100, 90), 6)
			model := ModelOf(m)
			if kind != "paletted" && model != modelOf(m) {
				t.Fatalf("ModelOf = %v, want %v", model, modelOf(m))
			}
			var buf bytes.Buffer
			pw, err := NewPNGWriter(&buf, 100, 90, model, PNGOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if err := pw.WriteRows(m); err != nil {
				t.Fatal(err)
			}
			if err := pw.Close(); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), encodeWith(t, m, 1)) {
				t.Error("a PNGWriter with ModelOf's model differs from Encoder")
			}
		})
	}
	// The type decides, not the pixels: an unpainted RGBA canvas is all
	// transparent black.
	if got := ModelOf(image.NewRGBA(image.Rect(0, 0, 2, 2))); got != color.RGBAModel {
		t.Errorf("ModelOf(an unpainted RGBA image) = %v, want color.RGBAModel", got)
	}
	n := image.NewNRGBA(image.Rect(0, 0, 2, 2))
	if got := ModelOf(n); got != color.NRGBAModel {
		t.Errorf("ModelOf(*image.NRGBA) = %v, want its own model", got)
	}
	p := noisy("paletted", image.Rect(0, 0, 2, 2), 1).(*image.Paletted)
	if got, ok := ModelOf(p).(color.Palette); !ok || &got[0] != &p.Palette[0] {
		t.Error("ModelOf(*image.Paletted) is not its palette")
	}
}

// plainImage has no SubImage method.
type plainImage struct{ *image.Gray }

func (m plainImage) At(x, y int) color.Color { return m.Gray.At(x, y) }

func TestFirstRows(t *testing.T) {
	g := image.NewGray(image.Rect(-3, 10, 5, 16))
	for _, c := range []struct {
		n    int
		want image.Rectangle
	}{
		{2, image.Rect(-3, 10, 5, 12)},
		{6, g.Rect},
		{9, g.Rect},
		{0, image.Rectangle{}},
		{-1, image.Rectangle{}},
	} {
		t.Run(fmt.Sprint(c.n), func(t *testing.T) {
			s := FirstRows(g, c.n)
			if _, ok := s.(*image.Gray); !ok {
				t.Fatalf("FirstRows of an *image.Gray is a %T", s)
			}
			if s.Bounds() != c.want {
				t.Fatalf("bounds %v, want %v", s.Bounds(), c.want)
			}
		})
	}
	FirstRows(g, 2).(*image.Gray).SetGray(4, 11, color.Gray{Y: 9})
	if g.GrayAt(4, 11).Y != 9 {
		t.Error("FirstRows does not share the image's pixels")
	}
	s := FirstRows(plainImage{g}, 2)
	if s.Bounds() != image.Rect(-3, 10, 5, 12) || s.At(4, 11) != (color.Gray{Y: 9}) || s.ColorModel() != color.GrayModel {
		t.Errorf("FirstRows of an image without SubImage: bounds %v, pixel %v", s.Bounds(), s.At(4, 11))
	}
}

// TestPNGInfoModel: a PNG read with PNGReader and written again, raw, with
// its info's model is the same file; this is what mandel stitch does.
func TestPNGInfoModel(t *testing.T) {
	smallStrips(t)
	translucentPalette := noisy("paletted", image.Rect(0, 0, 60, 50), 3).(*image.Paletted)
	translucentPalette.Palette = append(color.Palette(nil), translucentPalette.Palette...)
	translucentPalette.Palette[5] = color.NRGBA{10, 20, 30, 40}
	images := map[string]image.Image{"translucent palette": translucentPalette}
	for _, kind := range pngKinds {
		images[kind] = noisy(kind, image.Rect(0, 0, 60, 50), 3)
	}
	for name, m := range images {
		t.Run(name, func(t *testing.T) {
			want := encodeWith(t, m, 1)
			info, raw, err := readAll(want)
			if err != nil {
				t.Fatal(err)
			}
			model, err := info.Model()
			if err != nil {
				t.Fatal(err)
			}
			if got := writeRaw(t, raw, info.Width, info.Height, model, 7, 2); !bytes.Equal(got, want) {
				t.Fatalf("%d bytes differ from the PNG's %d", len(got), len(want))
			}
		})
	}
	for _, info := range []PNGInfo{
		{ColourType: 4},
		{ColourType: 3},
		{ColourType: 3, Palette: make([]byte, 4)},
	} {
		if m, err := info.Model(); err == nil {
			t.Errorf("colour type %d, PLTE of %d bytes: %v, want an error", info.ColourType, len(info.Palette), m)
		}
	}
}

// TestModelOfSmallPalette holds ModelOf's doc to what the row writers do
// with the palette of a paletted image of 16 colours or fewer: png refuses
// it (image/png packs such a palette into fewer bits a pixel, which the row
// writer does not), bmp and the netpbm formats take it.
func TestModelOfSmallPalette(t *testing.T) {
	for _, n := range []int{2, 16, 17} {
		pal := make(color.Palette, n)
		for i := range pal {
			pal[i] = color.Gray{Y: uint8(i * 15)}
		}
		model := ModelOf(image.NewPaletted(image.Rect(0, 0, 4, 2), pal))
		for _, f := range []Format{PNG, BMP, PGM, PPM} {
			_, err := (&Encoder{Format: f}).NewRowWriter(io.Discard, 4, 2, model)
			if refuse := f == PNG && n <= 16; (err != nil) != refuse {
				t.Errorf("%s with a palette of %d: err = %v, want refused %v", f, n, err, refuse)
			}
		}
	}
}
