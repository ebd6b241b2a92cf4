package strategies

import "time"

// WorkerStats is what one worker did during a run.
type WorkerStats struct {
	// Busy is the time spent inside the task.
	Busy time.Duration
	// Items is the number of indices processed (rows, for mandel).
	Items int
	// Blocks is the number of task calls.
	Blocks int
	// Work is the sum of the work the task reported (iterations, for mandel).
	Work int64
	// StealAttempts and Steals count attempts to take work from another
	// worker, and the successful ones (steal only).
	StealAttempts, Steals int
}

// Block is one task call, recorded when Options.Trace is set. Start and End
// are measured from the start of the run.
type Block struct {
	Worker, Lo, Hi int
	Start, End     time.Duration
}

// Report describes a finished (or stopped) run.
type Report struct {
	// Wall is the elapsed time of the whole run.
	Wall time.Duration
	// Workers holds one entry per worker, indexed by worker number.
	Workers []WorkerStats
	// Trace holds every block in order of start time when tracing was on.
	Trace []Block
}

// Add accumulates o, a later run on the same workers, into r: the runs of
// one render done a strip of rows at a time make one report. Walls add up,
// and so does each worker's every count; traces are not kept.
func (r *Report) Add(o *Report) {
	r.Wall += o.Wall
	for len(r.Workers) < len(o.Workers) {
		r.Workers = append(r.Workers, WorkerStats{})
	}
	for i, w := range o.Workers {
		s := &r.Workers[i]
		s.Busy += w.Busy
		s.Items += w.Items
		s.Blocks += w.Blocks
		s.Work += w.Work
		s.StealAttempts += w.StealAttempts
		s.Steals += w.Steals
	}
	r.Trace = nil
}

// Busy returns the sum of the workers' busy times.
func (r *Report) Busy() time.Duration {
	var sum time.Duration
	for _, w := range r.Workers {
		sum += w.Busy
	}
	return sum
}

// Imbalance returns max(busy) / mean(busy) over all workers: 1 is a perfect
// balance, W means one worker did everything. It is 0 when nobody was busy.
func (r *Report) Imbalance() float64 {
	var max time.Duration
	for _, w := range r.Workers {
		if w.Busy > max {
			max = w.Busy
		}
	}
	sum := r.Busy()
	if sum == 0 {
		return 0
	}
	return float64(max) * float64(len(r.Workers)) / float64(sum)
}

// Overhead returns W x wall - sum(busy): the worker time not spent in the
// task (scheduling, waiting, idling at the end).
func (r *Report) Overhead() time.Duration {
	return time.Duration(len(r.Workers))*r.Wall - r.Busy()
}

// Work returns the total work the task reported.
func (r *Report) Work() int64 {
	var sum int64
	for _, w := range r.Workers {
		sum += w.Work
	}
	return sum
}

// Blocks returns the total task calls, the claims the workers made.
func (r *Report) Blocks() int {
	sum := 0
	for _, w := range r.Workers {
		sum += w.Blocks
	}
	return sum
}

// Steals returns the total successful steals.
func (r *Report) Steals() int {
	sum := 0
	for _, w := range r.Workers {
		sum += w.Steals
	}
	return sum
}
