//go:build !amd64

package render

// laneKernels: only amd64's AVX-512 kernel hands rows to another.
func laneKernels() map[string]Kernel { return nil }
