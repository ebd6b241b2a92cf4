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
package main

import (
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"

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
	Generate()
}
