// Command plainfmagen generates render/deep's scalar plain run with fused
// multiply-adds, plain_fma_amd64.s and its Go declaration, with avo. `go
// generate ./render/deep/` runs it; the deep tests check that the
// committed files are what it produces.
//
// The routine, plainFMA, is the float64 loop of deep's Plan.advance
// without BLA (fused: norm2 and stepFMA, math.FMA), for one pixel, for
// as long as its passes are plain steps:
//
//	Z = Z_m; f = Z + d; mag = fma(fr, fr, fi*fi); dd = fma(dr, dr, di*di)
//	stop if mag > escape2, mag*rebase < dd, or |dr| and |di| < 2^-510
//	t = f + Z; dr = fma(tr, dr, fma(-ti, di, dcr)); di = fma(tr, di, fma(ti, dr, dci))
//
// It stops before the first pass that is anything else, which advance
// then takes in Go. The caller bounds the steps so that m stays under the
// reference's end and n under maxIter. Go compiles math.FMA, under
// GOAMD64=v1 (the default), as a test of the CPU and a call to the
// software version on the other side, around which the register
// allocator keeps the loop's values on the stack: that loop took 1.5 to
// 2 times as long as the one rounding each product. Here the
// instructions are the CPU's own, and the bits are math.FMA's.
//
// The second, plainPairBLA (see plainPair), is Plan.plain2's loop with
// BLA: two pixels' plain steps, each product rounded on its own. The
// third, floatPairBLA (see floatPair), is Plan.advance's float64 loop
// with a dense BLA table for two pixels (plain steps, runs and
// rebases), for plain2.
package main

import (
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"

	"github.com/mandel-project/mandel/render/internal/avoutil"
)

// toSmall must match render/deep's.
const (
	toSmall = 0x1p-510
	// stride is the bytes from one orbit point to the next.
	stride = 16
)

func main() {
	ConstraintExpr("amd64")
	small := GLOBL("plainToSmall", RODATA|NOPTR)
	DATA(0, U64(math.Float64bits(toSmall)))
	absMask := GLOBL("plainAbsMask", RODATA|NOPTR)
	DATA(0, U64(math.MaxInt64))
	ddSmall := GLOBL("floatDDSmall", RODATA|NOPTR)
	DATA(0, U64(math.Float64bits(0x1p-1018)))

	TEXT("plainFMA", NOSPLIT, "func(orbit *float64, limit int, escape2, rebase, dr, di, dcr, dci float64) (steps int, ndr, ndi float64)")
	Pragma("noescape")
	Doc(
		"plainFMA takes up to limit plain steps of Plan.advance's float64 loop",
		"without BLA, fused, for one pixel whose delta is (dr, di) and whose",
		"place in the reference orbit is orbit (its Zr, each Zi the float64",
		"after, the next point 16 bytes on), and stops before the first pass",
		"that escapes, rebases (|Z + d|^2 x rebase < |d|^2) or takes the delta",
		"to the rescaled loop. It",
		"returns the steps taken and the delta after them. It needs FMA.",
	)
	z := Load(Param("orbit"), GP64())
	limit := Load(Param("limit"), GP64())
	e2 := Load(Param("escape2"), XMM())
	dr := Load(Param("dr"), XMM())
	di := Load(Param("di"), XMM())
	steps := GP64()
	XORQ(steps, steps)
	dcr, dci := avoutil.ParamAddr("dcr"), avoutil.ParamAddr("dci")

	Label("loop")
	CMPQ(steps, limit)
	JGE(LabelRef("done"))
	zr, zi := XMM(), XMM()
	MOVSD(Mem{Base: z}, zr)
	MOVSD(Mem{Base: z, Disp: 8}, zi)
	fr, fi := XMM(), XMM()
	VADDSD(dr, zr, fr)
	VADDSD(di, zi, fi)
	mag := XMM()
	VMULSD(fi, fi, mag)
	VFMADD231SD(fr, fr, mag) // mag = fr*fr + fi*fi, one rounding
	UCOMISD(e2, mag)
	JA(LabelRef("done")) // escapes
	dd := XMM()
	VMULSD(di, di, dd)
	VFMADD231SD(dr, dr, dd)
	magF := XMM()
	VMULSD(avoutil.ParamAddr("rebase"), mag, magF)
	UCOMISD(magF, dd)
	JA(LabelRef("done")) // rebases: dd > mag*rebase
	ar, ai := XMM(), XMM()
	VANDPD(absMask, dr, ar)
	VANDPD(absMask, di, ai)
	VMAXSD(ai, ar, ar)
	UCOMISD(small, ar)
	JCS(LabelRef("done")) // both parts under 2^-510: the rescaled loop's

	tr, ti := XMM(), XMM()
	VADDSD(zr, fr, tr)
	VADDSD(zi, fi, ti)
	a, b := XMM(), XMM()
	MOVSD(dcr, a)
	VFNMADD231SD(di, ti, a) // a = dcr - ti*di
	MOVSD(dci, b)
	VFMADD231SD(dr, ti, b) // b = dci + ti*dr
	VFMADD213SD(a, tr, dr) // dr = tr*dr + a
	VFMADD213SD(b, tr, di) // di = tr*di + b
	ADDQ(U32(stride), z)
	INCQ(steps)
	JMP(LabelRef("loop"))

	Label("done")
	Store(steps, ReturnIndex(0))
	Store(dr, ReturnIndex(1))
	Store(di, ReturnIndex(2))
	RET()

	plainPair(small, absMask)
	floatPair(ddSmall)
	Generate()
}

// plainPair generates plainPairBLA: the float64 loop's plain steps with
// BLA (each product rounded on its own, in Go's order of operations) for
// two pixels at once, a step of each a round, with the loop's tests in
// its order (escape, rebase, the rescaled loop, then BLA's gate: a run of
// 2 or more steps there, dd < gate[m]), stopping before the first round
// in which either pixel's pass is anything but a plain step:
//
//	Z = Z_m; f = Z + d; mag = fr*fr + fi*fi; dd = dr*dr + di*di
//	stop if mag > escape2, mag < dd, |dr| and |di| < 2^-510,
//	or dd < gate[m]
//	t = f + Z; dr = (tr*dr - ti*di) + dcr; di = (tr*di + ti*dr) + dci
//
// One pixel's step is a chain of dependent operations that leaves the
// CPU idle most of the time; two chains fill it, as Go's plain2 meant to,
// without the values Go's register allocator kept on the stack.
func plainPair(small, absMask Mem) {
	TEXT("plainPairBLA", NOSPLIT, "func(orbit *float64, gate *float64, ma, mb, limit int, escape2 float64, st *[8]float64) int")
	Pragma("noescape")
	Doc(
		"plainPairBLA takes up to limit rounds of plain steps of Plan.advance's",
		"float64 loop with BLA (unfused) for two pixels, a at m = ma and b at",
		"m = mb of orbit (Zr, Zi, 16 bytes a point) and gate (8 bytes a point),",
		"st their deltas and dc (dra, dia, drb, dib, dcra, dcia, dcrb, dcib),",
		"and stops before the first round in which either pixel's pass",
		"escapes, rebases, goes to the rescaled loop or may take a BLA run. It",
		"updates the deltas in st and returns the rounds taken. It needs AVX.",
	)
	orbit := Load(Param("orbit"), GP64())
	gate := Load(Param("gate"), GP64())
	ma := Load(Param("ma"), GP64())
	mb := Load(Param("mb"), GP64())
	limit := Load(Param("limit"), GP64())
	e2 := Load(Param("escape2"), XMM())
	st := Mem{Base: Load(Param("st"), GP64())}
	za, zb, ga, gb := GP64(), GP64(), GP64(), GP64()
	// za = orbit + 16 ma, ga = gate + 8 ma; the same for b.
	MOVQ(ma, za)
	SHLQ(U8(4), za)
	ADDQ(orbit, za)
	LEAQ(Mem{Base: gate, Index: ma, Scale: 8}, ga)
	MOVQ(mb, zb)
	SHLQ(U8(4), zb)
	ADDQ(orbit, zb)
	LEAQ(Mem{Base: gate, Index: mb, Scale: 8}, gb)
	dra, dia, drb, dib := XMM(), XMM(), XMM(), XMM()
	MOVSD(st.Offset(0), dra)
	MOVSD(st.Offset(8), dia)
	MOVSD(st.Offset(16), drb)
	MOVSD(st.Offset(24), dib)
	steps := GP64()
	XORQ(steps, steps)

	Label("pairLoop")
	CMPQ(steps, limit)
	JGE(LabelRef("pairDone"))
	type pix struct {
		z, g     GPVirtual
		dr, di   VecVirtual
		fr, fi   VecVirtual
		dcr, dci Mem
	}
	px := []*pix{{z: za, g: ga, dr: dra, di: dia, dcr: st.Offset(32), dci: st.Offset(40)},
		{z: zb, g: gb, dr: drb, di: dib, dcr: st.Offset(48), dci: st.Offset(56)}}
	// The tests of both, in the loop's order for each.
	for _, q := range px {
		stop := LabelRef("pairDone")
		// Z is read again for the step: X0 to X15 hold the loop (VEX
		// encodings only, no AVX-512 register).
		q.fr, q.fi = XMM(), XMM()
		MOVSD(Mem{Base: q.z}, q.fr)
		MOVSD(Mem{Base: q.z, Disp: 8}, q.fi)
		VADDSD(q.dr, q.fr, q.fr)
		VADDSD(q.di, q.fi, q.fi)
		mag := sqSum(q.fr, q.fi)
		UCOMISD(e2, mag)
		JA(stop) // escapes
		dd := sqSum(q.dr, q.di)
		UCOMISD(mag, dd)
		JA(stop) // rebases: dd > mag, Zhuoran's rule, as with BLA
		x, y := XMM(), XMM()
		VANDPD(absMask, q.dr, x)
		VANDPD(absMask, q.di, y)
		VMAXSD(y, x, x)
		UCOMISD(small, x)
		JCS(stop) // both parts under 2^-510: the rescaled loop's
		g := XMM()
		MOVSD(Mem{Base: q.g}, g)
		UCOMISD(dd, g)
		JA(stop) // dd < gate[m]: a BLA run may start here
	}
	// The steps of both.
	for _, q := range px {
		tr, ti := XMM(), XMM()
		VADDSD(Mem{Base: q.z}, q.fr, tr)
		VADDSD(Mem{Base: q.z, Disp: 8}, q.fi, ti)
		stepRounded(tr, ti, q.dr, q.di, q.dcr, q.dci, q.dr, q.di)
		ADDQ(U32(16), q.z)
		ADDQ(U32(8), q.g)
	}
	INCQ(steps)
	JMP(LabelRef("pairLoop"))

	Label("pairDone")
	MOVSD(dra, st.Offset(0))
	MOVSD(dia, st.Offset(8))
	MOVSD(drb, st.Offset(16))
	MOVSD(dib, st.Offset(24))
	Store(steps, ReturnIndex(0))
	RET()
}

// floatPair generates floatPairBLA: Plan.advance's float64 loop with
// BLA (Zhuoran's rebase test) for two pixels at once, a pass of each a
// round, each pixel at its own m: plain steps, runs from the dense table
// whose A and B are float64s (floatRun's search: the tail run, else the
// longest run of the ladder), and rebases, with Brent's saved state. Its
// tests and arithmetic are advance's, in its order, so a pixel's bits
// are advance's; it stops before the first pass of either pixel that is
// anything else (an escape, the rescaled loop, a run that is not fast,
// periodicity's cut, n within top of maxIter), which Go then takes, and
// after a rebase that leaves a pixel at m = 1 where the period lanes
// take it. A lone pixel's passes are a chain of dependent operations,
// most of each a wait; two chains fill it, and with the rebases in it a
// pair goes on for periods of the reference where it went back to Go
// at each.
func floatPair(ddSmall Mem) {
	TEXT("floatPairBLA", NOSPLIT, "func(orbit, gate, ladder *float64, levels *uintptr, tail *float64, tailLen, rungs, top, limit int, escape2 float64, st *[17]float64, ms *[9]int) int")
	Pragma("noescape")
	Doc(
		"floatPairBLA takes up to limit rounds of Plan.advance's passes with",
		"BLA for two pixels, a at m = ms[0] and b at m = ms[1] of orbit (Zr, Zi,",
		"16 bytes a point) and gate (8 bytes a point), with the dense table's",
		"ladder (rungs radii a point), levels (the levels' slice headers, 24",
		"bytes each) and tail (the tail runs' entries, 64 bytes each, tailLen",
		"of them); st holds their deltas, dc, dc's mantissas and the saved",
		"rebase states (NaN: none) (dra, dia, drb, dib, dcra, dcia, dcrb,",
		"dcib, mra, mia, mrb, mib, sra, sia, srb, sib) and lim, the |z|^2 at",
		"m = 1 under which a pixel stops after a rebase; ms their m, the steps",
		"each skipped (added to), their rebases, and maxIter - n - top for",
		"each, and flags: bit 0 (a) and 1 (b) where the saved state is new,",
		"bits 2 and 3 where the pixel stopped after its pass. It stops before",
		"the first pass of either that is not a plain step, a fast run or a",
		"rebase, or where maxIter - n - top < 0, and returns the full rounds",
		"taken. It needs AVX.",
	)
	orbit := Load(Param("orbit"), GP64())
	gate := Load(Param("gate"), GP64())
	ladder := Load(Param("ladder"), GP64())
	tail := Load(Param("tail"), GP64())
	e2 := Load(Param("escape2"), XMM())
	stp := Load(Param("st"), GP64())
	st := Mem{Base: stp}
	msp := Load(Param("ms"), GP64())
	ms := Mem{Base: msp}
	ma, mb := GP64(), GP64()
	MOVQ(ms.Offset(0), ma)
	MOVQ(ms.Offset(8), mb)
	dra, dia, drb, dib := XMM(), XMM(), XMM(), XMM()
	MOVSD(st.Offset(0), dra)
	MOVSD(st.Offset(8), dia)
	MOVSD(st.Offset(16), drb)
	MOVSD(st.Offset(24), dib)
	rounds := GP64()
	XORQ(rounds, rounds)

	type pix struct {
		name                         string
		bit                          uint8
		m                            GPVirtual
		dr, di                       VecVirtual
		dcr, dci, mr, mi, savR, savI Mem
		skipped, rebases, left       Mem
	}
	px := []pix{
		{"A", 1, ma, dra, dia, st.Offset(32), st.Offset(40), st.Offset(64), st.Offset(72), st.Offset(96), st.Offset(104), ms.Offset(16), ms.Offset(32), ms.Offset(48)},
		{"B", 2, mb, drb, dib, st.Offset(48), st.Offset(56), st.Offset(80), st.Offset(88), st.Offset(112), st.Offset(120), ms.Offset(24), ms.Offset(40), ms.Offset(56)},
	}
	flags := ms.Offset(64)
	stop := LabelRef("floatDone")
	Label("floatLoop")
	CMPQ(rounds, avoutil.ParamAddr("limit"))
	JGE(stop)
	for _, q := range px {
		// advance's pass: n under maxIter - top (left >= 0), so that no
		// run nears maxIter.
		CMPQ(q.left, U8(0))
		JL(stop)
		zo := GP64()
		MOVQ(q.m, zo)
		SHLQ(U8(4), zo)
		zr := Mem{Base: orbit, Index: zo, Scale: 1}
		zi := zr.Offset(8)
		fr, fi := XMM(), XMM()
		MOVSD(zr, fr)
		MOVSD(zi, fi)
		VADDSD(q.dr, fr, fr)
		VADDSD(q.di, fi, fi)
		mag := sqSum(fr, fi)
		UCOMISD(e2, mag)
		JA(stop) // escapes
		dd := sqSum(q.dr, q.di)
		UCOMISD(mag, dd)
		JA(LabelRef("float" + q.name + "Rebase")) // dd > mag, Zhuoran's rule
		CMPQ(q.m, avoutil.ParamAddr("top"))
		JGE(LabelRef("float" + q.name + "Rebase")) // the reference's end
		// |dr| and |di| both under 2^-510 make dd at most 2^-1019: a
		// larger dd rules the rescaled loop out, as in floatRun, and a
		// smaller one stops (Go's test).
		UCOMISD(ddSmall, dd)
		JBE(stop)
		g := XMM()
		MOVSD(Mem{Base: gate, Index: q.m, Scale: 8}, g)
		UCOMISD(dd, g)
		JA(LabelRef("float" + q.name + "Run")) // dd < gate[m]: a run may start here

		Label("float" + q.name + "Plain")
		tr, ti := XMM(), XMM()
		VADDSD(zr, fr, tr)
		VADDSD(zi, fi, ti)
		stepRounded(tr, ti, q.dr, q.di, q.dcr, q.dci, q.dr, q.di)
		INCQ(q.m)
		DECQ(q.left)
		JMP(LabelRef("float" + q.name + "Next"))

		// The rebase: z = f from m = 0, then the step from there (Z_0
		// = 0, no run at m = 0), as advance takes it. The pass is Go's
		// where z goes to the rescaled loop (a smaller |z|^2 stops, as
		// above) or where z is the saved state (periodicity's cut; the
		// saved state is NaN, equal to nothing, where advance would not
		// compare).
		Label("float" + q.name + "Rebase")
		UCOMISD(ddSmall, mag)
		JBE(stop)
		UCOMISD(q.savR, fr)
		JNE(LabelRef("float" + q.name + "New"))
		JPS(LabelRef("float" + q.name + "New"))
		UCOMISD(q.savI, fi)
		JNE(LabelRef("float" + q.name + "New"))
		JPS(LabelRef("float" + q.name + "New"))
		JMP(stop)
		Label("float" + q.name + "New")
		// Brent's method saves the 2^k-th rebase's state.
		rb, rb1 := GP64(), GP64()
		MOVQ(q.rebases, rb)
		INCQ(rb)
		MOVQ(rb, q.rebases)
		LEAQ(Mem{Base: rb, Disp: -1}, rb1)
		TESTQ(rb, rb1)
		JNZ(LabelRef("float" + q.name + "Step0"))
		MOVSD(fr, q.savR)
		MOVSD(fi, q.savI)
		ORQ(U8(q.bit), flags)
		Label("float" + q.name + "Step0")
		zero := XMM()
		VXORPD(zero, zero, zero)
		VADDSD(zero, fr, tr)
		VADDSD(zero, fi, ti)
		stepRounded(tr, ti, fr, fi, q.dcr, q.dci, q.dr, q.di)
		MOVQ(U32(1), q.m)
		DECQ(q.left)
		// Where the period lanes would take the pixel at m = 1 (the
		// tail run valid, |z|^2 under lim, and no rescaled loop), it
		// stops after this pass, for them.
		dd1 := sqSum(q.dr, q.di)
		x := XMM()
		MOVSD(st.Offset(128), x)
		UCOMISD(dd1, x)
		JBE(LabelRef("float" + q.name + "Next"))
		UCOMISD(ddSmall, dd)
		JBE(LabelRef("float" + q.name + "Next"))
		ORQ(U8(q.bit<<2), flags)
		JMP(stop)

		// blaFloat's search: the tail run, else the longest run of 2^j
		// steps that is valid (each ends by maxIter: the caller's).
		Label("float" + q.name + "Run")
		i, e, l := GP64(), GP64(), GP64()
		MOVQ(q.m, i)
		DECQ(i)
		t := XMM()
		CMPQ(i, avoutil.ParamAddr("tailLen"))
		JGE(LabelRef("float" + q.name + "Ladder"))
		// e = &tail[i], 64 bytes an entry; its R^2 at 40.
		MOVQ(i, e)
		SHLQ(U8(6), e)
		ADDQ(tail, e)
		MOVSD(Mem{Base: e, Disp: 40}, t)
		UCOMISD(dd, t)
		JBE(LabelRef("float" + q.name + "Ladder")) // not dd < R^2
		MOVQ(avoutil.ParamAddr("tailLen"), l)
		SUBQ(i, l) // to the reference's end
		JMP(LabelRef("float" + q.name + "Apply"))
		Label("float" + q.name + "Ladder")
		rs := GP64()
		MOVQ(i, rs)
		IMULQ(avoutil.ParamAddr("rungs"), rs)
		LEAQ(Mem{Base: ladder, Index: rs, Scale: 8}, rs)
		// The first rung, levels[1][i]'s R^2, is gate[m], which dd is
		// under: the search starts at the second.
		j := GP64()
		MOVQ(U32(1), j)
		MOVQ(U32(2), l)
		Label("float" + q.name + "Rung")
		CMPQ(j, avoutil.ParamAddr("rungs"))
		JGE(LabelRef("float" + q.name + "Found"))
		MOVSD(Mem{Base: rs, Index: j, Scale: 8}, t)
		UCOMISD(dd, t)
		JBE(LabelRef("float" + q.name + "Found")) // not dd < rs[j]
		INCQ(j)
		SHLQ(U8(1), l)
		JMP(LabelRef("float" + q.name + "Rung"))
		Label("float" + q.name + "Found")
		// e = &levels[j][i]: a slice header is 24 bytes, an entry 64.
		MOVQ(avoutil.ParamAddr("levels"), e)
		LEAQ(Mem{Base: j, Index: j, Scale: 2}, j)
		MOVQ(Mem{Base: e, Index: j, Scale: 8}, e)
		SHLQ(U8(6), i)
		ADDQ(i, e)
		Label("float" + q.name + "Apply")
		CMPB(Mem{Base: e, Disp: 60}, U8(0))
		JE(stop) // not fast: Go's
		// (a0 dr - a1 di) + (b0 mr - b1 mi), (a0 di + a1 dr) + (b0 mi + b1 mr)
		a0, a1, b0, b1 := Mem{Base: e}, Mem{Base: e, Disp: 8}, Mem{Base: e, Disp: 16}, Mem{Base: e, Disp: 24}
		x, y, p, r, h := XMM(), XMM(), XMM(), XMM(), XMM()
		VMULSD(a0, q.dr, x)
		VMULSD(a1, q.di, y)
		VSUBSD(y, x, x)
		MOVSD(q.mr, p)
		MOVSD(q.mi, r)
		VMULSD(b0, p, y)
		VMULSD(b1, r, h)
		VSUBSD(h, y, y)
		VADDSD(y, x, x) // the new dr
		VMULSD(a0, q.di, y)
		VMULSD(a1, q.dr, h)
		VADDSD(h, y, y)
		VMULSD(b0, r, h)
		VMULSD(b1, p, r)
		VADDSD(r, h, h)
		VADDSD(h, y, q.di)
		MOVSD(x, q.dr)
		ADDQ(l, q.m)
		ADDQ(l, q.skipped)
		SUBQ(l, q.left)
		Label("float" + q.name + "Next")
	}
	INCQ(rounds)
	JMP(LabelRef("floatLoop"))

	Label("floatDone")
	MOVSD(dra, st.Offset(0))
	MOVSD(dia, st.Offset(8))
	MOVSD(drb, st.Offset(16))
	MOVSD(dib, st.Offset(24))
	MOVQ(ma, ms.Offset(0))
	MOVQ(mb, ms.Offset(8))
	Store(rounds, ReturnIndex(0))
	RET()
}

// sqSum emits x*x + y*y into a new register, each product rounded on its
// own: |z|^2 as Go's loop with BLA computes it.
func sqSum(x, y VecVirtual) VecVirtual {
	a, b, n := XMM(), XMM(), XMM()
	VMULSD(x, x, a)
	VMULSD(y, y, b)
	VADDSD(b, a, n)
	return n
}

// stepRounded emits the step of Go's loop with BLA, d = t d + dc in
// complex numbers with each product rounded on its own, into (nr, ni):
// nr = (tr*dr - ti*di) + dcr, ni = (tr*di + ti*dr) + dci. It reads dr and
// di before it writes nr and ni, which may be the same registers.
func stepRounded(tr, ti, dr, di VecVirtual, dcr, dci Op, nr, ni VecVirtual) {
	x, y, u, v := XMM(), XMM(), XMM(), XMM()
	VMULSD(dr, tr, x)
	VMULSD(di, ti, y)
	VSUBSD(y, x, x)
	VMULSD(di, tr, u)
	VMULSD(dr, ti, v)
	VADDSD(v, u, u)
	VADDSD(dcr, x, nr)
	VADDSD(dci, u, ni)
}
