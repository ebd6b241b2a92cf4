package deep

import (
	"math"

	"golang.org/x/sys/cpu"
)

//go:generate go run ../internal/plainfmagen -out plain_fma_amd64.s -stubs plain_fma_amd64.go -pkg deep

// plainFMAFunc is plainFMA where the CPU has FMA and AVX, for the VEX
// encodings (x/sys/cpu reports FMA where the OS saves the vector state,
// without asking for AVX: qemu's -cpu Haswell,-avx has FMA alone, and
// plainFMA faulted there), else nil, and the Go loop, whose math.FMA is
// exact in software, takes the steps.
var plainFMAFunc = func() func(orbit *float64, limit int, escape2, rebase, dr, di, dcr, dci float64) (int, float64, float64) {
	if cpu.X86.HasFMA && cpu.X86.HasAVX {
		return plainFMA
	}
	return nil
}()

// hasPlainPair says whether the CPU runs plainPairBLA and floatPairBLA
// (AVX, for their VEX encodings); else Go's loops take BLA's paired
// passes.
var hasPlainPair = cpu.X86.HasAVX

// norm2FMA is norm2's fused arithmetic, and stepFMA the fused step t d + dc
// of the loop without BLA, in complex numbers, two fused multiply-adds a
// part as the SIMD lanes take it: dr = fma(tr, dr, fma(-ti, di, dcr)), di
// the same way. On amd64 both are out of line: under GOAMD64=v1 (the
// default) Go compiles math.FMA as a test of the CPU and a call to the
// software version, and inline that call makes the register allocator
// keep the caller's values on the stack, BLA's loop's in advance among
// them; plainFMA takes the plain steps where the CPU has FMA, and these
// only the rest.
//
//go:noinline
func norm2FMA(x, y float64) float64 { return math.FMA(x, x, y*y) }

//go:noinline
func stepFMA(tr, ti, dr, di, dcr, dci float64) (float64, float64) {
	return math.FMA(tr, dr, math.FMA(-ti, di, dcr)), math.FMA(tr, di, math.FMA(ti, dr, dci))
}
