package render

import (
	"image"
	"image/color"
	"math"
	"reflect"
	"testing"
)

func TestPaletteCycles(t *testing.T) {
	for _, name := range PaletteNames() {
		p, err := LookupPalette(name)
		if err != nil {
			t.Fatal(err)
		}
		if p.At(0) != p.stops[0] || p.At(1) != p.At(0) || p.At(-0.25) != p.At(0.75) {
			t.Errorf("%s: the palette is not cyclic", name)
		}
	}
	if len(PaletteNames()) < 4 {
		t.Errorf("want at least four palettes, have %v", PaletteNames())
	}
	if _, err := LookupPalette("nope"); err == nil {
		t.Error("unknown palette accepted")
	}
}

func TestGrayPaletteIsGray(t *testing.T) {
	p, _ := LookupPalette("gray")
	for i := 0; i < 100; i++ {
		c := p.At(float64(i) / 100)
		if c.R != c.G || c.G != c.B {
			t.Fatalf("gray palette at %d%% is %v", i, c)
		}
	}
	if p.At(0.25).R >= p.At(0.5).R {
		t.Error("gray palette does not brighten through its first half")
	}
}

func TestSmoothIsContinuousAcrossBands(t *testing.T) {
	// Just before an escape at step n, |z| is at the radius; just after the
	// previous step it was the square root of that. The smooth value must
	// agree across the two descriptions (within the slack of R = 2).
	for _, n := range []uint32{3, 10, 100} {
		a := Smooth(n, 1e6)
		b := Smooth(n+1, 1e12) // the same orbit one step later: |z|^2 squared
		if math.Abs(a-b) > 0.01 {
			t.Errorf("n=%d: %v vs %v", n, a, b)
		}
	}
	if Smooth(5, 4.5) <= Smooth(5, 1e3) {
		t.Error("a larger final |z| must mean an earlier (smaller) escape time")
	}
}

func TestPainterInsideAndImageKinds(t *testing.T) {
	f := render(t, View{Width: 40, Height: 30, Center: -0.5, Scale: 3, MaxIter: 100}, 1)
	pal, _ := LookupPalette("classic")
	p := &Painter{Palette: pal, Inside: color.RGBA{1, 2, 3, 255}}
	img := p.NewImage(f, 1)
	pimg, ok := img.(*image.Paletted)
	if !ok {
		t.Fatalf("aa=1 image is %T, want *image.Paletted", img)
	}
	p.PaintRows(img, f, 1, 0, 30)
	insides := 0
	for i := range f.Iter {
		got := pimg.At(i%40, i/40).(color.RGBA)
		if f.Inside(i) != (got == p.Inside) {
			t.Fatalf("pixel %d: inside %v but colour %v", i, f.Inside(i), got)
		}
		if f.Inside(i) {
			insides++
		}
	}
	if insides == 0 || insides == len(f.Iter) {
		t.Fatalf("test view should mix inside and outside, has %d of %d inside", insides, len(f.Iter))
	}

	f3 := render(t, View{Width: 40, Height: 30, Center: -0.5, Scale: 3, MaxIter: 100}, 3)
	if _, ok := p.NewImage(f3, 3).(*image.RGBA); !ok {
		t.Fatal("aa>1 image should be RGBA")
	}
}

// variation sums the absolute differences of horizontally and vertically
// adjacent grey levels: hard, jagged edges make it large.
func variation(img image.Image) float64 {
	b := img.Bounds()
	gray := func(x, y int) float64 { return float64(color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y) }
	sum := 0.0
	for y := b.Min.Y; y < b.Max.Y-1; y++ {
		for x := b.Min.X; x < b.Max.X-1; x++ {
			sum += math.Abs(gray(x, y)-gray(x+1, y)) + math.Abs(gray(x, y)-gray(x, y+1))
		}
	}
	return sum
}

func TestSupersamplingSmoothsEdges(t *testing.T) {
	v := View{Width: 120, Height: 90, Center: complex(-0.75, 0.1), Scale: 0.3, MaxIter: 300}
	pal, _ := LookupPalette("gray")
	p := &Painter{Palette: pal}
	paint := func(aa int) image.Image {
		f := render(t, v, aa)
		img := p.NewImage(f, aa)
		p.PaintRows(img, f, aa, 0, v.Height)
		return img
	}
	plain, smooth := variation(paint(1)), variation(paint(3))
	if smooth >= 0.9*plain {
		t.Errorf("3x3 supersampling should smooth edges: variation %.0f vs %.0f without", smooth, plain)
	}
}

func bitmap(f *Frame, aa int) *image.Gray {
	img := newBitmap(f, aa)
	bitmapRows(img, f, aa, 0, img.Rect.Dy())
	return img
}

func TestBitmap(t *testing.T) {
	f := &Frame{Width: 4, Height: 2, MaxIter: 10, Escape2: 4,
		Iter: []uint32{10, 3, 10, 10, 10, 10, 1, 10},
		Mag2: []float64{1, 9, 1, 1, 1, 1, 9, 5}}
	img := bitmap(f, 1)
	want := []uint8{0, 255, 0, 0, 0, 0, 255, 255}
	for i, w := range want {
		if img.Pix[i] != w {
			t.Errorf("pixel %d = %d, want %d", i, img.Pix[i], w)
		}
	}
	half := bitmap(f, 2) // 2x1: left block has 3 of 4 inside, right block 2 of 4
	if half.Pix[0] != 0 || half.Pix[1] != 0 {
		t.Errorf("aa bitmap = %v, want both black (at least half inside)", half.Pix)
	}
}

func TestZeroPainterPaintsInsideOpaqueBlack(t *testing.T) {
	p := &Painter{Palette: palettes[0]}
	for _, aa := range []int{1, 2} {
		n := aa * aa
		f := &Frame{Width: aa, Height: aa, MaxIter: 5, Escape2: 4, Iter: make([]uint32, n), Mag2: make([]float64, n)}
		for i := range f.Iter {
			f.Iter[i] = 5
		}
		img := p.NewImage(f, aa)
		p.PaintRows(img, f, aa, 0, 1)
		if got := color.RGBAModel.Convert(img.At(0, 0)); got != (color.RGBA{0, 0, 0, 255}) {
			t.Errorf("aa %d: inside colour %v, want opaque black", aa, got)
		}
	}
}

// TestZeroPainterIsClassic: Painter's doc promises that its zero value
// paints the classic picture; it divided by the zero Palette's count of
// stops and panicked.
func TestZeroPainterIsClassic(t *testing.T) {
	classic, err := LookupPalette("classic")
	if err != nil {
		t.Fatal(err)
	}
	f := &Frame{Width: 3, Height: 1, MaxIter: 9, Escape2: 4, Iter: []uint32{1, 4, 9}, Mag2: []float64{5, 17, 1}}
	want := (&Painter{Palette: classic}).NewImage(f, 1)
	(&Painter{Palette: classic}).PaintRows(want, f, 1, 0, 1)
	var zero Painter
	got := zero.NewImage(f, 1)
	zero.PaintRows(got, f, 1, 0, 1)
	for x := range 3 {
		if g, w := got.At(x, 0), want.At(x, 0); g != w {
			t.Errorf("pixel %d: zero Painter %v, classic %v", x, g, w)
		}
	}
	if g, w := (Palette{}).At(0.3), classic.At(0.3); g != w {
		t.Errorf("zero Palette at 0.3: %v, classic %v", g, w)
	}
}

func TestNonFiniteColourPositions(t *testing.T) {
	p := palettes[0]
	for _, x := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if got := p.At(x); got != p.stops[0] {
			t.Errorf("At(%v) = %v, want the first stop", x, got)
		}
	}
	painter := &Painter{Palette: p}
	if got := painter.index(3, math.Inf(1)); got >= paletteSize {
		t.Errorf("index of an infinite |z|^2 = %d, outside the gradient", got)
	}
}

func TestBitmapRowsPaintOnlyTheirRows(t *testing.T) {
	f := &Frame{Width: 2, Height: 3, MaxIter: 10, Escape2: 4,
		Iter: []uint32{10, 1, 10, 1, 10, 1}, Mag2: []float64{0, 9, 0, 9, 0, 9}}
	img := newBitmap(f, 1)
	for i := range img.Pix {
		img.Pix[i] = 7 // neither colour
	}
	bitmapRows(img, f, 1, 1, 2)
	want := []uint8{7, 7, 0, 255, 7, 7}
	for i, w := range want {
		if img.Pix[i] != w {
			t.Fatalf("pixels %v, want %v", img.Pix, want)
		}
	}
}

// TestCanvasPaintsLikeItsPainter checks that a canvas painted in blocks, in
// any order, is the image that painting it whole gives.
func TestCanvasPaintsLikeItsPainter(t *testing.T) {
	v := View{Width: 19, Height: 9, Center: complex(-0.75, 0.1), Scale: 2.8, MaxIter: 60}
	for _, aa := range []int{1, 2} {
		f := render(t, v, aa)
		p := &Painter{Palette: palettes[1]}
		want := p.NewImage(f, aa)
		p.PaintRows(want, f, aa, 0, v.Height)
		wantBits := newBitmap(f, aa)
		bitmapRows(wantBits, f, aa, 0, v.Height)

		for _, tc := range []struct {
			name   string
			canvas *Canvas
			want   image.Image
		}{
			{"colour", p.Canvas(f, aa), want},
			{"bitmap", BitmapCanvas(f, aa), wantBits},
		} {
			task := tc.canvas.Task()
			for _, b := range [][2]int{{4, 9}, {0, 2}, {2, 4}} {
				if work, err := task(0, b[0], b[1]); work != 0 || err != nil {
					t.Fatalf("aa %d %s: task(%v) = %d, %v", aa, tc.name, b, work, err)
				}
			}
			if !reflect.DeepEqual(tc.canvas.Image, tc.want) {
				t.Errorf("aa %d %s: the canvas differs from the image painted whole", aa, tc.name)
			}
		}
	}
}
