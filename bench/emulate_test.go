package bench

import (
	"context"
	"encoding/csv"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mandel-project/mandel/bench/model"
	"github.com/mandel-project/mandel/strategies"
)

// TestEmulate runs a small emulation and checks its configurations, their
// order, and that both times are no less than the sleeps shared among the
// workers, which a sleeping task guarantees whatever the machine's load.
func TestEmulate(t *testing.T) {
	cfg := tinyConfig(t.TempDir())
	cfg.Simulate = []int{1} // the row costs, without the sweep's own emulation
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var strats []strategies.Strategy
	for _, name := range []string{"serial", "bands", "guided", "steal"} {
		st, _ := strategies.Lookup(name)
		strats = append(strats, st)
	}
	e := &model.Emulation{Rows: 256, MeanRow: 200 * time.Microsecond, MinRow: 100 * time.Microsecond}
	grains, workers := []int{1, 3}, []int{4, 8}
	before := runtime.GOMAXPROCS(0)
	run := func() []model.Emulated {
		var all []model.Emulated
		for _, sr := range res.Scenes {
			costs := model.EmulateCosts(sr.RowCosts, e.Rows, e.MeanRow, e.MinRow)
			rs, err := e.Emulate(context.Background(), sr.Name, costs, strats, grains, workers)
			if err != nil {
				t.Fatal(err)
			}
			var sum float64
			for _, c := range costs {
				sum += c
			}
			for _, r := range rs {
				// The run's overshoot, positive for a sleep, makes the
				// prediction later than the model's without it.
				st := r.Strategy
				base, err := model.Simulate(st, costs, e.Machine.Params(st, r.Workers, r.Grain))
				if err != nil || r.Overshoot <= 0 || !(r.Predicted > base.Makespan) {
					t.Errorf("%+v: predicted %g s with an overshoot of %g s, the model without it %g s (%v)", r, r.Predicted, r.Overshoot, base.Makespan, err)
				}
				floor := sum / float64(r.Workers)
				if r.Measured < floor*(1-1e-6) || r.Predicted < floor*(1-1e-6) {
					t.Errorf("%+v: a time is below the sleeps per worker, %g s", r, floor)
				}
			}
			all = append(all, rs...)
		}
		return all
	}
	a, b := run(), run()
	if got := runtime.GOMAXPROCS(0); got != before {
		t.Errorf("GOMAXPROCS is %d after emulating, was %d", got, before)
	}
	// 2 scenes x (bands at 2 worker counts, guided and steal at grain 1
	// with 2 worker counts and at grain 3 with 4 workers, the 8 blocks of
	// the 24 rows being too few for 8, which need 2 each), serial left out.
	if got, want := len(a), 2*(2+2*(2+1)); got != want {
		t.Fatalf("%d emulated configurations, want %d", got, want)
	}
	key := func(r model.Emulated) string {
		return r.Scene + "/" + r.Strategy.Name() + "/" + strconv.Itoa(r.Grain) + "/" + strconv.Itoa(r.Workers)
	}
	for i := range a {
		if key(a[i]) != key(b[i]) {
			t.Errorf("configuration %d: %s, then %s", i, key(a[i]), key(b[i]))
		}

		if a[i].Strategy == strategies.Serial {
			t.Errorf("configuration %d: %s emulates serial", i, key(a[i]))
		}
	}
	want := []string{"full/bands/1/4", "full/bands/1/8", "full/guided/1/4", "full/guided/1/8", "full/guided/3/4", "full/steal/1/4"}
	for i, k := range want {
		if got := key(a[i]); got != k {
			t.Errorf("configuration %d is %s, want %s", i, got, k)
		}
	}
}

// TestWriteEmulated checks emulated.csv's columns: the first eight as they
// were, then the repetitions and their spread.
func TestWriteEmulated(t *testing.T) {
	rs := []model.Emulated{{Point: model.Point{Scene: "full", Strategy: strategies.Steal, Grain: 4, Workers: 16,
		Measured: 0.5, Predicted: 0.55}, Reps: 3, Min: 0.25, Max: 2, Serial: 4, Overshoot: 1e-4}}
	var b strings.Builder
	if err := writeEmulated(&b, rs); err != nil {
		t.Fatal(err)
	}
	got, err := csv.NewReader(strings.NewReader(b.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"scene", "strategy", "grain", "workers", "measured_s", "predicted_s", "error", "block_overhead_s",
			"reps", "measured_min_s", "measured_max_s"},
		{"full", "steal", "4", "16", "0.5", "0.55", "0.1", "0.0001", "3", "0.25", "2"},
	}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("emulated.csv:\n%q\nwant\n%q", got, want)
	}
}

// TestEmulateInterrupted checks that an emulation stopped early still
// writes emulated.csv, with what it emulated (here nothing), as the charts
// and summary.md, drawn from the same scenes, report it, and that its error
// says the emulation was stopped, not the timed runs.
func TestEmulateInterrupted(t *testing.T) {
	s := &sweep{
		cfg:      Config{Out: t.TempDir()},
		plan:     &plan{simulate: []int{4}, strategies: []strategies.Strategy{strategies.Bands}, grains: []int{1}},
		progress: newProgress(nil),
	}
	for _, name := range []string{"a", "b"} {
		s.scenes = append(s.scenes, &sceneRun{SceneResult: &SceneResult{Scene: Scene{Name: name}, RowCosts: []float64{1, 2, 3, 4, 5, 6, 7, 8}}})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := s.emulate(ctx)
	if err == nil || !strings.Contains(err.Error(), "interrupted while emulating a") {
		t.Errorf("error %v, want one saying the emulation of a was interrupted", err)
	}
	rows := readCSV(t, filepath.Join(s.cfg.Out, "emulated.csv"))
	if len(rows) != 1 || !slices.Equal(rows[0], EmulatedHeader) {
		t.Errorf("emulated.csv: %v, want its header alone", rows)
	}
}
