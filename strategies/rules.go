package strategies

// The decision rules below are exported for bench/model, the schedule
// simulator, so that the simulated bands, guided claims and steal splits are
// these functions and not copies that could drift from them.

// Band returns worker w's share [w*n/W, (w+1)*n/W) of [0, n), as the bands
// strategy renders it and the steal strategy starts from: W contiguous bands
// whose sizes differ by at most one.
func Band(w, n, workers int) (lo, hi int) { return band(w, n, workers) }

// GuidedSize returns the size of the next claim of the guided strategy when
// remaining >= 1 indices are left.
func GuidedSize(remaining, workers, grain int) int { return guidedSize(remaining, workers, grain) }

// SplitPoint returns where the steal strategy cuts the range [lo, hi), which
// is more than one grain: below, half of its grains, rounded down.
func SplitPoint(lo, hi, grain int) int { return splitPoint(span{lo, hi}, grain) }
