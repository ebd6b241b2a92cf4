//go:build !race

package deep

const raceEnabled = false
