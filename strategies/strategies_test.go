package strategies

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if any test leaves a goroutine behind: every
// strategy must wait for all it started, on success, error and cancellation.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestRegistry(t *testing.T) {
	want := []string{"serial", "rows", "bands", "cyclic", "chan", "mutex", "atomic", "guided", "steal"}
	if got := Names(); !slices.Equal(got, want) {
		t.Fatalf("Names() = %v, want %v", got, want)
	}
	grained := map[string]bool{"cyclic": true, "chan": true, "mutex": true, "atomic": true, "guided": true, "steal": true}
	for i, s := range All() {
		if s.Name() != want[i] {
			t.Errorf("All()[%d] is %q, want %q", i, s.Name(), want[i])
		}
	}
	forEach(t, func(t *testing.T, s Strategy) {
		if got, err := Lookup(s.Name()); err != nil || got != s {
			t.Errorf("Lookup(%q) = %v, %v", s.Name(), got, err)
		}
		if sum := s.Summary(); sum == "" || strings.Contains(sum, "\n") {
			t.Errorf("Summary %q is not one line", sum)
		}
		if s.UsesGrain() != grained[s.Name()] {
			t.Errorf("UsesGrain() = %v", s.UsesGrain())
		}
	})
	_, err := Lookup("nope")
	if err == nil || !strings.Contains(err.Error(), "steal") {
		t.Errorf("Lookup(nope) error %v does not list the valid names", err)
	}
}

func TestInvalid(t *testing.T) {
	task := func(_, _, _ int) (int64, error) { t.Error("task called"); return 0, nil }
	cases := []struct {
		n    int
		opts Options
	}{
		{10, Options{Workers: 0}},
		{10, Options{Workers: -1}},
		{10, Options{Workers: MaxWorkers + 1}},
		{10, Options{Workers: 2, Grain: -1}},
		{-1, Options{Workers: 2}},
	}
	forEach(t, func(t *testing.T, s Strategy) {
		for _, c := range cases {
			rep, err := s.Run(context.Background(), c.n, c.opts, task)
			if err == nil || !strings.Contains(err.Error(), s.Name()) || rep != nil {
				t.Errorf("Run(n=%d, %+v) = %v, %v; want nil report and an error naming the strategy", c.n, c.opts, rep, err)
			}
		}
	})
}

// TestExactlyOnce runs every strategy over a matrix of sizes, worker counts
// and grains, and checks the task calls and the report against each other.
func TestExactlyOnce(t *testing.T) {
	for _, s := range All() {
		t.Run(s.Name(), func(t *testing.T) {
			t.Parallel()
			for _, w := range []int{1, 2, 3, 7, 64} {
				for _, g := range []int{1, 3, 64} {
					for _, n := range []int{0, 1, 7, 13, 129, 257, 1000} {
						for _, trace := range []bool{false, true} {
							name := fmt.Sprintf("n=%d/W=%d/grain=%d/trace=%v", n, w, g, trace)
							t.Run(name, func(t *testing.T) {
								checkRun(t, s, n, Options{Workers: w, Grain: g, Trace: trace})
							})
						}
					}
				}
			}
		})
	}
}

// checkRun runs s with a task that counts every index and verifies that each
// was processed once, that no worker ran two calls at once, and that the
// report agrees with what the task saw.
func checkRun(t *testing.T, s Strategy, n int, opts Options) *Report {
	t.Helper()
	counts := make([]atomic.Int32, n)
	inUse := make([]atomic.Bool, opts.Workers)
	var calls, work atomic.Int64
	task := func(w, lo, hi int) (int64, error) {
		if w < 0 || w >= opts.Workers || lo < 0 || hi > n || lo >= hi {
			return 0, fmt.Errorf("bad call task(%d, %d, %d)", w, lo, hi)
		}
		if !inUse[w].CompareAndSwap(false, true) {
			return 0, fmt.Errorf("worker %d ran two calls at once", w)
		}
		defer inUse[w].Store(false)
		calls.Add(1)
		var sum int64
		for i := lo; i < hi; i++ {
			counts[i].Add(1)
			sum += int64(i%5 + 1)
		}
		work.Add(sum)
		return sum, nil
	}
	rep, err := s.Run(context.Background(), n, opts, task)
	if err != nil {
		t.Fatal(err)
	}
	for i := range counts {
		if c := counts[i].Load(); c != 1 {
			t.Fatalf("index %d processed %d times", i, c)
		}
	}
	if len(rep.Workers) != workersOf(s, opts.Workers) {
		t.Fatalf("report has %d workers, want %d", len(rep.Workers), workersOf(s, opts.Workers))
	}
	var items, blocks int
	for w, ws := range rep.Workers {
		items += ws.Items
		blocks += ws.Blocks
		if ws.StealAttempts < ws.Steals || (s.Name() != "steal" && ws.StealAttempts != 0) {
			t.Errorf("worker %d: %d steals in %d attempts", w, ws.Steals, ws.StealAttempts)
		}
	}
	if items != n || int64(blocks) != calls.Load() {
		t.Errorf("report says %d items in %d blocks, want %d in %d", items, blocks, n, calls.Load())
	}
	if rep.Work() != work.Load() {
		t.Errorf("report Work %d, tasks returned %d", rep.Work(), work.Load())
	}
	if rep.Wall < 0 || rep.Busy() < 0 {
		t.Errorf("negative times: wall %v busy %v", rep.Wall, rep.Busy())
	}
	if opts.Trace {
		checkTrace(t, rep, n)
	} else if rep.Trace != nil {
		t.Errorf("%d trace blocks without Trace", len(rep.Trace))
	}
	return rep
}

// checkTrace verifies that a complete run's trace is sorted, covers [0, n)
// once, and agrees with the per-worker counts.
func checkTrace(t *testing.T, rep *Report, n int) {
	t.Helper()
	seen := make([]bool, n)
	items := make([]int, len(rep.Workers))
	blocks := make([]int, len(rep.Workers))
	for i, b := range rep.Trace {
		if i > 0 && b.Start < rep.Trace[i-1].Start {
			t.Fatalf("trace not sorted by start at %d", i)
		}
		if b.Worker < 0 || b.Worker >= len(rep.Workers) || b.Lo < 0 || b.Hi > n || b.Lo >= b.Hi || b.End < b.Start {
			t.Fatalf("bad trace block %+v", b)
		}
		for j := b.Lo; j < b.Hi; j++ {
			if seen[j] {
				t.Fatalf("index %d traced twice", j)
			}
			seen[j] = true
		}
		items[b.Worker] += b.Hi - b.Lo
		blocks[b.Worker]++
	}
	if j := slices.Index(seen, false); j >= 0 {
		t.Fatalf("index %d missing from the trace", j)
	}
	for w, ws := range rep.Workers {
		if ws.Items != items[w] || ws.Blocks != blocks[w] {
			t.Errorf("worker %d reports %d items in %d blocks, trace has %d in %d", w, ws.Items, ws.Blocks, items[w], blocks[w])
		}
	}
}

// TestShapes checks, from the trace, that each strategy hands out the blocks
// its description promises. The expected bands and guided sizes are worked
// out by hand for n = 257, W = 3, grain = 5, not with the code under test.
func TestShapes(t *testing.T) {
	const n, workers, grain = 257, 3, 5
	bands := [][2]int{{0, 85}, {85, 171}, {171, 257}}
	// ceil(257/3) = 86, then ceil(171/3) = 57, ... down to the grain, then
	// the 4 rows left.
	guided := []int{86, 57, 38, 26, 17, 11, 8, 5, 5, 4}
	forEach(t, func(t *testing.T, s Strategy) {
		rep := checkRun(t, s, n, Options{Workers: workers, Grain: grain, Trace: true})
		blocks := slices.Clone(rep.Trace)
		slices.SortFunc(blocks, func(a, b Block) int { return a.Lo - b.Lo })
		if s.Name() == "guided" && len(blocks) != len(guided) {
			t.Fatalf("%d blocks, want %d", len(blocks), len(guided))
		}
		for i, b := range blocks {
			size, last := b.Hi-b.Lo, b.Hi == n
			var ok bool
			switch s.Name() {
			case "serial":
				ok = size == 1 && b.Worker == 0
			case "rows":
				ok = size == 1
			case "bands":
				band := bands[b.Worker]
				ok = size == 1 && band[0] <= b.Lo && b.Hi <= band[1]
			case "cyclic":
				ok = b.Lo%grain == 0 && (size == grain || last) && b.Worker == b.Lo/grain%workers
			case "chan", "mutex", "atomic":
				ok = b.Lo%grain == 0 && (size == grain || last)
			case "guided":
				ok = size == guided[i]
			case "steal":
				ok = size <= grain
			default:
				t.Fatalf("no shape known")
			}
			if !ok {
				t.Errorf("block %d is %+v", i, b)
			}
		}
	})
}

func TestGuidedSize(t *testing.T) {
	cases := []struct{ remaining, workers, grain, want int }{
		{100, 4, 1, 25},
		{99, 4, 1, 25},
		{3, 4, 1, 1},
		{10, 4, 8, 8},
		{5, 4, 8, 5},
		{1, 1, 1, 1},
	}
	for _, c := range cases {
		if got := guidedSize(c.remaining, c.workers, c.grain); got != c.want {
			t.Errorf("guidedSize(%d, %d, %d) = %d, want %d", c.remaining, c.workers, c.grain, got, c.want)
		}
	}
}

// TestHugeGrain checks that a grain far beyond n, which would overflow block
// arithmetic such as lo += W*grain unless clamped, gives one block per
// claim and is reported as asked.
func TestHugeGrain(t *testing.T) {
	forEach(t, func(t *testing.T, s Strategy) {
		rep := checkRun(t, s, 10, Options{Workers: 3, Grain: int(^uint(0) >> 1)})
		blocks := rep.Blocks()
		// Steal starts from W bands, so it makes one block per band.
		if s.UsesGrain() && s.Name() != "steal" && blocks != 1 {
			t.Errorf("%d blocks with a grain beyond n", blocks)
		}
	})
}

// workersOf is the number of workers s reports when asked for w.
func workersOf(s Strategy, w int) int {
	if s.Name() == "serial" {
		return 1
	}
	return w
}

func TestSerialReportsOneWorker(t *testing.T) {
	s, _ := Lookup("serial")
	rep, err := s.Run(context.Background(), 10, Options{Workers: 4}, func(w, lo, hi int) (int64, error) {
		if w != 0 {
			t.Errorf("serial called the task as worker %d", w)
		}
		return 1, nil
	})
	if err != nil || len(rep.Workers) != 1 || rep.Workers[0].Items != 10 || rep.Imbalance() != 1 {
		t.Errorf("serial with 4 workers: err %v, report %+v, imbalance %v", err, rep.Workers, rep.Imbalance())
	}
}

// TestNilTask checks that a nil task is refused as the other invalid
// arguments are, rather than reaching a worker as a nil call and coming back
// as a *PanicError with a stack.
func TestNilTask(t *testing.T) {
	forEach(t, func(t *testing.T, s Strategy) {
		for _, n := range []int{0, 5} {
			rep, err := s.Run(context.Background(), n, Options{Workers: 2}, nil)
			var pe *PanicError
			if err == nil || errors.As(err, &pe) || !strings.Contains(err.Error(), s.Name()) || rep != nil {
				t.Errorf("Run(n=%d, nil task) = %v, %v; want nil report and an error naming the strategy", n, rep, err)
			}
		}
	})
}

// TestHugeN runs every strategy over ranges whose block arithmetic (w*n in
// bands and steal, w*grain in cyclic, next+grain in chan, mutex and atomic)
// would overflow int: each call must lie within [0, n), or the run be
// refused. A task that fails at once stops the run. Bands called the task
// with a negative index at n = 2^62.
func TestHugeN(t *testing.T) {
	errStop := errors.New("stop")
	const workers = 4
	forEach(t, func(t *testing.T, s Strategy) {
		limit := maxN(workersOf(s, workers))
		for _, n := range []int{limit, limit + 1, math.MaxInt / 2, math.MaxInt} {
			for _, grain := range []int{1, n} {
				var bad atomic.Int64
				_, err := s.Run(context.Background(), n, Options{Workers: workers, Grain: grain}, func(_, lo, hi int) (int64, error) {
					if lo < 0 || hi > n || lo >= hi {
						bad.Add(1)
					}
					return 0, errStop
				})
				if bad.Load() > 0 {
					t.Errorf("n=%d grain=%d: %d calls outside [0, n)", n, grain, bad.Load())
				}
				if refused := err != nil && !errors.Is(err, errStop); refused != (n > limit) {
					t.Errorf("n=%d grain=%d: err %v; want n refused only beyond %d", n, grain, err, limit)
				}
			}
		}
	})
}
