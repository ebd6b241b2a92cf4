package render

import (
	"fmt"
	"testing"
	"time"
)

// shardRowsByCost is the alternative to ShardRows that BenchmarkShardMakespan
// measures it against: shard i of n gets the rows whose estimated cost adds
// up to about a 1/n share. A row's cost is estimated from a grid of at most
// 256x256 samples of the view, iterated as a render with shortcuts does
// (scalarPeriodic, which the kernel choice does not change), plus a
// per-sample allowance for painting and encoding. It is deterministic, so
// every machine would cut alike.
func shardRowsByCost(v View, i, n int) (lo, hi int) {
	cum := rowCostPrefix(v)
	return costCut(cum, i, n), costCut(cum, i+1, n)
}

// perSampleCost is what painting and encoding a pixel cost, in iterations.
const perSampleCost = 16

// rowCostPrefix returns cum[y] = the estimated cost of rows [0, y).
func rowCostPrefix(v View) []float64 {
	xs, ys := v.Plane()
	sr, sc := min(v.Height, 256), min(v.Width, 256)
	cr := make([]float64, sc)
	for k := range cr {
		cr[k] = xs[k*v.Width/sc]
	}
	iter := make([]uint32, sc)
	mag2 := make([]float64, sc)
	rowCost := make([]float64, sr)
	for j := range rowCost {
		ci := ys[j*v.Height/sr]
		var w int64
		for k, x := range cr {
			if !inMainComponents(x, ci) {
				w += scalarPeriodic(cr[k:k+1], ci, v.MaxIter, v.escape2(), iter, mag2, nil)
			}
		}
		rowCost[j] = (float64(w) + perSampleCost*float64(sc)) / float64(sc)
	}
	cum := make([]float64, v.Height+1)
	for y := range v.Height {
		cum[y+1] = cum[y] + rowCost[y*sr/v.Height]
	}
	return cum
}

// costCut is the first row of shard i of n: the first row at which the cost
// so far reaches i/n of the total, kept at least a row from its neighbours.
func costCut(cum []float64, i, n int) int {
	h := len(cum) - 1
	if i == 0 || i == n {
		return i * h / n
	}
	target := cum[h] * float64(i) / float64(n)
	y := 0
	for y < h && cum[y] < target {
		y++
	}
	return min(max(y, i), h-(n-i))
}

func TestShardRowsByCostCovers(t *testing.T) {
	p, _ := LookupPreset("tophalf")
	v := p.View
	for _, n := range []int{1, 2, 3, 4, 7, 64} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			next := 0
			for i := range n {
				lo, hi := shardRowsByCost(v, i, n)
				if lo != next || hi <= lo {
					t.Fatalf("shard %d: rows [%d, %d), want a strip from %d", i, lo, hi, next)
				}
				next = hi
			}
			if next != v.Height {
				t.Fatalf("shards end at %d, want %d", next, v.Height)
			}
		})
	}
}

// BenchmarkShardMakespan renders the tophalf view's four shards one after
// another, each on one core, cut by rows and by estimated cost, and reports
// the makespan they would have on four machines (the slowest shard; with the
// cost estimate, which every shard computes, included) as a fraction of
// their sum, and the same for iterations. 0.25 is perfect balance.
func BenchmarkShardMakespan(b *testing.B) {
	p, _ := LookupPreset("tophalf")
	v := p.View
	v.Width, v.Height = 2048, 2048
	const n = 4
	cuts := []struct {
		name string
		rows func(i int) (int, int)
	}{
		{"rows", func(i int) (int, int) { return ShardRows(v.Height, i, n) }},
		{"cost", func(i int) (int, int) { return shardRowsByCost(v, i, n) }},
	}
	for _, c := range cuts {
		b.Run(c.name, func(b *testing.B) {
			var maxT, sumT time.Duration
			var maxW, sumW int64
			for range b.N {
				maxT, sumT, maxW, sumW = 0, 0, 0, 0
				for i := range n {
					start := time.Now()
					lo, hi := c.rows(i)
					r, err := NewRenderer(v, 1, Options{Shortcuts: true, Rows: hi - lo})
					if err != nil {
						b.Fatal(err)
					}
					r.SetWindow(lo)
					w := r.RenderUnits(lo, hi)
					d := time.Since(start)
					maxT, sumT = max(maxT, d), sumT+d
					maxW, sumW = max(maxW, w), sumW+w
				}
			}
			b.ReportMetric(float64(maxT)/float64(sumT), "makespan/sum")
			b.ReportMetric(float64(maxW)/float64(sumW), "maxiter/sum")
			b.ReportMetric(maxT.Seconds(), "makespan-s")
		})
	}
}
