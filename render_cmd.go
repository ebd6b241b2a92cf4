package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"runtime/debug"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/pflag"

	"github.com/mandel-project/mandel/imageio"
	"github.com/mandel-project/mandel/internal/cli"
	"github.com/mandel-project/mandel/internal/decimal"
	"github.com/mandel-project/mandel/internal/progress"
	"github.com/mandel-project/mandel/internal/sysmem"
	"github.com/mandel-project/mandel/pipeline"
	"github.com/mandel-project/mandel/render"
	"github.com/mandel-project/mandel/shard"
	"github.com/mandel-project/mandel/strategies"
)

// renderConfig is everything the render command needs, parsed and checked.
type renderConfig struct {
	job     pipeline.Job
	plan    pipeline.Plan // job's, checked before any output is opened
	output  string
	verbose bool
	force   bool // replace a write-protected output file
	quiet   bool // show no progress line
	// shard, if not nil, is the strip of rows to render (shard.Resolve).
	shard *shard.Spec
}

// renderFlags declares the render command's flags on a new FlagSet.
type renderFlags struct {
	fs                               *pflag.FlagSet
	strategy, view, palette, format  string
	kernel                           string
	workers, grain, maxiter, aa      int
	width, height                    int
	re, im, scale                    decimal.Number
	escape                           float64
	method                           string
	noBLA, maxiterAuto               bool
	list, showVersion, help, verbose bool
	force, shortcuts, quiet          bool
	memory                           float64
	shard                            string
	shards                           int
	env                              func(string) (string, bool) // for the shard of a cluster task
	available                        func() float64              // the machine's memory, for the plan
	stripRows                        int                         // a fixed strip height (tests)
}

// newRenderFlags declares the render command's flags; a carries what they
// read from the machine (the environment, the memory).
func newRenderFlags(a *app) *renderFlags {
	f := &renderFlags{fs: pflag.NewFlagSet("mandel", pflag.ContinueOnError), env: a.env, available: a.availableMemory, stripRows: a.stripRows}
	fs := f.fs
	fs.SortFlags = false
	fs.StringVarP(&f.strategy, "strategy", "s", "steal", "scheduling strategy (see --list)")
	fs.StringVar(&f.kernel, "kernel", "auto", "iteration kernel: "+strings.Join(render.KernelNames(), ", ")+"; all give the same image")
	fs.VarP(cli.Int(&f.workers, runtime.GOMAXPROCS(0), 1, strategies.MaxWorkers), "workers", "w", "number of workers (default: GOMAXPROCS, the CPUs this process may use)")
	fs.VarP(cli.Int(&f.grain, 1, 1, math.MaxInt), "grain", "g", "rows per claim, for the strategies that claim blocks")
	fs.StringVarP(&f.view, "view", "V", "full", "preset view: "+strings.Join(render.PresetNames(), ", "))
	fs.Var(cli.Size(&f.width, &f.height), "size", "image size WxH, or N for NxN (default: the view's)")
	fs.Var(cli.DecimalPair(&f.re, &f.im), "center", "centre of the view RE,IM, decimals of any length (default: the view's)")
	fs.Var(cli.Decimal(&f.scale, "positive", func(n decimal.Number) bool { return n.Sign() > 0 }), "scale", "width of the view in the complex plane, down to 1e-10000 (default: the view's)")
	fs.VarP(cli.IntOrAuto(&f.maxiter, &f.maxiterAuto, 0, 1, render.MaxMaxIter), "maxiter", "m", "iteration limit, or auto: 1000 + 250 per decade of zoom (default: the view's)")
	fs.StringVar(&f.method, "method", "auto", "direct (float64 kernels), perturb (deep zoom: perturbation with rebasing and BLA), or auto: direct where float64 resolves the pixels")
	fs.BoolVar(&f.noBLA, "no-bla", false, "perturbation without bivariate linear approximation: every iteration computed (for measurements)")
	// The view reads 0 as the default radius; on the command line that
	// would only hide a mistake.
	validRadius := func(x float64) bool { return x >= 2 && x <= render.MaxEscape }
	fs.Var(cli.Finite(&f.escape, fmt.Sprintf("in 2..%g", float64(render.MaxEscape)), validRadius), "escape", "escape radius, 2..1e6 (default 2)")
	fs.StringVarP(&f.palette, "palette", "p", "classic", "palette: "+strings.Join(render.PaletteNames(), ", "))
	fs.Var(cli.Int(&f.aa, 1, 1, render.MaxSupersampling), "aa", "supersampling: N x N samples per pixel, 1..16")
	fs.StringVarP(&f.format, "format", "f", "", "output format, overriding the extension; needed for - (stdout)")
	fs.StringVar(&f.shard, "shard", "", "render only shard i of n (i/n, e.g. 0/4), a strip of rows, to a PNG for mandel stitch; %d in OUTPUT becomes i (default: from a Slurm array task's environment)")
	// 0 is --shards unset; shardFlags refuses it set, with its own message.
	fs.Var(cli.Int(&f.shards, 0, 0, render.MaxSide), "shards", "the number of shards, for a Kubernetes Indexed Job's JOB_COMPLETION_INDEX")
	fs.BoolVar(&f.shortcuts, "shortcuts", true, "skip points provably in the set (main cardioid, period-2 bulb, repeating orbits); the image is the same either way")
	fs.Var(cli.Memory(&f.memory), "memory", "memory budget, e.g. 512MiB, 2GiB: larger budgets render in taller strips; an image in a format that does not stream (jpeg, gif, tiff) must fit it whole (default: 512 MiB or half the available memory, the less)")
	fs.BoolVarP(&f.quiet, "quiet", "q", false, "show no progress line (one shows on a terminal during long renders)")
	fs.BoolVar(&f.force, "force", false, "replace OUTPUT even if it is write-protected")
	fs.BoolVar(&f.list, "list", false, "print the strategies, one per line (with -v, what each does), and exit")
	fs.BoolVarP(&f.verbose, "verbose", "v", false, "print timing and the per-worker report on stderr")
	fs.BoolVar(&f.showVersion, "version", false, "print the version and exit")
	fs.BoolVarP(&f.help, "help", "h", false, "show this help and exit")
	fs.SetOutput(io.Discard) // errors are reported by report, help by printHelp
	return f
}

func (a *app) runRender(ctx context.Context, args []string) int {
	f := newRenderFlags(a)
	if err := cli.Parse(f.fs, args); err != nil {
		return report(a.stderr, err)
	}
	switch {
	case f.help:
		printHelp(a.stdout, f.fs)
		return exitOK
	case f.showVersion:
		fmt.Fprintln(a.stdout, versionString())
		return exitOK
	case f.list:
		printStrategies(a.stdout, f.verbose)
		return exitOK
	}
	cfg, err := f.config()
	if err != nil {
		return report(a.stderr, err)
	}
	return report(a.stderr, a.renderImage(ctx, cfg))
}

// config checks the flags and builds the configuration. Every check that does
// not need the file system happens here, before anything is allocated.
func (f *renderFlags) config() (*renderConfig, error) {
	fs := f.fs
	switch fs.NArg() {
	case 0:
		return nil, cli.Usagef("missing OUTPUT file (e.g. mandel -strategy steal out.png; - for stdout)")
	case 1:
	default:
		return nil, cli.Usagef("want one OUTPUT file, got %d arguments: %s", fs.NArg(), strings.Join(fs.Args(), " "))
	}
	cfg := &renderConfig{output: fs.Arg(0), verbose: f.verbose, quiet: f.quiet, force: f.force}
	if cfg.output == "" {
		return nil, cli.Usagef("the OUTPUT path is empty (e.g. mandel out.png; - for stdout)")
	}
	j := &cfg.job
	*j = pipeline.Job{AA: f.aa, Grain: f.grain, Workers: f.workers, Shortcuts: f.shortcuts,
		Memory: f.memory, Available: f.available(), StripRows: f.stripRows}
	v, err := f.viewFromFlags()
	if err != nil {
		return nil, err
	}
	j.View = v
	if err := render.CheckSupersampling(v, f.aa); err != nil {
		return nil, cli.Usagef("--aa %d: %v", f.aa, err)
	}
	if j.Method, err = render.ParseMethod(f.method); err != nil {
		return nil, cli.UsageError{Err: err}
	}
	if _, err := j.Method.Resolve(v); err != nil {
		return nil, cli.UsageError{Err: err}
	}
	j.NoBLA = f.noBLA
	if j.Strategy, err = strategies.Lookup(f.strategy); err != nil {
		return nil, cli.UsageError{Err: err}
	}
	if j.Kernel, err = render.LookupKernel(f.kernel); err != nil {
		return nil, cli.UsageError{Err: err}
	}
	if j.Palette, err = render.LookupPalette(f.palette); err != nil {
		return nil, cli.UsageError{Err: err}
	}
	if j.Format, err = f.outputFormat(cfg.output); err != nil {
		return nil, err
	}
	if err := imageio.CheckSize(j.Format, v.Width, v.Height); err != nil {
		return nil, cli.UsageError{Err: err}
	}

	cfg.shard, err = shard.Resolve(shard.Flags{Shard: f.shard, ShardSet: fs.Changed("shard"), Shards: f.shards, ShardsSet: fs.Changed("shards")}, f.env, v.Height)
	if err != nil {
		return nil, cli.UsageError{Err: err}
	}
	if s := cfg.shard; s != nil {
		if j.Format != imageio.PNG {
			return nil, cli.Usagef("%s: shards are PNG files, which carry the view for mandel stitch; got %s", s.From, j.Format)
		}
		cfg.output = s.Output(cfg.output)
		j.Lo, j.Hi = s.Lo, s.Hi
		// A shard carries the view and its place for mandel stitch.
		j.Text = shard.Header{Version: version, View: v, AA: j.AA, Palette: j.Palette.Name, Index: s.Index, Count: s.Count}.Text()
	}
	if cfg.plan, err = j.Plan(); err != nil {
		return nil, cli.UsageError{Err: err}
	}
	return cfg, nil
}

// viewFromFlags is the preset view with the flags' overrides, checked.
func (f *renderFlags) viewFromFlags() (render.View, error) {
	fs := f.fs
	preset, err := render.LookupPreset(f.view)
	if err != nil {
		return render.View{}, cli.UsageError{Err: err}
	}
	v := preset.View
	if fs.Changed("size") {
		v.Width, v.Height = f.width, f.height
	}
	// The view carries the centre and scale as the decimals given, so
	// that a deep zoom's digits reach the reference orbit.
	d := v.Decimals()
	if fs.Changed("center") {
		d.Re, d.Im = f.re, f.im
	}
	if fs.Changed("scale") {
		d.Scale = f.scale
	}
	v = v.WithDecimals(d.Re, d.Im, d.Scale)
	switch {
	case f.maxiterAuto:
		v.MaxIter = render.AutoMaxIter(d.Scale)
	case fs.Changed("maxiter"):
		v.MaxIter = f.maxiter
	}
	if fs.Changed("escape") {
		v.Escape = f.escape
	}
	if err := v.Validate(); err != nil {
		return render.View{}, cli.UsageError{Err: err}
	}
	return v, nil
}

// outputFormat is the --format flag's format, or else output's by its
// extension.
func (f *renderFlags) outputFormat(output string) (imageio.Format, error) {
	switch {
	case f.fs.Changed("format") && f.format == "":
		return "", cli.Usagef("--format is empty; want one of %s", formatList())
	case f.format != "":
		format, err := imageio.ParseFormat(f.format)
		if err != nil {
			return "", cli.UsageError{Err: err}
		}
		return format, nil
	case output == "-":
		return "", cli.Usagef("writing to stdout (-) needs --format (one of %s)", formatList())
	default:
		format, err := imageio.FormatOf(output)
		if err != nil {
			return "", cli.UsageError{Err: err}
		}
		return format, nil
	}

}

// renderImage renders, paints and writes the image. The output is checked,
// and a file created (as a temporary file), before rendering, so that an
// unwritable directory is reported at once; the file appears at its path
// only when complete.
func (a *app) renderImage(ctx context.Context, cfg *renderConfig) error {
	out, err := openOutput(cfg.output, cfg.force, a.stdout, a.stderr)
	if err != nil {
		return err
	}
	defer out.abort()
	job := cfg.job
	var prog *progress.RowCounter
	if !cfg.quiet && a.isTerminal(a.stderr) {
		lo, hi := job.Window() // a shard's line counts the shard's rows
		prog = progress.StartRows(progress.New(a.stderr), hi-lo, a.progressDelay)
		defer prog.Stop()
		job.Progress = prog.Add
	}
	if limit, ok := cfg.plan.HeapLimit(); ok {
		// The Go runtime's own limit keeps the garbage of the compressed
		// strips from doubling the heap (GOGC's default). It is the
		// process's, so the command sets it, not the pipeline.
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(limit))
	}
	var st pipeline.Stats
	err = out.writeWith(ctx, func(w io.Writer) (err error) {
		st, err = pipeline.Run(ctx, w, job)
		return err
	})
	prog.Stop()
	var panicked *strategies.PanicError
	if cfg.verbose && errors.As(err, &panicked) {
		fmt.Fprintf(a.stderr, "%s", panicked.Stack)
	}
	if err == nil && cfg.verbose {
		printReport(a.stderr, cfg, &st)
	}
	return err
}

// phaseTimes is the --verbose line that shows which step the time went to.
func phaseTimes(st *pipeline.Stats) string {
	total := (st.Deep.Reference + st.Render + st.Paint + st.Encode).Seconds()
	part := func(d time.Duration) string {
		pct := 0.0
		if total > 0 {
			pct = 100 * d.Seconds() / total
		}
		return fmt.Sprintf("%.3fs (%.0f%%)", d.Seconds(), pct)
	}
	ref := ""
	if st.Method == render.MethodPerturb {
		ref = "reference " + part(st.Deep.Reference) + ", "
	}
	return fmt.Sprintf("time: %srender %s, paint %s, encode %s", ref, part(st.Render), part(st.Paint), part(st.Encode))
}

// printReport writes the --verbose summary: the run, where the time went,
// one line per worker, then how the image was cut.
func printReport(w io.Writer, cfg *renderConfig, st *pipeline.Stats) {
	j, rep := &cfg.job, &st.Report
	v := j.View
	elapsed := st.Render
	lo, hi := j.Window() // a shard renders only its rows
	pixels := float64(v.Width) * float64(hi-lo)
	secs := elapsed.Seconds()
	// With shortcuts the iterations are those done, fewer than the frame's
	// counts, so the header says which.
	shortcuts := "off"
	if j.Shortcuts {
		shortcuts = "on"
	}
	fmt.Fprintf(w, "strategy %s, %d workers, grain %d, %dx%d, aa %d, maxiter %d, shortcuts %s\n",
		j.Strategy.Name(), j.Workers, j.Grain, v.Width, v.Height, j.AA, v.MaxIter, shortcuts)
	if !j.Strategy.UsesGrain() && j.Grain != 1 {
		fmt.Fprintf(w, "note: %s ignores --grain\n", j.Strategy.Name())
	}
	fmt.Fprintf(w, "render %v, %.3g pixels/s, %.3g iter/s, %d iterations\n",
		elapsed.Round(time.Microsecond), pixels/secs, float64(rep.Work())/secs, rep.Work())
	fmt.Fprintln(w, phaseTimes(st))
	d := v.Decimals()
	fmt.Fprintf(w, "view: centre %s,%s, scale %s, method %s\n", d.Re, d.Im, d.Scale, st.Method)
	if ds := st.Deep; st.Method == render.MethodPerturb {
		orbit := "reached maxiter"
		switch {
		case ds.Escaped:
			orbit = "escaped"
		case ds.Ended:
			orbit = "ended: |Z/Z'| under a sample"
		}
		bla := "BLA off"
		if work := rep.Work(); !j.NoBLA && work > 0 {
			bla = fmt.Sprintf("BLA skipped %d of %d iterations (%.1f%%), table %s", ds.Skipped, work, 100*float64(ds.Skipped)/float64(work), sysmem.HumanBytes(ds.BLABytes))
		}
		fmt.Fprintf(w, "perturbation: reference orbit of %d iterations (%s) at %d bits in %v; %s\n",
			ds.Orbit, orbit, ds.Prec, ds.Reference.Round(time.Microsecond), bla)
		if j.Shortcuts {
			fmt.Fprintf(w, "periodicity checking: %d samples stopped as inside, %d iterations saved\n", ds.Periodic, ds.PeriodicSaved)
		}
	}
	fmt.Fprintf(w, "imbalance %.3f (max busy / mean busy), overhead %v (workers x wall - busy)\n",
		rep.Imbalance(), rep.Overhead().Round(time.Microsecond))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "worker\trows\tblocks\tbusy\titerations\tsteals\t")
	for i, s := range rep.Workers {
		fmt.Fprintf(tw, "%d\t%d\t%d\t%v\t%d\t%d/%d\t\n", i, s.Items, s.Blocks, s.Busy.Round(time.Microsecond), s.Work, s.Steals, s.StealAttempts)
	}
	tw.Flush()
	p := st.Plan
	switch {
	case p.Bits:
		fmt.Fprintf(w, "bit path: 1 bit per pixel, %s kernel, strips of %d rows; the iterations include those of pixels run on past their escape\n", st.Kernel, p.Rows)
		return
	case j.Shortcuts && st.Method == render.MethodDirect:
		periodicity := "off"
		if st.Periodicity {
			periodicity = "on"
		}
		fmt.Fprintf(w, "kernel %s: shortcuts are the cardioid and bulb test, periodicity checking %s\n", st.Kernel, periodicity)
	}
	if cfg.shard != nil {
		s := cfg.shard
		fmt.Fprintf(w, "shard %d/%d: rows %d-%d of %d\n", s.Index, s.Count, s.Lo, s.Hi-1, v.Height)
	}
	if st.Plan.Strips > 1 {
		fmt.Fprintf(w, "strips: %d of %d rows (%s of %s for the whole image, --memory %s); each strip is a parallel region, its end a barrier\n",
			st.Plan.Strips, p.Rows, sysmem.HumanBytes(p.Need), sysmem.HumanBytes(p.Whole), sysmem.HumanBytes(p.Budget))
	}
}

// printStrategies writes the --list output: the names in catalogue order,
// and with verbose what each does.
func printStrategies(w io.Writer, verbose bool) {
	if !verbose {
		fmt.Fprintln(w, strings.Join(strategies.Names(), "\n"))
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, s := range strategies.All() {
		fmt.Fprintf(tw, "%s\t%s\n", s.Name(), s.Summary())
	}
	tw.Flush()
}

func formatList() string {
	names := make([]string, 0, len(imageio.Formats()))
	for _, f := range imageio.Formats() {
		names = append(names, string(f))
	}
	return strings.Join(names, ", ")
}

func printHelp(w io.Writer, fs *pflag.FlagSet) {
	fmt.Fprintf(w, `mandel renders the Mandelbrot set in parallel.

Usage:
  mandel [flags] OUTPUT       render to OUTPUT (format from the extension; - is stdout)
  mandel bench [flags]        time every strategy and write results/ (mandel bench --help)
  mandel stitch -o OUT.png SHARD.png...
                              join the shards of a render (mandel stitch --help)

Examples:
  mandel -strategy steal out.png
  mandel --view seahorse --size 1920x1080 --palette fire --aa 3 seahorse.png
  mandel --center=-0.7436,0.1318 --scale 0.002 --maxiter 3000 zoom.jpg
  mandel -v --center 0,1 --scale 1e-1000 --maxiter auto deep.png  # by perturbation
  mandel -view benchgame -size 16000 -s cyclic out.pbm    # the Benchmarks Game output
  mandel -v -s bands -w 8 out.png                         # print the per-worker report
  mandel --format ppm - > out.ppm
  mandel --shard 1/4 --size 16384 shard-%%d.png           # rows 4096-8191 to shard-1.png

Flags (each long flag also works with one dash: -strategy steal):
%s
Views:
`, cli.Usages(fs))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, p := range render.Presets() {
		fmt.Fprintf(tw, "  %s\t%s\n", p.Name, p.Description)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nStrategies:")
	for _, s := range strategies.All() {
		fmt.Fprintf(tw, "  %s\t%s\n", s.Name(), s.Summary())
	}
	tw.Flush()
	fmt.Fprintf(w, "\nFormats: %s\nPalettes: %s\n", formatList(), strings.Join(render.PaletteNames(), ", "))
	fmt.Fprint(w, `
Output: the file appears only when complete, and replaces an existing one
(keeping its mode), except a write-protected one (use --force). /dev/stdout,
or a path that is the file standard output is redirected to, is written
through standard output, like -; binary image data is not written to a
terminal.

Exit status: 0 success, 1 failure, 2 bad command line; stopped by a signal,
128 + its number: 129 SIGHUP, 130 SIGINT (Ctrl-C), 131 SIGQUIT, 143 SIGTERM.
A first signal stops cleanly; a second one stops at once. Neither leaves a
partial or temporary file.
`)
}
