package render

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/mandel-project/mandel/internal/decimal"
)

func TestPlaneCentres(t *testing.T) {
	v := View{Width: 4, Height: 2, Center: complex(1, -1), Scale: 4, MaxIter: 1}
	xs, ys := v.Plane()
	wantX := []float64{-0.5, 0.5, 1.5, 2.5}
	wantY := []float64{-0.5, -1.5} // row 0 at the top
	for i := range wantX {
		if xs[i] != wantX[i] {
			t.Errorf("xs[%d] = %v, want %v", i, xs[i], wantX[i])
		}
	}
	for i := range wantY {
		if ys[i] != wantY[i] {
			t.Errorf("ys[%d] = %v, want %v", i, ys[i], wantY[i])
		}
	}
}

func TestPlaneCornersIsBenchmarksGame(t *testing.T) {
	p, err := LookupPreset("benchgame")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{1, 8, 16, 17, 200, 16000} {
		v := p.View
		v.Width, v.Height = n, n
		xs, ys := v.Plane()
		for x := range xs {
			if want := 2.0*float64(x)/float64(n) - 1.5; xs[x] != want {
				t.Fatalf("N=%d: Cr(%d) = %v, want %v", n, x, xs[x], want)
			}
		}
		for y := range ys {
			if want := 2.0*float64(y)/float64(n) - 1.0; ys[y] != want {
				t.Fatalf("N=%d: Ci(%d) = %v, want %v", n, y, ys[y], want)
			}
		}
	}
}

func TestValidate(t *testing.T) {
	good := View{Width: 10, Height: 10, Scale: 1, MaxIter: 10}
	if err := good.Validate(); err != nil {
		t.Fatalf("valid view: %v", err)
	}
	cases := map[string]func(v *View){
		"zero width":     func(v *View) { v.Width = 0 },
		"negative h":     func(v *View) { v.Height = -3 },
		"huge side":      func(v *View) { v.Width = MaxSide + 1 },
		"zero maxiter":   func(v *View) { v.MaxIter = 0 },
		"NaN centre":     func(v *View) { v.Center = complex(math.NaN(), 0) },
		"Inf centre":     func(v *View) { v.Center = complex(0, math.Inf(1)) },
		"zero scale":     func(v *View) { v.Scale = 0 },
		"NaN scale":      func(v *View) { v.Scale = math.NaN() },
		"small escape":   func(v *View) { v.Escape = 1.5 },
		"bad mapping":    func(v *View) { v.Mapping = 7 },
		"infinite scale": func(v *View) { v.Scale = math.Inf(1) },
		"huge escape":    func(v *View) { v.Escape = 1e200 },
		"huge scale":     func(v *View) { v.Scale = 1e308 },
		"far centre":     func(v *View) { v.Center = complex(1e308, 1e308) },
		"decimals off":   func(v *View) { *v = v.WithDecimals(dec("0.50000000000000000001"), dec("0"), dec("1")); v.Scale = 2 },
		"deep past 1e-10000": func(v *View) {
			*v = v.WithDecimals(dec("0"), dec("1"), dec("1e-10001"))
		},
	}
	for name, mutate := range cases {
		v := good
		mutate(&v)
		if err := v.Validate(); !errors.Is(err, ErrInvalidView) {
			t.Errorf("%s: Validate = %v, want ErrInvalidView", name, err)
		}
	}
}

// TestValidateCentreAsGiven: a centre past float64's range is named as
// the decimal it was given as, not as the +Inf it becomes.
func TestValidateCentreAsGiven(t *testing.T) {
	v := View{Width: 10, Height: 10, MaxIter: 10}.WithDecimals(dec("1e400"), dec("-0.5"), dec("1e-30"))
	err := v.Validate()
	if err == nil || !strings.HasSuffix(err.Error(), "got 1e+400,-0.5") {
		t.Errorf("Validate = %v, want it to end with the centre given, 1e+400,-0.5", err)
	}
	v = View{Width: 10, Height: 10, MaxIter: 10, Scale: 1, Center: complex(2e6, 1)}
	if err := v.Validate(); err == nil || !strings.HasSuffix(err.Error(), "got 2e+06,1") {
		t.Errorf("Validate = %v, want it to end with 2e+06,1", err)
	}
}

func TestPresets(t *testing.T) {
	for _, name := range []string{"full", "seahorse", "elephant", "spiral", "interior", "tophalf", "benchgame", "dendrite", "deep"} {
		p, err := LookupPreset(name)
		if err != nil {
			t.Errorf("preset %s: %v", name, err)
			continue
		}
		if err := p.View.Validate(); err != nil {
			t.Errorf("preset %s is invalid: %v", name, err)
		}
	}
	if p, _ := LookupPreset("spiral"); p.View.Scale > 1e-9 || p.View.MaxIter < 5000 {
		t.Errorf("spiral should be a deep zoom with many iterations, got scale %g maxiter %d", p.View.Scale, p.View.MaxIter)
	}
	// The deep presets are perturbation's, their decimals exact.
	for name, scale := range map[string]string{"dendrite": "1e-100", "deep": "2e-48"} {
		p, _ := LookupPreset(name)
		if m, err := MethodAuto.Resolve(p.View); m != MethodPerturb || err != nil {
			t.Errorf("preset %s: method %v (%v), want perturb", name, m, err)
		}
		if got := p.View.Decimals().Scale.String(); got != scale {
			t.Errorf("preset %s: scale %s, want %s", name, got, scale)
		}
	}
	_, err := LookupPreset("nowhere")
	if err == nil || !strings.Contains(err.Error(), "seahorse") {
		t.Errorf("unknown preset error should list the valid ones, got %v", err)
	}
}

func TestValidateAcceptsDeepButRepresentableZooms(t *testing.T) {
	p, _ := LookupPreset("spiral")
	v := p.View
	v.Scale = 1e-12 // about 1e-15 per pixel at |c| < 1: a few hundred ulps
	if err := v.Validate(); err != nil {
		t.Errorf("scale 1e-12 at the spiral: %v", err)
	}
}

func dec(s string) decimal.Number {
	n, err := decimal.Parse(s)
	if err != nil {
		panic(err)
	}
	return n
}

// TestCheckDirect: the direct path's limit states its rule and the
// smallest scale it allows, and that scale passes while a smaller one
// does not (issue 18, defect 14: the old message argued against itself).
func TestCheckDirect(t *testing.T) {
	for _, c := range []struct {
		name          string
		center, scale float64
		w             int
		want          string
	}{
		{"below ulp", 0.75, 1e-300, 1024, "invalid view: scale 1e-300 is too deep for float64 (--method direct): pixels must be at least 4 float64 steps apart, and near 0.75 a step is 1.11e-16, so at width 1024 the smallest scale is 4.55e-13; --method auto or perturb renders deeper"},
		{"2e-13", 0.75, 2e-13, 1024, "invalid view: scale 2e-13 is too deep for float64 (--method direct): pixels must be at least 4 float64 steps apart, and near 0.75 a step is 1.11e-16, so at width 1024 the smallest scale is 4.55e-13; --method auto or perturb renders deeper"},
		{"at the ulp", 1, 10 * 0x1p-52, 10, "near 1 a step is 2.22e-16, so at width 10 the smallest scale is 8.88e-15"},
	} {
		v := View{Width: c.w, Height: c.w, Center: complex(c.center, 0), Scale: c.scale, MaxIter: 10}
		if err := v.Validate(); err != nil {
			t.Errorf("%s: Validate: %v (deep views are the perturbation path's)", c.name, err)
		}
		err := v.CheckDirect()
		if err == nil || !errors.Is(err, ErrInvalidView) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: CheckDirect = %v\n want %q", c.name, err, c.want)
			continue
		}
		var smallest float64
		msg := err.Error()
		if _, serr := fmt.Sscanf(msg[strings.Index(msg, "smallest scale is ")+len("smallest scale is "):], "%g", &smallest); serr != nil {
			t.Fatalf("%s: %v", c.name, serr)
		}
		// The stated scale is rounded to 3 digits: a hair above it passes.
		ok := v
		ok.Scale = smallest * 1.01
		if err := ok.CheckDirect(); err != nil {
			t.Errorf("%s: the stated smallest scale %g is refused: %v", c.name, ok.Scale, err)
		}
	}
	p, _ := LookupPreset("spiral")
	if err := p.View.CheckDirect(); err != nil {
		t.Errorf("spiral preset: %v", err)
	}
	// The Benchmarks Game's mapping too deep: perturbation refuses it, so
	// the message must not send the user there.
	bg, _ := LookupPreset("benchgame")
	v := bg.View
	v.Width, v.Height, v.Scale = 16, 16, 1e-30
	_, err := MethodAuto.Resolve(v)
	if err == nil || strings.Contains(err.Error(), "perturb renders deeper") || !strings.Contains(err.Error(), "no deeper method") {
		t.Errorf("benchgame at 1e-30: Resolve = %v, want it to say there is no deeper method", err)
	}
	if _, perr := MethodPerturb.Resolve(v); perr == nil {
		t.Error("perturbation of the Benchmarks Game's mapping accepted")
	}
}

func TestCheckSupersampling(t *testing.T) {
	v := View{Width: 100, Height: 10, Scale: 1, MaxIter: 10}
	for _, aa := range []int{1, 16} {
		if err := CheckSupersampling(v, aa); err != nil {
			t.Errorf("aa %d: %v", aa, err)
		}
	}
	wide := v
	wide.Width = 70000
	bg := v
	bg.Mapping = Corners
	for name, bad := range map[string]struct {
		v  View
		aa int
	}{"zero": {v, 0}, "17": {v, 17}, "over the side limit": {wide, 16}, "benchgame": {bg, 2}} {
		if err := CheckSupersampling(bad.v, bad.aa); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestWithDecimals: a view keeps decimals only where float64 loses them,
// so shallow views are the same values as before, and deep ones keep every
// digit.
func TestWithDecimals(t *testing.T) {
	v := View{Width: 8, Height: 8, MaxIter: 10}
	shallow := v.WithDecimals(dec("-0.75"), dec("0.1000"), dec("3.5"))
	if shallow != (View{Width: 8, Height: 8, MaxIter: 10, Center: complex(-0.75, 0.1), Scale: 3.5}) {
		t.Errorf("shallow view: %+v", shallow)
	}
	deep := v.WithDecimals(dec("-1.7400000000000000000000000000001"), dec("0"), dec("1e-1000"))
	if deep.Exact.Scale.String() != "1e-1000" || deep.Scale != 0 || deep.Decimals().Re.String() != "-1.7400000000000000000000000000001" {
		t.Errorf("deep view: %+v", deep)
	}
	if err := deep.Validate(); err != nil {
		t.Errorf("deep view: %v", err)
	}
	if err := deep.CheckDirect(); err == nil {
		t.Error("a scale of 1e-1000 passes CheckDirect")
	}
	if m, err := MethodAuto.Resolve(deep); m != MethodPerturb || err != nil {
		t.Errorf("auto resolves 1e-1000 to %v, %v", m, err)
	}
	if m, err := MethodAuto.Resolve(shallow); m != MethodDirect || err != nil {
		t.Errorf("auto resolves 3.5 to %v, %v", m, err)
	}
}
