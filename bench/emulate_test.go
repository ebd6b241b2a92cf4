package bench

import (
	"context"
	"math"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

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
		{"raised", 256, 3 * time.Millisecond, time.Millisecond, 256},
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
			if tc.minRow > 0 && mean < tc.meanRow.Seconds() {
				t.Errorf("mean row %g s, below %v although rows were only raised", mean, tc.meanRow)
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
	e := &emulation{rows: 256, meanRow: 200 * time.Microsecond, minRow: 100 * time.Microsecond, overshoot: 50e-6}
	grains, workers := []int{1, 4}, []int{4, 8}
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
	// with 2 worker counts and at grain 4 with 4 workers, the 6 blocks of
	// the 24 rows being too few for 8), serial left out.
	if got, want := len(a), 2*(2+2*(2+1)); got != want {
		t.Fatalf("%d emulated configurations, want %d", got, want)
	}
	key := func(r emulated) string {
		return r.scene + "/" + r.strategy + "/" + strconv.Itoa(r.grain) + "/" + strconv.Itoa(r.workers)
	}
	for i := range a {
		if key(a[i]) != key(b[i]) || a[i].predicted != b[i].predicted {
			t.Errorf("configuration %d: %s predicted %g s, then %s predicted %g s", i, key(a[i]), a[i].predicted, key(b[i]), b[i].predicted)
		}
		if a[i].strategy == "serial" {
			t.Errorf("configuration %d: %s emulates serial", i, key(a[i]))
		}
	}
	want := []string{"full/bands/1/4", "full/bands/1/8", "full/guided/1/4", "full/guided/1/8", "full/guided/4/4", "full/steal/1/4"}
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
	}
}

func TestEmulateWorkers(t *testing.T) {
	got := emulateWorkers([]int{1, 2, 4, 8, 64, 128, 256})
	if want := []int{4, 8, 64}; !slices.Equal(got, want) {
		t.Errorf("emulateWorkers = %v, want %v", got, want)
	}
}
