package render

import (
	"fmt"
)

// A shard is a horizontal strip of whole output rows of a view, rendered on
// its own (on another machine, say) and later stitched with the others into
// the whole image. Shard i of n covers rows [lo, hi); the shards cover the
// height exactly once, in order.

// CheckShard reports whether a view height rows high can be cut into n
// shards of at least one row each, and i is one of them.
func CheckShard(height, i, n int) error {
	switch {
	case n < 1:
		return fmt.Errorf("shard count must be at least 1, got %d", n)
	case n > height:
		return fmt.Errorf("%d shards of a %d-row image: each shard needs a row", n, height)
	case i < 0 || i >= n:
		return fmt.Errorf("shard index must be in 0..%d for %d shards, got %d", n-1, n, i)
	}
	return nil
}

// ShardRows returns the output rows [lo, hi) of shard i of n of an image
// height rows high, the rows split as evenly as they go: shards differ by at
// most one row. For a shard that CheckShard refuses it returns an empty
// range, 0, 0: there is no such shard.
//
// Rows, not estimated cost, decide the cut. On the tophalf view at
// 2048x2048, where nearly all the iterations are in the upper rows, cutting
// four shards by an estimate of each row's cost on a 256x256 grid
// (BenchmarkShardMakespan) gives the slowest shard 48% of the iterations
// instead of 59%, and 42% of the serial time instead of 50% (medians of 5,
// on a noisy machine). That gain is modest, and is the machines' business:
// a cluster scheduler runs more tasks than nodes, so that an early finisher
// takes the next task, as the dynamic strategies do within a machine, and a
// user who wants balance asks for more shards. Rows need no work to decide
// (the estimate iterates on every machine), give every shard the same
// memory, and depend on nothing but the height, so no setting that leaves
// the pixels alone (kernel, shortcuts) can move a cut.
func ShardRows(height, i, n int) (lo, hi int) {
	if CheckShard(height, i, n) != nil {
		return 0, 0
	}
	return rowCut(height, i, n), rowCut(height, i+1, n)
}

// rowCut is the first row of shard i of n; the product cannot overflow, as
// height is at most MaxSide and i at most height.
func rowCut(height, i, n int) int { return i * height / n }
