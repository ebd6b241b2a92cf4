package strategies

import "iter"

// Cyclic is the strategy named "cyclic".
var Cyclic = register(40, &scheduler{name: "cyclic", usesGrain: true, schedule: scheduleCyclic,
	simulate: simulateCyclic, costs: Costs{Claim: 131e-9},
	summary: "blocks of grain rows dealt round robin, block b to worker b mod W (OpenMP static,k); no coordination, balanced when cost varies smoothly, not when it varies with period W*grain"})

// scheduleCyclic computes worker w's blocks from w alone: it starts at block
// w and strides W blocks, so workers share no state at all, and which worker
// renders which row is the same on every run.
func scheduleCyclic(r *run) {
	r.goWorkers(func(w int) {
		for lo, hi := range cyclicBlocks(w, r.n, r.workers, r.grain) {
			if !r.do(w, lo, hi) {
				return
			}
		}
	})
}

// simulateCyclic is scheduleCyclic in simulated time.
func simulateCyclic(s Sim) {
	for w := range s.Workers() {
		for lo, hi := range cyclicBlocks(w, s.N(), s.Workers(), s.Grain()) {
			s.Do(w, lo, hi)
		}
	}
}

// cyclicBlocks yields worker w's blocks [lo, hi) in order: block w, then
// every W-th block after it.
func cyclicBlocks(w, n, workers, grain int) iter.Seq2[int, int] {
	return func(yield func(lo, hi int) bool) {
		for lo := w * grain; lo < n; lo += workers * grain {
			if !yield(lo, min(lo+grain, n)) {
				return
			}
		}
	}
}
