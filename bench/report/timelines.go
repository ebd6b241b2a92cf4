package report

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/mandel-project/mandel/bench"
	"github.com/mandel-project/mandel/bench/picture"
	"github.com/mandel-project/mandel/strategies"
)

// timelines writes, for every traced strategy, a timeline of its run.
func (r *report) timelines() []error {
	var errs []error
	for _, c := range r.Configs {
		rep := c.Trace
		if rep == nil {
			continue
		}
		f := r.newFigure(timeline(c, rep), c.Scene.Name)
		f.h = timelineHeight(c.Workers)
		if err := f.save(r.path("pictures", c.Scene.Name, "timeline-"+c.Strategy.Name())); err != nil {
			errs = append(errs, fmt.Errorf("report: timeline of %s: %w", c, err))
		}
	}
	return errs
}

// timelineHeight grows with the worker count up to a limit; the legend
// and the caption need the least.
func timelineHeight(workers int) vg.Length {
	return vg.Length(math.Min(math.Max(300, 160+18*float64(workers)), 700))
}

// timeline draws every block of the traced run as a bar in its worker's
// lane, from its start to its end; consecutive blocks alternate in shade so
// their boundaries show, and the gaps are time the worker was not rendering.
func timeline(c *bench.Configuration, rep *strategies.Report) *plot.Plot {
	p := plot.New()
	p.Legend.TextStyle.Font.Size = 10
	p.Title.TextStyle.Font.Size = 13
	p.Title.Text = fmt.Sprintf("%s / %s: %d workers, grain %d, %d blocks, wall %s (traced, untimed run)",
		c.Scene.Name, c.Strategy.Name(), c.Workers, c.Grain, len(rep.Trace), bench.FormatSeconds(rep.Wall.Seconds()))
	p.X.Label.Text = "time since the start of the run (ms)"
	p.Y.Label.Text = "worker"
	bars := &rects{}
	count := make([]int, len(rep.Workers))
	for _, b := range rep.Trace {
		col := picture.WorkerColour(b.Worker)
		if count[b.Worker]%2 == 1 {
			col = color.RGBA{uint8(int(col.R) * 2 / 3), uint8(int(col.G) * 2 / 3), uint8(int(col.B) * 2 / 3), 255}
		}
		count[b.Worker]++
		lane := float64(b.Worker)
		bars.add(b.Start.Seconds()*1e3, b.End.Seconds()*1e3, lane+0.1, lane+0.9, col)
	}
	p.Add(bars)
	p.X.Min, p.X.Max = 0, rep.Wall.Seconds()*1e3
	p.Y.Min, p.Y.Max = 0, float64(len(rep.Workers))
	step := max(1, len(rep.Workers)/16)
	var ticks plot.ConstantTicks
	for w := 0; w < len(rep.Workers); w += step {
		ticks = append(ticks, plot.Tick{Value: float64(w) + 0.5, Label: fmt.Sprint(w)})
	}
	p.Y.Tick.Marker = ticks
	for w := 0; w < min(len(rep.Workers), 16); w++ {
		p.Legend.Add(fmt.Sprintf("worker %d", w), legendBox{picture.WorkerColour(w), picture.WorkerColour(w)})
	}
	if len(rep.Workers) > 16 {
		p.Legend.Add(fmt.Sprintf("... %d workers in all", len(rep.Workers)), legendBox{color.White, color.White})
	}
	p.Legend.Add("darker: the worker's next block", legendBox{color.Gray{Y: 60}, color.Gray{Y: 120}})
	p.Legend.Add("white gap: not rendering", legendBox{color.Gray{Y: 60}, color.White})
	return p
}
