package render

import (
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
)

//go:generate go run ./internal/kernelgen -out kernel_avx2_amd64.s -stubs kernel_avx2_amd64.go -pkg render
//go:generate go run ./internal/avx512gen -out kernel_avx512_amd64.s -stubs kernel_avx512_amd64.go -pkg render
//go:generate go run ./internal/neongen -out kernel_neon_arm64.s

// RowFunc computes one row of escape times. cr holds the real parts of the
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
type RowFunc func(cr []float64, ci float64, maxIter int, escape2 float64, iter []uint32, mag2 []float64, stop *atomic.Bool) (work int64)

// BitsFunc computes the Benchmarks Game bits of len(out) bytes of one row,
// as bitsGo documents; BitRenderer calls it.
type BitsFunc func(out []byte, cr []float64, ci, escape2 float64, maxIter int) (iters int64)

// Kernel is one way of iterating: a row of escape times for a Renderer, the
// bits of a row for a BitRenderer, each exact, so that the choice of kernel
// changes only the speed. KernelNames lists the kernels of this
// architecture and LookupKernel returns them.
//
// The zero Kernel, or any Kernel without a Row, means the scalar kernel:
// Options{} renders with Scalar.
type Kernel struct {
	// Name is what --kernel and LookupKernel call it.
	Name string
	// Summary says in a line what it is.
	Summary string
	// Row computes a row of escape times, Scalar's bit for bit.
	Row RowFunc
	// Periodic is Row with exact periodicity checking (see scalarPeriodic),
	// which a Renderer with Options.Shortcuts uses in place of Row; nil
	// where the kernel has none, and then the shortcuts are the cardioid and
	// bulb test alone.
	Periodic RowFunc
	// Bits computes a row of the bit path; nil means the Go routine.
	Bits BitsFunc
	// Available says whether this CPU and OS run the kernel. A Renderer or
	// BitRenderer refuses a kernel that is not available.
	Available bool
}

// scalarKernel is Scalar and the Go routines: the reference, which runs
// anywhere.
var scalarKernel = Kernel{
	Name:      "scalar",
	Summary:   "the reference, in Go, one point at a time",
	Row:       Scalar,
	Periodic:  scalarPeriodic,
	Bits:      bitsGo,
	Available: true,
}

// orScalar returns k, or the scalar kernel for a Kernel without a Row.
func (k Kernel) orScalar() Kernel {
	if k.Row == nil {
		return scalarKernel
	}
	return k
}

// bits returns k's bit routine, the Go one if it names none.
func (k Kernel) bits() BitsFunc {
	if b := k.orScalar().Bits; b != nil {
		return b
	}
	return bitsGo
}

// ChecksPeriodicity reports whether a Renderer with this kernel and
// Options.Shortcuts stops a point once its orbit repeats: whether the
// kernel has a Periodic row. Without it the shortcuts are the cardioid and
// bulb test alone, which saves far less inside the set.
func (k Kernel) ChecksPeriodicity() bool { return k.orScalar().Periodic != nil }

// checkAvailable returns an error wrapping ErrKernelUnsupported if this CPU
// cannot run k.
func (k Kernel) checkAvailable() error {
	if k = k.orScalar(); !k.Available {
		return fmt.Errorf("kernel %s: %w (it is %s; scalar and auto run anywhere)", k.Name, ErrKernelUnsupported, k.Summary)
	}
	return nil
}

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
		var zr, zi float64
		n := 0
	chunks:
		// The iterations run in chunks so that a deep pixel looks at stop
		// too; the inner loop is the contract's, unchanged.
		for n < maxIter {
			end := min(n+stopCheckIters, maxIter)
			for ; n < end; n++ {
				if norm2(zr, zi) > escape2 {
					break chunks
				}
				zr, zi = step(zr, zi, c, ci)
			}
			if n < maxIter && stop != nil && stop.Load() {
				return work
			}
		}
		iter[x] = uint32(n)
		mag2[x] = norm2(zr, zi)
		work += int64(n)
	}
	return work
}

// norm2 is |z|^2 as the contract computes it (see Scalar): the escape test's
// and the final one. The conversions forbid fusing a product into the sum.
func norm2(zr, zi float64) float64 {
	return float64(zr*zr) + float64(zi*zi)
}

// step is one iteration of the contract after its escape test (see Scalar):
// z^2 + c with every operation rounded to float64, in the contract's order.
// It is the one copy of the iteration in Go; every Go kernel calls it, and
// it inlines, so that the squares it computes and those of norm2 just
// before it are computed once. The conversions forbid fused multiply-adds.
func step(zr, zi, cr, ci float64) (nzr, nzi float64) {
	zr2, zi2 := float64(zr*zr), float64(zi*zi)
	return (zr2 - zi2) + cr, float64((zr+zr)*zi) + ci
}

// KernelNames returns the names LookupKernel accepts: "auto", then this
// architecture's kernels, the reference first.
func KernelNames() []string {
	names := []string{"auto"}
	for _, k := range kernelTable {
		names = append(names, k.Name)
	}
	return names
}

// ErrKernelUnsupported is wrapped by LookupKernel's error for a kernel this
// CPU cannot run.
var ErrKernelUnsupported = errors.New("not supported on this CPU")

// LookupKernel returns the kernel called name, one of KernelNames: "auto"
// is the fastest this CPU runs (AutoKernel). Every kernel gives the same
// results, so the choice changes only the speed. Its error lists the valid
// names, and wraps ErrKernelUnsupported for a kernel this CPU cannot run.
func LookupKernel(name string) (Kernel, error) {
	if name == "auto" {
		name = AutoKernel()
	}
	for _, k := range kernelTable {
		if k.Name == name {
			if err := k.checkAvailable(); err != nil {
				return Kernel{}, err
			}
			return k, nil
		}
	}
	return Kernel{}, fmt.Errorf("unknown kernel %q (valid: %s)", name, strings.Join(KernelNames(), ", "))
}

// AutoKernel returns the name of the kernel that "auto" selects on this CPU:
// the last available one of kernelTable, which lists the kernels from the
// reference to the fastest.
func AutoKernel() string {
	for i := len(kernelTable) - 1; i >= 0; i-- {
		if kernelTable[i].Available {
			return kernelTable[i].Name
		}
	}
	return scalarKernel.Name
}
