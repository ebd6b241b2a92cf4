//go:build !linux

package atomicfile

// Free reports that the free space is unknown, outside Linux.
func (f *File) Free() (uint64, bool) { return 0, false }
