package render

import (
	"sync/atomic"

	"golang.org/x/sys/cpu"
)

//go:generate go run ./internal/bitsgen -out bits_amd64.s -stubs bits_stub_amd64.go

// kernelTable lists amd64's kernels, from the reference to the fastest:
// KernelNames, LookupKernel and "auto" come from it.
var kernelTable = []Kernel{
	scalarKernel,
	{
		Name:     "avx2",
		Summary:  "AVX2 assembly, 16 points at a time, for amd64 CPUs with AVX2",
		Row:      avx2Kernel,
		Periodic: avx2Periodic,
		Bits:     bitsAVX2,
		// The periodic routine uses BMI1's ANDN; every CPU with AVX2 so
		// far has BMI1, but a VM may hide it (TestKernelGates).
		Available: cpu.X86.HasAVX2 && cpu.X86.HasBMI1,
	},
	{
		Name:     "avx512",
		Summary:  "AVX-512 assembly, 48 points at a time, for amd64 CPUs with AVX-512F",
		Row:      avx512Kernel,
		Periodic: avx512Periodic,
		Bits:     bitsAVX512,
		// HasAVX512F is set only where the OS saves the opmask and ZMM
		// state too (XCR0 bits 5 to 7); every such CPU has POPCNT, which
		// the refill counts lanes with, and AVX2, which short rows go to
		// (avx512ShortRow), with BMI1, but it costs nothing to ask.
		Available: cpu.X86.HasAVX512F && cpu.X86.HasPOPCNT && cpu.X86.HasAVX2 && cpu.X86.HasBMI1,
	},
}

// The AVX2 kernel's shape; internal/kernelgen generates avx2Blocks with the
// same constants.
const (
	avx2Vectors = 4 // independent vectors interleaved, to hide latency
	avx2Unroll  = 4 // iterations per block, between escape tests
	avx2Lanes   = 4 * avx2Vectors
	// The parts of laneFloats and laneInts that avx2Blocks uses.
	avx2Floats = (3 + avx2Unroll) * avx2Lanes
	avx2Ints   = 2*avx2Lanes + 4
	// And those that avx2PeriodicBlocks uses.
	avx2PeriodicFloats = avx2Floats + 2*avx2Lanes
	avx2PeriodicInts   = avx2Ints + avx2Lanes
)

// The widest lane kernel's shape (see laneDriver): the driver's state is
// sized for it, so that every lane kernel uses the same driver. A wider
// kernel raises them.
const (
	maxLanes  = max(avx2Lanes, avx512Lanes)
	maxUnroll = max(avx2Unroll, avx512Unroll)
)

// avx2Kernel is the AVX2 RowFunc: avx2Blocks is its block routine (see
// laneDriver).
func avx2Kernel(cr []float64, ci float64, maxIter int, escape2 float64, iter []uint32, mag2 []float64, stop *atomic.Bool) int64 {
	var d laneDriver
	d.start(avx2Lanes, avx2Unroll, false, cr, ci, maxIter, escape2, iter, mag2)
	for d.ready(stop) {
		d.escapedLanes(runBlocks(&d.st, &d.ln, d.cr, d.iter, d.mag2, ci, escape2, d.blockMaxIter(), d.chunkBlocks()))
	}
	return d.work()
}

// avx2Periodic is avx2Kernel with periodicity checking, the AVX2 kernel's
// Periodic row: avx2PeriodicBlocks is its block routine (see laneDriver).
func avx2Periodic(cr []float64, ci float64, maxIter int, escape2 float64, iter []uint32, mag2 []float64, stop *atomic.Bool) int64 {
	var d laneDriver
	d.start(avx2Lanes, avx2Unroll, true, cr, ci, maxIter, escape2, iter, mag2)
	for d.ready(stop) {
		escaped, periodic := runPeriodicBlocks(&d.st, &d.ln, d.cr, d.iter, d.mag2, ci, escape2, d.blockMaxIter(), d.chunkBlocks(), maxIter)
		d.escapedLanes(escaped)
		d.periodicLanes(periodic)
	}
	return d.work()
}

// blockMaxIter is the maxIter an amd64 block routine takes: it finishes lanes at
// maxIter itself only if blocks end there, and 0 says they do not.
func (d *laneDriver) blockMaxIter() int {
	if d.maxIter%d.unroll == 0 {
		return d.maxIter
	}
	return 0
}

// runBlocks calls avx2Blocks from a function that is not inlined and not a
// leaf, so that its prologue's stack check is a preemption point. The
// runtime cannot preempt assembly asynchronously, and a kernel deep inside
// the set spends all but a few nanoseconds per call there: without this
// point, a goroutine that must run to cancel the render (the signal
// handler's, context.AfterFunc's) can wait seconds for a P when every P
// runs the kernel. (It is a direct call, not one through a function value,
// so that the driver's state stays on the stack: avx2Blocks does not keep
// it.)
//
//go:noinline
func runBlocks(st *laneFloats, ln *laneInts, cr []float64, iter []uint32, mag2 []float64, ci, escape2 float64, maxIter, blocks int) (escaped int) {
	return avx2Blocks((*[avx2Floats]float64)(st[:avx2Floats]), (*[avx2Ints]int)(ln[:avx2Ints]), cr, iter, mag2, ci, escape2, maxIter, blocks)
}

// runPeriodicBlocks is runBlocks for avx2PeriodicBlocks.
//
//go:noinline
func runPeriodicBlocks(st *laneFloats, ln *laneInts, cr []float64, iter []uint32, mag2 []float64, ci, escape2 float64, maxIter, blocks, limit int) (escaped, periodic int) {
	return avx2PeriodicBlocks((*[avx2PeriodicFloats]float64)(st[:avx2PeriodicFloats]), (*[avx2PeriodicInts]int)(ln[:avx2PeriodicInts]), cr, iter, mag2, ci, escape2, maxIter, blocks, limit)
}
