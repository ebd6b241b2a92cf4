package report

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/mandel-project/mandel/bench/model"
	"github.com/mandel-project/mandel/strategies"
)

// emulatedCharts writes charts/emulated-<scene>.png and .svg for every
// scene that was emulated.
func (r *report) emulatedCharts() []error {
	var errs []error
	for _, sr := range r.Scenes {
		if len(sr.Emulated) == 0 {
			continue
		}
		p, err := emulatedChart(sr.Name, sr.Emulated)
		if err == nil {
			err = r.savePlot(p, r.path("charts", "emulated-"+sr.Name), sr.Name)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("report: chart emulated-%s: %w", sr.Name, err))
		}
	}
	return errs
}

// emulatedGrain returns the grain that the emulated chart shows: the
// smallest emulated by a strategy that uses one, 1 when none does. One grain
// keeps one colour per strategy; the smallest makes the most claims, the
// schedule with the most decisions for the model to get right.
func emulatedGrain(rs []model.Emulated) int {
	g := 0
	for _, r := range rs {
		if r.Strategy.UsesGrain() && (g == 0 || r.Grain < g) {
			g = r.Grain
		}
	}
	return max(g, 1)
}

// emulatedChart returns the chart of one scene's emulation: speedup against
// workers, one colour per strategy at emulatedGrain, the emulated medians as
// points with their min-max spread as bars, the model dashed, the ideal
// dashed grey. Both speedups divide the same sum of the emulated costs, so a
// point on its strategy's dashed line is a prediction without error.
func emulatedChart(scene string, rs []model.Emulated) (*plot.Plot, error) {
	g := emulatedGrain(rs)
	type curve struct {
		st  strategies.Strategy
		pts []model.Emulated
	}
	var curves []curve
	var ws []int
	reps := 0
	for _, r := range rs {
		if r.Strategy.UsesGrain() && r.Grain != g {
			continue
		}
		st := r.Strategy
		i := slices.IndexFunc(curves, func(c curve) bool { return c.st == st })
		if i < 0 {
			curves = append(curves, curve{st: st})
			i = len(curves) - 1
		}
		curves[i].pts = append(curves[i].pts, r)
		ws = append(ws, r.Workers)
		reps = max(reps, r.Reps)
	}
	if len(curves) == 0 {
		return nil, fmt.Errorf("no emulated configuration at grain %d", g)
	}
	slices.Sort(ws)
	ws = slices.Compact(ws)

	p := newPlot(fmt.Sprintf("emulated speedup: %s, grain %d; points: median of %d runs, bars: min-max; dashed: model", scene, g, reps))
	p.Y.Label.Text = "speedup = sum of sleeps / wall"
	// Eight strategies, each with points and a model line, would make a
	// legend taller than the chart: each strategy has one entry showing
	// both, and the title says which is the model.
	p.Legend.TextStyle.Font.Size = vg.Points(9)
	first, last := float64(ws[0]), float64(ws[len(ws)-1])
	ideal, err := idealLine(plotter.XYs{{X: first, Y: first}, {X: last, Y: last}})
	if err != nil {
		return nil, err
	}
	p.Add(ideal)
	p.Legend.Add("ideal", ideal)
	lo, hi := first, last
	for k, c := range curves {
		colour := strategyColour(c.st)
		// The strategies' points share their worker counts; each is moved
		// a little sideways so that none hides another's bar.
		dodge := math.Pow(2, 0.04*(float64(k)-float64(len(curves)-1)/2))
		pts := make(plotter.XYs, len(c.pts))
		spread := make(plotter.YErrors, len(c.pts))
		pred := make(plotter.XYs, len(c.pts))
		for i, r := range c.pts {
			y := r.Serial / r.Measured
			pts[i] = plotter.XY{X: float64(r.Workers) * dodge, Y: y}
			spread[i].Low, spread[i].High = y-r.Serial/r.Max, r.Serial/r.Min-y
			pred[i] = plotter.XY{X: float64(r.Workers), Y: r.Serial / r.Predicted}
			lo = min(lo, r.Serial/r.Max, pred[i].Y)
			hi = max(hi, r.Serial/r.Min, pred[i].Y)
		}
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return nil, err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: colour, Shape: draw.CircleGlyph{}, Radius: vg.Points(2.5)}
		bars, err := plotter.NewYErrorBars(struct {
			plotter.XYs
			plotter.YErrors
		}{pts, spread})
		if err != nil {
			return nil, err
		}
		bars.LineStyle.Color = colour
		bars.CapWidth = vg.Points(4)
		l, err := modelLine(pred, colour)
		if err != nil {
			return nil, err
		}
		p.Add(l, bars, sc)
		p.Legend.Add(c.st.Name(), l, sc)
	}
	logAxis(&p.X, ws)
	p.X.Label.Text = "workers (= GOMAXPROCS), sleeping"
	var ys []int
	for y := 1; float64(y) <= hi; y *= 2 {
		if float64(2*y) >= lo {
			ys = append(ys, y)
		}
	}
	logAxis(&p.Y, ys)
	p.X.Min, p.X.Max = first/1.2, last*1.2
	p.Y.Min, p.Y.Max = lo/1.15, hi*1.15
	return p, nil
}

// logAxis makes a base-2 logarithmic axis with a tick at each of ws, or a
// linear one around a single count, which a log axis cannot span.
func logAxis(a *plot.Axis, ws []int) {
	ticks := make(plot.ConstantTicks, len(ws))
	for i, w := range ws {
		ticks[i] = plot.Tick{Value: float64(w), Label: strconv.Itoa(w)}
	}
	a.Tick.Marker = ticks
	if len(ws) > 1 {
		a.Scale = plot.LogScale{}
	}
}
