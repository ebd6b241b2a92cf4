package strategies

import (
	"sync"
	"sync/atomic"
)

// deque is one steal worker's double-ended queue of ranges. Only its owner
// pushes and pops at the bottom (the end of spans); thieves take from the top.
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

// push puts s at the bottom. Only the owner calls it. The size is stored
// before the caller looks for sleepers to wake; see stealPool.findWork.
func (d *deque) push(s span) {
	d.mu.Lock()
	d.spans = append(d.spans, s)
	d.size.Store(int64(len(d.spans)))
	d.mu.Unlock()
}

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
