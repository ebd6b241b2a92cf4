package render

import "sync/atomic"

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
// frame): the end of a row, where lanes fall idle and the block routine
// returns to Go at every escape, is its last 48 samples against AVX2's 16,
// and on short rows that costs more than the wider vectors gain. On Zen 4
// (rows of the interior view's x range, CPU time) AVX2 was as fast or
// faster up to 384 samples, with and without periodicity, and AVX-512
// 1.4x as fast on the 1024 samples of the presets' rows; the rows it
// meets this short are mostly what the cardioid shortcut leaves of a row.
const avx512ShortRow = 512

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
// row.
func avx512Periodic(cr []float64, ci float64, maxIter int, escape2 float64, iter []uint32, mag2 []float64, stop *atomic.Bool) int64 {
	if len(cr) < avx512ShortRow {
		return avx2Periodic(cr, ci, maxIter, escape2, iter, mag2, stop)
	}
	return avx512PeriodicRows(cr, ci, maxIter, escape2, iter, mag2, stop)
}

// avx512Rows renders a row of any length with avx512Blocks as its block
// routine (see laneDriver).
func avx512Rows(cr []float64, ci float64, maxIter int, escape2 float64, iter []uint32, mag2 []float64, stop *atomic.Bool) int64 {
	var d laneDriver
	d.start(avx512Lanes, avx512Unroll, false, cr, ci, maxIter, escape2, iter, mag2)
	for d.ready(stop) {
		d.escapedLanes(runBlocks512(&d.st, &d.ln, d.cr, d.iter, d.mag2, ci, escape2, d.blockMaxIter(), d.chunkBlocks()))
	}
	return d.work()
}

// avx512PeriodicRows is avx512Rows with periodicity checking:
// avx512PeriodicBlocks is its block routine (see laneDriver).
func avx512PeriodicRows(cr []float64, ci float64, maxIter int, escape2 float64, iter []uint32, mag2 []float64, stop *atomic.Bool) int64 {
	var d laneDriver
	d.start(avx512Lanes, avx512Unroll, true, cr, ci, maxIter, escape2, iter, mag2)
	for d.ready(stop) {
		escaped, periodic := runPeriodicBlocks512(&d.st, &d.ln, d.cr, d.iter, d.mag2, ci, escape2, d.blockMaxIter(), d.chunkBlocks(), maxIter)
		d.escapedLanes(escaped)
		d.periodicLanes(periodic)
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
