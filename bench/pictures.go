package bench

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/mandel-project/mandel/render"
	"github.com/mandel-project/mandel/strategies"
)

// The pictures are drawn while the sweep runs, when the renderer's frame
// is known to be the reference (no copy of it is kept): the scene and its
// cost map right after the reference render, each schedule map right after
// its checked, traced run. They are written at once rather than kept for
// Result.Write: keeping them would hold a picture per strategy and scene,
// several times the frames' memory, where writing holds one at a time.
// Their write errors wait for Write, which reports them with its own.

// scenePictures writes the scene and its cost map from its reference frame.
func (s *sweep) scenePictures(sc *sceneRun) {
	dir := s.path("pictures", sc.Name)
	f := sc.r.Frame()
	s.writeErrs = append(s.writeErrs,
		writePNG(dir+"/scene.png", sceneImage(f)),
		writePNG(dir+"/cost.png", costImage(f)))
}

// schedulePicture writes the schedule map of c's traced run, whose frame
// has just been checked.
func (s *sweep) schedulePicture(c *config, rep *strategies.Report) {
	path := s.path("pictures", c.scene.Name, "schedule-"+c.strategy.Name()+".png")
	s.writeErrs = append(s.writeErrs, writePNG(path, scheduleImage(c.scene.r.Frame(), rep)))
}

// timelines writes, for every traced strategy, a timeline of its run.
func (r *Result) timelines() []error {
	var errs []error
	for _, c := range r.configs {
		rep, ok := r.traces[c]
		if !ok {
			continue
		}
		p := timeline(c, rep)
		wt, err := p.WriterTo(chartW, timelineHeight(c.workers), "png")
		if err == nil {
			err = writeFile(r.path("pictures", c.scene.Name, "timeline-"+c.strategy.Name()+".png"), func(w io.Writer) error {
				_, err := wt.WriteTo(w)
				return err
			})
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("bench: timeline of %s: %w", c, err))
		}
	}
	return errs
}

func writePNG(path string, img image.Image) error {
	return writeFile(path, func(w io.Writer) error { return png.Encode(w, img) })
}

// sceneImage paints a frame with the classic palette.
func sceneImage(f *render.Frame) image.Image {
	pal, _ := render.LookupPalette("classic")
	painter := &render.Painter{Palette: pal}
	img := painter.NewImage(f, 1)
	painter.PaintRows(img, f, 1, 0, f.Height)
	return img
}

// costLevel maps a pixel's iteration count to [0, 1] on a log scale: cost
// spans three orders of magnitude, and a linear scale would show only the
// set itself.
func costLevel(f *render.Frame, i int) float64 {
	return math.Log1p(float64(f.Iter[i])) / math.Log1p(float64(f.MaxIter))
}

// heat is the cost map's colour scale, dark (cheap) to bright (expensive).
var heat = []color.RGBA{{0, 0, 4, 255}, {87, 16, 110, 255}, {188, 55, 84, 255}, {249, 142, 9, 255}, {252, 255, 164, 255}}

func heatAt(t float64) color.RGBA {
	t = math.Max(0, math.Min(1, t)) * float64(len(heat)-1)
	i := min(int(t), len(heat)-2)
	frac := t - float64(i)
	a, b := heat[i], heat[i+1]
	lerp := func(x, y uint8) uint8 { return uint8(float64(x) + (float64(y)-float64(x))*frac + 0.5) }
	return color.RGBA{lerp(a.R, b.R), lerp(a.G, b.G), lerp(a.B, b.B), 255}
}

// costImage shows iterations per pixel, log scale: where the work is.
func costImage(f *render.Frame) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, f.Width, f.Height))
	for i := range f.Iter {
		img.Set(i%f.Width, i/f.Width, heatAt(costLevel(f, i)))
	}
	return img
}

// workerColour gives worker w a colour: Tableau 10 for the first ten, then
// hues spaced by the golden angle, which stay apart for any count.
func workerColour(w int) color.RGBA {
	if w < len(tableau) {
		return tableau[w]
	}
	h := math.Mod(float64(w)*137.508, 360)
	return hsv(h, 0.65, 0.9)
}

func hsv(h, s, v float64) color.RGBA {
	c := v * s
	x := c * (1 - math.Abs(math.Mod(h/60, 2)-1))
	m := v - c
	var r, g, b float64
	switch {
	case h < 60:
		r, g, b = c, x, 0
	case h < 120:
		r, g, b = x, c, 0
	case h < 180:
		r, g, b = 0, c, x
	case h < 240:
		r, g, b = 0, x, c
	case h < 300:
		r, g, b = x, 0, c
	default:
		r, g, b = c, 0, x
	}
	to := func(f float64) uint8 { return uint8((f+m)*255 + 0.5) }
	return color.RGBA{to(r), to(g), to(b), 255}
}

// scheduleImage colours every row by the worker that rendered it, darkened
// where the pixels were cheap so that the scene stays recognisable: bands
// show W stripes of very different cost, cyclic fine stripes, steal a
// patchwork that follows the cost.
func scheduleImage(f *render.Frame, rep *strategies.Report) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, f.Width, f.Height))
	owner := make([]int, f.Height)
	for i := range owner {
		owner[i] = -1
	}
	for _, b := range rep.Trace {
		for y := b.Lo; y < b.Hi && y < f.Height; y++ {
			owner[y] = b.Worker
		}
	}
	for y := 0; y < f.Height; y++ {
		c := color.RGBA{255, 255, 255, 255}
		if owner[y] >= 0 {
			c = workerColour(owner[y])
		}
		for x := 0; x < f.Width; x++ {
			k := 0.35 + 0.65*costLevel(f, y*f.Width+x)
			img.SetRGBA(x, y, color.RGBA{uint8(float64(c.R) * k), uint8(float64(c.G) * k), uint8(float64(c.B) * k), 255})
		}
	}
	return img
}

// timelineHeight grows with the worker count up to a limit.
func timelineHeight(workers int) vg.Length {
	return vg.Length(math.Min(120+18*float64(workers), 700))
}

// timeline draws every block of the traced run as a bar in its worker's
// lane, from its start to its end; consecutive blocks alternate in shade so
// their boundaries show, and the gaps are time the worker was not rendering.
func timeline(c *config, rep *strategies.Report) *plot.Plot {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s / %s: %d workers, grain %d, %d blocks, wall %s (traced, untimed run)",
		c.scene.Name, c.strategy.Name(), c.workers, c.grain, len(rep.Trace), formatSeconds(rep.Wall.Seconds()))
	p.X.Label.Text = "time since the start of the run (ms)"
	p.Y.Label.Text = "worker"
	bars := &rects{}
	count := make([]int, len(rep.Workers))
	for _, b := range rep.Trace {
		col := workerColour(b.Worker)
		if count[b.Worker]%2 == 1 {
			col = color.RGBA{uint8(int(col.R) * 2 / 3), uint8(int(col.G) * 2 / 3), uint8(int(col.B) * 2 / 3), 255}
		}
		count[b.Worker]++
		lane := float64(b.Worker)
		bars.add(b.Start.Seconds()*1e3, b.End.Seconds()*1e3, lane+0.1, lane+0.9, col)
	}
	p.Add(bars)
	p.X.Min, p.X.Max = 0, rep.Wall.Seconds()*1e3
	p.Y.Min, p.Y.Max = 0, float64(len(rep.Workers))
	step := max(1, len(rep.Workers)/16)
	var ticks plot.ConstantTicks
	for w := 0; w < len(rep.Workers); w += step {
		ticks = append(ticks, plot.Tick{Value: float64(w) + 0.5, Label: fmt.Sprint(w)})
	}
	p.Y.Tick.Marker = ticks
	return p
}
