// Package model predicts how the strategies of package strategies scale to
// worker counts that the measuring machine does not have. It replays each
// strategy's own decision rule (the same bands, cyclic order, guided sizes
// and steal-half splits, through the functions package strategies exports)
// over measured per-row costs, in a deterministic discrete-event simulation:
// every worker has a clock, and the worker whose clock is earliest acts next.
//
// The model knows only two costs: each row's, measured, and each claim's, a
// constant per strategy (Overheads). Claims on a shared structure (a counter,
// a lock, a channel) are serialized, one at a time, which is what makes
// cheap blocks stop scaling; everything else the machine does (memory
// bandwidth, SMT, frequency scaling, the Go scheduler's latency) is left out.
package model

import (
	"cmp"
	"container/heap"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/mandel-project/mandel/strategies"
)

// Overhead is what a strategy pays beyond the task, in seconds.
type Overhead struct {
	// Claim is paid by a worker before each block it runs.
	Claim float64
	// Shared reports whether claims go through one shared structure, so
	// that no two claims overlap in time: a worker that wants to claim
	// while another does waits for it.
	Shared bool
	// StealEmpty is paid for each probe of another worker's deque that
	// finds it empty, and StealSuccess for one that takes work (steal).
	StealEmpty, StealSuccess float64
}

// Overheads holds each strategy's overhead: the ns/claim of BenchmarkOverhead
// at one worker (the strategies on a task that does nothing, grain 1, so
// that every index is a claim), measured on the 2-core development machine:
// what a block costs beyond its rows, the bookkeeping of every task call
// included. Guided makes too few claims for that benchmark to time one, and
// its compare-and-swap costs what atomic's add does when uncontended, so it
// has atomic's figure. The steal probes are BenchmarkPrimitives' steal-empty
// (an atomic load) and steal-success (a lock, a split, a push and a pop). None
// of them is fitted to the sweeps that the model is compared with. A sweep
// with --simulate measures the claim costs on its own machine and uses those
// instead; these are the fallback, and what tests use.
var Overheads = map[strategies.Strategy]Overhead{
	strategies.Serial: {Claim: 126e-9},
	strategies.Rows:   {Claim: 1340e-9, Shared: true}, // a goroutine and a token hand-over per row, all started by one goroutine
	strategies.Bands:  {Claim: 121e-9},
	strategies.Cyclic: {Claim: 131e-9},
	strategies.Chan:   {Claim: 340e-9, Shared: true},
	strategies.Mutex:  {Claim: 153e-9, Shared: true},
	strategies.Atomic: {Claim: 131e-9, Shared: true},
	strategies.Guided: {Claim: 131e-9, Shared: true},
	strategies.Steal:  {Claim: 166e-9, StealEmpty: 2e-9, StealSuccess: 55e-9},
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
	// Makespan is when the last worker finished.
	Makespan float64
	// Speedup is the sum of the row costs (a serial run without overhead)
	// over Makespan; Efficiency is Speedup / Workers.
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
// costs[i].
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
	n := len(costs)
	if p.Grain == 0 {
		p.Grain = 1
	}
	p.Grain = min(p.Grain, max(n, 1)) // as strategies clamp it
	if st == strategies.Serial {
		p.Workers = 1
	}
	s := &sim{p: p, n: n, clock: make([]float64, p.Workers), busy: make([]float64, p.Workers)}
	for w := 1; w < p.Workers; w++ {
		s.clock[w] = p.Wake
	}
	s.prefix = make([]float64, n+1)
	for i, c := range costs {
		s.prefix[i+1] = s.prefix[i] + c
	}
	switch st {
	case strategies.Serial:
		for i := range n {
			s.do(0, i, i+1)
		}
	case strategies.Bands:
		for w := range p.Workers {
			lo, hi := strategies.Band(w, n, p.Workers)
			for i := lo; i < hi; i++ {
				s.do(w, i, i+1)
			}
		}
	case strategies.Cyclic:
		for w := range p.Workers {
			for lo := w * p.Grain; lo < n; lo += p.Workers * p.Grain {
				s.do(w, lo, min(lo+p.Grain, n))
			}
		}
	case strategies.Rows:
		s.queue(func(next int) int { return 1 })
	case strategies.Chan, strategies.Mutex, strategies.Atomic:
		s.queue(func(next int) int { return p.Grain })
	case strategies.Guided:
		s.queue(func(next int) int { return strategies.GuidedSize(n-next, p.Workers, p.Grain) })
	case strategies.Steal:
		s.steal()
	default:
		return nil, fmt.Errorf("model: no rule for strategy %q", name)
	}
	return s.result(), nil
}

// sim is the state of one simulated run.
type sim struct {
	p      Params
	n      int
	prefix []float64 // prefix[i] is the cost of rows [0, i)
	clock  []float64 // when each worker is next free
	busy   []float64
	// shared is when the shared structure is next free, for Shared claims.
	shared                        float64
	claims, stealAttempts, steals int
	trace                         []Block
}

// do has worker w claim and run the rows [lo, hi) at its clock.
func (s *sim) do(w, lo, hi int) {
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
}

// queue runs a shared queue of blocks from 0 upwards, size(next) rows at a
// time, each to the worker that is free first: rows, chan, mutex, atomic
// and guided differ only in the sizes and what a claim costs.
func (s *sim) queue(size func(next int) int) {
	q := s.workers()
	next := 0
	for next < s.n {
		w := q.ws[0]
		hi := min(next+size(next), s.n)
		s.do(w, next, hi)
		next = hi
		heap.Fix(q, 0)
	}
}

// span is a range of rows in a steal deque.
type span struct{ lo, hi int }

// steal replays strategies.Steal: each worker starts with its band, splits
// what it pops in halves down to a grain, pushing the upper halves, and when
// its own deque is empty probes the others from a random one, seeded as the
// real workers are, taking the top range or, from a deque of one range,
// its upper half. All unclaimed work is always in some deque (a split pushes
// at once), so a worker that finds every deque empty is done.
func (s *sim) steal() {
	W, g := s.p.Workers, s.p.Grain
	deques := make([][]span, W)
	rngs := make([]*rand.Rand, W)
	for w := range W {
		if lo, hi := strategies.Band(w, s.n, W); lo < hi {
			deques[w] = append(deques[w], span{lo, hi})
		}
		rngs[w] = rand.New(rand.NewPCG(uint64(w), 0))
	}
	q := s.workers()
	for q.Len() > 0 {
		w := q.ws[0]
		var sp span
		ok := false
		if d := deques[w]; len(d) > 0 {
			sp, deques[w], ok = d[len(d)-1], d[:len(d)-1], true
		} else if W > 1 {
			start := rngs[w].IntN(W)
			for i := range W {
				v := (start + i) % W
				if v == w {
					continue
				}
				s.stealAttempts++
				d := deques[v]
				if len(d) == 0 {
					s.clock[w] += s.p.Overhead.StealEmpty
					continue
				}
				s.clock[w] += s.p.Overhead.StealSuccess
				top := d[0]
				if len(d) == 1 && top.hi-top.lo > g {
					mid := strategies.SplitPoint(top.lo, top.hi, g)
					d[0].hi = mid
					sp = span{mid, top.hi}
				} else {
					sp, deques[v] = top, d[1:]
				}
				s.steals++
				ok = true
				break
			}
		}
		if !ok {
			heap.Pop(q)
			continue
		}
		for sp.hi-sp.lo > g {
			mid := strategies.SplitPoint(sp.lo, sp.hi, g)
			deques[w] = append(deques[w], span{mid, sp.hi})
			sp.hi = mid
		}
		s.do(w, sp.lo, sp.hi)
		heap.Fix(q, 0)
	}
}

// workers returns a heap of every worker, ordered by clock and then by
// number, so that ties always break the same way.
func (s *sim) workers() *byClock {
	q := &byClock{clock: s.clock}
	for w := range s.p.Workers {
		q.ws = append(q.ws, w)
	}
	heap.Init(q)
	return q
}

// byClock is a heap of workers, the earliest free on top.
type byClock struct {
	ws    []int
	clock []float64
}

func (q *byClock) Len() int { return len(q.ws) }
func (q *byClock) Less(i, j int) bool {
	a, b := q.ws[i], q.ws[j]
	return q.clock[a] < q.clock[b] || q.clock[a] == q.clock[b] && a < b
}
func (q *byClock) Swap(i, j int) { q.ws[i], q.ws[j] = q.ws[j], q.ws[i] }
func (q *byClock) Push(x any)    { q.ws = append(q.ws, x.(int)) }
func (q *byClock) Pop() any {
	x := q.ws[len(q.ws)-1]
	q.ws = q.ws[:len(q.ws)-1]
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
		r.Speedup = total / r.Makespan
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
