//go:build !amd64

package deep

import "sync/atomic"

// rowLanesAVX2Func is nil: this architecture has no AVX2.
var rowLanesAVX2Func func(p *Plan, kx []float64, ky float64, iter []uint32, mag2 []float64, stop *atomic.Bool) int64

// widestLanes is "": no lanes (rowLanesFunc is nil).
var widestLanes string
