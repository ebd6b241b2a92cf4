// Command kernelgen generates render's AVX2 kernel, kernel_avx2_amd64.s and
// its Go declaration, with avo. `go generate ./render/` runs it; the render
// tests check that the committed files are what it produces.
//
// The assembly is only the hot loop: blocks of unroll iterations on vectors
// independent vectors of 4 float64 lanes, with no escape test inside a
// block; it keeps every |z|^2 it tested, from which the Go side reads the
// iteration at which a lane escaped.
// Everything that decides an iteration count (which lane escaped at which
// step, which lane reached maxIter, refilling lanes) is Go code in
// kernel_amd64.go, so the exactness argument lives in one readable place.
package main

import (
	"fmt"
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// These must match avx2Vectors and avx2Unroll in kernel_amd64.go.
const (
	vectors = 4 // independent 4-lane vectors in flight, to hide latency
	unroll  = 4 // iterations per block, between escape tests
	lanes   = 4 * vectors
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

	TEXT("avx2Blocks", NOSPLIT, fmt.Sprintf("func(st *[%d]float64, ci, escape2 float64, blocks int) (done, escaped int)", size))
	Pragma("noescape")
	Doc(
		"avx2Blocks runs up to blocks blocks of "+fmt.Sprint(unroll)+" iterations on every lane of st,",
		"without testing for escape inside a block, and keeps the |z|^2 that",
		"each iteration of the block tested. It stops after the first block in",
		"which some lane's |z|^2 exceeded escape2 before an iteration, and",
		"returns the blocks done, that one included, and a bit mask of those",
		"lanes. It needs AVX2 and blocks >= 1.",
	)
	st := Mem{Base: Load(Param("st"), GP64())}
	n := Load(Param("blocks"), GP64())
	done := GP64()
	XORQ(done, done)

	ci := YMM()
	VBROADCASTSD(paramAddr("ci"), ci)
	zr := make([]VecVirtual, vectors)
	zi := make([]VecVirtual, vectors)
	acc := make([]VecVirtual, vectors)
	for k := range zr {
		zr[k], zi[k], acc[k] = YMM(), YMM(), YMM()
		VMOVUPD(st.Offset(8*(offZr+4*k)), zr[k])
		VMOVUPD(st.Offset(8*(offZi+4*k)), zi[k])
	}

	Label("block")
	for u := 0; u < unroll; u++ {
		Commentf("iteration %d", u)
		for k := range zr {
			step(st, ci, zr[k], zi[k], acc[k], k, u)
		}
	}
	INCQ(done)
	// acc holds, per lane, the largest |z|^2 tested in the block. VMAXPD
	// returns its second source when either is NaN, which keeps acc a
	// number, and a NaN |z|^2 only follows an infinite one in the same
	// lane, so testing acc once finds every lane the block's tests would
	// have stopped.
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
	CMPQ(done, n)
	JL(LabelRef("block"))

	Label("escaped")
	bits := GP64()
	XORQ(bits, bits)
	for k := vectors - 1; k >= 0; k-- {
		m := GP64()
		VMOVMSKPD(mask[k], m.As32())
		SHLQ(U8(4), bits)
		ORQ(m, bits)
	}
	for k := range zr {
		VMOVUPD(zr[k], st.Offset(8*(offZr+4*k)))
		VMOVUPD(zi[k], st.Offset(8*(offZi+4*k)))
	}
	VZEROUPPER()
	Store(done, Return("done"))
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
