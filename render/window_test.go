package render

import (
	"fmt"
	"slices"
	"testing"
)

// TestWindowRendersLikeWholeFrame: a renderer with a window of a few rows,
// moved down the view, renders each row as a whole-view renderer does, with
// the same work, with and without shortcuts and supersampling.
func TestWindowRendersLikeWholeFrame(t *testing.T) {
	v := View{Width: 37, Height: 23, Center: complex(-0.75, 0.1), Scale: 2.5, MaxIter: 300}
	for _, aa := range []int{1, 2} {
		for _, shortcuts := range []bool{false, true} {
			for _, rows := range []int{1, 5, 23, 40} {
				t.Run(fmt.Sprintf("aa%d/shortcuts=%v/rows%d", aa, shortcuts, rows), func(t *testing.T) {
					whole, err := NewRenderer(v, aa, Options{Shortcuts: shortcuts})
					if err != nil {
						t.Fatal(err)
					}
					wantWork := whole.RenderUnits(0, v.Height)
					r, err := NewRenderer(v, aa, Options{Shortcuts: shortcuts, Rows: rows})
					if err != nil {
						t.Fatal(err)
					}
					if y0, n := r.Window(); y0 != 0 || n != min(rows, v.Height) {
						t.Fatalf("Window() = %d, %d; want 0, %d", y0, n, min(rows, v.Height))
					}
					f, wf := r.Frame(), whole.Frame()
					if f.Height != min(rows, v.Height)*aa {
						t.Fatalf("frame height %d, want %d", f.Height, min(rows, v.Height)*aa)
					}
					var work int64
					for y0 := 0; y0 < v.Height; y0 += rows {
						r.SetWindow(y0)
						hi := min(y0+rows, v.Height)
						work += r.RenderUnits(y0, hi)
						n := (hi - y0) * aa * f.Width
						at := y0 * aa * f.Width
						if !slices.Equal(f.Iter[:n], wf.Iter[at:at+n]) || !slices.Equal(f.Mag2[:n], wf.Mag2[at:at+n]) {
							t.Fatalf("rows [%d, %d) differ from the whole frame's", y0, hi)
						}
					}
					if work != wantWork {
						t.Errorf("work %d, want %d", work, wantWork)
					}
				})
			}
		}
	}
}

// TestWindowRefusesRowsOutside: rows outside the window are a programming
// error, caught rather than written over other rows.
func TestWindowRefusesRowsOutside(t *testing.T) {
	v := View{Width: 8, Height: 20, Center: complex(-0.75, 0), Scale: 3, MaxIter: 50}
	r, err := NewRenderer(v, 1, Options{Rows: 4})
	if err != nil {
		t.Fatal(err)
	}
	r.SetWindow(8)
	for _, rows := range [][2]int{{7, 9}, {11, 13}, {0, 1}} {
		t.Run(fmt.Sprint(rows), func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("RenderUnits(%d, %d) with the window at [8, 12): no panic", rows[0], rows[1])
				}
			}()
			r.RenderUnits(rows[0], rows[1])
		})
	}
	for _, y0 := range []int{-1, 20} {
		t.Run(fmt.Sprint("SetWindow", y0), func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("SetWindow(%d): no panic", y0)
				}
			}()
			r.SetWindow(y0)
		})
	}
}

// TestMemoryNeededRows: a window costs its share of the frame and the image.
func TestMemoryNeededRows(t *testing.T) {
	v := View{Width: 1000, Height: 800, Center: complex(-0.75, 0), Scale: 3, MaxIter: 50}
	for _, aa := range []int{1, 3} {
		whole, strip := MemoryNeeded(v, aa), MemoryNeededRows(v, aa, 8)
		if got, want := strip.Image, whole.Image/100; got != want {
			t.Errorf("aa %d: image of 8 rows %v, want %v", aa, got, want)
		}
		if strip.Frame >= whole.Frame/50 || strip.Frame < whole.Frame/100 {
			t.Errorf("aa %d: frame of 8 rows %v, want about a hundredth of %v", aa, strip.Frame, whole.Frame)
		}
		if MemoryNeededRows(v, aa, 5000) != whole {
			t.Errorf("aa %d: a window taller than the view costs more than the view", aa)
		}
	}
}
