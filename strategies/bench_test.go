package strategies

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"
)

// The benchmark view is the upper half of the set, 256 x 256, at 200
// iterations: row 0 runs along the real axis through the set's body, the last
// rows are almost all outside, so cost is heavy at the top like a
// fractal's uneven views, and bands is visibly unbalanced.
const (
	benchSize    = 256
	benchMaxIter = 200
)

// benchRow returns the escape-time iterations of row y of the benchmark view.
func benchRow(y int) int64 {
	ci := 1.25 * float64(y) / benchSize
	var iters int64
	for x := 0; x < benchSize; x++ {
		cr := -2 + 2.75*float64(x)/benchSize
		zr, zi := 0.0, 0.0
		i := 0
		for ; i < benchMaxIter && zr*zr+zi*zi <= 4; i++ {
			zr, zi = zr*zr-zi*zi+cr, 2*zr*zi+ci
		}
		iters += int64(i)
	}
	return iters
}

func benchTask(_, lo, hi int) (int64, error) {
	var iters int64
	for y := lo; y < hi; y++ {
		iters += benchRow(y)
	}
	return iters, nil
}

// BenchmarkStrategies renders the benchmark view with every strategy on
// GOMAXPROCS workers, grain 1, and reports rows per second and the mean load
// imbalance (max busy / mean busy).
func BenchmarkStrategies(b *testing.B) {
	workers := runtime.GOMAXPROCS(0)
	for _, s := range All() {
		b.Run(s.Name(), func(b *testing.B) {
			var imbalance float64
			runs := 0
			for b.Loop() {
				rep, err := s.Run(context.Background(), benchSize, Options{Workers: workers, Grain: 1}, benchTask)
				if err != nil {
					b.Fatal(err)
				}
				imbalance += rep.Imbalance()
				runs++
			}
			b.ReportMetric(float64(benchSize*runs)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(imbalance/float64(runs), "imbalance")
		})
	}
}

// BenchmarkClaim measures what a strategy pays per claim: the task does
// nothing, so the time per index at grain 1 is the scheduling overhead alone
// (claim, bookkeeping, the stop check). It runs on GOMAXPROCS workers.
func BenchmarkClaim(b *testing.B) {
	const n = 1 << 14
	workers := runtime.GOMAXPROCS(0)
	noop := func(_, _, _ int) (int64, error) { return 0, nil }
	for _, name := range []string{"atomic", "mutex", "steal"} {
		s, err := Lookup(name)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Run(context.Background(), n, Options{Workers: workers, Grain: 1}, noop); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n*b.N), "ns/claim")
		})
	}
}

// BenchmarkPrimitives times, one at a time, the operations the strategies'
// claims are made of (Primitives), for the cost model (bench/model) and for
// reading BenchmarkClaim: an atomic add, a mutex, a failed compare-and-swap,
// a channel hand-off, a goroutine start and park, and a steal probe of an
// empty and of a full deque, uncontended.
func BenchmarkPrimitives(b *testing.B) {
	for _, p := range Primitives() {
		b.Run(p.Name, func(b *testing.B) { p.Run(b.N) })
	}
}

// BenchmarkBusyClaim measures what a claim costs when the workers are busy,
// which a task that does nothing (BenchmarkClaim) cannot show: each index
// spins for a fixed time, and the report is the time beyond the spinning
// per claim, (wall x workers - indices x spin) / claims, on GOMAXPROCS
// workers at grain 1. It includes what every run pays once (waking the
// other cores), spread over the claims. Where it grows with the spin rather than staying a
// constant, the claim waits for something that needs a core: chan's
// producer, readied onto a busy worker's core, runs only when that worker's
// block ends or an idle core takes it over, so the longer the blocks, the
// longer a worker that finds the channel empty waits. The control,
// chan-prefilled, is chan with every block sent before the workers start,
// so that no producer needs a core: what it saves is the producer's cost.
// The cost model (bench/model) knows claims as constants, and so misses
// chan on real cores.
func BenchmarkBusyClaim(b *testing.B) {
	workers := runtime.GOMAXPROCS(0)
	for _, spin := range []time.Duration{5 * time.Microsecond, 20 * time.Microsecond, 100 * time.Microsecond} {
		const n = 1000 // claims per run, enough that the start of a run (waking the cores) is a small share
		task := func(_, lo, hi int) (int64, error) {
			for range hi - lo {
				for t0 := time.Now(); time.Since(t0) < spin; {
				}
			}
			return 0, nil
		}
		for _, s := range []Strategy{Atomic, Chan, prefilledChan, Steal} {
			b.Run(fmt.Sprintf("%s/spin=%v", s.Name(), spin), func(b *testing.B) {
				claims := 0
				for b.Loop() {
					rep, err := s.Run(context.Background(), n, Options{Workers: workers, Grain: 1}, task)
					if err != nil {
						b.Fatal(err)
					}
					claims += rep.Blocks()
				}
				extra := b.Elapsed().Seconds()*float64(workers) - float64(n*b.N)*spin.Seconds()
				b.ReportMetric(extra/float64(claims)*1e9, "extra-ns/claim")
			})
		}
	}
}

// prefilledChan is chan with a buffer that holds every block, filled
// before the workers start: BenchmarkBusyClaim's control, a channel with no
// producer running beside the workers.
var prefilledChan Strategy = &scheduler{name: "chan-prefilled", usesGrain: true, schedule: func(r *run) {
	blocks := make(chan span, (r.n+r.grain-1)/r.grain)
	for lo := 0; lo < r.n; lo += r.grain {
		blocks <- span{lo, min(lo+r.grain, r.n)}
	}
	close(blocks)
	r.goWorkers(func(w int) {
		for b := range blocks {
			if !r.do(w, b.lo, b.hi) {
				return
			}
		}
	})
}}
