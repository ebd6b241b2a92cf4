//go:build !linux

package output

import "os"

// closedStd reports whether f was closed when the process started; only
// Linux is checked (see closed_linux.go).
func closedStd(f *os.File) bool { return false }
