package strategies

// Serial runs every index in order on the calling goroutine: the baseline.
var Serial Strategy = &scheduler{name: "serial", usesGrain: false, serial: true, schedule: scheduleSerial,
	summary: "one goroutine renders every row in order; the baseline for speedup, never the fastest on more than one core"}

// scheduleSerial runs everything as worker 0 on the calling goroutine, one
// block of grain 1 per index so that its report counts blocks like the others.
func scheduleSerial(r *run) {
	for i := 0; i < r.n; i++ {
		if !r.do(0, i, i+1) {
			return
		}
	}
}
