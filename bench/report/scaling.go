package report

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"github.com/mandel-project/mandel/bench"
	"github.com/mandel-project/mandel/bench/model"
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
