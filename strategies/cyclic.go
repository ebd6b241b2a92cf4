package strategies

// Cyclic deals blocks round robin.
var Cyclic Strategy = &scheduler{name: "cyclic", usesGrain: true, schedule: scheduleCyclic,
	summary: "blocks of grain rows dealt round robin, block b to worker b mod W (OpenMP static,k); no coordination, balanced when cost varies smoothly, not when it varies with period W*grain"}

// scheduleCyclic interleaves statically: worker w renders blocks w, w+W,
// w+2W, ... of grain rows each. Nothing is shared, so nothing is contended;
// the balance comes from neighbouring rows costing about the same.
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
