package report

import (
	"fmt"
	"image/color"
	"io"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/mandel-project/mandel/bench"
	"github.com/mandel-project/mandel/bench/stats"
)

// Chart size: 800x500 pixels at vgimg's 96 dpi, a slide's half width.
const (
	chartW = vg.Length(600)
	chartH = vg.Length(375)
)

// charts writes the charts of every scene, as PNG and SVG.
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
		} {
			p, err := ch.make(sc.Name, mine)
			if err == nil && p != nil {
				err = savePlot(p, r.path("charts", ch.name+"-"+sc.Name))
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("report: chart %s-%s: %w", ch.name, sc.Name, err))
			}
		}
	}
	return errs
}

// savePlot writes p as base.png and base.svg.
func savePlot(p *plot.Plot, base string) error {
	for _, format := range []string{"png", "svg"} {
		wt, err := p.WriterTo(chartW, chartH, format)
		if err != nil {
			return err
		}
		err = bench.WriteFile(base+"."+format, func(w io.Writer) error {
			_, err := wt.WriteTo(w)
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func newPlot(title string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Legend.Top = true
	p.Legend.Left = true
	p.Add(plotter.NewGrid())
	return p
}

// addLine adds one strategy's line with points, and its legend entry.
func addLine(p *plot.Plot, label string, c color.Color, xys plotter.XYs) error {
	l, pts, err := plotter.NewLinePoints(xys)
	if err != nil {
		return err
	}
	l.Color = c
	l.Width = vg.Points(1.5)
	pts.Color = c
	pts.Shape = draw.CircleGlyph{}
	pts.Radius = vg.Points(2.5)
	p.Add(l, pts)
	p.Legend.Add(label, l, pts)
	return nil
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
	p.NominalX(names...)
	p.X.Min, p.X.Max = -0.6, float64(len(at))-0.4
	p.Y.Min = 0
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
	p.NominalX(names...)
	p.X.Min, p.X.Max = -0.6, float64(len(at))-0.4
	p.Y.Min = 0
	return p, nil
}
