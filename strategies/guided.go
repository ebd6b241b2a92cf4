package strategies

import "sync/atomic"

// Guided is the strategy named "guided".
var Guided = register(80, &scheduler{name: "guided", usesGrain: true, schedule: scheduleGuided,
	simulate: simulateGuided,
	// Guided makes too few claims for BenchmarkOverhead to time one (at
	// one worker, one claim takes every row), and its compare-and-swap
	// costs what atomic's add does when uncontended.
	costs: Costs{Claim: 131e-9, Shared: true}, claimsLike: Atomic,
	summary: "workers claim max(ceil(remaining/W), grain) rows at a time by compare-and-swap (OpenMP guided); big blocks first, small at the end, loses when the expensive rows come first"})

// scheduleGuided is OpenMP's schedule(guided), with guidedSize for the
// size of a claim. Large early claims keep the number of claims down; small
// late ones let the workers finish together. The size depends on where the
// claim starts, so a claim is a compare-and-swap, which fails when another
// worker moved the counter first, rather than atomic's blind add.
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

// simulateGuided is scheduleGuided in simulated time: the claim sizes are
// guidedSize's, in index order, each to the worker free first.
func simulateGuided(s Sim) {
	simulateQueue(s, func(next int) int { return guidedSize(s.N()-next, s.Workers(), s.Grain()) })
}

// guidedSize returns the size of the next guided claim when remaining >= 1
// indices are left.
func guidedSize(remaining, workers, grain int) int {
	return min(max((remaining-1)/workers+1, grain), remaining)
}
