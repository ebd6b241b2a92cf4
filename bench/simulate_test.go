package bench

import (
	"context"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

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
		if mBusy <= 0 || pBusy <= 0 || math.Abs(be-(mBusy/pBusy-1)) > 1e-4 ||
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

// TestMeasureOverheads checks that every strategy's measured claim cost, at
// one worker and at two, is positive and plausible: under 100 us, where the
// slowest claim (a goroutine per row) costs about 1 us. A figure of zero or
// of milliseconds means the claims were miscounted.
func TestMeasureOverheads(t *testing.T) {
	got, err := measureOverheads(context.Background(), strategies.All(), 1<<12, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(strategies.All()) {
		t.Fatalf("%d strategies measured, want %d", len(got), len(strategies.All()))
	}
	for _, c := range got {
		t.Run(c.strategy.Name(), func(t *testing.T) {
			for _, x := range []float64{c.one, c.two} {
				if !(x > 0 && x < 100e-6) {
					t.Errorf("%g s per claim at 1 and %g at 2 workers, want both in (0, 100 us)", c.one, c.two)
				}
			}
		})
	}
}

// TestModelOverheads checks that measured claim costs replace the
// constants, that guided takes atomic's, that steal's probes take the
// measured primitives, and that what was not measured (a strategy, the
// Shared flag) keeps the constant.
func TestModelOverheads(t *testing.T) {
	m := machineCosts{
		claims:     []claimCost{{strategies.Atomic, 7e-9, 9e-9}, {strategies.Steal, 11e-9, 13e-9}, {strategies.Guided, 1e-3, 1e-3}},
		primitives: []primitiveCost{{"steal-empty", 3e-9, 4e-9}, {"steal-success", 5e-9, 6e-9}, {"mutex", 1, 1}},
		wake:       2e-6,
	}
	got := m.overheads()
	want := maps.Clone(model.Overheads)
	want[strategies.Atomic] = model.Overhead{Claim: 7e-9, Shared: true}
	want[strategies.Guided] = model.Overhead{Claim: 7e-9, Shared: true}
	want[strategies.Steal] = model.Overhead{Claim: 11e-9, StealEmpty: 3e-9, StealSuccess: 5e-9}
	for st, w := range want {
		if got[st] != w {
			t.Errorf("%s: %+v, want %+v", st.Name(), got[st], w)
		}
	}
	if p := m.params(strategies.Steal, 4, 2); p != (model.Params{Workers: 4, Grain: 2, Overhead: want[strategies.Steal], Wake: 2e-6}) {
		t.Errorf("params: %+v", p)
	}
	for st, src := range map[strategies.Strategy]string{
		strategies.Atomic: "measured at 1 worker",
		strategies.Guided: "atomic's, measured at 1 worker",
		strategies.Mutex:  "constant (model.Overheads)",
	} {
		if got := m.overheadSource(st); got != src {
			t.Errorf("%s: source %q, want %q", st.Name(), got, src)
		}
	}
}

// TestMeasurePrimitives checks that every primitive of package strategies
// is timed at GOMAXPROCS 1 and 2 with a plausible figure: positive and under
// 100 us (the slowest, a goroutine start and park, takes about 0.5 us).
func TestMeasurePrimitives(t *testing.T) {
	got := measurePrimitives(time.Millisecond, 3)
	if len(got) != len(strategies.Primitives()) {
		t.Fatalf("%d primitives timed, want %d", len(got), len(strategies.Primitives()))
	}
	for i, p := range strategies.Primitives() {
		c := got[i]
		if c.name != p.Name || !(c.one > 0 && c.one < 100e-6) || !(c.two > 0 && c.two < 100e-6) {
			t.Errorf("%+v for %s: want its name and times in (0, 100 us)", c, p.Name)
		}
	}
}

// TestWakeDelays checks that the wake-ups are as many as asked, each
// positive and below a second (a delay of seconds means the goroutine ran
// only when the spinning one was preempted), and none with one CPU.
func TestWakeDelays(t *testing.T) {
	got := wakeDelays(100*time.Microsecond, 3)
	if runtime.NumCPU() < 2 {
		if got != nil {
			t.Errorf("one CPU: wake-ups %v, want none", got)
		}
		return
	}
	if len(got) != 3 {
		t.Fatalf("%d wake-ups, want 3", len(got))
	}
	for _, d := range got {
		if !(d > 0 && d < 1) {
			t.Errorf("wake-up %g s, want in (0, 1)", d)
		}
	}
}

// TestWritePrimitives checks primitives.csv on hand-made figures: ns, the
// model's use of the steal probes and of the wake-up, and no wake row when
// it was not measured.
func TestWritePrimitives(t *testing.T) {
	m := machineCosts{primitives: []primitiveCost{{"mutex", 12e-9, 30e-9}, {"steal-empty", 2e-9, 2e-9}}, wake: 90e-6}
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
	m.wake = 0
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
	r := &Result{
		scenes:   []*sceneRun{{Scene: Scene{Name: "s"}, rowCosts: costs}},
		simulate: []int{1, 3, 16},
	}
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
			if len(p.xys) != len(r.simulate) {
				t.Fatalf("%d points, want %d", len(p.xys), len(r.simulate))
			}
			for i, w := range r.simulate {
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
	if pred, _, _ := (&Result{scenes: r.scenes, Env: r.Env}).predictions(speedupScaling, "s", lines); pred != nil {
		t.Error("curves without --simulate")
	}
}

// TestRowPasses checks that the rows are timed at least minRowPasses
// times, spread evenly over the timed rounds, and only with --simulate.
func TestRowPasses(t *testing.T) {
	for _, tc := range []struct {
		reps     int
		simulate []int
		want     int
	}{
		{5, []int{1, 2}, 5}, {2, []int{1}, 6}, {1, []int{1}, 5}, {3, nil, 0},
	} {
		t.Run(fmt.Sprintf("reps=%d,simulate=%v", tc.reps, tc.simulate), func(t *testing.T) {
			cfg := tinyConfig(t.TempDir())
			cfg.Reps, cfg.Simulate = tc.reps, tc.simulate
			r, err := Run(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if got := r.Env.Sweep.RowPasses; got != tc.want {
				t.Errorf("%d row passes, want %d", got, tc.want)
			}
			for _, sr := range r.scenes {
				if (sr.rowCosts != nil) != (tc.want > 0) {
					t.Errorf("%s: row costs %v with %d passes", sr.Name, sr.rowCosts, tc.want)
				}
			}
		})
	}
}

// TestScaledMedians checks the row costs on hand-computed passes: each
// row's median gives the shape, the median pass total the level.
func TestScaledMedians(t *testing.T) {
	passes := [][]float64{{1, 2}, {1, 4}, {3, 2}} // totals 3, 5, 5; medians 1, 2
	got := scaledMedians(passes)
	want := []float64{5.0 / 3, 10.0 / 3}
	if len(got) != len(want) {
		t.Fatalf("scaledMedians: %v, want %v", got, want)
	}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Errorf("scaledMedians: %v, want %v", got, want)
		}
	}
	if got := scaledMedians([][]float64{{0, 0}}); got[0] != 0 || got[1] != 0 {
		t.Errorf("scaledMedians of zero costs: %v, want zeros", got)
	}
	if got := scaledMedians(nil); got != nil {
		t.Errorf("scaledMedians(nil) = %v, want nil", got)
	}
}
