package render

import (
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
)

//go:generate go run ./internal/kernelgen -out kernel_avx2_amd64.s -stubs kernel_avx2_amd64.go -pkg render

// Kernel computes one row of escape times. cr holds the real parts of the
// row's sample points and ci their common imaginary part. For each point it
// stores in iter the number of iterations done before |z|^2 exceeded escape2
// (maxIter if it never did) and in mag2 the final |z|^2. It returns the sum of
// iter, the row's work. A faster kernel may replace Scalar behind this
// signature only if it reproduces Scalar's results bit for bit.
//
// stop, when not nil, asks the kernel to give up: a kernel loads it every few
// thousand iterations and, once it is set, returns at once with the work done
// so far, leaving the rest of iter and mag2 unspecified. A flag rather than a
// context because the check sits inside the iteration loop, in assembly
// too, where a load and a branch cost nothing measurable and a context
// cannot be consulted. It lets a single pixel of 2^30 iterations be
// cancelled promptly, which checking between rows or pixels cannot do; and
// unlike splitting rows into resumable chunks it needs no kernel state kept
// between calls, so the kernels stay exact by construction.
type Kernel func(cr []float64, ci float64, maxIter int, escape2 float64, iter []uint32, mag2 []float64, stop *atomic.Bool) (work int64)

// stopCheckIters is about how many iterations a kernel does between two
// looks at its stop flag: a few microseconds of work.
const stopCheckIters = 4096

// Scalar is the reference kernel. Its arithmetic, in this order and with every
// operation rounded to float64, is the contract every strategy and every later
// kernel must reproduce:
//
//	zr, zi = 0, 0
//	for n = 0; n < maxIter; n++ {
//		zr2, zi2 = zr*zr, zi*zi
//		if zr2+zi2 > escape2 { break }
//		zi = (zr+zr)*zi + ci
//		zr = (zr2-zi2) + cr
//	}
//	mag2 = zr*zr + zi*zi
//
// This is the C yardstick's "scalar" kernel (compiled with -ffp-contract=off)
// and, with escape2 = 4 and maxIter = 50, the Benchmarks Game's loop. The
// explicit float64 conversions forbid the compiler to fuse a multiply and an
// add into an FMA (which Go may do, even across statements, when built with
// GOAMD64=v3), so the result does not depend on the target CPU.
func Scalar(cr []float64, ci float64, maxIter int, escape2 float64, iter []uint32, mag2 []float64, stop *atomic.Bool) (work int64) {
	iter = iter[:len(cr)]
	mag2 = mag2[:len(cr)]
	for x, c := range cr {
		if stop != nil && stop.Load() {
			return work
		}
		var zr, zi, zr2, zi2 float64
		n := 0
	chunks:
		// The iterations run in chunks so that a deep pixel looks at stop
		// too; the inner loop is the contract's, unchanged.
		for n < maxIter {
			end := min(n+stopCheckIters, maxIter)
			for ; n < end; n++ {
				zr2, zi2 = float64(zr*zr), float64(zi*zi)
				if zr2+zi2 > escape2 {
					break chunks
				}
				zi = float64((zr+zr)*zi) + ci
				zr = (zr2 - zi2) + c
			}
			if n < maxIter && stop != nil && stop.Load() {
				return work
			}
		}
		iter[x] = uint32(n)
		mag2[x] = float64(zr*zr) + float64(zi*zi)
		work += int64(n)
	}
	return work
}

// KernelNames returns the names LookupKernel accepts, "auto" first.
func KernelNames() []string { return []string{"auto", "scalar", "avx2"} }

// ErrKernelUnsupported is wrapped by LookupKernel's error for a kernel this
// CPU cannot run.
var ErrKernelUnsupported = errors.New("not supported on this CPU")

// LookupKernel returns the kernel called name: "scalar", "avx2" (amd64 with
// AVX2 only), or "auto", the fastest this CPU runs. Every kernel gives the
// same results, so the choice changes only the speed. Its error lists the
// valid names.
func LookupKernel(name string) (Kernel, error) {
	switch name {
	case "auto":
		return LookupKernel(AutoKernel())
	case "scalar":
		return Scalar, nil
	case "avx2":
		if !hasAVX2 {
			return nil, fmt.Errorf("kernel avx2: %w (it needs amd64 with AVX2; scalar and auto run anywhere)", ErrKernelUnsupported)
		}
		return avx2Kernel, nil
	}
	return nil, fmt.Errorf("unknown kernel %q (valid: %s)", name, strings.Join(KernelNames(), ", "))
}

// AutoKernel returns the name of the kernel that "auto" selects on this CPU.
func AutoKernel() string {
	if hasAVX2 {
		return "avx2"
	}
	return "scalar"
}
