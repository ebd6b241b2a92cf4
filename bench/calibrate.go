package bench

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync/atomic"
	"time"

	"github.com/mandel-project/mandel/bench/model"
	"github.com/mandel-project/mandel/bench/stats"
	"github.com/mandel-project/mandel/strategies"
)

// minRowPasses is the fewest times each row is timed. Each row's median
// over the passes gives the shape of the costs, so that one preemption does
// not make a row look expensive, and the passes' median total gives their
// level (see model.ScaledMedians).
const minRowPasses = 5

// measureMachine measures what the model is told about the machine before
// the timed rounds: each strategy's overhead per claim and the primitives.
// The rows and an idle core's wake-up are timed during the rounds (see
// timeRows). Only when Config.Simulate is set.
func (s *sweep) measureMachine(ctx context.Context) error {
	if len(s.plan.simulate) == 0 {
		return nil
	}
	s.progress.Phase("measuring the strategies' overheads")
	sts := serialFirst(s.plan.strategies)
	for _, st := range sts {
		if src := model.ClaimSource(st); !slices.Contains(sts, src) {
			sts = append(sts, src)
		}
	}
	var err error
	if s.measured.Claims, err = measureOverheads(ctx, sts, overheadIndices, overheadReps); err != nil {
		if ctx.Err() != nil {
			return s.interrupted(ctx.Err())
		}
		return err
	}
	s.progress.Phase("timing the primitives")
	pt := s.cfg.PrimitiveTime
	if pt == 0 {
		pt = primitiveMinTime
	}
	s.measured.Primitives = measurePrimitives(pt, primitiveReps)
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
	s.progress.Phase(fmt.Sprintf("timing the rows (pass %d)", s.env.Sweep.RowPasses+1))
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
			sr.RowCosts = model.ScaledMedians(sr.rowPasses)
		}
		sr.rowPasses = nil
	}
	s.measured.Wake = stats.Median(s.wakes)
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

// measureOverheads times each strategy on a task that does nothing, over n
// indices at grain 1, on one worker and on two, and returns the median time
// per claim (per task call, as the strategy's report counts them) for each.
// This is BenchmarkOverhead of bench/model, run by the harness on the
// machine it measures, so that the model's claim costs are this machine's.
func measureOverheads(ctx context.Context, sts []strategies.Strategy, n, reps int) ([]model.ClaimCost, error) {
	noop := func(_, _, _ int) (int64, error) { return 0, nil }
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	out := make([]model.ClaimCost, 0, len(sts))
	for _, st := range sts {
		c := model.ClaimCost{Strategy: st}
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
				c.One = stats.Median(per)
			} else {
				c.Two = stats.Median(per)
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

// measurePrimitives times every primitive, as BenchmarkPrimitives of
// package strategies does, with GOMAXPROCS 1 and then 2.
func measurePrimitives(minTime time.Duration, reps int) []model.PrimitiveCost {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	var out []model.PrimitiveCost
	for _, p := range strategies.Primitives() {
		c := model.PrimitiveCost{Name: p.Name}
		runtime.GOMAXPROCS(1)
		c.One = timePerOp(p.Run, minTime, reps)
		runtime.GOMAXPROCS(2)
		c.Two = timePerOp(p.Run, minTime, reps)
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
	return stats.Median(per)
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
