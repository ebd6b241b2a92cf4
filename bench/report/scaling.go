package report

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/mandel-project/mandel/bench"
	"github.com/mandel-project/mandel/bench/model"
	"github.com/mandel-project/mandel/bench/stats"
	"github.com/mandel-project/mandel/strategies"
)

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
	// amdahl draws, on a scene with a serial prefix (a deep scene's
	// reference orbit), the bound that the prefix sets to the measure at
	// any worker count: bound is the bound on the speedup.
	amdahl func(bound, w float64) float64
}

var (
	speedupScaling = scaling{
		title: "speedup over serial", yLabel: "speedup = median(serial) / median",
		value:     func(s bench.Summary) float64 { return *s.Speedup },
		predicted: func(r *model.Result) float64 { return r.Speedup },
		ideal:     func(w float64) float64 { return w },
		logY:      true,
		amdahl:    func(bound, _ float64) float64 { return bound },
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
	serial := r.serialSummary(scene)
	if sr := r.scene(scene); m.amdahl != nil && serial != nil && sr != nil && sr.ReferenceS > 0 {
		b := m.amdahl(serial.MedianS/sr.ReferenceS, last)
		bound, err := plotter.NewLine(plotter.XYs{{X: first, Y: b}, {X: last, Y: b}})
		if err != nil {
			return nil, err
		}
		bound.Color = color.Gray{Y: 60}
		bound.Dashes = []vg.Length{vg.Points(1.5), vg.Points(2.5)}
		p.Add(bound)
		p.Legend.Add(fmt.Sprintf("Amdahl's bound: serial / reference orbit (%s)", bench.FormatSeconds(sr.ReferenceS)), bound)
		hi = math.Max(hi, b)
	}
	grains := shownGrains(lines)
	bars := false
	// A CI bar may reach far beyond the points on a noisy machine: the
	// axis stops at twice the points' range (log) or half of it above
	// (linear), and bars end there, so that the points stay readable.
	pLo, pHi := lo, hi
	for _, ln := range lines {
		for _, sum := range ln.points {
			pLo, pHi = math.Min(pLo, m.value(sum)), math.Max(pHi, m.value(sum))
		}
	}
	capLo, capHi := pLo/2, pHi*2
	if !m.logY {
		capLo, capHi = 0, pHi*1.5
	}
	for k, ln := range lines {
		style := grainStyle(ln, grains)
		// Strategies share their worker counts: each moves a little
		// sideways so that no error bar hides another, within +-8%.
		dodge := math.Pow(2, 0.22*(float64(k)/float64(max(len(lines)-1, 1))-0.5))
		var xys plotter.XYs
		var cis plotter.YErrors
		var ciXYs plotter.XYs
		for _, sum := range ln.points {
			y := m.value(sum)
			x := float64(sum.Workers) * dodge
			xys = append(xys, plotter.XY{X: x, Y: y})
			lo, hi = math.Min(lo, y), math.Max(hi, y)
			if clo, chi, ok := speedupCI(serial, sum); ok {
				f := y / *sum.Speedup // the measure's scale against speedup: 1, or 1/workers
				clo, chi = math.Max(clo*f, capLo), math.Min(chi*f, capHi)
				ciXYs = append(ciXYs, plotter.XY{X: x, Y: y})
				cis = append(cis, struct{ Low, High float64 }{y - clo, chi - y})
				lo, hi = math.Min(lo, clo), math.Max(hi, chi)
			}
		}
		c := strategyColour(ln.strategy)
		l, pts, err := styledLine(xys, c, style)
		if err != nil {
			return nil, err
		}
		p.Add(l, pts)
		if len(ciXYs) > 0 {
			eb, err := plotter.NewYErrorBars(struct {
				plotter.XYs
				plotter.YErrors
			}{ciXYs, cis})
			if err != nil {
				return nil, err
			}
			eb.LineStyle.Color = c
			eb.CapWidth = vg.Points(5)
			p.Add(eb)
			bars = true
		}
		switch {
		case len(grains) <= 1:
			p.Legend.Add(ln.label, l, pts)
		case !slices.ContainsFunc(lines[:k], func(o series) bool { return o.strategy == ln.strategy }):
			// With several grains the colour says the strategy and the
			// marker and dashes the grain: one entry each, not one per pair.
			solid, _, err := styledLine(xys[:1], c, lineStyle{shape: draw.CircleGlyph{}})
			if err != nil {
				return nil, err
			}
			p.Legend.Add(ln.strategy.Name(), solid)
		}
	}
	if len(grains) > 1 {
		for _, g := range grains {
			l, pts, err := styledLine(plotter.XYs{{}}, color.Black, grainStyle(series{points: []bench.Summary{{UsesGrain: true, Grain: g}}}, grains))
			if err != nil {
				return nil, err
			}
			p.Legend.Add(fmt.Sprintf("grain %d", g), l, pts)
		}
		if slices.ContainsFunc(lines, func(s series) bool { return !s.strategy.UsesGrain() }) {
			l, pts, _ := styledLine(plotter.XYs{{}}, color.Black, grainStyle(series{points: []bench.Summary{{}}}, grains))
			p.Legend.Add("no grain", l, pts)
		}
	}
	if bars {
		p.Legend.Add("bars: 95% CI (from both medians' CIs)", legendBox{color.Gray{Y: 60}, nil})
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
		p.Y.Tick.Marker = log2Ticks{}
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
	sr := r.Scenes[i]
	costs := sr.RowCosts
	grain := r.modelGrain()
	var out []prediction
	for _, ln := range lines {
		if slices.ContainsFunc(out, func(p prediction) bool { return p.strategy == ln.strategy }) {
			continue
		}
		pr := prediction{strategy: ln.strategy}
		for _, w := range r.Simulate {
			res, err := model.Simulate(ln.strategy, costs, r.params(sr, ln.strategy, w, grain))
			if err != nil {
				return nil, 0, err
			}
			pr.xys = append(pr.xys, plotter.XY{X: float64(w), Y: m.predicted(res)})
		}
		out = append(out, pr)
	}
	return out, grain, nil
}

// serialSummary is the scene's serial baseline, nil if it was not measured.
func (r *report) serialSummary(scene string) *bench.Summary {
	for i, s := range r.Summaries {
		if s.Scene == scene && s.Measured != nil && s.Measured.Strategy == strategies.Serial && s.Workers == 1 {
			return &r.Summaries[i]
		}
	}
	return nil
}

// speedupCI is the interval of sum's speedup from its median's CI and
// serial's (stats.SpeedupCI); ok is false when either has none.
func speedupCI(serial *bench.Summary, sum bench.Summary) (lo, hi float64, ok bool) {
	if serial == nil || serial.CILowS == nil || sum.CILowS == nil || sum.Speedup == nil {
		return 0, 0, false
	}
	lo, hi = stats.SpeedupCI(*serial.CILowS, *serial.CIHighS, *sum.CILowS, *sum.CIHighS)
	return lo, hi, hi > 0
}

// shownGrains are the grains of the lines that use one, in order.
func shownGrains(lines []series) []int {
	var gs []int
	for _, ln := range lines {
		if ln.strategy.UsesGrain() && !slices.Contains(gs, ln.points[0].Grain) {
			gs = append(gs, ln.points[0].Grain)
		}
	}
	slices.Sort(gs)
	return gs
}

// lineStyle is how a line tells its grain apart from its strategy's other
// grains, which share its colour.
type lineStyle struct {
	shape  draw.GlyphDrawer
	dashes []vg.Length
}

var (
	grainShapes = []draw.GlyphDrawer{draw.SquareGlyph{}, draw.TriangleGlyph{}, draw.CrossGlyph{}, draw.PlusGlyph{}, draw.RingGlyph{}, draw.BoxGlyph{}}
	grainDashes = [][]vg.Length{nil, {vg.Points(6), vg.Points(3)}, {vg.Points(2), vg.Points(2)}, {vg.Points(8), vg.Points(3), vg.Points(2), vg.Points(3)}}
)

// grainStyle is a circle and a solid line for a strategy without a grain
// or when one grain is shown; else a marker and dashes per grain.
func grainStyle(ln series, grains []int) lineStyle {
	if len(grains) <= 1 || len(ln.points) == 0 || !ln.points[0].UsesGrain {
		return lineStyle{shape: draw.CircleGlyph{}}
	}
	i := slices.Index(grains, ln.points[0].Grain)
	return lineStyle{shape: grainShapes[i%len(grainShapes)], dashes: grainDashes[i%len(grainDashes)]}
}

// styledLine is a line with markers in colour c and style st.
func styledLine(xys plotter.XYs, c color.Color, st lineStyle) (*plotter.Line, *plotter.Scatter, error) {
	l, pts, err := plotter.NewLinePoints(xys)
	if err != nil {
		return nil, nil, err
	}
	l.Color = c
	l.Width = vg.Points(1.5)
	l.Dashes = st.dashes
	pts.Color = c
	pts.Shape = st.shape
	pts.Radius = vg.Points(3)
	return l, pts, nil
}

// log2Ticks labels a log axis at the powers of two (0.25, 0.5, 1, 2, ...)
// when the range holds three of them, else as logTicks does.
type log2Ticks struct{}

// Ticks implements plot.Ticker.
func (log2Ticks) Ticks(lo, hi float64) []plot.Tick {
	if lo <= 0 || hi <= lo {
		return nil
	}
	var out []plot.Tick
	for e := math.Ceil(math.Log2(lo)); e <= math.Floor(math.Log2(hi)); e++ {
		v := math.Pow(2, e)
		out = append(out, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'g', 3, 64)})
	}
	if len(out) >= 3 {
		return out
	}
	return logTicks{}.Ticks(lo, hi)
}
