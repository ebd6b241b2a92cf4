package bench

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/mandel-project/mandel/bench/stats"
	"github.com/mandel-project/mandel/strategies"
)

// Summary describes one configuration's timed runs; summary.json holds a
// list of them and summary.csv one row each. Times are in seconds.
type Summary struct {
	Scene    string `json:"scene"`
	Strategy string `json:"strategy"`
	Workers  int    `json:"workers"`
	// Grain is 1 for strategies that do not use one.
	Grain     int  `json:"grain"`
	UsesGrain bool `json:"uses_grain"`
	Runs      int  `json:"runs"`

	MedianS float64 `json:"median_s"`
	MeanS   float64 `json:"mean_s"`
	// SDS (the sample standard deviation) and CV (SDS / MeanS) are null
	// with fewer than 2 runs: one run says nothing about the spread.
	SDS  *float64 `json:"sd_s"`
	MinS float64  `json:"min_s"`
	MaxS float64  `json:"max_s"`
	P5S  float64  `json:"p5_s"`
	P95S float64  `json:"p95_s"`
	// CILowS and CIHighS bound the median with confidence CILevel (at least
	// 0.95); all three are null with fewer than 6 runs.
	CILowS  *float64 `json:"ci_low_s"`
	CIHighS *float64 `json:"ci_high_s"`
	CILevel *float64 `json:"ci_level"`
	CV      *float64 `json:"cv"`
	Noisy   bool     `json:"noisy"`
	// CIHalfWidth is the larger distance from the median to an end of its
	// interval, relative to the median (0.03: within ±3%); null without
	// an interval. Outliers counts the runs outside Tukey's fences (1.5
	// IQR beyond the quartiles).
	CIHalfWidth *float64 `json:"ci_half_width"`
	Outliers    int      `json:"outliers"`
	// SpentS is what the timed runs cost, their checks included: what
	// Config.MaxTime caps.
	SpentS float64 `json:"spent_s"`

	// Speedup is median(serial) / median(this) for the scene; Efficiency is
	// Speedup / Workers. Both are null if serial was not measured (a sweep
	// interrupted early).
	Speedup    *float64 `json:"speedup"`
	Efficiency *float64 `json:"efficiency"`
	// Imbalance (max busy / mean busy) and OverheadS (workers x wall - total
	// busy) are medians over the runs of the strategies' own reports.
	Imbalance float64 `json:"imbalance"`
	OverheadS float64 `json:"overhead_s"`
	Steals    float64 `json:"steals"`
	// Throughput at the median time.
	IterPerS   float64 `json:"iter_per_s"`
	PixelsPerS float64 `json:"pixels_per_s"`
	Iterations int64   `json:"iterations"`
	Pixels     int     `json:"pixels"`
	// Shortcuts is Config.Shortcuts: Iterations and IterPerS then count
	// the iterations done, not the frame's.
	Shortcuts bool `json:"shortcuts"`
	// BusyS is each worker's busy time in the run with the median time.
	BusyS []float64 `json:"busy_s"`
	// TotalBusyS is the median over the runs of the workers' busy time
	// summed: the time spent in the task, which the model predicts as the
	// sum of the row costs.
	TotalBusyS float64 `json:"total_busy_s"`
	// ReferenceS is, for a scene that perturbs, the median over the runs
	// of the reference orbit's time, the serial prefix of each run (its
	// wall time includes it), and ReferenceShare the median over the runs
	// of that time over the run's: the part of the run no worker count
	// shortens. Both 0 for a scene rendered directly.
	ReferenceS     float64 `json:"reference_s"`
	ReferenceShare float64 `json:"reference_share"`

	// Measured is the configuration summarized, with its runs, for the
	// report; summary.json leaves it out.
	Measured *Configuration `json:"-"`
}

// summarize computes the summary of every configuration with at least one
// timed run, in the sweep's order (scene, strategy, workers, grain).
func (s *sweep) summarize() []Summary {
	var out []Summary
	baseline := map[*SceneResult]float64{}
	refs := map[*SceneResult][]float64{}
	for _, c := range s.configs {
		if len(c.Samples) == 0 {
			continue
		}
		if c.scene.Perturbs {
			for _, smp := range c.Samples {
				refs[c.Scene] = append(refs[c.Scene], smp.Reference.Seconds())
			}
		}
		times := Walls(c.Samples)
		imb := make([]float64, len(c.Samples))
		ovh := make([]float64, len(c.Samples))
		steals := make([]float64, len(c.Samples))
		busy := make([]float64, len(c.Samples))
		for i, smp := range c.Samples {
			busy[i] = smp.Report.Busy().Seconds()
			imb[i] = smp.Report.Imbalance()
			ovh[i] = smp.Report.Overhead().Seconds()
			steals[i] = float64(smp.Report.Steals())
		}
		st := stats.Describe(times)
		v := c.scene.View
		sum := Summary{
			Scene: c.scene.Name, Strategy: c.Strategy.Name(), Workers: c.Workers, Grain: c.Grain,
			UsesGrain: c.Strategy.UsesGrain(), Runs: st.N,
			MedianS: st.Median, MeanS: st.Mean, MinS: st.Min, MaxS: st.Max, P5S: st.P5, P95S: st.P95,
			Noisy: st.Noisy, Outliers: stats.Outliers(times), SpentS: c.Spent.Seconds(),
			Imbalance: stats.Median(imb), OverheadS: stats.Median(ovh), Steals: stats.Median(steals),
			TotalBusyS: stats.Median(busy), Iterations: c.scene.Work, Pixels: v.Width * v.Height, Shortcuts: s.cfg.Shortcuts,
			Measured: c.Configuration,
		}
		if st.N >= 2 {
			sum.SDS, sum.CV = ptr(st.SD), ptr(st.CV)
		}
		if c.scene.Perturbs {
			ref, share := make([]float64, len(c.Samples)), make([]float64, len(c.Samples))
			for i, smp := range c.Samples {
				ref[i] = smp.Reference.Seconds()
				share[i] = ref[i] / smp.Wall.Seconds()
			}
			sum.ReferenceS, sum.ReferenceShare = stats.Median(ref), stats.Median(share)
		}
		if st.CILevel > 0 {
			sum.CILowS, sum.CIHighS, sum.CILevel = ptr(st.CILow), ptr(st.CIHigh), ptr(st.CILevel)
		}
		if rel, ok := st.CIHalfWidth(); ok {
			sum.CIHalfWidth = ptr(rel)
		}
		if st.Median > 0 {
			sum.IterPerS = float64(c.scene.Work) / st.Median
			sum.PixelsPerS = float64(sum.Pixels) / st.Median
		}
		for _, w := range c.Samples[stats.MedianIndex(times)].Report.Workers {
			sum.BusyS = append(sum.BusyS, w.Busy.Seconds())
		}
		if c.Strategy == strategies.Serial && c.Workers == 1 {
			baseline[c.Scene] = st.Median
		}
		out = append(out, sum)
	}
	for sc, ref := range refs {
		sc.ReferenceS = stats.Median(ref)
	}
	for i := range out {
		if b, ok := baseline[out[i].Measured.Scene]; ok {
			sp := stats.Speedup(b, out[i].MedianS)
			out[i].Speedup = ptr(sp)
			out[i].Efficiency = ptr(stats.Efficiency(sp, out[i].Workers))
		}
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// Walls returns the wall times of samples, in seconds.
func Walls(samples []Sample) []float64 {
	out := make([]float64, len(samples))
	for i, smp := range samples {
		out[i] = smp.Wall.Seconds()
	}
	return out
}

// Label names a summary's strategy in a chart or a warning, with its grain
// when several were measured.
func Label(sum Summary, withGrain bool) string {
	if sum.UsesGrain && withGrain {
		return sum.Strategy + " g=" + strconv.Itoa(sum.Grain)
	}
	return sum.Strategy
}

// markdownTable returns the table of summary.md, ready to paste.
func markdownTable(sums []Summary) string {
	var b strings.Builder
	b.WriteString("| scene | strategy | workers | grain | median | 95% CI of median | speedup | efficiency | imbalance | CV |\n")
	b.WriteString("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, s := range sums {
		grain := "-"
		if s.UsesGrain {
			grain = strconv.Itoa(s.Grain)
		}
		ci := "n/a"
		if s.CILowS != nil {
			ci = durationRange(*s.CILowS, *s.CIHighS)
		}
		sp, eff := "n/a", "n/a"
		if s.Speedup != nil {
			sp, eff = fmt.Sprintf("%.2f", *s.Speedup), fmt.Sprintf("%.2f", *s.Efficiency)
		}
		cv := "n/a"
		if s.CV != nil {
			cv = fmt.Sprintf("%.1f%%", 100*(*s.CV))
		}
		if s.Noisy {
			cv += " (noisy)"
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %s | %s | %s | %s | %s | %.2f | %s |\n",
			s.Scene, s.Strategy, s.Workers, grain, FormatSeconds(s.MedianS), ci, sp, eff, s.Imbalance, cv)
	}
	return b.String()
}

// FormatSeconds writes a time with three significant digits in a unit that
// suits it.
func FormatSeconds(s float64) string {
	unit, scale := unitFor(s)
	return threeDigits(s*scale) + " " + unit
}

// durationRange writes lo-hi in the unit of hi.
func durationRange(lo, hi float64) string {
	unit, scale := unitFor(hi)
	return threeDigits(lo*scale) + "-" + threeDigits(hi*scale) + " " + unit
}

// threeDigits writes x with three significant digits, in plain notation:
// %.3g writes 1234 as "1.23e+03".
func threeDigits(x float64) string {
	if math.Abs(x) >= 1000 {
		return strconv.FormatFloat(x, 'f', 0, 64)
	}
	return fmt.Sprintf("%.3g", x)
}

// unitFor picks the unit for s after rounding it to the three digits shown,
// so that 999.7 µs is "1 ms", not "1e+03 µs".
func unitFor(s float64) (string, float64) {
	s, _ = strconv.ParseFloat(strconv.FormatFloat(s, 'g', 3, 64), 64)
	switch {
	case s >= 1:
		return "s", 1
	case s >= 1e-3:
		return "ms", 1e3
	default:
		return "µs", 1e6
	}
}
