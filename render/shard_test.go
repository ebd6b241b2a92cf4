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

// TestShardRendererRows renders a view whole and in shards, and wants each
// shard's frame to be its rows of the whole frame, bit for bit.
func TestShardRendererRows(t *testing.T) {
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
				r, err := NewShardRenderer(v, c.aa, c.opts, lo, hi)
				if err != nil {
					t.Fatal(err)
				}
				if r.Units() != hi-lo {
					t.Fatalf("shard %d: %d units, want %d", i, r.Units(), hi-lo)
				}
				r.RenderUnits(0, r.Units())
				f := r.Frame()
				from, to := lo*c.aa*wf.Width, hi*c.aa*wf.Width
				if !slices.Equal(f.Iter, wf.Iter[from:to]) || !slices.Equal(f.Mag2, wf.Mag2[from:to]) {
					t.Fatalf("shard %d (rows [%d, %d)) differs from those rows of the whole frame", i, lo, hi)
				}
			}
		})
	}
}

func TestNewShardRendererRefusesBadRows(t *testing.T) {
	p, _ := LookupPreset("full")
	v := p.View
	v.Width, v.Height = 16, 16
	for _, rows := range [][2]int{{-1, 4}, {4, 4}, {8, 17}, {5, 3}} {
		t.Run(fmt.Sprint(rows), func(t *testing.T) {
			if _, err := NewShardRenderer(v, 1, Options{}, rows[0], rows[1]); err == nil {
				t.Fatalf("rows %v accepted", rows)
			}
		})
	}
}
