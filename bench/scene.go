package bench

import (
	"fmt"
	"sort"
	"strings"

	"github.com/mandel-project/mandel/render"
)

// Scene is a render preset at a size and iteration limit chosen for
// benchmarking. Its own size (10 to 20 ms serial on a current core with
// the AVX2 kernel) is where a sweep starts when it sizes the scene for
// the machine (Config.TargetTime), and what --size-factor multiplies.
type Scene struct {
	// Name is the preset's name, e.g. "full".
	Name string
	// Description is the preset's.
	Description string
	// View is the preset's view with the benchmark's size and maxiter.
	View render.View
	// Default reports whether the scene is in the default sweep.
	Default bool
}

// sceneSizes gives each benchmark scene its size and maxiter. The cost per
// pixel differs by orders of magnitude between presets, so they cannot share
// one size: interior costs maxiter nearly everywhere.
var sceneSizes = []struct {
	name          string
	width, height int
	maxIter       int
	def           bool
}{
	{"full", 512, 512, 1000, true},     // ~33M iterations, half of them in each half of the rows
	{"seahorse", 256, 256, 1000, true}, // ~48M; dense, 41% of the work in the top half
	{"interior", 256, 256, 1000, true}, // ~57M; nearly uniform cost, the easy case
	{"tophalf", 768, 768, 1000, true},  // ~56M; 99% of the work in the top half (the yardstick's W5)
	{"elephant", 384, 384, 1000, false},
	{"spiral", 192, 192, 12000, false},
	// deep renders by perturbation: every run computes the reference orbit
	// (35 ms at maxiter 20000 on the development VM) on one core before
	// any row, the serial part Amdahl's law speaks of, which the sweep
	// times apart (Sample.Reference). Sizing the scene changes the pixels'
	// work, not the reference's, which depends on the centre, the depth
	// and maxiter: so the scene's own size is its reference and ~60 ms of
	// pixels, and a larger target time makes the reference a smaller
	// share. Not in the default sweep, which it would make a quarter
	// longer than its documented time: --scenes deep.
	{"deep", 256, 144, 20000, false},
}

// Scenes returns every benchmark scene, default ones first, in a stable order.
func Scenes() []Scene {
	var out []Scene
	for _, s := range sceneSizes {
		p, err := render.LookupPreset(s.name)
		if err != nil {
			continue // a preset that was renamed; the test of Scenes catches it
		}
		v := p.View
		v.Width, v.Height, v.MaxIter = s.width, s.height, s.maxIter
		out = append(out, Scene{Name: p.Name, Description: p.Description, View: v, Default: s.def})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Default && !out[j].Default })
	return out
}

// sceneNames returns the names of Scenes in order.
func sceneNames() []string {
	var names []string
	for _, s := range Scenes() {
		names = append(names, s.Name)
	}
	return names
}

// defaultScenes returns the names of the scenes a sweep uses when none are
// given.
func defaultScenes() []string {
	var names []string
	for _, s := range Scenes() {
		if s.Default {
			names = append(names, s.Name)
		}
	}
	return names
}

// lookupScene returns the scene called name. Its error lists the valid names.
func lookupScene(name string) (Scene, error) {
	for _, s := range Scenes() {
		if s.Name == name {
			return s, nil
		}
	}
	return Scene{}, fmt.Errorf("unknown scene %q (valid: %s)", name, strings.Join(sceneNames(), ", "))
}
