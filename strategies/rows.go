package strategies

import "sync"

// Rows starts one goroutine per row.
var Rows Strategy = &scheduler{name: "rows", usesGrain: false, schedule: scheduleRows,
	summary: "one goroutine per row, all started at once, at most W running (worker tokens); the Go scheduler balances, at a goroutine's cost per row"}

// scheduleRows starts one goroutine per row and lets the Go runtime's
// scheduler pick which runs next. A row's goroutine holds one of W worker
// tokens while it runs the task, so that W is respected and each worker's
// stats belong to one goroutine at a time: the channel hand-over orders one
// holder's writes before the next holder's.
func scheduleRows(r *run) {
	tokens := make(chan int, r.workers)
	for w := 0; w < r.workers; w++ {
		tokens <- w
	}
	var wg sync.WaitGroup
	for row := 0; row < r.n; row++ {
		if r.stopped() {
			break // the rows not yet started would only exit again
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r.stopped() {
				return
			}
			w := <-tokens
			defer func() { tokens <- w }()
			r.do(w, row, row+1) // do itself refuses to start once the run stopped
		}()
	}
	wg.Wait()
}
