package render

import (
	"math"
	"math/bits"
	"sync/atomic"

	"golang.org/x/sys/cpu"
)

// hasAVX2 says whether this CPU (and its OS) runs the AVX2 kernel.
var hasAVX2 = cpu.X86.HasAVX2

// The AVX2 kernel's shape; internal/kernelgen generates avx2Blocks with the
// same constants.
const (
	avx2Vectors = 4 // independent vectors interleaved, to hide latency
	avx2Unroll  = 4 // iterations per block, between escape tests
	avx2Lanes   = 4 * avx2Vectors
	// avx2ChunkBlocks bounds one call of avx2Blocks, so that the stop flag
	// is looked at every stopCheckIters iterations.
	avx2ChunkBlocks = stopCheckIters / avx2Unroll
)

// Offsets of the parts of the lane state st: z, c, and the |z|^2 that
// iteration u of the last block tested, at offT+u*avx2Lanes.
const (
	offZr = 0 * avx2Lanes
	offZi = 1 * avx2Lanes
	offCr = 2 * avx2Lanes
	offT  = 3 * avx2Lanes
)

// Offsets of the parts of the integer lane state ln: each lane's pixel (-1
// for an idle lane) and the step at which it started, the next pixel to
// load, the work stored so far, and the steps every lane has done since the
// row began.
const (
	lnPixel = 0
	lnStart = avx2Lanes
	lnNext  = 2 * avx2Lanes
	lnWork  = lnNext + 1
	lnSteps = lnNext + 2
	lnEnd   = lnNext + 3 // avx2Row's end, shared with the assembly
	lnSize  = lnNext + 4
)

// avx2Row is the state of avx2Kernel on one row. Each of the 16 lanes holds
// one pixel; a lane whose pixel is done takes the next one at once, so the
// vectors never wait for the slowest pixel of a group.
//
// The assembly runs blocks of avx2Unroll iterations without an escape test
// and finds the lanes in which some test of the block would have broken
// out. Until a lane's first such test its iterations are Scalar's, the same
// operations in the same order on the same values, so the first iteration
// of the block whose |z|^2 exceeds escape2 is where Scalar breaks: it gives
// the count, and that |z|^2 is Scalar's final one (Scalar does not change z
// after the test). What the lane computed after it is discarded. The
// assembly stores such pixels and loads the next ones itself, as escaped
// and load do, except near the end of the row, where lanes fall idle and it
// leaves them to escaped. Blocks stop at end, so that no lane passes maxIter
// inside one. When maxIter is a multiple of avx2Unroll the lanes there are
// exactly at maxIter, and the assembly stores and reloads them too;
// otherwise (and near the row's end) a lane with fewer than avx2Unroll
// iterations left finishes here, in Scalar's loop.
//
// ln[lnEnd], end, is at most the least of the lanes' start+maxIter: blocks
// stop there. Loading a lane never lowers the least, and storing one can
// only raise it, so end stays a safe bound without a scan at every pixel;
// it is found exactly when the blocks reach it.
type avx2Row struct {
	st      [(3 + avx2Unroll) * avx2Lanes]float64
	ln      [lnSize]int
	active  int // lanes with a pixel
	cr      []float64
	ci      float64
	maxIter int
	escape2 float64
	iter    []uint32
	mag2    []float64
}

// avx2Kernel is the AVX2 Kernel: see avx2Row.
func avx2Kernel(cr []float64, ci float64, maxIter int, escape2 float64, iter []uint32, mag2 []float64, stop *atomic.Bool) int64 {
	r := avx2Row{cr: cr, ci: ci, maxIter: maxIter, escape2: escape2, iter: iter[:len(cr)], mag2: mag2[:len(cr)]}
	r.ln[lnEnd] = math.MaxInt
	asmMaxIter := 0 // the assembly finishes lanes at maxIter only if blocks end there
	if maxIter%avx2Unroll == 0 {
		asmMaxIter = maxIter
	}
	for l := range avx2Lanes {
		r.load(l)
	}
	for r.active > 0 {
		if stop != nil && stop.Load() {
			break
		}
		steps := r.ln[lnSteps]
		if r.ln[lnEnd]-steps < avx2Unroll {
			// Finish the lanes too close to maxIter for a block, and find
			// the least limit of the others and of the new pixels.
			r.ln[lnEnd] = math.MaxInt
			for l := range avx2Lanes {
				if r.ln[lnPixel+l] >= 0 && r.ln[lnStart+l]+r.maxIter-steps < avx2Unroll {
					r.finish(l)
				}
				if r.ln[lnPixel+l] >= 0 {
					r.ln[lnEnd] = min(r.ln[lnEnd], r.ln[lnStart+l]+r.maxIter)
				}
			}
			continue
		}
		escaped := runBlocks(&r.st, &r.ln, r.cr, r.iter, r.mag2, ci, escape2, asmMaxIter, avx2ChunkBlocks)
		for m := uint(escaped); m != 0; m &= m - 1 {
			r.escaped(bits.TrailingZeros(m))
		}
	}
	return int64(r.ln[lnWork])
}

// load gives lane l the next pixel, or makes it idle (c = z = 0, which never
// escapes) when the row has none left.
func (r *avx2Row) load(l int) {
	r.st[offZr+l], r.st[offZi+l], r.st[offCr+l] = 0, 0, 0
	r.ln[lnPixel+l] = -1
	if p := r.ln[lnNext]; p < len(r.cr) {
		r.st[offCr+l] = r.cr[p]
		r.ln[lnPixel+l] = p
		r.ln[lnStart+l] = r.ln[lnSteps]
		r.ln[lnEnd] = min(r.ln[lnEnd], r.ln[lnSteps]+r.maxIter)
		r.ln[lnNext]++
		r.active++
	}
}

// store records lane l's result and loads the next pixel into it.
func (r *avx2Row) store(l, n int, mag2 float64) {
	p := r.ln[lnPixel+l]
	r.iter[p] = uint32(n)
	r.mag2[p] = mag2
	r.ln[lnWork] += n
	r.active--
	r.load(l)
}

// finish runs lane l from its present state to the end of its pixel, with
// Scalar's loop.
func (r *avx2Row) finish(l int) {
	zr, zi, c := r.st[offZr+l], r.st[offZi+l], r.st[offCr+l]
	n := r.ln[lnSteps] - r.ln[lnStart+l]
	for ; n < r.maxIter; n++ {
		zr2, zi2 := float64(zr*zr), float64(zi*zi)
		if zr2+zi2 > r.escape2 {
			break
		}
		zi = float64((zr+zr)*zi) + r.ci
		zr = (zr2 - zi2) + c
	}
	r.store(l, n, float64(zr*zr)+float64(zi*zi))
}

// escaped stores lane l's pixel at the first iteration of the last block
// whose test breaks: the block reported that one did.
func (r *avx2Row) escaped(l int) {
	if r.ln[lnPixel+l] < 0 {
		return // idle lanes never escape; nothing to store
	}
	n := r.ln[lnSteps] - avx2Unroll - r.ln[lnStart+l]
	for u := range avx2Unroll {
		if t := r.st[offT+u*avx2Lanes+l]; t > r.escape2 {
			r.store(l, n+u, t)
			return
		}
	}
	// Unreachable: the block's own comparison found such a test. Were it
	// reached, the lane's state after the block is still exact, so the
	// pixel simply goes on.
}

// runBlocks calls avx2Blocks from a function that is not inlined and not a
// leaf, so that its prologue's stack check is a preemption point. The
// runtime cannot preempt assembly asynchronously, and a kernel deep inside
// the set spends all but a few nanoseconds per call there: without this
// point, a goroutine that must run to cancel the render (the signal
// handler's, context.AfterFunc's) can wait seconds for a P when every P
// runs the kernel.
//
//go:noinline
func runBlocks(st *[(3 + avx2Unroll) * avx2Lanes]float64, ln *[lnSize]int, cr []float64, iter []uint32, mag2 []float64, ci, escape2 float64, maxIter, blocks int) (escaped int) {
	return avx2Blocks(st, ln, cr, iter, mag2, ci, escape2, maxIter, blocks)
}
