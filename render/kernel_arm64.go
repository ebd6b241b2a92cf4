package render

import (
	"sync/atomic"

	"golang.org/x/sys/cpu"
)

// kernelTable lists arm64's kernels, from the reference to the fastest:
// KernelNames, LookupKernel and "auto" come from it.
var kernelTable = []Kernel{
	scalarKernel,
	{
		Name:      "neon",
		Summary:   "NEON assembly, 8 points at a time, for arm64",
		Row:       neonKernel,
		Bits:      bitsGo,
		Available: cpu.ARM64.HasASIMD,
	},
}

// The NEON kernel's shape; internal/neongen generates neonBlocks with the
// same constants.
const (
	neonVectors = 4 // independent vectors interleaved, to hide latency
	neonUnroll  = 4 // iterations per block, between escape tests
	neonLanes   = 2 * neonVectors
	// The parts of laneFloats and laneInts that neonBlocks uses.
	neonFloats = (3 + neonUnroll) * neonLanes
	neonInts   = 2*neonLanes + 4
)

// The widest lane kernel's shape (see laneDriver): the driver's state is
// sized for it.
const (
	maxLanes  = neonLanes
	maxUnroll = neonUnroll
)

// neonKernel is the NEON RowFunc: neonBlocks is its block routine (see
// laneDriver). Unlike avx2Blocks, neonBlocks returns at every block in
// which a lane escapes and leaves storing and loading pixels, and the lanes
// at maxIter, to the driver's Go code.
func neonKernel(cr []float64, ci float64, maxIter int, escape2 float64, iter []uint32, mag2 []float64, stop *atomic.Bool) int64 {
	var d laneDriver
	d.start(neonLanes, neonUnroll, false, cr, ci, maxIter, escape2, iter, mag2)
	for d.ready(stop) {
		d.escapedLanes(runNEONBlocks(&d.st, &d.ln, ci, escape2, d.chunkBlocks()))
	}
	return d.work()
}

// runNEONBlocks calls neonBlocks from a function that is not inlined and
// not a leaf, so that its prologue's stack check is a preemption point: see
// runBlocks in kernel_amd64.go for why.
//
//go:noinline
func runNEONBlocks(st *laneFloats, ln *laneInts, ci, escape2 float64, blocks int) (escaped int) {
	return neonBlocks((*[neonFloats]float64)(st[:neonFloats]), (*[neonInts]int)(ln[:neonInts]), ci, escape2, blocks)
}
