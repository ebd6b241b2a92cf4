package picture

import (
	"image"
	"image/color"
	"testing"

	"github.com/mandel-project/mandel/render"
	"github.com/mandel-project/mandel/strategies"
)

// TestSchedule checks that each row takes its worker's colour, full where
// the pixel costs maxiter and darkened to 35% where it costs nothing, and
// that a row no block covered stays white (darkened alike).
func TestSchedule(t *testing.T) {
	f := &render.Frame{Width: 2, Height: 3, MaxIter: 100, Iter: []uint32{100, 0, 100, 0, 100, 0}, Mag2: make([]float64, 6)}
	rep := &strategies.Report{Trace: []strategies.Block{{Worker: 0, Lo: 0, Hi: 1}, {Worker: 1, Lo: 1, Hi: 2}}}
	img := Schedule(f, rep)
	scale := func(c color.RGBA, k float64) color.RGBA {
		return color.RGBA{uint8(float64(c.R) * k), uint8(float64(c.G) * k), uint8(float64(c.B) * k), 255}
	}
	white := color.RGBA{255, 255, 255, 255}
	for _, tc := range []struct {
		x, y int
		want color.RGBA
	}{
		{0, 0, scale(WorkerColour(0), 1)}, {1, 0, scale(WorkerColour(0), 0.35)},
		{0, 1, scale(WorkerColour(1), 1)}, {1, 2, scale(white, 0.35)},
	} {
		if got := img.At(tc.x, tc.y); got != tc.want {
			t.Errorf("pixel (%d, %d) is %v, want %v", tc.x, tc.y, got, tc.want)
		}
	}
}

// TestWorkerColours checks that the first 64 workers have distinct colours.
func TestWorkerColours(t *testing.T) {
	seen := map[color.RGBA]int{}
	for w := range 64 {
		c := WorkerColour(w)
		if v, ok := seen[c]; ok {
			t.Errorf("workers %d and %d share the colour %v", v, w, c)
		}
		seen[c] = w
	}
}

// The keys keep the picture as it was, above a white panel that is at
// least keyMinWidth wide, with the colour bar's ends or the workers'
// swatches drawn on it.
func TestKeys(t *testing.T) {
	f := &render.Frame{Width: 2, Height: 3, MaxIter: 100, Iter: []uint32{100, 0, 100, 0, 100, 0}, Mag2: make([]float64, 6)}
	rep := &strategies.Report{Workers: make([]strategies.WorkerStats, 2),
		Trace: []strategies.Block{{Worker: 0, Lo: 0, Hi: 1}, {Worker: 1, Lo: 1, Hi: 3}}}
	for name, pair := range map[string][2]image.Image{
		"cost":     {Cost(f), CostWithBar(f)},
		"schedule": {Schedule(f, rep), ScheduleWithKey(f, rep)},
	} {
		plain, keyed := pair[0], pair[1]
		b := keyed.Bounds()
		if b.Dx() != keyMinWidth || b.Dy() != 3+keyHeight(2) {
			t.Errorf("%s: keyed picture is %v", name, b)
		}
		for y := 0; y < 3; y++ {
			for x := 0; x < 2; x++ {
				if plain.At(x, y) != keyed.At(x, y) {
					t.Errorf("%s: pixel (%d, %d) changed", name, x, y)
				}
			}
		}
		m := keyHeight(2) / 6
		probe := image.Point{m, 3 + m + 1} // the bar's left end, or worker 0's swatch
		want := color.Color(heatAt(0))
		if name == "schedule" {
			want = WorkerColour(0)
		}
		if got := keyed.At(probe.X, probe.Y); got != want {
			t.Errorf("%s: key pixel %v is %v, want %v", name, probe, got, want)
		}
		if got := keyed.At(b.Dx()-1, b.Dy()-1); got != (color.RGBA{255, 255, 255, 255}) {
			t.Errorf("%s: the panel's corner is %v, want white", name, got)
		}
	}
}

// TestMaxSide: pictures of a frame larger than MaxSide are shrunk, keys
// included, keeping the frame's aspect; the shrunk scene keeps the colour
// of a region of uniform cost (the filter averages, it does not invent);
// a frame that fits is drawn pixel for pixel (TestKeys). The frames are
// thin, so that the test stays fast under the race detector.
func TestMaxSide(t *testing.T) {
	for _, size := range [][2]int{{1300, 40}, {40, 1100}} {
		w, h := size[0], size[1]
		f := &render.Frame{Width: w, Height: h, MaxIter: 100, Escape2: 4, Iter: make([]uint32, w*h), Mag2: make([]float64, w*h)}
		for i := range f.Iter {
			f.Iter[i] = 100 // inside: the classic palette's black
		}
		rep := &strategies.Report{Workers: make([]strategies.WorkerStats, 2),
			Trace: []strategies.Block{{Worker: 0, Lo: 0, Hi: h / 2}, {Worker: 1, Lo: h / 2, Hi: h}}}
		scene := Scene(f)
		b := scene.Bounds()
		if max(b.Dx(), b.Dy()) != MaxSide {
			t.Errorf("%dx%d: the scene is %dx%d, want its long side %d", w, h, b.Dx(), b.Dy(), MaxSide)
		}
		if got, want := float64(b.Dx())/float64(b.Dy()), float64(w)/float64(h); got < want*0.97 || got > want*1.03 {
			t.Errorf("%dx%d: the scene is %dx%d, aspect %.3f, want %.3f", w, h, b.Dx(), b.Dy(), got, want)
		}
		if r, g, bl, _ := scene.At(b.Dx()/2, b.Dy()/2).RGBA(); r|g|bl != 0 {
			t.Errorf("%dx%d: the shrunk scene's centre is %v, want the inside's black", w, h, scene.At(b.Dx()/2, b.Dy()/2))
		}
		for name, img := range map[string]image.Image{"cost": CostWithBar(f), "schedule": ScheduleWithKey(f, rep)} {
			if kb := img.Bounds(); kb.Dx() > MaxSide || kb.Dy() > MaxSide || max(kb.Dx(), kb.Dy()) < MaxSide*3/4 {
				t.Errorf("%dx%d: the %s picture is %dx%d, want it within %d and not much smaller", w, h, name, kb.Dx(), kb.Dy(), MaxSide)
			}
		}
	}
}
