package strategies

import (
	"fmt"
	"testing"
)

// countingSim is a Sim whose rows cost one unit each and whose claims and
// probes cost nothing; it records who did which index.
type countingSim struct {
	n, workers, grain int
	clock             []int
	retired           []bool
	done              []int // done[i] counts the times index i was run
	owner             []int
	probes            int
}

func newCountingSim(n, workers, grain int) *countingSim {
	return &countingSim{n: n, workers: workers, grain: grain, clock: make([]int, workers),
		retired: make([]bool, workers), done: make([]int, n), owner: make([]int, n)}
}

func (s *countingSim) N() int       { return s.n }
func (s *countingSim) Workers() int { return s.workers }
func (s *countingSim) Grain() int   { return s.grain }
func (s *countingSim) Do(w, lo, hi int) {
	for i := lo; i < hi; i++ {
		s.done[i]++
		s.owner[i] = w
	}
	s.clock[w] += hi - lo
}
func (s *countingSim) Probe(int, bool) { s.probes++ }
func (s *countingSim) Next() (int, bool) {
	best := -1
	for w := range s.workers {
		if !s.retired[w] && (best < 0 || s.clock[w] < s.clock[best]) {
			best = w
		}
	}
	return best, best >= 0
}
func (s *countingSim) Retire(w int) { s.retired[w] = true }

// TestSimulateCoversEveryIndex checks every strategy's rule against the
// contract its Run keeps: each index once, by one of the workers it runs
// on.
func TestSimulateCoversEveryIndex(t *testing.T) {
	forEach(t, func(t *testing.T, s Strategy) {
		ss, ok := s.(Simulated)
		if !ok {
			t.Fatal("the strategy has no simulation rule (Simulated)")
		}
		for _, c := range []struct{ n, w, g int }{{0, 3, 1}, {1, 4, 1}, {37, 4, 3}, {100, 7, 5}, {64, 1, 4}, {10, 16, 2}} {
			t.Run(fmt.Sprintf("n=%d,W=%d,g=%d", c.n, c.w, c.g), func(t *testing.T) {
				sim := newCountingSim(c.n, ss.WorkersFor(c.w), min(c.g, max(c.n, 1)))
				ss.Simulate(sim)
				for i, k := range sim.done {
					if k != 1 || sim.owner[i] >= workersOf(s, c.w) {
						t.Fatalf("index %d run %d times, last by worker %d", i, k, sim.owner[i])
					}
				}
			})
		}
		if costs := ss.DefaultCosts(); costs.Claim <= 0 {
			t.Errorf("default claim cost %g, want a measured one", costs.Claim)
		}
	})
}

// TestSimulatedStealMatchesReal checks that simulated steal, given rows of
// equal cost, starts from the real bands and splits as the real one does:
// on one worker both render the same blocks in the same order.
func TestSimulatedStealMatchesReal(t *testing.T) {
	rep := checkRun(t, Steal, 37, Options{Workers: 1, Grain: 3, Trace: true})
	sim := newCountingSim(37, 1, 3)
	var got []Block
	rec := &recordingSim{countingSim: sim, blocks: &got}
	Steal.(Simulated).Simulate(rec)
	if len(got) != len(rep.Trace) {
		t.Fatalf("%d simulated blocks, %d real", len(got), len(rep.Trace))
	}
	for i, b := range rep.Trace {
		if got[i].Lo != b.Lo || got[i].Hi != b.Hi {
			t.Errorf("block %d: simulated [%d, %d), real [%d, %d)", i, got[i].Lo, got[i].Hi, b.Lo, b.Hi)
		}
	}
}

// recordingSim records the blocks of a countingSim.
type recordingSim struct {
	*countingSim
	blocks *[]Block
}

func (s *recordingSim) Do(w, lo, hi int) {
	*s.blocks = append(*s.blocks, Block{Worker: w, Lo: lo, Hi: hi})
	s.countingSim.Do(w, lo, hi)
}
