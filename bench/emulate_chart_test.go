package bench

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/mandel-project/mandel/strategies"
)

// TestEmulatedGrain checks which grain the emulated chart shows: the
// smallest of the strategies that have one, 1 when none has.
func TestEmulatedGrain(t *testing.T) {
	for _, tc := range []struct {
		name string
		rs   []emulated
		want int
	}{
		{"smallest of a grained strategy", []emulated{{modelPoint: modelPoint{strategy: strategies.Bands, grain: 1}}, {modelPoint: modelPoint{strategy: strategies.Steal, grain: 16}}, {modelPoint: modelPoint{strategy: strategies.Guided, grain: 4}}}, 4},
		{"no grained strategy", []emulated{{modelPoint: modelPoint{strategy: strategies.Bands, grain: 1}}, {modelPoint: modelPoint{strategy: strategies.Rows, grain: 1}}}, 1},
		{"none", nil, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := emulatedGrain(tc.rs); got != tc.want {
				t.Errorf("emulatedGrain = %d, want %d", got, tc.want)
			}
		})
	}
}

// TestEmulatedCharts draws the chart of hand-made emulations and checks
// that each emulated scene, and only such a scene, gets a PNG that decodes
// and an SVG.
func TestEmulatedCharts(t *testing.T) {
	var rs []emulated
	for _, st := range []strategies.Strategy{strategies.Bands, strategies.Steal} {
		for _, g := range []int{4, 16} {
			for _, w := range []int{4, 8, 16} {
				rs = append(rs, emulated{modelPoint: modelPoint{scene: "full", strategy: st, grain: g, workers: w,
					measured: 1.1 / float64(w), predicted: 1.05 / float64(w)}, reps: 3, min: 1 / float64(w), max: 1.5 / float64(w), serial: 1})
			}
		}
	}
	r := &Result{Dir: t.TempDir(), scenes: []*sceneRun{
		{Scene: Scene{Name: "full"}, emulated: rs},
		{Scene: Scene{Name: "tophalf"}},
	}}
	if errs := r.emulatedCharts(); len(errs) > 0 {
		t.Fatal(errs)
	}
	f, err := os.Open(filepath.Join(r.Dir, "charts", "emulated-full.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("emulated-full.png: %v", err)
	}
	if b := img.Bounds(); b.Dx() < 100 || b.Dy() < 100 {
		t.Errorf("emulated-full.png is %v", b)
	}
	if fi, err := os.Stat(filepath.Join(r.Dir, "charts", "emulated-full.svg")); err != nil || fi.Size() == 0 {
		t.Errorf("emulated-full.svg: %v", err)
	}
	if _, err := os.Stat(filepath.Join(r.Dir, "charts", "emulated-tophalf.png")); !os.IsNotExist(err) {
		t.Errorf("a chart for a scene without emulation: %v", err)
	}
}
