package render

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// hugePages asks the kernel to back s with transparent huge pages where the
// system leaves that to the program (THP "madvise" mode). A frame is written
// once, row by row, and on some virtual machines the page fault for each
// fresh 4 KiB page costs more than the kernel's work on it: a 4096x4096
// frame's 50,000 faults took over a second. With 2 MiB pages they are 512
// times fewer. It is only advice: an error changes nothing but the speed.
func hugePages[T any](s []T) {
	const huge = 2 << 20
	if len(s) == 0 {
		return
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), uintptr(len(s))*unsafe.Sizeof(s[0]))
	start := uintptr(unsafe.Pointer(&b[0]))
	// madvise wants page-aligned bounds; only whole huge pages can be huge.
	lo, hi := (start+huge-1)&^(huge-1), (start+uintptr(len(b)))&^(huge-1)
	if lo >= hi {
		return
	}
	unix.Madvise(b[lo-start:hi-start], unix.MADV_HUGEPAGE)
}
