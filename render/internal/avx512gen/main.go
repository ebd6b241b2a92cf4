// Command avx512gen generates render's AVX-512 kernel,
// kernel_avx512_amd64.s and its Go declaration, with avo. `go generate
// ./render/` runs it; the render tests check that the committed files are
// what it produces.
//
// It is the AVX2 kernel of internal/kernelgen made wider: blocks of unroll
// iterations on vectors independent vectors of 8 float64 lanes (or 4, with
// -width 256), no escape test inside a block, every |z|^2 it tested kept.
// Unlike the AVX2 kernel it tests only the block's last |z|^2, with no max
// over the block: render's lastTest gives it only rows where that is
// exact. The escape test after a block takes the integer max of the lanes'
// last |z|^2 across the vectors (integer order is float order on
// non-negative doubles) and compares it with escape2; only when some lane
// escaped are the per-vector masks made. (The periodic routine keeps the per-vector
// compares: its idle lanes hold NaN, which the integer max would take for
// an escape at every block of a row's end.) The escaped lanes, and the lanes at maxIter,
// are then handled vector by vector with no loop over lanes: count and
// |z|^2 found under masks and scattered to iter and mag2, the next pixels
// given out in lane order with VPEXPANDQ and VEXPANDPD (bulkEscaped,
// reloadVector). The lane driver's Go code (render's laneDriver in
// lanes.go) does the rest, near the end of a row, and says why the counts
// are Scalar's.
//
// The shape is a choice by measurement, on the machine it was written on:
// AMD EPYC Zen 5 (family 26, model 2), 2 cores shared with other jobs (load
// 5 to 8), W1 (4096x4096 of the full view, maxiter 1000) on one thread with
// the frame already touched, Giter per thread-CPU second (wall time varied
// 2x with the load; CPU time about 10%), interleaved rounds, medians:
//
//	-width -vectors -unroll     Giter/cpu-s   (same rounds)
//	512    4        4           5.34  5.70  4.66  5.23
//	512    6        4                 6.00  4.76  5.87
//	512    5        4                       4.55  5.77
//	512    4        2           4.81  5.36
//	512    4        8           4.43
//	512    2        4           3.54
//	512    2        2           3.59
//	512    1        4           2.15
//	512    4 -crmem 4                 5.39
//	512    6 -crmem 4                 5.50
//	256    4        4 (VL)      3.04
//	256    6        4 (VL)            3.72
//	avx2 kernel (4x4 lanes)     3.07
//	C avx512_nofma_x4u2         3.51  3.90        3.65
//	C avx512_fma_x4u2           3.49
//
// Paired by round, 6 vectors beat 4 by a median of 4% (19 pairs, 0.99 to
// 1.27). 512-bit vectors are 1.6 to 1.75 times as fast as 256-bit ones
// with the same masks: Zen 5 executes them whole. Unrolls other than a
// power of two make blocks miss maxIter (1000), and the lanes finish in
// Go; 8 vectors need more than the 7 usable mask registers and 32 vector
// registers in this form.
//
// On AMD EPYC Zen 4 (family 25, model 17), which splits 512-bit
// operations in two, same method (BenchmarkKernelW1's Giter/cpu-s, load
// 10 to 16, medians of 7 interleaved rounds), the same shape wins, by
// less: before the lanes at maxIter were handled in the vectors (first
// row), and after (second):
//
//	-width -vectors -unroll     Giter/cpu-s
//	512    6        4           3.85  4.23
//	512    5        4           3.91  4.14
//	512    4        4           3.93  4.06
//	512    4        2           3.95
//	512    3        4           3.86
//	512    6        2           3.70
//	512    6        8                 3.93
//	512    4        8                 3.70
//	256    6        4 (VL)      3.37
//	C avx512_nofma_x4u2         4.22  4.04
//	C avx512_fma_x4u2           4.48
//
// Where the time went there (perf annotate, W1), with the escaped lanes
// stored and refilled lane by lane: the blocks about 77%, the escaped
// lanes' stores and refill 17%, the lanes at maxIter 3%. Keeping the
// block's largest |z|^2 with integer max and compare in the block (rather
// than VMAXPD) was 4% slower; keeping the next pixel in a register rather
// than in ln made no difference; without the stores of |z|^2 (wrong
// counts, a bound) it was 1-2% faster. The command against the C yardstick
// (scripts/kernel-vs-c.sh, W1, 9 interleaved runs, per CPU-second) was
// then 0.96x avx512_nofma_x4u2 and 0.91x avx512_fma_x4u2.
//
// What closed most of the gap, on the same Zen 4 (BenchmarkKernelW1/avx512,
// Giter/cpu-s, medians of 5 to 7 interleaved rounds, load 4 to 6, each
// step against the one before in the same run):
//
//	escaped lanes lane by lane (the loop above)        4.02  4.05
//	... in the vectors: scatter, VPEXPANDQ             4.06  4.14
//	... skipping vectors with no escaped lane          4.16  4.19
//	escape test by a VPMAXSQ tree, masks on escape     4.41  4.26
//	lanes at maxIter in the vectors too                4.30  4.19
//	one escaped lane: VPCOMPRESSQ, plain stores        4.30
//	unroll 8 instead of 4 (not kept)                   4.04 against 4.05
//	VPMAXSQ for VMAXPD in the block (not kept)         4.20 against 4.18
//	2*zr as zr+zr (not kept)                           3.81 against 4.16
//	compare each test into the masks, KORW (not kept)  3.99 against 4.16
//
// The last says the adding ports are the blocks' bottleneck (four adds
// and a max an iteration against four multiplies). So the max went (the
// escape test reads only the block's last |z|^2, exact on the rows
// render's lastTest lets through), and then the row's end moved into the
// block routines (lanes stored and made idle there, not one return to Go
// per escape over the last 48 samples); same method, load 5 to 9:
//
//	with the max (above)                               4.05
//	escape test on the block's last |z|^2              4.48
//	... the same in kernelgen's AVX2 kernel (not kept) 3.21 against 3.16
//	the row's end in the block routines                about 3% more;
//	                                                   0.86-0.90x the time
//	                                                   on rows of 256-512
//
// The command against the C yardstick afterwards: 1.10x the fused
// avx512_fma_x4u2 and 1.24x avx512_nofma_x4u2 per CPU-second (9 runs
// each; docs/kernels.md). perf annotate with
// the lanes at maxIter in the vectors: the blocks 73%, the escape test
// 10% (mostly the wait for the block's last |z|^2 and the mispredicted
// branch: about three blocks in four have an escaped lane), the escaped
// lanes 10%, the lanes at maxIter 4%. The whole command against the C yardstick: see
// README (Speed); the C runs 32-lane groups to their slowest pixel (75% of
// its lanes busy) at no refill cost, where these lanes are nearly all busy.
package main

import (
	"flag"
	"fmt"
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"

	"github.com/mandel-project/mandel/render/internal/avoutil"
)

// The shape. The defaults must match the avx512 constants of
// kernel_amd64.go, and the offsets below the layout of laneFloats and
// laneInts in lanes_amd64.go; the render package does not compile if they
// do not.
var (
	vectors = flag.Int("vectors", 6, "independent vectors in flight, to hide latency")
	unroll  = flag.Int("unroll", 4, "iterations per block, between escape tests")
	width   = flag.Int("width", 512, "vector `bits`: 512, or 256 with AVX-512VL's masks")
	crMem   = flag.Bool("crmem", false, "read c from the lane state in memory rather than keep it in registers")
)

// Derived from the shape in main.
var (
	vl    int // float64 lanes per vector
	lanes int // vl * vectors, a power of two: the escape search shifts by its log

	// Offsets, in float64s, of the parts of the lane state array: z, c,
	// and the |z|^2 that each iteration of the last block tested.
	offZr, offZi, offCr, offT, size int

	// Offsets, in ints, of the parts of the integer lane state
	// (laneInts): each lane's pixel and the step at which it started,
	// then the next pixel to load, the work stored so far, the steps
	// done, and laneDriver's end.
	lnPixel, lnStart, lnNext, lnWork, lnSteps, lnEnd, lnSize int

	// The periodic routine's parts (laneDriver.offSaved and lnSaved): each
	// lane's saved zr and zi, and the step at which it saved them.
	offSr, offSi, sizeP, lnSaved, lnSizeP int

	// Where each lane's share of the work stored by the block routine
	// waits until exit (see bulkEscaped), after every other part, for both
	// routines, and the end of ln for both.
	lnWorkV, lnAll int
)

// negNaN is a NaN with the sign bit set, the z of the plain routine's idle
// lanes (see reloadVector).
var negNaN Mem

// compareEvery, saveEvery and cycleMax are kernelgen's, which says why.
const (
	compareEvery = 2
	saveEvery    = 16
	cycleMax     = 4096
)

func main() {
	flag.Parse()
	vl = *width / 64
	lanes = vl * *vectors
	if (*width != 512 && *width != 256) || *vectors < 1 || *unroll < 1 || lanes > 64 {
		panic(fmt.Sprintf("avx512gen: unsupported shape: %d vectors of %d bits, unroll %d", *vectors, *width, *unroll))
	}
	offZr, offZi, offCr, offT = 0, lanes, 2*lanes, 3*lanes
	size = offT + *unroll*lanes
	lnPixel, lnStart, lnNext = 0, lanes, 2*lanes
	lnWork, lnSteps, lnEnd, lnSize = lnNext+1, lnNext+2, lnNext+3, lnNext+4
	offSr, offSi, sizeP = size, size+lanes, size+2*lanes
	lnSaved, lnSizeP = lnSize, lnSize+lanes
	lnWorkV, lnAll = lnSizeP, lnSizeP+vl
	ConstraintExpr("amd64")
	two := GLOBL("two512", RODATA|NOPTR)
	DATA(0, U64(math.Float64bits(2))) // avo prints F64(2) as the integer $(2)
	one := GLOBL("one512", RODATA|NOPTR)
	DATA(0, U64(1))
	negNaN = GLOBL("negnan512", RODATA|NOPTR)
	DATA(0, U64(0xfff8000000000000))
	iota := GLOBL("iota512", RODATA|NOPTR)
	for i := 0; i < vl; i++ {
		DATA(8*i, U64(i))
	}
	blocks(two, one, iota, false)
	blocks(two, one, iota, true)
	lastUnsafe()
	Generate()
}

// vec allocates a vector register of the kernel's width.
func vec() VecVirtual {
	if *width == 512 {
		return ZMM()
	}
	return YMM()
}

// blocks emits avx512Blocks, or with periodic avx512PeriodicBlocks, which
// is to avx512Blocks what kernelgen's avx2PeriodicBlocks is to avx2Blocks.
func blocks(two, one, iota Mem, periodic bool) {
	needs := "It needs AVX-512F" + map[bool]string{true: " and AVX-512VL", false: ""}[*width == 256] + "."
	if !periodic {
		TEXT("avx512Blocks", NOSPLIT, fmt.Sprintf("func(st *[%d]float64, ln *[%d]int, cr []float64, iter []uint32, mag2 []float64, ci, escape2 float64, maxIter, blocks int) (escaped int)", size, lnAll))
		Pragma("noescape")
		Doc(
			fmt.Sprintf("avx512Blocks is avx2Blocks with %d vectors of %d lanes, %d in all, and", *vectors, vl, lanes),
			fmt.Sprintf("blocks of %d iterations; the escape test compares into mask registers.", *unroll),
			needs,
		)
	} else {
		TEXT("avx512PeriodicBlocks", NOSPLIT, fmt.Sprintf("func(st *[%d]float64, ln *[%d]int, cr []float64, iter []uint32, mag2 []float64, ci, escape2 float64, maxIter, blocks, limit int) (escaped, periodic int)", sizeP, lnAll))
		Pragma("noescape")
		Doc(
			"avx512PeriodicBlocks is avx512Blocks with avx2PeriodicBlocks's",
			"periodicity checking: every "+fmt.Sprint(compareEvery)+" blocks it compares each lane's z",
			"with the z the lane saved, into mask registers, and stores and",
			"reloads the lanes whose z repeats; every "+fmt.Sprint(saveEvery)+" blocks the lanes",
			"that have run at least twice as long as when they saved z save it",
			"again. Its results are two bit masks of lanes left to the caller,",
			"those that escaped and those that repeat: none since it stores",
			"and idles lanes at the row's end itself, as avx512Blocks does.",
			needs,
		)
	}
	st := Mem{Base: Load(Param("st"), GP64())}
	ln := Mem{Base: Load(Param("ln"), GP64())}
	n := Load(Param("blocks"), GP64())
	done := GP64()
	XORQ(done, done)
	steps := GP64()
	MOVQ(ln.Offset(8*lnSteps), steps)

	ci, twos, e2 := vec(), vec(), vec()
	VBROADCASTSD(avoutil.ParamAddr("ci"), ci)
	VBROADCASTSD(two, twos)
	VBROADCASTSD(avoutil.ParamAddr("escape2"), e2)
	zr := make([]VecVirtual, *vectors)
	zi := make([]VecVirtual, *vectors)
	cr := make([]Op, *vectors)
	acc := make([]VecVirtual, *vectors)
	for k := range zr {
		zr[k], zi[k], acc[k] = vec(), vec(), vec()
		if *crMem {
			cr[k] = st.Offset(8*offCr + 8*vl*k)
		} else {
			cr[k] = vec()
		}
	}
	bytes := 8 * vl
	load := func() {
		for k := range zr {
			VMOVUPD(st.Offset(8*offZr+bytes*k), zr[k])
			VMOVUPD(st.Offset(8*offZi+bytes*k), zi[k])
			if !*crMem {
				VMOVUPD(st.Offset(8*offCr+bytes*k), cr[k])
			}
		}
	}
	spill := func() {
		for k := range zr {
			VMOVUPD(zr[k], st.Offset(8*offZr+bytes*k))
			VMOVUPD(zi[k], st.Offset(8*offZi+bytes*k))
			if !*crMem {
				VMOVUPD(cr[k], st.Offset(8*offCr+bytes*k))
			}
		}
	}
	// laneMem is the float64 or int of lane l at offset off of st or ln.
	laneMem := func(m Mem, l Register, off int) Mem {
		return Mem{Base: m.Base, Index: l, Scale: 8, Disp: 8 * off}
	}
	// reset gives lane l, just loaded, its saved z: z_0 = 0, at this step.
	reset := func(l Register) {
		if periodic {
			MOVQ(U32(0), laneMem(st, l, offSr))
			MOVQ(U32(0), laneMem(st, l, offSi))
			MOVQ(steps, laneMem(ln, l, lnSaved))
		}
	}
	// eqBits sets pb to the mask of the lanes whose z is the saved one.
	eqBits := func(pb GPVirtual) {
		XORQ(pb, pb)
		for k := *vectors - 1; k >= 0; k-- {
			a := K()
			VCMPPD(U8(0), st.Offset(8*offSr+bytes*k), zr[k], a)    // equal, ordered
			VCMPPD(U8(0), st.Offset(8*offSi+bytes*k), zi[k], a, a) // and under a
			m := GP64()
			KMOVW(a, m.As32())
			SHLQ(U8(vl), pb)
			ORQ(m, pb)
		}
	}
	load()
	JMP(LabelRef("next"))

	Label("block")
	for u := 0; u < *unroll; u++ {
		Commentf("iteration %d", u)
		for k := range zr {
			tmem := st.Offset(8*(offT+u*lanes) + bytes*k)
			step(tmem, ci, twos, zr[k], zi[k], cr[k], acc[k], u)
		}
	}
	INCQ(done)
	ADDQ(U8(*unroll), steps)
	// acc holds, per lane, the |z|^2 of the block's last test: on the rows
	// the routines are given (render's lastTest says which, and proves
	// it), a lane whose test broke at some iteration of the block breaks
	// there too, so a lane whose acc exceeds escape2 escaped in the block.
	// (kernelgen's AVX2 routines keep the largest |z|^2 of the block with
	// VMAXPD, an operation an iteration on the adding ports, which bound
	// the blocks.)
	mask := make([]OpmaskVirtual, *vectors)
	for k := range mask {
		mask[k] = K()
	}
	any := mask[0]
	if *vectors > 1 {
		any = K()
	}
	escTest := func() {
		for k := range acc {
			VCMPPD(U8(0x1e), e2, acc[k], mask[k]) // acc > escape2, ordered
		}
		if *vectors > 1 {
			KORW(mask[0], mask[1], any)
			for k := 2; k < *vectors; k++ {
				KORW(mask[k], any, any)
			}
		}
		KORTESTW(any, any)
	}
	// escMasks sets the masks, as escTest does, for the escape path.
	escMasks := func() {
		for k := range acc {
			VCMPPD(U8(0x1e), e2, acc[k], mask[k]) // acc > escape2, ordered
		}
	}
	// quickTest is escTest for the plain routine, which leaves the masks to
	// escMasks: the largest of the lanes' acc by integer max, a tree off
	// the floating-point ports (on non-negative doubles integer order is
	// float order), compared with escape2. A NaN acc (which a lane with a
	// pixel never has: its z is finite until it escapes, and then it is
	// stored) would only send it down the escape path for nothing.
	quickTest := func() {
		ms := make([]VecVirtual, len(acc))
		copy(ms, acc)
		for len(ms) > 1 {
			var nx []VecVirtual
			for i := 0; i+1 < len(ms); i += 2 {
				m := vec()
				VPMAXSQ(ms[i], ms[i+1], m)
				nx = append(nx, m)
			}
			if len(ms)%2 == 1 {
				nx = append(nx, ms[len(ms)-1])
			}
			ms = nx
		}
		VPCMPQ(U8(6), e2, ms[0], any) // > escape2, as integers
		KORTESTW(any, any)
	}
	if periodic {
		// Every compareEvery blocks only zr is compared here, before the
		// escape masks take the mask registers, which finds every repeat
		// for half the cost; the lanes found are checked whole at periodic.
		TESTQ(U32(*unroll*compareEvery-1), steps)
		JNZ(LabelRef("compared"))
		eq := K()
		VCMPPD(U8(0), st.Offset(8*offSr), zr[0], eq)
		for k := 1; k < *vectors; k++ {
			e := K()
			VCMPPD(U8(0), st.Offset(8*offSr+bytes*k), zr[k], e)
			KORW(e, eq, eq)
		}
		KORTESTW(eq, eq)
		JNE(LabelRef("repeats"))
		Label("compared")
	}
	if periodic {
		escTest()
	} else {
		quickTest()
	}
	JNE(LabelRef("escaped"))
	bits := GP64()
	var pbits GPVirtual
	Label("next")
	XORQ(bits, bits)
	if periodic {
		pbits = GP64()
		XORQ(pbits, pbits)
	}
	CMPQ(done, n)
	JGE(LabelRef("exit"))
	room := GP64()
	MOVQ(ln.Offset(8*lnEnd), room)
	SUBQ(steps, room)
	CMPQ(room, U8(*unroll))
	if !periodic {
		JGE(LabelRef("block"))
	} else {
		JL(LabelRef("limit"))
		// Brent's scheme, as in kernelgen: a lane that has run at least
		// twice as long as when it saved z saves the present one.
		TESTQ(U32(*unroll*saveEvery-1), steps)
		JNZ(LabelRef("block"))
		stepsV := vec()
		VPBROADCASTQ(steps, stepsV)
		for k := range zr {
			t, save := vec(), K()
			VMOVDQU64(ln.Offset(8*lnSaved+bytes*k), t)
			VPADDQ(t, t, t)
			VPSUBQ(ln.Offset(8*lnStart+bytes*k), t, t) // 2 saved - start: when to save next
			VPCMPQ(U8(2), stepsV, t, save)             // that <= steps: now
			VMOVUPD(zr[k], save, st.Offset(8*offSr+bytes*k))
			VMOVUPD(zi[k], save, st.Offset(8*offSi+bytes*k))
			VMOVDQU64(stepsV, save, ln.Offset(8*lnSaved+bytes*k))
		}
		JMP(LabelRef("block"))
		Label("limit")
	}

	// Some lane is at maxIter (or end is a stale bound: see laneDriver).
	// Steps and every start are multiples of unroll, and so is maxIter
	// here, so a lane is either at maxIter or a block or more from it.
	// Such lanes (on W1 about one in ten pixels, each alone) are found,
	// stored and refilled in the vectors, as escaped lanes are, and end is
	// the least start plus maxIter, found in them too: a scan of every
	// lane in Go's order cost a tenth of the kernel's time.
	// maxIter is loaded where it is used: the periodic routine has no
	// general register to keep it in.
	maxIter := func() GPVirtual { return Load(Param("maxIter"), GP64()).(GPVirtual) }
	m0 := maxIter()
	TESTQ(m0, m0)
	JZ(LabelRef("exit"))
	nx := GP64()
	MOVQ(ln.Offset(8*lnNext), nx)
	ADDQ(U8(lanes), nx)
	CMPQ(nx, Load(Param("cr").Len(), GP64()))
	JG(LabelRef("exit")) // near the end of the row (idle lanes) the caller does it
	{
		// Every lane has a pixel here. A lane is at maxIter when its start
		// plus maxIter is steps; its final |z|^2, zr*zr + zi*zi rounded as
		// Scalar rounds them, goes where the block's first tests were.
		limV, stV, e := vec(), vec(), vec()
		VPBROADCASTQ(maxIter(), limV)
		VPBROADCASTQ(steps, stV)
		// end becomes the least start+maxIter, a refilled lane's being
		// steps+maxIter, found here rather than from the starts the lanes
		// below store (a vector load of narrow stores waits for them).
		VPADDQ(limV, stV, e)
		for k := range zr {
			s, y := vec(), vec()
			VPADDQ(ln.Offset(8*lnStart+bytes*k), limV, s)
			VPCMPEQQ(stV, s, mask[k])
			other := K()
			VPCMPQ(U8(4), stV, s, other) // start+maxIter != steps
			VPMINSQ(s, e, other, e)
			VMULPD(zr[k], zr[k], s)
			VMULPD(zi[k], zi[k], y)
			VADDPD(y, s, s)
			VMOVUPD(s, st.Offset(8*offT+bytes*k))
		}
		t := vec()
		if *width == 512 {
			VSHUFI64X2(U8(0x4e), e, e, t) // the 256-bit halves swapped
			VPMINSQ(t, e, e)
		}
		VEXTRACTI128(U8(1), e.AsY(), t.AsX())
		VPMINSQ(t.AsX(), e.AsX(), e.AsX())
		VPSHUFD(U8(0x4e), e.AsX(), t.AsX())
		VPMINSQ(t.AsX(), e.AsX(), e.AsX())
		end := GP64()
		VMOVQ(e.AsX(), end)
		MOVQ(end, ln.Offset(8*lnEnd))
	}
	// The lanes at maxIter are stored and reloaded vector by vector, as
	// bulkEscaped does escaped ones.
	{
		stepsV, lim := vec(), vec()
		VPBROADCASTQ(steps, stepsV)
		VPBROADCASTD(maxIter().As32(), lim.AsY())
		next := GP64()
		MOVQ(ln.Offset(8*lnNext), next)
		src := Load(Param("cr").Base(), GP64()).(GPVirtual)
		LEAQ(Mem{Base: src, Index: next, Scale: 8}, src) // &cr[next]
		iterB := Load(Param("iter").Base(), GP64())
		mag2B := Load(Param("mag2").Base(), GP64())
		stored := GP64()
		XORQ(stored, stored)
		for k := range zr {
			skip := fmt.Sprintf("limitSkip%d", k)
			KORTESTW(mask[k], mask[k])
			JZ(LabelRef(skip))
			pix, mag := vec(), vec()
			VMOVDQU64(ln.Offset(8*lnPixel+bytes*k), pix)
			VMOVUPD(st.Offset(8*offT+bytes*k), mag)
			a := K()
			KMOVW(mask[k], a)
			if *width == 512 {
				VPSCATTERQD(lim.AsY(), a, Mem{Base: iterB, Index: pix, Scale: 4})
			} else {
				VPSCATTERQD(lim.AsX(), a, Mem{Base: iterB, Index: pix, Scale: 4})
			}
			KMOVW(mask[k], a)
			VSCATTERQPD(mag, a, Mem{Base: mag2B, Index: pix, Scale: 8})
			m := reloadVector(st, ln, k, mask[k], stepsV, twos, next, src, zr, zi, cr, periodic, iota, false)
			ADDQ(m, next)
			ADDQ(m, stored)
			LEAQ(Mem{Base: src, Index: m, Scale: 8}, src)
			Label(skip)
		}
		MOVQ(next, ln.Offset(8*lnNext))
		IMULQ(maxIter(), stored)
		ADDQ(stored, ln.Offset(8*lnWork))
	}
	Label("limitEnd")
	JMP(LabelRef("next"))

	// doneCheck goes on at then unless every pixel of the row is given
	// out and every lane idle (lanes fall idle at the row's end in
	// reloadVector and cycles), when the row is done: to exit.
	doneCheck := func(then string) {
		next := GP64()
		MOVQ(ln.Offset(8*lnNext), next)
		CMPQ(next, Load(Param("cr").Len(), GP64()))
		JL(LabelRef(then))
		m := vec()
		VMOVDQU64(ln.Offset(8*lnPixel), m)
		for k := 1; k < *vectors; k++ {
			VPMAXSQ(ln.Offset(8*lnPixel+8*vl*k), m, m)
		}
		zero, busy := vec(), K()
		VPXORQ(zero, zero, zero)
		VPCMPQ(U8(5), zero, m, busy) // a pixel >= 0: a busy lane
		KORTESTW(busy, busy)
		JNZ(LabelRef(then))
		XORQ(bits, bits)
		if periodic {
			XORQ(pbits, pbits)
		}
		JMP(LabelRef("exit"))
	}

	// escapePath emits the handling of the escaped lanes, at label
	// sfx+"escaped", which goes on at then.
	escapePath := func(sfx, then string) {
		Label(sfx + "escaped")
		if !periodic {
			escMasks()
		}
		bulkEscaped(sfx, st, ln, e2, twos, steps, zr, zi, cr, mask, periodic, one, iota)
		if sfx != "" {
			XORQ(bits, bits) // stored: the caller is not to store them again
			JMP(LabelRef(then))
		} else {
			doneCheck(then)
		}
	}
	escapePath("", "next")
	if periodic {
		Label("repeats")
		escTest()
		JNE(LabelRef("repeatsescaped"))
		JMP(LabelRef("periodic"))
		escapePath("repeats", "periodic")
		cycles(st, ln, ci, steps, pbits, eqBits, spill, load, laneMem, reset, doneCheck)
	}

	Label("exit")
	spill()
	// The work the lanes stored in the vectors (see bulkEscaped).
	{
		w, t := vec(), vec()
		VMOVDQU64(ln.Offset(8*lnWorkV), w)
		if *width == 512 {
			VSHUFI64X2(U8(0x4e), w, w, t)
			VPADDQ(t, w, w)
		}
		VEXTRACTI128(U8(1), w.AsY(), t.AsX())
		VPADDQ(t.AsX(), w.AsX(), w.AsX())
		VPSHUFD(U8(0x4e), w.AsX(), t.AsX())
		VPADDQ(t.AsX(), w.AsX(), w.AsX())
		sum := GP64()
		VMOVQ(w.AsX(), sum)
		ADDQ(sum, ln.Offset(8*lnWork))
		VPXORQ(w, w, w)
		VMOVDQU64(w, ln.Offset(8*lnWorkV))
	}
	MOVQ(steps, ln.Offset(8*lnSteps))
	VZEROUPPER()
	Store(bits, Return("escaped"))
	if periodic {
		Store(pbits, Return("periodic"))
	}
	RET()
}

// cycles emits the periodic routine's handling of the lanes whose z may
// repeat (label periodic): those whose z is the saved one are stored as
// inside, with Scalar's final z, and reloaded, as
// laneDriver.periodicLanes does; near the end of the row they are left to
// the caller in pbits. It returns to next, or to exit.
func cycles(st, ln Mem, ci VecVirtual, steps, pbits GPVirtual, eqBits func(GPVirtual), spill, load func(), laneMem func(Mem, Register, int) Mem, reset func(Register), doneCheck func(string)) {
	Label("periodic")
	eqBits(pbits)
	spill()
	Label("cycleLane")
	TESTQ(pbits, pbits)
	JZ(LabelRef("cyclesDone"))
	l := GP64()
	XORQ(l, l) // for avo: see escapePath
	BSFQ(pbits, l)
	low := GP64()
	LEAQ(Mem{Base: pbits, Disp: -1}, low)
	ANDQ(low, pbits)
	// z_m == z_k, m the lane's iterations, k those when it saved z: the
	// period p = m - k divides every later lap, and the final z is
	// z_{k + (limit-k) mod p}, r = (limit-k) mod p iterations from z_m.
	per := GP64()
	MOVQ(steps, per)
	SUBQ(laneMem(ln, l, lnSaved), per)
	JLE(LabelRef("cycleLane")) // loaded in this block: z is z_0 again
	// limit-k, with k = saved-start, kept in no register of its own:
	// the general registers are all taken.
	Load(Param("limit"), RAX)
	SUBQ(laneMem(ln, l, lnSaved), RAX)
	ADDQ(laneMem(ln, l, lnStart), RAX)
	XORQ(RDX, RDX)
	DIVQ(per)
	r := GP64()
	MOVQ(RDX, r)
	CMPQ(r, U32(cycleMax))
	JA(LabelRef("cycleLane"))
	did := GP64()
	MOVQ(steps, did)
	SUBQ(laneMem(ln, l, lnStart), did)
	ADDQ(r, did)
	ADDQ(did, ln.Offset(8*lnWork))
	x, y, c, x2, y2, t := XMM(), XMM(), XMM(), XMM(), XMM(), XMM()
	VMOVSD(laneMem(st, l, offZr), x)
	VMOVSD(laneMem(st, l, offZi), y)
	VMOVSD(laneMem(st, l, offCr), c)
	Label("cycleStep")
	TESTQ(r, r)
	JZ(LabelRef("cycleEnd"))
	// Scalar's step, as in the blocks.
	VMULSD(x, x, x2)
	VMULSD(y, y, y2)
	VADDSD(x, x, t)
	VMULSD(y, t, t)
	VADDSD(ci.AsX(), t, y)
	VSUBSD(y2, x2, x)
	VADDSD(c, x, x)
	DECQ(r)
	JMP(LabelRef("cycleStep"))
	Label("cycleEnd")
	VMULSD(x, x, x)
	VMULSD(y, y, y)
	VADDSD(y, x, x)
	pix := GP64()
	MOVQ(laneMem(ln, l, lnPixel), pix)
	limit := GP64()
	Load(Param("limit"), limit)
	MOVL(limit.As32(), Mem{Base: Load(Param("iter").Base(), GP64()), Index: pix, Scale: 4})
	VMOVSD(x, Mem{Base: Load(Param("mag2").Base(), GP64()), Index: pix, Scale: 8})
	MOVQ(ln.Offset(8*lnNext), pix)
	CMPQ(pix, Load(Param("cr").Len(), GP64()))
	JGE(LabelRef("cycleIdle"))
	cl := GP64()
	MOVQ(Mem{Base: Load(Param("cr").Base(), GP64()), Index: pix, Scale: 8}, cl)
	MOVQ(cl, laneMem(st, l, offCr))
	MOVQ(U32(0), laneMem(st, l, offZr))
	MOVQ(U32(0), laneMem(st, l, offZi))
	reset(l)
	MOVQ(pix, laneMem(ln, l, lnPixel))
	MOVQ(steps, laneMem(ln, l, lnStart))
	INCQ(ln.Offset(8 * lnNext))
	JMP(LabelRef("cycleLane"))
	// The row's pixels are all given out: the lane falls idle, as
	// reloadVector leaves one (a NaN z and saved z, which never escape
	// nor repeat).
	Label("cycleIdle")
	nan := GP64()
	MOVQ(U64(0xfff8000000000000), nan)
	MOVQ(U32(0), laneMem(st, l, offCr))
	MOVQ(nan, laneMem(st, l, offZr))
	MOVQ(nan, laneMem(st, l, offZi))
	MOVQ(nan, laneMem(st, l, offSr))
	MOVQ(nan, laneMem(st, l, offSi))
	MOVQ(I32(-1), laneMem(ln, l, lnPixel))
	JMP(LabelRef("cycleLane"))
	Label("cyclesDone")
	load()
	XORQ(pbits, pbits)
	doneCheck("next")
}

// step emits iteration u of one vector in Scalar's order, each operation
// rounded on its own (no FMA): zr2, zi2 = zr*zr, zi*zi; t = zr2+zi2, kept
// in tmem, and for the block's last iteration in acc too; zi = (zr*2)*zi +
// ci; zr = (zr2-zi2) + cr.
func step(tmem Mem, ci, twos, zr, zi VecVirtual, cr Op, acc VecVirtual, u int) {
	zr2, zi2, t := vec(), vec(), vec()
	VMULPD(zr, zr, zr2)
	VMULPD(zi, zi, zi2)
	if u == *unroll-1 {
		VADDPD(zi2, zr2, acc)
		VMOVUPD(acc, tmem)
	} else {
		VADDPD(zi2, zr2, t)
		VMOVUPD(t, tmem)
	}
	VMULPD(twos, zr, t)
	VMULPD(zi, t, zi)
	VADDPD(ci, zi, zi)
	VSUBPD(zi2, zr2, zr) // zr2 - zi2: Go assembly puts the subtrahend first
	VADDPD(cr, zr, zr)
}

// bulkEscaped emits the handling of the escaped lanes, those in mask,
// vector by vector and without a loop over lanes: each escaped lane's
// count and final |z|^2 are found under masks from the |z|^2 the block
// kept, scattered to iter and mag2 at the lane's pixel, and the lanes take
// the next pixels, in lane order, with VPEXPANDQ and VEXPANDPD. The
// count is the number of leading tests of the block that did not break
// (NGT_UQ: a NaN |z|^2 does not break, as in Scalar), plus the iterations
// before the block; the |z|^2 is that of the test that broke. Each lane's
// count also goes into the work, kept per lane in ln at lnWorkV and added
// up at exit. Escaped lanes are nearly every block's business (48 lanes
// of about 32 blocks each), so this path is hot.
func bulkEscaped(sfx string, st, ln Mem, e2, twos VecVirtual, steps GPVirtual, zr, zi []VecVirtual, cr []Op, mask []OpmaskVirtual, periodic bool, one, iota Mem) {
	bytes := 8 * vl
	stepsV, base, w := vec(), vec(), vec()
	VPBROADCASTQ(steps, stepsV)
	b := GP64()
	MOVQ(steps, b)
	SUBQ(U8(*unroll), b)
	VPBROADCASTQ(b, base) // steps at the block's start
	VMOVDQU64(ln.Offset(8*lnWorkV), w)
	next := GP64()
	MOVQ(ln.Offset(8*lnNext), next)
	src := Load(Param("cr").Base(), GP64()).(GPVirtual)
	LEAQ(Mem{Base: src, Index: next, Scale: 8}, src) // &cr[next]
	iterB := Load(Param("iter").Base(), GP64())
	mag2B := Load(Param("mag2").Base(), GP64())
	for k := range zr {
		// Most events are a lane or two: a vector with none is skipped.
		skip := fmt.Sprintf("%sskip%d", sfx, k)
		KORTESTW(mask[k], mask[k])
		JZ(LabelRef(skip))
		n, mag, pix, nv := vec(), vec(), vec(), vec()
		VPSUBQ(ln.Offset(8*lnStart+bytes*k), base, n) // iterations before the block
		VMOVUPD(st.Offset(8*offT+bytes*k), mag)
		a := K()
		for u := 0; u < *unroll-1; u++ {
			t := st.Offset(8*(offT+u*lanes) + bytes*k)
			// escape2 !< t, true for a NaN t: this test did not break.
			if u == 0 {
				VCMPPD(U8(0x15), t, e2, a)
			} else {
				VCMPPD(U8(0x15), t, e2, a, a)
			}
			VPADDQ_BCST(one, n, a, n)
			VMOVUPD(st.Offset(8*(offT+(u+1)*lanes)+bytes*k), a, mag)
		}
		VPADDQ(n, w, mask[k], w)
		// A vector has one escaped lane far more often than more (about
		// seven times in eight on W1): that lane's values are compressed to
		// the bottom and stored with plain stores, cheaper than scatters.
		scatter, stored := fmt.Sprintf("%sscatter%d", sfx, k), fmt.Sprintf("%sstored%d", sfx, k)
		kb, cnt := GP32(), GP32()
		KMOVW(mask[k], kb)
		POPCNTL(kb, cnt)
		CMPL(cnt, U8(1))
		JNE(LabelRef(scatter))
		l := GP32()
		XORL(l, l) // for avo: see escapePath
		BSFL(kb, l)
		p := GP64()
		MOVQ(Mem{Base: ln.Base, Index: l.As64(), Scale: 8, Disp: 8 * (lnPixel + vl*k)}, p)
		c := vec()
		VPCOMPRESSQ_Z(n, mask[k], c)
		ng := GP64()
		VMOVQ(c.AsX(), ng)
		MOVL(ng.As32(), Mem{Base: iterB, Index: p, Scale: 4})
		VCOMPRESSPD_Z(mag, mask[k], c)
		VMOVSD(c.AsX(), Mem{Base: mag2B, Index: p, Scale: 8})
		JMP(LabelRef(stored))
		Label(scatter)
		VMOVDQU64(ln.Offset(8*lnPixel+bytes*k), pix)
		if *width == 512 {
			VPMOVQD(n, nv.AsY())
		} else {
			VPMOVQD(n, nv.AsX())
		}
		// A scatter clears its mask: it gets a copy.
		KMOVW(mask[k], a)
		if *width == 512 {
			VPSCATTERQD(nv.AsY(), a, Mem{Base: iterB, Index: pix, Scale: 4})
		} else {
			VPSCATTERQD(nv.AsX(), a, Mem{Base: iterB, Index: pix, Scale: 4})
		}
		KMOVW(mask[k], a)
		VSCATTERQPD(mag, a, Mem{Base: mag2B, Index: pix, Scale: 8})
		Label(stored)
		m := reloadVector(st, ln, k, mask[k], stepsV, twos, next, src, zr, zi, cr, periodic, iota, true)
		ADDQ(m, next)
		LEAQ(Mem{Base: src, Index: m, Scale: 8}, src)
		Label(skip)
	}
	MOVQ(next, ln.Offset(8*lnNext))
	VMOVDQU64(w, ln.Offset(8*lnWorkV))
}

// reloadVector gives vector k's lanes in mask, whose pixels are stored,
// the next pixels, in lane order from next (whose c begins at src): the
// pixel, the start step, c, z = 0 and, periodic, the saved z and step. It
// returns the number of lanes, by which the caller moves next and src on.
//
// With tail (the plain routine), the row may have fewer pixels left than
// the mask has lanes: the lanes beyond the row's end fall idle, pixel -1,
// c = 0 and z a negative NaN, as laneDriver.load leaves them for it.
func reloadVector(st, ln Mem, k int, mask OpmaskVirtual, stepsV, twos VecVirtual, next, src GPVirtual, zr, zi []VecVirtual, cr []Op, periodic bool, iota Mem, tail bool) GPVirtual {
	bytes := 8 * vl
	// The next pixels, in lane order: next + the lane's rank in the mask.
	p, nx := vec(), vec()
	VPEXPANDQ_Z(iota, mask, p)
	VPBROADCASTQ(next, nx)
	VPADDQ(nx, p, p)
	load := mask
	var t VecVirtual
	if tail {
		// The lanes whose next pixel is in the row load it; the others
		// get pixel -1: p | ^((p - len) >> 63), the shift arithmetic.
		n, err := Param("cr").Len().Resolve()
		if err != nil {
			panic(err)
		}
		load = K()
		VPCMPQ_BCST(U8(1), n.Addr, p, mask, load) // p < len(cr)
		t = vec()
		VPSUBQ_BCST(n.Addr, p, t)
		VPSRAQ(U8(63), t, t)
		VPTERNLOGQ(U8(0xf3), t, t, p) // p | ^t
	}
	VMOVDQU64(p, mask, ln.Offset(8*lnPixel+bytes*k))
	VMOVDQU64(stepsV, mask, ln.Offset(8*lnStart+bytes*k))
	// c comes from cr itself, with VEXPANDPD (a load from the lane state
	// just written lane by lane would wait for the stores). z = 2 - 2
	// under the mask: exactly 0, and no register for a zero (a masked
	// VXORPD of z with itself would be one fewer operation, but avo takes
	// it for the zeroing idiom, which reads nothing, and would let z's
	// register be reused above).
	if *crMem {
		c := vec()
		VEXPANDPD_Z(Mem{Base: src}, load, c)
		VMOVUPD(c, mask, cr[k])
	} else {
		if tail {
			VSUBPD(twos, twos, mask, cr[k].(VecVirtual)) // 0 for the idle lanes
		}
		VEXPANDPD(Mem{Base: src}, load, cr[k])
	}
	VSUBPD(twos, twos, mask, zr[k])
	VSUBPD(twos, twos, mask, zi[k])
	if tail {
		// An idle lane's z is a NaN with the sign bit set, which every
		// step keeps: its |z|^2 fails the ordered compares of escMasks,
		// and as an integer it is negative, below escape2 in quickTest's
		// max, so an idle lane never escapes. (z = c = 0 is not enough:
		// the row's ci still goes into zi.) t is 0 in the idle lanes and
		// -1 in the others: z | (^t & NaN), z being 0 here.
		VPTERNLOGQ_BCST(U8(0xf2), negNaN, t, mask, zr[k])
		VPTERNLOGQ_BCST(U8(0xf2), negNaN, t, mask, zi[k])
	}
	if periodic {
		// The saved z is z_0 = 0, saved at this step.
		VMOVUPD(zr[k], mask, st.Offset(8*offSr+bytes*k))
		VMOVUPD(zi[k], mask, st.Offset(8*offSi+bytes*k))
		VMOVDQU64(stepsV, mask, ln.Offset(8*lnSaved+bytes*k))
	}
	m := GP32()
	KMOVW(load, m)
	POPCNTL(m, m)
	return m.As64().(GPVirtual)
}

// lastUnsafe emits avx512LastUnsafe, the vector part of render's lastTest:
// whether some c of the row, among the first len(cr) rounded down to a
// multiple of 8, has a |c|^2 (cr*cr + ci2, each rounded) in none of the
// ranges where a test that breaks is sure to break at the block's last
// test too: |c|^2 <= lo, or hi <= |c|^2 <= big. A NaN is in none.
func lastUnsafe() {
	TEXT("avx512LastUnsafe", NOSPLIT, "func(cr []float64, ci2, lo, hi, big float64) bool")
	Pragma("noescape")
	Doc(
		"avx512LastUnsafe reports whether some c = cr[i] + ci i, i below len(cr)",
		"rounded down to a multiple of 8, has cr[i]*cr[i] + ci2 (each rounded) in",
		"none of the ranges [-inf, lo] and [hi, big]. It needs AVX-512F.",
	)
	p := Load(Param("cr").Base(), GP64())
	n := Load(Param("cr").Len(), GP64())
	SHRQ(U8(3), n)
	ci2, lo, hi, big := ZMM(), ZMM(), ZMM(), ZMM()
	VBROADCASTSD(avoutil.ParamAddr("ci2"), ci2)
	VBROADCASTSD(avoutil.ParamAddr("lo"), lo)
	VBROADCASTSD(avoutil.ParamAddr("hi"), hi)
	VBROADCASTSD(avoutil.ParamAddr("big"), big)
	all := K()
	KXNORW(all, all, all) // every lane safe so far
	Label("unsafeLoop")
	TESTQ(n, n)
	JZ(LabelRef("unsafeDone"))
	x := ZMM()
	VMOVUPD(Mem{Base: p}, x)
	VMULPD(x, x, x)
	VADDPD(ci2, x, x)
	a, b := K(), K()
	VCMPPD(U8(0x12), lo, x, a)     // x <= lo, ordered
	VCMPPD(U8(0x1d), hi, x, b)     // x >= hi, ordered
	VCMPPD(U8(0x12), big, x, b, b) // and x <= big
	KORW(a, b, a)
	KANDW(a, all, all)
	ADDQ(U8(64), p)
	DECQ(n)
	JMP(LabelRef("unsafeLoop"))
	Label("unsafeDone")
	r := GP32()
	KMOVW(all, r)
	NOTL(r)
	ANDL(U32(0xff), r) // the compares leave the upper 8 bits clear
	SETNE(r.As8())
	VZEROUPPER()
	Store(r.As8(), ReturnIndex(0))
	RET()
}
