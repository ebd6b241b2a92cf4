package strategies

import (
	"math/rand/v2"
	"runtime"
	"sync/atomic"
)

// Steal is the strategy named "steal".
var Steal = register(90, &scheduler{name: "steal", usesGrain: true, schedule: scheduleSteal,
	simulate: simulateSteal, costs: Costs{Claim: 166e-9, StealEmpty: 2e-9, StealSuccess: 55e-9},
	summary: "per-worker deques of row ranges, halved as they are worked; an idle worker steals about half the queued work of the first worker that has some, probing from a random one (rayon, the Go runtime); balances any cost profile for about a split and two uncontended locks per block"})

// spinRounds is how many rounds of failed steal attempts over every victim an
// idle worker makes, yielding between rounds, before it parks. Work often
// appears within a round or two, as a busy owner splits; the runtime's
// stealWork likewise makes 4 tries (stealTries) before its M stops spinning.
const spinRounds = 4

// scheduleSteal starts worker w with its static band, as bands would, so that
// a balanced view costs no steals at all. A worker pops the bottom of its own
// deque and, while the range is more than one grain, keeps the lower half and
// pushes the upper half back: this is rayon's splitting, which divides work
// only as fast as it is consumed. The owner thus renders its band in order,
// one grain at a time, and leaves ever smaller ranges from top to bottom, so
// that a thief taking the top takes about half of what is queued, and
// steals are few.
//
// The run is complete when the count of unprocessed indices reaches zero;
// the worker that brings it there closes done.
func scheduleSteal(r *run) {
	p := &stealPool{
		r:      r,
		deques: make([]deque, r.workers),
		wake:   make(chan struct{}, r.workers),
		done:   make(chan struct{}),
	}
	p.remaining.Store(int64(r.n))
	startBands(p.deques, r.n)
	r.goWorkers(p.work)
}

// simulateSteal is scheduleSteal in simulated time, on the same deques,
// bands, splits, victim order and seeds: the worker free first pops its own
// deque, or probes the others; one that finds every deque empty is done,
// for all unclaimed work is always in some deque (a split pushes at once).
func simulateSteal(s Sim) {
	workers, grain := s.Workers(), s.Grain()
	deques := make([]deque, workers)
	startBands(deques, s.N())
	rngs := make([]*rand.Rand, workers)
	for w := range rngs {
		rngs[w] = victimRNG(w)
	}
	for {
		w, ok := s.Next()
		if !ok {
			return
		}
		sp, ok := deques[w].pop()
		if !ok {
			sp, ok = probeVictims(w, workers, rngs[w], func(v int) (span, bool) {
				sp, took := deques[v].stealHalf(grain)
				s.Probe(w, took)
				return sp, took
			})
		}
		if !ok {
			s.Retire(w)
			continue
		}
		sp = splitOff(sp, grain, deques[w].push)
		s.Do(w, sp.lo, sp.hi)
	}
}

// startBands gives each worker's deque its band, as bands would render it.
func startBands(deques []deque, n int) {
	for w := range deques {
		if lo, hi := band(w, n, len(deques)); lo < hi {
			deques[w].push(span{lo, hi})
		}
	}
}

// victimRNG returns worker w's generator of victims. The seed makes the
// victim order reproducible; it affects only who renders what, never the
// result.
func victimRNG(w int) *rand.Rand { return rand.New(rand.NewPCG(uint64(w), 0)) }

// probeVictims offers every worker but w, once each, starting from a random
// one, to take, and returns the first range taken.
func probeVictims(w, workers int, rng *rand.Rand, take func(v int) (span, bool)) (span, bool) {
	if workers == 1 {
		return span{}, false
	}
	start := rng.IntN(workers)
	for i := range workers {
		v := (start + i) % workers
		if v == w {
			continue
		}
		if s, ok := take(v); ok {
			return s, true
		}
	}
	return span{}, false
}

// splitOff returns the first grain of s after pushing the rest, in halves,
// the upper first: rayon's splitting, so that the owner renders in order
// and leaves ever smaller ranges from top to bottom.
func splitOff(s span, grain int, push func(span)) span {
	for s.hi-s.lo > grain {
		mid := splitPoint(s, grain)
		push(span{mid, s.hi})
		s.hi = mid
	}
	return s
}

// stealPool is the state of one steal run.
type stealPool struct {
	r      *run
	deques []deque
	wake   chan struct{} // wake-ups for parked workers
	done   chan struct{} // closed when every index has been processed

	// remaining, written after every block by every worker, gets a cache
	// line of its own, away from sleepers, which every push reads.
	_         [64]byte
	remaining atomic.Int64 // indices not yet processed
	_         [64]byte
	sleepers  atomic.Int64 // workers parked or about to park
}

// work is worker w's loop: its own deque first, then other workers'.
func (p *stealPool) work(w int) {
	rng := victimRNG(w)
	own := &p.deques[w]
	for {
		s, ok := own.pop()
		if !ok {
			if s, ok = p.findWork(w, rng); !ok {
				return
			}
		}
		if !p.process(w, s) {
			return
		}
	}
}

// process renders the first grain of s as worker w after pushing the rest
// of s, in halves, on w's deque, where the next pop or a thief finds it.
func (p *stealPool) process(w int, s span) bool {
	s = splitOff(s, p.r.grain, func(rest span) { p.push(w, rest) })
	if !p.r.do(w, s.lo, s.hi) {
		return false
	}
	if p.remaining.Add(-int64(s.hi-s.lo)) == 0 {
		close(p.done)
	}
	return true
}

// findWork steals for worker w, whose deque is empty. It yields between
// failed rounds, then parks. It returns false when the run is complete or
// stopped.
func (p *stealPool) findWork(w int, rng *rand.Rand) (span, bool) {
	for round := 0; ; round++ {
		if p.over() {
			return span{}, false
		}
		if s, ok := p.steal(w, rng); ok {
			return s, true
		}
		if round < spinRounds {
			runtime.Gosched()
			continue
		}
		// A parked worker can never miss work. It announces itself in
		// sleepers, then looks at every deque once more, and only then
		// blocks; a pusher stores its deque's new size, then reads sleepers
		// (push). Both sides write before they read, and Go's atomics are
		// sequentially consistent, so either this look sees the push or the
		// pusher sees the sleeper and sends a wake-up. The buffer of W keeps
		// a wake-up until some sleeper takes it, and a full buffer only
		// means that the next sleeper to park returns at once and looks
		// again. The end of the run, complete or stopped, is not a push: done
		// and the run's context wake every sleeper for it.
		p.sleepers.Add(1)
		s, ok := p.steal(w, rng)
		if !ok {
			select {
			case <-p.wake:
			case <-p.done:
			case <-p.r.ctx.Done():
			}
		}
		p.sleepers.Add(-1)
		if ok {
			return s, true
		}
	}
}

// steal probes every other worker once, starting from a random one, and
// takes from the first deque that has work. Each probe counts as an attempt.
func (p *stealPool) steal(w int, rng *rand.Rand) (span, bool) {
	st := p.r.stats(w)
	return probeVictims(w, p.r.workers, rng, func(v int) (span, bool) {
		st.StealAttempts++
		s, ok := p.deques[v].stealHalf(p.r.grain)
		if ok {
			st.Steals++
		}
		return s, ok
	})
}

// push puts s at the bottom of w's deque and wakes a parked worker, if any,
// to steal it.
func (p *stealPool) push(w int, s span) {
	p.deques[w].push(s)
	if p.sleepers.Load() > 0 {
		select {
		case p.wake <- struct{}{}:
		default:
		}
	}
}

// over reports whether the run is complete or stopped.
func (p *stealPool) over() bool {
	select {
	case <-p.done:
		return true
	default:
		return p.r.stopped()
	}
}
