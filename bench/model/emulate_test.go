package model

import (
	"context"
	"math"
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
		{"rounded", 256, 3 * time.Millisecond, time.Millisecond, 256},
		{"rounded, cheap rows raised", 256, 3 * time.Millisecond, 2 * time.Millisecond, 256},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := EmulateCosts(costs, tc.rows, tc.meanRow, tc.minRow)
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

func TestEmulateWorkers(t *testing.T) {
	got := EmulateWorkers([]int{1, 2, 4, 8, 64, 128, 256})
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
	e := &Emulation{Reps: 3, Run: func(st strategies.Strategy, _ context.Context, n int, o strategies.Options, _ strategies.Task) (*strategies.Report, error) {
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
	rs, err := e.Emulate(context.Background(), "s", costs, []strategies.Strategy{strategies.Serial, bands, steal}, []int{1, 2}, []int{4, 8})
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
		k := r.Strategy.Name() + "/" + strconv.Itoa(r.Grain) + "/" + strconv.Itoa(r.Workers)
		t.Run(k, func(t *testing.T) {
			w, ok := want[k]
			if !ok {
				t.Fatalf("unexpected configuration")
			}
			if r.Reps != 3 || r.Measured != w[0].Seconds() || r.Min != w[1].Seconds() || r.Max != w[2].Seconds() {
				t.Errorf("reps %d, measured %g s in [%g, %g] s, want 3, %g s in [%g, %g] s",
					r.Reps, r.Measured, r.Min, r.Max, w[0].Seconds(), w[1].Seconds(), w[2].Seconds())
			}
			if math.Abs(r.Serial-136e-6) > 1e-12 {
				t.Errorf("serial %g s, want the costs' sum, 136e-6 s", r.Serial)
			}
			if r.Predicted <= 0 {
				t.Errorf("predicted %g s", r.Predicted)
			}
		})
	}
}
