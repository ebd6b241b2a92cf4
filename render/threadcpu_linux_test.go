package render

import (
	"runtime"
	"syscall"
	"time"
)

// threadCPU returns the CPU time the calling thread has used, and a func
// that undoes the thread lock it takes so that the goroutine stays on the
// thread being measured. On a machine shared with other jobs the thread's
// CPU time moves far less with the load than wall time does.
func threadCPU() (func() time.Duration, func()) {
	runtime.LockOSThread()
	read := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_THREAD, &ru); err != nil {
			return 0
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return read, runtime.UnlockOSThread
}
