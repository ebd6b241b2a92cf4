package bench

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"maps"
	"math"
	"runtime"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/mandel-project/mandel/bench/model"
	"github.com/mandel-project/mandel/strategies"
)

// minRowPasses is the fewest times each row is timed. Each row's median
// over the passes gives the shape of the costs, so that one preemption does
// not make a row look expensive, and the passes' median total gives their
// level (see scaledMedians).
const minRowPasses = 5

// measureMachine measures what the model is told about the machine before
// the timed rounds: each strategy's overhead per claim and the primitives.
// The rows and an idle core's wake-up are timed during the rounds (see
// timeRows). Only when Config.Simulate is set.
func (s *sweep) measureMachine(ctx context.Context) error {
	if len(s.plan.simulate) == 0 {
		return nil
	}
	s.progress.phase("measuring the strategies' overheads")
	sts := serialFirst(s.plan.strategies)
	for _, st := range sts {
		if src := claimSource(st); !slices.Contains(sts, src) {
			sts = append(sts, src)
		}
	}
	var err error
	if s.measured.claims, err = measureOverheads(ctx, sts, overheadIndices, overheadReps); err != nil {
		if ctx.Err() != nil {
			return s.interrupted(ctx.Err())
		}
		return err
	}
	s.progress.phase("timing the primitives")
	pt := s.cfg.primitiveTime
	if pt == 0 {
		pt = primitiveMinTime
	}
	s.measured.primitives = measurePrimitives(pt, primitiveReps)
	return nil
}

// rowPassesPerRound is how many passes over every scene's rows each timed
// round makes, so that all of them together make at least minRowPasses.
func (s *sweep) rowPassesPerRound() int {
	if len(s.plan.simulate) == 0 {
		return 0
	}
	return (minRowPasses + s.cfg.Reps - 1) / s.cfg.Reps
}

// timeRows makes a pass over every scene, timing each row rendered alone
// on one worker, as serial renders it, and then times wakeReps wake-ups of
// an idle core, for the model. Each timed round ends with at least one
// such pass, so that the rows and the wake-up are timed in the same
// minutes as the runs they predict: a disturbance that lasts (another
// program, the hypervisor, the clock speed) then moves both, where row
// costs timed all at once before the rounds were off by up to 24% for one
// scene in one sweep of the development VM, and within 1% in the next, and
// three batches of wake-ups a few seconds apart had medians of 115, 191
// and 191 us.
func (s *sweep) timeRows(ctx context.Context) error {
	s.progress.phase(fmt.Sprintf("timing the rows (pass %d)", s.env.Sweep.RowPasses+1))
	runtime.GOMAXPROCS(1)
	for _, sr := range s.scenes {
		if err := ctx.Err(); err != nil {
			return s.interrupted(err)
		}
		// Each pass starts as every timed run does (runOnce): the frame
		// cleared and a collection just done, so that the rows are timed
		// with the caches as the runs find them.
		f := sr.r.Frame()
		clear(f.Iter)
		clear(f.Mag2)
		runtime.GC()
		n := sr.r.Units()
		pass := make([]float64, n)
		for y := range n {
			t0 := time.Now()
			sr.r.RenderUnits(y, y+1)
			pass[y] = time.Since(t0).Seconds()
		}
		sr.rowPasses = append(sr.rowPasses, pass)
	}
	s.env.Sweep.RowPasses++
	s.wakes = append(s.wakes, wakeDelays(wakeIdle, wakeReps)...)
	return nil
}

// settleRowCosts sets every scene's row costs from the passes made, if
// any, and the wake-up from the delays measured: after the rounds, or after
// as many of them as an interrupted sweep made.
func (s *sweep) settleRowCosts() {
	for _, sr := range s.scenes {
		if len(sr.rowPasses) > 0 {
			sr.rowCosts = scaledMedians(sr.rowPasses)
		}
		sr.rowPasses = nil
	}
	s.measured.wake = median(s.wakes)
}

// scaledMedians returns each row's median over passes (passes[p][y] is
// row y's time in pass p), scaled so that the rows sum to the median of the
// passes' totals. Medians alone would be too cheap: a row's time is skewed
// (a cache miss, an interrupt or the hypervisor make it slower, never
// faster), so the median of a few is below its mean, and on the development
// VM the medians of all rows summed to 6-7% less than a pass took, while the
// passes' totals matched a serial render's time. The scale is measured from
// the same passes, not fitted to the runs the model is compared with.
func scaledMedians(passes [][]float64) []float64 {
	if len(passes) == 0 {
		return nil
	}
	n := len(passes[0])
	medians := make([]float64, n)
	col := make([]float64, len(passes))
	var sum float64
	for y := range n {
		for p := range passes {
			col[p] = passes[p][y]
		}
		medians[y] = median(col)
		sum += medians[y]
	}
	totals := make([]float64, len(passes))
	for p, pass := range passes {
		for _, c := range pass {
			totals[p] += c
		}
	}
	if sum > 0 {
		k := median(totals) / sum
		for y := range medians {
			medians[y] *= k
		}
	}
	return medians
}

var (
	modelHeader = []string{"scene", "strategy", "grain", "workers", "makespan_s", "speedup", "efficiency",
		"imbalance", "claims", "steal_attempts", "steals"}
	validationHeader = []string{"scene", "strategy", "grain", "workers", "measured_s", "predicted_s",
		"error", "measured_speedup", "predicted_speedup", "measured_busy_s", "predicted_busy_s", "busy_error",
		"schedule_error"}
)

// writeModel writes model.csv, the model's prediction for every scene,
// strategy and grain of the sweep at each worker count of Config.Simulate,
// and model-validation.csv, the prediction beside the measured median of
// every configuration the sweep measured. Speedups are against the sum of
// the row costs, the model's serial run without overhead; error is
// predicted / measured - 1.
//
// The validation also splits each miss in two. busy_error compares the
// time the workers spent in the task with the sum of the row costs: where
// it is not 0 the rows themselves cost more (or less) in that run than
// alone, which no schedule explains (another core's writes nearby, a
// shared cache, the machine's load). schedule_error is what the error
// would have been had the model known that: the prediction scaled by the
// measured busy time over the predicted one, against the measured time;
// what remains is the schedule, the claims and the waiting.
func (r *Result) writeModel() []error {
	if len(r.simulate) == 0 {
		return nil
	}
	costs := map[string][]float64{}
	for _, sr := range r.scenes {
		if sr.rowCosts != nil {
			costs[sr.Name] = sr.rowCosts
		}
	}
	simulate := func(scene string, st strategies.Strategy, workers, grain int) (*model.Result, error) {
		res, err := model.Simulate(st, costs[scene], r.measured.params(st, workers, grain))
		if err != nil {
			return nil, fmt.Errorf("bench: model.csv: %w", err)
		}
		return res, nil
	}
	sts := serialFirst(r.strategies)
	pred := writeFile(r.path("model.csv"), func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.Write(modelHeader)
		for _, sr := range r.scenes {
			if sr.rowCosts == nil {
				continue // the sweep stopped before its rows were timed
			}
			for _, st := range sts {
				grains := []int{1}
				if st.UsesGrain() {
					grains = r.Env.Sweep.Grains
				}
				for _, g := range grains {
					for _, wk := range r.simulate {
						if st == strategies.Serial && wk != 1 {
							continue
						}
						res, err := simulate(sr.Name, st, wk, g)
						if err != nil {
							return err
						}
						cw.Write([]string{sr.Name, st.Name(), strconv.Itoa(g), strconv.Itoa(wk), num(res.Makespan),
							num(res.Speedup), num(res.Efficiency), num(res.Imbalance),
							strconv.Itoa(res.Claims), strconv.Itoa(res.StealAttempts), strconv.Itoa(res.Steals)})
					}
				}
			}
		}
		cw.Flush()
		return cw.Error()
	})
	val := writeFile(r.path("model-validation.csv"), func(w io.Writer) error {
		vs, err := r.validation()
		if err != nil {
			return err
		}
		cw := csv.NewWriter(w)
		cw.Write(validationHeader)
		for _, v := range vs {
			cw.Write([]string{v.scene, v.strategy.Name(), strconv.Itoa(v.grain), strconv.Itoa(v.workers),
				num(v.measured), num(v.predicted), num(v.err()),
				numPtr(v.measuredSpeedup), num(v.predictedSpeedup),
				num(v.measuredBusy), num(v.predictedBusy), num(v.measuredBusy/v.predictedBusy - 1),
				num(v.scheduleErr())})
		}
		cw.Flush()
		return cw.Error()
	})
	overheads := r.measured.overheads()
	ovh := writeFile(r.path("overheads.csv"), func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.Write(overheadsHeader)
		for _, st := range sts {
			one, two := "", ""
			if c, ok := r.measured.claim(st); ok {
				one, two = num(c.one*1e9), num(c.two*1e9)
			}
			cw.Write([]string{st.Name(), one, two, num(overheads[st].Claim * 1e9), r.measured.overheadSource(st)})
		}
		cw.Flush()
		return cw.Error()
	})
	prim := writeFile(r.path("primitives.csv"), func(w io.Writer) error { return writePrimitives(w, r.measured) })
	return []error{pred, val, ovh, prim}
}

// validated is a configuration the sweep measured beside the model's
// prediction of it: times (the median and the makespan), speedups, and the
// time spent in the task (the median busy time summed over the workers, and
// the sum of the row costs).
type validated struct {
	modelPoint
	measuredSpeedup             *float64
	predictedSpeedup            float64
	measuredBusy, predictedBusy float64
}

// scheduleErr is the error had the model known what the rows cost in the
// run: the prediction scaled by the measured busy time over the predicted
// one, against the measured time.
func (v validated) scheduleErr() float64 {
	return v.predicted*v.measuredBusy/v.predictedBusy/v.measured - 1
}

// validation predicts every configuration the sweep measured on a scene
// whose rows were timed.
func (r *Result) validation() ([]validated, error) {
	var out []validated
	for _, s := range r.Summaries {
		i := slices.IndexFunc(r.scenes, func(sr *sceneRun) bool { return sr.Name == s.Scene })
		if i < 0 || r.scenes[i].rowCosts == nil || s.config == nil {
			continue
		}
		st := s.config.strategy
		res, err := model.Simulate(st, r.scenes[i].rowCosts, r.measured.params(st, s.Workers, s.Grain))
		if err != nil {
			return nil, fmt.Errorf("bench: model-validation.csv: %w", err)
		}
		v := validated{
			modelPoint: modelPoint{scene: s.Scene, strategy: st, grain: s.Grain, workers: s.Workers,
				measured: s.MedianS, predicted: res.Makespan},
			measuredSpeedup: s.Speedup, predictedSpeedup: res.Speedup, measuredBusy: s.TotalBusyS,
		}
		for _, b := range res.Busy {
			v.predictedBusy += b
		}
		out = append(out, v)
	}
	return out, nil
}

// writeModelMarkdown writes summary.md's section on the model: its error
// on the configurations measured, by worker count and, from two workers,
// by grain, and on the emulated ones by grain. Nothing without --simulate.
func (r *Result) writeModelMarkdown(w io.Writer) error {
	if len(r.simulate) == 0 {
		return nil
	}
	vs, err := r.validation()
	if err != nil {
		return err
	}
	var all, parallel []modelPoint
	misses, byRows := 0, 0
	for _, v := range vs {
		all = append(all, v.modelPoint)
		if v.workers >= 2 {
			parallel = append(parallel, v.modelPoint)
			if math.Abs(v.err()) > 0.10 {
				misses++
				if math.Abs(v.scheduleErr()) <= 0.10 {
					byRows++
				}
			}
		}
	}
	fmt.Fprint(w, "\n## The model (--simulate)\n\n")
	fmt.Fprint(w, "Predicted against measured, every configuration above (model-validation.csv; error = predicted / measured - 1, negative where the model is too fast; model.csv has the predictions to ")
	fmt.Fprintf(w, "%d workers):\n\n", slices.Max(r.simulate))
	if err := byWorkers(all).writeMarkdown(w); err != nil {
		return err
	}
	if len(parallel) > 0 {
		fmt.Fprint(w, "\nFrom 2 workers, by grain:\n\n")
		if err := byGrain(parallel).writeMarkdown(w); err != nil {
			return err
		}
		if misses > 0 {
			fmt.Fprintf(w, "\nOf the %d misses beyond 10%% from 2 workers, %d are within 10%% once the model is given what the rows cost in the run (schedule_error in model-validation.csv): the rows themselves cost more than alone, which no schedule explains; the other %d missed in the schedule, the claims or the waiting.\n", misses, byRows, misses-byRows)
		}
	}
	var emulated []modelPoint
	for _, sr := range r.scenes {
		emulated = append(emulated, emulatedPoints(sr.emulated)...)
	}
	if len(emulated) > 0 {
		fmt.Fprint(w, "\nEmulated many cores (emulated.csv: the real strategies on tasks that sleep each row's cost), by grain:\n\n")
		if err := byGrain(emulated).writeMarkdown(w); err != nil {
			return err
		}
	}
	return nil
}

var overheadsHeader = []string{"strategy", "claim_ns_1", "claim_ns_2", "model_claim_ns", "source"}

// machineCosts is what the model is told about the machine besides the
// rows' costs, all measured on it by the sweep: each strategy's claim, the
// primitives claims are made of, and how long an idle core takes to wake.
type machineCosts struct {
	claims     []claimCost
	primitives []primitiveCost
	// wake is the median delay before an idle core starts a goroutine, in
	// seconds; 0 where it was not measured (one CPU).
	wake float64
}

// params returns the model's parameters for st at workers and grain.
func (m *machineCosts) params(st strategies.Strategy, workers, grain int) model.Params {
	return model.Params{Workers: workers, Grain: grain, Overhead: m.overheads()[st], Wake: m.wake}
}

// overheads returns the overheads the model uses: model.Overheads with
// each claim cost replaced by the one measured on this machine at one
// worker for its claimSource, where there is one, and steal's probes by
// steal-empty and steal-success. One worker's figure is the uncontended
// cost; contention is the model's to add (Overhead.Shared), so the figure
// at two workers is recorded, not used.
func (m *machineCosts) overheads() map[strategies.Strategy]model.Overhead {
	out := maps.Clone(model.Overheads)
	for st, o := range out {
		if c, ok := m.claim(claimSource(st)); ok {
			o.Claim = c.one
			out[st] = o
		}
	}
	st := out[strategies.Steal]
	for _, p := range m.primitives {
		switch p.name {
		case "steal-empty":
			st.StealEmpty = p.one
		case "steal-success":
			st.StealSuccess = p.one
		}
	}
	out[strategies.Steal] = st
	return out
}

// claim returns the claim cost measured for st, if it was.
func (m *machineCosts) claim(st strategies.Strategy) (claimCost, bool) {
	i := slices.IndexFunc(m.claims, func(c claimCost) bool { return c.strategy == st })
	if i < 0 {
		return claimCost{}, false
	}
	return m.claims[i], true
}

// claimSource is the strategy whose measured claim cost the model charges
// st: its own, but for guided, which makes too few claims for its own
// figure to be one claim's cost (at one worker, one claim takes every row),
// and whose compare-and-swap costs what atomic's add does uncontended.
func claimSource(st strategies.Strategy) strategies.Strategy {
	if st == strategies.Guided {
		return strategies.Atomic
	}
	return st
}

// overheadSource says where the model's claim cost of st comes from, for
// overheads.csv.
func (m *machineCosts) overheadSource(st strategies.Strategy) string {
	src := claimSource(st)
	switch _, ok := m.claim(src); {
	case !ok:
		return "constant (model.Overheads)"
	case src != st:
		return src.Name() + "'s, measured at 1 worker"
	}
	return "measured at 1 worker"
}

// serialFirst returns serial, then the strategies of sts but serial: the
// strategies a sweep measures, serial always among them as the baseline.
func serialFirst(sts []strategies.Strategy) []strategies.Strategy {
	out := []strategies.Strategy{strategies.Serial}
	for _, st := range sts {
		if st != strategies.Serial {
			out = append(out, st)
		}
	}
	return out
}

// overheadIndices is how many indices the overhead measurement runs each
// strategy over: enough claims that a run's fixed cost (starting the
// workers) is a small share of its time.
const overheadIndices = 1 << 14

// overheadReps is how many times each strategy is timed at each worker
// count; the median is kept.
const overheadReps = 5

// claimCost is one strategy's measured overhead per claim, in seconds, at
// one worker and at two (GOMAXPROCS set to match): a run's wall time over
// its claims, so a strategy whose claims proceed in parallel halves at two
// workers, and one whose claims serialize does not.
type claimCost struct {
	strategy strategies.Strategy
	one, two float64
}

// measureOverheads times each strategy on a task that does nothing, over n
// indices at grain 1, on one worker and on two, and returns the median time
// per claim (per task call, as the strategy's report counts them) for each.
// This is BenchmarkOverhead of bench/model, run by the harness on the
// machine it measures, so that the model's claim costs are this machine's.
func measureOverheads(ctx context.Context, sts []strategies.Strategy, n, reps int) ([]claimCost, error) {
	noop := func(_, _, _ int) (int64, error) { return 0, nil }
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	out := make([]claimCost, 0, len(sts))
	for _, st := range sts {
		c := claimCost{strategy: st}
		for _, w := range []int{1, 2} {
			runtime.GOMAXPROCS(w)
			per := make([]float64, 0, reps)
			for range reps {
				t0 := time.Now()
				rep, err := st.Run(ctx, n, strategies.Options{Workers: w, Grain: 1}, noop)
				elapsed := time.Since(t0).Seconds()
				if err != nil {
					return nil, fmt.Errorf("bench: overhead of %s on %d workers: %w", st.Name(), w, err)
				}
				per = append(per, elapsed/float64(max(rep.Blocks(), 1)))
			}
			if w == 1 {
				c.one = median(per)
			} else {
				c.two = median(per)
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// primitiveMinTime and primitiveReps shape the timing of each primitive:
// repetitions of at least primitiveMinTime each, the median kept. Short,
// because the sweep's own runs are what it is for.
const (
	primitiveMinTime = 20 * time.Millisecond
	primitiveReps    = 5
)

// primitiveCost is one of strategies.Primitives timed on this machine: the
// median time per operation, in seconds, with GOMAXPROCS 1 and 2 (a
// hand-over between goroutines can run on both cores at 2).
type primitiveCost struct {
	name     string
	one, two float64
}

// measurePrimitives times every primitive, as BenchmarkPrimitives of
// package strategies does, with GOMAXPROCS 1 and then 2.
func measurePrimitives(minTime time.Duration, reps int) []primitiveCost {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	var out []primitiveCost
	for _, p := range strategies.Primitives() {
		c := primitiveCost{name: p.Name}
		runtime.GOMAXPROCS(1)
		c.one = timePerOp(p.Run, minTime, reps)
		runtime.GOMAXPROCS(2)
		c.two = timePerOp(p.Run, minTime, reps)
		out = append(out, c)
	}
	return out
}

// timePerOp returns the median time per operation of run(n), in seconds,
// over reps runs of an n that takes at least minTime, found by doubling.
func timePerOp(run func(n int), minTime time.Duration, reps int) float64 {
	n := 1
	for {
		t0 := time.Now()
		run(n)
		if time.Since(t0) >= minTime || n >= 1<<30 {
			break
		}
		n *= 2
	}
	per := make([]float64, reps)
	for i := range per {
		t0 := time.Now()
		run(n)
		per[i] = time.Since(t0).Seconds() / float64(n)
	}
	return median(per)
}

// wakeIdle and wakeReps shape wakeDelays: how long the other cores idle
// before each wake, and how many wakes each timed round measures.
const (
	wakeIdle = time.Millisecond
	wakeReps = 11
)

// wakeDelays returns reps delays, in seconds, between starting a goroutine
// and its running, while the starting goroutine keeps its own core busy and
// the other core has been idle for idle: what the second worker of a run
// waits when the run begins, as every sweep run does, after the
// single-threaded checks of the previous one. A parked core is woken by the
// operating system (on a VM, by the hypervisor), which takes tens of
// microseconds where a block may take a few. None on a machine with one
// CPU.
func wakeDelays(idle time.Duration, reps int) []float64 {
	if runtime.NumCPU() < 2 {
		return nil
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	delays := make([]float64, reps)
	for i := range delays {
		spinFor(idle)
		var started atomic.Int64
		t0 := time.Now()
		go func() { started.Store(max(1, int64(time.Since(t0)))) }()
		for started.Load() == 0 {
			// Spinning keeps this core busy, so that the goroutine runs
			// on the other one, once it wakes.
		}
		delays[i] = time.Duration(started.Load()).Seconds()
	}
	return delays
}

// spinFor keeps the calling goroutine's core busy for d.
func spinFor(d time.Duration) {
	for t0 := time.Now(); time.Since(t0) < d; {
	}
}

var primitivesHeader = []string{"primitive", "ns_1", "ns_2", "used_by_model"}

// writePrimitives writes primitives.csv: each primitive's time per
// operation at GOMAXPROCS 1 and 2, and the idle core's wake-up, with what
// the model takes from each.
func writePrimitives(w io.Writer, m machineCosts) error {
	cw := csv.NewWriter(w)
	cw.Write(primitivesHeader)
	for _, p := range m.primitives {
		use := ""
		switch p.name {
		case "steal-empty":
			use = "steal: each probe of an empty deque (ns_1)"
		case "steal-success":
			use = "steal: each probe that takes work (ns_1)"
		}
		cw.Write([]string{p.name, num(p.one * 1e9), num(p.two * 1e9), use})
	}
	if m.wake > 0 {
		cw.Write([]string{"wake-idle-core", "", num(m.wake * 1e9), "every strategy: every worker but the first starts this late (ns_2)"})
	}
	cw.Flush()
	return cw.Error()
}
