//go:build race

package imageio

// raceEnabled trims the byte-comparison matrices under the race detector,
// which slows deflate about twentyfold (bigUnderRace says how); make test
// runs this package's tests without it too, in full (its norace leg).
const raceEnabled = true
