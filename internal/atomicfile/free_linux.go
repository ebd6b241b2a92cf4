package atomicfile

import "golang.org/x/sys/unix"

// Free returns the bytes that the file system of f's temporary file (the
// one the path will be on) has free for the caller, and whether it could
// tell: a command checks it before writing a file whose size it knows, so
// that it fails at once rather than after filling the disk.
func (f *File) Free() (uint64, bool) {
	var st unix.Statfs_t
	if err := unix.Fstatfs(int(f.tmp.Fd()), &st); err != nil {
		return 0, false
	}
	return st.Bavail * uint64(st.Bsize), true
}
