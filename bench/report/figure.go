package report

import (
	"fmt"
	"image/color"
	"image/png"
	"io"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/mandel-project/mandel/bench"
	"github.com/mandel-project/mandel/bench/stats"
)

// A figure is laid out in points, 10 x 6.25 inches, and its PNG rendered
// at pngDPI: 1600 x 1000 pixels, the width a journal's full-page figure
// needs, with text that scales with it (rendering a small chart bigger
// would leave the text tiny).
const (
	figW = vg.Length(720)
	figH = vg.Length(450)
)

// pngDPI is the resolution of the PNGs; a variable so that the tests of
// the sweep, which check that files are written, can draw them small and
// fast (the race detector makes rasterizing and deflating slow), while the
// chart tests check the real size.
var pngDPI = 160

// figure is a chart ready to save: the plot, its legend drawn to the right
// of the plot area (never over the data), an optional side panel (a colour
// bar) under the legend, a caption under everything that says what was
// measured where, and a stamp when the run is not one to trust.
type figure struct {
	p      *plot.Plot
	legend plot.Legend
	// side, if set, is drawn in the right column below the legend, sideW
	// wide.
	side  func(c draw.Canvas)
	sideW vg.Length
	// caption is the figure's small print; stamp is NOISY or PARTIAL (or
	// both) with its reasons, empty for a clean run.
	caption     string
	stamp       string
	stampReason string
	w, h        vg.Length
}

// newFigure takes p's legend out of the plot area into the figure's right
// column.
func (r *report) newFigure(p *plot.Plot, scenes ...string) *figure {
	f := &figure{p: p, legend: p.Legend, caption: r.caption(scenes...), w: figW, h: figH}
	f.stamp, f.stampReason = r.stamp()
	p.Legend = plot.NewLegend() // an empty legend is not drawn
	return f
}

// savePlot writes p as base.png and base.svg, with its legend outside and
// the run's caption and stamp.
func (r *report) savePlot(p *plot.Plot, base string, scenes ...string) error {
	return r.newFigure(p, scenes...).save(base)
}

// save writes f as base.png (pngDPI) and base.svg.
func (f *figure) save(base string) error {
	img := vgimg.NewWith(vgimg.UseWH(f.w, f.h), vgimg.UseDPI(pngDPI), vgimg.UseBackgroundColor(color.White))
	f.draw(draw.New(img))
	err := bench.WriteFile(base+".png", func(w io.Writer) error {
		// Flat colours compress well at the fastest level, which takes a
		// fraction of the default's time.
		return (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(w, img.Image())
	})
	if err != nil {
		return err
	}
	svg := vgsvg.New(f.w, f.h)
	f.draw(draw.New(svg))
	return bench.WriteFile(base+".svg", func(w io.Writer) error {
		_, err := svg.WriteTo(w)
		return err
	})
}

func textStyle(size vg.Length, c color.Color) text.Style {
	return text.Style{Color: c, Font: font.From(plot.DefaultFont, size), Handler: plot.DefaultTextHandler}
}

// draw lays f out on c: caption at the bottom, legend and side panel in a
// right column as wide as they need (at most a third), the plot in the
// rest, the stamp over the plot.
func (f *figure) draw(c draw.Canvas) {
	c.FillPolygon(color.White, []vg.Point{c.Min, {X: c.Max.X, Y: c.Min.Y}, c.Max, {X: c.Min.X, Y: c.Max.Y}})
	const pad = vg.Length(8)
	inner := draw.Crop(c, pad, -pad, pad, -pad)

	// The caption: the stamp's reasons first, in red, then the small print.
	capStyle := textStyle(8.5, color.Gray{Y: 70})
	lines := wrap(capStyle, f.caption, inner.Max.X-inner.Min.X)
	var redLines []string
	if f.stamp != "" {
		redLines = wrap(capStyle, f.stamp+": "+f.stampReason, inner.Max.X-inner.Min.X)
	}
	lineH := capStyle.Font.Size * 1.25
	capH := lineH * vg.Length(len(lines)+len(redLines))
	y := inner.Min.Y + capH - capStyle.Font.Size
	red := capStyle
	red.Color = color.RGBA{R: 190, A: 255}
	for _, l := range redLines {
		c.FillText(red, vg.Point{X: inner.Min.X, Y: y}, l)
		y -= lineH
	}
	for _, l := range lines {
		c.FillText(capStyle, vg.Point{X: inner.Min.X, Y: y}, l)
		y -= lineH
	}
	body := draw.Crop(inner, 0, 0, capH+pad/2, 0)

	// The right column: the legend, shrunk until it fits, then the side panel.
	colW := vg.Length(0)
	leg := f.legend
	leg.Top, leg.Left = true, true
	bodyH := body.Max.Y - body.Min.Y
	if leg.Rectangle(body).Max.X-leg.Rectangle(body).Min.X > 0 {
		maxW := (body.Max.X - body.Min.X) / 3
		for leg.TextStyle.Font.Size > 7 && (legendHeight(&leg, body) > bodyH-f.sideH(bodyH) || legendWidth(&leg, body) > maxW) {
			leg.TextStyle.Font.Size -= 0.5
		}
		r := leg.Rectangle(body)
		colW = r.Max.X - r.Min.X + pad
	}
	colW = min(max(colW, f.sideW), (body.Max.X-body.Min.X)/3)
	plotArea := body
	if colW > 0 {
		plotArea = draw.Crop(body, 0, -(colW + pad), 0, 0)
		col := draw.Crop(body, body.Max.X-body.Min.X-colW, 0, 0, 0)
		// The legend starts level with the top of the plot's data area,
		// below the title.
		top := f.p.Title.TextStyle.Height(f.p.Title.Text) + f.p.Title.Padding
		if f.p.Title.Text == "" {
			top = 0
		}
		legCol := draw.Crop(col, 0, 0, 0, -top)
		leg.Draw(legCol)
		if f.side != nil {
			used := legendHeight(&leg, legCol)
			f.side(draw.Crop(legCol, 0, 0, 0, -(used + pad)))
		}
	}
	f.p.Draw(plotArea)
	if f.stamp != "" {
		// A watermark across the plot: it cannot be cropped off without
		// cutting the data.
		st := textStyle(64, color.NRGBA{R: 200, A: 70})
		st.XAlign, st.YAlign = draw.XCenter, draw.YCenter
		st.Rotation = math.Pi / 9
		mid := vg.Point{X: (plotArea.Min.X + plotArea.Max.X) / 2, Y: (plotArea.Min.Y + plotArea.Max.Y) / 2}
		c.FillText(st, mid, f.stamp)
	}
}

// sideH is the height the side panel takes: half the column.
func (f *figure) sideH(bodyH vg.Length) vg.Length {
	if f.side == nil {
		return 0
	}
	return bodyH / 2
}

// legendHeight is the height of l's entries.
func legendHeight(l *plot.Legend, c draw.Canvas) vg.Length {
	r := l.Rectangle(c)
	return r.Max.Y - r.Min.Y
}

// legendWidth is the width of l's widest entry.
func legendWidth(l *plot.Legend, c draw.Canvas) vg.Length {
	r := l.Rectangle(c)
	return r.Max.X - r.Min.X
}

// wrap breaks s into lines no wider than width in style st.
func wrap(st text.Style, s string, width vg.Length) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		try := w
		if line != "" {
			try = line + " " + w
		}
		if line != "" && st.Width(try) > width {
			lines = append(lines, line)
			try = w
		}
		line = try
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// caption is the small print of every chart of r: the scenes shown with
// their sizes, the kernel, the machine, the build and when.
func (r *report) caption(scenes ...string) string {
	e := &r.Env
	var sc []string
	for _, s := range e.Sweep.Scenes {
		if len(scenes) == 0 || contains(scenes, s.Name) {
			sc = append(sc, fmt.Sprintf("%s %dx%d maxiter %d", s.Name, s.Width, s.Height, s.MaxIter))
		}
	}
	word := "Scene"
	if len(sc) > 1 {
		word = "Scenes"
	}
	kernel := e.RenderKernel
	if kernel == "" {
		kernel = "?"
	}
	shortcuts := ""
	if e.Sweep.Shortcuts {
		shortcuts = ", shortcuts on"
	}
	return fmt.Sprintf("%s: %s. Kernel %s%s. %s, %d logical CPUs, effective parallelism %.2f; %s %s/%s. Commit %s, %s, %s per configuration.",
		word, strings.Join(sc, "; "), kernel, shortcuts, orUnknown(e.CPU), e.LogicalCPUs, e.Parallelism.Effective,
		e.GoVersion, e.GOOS, e.GOARCH, shortCommit(e.Commit), e.Started.UTC().Format("2006-01-02 15:04 UTC"), r.runsWords())
}

// runsWords says how many timed runs the configurations had: "10 runs",
// or "10-14 runs" when some had more (or, in a partial sweep, fewer).
func (r *report) runsWords() string {
	lo, hi := r.Env.Sweep.Reps, r.Env.Sweep.Reps
	for i, s := range r.Summaries {
		if i == 0 {
			lo, hi = s.Runs, s.Runs
		}
		lo, hi = min(lo, s.Runs), max(hi, s.Runs)
	}
	if lo == hi {
		return fmt.Sprintf("%d %s", lo, plural(lo, "run"))
	}
	return fmt.Sprintf("%d-%d runs", lo, hi)
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func orUnknown(s string) string {
	if strings.TrimSpace(s) == "" {
		return "unknown CPU"
	}
	return s
}

// shortCommit keeps a commit's first 12 hex digits, and -dirty.
func shortCommit(c string) string {
	if c == "" {
		return "unknown"
	}
	base, dirty := strings.CutSuffix(c, "-dirty")
	if len(base) == 40 {
		base = base[:12]
	}
	if dirty {
		base += "-dirty"
	}
	return base
}

// noisyShare is the share of configurations with CV above stats.NoisyCV
// from which the whole run is stamped NOISY.
const noisyShare = 0.25

// stamp says whether r's charts must carry a stamp: PARTIAL when the sweep
// stopped early, NOISY when the machine could not run the largest worker
// count in parallel (effective parallelism below 80% of it) or when many
// configurations were noisy; with the reasons.
func (r *report) stamp() (word, reason string) {
	e := &r.Env
	var words, reasons []string
	if e.Partial {
		words = append(words, "PARTIAL")
		reason := fmt.Sprintf("the sweep stopped early (%s) after %s", strings.TrimSpace(e.Error), e.Sweep.RunsText())
		if strings.Contains(e.Error, e.Sweep.RunsText()) { // an interruption's error counts them already
			reason = fmt.Sprintf("the sweep stopped early (%s)", strings.TrimSpace(e.Error))
		}
		reasons = append(reasons, reason)
	}
	var why []string
	if maxW := r.maxWorkers(); maxW > 1 && e.Parallelism.Goroutines > 0 {
		want := min(maxW, e.Parallelism.Goroutines)
		if e.Parallelism.Effective < 0.8*float64(want) {
			why = append(why, fmt.Sprintf("effective parallelism %.2f, well below the %d workers measured", e.Parallelism.Effective, want))
		}
	}
	noisy := 0
	for _, s := range r.Summaries {
		if s.Noisy {
			noisy++
		}
	}
	if n := len(r.Summaries); n > 0 && float64(noisy) > noisyShare*float64(n) {
		why = append(why, fmt.Sprintf("%d of %d configurations have CV above %.0f%%", noisy, n, 100*stats.NoisyCV))
	}
	if len(why) > 0 {
		words = append(words, "NOISY")
		reasons = append(reasons, strings.Join(why, "; "))
	}
	return strings.Join(words, ", "), strings.Join(reasons, "; ")
}

// maxWorkers is the largest worker count measured.
func (r *report) maxWorkers() int {
	m := 0
	for _, w := range r.Env.Sweep.Workers {
		m = max(m, w)
	}
	for _, s := range r.Summaries {
		m = max(m, s.Workers)
	}
	return m
}
