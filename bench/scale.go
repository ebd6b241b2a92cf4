package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/mandel-project/mandel/internal/sysmem"
	"github.com/mandel-project/mandel/render"
)

// DefaultTargetTime is how long one serial render of each scene takes
// after scaling, by default: long enough that a run at 2 workers lasts
// 0.15 s, far above the timer's resolution and a worker's start-up, short
// enough that the default sweep of 212 configurations fits in half an hour
// on 2 cores.
const DefaultTargetTime = 300 * time.Millisecond

// MinParallelRun is the least a run at the largest worker count should
// last: the serial target is raised to workers x MinParallelRun where that
// is more, so that on 64 cores a run still measures rendering, not the
// start of 64 goroutines. It is also the floor below which a
// configuration's runs draw a warning.
const MinParallelRun = 10 * time.Millisecond

// scaleTolerance is how far from the target a scaled scene's serial time
// may be: a closer fit would cost more calibration renders than the
// difference is worth, and the time is noisy at that level anyway.
const scaleTolerance = 0.10

// maxScaleSteps bounds the renders that fit one scene.
const maxScaleSteps = 5

// sizeStep is what scaled sides are multiples of, so that a small change
// of the machine's speed between sweeps often leaves the size unchanged
// and their bench.txt comparable.
const sizeStep = 16

// serialTarget is the serial time each scene is scaled to: target, or
// maxWorkers x MinParallelRun when that is longer.
func serialTarget(target time.Duration, maxWorkers int) time.Duration {
	return max(target, time.Duration(maxWorkers)*MinParallelRun)
}

// fitSize scales v's width and height by one factor (keeping the aspect,
// sides multiples of sizeStep) until measure, the serial render time of a
// view in seconds, is within scaleTolerance of target seconds, or
// maxScaleSteps renders have been made, or the size stops changing. The
// render time is taken as proportional to the pixels, which holds for a
// fixed region sampled more finely; each step corrects by the time
// measured, so a scene whose cost per pixel changes with the size still
// converges. No size it tries has more than maxPixels pixels (0: no
// limit), so that it never renders what the sweep could not keep. It
// returns the view whose time was nearest the target (by ratio) of those
// it tried, and that time: on a busy machine the steps may not settle.
func fitSize(v render.View, target float64, maxPixels float64, measure func(render.View) (float64, error)) (render.View, float64, error) {
	t, err := measure(v)
	if err != nil {
		return v, 0, err
	}
	best, bestT := v, t
	miss := func(t float64) float64 { return math.Abs(math.Log(max(t, 1e-9) / target)) }
	aspect := float64(v.Height) / float64(v.Width)
	for step := 0; step < maxScaleSteps && math.Abs(t/target-1) > scaleTolerance; step++ {
		f := 16.0 // a render too short for the clock: grow fast
		if t > 0 {
			f = min(math.Sqrt(target/t), 16)
		}
		f = max(f, 1.0/16)
		w := roundSide(float64(v.Width) * f)
		h := roundSide(float64(w) * aspect)
		for maxPixels > 0 && float64(w)*float64(h) > maxPixels && w > sizeStep {
			w -= sizeStep
			h = roundSide(float64(w) * aspect)
		}
		w, h = min(w, render.MaxSide), min(h, render.MaxSide) // MaxSide is a multiple of sizeStep
		if w == v.Width && h == v.Height {
			break
		}
		v.Width, v.Height = w, h
		if t, err = measure(v); err != nil {
			return v, 0, err
		}
		if miss(t) < miss(bestT) {
			best, bestT = v, t
		}
	}
	return best, bestT, nil
}

// roundSide rounds x to the nearest multiple of sizeStep, at least
// sizeStep.
func roundSide(x float64) int {
	return max(sizeStep, sizeStep*int(math.Round(x/sizeStep)))
}

// scalesScenes reports whether the sweep sizes its scenes: with a target
// time and no size given.
func (c *Config) scalesScenes() bool {
	return c.TargetTime > 0 && c.Width == 0 && c.Height == 0 && c.SizeFactor <= 1
}

// scaleScenes sizes every scene for this machine (see Config.TargetTime)
// before the references are rendered, and records the sizes chosen.
func (s *sweep) scaleScenes(ctx context.Context) error {
	if !s.cfg.scalesScenes() {
		return nil
	}
	maxW := s.plan.workers[len(s.plan.workers)-1]
	target := serialTarget(s.cfg.TargetTime, maxW).Seconds()
	available := s.cfg.AvailableMemory
	if available == nil {
		available = sysmem.Available
	}
	// Each scene's frame (12 bytes a pixel) lives for the whole sweep, and
	// its pictures (4 bytes a pixel) are drawn one at a time: a scene may
	// grow to its share of the memory, with a margin for the rest.
	maxPixels := 0.5 * available() / (16 * float64(len(s.scenes)))
	for _, sr := range s.scenes {
		if _, fixed := s.cfg.SceneSizes[sr.Name]; fixed {
			continue
		}
		if err := ctx.Err(); err != nil {
			return s.interrupted(err)
		}
		s.progress.Phase("sizing " + sr.Name + " for a serial render of " + FormatSeconds(target))
		v, t, ref, err := fitScene(sr.View, target, maxPixels, s.serialTime)
		if err != nil {
			return fmt.Errorf("bench: sizing scene %s: %w", sr.Name, err)
		}
		sr.View = v
		sr.calibratedS, sr.calibratedRefS = t, ref
		if math.Abs(t/target-1) > scaleTolerance {
			why := "the memory allowed it no more, or the machine's speed changed while it was sized"
			if ref > 0 {
				why = fmt.Sprintf("its reference orbit alone takes %s, which no size changes; or the memory allowed it no more, or the machine's speed changed", FormatSeconds(ref))
			}
			s.warn("scene %s takes %s serial at %dx%d, not the %s it was sized for (%s)",
				sr.Name, FormatSeconds(t), v.Width, v.Height, FormatSeconds(target), why)
		}
	}
	s.sceneInfo()
	// The sizes grew past what Validate checked.
	var scenes []Scene
	for _, sr := range s.scenes {
		scenes = append(scenes, sr.Scene)
	}
	if err := sysmem.Check(memoryNeeded(scenes), available()); err != nil {
		return fmt.Errorf("bench: the scenes sized for a serial render of %s: the sweep %w; give a smaller --target-time or a --size", FormatSeconds(target), err)
	}
	return nil
}

// fitScene is fitSize for the sweep's scenes: measure returns a view's
// serial time and the reference orbit's part of it (0 for a view rendered
// directly), and fitScene returns the view chosen, its time and that
// part. A scene that perturbs has a serial prefix, its reference orbit,
// that no size changes (it depends on the centre, the depth and maxiter):
// its pixels are fitted to the target less the prefix, so that a whole
// run takes the target. Where the prefix leaves less than scaleTolerance
// of the target, the scene keeps its size, and its time says so.
func fitScene(v render.View, target, maxPixels float64, measure func(render.View) (total, ref float64, err error)) (render.View, float64, float64, error) {
	refs := map[[2]int]float64{}
	// The first measurement, which tells the prefix, is also the first
	// that fitSize asks for (the view as given).
	probe := -1.0
	pixels := func(v render.View) (float64, error) {
		if probe >= 0 {
			t := probe
			probe = -1
			return t, nil
		}
		t, ref, err := measure(v)
		refs[[2]int{v.Width, v.Height}] = ref
		return t - ref, err
	}
	t, err := pixels(v)
	if err != nil {
		return v, 0, 0, err
	}
	ref := refs[[2]int{v.Width, v.Height}]
	if target-ref < scaleTolerance*target {
		return v, t + ref, ref, nil
	}
	probe = t
	fit, t, err := fitSize(v, target-ref, maxPixels, pixels)
	ref = refs[[2]int{fit.Width, fit.Height}]
	return fit, t + ref, ref, err
}

// serialTime renders v on one worker, as serial's runs do, three times,
// and returns the shortest time, the machine's speed with a preemption or
// two and a cold cache left out, and for a view that perturbs the
// reference orbit's part of it: each of the three renders computes its
// reference orbit, as each of the sweep's runs does.
func (s *sweep) serialTime(v render.View) (total, ref float64, err error) {
	m, err := render.MethodAuto.Resolve(v)
	perturbs := err == nil && m == render.MethodPerturb
	var r *render.Renderer
	if !perturbs {
		if r, err = s.newRenderer(v); err != nil {
			return 0, 0, err
		}
	}
	runtime.GOMAXPROCS(1)
	total = math.Inf(1)
	for range 3 {
		if perturbs {
			r = nil // collected below, before the next is made
		}
		runtime.GC()
		t0 := time.Now()
		var pre float64
		if perturbs {
			if r, err = s.newRenderer(v); err != nil {
				return 0, 0, err
			}
			pre = time.Since(t0).Seconds()
		}
		r.RenderUnits(0, r.Units())
		if t := time.Since(t0).Seconds(); t < total {
			total, ref = t, pre
		}
	}
	return total, ref, nil
}

// ReadSceneSizes returns the size of every scene an earlier sweep measured,
// from its env.json (path is the file or its results directory), for
// Config.SceneSizes.
func ReadSceneSizes(path string) (map[string][2]int, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		path = filepath.Join(path, "env.json")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("bench: scene sizes: %w", err)
	}
	var env Env
	if err := json.Unmarshal(b, &env); err != nil {
		return nil, fmt.Errorf("bench: scene sizes: %s is not a sweep's env.json: %w", path, err)
	}
	if len(env.Sweep.Scenes) == 0 {
		return nil, fmt.Errorf("bench: scene sizes: %s names no scenes", path)
	}
	sizes := map[string][2]int{}
	for _, sc := range env.Sweep.Scenes {
		sizes[sc.Name] = [2]int{sc.Width, sc.Height}
	}
	return sizes, nil
}
