package render

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"sync"
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
// and huge ones too) and escape radii. The period is the painter's alone,
// so each frame is rendered once for all of them.
func TestIndexRowMatchesIndex(t *testing.T) {
	for _, preset := range Presets() {
		for _, escape := range []float64{0, 2.5, 1e6} {
			v := preset.View
			v.Width, v.Height, v.Escape = 97, 61, escape
			v.MaxIter = min(v.MaxIter, 3000)
			f := render(t, v, 1)
			for _, period := range []float64{0, 1, 0.37, -2.5, 1e-300, 1e300} {
				name := fmt.Sprintf("%s/period=%g/escape=%g", preset.Name, period, escape)
				t.Run(name, func(t *testing.T) {
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

// referenceRGBARows is how PaintRows painted a supersampled image before
// the sample loop was written out: sampleColour, sample by sample.
func referenceRGBARows(p *Painter, img *image.RGBA, f *Frame, aa, lo, hi int) {
	samples := float64(aa * aa)
	for y := lo; y < hi; y++ {
		for x := 0; x < img.Rect.Dx(); x++ {
			var r, g, b float64
			for sy := y * aa; sy < (y+1)*aa; sy++ {
				for sx := x * aa; sx < (x+1)*aa; sx++ {
					c := p.sampleColour(f, sy*f.Width+sx)
					r, g, b = r+float64(c.R), g+float64(c.G), b+float64(c.B)
				}
			}
			o := y*img.Stride + 4*x
			img.Pix[o+0] = uint8(r/samples + 0.5)
			img.Pix[o+1] = uint8(g/samples + 0.5)
			img.Pix[o+2] = uint8(b/samples + 0.5)
			img.Pix[o+3] = 255
		}
	}
}

// TestRGBARowsMatchSampleColour compares supersampled painting with the
// per-sample reference on every preset.
func TestRGBARowsMatchSampleColour(t *testing.T) {
	for _, preset := range Presets() {
		for _, aa := range []int{2, 3} {
			v := preset.View
			v.Width, v.Height, v.Escape = 41, 29, 3
			v.MaxIter = min(v.MaxIter, 2000)
			var f *Frame // one for every period, which is the painter's
			if CheckSupersampling(v, aa) == nil {
				f = render(t, v, aa)
			}
			for _, period := range []float64{0, 0.37, -2.5} {
				name := fmt.Sprintf("%s/aa=%d/period=%g", preset.Name, aa, period)
				t.Run(name, func(t *testing.T) {
					if err := CheckSupersampling(v, aa); err != nil {
						t.Skip(err)
					}
					p := &Painter{Palette: palettes[len(name)%len(palettes)], Period: period, Inside: color.RGBA{9, 8, 7, 255}}
					want := p.NewImage(f, aa).(*image.RGBA)
					referenceRGBARows(p, want, f, aa, 0, v.Height)
					got := p.NewImage(f, aa).(*image.RGBA)
					p.PaintRows(got, f, aa, 0, v.Height)
					if !bytes.Equal(got.Pix, want.Pix) {
						t.Errorf("%d of %d bytes differ from the reference", differ(got.Pix, want.Pix), len(got.Pix))
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

// TestIndexTableMatchesIndex paints with the look-up table's rows built for
// every count in the frame, however few its pixels, and compares with the
// reference; each frame rendered once for every period.
func TestIndexTableMatchesIndex(t *testing.T) {
	for _, preset := range Presets() {
		for _, escape := range []float64{0, 1e6} {
			v := preset.View
			v.Width, v.Height, v.Escape = 150, 100, escape
			v.MaxIter = min(v.MaxIter, 3000)
			f := render(t, v, 1)
			for _, period := range []float64{0, 1, 1e300} {
				name := fmt.Sprintf("%s/period=%g/escape=%g", preset.Name, period, escape)
				t.Run(name, func(t *testing.T) {
					p := &Painter{Palette: palettes[len(name)%len(palettes)], Period: period}
					checkIndexTable(t, p, f)
				})
			}
		}
	}
}

// TestIndexTableBuckets checks every bucket of the table, for a range of
// counts, at its ends and at random values inside: where the table is
// certain, exactIndex must agree. It also checks that the table is
// certain often enough to be worth having.
func TestIndexTableBuckets(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, escape2 := range []float64{4, 6.25, 1e12} {
		f := &Frame{Width: 1, Height: 1, MaxIter: 1 << 20, Escape2: escape2}
		p := &Painter{Palette: palettes[0]}
		tab := p.newIndexTable(f)
		for _, n := range []uint32{0, 1, 2, 3, 5, 8, 13, 30, 100, 999, 4321, 1<<16 - 1} {
			t.Run(fmt.Sprintf("escape2=%g/n=%d", escape2, n), func(t *testing.T) {
				row := tab.build(n)
				certain := 0
				for k, e := range row {
					if e == uncertain {
						continue
					}
					certain++
					lo := (tab.key0 + uint64(k)) << (52 - indexTableBits)
					hi := lo + 1<<(52-indexTableBits) - 1
					for i := 0; i < 40; i++ {
						bits := lo + rng.Uint64N(hi-lo+1)
						switch i {
						case 0:
							bits = lo
						case 1:
							bits = hi
						}
						m := math.Float64frombits(bits)
						if got, _, _ := exactIndex(n, m, DefaultPeriod, 0); got != e {
							t.Fatalf("bucket %d: |z|^2 %v has entry %d, table says %d", k, m, got, e)
						}
						if got := p.index(n, m); got != e {
							t.Fatalf("bucket %d: |z|^2 %v has index %d, table says %d", k, m, got, e)
						}
					}
				}
				if n >= 2 && certain < len(row)*3/4 {
					t.Errorf("only %d of %d buckets certain", certain, len(row))
				}
			})
		}
	}
}

// TestCanvasTableConcurrent paints a canvas from several goroutines at once,
// as mandel does, so that rows of the table are built while others read
// them (the race detector watches), and compares with the reference.
func TestCanvasTableConcurrent(t *testing.T) {
	v := View{Width: 512, Height: 384, Center: -0.75, Scale: 3.5, MaxIter: 500}
	f := render(t, v, 1)
	p := &Painter{Palette: palettes[0]}
	want := p.NewImage(f, 1).(*image.Paletted)
	referenceIndexRows(p, want, f, 0, v.Height)
	c := p.Canvas(f, 1)
	task := c.Task()
	var wg sync.WaitGroup
	const workers, block = 4, 3
	for w := range workers {
		wg.Go(func() {
			for lo := w * block; lo < v.Height; lo += workers * block {
				task(w, lo, min(lo+block, v.Height))
			}
		})
	}
	wg.Wait()
	got := c.Image.(*image.Paletted)
	if !bytes.Equal(got.Pix, want.Pix) {
		t.Errorf("%d of %d pixels differ from the reference", differ(got.Pix, want.Pix), len(got.Pix))
	}
	built := 0
	for i := range c.table.rows {
		if c.table.rows[i].Load() != nil {
			built++
		}
	}
	if built == 0 {
		t.Error("no row of the table was built: the test does not test it")
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

// BenchmarkPaint paints the full view at 1024x1024 on one goroutine, as
// mandel does (a Canvas, with the look-up table, built in the timing) and,
// for aa 1, without the table and with the per-pixel reference. The frame is
// rendered once, outside the timing.
func BenchmarkPaint(b *testing.B) {
	v := View{Width: 1024, Height: 1024, Center: -0.75, Scale: 3.5, MaxIter: 1000}
	p := &Painter{Palette: palettes[0]}
	for _, aa := range []int{1, 2} {
		f := render(b, v, aa)
		b.Run(fmt.Sprintf("aa%d", aa), func(b *testing.B) {
			b.SetBytes(int64(v.Width * v.Height))
			for b.Loop() {
				c := p.Canvas(f, aa)
				c.Task()(0, 0, v.Height)
			}
		})
		if aa == 2 {
			b.Run("aa2-reference", func(b *testing.B) {
				b.SetBytes(int64(v.Width * v.Height))
				for b.Loop() {
					referenceRGBARows(p, p.NewImage(f, aa).(*image.RGBA), f, aa, 0, v.Height)
				}
			})
		}
		if aa == 1 {
			b.Run("aa1-notable", func(b *testing.B) {
				b.SetBytes(int64(v.Width * v.Height))
				for b.Loop() {
					p.PaintRows(p.NewImage(f, aa), f, aa, 0, v.Height)
				}
			})
			b.Run("aa1-reference", func(b *testing.B) {
				b.SetBytes(int64(v.Width * v.Height))
				for b.Loop() {
					referenceIndexRows(p, p.NewImage(f, aa).(*image.Paletted), f, 0, v.Height)
				}
			})
		}
	}
}

// checkIndexTable paints f with p's look-up table, its rows built for
// every count in the frame however few its pixels, and compares the
// picture with the reference's.
func checkIndexTable(t *testing.T, p *Painter, f *Frame) {
	t.Helper()
	tab := p.newIndexTable(f)
	if tab == nil {
		t.Fatal("no table")
	}
	for _, n := range f.Iter {
		if int(n) < len(tab.rows) && tab.rows[n].Load() == nil {
			tab.build(n)
		}
	}
	want := p.NewImage(f, 1).(*image.Paletted)
	referenceIndexRows(p, want, f, 0, f.Height)
	got := p.NewImage(f, 1).(*image.Paletted)
	p.paintRows(got, f, 1, 0, f.Height, tab)
	if !bytes.Equal(got.Pix, want.Pix) {
		t.Errorf("%d of %d pixels differ from the reference", differ(got.Pix, want.Pix), len(got.Pix))
	}
}
