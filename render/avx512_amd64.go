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

// runBlocks512 is runBlocks for avx512Blocks: a preemption point.
//
//go:noinline
func runBlocks512(st *laneFloats, ln *laneInts, cr []float64, iter []uint32, mag2 []float64, ci, escape2 float64, maxIter, blocks int) (escaped int) {
	return avx512Blocks((*[avx512Floats]float64)(st[:avx512Floats]), (*[avx512Ints]int)(ln[:avx512Ints]), cr, iter, mag2, ci, escape2, maxIter, blocks)
}
