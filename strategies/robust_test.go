package strategies

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var errBoom = errors.New("boom")

// forEach runs f as a subtest for every strategy, so that one strategy's
// failure hides no other's and one can be run alone with -run.
func forEach(t *testing.T, f func(t *testing.T, s Strategy)) {
	t.Helper()
	for _, s := range All() {
		t.Run(s.Name(), func(t *testing.T) { f(t, s) })
	}
}

// runWithin runs s and fails the test if Run takes longer than limit: a
// strategy that does not stop would otherwise hang the whole package.
func runWithin(t *testing.T, limit time.Duration, s Strategy, ctx context.Context, n int, opts Options, task Task) (*Report, error) {
	t.Helper()
	type result struct {
		rep *Report
		err error
	}
	ch := make(chan result, 1)
	go func() {
		rep, err := s.Run(ctx, n, opts, task)
		ch <- result{rep, err}
	}()
	select {
	case res := <-ch:
		return res.rep, res.err
	case <-time.After(limit):
		t.Fatalf("Run did not return within %v", limit)
		return nil, nil
	}
}

// stopper is a task that triggers a stop (cancel, panic, error) on its k-th
// call and then counts the calls that begin after the trigger. Those calls
// are slowed down, so that a strategy that keeps handing out work after the
// stop shows up as many late calls, not as a fast finish.
type stopper struct {
	k       int64
	trigger func() (int64, error)
	calls   atomic.Int64
	fired   atomic.Bool
	late    atomic.Int64
}

func (s *stopper) task(_, _, _ int) (int64, error) {
	if s.fired.Load() {
		s.late.Add(1)
		time.Sleep(time.Millisecond)
		return 1, nil
	}
	if s.calls.Add(1) == s.k {
		s.fired.Store(true)
		return s.trigger()
	}
	return 1, nil
}

// oneBlock reports whether s runs n indices with one worker as one block,
// so that a stop on a later call cannot be tested.
func oneBlock(s Strategy, workers int) bool { return s.Name() == "guided" && workers == 1 }

// maxLate bounds the calls that may begin after a stop was triggered: those
// of workers already past their stop check when it came.
func maxLate(workers int) int64 { return int64(4*workers + 20) }

func checkStopped(t *testing.T, s Strategy, workers int, rep *Report, st *stopper, n int) {
	t.Helper()
	if rep == nil || len(rep.Workers) != workersOf(s, workers) {
		t.Fatalf("report %+v", rep)
	}
	items := 0
	for _, ws := range rep.Workers {
		items += ws.Items
	}
	if items >= n {
		t.Errorf("all %d items processed despite the stop", n)
	}
	if late := st.late.Load(); late > maxLate(workers) {
		t.Errorf("%d calls began after the stop", late)
	}
}

// forWorkers runs f as a subtest for W = 1 and W = 4, skipping the
// combinations that run everything as one block.
func forWorkers(t *testing.T, s Strategy, f func(t *testing.T, w int)) {
	t.Helper()
	for _, w := range []int{1, 4} {
		if oneBlock(s, w) {
			continue
		}
		t.Run(fmt.Sprintf("W=%d", w), func(t *testing.T) { f(t, w) })
	}
}

func TestCancelMidRun(t *testing.T) {
	const n = 10000
	forEach(t, func(t *testing.T, s Strategy) {
		forWorkers(t, s, func(t *testing.T, w int) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			st := &stopper{k: 3, trigger: func() (int64, error) { cancel(); return 1, nil }}
			rep, err := runWithin(t, 10*time.Second, s, ctx, n, Options{Workers: w}, st.task)
			if !errors.Is(err, context.Canceled) {
				t.Errorf("err %v, want context.Canceled", err)
			}
			checkStopped(t, s, w, rep, st, n)
		})
	})
}

// TestCancelCause checks that a cancellation with a cause reports both the
// cause, which says why, and context.Canceled, which callers test for.
func TestCancelCause(t *testing.T) {
	cause := errors.New("user pressed ^C")
	forEach(t, func(t *testing.T, s Strategy) {
		ctx, cancel := context.WithCancelCause(context.Background())
		defer cancel(nil)
		st := &stopper{k: 3, trigger: func() (int64, error) { cancel(cause); return 1, nil }}
		_, err := runWithin(t, 10*time.Second, s, ctx, 1000, Options{Workers: 4}, st.task)
		if !errors.Is(err, context.Canceled) || !errors.Is(err, cause) {
			t.Errorf("err %v, want one that wraps context.Canceled and the cause", err)
		}
	})
}

// TestCancelThenFail checks that the first stop wins: a task that fails
// after the context was cancelled does not replace the cancellation.
func TestCancelThenFail(t *testing.T) {
	forEach(t, func(t *testing.T, s Strategy) {
		forWorkers(t, s, func(t *testing.T, w int) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			st := &stopper{k: 3, trigger: func() (int64, error) { cancel(); return 0, errBoom }}
			_, err := runWithin(t, 10*time.Second, s, ctx, 1000, Options{Workers: w}, st.task)
			if !errors.Is(err, context.Canceled) || errors.Is(err, errBoom) {
				t.Errorf("err %v, want context.Canceled, which came first", err)
			}
		})
	})
}

// opaqueCtx is a context that the context package cannot see into, so that
// a context derived from it learns of its cancellation through a goroutine,
// some time after Done is closed.
type opaqueCtx struct {
	done chan struct{}
	once sync.Once
}

func (c *opaqueCtx) Deadline() (time.Time, bool) { return time.Time{}, false }
func (c *opaqueCtx) Done() <-chan struct{}       { return c.done }
func (c *opaqueCtx) Value(any) any               { return nil }
func (c *opaqueCtx) cancel()                     { c.once.Do(func() { close(c.done) }) }
func (c *opaqueCtx) Err() error {
	select {
	case <-c.done:
		return context.Canceled
	default:
		return nil
	}
}

// TestCancelOpaque cancels a context of a type the context package does not
// know, whose cancellation reaches the run late: a task that has seen it and
// returned without error must not make the run look complete.
func TestCancelOpaque(t *testing.T) {
	forEach(t, func(t *testing.T, s Strategy) {
		ctx := &opaqueCtx{done: make(chan struct{})}
		defer ctx.cancel()
		var calls atomic.Int64
		task := func(_, _, _ int) (int64, error) {
			if calls.Add(1) == 3 {
				ctx.cancel()
			}
			return 1, nil
		}
		_, err := runWithin(t, 10*time.Second, s, ctx, 100, Options{Workers: 4}, task)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err %v, want context.Canceled", err)
		}
	})
}

// TestCancelBlocked cancels while every worker is inside a task that waits
// for the cancellation.
func TestCancelBlocked(t *testing.T) {
	forEach(t, func(t *testing.T, s Strategy) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var started sync.Once
		running := make(chan struct{})
		task := func(_, _, _ int) (int64, error) {
			started.Do(func() { close(running) })
			<-ctx.Done()
			return 0, nil
		}
		go func() {
			<-running
			cancel()
		}()
		_, err := runWithin(t, 10*time.Second, s, ctx, 1000, Options{Workers: 4}, task)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err %v, want context.Canceled", err)
		}
	})
}

func TestCancelledBefore(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	forEach(t, func(t *testing.T, s Strategy) {
		task := func(_, _, _ int) (int64, error) {
			t.Errorf("task called with a cancelled context")
			return 0, nil
		}
		rep, err := s.Run(ctx, 100, Options{Workers: 3}, task)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err %v, want context.Canceled", err)
		}
		if rep == nil || len(rep.Workers) != workersOf(s, 3) {
			t.Errorf("report %+v", rep)
		}
	})
}

func TestPanic(t *testing.T) {
	const n = 10000
	forEach(t, func(t *testing.T, s Strategy) {
		forWorkers(t, s, func(t *testing.T, w int) {
			var value any = "boom"
			if w > 1 {
				value = errBoom
			}
			st := &stopper{k: 3, trigger: func() (int64, error) { panic(value) }}
			rep, err := runWithin(t, 10*time.Second, s, context.Background(), n, Options{Workers: w}, st.task)
			var pe *PanicError
			if !errors.As(err, &pe) {
				t.Fatalf("err %v, want a *PanicError", err)
			}
			if pe.Value != value || !bytes.Contains(pe.Stack, []byte("(*stopper).task")) {
				t.Errorf("panic value %v, stack:\n%s", pe.Value, pe.Stack)
			}
			if w > 1 && !errors.Is(err, errBoom) {
				t.Errorf("errors.Is(%v, errBoom) is false", err)
			}
			checkStopped(t, s, w, rep, st, n)
		})
	})
}

func TestTaskError(t *testing.T) {
	const n = 10000
	forEach(t, func(t *testing.T, s Strategy) {
		forWorkers(t, s, func(t *testing.T, w int) {
			st := &stopper{k: 3, trigger: func() (int64, error) { return 0, errBoom }}
			rep, err := runWithin(t, 10*time.Second, s, context.Background(), n, Options{Workers: w}, st.task)
			if !errors.Is(err, errBoom) || !strings.Contains(err.Error(), s.Name()) {
				t.Errorf("err %v, want errBoom wrapped with the strategy's name", err)
			}
			checkStopped(t, s, w, rep, st, n)
		})
	})
}

// TestGoexit checks that a task calling runtime.Goexit (t.FailNow does) ends
// the run with an error instead of leaving the other workers waiting for its
// work. Serial runs the task on the caller's goroutine, so there the caller's
// goroutine exits, as if it had called the task itself.
func TestGoexit(t *testing.T) {
	forEach(t, func(t *testing.T, s Strategy) {
		st := &stopper{k: 3, trigger: func() (int64, error) { runtime.Goexit(); return 0, nil }}
		if s.Name() == "serial" {
			exited, returned := make(chan struct{}), false
			go func() {
				defer close(exited)
				s.Run(context.Background(), 100, Options{Workers: 1}, st.task)
				returned = true
			}()
			<-exited
			if returned {
				t.Errorf("Run returned although the task called Goexit on its goroutine")
			}
			return
		}
		_, err := runWithin(t, 10*time.Second, s, context.Background(), 10000, Options{Workers: 4}, st.task)
		if !errors.Is(err, errGoexit) {
			t.Errorf("err %v, want errGoexit", err)
		}
	})
}
