package strategies

import (
	"context"
	"errors"
	"fmt"
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
		if got, err := Lookup(s.Name()); err != nil || got != s {
			t.Errorf("Lookup(%q) = %v, %v", s.Name(), got, err)
		}
		if sum := s.Summary(); sum == "" || strings.Contains(sum, "\n") {
			t.Errorf("%s: Summary %q is not one line", s.Name(), sum)
		}
		if s.UsesGrain() != grained[s.Name()] {
			t.Errorf("%s: UsesGrain() = %v", s.Name(), s.UsesGrain())
		}
	}
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
	for _, s := range All() {
		for _, c := range cases {
			rep, err := s.Run(context.Background(), c.n, c.opts, task)
			if !errors.Is(err, ErrInvalid) || rep != nil {
				t.Errorf("%s: Run(n=%d, %+v) = %v, %v; want nil report and ErrInvalid", s.Name(), c.n, c.opts, rep, err)
			}
		}
	}
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
							checkRun(t, name, s, n, Options{Workers: w, Grain: g, Trace: trace})
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
func checkRun(t *testing.T, name string, s Strategy, n int, opts Options) *Report {
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
		t.Fatalf("%s: %v", name, err)
	}
	for i := range counts {
		if c := counts[i].Load(); c != 1 {
			t.Fatalf("%s: index %d processed %d times", name, i, c)
		}
	}
	if rep.Strategy != s.Name() || rep.N != n || rep.Grain != opts.Grain || len(rep.Workers) != workersOf(s, opts.Workers) {
		t.Fatalf("%s: report header %q N=%d Grain=%d W=%d", name, rep.Strategy, rep.N, rep.Grain, len(rep.Workers))
	}
	var items, blocks int
	for w, ws := range rep.Workers {
		items += ws.Items
		blocks += ws.Blocks
		if ws.StealAttempts < ws.Steals || (s.Name() != "steal" && ws.StealAttempts != 0) {
			t.Errorf("%s: worker %d: %d steals in %d attempts", name, w, ws.Steals, ws.StealAttempts)
		}
	}
	if items != n || int64(blocks) != calls.Load() {
		t.Errorf("%s: report says %d items in %d blocks, want %d in %d", name, items, blocks, n, calls.Load())
	}
	if rep.Work() != work.Load() {
		t.Errorf("%s: report Work %d, tasks returned %d", name, rep.Work(), work.Load())
	}
	if rep.Wall < 0 || rep.Busy() < 0 {
		t.Errorf("%s: negative times: wall %v busy %v", name, rep.Wall, rep.Busy())
	}
	if opts.Trace {
		checkTrace(t, name, rep)
	} else if rep.Trace != nil {
		t.Errorf("%s: %d trace blocks without Trace", name, len(rep.Trace))
	}
	return rep
}

// checkTrace verifies that a complete run's trace is sorted, covers [0, N)
// once, and agrees with the per-worker counts.
func checkTrace(t *testing.T, name string, rep *Report) {
	t.Helper()
	seen := make([]bool, rep.N)
	items := make([]int, len(rep.Workers))
	blocks := make([]int, len(rep.Workers))
	for i, b := range rep.Trace {
		if i > 0 && b.Start < rep.Trace[i-1].Start {
			t.Fatalf("%s: trace not sorted by start at %d", name, i)
		}
		if b.Worker < 0 || b.Worker >= len(rep.Workers) || b.Lo < 0 || b.Hi > rep.N || b.Lo >= b.Hi || b.End < b.Start {
			t.Fatalf("%s: bad trace block %+v", name, b)
		}
		for j := b.Lo; j < b.Hi; j++ {
			if seen[j] {
				t.Fatalf("%s: index %d traced twice", name, j)
			}
			seen[j] = true
		}
		items[b.Worker] += b.Hi - b.Lo
		blocks[b.Worker]++
	}
	if j := slices.Index(seen, false); j >= 0 {
		t.Fatalf("%s: index %d missing from the trace", name, j)
	}
	for w, ws := range rep.Workers {
		if ws.Items != items[w] || ws.Blocks != blocks[w] {
			t.Errorf("%s: worker %d reports %d items in %d blocks, trace has %d in %d", name, w, ws.Items, ws.Blocks, items[w], blocks[w])
		}
	}
}

// TestShapes checks, from the trace, that each strategy hands out the blocks
// its description promises.
func TestShapes(t *testing.T) {
	const n, workers, grain = 257, 3, 5
	for _, s := range All() {
		rep := checkRun(t, s.Name(), s, n, Options{Workers: workers, Grain: grain, Trace: true})
		blocks := slices.Clone(rep.Trace)
		slices.SortFunc(blocks, func(a, b Block) int { return a.Lo - b.Lo })
		for i, b := range blocks {
			size, last := b.Hi-b.Lo, b.Hi == n
			var ok bool
			switch s.Name() {
			case "serial":
				ok = size == 1 && b.Worker == 0
			case "rows":
				ok = size == 1
			case "bands":
				lo, hi := band(b.Worker, n, workers)
				ok = size == 1 && lo <= b.Lo && b.Hi <= hi
			case "cyclic":
				ok = b.Lo%grain == 0 && (size == grain || last) && b.Worker == b.Lo/grain%workers
			case "chan", "mutex", "atomic":
				ok = b.Lo%grain == 0 && (size == grain || last)
			case "guided":
				ok = size == guidedSize(n-b.Lo, workers, grain) && (i > 0 || b.Lo == 0)
			case "steal":
				ok = size <= grain
			default:
				t.Fatalf("no shape known for %s", s.Name())
			}
			if !ok {
				t.Errorf("%s: block %d is %+v", s.Name(), i, b)
			}
		}
	}
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
	for _, s := range All() {
		rep := checkRun(t, s.Name(), s, 10, Options{Workers: 3, Grain: int(^uint(0) >> 1)})
		blocks := 0
		for _, ws := range rep.Workers {
			blocks += ws.Blocks
		}
		// Steal starts from W bands, so it makes one block per band.
		if s.UsesGrain() && s.Name() != "steal" && blocks != 1 {
			t.Errorf("%s: %d blocks with a grain beyond n", s.Name(), blocks)
		}
	}
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
