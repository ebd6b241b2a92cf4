//go:build !amd64 && !arm64

package render

// kernelTable lists this architecture's kernels: only amd64 and arm64 have
// vector kernels so far, so here "auto" is the scalar kernel.
var kernelTable = []Kernel{scalarKernel}
