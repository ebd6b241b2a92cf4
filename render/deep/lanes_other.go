//go:build !amd64

package deep

import "sync/atomic"

// rowLanesFunc is nil: this architecture has no SIMD perturbation loop.
var rowLanesFunc func(p *Plan, kx []float64, ky float64, iter []uint32, mag2 []float64, stop *atomic.Bool) int64

// rowCycleFunc is nil: this architecture has no SIMD period loop.
var rowCycleFunc func(p *Plan, kx []float64, ky float64, iter []uint32, mag2 []float64, stop *atomic.Bool) int64
