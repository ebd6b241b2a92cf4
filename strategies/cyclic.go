package strategies

// Cyclic is the strategy named "cyclic".
var Cyclic Strategy = &scheduler{name: "cyclic", usesGrain: true, schedule: scheduleCyclic,
	summary: "blocks of grain rows dealt round robin, block b to worker b mod W (OpenMP static,k); no coordination, balanced when cost varies smoothly, not when it varies with period W*grain"}

// scheduleCyclic computes worker w's blocks from w alone: it starts at block
// w and strides W blocks, so workers share no state at all, and which worker
// renders which row is the same on every run.
func scheduleCyclic(r *run) {
	stride := r.workers * r.grain
	r.goWorkers(func(w int) {
		for lo := w * r.grain; lo < r.n; lo += stride {
			if !r.do(w, lo, min(lo+r.grain, r.n)) {
				return
			}
		}
	})
}
