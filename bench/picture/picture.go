// Package picture draws the pictures of a benchmark sweep from a frame:
// the scene, its cost map, and the map of which worker rendered which row.
package picture

import (
	"image"
	"image/color"
	"math"

	xdraw "golang.org/x/image/draw"

	"github.com/mandel-project/mandel/render"
	"github.com/mandel-project/mandel/strategies"
)

// MaxSide is the longest side of a picture that Scene, CostWithBar and
// ScheduleWithKey return, their keys included. A sweep sizes its scenes
// for the machine (3632 pixels a side on the 2-core development VM, more
// on a fast one), and pictures at that size made 30 MB of a 38 MB run
// folder while showing a reader nothing that 1024 pixels do not.
const MaxSide = 1024

// Scene paints a frame with the classic palette, shrunk to MaxSide.
func Scene(f *render.Frame) image.Image {
	pal, _ := render.LookupPalette("classic")
	painter := &render.Painter{Palette: pal}
	img := painter.NewImage(f, 1)
	painter.PaintRows(img, f, 1, 0, f.Height)
	return shrink(img, MaxSide, MaxSide)
}

// shrink returns img scaled down, keeping its aspect, to at most maxW x
// maxH, or img itself when it fits. Catmull-Rom, whose kernel x/image
// widens by the shrink factor, averages the pixels each output pixel
// covers: a frame's fine filaments would alias into noise if every
// fourth pixel were picked.
func shrink(img image.Image, maxW, maxH int) image.Image {
	b := img.Bounds()
	if b.Dx() <= maxW && b.Dy() <= maxH {
		return img
	}
	f := min(float64(maxW)/float64(b.Dx()), float64(maxH)/float64(b.Dy()))
	w := min(maxW, max(1, int(float64(b.Dx())*f)))
	h := min(maxH, max(1, int(float64(b.Dy())*f)))
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	xdraw.CatmullRom.Scale(out, out.Bounds(), img, b, xdraw.Src, nil)
	return out
}

// shrinkForKey shrinks img so that with a key under it (withKey) neither
// side passes MaxSide. The key's height grows with the width, which the
// shrink only lowers, so the key of the width before it is a safe bound.
func shrinkForKey(img image.Image) image.Image {
	w := img.Bounds().Dx()
	return shrink(img, MaxSide, MaxSide-keyHeight(min(w, MaxSide)))
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

// Cost shows iterations per pixel, log scale: where the work is.
func Cost(f *render.Frame) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, f.Width, f.Height))
	for i := range f.Iter {
		img.Set(i%f.Width, i/f.Width, heatAt(costLevel(f, i)))
	}
	return img
}

// tableau is Tableau 10, a palette whose colours stay distinct for most
// colour-blind readers and in greyscale print.
var tableau = []color.RGBA{
	{31, 119, 180, 255}, {255, 127, 14, 255}, {44, 160, 44, 255}, {214, 39, 40, 255}, {148, 103, 189, 255},
	{140, 86, 75, 255}, {227, 119, 194, 255}, {127, 127, 127, 255}, {188, 189, 34, 255}, {23, 190, 207, 255},
}

// WorkerColour gives worker w a colour: Tableau 10 for the first ten, then
// hues spaced by the golden angle, which stay apart for any count.
func WorkerColour(w int) color.RGBA {
	if w < len(tableau) {
		return tableau[w]
	}
	h := math.Mod(float64(w)*137.508, 360)
	return HSV(h, 0.65, 0.9)
}

// HSV returns the colour of hue h in degrees, saturation s and value v in
// [0, 1].
func HSV(h, s, v float64) color.RGBA {
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

// Schedule colours every row by the worker that rendered it, darkened
// where the pixels were cheap so that the scene stays recognisable: bands
// show W stripes of very different cost, cyclic fine stripes, steal a
// patchwork that follows the cost.
func Schedule(f *render.Frame, rep *strategies.Report) image.Image {
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
			c = WorkerColour(owner[y])
		}
		for x := 0; x < f.Width; x++ {
			k := 0.35 + 0.65*costLevel(f, y*f.Width+x)
			img.SetRGBA(x, y, color.RGBA{uint8(float64(c.R) * k), uint8(float64(c.G) * k), uint8(float64(c.B) * k), 255})
		}
	}
	return img
}
