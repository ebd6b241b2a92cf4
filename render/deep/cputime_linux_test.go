package deep

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time this process has used (see the figures: the
// machine is shared, so wall time says little).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
