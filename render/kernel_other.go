//go:build !amd64

package render

// Only amd64 has a vector kernel so far; elsewhere "auto" is Scalar.
var hasAVX2 = false

var avx2Kernel Kernel
