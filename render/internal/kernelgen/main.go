// Command kernelgen generates render's AVX2 kernel, kernel_avx2_amd64.s and
// its Go declaration, with avo. `go generate ./render/` runs it; the render
// tests check that the committed files are what it produces.
//
// The assembly runs blocks of unroll iterations on vectors independent
// vectors of 4 float64 lanes, with no escape test inside a block, and keeps
// every |z|^2 it tested. After a block it stores the pixels that escaped in
// it, at the first iteration whose |z|^2 exceeded the radius, and loads the
// next pixels into their lanes: it is the AVX2 kernel's block routine.
// Everything else (lanes at maxIter, idle lanes at the row's end, the stop
// flag) is the lane driver's Go code, render's laneDriver in
// lanes.go, which also says why the counts are Scalar's.
package main

import (
	"fmt"
	"math"
	mathbits "math/bits"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"

	"github.com/mandel-project/mandel/render/internal/avoutil"
)

// These must match the avx2 constants of kernel_amd64.go, and the offsets
// below the layout of laneFloats and laneInts in lanes.go; the kernel
// tests fail at once if they do not.
const (
	vectors = 4           // independent 4-lane vectors in flight, to hide latency
	unroll  = 4           // iterations per block, between escape tests
	lanes   = 4 * vectors // a power of two: main shifts by its log
)

// Offsets, in float64s, of the parts of the lane state array: z, c, and
// the |z|^2 that each iteration of the last block tested.
const (
	offZr = 0 * lanes
	offZi = 1 * lanes
	offCr = 2 * lanes
	offT  = 3 * lanes
	size  = offT + unroll*lanes
	// The periodic routine's part (laneDriver.offSaved): each lane's
	// saved z, which its z is compared with.
	offSr = size
	offSi = offSr + lanes
	sizeP = offSi + lanes
)

// Offsets, in ints, of the parts of the integer lane state (laneInts):
// each lane's pixel and the step at which it started, then the next pixel
// to load, the work stored so far, the steps done, and laneDriver's end.
const (
	lnPixel = 0
	lnStart = lanes
	lnNext  = 2 * lanes
	lnWork  = lnNext + 1
	lnSteps = lnNext + 2
	lnEnd   = lnNext + 3
	lnSize  = lnNext + 4
	// The periodic routine's part (laneDriver.lnSaved): the step at which
	// each lane saved its z.
	lnSaved = lnSize
	lnSizeP = lnSaved + lanes
)

// compareEvery and saveEvery are how often, in blocks, the periodic
// routine compares each lane's z with its saved z, and gives the lanes
// whose turn has come on Brent's scheme a new saved z (powers of two, and
// so multiples of a block: every lane starts and stops at multiples of
// unroll). A cycle of period p is found once the saved z is on it and a
// multiple of p and of unroll*compareEvery steps has passed, so comparing
// less often finds cycles later; but each comparison costs every block,
// which the many pixels that escape pay for nothing. Measured on Zen 5 at
// 512x512 (iterations against scalarPeriodic's on full, seahorse,
// interior; the cost on spiral, where nothing repeats, against
// avx2Blocks): every block and every 8, 1.011, 1.001, 1.007 and +6.5%;
// every 2 and 16, 1.026, 1.002, 1.017 and +2%; every 4 and 32, 1.058,
// 1.004, 1.036 and +1%.
const saveEvery = 16

const compareEvery = 2

// cycleMax bounds the iterations the periodic routine runs to bring a lane
// found periodic to its final z, so that a call stays a few microseconds
// long, as its blocks do (render's stopCheckIters): a lane that needs more
// iterates on, and is found again later.
const cycleMax = 4096

// two is 2.0 in every lane: zr+zr is computed as zr*2, the same number
// (doubling is exact, and overflows exactly when the sum does), on a
// multiply port, which is less busy than the add ports.
var two Mem

func main() {
	ConstraintExpr("amd64")
	two = GLOBL("two", RODATA|NOPTR)
	for i := 0; i < 4; i++ {
		DATA(8*i, U64(math.Float64bits(2))) // avo prints F64(2) as the integer $(2)
	}

	blocks(false)
	blocks(true)
	Generate()
}

// blocks emits avx2Blocks, or with periodic avx2PeriodicBlocks: the same
// routine that also compares every lane's z after each block with the z
// it saved, as laneDriver.periodicLanes does, and finishes and reloads
// the lanes whose z repeats.
func blocks(periodic bool) {
	if !periodic {
		TEXT("avx2Blocks", NOSPLIT, fmt.Sprintf("func(st *[%d]float64, ln *[%d]int, cr []float64, iter []uint32, mag2 []float64, ci, escape2 float64, maxIter, blocks int) (escaped int)", size, lnSize))
		Pragma("noescape")
		Doc(
			"avx2Blocks runs up to blocks blocks of "+fmt.Sprint(unroll)+" iterations on every lane of st,",
			"without testing for escape inside a block, and keeps the |z|^2 that",
			"each iteration of the block tested. After a block in which some lanes'",
			"|z|^2 exceeded escape2 before an iteration, it stores their pixels at",
			"the first such iteration and loads the next pixels of cr into them, as",
			"laneDriver.escapedLanes and laneDriver.load do, and goes on. Blocks",
			"stop at the step ln[lnEnd]; there, if maxIter > 0 (the caller passes 0",
			"unless maxIter is a multiple of "+fmt.Sprint(unroll)+"), it stores the pixels that",
			"reached maxIter, loads the next ones and finds the next such step. If",
			"it stopped because fewer than "+fmt.Sprint(lanes)+" pixels were left to load, it",
			"returns a bit mask of the escaped lanes it left for the caller to store.",
			"It needs AVX2.",
		)
	} else {
		TEXT("avx2PeriodicBlocks", NOSPLIT, fmt.Sprintf("func(st *[%d]float64, ln *[%d]int, cr []float64, iter []uint32, mag2 []float64, ci, escape2 float64, maxIter, blocks, limit int) (escaped, periodic int)", sizeP, lnSizeP))
		Pragma("noescape")
		Doc(
			"avx2PeriodicBlocks is avx2Blocks with periodicity checking (see",
			"laneDriver): every "+fmt.Sprint(compareEvery)+" blocks it also compares each lane's z",
			"with the z the lane saved, and a lane whose z repeats is stored as",
			"laneDriver.periodicLanes stores it, with the final z of a run to",
			"limit (maxIter itself), and reloaded. Every "+fmt.Sprint(saveEvery)+" blocks the lanes that",
			"have run at least twice as long as when they saved z save it again.",
			"Near the end of the row it returns the lanes it left, those that",
			"escaped and those that repeat, as two bit masks.",
			"It needs AVX2.",
		)
	}
	st := Mem{Base: Load(Param("st"), GP64())}
	ln := Mem{Base: Load(Param("ln"), GP64())}
	n := Load(Param("blocks"), GP64())
	done := GP64()
	XORQ(done, done)
	steps := GP64()
	MOVQ(ln.Offset(8*lnSteps), steps)

	ci := YMM()
	VBROADCASTSD(avoutil.ParamAddr("ci"), ci)
	zr := make([]VecVirtual, vectors)
	zi := make([]VecVirtual, vectors)
	acc := make([]VecVirtual, vectors)
	for k := range zr {
		zr[k], zi[k], acc[k] = YMM(), YMM(), YMM()
	}
	load := func() {
		for k := range zr {
			VMOVUPD(st.Offset(8*(offZr+4*k)), zr[k])
			VMOVUPD(st.Offset(8*(offZi+4*k)), zi[k])
		}
	}
	spill := func() {
		for k := range zr {
			VMOVUPD(zr[k], st.Offset(8*(offZr+4*k)))
			VMOVUPD(zi[k], st.Offset(8*(offZi+4*k)))
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
		for k := vectors - 1; k >= 0; k-- {
			a, b := YMM(), YMM()
			VCMPPD(U8(0), st.Offset(8*(offSr+4*k)), zr[k], a) // equal, ordered
			VCMPPD(U8(0), st.Offset(8*(offSi+4*k)), zi[k], b)
			VANDPD(a, b, a)
			m := GP64()
			VMOVMSKPD(a, m.As32())
			SHLQ(U8(4), pb)
			ORQ(m, pb)
		}
	}
	load()
	JMP(LabelRef("next"))

	Label("block")
	for u := 0; u < unroll; u++ {
		Commentf("iteration %d", u)
		for k := range zr {
			step(st, ci, zr[k], zi[k], acc[k], k, u)
		}
	}
	INCQ(done)
	ADDQ(U8(unroll), steps)
	// acc holds, per lane, the largest |z|^2 tested in the block. VMAXPD
	// returns its second source when either is NaN, which keeps acc a
	// number, and a NaN |z|^2 only follows an infinite one in the same
	// lane, so testing acc once finds every lane the block's tests would
	// have stopped; and acc is one of the lane's |z|^2, so the search below
	// finds the first that exceeds escape2.
	e2 := YMM()
	VBROADCASTSD(avoutil.ParamAddr("escape2"), e2)
	mask := make([]VecVirtual, vectors)
	for k := range acc {
		mask[k] = YMM()
		VCMPPD(U8(0x1e), e2, acc[k], mask[k]) // acc > escape2, ordered
	}
	any := YMM()
	VORPD(mask[0], mask[1], any)
	for k := 2; k < vectors; k++ {
		VORPD(mask[k], any, any)
	}
	var anyEq VecVirtual
	if periodic {
		// Every compareEvery blocks only zr is compared here, which finds
		// every repeat for half the cost; the lanes found are checked
		// whole at periodic.
		anyEq = YMM()
		VXORPD(anyEq, anyEq, anyEq)
		TESTQ(U32(unroll*compareEvery-1), steps)
		JNZ(LabelRef("compared"))
		for k := range zr {
			if k == 0 {
				VCMPPD(U8(0), st.Offset(8*offSr), zr[0], anyEq)
				continue
			}
			eq := YMM()
			VCMPPD(U8(0), st.Offset(8*(offSr+4*k)), zr[k], eq)
			VORPD(eq, anyEq, anyEq)
		}
		VPTEST(anyEq, anyEq)
		JNE(LabelRef("repeats"))
		Label("compared")
	}
	VPTEST(any, any)
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
	CMPQ(room, U8(unroll))
	if !periodic {
		JGE(LabelRef("block"))
	} else {
		JL(LabelRef("limit"))
		// Brent's scheme: a lane that has run at least twice as long as
		// when it saved z saves the present one; a lane that saved at its
		// start saves at once. (Lanes loaded since the last such step wait
		// for the next: the saved z is whatever the driver can compare
		// with exactly, and only the pace of the doubling depends on it.)
		TESTQ(U32(unroll*saveEvery-1), steps)
		JNZ(LabelRef("block"))
		sx := XMM()
		MOVQ(steps, sx)
		stepsV := YMM()
		VPBROADCASTQ(sx, stepsV)
		for k := range zr {
			t, keep, d := YMM(), YMM(), YMM()
			VMOVDQU(ln.Offset(8*(lnSaved+4*k)), t)
			VPADDQ(t, t, t)
			VPSUBQ(ln.Offset(8*(lnStart+4*k)), t, t) // 2 saved - start: when to save next
			VPCMPGTQ(stepsV, t, keep)                // not yet
			VBLENDVPD(keep, st.Offset(8*(offSr+4*k)), zr[k], d)
			VMOVUPD(d, st.Offset(8*(offSr+4*k)))
			VBLENDVPD(keep, st.Offset(8*(offSi+4*k)), zi[k], d)
			VMOVUPD(d, st.Offset(8*(offSi+4*k)))
			VBLENDVPD(keep, ln.Offset(8*(lnSaved+4*k)), stepsV, d)
			VMOVDQU(d, ln.Offset(8*(lnSaved+4*k)))
		}
		JMP(LabelRef("block"))
		Label("limit")
	}

	// Some lane is at maxIter (or end is a stale bound: see laneDriver).
	// Steps and every start are multiples of unroll, and so is maxIter
	// here, so a lane is either at maxIter or a block or more from it.
	maxIter := GP64()
	Load(Param("maxIter"), maxIter)
	TESTQ(maxIter, maxIter)
	JZ(LabelRef("exit"))
	nx := GP64()
	MOVQ(ln.Offset(8*lnNext), nx)
	ADDQ(U8(lanes), nx)
	CMPQ(nx, Load(Param("cr").Len(), GP64()))
	JG(LabelRef("exit")) // near the end of the row the caller does it
	spill()
	end := GP64()
	MOVQ(U64(math.MaxInt64), end)
	lane := GP64()
	XORQ(lane, lane)
	Label("limitLane")
	pix := GP64()
	MOVQ(Mem{Base: ln.Base, Index: lane, Scale: 8, Disp: 8 * lnPixel}, pix)
	TESTQ(pix, pix)
	JS(LabelRef("limitNextLane")) // idle
	e := GP64()
	MOVQ(Mem{Base: ln.Base, Index: lane, Scale: 8, Disp: 8 * lnStart}, e)
	ADDQ(maxIter, e)
	CMPQ(e, steps)
	JNE(LabelRef("limitMin"))
	// mag2 = zr*zr + zi*zi, each operation rounded, as Scalar.
	x, y := XMM(), XMM()
	VMOVSD(Mem{Base: st.Base, Index: lane, Scale: 8, Disp: 8 * offZr}, x)
	VMULSD(x, x, x)
	VMOVSD(Mem{Base: st.Base, Index: lane, Scale: 8, Disp: 8 * offZi}, y)
	VMULSD(y, y, y)
	VADDSD(y, x, x)
	MOVL(maxIter.As32(), Mem{Base: Load(Param("iter").Base(), GP64()), Index: pix, Scale: 4})
	VMOVSD(x, Mem{Base: Load(Param("mag2").Base(), GP64()), Index: pix, Scale: 8})
	ADDQ(maxIter, ln.Offset(8*lnWork))
	MOVQ(ln.Offset(8*lnNext), pix)
	cl := GP64()
	MOVQ(Mem{Base: Load(Param("cr").Base(), GP64()), Index: pix, Scale: 8}, cl)
	MOVQ(cl, Mem{Base: st.Base, Index: lane, Scale: 8, Disp: 8 * offCr})
	MOVQ(U32(0), Mem{Base: st.Base, Index: lane, Scale: 8, Disp: 8 * offZr})
	MOVQ(U32(0), Mem{Base: st.Base, Index: lane, Scale: 8, Disp: 8 * offZi})
	reset(lane)
	MOVQ(pix, Mem{Base: ln.Base, Index: lane, Scale: 8, Disp: 8 * lnPixel})
	MOVQ(steps, Mem{Base: ln.Base, Index: lane, Scale: 8, Disp: 8 * lnStart})
	INCQ(ln.Offset(8 * lnNext))
	MOVQ(steps, e)
	ADDQ(maxIter, e)
	Label("limitMin")
	CMPQ(e, end)
	CMOVQLT(e, end)
	Label("limitNextLane")
	INCQ(lane)
	CMPQ(lane, U8(lanes))
	JL(LabelRef("limitLane"))
	MOVQ(end, ln.Offset(8*lnEnd))
	load()
	JMP(LabelRef("next"))

	if periodic {
		Label("repeats")
		VPTEST(any, any)
		JNE(LabelRef("escaped"))
		JMP(LabelRef("periodic"))
	}

	Label("escaped")
	XORQ(bits, bits)
	for k := vectors - 1; k >= 0; k-- {
		m := GP64()
		VMOVMSKPD(mask[k], m.As32())
		SHLQ(U8(4), bits)
		ORQ(m, bits)
	}
	// Near the end of the row, where lanes fall idle, the caller does it.
	next := GP64()
	MOVQ(ln.Offset(8*lnNext), next)
	ADDQ(U8(lanes), next)
	CMPQ(next, Load(Param("cr").Len(), GP64()))
	if !periodic {
		JG(LabelRef("exit"))
	} else {
		JLE(LabelRef("lane"))
		// The lanes that escaped are the caller's, and so are those
		// that repeat but did not escape.
		eqBits(pbits)
		ANDNQ(pbits, bits, pbits)
		JMP(LabelRef("exit"))
	}

	Label("lane")
	TESTQ(bits, bits)
	JZ(LabelRef("lanesDone"))
	l := GP64()
	BSFQ(bits, l)
	low := GP64()
	LEAQ(Mem{Base: bits, Disp: -1}, low)
	ANDQ(low, bits)
	it := GP64()
	MOVQ(steps, it)
	SUBQ(Mem{Base: ln.Base, Index: l, Scale: 8, Disp: 8 * lnStart}, it)
	SUBQ(U8(unroll), it) // the iterations before the block
	// The escaping iteration u is the number of leading tests that did
	// not break, counted without branches: which one escaped is as good
	// as random, and a mispredicted search costs more than the counting.
	// (Those tests are all numbers: a NaN only follows an escape.)
	t := XMM()
	u := GP64()
	XORQ(u, u)
	alive, le := GP64(), GP64()
	MOVQ(U32(1), alive)
	for i := 0; i < unroll-1; i++ {
		VMOVSD(Mem{Base: st.Base, Index: l, Scale: 8, Disp: 8 * (offT + i*lanes)}, t)
		VUCOMISD(avoutil.ParamAddr("escape2"), t)
		SETLS(le.As8()) // t <= escape2
		MOVBQZX(le.As8(), le)
		ANDQ(le, alive)
		ADDQ(alive, u)
	}
	ADDQ(u, it)
	SHLQ(U8(mathbits.TrailingZeros(8*lanes)), u) // u*8*lanes
	ADDQ(st.Base, u)
	VMOVSD(Mem{Base: u, Index: l, Scale: 8, Disp: 8 * offT}, t)
	VUCOMISD(avoutil.ParamAddr("escape2"), t)
	JA(LabelRef("found"))
	UD2() // unreachable (see above): better a crash than a wrong count
	Label("found")
	p := GP64()
	MOVQ(Mem{Base: ln.Base, Index: l, Scale: 8, Disp: 8 * lnPixel}, p)
	iter := Load(Param("iter").Base(), GP64())
	MOVL(it.As32(), Mem{Base: iter, Index: p, Scale: 4})
	mag2 := Load(Param("mag2").Base(), GP64())
	VMOVSD(t, Mem{Base: mag2, Index: p, Scale: 8})
	ADDQ(it, ln.Offset(8*lnWork))

	MOVQ(ln.Offset(8*lnNext), p)
	cr := Load(Param("cr").Base(), GP64())
	c := GP64()
	MOVQ(Mem{Base: cr, Index: p, Scale: 8}, c)
	MOVQ(c, Mem{Base: st.Base, Index: l, Scale: 8, Disp: 8 * offCr})
	reset(l)
	MOVQ(p, Mem{Base: ln.Base, Index: l, Scale: 8, Disp: 8 * lnPixel})
	MOVQ(steps, Mem{Base: ln.Base, Index: l, Scale: 8, Disp: 8 * lnStart})
	INCQ(ln.Offset(8 * lnNext))
	JMP(LabelRef("lane"))

	// The escaped lanes restart from z = 0: the block's masks clear them.
	Label("lanesDone")
	for k := range zr {
		VANDNPD(zr[k], mask[k], zr[k])
		VANDNPD(zi[k], mask[k], zi[k])
	}
	if periodic {
		VPTEST(anyEq, anyEq)
		JNE(LabelRef("periodic"))
	}
	JMP(LabelRef("next"))

	if periodic {
		cycles(st, ln, ci, steps, pbits, eqBits, spill, load, laneMem, reset)
	}

	Label("exit")
	spill()
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
func cycles(st, ln Mem, ci VecVirtual, steps, pbits GPVirtual, eqBits func(GPVirtual), spill, load func(), laneMem func(Mem, Register, int) Mem, reset func(Register)) {
	Label("periodic")
	next := GP64()
	MOVQ(ln.Offset(8*lnNext), next)
	ADDQ(U8(lanes), next)
	CMPQ(next, Load(Param("cr").Len(), GP64()))
	JLE(LabelRef("cycleLanes"))
	eqBits(pbits)
	JMP(LabelRef("exit"))

	Label("cycleLanes")
	eqBits(pbits)
	spill()
	limit := GP64()
	Load(Param("limit"), limit)
	Label("cycleLane")
	TESTQ(pbits, pbits)
	JZ(LabelRef("cyclesDone"))
	l := GP64()
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
	k := GP64()
	MOVQ(laneMem(ln, l, lnSaved), k)
	SUBQ(laneMem(ln, l, lnStart), k)
	MOVQ(limit, RAX)
	SUBQ(k, RAX)
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
	MOVL(limit.As32(), Mem{Base: Load(Param("iter").Base(), GP64()), Index: pix, Scale: 4})
	VMOVSD(x, Mem{Base: Load(Param("mag2").Base(), GP64()), Index: pix, Scale: 8})
	MOVQ(ln.Offset(8*lnNext), pix)
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
	Label("cyclesDone")
	load()
	XORQ(pbits, pbits)
	JMP(LabelRef("next"))
}

// step emits iteration u of vector k in Scalar's order, each operation
// rounded on its own (no FMA): zr2, zi2 = zr*zr, zi*zi; t = zr2+zi2, kept
// in st and in acc = max(acc, t); zi = (zr*2)*zi + ci; zr = (zr2-zi2) + cr.
func step(st Mem, ci, zr, zi, acc VecVirtual, k, u int) {
	zr2, zi2, t := YMM(), YMM(), YMM()
	VMULPD(zr, zr, zr2)
	VMULPD(zi, zi, zi2)
	tmem := st.Offset(8 * (offT + u*lanes + 4*k))
	if u == 0 {
		VADDPD(zi2, zr2, acc)
		VMOVUPD(acc, tmem)
	} else {
		VADDPD(zi2, zr2, t)
		VMOVUPD(t, tmem)
		VMAXPD(acc, t, acc) // acc is the second source: kept if t is NaN
	}
	VMULPD(two, zr, t)
	VMULPD(zi, t, zi)
	VADDPD(ci, zi, zi)
	VSUBPD(zi2, zr2, zr) // zr2 - zi2: Go assembly puts the subtrahend first
	VADDPD(st.Offset(8*(offCr+4*k)), zr, zr)
}
