package report

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/mandel-project/mandel/bench"
	"github.com/mandel-project/mandel/strategies"
)

// grainChart shows, when the sweep measured several grains, the speedup
// of each strategy that claims blocks against its grain at the largest
// worker count, with the CI bars; the strategies without a grain are
// horizontal lines for reference. nil with one grain, or when no strategy
// measured has a grain (--strategies bands,rows keeps the default grains,
// which none of them uses: the chart would be the reference lines alone).
func (r *report) grainChart(scene string, sums []bench.Summary) (*plot.Plot, error) {
	grains := r.Env.Sweep.Grains
	if len(grains) < 2 {
		return nil, nil
	}
	at, maxW := atMaxWorkers(sums)
	if !slices.ContainsFunc(at, func(s bench.Summary) bool { return s.UsesGrain }) {
		return nil, nil
	}
	serial := r.serialSummary(scene)
	p := newPlot(fmt.Sprintf("speedup against grain at %d workers: %s", maxW, scene))
	p.Y.Label.Text = "speedup = median(serial) / median"
	gs := slices.Sorted(slices.Values(grains))
	first, last := float64(gs[0]), float64(gs[len(gs)-1])
	lo, hi := float64(maxW), float64(maxW)
	ideal, err := idealLine(plotter.XYs{{X: first, Y: float64(maxW)}, {X: last, Y: float64(maxW)}})
	if err != nil {
		return nil, err
	}
	p.Add(ideal)
	p.Legend.Add(fmt.Sprintf("ideal (%d)", maxW), ideal)
	lines := r.lines(at)
	slices.SortStableFunc(lines, func(a, b series) int {
		return slices.Index(r.Strategies, a.strategy) - slices.Index(r.Strategies, b.strategy)
	})
	bars := false
	// CI bars end at half the points' range above the highest, as on the
	// speedup chart.
	capHi := float64(maxW)
	for _, s := range at {
		if s.Speedup != nil {
			capHi = math.Max(capHi, *s.Speedup)
		}
	}
	capHi *= 1.5
	for k, st := range r.Strategies {
		var pts []bench.Summary
		for _, ln := range lines {
			if ln.strategy == st {
				pts = append(pts, ln.points...)
			}
		}
		if len(pts) == 0 || st == strategies.Serial {
			continue
		}
		c := strategyColour(st)
		if !st.UsesGrain() {
			l, err := plotter.NewLine(plotter.XYs{{X: first, Y: *pts[0].Speedup}, {X: last, Y: *pts[0].Speedup}})
			if err != nil {
				return nil, err
			}
			l.Color, l.Width, l.Dashes = c, vg.Points(1.2), []vg.Length{vg.Points(2), vg.Points(2)}
			p.Add(l)
			p.Legend.Add(st.Name()+" (no grain)", l)
			lo, hi = math.Min(lo, *pts[0].Speedup), math.Max(hi, *pts[0].Speedup)
			continue
		}
		slices.SortFunc(pts, func(a, b bench.Summary) int { return a.Grain - b.Grain })
		dodge := math.Pow(2, 0.22*(float64(k)/float64(max(len(r.Strategies)-1, 1))-0.5))
		var xys, ciXYs plotter.XYs
		var cis plotter.YErrors
		for _, s := range pts {
			x, y := float64(s.Grain)*dodge, *s.Speedup
			xys = append(xys, plotter.XY{X: x, Y: y})
			lo, hi = math.Min(lo, y), math.Max(hi, y)
			if clo, chi, ok := speedupCI(serial, s); ok {
				chi = math.Min(chi, capHi)
				ciXYs = append(ciXYs, plotter.XY{X: x, Y: y})
				cis = append(cis, struct{ Low, High float64 }{y - clo, chi - y})
				lo, hi = math.Min(lo, clo), math.Max(hi, chi)
			}
		}
		l, sc, err := styledLine(xys, c, lineStyle{shape: draw.CircleGlyph{}})
		if err != nil {
			return nil, err
		}
		p.Add(l, sc)
		p.Legend.Add(st.Name(), l, sc)
		if len(ciXYs) > 0 {
			eb, err := plotter.NewYErrorBars(struct {
				plotter.XYs
				plotter.YErrors
			}{ciXYs, cis})
			if err != nil {
				return nil, err
			}
			eb.LineStyle.Color, eb.CapWidth = c, vg.Points(5)
			p.Add(eb)
			bars = true
		}
	}
	if bars {
		p.Legend.Add("bars: 95% CI", legendBox{color.Gray{Y: 60}, nil})
	}
	logAxis(&p.X, gs)
	p.X.Label.Text = "grain (rows per claim)"
	p.X.Min, p.X.Max = first/1.3, last*1.3
	p.Y.Min, p.Y.Max = math.Max(0, lo-0.1*(hi-lo)-0.05), hi+0.1*(hi-lo)+0.05
	return p, nil
}

// heatmap is the scene x strategy table of speedups at each scene's
// largest worker count, each strategy at its best grain: a diverging
// colour map that is white at 1 (no faster than serial), with a colour bar.
// nil when no speedup was measured.
func (r *report) heatmap() (*figure, error) {
	var scenes []string
	var sts []strategies.Strategy
	for _, st := range r.Strategies {
		if st != strategies.Serial {
			sts = append(sts, st)
		}
	}
	type cell struct {
		v     float64
		grain int
	}
	var rows [][]cell
	lo, hi := 1.0, 1.0
	maxW := 0
	for _, sc := range r.Env.Sweep.Scenes {
		var mine []bench.Summary
		for _, s := range r.Summaries {
			if s.Scene == sc.Name && s.Speedup != nil {
				mine = append(mine, s)
			}
		}
		at, w := atMaxWorkers(mine)
		if len(at) == 0 {
			continue
		}
		maxW = max(maxW, w)
		row := make([]cell, len(sts))
		for j, st := range sts {
			row[j].v = math.NaN()
			for _, s := range at {
				if s.Measured.Strategy == st && (math.IsNaN(row[j].v) || *s.Speedup > row[j].v) {
					row[j] = cell{*s.Speedup, 0}
					if s.UsesGrain && len(r.Env.Sweep.Grains) > 1 {
						row[j].grain = s.Grain
					}
				}
			}
			if !math.IsNaN(row[j].v) {
				lo, hi = math.Min(lo, row[j].v), math.Max(hi, row[j].v)
			}
		}
		scenes = append(scenes, sc.Name)
		rows = append(rows, row)
	}
	if len(rows) == 0 || len(sts) == 0 {
		return nil, nil
	}
	cm := moreland.SmoothBlueRed()
	// White at 1: blue is slower than serial, red faster; the range is
	// symmetric in log so that 0.5x and 2x are equally strong.
	span := math.Max(math.Abs(math.Log(lo)), math.Abs(math.Log(hi)))
	span = math.Max(span, math.Log(1.1))
	cm.SetMin(-span)
	cm.SetMax(span)
	cells := &heatCells{cm: cm, rows: len(rows), cols: len(sts)}
	for i, row := range rows {
		for j, c := range row {
			if math.IsNaN(c.v) {
				continue
			}
			note := ""
			if c.grain > 0 {
				note = fmt.Sprintf("g=%d", c.grain)
			}
			// Row 0 at the top.
			cells.add(j, len(rows)-1-i, c.v, note)
		}
	}
	p := newPlot(fmt.Sprintf("speedup over serial at the largest worker count (%d), each strategy at its best grain", maxW))
	p.Add(cells)
	var names []string
	for _, st := range sts {
		names = append(names, st.Name())
	}
	nominalX(p, names)
	rev := slices.Clone(scenes)
	slices.Reverse(rev)
	p.NominalY(rev...)
	p.X.Min, p.X.Max = -0.5, float64(len(sts))-0.5
	p.Y.Min, p.Y.Max = -0.5, float64(len(rows))-0.5
	p.X.Tick.Length, p.Y.Tick.Length = 0, 0
	p.Y.Padding = 0
	f := r.newFigure(p)
	f.sideW = 80
	f.side = func(c draw.Canvas) {
		bar := plot.New()
		bar.HideX()
		bar.Y.Label.Text = "speedup (log)"
		bar.Add(&plotter.ColorBar{ColorMap: cm, Vertical: true})
		var ticks plot.ConstantTicks
		for _, v := range []float64{0.25, 0.5, 0.67, 0.8, 1, 1.25, 1.5, 2, 3, 4, 8, 16, 32, 64} {
			if l := math.Log(v); l >= -span && l <= span {
				ticks = append(ticks, plot.Tick{Value: l, Label: fmt.Sprint(v)})
			}
		}
		bar.Y.Tick.Marker = ticks
		bar.Y.Min, bar.Y.Max = -span, span
		h := c.Max.Y - c.Min.Y
		bar.Draw(draw.Crop(c, 0, 0, max(0, h-vg.Length(220)), 0))
	}
	return f, nil
}

// heatCells draws the heatmap's cells with their values.
type heatCells struct {
	cm         palette.ColorMap
	rows, cols int
	cells      []heatCell
}

type heatCell struct {
	x, y int
	v    float64
	note string
}

func (h *heatCells) add(x, y int, v float64, note string) {
	h.cells = append(h.cells, heatCell{x, y, v, note})
}

// Plot implements plot.Plotter.
func (h *heatCells) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	big := textStyle(13, color.Black)
	big.XAlign, big.YAlign = draw.XCenter, draw.YCenter
	small := textStyle(9, color.Black)
	small.XAlign, small.YAlign = draw.XCenter, draw.YTop
	for _, k := range h.cells {
		col, err := h.cm.At(math.Max(h.cm.Min(), math.Min(h.cm.Max(), math.Log(k.v))))
		if err != nil {
			col = color.Gray{Y: 128}
		}
		x0, x1 := trX(float64(k.x)-0.5), trX(float64(k.x)+0.5)
		y0, y1 := trY(float64(k.y)-0.5), trY(float64(k.y)+0.5)
		c.FillPolygon(col, []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}})
		c.StrokeLines(draw.LineStyle{Color: color.White, Width: vg.Points(2)}, []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}, {X: x0, Y: y0}})
		ink := color.Color(color.Black)
		if luminance(col) < 0.45 {
			ink = color.White
		}
		big.Color, small.Color = ink, ink
		mid := vg.Point{X: (x0 + x1) / 2, Y: (y0 + y1) / 2}
		c.FillText(big, mid, fmt.Sprintf("%.2f", k.v))
		if k.note != "" {
			c.FillText(small, vg.Point{X: mid.X, Y: mid.Y - big.Font.Size*0.7}, k.note)
		}
	}
}

// DataRange implements plot.DataRanger.
func (h *heatCells) DataRange() (xmin, xmax, ymin, ymax float64) {
	return -0.5, float64(h.cols) - 0.5, -0.5, float64(h.rows) - 0.5
}

// luminance is c's relative luminance, 0 black to 1 white (sRGB weights
// on the gamma-encoded values: enough to pick black or white ink).
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	return (0.2126*float64(r) + 0.7152*float64(g) + 0.0722*float64(b)) / 0xffff
}

// claimsChart is a dot plot of what one claim costs each strategy and one
// operation each primitive, at GOMAXPROCS 1 and 2, with the cost the model
// uses, from overheads.csv and primitives.csv: log x, since a claim through
// a channel costs a hundred atomic adds. nil without --simulate, which
// measures them.
func (r *report) claimsChart() (*figure, error) {
	m := &r.Machine
	if len(m.Claims) == 0 && len(m.Primitives) == 0 {
		return nil, nil
	}
	type row struct {
		name          string
		c             color.Color
		one, two, use float64
	}
	var rows []row
	overheads := m.Overheads()
	for _, st := range r.Strategies {
		if c, ok := m.Claim(st); ok {
			rows = append(rows, row{"claim: " + st.Name(), strategyColour(st), c.One, c.Two, overheads[st].Claim})
		}
	}
	for _, pr := range m.Primitives {
		rows = append(rows, row{pr.Name, color.Gray{Y: 60}, pr.One, pr.Two, 0})
	}
	if m.Wake > 0 {
		rows = append(rows, row{"wake an idle core", color.Gray{Y: 60}, 0, m.Wake, 0})
	}
	p := newPlot("cost of one claim per strategy, and of one operation per primitive")
	p.X.Label.Text = "nanoseconds (log scale)"
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = logTicks{}
	lo, hi := math.Inf(1), math.Inf(-1)
	shapes := []struct {
		shape draw.GlyphDrawer
		pick  func(row) float64
		label string
	}{
		{draw.CircleGlyph{}, func(r row) float64 { return r.one }, "GOMAXPROCS 1"},
		{draw.TriangleGlyph{}, func(r row) float64 { return r.two }, "GOMAXPROCS 2"},
		{draw.CrossGlyph{}, func(r row) float64 { return r.use }, "the claim cost the model uses"},
	}
	var names []string
	for i, rw := range rows {
		y := float64(len(rows) - 1 - i)
		names = append(names, rw.name)
		for _, sh := range shapes {
			v := sh.pick(rw) * 1e9
			if v <= 0 {
				continue
			}
			lo, hi = math.Min(lo, v), math.Max(hi, v)
			sc, err := plotter.NewScatter(plotter.XYs{{X: v, Y: y}})
			if err != nil {
				return nil, err
			}
			sc.GlyphStyle = draw.GlyphStyle{Color: rw.c, Shape: sh.shape, Radius: vg.Points(4)}
			if _, model := sh.shape.(draw.CrossGlyph); model {
				// Black and larger: it often sits on the measured point it came from.
				sc.GlyphStyle = draw.GlyphStyle{Color: color.Black, Shape: sh.shape, Radius: vg.Points(6)}
			}
			p.Add(sc)
		}
	}
	if math.IsInf(lo, 1) {
		return nil, nil
	}
	for _, sh := range shapes {
		sc, err := plotter.NewScatter(plotter.XYs{{X: 1, Y: 0}})
		if err != nil {
			return nil, err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: color.Black, Shape: sh.shape, Radius: vg.Points(4)}
		p.Legend.Add(sh.label, sc)
	}
	slices.Reverse(names)
	p.NominalY(names...)
	p.Y.Min, p.Y.Max = -0.7, float64(len(rows))-0.3
	p.X.Min, p.X.Max = lo/2, hi*2
	return r.newFigure(p), nil
}

// modelVsMeasured plots every configuration's predicted time against its
// measured median, log-log, with y = x (a perfect prediction) and ±10%.
// nil without --simulate.
func (r *report) modelVsMeasured() (*figure, error) {
	if len(r.Simulate) == 0 {
		return nil, nil
	}
	vs, err := r.validation()
	if err != nil || len(vs) == 0 {
		return nil, err
	}
	p := newPlot("the model's prediction against the measured median, every configuration measured")
	p.X.Label.Text = "measured median (ms, log scale)"
	p.Y.Label.Text = "predicted (ms, log scale)"
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = logTicks{}, logTicks{}
	lo, hi := math.Inf(1), math.Inf(-1)
	var ws []int
	for _, v := range vs {
		lo = math.Min(lo, math.Min(v.Measured, v.Predicted)*1e3)
		hi = math.Max(hi, math.Max(v.Measured, v.Predicted)*1e3)
		if !slices.Contains(ws, v.Workers) {
			ws = append(ws, v.Workers)
		}
	}
	slices.Sort(ws)
	lo, hi = lo/1.2, hi*1.2
	for _, ref := range []struct {
		f      float64
		label  string
		dashes []vg.Length
	}{{1, "y = x: a perfect prediction", []vg.Length{vg.Points(5), vg.Points(3)}}, {1.1, "±10%", []vg.Length{vg.Points(1), vg.Points(2)}}, {1 / 1.1, "", []vg.Length{vg.Points(1), vg.Points(2)}}} {
		l, err := plotter.NewLine(plotter.XYs{{X: lo, Y: lo * ref.f}, {X: hi, Y: hi * ref.f}})
		if err != nil {
			return nil, err
		}
		l.Color, l.Dashes = color.Gray{Y: 110}, ref.dashes
		p.Add(l)
		if ref.label != "" {
			p.Legend.Add(ref.label, l)
		}
	}
	shape := func(w int) draw.GlyphDrawer {
		return []draw.GlyphDrawer{draw.CircleGlyph{}, draw.TriangleGlyph{}, draw.SquareGlyph{}, draw.CrossGlyph{}, draw.PlusGlyph{}}[slices.Index(ws, w)%5]
	}
	var seen []strategies.Strategy
	for _, v := range vs {
		sc, err := plotter.NewScatter(plotter.XYs{{X: v.Measured * 1e3, Y: v.Predicted * 1e3}})
		if err != nil {
			return nil, err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: strategyColour(v.Strategy), Shape: shape(v.Workers), Radius: vg.Points(3.5)}
		p.Add(sc)
		if !slices.Contains(seen, v.Strategy) {
			seen = append(seen, v.Strategy)
		}
	}
	for _, st := range seen {
		p.Legend.Add(st.Name(), legendBox{strategyColour(st), strategyColour(st)})
	}
	for _, w := range ws {
		sc, _ := plotter.NewScatter(plotter.XYs{{X: 1, Y: 1}})
		sc.GlyphStyle = draw.GlyphStyle{Color: color.Black, Shape: shape(w), Radius: vg.Points(3.5)}
		p.Legend.Add(fmt.Sprintf("%d %s", w, plural(w, "worker")), sc)
	}
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = lo, hi, lo, hi
	return r.newFigure(p), nil
}

// logTicks labels a log axis at 1, 2 and 5 times the powers of ten, with
// more steps when the range is too short for three of those, and minor
// ticks at every other integer multiple.
type logTicks struct{}

// Ticks implements plot.Ticker.
func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	if lo <= 0 || hi <= lo {
		return nil
	}
	pick := func(ms []float64) []float64 {
		var out []float64
		for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
			for _, m := range ms {
				if v := m * math.Pow(10, e); v >= lo && v <= hi {
					out = append(out, v)
				}
			}
		}
		return out
	}
	major := pick([]float64{1, 2, 5})
	if len(major) < 3 {
		major = pick([]float64{1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9})
	}
	var ticks []plot.Tick
	for _, v := range pick([]float64{1, 2, 3, 4, 5, 6, 7, 8, 9}) {
		if !slices.Contains(major, v) {
			ticks = append(ticks, plot.Tick{Value: v})
		}
	}
	for _, v := range major {
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'g', 4, 64)})
	}
	return ticks
}
