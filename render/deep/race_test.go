//go:build race

package deep

// raceEnabled skips the deepest brute-force comparisons under the race
// detector, which slows big.Float about tenfold: they are serial, and
// make test runs them without it (its norace and test-v3 legs, under
// GOAMD64=v1 and v3).
const raceEnabled = true
