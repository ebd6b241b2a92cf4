package strategies

import "sync/atomic"

// Atomic is the strategy named "atomic".
var Atomic = register(70, &scheduler{name: "atomic", usesGrain: true, schedule: scheduleAtomic,
	simulate: simulateBlocks, costs: Costs{Claim: 131e-9, Shared: true},
	summary: "workers claim the next block of grain rows with an atomic add on a shared counter (OpenMP dynamic,k); dynamic and lock-free, one contended cache line"})

// scheduleAtomic is the Benchmarks Game's Go program. One add both claims a
// block and moves the counter past it, so a claim never fails and never
// retries, unlike guided's compare-and-swap. The price is that the counter
// runs past n by up to W blocks, as every worker's last add overshoots; grain
// is clamped to n, so it cannot overflow.
func scheduleAtomic(r *run) {
	var next atomic.Int64
	r.goWorkers(func(w int) {
		for {
			lo := int(next.Add(int64(r.grain))) - r.grain
			if lo >= r.n {
				return
			}
			if !r.do(w, lo, min(lo+r.grain, r.n)) {
				return
			}
		}
	})
}

// simulateBlocks replays a shared source of blocks of grain indices, handed
// out in order, each to the worker free first: atomic's counter, and
// mutex's and chan's, which differ in what a claim costs.
func simulateBlocks(s Sim) { simulateQueue(s, func(int) int { return s.Grain() }) }
