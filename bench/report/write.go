// Package report writes the files of a benchmark sweep that are derived
// from what it measured: summary.json, summary.csv, summary.md, bench.txt,
// model.csv and the model's other tables, the charts and the timelines. It
// works from bench.Result's exported fields alone:
//
//	res, err := bench.Run(ctx, cfg) // measures; writes runs.csv and the pictures as it goes
//	if res != nil {
//		err = errors.Join(err, report.Write(res))
//	}
//
// The package is a library: it never prints to the process's standard
// streams and never exits.
package report

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/mandel-project/mandel/bench"
	"github.com/mandel-project/mandel/bench/stats"
)

// report is the Result being written.
type report struct{ *bench.Result }

// Write writes the files derived from res into res.Dir: summary.json,
// summary.csv, summary.md, bench.txt, rankings.csv and rankings.md, the
// model's files, the charts and the timelines, report.md (which embeds the
// charts written), and env.json last, so that env.json saying the sweep is
// finished or partial (rather than unfinished) means the rest is written. A
// partial result is written marked partial. Write goes on after an error
// and returns the first, saying how many more files failed, the files that
// Run wrote during the sweep included. res must come from bench.Run.
func Write(res *bench.Result) error {
	if res == nil || res.Progress == nil {
		return errors.New("report: Write: the Result did not come from bench.Run")
	}
	r := &report{res}
	r.Progress.Phase("writing results")
	defer r.Progress.Done()
	e := &r.Env
	errs := slices.Clone(r.WriteErrs)
	errs = append(errs,
		bench.WriteJSON(r.path("summary.json"), summaryFile{Partial: e.Partial, Error: e.Error, Configs: r.Summaries}),
		bench.WriteFile(r.path("summary.csv"), func(w io.Writer) error { return writeSummaryCSV(w, r.Summaries) }),
		bench.WriteFile(r.path("summary.md"), r.writeMarkdown),
		bench.WriteFile(r.path("bench.txt"), r.writeBenchfmt),
		bench.WriteFile(r.path("rankings.csv"), func(w io.Writer) error { return writeRankingsCSV(w, r.rankings()) }),
		bench.WriteFile(r.path("rankings.md"), func(w io.Writer) error { return writeRankingsMarkdown(w, r.rankings()) }),
	)
	errs = append(errs, r.writeModel()...)
	errs = append(errs, r.charts()...)
	errs = append(errs, r.emulatedCharts()...)
	errs = append(errs, r.timelines()...)
	errs = append(errs, bench.WriteFile(r.path("report.md"), r.writeStory))
	errs = append(errs, bench.WriteJSON(r.path("env.json"), e))
	errs = slices.DeleteFunc(errs, func(err error) bool { return err == nil })
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return fmt.Errorf("%w (and %d more files not written)", errs[0], len(errs)-1)
}

// rankings ranks r's configurations (Rankings).
func (r *report) rankings() []Ranking {
	return Rankings(r.Summaries, len(r.Env.Sweep.Grains) > 1)
}

// path returns the path of a results file of r.
func (r *report) path(elem ...string) string {
	return filepath.Join(append([]string{r.Dir}, elem...)...)
}

// summaryFile is the shape of summary.json.
type summaryFile struct {
	Partial bool            `json:"partial"`
	Error   string          `json:"error,omitempty"`
	Configs []bench.Summary `json:"configs"`
}

var summaryHeader = []string{"scene", "strategy", "workers", "grain", "runs",
	"median_s", "mean_s", "sd_s", "min_s", "max_s", "p5_s", "p95_s", "ci_low_s", "ci_high_s", "ci_level",
	"cv", "noisy", "speedup", "efficiency", "imbalance", "overhead_s", "steals",
	"iter_per_s", "pixels_per_s", "iterations", "pixels", "reference_s", "reference_share"}

func writeSummaryCSV(w io.Writer, sums []bench.Summary) error {
	cw := csv.NewWriter(w)
	cw.Write(summaryHeader)
	for _, s := range sums {
		cw.Write([]string{s.Scene, s.Strategy, strconv.Itoa(s.Workers), strconv.Itoa(s.Grain), strconv.Itoa(s.Runs),
			num(s.MedianS), num(s.MeanS), numPtr(s.SDS), num(s.MinS), num(s.MaxS), num(s.P5S), num(s.P95S),
			numPtr(s.CILowS), numPtr(s.CIHighS), numPtr(s.CILevel),
			numPtr(s.CV), strconv.FormatBool(s.Noisy), numPtr(s.Speedup), numPtr(s.Efficiency),
			num(s.Imbalance), num(s.OverheadS), num(s.Steals),
			num(s.IterPerS), num(s.PixelsPerS), strconv.FormatInt(s.Iterations, 10), strconv.Itoa(s.Pixels),
			num(s.ReferenceS), num(s.ReferenceShare)})
	}
	cw.Flush()
	return cw.Error()
}

// num formats a number for CSV as runs.csv has it.
func num(f float64) string { return bench.CSVFloat(f) }

// numPtr is num, or an empty cell for nil.
func numPtr(f *float64) string {
	if f == nil {
		return ""
	}
	return num(*f)
}

// writeMarkdown writes summary.md: the machine, how to read the table, the
// table, and the warnings.
func (r *report) writeMarkdown(w io.Writer) error {
	e := &r.Env
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# mandel bench: %s, %s\n\n", e.Host, e.Started.Format("2006-01-02 15:04 MST"))
	switch {
	case e.Partial && e.Sweep.RunsDone < e.Sweep.RunsPlanned:
		fmt.Fprintf(bw, "**PARTIAL**: %s. Only %s were made; configurations with fewer runs than asked are less certain, missing ones are absent.\n\n",
			e.Error, e.Sweep.RunsText())
	case e.Partial:
		fmt.Fprintf(bw, "**PARTIAL**: %s. Every configuration had its %d runs, and %d more were made before the extra rounds stopped: some CIs are wider than the sweep would have made them.\n\n",
			e.Error, e.Sweep.Reps, e.Sweep.RunsDone-e.Sweep.RunsPlanned)
	}
	// The warnings come first: a reader who stops at the first screen
	// must know what the numbers below are worth.
	if len(r.Warnings) > 0 {
		bw.WriteString("Warnings:\n\n")
		for _, msg := range r.Warnings {
			fmt.Fprintf(bw, "- %s\n", msg)
		}
		bw.WriteString("\n")
	}
	fmt.Fprintf(bw, "Machine: %s, %d logical CPUs, %s %s/%s, %s (kernel %s), commit %s.\n",
		e.CPU, e.LogicalCPUs, e.GoVersion, e.GOOS, e.GOARCH, e.OS, e.Kernel, e.Commit)
	if e.RenderKernel != "" {
		fmt.Fprintf(bw, "Render kernel: %s.\n", e.RenderKernel)
	}
	fmt.Fprintf(bw, "CPU frequency: %s.\n", e.CPUFreq)
	if pp := e.Parallelism; pp.Goroutines > 0 {
		fmt.Fprintf(bw, "Effective parallelism: %.2f of %d (the same loop on 1 and on %d goroutines).\n", pp.Effective, pp.Goroutines, pp.Goroutines)
	}
	fmt.Fprintf(bw, "\nScenes: ")
	for i, sc := range e.Sweep.Scenes {
		if i > 0 {
			fmt.Fprint(bw, ", ")
		}
		fmt.Fprintf(bw, "%s %dx%d maxiter %d (%.3g iterations)", sc.Name, sc.Width, sc.Height, sc.MaxIter, float64(sc.Iterations))
	}
	fmt.Fprint(bw, ".")
	if e.Sweep.TargetTimeS > 0 {
		fmt.Fprint(bw, sizingSentence(e))
	}
	fmt.Fprintf(bw, "\n\n%d timed runs per configuration after %d warm-up round(s), all configurations interleaved in a shuffled order (seed %d). ",
		e.Sweep.Reps, e.Sweep.Warmup, e.Sweep.Seed)
	if e.Sweep.MaxTimeS > 0 {
		fmt.Fprintf(bw, "Then %d more round(s) of the configurations whose runs added up to less than %s or whose median's 95%% CI was wider than ±%.0f%% of it, up to %s spent on each. ",
			e.Sweep.ExtraRounds, bench.FormatSeconds(e.Sweep.MinTimeS), 100*e.Sweep.CIGoal, bench.FormatSeconds(e.Sweep.MaxTimeS))
	}
	fmt.Fprint(bw, "Times are of the render alone (no colouring or encoding), with GOMAXPROCS set to the worker count. ")
	if e.Sweep.Shortcuts {
		fmt.Fprint(bw, "Shortcuts were on (--shortcuts): points provably in the set were not iterated to maxiter, and the iterations are those done, not the classic workload's. ")
	} else {
		fmt.Fprint(bw, "Shortcuts were off: every point iterated to its escape or maxiter, the classic workload. ")
	}
	fmt.Fprint(bw, "The 95% CI of the median is distribution-free (binomial order statistics; n/a below 6 runs). ")
	fmt.Fprint(bw, "Speedup = median(serial) / median; efficiency = speedup / workers; imbalance = max / mean of the workers' busy times (median over runs); ")
	fmt.Fprintf(bw, "CV = standard deviation / mean, noisy above %.0f%% (n/a below 2 runs). Grain \"-\": the strategy has none.\n\n", 100*stats.NoisyCV)
	bw.WriteString(r.Table)
	if err := r.writePrefix(bw); err != nil {
		return err
	}
	if err := r.writeModelMarkdown(bw); err != nil {
		return err
	}
	return bw.Flush()
}

// sizingSentence says which scenes the sweep sized for its target time.
// Only those with a calibrated serial time were: the others kept the size
// --sizes-from gave them, or the sweep stopped before it sized them.
func sizingSentence(e *bench.Env) string {
	var sized, kept []string
	for _, sc := range e.Sweep.Scenes {
		if sc.SerialS > 0 {
			sized = append(sized, sc.Name)
		} else {
			kept = append(kept, sc.Name)
		}
	}
	target := bench.FormatSeconds(e.Sweep.TargetTimeS)
	why := "given by --sizes-from"
	if e.Partial {
		why = "given by --sizes-from, or not sized before the sweep stopped"
	}
	switch {
	case len(kept) == 0:
		return fmt.Sprintf(" Each scene was sized at the start for a serial render of %s (from its own size, recorded in env.json).", target)
	case len(sized) == 0:
		return fmt.Sprintf(" No scene was sized for the target time of %s: each kept the size shown (%s).", target, why)
	}
	return fmt.Sprintf(" Sized at the start for a serial render of %s (from their own sizes, recorded in env.json): %s; kept at the size shown (%s): %s.",
		target, strings.Join(sized, ", "), why, strings.Join(kept, ", "))
}
