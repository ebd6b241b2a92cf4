package pipeline

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mandel-project/mandel/imageio"
	"github.com/mandel-project/mandel/internal/decimal"
	"github.com/mandel-project/mandel/render"
)

func dec(t *testing.T, s string) decimal.Number {
	t.Helper()
	d, err := decimal.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestCheck: a good job gives its method and the plan Plan gives; a bad
// one says which setting, with the reason's own words.
func TestCheck(t *testing.T) {
	shallow := preset(t, "full", 40, 30)
	deep := shallow.WithDecimals(dec(t, "-0.75"), dec(t, "0.1"), dec(t, "1e-20"))
	far := &render.ReferencePoint{Re: dec(t, "1e20"), Im: dec(t, "0")}

	j := job(t, shallow, 2, imageio.PNG)
	m, p, err := j.Check()
	want, werr := j.Plan()
	if err != nil || werr != nil || m != render.MethodDirect || p != want {
		t.Errorf("a good job: %v, %+v, %v; want direct and %+v", m, p, err, want)
	}
	if m, _, err := job(t, deep, 1, imageio.PNG).Check(); err != nil || m != render.MethodPerturb {
		t.Errorf("a deep view: %v, %v; want perturb", m, err)
	}
	// The direct kernels have no use for a reference point, however far.
	j = job(t, shallow, 1, imageio.PNG)
	j.Reference = far
	if _, _, err := j.Check(); err != nil {
		t.Errorf("a far reference of a direct render: %v", err)
	}
	// Without a format, only the view's settings: a GIF too wide passes.
	wide := shallow
	wide.Width = 70000
	j = job(t, wide, 1, "")
	if m, p, err := j.Check(); err != nil || m != render.MethodDirect || p != (Plan{}) {
		t.Errorf("no format: %v, %+v, %v; want direct, no plan", m, p, err)
	}

	direct := job(t, deep, 1, imageio.PNG)
	direct.Method = render.MethodDirect
	perturbFar := job(t, deep, 1, imageio.PNG)
	perturbFar.Reference = far
	small := job(t, preset(t, "full", 2000, 2000), 1, imageio.JPEG)
	small.Memory = 1 << 20
	_, resolveErr := render.MethodDirect.Resolve(deep)
	if resolveErr == nil {
		t.Fatal("the direct method resolves a view at 1e-20")
	}
	for _, c := range []struct {
		name    string
		j       Job
		setting Setting
		want    string
	}{
		{"aa", job(t, preset(t, "full", 70000, 10), 16, imageio.PNG), SettingAA, "exceeds the limit"},
		{"aa corners", job(t, preset(t, "benchgame", 16, 16), 2, imageio.PBM), SettingAA, "not defined for the Benchmarks Game mapping"},
		{"method", direct, SettingMethod, resolveErr.Error()},
		{"reference", perturbFar, SettingReference, "too far from the view's centre"},
		{"format", job(t, wide, 1, imageio.GIF), SettingFormat, "imageio: "},
		{"memory", small, SettingMemory, "2000x2000 with --aa 1"},
	} {
		_, _, err := c.j.Check()
		var ce *CheckError
		if !errors.As(err, &ce) || ce.Setting != c.setting || !strings.Contains(err.Error(), c.want) || err.Error() != ce.Err.Error() {
			t.Errorf("%s: %v, want a %s CheckError with %q", c.name, err, c.setting, c.want)
		}
	}
}

// TestCheckLeavesTheViewToTheRenderer: an invalid maxiter is no memory
// setting; Check leaves it to render.NewRenderer, whose error Run returns
// before writing.
func TestCheckLeavesTheViewToTheRenderer(t *testing.T) {
	j := job(t, preset(t, "full", 8, 6), 1, imageio.PNG)
	j.View.MaxIter = 0
	if _, _, err := j.Check(); err != nil {
		t.Errorf("Check: %v, want nil", err)
	}
	var buf bytes.Buffer
	if _, err := Run(context.Background(), &buf, j); !errors.Is(err, render.ErrInvalidView) || buf.Len() != 0 {
		t.Errorf("Run: %v after %d bytes, want render.ErrInvalidView before any", err, buf.Len())
	}
}
