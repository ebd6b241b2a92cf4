// Command bitsgen writes render's AVX2 kernel for 1-bit images,
// bits_amd64.s, and its Go declaration, bits_stub_amd64.go, with avo.
// render/bits.go holds the argument for why the kernel's results are exact;
// bitsGo there is the same algorithm in Go, lane for lane.
//
// Run it through go generate in render/; TestGenerated checks that the
// committed files are what it writes.
package main

import (
	"flag"
	"fmt"
	"math"
	"os"

	"github.com/mmcloughlin/avo/attr"
	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/pass"
	"github.com/mmcloughlin/avo/printer"
	"github.com/mmcloughlin/avo/reg"
)

// block is the number of iterations between two escape tests. It must equal
// render's bitsBlock: the two kernels must take the same steps.
const block = 7

// command is the generator's command line as the generated files record it.
// It is fixed, rather than taken from os.Args, so that the output does not
// depend on how the generator was started.
var command = []string{"go", "run", "./internal/bitsgen", "-out", "bits_amd64.s", "-stubs", "bits_stub_amd64.go"}

func main() {
	// avo's build package declares its own flags on flag.CommandLine.
	fs := flag.NewFlagSet("bitsgen", flag.ExitOnError)
	out := fs.String("out", "bits_amd64.s", "assembly `file` to write")
	stubs := fs.String("stubs", "bits_stub_amd64.go", "Go declaration `file` to write")
	fs.Parse(os.Args[1:])
	asm, decl, err := generate()
	if err == nil {
		err = os.WriteFile(*out, asm, 0o666)
	}
	if err == nil {
		err = os.WriteFile(*stubs, decl, 0o666)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bitsgen:", err)
		os.Exit(1)
	}
}

// generate returns the assembly and the Go declaration.
func generate() (asm, stubs []byte, err error) {
	ctx := build.NewContext()
	kernel(ctx)
	kernel512(ctx)
	f, err := ctx.Result()
	if err != nil {
		return nil, nil, err
	}
	if err := pass.Compile.Execute(f); err != nil {
		return nil, nil, err
	}
	cfg := printer.Config{Argv: command, Pkg: "render"}
	if asm, err = printer.NewGoAsm(cfg).Print(f); err != nil {
		return nil, nil, err
	}
	if stubs, err = printer.NewStubs(cfg).Print(f); err != nil {
		return nil, nil, err
	}
	return asm, stubs, nil
}

// vectors is the number of AVX2 vectors, four pixels each, in a group: six
// keep the four floating-point pipes busy through the latency of an
// iteration, and with Zr and Zi of each they fill twelve of the sixteen
// registers. It must equal render's bitsGroup/4.
const vectors = 6

// bytesPerGroup is the output of a group: a bit per pixel. The stores
// below are written for three.
const bytesPerGroup = vectors / 2

var _ = [1]struct{}{}[bytesPerGroup-3]

// kernel builds bitsAVX2. Registers: Y0-Y5 hold Zr of the group's vectors,
// Y6-Y11 Zi, Y15 Ci in every lane; Y12-Y14 are temporaries (the CPU renames
// them, so the vectors do not wait for each other). The constant 2.0 and
// escape2, four times each, are in memory.
func kernel(c *build.Context) {
	two := c.StaticGlobal("bits_two")
	c.DataAttributes(attr.RODATA | attr.NOPTR)
	for i := range 4 {
		// As bits: avo writes F64(2) as $(2), which the assembler
		// reads as the integer 2.
		c.AddDatum(8*i, operand.U64(math.Float64bits(2)))
	}

	c.Function("bitsAVX2")
	c.Attributes(attr.NOSPLIT)
	c.SignatureExpr("func(out []byte, cr []float64, ci float64, escape2 float64, maxIter int) (iters int64)")
	c.Pragma("noescape")
	c.Doc(
		"bitsAVX2 is bitsGo in AVX2 instructions: the same groups, blocks and",
		"operations, so the same bits and the same count. The caller guarantees",
		"len(cr) >= 8*len(out) rounded up to a group, and maxIter >= 1.",
	)
	e2 := c.AllocLocal(32)

	var zr, zi [vectors]reg.VecPhysical
	for v := range vectors {
		zr[v], zi[v] = ymm(v), ymm(vectors+v)
	}
	ci := reg.Y15
	tr, ti, twice := reg.Y12, reg.Y13, reg.Y14

	out, left, cr := reg.RDI, reg.RSI, reg.RBX
	rest, n, maxIter, iters := reg.RCX, reg.RDX, reg.R8, reg.R9
	word, mask := reg.RAX, reg.R10

	c.Load(c.Param("out").Base(), out)
	c.Load(c.Param("out").Len(), left)
	c.Load(c.Param("cr").Base(), cr)
	c.Load(c.Param("maxIter"), maxIter)
	c.Comment("The first iteration from z = 0 gives z = c: start there.")
	c.DECQ(maxIter)
	c.XORQ(iters, iters)
	c.VBROADCASTSD(arg(c, "ci"), ci)
	c.VBROADCASTSD(arg(c, "escape2"), tr)
	c.VMOVUPD(tr, e2)

	c.Label("group")
	c.TESTQ(left, left)
	c.JLE(operand.LabelRef("done"))
	for v := range vectors {
		c.VMOVUPD(operand.Mem{Base: cr, Disp: 32 * v}, zr[v])
		c.VMOVAPD(ci, zi[v])
	}
	c.INCQ(iters)
	c.MOVQ(maxIter, rest)

	c.Label("block")
	c.TESTQ(rest, rest)
	c.JZ(operand.LabelRef("final"))
	c.MOVQ(operand.U32(block), n)
	c.CMPQ(rest, n)
	c.CMOVQLT(rest, n)
	c.SUBQ(n, rest)
	c.ADDQ(n, iters)

	c.Label("iterate")
	for v := range vectors {
		c.VMULPD(zr[v], zr[v], tr)
		c.VMULPD(zi[v], zi[v], ti)
		// 2*Zr is exact either way; half the vectors double with a
		// multiply so that adds and multiplies share the work evenly
		// between the two kinds of pipe.
		if v%2 == 0 {
			c.VADDPD(zr[v], zr[v], twice)
		} else {
			c.VMULPD(two, zr[v], twice)
		}
		c.VMULPD(twice, zi[v], zi[v])
		c.VADDPD(ci, zi[v], zi[v])
		c.VSUBPD(ti, tr, zr[v])
		c.VADDPD(operand.Mem{Base: cr, Disp: 32 * v}, zr[v], zr[v])
	}
	c.DECQ(n)
	c.JNZ(operand.LabelRef("iterate"))

	c.TESTQ(rest, rest)
	c.JZ(operand.LabelRef("final"))
	c.Comment("Go on while some lane has Tr+Ti <= escape2 (false for NaN).")
	for v := range vectors {
		dst := twice
		if v == 0 {
			dst = tr
		}
		inside(c, zr[v], zi[v], e2, dst, ti)
		if v > 0 {
			c.VORPD(dst, tr, tr)
		}
	}
	c.VPTEST(tr, tr)
	c.JNZ(operand.LabelRef("block"))
	c.Comment("Every lane has escaped: every bit is 0.")
	c.XORL(word.As32(), word.As32())
	c.JMP(operand.LabelRef("store"))

	c.Label("final")
	c.Comment("Bit i of the group's bytes is lane i: vector v gives bits 4v to 4v+3.")
	c.XORL(word.As32(), word.As32())
	for v := vectors - 1; v >= 0; v-- {
		inside(c, zr[v], zi[v], e2, tr, ti)
		c.VMOVMSKPD(tr, mask.As32())
		c.SHLL(operand.U8(4), word.As32())
		c.ORL(mask.As32(), word.As32())
	}

	c.Comment("Store the group's bytes, or as many as the row has left.")
	c.Label("store")
	c.CMPQ(left, operand.U32(bytesPerGroup))
	c.JL(operand.LabelRef("tail"))
	c.MOVW(word.As16(), operand.Mem{Base: out})
	c.SHRL(operand.U8(16), word.As32())
	c.MOVB(word.As8(), operand.Mem{Base: out, Disp: 2})
	c.ADDQ(operand.U32(bytesPerGroup), out)
	c.SUBQ(operand.U32(bytesPerGroup), left)
	c.ADDQ(operand.U32(32*vectors), cr)
	c.JMP(operand.LabelRef("group"))

	c.Label("tail")
	c.MOVB(word.As8(), operand.Mem{Base: out})
	c.CMPQ(left, operand.U32(1))
	c.JE(operand.LabelRef("done"))
	c.SHRL(operand.U8(8), word.As32())
	c.MOVB(word.As8(), operand.Mem{Base: out, Disp: 1})

	c.Label("done")
	c.VZEROUPPER()
	c.Store(iters, c.Return("iters"))
	c.RET()
}

// inside leaves in dst the mask of the lanes of (zr, zi) with
// Tr+Ti <= escape2: all ones where true, zero where false or NaN.
func inside(c *build.Context, zr, zi reg.VecPhysical, e2 operand.Mem, dst, scratch reg.VecPhysical) {
	c.VMULPD(zr, zr, dst)
	c.VMULPD(zi, zi, scratch)
	c.VADDPD(scratch, dst, dst)
	c.VCMPPD(operand.U8(0x12), e2, dst, dst) // LE_OQ: dst <= e2, false for NaN
}

func ymm(i int) reg.VecPhysical {
	return []reg.VecPhysical{
		reg.Y0, reg.Y1, reg.Y2, reg.Y3, reg.Y4, reg.Y5, reg.Y6, reg.Y7,
		reg.Y8, reg.Y9, reg.Y10, reg.Y11, reg.Y12, reg.Y13, reg.Y14, reg.Y15,
	}[i]
}

// arg is the memory operand of the argument called name, so that a float can
// be broadcast straight from the frame.
func arg(c *build.Context, name string) operand.Mem {
	b, err := c.Param(name).Resolve()
	if err != nil {
		panic(fmt.Sprintf("bitsgen: argument %s: %v", name, err))
	}
	return b.Addr
}
