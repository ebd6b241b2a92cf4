package picture

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"github.com/mandel-project/mandel/render"
	"github.com/mandel-project/mandel/strategies"
)

// A picture's key is a white panel under it: the cost map's colour bar,
// the schedule map's worker colours. It is at least keyMinWidth wide,
// wider than the picture when the picture is small, so that its text stays
// legible; its height grows with the width.
const keyMinWidth = 480

var (
	regularOnce sync.Once
	regular     *opentype.Font
)

// face returns Go's regular font at size pixels.
func face(size float64) font.Face {
	regularOnce.Do(func() {
		regular, _ = opentype.Parse(goregular.TTF) // a font compiled in: it parses
	})
	f, err := opentype.NewFace(regular, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil
	}
	return f
}

// withKey returns img with a panel of height h under it, and the panel's
// rectangle, for the key to draw on.
func withKey(img image.Image, h int) (*image.RGBA, image.Rectangle) {
	b := img.Bounds()
	w := max(b.Dx(), keyMinWidth)
	out := image.NewRGBA(image.Rect(0, 0, w, b.Dy()+h))
	draw.Draw(out, out.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(out, image.Rect(0, 0, b.Dx(), b.Dy()), img, b.Min, draw.Src)
	return out, image.Rect(0, b.Dy(), w, b.Dy()+h)
}

// keyHeight is the panel's height for a picture w wide.
func keyHeight(w int) int { return max(w, keyMinWidth) / 8 }

// text draws s at (x, baseline y) and returns its width.
func text(img draw.Image, f font.Face, x, y int, s string, c color.Color) int {
	d := &font.Drawer{Dst: img, Src: image.NewUniform(c), Face: f, Dot: fixed.P(x, y)}
	d.DrawString(s)
	return d.Dot.X.Round() - x
}

func textWidth(f font.Face, s string) int { return font.MeasureString(f, s).Round() }

// CostWithBar is Cost, shrunk to fit MaxSide with its key, with a colour
// bar under it, labelled in iterations per pixel on the map's log scale.
func CostWithBar(f *render.Frame) image.Image {
	pic := shrinkForKey(Cost(f))
	h := keyHeight(pic.Bounds().Dx())
	img, panel := withKey(pic, h)
	fc := face(float64(h) * 0.22)
	if fc == nil {
		return img
	}
	defer fc.Close()
	m := h / 6
	x0, x1 := panel.Min.X+m, panel.Max.X-m
	barTop, barBot := panel.Min.Y+m, panel.Min.Y+m+h/4
	for x := x0; x < x1; x++ {
		c := heatAt(float64(x-x0) / float64(x1-x0-1))
		for y := barTop; y < barBot; y++ {
			img.SetRGBA(x, y, c)
		}
	}
	// Ticks at the powers of ten up to maxiter, on costLevel's scale.
	level := func(v float64) float64 { return math.Log1p(v) / math.Log1p(float64(f.MaxIter)) }
	base := barBot + h/4
	last := math.MinInt
	ticks := []float64{0}
	for v := 1.0; v < float64(f.MaxIter); v *= 10 {
		ticks = append(ticks, v)
	}
	ticks = append(ticks, float64(f.MaxIter))
	for i, v := range ticks {
		x := x0 + int(level(v)*float64(x1-x0-1))
		label := fmt.Sprint(int(v))
		if i == len(ticks)-1 {
			label += " (maxiter)"
		}
		w := textWidth(fc, label)
		lx := min(max(x-w/2, x0), x1-w)
		if lx < last+m/2 && i != len(ticks)-1 {
			continue // no room beside the previous label
		}
		for y := barBot; y < barBot+m/2; y++ {
			img.SetRGBA(x, y, color.RGBA{A: 255})
		}
		text(img, fc, lx, base, label, color.Black)
		last = lx + w
	}
	text(img, fc, x0, panel.Max.Y-m/2, "iterations per pixel, log scale: where the work is", color.Gray{Y: 60})
	return img
}

// ScheduleWithKey is Schedule, shrunk to fit MaxSide with its key, with
// the workers' colours under it.
func ScheduleWithKey(f *render.Frame, rep *strategies.Report) image.Image {
	pic := shrinkForKey(Schedule(f, rep))
	h := keyHeight(pic.Bounds().Dx())
	img, panel := withKey(pic, h)
	fc := face(float64(h) * 0.22)
	if fc == nil {
		return img
	}
	defer fc.Close()
	m := h / 6
	x, y := panel.Min.X+m, panel.Min.Y+m
	sw := h / 4
	workers := len(rep.Workers)
	for w := 0; w < workers; w++ {
		label := fmt.Sprintf("worker %d", w)
		need := sw + m/2 + textWidth(fc, label) + m
		if x+need > panel.Max.X-m {
			text(img, fc, x, y+sw, fmt.Sprintf("... %d in all", workers), color.Black)
			break
		}
		draw.Draw(img, image.Rect(x, y, x+sw, y+sw), image.NewUniform(WorkerColour(w)), image.Point{}, draw.Src)
		text(img, fc, x+sw+m/2, y+sw, label, color.Black)
		x += need
	}
	text(img, fc, panel.Min.X+m, panel.Max.Y-m/2, "each row in the colour of its worker, darker where cheaper", color.Gray{Y: 60})
	return img
}
