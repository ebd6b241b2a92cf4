package render

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestKernelsRandomRows is FuzzKernels' comparison on rows from a fixed
// seed: it runs where the fuzzer cannot, under qemu (whose fuzz workers
// the test binary would exec as a host program), and in every plain run.
func TestKernelsRandomRows(t *testing.T) {
	rows := 2000
	if testing.Short() {
		rows = 300
	}
	ks := kernels(t)
	rng := rand.New(rand.NewPCG(15, 3))
	for range rows {
		n := 1 + rng.IntN(40)
		if rng.IntN(16) == 0 {
			// Long enough that the block routines store and refill
			// escaped lanes in the vectors, not only near the row's end.
			n = 40 + rng.IntN(400)
		}
		maxIter := 1 + rng.IntN(3000)
		escape2 := []float64{4, 6.25, 1e6}[rng.IntN(3)]
		center, ci := 2.5*rng.Float64()-2, 1.2*(2*rng.Float64()-1)
		spread := math.Ldexp(1, -rng.IntN(40))
		cr := make([]float64, n)
		for i := range cr {
			cr[i] = center + spread*(2*rng.Float64()-1)
		}
		want, wantMag := make([]uint32, n), make([]float64, n)
		wantWork := Scalar(cr, ci, maxIter, escape2, want, wantMag, nil)
		for name, k := range ks {
			got, gotMag := make([]uint32, n), make([]float64, n)
			work := k.Row(cr, ci, maxIter, escape2, got, gotMag, nil)
			for i := range cr {
				if got[i] != want[i] || math.Float64bits(gotMag[i]) != math.Float64bits(wantMag[i]) {
					t.Fatalf("%s: c=%v%+vi maxIter %d escape2 %v: iter %d, mag2 %v; Scalar: %d, %v",
						name, cr[i], ci, maxIter, escape2, got[i], gotMag[i], want[i], wantMag[i])
				}
			}
			if work != wantWork {
				t.Fatalf("%s: work %d, Scalar %d", name, work, wantWork)
			}
		}
	}
}
