package model

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"testing"

	"go.uber.org/goleak"

	"github.com/mandel-project/mandel/strategies"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func equal(n int, c float64) []float64 {
	costs := make([]float64, n)
	for i := range costs {
		costs[i] = c
	}
	return costs
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*max(1, math.Abs(b)) }

// TestEqualCosts checks the makespan against the hand count: with rows of
// cost c and a claim overhead o, a static schedule's makespan is the largest
// share times c plus its claims times o. On a shared queue the W workers
// that all claim at time 0 take turns, so the last of them starts (W-1)o
// late and stays that late: ceil(n/(W*g)) blocks of g*c, their claims, and
// (W-1)o.
func TestEqualCosts(t *testing.T) {
	const c, o = 1.0, 0.001
	cases := []struct {
		name      string
		n, w, g   int
		shared    bool
		makespan  float64
		claims    int
		imbalance float64
	}{
		{"serial", 10, 4, 1, false, 10*c + 10*o, 10, 1},
		{"bands", 10, 4, 1, false, 3*c + 3*o, 10, 3 * 4 / 10.0},
		{"bands", 8, 4, 1, false, 2*c + 2*o, 8, 1},
		{"cyclic", 10, 4, 1, false, 3*c + 3*o, 10, 3 * 4 / 10.0},
		{"cyclic", 10, 2, 3, false, 6*c + 2*o, 4, 6 * 2 / 10.0}, // blocks 0,2 (6 rows) and 1,3 (4 rows)
		{"atomic", 10, 4, 1, true, 3*c + 3*o + 1*o, 10, 3 * 4 / 10.0},
		{"mutex", 12, 3, 2, true, 4*c + 2*o + 2*o, 6, 1},
		{"chan", 9, 3, 1, true, 3*c + 3*o + 2*o, 9, 1},
		{"rows", 9, 3, 1, true, 3*c + 3*o + 2*o, 9, 1},
		{"steal", 8, 4, 1, false, 2*c + 2*o, 8, 1},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s/n=%d,W=%d,g=%d", tc.name, tc.n, tc.w, tc.g), func(t *testing.T) {
			r, err := Simulate(byName(tc.name), equal(tc.n, c), Params{Workers: tc.w, Grain: tc.g, Overhead: Overhead{Claim: o, Shared: tc.shared}})
			if err != nil {
				t.Fatal(err)
			}
			if !near(r.Makespan, tc.makespan) || r.Claims != tc.claims || !near(r.Imbalance, tc.imbalance) {
				t.Errorf("makespan %g, claims %d, imbalance %g; want %g, %d, %g", r.Makespan, r.Claims, r.Imbalance, tc.makespan, tc.claims, tc.imbalance)
			}
			if r.Steals != 0 {
				t.Errorf("steals %d, want 0 on a balanced start", r.Steals)
			}
		})
	}
}

// TestSharedClaimsSerialize checks the contention model: when blocks cost
// nothing, W workers on a shared queue take n claims one at a time, n x o,
// however many workers there are, while static schedules divide them.
func TestSharedClaimsSerialize(t *testing.T) {
	const n, o = 64, 1.0
	for _, w := range []int{1, 2, 8} {
		t.Run(fmt.Sprint(w), func(t *testing.T) {
			r, err := Simulate(byName("atomic"), equal(n, 0), Params{Workers: w, Overhead: Overhead{Claim: o, Shared: true}})
			if err != nil {
				t.Fatal(err)
			}
			if !near(r.Makespan, n*o) {
				t.Errorf("atomic: makespan %g, want %g", r.Makespan, n*o)
			}
			r, err = Simulate(byName("cyclic"), equal(n, 0), Params{Workers: w, Overhead: Overhead{Claim: o}})
			if err != nil {
				t.Fatal(err)
			}
			if want := float64(n/w) * o; !near(r.Makespan, want) {
				t.Errorf("cyclic: makespan %g, want %g", r.Makespan, want)
			}
		})
	}
}

// TestOneExpensiveRow checks that no schedule beats its most expensive row,
// that the dynamic ones reach it exactly when the rest fits beside it, and
// that bands, which gives the expensive row's worker its whole band, does
// not.
func TestOneExpensiveRow(t *testing.T) {
	costs := equal(64, 1)
	costs[0] = 40
	for _, name := range strategies.Names() {
		t.Run(name, func(t *testing.T) {
			r, err := Simulate(byName(name), costs, Params{Workers: 4, Overhead: Overheads[byName(name)]})
			if err != nil {
				t.Fatal(err)
			}
			if r.Makespan < 40 {
				t.Errorf("makespan %g, less than the expensive row", r.Makespan)
			}
			want := 40.0 // the other 63 rows fit on 3 workers in 21 < 40
			switch name {
			case "serial":
				want = 40 + 63
			case "bands":
				want = 40 + 15
			case "cyclic":
				want = 40 + 15 // rows 0, 4, ..., 60
			case "guided":
				want = 40 + 15 // the first claim is ceil(64/4) rows
			}
			if math.Abs(r.Makespan-want) > 1e-3 {
				t.Errorf("makespan %g, want %g within overheads", r.Makespan, want)
			}
		})
	}
}

// TestMoreWorkersThanRows checks that W > n leaves the extra workers idle
// without failing, and that the makespan is the largest row.
func TestMoreWorkersThanRows(t *testing.T) {
	costs := []float64{1, 3, 2}
	for _, name := range strategies.Names() {
		t.Run(name, func(t *testing.T) {
			r, err := Simulate(byName(name), costs, Params{Workers: 16})
			if err != nil {
				t.Fatal(err)
			}
			want := 3.0
			if name == "serial" {
				want = 6
			}
			if r.Makespan != want || r.Claims != 3 {
				t.Errorf("makespan %g, claims %d; want %g, 3", r.Makespan, r.Claims, want)
			}
		})
	}
}

// TestOneWorker checks that W = 1 is the serial sum plus one overhead per
// claim for every strategy, and that it steals nothing.
func TestOneWorker(t *testing.T) {
	costs := []float64{5, 1, 0.5, 3, 2, 2, 7}
	const o = 0.01
	for _, name := range strategies.Names() {
		for _, g := range []int{1, 3} {
			t.Run(fmt.Sprintf("%s/grain=%d", name, g), func(t *testing.T) {
				r, err := Simulate(byName(name), costs, Params{Workers: 1, Grain: g, Overhead: Overhead{Claim: o, StealEmpty: 1, StealSuccess: 1}})
				if err != nil {
					t.Fatal(err)
				}
				if want := 20.5 + float64(r.Claims)*o; !near(r.Makespan, want) {
					t.Errorf("makespan %g, want %g (%d claims)", r.Makespan, want, r.Claims)
				}
				if r.StealAttempts != 0 || r.Imbalance != 1 {
					t.Errorf("steal attempts %d, imbalance %g; want 0, 1", r.StealAttempts, r.Imbalance)
				}
			})
		}
	}
}

// TestStealBalances checks that steal, starting from bands, moves work off
// the expensive band: fewer rows for its owner and a makespan well below
// bands'.
func TestStealBalances(t *testing.T) {
	costs := equal(256, 0.01)
	for i := range 64 {
		costs[i] = 1 // the first band of four is 100 times dearer
	}
	bands, err := Simulate(byName("bands"), costs, Params{Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	steal, err := Simulate(byName("steal"), costs, Params{Workers: 4, Overhead: Overheads[byName("steal")]})
	if err != nil {
		t.Fatal(err)
	}
	if steal.Steals == 0 || steal.Makespan > bands.Makespan/2 {
		t.Errorf("steal: makespan %g with %d steals, bands %g: want steals and at most half", steal.Makespan, steal.Steals, bands.Makespan)
	}
}

// TestWake checks the late start of every worker but the first on hand
// counts: bands' second band ends Wake later; a shared queue hands the first
// worker the rows that arrive before the others wake.
func TestWake(t *testing.T) {
	const c, wake = 1.0, 2.5
	bands, err := Simulate(strategies.Bands, equal(8, c), Params{Workers: 2, Wake: wake})
	if err != nil {
		t.Fatal(err)
	}
	if want := 4*c + wake; !near(bands.Makespan, want) {
		t.Errorf("bands: makespan %g, want %g", bands.Makespan, want)
	}
	// Worker 0 runs rows 0, 1 and 2 (to 3) before worker 1 wakes at 2.5;
	// then they alternate: row 3 (w1, to 3.5), 4 (w0, to 4), 5 (w1, to
	// 4.5), 6 (w0, to 5), 7 (w1, to 5.5).
	atomic, err := Simulate(strategies.Atomic, equal(8, c), Params{Workers: 2, Wake: wake})
	if err != nil {
		t.Fatal(err)
	}
	if want := 5.5; !near(atomic.Makespan, want) {
		t.Errorf("atomic: makespan %g, want %g", atomic.Makespan, want)
	}
	if want := []float64{5, 3}; !near(atomic.Busy[0], want[0]) || !near(atomic.Busy[1], want[1]) {
		t.Errorf("atomic: busy %v, want %v", atomic.Busy, want)
	}
	serial, err := Simulate(strategies.Serial, equal(8, c), Params{Workers: 4, Wake: wake})
	if err != nil {
		t.Fatal(err)
	}
	if !near(serial.Makespan, 8*c) {
		t.Errorf("serial: makespan %g, want %g: one worker never waits to wake", serial.Makespan, 8*c)
	}
}

// TestPrefix: a serial prefix (a deep view's reference orbit) delays every
// worker by its length, the rest of the schedule unchanged, and counts in
// the speedup, which no worker count takes past Amdahl's bound,
// (prefix + rows) / prefix.
func TestPrefix(t *testing.T) {
	const prefix = 3.0
	costs := make([]float64, 64)
	for i := range costs {
		costs[i] = 0.5 + float64(i%7)/4 // uneven rows, for the dynamic strategies
	}
	total := prefix
	for _, c := range costs {
		total += c
	}
	for _, st := range []strategies.Strategy{strategies.Serial, strategies.Bands, strategies.Atomic, strategies.Steal} {
		for _, w := range []int{1, 2, 16, 256} {
			p := Params{Workers: w, Grain: 2, Overhead: Overheads[st], Wake: 0.01}
			without, err := Simulate(st, costs, p)
			if err != nil {
				t.Fatal(err)
			}
			p.Prefix = prefix
			with, err := Simulate(st, costs, p)
			if err != nil {
				t.Fatal(err)
			}
			if !near(with.Makespan, without.Makespan+prefix) {
				t.Errorf("%s at %d: makespan %g with the prefix, %g without, want %g more", st.Name(), w, with.Makespan, without.Makespan, prefix)
			}
			if !near(with.Speedup, total/with.Makespan) || with.Speedup > total/prefix {
				t.Errorf("%s at %d: speedup %g, want (prefix + rows) / makespan = %g, at most %g", st.Name(), w, with.Speedup, total/with.Makespan, total/prefix)
			}
			if !slices.EqualFunc(with.Busy, without.Busy, near) {
				t.Errorf("%s at %d: busy %v with the prefix, %v without: the prefix is no worker's task", st.Name(), w, with.Busy, without.Busy)
			}
		}
	}
	if _, err := Simulate(strategies.Bands, costs, Params{Workers: 2, Prefix: -1}); err == nil {
		t.Error("a negative prefix was accepted")
	}
}

// TestStealProbeCosts checks that a probe of an empty deque costs
// StealEmpty and one that takes work StealSuccess, on a hand-run schedule.
func TestStealProbeCosts(t *testing.T) {
	const empty, success = 0.25, 0.5
	r, err := Simulate(strategies.Steal, equal(3, 1), Params{Workers: 2, Overhead: Overhead{StealEmpty: empty, StealSuccess: success}})
	if err != nil {
		t.Fatal(err)
	}
	// The bands are [0,1) and [1,3). Worker 0 runs row 0 (to 1); worker 1
	// splits its band, pushes row 2 and runs row 1 (to 1). At 1 worker 0
	// (ties go to the lower number) steals row 2 (to 1.5) and runs it (to
	// 2.5); worker 1 probes worker 0's empty deque (to 1.25) and is done;
	// worker 0 probes worker 1's, empty by then (to 2.75), and is done.
	if r.Steals != 1 {
		t.Fatalf("steals %d, want 1", r.Steals)
	}
	if want := 1 + success + 1 + empty; !near(r.Makespan, want) {
		t.Errorf("makespan %g, want %g", r.Makespan, want)
	}
}

// unknownStrategy is a strategy the model has no rule for.
type unknownStrategy struct{ strategies.Strategy }

func (unknownStrategy) Name() string { return "nope" }

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		st strategies.Strategy
		p  Params
	}{
		{unknownStrategy{}, Params{Workers: 1}},
		{strategies.Atomic, Params{Workers: 0}},
		{strategies.Atomic, Params{Workers: 1, Grain: -1}},
		{strategies.Atomic, Params{Workers: 2, Wake: -1}},
	} {
		if _, err := Simulate(tc.st, []float64{1}, tc.p); err == nil {
			t.Errorf("Simulate(%s, %+v): no error", tc.st.Name(), tc.p)
		}
	}
}

type blockKey struct{ worker, lo, hi int }

// realTrace runs the real strategy on n indices and returns its blocks.
func realTrace(t *testing.T, name string, n, w, g int) []strategies.Block {
	t.Helper()
	s, err := strategies.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	noop := func(_, _, _ int) (int64, error) { return 0, nil }
	rep, err := s.Run(context.Background(), n, strategies.Options{Workers: w, Grain: g, Trace: true}, noop)
	if err != nil {
		t.Fatal(err)
	}
	return rep.Trace
}

// TestSameScheduleAsReal checks that the simulator's bands and cyclic give
// each worker exactly the blocks the real strategies give it, and that its
// guided claims have the real sizes in the real order; the costs do not
// matter to these schedules, so the real task does nothing.
func TestSameScheduleAsReal(t *testing.T) {
	for _, tc := range []struct{ n, w, g int }{{37, 4, 1}, {37, 4, 3}, {10, 16, 2}, {100, 7, 5}, {64, 1, 4}} {
		costs := equal(tc.n, 1)
		for _, name := range []string{"bands", "cyclic", "guided"} {
			t.Run(fmt.Sprintf("%s/n=%d,W=%d,g=%d", name, tc.n, tc.w, tc.g), func(t *testing.T) {
				real := realTrace(t, name, tc.n, tc.w, tc.g)
				sim, err := Simulate(byName(name), costs, Params{Workers: tc.w, Grain: tc.g, Trace: true})
				if err != nil {
					t.Fatal(err)
				}
				if name == "guided" {
					// Which worker wins a claim is the real scheduler's
					// choice; the sizes in index order are the rule's.
					if got, want := sizes(sim.Trace, func(b Block) (int, int) { return b.Lo, b.Hi }),
						sizes(real, func(b strategies.Block) (int, int) { return b.Lo, b.Hi }); !slices.Equal(got, want) {
						t.Errorf("guided sizes %v, want %v", got, want)
					}
					return
				}
				var got, want []blockKey
				for _, b := range sim.Trace {
					got = append(got, blockKey{b.Worker, b.Lo, b.Hi})
				}
				for _, b := range real {
					want = append(want, blockKey{b.Worker, b.Lo, b.Hi})
				}
				less := func(a, b blockKey) int { return a.lo - b.lo }
				slices.SortFunc(got, less)
				slices.SortFunc(want, less)
				if !slices.Equal(got, want) {
					t.Errorf("blocks\n%v\nwant\n%v", got, want)
				}
			})
		}
	}
}

// sizes returns the sizes of blocks in index order.
func sizes[B any](blocks []B, span func(B) (int, int)) []int {
	sorted := slices.Clone(blocks)
	slices.SortFunc(sorted, func(a, b B) int {
		la, _ := span(a)
		lb, _ := span(b)
		return la - lb
	})
	var out []int
	for _, b := range sorted {
		lo, hi := span(b)
		out = append(out, hi-lo)
	}
	return out
}

// BenchmarkSimulate runs every strategy at W = 1, 2, 4, ..., 256 on a
// 4096-row scene whose cost is heavy at the top, as the --simulate table
// does for one scene and grain.
func BenchmarkSimulate(b *testing.B) {
	costs := make([]float64, 4096)
	for i := range costs {
		costs[i] = 1e-5 * (1 + 10*math.Exp(-float64(i)/500))
	}
	for b.Loop() {
		for _, name := range strategies.Names() {
			for w := 1; w <= 256; w *= 2 {
				if _, err := Simulate(byName(name), costs, Params{Workers: w, Grain: 1, Overhead: Overheads[byName(name)]}); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
}

// BenchmarkOverhead measures what each strategy pays per claim: the task
// does nothing, grain is 1, so the time per index is the overhead alone. At
// one worker it is the uncontended cost that Overheads records; at
// GOMAXPROCS workers it shows the contention the Shared flag models.
func BenchmarkOverhead(b *testing.B) {
	const n = 1 << 14
	noop := func(_, _, _ int) (int64, error) { return 0, nil }
	for _, w := range []int{1, runtime.GOMAXPROCS(0)} {
		for _, s := range strategies.All() {
			b.Run(fmt.Sprintf("%s/W=%d", s.Name(), w), func(b *testing.B) {
				for b.Loop() {
					if _, err := s.Run(context.Background(), n, strategies.Options{Workers: w, Grain: 1}, noop); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n*b.N), "ns/claim")
			})
		}
	}
}

// byName is the strategy called name, for tables of cases.
func byName(name string) strategies.Strategy {
	s, err := strategies.Lookup(name)
	if err != nil {
		panic(err)
	}
	return s
}
