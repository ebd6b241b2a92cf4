//go:build !linux

package render

import "time"

// threadCPU is the Linux one's stand-in: it reads nothing, and the
// benchmarks leave out their CPU-time figures.
func threadCPU() (func() time.Duration, func()) {
	return func() time.Duration { return 0 }, func() {}
}
