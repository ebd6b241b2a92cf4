package report

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/mandel-project/mandel/bench"
	"github.com/mandel-project/mandel/bench/model"
	"github.com/mandel-project/mandel/strategies"
)

// TestEmulatedGrain checks which grain the emulated chart shows: the
// smallest of the strategies that have one, 1 when none has.
func TestEmulatedGrain(t *testing.T) {
	for _, tc := range []struct {
		name string
		rs   []model.Emulated
		want int
	}{
		{"smallest of a grained strategy", []model.Emulated{{Point: model.Point{Strategy: strategies.Bands, Grain: 1}}, {Point: model.Point{Strategy: strategies.Steal, Grain: 16}}, {Point: model.Point{Strategy: strategies.Guided, Grain: 4}}}, 4},
		{"no grained strategy", []model.Emulated{{Point: model.Point{Strategy: strategies.Bands, Grain: 1}}, {Point: model.Point{Strategy: strategies.Rows, Grain: 1}}}, 1},
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
	var rs []model.Emulated
	for _, st := range []strategies.Strategy{strategies.Bands, strategies.Steal} {
		for _, g := range []int{4, 16} {
			for _, w := range []int{4, 8, 16} {
				rs = append(rs, model.Emulated{Point: model.Point{Scene: "full", Strategy: st, Grain: g, Workers: w,
					Measured: 1.1 / float64(w), Predicted: 1.05 / float64(w)}, Reps: 3, Min: 1 / float64(w), Max: 1.5 / float64(w), Serial: 1})
			}
		}
	}
	r := &report{&bench.Result{Dir: t.TempDir(), Scenes: []*bench.SceneResult{
		{Scene: bench.Scene{Name: "full"}, Emulated: rs},
		{Scene: bench.Scene{Name: "tophalf"}},
	}}}
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
