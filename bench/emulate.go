package bench

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"maps"
	"math"
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
	scene, strategy     string
	grain, workers      int
	measured, predicted float64
	reps                int
	min, max            float64
	serial              float64
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
				out = append(out, emulated{scene: scene, strategy: st.Name(), grain: g, workers: w,
					predicted: pred.Makespan, serial: serial})
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
			num(r.measured), num(r.predicted), num(emulatedError(r)), num(overshoot),
			strconv.Itoa(r.reps), num(r.min), num(r.max)})
	}
	cw.Flush()
	return cw.Error()
}

// emulationAccuracy is how close the model came to the emulation, for each
// grain emulated, for the strategies without a grain, and over all; see
// summarizeEmulation.
type emulationAccuracy struct {
	grains []accuracy // in increasing grain, then the strategies without one
	all    accuracy
}

// accuracy summarizes the errors, predicted / measured - 1, of some
// emulated configurations.
type accuracy struct {
	grain     int     // 0 for the strategies without a grain, and for all
	count     int     // configurations
	medianAbs float64 // median |error|
	within10  int     // configurations whose |error| is at most 10%
	worst     emulated
}

// emulatedError is a configuration's error: the model's time over the
// measured median, less 1, negative where the model is too fast.
func emulatedError(r emulated) float64 { return r.predicted/r.measured - 1 }

// summarizeEmulation returns the accuracy of the model on rs. A strategy
// without a grain is emulated, and written in emulated.csv, at grain 1, but
// counted apart: its schedule is the same at every grain, and mixing it
// into grain 1 would make that grain look better or worse for a reason
// that is not the grain's.
func summarizeEmulation(rs []emulated) emulationAccuracy {
	byGrain := map[int][]emulated{}
	for _, r := range rs {
		g := 0
		if usesGrain(r.strategy) {
			g = r.grain
		}
		byGrain[g] = append(byGrain[g], r)
	}
	var out emulationAccuracy
	for _, g := range slices.Sorted(maps.Keys(byGrain)) {
		if g > 0 {
			out.grains = append(out.grains, summarizeErrors(g, byGrain[g]))
		}
	}
	if none, ok := byGrain[0]; ok {
		out.grains = append(out.grains, summarizeErrors(0, none))
	}
	out.all = summarizeErrors(0, rs)
	return out
}

func summarizeErrors(grain int, rs []emulated) accuracy {
	a := accuracy{grain: grain, count: len(rs)}
	if len(rs) == 0 {
		return a
	}
	abs := make([]float64, len(rs))
	for i, r := range rs {
		abs[i] = math.Abs(emulatedError(r))
		if abs[i] <= 0.10 {
			a.within10++
		}
		if i == 0 || abs[i] > math.Abs(emulatedError(a.worst)) {
			a.worst = r
		}
	}
	slices.Sort(abs)
	n := len(abs)
	a.medianAbs = (abs[(n-1)/2] + abs[n/2]) / 2
	return a
}

// writeMarkdown writes a as a Markdown table, a row per grain (grain "-":
// the strategies without one) and a last row over all configurations.
func (a emulationAccuracy) writeMarkdown(w io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("| grain | configurations | median \\|error\\| | within 10% | worst error | worst configuration |\n")
	bw.WriteString("|--:|--:|--:|--:|--:|---|\n")
	row := func(name string, x accuracy) {
		if x.count == 0 {
			fmt.Fprintf(bw, "| %s | 0 | n/a | n/a | n/a | n/a |\n", name)
			return
		}
		r := x.worst
		config := r.scene + " " + r.strategy
		if usesGrain(r.strategy) {
			config += ", grain " + strconv.Itoa(r.grain)
		}
		fmt.Fprintf(bw, "| %s | %d | %.1f%% | %d (%.0f%%) | %+.1f%% | %s, %d workers |\n",
			name, x.count, 100*x.medianAbs, x.within10, 100*float64(x.within10)/float64(x.count),
			100*emulatedError(r), config, r.workers)
	}
	for _, x := range a.grains {
		name := "-"
		if x.grain > 0 {
			name = strconv.Itoa(x.grain)
		}
		row(name, x)
	}
	row("all", a.all)
	return bw.Flush()
}
