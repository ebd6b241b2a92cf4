package bench

import (
	"context"
	"encoding/csv"
	"math"
	"os"
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

func TestEmulateCosts(t *testing.T) {
	costs := make([]float64, 1000)
	for i := range costs {
		costs[i] = float64(i + 1)
	}
	for _, tc := range []struct {
		name            string
		rows            int
		meanRow, minRow time.Duration
		wantLen         int
	}{
		{"subsampled", 256, 3 * time.Millisecond, 0, 256},
		{"all rows", 2000, 3 * time.Millisecond, 0, 1000},
		{"rounded", 256, 3 * time.Millisecond, time.Millisecond, 256},
		{"rounded, cheap rows raised", 256, 3 * time.Millisecond, 2 * time.Millisecond, 256},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := emulateCosts(costs, tc.rows, tc.meanRow, tc.minRow)
			if len(got) != tc.wantLen {
				t.Fatalf("%d rows, want %d", len(got), tc.wantLen)
			}
			var sum float64
			for i, c := range got {
				sum += c
				if c < tc.minRow.Seconds() {
					t.Errorf("row %d sleeps %g s, below %v", i, c, tc.minRow)
				}
				if i > 0 && c < got[i-1] {
					t.Errorf("row %d sleeps %g s, less than row %d: the order of the rows is lost", i, c, i-1)
				}
			}
			mean := sum / float64(len(got))
			if tc.minRow == 0 && math.Abs(mean/tc.meanRow.Seconds()-1) > 1e-9 {
				t.Errorf("mean row %g s, want %v", mean, tc.meanRow)
			}
			if q := tc.minRow.Seconds(); q > 0 {
				if math.Abs(mean-tc.meanRow.Seconds()) > q {
					t.Errorf("mean row %g s, more than %v from %v", mean, tc.minRow, tc.meanRow)
				}
				for i, c := range got {
					if r := c / q; math.Abs(r-math.Round(r)) > 1e-9 {
						t.Errorf("row %d sleeps %g s, not a whole number of %v", i, c, tc.minRow)
					}
				}
			}
		})
	}
}

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
	e := &emulation{rows: 256, meanRow: 200 * time.Microsecond, minRow: 100 * time.Microsecond}
	grains, workers := []int{1, 3}, []int{4, 8}
	before := runtime.GOMAXPROCS(0)
	run := func() []emulated {
		var all []emulated
		for _, sr := range res.scenes {
			costs := emulateCosts(sr.rowCosts, e.rows, e.meanRow, e.minRow)
			rs, err := e.emulate(context.Background(), sr.Name, costs, strats, grains, workers)
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
				st := r.strategy
				base, err := model.Simulate(st, costs, e.machine.params(st, r.workers, r.grain))
				if err != nil || r.overshoot <= 0 || !(r.predicted > base.Makespan) {
					t.Errorf("%+v: predicted %g s with an overshoot of %g s, the model without it %g s (%v)", r, r.predicted, r.overshoot, base.Makespan, err)
				}
				floor := sum / float64(r.workers)
				if r.measured < floor*(1-1e-6) || r.predicted < floor*(1-1e-6) {
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
	key := func(r emulated) string {
		return r.scene + "/" + r.strategy.Name() + "/" + strconv.Itoa(r.grain) + "/" + strconv.Itoa(r.workers)
	}
	for i := range a {
		if key(a[i]) != key(b[i]) {
			t.Errorf("configuration %d: %s, then %s", i, key(a[i]), key(b[i]))
		}

		if a[i].strategy == strategies.Serial {
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
	if !slices.Equal(rows[0], emulatedHeader) {
		t.Errorf("header %v, want %v", rows[0], emulatedHeader)
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
		if r[8] != strconv.Itoa(emulateReps) || lo <= 0 || lo > measured || hi < measured {
			t.Errorf("emulated.csv: %v: not the median of %d runs within their spread", r, emulateReps)
		}
	}
	for _, sc := range cfg.Scenes {
		if fi, err := os.Stat(filepath.Join(cfg.Out, "charts", "emulated-"+sc+".png")); err != nil || fi.Size() == 0 {
			t.Errorf("chart of the emulation of %s: %v", sc, err)
		}
	}
}

func TestEmulateWorkers(t *testing.T) {
	got := emulateWorkers([]int{1, 2, 4, 8, 64, 128, 256})
	if want := []int{4, 8, 64}; !slices.Equal(got, want) {
		t.Errorf("emulateWorkers = %v, want %v", got, want)
	}
}

// TestEmulateReps scripts the wall time of every run and checks that each
// configuration keeps the median of its repetitions and their spread, and
// that the repetitions go in rounds over all the configurations.
func TestEmulateReps(t *testing.T) {
	bands, _ := strategies.Lookup("bands")
	steal, _ := strategies.Lookup("steal")
	costs := make([]float64, 16)
	for i := range costs {
		costs[i] = float64(i+1) * 1e-6
	}
	// Wall times by configuration, in the order of its repetitions: the
	// median is the middle one whatever the order, which a mean or the
	// last run would not give.
	walls := map[string][]time.Duration{
		"bands/1/4": {30, 10, 20},
		"bands/1/8": {5, 50, 7},
		"steal/1/4": {9, 9, 1},
		"steal/1/8": {100, 200, 300},
		"steal/2/4": {4, 6, 5},
		"steal/2/8": {}, // 8 blocks: fewer than 2 for each of 8 workers, not run
	}
	var order []string
	e := &emulation{reps: 3, run: func(st strategies.Strategy, _ context.Context, n int, o strategies.Options, _ strategies.Task) (*strategies.Report, error) {
		k := st.Name() + "/" + strconv.Itoa(o.Grain) + "/" + strconv.Itoa(o.Workers)
		if n != len(costs) {
			t.Errorf("%s: run over %d indices, want %d", k, n, len(costs))
		}
		if got := runtime.GOMAXPROCS(0); got != o.Workers {
			t.Errorf("%s: GOMAXPROCS %d", k, got)
		}
		i := 0
		for _, prev := range order {
			if prev == k {
				i++
			}
		}
		order = append(order, k)
		if i >= len(walls[k]) {
			t.Fatalf("%s: run %d, want %d runs", k, i+1, len(walls[k]))
		}
		return &strategies.Report{Wall: walls[k][i]}, nil
	}}
	rs, err := e.emulate(context.Background(), "s", costs, []strategies.Strategy{strategies.Serial, bands, steal}, []int{1, 2}, []int{4, 8})
	if err != nil {
		t.Fatal(err)
	}
	round := []string{"bands/1/4", "bands/1/8", "steal/1/4", "steal/1/8", "steal/2/4"}
	if want := slices.Concat(round, round, round); !slices.Equal(order, want) {
		t.Errorf("runs in order %v, want %v", order, want)
	}
	want := map[string][3]time.Duration{ // median, min, max
		"bands/1/4": {20, 10, 30},
		"bands/1/8": {7, 5, 50},
		"steal/1/4": {9, 1, 9},
		"steal/1/8": {200, 100, 300},
		"steal/2/4": {5, 4, 6},
	}
	if len(rs) != len(want) {
		t.Fatalf("%d configurations, want %d", len(rs), len(want))
	}
	for _, r := range rs {
		k := r.strategy.Name() + "/" + strconv.Itoa(r.grain) + "/" + strconv.Itoa(r.workers)
		t.Run(k, func(t *testing.T) {
			w, ok := want[k]
			if !ok {
				t.Fatalf("unexpected configuration")
			}
			if r.reps != 3 || r.measured != w[0].Seconds() || r.min != w[1].Seconds() || r.max != w[2].Seconds() {
				t.Errorf("reps %d, measured %g s in [%g, %g] s, want 3, %g s in [%g, %g] s",
					r.reps, r.measured, r.min, r.max, w[0].Seconds(), w[1].Seconds(), w[2].Seconds())
			}
			if math.Abs(r.serial-136e-6) > 1e-12 {
				t.Errorf("serial %g s, want the costs' sum, 136e-6 s", r.serial)
			}
			if r.predicted <= 0 {
				t.Errorf("predicted %g s", r.predicted)
			}
		})
	}
}

// TestWriteEmulated checks emulated.csv's columns: the first eight as they
// were, then the repetitions and their spread.
func TestWriteEmulated(t *testing.T) {
	rs := []emulated{{modelPoint: modelPoint{scene: "full", strategy: strategies.Steal, grain: 4, workers: 16,
		measured: 0.5, predicted: 0.55}, reps: 3, min: 0.25, max: 2, serial: 4, overshoot: 1e-4}}
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
		s.scenes = append(s.scenes, &sceneRun{Scene: Scene{Name: name}, rowCosts: []float64{1, 2, 3, 4, 5, 6, 7, 8}})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := s.emulate(ctx)
	if err == nil || !strings.Contains(err.Error(), "interrupted while emulating a") {
		t.Errorf("error %v, want one saying the emulation of a was interrupted", err)
	}
	rows := readCSV(t, filepath.Join(s.cfg.Out, "emulated.csv"))
	if len(rows) != 1 || !slices.Equal(rows[0], emulatedHeader) {
		t.Errorf("emulated.csv: %v, want its header alone", rows)
	}
}
