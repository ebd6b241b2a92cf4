//go:build !amd64

package deep

import "math"

// plainFMAFunc is nil: the Go loop takes the steps (math.FMA is an
// instruction on arm64).
var plainFMAFunc func(orbit *float64, limit int, escape2, rebase, dr, di, dcr, dci float64) (int, float64, float64)

// hasPlainPair is false: Go's loop takes BLA's paired plain steps.
const hasPlainPair = false

// plainPairBLA is never called here (hasPlainPair); it takes no steps.
func plainPairBLA(orbit *float64, gate *float64, ma, mb, limit int, escape2 float64, st *[8]float64) int {
	return 0
}

// floatPairBLA is never called here (hasPlainPair); it takes no passes.
func floatPairBLA(orbit, gate, ladder *float64, levels *uintptr, tail *float64, tailLen, rungs, top, limit int, escape2 float64, st *[17]float64, ms *[9]int) int {
	return 0
}

// norm2FMA is norm2's fused arithmetic, and stepFMA the fused step t d + dc
// of the loop without BLA, in complex numbers, two fused multiply-adds a
// part as amd64's SIMD lanes take it: dr = fma(tr, dr, fma(-ti, di, dcr)),
// di the same way. Inline here: math.FMA is an instruction on arm64.
func norm2FMA(x, y float64) float64 { return math.FMA(x, x, y*y) }

func stepFMA(tr, ti, dr, di, dcr, dci float64) (float64, float64) {
	return math.FMA(tr, dr, math.FMA(-ti, di, dcr)), math.FMA(tr, di, math.FMA(ti, dr, dci))
}
