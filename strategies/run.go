package strategies

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// errGoexit is the error of a run whose task called runtime.Goexit (as
// t.FailNow does) instead of returning or panicking.
var errGoexit = errors.New("task called runtime.Goexit")

// run is the state one Run shares between a strategy's schedule function and
// its workers. Each worker writes only its own slot, so the hot path takes no
// lock; the only shared writes are the stop flag and the first error.
type run struct {
	ctx     context.Context
	name    string
	n       int
	workers int
	// grain is the block size strategies use: Options.Grain clamped to n, so
	// that block arithmetic such as lo += W*grain cannot overflow. askedGrain
	// is the value the caller asked for, which the report repeats.
	grain, askedGrain int
	trace             bool
	task              Task

	start   time.Time
	slots   []slot
	stop    atomic.Bool
	errOnce sync.Once
	err     error
	unwatch func() bool
}

// span is the index range [lo, hi), as queues and deques hold it.
type span struct{ lo, hi int }

// slot is what one worker records. The padding keeps neighbouring workers'
// counters, written after every block, off a shared cache line.
type slot struct {
	stats WorkerStats
	trace []Block
	_     [64]byte
}

func newRun(ctx context.Context, name string, n int, opts Options, task Task) *run {
	r := &run{
		ctx:        ctx,
		name:       name,
		n:          n,
		workers:    opts.Workers,
		grain:      min(opts.Grain, max(n, 1)),
		askedGrain: opts.Grain,
		trace:      opts.Trace,
		task:       task,
		slots:      make([]slot, opts.Workers),
	}
	// Workers poll an atomic flag between blocks instead of ctx.Err(), which
	// takes a lock; AfterFunc raises the flag when the context ends.
	r.unwatch = context.AfterFunc(ctx, func() { r.fail(ctx.Err()) })
	if ctx.Err() != nil {
		r.fail(ctx.Err())
	}
	r.start = time.Now()
	return r
}

// fail records err if it is the first error and tells every worker to stop.
func (r *run) fail(err error) {
	r.errOnce.Do(func() { r.err = err })
	r.stop.Store(true)
}

// stopped reports whether workers should stop claiming work.
func (r *run) stopped() bool { return r.stop.Load() }

// stats returns worker w's counters, for strategies that count more than do
// does (steals). Only the goroutine acting as worker w may use them.
func (r *run) stats(w int) *WorkerStats { return &r.slots[w].stats }

// do runs the task on [lo, hi) as worker w, recording its time, size and work.
// It returns false when the run must stop: the task failed or panicked, an
// earlier task failed, or the context was cancelled. A strategy calls do only
// from the goroutine that currently acts as worker w.
func (r *run) do(w, lo, hi int) bool {
	if r.stop.Load() {
		return false
	}
	t0 := time.Now()
	work, err := r.call(w, lo, hi)
	t1 := time.Now()
	sl := &r.slots[w]
	sl.stats.Busy += t1.Sub(t0)
	sl.stats.Items += hi - lo
	sl.stats.Blocks++
	sl.stats.Work += work
	if r.trace {
		sl.trace = append(sl.trace, Block{Worker: w, Lo: lo, Hi: hi, Start: t0.Sub(r.start), End: t1.Sub(r.start)})
	}
	if err != nil {
		r.fail(err)
		return false
	}
	return !r.stop.Load()
}

// call runs the task, turning a panic into an error that carries the panic
// value and the stack of the goroutine that panicked.
func (r *run) call(w, lo, hi int) (work int64, err error) {
	returned := false
	defer func() {
		if returned {
			return
		}
		if v := recover(); v != nil {
			err = &PanicError{Value: v, Stack: debug.Stack()}
			return
		}
		// Neither a return nor a panic: runtime.Goexit is unwinding this
		// goroutine and cannot be stopped. Stop the others, or a strategy
		// that waits for this worker's share of the work would wait forever.
		r.fail(errGoexit)
	}()
	work, err = r.task(w, lo, hi)
	returned = true
	return work, err
}

// goWorkers runs body(w) for w in [0, W) on W goroutines and waits for all.
func (r *run) goWorkers(body func(w int)) {
	var wg sync.WaitGroup
	wg.Add(r.workers)
	for w := 0; w < r.workers; w++ {
		go func() {
			defer wg.Done()
			body(w)
		}()
	}
	wg.Wait()
}

func (r *run) close() { r.unwatch() }

func (r *run) finish() (*Report, error) {
	rep := &Report{Strategy: r.name, N: r.n, Grain: r.askedGrain, Wall: time.Since(r.start), Workers: make([]WorkerStats, r.workers)}
	for w := range r.slots {
		rep.Workers[w] = r.slots[w].stats
		rep.Trace = append(rep.Trace, r.slots[w].trace...)
	}
	// Ties in start time are broken so that the same schedule always
	// produces the same trace.
	slices.SortFunc(rep.Trace, func(a, b Block) int {
		return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.Worker, b.Worker), cmp.Compare(a.Lo, b.Lo))
	})
	// The AfterFunc that raises the stop flag runs on its own goroutine, so
	// it may not have run yet; a task that saw ctx.Done and returned early
	// must not make a cancelled run look complete.
	if err := r.ctx.Err(); err != nil {
		r.fail(err)
	}
	r.stop.Store(true)
	r.errOnce.Do(func() {}) // no more writes to r.err after this point
	if r.err != nil {
		return rep, fmt.Errorf("strategies: %s: %w", r.name, r.err)
	}
	return rep, nil
}

// PanicError is the error Run returns when a task panics.
type PanicError struct {
	// Value is the value the task passed to panic.
	Value any
	// Stack is the stack of the panicking goroutine, as debug.Stack writes it.
	Stack []byte
}

// Error returns the panic value followed by the stack.
func (e *PanicError) Error() string {
	return fmt.Sprintf("task panicked: %v\n%s", e.Value, e.Stack)
}

// Unwrap returns the panic value when it is an error, so errors.Is sees it.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}
