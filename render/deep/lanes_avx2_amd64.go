package deep

import (
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
// AVX2 (which x/sys/cpu reports only where the OS saves the YMM state),
// FMA (the loop without BLA rounds with fused multiply-adds; every CPU
// with AVX2 so far has it) and POPCNT.
var avx2LanesAvailable = cpu.X86.HasAVX2 && cpu.X86.HasFMA && cpu.X86.HasPOPCNT

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

// avx2LanesState is perturbBlocksAVX2's st and ln: st holds dr, di, dcr,
// dci, saved dr, saved di and the routine's scratch; ln, right after it
// in memory, each lane's m, rebases, the routine's load addresses, pixel
// and start, then the work the routine stored and the next pixel
// (internal/perturbavx2gen).
type avx2LanesState struct {
	st [8 * avx2Lanes]float64
	ln [5*avx2Lanes + 2]int
}

// perturbBlocksAVX2 reads ln as the ints right after st, which the array
// types below check (a length is negative otherwise).
var (
	_ [unsafe.Offsetof(avx2LanesState{}.ln) - unsafe.Offsetof(avx2LanesState{}.st) - unsafe.Sizeof(avx2LanesState{}.st)]struct{}
	_ [unsafe.Offsetof(avx2LanesState{}.st) + unsafe.Sizeof(avx2LanesState{}.st) - unsafe.Offsetof(avx2LanesState{}.ln)]struct{}
)

// rowLanesAVX2 is rowLanes on perturbBlocksAVX2's lanes: the same driver
// (rowOnLanes) at the AVX2 routine's width, and so the same results as
// Row's scalar loop, bit for bit.
func (p *Plan) rowLanesAVX2(kx []float64, ky float64, iter []uint32, mag2 []float64, stop *atomic.Bool) int64 {
	b := new(avx2LanesState)
	r := newLaneRow(avx2Lanes, 1, tailLanesAVX2, b.st[:], b.ln[:])
	r.run = func(orbit *float64, top int, escape2 float64, limit int, periodic bool,
		steps int, dcr *float64, dci float64, rowLen int, iter *uint32, mag2 *float64) (int, uint64) {
		return runPerturbBlocksAVX2(&b.st, &b.ln, orbit, top, escape2, limit, periodic, steps, dcr, dci, rowLen, iter, mag2, p.rebase, p.rebaseExp())
	}
	return p.rowOnLanes(r, kx, ky, iter, mag2, stop)
}

// runPerturbBlocksAVX2 calls perturbBlocksAVX2 from a function that is
// not inlined and not a leaf, so that its prologue's stack check is a
// preemption point (see runPerturbBlocks).
//
//go:noinline
func runPerturbBlocksAVX2(st *[8 * avx2Lanes]float64, ln *[5*avx2Lanes + 2]int, orbit *float64, top int, escape2 float64, limit int, periodic bool,
	steps int, dcr *float64, dci float64, rowLen int, iter *uint32, mag2 *float64, rebase float64, rebaseExp uint64) (done int, events uint64) {
	return perturbBlocksAVX2(st, ln, orbit, orbitStride, top, escape2, limit, periodic, steps, dcr, dci, rowLen, iter, mag2, rebase, rebaseExp)
}
