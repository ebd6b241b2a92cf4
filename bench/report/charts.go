package report

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/mandel-project/mandel/bench"
	"github.com/mandel-project/mandel/bench/stats"
)

// charts writes the charts of every scene, as PNG and SVG, and those of
// the whole sweep (heatmap, claims, model-vs-measured).
func (r *report) charts() []error {
	var errs []error
	for _, sc := range r.Env.Sweep.Scenes {
		var mine []bench.Summary
		for _, sum := range r.Summaries {
			if sum.Scene == sc.Name {
				mine = append(mine, sum)
			}
		}
		if len(mine) == 0 {
			continue
		}
		for _, ch := range []struct {
			name string
			make func(string, []bench.Summary) (*plot.Plot, error)
		}{
			{"speedup", r.scalingChart(speedupScaling)},
			{"efficiency", r.scalingChart(efficiencyScaling)},
			{"times", r.timesChart},
			{"busy", r.busyChart},
			{"grain", r.grainChart},
		} {
			p, err := ch.make(sc.Name, mine)
			if err == nil && p != nil {
				err = r.savePlot(p, r.path("charts", ch.name+"-"+sc.Name), sc.Name)
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("report: chart %s-%s: %w", ch.name, sc.Name, err))
			}
		}
	}
	for _, ch := range []struct {
		name string
		make func() (*figure, error)
	}{
		{"heatmap", r.heatmap},
		{"claims", r.claimsChart},
		{"model-vs-measured", r.modelVsMeasured},
	} {
		f, err := ch.make()
		if err == nil && f != nil {
			err = f.save(r.path("charts", ch.name))
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("report: chart %s: %w", ch.name, err))
		}
	}
	return errs
}

func newPlot(title string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = 13
	p.Legend.Top = true
	p.Legend.Left = true
	p.Legend.TextStyle.Font.Size = 10
	p.Legend.Padding = 2
	grid := plotter.NewGrid()
	grid.Vertical.Color, grid.Horizontal.Color = color.Gray{Y: 225}, color.Gray{Y: 225}
	p.Add(grid)
	return p
}

// idealLine is a dashed grey reference line.
func idealLine(xys plotter.XYs) (*plotter.Line, error) {
	l, err := plotter.NewLine(xys)
	if err != nil {
		return nil, err
	}
	l.Color = color.Gray{Y: 110}
	l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
	return l, nil
}

// modelLine is a strategy's predicted curve: dashed, in its colour.
func modelLine(xys plotter.XYs, c color.Color) (*plotter.Line, error) {
	l, err := plotter.NewLine(xys)
	if err != nil {
		return nil, err
	}
	l.Color = c
	l.Width = vg.Points(1.2)
	l.Dashes = []vg.Length{vg.Points(4), vg.Points(2.5)}
	return l, nil
}

// atMaxWorkers returns the summaries at the largest worker count measured,
// and that count; serial is included only when that count is 1.
func atMaxWorkers(sums []bench.Summary) ([]bench.Summary, int) {
	maxW := 0
	for _, sum := range sums {
		maxW = max(maxW, sum.Workers)
	}
	var out []bench.Summary
	for _, sum := range sums {
		if sum.Workers == maxW {
			out = append(out, sum)
		}
	}
	return out, maxW
}

// timesChart shows the distribution of run times of each strategy at the
// largest worker count as box plots (median, quartiles, whiskers at 1.5
// IQR, outliers as points).
func (r *report) timesChart(scene string, sums []bench.Summary) (*plot.Plot, error) {
	at, maxW := atMaxWorkers(sums)
	p := newPlot(fmt.Sprintf("render times at %d workers: %s", maxW, scene))
	p.Y.Label.Text = "time (ms)"
	var names []string
	for i, sum := range at {
		vals := make(plotter.Values, len(sum.Measured.Samples))
		for j, smp := range sum.Measured.Samples {
			vals[j] = smp.Wall.Seconds() * 1e3
		}
		box, err := plotter.NewBoxPlot(vg.Points(min(40, 400/float64(len(at)))), float64(i), vals)
		if err != nil {
			return nil, err
		}
		c := strategyColour(sum.Measured.Strategy)
		box.FillColor = color.NRGBA{c.R, c.G, c.B, 110}
		box.BoxStyle.Color = c
		box.MedianStyle.Color = c
		box.MedianStyle.Width = vg.Points(2)
		box.WhiskerStyle.Color = c
		box.GlyphStyle.Color = c
		p.Add(box)
		names = append(names, bench.Label(sum, len(r.Env.Sweep.Grains) > 1))
	}
	nominalX(p, names)
	p.X.Min, p.X.Max = -0.6, float64(len(at))-0.4
	p.Y.Min = 0
	p.Legend.Add("box: quartiles", legendBox{color.Gray{Y: 90}, color.Gray{Y: 200}})
	p.Legend.Add("bar: median", legendBox{color.Gray{Y: 60}, nil})
	p.Legend.Add("whiskers: 1.5 IQR", legendBox{color.Gray{Y: 160}, nil})
	p.Legend.Add("circles: outliers", legendBox{color.Gray{Y: 60}, color.White})
	return p, nil
}

// busyChart shows, for each strategy at the largest worker count, every
// worker's busy time in its median run: equal bars are a balanced schedule,
// a ragged group is imbalance, and the gap above a bar up to the run's wall
// time (the black tick) is that worker's idle time.
func (r *report) busyChart(scene string, sums []bench.Summary) (*plot.Plot, error) {
	at, maxW := atMaxWorkers(sums)
	p := newPlot(fmt.Sprintf("busy time per worker at %d workers (median run): %s", maxW, scene))
	p.Y.Label.Text = "busy time (ms); black: the run's wall time"
	var names []string
	bars := &rects{}
	for i, sum := range at {
		c := strategyColour(sum.Measured.Strategy)
		n := len(sum.BusyS)
		slot := 0.8 / float64(max(n, 1))
		for w, busy := range sum.BusyS {
			x0 := float64(i) - 0.4 + float64(w)*slot
			shade := c
			if w%2 == 1 { // alternate shades so neighbouring bars stay apart
				shade = color.RGBA{uint8(int(c.R) * 3 / 4), uint8(int(c.G) * 3 / 4), uint8(int(c.B) * 3 / 4), 255}
			}
			bars.add(x0, x0+slot, 0, busy*1e3, shade)
		}
		wall := sum.Measured.Samples[stats.MedianIndex(bench.Walls(sum.Measured.Samples))].Wall.Seconds() * 1e3
		bars.add(float64(i)-0.45, float64(i)+0.45, wall, wall, color.Black)
		names = append(names, bench.Label(sum, len(r.Env.Sweep.Grains) > 1))
	}
	p.Add(bars)
	nominalX(p, names)
	p.X.Min, p.X.Max = -0.6, float64(len(at))-0.4
	_, _, _, top := bars.DataRange()
	p.Y.Min, p.Y.Max = 0, top*1.05 // the wall ticks clear of the frame
	p.Legend.Add("a worker's busy time", legendBox{color.Gray{Y: 90}, color.Gray{Y: 140}})
	p.Legend.Add("(workers in order)", legendBox{color.White, color.White})
	p.Legend.Add("the run's wall time", legendBox{color.Black, nil})
	return p, nil
}

// nominalX names the x ticks, turning the labels 45 degrees when they
// would overlap side by side and upright when even that would not fit.
func nominalX(p *plot.Plot, names []string) {
	p.NominalX(names...)
	st := p.X.Tick.Label
	widest := vg.Length(0)
	for _, n := range names {
		widest = max(widest, st.Width(n))
	}
	avail := figW * 0.65 // the plot area when the legend takes its column
	n := vg.Length(len(names))
	switch {
	case n*(widest+st.Font.Size) <= avail:
		return
	case n*st.Font.Size*1.6 <= avail:
		p.X.Tick.Label.Rotation = math.Pi / 4
	default:
		p.X.Tick.Label.Rotation = math.Pi / 2
	}
	p.X.Tick.Label.XAlign = draw.XRight
	p.X.Tick.Label.YAlign = draw.YCenter
}

// legendBox is a legend thumbnail of a filled box (fill nil: a line).
type legendBox struct {
	line, fill color.Color
}

// Thumbnail implements plot.Thumbnailer.
func (b legendBox) Thumbnail(c *draw.Canvas) {
	r := c.Rectangle
	midY := (r.Min.Y + r.Max.Y) / 2
	if b.fill == nil {
		c.StrokeLine2(draw.LineStyle{Color: b.line, Width: vg.Points(1.5)}, r.Min.X, midY, r.Max.X, midY)
		return
	}
	h := (r.Max.Y - r.Min.Y) * 0.35
	pts := []vg.Point{{X: r.Min.X, Y: midY - h}, {X: r.Max.X, Y: midY - h}, {X: r.Max.X, Y: midY + h}, {X: r.Min.X, Y: midY + h}}
	c.FillPolygon(b.fill, pts)
	c.StrokeLines(draw.LineStyle{Color: b.line, Width: vg.Points(0.8)}, append(pts, pts[0]))
}
