package strategies

// Sim is a run in simulated time, as package bench/model drives it: each
// worker is a clock rather than a goroutine, and a block costs what the
// model says its rows cost. A strategy's Simulate method makes the
// decisions its Run makes (which worker takes which block next) through
// Sim, from the same functions, so that a schedule is written once.
type Sim interface {
	// N is the number of indices; Workers the number of workers the run
	// uses (Simulated.WorkersFor); Grain the grain, at least 1 and at most
	// N, as Run clamps it.
	N() int
	Workers() int
	Grain() int
	// Do has worker w claim the block [lo, hi) at its clock and run it:
	// the clock moves past the claim and the rows' cost.
	Do(w, lo, hi int)
	// Probe charges worker w one look into another worker's queue, which
	// took work when took is set.
	Probe(w int, took bool)
	// Next returns the worker whose clock is earliest, the lowest-numbered
	// of equal ones, among those not yet retired; ok is false when every
	// worker is.
	Next() (w int, ok bool)
	// Retire takes worker w out of Next's choice: it has found no work and
	// claims nothing more.
	Retire(w int)
}

// Costs is what a strategy pays beyond the task, in seconds of simulated
// time.
type Costs struct {
	// Claim is paid by a worker before each block it runs.
	Claim float64
	// Shared reports whether claims go through one shared structure, so
	// that no two claims overlap in time: a worker that wants to claim
	// while another does waits for it.
	Shared bool
	// StealEmpty is paid for each probe of another worker's queue that
	// finds it empty, and StealSuccess for one that takes work.
	StealEmpty, StealSuccess float64
}

// Simulated is a Strategy whose schedule package bench/model can replay.
// Every strategy of the catalogue is one.
type Simulated interface {
	Strategy
	// Simulate replays the strategy's schedule on s.
	Simulate(s Sim)
	// WorkersFor returns the number of workers a run asked for w runs on,
	// and reports: w, but 1 for serial.
	WorkersFor(w int) int
	// DefaultCosts returns the strategy's costs measured on the 2-core
	// development machine: the ns/claim of bench/model's BenchmarkOverhead
	// at one worker (the strategy on a task that does nothing, grain 1, so
	// that every index is a claim), which counts the bookkeeping of every
	// task call, and for probes BenchmarkPrimitives' steal-empty (an
	// atomic load) and steal-success (a lock, a split, a push and a pop).
	// None is fitted to the sweeps the model is compared with. A sweep
	// with --simulate measures them on its own machine and uses those
	// instead; these are the fallback, and what tests use.
	DefaultCosts() Costs
	// ClaimsLike returns the strategy whose claim cost, measured on a
	// machine, the model charges this one: itself, unless a one-worker
	// run of it makes too few claims for its time to be one claim's.
	ClaimsLike() Strategy
}

func (s *scheduler) Simulate(sim Sim)    { s.simulate(sim) }
func (s *scheduler) DefaultCosts() Costs { return s.costs }

func (s *scheduler) ClaimsLike() Strategy {
	if s.claimsLike != nil {
		return s.claimsLike
	}
	return s
}

func (s *scheduler) WorkersFor(w int) int {
	if s.serial {
		return 1
	}
	return w
}

// simulateQueue replays a shared queue of blocks handed out from index 0
// upwards, size(next) indices at a time, each to the worker that is free
// first: rows, chan, mutex, atomic and guided differ only in the sizes and
// in what a claim costs.
func simulateQueue(s Sim, size func(next int) int) {
	for next := 0; next < s.N(); {
		w, _ := s.Next()
		hi := min(next+size(next), s.N())
		s.Do(w, next, hi)
		next = hi
	}
}
