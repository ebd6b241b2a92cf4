// Command neongen generates render's NEON kernel, kernel_neon_arm64.s: the
// block routine of the arm64 lane kernel. `go generate ./render/` runs it;
// its tests check that the committed file is what it writes and that its
// instruction encodings are what `go tool objdump` reads back.
//
// Why a generator, and WORD encodings: Go's arm64 assembler has no vector
// FADD, FSUB, FMUL, FMAXNM or FCMGT (it has only the fused VFMLA and VFMLS,
// which round once where the contract rounds twice, and would change the
// counts), and avo writes amd64 only. So this program encodes those
// instructions itself and writes each as a WORD with its text, in the GNU
// syntax objdump prints, beside it; everything else is ordinary Go
// assembly, which go vet checks against the Go declaration.
//
// The routine runs blocks of unroll iterations on vectors independent
// vectors of two float64 lanes, with no escape test inside a block, and
// keeps every |z|^2 it tested. It returns after the first block in which
// some lane's test would have broken out, with those lanes in a bit mask,
// or when blocks stop at the driver's end or run out: everything else (the
// pixels it stores and loads, lanes at maxIter, the stop flag) is the lane
// driver's Go code, render's laneDriver in lanes.go, which also says why
// the counts are Scalar's.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
)

// These must match the neon constants of kernel_arm64.go, and the offsets
// below the layout of laneFloats and laneInts in lanes.go; the kernel tests
// fail at once if they do not.
const (
	vectors = 4           // independent 2-lane vectors in flight, to hide latency
	unroll  = 4           // iterations per block, between escape tests
	lanes   = 2 * vectors // the lanes, two to a vector
)

// Offsets, in float64s, of the parts of the lane state (laneFloats): z, c
// and the |z|^2 that each iteration of the last block tested; and, in ints,
// of the integer state (laneInts) the routine uses: the steps done and
// laneDriver's end.
const (
	offZr   = 0 * lanes
	offZi   = 1 * lanes
	offCr   = 2 * lanes
	offT    = 3 * lanes
	size    = offT + unroll*lanes
	lnSteps = 2*lanes + 2
	lnEnd   = 2*lanes + 3
	lnSize  = 2*lanes + 4
)

// inst is an instruction the Go assembler lacks: its encoding and its text.
type inst struct {
	word uint32
	text string
}

// vec3 encodes a three-register vector instruction on .2d arrangements:
// base holds the opcode with Q = 1 and sz = 1; Rm, Rn and Rd go in bits
// 16, 5 and 0.
func vec3(name string, base uint32, d, n, m int) inst {
	for _, r := range []int{d, n, m} {
		if r < 0 || r > 31 {
			panic(fmt.Sprintf("neongen: no register v%d", r))
		}
	}
	return inst{
		word: base | uint32(m)<<16 | uint32(n)<<5 | uint32(d),
		text: fmt.Sprintf("%s v%d.2d, v%d.2d, v%d.2d", name, d, n, m),
	}
}

// The instructions, each d = n op m on two float64 lanes, rounded once.
func fadd(d, n, m int) inst   { return vec3("fadd", 0x4e60d400, d, n, m) }
func fsub(d, n, m int) inst   { return vec3("fsub", 0x4ee0d400, d, n, m) }
func fmul(d, n, m int) inst   { return vec3("fmul", 0x6e60dc00, d, n, m) }
func fmaxnm(d, n, m int) inst { return vec3("fmaxnm", 0x4e60c400, d, n, m) }

// fcmgt sets each lane of d to all ones where n > m (ordered: false for
// NaN), to zero elsewhere.
func fcmgt(d, n, m int) inst { return vec3("fcmgt", 0x6ee0e400, d, n, m) }

// Instructions lists one of each encoded instruction for the given
// registers, for the tests.
func Instructions(d, n, m int) []inst {
	return []inst{fadd(d, n, m), fsub(d, n, m), fmul(d, n, m), fmaxnm(d, n, m), fcmgt(d, n, m)}
}

// asm is the text of an assembly file being written.
type asm struct{ bytes.Buffer }

func (a *asm) op(format string, args ...any) { fmt.Fprintf(a, "\t"+format+"\n", args...) }

func (a *asm) word(i inst) { a.op("WORD $0x%08x // %s", i.word, i.text) }

func (a *asm) label(name string) { fmt.Fprintf(a, "%s:\n", name) }

// Registers. General: R0 st, R1 ln, R2 the blocks left, R3 the steps
// done, R4 end, R5 an address, R6 the escaped lanes' mask, R8 where the
// next |z|^2 goes, R7, R9 and R10 scratch. Vector: zr, zi and cr of vector
// k in V(k), V(4+k), V(8+k); ci and escape2 in every lane of V12 and V13;
// the block's largest |z|^2 per lane in V(14+k); three temporaries per
// vector from V18; V30 the lanes that escaped.
const (
	vCi, vE2, vAcc, vTmp, vAny = 12, 13, 14, 18, 30
)

func zr(k int) int  { return k }
func zi(k int) int  { return vectors + k }
func cr(k int) int  { return 2*vectors + k }
func acc(k int) int { return vAcc + k }

// zr2 and zi2 are vector k's squares; cmp is its escape mask after a block.
func zr2(k int) int { return vTmp + 3*k }
func zi2(k int) int { return vTmp + 3*k + 1 }
func t(k int) int   { return vTmp + 3*k + 2 }
func cmp(k int) int { return vTmp + 3*k }

// regList is the Go assembler's list of n consecutive vector registers
// from v, as VLD1 and VST1 take it.
func regList(v, n int) string {
	s := "["
	for i := range n {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("V%d.D2", v+i)
	}
	return s + "]"
}

// generate returns the assembly file.
func generate() []byte {
	var a asm
	fmt.Fprintf(&a, `// Code generated by go run ./internal/neongen -out kernel_neon_arm64.s. DO NOT EDIT.

//go:build arm64

#include "textflag.h"

// func neonBlocks(st *[%d]float64, ln *[%d]int, ci float64, escape2 float64, blocks int) (escaped int)
//
// The WORDs are the vector arithmetic Go's assembler lacks (see
// internal/neongen); their text is beside them, first the destination.
TEXT ·neonBlocks(SB), NOSPLIT, $0-48
`, size, lnSize)
	a.op("MOVD st+0(FP), R0")
	a.op("MOVD ln+8(FP), R1")
	a.op("MOVD blocks+32(FP), R2")
	a.op("MOVD %d(R1), R3", 8*lnSteps)
	a.op("MOVD %d(R1), R4", 8*lnEnd)
	a.op("MOVD ZR, R6")
	a.op("FMOVD ci+16(FP), F%d", vCi)
	a.op("VDUP V%d.D[0], V%d.D2", vCi, vCi)
	a.op("FMOVD escape2+24(FP), F%d", vE2)
	a.op("VDUP V%d.D[0], V%d.D2", vE2, vE2)
	a.op("VLD1 (R0), %s", regList(zr(0), vectors))
	a.op("ADD $%d, R0, R5", 8*offZi)
	a.op("VLD1 (R5), %s", regList(zi(0), vectors))
	a.op("ADD $%d, R0, R5", 8*offCr)
	a.op("VLD1 (R5), %s", regList(cr(0), vectors))

	a.label("next")
	a.op("CBZ R2, exit")
	a.op("SUB R3, R4, R7 // the steps left before end")
	a.op("CMP $%d, R7", unroll)
	a.op("BLT exit")
	a.op("ADD $%d, R0, R8", 8*offT)
	for u := range unroll {
		a.op("// iteration %d", u)
		// Scalar's order, each operation rounded on its own: zr2, zi2 =
		// zr*zr, zi*zi; t = zr2+zi2, kept in st and in acc = max(acc, t);
		// zi = (zr+zr)*zi + ci; zr = (zr2-zi2) + cr. The vectors go
		// stage by stage, so that neighbouring instructions are
		// independent.
		for k := range vectors {
			a.word(fmul(zr2(k), zr(k), zr(k)))
			a.word(fmul(zi2(k), zi(k), zi(k)))
		}
		for k := range vectors {
			if u == 0 {
				a.word(fadd(acc(k), zr2(k), zi2(k)))
				a.op("VST1.P [V%d.D2], 16(R8)", acc(k))
			} else {
				a.word(fadd(t(k), zr2(k), zi2(k)))
				a.op("VST1.P [V%d.D2], 16(R8)", t(k))
			}
		}
		if u > 0 {
			// FMAXNM returns the number when the other operand is a
			// quiet NaN, which keeps acc a number; a NaN |z|^2 only
			// follows a larger one in the same lane and block, so
			// testing acc once finds every lane whose tests would
			// have stopped.
			for k := range vectors {
				a.word(fmaxnm(acc(k), acc(k), t(k)))
			}
		}
		for k := range vectors {
			a.word(fadd(zr(k), zr(k), zr(k)))
		}
		for k := range vectors {
			a.word(fmul(zi(k), zr(k), zi(k)))
		}
		for k := range vectors {
			a.word(fadd(zi(k), zi(k), vCi))
		}
		for k := range vectors {
			a.word(fsub(zr(k), zr2(k), zi2(k)))
		}
		for k := range vectors {
			a.word(fadd(zr(k), zr(k), cr(k)))
		}
	}
	a.op("ADD $%d, R3", unroll)
	a.op("SUB $1, R2")
	for k := range vectors {
		a.word(fcmgt(cmp(k), acc(k), vE2))
	}
	a.op("VORR V%d.B16, V%d.B16, V%d.B16", cmp(0), cmp(1), vAny)
	for k := 2; k < vectors; k++ {
		a.op("VORR V%d.B16, V%d.B16, V%d.B16", cmp(k), vAny, vAny)
	}
	a.op("VMOV V%d.D[0], R9", vAny)
	a.op("VMOV V%d.D[1], R10", vAny)
	a.op("ORR R9, R10, R9")
	a.op("CBZ R9, next")

	a.op("// bit l of the mask for lane l, the lanes in st's order")
	for k := range vectors {
		for h := range 2 {
			a.op("VMOV V%d.D[%d], R9", cmp(k), h)
			a.op("AND $1, R9")
			a.op("ORR R9<<%d, R6", 2*k+h)
		}
	}

	a.label("exit")
	a.op("VST1 %s, (R0)", regList(zr(0), vectors))
	a.op("ADD $%d, R0, R5", 8*offZi)
	a.op("VST1 %s, (R5)", regList(zi(0), vectors))
	a.op("MOVD R3, %d(R1)", 8*lnSteps)
	a.op("MOVD R6, escaped+40(FP)")
	a.op("RET")
	return a.Bytes()
}

func main() {
	out := flag.String("out", "kernel_neon_arm64.s", "the assembly file to write")
	flag.Parse()
	if err := os.WriteFile(*out, generate(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "neongen:", err)
		os.Exit(1)
	}
}
