package bench

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
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
// evenly, scaled so that the mean row sleeps emulateMeanRow, and raised to
// emulateMinRow where they fall below: time.Sleep rounds anything shorter
// than a millisecond up to about one (the runtime's timer wake-up), so a
// shorter row would sleep a different time from the one the model is given.
// The model gets the same, subsampled, scaled and raised, costs, so the
// comparison is exact about what both are given even where the costs are no
// longer the scene's.
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
// model added to every block (see sleepOvershoot). measured_s is the median
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
}

// emulation is what an emulated run is made of.
type emulation struct {
	// rows, meanRow and minRow shape the costs; see emulateCosts.
	rows            int
	meanRow, minRow time.Duration
	// overshoot is what time.Sleep adds to a sleep, in seconds, paid
	// once per block; the model adds it to every block.
	overshoot float64
	// reps is how many times each configuration runs; zero means 1.
	reps int
	// run runs a strategy; nil means its Run. Tests script wall times
	// through it, which real sleeps would make depend on the machine's load.
	run func(strategies.Strategy, context.Context, int, strategies.Options, strategies.Task) (*strategies.Report, error)
}

// emulateCosts returns rows of costs, in seconds, taken evenly (the middle
// row of each of rows equal stretches), scaled so that their mean is
// meanRow and raised to at least minRow. All of costs when it has no more
// than rows.
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
	for j := range out {
		out[j] = max(out[j]*k, minRow.Seconds())
	}
	return out
}

// sleepOvershoot returns the median by which time.Sleep(d) overruns d,
// over n sleeps, in seconds. It is what an emulated block pays beyond its
// rows: the timer's slack and the scheduler's wake-up of the goroutine.
func sleepOvershoot(d time.Duration, n int) float64 {
	xs := make([]float64, n)
	for i := range xs {
		t0 := time.Now()
		time.Sleep(d)
		xs[i] = (time.Since(t0) - d).Seconds()
	}
	slices.Sort(xs)
	return xs[n/2]
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
// of the emulation's time. Grains are counted in the rows given, so on a subsample a grain
// covers more of the scene than in the sweep: of 256 rows, grain 64 leaves
// 4 blocks, too few for 4 workers.
func (e *emulation) emulate(ctx context.Context, scene string, costs []float64, strats []strategies.Strategy,
	grains, workers []int) ([]emulated, error) {
	prefix := make([]time.Duration, len(costs)+1)
	var serial float64
	for i, c := range costs {
		prefix[i+1] = prefix[i] + time.Duration(c*1e9)
		serial += c
	}
	task := func(_, lo, hi int) (int64, error) {
		time.Sleep(prefix[hi] - prefix[lo])
		return int64(hi - lo), nil
	}
	type run struct {
		st    strategies.Strategy
		walls []float64
	}
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
		// The sleep's overshoot is paid inside the task, by the worker
		// alone, so it goes into the claim with Shared off: serializing it
		// would be wrong, and the claims themselves, a few hundred
		// nanoseconds against blocks of milliseconds, are too short to
		// queue behind each other.
		ov := model.Overheads[st]
		ov.Claim += e.overshoot
		ov.Shared = false
		for _, g := range gs {
			for _, w := range workers {
				if blocks := (len(costs) + g - 1) / g; blocks < emulateMinBlocks*w {
					continue
				}
				pred, err := model.Simulate(st, costs, model.Params{Workers: w, Grain: g, Overhead: ov})
				if err != nil {
					return nil, fmt.Errorf("bench: emulating %s: %w", scene, err)
				}
				out = append(out, emulated{modelPoint: modelPoint{scene: scene, strategy: st.Name(), grain: g, workers: w,
					predicted: pred.Makespan}, serial: serial})
				runs = append(runs, run{st: st})
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
			rep, err := runStrategy(runs[i].st, ctx, len(costs), strategies.Options{Workers: r.workers, Grain: r.grain}, task)
			if err != nil {
				return nil, fmt.Errorf("bench: emulating %s, %s, %d workers, grain %d: %w", scene, r.strategy, r.workers, r.grain, err)
			}
			runs[i].walls = append(runs[i].walls, rep.Wall.Seconds())
		}
	}
	for i := range out {
		xs := runs[i].walls
		slices.Sort(xs)
		n := len(xs)
		out[i].reps = n
		out[i].measured = (xs[(n-1)/2] + xs[n/2]) / 2
		out[i].min, out[i].max = xs[0], xs[n-1]
	}
	return out, nil
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
	e := &emulation{rows: emulateRows, meanRow: emulateMeanRow, minRow: emulateMinRow, reps: emulateReps}
	e.overshoot = sleepOvershoot(time.Millisecond, 51)
	var all []emulated
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
				return s.interrupted(err)
			}
			return err
		}
	}
	if err := writeFile(s.path("emulated.csv"), func(w io.Writer) error { return writeEmulated(w, all, e.overshoot) }); err != nil {
		s.writeErrs = append(s.writeErrs, err)
	}
	return nil
}

// writeEmulated writes rs as emulated.csv.
func writeEmulated(w io.Writer, rs []emulated, overshoot float64) error {
	cw := csv.NewWriter(w)
	cw.Write(emulatedHeader)
	for _, r := range rs {
		cw.Write([]string{r.scene, r.strategy, strconv.Itoa(r.grain), strconv.Itoa(r.workers),
			num(r.measured), num(r.predicted), num(r.err()), num(overshoot),
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
