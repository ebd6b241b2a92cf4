package report

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mandel-project/mandel/bench"
	"github.com/mandel-project/mandel/bench/model"
	"github.com/mandel-project/mandel/strategies"
)

// TestSimulateWritesModel checks that --simulate writes a prediction for
// every scene, strategy and simulated worker count (serial at one only),
// and a validation row for every measured configuration, with positive
// times and an error that is what its two times say.
func TestSimulateWritesModel(t *testing.T) {
	cfg := tinyConfig(t.TempDir())
	cfg.Simulate = []int{256, 1, 4}
	if _, err := runAndWrite(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, filepath.Join(cfg.Out, "model.csv"))
	// 2 scenes x (serial at 1, and bands, atomic, steal at 1, 4, 256).
	if got, want := len(rows)-1, 2*(1+3*3); got != want {
		t.Errorf("model.csv: %d rows, want %d", got, want)
	}
	for _, r := range rows[1:] {
		if r[1] == "serial" && r[3] != "1" {
			t.Errorf("model.csv: serial at %s workers", r[3])
		}
		if s, err := strconv.ParseFloat(r[4], 64); err != nil || s <= 0 {
			t.Errorf("model.csv: makespan %q in %v", r[4], r)
		}
	}
	ovh := readCSV(t, filepath.Join(cfg.Out, "overheads.csv"))
	// serial and the 3 strategies, each measured here and used by the model.
	if got, want := len(ovh)-1, 4; got != want {
		t.Errorf("overheads.csv: %d rows, want %d", got, want)
	}
	for _, r := range ovh[1:] {
		one, _ := strconv.ParseFloat(r[1], 64)
		used, _ := strconv.ParseFloat(r[3], 64)
		if one <= 0 || used != one || r[4] != "measured at 1 worker" {
			t.Errorf("overheads.csv: %v, want a positive figure at 1 worker that the model uses", r)
		}
	}
	md, err := os.ReadFile(filepath.Join(cfg.Out, "summary.md"))
	if err != nil {
		t.Fatal(err)
	}
	// The model's section: every measured configuration in the table by
	// workers (2 scenes x (serial, 3 strategies at 1 and 2)), and those at
	// 2 workers by grain.
	for _, want := range []string{"## The model (--simulate)", "predictions to 256 workers",
		"| workers | configurations |", "| all | 14 |", "From 2 workers, by grain", "| all | 6 |"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("summary.md lacks %q", want)
		}
	}
	prim := readCSV(t, filepath.Join(cfg.Out, "primitives.csv"))
	want := len(strategies.Primitives())
	if runtime.NumCPU() >= 2 {
		want++ // the idle core's wake-up
	}
	if got := len(prim) - 1; got != want {
		t.Errorf("primitives.csv: %d rows, want %d", got, want)
	}
	for _, chart := range []string{"speedup", "efficiency"} {
		t.Run(chart, func(t *testing.T) {
			svg, err := os.ReadFile(filepath.Join(cfg.Out, "charts", chart+"-tophalf.svg"))
			if err != nil {
				t.Fatal(err)
			}
			// One dashed model curve per strategy, said so in the legend
			// and the title, on an axis that reaches the 256 simulated.
			for _, want := range []string{"bands (model)", "atomic (model)", "steal (model)", "grain 1; dashed: model"} {
				if n := strings.Count(string(svg), want); n != 1 {
					t.Errorf("%q appears %d times, want once", want, n)
				}
			}
			if !strings.Contains(string(svg), ">256<") {
				t.Error("no tick at 256 workers")
			}
		})
	}
	val := readCSV(t, filepath.Join(cfg.Out, "model-validation.csv"))
	// 2 scenes x (serial, and 3 strategies at 1 and 2 workers).
	if got, want := len(val)-1, 2*(1+3*2); got != want {
		t.Errorf("model-validation.csv: %d rows, want %d", got, want)
	}
	for _, r := range val[1:] {
		measured, _ := strconv.ParseFloat(r[4], 64)
		predicted, _ := strconv.ParseFloat(r[5], 64)
		e, _ := strconv.ParseFloat(r[6], 64)
		if measured <= 0 || predicted <= 0 || math.Abs(e-(predicted/measured-1)) > 1e-4 {
			t.Errorf("model-validation.csv: %v", r)
		}
		mBusy, _ := strconv.ParseFloat(r[9], 64)
		pBusy, _ := strconv.ParseFloat(r[10], 64)
		be, _ := strconv.ParseFloat(r[11], 64)
		se, _ := strconv.ParseFloat(r[12], 64)
		// The CSV keeps 6 significant digits: on a loaded machine the
		// ratio can be 50, so the tolerance is relative.
		if mBusy <= 0 || pBusy <= 0 || math.Abs(be-(mBusy/pBusy-1)) > 1e-4*math.Max(1, math.Abs(be)) ||
			math.Abs(se-(predicted*mBusy/pBusy/measured-1)) > 1e-3 {
			t.Errorf("model-validation.csv: busy columns of %v", r)
		}
	}
}

// TestNoSimulateNoModel checks that a sweep without Simulate neither times
// rows nor writes the model's files.
func TestNoSimulateNoModel(t *testing.T) {
	cfg := tinyConfig(t.TempDir())
	if _, err := runAndWrite(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"model.csv", "model-validation.csv", "overheads.csv", "primitives.csv"} {
		if _, err := os.Stat(filepath.Join(cfg.Out, name)); !os.IsNotExist(err) {
			t.Errorf("%s: %v, want it absent", name, err)
		}
	}
	svg, err := os.ReadFile(filepath.Join(cfg.Out, "charts", "speedup-tophalf.svg"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(svg), "model") {
		t.Error("speedup chart mentions a model without --simulate")
	}
	if md, err := os.ReadFile(filepath.Join(cfg.Out, "summary.md")); err != nil || strings.Contains(string(md), "The model") {
		t.Errorf("summary.md without --simulate: %v, or it has a model section", err)
	}
}

// TestWritePrimitives checks primitives.csv on hand-made figures: ns, the
// model's use of the steal probes and of the wake-up, and no wake row when
// it was not measured.
func TestWritePrimitives(t *testing.T) {
	m := model.Machine{Primitives: []model.PrimitiveCost{{Name: "mutex", One: 12e-9, Two: 30e-9}, {Name: "steal-empty", One: 2e-9, Two: 2e-9}}, Wake: 90e-6}
	var b strings.Builder
	if err := writePrimitives(&b, m); err != nil {
		t.Fatal(err)
	}
	want := "primitive,ns_1,ns_2,used_by_model\n" +
		"mutex,12,30,\n" +
		"steal-empty,2,2,steal: each probe of an empty deque (ns_1)\n" +
		"wake-idle-core,,90000,every strategy: every worker but the first starts this late (ns_2)\n"
	if b.String() != want {
		t.Errorf("primitives.csv:\n%s\nwant\n%s", b.String(), want)
	}
	m.Wake = 0
	b.Reset()
	if err := writePrimitives(&b, m); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "wake") {
		t.Errorf("primitives.csv without a wake-up measured:\n%s", b.String())
	}
}

// TestPredictionsOneGrain checks that with several grains measured each
// strategy gets one model curve, at the smallest grain, over the simulated
// worker counts, with the model's own figures.
func TestPredictionsOneGrain(t *testing.T) {
	costs := []float64{8, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}
	r := &report{&bench.Result{
		Scenes:   []*bench.SceneResult{{Scene: bench.Scene{Name: "s"}, RowCosts: costs}},
		Simulate: []int{1, 3, 16},
	}}
	r.Env.Sweep.Grains = []int{16, 2, 4}
	lines := []series{{strategy: strategies.Atomic}, {strategy: strategies.Atomic}, {strategy: strategies.Steal}}
	pred, grain, err := r.predictions(speedupScaling, "s", lines)
	if err != nil {
		t.Fatal(err)
	}
	if grain != 2 || len(pred) != 2 {
		t.Fatalf("grain %d, %d curves; want grain 2 and 2 curves", grain, len(pred))
	}
	for _, p := range pred {
		t.Run(p.strategy.Name(), func(t *testing.T) {
			if len(p.xys) != len(r.Simulate) {
				t.Fatalf("%d points, want %d", len(p.xys), len(r.Simulate))
			}
			for i, w := range r.Simulate {
				res, err := model.Simulate(p.strategy, costs, model.Params{Workers: w, Grain: 2, Overhead: model.Overheads[p.strategy]})
				if err != nil {
					t.Fatal(err)
				}
				if p.xys[i].X != float64(w) || p.xys[i].Y != res.Speedup {
					t.Errorf("point %d: %v, want (%d, %g)", i, p.xys[i], w, res.Speedup)
				}
			}
		})
	}
	if pred, _, _ := (&report{&bench.Result{Scenes: r.Scenes, Env: r.Env}}).predictions(speedupScaling, "s", lines); pred != nil {
		t.Error("curves without --simulate")
	}
}

// TestSimulateWritesEmulated checks that a sweep simulating worker counts
// from 4 to 64 writes emulated.csv for those counts only, with errors that
// are what their two times say.
func TestSimulateWritesEmulated(t *testing.T) {
	cfg := tinyConfig(t.TempDir())
	cfg.Simulate = []int{1, 4, 128}
	if _, err := runAndWrite(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, filepath.Join(cfg.Out, "emulated.csv"))
	if !slices.Equal(rows[0], bench.EmulatedHeader) {
		t.Errorf("header %v, want %v", rows[0], bench.EmulatedHeader)
	}
	// 2 scenes x (bands, atomic, steal) at 4 workers, grain 1.
	if got, want := len(rows)-1, 2*3; got != want {
		t.Errorf("emulated.csv: %d rows, want %d", got, want)
	}
	for _, r := range rows[1:] {
		measured, _ := strconv.ParseFloat(r[4], 64)
		predicted, _ := strconv.ParseFloat(r[5], 64)
		e, _ := strconv.ParseFloat(r[6], 64)
		if r[3] != "4" || measured <= 0 || predicted <= 0 || math.Abs(e-(predicted/measured-1)) > 1e-4 {
			t.Errorf("emulated.csv: %v", r)
		}
		lo, _ := strconv.ParseFloat(r[9], 64)
		hi, _ := strconv.ParseFloat(r[10], 64)
		if r[8] != strconv.Itoa(model.EmulateReps) || lo <= 0 || lo > measured || hi < measured {
			t.Errorf("emulated.csv: %v: not the median of %d runs within their spread", r, model.EmulateReps)
		}
	}
	for _, sc := range cfg.Scenes {
		if fi, err := os.Stat(filepath.Join(cfg.Out, "charts", "emulated-"+sc+".png")); err != nil || fi.Size() == 0 {
			t.Errorf("chart of the emulation of %s: %v", sc, err)
		}
	}
}
