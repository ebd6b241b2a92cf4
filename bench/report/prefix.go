package report

import (
	"fmt"
	"io"
	"slices"

	"github.com/mandel-project/mandel/bench"
	"github.com/mandel-project/mandel/bench/model"
	"github.com/mandel-project/mandel/strategies"
)

// prefixRow is a scene that perturbs at one worker count: the median
// reference orbit (the serial prefix) of its runs there, and the fastest
// configuration there with the share of its time the prefix took.
type prefixRow struct {
	scene   string
	workers int
	refS    float64
	fastest bench.Summary
}

// prefixRows returns the rows of the serial-prefix tables, scene by
// scene in sweep order, by worker count.
func (r *report) prefixRows() []prefixRow {
	var out []prefixRow
	for _, sr := range r.Scenes {
		if !sr.Perturbs {
			continue
		}
		byWorkers := map[int][]bench.Summary{}
		var workers []int
		for _, s := range r.Summaries {
			if s.Scene != sr.Name {
				continue
			}
			if _, ok := byWorkers[s.Workers]; !ok {
				workers = append(workers, s.Workers)
			}
			byWorkers[s.Workers] = append(byWorkers[s.Workers], s)
		}
		slices.Sort(workers)
		for _, w := range workers {
			at := byWorkers[w]
			refs := make([]float64, len(at))
			fastest := at[0]
			for i, s := range at {
				refs[i] = s.ReferenceS
				if s.MedianS < fastest.MedianS {
					fastest = s
				}
			}
			slices.Sort(refs)
			out = append(out, prefixRow{scene: sr.Name, workers: w, refS: refs[len(refs)/2], fastest: fastest})
		}
	}
	return out
}

// writePrefix writes the section of summary.md and report.md on the deep
// scenes' serial prefix: per worker count the reference orbit's time and
// its share of the fastest run, Amdahl's bound (serial's time over the
// prefix's) and, with --simulate, the model's prediction past the cores
// measured. Nothing when no scene perturbs.
func (r *report) writePrefix(w io.Writer) error {
	rows := r.prefixRows()
	if len(rows) == 0 {
		return nil
	}
	fmt.Fprint(w, "\n## The serial prefix: the reference orbit\n\n")
	fmt.Fprint(w, "A scene that perturbs (a deep zoom) computes its reference orbit in arbitrary precision on one core before any row, in every run; its time is part of each run's wall time and is timed apart (reference_ns in runs.csv, reference_s and reference_share in summary.csv). ")
	fmt.Fprint(w, "Sizing a scene changes its pixels' work, not its reference, which depends on the centre, the depth and maxiter. ")
	fmt.Fprint(w, "Amdahl's law bounds the speedup on any number of cores by the serial run's time over the prefix's.\n\n")
	fmt.Fprint(w, "| scene | workers | reference (median) | fastest | its median | reference's share of it |\n|---|--:|--:|---|--:|--:|\n")
	withGrain := len(r.Env.Sweep.Grains) > 1
	for _, p := range rows {
		fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %.1f%% |\n", p.scene, p.workers, bench.FormatSeconds(p.refS),
			bench.Label(p.fastest, withGrain), bench.FormatSeconds(p.fastest.MedianS), 100*p.fastest.ReferenceShare)
	}
	for _, sr := range r.Scenes {
		if !sr.Perturbs {
			continue
		}
		serial := r.serialSummary(sr.Name)
		if serial == nil || serial.ReferenceShare <= 0 {
			continue
		}
		fmt.Fprintf(w, "\nOn %s the reference orbit is %.1f%% of the serial run (%s of %s). Its median over every run, %s, is the model's prefix and no number of cores shortens it: no run is more than %.1fx faster than serial (Amdahl's law).",
			sr.Name, 100*serial.ReferenceShare, bench.FormatSeconds(serial.ReferenceS), bench.FormatSeconds(serial.MedianS),
			bench.FormatSeconds(sr.ReferenceS), serial.MedianS/sr.ReferenceS)
		if err := r.writePrefixPrediction(w, sr); err != nil {
			return err
		}
		fmt.Fprintln(w)
	}
	return nil
}

// writePrefixPrediction writes, with --simulate, the model's best speedup
// of the scene, over the strategies and grains measured, at the simulated
// counts past the measured ones (16, 64 and the largest): a prediction,
// which the text says. The best rather than the strategy fastest here,
// whose lead on a few cores may be noise or may not last (a grain that
// leaves fewer blocks than workers).
func (r *report) writePrefixPrediction(w io.Writer, sr *bench.SceneResult) error {
	if len(r.Simulate) == 0 || sr.RowCosts == nil {
		return nil
	}
	maxW := slices.Max(r.Env.Sweep.Workers)
	var counts []int
	for _, c := range r.Simulate {
		if c > maxW && (c == 16 || c == 64 || c == slices.Max(r.Simulate)) {
			counts = append(counts, c)
		}
	}
	if len(counts) == 0 {
		return nil
	}
	fmt.Fprintf(w, " The model, given this prefix and the rows' measured costs, **predicts** (not measured: this machine has %d logical CPUs) a best speedup of", r.Env.LogicalCPUs)
	for i, c := range counts {
		var best *model.Result
		var label string
		for _, st := range r.Strategies {
			if st == strategies.Serial {
				continue
			}
			grains := []int{1}
			if st.UsesGrain() {
				grains = r.Env.Sweep.Grains
			}
			for _, g := range grains {
				res, err := model.Simulate(st, sr.RowCosts, r.params(sr, st, c, g))
				if err != nil {
					return fmt.Errorf("report: serial prefix: %w", err)
				}
				if best == nil || res.Makespan < best.Makespan {
					best, label = res, st.Name()
					if st.UsesGrain() && len(r.Env.Sweep.Grains) > 1 {
						label += fmt.Sprintf(" g=%d", g)
					}
				}
			}
		}
		if best == nil {
			return nil
		}
		sep := ","
		if i == 0 {
			sep = ""
		}
		fmt.Fprintf(w, "%s %.1fx at %d workers (%s; the prefix %.0f%% of the run)", sep, best.Speedup, c, label, 100*sr.ReferenceS/best.Makespan)
	}
	fmt.Fprint(w, ".")
	return nil
}

// scene returns the scene called name, or nil.
func (r *report) scene(name string) *bench.SceneResult {
	for _, sr := range r.Scenes {
		if sr.Name == name {
			return sr
		}
	}
	return nil
}
