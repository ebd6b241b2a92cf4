// Package render computes escape-time images of the Mandelbrot set: views and
// presets, the pixel-to-plane mapping, the kernel, the frame it fills, and the
// colouring that turns a frame into an image. It exposes rendering as
// independent units (rows) and never starts a goroutine: who renders which
// rows is the business of package strategies.
package render

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/mandel-project/mandel/internal/decimal"
)

// Mapping says how a pixel index becomes a point of the complex plane.
type Mapping int

const (
	// Centres maps pixel (x, y) to the centre of its square, row 0 at the top
	// (largest imaginary part): c = (xmin + (x+0.5)*d) + (ymax - (y+0.5)*d)i,
	// with d = Scale/Width, xmin = Re(Center) - Scale/2 and
	// ymax = Im(Center) + Height*d/2.
	Centres Mapping = iota
	// Corners is the Computer Language Benchmarks Game's mapping, row 0 at
	// the bottom and no half-pixel offset: c = (s*x/W + xmin) + (sy*y/H + ymin)i,
	// with s = Scale, sy = Scale*H/W, xmin = Re(Center) - s/2 and
	// ymin = Im(Center) - sy/2. For the benchgame preset this is exactly
	// Cr = 2.0*x/N - 1.5, Ci = 2.0*y/N - 1.0.
	Corners
)

// View is a rectangle of the complex plane sampled on a pixel grid, and the
// iteration limits used there.
type View struct {
	Width, Height int
	// Center is the point at the middle of the image.
	Center complex128
	// Scale is the width of the view in the complex plane; pixels are square.
	Scale float64
	// MaxIter is the iteration limit: a point that has not escaped after
	// MaxIter iterations is taken to be in the set.
	MaxIter int
	// Escape is the escape radius R: a point escapes once |z| > R.
	// Zero means DefaultEscape.
	Escape float64
	// Mapping selects the pixel-to-plane mapping.
	Mapping Mapping
	// Exact, when its Scale is not zero, is Center and Scale as the
	// decimals they were given as: Center and Scale are then their nearest
	// float64s, which is all the direct kernels read, while the
	// perturbation path and every file that records the view read the
	// decimals, so that a scale of 1e-1000 is not 0 and a centre keeps
	// every digit it was given. WithDecimals sets both.
	Exact Decimals
}

// Decimals are a view's centre and scale as exact decimals.
type Decimals struct {
	Re, Im, Scale decimal.Number
}

// WithDecimals returns v centred on re + im i with width scale, exactly,
// and its float64 Center and Scale the nearest float64s. Where those
// float64s are the decimals (their shortest forms), Exact stays zero, so
// that a view is the same value however its numbers were given.
func (v View) WithDecimals(re, im, scale decimal.Number) View {
	v.Exact = Decimals{}
	if !re.Exact() || !im.Exact() || !scale.Exact() {
		v.Exact = Decimals{Re: re, Im: im, Scale: scale}
	}
	v.Center = complex(re.Float64(), im.Float64())
	v.Scale = scale.Float64()
	return v
}

// Decimals returns v's centre and scale as exact decimals: Exact, or else
// the shortest decimals of Center and Scale.
func (v View) Decimals() Decimals {
	if !v.Exact.Scale.IsZero() {
		return v.Exact
	}
	return Decimals{Re: finiteDecimal(real(v.Center)), Im: finiteDecimal(imag(v.Center)), Scale: finiteDecimal(v.Scale)}
}

// centreText is the centre for a message, as it was given: the float64
// of a decimal such as 1e400 is +Inf, which the user did not write.
func (v View) centreText() string {
	if !v.Exact.Scale.IsZero() {
		return v.Exact.Re.String() + "," + v.Exact.Im.String()
	}
	return fmt.Sprintf("%g,%g", real(v.Center), imag(v.Center))
}

// finiteDecimal is x's shortest decimal; NaN and infinities (which
// Validate refuses) become 0 rather than a panic.
func finiteDecimal(x float64) decimal.Number {
	if !finite(x) {
		return decimal.Number{}
	}
	return decimal.FromFloat64(x)
}

// DefaultEscape is the escape radius of every preset. 2 is the smallest
// radius that is correct, and the one the C yardstick and the Benchmarks
// Game use, so iteration counts can be compared with them.
const DefaultEscape = 2.0

// Limits on what a view may ask for. They guard against nonsense, not memory:
// the command estimates memory separately (see MemoryNeeded).
const (
	MaxSide    = 1 << 20
	MaxMaxIter = 1 << 30
	// MaxEscape keeps |z|^2 finite: after the escape test passes, |z| can
	// reach about R^2, and (R^2)^2 must not overflow a float64. Radii past a
	// few hundred change nothing visible anyway.
	MaxEscape = 1e6
	// MaxCoordinate bounds the centre and the scale. The set lies within
	// |c| <= 2; the bound only keeps the plane's arithmetic far from overflow.
	MaxCoordinate = 1e6
	// MinScaleExponent bounds the scale below: 1e-10000 needs a reference
	// orbit of about 33,000 bits, whose multiplications cost tens of
	// microseconds each; deeper is a typo more often than a wish.
	MinScaleExponent = -10000
)

// ErrInvalidView is wrapped by every error that Validate returns.
var ErrInvalidView = errors.New("invalid view")

// Validate reports the first problem with v, or nil.
func (v View) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalidView, fmt.Sprintf(format, args...))
	}
	switch {
	case v.Width <= 0 || v.Height <= 0:
		return bad("size must be positive, got %dx%d", v.Width, v.Height)
	case v.Width > MaxSide || v.Height > MaxSide:
		return bad("size %dx%d exceeds the limit of %d per side", v.Width, v.Height, MaxSide)
	case v.MaxIter <= 0 || v.MaxIter > MaxMaxIter:
		return bad("maxiter must be in 1..%d, got %d", MaxMaxIter, v.MaxIter)
	case !finite(real(v.Center)) || !finite(imag(v.Center)) ||
		math.Abs(real(v.Center)) > MaxCoordinate || math.Abs(imag(v.Center)) > MaxCoordinate:
		return bad("center must be finite and within %g of 0, got %s", float64(MaxCoordinate), v.centreText())
	case !finite(v.Escape) || v.Escape < 0 || (v.Escape > 0 && v.Escape < 2) || v.Escape > MaxEscape:
		return bad("escape radius must be in 2..%g (or 0 for the default), got %v", float64(MaxEscape), v.Escape)
	case v.Mapping != Centres && v.Mapping != Corners:
		return bad("unknown mapping %d", v.Mapping)
	}
	if v.Exact.Scale.IsZero() {
		if !finite(v.Scale) || v.Scale <= 0 || v.Scale > MaxCoordinate {
			return bad("scale must be positive and at most %g, got %v", float64(MaxCoordinate), v.Scale)
		}
		return nil
	}
	d := v.Exact
	switch {
	case d.Scale.Sign() <= 0 || d.Scale.Float64() > MaxCoordinate:
		return bad("scale must be positive and at most %g, got %s", float64(MaxCoordinate), d.Scale)
	case d.Scale.Exponent()-1 < MinScaleExponent:
		return bad("scale must be at least 1e%d, got %s", MinScaleExponent, d.Scale)
	case v.Center != complex(d.Re.Float64(), d.Im.Float64()) || v.Scale != d.Scale.Float64():
		return bad("center %v and scale %v are not the nearest float64s of %s,%s and %s (set them with WithDecimals)", v.Center, v.Scale, d.Re, d.Im, d.Scale)
	}
	return nil
}

// CheckDirect reports whether float64 resolves v's pixels, as the direct
// kernels need: the rule is that neighbouring pixels must be at least 4
// float64 steps (ulps) apart at the view's largest coordinate, or the
// picture becomes a few flat blocks. Its error states the rule and the
// smallest scale the rule allows at this centre and width; deeper views
// are the perturbation path's (Method).
func (v View) CheckDirect() error {
	if ok, _, _ := v.directSpacing(v.Scale); ok {
		return nil
	}
	// The smallest scale: 4 ulps per pixel at the extent that scale gives;
	// a larger scale may reach the next binade, so iterate to a fixed point.
	s := v.Scale
	for range 8 {
		_, _, ulp := v.directSpacing(s)
		next := 4 * ulp * float64(v.Width)
		if next <= s {
			break
		}
		s = next
	}
	_, extent, ulp := v.directSpacing(v.Scale)
	deeper := "--method auto or perturb renders deeper"
	if v.Mapping == Corners {
		// Perturbation refuses this mapping (Method.Resolve): pointing
		// there sends the user to a second refusal.
		deeper = "the Benchmarks Game's mapping has no deeper method (perturbation maps centres only)"
	}
	return fmt.Errorf("%w: scale %s is too deep for float64 (--method direct): pixels must be at least 4 float64 steps apart, and near %.3g a step is %.3g, so at width %d the smallest scale is %.3g; %s",
		ErrInvalidView, v.Decimals().Scale, extent, ulp, v.Width, s, deeper)
}

// directSpacing reports whether pixels of a view at scale s are at least
// 4 ulps apart, with the extent of its coordinates and the ulp there.
func (v View) directSpacing(s float64) (ok bool, extent, ulp float64) {
	extent = math.Max(math.Abs(real(v.Center)), math.Abs(imag(v.Center))) + s*math.Max(1, float64(v.Height)/float64(v.Width))
	ulp = math.Nextafter(extent, math.Inf(1)) - extent
	return s/float64(v.Width) >= 4*ulp, extent, ulp
}

// CheckSupersampling reports whether v can be rendered with aa x aa samples
// per pixel.
func CheckSupersampling(v View, aa int) error {
	switch {
	case aa < 1 || aa > MaxSupersampling:
		return fmt.Errorf("supersampling must be in 1..%d, got %d", MaxSupersampling, aa)
	case v.Mapping == Corners && aa != 1:
		return fmt.Errorf("supersampling is not defined for the Benchmarks Game mapping")
	case v.Width*aa > MaxSide || v.Height*aa > MaxSide:
		return fmt.Errorf("%dx%d with %dx%d supersampling exceeds the limit of %d samples per side", v.Width, v.Height, aa, aa, MaxSide)
	}
	return nil
}

// MaxSupersampling is the largest number of samples per pixel along an axis.
const MaxSupersampling = 16

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// escape2 returns the squared escape radius the kernel compares |z|^2 with.
func (v View) escape2() float64 {
	r := v.Escape
	if r == 0 {
		r = DefaultEscape
	}
	return r * r
}

// Supersampled returns the view sampled n times more finely in each
// direction: the same rectangle of the plane on an (n*W) x (n*H) grid.
func (v View) Supersampled(n int) View {
	v.Width *= n
	v.Height *= n
	return v
}

// Plane returns the points of the plane that the pixel grid samples: xs[x]
// is the real part of every pixel in column x, ys[y] the imaginary part of
// every pixel in row y. They are computed once per view, so the kernel's hot
// loop never maps pixels.
func (v View) Plane() (xs, ys []float64) {
	xs = make([]float64, v.Width)
	ys = make([]float64, v.Height)
	s := v.Scale
	w, h := float64(v.Width), float64(v.Height)
	switch v.Mapping {
	case Corners:
		// A division stands between every multiply and add: nothing to fuse.
		sy := s * h / w
		xmin, ymin := real(v.Center)-s/2, imag(v.Center)-sy/2
		for x := range xs {
			xs[x] = s*float64(x)/w + xmin
		}
		for y := range ys {
			ys[y] = sy*float64(y)/h + ymin
		}
	default:
		// The conversions forbid fusing the multiply into the add (an FMA
		// under GOAMD64=v3 or on arm64), which would move pixel centres by an
		// ulp and change iteration counts: the mapping is part of the
		// determinism contract, like the kernel.
		d := s / w
		xmin, ymax := real(v.Center)-s/2, imag(v.Center)+h*d/2
		for x := range xs {
			xs[x] = xmin + float64((float64(x)+0.5)*d)
		}
		for y := range ys {
			ys[y] = ymax - float64((float64(y)+0.5)*d)
		}
	}
	return xs, ys
}

// Preset is a named view: a famous place, and a default size and iteration
// limit that show it well.
type Preset struct {
	Name        string
	Description string
	View        View
}

// presets lists the named views in the order --help shows them.
var presets = []Preset{
	{"full", "the whole set; at 4096x4096 it is the C yardstick's W1 workload",
		View{Width: 1024, Height: 1024, Center: -0.75, Scale: 3.5, MaxIter: 1000}},
	{"seahorse", "Seahorse Valley, between the main cardioid and the period-2 bulb",
		View{Width: 1024, Height: 1024, Center: complex(-0.75, 0.1), Scale: 0.1, MaxIter: 1000}},
	{"elephant", "Elephant Valley, on the right of the main cardioid",
		View{Width: 1024, Height: 1024, Center: complex(0.2925, 0.0165), Scale: 0.035, MaxIter: 1000}},
	{"spiral", "a deep zoom into a double spiral near Seahorse Valley (scale 1e-10)",
		View{Width: 1024, Height: 1024, Center: complex(-0.743643887037151, 0.131825904205330), Scale: 1e-10, MaxIter: 12000}},
	{"interior", "mostly inside the set: nearly every pixel costs maxiter",
		View{Width: 1024, Height: 1024, Center: complex(-0.3, 0), Scale: 1.1, MaxIter: 1000}},
	{"tophalf", "the whole set shifted so nearly all the work is in the upper rows (the yardstick's W5)",
		View{Width: 1024, Height: 1024, Center: complex(-0.75, -1.5), Scale: 3.5, MaxIter: 1000}},
	{"benchgame", "the Computer Language Benchmarks Game mapping: [-1.5-i, 0.5+i], 50 iterations, N=16000",
		View{Width: 16000, Height: 16000, Center: -0.5, Scale: 2, MaxIter: 50, Mapping: Corners}},
	// The deep presets are far below float64's resolution: they render by
	// perturbation (Method), their centres and scales exact decimals.
	{"dendrite", "c = i, the tip of a filament (a Misiurewicz point), at scale 1e-100 (perturbation): the same shape at every scale",
		deepView("0", "1", "1e-100", 1024, 1024, 10000)},
	// The nucleus of a period-66 minibrot 7e-25 from c = i (render/deep's
	// tests) is -5.2665278316273884958721809185947024054772085722785701901498359511e-25
	// + 0.99999999999999999999999956570121112277830657366399307209268555887564383949019384970914i;
	// the centre is 3e-50 to the right of it, inside the minibrot but not
	// its nucleus, so that the reference orbit neither escapes nor ends at
	// the period (as at a nucleus) and runs to maxiter: the serial part of
	// the render, as at most places a deep zoom stops.
	{"deep", "a period-66 minibrot at scale 2e-48 (perturbation), centred off its nucleus so that the reference orbit runs to maxiter: the serial part",
		deepView("-0.00000000000000000000000052665278316273884958721806185947024054772085722785701901498359511",
			"0.99999999999999999999999956570121112277830657366399307209268555887564383949019384970914", "2e-48", 1024, 576, 20000)},
}

// deepView is a view centred on re + im i of width scale, all exact
// decimals, for the presets deeper than float64. The strings are this
// file's constants, which TestPresets checks: one that does not parse is
// a mistake of the source, not of input.
func deepView(re, im, scale string, width, height, maxIter int) View {
	num := func(s string) decimal.Number {
		n, err := decimal.Parse(s)
		if err != nil {
			panic("render: preset: " + err.Error())
		}
		return n
	}
	return View{Width: width, Height: height, MaxIter: maxIter}.WithDecimals(num(re), num(im), num(scale))
}

// Presets returns the named views in a stable order.
func Presets() []Preset { return append([]Preset(nil), presets...) }

// PresetNames returns the names of the presets in a stable order.
func PresetNames() []string {
	names := make([]string, len(presets))
	for i, p := range presets {
		names[i] = p.Name
	}
	return names
}

// LookupPreset returns the preset called name. Its error lists the valid names.
func LookupPreset(name string) (Preset, error) {
	for _, p := range presets {
		if p.Name == name {
			return p, nil
		}
	}
	return Preset{}, fmt.Errorf("unknown view %q (valid: %s)", name, strings.Join(PresetNames(), ", "))
}
