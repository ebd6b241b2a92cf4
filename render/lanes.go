//go:build amd64 || arm64

package render

import (
	"math"
	"math/bits"
	"sync/atomic"
)

// The driver's state is sized for the widest lane kernel of the
// architecture, maxLanes lanes and maxUnroll iterations a block, which
// kernel_<arch>.go defines, so that every lane kernel uses the same driver.

// laneFloats is the float state of a lane kernel of l lanes and unroll u,
// at its front: each lane's zr at l*0, zi at l*1 and cr at l*2, then the
// |z|^2 that iteration i of the last block tested at l*(3+i), and, for a
// periodic block routine, each lane's saved zr at l*(3+u) and saved zi at
// l*(4+u) (offSaved). A block routine reads and writes it at these
// offsets, with its own l.
type laneFloats = [(5 + maxUnroll) * maxLanes]float64

// laneInts is the integer state of a lane kernel of l lanes, at its front:
// each lane's pixel (-1 for an idle lane) at 0 and the step at which it
// started at l, then at 2l the next pixel to load, the work stored so far,
// the steps every lane has done since the row began, and end (see
// laneDriver), and, for a periodic block routine, the step at which each
// lane saved its z at 2l+4 (lnSaved). A block routine reads and writes it
// at these offsets. The last 8 are the AVX-512 block routines' own: each
// vector lane's share of the work it stored, which it adds to the work
// stored so far before it returns.
type laneInts = [3*maxLanes + 4 + 8]int

// laneDriver is the Go side of a lane kernel: a SIMD routine that iterates
// lanes pixels at once and refills a lane as soon as its pixel is done, so
// that the vectors never wait for the slowest pixel of a group. The routine
// (the block routine) runs blocks of unroll iterations without an escape
// test and finds the lanes in which some test of the block would have
// broken out; the driver does the rest. A kernel is its block routine, a
// noinline function that calls it (a preemption point, see runBlocks), a
// RowFunc of a few lines around the driver (avx2Kernel is one) and a row of
// kernelTable.
//
// Until a lane's first such test its iterations are Scalar's, the same
// operations in the same order on the same values, so the first iteration
// of the block whose |z|^2 exceeds escape2 is where Scalar breaks: it gives
// the count, and that |z|^2 is Scalar's final one (Scalar does not change z
// after the test). What the lane computed after it is discarded. The block
// routine stores such pixels and loads the next ones itself, as
// escapedLanes and load do, except near the end of the row, where lanes
// fall idle and it leaves them to escapedLanes. Blocks stop at end, so that
// no lane passes maxIter inside one. When maxIter is a multiple of unroll
// the lanes there are exactly at maxIter, and the block routine stores and
// reloads them too; otherwise (and near the row's end) a lane with fewer
// than unroll iterations left finishes here, in Scalar's loop.
//
// A periodic block routine (the Periodic row's) also checks periodicity,
// exactly, as scalarPeriodic does: each lane keeps a saved z, z_k, and the
// step at which it saved it, and every block or every few blocks (so at
// multiples m of unroll of the lane's iterations) compares z_m with it. If
// they are equal and no test of the block broke out, the orbit is periodic
// from k with period p = m - k, every z of the cycle passed the escape
// test, and Scalar runs to maxIter and ends at z_{k + (maxIter-k) mod p}
// (see scalarPeriodic): the lane stores that and maxIter (periodicLane),
// so the frame is Scalar's, bit for bit, and the lane takes the next
// pixel. The saved z moves on Brent's scheme: a lane loads with z_0 saved,
// and every few blocks the lanes that have run at least twice as long as
// when they saved save the present z, so the interval doubles and soon
// exceeds both the orbit's way into the cycle and the cycle's length. Only
// the pace of finding cycles depends on when z is saved: the saved step
// says which z it is, so the final z is exact whatever the schedule. Idle
// lanes get NaN for z and the saved z, which is never equal to anything
// and never escapes.
//
// end is at most the least of the lanes' start+maxIter: blocks stop there.
// Loading a lane never lowers the least, and storing one can only raise it,
// so end stays a safe bound without a scan at every pixel; it is found
// exactly when the blocks reach it.
type laneDriver struct {
	st            laneFloats
	ln            laneInts
	lanes, unroll int
	active        int // lanes with a pixel
	cr            []float64
	ci            float64
	maxIter       int
	escape2       float64
	iter          []uint32
	mag2          []float64
	periodic      bool // the block routine checks periodicity
	// negNaN gives idle lanes a z of -NaN (sign bit set) rather than 0:
	// avx512Blocks stores escaped lanes itself to the row's end, and
	// tests for escape by the integer max of |z|^2, which such a NaN
	// never passes (with z = c = 0 the row's ci still goes into zi, and
	// an idle lane can escape). Set before start.
	negNaN bool
}

// Offsets in ln of the row's counters (see laneInts).
func (d *laneDriver) lnNext() int  { return 2 * d.lanes }
func (d *laneDriver) lnWork() int  { return 2*d.lanes + 1 }
func (d *laneDriver) lnSteps() int { return 2*d.lanes + 2 }
func (d *laneDriver) lnEnd() int   { return 2*d.lanes + 3 }

// Offsets of a periodic routine's state (see laneFloats and laneInts):
// the saved zr, then zi, of every lane in st, and the saved step in ln.
func (d *laneDriver) offSaved() int { return (3 + d.unroll) * d.lanes }
func (d *laneDriver) lnSaved() int  { return 2*d.lanes + 4 }

// start prepares d, zero, for a row with a block routine of the given
// lanes and unroll, periodic or not, and loads the first pixels.
func (d *laneDriver) start(lanes, unroll int, periodic bool, cr []float64, ci float64, maxIter int, escape2 float64, iter []uint32, mag2 []float64) {
	d.lanes, d.unroll, d.periodic = lanes, unroll, periodic
	d.cr, d.ci, d.maxIter, d.escape2 = cr, ci, maxIter, escape2
	d.iter, d.mag2 = iter[:len(cr)], mag2[:len(cr)]
	d.ln[d.lnEnd()] = math.MaxInt
	for l := range lanes {
		d.load(l)
	}
}

// chunkBlocks bounds the blocks of one call of the block routine, so that
// the stop flag is looked at every stopCheckIters iterations.
func (d *laneDriver) chunkBlocks() int { return stopCheckIters / d.unroll }

// ready reports whether the block routine is to run: false once the row is
// done or stop is set. Before that it finishes, in Go, the lanes too close
// to maxIter for a block.
func (d *laneDriver) ready(stop *atomic.Bool) bool {
	for d.active > 0 {
		if stop != nil && stop.Load() {
			return false
		}
		steps, end := d.ln[d.lnSteps()], d.lnEnd()
		if d.ln[end]-steps >= d.unroll {
			return true
		}
		// Finish the lanes too close to maxIter for a block, and find the
		// least limit of the others and of the new pixels.
		d.ln[end] = math.MaxInt
		for l := range d.lanes {
			if d.ln[l] >= 0 && d.ln[d.lanes+l]+d.maxIter-steps < d.unroll {
				d.finish(l)
			}
			if d.ln[l] >= 0 {
				d.ln[end] = min(d.ln[end], d.ln[d.lanes+l]+d.maxIter)
			}
		}
	}
	return false
}

// work returns the iterations of the pixels stored.
func (d *laneDriver) work() int64 { return int64(d.ln[d.lnWork()]) }

// load gives lane l the next pixel, or makes it idle (c = z = 0, or a NaN z:
// see negNaN and periodic) when the row has none left.
func (d *laneDriver) load(l int) {
	d.st[l], d.st[d.lanes+l], d.st[2*d.lanes+l] = 0, 0, 0
	d.ln[l] = -1
	steps := d.ln[d.lnSteps()]
	if d.periodic {
		d.st[d.offSaved()+l], d.st[d.offSaved()+d.lanes+l] = 0, 0
		d.ln[d.lnSaved()+l] = steps
	}
	if p := d.ln[d.lnNext()]; p < len(d.cr) {
		d.st[2*d.lanes+l] = d.cr[p]
		d.ln[l] = p
		d.ln[d.lanes+l] = steps
		d.ln[d.lnEnd()] = min(d.ln[d.lnEnd()], steps+d.maxIter)
		d.ln[d.lnNext()]++
		d.active++
	} else if d.negNaN {
		nan := math.Float64frombits(0xfff8000000000000)
		d.st[l], d.st[d.lanes+l] = nan, nan
	} else if d.periodic {
		nan := math.NaN()
		d.st[l], d.st[d.lanes+l] = nan, nan
		d.st[d.offSaved()+l], d.st[d.offSaved()+d.lanes+l] = nan, nan
	}
}

// store records lane l's result, n iterations, and loads the next pixel
// into it.
func (d *laneDriver) store(l, n int, mag2 float64) { d.storeWork(l, n, mag2, n) }

// storeWork is store for a lane that did work iterations to find it.
func (d *laneDriver) storeWork(l, n int, mag2 float64, work int) {
	p := d.ln[l]
	d.iter[p] = uint32(n)
	d.mag2[p] = mag2
	d.ln[d.lnWork()] += work
	d.active--
	d.load(l)
}

// finish runs lane l from its present state to the end of its pixel, with
// Scalar's loop.
func (d *laneDriver) finish(l int) {
	zr, zi, c := d.st[l], d.st[d.lanes+l], d.st[2*d.lanes+l]
	n := d.ln[d.lnSteps()] - d.ln[d.lanes+l]
	for ; n < d.maxIter; n++ {
		if norm2(zr, zi) > d.escape2 {
			break
		}
		zr, zi = step(zr, zi, c, d.ci)
	}
	d.store(l, n, norm2(zr, zi))
}

// recount sets active from the lanes' pixels, after a block routine that
// makes lanes idle itself (avx512Blocks, at the row's end).
func (d *laneDriver) recount() {
	n := 0
	for l := range d.lanes {
		if d.ln[l] >= 0 {
			n++
		}
	}
	d.active = n
}

// escapedLanes stores the pixels of the lanes in mask, bit l for lane l,
// which the block routine returns: lanes in which a test of the last block
// broke out, left to the driver.
func (d *laneDriver) escapedLanes(mask int) {
	for m := uint(mask); m != 0; m &= m - 1 {
		d.escaped(bits.TrailingZeros(m))
	}
}

// escaped stores lane l's pixel at the first iteration of the last block
// whose test breaks: the block reported that one did.
func (d *laneDriver) escaped(l int) {
	if d.ln[l] < 0 {
		return // idle lanes never escape; nothing to store
	}
	n := d.ln[d.lnSteps()] - d.unroll - d.ln[d.lanes+l]
	for u := range d.unroll {
		if t := d.st[(3+u)*d.lanes+l]; t > d.escape2 {
			d.store(l, n+u, t)
			return
		}
	}
	// Unreachable: the block's own comparison found such a test. Were it
	// reached, the lane's state after the block is still exact, so the
	// pixel simply goes on.
}

// periodicLanes stores the pixels of the lanes in mask, bit l for lane l,
// which a periodic block routine returns: lanes whose z may be the one
// they saved, left to the driver.
func (d *laneDriver) periodicLanes(mask int) {
	for m := uint(mask); m != 0; m &= m - 1 {
		d.periodicLane(bits.TrailingZeros(m))
	}
}

// periodicLane stores lane l's pixel as inside if its z is the one it
// saved (see laneDriver), as the periodic block routine does.
func (d *laneDriver) periodicLane(l int) {
	steps, start, saved := d.ln[d.lnSteps()], d.ln[d.lanes+l], d.ln[d.lnSaved()+l]
	zr, zi := d.st[l], d.st[d.lanes+l]
	if d.ln[l] < 0 || saved >= steps || zr != d.st[d.offSaved()+l] || zi != d.st[d.offSaved()+d.lanes+l] {
		return // idle, loaded at this step (z is z_0 again), or no repeat
	}
	k, p := saved-start, steps-saved
	r := (d.maxIter - k) % p
	if r > cycleMax {
		return // as the block routine does, which bounds its calls' length
	}
	c := d.st[2*d.lanes+l]
	for range r {
		zr, zi = step(zr, zi, c, d.ci)
	}
	d.storeWork(l, d.maxIter, norm2(zr, zi), steps-start+r)
}

// cycleMax bounds the iterations a periodic block routine runs to bring a
// lane found periodic to its final z (internal/kernelgen's cycleMax).
const cycleMax = 4096
