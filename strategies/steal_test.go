package strategies

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

func TestSplitPoint(t *testing.T) {
	cases := []struct{ lo, hi, grain, want int }{
		{0, 2, 1, 1},
		{0, 3, 1, 1},
		{0, 4, 3, 3},
		{10, 20, 3, 16}, // 4 grains: 2 below, 2 (one partial) above
		{10, 23, 3, 16}, // 5 grains: 2 below, 3 (one partial) above
		{0, 64, 8, 32},
	}
	for _, c := range cases {
		if got := splitPoint(span{c.lo, c.hi}, c.grain); got != c.want {
			t.Errorf("splitPoint([%d, %d), %d) = %d, want %d", c.lo, c.hi, c.grain, got, c.want)
		}
	}
}

func TestDequeStealHalf(t *testing.T) {
	var d deque
	if _, ok := d.stealHalf(1); ok {
		t.Fatal("stole from an empty deque")
	}
	// A lone range is shared: the thief takes its upper half.
	d.spans = []span{{0, 100}}
	d.size.Store(1)
	if s, ok := d.stealHalf(1); !ok || s != (span{50, 100}) || d.spans[0] != (span{0, 50}) {
		t.Fatalf("lone range: stole %v %v, left %v", s, ok, d.spans)
	}
	// Otherwise the thief takes the top, the oldest and largest range, and
	// the owner pops the bottom.
	d.spans = []span{{50, 100}, {25, 50}, {12, 25}}
	d.size.Store(3)
	if s, ok := d.stealHalf(1); !ok || s != (span{50, 100}) {
		t.Fatalf("stole %v %v, want the top [50, 100)", s, ok)
	}
	if s, ok := d.pop(); !ok || s != (span{12, 25}) || d.size.Load() != 1 {
		t.Fatalf("popped %v %v, want the bottom [12, 25)", s, ok)
	}
	// A lone range of one grain is taken whole.
	d.spans = []span{{0, 4}}
	d.size.Store(1)
	if s, ok := d.stealHalf(4); !ok || s != (span{0, 4}) || d.size.Load() != 0 {
		t.Fatalf("one grain: stole %v %v, left %v", s, ok, d.spans)
	}
}

// TestStealFromBlockedOwner makes every index worker 0's business: its first
// task call blocks until some other worker has rendered part of worker 0's
// band, which only a steal can arrange. A scheduler that does not steal
// fails instead of hanging, thanks to the timeout.
func TestStealFromBlockedOwner(t *testing.T) {
	s, _ := Lookup("steal")
	for _, workers := range []int{2, 4, 7} {
		for _, grain := range []int{1, 3} {
			const n = 64
			bandHi := n / workers
			stolen := make(chan struct{})
			var once sync.Once
			task := func(w, lo, _ int) (int64, error) {
				if w != 0 && lo < bandHi {
					once.Do(func() { close(stolen) })
				}
				if w == 0 && lo == 0 {
					select {
					case <-stolen:
					case <-time.After(10 * time.Second):
						return 0, errors.New("nobody stole from a blocked worker 0")
					}
				}
				return 1, nil
			}
			rep, err := s.Run(context.Background(), n, Options{Workers: workers, Grain: grain}, task)
			if err != nil {
				t.Fatalf("W=%d grain=%d: %v", workers, grain, err)
			}
			if rep.Steals() == 0 {
				t.Errorf("W=%d grain=%d: no steals reported", workers, grain)
			}
		}
	}
}

// TestStealTopHeavy gives all the cost to worker 0's band, as a fractal's
// top-heavy view does: worker 1 must steal and end up with more than its own
// band. A machine may be too busy to run worker 1 at all for one run, so a
// few runs are allowed.
func TestStealTopHeavy(t *testing.T) {
	s, _ := Lookup("steal")
	const n = 64
	task := func(_, lo, hi int) (int64, error) {
		for i := lo; i < hi; i++ {
			if i < n/2 {
				spin(300 * time.Microsecond)
			}
		}
		return int64(hi - lo), nil
	}
	var rep *Report
	for try := 0; try < 5; try++ {
		var err error
		rep, err = s.Run(context.Background(), n, Options{Workers: 2, Grain: 1}, task)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Workers[1].Steals > 0 && rep.Workers[1].Items > n/2 {
			return
		}
	}
	t.Errorf("worker 1 never stole: %+v", rep.Workers)
}

// spin burns the CPU for d, as an expensive row does; sleeping would let a
// single core serve every worker.
func spin(d time.Duration) {
	for start := time.Now(); time.Since(start) < d; {
	}
}
