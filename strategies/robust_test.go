package strategies

import (
	"bytes"
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var errBoom = errors.New("boom")

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
		t.Fatalf("%s: Run did not return within %v", s.Name(), limit)
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

// maxLate bounds the calls that may begin after a stop was triggered: calls
// already past their strategy's stop check, plus, for cancellation, those
// started before the context's AfterFunc has run.
func maxLate(workers int) int64 { return int64(4*workers + 20) }

func checkStopped(t *testing.T, s Strategy, workers int, rep *Report, st *stopper, n int) {
	t.Helper()
	if rep == nil || len(rep.Workers) != workersOf(s, workers) {
		t.Fatalf("%s W=%d: report %+v", s.Name(), workers, rep)
	}
	items := 0
	for _, ws := range rep.Workers {
		items += ws.Items
	}
	if items >= n {
		t.Errorf("%s W=%d: all %d items processed despite the stop", s.Name(), workers, n)
	}
	if late := st.late.Load(); late > maxLate(workers) {
		t.Errorf("%s W=%d: %d calls began after the stop", s.Name(), workers, late)
	}
}

func TestCancelMidRun(t *testing.T) {
	const n = 10000
	for _, s := range All() {
		for _, w := range []int{1, 4} {
			if oneBlock(s, w) {
				continue
			}
			ctx, cancel := context.WithCancel(context.Background())
			st := &stopper{k: 3, trigger: func() (int64, error) { cancel(); return 1, nil }}
			rep, err := runWithin(t, 10*time.Second, s, ctx, n, Options{Workers: w}, st.task)
			cancel()
			if !errors.Is(err, context.Canceled) {
				t.Errorf("%s W=%d: err %v, want context.Canceled", s.Name(), w, err)
			}
			checkStopped(t, s, w, rep, st, n)
		}
	}
}

// TestCancelBlocked cancels while every worker is inside a task that waits
// for the cancellation.
func TestCancelBlocked(t *testing.T) {
	for _, s := range All() {
		ctx, cancel := context.WithCancel(context.Background())
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
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: err %v, want context.Canceled", s.Name(), err)
		}
	}
}

func TestCancelledBefore(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, s := range All() {
		task := func(_, _, _ int) (int64, error) {
			t.Errorf("%s: task called with a cancelled context", s.Name())
			return 0, nil
		}
		rep, err := s.Run(ctx, 100, Options{Workers: 3}, task)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: err %v, want context.Canceled", s.Name(), err)
		}
		if rep == nil || len(rep.Workers) != workersOf(s, 3) {
			t.Errorf("%s: report %+v", s.Name(), rep)
		}
	}
}

func TestPanic(t *testing.T) {
	const n = 10000
	for _, s := range All() {
		for _, w := range []int{1, 4} {
			if oneBlock(s, w) {
				continue
			}
			var value any = "boom"
			if w > 1 {
				value = errBoom
			}
			st := &stopper{k: 3, trigger: func() (int64, error) { panic(value) }}
			rep, err := runWithin(t, 10*time.Second, s, context.Background(), n, Options{Workers: w}, st.task)
			var pe *PanicError
			if !errors.As(err, &pe) {
				t.Fatalf("%s W=%d: err %v, want a *PanicError", s.Name(), w, err)
			}
			if pe.Value != value || !bytes.Contains(pe.Stack, []byte("(*stopper).task")) {
				t.Errorf("%s W=%d: panic value %v, stack:\n%s", s.Name(), w, pe.Value, pe.Stack)
			}
			if w > 1 && !errors.Is(err, errBoom) {
				t.Errorf("%s W=%d: errors.Is(%v, errBoom) is false", s.Name(), w, err)
			}
			checkStopped(t, s, w, rep, st, n)
		}
	}
}

func TestTaskError(t *testing.T) {
	const n = 10000
	for _, s := range All() {
		for _, w := range []int{1, 4} {
			if oneBlock(s, w) {
				continue
			}
			st := &stopper{k: 3, trigger: func() (int64, error) { return 0, errBoom }}
			rep, err := runWithin(t, 10*time.Second, s, context.Background(), n, Options{Workers: w}, st.task)
			if !errors.Is(err, errBoom) || !strings.Contains(err.Error(), s.Name()) {
				t.Errorf("%s W=%d: err %v, want errBoom wrapped with the strategy's name", s.Name(), w, err)
			}
			checkStopped(t, s, w, rep, st, n)
		}
	}
}

// TestGoexit checks that a task calling runtime.Goexit (t.FailNow does) ends
// the run with an error instead of leaving the other workers waiting for its
// work. Serial runs the task on the caller's goroutine, so there the caller's
// goroutine exits, as if it had called the task itself.
func TestGoexit(t *testing.T) {
	for _, s := range All() {
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
				t.Errorf("serial: Run returned although the task called Goexit on its goroutine")
			}
			continue
		}
		_, err := runWithin(t, 10*time.Second, s, context.Background(), 10000, Options{Workers: 4}, st.task)
		if !errors.Is(err, errGoexit) {
			t.Errorf("%s: err %v, want errGoexit", s.Name(), err)
		}
	}
}
