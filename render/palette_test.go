package render

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// oldTables are the built-in palettes as they were written before
// gradients: evenly spaced stops. The gradients must give these stops, and
// so their bytes.
var oldTables = map[string][]color.RGBA{
	"classic":  {{0, 7, 100, 255}, {32, 107, 203, 255}, {237, 255, 255, 255}, {255, 170, 0, 255}, {0, 2, 0, 255}},
	"fire":     {{20, 0, 0, 255}, {160, 20, 0, 255}, {255, 120, 0, 255}, {255, 230, 120, 255}, {120, 20, 0, 255}},
	"ocean":    {{0, 10, 30, 255}, {0, 80, 120, 255}, {60, 200, 200, 255}, {220, 255, 250, 255}, {10, 60, 110, 255}},
	"twilight": {{30, 10, 60, 255}, {140, 40, 130, 255}, {250, 140, 110, 255}, {255, 240, 200, 255}, {60, 30, 110, 255}},
	"gray":     {{0, 0, 0, 255}, {255, 255, 255, 255}},
}

func TestBuiltinsAreTheirOldTables(t *testing.T) {
	if got, want := PaletteNames(), []string{"classic", "fire", "ocean", "twilight", "gray"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("PaletteNames() = %v, want %v", got, want)
	}
	for _, p := range palettes {
		if !reflect.DeepEqual(p.stops, oldTables[p.Name]) || p.pos != nil {
			t.Errorf("%s: stops %v at %v, want %v evenly spaced", p.Name, p.stops, p.pos, oldTables[p.Name])
		}
		if p.String() != p.Name {
			t.Errorf("%s: String() = %q", p.Name, p.String())
		}
	}
}

func mustPalette(t *testing.T, s string) Palette {
	t.Helper()
	p, err := LookupPalette(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLookupPaletteAccepts(t *testing.T) {
	for _, tc := range []struct {
		in    string
		stops []color.RGBA
		pos   []float64 // nil: evenly spaced
		dens  float64
		off   float64
		str   string // String(), "" for in
	}{
		{in: "gradient:#000000", stops: []color.RGBA{{0, 0, 0, 255}}},
		{in: "gradient:#FF0000,#00ff00", stops: []color.RGBA{{255, 0, 0, 255}, {0, 255, 0, 255}}, str: "gradient:#ff0000,#00ff00"},
		{in: "gradient:0=#ff0000,0.5=#00ff00", stops: []color.RGBA{{255, 0, 0, 255}, {0, 255, 0, 255}}, str: "gradient:#ff0000,#00ff00"},
		{in: "gradient: 0.1 = #ff0000 , .3=#00ff00,1=#0000ff", stops: []color.RGBA{{255, 0, 0, 255}, {0, 255, 0, 255}, {0, 0, 255, 255}},
			pos: []float64{0.1, 0.3, 1}, str: "gradient:0.1=#ff0000,0.3=#00ff00,1=#0000ff"},
		{in: "gradient:0=#000000,0.5=#ffffff,0.5=#000000", stops: []color.RGBA{{0, 0, 0, 255}, {255, 255, 255, 255}, {0, 0, 0, 255}},
			pos: []float64{0, 0.5, 0.5}},
		{in: "fire;density=2.5;offset=-0.25", stops: oldTables["fire"], dens: 2.5, off: -0.25},
		{in: "gradient:#102030;offset=1e-1", stops: []color.RGBA{{16, 32, 48, 255}}, off: 0.1, str: "gradient:#102030;offset=0.1"},
		{in: "classic;density=1", stops: oldTables["classic"], str: "classic"},
	} {
		p, err := LookupPalette(tc.in)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if !reflect.DeepEqual(p.stops, tc.stops) || !reflect.DeepEqual(p.pos, tc.pos) || p.Density != tc.dens || p.Offset != tc.off {
			t.Errorf("%q: stops %v at %v, density %v, offset %v; want %v at %v, %v, %v", tc.in, p.stops, p.pos, p.Density, p.Offset, tc.stops, tc.pos, tc.dens, tc.off)
		}
		want := tc.str
		if want == "" {
			want = tc.in
		}
		if p.String() != want {
			t.Errorf("%q: String() = %q, want %q", tc.in, p.String(), want)
		}
		if q := mustPalette(t, p.String()); !reflect.DeepEqual(p, q) {
			t.Errorf("%q: String() %q reads back as %+v, not %+v", tc.in, p.String(), q, p)
		}
	}
}

func TestLookupPaletteRefuses(t *testing.T) {
	for _, tc := range []struct{ in, msg string }{
		{"nope", `unknown palette "nope" (valid: classic, fire, ocean, twilight, gray, or gradient:POS=#RRGGBB,...)`},
		{"gradient:", `palette "gradient:": a gradient needs at least one stop`},
		{"gradient:#00076", `palette "gradient:#00076": stop 1 "#00076": colour "#00076" is not #RRGGBB (6 hex digits)`},
		{"gradient:0=#000764,0.16=#206bcb,0.42=#edfff", `stop 3 "0.42=#edfff": colour "#edfff" is not #RRGGBB`},
		{"gradient:0=#000764,#206bcb", `stop 2 "#206bcb": give every stop a position, or none`},
		{"gradient:#000764,0.5=#206bcb", `stop 2 "0.5=#206bcb": give every stop a position, or none`},
		{"gradient:0.5=#000764,0.25=#206bcb", `stop 2 "0.25=#206bcb": position 0.25 is before the previous stop's 0.5 (positions must not decrease)`},
		{"gradient:1.5=#000764", `stop 1 "1.5=#000764": position "1.5" is not a decimal number in 0..1`},
		{"gradient:-0.1=#000764", `position "-0.1" is not a decimal number in 0..1`},
		{"gradient:0x0=#000764", `position "0x0" is not a decimal number in 0..1`},
		{"gradient:NaN=#000764", `position "NaN" is not a decimal number in 0..1`},
		{"gradient:=#000764", `position "" is not a decimal number in 0..1`},
		{"gradient:0=#000764,,1=#ffffff", `stop 2 "": colour "" is not #RRGGBB`},
		{"gradient:0=red", `colour "red" is not #RRGGBB`},
		{"classic;density=0", `palette "classic;density=0": density "0" is not a number in (0, 1e+06]`},
		{"classic;density=inf", `density "inf" is not a number in (0, 1e+06]`},
		{"classic;density=2e6", `density "2e6" is not a number in (0, 1e+06]`},
		{"classic;offset=1_0", `offset "1_0" is not a decimal number`},
		{"classic;hue=3", `unknown option "hue=3" (want density=D or offset=O)`},
		{"classic;", `unknown option ""`},
		{"fire;density=2;density=3", `palette "fire;density=2;density=3": density is given twice`},
		{"fire;offset=0.5;density=2;offset=0.5", `offset is given twice`},
		{"fire;density=1;density=1", `density is given twice`},
		{"gradient:" + strings.Repeat("#000000,", MaxStops) + "#000000", fmt.Sprintf(`stop %d "#000000": more than %d stops`, MaxStops+1, MaxStops)},
	} {
		_, err := LookupPalette(tc.in)
		switch {
		case err == nil:
			t.Errorf("%q accepted", tc.in)
		case !strings.Contains(err.Error(), tc.msg):
			t.Errorf("%q: %v, want %q", tc.in, err, tc.msg)
		case strings.Contains(err.Error(), "\n"):
			t.Errorf("%q: the error is not one line: %q", tc.in, err)
		}
	}
}

func TestParsePaletteFile(t *testing.T) {
	good := `# Ultra Fractal's default gradient
0      #000764   # deep blue
0.16   #206bcb
0.42=#edffff

0.6425 #ffaa00
   0.8575 #000200 #comment
`
	p, err := ParsePaletteFile("uf.txt", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	want := mustPalette(t, "gradient:0=#000764,0.16=#206bcb,0.42=#edffff,0.6425=#ffaa00,0.8575=#000200")
	if !reflect.DeepEqual(p, want) {
		t.Errorf("got %+v, want %+v", p, want)
	}
	// As an editor on Windows saves it: a byte order mark and CRLF.
	windows := "\ufeff" + strings.ReplaceAll(good, "\n", "\r\n")
	if p, err := ParsePaletteFile("uf.txt", []byte(windows)); err != nil || !reflect.DeepEqual(p, want) {
		t.Errorf("with a byte order mark and CRLF: %+v, %v; want %+v", p, err, want)
	}
	for _, tc := range []struct{ in, msg string }{
		{"", "f.txt: no stops"},
		{"# only a comment\n", "f.txt: no stops"},
		{"0 #000000\n#ffffff\n", `f.txt:2: "#ffffff": want POSITION #RRGGBB (a stop needs both)`},
		{"0 #000000\n0.5 #ffffff trailing\n", `f.txt:2: "0.5 #ffffff trailing": want POSITION #RRGGBB, then only a # comment`},
		{"0.5 #000000\n\n0.25 #ffffff\n", `f.txt:3: "0.25 #ffffff": position 0.25 is before the previous stop's 0.5`},
		{"0 #00000g\n", `f.txt:1: "0 #00000g": colour "#00000g" is not #RRGGBB`},
		{"2 #000000\n", `f.txt:1: "2 #000000": position "2" is not a decimal number in 0..1`},
		{strings.Repeat("0 #000000\n", MaxStops+1), fmt.Sprintf("f.txt:%d: ", MaxStops+1)},
		{strings.Repeat("#", maxPaletteFile+1), "f.txt: over 1048576 bytes"},
	} {
		_, err := ParsePaletteFile("f.txt", []byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.msg) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%.40q: %v, want one line with %q", tc.in, err, tc.msg)
		}
	}
}

// TestGradientEqualsBuiltin: a gradient with a built-in's stops, evenly
// spaced, written with or without positions, gives the built-in's colours
// bit for bit, and so its images.
func TestGradientEqualsBuiltin(t *testing.T) {
	for _, b := range builtins {
		want := mustPalette(t, b.name)
		withPos := mustPalette(t, b.gradient)
		noPos := mustPalette(t, regexpPositions.ReplaceAllString(b.gradient, ""))
		for _, g := range []Palette{withPos, noPos} {
			for i := -1000; i <= 11000; i++ {
				x := float64(i) / 10000
				if g.At(x) != want.At(x) {
					t.Fatalf("%s: %s at %v is %v, want %v", b.name, g, x, g.At(x), want.At(x))
				}
			}
		}
		v := View{Width: 64, Height: 48, Center: -0.5, Scale: 3, MaxIter: 200}
		for _, aa := range []int{1, 2} {
			f := render(t, v, aa)
			a, c := (&Painter{Palette: want}).Canvas(f, aa), (&Painter{Palette: noPos}).Canvas(f, aa)
			a.paint(0, a.Image.Bounds().Dy())
			c.paint(0, c.Image.Bounds().Dy())
			if !reflect.DeepEqual(a.Image, c.Image) {
				t.Errorf("%s at aa %d: the gradient's image differs from the built-in's", b.name, aa)
			}
		}
	}
}

var regexpPositions = regexp.MustCompile(`[0-9.]+=`)

// TestGradientPositions checks the interpolation of stops with positions:
// the stops' own colours, blends between them, the wrap from the last stop
// back to the first, a sharp edge, and a stop at 1.
func TestGradientPositions(t *testing.T) {
	p := mustPalette(t, "gradient:0.1=#000000,0.3=#c8c8c8,0.3=#0000ff,0.9=#ff0000")
	for _, tc := range []struct {
		t    float64
		want color.RGBA
	}{
		{0.1, color.RGBA{0, 0, 0, 255}},
		{0.2, color.RGBA{100, 100, 100, 255}},
		{0.2999, color.RGBA{200, 200, 200, 255}},
		{0.3, color.RGBA{0, 0, 255, 255}}, // the edge: the later stop from its position on
		{0.45, color.RGBA{64, 0, 191, 255}},
		{0.9, color.RGBA{255, 0, 0, 255}},
		{0.95, color.RGBA{191, 0, 0, 255}}, // the wrap, a quarter of the way from 0.9 to 1.1
		{0.0, color.RGBA{128, 0, 0, 255}},  // half-way
		{1.1, color.RGBA{0, 0, 0, 255}},
		{-0.9, color.RGBA{0, 0, 0, 255}},
	} {
		if got := p.At(tc.t); got != tc.want {
			t.Errorf("At(%v) = %v, want %v", tc.t, got, tc.want)
		}
	}
	end := mustPalette(t, "gradient:0=#000000,1=#ffffff")
	if got := end.At(0.75); got != (color.RGBA{191, 191, 191, 255}) {
		t.Errorf("a stop at 1: At(0.75) = %v", got)
	}
	if got := end.At(0.99999999); got.R != 255 || end.At(1) != end.At(0) {
		t.Errorf("a stop at 1: just before the cycle's end %v, at its end %v", got, end.At(1))
	}
	// The general arithmetic agrees with the evenly spaced one to within
	// the rounding of a blend.
	for _, b := range palettes {
		g := b
		_, g.pos = g.Stops()
		for i := range 100000 {
			x := float64(i) / 100000
			u, v := b.At(x), g.At(x)
			if d := max(absDiff(u.R, v.R), absDiff(u.G, v.G), absDiff(u.B, v.B)); d > 1 {
				t.Fatalf("%s at %v: %v evenly spaced, %v by positions", b.Name, x, u, v)
			}
		}
	}
}

func absDiff(a, b uint8) int { return max(int(a)-int(b), int(b)-int(a)) }

// TestGradientDeterminism pins a hash of a gradient's colours with
// positions at many places, so that a build for another CPU, or with FMA
// (GOAMD64=v3, arm64 under qemu: make test runs both), which computed one
// blend differently would fail here.
func TestGradientDeterminism(t *testing.T) {
	p := mustPalette(t, "gradient:0=#000764,0.16=#206bcb,0.42=#edffff,0.6425=#ffaa00,0.8575=#000200")
	h := fnv.New64a()
	for i := range 1 << 20 {
		c := p.At(float64(i) / (1 << 20) * 1.37)
		h.Write([]byte{c.R, c.G, c.B})
	}
	if got, want := h.Sum64(), uint64(0xfc6a3905885a89f); got != want {
		t.Errorf("hash %#x, want %#x", got, want)
	}
}

// TestDensityAndOffset: density d paints as a period of DefaultPeriod/d,
// and an offset of half a cycle moves each pixel's entry half-way round
// the 255 gradient entries.
func TestDensityAndOffset(t *testing.T) {
	v := View{Width: 120, Height: 80, Center: -0.75 + 0.1i, Scale: 0.5, MaxIter: 500}
	f := render(t, v, 1)
	paint := func(p *Painter) *image.Paletted {
		img := p.NewImage(f, 1).(*image.Paletted)
		p.PaintRows(img, f, 1, 0, v.Height)
		return img
	}
	classic := palettes[0]
	dense := classic
	dense.Density = 2
	base, twice, period3 := paint(&Painter{Palette: classic}), paint(&Painter{Palette: dense}), paint(&Painter{Palette: classic, Period: 3})
	if !bytes.Equal(twice.Pix, period3.Pix) {
		t.Errorf("density 2 differs from period 3 in %d pixels", differ(twice.Pix, period3.Pix))
	}
	if bytes.Equal(base.Pix, twice.Pix) {
		t.Error("density 2 changed no pixel")
	}
	half := classic
	half.Offset = 0.5
	shifted := paint(&Painter{Palette: half})
	moved := 0
	for i, e := range base.Pix {
		s := shifted.Pix[i]
		if e == paletteSize {
			if s != paletteSize {
				t.Fatalf("pixel %d: inside, but %d with an offset", i, s)
			}
			continue
		}
		// 127.5 entries round; either neighbour will do.
		if d := (int(s) - int(e) + paletteSize) % paletteSize; d != 127 && d != 128 {
			t.Fatalf("pixel %d: entry %d with offset 0.5, %d without", i, s, e)
		}
		moved++
	}
	if moved < 1000 {
		t.Errorf("only %d escaped pixels", moved)
	}
	// A whole cycle's offset changes the colours at most by rounding.
	whole := classic
	whole.Offset = 1
	same := paint(&Painter{Palette: whole})
	for i, e := range base.Pix {
		if d := (int(same.Pix[i]) - int(e) + paletteSize) % paletteSize; d > 1 && d < paletteSize-1 {
			t.Fatalf("pixel %d: entry %d with offset 1, %d without", i, same.Pix[i], e)
		}
	}
	// Past 16 whole cycles are dropped: added as they were, 1e17 rounded
	// every escaped pixel to one colour.
	for _, o := range []float64{17, 1e17, -1e300} {
		far := classic
		far.Offset = o
		if got := paint(&Painter{Palette: far}); !bytes.Equal(got.Pix, base.Pix) {
			t.Errorf("offset %g differs from 0 in %d pixels", o, differ(got.Pix, base.Pix))
		}
	}
}

// TestIndexTableWithDensityAndOffset: the look-up table gives the
// reference's entries whatever the density and offset (one past 16 less its
// whole cycles, within the table's margin).
func TestIndexTableWithDensityAndOffset(t *testing.T) {
	for _, name := range []string{"full", "seahorse"} {
		preset, _ := LookupPreset(name)
		v := preset.View
		v.Width, v.Height = 150, 100
		f := render(t, v, 1) // the mapping is the painter's: one frame for all
		for _, mapping := range []struct{ density, offset float64 }{{2.5, 0.3}, {1, -7.25}, {0.3, 16}, {6, 0.999}, {1, 1e17 + 0.25}, {2, -40.5}} {
			t.Run(fmt.Sprintf("%s/density=%g/offset=%g", name, mapping.density, mapping.offset), func(t *testing.T) {
				pal := palettes[1]
				pal.Density, pal.Offset = mapping.density, mapping.offset
				p := &Painter{Palette: pal}
				checkIndexTable(t, p, f)
			})
		}
	}
}

// BenchmarkPaletteAt: the colour of a place on the cycle, as the
// supersampled painter asks for every sample: evenly spaced stops, a few
// stops with positions, and the most stops a gradient may have.
func BenchmarkPaletteAt(b *testing.B) {
	many := make([]string, MaxStops)
	for i := range many {
		many[i] = fmt.Sprintf("%g=#%06x", float64(i)/MaxStops*0.999, i*4099%0x1000000)
	}
	for _, tc := range []struct{ name, spec string }{
		{"classic", "classic"},
		{"positions5", "gradient:0=#000764,0.16=#206bcb,0.42=#edffff,0.6425=#ffaa00,0.8575=#000200"},
		{"positions1024", "gradient:" + strings.Join(many, ",")},
	} {
		p, err := LookupPalette(tc.spec)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(tc.name, func(b *testing.B) {
			var sink uint8
			for i := range b.N {
				sink += p.At(float64(i&0xffff) * (1.0 / 0x10000)).R
			}
			_ = sink
		})
	}
}

// FuzzLookupPalette: any text gives a one-line error or a palette whose
// String reads back as the same palette, and whose colours can be taken
// anywhere on the cycle.
func FuzzLookupPalette(f *testing.F) {
	for _, s := range []string{"classic", "fire;density=2;offset=-0.5", "gradient:#000000,#ffffff",
		"gradient:0=#000764,0.16=#206bcb,0.42=#edffff,0.6425=#ffaa00,0.8575=#000200", "gradient:0.5=#000000,0.5=#ffffff,1=#ff0000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := LookupPalette(s)
		if err != nil {
			if strings.Contains(err.Error(), "\n") && !strings.Contains(s, "\n") {
				t.Fatalf("%q: a message of several lines: %q", s, err)
			}
			return
		}
		q, err := LookupPalette(p.String())
		if err != nil || !reflect.DeepEqual(p, q) {
			t.Fatalf("%q: String %q reads back as %+v, %v", s, p.String(), q, err)
		}
		for _, x := range []float64{0, 0.3, 0.999999, -7.1, 1e300} {
			p.At(x)
		}
	})
}

// TestZeroPaletteSaysClassic: the zero Palette colours as classic, so its
// String and Stops say classic too, and String parses back to a palette
// that colours the same.
func TestZeroPaletteSaysClassic(t *testing.T) {
	classic, err := LookupPalette("classic;density=2")
	if err != nil {
		t.Fatal(err)
	}
	zero := Palette{Density: 2}
	if got, want := zero.String(), classic.String(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	back, err := LookupPalette(zero.String())
	if err != nil {
		t.Fatalf("LookupPalette(%q): %v", zero.String(), err)
	}
	for _, x := range []float64{0, 0.3, 0.71} {
		if back.At(x) != zero.At(x) {
			t.Errorf("at %v: parsed back %v, zero %v", x, back.At(x), zero.At(x))
		}
	}
	zs, zp := zero.Stops()
	cs, cp := classic.Stops()
	if !reflect.DeepEqual(zs, cs) || !reflect.DeepEqual(zp, cp) {
		t.Errorf("Stops() = %v %v, want classic's %v %v", zs, zp, cs, cp)
	}
}
