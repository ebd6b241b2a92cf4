package report

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// rects is a plotter of filled rectangles in data coordinates; one of zero
// height is drawn as a line.
type rects struct {
	r []rect
}

type rect struct {
	x0, x1, y0, y1 float64
	c              color.Color
}

func (r *rects) add(x0, x1, y0, y1 float64, c color.Color) {
	r.r = append(r.r, rect{x0, x1, y0, y1, c})
}

// Plot implements plot.Plotter.
func (r *rects) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, b := range r.r {
		x0, x1, y0, y1 := trX(b.x0), trX(b.x1), trY(b.y0), trY(b.y1)
		if b.y0 == b.y1 {
			c.StrokeLine2(draw.LineStyle{Color: b.c, Width: vg.Points(1.5)}, x0, y0, x1, y1)
			continue
		}
		pts := c.ClipPolygonXY([]vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}})
		c.FillPolygon(b.c, pts)
	}
}

// DataRange implements plot.DataRanger.
func (r *rects) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	for _, b := range r.r {
		xmin, xmax = math.Min(xmin, b.x0), math.Max(xmax, b.x1)
		ymin, ymax = math.Min(ymin, b.y0), math.Max(ymax, b.y1)
	}
	if len(r.r) == 0 {
		return 0, 1, 0, 1
	}
	return xmin, xmax, ymin, ymax
}
