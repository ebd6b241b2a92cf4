package render

import (
	"fmt"
	"slices"
	"testing"
)

func TestShardRowsCover(t *testing.T) {
	for _, c := range []struct{ height, n int }{{1, 1}, {10, 3}, {10, 10}, {1024, 4}, {1023, 4}, {7, 5}} {
		t.Run(fmt.Sprintf("%d/%d", c.height, c.n), func(t *testing.T) {
			next := 0
			for i := range c.n {
				lo, hi := ShardRows(c.height, i, c.n)
				if lo != next || hi-lo < c.height/c.n || hi-lo > c.height/c.n+1 {
					t.Fatalf("shard %d: rows [%d, %d) after %d, want %d or %d rows", i, lo, hi, next, c.height/c.n, c.height/c.n+1)
				}
				next = hi
			}
			if next != c.height {
				t.Fatalf("shards end at row %d, want %d", next, c.height)
			}
		})
	}
}

func TestCheckShard(t *testing.T) {
	for _, c := range []struct {
		height, i, n int
		ok           bool
	}{
		{10, 0, 1, true}, {10, 9, 10, true}, {10, 3, 4, true},
		{10, 4, 4, false}, {10, -1, 4, false}, {10, 0, 0, false}, {10, 0, 11, false},
	} {
		t.Run(fmt.Sprintf("%d/%d of %d", c.i, c.n, c.height), func(t *testing.T) {
			if err := CheckShard(c.height, c.i, c.n); (err == nil) != c.ok {
				t.Fatalf("CheckShard = %v, want ok %v", err, c.ok)
			}
		})
	}
}

// TestShardWindowRows renders a view whole and each shard through a window
// of its rows (Options.Rows, SetWindow), and wants each
// shard's frame to be its rows of the whole frame, bit for bit.
func TestShardWindowRows(t *testing.T) {
	seahorse, _ := LookupPreset("seahorse")
	bench, _ := LookupPreset("benchgame")
	for _, c := range []struct {
		name string
		v    View
		aa   int
		opts Options
	}{
		{"seahorse", seahorse.View, 1, Options{}},
		{"seahorse-aa3-shortcuts", seahorse.View, 3, Options{Shortcuts: true}},
		{"benchgame", bench.View, 1, Options{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := c.v
			v.Width, v.Height, v.MaxIter = 37, 29, 200
			whole, err := NewRenderer(v, c.aa, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			whole.RenderUnits(0, whole.Units())
			wf := whole.Frame()
			const n = 4
			for i := range n {
				lo, hi := ShardRows(v.Height, i, n)
				// A shard renders through a window of its rows, as the
				// command's strip path does.
				opts := c.opts
				opts.Rows = hi - lo
				r, err := NewRenderer(v, c.aa, opts)
				if err != nil {
					t.Fatal(err)
				}
				r.SetWindow(lo)
				r.RenderUnits(lo, hi)
				f := r.Frame()
				from, to := lo*c.aa*wf.Width, hi*c.aa*wf.Width
				if !slices.Equal(f.Iter, wf.Iter[from:to]) || !slices.Equal(f.Mag2, wf.Mag2[from:to]) {
					t.Fatalf("shard %d (rows [%d, %d)) differs from those rows of the whole frame", i, lo, hi)
				}
			}
		})
	}
}

// TestShardRowsRefused: for a shard CheckShard refuses, ShardRows gives an
// empty range inside the image rather than a divide by zero (n = 0) or rows
// past the height (i >= n).
func TestShardRowsRefused(t *testing.T) {
	for _, c := range [][3]int{{10, 0, 0}, {10, 5, 2}, {10, -1, 2}, {3, 0, 5}, {10, 0, -2}} {
		height, i, n := c[0], c[1], c[2]
		func() {
			defer func() {
				if e := recover(); e != nil {
					t.Errorf("ShardRows(%d, %d, %d) panicked: %v", height, i, n, e)
				}
			}()
			if lo, hi := ShardRows(height, i, n); lo != hi || lo < 0 || hi > height {
				t.Errorf("ShardRows(%d, %d, %d) = %d, %d; want an empty range in 0..%d", height, i, n, lo, hi, height)
			}
		}()
	}
}
