//go:build unix

package pipeline

import (
	"syscall"
	"time"
)

// processCPU is the CPU time, user and system, that the process has used so
// far; 0 if the OS does not say.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
