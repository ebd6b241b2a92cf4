package render

import (
	"math"
	"sync/atomic"
)

// The AVX-512 kernel's shape; internal/avx512gen generates avx512Blocks
// with the same numbers (its flags' defaults), and says why this shape.
const (
	avx512Vectors = 6 // independent vectors interleaved, to hide latency
	avx512Unroll  = 4 // iterations per block, between escape tests
	avx512Lanes   = 8 * avx512Vectors
	// The parts of laneFloats and laneInts that avx512Blocks uses.
	avx512Floats = (3 + avx512Unroll) * avx512Lanes
	// Both routines' ints end with the 8 of laneInts where they keep
	// their lanes' work.
	avx512Ints = 3*avx512Lanes + 4 + 8
	// And those that avx512PeriodicBlocks uses.
	avx512PeriodicFloats = avx512Floats + 2*avx512Lanes
	avx512PeriodicInts   = avx512Ints
)

// avx512ShortRow is the row length below which the avx512 kernel hands a
// row to the AVX2 one (the same counts and final values, so the same
// frame), and avx512ShortPeriodic the same for its Periodic row: the end
// of a row, where lanes fall idle, is its last 48 samples against AVX2's
// 16, and on short rows that costs more than the wider vectors gain.
// Measured on Zen 4 (2 cores shared, load 5-9, CPU time, medians of 5 to
// 7) after the block routines stopped returning to Go at the row's end:
// on rows of the full and interior views' x ranges (BenchmarkShortRows)
// AVX2 took 0.90 and 1.01 times AVX-512's time at 128 samples and 1.33
// and 1.25 at 192 (periodic: 0.89 and 0.86 at 128, 1.23 and 1.08 at 192);
// but with shortcuts (BenchmarkShortcuts, the cardioid's samples gathered
// out of the rows, the rows' Periodic kernel), a periodic threshold of
// 192 against 384, 512 and 768 took full 17.8 against 14.7, 14.5 and 15.0
// CPU ms, interior 27.0, 27.5, 26.9, 26.8, seahorse 36.9, 37.1, 38.8,
// 38.3. Before, with a return to Go at every escape over a row's last 48
// samples, both thresholds were 512 (and the next measure, after the
// last-test change alone, said 256 for plain rows).
const (
	avx512ShortRow      = 192
	avx512ShortPeriodic = 384
)

// avx512Kernel is the AVX-512 RowFunc: avx512Rows, or for a short row the
// AVX2 kernel (see avx512ShortRow).
func avx512Kernel(cr []float64, ci float64, maxIter int, escape2 float64, iter []uint32, mag2 []float64, stop *atomic.Bool) int64 {
	if len(cr) < avx512ShortRow {
		return avx2Kernel(cr, ci, maxIter, escape2, iter, mag2, stop)
	}
	return avx512Rows(cr, ci, maxIter, escape2, iter, mag2, stop)
}

// avx512Periodic is avx512Kernel with periodicity checking, the AVX-512
// kernel's Periodic row: avx512PeriodicRows, or avx2Periodic for a short
// row (avx512ShortPeriodic).
func avx512Periodic(cr []float64, ci float64, maxIter int, escape2 float64, iter []uint32, mag2 []float64, stop *atomic.Bool) int64 {
	if len(cr) < avx512ShortPeriodic {
		return avx2Periodic(cr, ci, maxIter, escape2, iter, mag2, stop)
	}
	return avx512PeriodicRows(cr, ci, maxIter, escape2, iter, mag2, stop)
}

// avx512Rows renders a row of any length with avx512Blocks as its block
// routine (see laneDriver), or with the AVX2 kernel where lastTest says
// that avx512Blocks's escape test would not be exact.
func avx512Rows(cr []float64, ci float64, maxIter int, escape2 float64, iter []uint32, mag2 []float64, stop *atomic.Bool) int64 {
	if !lastTest(cr, ci, escape2) {
		return avx2Kernel(cr, ci, maxIter, escape2, iter, mag2, stop)
	}
	var d laneDriver
	d.negNaN = true
	d.start(avx512Lanes, avx512Unroll, false, cr, ci, maxIter, escape2, iter, mag2)
	for d.ready(stop) {
		d.escapedLanes(runBlocks512(&d.st, &d.ln, d.cr, d.iter, d.mag2, ci, escape2, d.blockMaxIter(), d.chunkBlocks()))
		d.recount() // lanes fall idle in avx512Blocks at the row's end
	}
	return d.work()
}

// avx512PeriodicRows is avx512Rows with periodicity checking:
// avx512PeriodicBlocks is its block routine (see laneDriver), and
// avx2Periodic takes the rows that lastTest refuses.
func avx512PeriodicRows(cr []float64, ci float64, maxIter int, escape2 float64, iter []uint32, mag2 []float64, stop *atomic.Bool) int64 {
	if !lastTest(cr, ci, escape2) {
		return avx2Periodic(cr, ci, maxIter, escape2, iter, mag2, stop)
	}
	var d laneDriver
	d.start(avx512Lanes, avx512Unroll, true, cr, ci, maxIter, escape2, iter, mag2)
	for d.ready(stop) {
		escaped, periodic := runPeriodicBlocks512(&d.st, &d.ln, d.cr, d.iter, d.mag2, ci, escape2, d.blockMaxIter(), d.chunkBlocks(), maxIter)
		d.escapedLanes(escaped)
		d.periodicLanes(periodic)
		d.recount() // lanes fall idle in avx512PeriodicBlocks at the row's end
	}
	return d.work()
}

// runBlocks512 is runBlocks for avx512Blocks: a preemption point.
//
//go:noinline
func runBlocks512(st *laneFloats, ln *laneInts, cr []float64, iter []uint32, mag2 []float64, ci, escape2 float64, maxIter, blocks int) (escaped int) {
	return avx512Blocks((*[avx512Floats]float64)(st[:avx512Floats]), (*[avx512Ints]int)(ln[:avx512Ints]), cr, iter, mag2, ci, escape2, maxIter, blocks)
}

// runPeriodicBlocks512 is runBlocks for avx512PeriodicBlocks.
//
//go:noinline
func runPeriodicBlocks512(st *laneFloats, ln *laneInts, cr []float64, iter []uint32, mag2 []float64, ci, escape2 float64, maxIter, blocks, limit int) (escaped, periodic int) {
	return avx512PeriodicBlocks((*[avx512PeriodicFloats]float64)(st[:avx512PeriodicFloats]), (*[avx512PeriodicInts]int)(ln[:avx512PeriodicInts]), cr, iter, mag2, ci, escape2, maxIter, blocks, limit)
}

// lastTest reports whether avx512Blocks may test for escape at the last
// iteration of each block alone, on this row: whether every lane whose
// |z|^2 exceeds escape2 at some iteration of a block also exceeds it at
// the block's last, with no NaN on the way. A max over the block's |z|^2,
// which the test would otherwise need, is an operation an iteration on
// the adding ports, which bound the blocks: W1 ran about 10% faster
// without it.
//
// Why that holds, with R = sqrt(escape2), 2 <= R <= 1e6, for |c| in one
// of two ranges. Say |z|^2 > escape2 at some iteration, so |z| >= R(1-2u)
// (u = 2^-53: the rounding of the computed |z|^2). The next z is z^2 + c,
// so |z'| >= |z|^2 - |c| = |z| (|z| - |c|/|z|), and the roundings of the
// step move it by a few u |z|^2.
//   - If |c| <= R^2 - R(1+m), m = 1e-6: |z| - |c|/|z| grows with |z| and
//     is at least 1 + m - 4uR at |z| = R(1-2u), so |z'| >= |z| (1 + m/2)
//     and |z'|^2 > escape2, with a margin m/2 against some 10 roundings
//     of u each. By induction every later test of the block breaks.
//   - If |c| >= R(1+m): the first step from z = 0 gives z = c exactly, whose
//     test breaks; from there |z| >= |c| >= 2(1+m) and |z| - |c|/|z| >=
//     |z| - 1 >= 1 + m, so |z| keeps growing and every later test breaks.
//
// For R = 2 (every preset) the two ranges leave out a shell of width 4e-6
// around |c| = 2, which a row rarely meets; for R > 2 + 1e-5 they cover
// every c. No NaN: a lane's z before its first breaking test is at most
// R^2 + |c| in size, and three more steps at most square that three times,
// which stays finite for |c| <= 1e15 (|z|^2 below 1e250). The ranges are
// shrunk a little more (by the factor 1-m or 1+m) so that their own
// rounding, and the check's, does not matter.
func lastTest(cr []float64, ci, escape2 float64) bool {
	if !(escape2 >= 4 && escape2 <= 1e12) {
		return false
	}
	const m = 1e-6
	r := math.Sqrt(escape2)
	a := escape2 - r*(1+m)
	lo := float64(a*a) * (1 - m)
	hi := float64(r*r) * (1 + m) * (1 + m) * (1 + m)
	const big = 1e30
	ci2 := float64(ci * ci)
	n := len(cr) &^ 7
	if avx512LastUnsafe(cr[:n], ci2, lo, hi, big) {
		return false
	}
	for _, x := range cr[n:] {
		if !lastSafe(x, ci2, lo, hi, big) {
			return false
		}
	}
	return true
}

// lastSafe is avx512LastUnsafe's test of one c, negated: whether |c|^2, as
// cr*cr + ci2 rounded, is at most lo, or from hi to big.
func lastSafe(cr, ci2, lo, hi, big float64) bool {
	c2 := float64(cr*cr) + ci2
	return c2 <= lo || (c2 >= hi && c2 <= big)
}
