//go:build !linux

package render

// hugePages does nothing where transparent huge pages are not asked for.
func hugePages[T any](s []T) {}
