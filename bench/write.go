package bench

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/mandel-project/mandel/internal/atomicfile"
)

// path returns the path of a results file of the sweep.
func (s *sweep) path(elem ...string) string {
	return filepath.Join(append([]string{s.cfg.Out}, elem...)...)
}

// path returns the path of a results file of r.
func (r *Result) path(elem ...string) string {
	return filepath.Join(append([]string{r.Dir}, elem...)...)
}

// writeFile writes a file atomically: it appears complete or not at all,
// even if the sweep is killed while writing.
func writeFile(path string, write func(w io.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	if err := atomicfile.WriteFile(context.Background(), path, write); err != nil {
		return fmt.Errorf("bench: writing %s: %w", path, err)
	}
	return nil
}

func writeJSON(path string, v any) error {
	return writeFile(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	})
}

// runsLog is runs.csv, written as the sweep goes: one row per timed run,
// flushed at once, so that a sweep that dies still leaves its runs.
type runsLog struct {
	f *os.File
	w *csv.Writer
}

var runsHeader = []string{"seq", "round", "scene", "strategy", "workers", "grain", "gomaxprocs",
	"wall_ns", "iterations", "pixels", "iter_per_s", "pixels_per_s",
	"imbalance", "overhead_ns", "busy_ns", "blocks", "steals"}

func newRunsLog(path string) (*runsLog, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	l := &runsLog{f: f, w: csv.NewWriter(f)}
	if err := l.write(runsHeader); err != nil {
		f.Close()
		return nil, err
	}
	return l, nil
}

func (l *runsLog) write(row []string) error {
	l.w.Write(row)
	l.w.Flush()
	if err := l.w.Error(); err != nil {
		return fmt.Errorf("bench: writing runs.csv: %w", err)
	}
	return nil
}

func (l *runsLog) add(c *config, smp sample) error {
	rep := smp.report
	v := c.scene.View
	pixels := v.Width * v.Height
	secs := smp.wall.Seconds()
	blocks := rep.Blocks()
	return l.write([]string{
		strconv.Itoa(smp.seq), strconv.Itoa(smp.round), c.scene.Name, c.strategy.Name(),
		strconv.Itoa(c.workers), strconv.Itoa(c.grain), strconv.Itoa(c.workers),
		strconv.FormatInt(smp.wall.Nanoseconds(), 10), strconv.FormatInt(rep.Work(), 10), strconv.Itoa(pixels),
		num(float64(rep.Work()) / secs), num(float64(pixels) / secs),
		num(rep.Imbalance()), strconv.FormatInt(rep.Overhead().Nanoseconds(), 10),
		strconv.FormatInt(rep.Busy().Nanoseconds(), 10), strconv.Itoa(blocks), strconv.Itoa(rep.Steals()),
	})
}

func (l *runsLog) close() error {
	if l == nil {
		return nil
	}
	if err := l.f.Close(); err != nil {
		return fmt.Errorf("bench: runs.csv: %w", err)
	}
	return nil
}

// num formats a number for CSV: shortest exact form, "" for NaN or
// infinity (an empty cell, which spreadsheets and pandas read as missing).
func num(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return ""
	}
	return strconv.FormatFloat(f, 'g', 6, 64)
}

func numPtr(f *float64) string {
	if f == nil {
		return ""
	}
	return num(*f)
}

// Write writes the files derived from r into r.Dir: summary.json,
// summary.csv, summary.md, bench.txt, the charts and the timelines, and
// env.json last, so that env.json saying the sweep is finished or partial
// (rather than unfinished) means the rest is written. A partial result is
// written marked partial. Write goes on after an error and returns the
// first, saying how many more files failed, the files that Run wrote during
// the sweep included. r must come from Run.
func (r *Result) Write() error {
	if r.progress == nil {
		return errors.New("bench: Write: the Result did not come from Run")
	}
	r.progress.phase("writing results")
	defer r.progress.done()
	e := &r.Env
	errs := slices.Clone(r.writeErrs)
	errs = append(errs,
		writeJSON(r.path("summary.json"), summaryFile{Partial: e.Partial, Error: e.Error, Configs: r.Summaries}),
		writeFile(r.path("summary.csv"), func(w io.Writer) error { return writeSummaryCSV(w, r.Summaries) }),
		writeFile(r.path("summary.md"), r.writeMarkdown),
		writeFile(r.path("bench.txt"), r.writeBenchfmt),
	)
	errs = append(errs, r.writeModel()...)
	errs = append(errs, r.charts()...)
	errs = append(errs, r.emulatedCharts()...)
	errs = append(errs, r.timelines()...)
	errs = append(errs, writeJSON(r.path("env.json"), e))
	errs = slices.DeleteFunc(errs, func(err error) bool { return err == nil })
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return fmt.Errorf("%w (and %d more files not written)", errs[0], len(errs)-1)
}

// summaryFile is the shape of summary.json.
type summaryFile struct {
	Partial bool      `json:"partial"`
	Error   string    `json:"error,omitempty"`
	Configs []Summary `json:"configs"`
}

var summaryHeader = []string{"scene", "strategy", "workers", "grain", "runs",
	"median_s", "mean_s", "sd_s", "min_s", "max_s", "p5_s", "p95_s", "ci_low_s", "ci_high_s", "ci_level",
	"cv", "noisy", "speedup", "efficiency", "imbalance", "overhead_s", "steals",
	"iter_per_s", "pixels_per_s", "iterations", "pixels"}

func writeSummaryCSV(w io.Writer, sums []Summary) error {
	cw := csv.NewWriter(w)
	cw.Write(summaryHeader)
	for _, s := range sums {
		cw.Write([]string{s.Scene, s.Strategy, strconv.Itoa(s.Workers), strconv.Itoa(s.Grain), strconv.Itoa(s.Runs),
			num(s.MedianS), num(s.MeanS), numPtr(s.SDS), num(s.MinS), num(s.MaxS), num(s.P5S), num(s.P95S),
			numPtr(s.CILowS), numPtr(s.CIHighS), numPtr(s.CILevel),
			numPtr(s.CV), strconv.FormatBool(s.Noisy), numPtr(s.Speedup), numPtr(s.Efficiency),
			num(s.Imbalance), num(s.OverheadS), num(s.Steals),
			num(s.IterPerS), num(s.PixelsPerS), strconv.FormatInt(s.Iterations, 10), strconv.Itoa(s.Pixels)})
	}
	cw.Flush()
	return cw.Error()
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
			s.Scene, s.Strategy, s.Workers, grain, formatSeconds(s.MedianS), ci, sp, eff, s.Imbalance, cv)
	}
	return b.String()
}

// writeMarkdown writes summary.md: the machine, how to read the table, the
// table, and the warnings.
func (r *Result) writeMarkdown(w io.Writer) error {
	e := &r.Env
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# mandel bench: %s, %s\n\n", e.Host, e.Started.Format("2006-01-02 15:04 MST"))
	if e.Partial {
		fmt.Fprintf(bw, "**PARTIAL**: %s. Only %d of %d timed runs were made; configurations with fewer runs than asked are less certain, missing ones are absent.\n\n",
			e.Error, e.Sweep.RunsDone, e.Sweep.RunsPlanned)
	}
	fmt.Fprintf(bw, "Machine: %s, %d logical CPUs, %s %s/%s, %s (kernel %s), commit %s.\n",
		e.CPU, e.LogicalCPUs, e.GoVersion, e.GOOS, e.GOARCH, e.OS, e.Kernel, e.Commit)
	if e.RenderKernel != "" {
		fmt.Fprintf(bw, "Render kernel: %s.\n", e.RenderKernel)
	}
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
	fmt.Fprintf(bw, ".\n\n%d timed runs per configuration after %d warm-up round(s), all configurations interleaved in a shuffled order (seed %d). ",
		e.Sweep.Reps, e.Sweep.Warmup, e.Sweep.Seed)
	fmt.Fprint(bw, "Times are of the render alone (no colouring or encoding), with GOMAXPROCS set to the worker count. ")
	if e.Sweep.Shortcuts {
		fmt.Fprint(bw, "Shortcuts were on (--shortcuts): points provably in the set were not iterated to maxiter, and the iterations are those done, not the classic workload's. ")
	} else {
		fmt.Fprint(bw, "Shortcuts were off: every point iterated to its escape or maxiter, the classic workload. ")
	}
	fmt.Fprint(bw, "The 95% CI of the median is distribution-free (binomial order statistics; n/a below 6 runs). ")
	fmt.Fprint(bw, "Speedup = median(serial) / median; efficiency = speedup / workers; imbalance = max / mean of the workers' busy times (median over runs); ")
	fmt.Fprintf(bw, "CV = standard deviation / mean, noisy above %.0f%% (n/a below 2 runs). Grain \"-\": the strategy has none.\n\n", 100*noisyCV)
	bw.WriteString(r.Table)
	if err := r.writeModelMarkdown(bw); err != nil {
		return err
	}
	if len(e.Warnings) > 0 {
		bw.WriteString("\nWarnings:\n\n")
		for _, msg := range e.Warnings {
			fmt.Fprintf(bw, "- %s\n", msg)
		}
	}
	return bw.Flush()
}

// formatSeconds writes a time with three significant digits in a unit that
// suits it.
func formatSeconds(s float64) string {
	unit, scale := unitFor(s)
	return fmt.Sprintf("%.3g %s", s*scale, unit)
}

// durationRange writes lo-hi in the unit of hi.
func durationRange(lo, hi float64) string {
	unit, scale := unitFor(hi)
	return fmt.Sprintf("%.3g-%.3g %s", lo*scale, hi*scale, unit)
}

func unitFor(s float64) (string, float64) {
	switch {
	case s >= 1:
		return "s", 1
	case s >= 1e-3:
		return "ms", 1e3
	default:
		return "µs", 1e6
	}
}
