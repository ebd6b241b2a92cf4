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
	"github.com/mandel-project/mandel/internal/sysmem"
	"github.com/mandel-project/mandel/render"
	"github.com/mandel-project/mandel/strategies"
)

// version is the release; the VCS revision, when the build recorded one, is
// appended by --version.
const version = "0.1.0"

// renderConfig is everything the render command needs, parsed and checked.
type renderConfig struct {
	view     render.View
	aa       int
	palette  render.Palette
	strategy strategies.Strategy
	kernel   render.Kernel
	workers  int
	grain    int
	output   string
	format   imageio.Format
	verbose  bool
	force    bool // replace a write-protected output file
	// shortcuts skips samples provably in the set (render.Options).
	shortcuts bool
	// bits says to render straight to bits, 1 per pixel, with neither a
	// Frame nor an image: a PBM of a view where that gives exactly the
	// Frame's picture (see render.CanRenderBits). This is how the
	// Benchmarks Game's 16000x16000 takes 32 MB rather than 3 GB.
	bits bool
	// shard, if not nil, is the strip of rows to render (shard_cmd.go).
	shard *shardSpec
	// plan is the whole image at once, or strips within --memory.
	plan memoryPlan
	// quiet says to show no progress line.
	quiet bool
}

// renderFlags declares the render command's flags on a new FlagSet.
type renderFlags struct {
	fs                               *pflag.FlagSet
	strategy, view, palette, format  string
	kernel                           string
	workers, grain, maxiter, aa      int
	size                             sizeValue
	center                           complexValue
	scale, escape                    finiteValue
	list, showVersion, help, verbose bool
	force, shortcuts, quiet          bool
	memory                           memoryValue
	shard                            string
	shards                           int
	env                              func(string) (string, bool) // for the shard of a cluster task
}

func newRenderFlags() *renderFlags {
	f := &renderFlags{fs: pflag.NewFlagSet("mandel", pflag.ContinueOnError), env: lookupEnv}
	fs := f.fs
	fs.SortFlags = false
	fs.StringVarP(&f.strategy, "strategy", "s", "steal", "scheduling strategy (see --list)")
	fs.StringVar(&f.kernel, "kernel", "auto", "iteration kernel: "+strings.Join(render.KernelNames(), ", ")+"; all give the same image")
	fs.VarP(newIntValue(&f.workers, runtime.GOMAXPROCS(0), 1, strategies.MaxWorkers), "workers", "w", "number of workers (default: GOMAXPROCS, the CPUs this process may use)")
	fs.VarP(newIntValue(&f.grain, 1, 1, math.MaxInt), "grain", "g", "rows per claim, for the strategies that claim blocks")
	fs.StringVarP(&f.view, "view", "V", "full", "preset view: "+strings.Join(render.PresetNames(), ", "))
	fs.Var(&f.size, "size", "image size WxH, or N for NxN (default: the view's)")
	fs.Var(&f.center, "center", "centre of the view RE,IM (default: the view's)")
	fs.Var(&f.scale, "scale", "width of the view in the complex plane (default: the view's)")
	fs.VarP(newIntValue(&f.maxiter, 0, 1, render.MaxMaxIter), "maxiter", "m", "iteration limit (default: the view's)")
	fs.Var(&f.escape, "escape", "escape radius, 2..1e6 (default 2)")
	fs.StringVarP(&f.palette, "palette", "p", "classic", "palette: "+strings.Join(render.PaletteNames(), ", "))
	fs.Var(newIntValue(&f.aa, 1, 1, render.MaxSupersampling), "aa", "supersampling: N x N samples per pixel, 1..16")
	fs.StringVarP(&f.format, "format", "f", "", "output format, overriding the extension; needed for - (stdout)")
	fs.StringVar(&f.shard, "shard", "", "render only shard i of n (i/n, e.g. 0/4), a strip of rows, to a PNG for mandel stitch; %d in OUTPUT becomes i (default: from a Slurm array task's environment)")
	fs.Var(newIntValue(&f.shards, 0, 1, render.MaxSide), "shards", "the number of shards, for a Kubernetes Indexed Job's JOB_COMPLETION_INDEX")
	fs.BoolVar(&f.shortcuts, "shortcuts", true, "skip points provably in the set (main cardioid, period-2 bulb, repeating orbits); the image is the same either way")
	fs.Var(&f.memory, "memory", "memory budget, e.g. 512MiB, 2GiB: larger renders go in strips of rows (png, pgm, ppm, pbm, bmp) or are refused (default: 512 MiB or half the available memory, the less)")
	fs.BoolVarP(&f.quiet, "quiet", "q", false, "show no progress line (one shows on a terminal during long renders)")
	fs.BoolVar(&f.force, "force", false, "replace OUTPUT even if it is write-protected")
	fs.BoolVar(&f.list, "list", false, "print the strategies, one per line (with -v, what each does), and exit")
	fs.BoolVarP(&f.verbose, "verbose", "v", false, "print timing and the per-worker report on stderr")
	fs.BoolVar(&f.showVersion, "version", false, "print the version and exit")
	fs.BoolVarP(&f.help, "help", "h", false, "show this help and exit")
	fs.SetOutput(io.Discard) // errors are reported by report, help by printHelp
	return f
}

func runRender(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f := newRenderFlags()
	if err := parseFlags(f.fs, args); err != nil {
		return report(stderr, err)
	}
	switch {
	case f.help:
		printHelp(stdout, f.fs)
		return exitOK
	case f.showVersion:
		fmt.Fprintln(stdout, versionString())
		return exitOK
	case f.list:
		printStrategies(stdout, f.verbose)
		return exitOK
	}
	cfg, err := f.config()
	if err != nil {
		return report(stderr, err)
	}
	return report(stderr, renderImage(ctx, cfg, stdout, stderr))
}

// config checks the flags and builds the configuration. Every check that does
// not need the file system happens here, before anything is allocated.
func (f *renderFlags) config() (*renderConfig, error) {
	fs := f.fs
	switch fs.NArg() {
	case 0:
		return nil, usagef("missing OUTPUT file (e.g. mandel -strategy steal out.png; - for stdout)")
	case 1:
	default:
		return nil, usagef("want one OUTPUT file, got %d arguments: %s", fs.NArg(), strings.Join(fs.Args(), " "))
	}
	cfg := &renderConfig{output: fs.Arg(0), verbose: f.verbose, aa: f.aa, grain: f.grain, workers: f.workers, shortcuts: f.shortcuts, quiet: f.quiet, force: f.force}
	if cfg.output == "" {
		return nil, usagef("the OUTPUT path is empty (e.g. mandel out.png; - for stdout)")
	}

	v, err := f.viewFromFlags()
	if err != nil {
		return nil, err
	}
	cfg.view = v

	if f.workers < 1 || f.workers > strategies.MaxWorkers {
		return nil, usagef("--workers must be in 1..%d, got %d", strategies.MaxWorkers, f.workers)
	}
	if f.grain <= 0 {
		return nil, usagef("--grain must be at least 1, got %d", f.grain)
	}
	if err := render.CheckSupersampling(v, f.aa); err != nil {
		return nil, usagef("--aa %d: %v", f.aa, err)
	}
	if cfg.strategy, err = strategies.Lookup(f.strategy); err != nil {
		return nil, usageError{err}
	}
	if cfg.kernel, err = render.LookupKernel(f.kernel); err != nil {
		return nil, usageError{err}
	}
	if cfg.palette, err = render.LookupPalette(f.palette); err != nil {
		return nil, usageError{err}
	}

	if cfg.format, err = f.outputFormat(cfg.output); err != nil {
		return nil, err
	}
	if err := imageio.CheckSize(cfg.format, v.Width, v.Height); err != nil {
		return nil, usageError{err}
	}

	if cfg.shard, err = shardFlags(f, v.Height); err != nil {
		return nil, err
	}
	mem := v
	if s := cfg.shard; s != nil {
		if cfg.format != imageio.PNG {
			return nil, usagef("%s: shards are PNG files, which carry the view for mandel stitch; got %s", s.from, cfg.format)
		}
		cfg.output = shardOutput(cfg.output, s)
		mem.Height = s.hi - s.lo
	}

	cfg.bits = cfg.format == imageio.PBM && render.CanRenderBits(v, f.aa)
	var need float64
	switch {
	case cfg.bits:
		need = render.BitsMemory(v, bitsStripRows(v.Width))
	default:
		// A shard's memory is that of its rows, which it renders in strips
		// as a whole image does.
		if cfg.plan, err = planMemory(mem, cfg.aa, cfg.format, cfg.workers, f.memory.bytes); err != nil {
			return nil, usagef("%dx%d with --aa %d: %w", v.Width, v.Height, f.aa, err)
		}
		need = cfg.plan.need
	}
	if err := sysmem.Check(need, availableMemory()); err != nil {
		return nil, usagef("%dx%d with --aa %d %w", v.Width, v.Height, f.aa, err)
	}
	return cfg, nil
}

// viewFromFlags is the preset view with the flags' overrides, checked.
func (f *renderFlags) viewFromFlags() (render.View, error) {
	fs := f.fs
	preset, err := render.LookupPreset(f.view)
	if err != nil {
		return render.View{}, usageError{err}
	}
	v := preset.View
	if fs.Changed("size") {
		v.Width, v.Height = f.size.w, f.size.h
	}
	if fs.Changed("center") {
		v.Center = f.center.c
	}
	if fs.Changed("scale") {
		if f.scale.f <= 0 {
			return render.View{}, usagef("--scale must be positive, got %v", f.scale.f)
		}
		v.Scale = f.scale.f
	}
	if fs.Changed("maxiter") {
		if f.maxiter <= 0 {
			return render.View{}, usagef("--maxiter must be positive, got %d", f.maxiter)
		}
		v.MaxIter = f.maxiter
	}
	if fs.Changed("escape") {
		// The view reads 0 as the default radius; on the command line
		// that would only hide a mistake.
		v.Escape = f.escape.f
		if v.Escape < 2 || v.Escape > render.MaxEscape {
			return render.View{}, usagef("--escape must be in 2..%g, got %v", float64(render.MaxEscape), v.Escape)
		}
	}
	if err := v.Validate(); err != nil {
		return render.View{}, usageError{err}
	}
	return v, nil
}

// outputFormat is the --format flag's format, or else output's by its
// extension.
func (f *renderFlags) outputFormat(output string) (imageio.Format, error) {
	switch {
	case f.fs.Changed("format") && f.format == "":
		return "", usagef("--format is empty; want one of %s", formatList())
	case f.format != "":
		format, err := imageio.ParseFormat(f.format)
		if err != nil {
			return "", usageError{err}
		}
		return format, nil
	case output == "-":
		return "", usagef("writing to stdout (-) needs --format (one of %s)", formatList())
	default:
		format, err := imageio.FormatOf(output)
		if err != nil {
			return "", usageError{err}
		}
		return format, nil
	}

}

// renderImage renders, paints and writes the image. The output is checked,
// and a file created (as a temporary file), before rendering, so that an
// unwritable directory is reported at once; the file appears at its path
// only when complete.
func renderImage(ctx context.Context, cfg *renderConfig, stdout, stderr io.Writer) error {
	out, err := openOutput(cfg.output, cfg.force, stdout, stderr)
	if err != nil {
		return err
	}
	defer out.abort()
	if cfg.bits {
		return renderBits(ctx, cfg, out, stderr)
	}
	return renderStrips(ctx, cfg, out, stderr)
}

// renderFailed is the error of a render that failed; with --verbose, a
// panic's stack goes to stderr first.
func renderFailed(cfg *renderConfig, err error, stderr io.Writer) error {
	var panicked *strategies.PanicError
	if cfg.verbose && errors.As(err, &panicked) {
		fmt.Fprintf(stderr, "%s", panicked.Stack)
	}
	return fmt.Errorf("render: %w", err)
}

// bitsStripBytes bounds the bitmap a bit render holds: it renders and
// writes a strip of rows at a time, each strip a parallel region of the
// user's strategy. A variable so that tests can force many strips.
var bitsStripBytes = 4 << 20

// bitsStripRows is the number of rows of a strip of a bitmap width wide.
func bitsStripRows(width int) int {
	return max(1, bitsStripBytes/((width+7)/8))
}

// renderBits renders the bitmap with the user's strategy and workers, one
// row per unit, a strip at a time, and writes each strip after the header
// as it is done: the Benchmarks Game's 16000x16000 holds 4 MiB of it, not
// 32 MiB. The end of a strip is a barrier, which costs a dynamic strategy
// about a row's time per strip.
func renderBits(ctx context.Context, cfg *renderConfig, out *output, stderr io.Writer) error {
	r, err := render.NewBitRenderer(cfg.view, cfg.kernel)
	if err != nil {
		return err
	}
	v := cfg.view
	opts := strategies.Options{Workers: cfg.workers, Grain: cfg.grain}
	rows := bitsStripRows(v.Width)
	strip := make([]byte, min(rows, v.Height)*r.Stride())
	rep := &strategies.Report{}
	prog := startProgress(cfg, cfg.view.Height, stderr)
	defer prog.stop()
	var elapsed time.Duration
	begin := time.Now()
	err = out.writeWith(ctx, func(w io.Writer) error {
		pbm, err := imageio.NewPBMWriter(w, v.Width, v.Height)
		if err != nil {
			return err
		}
		for y0 := 0; y0 < v.Height; y0 += rows {
			n := min(rows, v.Height-y0)
			start := time.Now()
			part, err := cfg.strategy.Run(ctx, n, opts, prog.count(r.Task(ctx, y0, strip)))
			elapsed += time.Since(start)
			if err != nil {
				return renderFailed(cfg, err, stderr)
			}
			rep.Add(part)
			if _, err := pbm.Write(strip[:n*r.Stride()]); err != nil {
				return err
			}
		}
		return pbm.Close()
	})
	if err != nil {
		return err
	}
	prog.stop()
	if cfg.verbose {
		// Strips are written as they are rendered: what is not rendering
		// is writing.
		printReport(stderr, cfg, rep, phaseTimes{render: elapsed, encode: time.Since(begin) - elapsed})
		fmt.Fprintf(stderr, "bit path: 1 bit per pixel, %s kernel, strips of %d rows; the iterations include those of pixels run on past their escape\n", r.Kernel().Name, rows)
	}
	return nil
}

// phaseTimes is the wall time of each step of renderImage: iterating,
// colouring, and encoding with writing the output.
type phaseTimes struct{ render, paint, encode time.Duration }

// String is the --verbose line that shows which step the time went to.
func (t phaseTimes) String() string {
	total := (t.render + t.paint + t.encode).Seconds()
	part := func(d time.Duration) string {
		pct := 0.0
		if total > 0 {
			pct = 100 * d.Seconds() / total
		}
		return fmt.Sprintf("%.3fs (%.0f%%)", d.Seconds(), pct)
	}
	return fmt.Sprintf("time: render %s, paint %s, encode %s", part(t.render), part(t.paint), part(t.encode))
}

// printReport writes the --verbose summary: the run, where the time went,
// then one line per worker.
func printReport(w io.Writer, cfg *renderConfig, rep *strategies.Report, t phaseTimes) {
	v := cfg.view
	elapsed := t.render
	pixels := float64(v.Width) * float64(v.Height)
	secs := elapsed.Seconds()
	// With shortcuts the iterations are those done, fewer than the frame's
	// counts, so the header says which.
	shortcuts := "off"
	if cfg.shortcuts {
		shortcuts = "on"
	}
	fmt.Fprintf(w, "strategy %s, %d workers, grain %d, %dx%d, aa %d, maxiter %d, shortcuts %s\n",
		cfg.strategy.Name(), cfg.workers, cfg.grain, v.Width, v.Height, cfg.aa, v.MaxIter, shortcuts)
	if !cfg.strategy.UsesGrain() && cfg.grain != 1 {
		fmt.Fprintf(w, "note: %s ignores --grain\n", cfg.strategy.Name())
	}
	fmt.Fprintf(w, "render %v, %.3g pixels/s, %.3g iter/s, %d iterations\n",
		elapsed.Round(time.Microsecond), pixels/secs, float64(rep.Work())/secs, rep.Work())
	fmt.Fprintln(w, t)
	fmt.Fprintf(w, "imbalance %.3f (max busy / mean busy), overhead %v (workers x wall - busy)\n",
		rep.Imbalance(), rep.Overhead().Round(time.Microsecond))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "worker\trows\tblocks\tbusy\titerations\tsteals\t")
	for i, s := range rep.Workers {
		fmt.Fprintf(tw, "%d\t%d\t%d\t%v\t%d\t%d/%d\t\n", i, s.Items, s.Blocks, s.Busy.Round(time.Microsecond), s.Work, s.Steals, s.StealAttempts)
	}
	tw.Flush()
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

func versionString() string {
	s := "mandel " + version
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, kv := range info.Settings {
			if kv.Key == "vcs.revision" && len(kv.Value) >= 12 {
				s += " (" + kv.Value[:12] + ")"
			}
		}
	}
	return s + " " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH
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
  mandel -view benchgame -size 16000 -s cyclic out.pbm    # the Benchmarks Game output
  mandel -v -s bands -w 8 out.png                         # print the per-worker report
  mandel --format ppm - > out.ppm
  mandel --shard 1/4 --size 16384 shard-%%d.png           # rows 4096-8191 to shard-1.png

Flags (each long flag also works with one dash: -strategy steal):
%s
Views:
`, flagUsages(fs))
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
