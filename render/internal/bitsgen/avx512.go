package main

import (
	"fmt"
	"math"

	"github.com/mmcloughlin/avo/attr"
	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// groups512 is the number of groups (of bitsGroup pixels, three vectors of
// 8 lanes each) that bitsAVX512 iterates at once, so that enough vectors are
// in flight to hide an iteration's latency; a group whose lanes have all
// escaped stops counting, as bitsGo's would, while the others go on.
//
// Measured on an AMD EPYC Zen 5 (family 26, model 2; 2 cores shared with
// other jobs): the benchgame view at 4000x4000 on one thread, ns per pixel
// of thread CPU time, medians of 7 interleaved runs (ranges): 1 group
// 3.84 (3.53-4.54), 2 groups 2.58 (2.41-3.00), 3 groups 2.60 (2.34-2.76),
// 4 groups 2.62 (2.32-2.95); bitsAVX2 4.89 (4.64-5.26). Two groups, six
// vectors, is as fast as more and leaves the fewest pixels to the
// one-group loop at a row's end.
const groups512 = 2

// kernel512 builds bitsAVX512: bitsGo with 8-lane vectors, one output byte
// each, groups512 groups at a time while the row has that many whole
// groups left, then one at a time. The escape test and the bits are mask
// registers: the mask of a vector's lanes with |z|^2 <= escape2 is its
// byte of the output as it stands.
//
// Registers: Z0-Z(v-1) hold Zr of the vectors, Z(v)-Z(2v-1) Zi, Z31 Ci,
// Z30 2.0 in every lane, Z28-Z29 and Z26 temporaries.
func kernel512(c *build.Context) {
	two := c.StaticGlobal("bits_two512")
	c.DataAttributes(attr.RODATA | attr.NOPTR)
	c.AddDatum(0, operand.U64(math.Float64bits(2)))

	c.Function("bitsAVX512")
	c.Attributes(attr.NOSPLIT)
	c.SignatureExpr("func(out []byte, cr []float64, ci float64, escape2 float64, maxIter int) (iters int64)")
	c.Pragma("noescape")
	c.Doc(
		"bitsAVX512 is bitsGo in AVX-512F instructions: the same groups, blocks",
		"and operations, so the same bits and the same count. The caller",
		"guarantees len(cr) >= 8*len(out) rounded up to a group, and maxIter >= 1.",
	)
	out, left, cr := reg.RDI, reg.RSI, reg.RBX
	maxIter, iters := reg.R8, reg.R9
	c.Load(c.Param("out").Base(), out)
	c.Load(c.Param("out").Len(), left)
	c.Load(c.Param("cr").Base(), cr)
	c.Load(c.Param("maxIter"), maxIter)
	c.Comment("The first iteration from z = 0 gives z = c: start there.")
	c.DECQ(maxIter)
	c.XORQ(iters, iters)
	c.VBROADCASTSD(arg(c, "ci"), reg.Z31)
	c.VBROADCASTSD(two, reg.Z30)
	batch512(c, groups512, "wide")
	batch512(c, 1, "one")
	c.Label("done512")
	c.VZEROUPPER()
	c.Store(iters, c.Return("iters"))
	c.RET()
}

// batch512 emits the loop over batches of g groups, its labels prefixed
// with p: while the row has g whole groups left (or, for g = 1, any
// bytes), it renders them and goes on; then it falls through.
func batch512(c *build.Context, g int, p string) {
	v := 3 * g
	zr := func(i int) reg.VecPhysical { return zmm(i) }
	zi := func(i int) reg.VecPhysical { return zmm(v + i) }
	ci, twos := reg.Z31, reg.Z30
	tr, ti, twice := reg.Z28, reg.Z29, reg.Z26
	out, left, cr := reg.RDI, reg.RSI, reg.RBX
	rest, n, maxIter, iters := reg.RCX, reg.RDX, reg.R8, reg.R9
	word, mask, active, tmp := reg.RAX, reg.R10, reg.R11, reg.R12
	e2 := arg(c, "escape2")
	label := func(s string) operand.LabelRef { return operand.LabelRef(p + s) }

	c.Label(p + "Group")
	if g > 1 {
		c.CMPQ(left, operand.U32(3*g))
		c.JL(label("Out"))
	} else {
		c.TESTQ(left, left)
		c.JLE(label("Out"))
	}
	for i := range v {
		c.VMOVUPD(operand.Mem{Base: cr, Disp: 64 * i}, zr(i))
		c.VMOVAPD(ci, zi(i))
	}
	c.MOVQ(operand.U32(1<<g-1), active) // bit j: group j has a lane inside
	c.ADDQ(operand.U32(g), iters)
	c.MOVQ(maxIter, rest)

	c.Label(p + "Block")
	c.TESTQ(rest, rest)
	c.JZ(label("Final"))
	c.MOVQ(operand.U32(block), n)
	c.CMPQ(rest, n)
	c.CMOVQLT(rest, n)
	c.SUBQ(n, rest)
	c.Comment("Each group still going does the block's iterations.")
	c.POPCNTQ(active, tmp)
	c.IMULQ(n, tmp)
	c.ADDQ(tmp, iters)

	c.Label(p + "Iterate")
	for i := range v {
		c.VMULPD(zr(i), zr(i), tr)
		c.VMULPD(zi(i), zi(i), ti)
		// 2*Zr is exact either way; as in bitsAVX2, half the vectors
		// double with a multiply to share the pipes.
		if i%2 == 0 {
			c.VADDPD(zr(i), zr(i), twice)
		} else {
			c.VMULPD(twos, zr(i), twice)
		}
		c.VMULPD(twice, zi(i), zi(i))
		c.VADDPD(ci, zi(i), zi(i))
		c.VSUBPD(ti, tr, zr(i))
		c.VADDPD(operand.Mem{Base: cr, Disp: 64 * i}, zr(i), zr(i))
	}
	c.DECQ(n)
	c.JNZ(label("Iterate"))

	c.TESTQ(rest, rest)
	c.JZ(label("Final"))
	c.Comment("A group with no lane at Tr+Ti <= escape2 (false for NaN) stops.")
	for j := range g {
		inside512(c, zr(3*j), zi(3*j), e2, reg.K1)
		inside512(c, zr(3*j+1), zi(3*j+1), e2, reg.K2)
		inside512(c, zr(3*j+2), zi(3*j+2), e2, reg.K3)
		c.KORW(reg.K1, reg.K2, reg.K1)
		c.KORW(reg.K1, reg.K3, reg.K1)
		c.KMOVW(reg.K1, mask.As32())
		c.XORL(tmp.As32(), tmp.As32())
		c.TESTL(mask.As32(), mask.As32())
		c.SETEQ(tmp.As8())
		if j > 0 {
			c.SHLL(operand.U8(j), tmp.As32())
		}
		c.NOTQ(tmp)
		c.ANDQ(tmp, active)
	}
	c.TESTQ(active, active)
	c.JNZ(label("Block"))
	c.Comment("Every lane has escaped: Final finds every bit 0.")

	c.Label(p + "Final")
	c.Comment("Vector i's mask is byte i of the batch's bytes; a group that")
	c.Comment("stopped early has none.")
	for j := range g {
		c.XORL(word.As32(), word.As32())
		for i := 3*j + 2; i >= 3*j; i-- {
			inside512(c, zr(i), zi(i), e2, reg.K1)
			c.KMOVW(reg.K1, mask.As32())
			c.SHLL(operand.U8(8), word.As32())
			c.ORL(mask.As32(), word.As32())
		}
		c.MOVQ(active, tmp)
		if j > 0 {
			c.SHRQ(operand.U8(j), tmp)
		}
		c.ANDL(operand.U32(1), tmp.As32())
		c.NEGL(tmp.As32())
		c.ANDL(tmp.As32(), word.As32())
		if g > 1 {
			c.MOVW(word.As16(), operand.Mem{Base: out, Disp: 3 * j})
			c.SHRL(operand.U8(16), word.As32())
			c.MOVB(word.As8(), operand.Mem{Base: out, Disp: 3*j + 2})
		}
	}
	if g == 1 {
		c.Comment("Store the group's bytes, or as many as the row has left.")
		c.CMPQ(left, operand.U32(3))
		c.JL(label("Tail"))
		c.MOVW(word.As16(), operand.Mem{Base: out})
		c.SHRL(operand.U8(16), word.As32())
		c.MOVB(word.As8(), operand.Mem{Base: out, Disp: 2})
	}
	c.ADDQ(operand.U32(3*g), out)
	c.SUBQ(operand.U32(3*g), left)
	c.ADDQ(operand.U32(64*v), cr)
	c.JMP(label("Group"))
	if g == 1 {
		c.Label(p + "Tail")
		c.MOVB(word.As8(), operand.Mem{Base: out})
		c.CMPQ(left, operand.U32(1))
		c.JE(operand.LabelRef("done512"))
		c.SHRL(operand.U8(8), word.As32())
		c.MOVB(word.As8(), operand.Mem{Base: out, Disp: 1})
		c.JMP(operand.LabelRef("done512"))
	}
	c.Label(p + "Out")
}

// inside512 leaves in k the mask of the lanes of (zr, zi) with
// Tr+Ti <= escape2, false for NaN.
func inside512(c *build.Context, zr, zi reg.VecPhysical, e2 operand.Mem, k reg.Register) {
	c.VMULPD(zr, zr, reg.Z28)
	c.VMULPD(zi, zi, reg.Z29)
	c.VADDPD(reg.Z29, reg.Z28, reg.Z28)
	c.VCMPPD_BCST(operand.U8(0x12), e2, reg.Z28, k) // LE_OQ
}

func zmm(i int) reg.VecPhysical {
	if i < 0 || i > 25 {
		panic(fmt.Sprintf("bitsgen: no Z%d for a lane vector", i))
	}
	return []reg.VecPhysical{
		reg.Z0, reg.Z1, reg.Z2, reg.Z3, reg.Z4, reg.Z5, reg.Z6, reg.Z7,
		reg.Z8, reg.Z9, reg.Z10, reg.Z11, reg.Z12, reg.Z13, reg.Z14, reg.Z15,
		reg.Z16, reg.Z17, reg.Z18, reg.Z19, reg.Z20, reg.Z21, reg.Z22, reg.Z23,
		reg.Z24, reg.Z25,
	}[i]
}
