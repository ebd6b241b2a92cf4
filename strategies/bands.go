package strategies

// Bands is the strategy named "bands".
var Bands = register(30, &scheduler{name: "bands", usesGrain: false, schedule: scheduleBands,
	simulate: simulateBands, costs: Costs{Claim: 121e-9},
	summary: "W contiguous bands of about n/W rows, one goroutine each (fork-join); no scheduling at all, but loses when cost is uneven"})

// scheduleBands computes worker w's band from w alone, so workers share no
// state, and renders it one row at a time rather than as one block, so that
// a stop is seen after a row, not after a band, and the trace shows where
// within its band each worker spent its time.
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

// simulateBands is scheduleBands in simulated time.
func simulateBands(s Sim) {
	for w := range s.Workers() {
		lo, hi := band(w, s.N(), s.Workers())
		for i := lo; i < hi; i++ {
			s.Do(w, i, i+1)
		}
	}
}

// band returns worker w's share [w*n/W, (w+1)*n/W) of [0, n): W contiguous
// bands whose sizes differ by at most one.
func band(w, n, workers int) (lo, hi int) {
	return w * n / workers, (w + 1) * n / workers
}
