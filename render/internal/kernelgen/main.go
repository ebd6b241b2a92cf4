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
)

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
	st := Mem{Base: Load(Param("st"), GP64())}
	ln := Mem{Base: Load(Param("ln"), GP64())}
	n := Load(Param("blocks"), GP64())
	done := GP64()
	XORQ(done, done)
	steps := GP64()
	MOVQ(ln.Offset(8*lnSteps), steps)

	ci := YMM()
	VBROADCASTSD(paramAddr("ci"), ci)
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
	VBROADCASTSD(paramAddr("escape2"), e2)
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
	VPTEST(any, any)
	JNE(LabelRef("escaped"))
	bits := GP64()
	Label("next")
	XORQ(bits, bits)
	CMPQ(done, n)
	JGE(LabelRef("exit"))
	room := GP64()
	MOVQ(ln.Offset(8*lnEnd), room)
	SUBQ(steps, room)
	CMPQ(room, U8(unroll))
	JGE(LabelRef("block"))

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
	JG(LabelRef("exit"))

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
		VUCOMISD(paramAddr("escape2"), t)
		SETLS(le.As8()) // t <= escape2
		MOVBQZX(le.As8(), le)
		ANDQ(le, alive)
		ADDQ(alive, u)
	}
	ADDQ(u, it)
	SHLQ(U8(mathbits.TrailingZeros(8*lanes)), u) // u*8*lanes
	ADDQ(st.Base, u)
	VMOVSD(Mem{Base: u, Index: l, Scale: 8, Disp: 8 * offT}, t)
	VUCOMISD(paramAddr("escape2"), t)
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
	JMP(LabelRef("next"))

	Label("exit")
	spill()
	MOVQ(steps, ln.Offset(8*lnSteps))
	VZEROUPPER()
	Store(bits, Return("escaped"))
	RET()

	Generate()
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

// paramAddr is the stack address of a float64 argument, for instructions
// that broadcast it straight from memory.
func paramAddr(name string) Mem {
	b, err := Param(name).Resolve()
	if err != nil {
		panic(err)
	}
	return b.Addr
}
