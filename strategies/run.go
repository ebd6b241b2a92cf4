package strategies

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"sync"
	"time"
)

// errGoexit is the error of a run whose task called runtime.Goexit (as
// t.FailNow does) instead of returning or panicking.
var errGoexit = errors.New("task called runtime.Goexit")

// run is the state one Run shares between a strategy's schedule function and
// its workers. Each worker writes only its own slot, so the hot path takes no
// lock.
//
// Stopping works as in golang.org/x/sync/errgroup: the run derives its own
// context from the caller's, the first task to fail cancels it with its error
// as the cause, and workers stop when they see it done, between blocks
// through ctx.Err, an atomic load, and through ctx.Done where they block.
// The caller's cancellation reaches the same context, so one check covers
// both.
type run struct {
	ctx    context.Context // done when the caller cancels or a task fails
	cancel context.CancelCauseFunc
	parent context.Context // the caller's context

	name    string
	n       int
	workers int
	// grain is the block size strategies use: Options.Grain clamped to n, so
	// that block arithmetic such as lo += W*grain cannot overflow (Run takes
	// n only up to maxN).
	grain int
	trace bool
	task  Task

	start time.Time
	slots []slot
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

// failure is the cause with which a failing task cancels the run's context.
// The caller's cancellation reaches that context with the caller's cause, so
// the type tells finish which of the two came first.
type failure struct{ err error }

func (f *failure) Error() string { return f.err.Error() }

func newRun(parent context.Context, name string, n int, opts Options, task Task) *run {
	ctx, cancel := context.WithCancelCause(parent)
	return &run{
		ctx:     ctx,
		cancel:  cancel,
		parent:  parent,
		name:    name,
		n:       n,
		workers: opts.Workers,
		grain:   min(opts.Grain, max(n, 1)),
		trace:   opts.Trace,
		task:    task,
		slots:   make([]slot, opts.Workers),
		start:   time.Now(),
	}
}

// fail stops the run because of err. Only the first stop is recorded: the
// context keeps the first cause it is cancelled with.
func (r *run) fail(err error) { r.cancel(&failure{err}) }

// stopped reports whether workers should stop claiming work.
func (r *run) stopped() bool { return r.ctx.Err() != nil }

// stats returns worker w's counters, for strategies that count more than do
// does (steals). Only the goroutine acting as worker w may use them.
func (r *run) stats(w int) *WorkerStats { return &r.slots[w].stats }

// do runs the task on [lo, hi) as worker w, recording its time, size and work.
// It returns false, without running the task, when the run has stopped, and
// false when the task fails; a worker that gets false returns. A strategy
// calls do only from the goroutine that currently acts as worker w.
//
// A stop that comes while the task runs is seen by the worker's next do,
// which costs at most one wasted claim; checking again here would cost a
// check per block.
func (r *run) do(w, lo, hi int) bool {
	if r.ctx.Err() != nil {
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
	return true
}

// call runs the task, turning a panic into an error that carries the panic
// value and the stack of the goroutine that panicked. Unlike errgroup, which
// lets a panic crash the program, a strategy returns it: the task is the
// caller's code, and the caller decides what a panic in it means.
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
	for w := range r.workers {
		wg.Go(func() { body(w) })
	}
	wg.Wait()
}

// finish builds the report once every worker has returned, and the run's
// error: the first task's failure, or the caller's cancellation if that came
// first. The caller's context is consulted as well as the run's because a
// task that watches it may return early, without error, before the
// cancellation has propagated to the run's context.
func (r *run) finish() (*Report, error) {
	rep := &Report{Wall: time.Since(r.start), Workers: make([]WorkerStats, r.workers)}
	for w := range r.slots {
		rep.Workers[w] = r.slots[w].stats
		rep.Trace = append(rep.Trace, r.slots[w].trace...)
	}
	// Ties in start time are broken so that the same schedule always
	// produces the same trace.
	slices.SortFunc(rep.Trace, func(a, b Block) int {
		return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.Worker, b.Worker), cmp.Compare(a.Lo, b.Lo))
	})
	if f, ok := context.Cause(r.ctx).(*failure); ok {
		return rep, fmt.Errorf("strategies: %s: %w", r.name, f.err)
	}
	if err := r.parent.Err(); err != nil {
		// Err, not the cause alone, so that errors.Is(err, context.Canceled)
		// holds whatever cause the caller cancelled with.
		if cause := context.Cause(r.parent); !errors.Is(cause, err) {
			return rep, fmt.Errorf("strategies: %s: %w: %w", r.name, err, cause)
		}
		return rep, fmt.Errorf("strategies: %s: %w", r.name, err)
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
