package strategies

import "sync"

// Mutex is the strategy named "mutex".
var Mutex = register(60, &scheduler{name: "mutex", usesGrain: true, schedule: scheduleMutex,
	simulate: simulateBlocks, costs: Costs{Claim: 153e-9, Shared: true},
	summary: "workers take the next block of grain rows from a shared counter under a sync.Mutex (Programming Rust's task queue); dynamic, the lock is contended when blocks are cheap"})

// scheduleMutex is the task queue of Programming Rust's Mandelbrot, reduced
// to what it needs: the queue is a next-index counter, and a worker holds the
// lock only to claim, never while it runs the task, so the lock costs what a
// claim costs and no more.
func scheduleMutex(r *run) {
	var (
		mu   sync.Mutex
		next int
	)
	claim := func() (lo, hi int, ok bool) {
		mu.Lock()
		defer mu.Unlock()
		if next >= r.n {
			return 0, 0, false
		}
		lo, next = next, min(next+r.grain, r.n)
		return lo, next, true
	}
	r.goWorkers(func(w int) {
		for {
			lo, hi, ok := claim()
			if !ok || !r.do(w, lo, hi) {
				return
			}
		}
	})
}
