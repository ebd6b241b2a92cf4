package bench

import "github.com/mandel-project/mandel/strategies"

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

	config *config // the configuration, for the charts
}

// summarize computes the summary of every configuration with at least one
// timed run, in the sweep's order (scene, strategy, workers, grain).
func (s *sweep) summarize() []Summary {
	var out []Summary
	baseline := map[*sceneRun]float64{}
	for _, c := range s.configs {
		if len(c.samples) == 0 {
			continue
		}
		times := walls(c.samples)
		imb := make([]float64, len(c.samples))
		ovh := make([]float64, len(c.samples))
		steals := make([]float64, len(c.samples))
		busy := make([]float64, len(c.samples))
		for i, smp := range c.samples {
			busy[i] = smp.report.Busy().Seconds()
			imb[i] = smp.report.Imbalance()
			ovh[i] = smp.report.Overhead().Seconds()
			steals[i] = float64(smp.report.Steals())
		}
		st := describe(times)
		v := c.scene.View
		sum := Summary{
			Scene: c.scene.Name, Strategy: c.strategy.Name(), Workers: c.workers, Grain: c.grain,
			UsesGrain: c.strategy.UsesGrain(), Runs: st.N,
			MedianS: st.Median, MeanS: st.Mean, MinS: st.Min, MaxS: st.Max, P5S: st.P5, P95S: st.P95,
			Noisy:     st.Noisy,
			Imbalance: median(imb), OverheadS: median(ovh), Steals: median(steals),
			TotalBusyS: median(busy), Iterations: c.scene.work, Pixels: v.Width * v.Height, Shortcuts: s.cfg.Shortcuts,
			config: c,
		}
		if st.N >= 2 {
			sum.SDS, sum.CV = ptr(st.SD), ptr(st.CV)
		}
		if st.CILevel > 0 {
			sum.CILowS, sum.CIHighS, sum.CILevel = ptr(st.CILow), ptr(st.CIHigh), ptr(st.CILevel)
		}
		if st.Median > 0 {
			sum.IterPerS = float64(c.scene.work) / st.Median
			sum.PixelsPerS = float64(sum.Pixels) / st.Median
		}
		for _, w := range c.samples[medianIndex(times)].report.Workers {
			sum.BusyS = append(sum.BusyS, w.Busy.Seconds())
		}
		if c.strategy == strategies.Serial && c.workers == 1 {
			baseline[c.scene] = st.Median
		}
		out = append(out, sum)
	}
	for i := range out {
		if b, ok := baseline[out[i].config.scene]; ok {
			sp := speedup(b, out[i].MedianS)
			out[i].Speedup = ptr(sp)
			out[i].Efficiency = ptr(efficiency(sp, out[i].Workers))
		}
	}
	return out
}

func ptr[T any](v T) *T { return &v }
