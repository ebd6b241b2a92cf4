//go:build unix

package sysmem

import "golang.org/x/sys/unix"

// addressLimit is RLIMIT_AS's soft limit, the address space this process
// may map (ulimit -v).
func addressLimit() (float64, bool) {
	var r unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_AS, &r); err != nil || r.Cur == unix.RLIM_INFINITY {
		return 0, false
	}
	return float64(r.Cur), true
}
