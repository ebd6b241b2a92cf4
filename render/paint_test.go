package render

import (
	"bytes"
	"fmt"
	"image"
	"math"
	"testing"
)

// referenceIndexRows is how PaintRows painted a paletted image before
// indexRow: index, pixel by pixel. indexRow must give the same bytes.
func referenceIndexRows(p *Painter, img *image.Paletted, f *Frame, lo, hi int) {
	for y := lo; y < hi; y++ {
		row := img.Pix[y*img.Stride : y*img.Stride+img.Rect.Dx()]
		for x := range row {
			i := y*f.Width + x
			if f.Inside(i) {
				row[x] = paletteSize
				continue
			}
			row[x] = p.index(f.Iter[i], f.Mag2[i])
		}
	}
}

// TestIndexRowMatchesIndex compares the paletted painting with the
// per-pixel reference on every preset, several palettes, periods (negative
// and huge ones too) and escape radii.
func TestIndexRowMatchesIndex(t *testing.T) {
	for _, preset := range Presets() {
		for _, period := range []float64{0, 1, 0.37, -2.5, 1e-300, 1e300} {
			for _, escape := range []float64{0, 2.5, 1e6} {
				name := fmt.Sprintf("%s/period=%g/escape=%g", preset.Name, period, escape)
				t.Run(name, func(t *testing.T) {
					v := preset.View
					v.Width, v.Height, v.Escape = 97, 61, escape
					v.MaxIter = min(v.MaxIter, 3000)
					f := render(t, v, 1)
					p := &Painter{Palette: palettes[len(name)%len(palettes)], Period: period}
					want := p.NewImage(f, 1).(*image.Paletted)
					referenceIndexRows(p, want, f, 0, v.Height)
					got := p.NewImage(f, 1).(*image.Paletted)
					p.PaintRows(got, f, 1, 0, v.Height)
					if !bytes.Equal(got.Pix, want.Pix) {
						t.Errorf("%d of %d pixels differ from the reference", differ(got.Pix, want.Pix), len(got.Pix))
					}
				})
			}
		}
	}
}

// TestIndexRowEdgeSamples feeds indexRow the samples that take index's
// special paths: non-finite and extreme |z|^2, huge counts, -0 and NaN.
func TestIndexRowEdgeSamples(t *testing.T) {
	mags := []float64{0, math.Copysign(0, -1), 1e-300, 0.5, 1, 1.0000001, 2, math.E, 4, 4.0000001, 1e12, 1e300, math.MaxFloat64, math.Inf(1), math.Inf(-1), math.NaN(), -1}
	iters := []uint32{0, 1, 2, 99, 100, 101, 1 << 20, 1<<32 - 1}
	f := &Frame{Width: len(mags), Height: len(iters), MaxIter: 100, Escape2: 4}
	for _, n := range iters {
		for _, m := range mags {
			f.Iter, f.Mag2 = append(f.Iter, n), append(f.Mag2, m)
		}
	}
	for _, period := range []float64{0, 1e-300, -1, 1e300, math.Inf(1), math.NaN()} {
		t.Run(fmt.Sprint(period), func(t *testing.T) {
			p := &Painter{Palette: palettes[0], Period: period}
			want := p.NewImage(f, 1).(*image.Paletted)
			referenceIndexRows(p, want, f, 0, f.Height)
			got := p.NewImage(f, 1).(*image.Paletted)
			p.PaintRows(got, f, 1, 0, f.Height)
			for i := range got.Pix {
				if got.Pix[i] != want.Pix[i] {
					t.Errorf("n=%d, |z|^2=%v: entry %d, want %d", f.Iter[i], f.Mag2[i], got.Pix[i], want.Pix[i])
				}
			}
		})
	}
}

func differ(a, b []byte) int {
	n := 0
	for i := range a {
		if a[i] != b[i] {
			n++
		}
	}
	return n
}

// BenchmarkPaint paints the full view at 1024x1024 on one goroutine, with
// PaintRows and, for aa 1, with the per-pixel reference it replaced. The
// frame is rendered once, outside the timing.
func BenchmarkPaint(b *testing.B) {
	v := View{Width: 1024, Height: 1024, Center: -0.75, Scale: 3.5, MaxIter: 1000}
	p := &Painter{Palette: palettes[0]}
	for _, aa := range []int{1, 2} {
		f := render(b, v, aa)
		b.Run(fmt.Sprintf("aa%d", aa), func(b *testing.B) {
			b.SetBytes(int64(v.Width * v.Height))
			for b.Loop() {
				p.PaintRows(p.NewImage(f, aa), f, aa, 0, v.Height)
			}
		})
		if aa == 1 {
			b.Run("aa1-reference", func(b *testing.B) {
				b.SetBytes(int64(v.Width * v.Height))
				for b.Loop() {
					referenceIndexRows(p, p.NewImage(f, aa).(*image.Paletted), f, 0, v.Height)
				}
			})
		}
	}
}
