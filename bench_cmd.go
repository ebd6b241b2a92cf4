package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/pflag"

	"github.com/mandel-project/mandel/bench"
	benchreport "github.com/mandel-project/mandel/bench/report"
	"github.com/mandel-project/mandel/internal/cli"
	"github.com/mandel-project/mandel/internal/profiling"
	"github.com/mandel-project/mandel/render"
	"github.com/mandel-project/mandel/strategies"
)

// benchFlags holds the bench command's flags as typed.
type benchFlags struct {
	fs                                  *pflag.FlagSet
	out, scenes, strats, workers, grain string
	reps, warmup, maxiter, sizeFactor   int
	commit, kernel, simulate            string
	trace, cpuProfile                   string
	profiles                            profiling.Files // checked by config
	seed                                uint64
	targetTime, minTime, maxTime        time.Duration
	sizesFrom                           string
	width, height                       int
	list, help, shortcuts               bool
}

func newBenchFlags() *benchFlags {
	def := bench.DefaultConfig()
	f := &benchFlags{fs: pflag.NewFlagSet("mandel bench", pflag.ContinueOnError)}
	fs := f.fs
	fs.SortFlags = false
	fs.StringVarP(&f.out, "out", "o", "", "results directory, created, must be empty (default results/<date>-<host>); --output works too, as in mandel and mandel stitch")
	// --output is -o's name in the other commands; here it is --out's.
	fs.SetNormalizeFunc(func(_ *pflag.FlagSet, name string) pflag.NormalizedName {
		if name == "output" {
			name = "out"
		}
		return pflag.NormalizedName(name)
	})
	fs.StringVar(&f.scenes, "scenes", strings.Join(def.Scenes, ","), "scenes to render (see --list)")
	fs.StringVar(&f.strats, "strategies", strings.Join(def.Strategies, ","), "strategies to measure; serial is always measured as the baseline")
	fs.StringVarP(&f.workers, "workers", "w", joinInts(def.Workers), "worker counts (each run sets GOMAXPROCS to its count)")
	fs.StringVarP(&f.grain, "grain", "g", joinInts(def.Grains), "grains, for the strategies that claim blocks of rows")
	fs.Var(cli.Int(&f.reps, def.Reps, 1, math.MaxInt), "reps", "timed runs per configuration")
	fs.Var(cli.Int(&f.warmup, def.Warmup, 0, math.MaxInt), "warmup", "untimed rounds of every configuration before the timed ones")
	fs.DurationVar(&f.minTime, "min-time", def.MinTime, "more runs of a configuration until its timed runs add up to this (hyperfine's rule), within --max-time")
	fs.DurationVar(&f.maxTime, "max-time", def.MaxTime, fmt.Sprintf("more runs of a configuration while the 95%% CI of its median is wider than ±%.0f%%, until this is spent on it; 0: exactly --reps runs", 100*bench.CIGoal))
	fs.DurationVar(&f.targetTime, "target-time", def.TargetTime, fmt.Sprintf("size every scene so that one serial render takes this (at least %v per worker at the largest count; recorded in env.json); 0 or --size: the scenes' own sizes", bench.MinParallelRun))
	fs.Var(cli.Size(&f.width, &f.height), "size", "image size WxH or N, for every scene, instead of --target-time's")
	fs.Var(cli.Int(&f.sizeFactor, 1, 1, bench.MaxSizeFactor), "size-factor", "multiply every scene's own width and height, instead of --target-time's sizes")
	fs.StringVar(&f.sizesFrom, "sizes-from", "", "each scene's size from an earlier sweep's env.json (or its folder), instead of --target-time's, so that benchstat compares the two")
	fs.VarP(cli.Int(&f.maxiter, 0, 0, render.MaxMaxIter), "maxiter", "m", "iteration limit for every scene (default 0: each scene's own)")
	fs.BoolVar(&f.shortcuts, "shortcuts", def.Shortcuts, "skip points provably in the set, as mandel does by default; off keeps the classic workload (recorded)")
	fs.StringVar(&f.kernel, "kernel", "auto", "render kernel: "+strings.Join(render.KernelNames(), ", "))
	fs.Var(cli.Uint64(&f.seed), "seed", "seed of the run order (default: from the clock; recorded in env.json)")
	fs.StringVar(&f.simulate, "simulate", "", "worker counts at which to predict every configuration from measured row and claim costs (model.csv), e.g. 1,2,4,8,16,32,64,128,256; those from 4 to 64 are also emulated on sleeping tasks (emulated.csv, about 2 minutes)")
	fs.StringVar(&f.commit, "commit", "", "source revision to record (default: the build's, or git's)")
	fs.StringVar(&f.trace, "trace", "", "write a Go execution trace of the sweep to `file`: each run a task named by scene, strategy, workers and grain, each block a region named by strategy, worker and rows (go tool trace file; large for a long sweep)")
	fs.StringVar(&f.cpuProfile, "cpuprofile", "", "write a CPU profile of the sweep to `file` (go tool pprof file)")
	fs.BoolVar(&f.list, "list", false, "print the scenes and exit")
	fs.BoolVarP(&f.help, "help", "h", false, "show this help and exit")
	fs.SetOutput(io.Discard)
	return f
}

// runBench is the bench subcommand: it parses the flags, runs the sweep with
// a progress line when stderr is a terminal, and prints the summary table.
func (a *app) runBench(ctx context.Context, args []string) int {
	stdout, stderr := a.stdout, a.stderr
	f := newBenchFlags()
	if err := cli.Parse(f.fs, args); err != nil {
		return report(stderr, err)
	}
	switch {
	case f.help:
		return a.printHelp(func(w io.Writer) { printBenchHelp(w, f.fs) })
	case f.list:
		var b strings.Builder
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		for _, s := range bench.Scenes() {
			def := ""
			if s.Default {
				def = " (default)"
			}
			fmt.Fprintf(tw, "%s\t%dx%d\tmaxiter %d%s\t%s\n", s.Name, s.View.Width, s.View.Height, s.View.MaxIter, def, s.Description)
		}
		tw.Flush()
		fmt.Fprintf(&b, "\nThe sizes are the scenes' own: a sweep scales each so that one serial render takes --target-time (default %v), unless --size or --size-factor is given.\n", bench.DefaultTargetTime)
		return a.printOut(b.String())
	}
	cfg, err := f.config(args)
	if err != nil {
		return report(stderr, err)
	}
	cfg.Warnings = stderr
	if a.isTerminal(stderr) {
		cfg.Progress = stderr
	}
	var res *bench.Result
	// The trace and profile are kept whenever results are written, partial
	// ones included: they show what the partial run did.
	err = a.profiled(f.profiles, func() (bool, error) {
		var err error
		res, err = bench.Run(ctx, cfg)
		if res != nil {
			err = errors.Join(err, benchreport.Write(res))
		}
		return res != nil, err
	})
	var cfgErr *bench.ConfigError
	if res != nil {
		defer printWarnings(stderr, res.Warnings) // after the table, or after the error
	}
	switch {
	case errors.As(err, &cfgErr):
		return report(stderr, cli.UsageError{Err: err})
	case err != nil && res != nil:
		return benchFailed(stderr, res, err)
	case err != nil:
		return report(stderr, err)
	}
	fmt.Fprint(stdout, res.Table)
	if lines := benchreport.Headlines(res); len(lines) > 0 {
		fmt.Fprintf(stdout, "\nFastest at the largest worker count (Mann-Whitney U against the runner-up and the fastest; rankings.md has every count):\n")
		for _, l := range lines {
			fmt.Fprintf(stdout, "  %s\n", l)
		}
	}
	fmt.Fprintf(stdout, "\nresults in %s (report.md, summary.md, charts/, pictures/; docs/benchmarking.md explains them)\n", res.Dir)
	return exitOK
}

// printWarnings repeats the sweep's warnings after the table, where they
// are seen: those that arose early scrolled away with the progress line.
func printWarnings(stderr io.Writer, warnings []string) {
	if len(warnings) == 0 {
		return
	}
	what := fmt.Sprintf("%d warnings", len(warnings))
	if len(warnings) == 1 {
		what = "1 warning"
	}
	fmt.Fprintf(stderr, "\n%s (also at the top of summary.md):\n", what)
	for _, msg := range warnings {
		fmt.Fprintf(stderr, "warning: %s\n", msg)
	}
}

// benchFailed reports a sweep that stopped early (interrupted, or a wrong
// strategy) or could not write all of its results, or both: runBench joins
// the errors of bench.Run and Result.Write, and each gets its line. An
// interruption exits 130 and says where the partial results are.
func benchFailed(stderr io.Writer, res *bench.Result, err error) int {
	errs := []error{err}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		errs = joined.Unwrap()
	}
	interrupted, others := false, 0
	for _, e := range errs {
		if errors.Is(e, context.Canceled) {
			interrupted = true
			continue
		}
		fmt.Fprintf(stderr, "mandel: %s\n", firstLine(e.Error()))
		others++
	}
	if !interrupted {
		return exitFailure
	}
	where := "in " + res.Dir
	if others > 0 { // an interruption stops the sweep, so the others are write errors
		where = "in " + res.Dir + ", but some files could not be written (above)"
	}
	fmt.Fprintf(stderr, "mandel: interrupted; partial results (%s) %s\n", res.Env.Sweep.RunsText(), where)
	return exitInterrupted
}

// config turns the flags into a bench.Config; every error is a usage error.
// The values are checked by cfg.Validate, not here.
func (f *benchFlags) config(args []string) (bench.Config, error) {
	cfg := bench.DefaultConfig()
	fs := f.fs
	if fs.NArg() > 0 {
		return cfg, cli.Usagef("bench takes no arguments, got %s (see mandel bench --help)", quoteAll(fs.Args()))
	}
	if f.out != "" {
		cfg.Out = f.out
	} else if fs.Changed("out") {
		return cfg, cli.Usagef("--out must not be empty")
	}
	var err error
	// Names in any case, as the render command takes them.
	if cfg.Scenes, err = bench.ParseList(strings.ToLower(f.scenes)); err != nil {
		return cfg, cli.Usagef("--scenes: %v", err)
	}
	if cfg.Strategies, err = bench.ParseList(strings.ToLower(f.strats)); err != nil {
		return cfg, cli.Usagef("--strategies: %v (valid: %s)", err, strings.Join(strategies.Names(), ", "))
	}
	if cfg.Workers, err = bench.ParseCounts(f.workers); err != nil {
		return cfg, cli.Usagef("--workers: %v; want counts such as 1,2,4", err)
	}
	if cfg.Grains, err = bench.ParseCounts(f.grain); err != nil {
		return cfg, cli.Usagef("--grain: %v; want counts such as 1 or 1,4,16", err)
	}
	if fs.Changed("simulate") {
		if cfg.Simulate, err = bench.ParseCounts(f.simulate); err != nil {
			return cfg, cli.Usagef("--simulate: %v; want counts such as 1,2,4,8", err)
		}
	}
	cfg.Reps, cfg.Warmup, cfg.SizeFactor, cfg.MaxIter = f.reps, f.warmup, f.sizeFactor, f.maxiter
	cfg.TargetTime, cfg.MinTime, cfg.MaxTime = f.targetTime, f.minTime, f.maxTime
	if f.sizesFrom != "" {
		if cfg.SceneSizes, err = bench.ReadSceneSizes(f.sizesFrom); err != nil {
			return cfg, cli.Usagef("--sizes-from: %v", strings.TrimPrefix(err.Error(), "bench: scene sizes: "))
		}
	}
	if fs.Changed("size") {
		cfg.Width, cfg.Height = f.width, f.height
	}
	if fs.Changed("seed") && f.seed == 0 {
		// bench.Config takes seed 0 for "from the clock": --seed 0 would
		// order two sweeps differently, which is what --seed is given to
		// prevent.
		return cfg, cli.Usagef("--seed must be positive (leave it out for a seed from the clock)")
	}
	cfg.Seed, cfg.Commit, cfg.Shortcuts, cfg.Kernel = f.seed, f.commit, f.shortcuts, strings.ToLower(f.kernel)
	if f.profiles, err = profileFiles(fs, f.trace, f.cpuProfile); err != nil {
		return cfg, err
	}
	for _, p := range []struct{ flag, path string }{{"trace", f.trace}, {"cpuprofile", f.cpuProfile}} {
		// The file is made while the sweep runs (under a temporary name), in
		// a folder that must then be empty, and would be among its results.
		if p.path != "" && inside(cfg.Out, p.path) {
			return cfg, cli.Usagef("--%s %q is inside the results directory %q, which the sweep needs empty; write it beside it", p.flag, p.path, cfg.Out)
		}
	}
	cfg.Args = append([]string{"mandel", "bench"}, args...)
	if err := guessNames(&cfg); err != nil {
		return cfg, err
	}
	if err := cfg.Validate(); err != nil {
		return cfg, cli.UsageError{Err: err}
	}
	return cfg, nil
}

// guessNames refuses a scene, strategy or kernel that is none of the
// valid names, with a guess at the name meant; Validate would refuse it
// too, but without the guess.
func guessNames(cfg *bench.Config) error {
	var scenes []string
	for _, s := range bench.Scenes() {
		scenes = append(scenes, s.Name)
	}
	for _, list := range []struct {
		flag, what string
		given      []string
		valid      []string
	}{
		{"--scenes", "scene", cfg.Scenes, scenes},
		{"--strategies", "strategy", cfg.Strategies, strategies.Names()},
		{"--kernel", "kernel", []string{cfg.Kernel}, render.KernelNames()},
	} {
		for _, name := range list.given {
			if name != "" && !slices.Contains(list.valid, name) {
				return cli.Usagef("%s: %v", list.flag, cli.Unknown(list.what, name, list.valid))
			}
		}
	}
	return nil
}

// inside reports whether path is dir or lies under it.
func inside(dir, path string) bool {
	d, err1 := filepath.Abs(dir)
	p, err2 := filepath.Abs(path)
	if err1 != nil || err2 != nil {
		return false
	}
	rel, err := filepath.Rel(d, p)
	return err == nil && (rel == "." || (rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))))
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ",")
}

func printBenchHelp(w io.Writer, fs *pflag.FlagSet) {
	fmt.Fprintf(w, `mandel bench times every strategy on a set of scenes and worker counts and
writes the results (CSV, JSON, Markdown, Go benchmark format, charts and
pictures) into a directory: report.md tells the run in one page, rankings.md
ranks the strategies with significance tests, and docs/benchmarking.md explains
every file.

Usage:
  mandel bench [flags]

Examples:
  mandel bench                                  # the full default sweep (make bench)
  mandel bench --reps 6 --target-time 20ms --max-time 200ms --out /tmp/quick
  mandel bench --scenes tophalf --strategies bands,cyclic,steal --workers 1,2,4,8
  %s

The benchstat line compares every strategy with the first after serial, at
grain 1 (serial exists only at one worker, so as the base column it would
leave "vs base" empty); -filter '/strategy:(bands OR steal)' compares two.

Only the render is timed, with GOMAXPROCS set to the worker count; every run's
frame is checked against serial's. Runs of all configurations are interleaved
in a shuffled order. Ctrl-C stops after the current run and writes what was
measured, marked partial.

Each scene is first sized so that one serial render takes --target-time.
After the --reps rounds, more rounds, interleaved likewise, run the
configurations whose runs are still short of --min-time or whose median is
uncertain (95%% CI wider than ±3%%), until --max-time is spent on each.

Flags (each long flag also works with one dash: -reps 3):
%s
Exit status: 0 success, 1 failure, 2 bad command line, 129/130/131/143 stopped by SIGHUP/SIGINT/SIGQUIT/SIGTERM.
`, benchreport.BenchstatCommand("results/<name>/bench.txt"), cli.Usages(fs))
}
