package model

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync/atomic"
	"time"

	"github.com/mandel-project/mandel/bench/stats"
	"github.com/mandel-project/mandel/strategies"
)

// Emulation checks the model at worker counts that the machine does not
// have. The real strategies run with W goroutines (GOMAXPROCS = W) on a task
// that sleeps each row's cost instead of computing it: sleeping needs no
// core, so the real claims, hand-overs and steals happen at W = 64 on two
// cores. The simulator replays the same costs, and emulated.csv holds both.
//
// The costs are a scene's measured row costs, EmulateRows of them taken
// evenly, scaled so that the mean row sleeps EmulateMeanRow, and rounded to
// whole multiples of EmulateMinRow, at least one: the runtime's timers wait
// in whole milliseconds (see EmulateCosts), so any other sleep would last a
// different time from the one the model is given. The model gets the same,
// subsampled, scaled and rounded, costs, so the comparison is exact about
// what both are given even where the costs are no longer quite the scene's.
const (
	EmulateRows    = 256
	EmulateMeanRow = 3 * time.Millisecond
	EmulateMinRow  = time.Millisecond
	// EmulateReps is how many times each configuration is emulated: the
	// median of three drops one disturbed run.
	EmulateReps = 3
	// emulateMinBlocks is the fewest blocks per worker that a
	// configuration must have to be emulated; see Emulation.Emulate.
	emulateMinBlocks = 2
	// emulateMinW and emulateMaxW bound the worker counts of
	// Config.Simulate that are emulated: below 4 the sweep measures the
	// strategies for real, and above 64 the emulated runs are dominated by
	// rows of one sleep each, too few per worker to say much.
	emulateMinW, emulateMaxW = 4, 64
)

// Point is a configuration whose time the model predicted and the sweep
// measured, by running it or by emulating it; times in seconds.
type Point struct {
	Scene               string
	Strategy            strategies.Strategy
	Grain, Workers      int
	Measured, Predicted float64
}

// Err is the model's error on p: predicted / measured - 1, negative where
// the model is too fast.
func (p Point) Err() float64 { return p.Predicted/p.Measured - 1 }

// Emulated is one emulated configuration: its measured makespan and the
// model's, in seconds. Measured is the median of Reps runs, Min and Max
// their spread; Serial is the sum of the costs, what one worker would take,
// the baseline of the emulated speedups.
type Emulated struct {
	Point
	Reps     int
	Min, Max float64
	Serial   float64
	// Overshoot is the mean time by which a block's sleep outlasted its
	// rows in the run, the median over the runs: the model adds it to
	// every block.
	Overshoot float64
}

// Emulation is what an emulated run is made of.
type Emulation struct {
	// Rows, MeanRow and MinRow shape the costs; see EmulateCosts.
	Rows            int
	MeanRow, MinRow time.Duration
	// Reps is how many times each configuration runs; zero means 1.
	Reps int
	// Machine is what the model is told about the machine (the sweep's
	// measurements), as for the runs it predicts at 1 and 2 workers.
	Machine Machine
	// Run runs a strategy; nil means its Run. Tests script wall times
	// through it, which real sleeps would make depend on the machine's load.
	Run func(strategies.Strategy, context.Context, int, strategies.Options, strategies.Task) (*strategies.Report, error)
}

// EmulateCosts returns rows of costs, in seconds, taken evenly (the middle
// row of each of rows equal stretches), scaled so that their mean is
// meanRow, and rounded to a whole number of minRow, at least one. All of
// costs when it has no more than rows; minRow 0 leaves them unrounded.
//
// The rounding is the timer's: Go waits for a timer in epoll_wait, whose
// timeout is in whole milliseconds (runtime/netpoll_epoll.go truncates the
// delay, then waits once more for the rest), so a sleep of 3.4 ms lasts
// about 4, and what a sleep overshoots depends on its fraction of a
// millisecond. With every row, and so every block, a whole number of
// milliseconds, every block overshoots about alike, and the mean overshoot
// that the run measures (Emulated.Overshoot) stands for each.
func EmulateCosts(costs []float64, rows int, meanRow, minRow time.Duration) []float64 {
	n := len(costs)
	m := min(n, rows)
	out := make([]float64, m)
	var sum float64
	for j := range out {
		out[j] = costs[(2*j+1)*n/(2*m)]
		sum += out[j]
	}
	k := 0.0
	if sum > 0 {
		k = meanRow.Seconds() * float64(m) / sum
	}
	q := minRow.Seconds()
	for j := range out {
		out[j] *= k
		if q > 0 {
			out[j] = max(math.Round(out[j]/q), 1) * q
		}
	}
	return out
}

// Emulate runs every strategy of strats but serial (whose one worker would
// take the whole sum of the costs, and which the model replays trivially)
// with each of its grains and each worker count, in that order, on a task
// that sleeps costs, and the model on the same costs. GOMAXPROCS is set to
// the worker count of each run and restored at the end.
//
// Each configuration runs e.Reps times and its median wall time is the
// measured one. The repetitions go in rounds, each round running every
// configuration once, so that a noisy moment (another process taking the
// cores, a GC of the harness) costs one repetition of several
// configurations, which their medians drop, rather than every repetition
// of one.
//
// A grain that leaves fewer than emulateMinBlocks blocks per worker is not
// emulated at that worker count: with one block per worker, or a few
// workers taking a second, the schedule holds next to no decision to check,
// and such runs, each as long as its costliest block, took over a quarter
// of the emulation's time. Grains are counted in the rows given, so on a
// subsample a grain covers more of the scene than in the sweep: of 256
// rows, grain 64 leaves 4 blocks, too few for 4 workers.
func (e *Emulation) Emulate(ctx context.Context, scene string, costs []float64, strats []strategies.Strategy,
	grains, workers []int) ([]Emulated, error) {
	prefix := make([]time.Duration, len(costs)+1)
	var serial float64
	for i, c := range costs {
		prefix[i+1] = prefix[i] + time.Duration(c*1e9)
		serial += c
	}
	// The task times its own sleep: what the sleeps overshoot in a run is
	// the instrument's error, not the schedule's, and the model is given
	// it (see Emulated).
	var overshoot, sleeps atomic.Int64
	task := func(_, lo, hi int) (int64, error) {
		d := prefix[hi] - prefix[lo]
		t0 := time.Now()
		time.Sleep(d)
		overshoot.Add(int64(time.Since(t0) - d))
		sleeps.Add(1)
		return int64(hi - lo), nil
	}
	type run struct{ walls, overshoots []float64 }
	var out []Emulated
	var runs []run
	for _, st := range strats {
		if st == strategies.Serial {
			continue
		}
		gs := []int{1}
		if st.UsesGrain() {
			gs = grains
		}
		for _, g := range gs {
			for _, w := range workers {
				if blocks := (len(costs) + g - 1) / g; blocks < emulateMinBlocks*w {
					continue
				}
				out = append(out, Emulated{Point: Point{Scene: scene, Strategy: st, Grain: g, Workers: w},
					Serial: serial})
				runs = append(runs, run{})
			}
		}
	}
	runStrategy := e.Run
	if runStrategy == nil {
		runStrategy = strategies.Strategy.Run
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for range max(e.Reps, 1) {
		for i := range out {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			r := &out[i]
			runtime.GOMAXPROCS(r.Workers)
			overshoot.Store(0)
			sleeps.Store(0)
			rep, err := runStrategy(r.Strategy, ctx, len(costs), strategies.Options{Workers: r.Workers, Grain: r.Grain}, task)
			if err != nil {
				return nil, fmt.Errorf("model: emulating %s, %s, %d workers, grain %d: %w", scene, r.Strategy.Name(), r.Workers, r.Grain, err)
			}
			runs[i].walls = append(runs[i].walls, rep.Wall.Seconds())
			if n := sleeps.Load(); n > 0 {
				runs[i].overshoots = append(runs[i].overshoots, time.Duration(overshoot.Load()/n).Seconds())
			}
		}
	}
	for i := range out {
		r := &out[i]
		walls := runs[i].walls
		r.Reps, r.Measured = len(walls), stats.Median(walls)
		r.Min, r.Max = slices.Min(walls), slices.Max(walls)
		r.Overshoot = stats.Median(runs[i].overshoots)
		pred, err := Simulate(r.Strategy, costs, e.Params(r.Strategy, r.Workers, r.Grain, r.Overshoot))
		if err != nil {
			return nil, fmt.Errorf("model: emulating %s: %w", scene, err)
		}
		r.Predicted = pred.Makespan
	}
	return out, nil
}

// Params returns the model's parameters for an emulated configuration:
// the machine's, measured by the sweep (or the constants, when e.Machine is
// the zero value), with the sleeps' overshoot added to every claim. The
// overshoot is paid inside the task, by the worker alone, so Shared is off:
// serializing it would be wrong, and the claims themselves, a few hundred
// nanoseconds against blocks of milliseconds, are too short to queue
// behind each other.
func (e *Emulation) Params(st strategies.Strategy, workers, grain int, overshoot float64) Params {
	p := e.Machine.Params(st, workers, grain)
	p.Overhead.Claim += overshoot
	p.Overhead.Shared = false
	return p
}

// EmulateWorkers returns the worker counts of simulate that are emulated.
func EmulateWorkers(simulate []int) []int {
	var ws []int
	for _, w := range simulate {
		if w >= emulateMinW && w <= emulateMaxW {
			ws = append(ws, w)
		}
	}
	return ws
}

// EmulatedPoints returns the model points of rs.
func EmulatedPoints(rs []Emulated) []Point {
	ps := make([]Point, len(rs))
	for i, r := range rs {
		ps[i] = r.Point
	}
	return ps
}
