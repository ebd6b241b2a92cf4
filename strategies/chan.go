package strategies

// Chan feeds blocks to the workers through a channel.
var Chan Strategy = &scheduler{name: "chan", usesGrain: true, schedule: scheduleChan,
	summary: "a producer sends blocks of grain rows on a channel and W workers range over it; Go's idiomatic pool, a channel operation per block"}

// scheduleChan feeds blocks of grain rows to W workers through a channel.
// The buffer of W blocks lets a worker that finishes pick up its next block
// without waiting for the producer to be scheduled.
func scheduleChan(r *run) {
	blocks := make(chan span, r.workers)
	done := make(chan struct{})     // closed when the workers have returned
	produced := make(chan struct{}) // closed when the producer has returned
	go func() {
		defer close(produced)
		defer close(blocks)
		for lo := 0; lo < r.n; lo += r.grain {
			select {
			case blocks <- span{lo, min(lo+r.grain, r.n)}:
			case <-done:
				return // the run stopped early: nobody will receive
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
	close(done)
	<-produced
}
