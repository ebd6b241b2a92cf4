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

// lanes is one group of pixels: four vectors of four float64s, 16 pixels,
// two output bytes.
type lanes [4]reg.VecPhysical

// kernel builds bitsAVX2. Registers: Y0-Y3 hold Zr of the group's four
// vectors and Y4-Y7 Zi, Y15 Ci in every lane, Y14 2.0; Y8-Y13 are
// temporaries, in two sets so that consecutive vectors do not wait for each
// other's registers.
func kernel(c *build.Context) {
	c.Function("bitsAVX2")
	c.Attributes(attr.NOSPLIT)
	c.SignatureExpr("func(out []byte, cr []float64, ci float64, escape2 float64, maxIter int) (iters int64)")
	c.Pragma("noescape")
	c.Doc(
		"bitsAVX2 is bitsGo in AVX2 instructions: the same groups, blocks and",
		"operations, so the same bits and the same count. The caller guarantees",
		"len(cr) >= 8*len(out) rounded up to a group, and maxIter >= 1.",
	)

	zr := lanes{reg.Y0, reg.Y1, reg.Y2, reg.Y3}
	zi := lanes{reg.Y4, reg.Y5, reg.Y6, reg.Y7}
	ci, two := reg.Y15, reg.Y14
	tmp := [2][3]reg.VecPhysical{{reg.Y8, reg.Y9, reg.Y10}, {reg.Y11, reg.Y12, reg.Y13}}

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
	c.MOVQ(operand.U64(0x4000000000000000), word) // 2.0
	c.VMOVQ(word, two.AsX())
	c.VBROADCASTSD(two.AsX(), two)

	c.Label("group")
	c.TESTQ(left, left)
	c.JLE(operand.LabelRef("done"))
	for v := range zr {
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
	for v := range zr {
		t := tmp[v%2]
		tr, ti, twice := t[0], t[1], t[2]
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
	inside(c, zr, zi, tmp)
	c.VORPD(tmp[0][1], tmp[0][0], tmp[0][0])
	c.VORPD(tmp[1][1], tmp[1][0], tmp[1][0])
	c.VORPD(tmp[1][0], tmp[0][0], tmp[0][0])
	c.VPTEST(tmp[0][0], tmp[0][0])
	c.JNZ(operand.LabelRef("block"))
	c.Comment("Every lane has escaped: every bit is 0.")
	c.XORL(word.As32(), word.As32())
	c.JMP(operand.LabelRef("store"))

	c.Label("final")
	inside(c, zr, zi, tmp)
	c.Comment("Bit i of the group's two bytes is lane i: vector v gives bits 4v to 4v+3.")
	c.VMOVMSKPD(tmp[1][1], word.As32())
	for _, m := range []reg.VecPhysical{tmp[1][0], tmp[0][1], tmp[0][0]} {
		c.SHLL(operand.U8(4), word.As32())
		c.VMOVMSKPD(m, mask.As32())
		c.ORL(mask.As32(), word.As32())
	}

	c.Label("store")
	c.CMPQ(left, operand.U32(1))
	c.JE(operand.LabelRef("last"))
	c.MOVW(word.As16(), operand.Mem{Base: out})
	c.ADDQ(operand.U32(2), out)
	c.SUBQ(operand.U32(2), left)
	c.ADDQ(operand.U32(16*8), cr)
	c.JMP(operand.LabelRef("group"))

	c.Label("last")
	c.MOVB(word.As8(), operand.Mem{Base: out})

	c.Label("done")
	c.VZEROUPPER()
	c.Store(iters, c.Return("iters"))
	c.RET()
}

// inside leaves in tmp[v/2][v%2] the mask of vector v's lanes with
// Tr+Ti <= escape2: all ones where true, zero where false or NaN.
func inside(c *build.Context, zr, zi lanes, tmp [2][3]reg.VecPhysical) {
	e2 := tmp[1][2]
	c.VBROADCASTSD(arg(c, "escape2"), e2)
	for v := range zr {
		dst := tmp[v/2][v%2]
		s := tmp[0][2]
		c.VMULPD(zr[v], zr[v], dst)
		c.VMULPD(zi[v], zi[v], s)
		c.VADDPD(s, dst, dst)
		c.VCMPPD(operand.U8(0x12), e2, dst, dst) // LE_OQ: dst <= e2, false for NaN
	}
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
