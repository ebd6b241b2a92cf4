package strategies

import (
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
)

// Steal is a work-stealing pool.
var Steal Strategy = &scheduler{name: "steal", usesGrain: true, schedule: scheduleSteal,
	summary: "per-worker deques of row ranges, split in half as they are worked; idle workers steal half of a random victim's work (rayon, the Go runtime); balances any cost profile for a lock and a split per block"}

// spinRounds is how many rounds of failed steal attempts over every victim an
// idle worker makes, yielding between rounds, before it parks. Work often
// appears within a round or two, as a busy owner splits; the runtime's
// stealWork likewise makes 4 tries (stealTries) before its M stops spinning.
const spinRounds = 4

// scheduleSteal is a work-stealing pool. Worker w starts with its static band
// on its own deque. It pops ranges from the bottom of its deque and, while a
// range is more than one grain, keeps the lower half and pushes the upper
// half back (rayon's splitting: work is divided only as fast as it is
// consumed), so it renders its band in order, one grain at a time, and its
// deque holds ever smaller ranges from top to bottom. An idle worker probes
// the others from a random one and takes the top range of the first non-empty
// deque, about half of that victim's queued work, or half of the victim's
// only range.
//
// The run is complete when the count of unprocessed indices reaches zero; the
// worker that brings it there closes done, which wakes the parked. Any worker
// that returns for another reason (the run stopped) closes done too.
func scheduleSteal(r *run) {
	p := &stealPool{
		r:      r,
		deques: make([]deque, r.workers),
		wake:   make(chan struct{}, r.workers),
		done:   make(chan struct{}),
	}
	p.remaining.Store(int64(r.n))
	for w := range p.deques {
		if lo, hi := band(w, r.n, r.workers); lo < hi {
			p.deques[w].spans = append(p.deques[w].spans, span{lo, hi})
			p.deques[w].size.Store(1)
		}
	}
	r.goWorkers(p.work)
}

// stealPool is the state of one steal run.
type stealPool struct {
	r      *run
	deques []deque
	wake   chan struct{} // a pusher's nudge to parked workers: there is work to steal
	done   chan struct{} // closed when the run is over, complete or stopped
	end    sync.Once     // closes done

	// remaining, written after every block by every worker, gets a cache
	// line of its own, away from sleepers, which every push reads.
	_         [64]byte
	remaining atomic.Int64 // indices not yet processed
	_         [64]byte
	sleepers  atomic.Int64 // workers parked or about to park
}

// deque is one worker's double-ended queue of ranges. Only its owner pushes
// and pops at the bottom (the end of spans); thieves take from the top.
//
// A mutex guards it rather than a lock-free Chase-Lev deque: the owner's lock
// is uncontended except while someone steals, costs tens of nanoseconds
// against a block's microseconds to milliseconds, and makes "steal half" (cut
// the victim's range in two) as simple as taking one element, which a
// Chase-Lev deque cannot do without a CAS protocol of its own. It also keeps
// the race detector's view exact.
type deque struct {
	mu    sync.Mutex
	spans []span       // spans[0] is the top: the oldest and largest range
	size  atomic.Int64 // len(spans), so that thieves skip an empty deque without locking it
	_     [64]byte     // keeps neighbouring deques' locks off one cache line
}

// work is worker w's loop: its own deque first, then other workers'.
func (p *stealPool) work(w int) {
	defer p.finish()
	// The seed makes the victim order reproducible; it affects only who
	// renders what, never the result.
	rng := rand.New(rand.NewPCG(uint64(w), 0))
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
	for s.hi-s.lo > p.r.grain {
		mid := splitPoint(s, p.r.grain)
		p.push(w, span{mid, s.hi})
		s.hi = mid
	}
	if !p.r.do(w, s.lo, s.hi) {
		return false
	}
	if p.remaining.Add(-int64(s.hi-s.lo)) == 0 {
		p.finish()
	}
	return true
}

// findWork steals for worker w, whose deque is empty. It yields between
// failed rounds, then parks until a push, the end of the run or the
// context's. It returns false when the run is over.
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
		// Announce, then look once more: a push that this look misses
		// happens after the announcement, so its pusher sees a sleeper and
		// sends a wake-up. Nothing is lost between looking and parking.
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
	if p.r.workers == 1 {
		return span{}, false
	}
	st := p.r.stats(w)
	start := rng.IntN(p.r.workers)
	for i := range p.r.workers {
		v := (start + i) % p.r.workers
		if v == w {
			continue
		}
		st.StealAttempts++
		if s, ok := p.deques[v].stealHalf(p.r.grain); ok {
			st.Steals++
			return s, true
		}
	}
	return span{}, false
}

// push puts s at the bottom of w's deque and, if workers are parked, wakes
// one to steal it.
func (p *stealPool) push(w int, s span) {
	d := &p.deques[w]
	d.mu.Lock()
	d.spans = append(d.spans, s)
	d.size.Store(int64(len(d.spans)))
	d.mu.Unlock()
	if p.sleepers.Load() > 0 {
		select {
		case p.wake <- struct{}{}:
		default: // W wake-ups are already pending
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

// finish ends the run for every worker.
func (p *stealPool) finish() { p.end.Do(func() { close(p.done) }) }

// pop takes the bottom range, the one its owner pushed last. Only the owner
// calls it.
func (d *deque) pop() (span, bool) {
	if d.size.Load() == 0 {
		return span{}, false // only the owner adds, so empty stays empty
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	n := len(d.spans)
	if n == 0 {
		return span{}, false
	}
	s := d.spans[n-1]
	d.spans = d.spans[:n-1]
	d.size.Store(int64(n - 1))
	return s, true
}

// stealHalf takes about half of the queued work: the top range, which the
// owner's halving made the largest, or, when it is the only range and more
// than one grain, its upper half.
func (d *deque) stealHalf(grain int) (span, bool) {
	if d.size.Load() == 0 {
		return span{}, false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.spans) == 0 {
		return span{}, false
	}
	top := d.spans[0]
	if len(d.spans) == 1 && top.hi-top.lo > grain {
		mid := splitPoint(top, grain)
		d.spans[0].hi = mid
		return span{mid, top.hi}, true
	}
	d.spans = append(d.spans[:0], d.spans[1:]...)
	d.size.Store(int64(len(d.spans)))
	return top, true
}

// splitPoint cuts s, which is more than one grain, into halves: below, half
// of its grains, rounded down; above, the rest, with any partial grain at the
// end. Pieces thus stay whole grains counted from where the range began.
func splitPoint(s span, grain int) int {
	grains := (s.hi - s.lo + grain - 1) / grain
	return s.lo + grains/2*grain
}
