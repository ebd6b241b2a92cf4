package strategies

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestStealFromBlockedOwner makes every index worker 0's business: its first
// task call blocks until some other worker has rendered part of worker 0's
// band, which only a steal can arrange. A scheduler that does not steal
// fails instead of hanging, thanks to the timeout.
func TestStealFromBlockedOwner(t *testing.T) {
	for _, workers := range []int{2, 4, 7} {
		for _, grain := range []int{1, 3} {
			t.Run(fmt.Sprintf("W=%d/grain=%d", workers, grain), func(t *testing.T) {
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
				rep, err := Steal.Run(context.Background(), n, Options{Workers: workers, Grain: grain}, task)
				if err != nil {
					t.Fatal(err)
				}
				if rep.Steals() == 0 {
					t.Error("no steals reported")
				}
			})
		}
	}
}

// TestStealTopHeavy gives all the cost to worker 0's band, as a fractal's
// top-heavy view does: worker 1 must steal and end up with more than its own
// band. A machine may be too busy to run worker 1 at all for one run, so a
// few runs are allowed.
func TestStealTopHeavy(t *testing.T) {
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
		rep, err = Steal.Run(context.Background(), n, Options{Workers: 2, Grain: 1}, task)
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
