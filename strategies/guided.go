package strategies

import "sync/atomic"

// Guided claims shrinking blocks, OpenMP guided.
var Guided Strategy = &scheduler{name: "guided", usesGrain: true, schedule: scheduleGuided,
	summary: "workers claim max(remaining/W, grain) rows by compare-and-swap (OpenMP guided); big blocks first, small at the end, loses when the expensive rows come first"}

// scheduleGuided is OpenMP's schedule(guided): each claim takes
// max(ceil(remaining/W), grain) indices, so that early claims are large
// (few claims) and late ones small (a balanced finish). The size depends on
// the index claimed, hence compare-and-swap rather than a blind add.
func scheduleGuided(r *run) {
	var next atomic.Int64
	r.goWorkers(func(w int) {
		for {
			lo := int(next.Load())
			if lo >= r.n {
				return
			}
			hi := lo + guidedSize(r.n-lo, r.workers, r.grain)
			if !next.CompareAndSwap(int64(lo), int64(hi)) {
				continue // another worker claimed first; size again from its end
			}
			if !r.do(w, lo, hi) {
				return
			}
		}
	})
}

// guidedSize returns the size of the next guided claim when remaining >= 1
// indices are left.
func guidedSize(remaining, workers, grain int) int {
	return min(max((remaining-1)/workers+1, grain), remaining)
}
