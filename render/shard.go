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
// most one row.
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
	return rowCut(height, i, n), rowCut(height, i+1, n)
}

// rowCut is the first row of shard i of n; the product cannot overflow, as
// height is at most MaxSide and i at most height.
func rowCut(height, i, n int) int { return i * height / n }

// NewShardRenderer is NewRenderer for output rows [lo, hi) of v only: its
// units are those rows, numbered from 0, and its frame holds them alone, so
// a shard needs memory for its own rows. Each sample's coordinates are those
// of the whole view's grid, computed as NewRenderer computes them, so the
// rows come out exactly as in a render of the whole view.
func NewShardRenderer(v View, aa int, opts Options, lo, hi int) (*Renderer, error) {
	if err := v.Validate(); err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	if err := CheckSupersampling(v, aa); err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	if lo < 0 || hi > v.Height || lo >= hi {
		return nil, fmt.Errorf("render: rows [%d, %d) are not a strip of a %d-row view", lo, hi, v.Height)
	}
	part := v
	part.Height = hi - lo
	r, err := NewRenderer(part, aa, opts)
	if err != nil {
		return nil, err
	}
	// The plane of the strip alone would centre the strip, not the view:
	// take the rows from the whole view's grid.
	_, ys := v.Supersampled(aa).Plane()
	r.ys = ys[lo*aa : hi*aa]
	return r, nil
}
