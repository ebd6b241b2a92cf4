package strategies

import "sync"

// Rows is the strategy named "rows".
var Rows = register(20, &scheduler{name: "rows", usesGrain: false, schedule: scheduleRows,
	simulate: simulateRows,
	// A goroutine and a token hand-over per row, all started by one
	// goroutine: the claims serialize.
	costs:   Costs{Claim: 1340e-9, Shared: true},
	summary: "one goroutine per row, all started up front, at most W of them running the task (worker tokens); the Go scheduler balances, at a goroutine's cost per row"})

// scheduleRows leaves the balancing to the Go runtime's scheduler, which
// picks the row whose goroutine runs next. A row's goroutine holds one of W
// worker tokens while it runs the task, so that W is respected and each
// worker's stats belong to one goroutine at a time: the channel hand-over
// orders one holder's writes before the next holder's.
func scheduleRows(r *run) {
	tokens := make(chan int, r.workers)
	for w := range r.workers {
		tokens <- w
	}
	var wg sync.WaitGroup
	for row := range r.n {
		if r.stopped() {
			break // the rows not yet started would only exit again
		}
		wg.Go(func() {
			var w int
			select {
			case w = <-tokens:
			case <-r.ctx.Done():
				return
			}
			defer func() { tokens <- w }()
			r.do(w, row, row+1) // do refuses to start once the run stopped
		})
	}
	wg.Wait()
}

// simulateRows replays rows as a shared queue of one row at a time: the Go
// scheduler runs the waiting goroutines about in order as tokens free up.
func simulateRows(s Sim) { simulateQueue(s, func(int) int { return 1 }) }
