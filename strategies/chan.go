package strategies

// Chan is the strategy named "chan".
var Chan = register(50, &scheduler{name: "chan", usesGrain: true, schedule: scheduleChan,
	simulate: simulateBlocks, costs: Costs{Claim: 340e-9, Shared: true},
	summary: "a producer sends blocks of grain rows on a channel and W workers range over it; Go's idiomatic pool, a channel operation per block"})

// scheduleChan runs the producer on a goroutine of its own, so that all W
// workers run tasks. The buffer of W blocks lets a worker that finishes pick
// up its next block without waiting for the producer, but only while the
// buffer lasts: when every core runs a worker, the producer, readied into
// the run queue of the worker that received (runtime.ready), waits for that
// worker's block to end or for an idle core to take it, so workers do wait
// (BenchmarkBusyClaim measures it). That is this strategy's cost, and what
// it shows. Workers return early only when the run has stopped, so the
// run's context is what releases a producer blocked on a send that nobody
// will receive.
func scheduleChan(r *run) {
	blocks := make(chan span, r.workers)
	produced := make(chan struct{}) // closed when the producer has returned
	go func() {
		defer close(produced)
		defer close(blocks)
		for lo := 0; lo < r.n; lo += r.grain {
			select {
			case blocks <- span{lo, min(lo+r.grain, r.n)}:
			case <-r.ctx.Done():
				return
			}
		}
	}()
	r.goWorkers(func(w int) {
		for b := range blocks {
			if !r.do(w, b.lo, b.hi) {
				return
			}
		}
	})
	<-produced
}
