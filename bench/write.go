package bench

import (
	"bufio"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mandel-project/mandel/internal/atomicfile"
)

// path returns the path of a results file.
func (s *sweep) path(elem ...string) string {
	return filepath.Join(append([]string{s.cfg.Out}, elem...)...)
}

// writeFile writes a file atomically: it appears complete or not at all,
// even if the sweep is killed while writing.
func writeFile(path string, write func(w io.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	f, err := atomicfile.New(path)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	defer f.Abort()
	if err := write(f); err != nil {
		return fmt.Errorf("bench: writing %s: %w", path, err)
	}
	if err := f.Commit(); err != nil {
		return fmt.Errorf("bench: %w", err)
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
	blocks := 0
	for _, w := range rep.Workers {
		blocks += w.Blocks
	}
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

// finish computes the summaries and writes every output from what was
// measured, even after an error: a partial sweep is worth keeping, and its
// files say it is partial. It goes on after an error and returns the first
// one, saying how many more files failed.
func (s *sweep) finish() (*Result, error) {
	errs := append([]error{s.runs.close()}, s.writeErrs...)
	s.env.Finished = time.Now()
	s.env.DurationS = s.env.Finished.Sub(s.env.Started).Seconds()
	s.env.Sweep.RunsDone = s.runsDone
	sums := s.summarize()
	s.warnNoisy(sums)
	table := markdownTable(sums)
	res := &Result{Dir: s.cfg.Out, Partial: s.env.Partial, Env: s.env, Summaries: sums, Table: table}

	s.progress.phase("writing results")
	errs = append(errs,
		writeJSON(s.path("summary.json"), summaryFile{Partial: s.env.Partial, Error: s.env.Error, Configs: sums}),
		writeFile(s.path("summary.csv"), func(w io.Writer) error { return writeSummaryCSV(w, sums) }),
		writeFile(s.path("summary.md"), func(w io.Writer) error { return s.writeMarkdown(w, table) }),
		writeFile(s.path("bench.txt"), func(w io.Writer) error { return s.writeBenchfmt(w) }),
	)
	errs = append(errs, s.charts(sums)...)
	errs = append(errs, s.timelines()...)
	// env.json last: its presence with finished set says the rest is written.
	errs = append(errs, writeJSON(s.path("env.json"), &s.env))
	res.Env = s.env
	errs = slices.DeleteFunc(errs, func(err error) bool { return err == nil })
	switch len(errs) {
	case 0:
		return res, nil
	case 1:
		return res, errs[0]
	}
	return res, fmt.Errorf("%w (and %d more files not written)", errs[0], len(errs)-1)
}

// warnNoisy gives one warning for all the noisy configurations, naming the
// worst few; summary.md flags each of them.
func (s *sweep) warnNoisy(sums []Summary) {
	var noisy []Summary
	for _, sum := range sums {
		if sum.Noisy {
			noisy = append(noisy, sum)
		}
	}
	if len(noisy) == 0 {
		return
	}
	slices.SortStableFunc(noisy, func(a, b Summary) int { return cmp.Compare(*b.CV, *a.CV) })
	var names []string
	for _, sum := range noisy[:min(len(noisy), 5)] {
		names = append(names, fmt.Sprintf("%s/%s/%d (%.0f%%)", sum.Scene, s.label(sum), sum.Workers, 100*(*sum.CV)))
	}
	more := ""
	if len(noisy) > 5 {
		more = fmt.Sprintf(" and %d more", len(noisy)-5)
	}
	s.warn("%d of %d configurations are noisy (CV above %.0f%%): %s%s; summary.md flags each",
		len(noisy), len(sums), 100*NoisyCV, strings.Join(names, ", "), more)
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
func (s *sweep) writeMarkdown(w io.Writer, table string) error {
	e := &s.env
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# mandel bench: %s, %s\n\n", e.Host, e.Started.Format("2006-01-02 15:04 MST"))
	if e.Partial {
		fmt.Fprintf(bw, "**PARTIAL**: %s. Only %d of %d timed runs were made; configurations with fewer runs than asked are less certain, missing ones are absent.\n\n",
			e.Error, e.Sweep.RunsDone, e.Sweep.RunsPlanned)
	}
	fmt.Fprintf(bw, "Machine: %s, %d logical CPUs, %s %s/%s, %s (kernel %s), commit %s.\n",
		e.CPU, e.LogicalCPUs, e.GoVersion, e.GOOS, e.GOARCH, e.OS, e.Kernel, e.Commit)
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
	fmt.Fprint(bw, "The 95% CI of the median is distribution-free (binomial order statistics; n/a below 6 runs). ")
	fmt.Fprint(bw, "Speedup = median(serial) / median; efficiency = speedup / workers; imbalance = max / mean of the workers' busy times (median over runs); ")
	fmt.Fprintf(bw, "CV = standard deviation / mean, noisy above %.0f%% (n/a below 2 runs). Grain \"-\": the strategy has none.\n\n", 100*NoisyCV)
	bw.WriteString(table)
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
