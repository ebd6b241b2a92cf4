//go:build !unix

package atomicfile

import (
	"io/fs"
	"os"
)

// checkReplace refuses to replace a read-only file (on Windows, one with
// the read-only attribute) unless forced.
func checkReplace(old fs.FileInfo, dir string, force bool) error {
	if !force && old.Mode().Perm()&0o200 == 0 {
		return ErrWriteProtected
	}
	return nil
}

// keepOwner does nothing where files have no Unix owner.
func keepOwner(tmp *os.File, old fs.FileInfo) {}
