package main

import (
	"os"
	"syscall"
)

// closedStd reports whether f, a standard descriptor, was closed when the
// process started (mandel - >&-). The Go runtime then opens /dev/null on it,
// read-write, so that files opened later do not take its number; writes
// succeed and the data is lost. A shell's >/dev/null opens it write-only,
// so it is not taken for closed.
func closedStd(f *os.File) bool {
	fd := f.Fd()
	if fd > 2 {
		return false
	}
	fi, err := f.Stat()
	if err != nil {
		return true
	}
	null, err := os.Stat(os.DevNull)
	if err != nil || !os.SameFile(fi, null) {
		return false
	}
	flags, _, errno := syscall.Syscall(syscall.SYS_FCNTL, fd, syscall.F_GETFL, 0)
	return errno == 0 && flags&syscall.O_ACCMODE == syscall.O_RDWR
}
