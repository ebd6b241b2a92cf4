package bench

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/mandel-project/mandel/bench/model"
	"github.com/mandel-project/mandel/strategies"
)

// Emulation checks the model at worker counts that the machine does not
// have. The real strategies run with W goroutines (GOMAXPROCS = W) on a task
// that sleeps each row's cost instead of computing it: sleeping needs no
// core, so the real claims, hand-overs and steals happen at W = 64 on two
// cores. The simulator replays the same costs, and emulated.csv holds both.
//
// The costs are a scene's measured row costs, emulateRows of them taken
// evenly, scaled so that the mean row sleeps emulateMeanRow, and rounded to
// whole multiples of emulateMinRow, at least one: the runtime's timers wait
// in whole milliseconds (see emulateCosts), so any other sleep would last a
// different time from the one the model is given. The model gets the same,
// subsampled, scaled and rounded, costs, so the comparison is exact about
// what both are given even where the costs are no longer quite the scene's.
const (
	emulateRows    = 256
	emulateMeanRow = 3 * time.Millisecond
	emulateMinRow  = time.Millisecond
	// emulateReps is how many times each configuration is emulated: the
	// median of three drops one disturbed run.
	emulateReps = 3
	// emulateMinBlocks is the fewest blocks per worker that a
	// configuration must have to be emulated; see emulation.emulate.
	emulateMinBlocks = 2
	// emulateMinW and emulateMaxW bound the worker counts of
	// Config.Simulate that are emulated: below 4 the sweep measures the
	// strategies for real, and above 64 the emulated runs are dominated by
	// rows of one sleep each, too few per worker to say much.
	emulateMinW, emulateMaxW = 4, 64
)

// emulatedHeader is the header of emulated.csv. Error is
// predicted / measured - 1; block_overhead_s is the sleep overshoot that the
// model added to every block (emulated.overshoot). measured_s is the median
// of reps runs, measured_min_s and measured_max_s their spread.
var emulatedHeader = []string{"scene", "strategy", "grain", "workers", "measured_s", "predicted_s", "error", "block_overhead_s",
	"reps", "measured_min_s", "measured_max_s"}

// emulated is one emulated configuration: its measured makespan and the
// model's, in seconds. Measured is the median of reps runs, min and max
// their spread; serial is the sum of the costs, what one worker would take,
// the baseline of the emulated speedups.
type emulated struct {
	modelPoint
	reps     int
	min, max float64
	serial   float64
	// overshoot is the mean time by which a block's sleep outlasted its
	// rows in the run, the median over the runs: the model adds it to
	// every block.
	overshoot float64
}

// emulation is what an emulated run is made of.
type emulation struct {
	// rows, meanRow and minRow shape the costs; see emulateCosts.
	rows            int
	meanRow, minRow time.Duration
	// reps is how many times each configuration runs; zero means 1.
	reps int
	// machine is what the model is told about the machine (the sweep's
	// measurements), as for the runs it predicts at 1 and 2 workers.
	machine machineCosts
	// run runs a strategy; nil means its Run. Tests script wall times
	// through it, which real sleeps would make depend on the machine's load.
	run func(strategies.Strategy, context.Context, int, strategies.Options, strategies.Task) (*strategies.Report, error)
}

// emulateCosts returns rows of costs, in seconds, taken evenly (the middle
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
// that the run measures (emulated.overshoot) stands for each.
func emulateCosts(costs []float64, rows int, meanRow, minRow time.Duration) []float64 {
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

// emulate runs every strategy of strats but serial (whose one worker would
// take the whole sum of the costs, and which the model replays trivially)
// with each of its grains and each worker count, in that order, on a task
// that sleeps costs, and the model on the same costs. GOMAXPROCS is set to
// the worker count of each run and restored at the end.
//
// Each configuration runs e.reps times and its median wall time is the
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
func (e *emulation) emulate(ctx context.Context, scene string, costs []float64, strats []strategies.Strategy,
	grains, workers []int) ([]emulated, error) {
	prefix := make([]time.Duration, len(costs)+1)
	var serial float64
	for i, c := range costs {
		prefix[i+1] = prefix[i] + time.Duration(c*1e9)
		serial += c
	}
	// The task times its own sleep: what the sleeps overshoot in a run is
	// the instrument's error, not the schedule's, and the model is given
	// it (see emulated).
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
	var out []emulated
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
				out = append(out, emulated{modelPoint: modelPoint{scene: scene, strategy: st, grain: g, workers: w},
					serial: serial})
				runs = append(runs, run{})
			}
		}
	}
	runStrategy := e.run
	if runStrategy == nil {
		runStrategy = strategies.Strategy.Run
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for range max(e.reps, 1) {
		for i := range out {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			r := &out[i]
			runtime.GOMAXPROCS(r.workers)
			overshoot.Store(0)
			sleeps.Store(0)
			rep, err := runStrategy(r.strategy, ctx, len(costs), strategies.Options{Workers: r.workers, Grain: r.grain}, task)
			if err != nil {
				return nil, fmt.Errorf("bench: emulating %s, %s, %d workers, grain %d: %w", scene, r.strategy.Name(), r.workers, r.grain, err)
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
		r.reps, r.measured = len(walls), median(walls)
		r.min, r.max = slices.Min(walls), slices.Max(walls)
		r.overshoot = median(runs[i].overshoots)
		pred, err := model.Simulate(r.strategy, costs, e.params(r.strategy, r.workers, r.grain, r.overshoot))
		if err != nil {
			return nil, fmt.Errorf("bench: emulating %s: %w", scene, err)
		}
		r.predicted = pred.Makespan
	}
	return out, nil
}

// params returns the model's parameters for an emulated configuration:
// the machine's, measured by the sweep (or the constants, when e.machine is
// the zero value), with the sleeps' overshoot added to every claim. The
// overshoot is paid inside the task, by the worker alone, so Shared is off:
// serializing it would be wrong, and the claims themselves, a few hundred
// nanoseconds against blocks of milliseconds, are too short to queue
// behind each other.
func (e *emulation) params(st strategies.Strategy, workers, grain int, overshoot float64) model.Params {
	p := e.machine.params(st, workers, grain)
	p.Overhead.Claim += overshoot
	p.Overhead.Shared = false
	return p
}

// emulateWorkers returns the worker counts of simulate that are emulated.
func emulateWorkers(simulate []int) []int {
	var ws []int
	for _, w := range simulate {
		if w >= emulateMinW && w <= emulateMaxW {
			ws = append(ws, w)
		}
	}
	return ws
}

// emulate runs the emulation of every scene whose rows were timed, at the
// worker counts of Config.Simulate from 4 to 64, and writes emulated.csv.
// A sweep without such counts writes nothing.
func (s *sweep) emulate(ctx context.Context) error {
	workers := emulateWorkers(s.plan.simulate)
	if len(workers) == 0 {
		return nil
	}
	e := &emulation{rows: emulateRows, meanRow: emulateMeanRow, minRow: emulateMinRow, reps: emulateReps, machine: s.measured}
	var all []emulated
	// emulated.csv holds what was emulated even when the emulation stops
	// early, as the charts and summary.md, drawn from the same scenes, do.
	defer func() {
		if err := writeFile(s.path("emulated.csv"), func(w io.Writer) error { return writeEmulated(w, all) }); err != nil {
			s.writeErrs = append(s.writeErrs, err)
		}
	}()
	for _, sr := range s.scenes {
		if sr.rowCosts == nil {
			continue
		}
		s.progress.phase("emulating " + sr.Name + " on sleeping workers")
		costs := emulateCosts(sr.rowCosts, e.rows, e.meanRow, e.minRow)
		rs, err := e.emulate(ctx, sr.Name, costs, s.plan.strategies, s.plan.grains, workers)
		sr.emulated = rs
		all = append(all, rs...)
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("bench: interrupted while emulating %s, after all %d timed runs: %w", sr.Name, s.runsDone, err)
			}
			return err
		}
	}
	return nil
}

// writeEmulated writes rs as emulated.csv.
func writeEmulated(w io.Writer, rs []emulated) error {
	cw := csv.NewWriter(w)
	cw.Write(emulatedHeader)
	for _, r := range rs {
		cw.Write([]string{r.scene, r.strategy.Name(), strconv.Itoa(r.grain), strconv.Itoa(r.workers),
			num(r.measured), num(r.predicted), num(r.err()), num(r.overshoot),
			strconv.Itoa(r.reps), num(r.min), num(r.max)})
	}
	cw.Flush()
	return cw.Error()
}

// emulatedPoints returns the model points of rs.
func emulatedPoints(rs []emulated) []modelPoint {
	ps := make([]modelPoint, len(rs))
	for i, r := range rs {
		ps[i] = r.modelPoint
	}
	return ps
}
