package output

import (
	"os"

	"golang.org/x/sys/unix"
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
	flags, err := unix.FcntlInt(fd, unix.F_GETFL, 0)
	return err == nil && flags&unix.O_ACCMODE == unix.O_RDWR
}
