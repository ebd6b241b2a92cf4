//go:build !unix

package sysmem

// addressLimit reports no address-space limit where there is no RLIMIT_AS.
func addressLimit() (float64, bool) { return 0, false }
