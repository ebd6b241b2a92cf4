package deep

import (
	"math"
	"math/bits"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/cpu"
)

//go:generate go run ../internal/perturbgen -out perturb_avx512_amd64.s -stubs perturb_avx512_amd64.go -pkg deep

// The AVX-512 perturbation loop's shape; internal/perturbgen generates
// perturbBlocks512 with the same number (its flag's default).
const (
	perturbVectors = 3
	perturbLanes   = 8 * perturbVectors
)

// orbitStride is the bytes from one orbitPoint to the next. The routine
// reads Z_m and Z_m+1 as the 4 float64s from Z_m's zr on (its stride is
// internal/perturbgen's 16), which the array types below check (a length
// is negative otherwise).
const orbitStride = int(unsafe.Sizeof(orbitPoint{}))

var (
	_ [8 - unsafe.Offsetof(orbitPoint{}.zi) + unsafe.Offsetof(orbitPoint{}.zr)]struct{}
	_ [unsafe.Offsetof(orbitPoint{}.zi) - unsafe.Offsetof(orbitPoint{}.zr) - 8]struct{}
	_ [orbitStride - 16]struct{}
	_ [16 - orbitStride]struct{}
)

// lanesAvailable reports whether this CPU runs perturbBlocks512:
// AVX-512F, AVX-512DQ (byte masks, 128-bit inserts), AVX-512VL (256-bit
// forms of them) and POPCNT. (HasAVX512F is set only where the OS saves
// the opmask and ZMM state.)
var lanesAvailable = cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ && cpu.X86.HasAVX512VL && cpu.X86.HasPOPCNT

// rowLanesFunc is the widest lanes' Row this CPU has: rowLanes, else
// rowLanesAVX2 (lanes_avx2_amd64.go), else nil; widestLanes names them.
var rowLanesFunc, widestLanes = func() (func(*Plan, []float64, float64, []uint32, []float64, *atomic.Bool) int64, string) {
	switch {
	case lanesAvailable:
		return (*Plan).rowLanes, "AVX-512"
	case avx2LanesAvailable:
		return (*Plan).rowLanesAVX2, "AVX2"
	}
	return nil, ""
}()

// tailLanes is the number of busy lanes below which, once the row has no
// pixel left to load, rowLanes finishes them in advance: the routine costs
// the same whatever its lanes hold, perturbLanes lane-iterations of time
// for a loop, and advance takes about 6 times a lane's time for an
// iteration (plainFMA's 4.4 ns against the lanes' 0.73 on Zen 4), which
// puts the break-even at 4 busy lanes.
const tailLanes = 4

// laneRow is a lane driver's state, for either routine (AVX-512's
// perturbBlocks512 or AVX2's perturbBlocksAVX2): the routine's lanes, st
// and ln, laid out as its generator says (st: dr, di, dcr, dci, saved dr,
// saved di, lanes values each; ln: m, rebases, the routine's own
// addresses, each lane's pixel and start, then the work the routine
// stored and the next pixel) and, for each lane, the pixel's full state
// as advance keeps it, which is current only for the fields the routine
// does not carry.
type laneRow struct {
	// lanes is the routine's width; next is ln's index of the next pixel,
	// after works counts of work; tail is the number of busy lanes below
	// which, once the row has no pixel left to load, the driver finishes
	// them in advance.
	lanes, next, works, tail int
	st                       []float64
	ln                       []int
	s                        []pixelState
	// at is the pixel whose state s holds (-1: idle), and reb0 its
	// rebases when the driver last put it.
	at, reb0 []int
	// run is the routine, over st and ln.
	run func(orbit *float64, top int, escape2 float64, limit int, periodic bool,
		steps int, dcr *float64, dci float64, rowLen int, iter *uint32, mag2 *float64) (done int, events uint64)
}

// newLaneRow makes a laneRow of the given width over the routine's st and
// ln.
func newLaneRow(lanes, works, tail int, st []float64, ln []int) *laneRow {
	return &laneRow{
		lanes: lanes, next: 5*lanes + works, works: works, tail: tail,
		st: st, ln: ln, s: make([]pixelState, lanes),
		at: make([]int, lanes), reb0: make([]int, lanes),
	}
}

// get brings lane l's pixelState up to date with the routine's lanes.
func (r *laneRow) get(l, steps int) {
	L, s := r.lanes, &r.s[l]
	s.dr, s.di = r.st[l], r.st[L+l]
	s.m, s.n = r.ln[l], steps-r.ln[4*L+l]
	reb := r.ln[L+l]
	// The routine saved the delta at each power of two it passed.
	if bits.Len(uint(reb)) > bits.Len(uint(r.reb0[l])) {
		s.savedR, s.savedI, s.savedSmall = r.st[4*L+l], r.st[5*L+l], false
	}
	s.rebases = reb
}

// put gives lane l's pixelState to the routine's lanes. The saved delta
// is NaN, which equals nothing, where advance would not compare with it.
func (r *laneRow) put(l, steps int) {
	L, s := r.lanes, &r.s[l]
	r.st[l], r.st[L+l], r.st[2*L+l], r.st[3*L+l] = s.dr, s.di, s.dcr, s.dci
	r.st[4*L+l], r.st[5*L+l] = math.NaN(), math.NaN()
	if s.rebases > 0 && !s.savedSmall {
		r.st[4*L+l], r.st[5*L+l] = s.savedR, s.savedI
	}
	r.ln[l], r.ln[L+l] = s.m, s.rebases
	r.ln[3*L+l], r.ln[4*L+l] = r.at[l], steps-s.n
	r.reb0[l] = s.rebases
}

// idle makes lane l idle: NaN deltas, which no test of the routine takes
// for an event, cycling through the reference from m = 0.
func (r *laneRow) idle(l int) {
	L, nan := r.lanes, math.NaN()
	r.at[l], r.ln[3*L+l] = -1, -1
	for k := range 6 {
		r.st[k*L+l] = nan
	}
	r.ln[l], r.ln[L+l] = 0, 0
}

// avx512Lanes is perturbBlocks512's st and ln.
type avx512Lanes struct {
	st [6 * perturbLanes]float64
	ln [5*perturbLanes + 11]int
}

// rowLanes is Row on perturbBlocks512's lanes: the same results, bit for
// bit, since every pass is advance's, done by the routine (plain steps,
// rebases, escapes) or by advance itself (everything else). A lane whose
// pixel is done takes the next, so the vectors never wait for the
// slowest pixel.
func (p *Plan) rowLanes(kx []float64, ky float64, iter []uint32, mag2 []float64, stop *atomic.Bool) int64 {
	b := new(avx512Lanes)
	r := newLaneRow(perturbLanes, 8, tailLanes, b.st[:], b.ln[:])
	r.run = func(orbit *float64, top int, escape2 float64, limit int, periodic bool,
		steps int, dcr *float64, dci float64, rowLen int, iter *uint32, mag2 *float64) (int, uint64) {
		return runPerturbBlocks(&b.st, &b.ln, orbit, top, escape2, limit, periodic, steps, dcr, dci, rowLen, iter, mag2, p.rebase, p.rebaseExp())
	}
	return p.rowOnLanes(r, kx, ky, iter, mag2, stop)
}

// rowOnLanes is Row on r's routine (see rowLanes).
func (p *Plan) rowOnLanes(r *laneRow, kx []float64, ky float64, iter []uint32, mag2 []float64, stop *atomic.Bool) int64 {
	if len(kx) == 0 {
		return 0
	}
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
			next := r.ln[r.next]
			if next >= len(kx) {
				r.idle(l)
				return true
			}
			r.at[l] = next
			p.start(s, float64(kx[next]*p.d.m), mi)
			r.ln[r.next]++
			active++
		}
	}
	for l := range r.lanes {
		r.idle(l)
		if next := r.ln[r.next]; next < len(kx) {
			r.at[l] = next
			p.start(&r.s[l], float64(kx[next]*p.d.m), mi)
			r.ln[r.next]++
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
		if active < r.tail && r.ln[r.next] >= len(kx) {
			// The row's last few pixels: the vectors would run mostly
			// idle lanes, and advance alone is faster.
			for l := range r.lanes {
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
		for l := range r.lanes {
			if r.at[l] >= 0 {
				limit = min(limit, r.ln[4*r.lanes+l]+p.maxIter-steps)
			}
		}
		var events uint64
		if limit > 0 {
			var done int
			done, events = r.run(orbit, top, p.escape2, limit, p.periodicity,
				steps, &dcr[0], dci, rowLen, &iter[0], &mag2[0])
			steps += done
			for i := range r.works {
				t.work += int64(r.ln[5*r.lanes+i])
				r.ln[5*r.lanes+i] = 0
			}
		}
		for l := range r.lanes {
			if x := r.ln[3*r.lanes+l]; x != r.at[l] {
				// The routine stored the lane's pixel and loaded x.
				r.at[l], r.reb0[l] = x, 0
				p.start(&r.s[l], float64(kx[x]*p.d.m), mi)
			}
			if r.at[l] < 0 || (events&(1<<l) == 0 && steps-r.ln[4*r.lanes+l] < p.maxIter) {
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

// runPerturbBlocks calls perturbBlocks512 from a function that is not
// inlined and not a leaf, so that its prologue's stack check is a
// preemption point, as render's runBlocks is for the direct kernels: the
// runtime cannot preempt assembly asynchronously, and deep inside the set
// a row spends nearly all its time there.
//
//go:noinline
func runPerturbBlocks(st *[6 * perturbLanes]float64, ln *[5*perturbLanes + 11]int, orbit *float64, top int, escape2 float64, limit int, periodic bool,
	steps int, dcr *float64, dci float64, rowLen int, iter *uint32, mag2 *float64, rebase float64, rebaseExp uint64) (done int, events uint64) {
	return perturbBlocks512(st, ln, orbit, top, escape2, limit, periodic, steps, dcr, dci, rowLen, iter, mag2, rebase, rebaseExp)
}
