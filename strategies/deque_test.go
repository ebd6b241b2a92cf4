package strategies

import "testing"

func TestSplitPoint(t *testing.T) {
	cases := []struct{ lo, hi, grain, want int }{
		{0, 2, 1, 1},
		{0, 3, 1, 1},
		{0, 4, 3, 3},
		{10, 20, 3, 16}, // 4 grains: 2 below, 2 (one partial) above
		{10, 23, 3, 16}, // 5 grains: 2 below, 3 (one partial) above
		{0, 64, 8, 32},
	}
	for _, c := range cases {
		if got := splitPoint(span{c.lo, c.hi}, c.grain); got != c.want {
			t.Errorf("splitPoint([%d, %d), %d) = %d, want %d", c.lo, c.hi, c.grain, got, c.want)
		}
	}
}

func TestDequeStealHalf(t *testing.T) {
	var d deque
	if _, ok := d.stealHalf(1); ok {
		t.Fatal("stole from an empty deque")
	}
	// A lone range is shared: the thief takes its upper half.
	d.spans = []span{{0, 100}}
	d.size.Store(1)
	if s, ok := d.stealHalf(1); !ok || s != (span{50, 100}) || d.spans[0] != (span{0, 50}) {
		t.Fatalf("lone range: stole %v %v, left %v", s, ok, d.spans)
	}
	// Otherwise the thief takes the top, the oldest and largest range, and
	// the owner pops the bottom.
	d.spans = []span{{50, 100}, {25, 50}, {12, 25}}
	d.size.Store(3)
	if s, ok := d.stealHalf(1); !ok || s != (span{50, 100}) {
		t.Fatalf("stole %v %v, want the top [50, 100)", s, ok)
	}
	if s, ok := d.pop(); !ok || s != (span{12, 25}) || d.size.Load() != 1 {
		t.Fatalf("popped %v %v, want the bottom [12, 25)", s, ok)
	}
	// A lone range of one grain is taken whole.
	d.spans = []span{{0, 4}}
	d.size.Store(1)
	if s, ok := d.stealHalf(4); !ok || s != (span{0, 4}) || d.size.Load() != 0 {
		t.Fatalf("one grain: stole %v %v, left %v", s, ok, d.spans)
	}
}

// TestDequeOrder checks that the owner works last in, first out and thieves
// first in, first out, so that a thief takes the oldest, largest range.
func TestDequeOrder(t *testing.T) {
	var d deque
	for _, s := range []span{{0, 8}, {8, 12}, {12, 14}} {
		d.push(s)
	}
	if n := d.size.Load(); n != 3 {
		t.Fatalf("size %d after 3 pushes", n)
	}
	if s, ok := d.pop(); !ok || s != (span{12, 14}) {
		t.Errorf("pop = %v %v, want [12, 14)", s, ok)
	}
	if s, ok := d.stealHalf(1); !ok || s != (span{0, 8}) {
		t.Errorf("stealHalf = %v %v, want [0, 8)", s, ok)
	}
	if s, ok := d.pop(); !ok || s != (span{8, 12}) {
		t.Errorf("pop = %v %v, want [8, 12)", s, ok)
	}
	if s, ok := d.pop(); ok || d.size.Load() != 0 {
		t.Errorf("pop of an empty deque = %v %v, size %d", s, ok, d.size.Load())
	}
}
