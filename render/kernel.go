package render

// Kernel computes one row of escape times. cr holds the real parts of the
// row's sample points and ci their common imaginary part. For each point it
// stores in iter the number of iterations done before |z|^2 exceeded escape2
// (maxIter if it never did) and in mag2 the final |z|^2. It returns the sum of
// iter, the row's work. A faster kernel may replace Scalar behind this
// signature only if it reproduces Scalar's results bit for bit.
type Kernel func(cr []float64, ci float64, maxIter int, escape2 float64, iter []uint32, mag2 []float64) (work int64)

// Scalar is the reference kernel. Its arithmetic, in this order and with every
// operation rounded to float64, is the contract every strategy and every later
// kernel must reproduce:
//
//	zr, zi = 0, 0
//	for n = 0; n < maxIter; n++ {
//		zr2, zi2 = zr*zr, zi*zi
//		if zr2+zi2 > escape2 { break }
//		zi = (zr+zr)*zi + ci
//		zr = (zr2-zi2) + cr
//	}
//	mag2 = zr*zr + zi*zi
//
// This is the C yardstick's "scalar" kernel (compiled with -ffp-contract=off)
// and, with escape2 = 4 and maxIter = 50, the Benchmarks Game's loop. The
// explicit float64 conversions forbid the compiler to fuse a multiply and an
// add into an FMA (which Go may do, even across statements, when built with
// GOAMD64=v3), so the result does not depend on the target CPU.
func Scalar(cr []float64, ci float64, maxIter int, escape2 float64, iter []uint32, mag2 []float64) (work int64) {
	iter = iter[:len(cr)]
	mag2 = mag2[:len(cr)]
	for x, c := range cr {
		var zr, zi, zr2, zi2 float64
		n := 0
		for ; n < maxIter; n++ {
			zr2, zi2 = float64(zr*zr), float64(zi*zi)
			if zr2+zi2 > escape2 {
				break
			}
			zi = float64((zr+zr)*zi) + ci
			zr = (zr2 - zi2) + c
		}
		iter[x] = uint32(n)
		mag2[x] = float64(zr*zr) + float64(zi*zi)
		work += int64(n)
	}
	return work
}
