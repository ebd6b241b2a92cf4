package render

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"testing"
)

// TestTaskRendersLikeRenderUnits checks that Task renders the rows it is
// given, in any blocks, exactly as RenderUnits does, and reports the same work.
func TestTaskRendersLikeRenderUnits(t *testing.T) {
	v := View{Width: 23, Height: 11, Center: complex(-0.75, 0.1), Scale: 2.5, MaxIter: 300}
	for _, aa := range []int{1, 3} {
		want, err := NewRenderer(v, aa, Options{})
		if err != nil {
			t.Fatal(err)
		}
		wantWork := want.RenderUnits(0, want.Units())

		got, _ := NewRenderer(v, aa, Options{})
		task := got.Task(context.Background())
		var work int64
		for _, block := range [][2]int{{5, 11}, {0, 1}, {1, 5}} {
			n, err := task(0, block[0], block[1])
			if err != nil {
				t.Fatalf("aa %d: rows %v: %v", aa, block, err)
			}
			work += n
		}
		if work != wantWork {
			t.Errorf("aa %d: work %d, want %d", aa, work, wantWork)
		}
		if !slices.Equal(got.Frame().Iter, want.Frame().Iter) || !slices.Equal(got.Frame().Mag2, want.Frame().Mag2) {
			t.Errorf("aa %d: Task's frame differs from RenderUnits'", aa)
		}
	}
}

// cancelAfter is a context whose Err starts failing after n calls, so that
// a test can cancel a task between two particular rows.
type cancelAfter struct {
	context.Context
	n int
}

func (c *cancelAfter) Err() error {
	if c.n == 0 {
		return context.Canceled
	}
	c.n--
	return nil
}

// TestTaskStopsBetweenRows checks that a cancelled task stops at the next
// row, returns the context's error and the work of the rows it finished,
// and leaves the other rows untouched.
func TestTaskStopsBetweenRows(t *testing.T) {
	v := View{Width: 16, Height: 8, Center: complex(-0.75, 0), Scale: 3, MaxIter: 100}
	whole, _ := NewRenderer(v, 1, Options{})
	whole.RenderUnits(0, v.Height)
	rowWork := func(y int) (sum int64) {
		for _, n := range whole.Frame().Iter[y*v.Width : (y+1)*v.Width] {
			sum += int64(n)
		}
		return sum
	}

	r, _ := NewRenderer(v, 1, Options{})
	work, err := r.Task(&cancelAfter{context.Background(), 3})(0, 2, 8)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if want := rowWork(2) + rowWork(3) + rowWork(4); work != want {
		t.Errorf("work = %d, want %d: the three rows before the cancellation", work, want)
	}
	for y := 0; y < v.Height; y++ {
		row := r.Frame().Iter[y*v.Width : (y+1)*v.Width]
		rendered := slices.ContainsFunc(row, func(n uint32) bool { return n != 0 })
		if want := y >= 2 && y < 5; rendered != want {
			t.Errorf("row %d rendered = %v, want %v", y, rendered, want)
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if work, err := r.Task(ctx)(0, 0, 8); work != 0 || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled before the first row: work %d, err %v", work, err)
	}
}

// TestMemoryNeeded checks the estimate against hand-computed figures and
// against what NewRenderer and NewImage really allocate.
func TestMemoryNeeded(t *testing.T) {
	v := View{Width: 100, Height: 50, Center: complex(-0.75, 0), Scale: 3, MaxIter: 10}
	for _, tc := range []struct {
		aa           int
		frame, image float64
	}{
		// 5000 samples of 12 bytes, and the plane's xs and ys (150 float64s).
		{1, 5000*12 + 8*150, 5000},
		// 4 samples a pixel, twice the coordinates, and an RGBA image.
		{2, 20000*12 + 8*300, 4 * 5000},
	} {
		got := MemoryNeeded(v, tc.aa)
		if got.Frame != tc.frame || got.Image != tc.image || got.Total() != tc.frame+tc.image {
			t.Errorf("aa %d: MemoryNeeded = %+v (total %v), want frame %v, image %v", tc.aa, got, got.Total(), tc.frame, tc.image)
		}
	}

	// A large view, so that fixed costs vanish beside the estimate.
	v.Width, v.Height = 1000, 800
	for _, aa := range []int{1, 2} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		r, err := NewRenderer(v, aa, Options{})
		if err != nil {
			t.Fatal(err)
		}
		img := (&Painter{Palette: palettes[0]}).NewImage(r.Frame(), aa)
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(img)
		allocated := float64(after.TotalAlloc - before.TotalAlloc)
		if est := MemoryNeeded(v, aa).Total(); allocated < 0.95*est || allocated > 1.05*est {
			t.Errorf("aa %d: NewRenderer and NewImage allocated %.0f bytes, MemoryNeeded says %.0f", aa, allocated, est)
		}
	}
}
