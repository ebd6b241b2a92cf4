package bench

import (
	"context"
	"errors"
	"maps"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mandel-project/mandel/render"
)

func TestSerialTarget(t *testing.T) {
	for _, c := range []struct {
		target  time.Duration
		workers int
		want    time.Duration
	}{
		{300 * time.Millisecond, 2, 300 * time.Millisecond},
		{300 * time.Millisecond, 64, 640 * time.Millisecond}, // 10 ms a run at 64 workers
		{20 * time.Millisecond, 1, 20 * time.Millisecond},
	} {
		if got := serialTarget(c.target, c.workers); got != c.want {
			t.Errorf("serialTarget(%v, %d) = %v, want %v", c.target, c.workers, got, c.want)
		}
	}
}

// fakeCost is a render time that is not quite proportional to the pixels,
// as a real scene's is not: finer sampling finds more of the boundary.
func fakeCost(perPixel float64) func(v render.View) (float64, error) {
	return func(v render.View) (float64, error) {
		return perPixel * math.Pow(float64(v.Width)*float64(v.Height), 1.1), nil
	}
}

func TestFitSize(t *testing.T) {
	p, err := render.LookupPreset("full")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name          string
		width, height int
		perPixel      float64
		target        float64
	}{
		{"grow 30x", 512, 512, 10e-3 / math.Pow(512*512, 1.1), 0.3},
		{"shrink", 512, 512, 1.0 / math.Pow(512*512, 1.1), 0.3},
		{"not square", 640, 360, 5e-3 / math.Pow(640*360, 1.1), 0.64},
		{"already there", 256, 256, 0.3 / math.Pow(256*256, 1.1), 0.3},
	} {
		v := p.View
		v.Width, v.Height = c.width, c.height
		calls := 0
		cost := fakeCost(c.perPixel)
		measure := func(v render.View) (float64, error) {
			calls++
			return cost(v)
		}
		got, secs, err := fitSize(v, c.target, 0, measure)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if want, _ := cost(got); secs != want {
			t.Errorf("%s: returned %v s, but the size chosen costs %v", c.name, secs, want)
		}
		if math.Abs(secs/c.target-1) > scaleTolerance {
			t.Errorf("%s: %dx%d takes %.3g s, not within %.0f%% of %.3g s", c.name, got.Width, got.Height, secs, 100*scaleTolerance, c.target)
		}
		if got.Width%sizeStep != 0 || got.Height%sizeStep != 0 {
			t.Errorf("%s: %dx%d is not a multiple of %d", c.name, got.Width, got.Height, sizeStep)
		}
		if a, b := float64(got.Height)/float64(got.Width), float64(c.height)/float64(c.width); math.Abs(a/b-1) > 0.05 {
			t.Errorf("%s: aspect %.3f, want %.3f", c.name, a, b)
		}
		if calls > 1+maxScaleSteps {
			t.Errorf("%s: %d renders", c.name, calls)
		}
		if c.name == "already there" && (calls != 1 || got.Width != 256) {
			t.Errorf("%s: %d renders to %dx%d; a scene already at its target needs one and no change", c.name, calls, got.Width, got.Height)
		}
		// The same costs give the same size: a sweep's size is reproducible
		// where the machine's speed is.
		again, _, _ := fitSize(v, c.target, 0, cost)
		if again.Width != got.Width || again.Height != got.Height {
			t.Errorf("%s: %dx%d, then %dx%d", c.name, got.Width, got.Height, again.Width, again.Height)
		}
	}
}

func TestFitSizeLimits(t *testing.T) {
	p, _ := render.LookupPreset("full")
	v := p.View
	v.Width, v.Height = 64, 64
	// Renders far too fast for the target: the size grows by the largest
	// step each time, never past the pixels allowed, and stops after
	// maxScaleSteps.
	calls, largest := 0, 0
	fast := func(v render.View) (float64, error) {
		calls++
		largest = max(largest, v.Width*v.Height)
		return 1e-15 * float64(v.Width) * float64(v.Height), nil
	}
	got, _, err := fitSize(v, 0.3, 4096*4096, fast)
	if err != nil || calls > 1+maxScaleSteps || largest > 4096*4096 || got.Width != 4096 {
		t.Errorf("fast: %dx%d after %d renders, the largest %d pixels (%v)", got.Width, got.Height, calls, largest, err)
	}
	calls = 0
	if got, _, _ = fitSize(v, 0.3, 0, fast); calls > 1+maxScaleSteps || got.Width != render.MaxSide {
		t.Errorf("fast, no limit: %dx%d after %d renders", got.Width, got.Height, calls)
	}
	// Too slow even at the smallest size: it stops there.
	slow := func(v render.View) (float64, error) { return float64(v.Width) * float64(v.Height), nil }
	got, _, err = fitSize(v, 0.3, 0, slow)
	if err != nil || got.Width != sizeStep || got.Height != sizeStep {
		t.Errorf("very slow: %dx%d (%v), want %dx%d", got.Width, got.Height, err, sizeStep, sizeStep)
	}
	boom := errors.New("no memory")
	if _, _, err := fitSize(v, 0.3, 0, func(render.View) (float64, error) { return 0, boom }); !errors.Is(err, boom) {
		t.Errorf("error %v, want %v", err, boom)
	}
}

// On a busy machine the times jump about: the size returned is the one
// that came nearest the target, not the last one tried.
func TestFitSizeKeepsTheNearest(t *testing.T) {
	p, _ := render.LookupPreset("full")
	v := p.View
	v.Width, v.Height = 512, 512
	times := []float64{0.01, 0.29, 0.05, 1.0, 0.02, 0.9} // 512, then 5 steps
	var sizes []int
	measure := func(v render.View) (float64, error) {
		sizes = append(sizes, v.Width)
		t := times[0]
		times = times[1:]
		return t, nil
	}
	got, secs, err := fitSize(v, 0.3, 0, measure)
	if err != nil || secs != 0.29 || got.Width != sizes[1] {
		t.Errorf("got %dx%d at %v s (%v) after trying %v; want the second size, at 0.29 s", got.Width, got.Height, secs, err, sizes)
	}
}

func TestReadSceneSizes(t *testing.T) {
	dir := t.TempDir()
	env := Env{Sweep: SweepInfo{Scenes: []SceneInfo{{Name: "full", Width: 2816, Height: 2816}, {Name: "tophalf", Width: 3168, Height: 3152}}}}
	if err := WriteJSON(filepath.Join(dir, "env.json"), &env); err != nil {
		t.Fatal(err)
	}
	want := map[string][2]int{"full": {2816, 2816}, "tophalf": {3168, 3152}}
	for _, path := range []string{dir, filepath.Join(dir, "env.json")} {
		if got, err := ReadSceneSizes(path); err != nil || !maps.Equal(got, want) {
			t.Errorf("ReadSceneSizes(%s) = %v, %v; want %v", path, got, err, want)
		}
	}
	os.WriteFile(filepath.Join(dir, "bad.json"), []byte("not json"), 0o644)
	os.WriteFile(filepath.Join(dir, "empty.json"), []byte(`{"sweep": {}}`), 0o644)
	for path, msg := range map[string]string{
		filepath.Join(dir, "missing"):    "no such file",
		filepath.Join(dir, "bad.json"):   "is not a sweep's env.json",
		filepath.Join(dir, "empty.json"): "names no scenes",
	} {
		if _, err := ReadSceneSizes(path); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("ReadSceneSizes(%s): error %v, want %q", path, err, msg)
		}
	}
}

// Scenes with a size from an earlier sweep keep it; the others are sized.
func TestSweepSceneSizes(t *testing.T) {
	cfg := tinyConfig(filepath.Join(t.TempDir(), "res"))
	cfg.Width, cfg.Height = 0, 0
	cfg.TargetTime = 5 * time.Millisecond
	cfg.Reps, cfg.Warmup = 1, 0
	cfg.SceneSizes = map[string][2]int{"full": {48, 32}, "spiral": {64, 64}} // spiral is not in the sweep
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range res.Env.Sweep.Scenes {
		switch sc.Name {
		case "full":
			if sc.Width != 48 || sc.Height != 32 || sc.SerialS != 0 {
				t.Errorf("full: %+v, want 48x32 as given, not sized", sc)
			}
		case "tophalf":
			if sc.SerialS <= 0 || sc.BaseWidth != 768 {
				t.Errorf("tophalf: %+v, want it sized from 768x768", sc)
			}
		}
	}
	cfg.Width, cfg.Height = 64, 64
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "cannot be combined") {
		t.Errorf("scene sizes and a size: %v", err)
	}
	cfg.Width, cfg.Height = 0, 0
	cfg.SceneSizes = map[string][2]int{"full": {0, 32}}
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "scene full") {
		t.Errorf("a size of 0x32: %v", err)
	}
}

// TestFitSceneWithPrefix: a scene whose every render starts with a serial
// prefix that no size changes (a reference orbit of 0.1 s) gets the pixels
// that fill the rest of the target, and its time says the prefix; a
// prefix longer than the target leaves the scene at its own size; no
// prefix is fitSize's fit.
func TestFitSceneWithPrefix(t *testing.T) {
	p, _ := render.LookupPreset("deep")
	base := p.View
	base.Width, base.Height = 256, 144
	perPixel := 0.05 / (256 * 144) // 50 ms of pixels at the scene's own size
	for _, c := range []struct {
		name    string
		prefix  float64
		wantFit bool
	}{{"prefix 0.1 s", 0.1, true}, {"no prefix", 0, true}, {"prefix past the target", 0.35, false}} {
		calls := 0
		measure := func(v render.View) (float64, float64, error) {
			if calls++; calls == 2 && v.Width == base.Width {
				t.Errorf("%s: the view as given was measured twice", c.name)
			}
			return c.prefix + perPixel*float64(v.Width*v.Height), c.prefix, nil
		}
		got, secs, ref, err := fitScene(base, 0.3, 0, measure)
		if err != nil || ref != c.prefix {
			t.Errorf("%s: reference %v (%v), want %v", c.name, ref, err, c.prefix)
		}
		if !c.wantFit {
			if got.Width != base.Width || got.Height != base.Height || secs != c.prefix+0.05 {
				t.Errorf("%s: %dx%d at %v s, want the scene's own size at %v s", c.name, got.Width, got.Height, secs, c.prefix+0.05)
			}
			continue
		}
		if math.Abs(secs/0.3-1) > scaleTolerance {
			t.Errorf("%s: %dx%d at %v s, want within %.0f%% of 0.3 s", c.name, got.Width, got.Height, secs, 100*scaleTolerance)
		}
		if want := (0.3 - c.prefix) / 0.05; math.Abs(float64(got.Width*got.Height)/(256*144)/want-1) > 2*scaleTolerance {
			t.Errorf("%s: %dx%d, %.2f times the pixels, want about %.2f", c.name, got.Width, got.Height, float64(got.Width*got.Height)/(256*144), want)
		}
	}
}
