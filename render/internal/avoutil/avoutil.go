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

// PerturbStep emits one vector's plain step of the perturbation loop,
// d = (2Z + d) d + dc, as render/deep's Plan.advance rounds it: t = 2Z + d
// (2Z exact, on the multipliers, which have room), then
// dr = (tr*dr - ti*di) + dcr and di = (tr*di + ti*dr) + dci, each product
// rounded on its own (no FMA). vec makes a vector register of the
// routine's width; two holds 2 in every lane.
func PerturbStep(vec func() VecVirtual, two, zr, zi, dr, di VecVirtual, dcr, dci Op) {
	tr, ti := vec(), vec()
	VMULPD(two, zr, tr)
	VADDPD(dr, tr, tr)
	VMULPD(two, zi, ti)
	VADDPD(di, ti, ti)
	a, b, c, d := vec(), vec(), vec(), vec()
	VMULPD(dr, tr, a)
	VMULPD(di, ti, b)
	VMULPD(di, tr, c)
	VMULPD(dr, ti, d)
	VSUBPD(b, a, a) // tr*dr - ti*di: Go assembly puts the subtrahend first
	VADDPD(dcr, a, dr)
	VADDPD(d, c, c)
	VADDPD(dci, c, di)
}
