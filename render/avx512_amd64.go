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
	avx512Ints   = 2*avx512Lanes + 4
	// And those that avx512PeriodicBlocks uses.
	avx512PeriodicFloats = avx512Floats + 2*avx512Lanes
	avx512PeriodicInts   = avx512Ints + avx512Lanes
)

// avx512Kernel is the AVX-512 RowFunc: avx512Blocks is its block routine
// (see laneDriver).
func avx512Kernel(cr []float64, ci float64, maxIter int, escape2 float64, iter []uint32, mag2 []float64, stop *atomic.Bool) int64 {
	var d laneDriver
	d.start(avx512Lanes, avx512Unroll, false, cr, ci, maxIter, escape2, iter, mag2)
	for d.ready(stop) {
		d.escapedLanes(runBlocks512(&d.st, &d.ln, d.cr, d.iter, d.mag2, ci, escape2, d.blockMaxIter(), d.chunkBlocks()))
	}
	return d.work()
}

// avx512Periodic is avx512Kernel with periodicity checking, the AVX-512
// kernel's Periodic row: avx512PeriodicBlocks is its block routine (see
// laneDriver).
func avx512Periodic(cr []float64, ci float64, maxIter int, escape2 float64, iter []uint32, mag2 []float64, stop *atomic.Bool) int64 {
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
