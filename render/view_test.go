package render

import (
	"errors"
	"math"
	"strings"
	"testing"
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
		"below ulp":      func(v *View) { v.Center = 0.75; v.Scale = 1e-300 },
		"at the ulp":     func(v *View) { v.Center = 1; v.Scale = 10 * 0x1p-52 },
	}
	for name, mutate := range cases {
		v := good
		mutate(&v)
		if err := v.Validate(); !errors.Is(err, ErrInvalidView) {
			t.Errorf("%s: Validate = %v, want ErrInvalidView", name, err)
		}
	}
}

func TestPresets(t *testing.T) {
	for _, name := range []string{"full", "seahorse", "elephant", "spiral", "interior", "tophalf", "benchgame"} {
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
