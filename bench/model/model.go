// Package model predicts how the strategies of package strategies scale to
// worker counts that the measuring machine does not have. It replays each
// strategy's own decision rule (its strategies.Simulated method, written
// beside its Run) over measured per-row costs, in a deterministic
// discrete-event simulation: every worker has a clock, and the worker whose
// clock is earliest acts next.
//
// The model knows only two costs: each row's, measured, and each claim's, a
// constant per strategy (Overhead). Claims on a shared structure (a
// counter, a lock, a channel) are serialized, one at a time, which is what
// makes cheap blocks stop scaling; everything else the machine does (memory
// bandwidth, SMT, frequency scaling, the Go scheduler's latency) is left out.
package model

import (
	"cmp"
	"container/heap"
	"fmt"
	"slices"

	"github.com/mandel-project/mandel/strategies"
)

// Overhead is what a strategy pays beyond the task, in seconds; see
// strategies.Costs.
type Overhead = strategies.Costs

// Overheads holds each strategy of the catalogue's default overhead, its
// strategies.Simulated.DefaultCosts. A sweep with --simulate measures the
// claim costs on its own machine and uses those instead; these are the
// fallback, and what tests use.
var Overheads = defaultOverheads()

func defaultOverheads() map[strategies.Strategy]Overhead {
	out := map[strategies.Strategy]Overhead{}
	for _, st := range strategies.All() {
		if ss, ok := st.(strategies.Simulated); ok {
			out[st] = ss.DefaultCosts()
		}
	}
	return out
}

// Params describes one simulated run.
type Params struct {
	// Workers is W, at least 1; serial always runs on one.
	Workers int
	// Grain is the block size of the strategies that use one; 0 means 1.
	Grain int
	// Overhead is the strategy's; see Overheads.
	Overhead Overhead
	// Wake is how long an idle core takes to start running a worker, in
	// seconds: every worker but the first, which starts on the core that
	// starts the run, begins this late. It is the machine's, not the
	// strategy's (the harness measures it), and 0 leaves it out.
	Wake float64
	// Prefix is the serial part of the run before any row, in seconds: a
	// deep view's reference orbit, which one core computes while the
	// others wait. Every worker starts after it (and Wake); Makespan and
	// Speedup include it, so that no worker count brings Speedup past
	// (Prefix + the rows' costs) / Prefix, Amdahl's bound.
	Prefix float64
	// Trace records every block in Result.Trace.
	Trace bool
}

// Block is one simulated task call, with its times in seconds from the
// start of the run.
type Block struct {
	Worker, Lo, Hi int
	Start, End     float64
}

// Result is a simulated run. Times are in seconds.
type Result struct {
	// Makespan is when the last worker finished, Params.Prefix included.
	Makespan float64
	// Speedup is the prefix and the sum of the row costs (a serial run
	// without overhead) over Makespan; Efficiency is Speedup / Workers.
	Speedup, Efficiency float64
	// Imbalance is max(busy) / mean(busy) over the workers, as
	// strategies.Report.Imbalance: 1 is a perfect balance.
	Imbalance float64
	// Claims counts blocks; StealAttempts and Steals count probes of other
	// workers' deques and the successful ones (steal only).
	Claims, StealAttempts, Steals int
	// Busy is each worker's time in the task, without overhead.
	Busy []float64
	// Trace holds every block in order of (start, worker) when
	// Params.Trace was set.
	Trace []Block
}

// Simulate replays strategy st over rows whose costs, in seconds, are
// costs[i]. It fails for a strategy that is not strategies.Simulated.
func Simulate(st strategies.Strategy, costs []float64, p Params) (*Result, error) {
	name := st.Name()
	if p.Workers < 1 {
		return nil, fmt.Errorf("model: %s: workers must be at least 1, got %d", name, p.Workers)
	}
	if p.Grain < 0 {
		return nil, fmt.Errorf("model: %s: grain must not be negative, got %d", name, p.Grain)
	}
	if p.Wake < 0 {
		return nil, fmt.Errorf("model: %s: wake must not be negative, got %g", name, p.Wake)
	}
	if p.Prefix < 0 {
		return nil, fmt.Errorf("model: %s: prefix must not be negative, got %g", name, p.Prefix)
	}
	ss, ok := st.(strategies.Simulated)
	if !ok {
		return nil, fmt.Errorf("model: no rule for strategy %q", name)
	}
	n := len(costs)
	if p.Grain == 0 {
		p.Grain = 1
	}
	p.Grain = min(p.Grain, max(n, 1)) // as strategies clamp it
	p.Workers = ss.WorkersFor(p.Workers)
	s := &sim{p: p, n: n, clock: make([]float64, p.Workers), busy: make([]float64, p.Workers)}
	for w := range p.Workers {
		s.clock[w] = p.Prefix
		if w > 0 {
			s.clock[w] += p.Wake
		}
	}
	s.prefix = make([]float64, n+1)
	for i, c := range costs {
		s.prefix[i+1] = s.prefix[i] + c
	}
	ss.Simulate(s)
	return s.result(), nil
}

// sim is the state of one simulated run; it is the strategies.Sim that a
// strategy's rule drives.
type sim struct {
	p      Params
	n      int
	prefix []float64 // prefix[i] is the cost of rows [0, i)
	clock  []float64 // when each worker is next free
	busy   []float64
	// active holds the workers not retired, the earliest free on top. It is
	// built at the first Next or Retire: static schedules, which never ask,
	// pay nothing for it.
	active *byClock
	// shared is when the shared structure is next free, for Shared claims.
	shared                        float64
	claims, stealAttempts, steals int
	trace                         []Block
}

func (s *sim) N() int       { return s.n }
func (s *sim) Workers() int { return s.p.Workers }
func (s *sim) Grain() int   { return s.p.Grain }

// Do has worker w claim and run the rows [lo, hi) at its clock.
func (s *sim) Do(w, lo, hi int) {
	t := s.clock[w]
	if s.p.Overhead.Shared {
		t = max(t, s.shared)
		s.shared = t + s.p.Overhead.Claim
	}
	t += s.p.Overhead.Claim
	cost := s.prefix[hi] - s.prefix[lo]
	if s.p.Trace {
		s.trace = append(s.trace, Block{Worker: w, Lo: lo, Hi: hi, Start: t, End: t + cost})
	}
	s.clock[w] = t + cost
	s.busy[w] += cost
	s.claims++
	s.moved(w)
}

// Probe charges worker w a probe of another worker's deque.
func (s *sim) Probe(w int, took bool) {
	s.stealAttempts++
	if took {
		s.steals++
		s.clock[w] += s.p.Overhead.StealSuccess
	} else {
		s.clock[w] += s.p.Overhead.StealEmpty
	}
	s.moved(w)
}

func (s *sim) Next() (int, bool) {
	q := s.queue()
	if q.Len() == 0 {
		return 0, false
	}
	return q.ws[0], true
}

func (s *sim) Retire(w int) {
	q := s.queue()
	if i := q.pos[w]; i >= 0 {
		heap.Remove(q, i)
	}
}

// queue returns the heap of active workers, built on first use.
func (s *sim) queue() *byClock {
	if s.active == nil {
		s.active = newByClock(s.clock)
	}
	return s.active
}

// moved restores the heap's order, if it is built, after w's clock changed.
func (s *sim) moved(w int) {
	if s.active != nil {
		if i := s.active.pos[w]; i >= 0 {
			heap.Fix(s.active, i)
		}
	}
}

// byClock is a heap of workers ordered by clock and then by number, so that
// ties always break the same way; pos is each worker's place in it, -1
// once removed.
type byClock struct {
	ws    []int
	pos   []int
	clock []float64
}

// newByClock returns a heap of every worker of clock.
func newByClock(clock []float64) *byClock {
	q := &byClock{clock: clock, pos: make([]int, len(clock))}
	for w := range clock {
		q.ws = append(q.ws, w)
		q.pos[w] = w
	}
	heap.Init(q)
	return q
}

func (q *byClock) Len() int { return len(q.ws) }
func (q *byClock) Less(i, j int) bool {
	a, b := q.ws[i], q.ws[j]
	return q.clock[a] < q.clock[b] || q.clock[a] == q.clock[b] && a < b
}
func (q *byClock) Swap(i, j int) {
	q.ws[i], q.ws[j] = q.ws[j], q.ws[i]
	q.pos[q.ws[i]], q.pos[q.ws[j]] = i, j
}
func (q *byClock) Push(x any) {
	q.pos[x.(int)] = len(q.ws)
	q.ws = append(q.ws, x.(int))
}
func (q *byClock) Pop() any {
	x := q.ws[len(q.ws)-1]
	q.ws = q.ws[:len(q.ws)-1]
	q.pos[x] = -1
	return x
}

func (s *sim) result() *Result {
	r := &Result{Claims: s.claims, StealAttempts: s.stealAttempts, Steals: s.steals, Busy: s.busy}
	var maxBusy float64
	for w := range s.clock {
		r.Makespan = max(r.Makespan, s.clock[w])
		maxBusy = max(maxBusy, s.busy[w])
	}
	total := s.prefix[s.n]
	if r.Makespan > 0 {
		r.Speedup = (s.p.Prefix + total) / r.Makespan
		r.Efficiency = r.Speedup / float64(len(s.clock))
	}
	if total > 0 {
		r.Imbalance = maxBusy * float64(len(s.busy)) / total
	}
	if s.p.Trace {
		slices.SortStableFunc(s.trace, func(a, b Block) int {
			return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.Worker, b.Worker))
		})
		r.Trace = s.trace
	}
	return r
}
