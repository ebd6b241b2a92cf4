package strategies

// Serial is the strategy named "serial".
var Serial = register(10, &scheduler{name: "serial", usesGrain: false, serial: true, schedule: scheduleSerial,
	simulate: simulateSerial, costs: Costs{Claim: 126e-9},
	summary: "the calling goroutine renders every row in order, one at a time, whatever W; the baseline for speedup"})

// scheduleSerial makes one block per index, as grain 1 would, so that its
// report counts blocks like the others' and a stop is seen after one row.
// It runs the task on the caller's goroutine, as worker 0: a baseline pays
// for no goroutine.
func scheduleSerial(r *run) {
	for i := range r.n {
		if !r.do(0, i, i+1) {
			return
		}
	}
}

// simulateSerial is scheduleSerial in simulated time.
func simulateSerial(s Sim) {
	for i := range s.N() {
		s.Do(0, i, i+1)
	}
}
