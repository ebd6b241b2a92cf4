//go:build !amd64

package render

// kernelTable lists this architecture's kernels: only amd64 has a vector
// kernel so far, so here "auto" is the scalar kernel.
var kernelTable = []Kernel{scalarKernel}
