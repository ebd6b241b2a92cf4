//go:build race

package render

// raceEnabled skips the largest cases under the race detector, which slows
// the kernels tenfold.
const raceEnabled = true
