package deep

import (
	"math"
	"math/bits"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/cpu"
)

//go:generate go run ../internal/perturbavx2gen -out perturb_avx2_amd64.s -stubs perturb_avx2_amd64.go -pkg deep

// The AVX2 perturbation loop's shape; internal/perturbavx2gen generates
// perturbBlocksAVX2 with the same number (its flag's default).
const (
	avx2Vectors = 2
	avx2Lanes   = 4 * avx2Vectors
)

// avx2LanesAvailable reports whether this CPU runs perturbBlocksAVX2:
// AVX2 (which x/sys/cpu reports only where the OS saves the YMM state)
// and POPCNT.
var avx2LanesAvailable = cpu.X86.HasAVX2 && cpu.X86.HasPOPCNT

// rowLanesAVX2Func is rowLanesAVX2 where the CPU has it.
var rowLanesAVX2Func = func() func(*Plan, []float64, float64, []uint32, []float64, *atomic.Bool) int64 {
	if !avx2LanesAvailable {
		return nil
	}
	return (*Plan).rowLanesAVX2
}()

// tailLanesAVX2 is rowLanes's tailLanes for the AVX2 routine: a loop of
// its 8 lanes costs about 8 lane-iterations of time, and advance about 4
// to 5 a lane's time for an iteration, so a lane alone is faster in
// advance.
const tailLanesAVX2 = 2

// laneRowAVX2 is rowLanesAVX2's state, laneRow's for the AVX2 routine's
// layout (internal/perturbavx2gen): st holds dr, di, dcr, dci, saved dr,
// saved di and the routine's scratch; ln, right after it in memory, each
// lane's m, rebases, the routine's load addresses, pixel and start, then
// the work the routine stored and the next pixel. (A copy of laneRow's methods, at this
// width: the two layouts differ, and sharing would need slices where the
// AVX-512 driver has arrays.)
type laneRowAVX2 struct {
	st [8 * avx2Lanes]float64
	ln [5*avx2Lanes + 2]int
	s  [avx2Lanes]pixelState
	// at is the pixel whose state s holds (-1: idle), and reb0 its
	// rebases when the driver last put it.
	at, reb0 [avx2Lanes]int
}

// perturbBlocksAVX2 reads ln as the ints right after st, which the array
// types below check (a length is negative otherwise).
var (
	_ [unsafe.Offsetof(laneRowAVX2{}.ln) - unsafe.Offsetof(laneRowAVX2{}.st) - unsafe.Sizeof(laneRowAVX2{}.st)]struct{}
	_ [unsafe.Offsetof(laneRowAVX2{}.st) + unsafe.Sizeof(laneRowAVX2{}.st) - unsafe.Offsetof(laneRowAVX2{}.ln)]struct{}
)

// Offsets in laneRowAVX2.st and ln.
const (
	aDr, aDi, aDcr, aDci, aSr, aSi       = 0, avx2Lanes, 2 * avx2Lanes, 3 * avx2Lanes, 4 * avx2Lanes, 5 * avx2Lanes
	aM, aReb, aPix, aStart, aWork, aNext = 0, avx2Lanes, 3 * avx2Lanes, 4 * avx2Lanes, 5 * avx2Lanes, 5*avx2Lanes + 1
)

// get brings lane l's pixelState up to date with the routine's lanes.
func (r *laneRowAVX2) get(l, steps int) {
	s := &r.s[l]
	s.dr, s.di = r.st[aDr+l], r.st[aDi+l]
	s.m, s.n = r.ln[aM+l], steps-r.ln[aStart+l]
	reb := r.ln[aReb+l]
	// The routine saved the delta at each power of two it passed.
	if bits.Len(uint(reb)) > bits.Len(uint(r.reb0[l])) {
		s.savedR, s.savedI, s.savedSmall = r.st[aSr+l], r.st[aSi+l], false
	}
	s.rebases = reb
}

// put gives lane l's pixelState to the routine's lanes. The saved delta
// is NaN, which equals nothing, where advance would not compare with it.
func (r *laneRowAVX2) put(l, steps int) {
	s := &r.s[l]
	r.st[aDr+l], r.st[aDi+l], r.st[aDcr+l], r.st[aDci+l] = s.dr, s.di, s.dcr, s.dci
	r.st[aSr+l], r.st[aSi+l] = math.NaN(), math.NaN()
	if s.rebases > 0 && !s.savedSmall {
		r.st[aSr+l], r.st[aSi+l] = s.savedR, s.savedI
	}
	r.ln[aM+l], r.ln[aReb+l] = s.m, s.rebases
	r.ln[aPix+l], r.ln[aStart+l] = r.at[l], steps-s.n
	r.reb0[l] = s.rebases
}

// idle makes lane l idle: NaN deltas, which no test of the routine takes
// for an event, cycling through the reference from m = 0.
func (r *laneRowAVX2) idle(l int) {
	nan := math.NaN()
	r.at[l], r.ln[aPix+l] = -1, -1
	r.st[aDr+l], r.st[aDi+l], r.st[aDcr+l], r.st[aDci+l], r.st[aSr+l], r.st[aSi+l] = nan, nan, nan, nan, nan, nan
	r.ln[aM+l], r.ln[aReb+l] = 0, 0
}

// rowLanesAVX2 is rowLanes on perturbBlocksAVX2's lanes: the same
// driver, line for line, at the AVX2 routine's width and layout, and so
// the same results as Row's scalar loop, bit for bit.
func (p *Plan) rowLanesAVX2(kx []float64, ky float64, iter []uint32, mag2 []float64, stop *atomic.Bool) int64 {
	if len(kx) == 0 {
		return 0
	}
	var r laneRowAVX2
	var t rowTotals
	mi := float64(ky * p.d.m)
	top := len(p.ref.Zr) - 1
	// The routine loads pixels itself, as Plan.start does, where none
	// starts in the rescaled loop; rowLen 0 leaves every load to settle.
	dcr := make([]float64, len(kx)+1) // +1: a pointer to its end is valid
	dci := math.Ldexp(mi, p.d.e)
	rowLen := len(kx)
	for i, k := range kx {
		dcr[i] = math.Ldexp(float64(k*p.d.m), p.d.e)
		if math.Abs(dcr[i]) < toSmall && math.Abs(dci) < toSmall {
			rowLen = 0
		}
	}
	steps, active := 0, 0

	// settle runs lane l's pixel in advance while the routine cannot take
	// it (in the rescaled loop), and stores it and loads the next while it
	// is done; it reports false if stop was set.
	settle := func(l int) bool {
		for {
			s := &r.s[l]
			for !s.done && s.small {
				if stop != nil && stop.Load() {
					return false
				}
				p.advance(s, aloneIters(true), true, false)
			}
			if !s.done {
				r.put(l, steps)
				return true
			}
			t.done(s, r.at[l], iter, mag2)
			active--
			next := r.ln[aNext]
			if next >= len(kx) {
				r.idle(l)
				return true
			}
			r.at[l] = next
			p.start(s, float64(kx[next]*p.d.m), mi)
			r.ln[aNext]++
			active++
		}
	}
	for l := range avx2Lanes {
		r.idle(l)
		if next := r.ln[aNext]; next < len(kx) {
			r.at[l] = next
			p.start(&r.s[l], float64(kx[next]*p.d.m), mi)
			r.ln[aNext]++
			active++
			if !settle(l) {
				return p.rowEnd(t)
			}
		}
	}
	orbit := &p.orbit[0].zr
	for active > 0 {
		if stop != nil && stop.Load() {
			break
		}
		if active < tailLanesAVX2 && r.ln[aNext] >= len(kx) {
			// The row's last pixel: advance alone is faster.
			for l := range avx2Lanes {
				if r.at[l] < 0 {
					continue
				}
				r.get(l, steps)
				for s := &r.s[l]; !s.done; {
					if stop != nil && stop.Load() {
						return p.rowEnd(t)
					}
					p.advance(s, aloneIters(true), true, false)
				}
				if !settle(l) {
					return p.rowEnd(t)
				}
			}
			break
		}
		// No lane passes maxIter inside the routine: those it loads
		// itself have as long as the lane they replace.
		limit := stopCheckIters
		for l := range avx2Lanes {
			if r.at[l] >= 0 {
				limit = min(limit, r.ln[aStart+l]+p.maxIter-steps)
			}
		}
		var events uint64
		if limit > 0 {
			var done int
			done, events = runPerturbBlocksAVX2(&r.st, &r.ln, orbit, top, p.escape2, limit, p.periodicity,
				steps, &dcr[0], dci, rowLen, &iter[0], &mag2[0])
			steps += done
			t.work += int64(r.ln[aWork])
			r.ln[aWork] = 0
		}
		for l := range avx2Lanes {
			if x := r.ln[aPix+l]; x != r.at[l] {
				// The routine stored the lane's pixel and loaded x.
				r.at[l], r.reb0[l] = x, 0
				p.start(&r.s[l], float64(kx[x]*p.d.m), mi)
			}
			if r.at[l] < 0 || (events&(1<<l) == 0 && steps-r.ln[aStart+l] < p.maxIter) {
				continue
			}
			r.get(l, steps)
			p.advance(&r.s[l], 1, false, false)
			if !settle(l) {
				return p.rowEnd(t)
			}
		}
	}
	return p.rowEnd(t)
}

// runPerturbBlocksAVX2 calls perturbBlocksAVX2 from a function that is
// not inlined and not a leaf, so that its prologue's stack check is a
// preemption point (see runPerturbBlocks).
//
//go:noinline
func runPerturbBlocksAVX2(st *[8 * avx2Lanes]float64, ln *[5*avx2Lanes + 2]int, orbit *float64, top int, escape2 float64, limit int, periodic bool,
	steps int, dcr *float64, dci float64, rowLen int, iter *uint32, mag2 *float64) (done int, events uint64) {
	return perturbBlocksAVX2(st, ln, orbit, orbitStride, top, escape2, limit, periodic, steps, dcr, dci, rowLen, iter, mag2)
}
