package render_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/mandel-project/mandel/internal/decimal"
	"github.com/mandel-project/mandel/render"
)

func mustDecimal(t testing.TB, s string) decimal.Number {
	t.Helper()
	n, err := decimal.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// renderFrame renders v whole with opts and returns its frame's bytes.
func renderFrame(t *testing.T, v render.View, aa int, opts render.Options) []byte {
	t.Helper()
	opts.Method = render.MethodPerturb
	r, err := render.NewRenderer(v, aa, opts)
	if err != nil {
		t.Fatal(err)
	}
	r.RenderUnits(0, v.Height)
	return frameBytes(r.Frame())
}

// TestReferenceAtCentre: the view's own centre as the reference point, at
// the view's scale, is the orbit a render without --reference computes,
// so the frame is the same bytes.
func TestReferenceAtCentre(t *testing.T) {
	v := deepView(t, "-0.743643887037151", "0.131825904205330", "1e-20", 24, 10, 3000)
	d := v.Decimals()
	want := renderFrame(t, v, 1, render.Options{})
	got := renderFrame(t, v, 1, render.Options{Reference: &render.ReferencePoint{Re: d.Re, Im: d.Im}})
	if !bytes.Equal(got, want) {
		t.Error("the view's centre as --reference changed the frame")
	}
}

// TestReferenceOffCentre: a reference point off the view's centre (here
// at its corner, and outside it) gives nearly every sample the count of
// the render around the centre; a wrong sign or scale of the offset
// would move the picture by a whole view.
func TestReferenceOffCentre(t *testing.T) {
	v := deepView(t, "0", "1", "1e-30", 24, 16, 3000)
	want := renderFrame(t, v, 1, render.Options{})
	wantIter := iterOf(t, v, render.Options{})
	for _, ref := range [][2]string{{"1.2e-30", "1.0000000000000000000000000000008"}, {"-3e-30", "0.999999999999999999999999999997"}} {
		opts := render.Options{Reference: &render.ReferencePoint{Re: mustDecimal(t, ref[0]), Im: mustDecimal(t, ref[1])}}
		got := iterOf(t, v, opts)
		same := 0
		for i := range got {
			if got[i] == wantIter[i] {
				same++
			}
		}
		if frac := float64(same) / float64(len(got)); frac < 0.99 {
			t.Errorf("reference %s,%s: %.1f%% of the samples as around the centre, want >= 99%%", ref[0], ref[1], 100*frac)
		}
		if bytes.Equal(renderFrame(t, v, 1, opts), want) {
			t.Logf("reference %s,%s: the same bytes as around the centre", ref[0], ref[1])
		}
	}
}

func iterOf(t *testing.T, v render.View, opts render.Options) []uint32 {
	t.Helper()
	opts.Method = render.MethodPerturb
	r, err := render.NewRenderer(v, 1, opts)
	if err != nil {
		t.Fatal(err)
	}
	r.RenderUnits(0, v.Height)
	return r.Frame().Iter
}

// TestSharedOrbit is what mandel zoom relies on: a frame rendered with an
// orbit computed once for a deeper view is the same frame as a render
// that computes the orbit of the same ReferencePoint itself; and an orbit
// that cannot serve a view is refused, not used.
func TestSharedOrbit(t *testing.T) {
	deepest := deepView(t, "0", "1", "1e-40", 16, 8, 2000)
	point := render.ReferencePoint{Re: mustDecimal(t, "0"), Im: mustDecimal(t, "1"), Scale: mustDecimal(t, "1e-40")}
	orbit, err := render.NewOrbit(context.Background(), deepest, 2, point)
	if err != nil {
		t.Fatal(err)
	}
	for _, scale := range []string{"1e-40", "3.5e-22", "1e-10"} {
		v := deepView(t, "0", "1", scale, 16, 8, 2000)
		shared := renderFrame(t, v, 2, render.Options{Orbit: orbit})
		own := renderFrame(t, v, 2, render.Options{Reference: &point})
		if !bytes.Equal(shared, own) {
			t.Errorf("scale %s: the shared orbit's frame differs from the render with the same reference point", scale)
		}
	}
	for _, c := range []struct {
		v    render.View
		aa   int
		want string
	}{
		{deepView(t, "0", "1", "1e-50", 16, 8, 2000), 2, "too coarse"},
		{deepView(t, "0", "1", "1e-30", 16, 8, 1000), 2, "maxiter"},
		{deepView(t, "0", "1", "1e-30", 16, 8, 2000), 1, "samples"},
	} {
		_, err := render.NewRenderer(c.v, c.aa, render.Options{Method: render.MethodPerturb, Orbit: orbit})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v at %v aa %d: got %v, want an error with %q", c.v.Center, c.v.Scale, c.aa, err, c.want)
		}
	}
}
