// Package avoutil holds what render's avo generators share: the address of
// an argument, and the perturbation loop's plain step, which the AVX-512
// and AVX2 lanes must emit operation for operation alike, as
// render/deep's scalar loop computes it.
package avoutil

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// ParamAddr is the stack address of an argument of the function being
// generated, for instructions that read it straight from memory.
func ParamAddr(name string) Mem {
	b, err := Param(name).Resolve()
	if err != nil {
		panic(err)
	}
	return b.Addr
}

// PerturbStep emits one vector's plain step of the perturbation loop
// without BLA, d = (2Z + d) d + dc, as render/deep's Plan.advance rounds
// it (stepFMA): t = f + Z, where f = Z + d is the tests' sum (an
// addition where 2Z + d would take a multiplication too), then
// dr = fma(tr, dr, fma(-ti, di, dcr)) and di = fma(tr, di, fma(ti, dr, dci)),
// four fused multiply-adds where rounding each product took eight
// operations. fr and fi are f where the caller still holds it; nil, the
// step adds Z + d again. vec makes a vector register of the routine's
// width; dcr and dci may be in memory.
func PerturbStep(vec func() VecVirtual, fr, fi, zr, zi, dr, di VecVirtual, dcr, dci Op) {
	if fr == nil {
		fr, fi = vec(), vec()
		VADDPD(dr, zr, fr)
		VADDPD(di, zi, fi)
	}
	tr, ti := vec(), vec()
	VADDPD(zr, fr, tr)
	VADDPD(zi, fi, ti)
	a, b := vec(), vec()
	VMOVUPD(dcr, a)
	VFNMADD231PD(di, ti, a) // a = dcr - ti*di, one rounding (uses the old di)
	VMOVUPD(dci, b)
	VFMADD231PD(dr, ti, b) // b = dci + ti*dr (the old dr)
	VFMADD213PD(a, tr, dr) // dr = tr*dr + a
	VFMADD213PD(b, tr, di) // di = tr*di + b
}

// Norm2 emits |x + y i|^2 into a new register as render/deep's norm2
// computes it without BLA: fma(x, x, y*y).
func Norm2(vec func() VecVirtual, x, y VecVirtual) VecVirtual {
	n := vec()
	VMULPD(y, y, n)
	VFMADD231PD(x, x, n)
	return n
}
