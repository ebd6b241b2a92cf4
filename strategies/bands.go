package strategies

// Bands gives each worker one contiguous band.
var Bands Strategy = &scheduler{name: "bands", usesGrain: false, schedule: scheduleBands,
	summary: "W contiguous bands of about n/W rows, one goroutine each (fork-join); cheapest, but loses when cost is uneven"}

// scheduleBands gives worker w the band [w*n/W, (w+1)*n/W) and renders it one
// row at a time, so that cancellation and the trace see rows, not bands.
func scheduleBands(r *run) {
	r.goWorkers(func(w int) {
		lo, hi := band(w, r.n, r.workers)
		for i := lo; i < hi; i++ {
			if !r.do(w, i, i+1) {
				return
			}
		}
	})
}

// band returns worker w's share [w*n/W, (w+1)*n/W) of [0, n): W contiguous
// bands whose sizes differ by at most one.
func band(w, n, workers int) (lo, hi int) {
	return w * n / workers, (w + 1) * n / workers
}
