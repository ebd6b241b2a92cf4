package report

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/mandel-project/mandel/bench"
	"github.com/mandel-project/mandel/bench/model"
	"github.com/mandel-project/mandel/bench/stats"
	"github.com/mandel-project/mandel/strategies"
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
		err = writeFile(base+"."+format, func(w io.Writer) error {
			_, err := wt.WriteTo(w)
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// series groups a scene's summaries into one line per strategy (and grain,
// when several were measured), in catalogue order, serial left out: it is
// the baseline, a single point at one worker.
type series struct {
	label    string
	strategy strategies.Strategy
	points   []bench.Summary
}

func (r *report) lines(sums []bench.Summary) []series {
	var out []series
	for _, sum := range sums {
		if sum.Measured.Strategy == strategies.Serial || sum.Speedup == nil {
			continue
		}
		lbl := bench.Label(sum, len(r.Env.Sweep.Grains) > 1)
		i := slices.IndexFunc(out, func(x series) bool { return x.label == lbl })
		if i < 0 {
			out = append(out, series{label: lbl, strategy: sum.Measured.Strategy})
			i = len(out) - 1
		}
		out[i].points = append(out[i].points, sum)
	}
	return out
}

// axisWorkers returns the worker counts of the scaling charts' axis, in
// increasing order: those measured and, with --simulate, those simulated.
func (r *report) axisWorkers() []int {
	ws := slices.Concat(r.Env.Sweep.Workers, r.Simulate)
	slices.Sort(ws)
	return slices.Compact(ws)
}

// workerAxis makes x the worker axis: logarithmic, with a tick at every
// worker count measured or simulated (a log axis needs two distinct
// counts).
func (r *report) workerAxis(a *plot.Axis) {
	ws := r.axisWorkers()
	logAxis(a, ws)
	a.Label.Text = "workers (= GOMAXPROCS)"
	if len(ws) > 1 {
		a.Min, a.Max = float64(ws[0])/1.15, float64(ws[len(ws)-1])*1.15
	} else {
		a.Min, a.Max = float64(ws[0])-1, float64(ws[0])+1
	}
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

// scaling is a measure of scaling that a chart plots against workers.
type scaling struct {
	title, yLabel string
	// value is the measure of a summary that has a speedup; predicted is
	// the same measure of a simulated run.
	value     func(bench.Summary) float64
	predicted func(*model.Result) float64
	// ideal is the measure of perfect scaling at w workers.
	ideal func(w float64) float64
	// logY puts y on a log scale with the worker axis's ticks: a measure
	// that grows with the workers, drawn log-log, shows perfect scaling as
	// the diagonal.
	logY bool
	// legendBelow puts the legend in the bottom left corner, out of the way
	// of lines that start at the top.
	legendBelow bool
}

var (
	speedupScaling = scaling{
		title: "speedup over serial", yLabel: "speedup = median(serial) / median",
		value:     func(s bench.Summary) float64 { return *s.Speedup },
		predicted: func(r *model.Result) float64 { return r.Speedup },
		ideal:     func(w float64) float64 { return w },
		logY:      true,
	}
	efficiencyScaling = scaling{
		title: "parallel efficiency", yLabel: "efficiency = speedup / workers",
		value:       func(s bench.Summary) float64 { return *s.Efficiency },
		predicted:   func(r *model.Result) float64 { return r.Efficiency },
		ideal:       func(float64) float64 { return 1 },
		legendBelow: true,
	}
)

// scalingChart returns the chart of m against workers, one line per
// strategy, with m's ideal as a dashed line.
func (r *report) scalingChart(m scaling) func(scene string, sums []bench.Summary) (*plot.Plot, error) {
	return func(scene string, sums []bench.Summary) (*plot.Plot, error) { return r.plotScaling(m, scene, sums) }
}

func (r *report) plotScaling(m scaling, scene string, sums []bench.Summary) (*plot.Plot, error) {
	title := fmt.Sprintf("%s: %s", m.title, scene)
	if len(r.Simulate) > 0 && len(r.Env.Sweep.Grains) > 1 {
		// A model curve beside every measured grain would make a legend
		// taller than the chart: with the model, measured lines show the
		// model's grain only (summary.md has them all).
		g := r.modelGrain()
		sums = slices.DeleteFunc(slices.Clone(sums), func(s bench.Summary) bool { return s.UsesGrain && s.Grain != g })
	}
	lines := r.lines(sums)
	if len(lines) == 0 {
		return nil, nil
	}
	pred, grain, err := r.predictions(m, scene, lines)
	if err != nil {
		return nil, err
	}
	if pred != nil {
		title += fmt.Sprintf(", grain %d; dashed: model", grain)
	}
	p := newPlot(title)
	p.Legend.Top = !m.legendBelow
	p.Y.Label.Text = m.yLabel
	axis := r.axisWorkers()
	first, last := float64(axis[0]), float64(axis[len(axis)-1])
	ideal, err := idealLine(plotter.XYs{{X: first, Y: m.ideal(first)}, {X: last, Y: m.ideal(last)}})
	if err != nil {
		return nil, err
	}
	p.Add(ideal)
	p.Legend.Add("ideal", ideal)
	lo, hi := math.Min(m.ideal(first), m.ideal(last)), math.Max(m.ideal(first), m.ideal(last))
	for _, ln := range lines {
		var xys plotter.XYs
		for _, sum := range ln.points {
			y := m.value(sum)
			xys = append(xys, plotter.XY{X: float64(sum.Workers), Y: y})
			lo, hi = math.Min(lo, y), math.Max(hi, y)
		}
		if err := addLine(p, ln.label, strategyColour(ln.strategy), xys); err != nil {
			return nil, err
		}
	}
	for _, pr := range pred {
		for _, xy := range pr.xys {
			lo, hi = math.Min(lo, xy.Y), math.Max(hi, xy.Y)
		}
		l, err := modelLine(pr.xys, strategyColour(pr.strategy))
		if err != nil {
			return nil, err
		}
		p.Add(l)
		p.Legend.Add(pr.strategy.Name()+" (model)", l)
	}
	r.workerAxis(&p.X)
	if !m.logY {
		p.Y.Min, p.Y.Max = 0, hi*1.1
		return p, nil
	}
	if len(axis) > 1 { // a log axis needs two distinct counts, as x does
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = p.X.Tick.Marker
	}
	p.Y.Min, p.Y.Max = lo/1.15, hi*1.15
	return p, nil
}

// prediction is one strategy's model curve in a scaling chart.
type prediction struct {
	strategy strategies.Strategy
	xys      plotter.XYs
}

// modelGrain is the grain of the model curves: 1 when it was measured, else
// the smallest measured.
func (r *report) modelGrain() int { return slices.Min(r.Env.Sweep.Grains) }

// predictions returns, when the sweep had --simulate, the model's curve of
// m for each strategy charted, over the simulated worker counts, and the
// grain of the strategies that use one (modelGrain), so that each strategy
// has one model curve and the chart stays readable.
func (r *report) predictions(m scaling, scene string, lines []series) ([]prediction, int, error) {
	if len(r.Simulate) == 0 {
		return nil, 0, nil
	}
	i := slices.IndexFunc(r.Scenes, func(sr *bench.SceneResult) bool { return sr.Name == scene })
	if i < 0 || r.Scenes[i].RowCosts == nil {
		return nil, 0, nil // the sweep stopped before the rows were timed
	}
	costs := r.Scenes[i].RowCosts
	grain := r.modelGrain()
	var out []prediction
	for _, ln := range lines {
		if slices.ContainsFunc(out, func(p prediction) bool { return p.strategy == ln.strategy }) {
			continue
		}
		pr := prediction{strategy: ln.strategy}
		for _, w := range r.Simulate {
			res, err := model.Simulate(ln.strategy, costs, r.Machine.Params(ln.strategy, w, grain))
			if err != nil {
				return nil, 0, err
			}
			pr.xys = append(pr.xys, plotter.XY{X: float64(w), Y: m.predicted(res)})
		}
		out = append(out, pr)
	}
	return out, grain, nil
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
