package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/pflag"

	"github.com/mandel-project/mandel/imageio"
	"github.com/mandel-project/mandel/internal/atomicfile"
	"github.com/mandel-project/mandel/internal/cli"
	"github.com/mandel-project/mandel/internal/decimal"
	"github.com/mandel-project/mandel/internal/kfr"
	"github.com/mandel-project/mandel/internal/output"
	"github.com/mandel-project/mandel/internal/profiling"
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
	// header is what the picture says of itself: its PNG's text, the
	// parameter file, the reproduce: line.
	header shard.Header
	// userOutput is OUTPUT as given, before a shard's index replaced %d;
	// formatGiven says whether --format was.
	userOutput  string
	formatGiven bool
	// saveParams is --save-params's path, or "". With no OUTPUT, the
	// command only writes it (paramsOnly).
	saveParams string
	paramsOnly bool
	// notes are said on stderr before the work starts: settings that
	// do nothing, a picture of another release.
	notes []string
	// profiles are the --trace and --cpuprofile files.
	profiles profiling.Files
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
	trace, cpuProfile                string
	shards                           int
	output, from, params, saveParams string
	// mapping is the mapping that --from or --params gives, checked
	// against the view's.
	mapping   *shard.Param
	env       func(string) (string, bool) // for the shard of a cluster task
	available func() float64              // the machine's memory, for the plan
	stripRows int                         // a fixed strip height (tests)
	pal       paletteFlags

	// refRe, refIm and refScale are --reference and --reference-scale.
	refRe, refIm, refScale decimal.Number
	// location is the Kalles Fraktaler location that --from read, whose
	// Zoom gives the scale for the view's size.
	location *kfr.Location
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
	fs.Var(cli.DecimalPair(&f.refRe, &f.refIm), "reference", "perturbation's reference point RE,IM in place of the view's centre (a frame of mandel zoom is the render of its view with the zoom's --reference and --reference-scale)")
	fs.Var(cli.Decimal(&f.refScale, "positive", func(n decimal.Number) bool { return n.Sign() > 0 }), "reference-scale", "the scale the reference orbit is computed for, at most --scale: its precision and where it ends (default: the view's)")
	fs.BoolVar(&f.noBLA, "no-bla", false, "perturbation without bivariate linear approximation: every iteration computed (for measurements)")
	// The view reads 0 as the default radius; on the command line that
	// would only hide a mistake.
	validRadius := func(x float64) bool { return x >= 2 && x <= render.MaxEscape }
	fs.Var(cli.Finite(&f.escape, fmt.Sprintf("in 2..%g", float64(render.MaxEscape)), validRadius), "escape", "escape radius, 2..1e6 (default 2)")
	fs.StringVarP(&f.palette, "palette", "p", "classic", "palette: "+strings.Join(render.PaletteNames(), ", ")+", or gradient:POS=#RRGGBB,... (docs/palettes.md)")
	f.pal.declare(fs)
	fs.Var(cli.Int(&f.aa, 1, 1, render.MaxSupersampling), "aa", "supersampling: N x N samples per pixel, 1..16")
	fs.StringVarP(&f.format, "format", "f", "", "output format, overriding the extension; needed for - (stdout)")
	fs.StringVar(&f.shard, "shard", "", "render only shard i of n (i/n, e.g. 0/4), a strip of rows, to a PNG for mandel stitch; %d (or %05d) in OUTPUT becomes i; env takes it from a Slurm array task's environment")
	// 0 is --shards unset; shardFlags refuses it set, with its own message.
	fs.Var(cli.Int(&f.shards, 0, 0, render.MaxSide), "shards", "the number of shards, for a Kubernetes Indexed Job's JOB_COMPLETION_INDEX (which --shards reads)")
	fs.BoolVar(&f.shortcuts, "shortcuts", true, "skip points provably in the set (main cardioid, period-2 bulb, repeating orbits); the image is the same either way")
	fs.Var(cli.Memory(&f.memory), "memory", "memory budget, e.g. 512MiB, 2GiB: larger budgets render in taller strips; an image in a format that does not stream (jpeg, gif, tiff) must fit it whole (default: 512 MiB or half the available memory, the less)")
	fs.StringVarP(&f.output, "output", "o", "", "the image `file`, as the OUTPUT argument (- for stdout)")
	fs.StringVar(&f.from, "from", "", "take the settings from a `PNG` that mandel wrote (its mandel:* text), or a Kalles Fraktaler location (.kfr: Re, Im, Zoom, Iterations); flags given override them, and --view replaces the view's centre, scale, maxiter and escape")
	fs.StringVar(&f.params, "params", "", "take the settings from a `file` of key = value lines, as --from does")
	fs.StringVar(&f.saveParams, "save-params", "", "write the picture's settings to `file` for --params (- for stdout); without OUTPUT, write only that")
	fs.StringVar(&f.trace, "trace", "", "write a Go execution trace to `file`, each block a region named by strategy, worker and rows (go tool trace file)")
	fs.StringVar(&f.cpuProfile, "cpuprofile", "", "write a CPU profile to `file` (go tool pprof file)")
	fs.BoolVarP(&f.quiet, "quiet", "q", false, "show no progress line (one shows on a terminal during long renders)")
	fs.BoolVar(&f.force, "force", false, "replace OUTPUT even if it is write-protected")
	fs.BoolVar(&f.list, "list", false, "print the strategies, one per line (with -v, what each does), and exit")
	fs.BoolVarP(&f.verbose, "verbose", "v", false, "print a reproduce: command line, timing and the per-worker report on stderr")
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
		return a.printHelp(func(w io.Writer) { printHelp(w, f.fs) })
	case f.showVersion:
		return a.printOut(versionString())
	case f.list:
		var b strings.Builder
		printStrategies(&b, f.verbose)
		return a.printOut(b.String())
	}
	cfg, err := f.config()
	if err != nil {
		return report(a.stderr, err)
	}
	for _, n := range cfg.notes {
		fmt.Fprintf(a.stderr, "mandel: note: %s\n", n)
	}
	params, err := openSaveParams(cfg)
	if err != nil {
		return report(a.stderr, err)
	}
	if params != nil {
		defer params.Abort()
	}
	if cfg.paramsOnly {
		return report(a.stderr, a.saveParams(ctx, cfg, params))
	}
	return report(a.stderr, a.profiled(cfg.profiles, func() (bool, error) {
		err := a.renderImage(ctx, cfg)
		wrote := err == nil
		if wrote && cfg.saveParams != "" {
			err = a.saveParams(ctx, cfg, params)
		}
		return wrote, err
	}))
}

// profileFiles checks the --trace and --cpuprofile flags of fs: each names
// a file, neither empty when given nor standard output, where the image or
// the results table goes.
func profileFiles(fs *pflag.FlagSet, trace, cpuProfile string) (profiling.Files, error) {
	for _, f := range []struct{ flag, path string }{{"trace", trace}, {"cpuprofile", cpuProfile}} {
		switch {
		case fs.Changed(f.flag) && f.path == "":
			return profiling.Files{}, cli.Usagef("--%s is empty; want a file name", f.flag)
		case f.path == "-":
			return profiling.Files{}, cli.Usagef("--%s -: want a file name; standard output is for the image or the results table", f.flag)
		case f.path != "" && isDir(f.path):
			// Found now, not when the file is put in place after the work.
			return profiling.Files{}, cli.Usagef("--%s %q is a directory; want a file name", f.flag, f.path)
		}
	}
	if trace != "" && filepath.Clean(trace) == filepath.Clean(cpuProfile) {
		// Both would be written to one path, the second over the first.
		return profiling.Files{}, cli.Usagef("--trace and --cpuprofile name the same file %q; give each its own", trace)
	}
	return profiling.Files{Trace: trace, CPUProfile: cpuProfile}, nil
}

// isDir reports whether path names an existing directory.
func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

// profiled runs work while recording the --trace and --cpuprofile files.
// work reports whether it wrote its output; the files are kept only then,
// as the output is, so that a failed command leaves nothing behind.
func (a *app) profiled(files profiling.Files, work func() (bool, error)) error {
	s, err := profiling.Start(files)
	if err != nil {
		return err
	}
	wrote, err := work()
	if serr := s.Stop(wrote); err == nil {
		err = serr
	}
	return err
}

// printHelp writes what print writes to stdout, wrapped to its width, and
// returns the exit code (see printOut).
func (a *app) printHelp(print func(io.Writer)) int {
	var b strings.Builder
	print(&b)
	return a.printOut(cli.Wrap(b.String(), a.width()))
}

// printOut writes text to standard output and returns the exit code: a
// failed write (a full disk, mandel completion bash > file) is a failure,
// not a success with half the text lost.
func (a *app) printOut(text string) int {
	if _, err := io.WriteString(a.stdout, text); err != nil {
		return report(a.stderr, fmt.Errorf("writing stdout: %w", err))
	}
	return exitOK
}

// config checks the flags and builds the configuration. Every check that does
// not need the file system happens here, before anything is allocated; the
// file system is read only for --from and --params.
func (f *renderFlags) config() (*renderConfig, error) {
	fs := f.fs
	output, err := f.outputArg()
	if err != nil {
		return nil, err
	}
	cfg := &renderConfig{output: output, userOutput: output, verbose: f.verbose, quiet: f.quiet, force: f.force,
		saveParams: f.saveParams, paramsOnly: output == "", formatGiven: fs.Changed("format")}
	if cfg.profiles, err = profileFiles(fs, f.trace, f.cpuProfile); err != nil {
		return nil, err
	}
	switch {
	case fs.Changed("save-params") && f.saveParams == "":
		return nil, cli.Usagef("--save-params is empty; give the file to write the settings to (- for stdout)")
	case f.saveParams == "-" && output == "-":
		return nil, cli.Usagef("the image and --save-params cannot both go to stdout (-)")
	case f.saveParams != "" && output != "" && output != "-" && f.saveParams != "-" && atomicfile.SameTarget(f.saveParams, output):
		return nil, cli.Usagef("--save-params %q is OUTPUT too; the settings would replace the image", f.saveParams)
	}
	// The trace and the profile are put in place after the image and the
	// settings, and would replace either.
	for _, p := range []struct{ flag, path string }{{"trace", f.trace}, {"cpuprofile", f.cpuProfile}} {
		for _, o := range []struct{ what, path string }{{"OUTPUT", output}, {"--save-params", f.saveParams}} {
			if p.path != "" && o.path != "" && o.path != "-" && atomicfile.SameTarget(p.path, o.path) {
				return nil, cli.Usagef("--%s %q is %s too; give each its own file", p.flag, p.path, o.what)
			}
		}
	}
	src, err := f.readParams()
	if err != nil {
		return nil, err
	}
	// A --reference that --from or --params gives (a zoom's frame) needs
	// no note; one on the command line does.
	refGiven := fs.Changed("reference")
	if src != nil {
		if cfg.notes, err = src.apply(f); err != nil {
			return nil, err
		}
	}
	j := &cfg.job
	*j = pipeline.Job{AA: f.aa, Grain: f.grain, Workers: f.workers, Shortcuts: f.shortcuts,
		Memory: f.memory, Available: f.available(), StripRows: f.stripRows}
	v, preset, err := f.viewFromFlags()
	if err != nil {
		return nil, err
	}
	j.View = v
	if j.Method, err = lookupName("method", f.method, render.MethodNames(), render.ParseMethod); err != nil {
		return nil, err
	}
	j.NoBLA = f.noBLA
	if j.Reference, err = f.reference(v); err != nil {
		return nil, err
	}
	// The view's settings first (Check, before the job has a format),
	// then the names, then the output and the whole job.
	m, _, err := j.Check()
	if err != nil {
		return nil, f.checkError(err)
	}
	if refGiven && m == render.MethodDirect {
		cfg.notes = append(cfg.notes, "--reference changes nothing here: float64 resolves this view, which the direct kernels render (--method perturb uses the reference)")
	}
	if f.noBLA && m == render.MethodDirect {
		cfg.notes = append(cfg.notes, "--no-bla changes nothing here: float64 resolves this view, which the direct kernels render (BLA is --method perturb's)")
	}
	if j.Strategy, err = lookupName("strategy", f.strategy, strategies.Names(), strategies.Lookup); err != nil {
		return nil, err
	}
	if fs.Changed("grain") && !j.Strategy.UsesGrain() {
		cfg.notes = append(cfg.notes, fmt.Sprintf("%s ignores --grain %d: it claims no blocks of rows (the strategies that do: %s)",
			j.Strategy.Name(), f.grain, strings.Join(grainStrategies(), ", ")))
	}
	if j.Kernel, err = lookupName("kernel", f.kernel, render.KernelNames(), render.LookupKernel); err != nil {
		return nil, err
	}
	if j.Palette, err = lookupName("palette", f.palette, render.PaletteNames(), render.LookupPalette); err != nil {
		return nil, err
	}
	if err := f.pal.apply(fs, &j.Palette); err != nil {
		return nil, err
	}
	cfg.header = shard.Header{Version: version, View: v, AA: j.AA, Palette: j.Palette.String(), Preset: preset,
		Method: j.Method, Reference: j.Reference}
	if cfg.paramsOnly {
		return cfg, nil
	}
	if err := f.setOutput(cfg); err != nil {
		return nil, err
	}
	// The whole job, as mandel zoom checks each frame's.
	if _, cfg.plan, err = j.Check(); err != nil {
		return nil, f.checkError(err)
	}
	return cfg, nil
}

// checkError is the command line's message for an error of
// pipeline.Job.Check.
func (f *renderFlags) checkError(err error) error {
	var ce *pipeline.CheckError
	if errors.As(err, &ce) && ce.Setting == pipeline.SettingAA {
		return cli.Usagef("--aa %d: %v", f.aa, ce.Err)
	}
	return cli.UsageError{Err: withoutPackage(err)}
}

// setOutput sets where cfg's image goes: its format, and a shard's rows,
// file name and place in the header, which a PNG carries as its text.
func (f *renderFlags) setOutput(cfg *renderConfig) error {
	fs, j := f.fs, &cfg.job
	var err error
	if j.Format, err = f.outputFormat(cfg.output); err != nil {
		return err
	}
	cfg.shard, err = shard.Resolve(shard.Flags{Shard: f.shard, ShardSet: fs.Changed("shard"), Shards: f.shards, ShardsSet: fs.Changed("shards")}, f.env, j.View.Height)
	if err != nil {
		return cli.UsageError{Err: err}
	}
	if s := cfg.shard; s != nil {
		if j.Format != imageio.PNG {
			return cli.Usagef("%s: shards are PNG files, which carry the view for mandel stitch; got %s", s.From, j.Format)
		}
		if cfg.output, err = s.Output(cfg.output); err != nil {
			return cli.UsageError{Err: err}
		}
		j.Lo, j.Hi = s.Lo, s.Hi
		cfg.header.Index, cfg.header.Count = s.Index, s.Count
	}
	if j.Format == imageio.PNG {
		// Every PNG says how it was made (mandel --from renders it
		// again); a shard also says its place, for mandel stitch.
		j.Text = cfg.header.Text()
	}
	return nil
}

// outputArg is the OUTPUT argument or -o's, one of them, or "" when
// neither is given and --save-params is: the command then writes only
// that.
func (f *renderFlags) outputArg() (string, error) {
	fs := f.fs
	switch {
	case fs.NArg() > 1:
		return "", cli.Usagef("want one OUTPUT file, got %d arguments: %s", fs.NArg(), quoteAll(fs.Args()))
	case fs.NArg() == 1 && fs.Changed("output"):
		return "", cli.Usagef("both -o %q and OUTPUT %q given; give one", f.output, fs.Arg(0))
	case fs.NArg() == 1:
		if fs.Arg(0) == "" {
			return "", cli.Usagef("the OUTPUT path is empty (e.g. mandel out.png; - for stdout)")
		}
		return fs.Arg(0), nil
	case fs.Changed("output"):
		if f.output == "" {
			return "", cli.Usagef("-o is empty; give the image file (e.g. -o out.png; - for stdout)")
		}
		return f.output, nil
	case fs.Changed("save-params"):
		return "", nil
	}
	return "", cli.Usagef("missing OUTPUT file (e.g. mandel out.png, or -o out.png; - for stdout; mandel help for more)")
}

// quoteAll quotes each of args with %q, so that a space or a newline in one
// shows.
func quoteAll(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = fmt.Sprintf("%q", a)
	}
	return strings.Join(q, " ")
}

// grainStrategies names the strategies that --grain changes.
func grainStrategies() []string {
	var names []string
	for _, s := range strategies.All() {
		if s.UsesGrain() {
			names = append(names, s.Name())
		}
	}
	return names
}

// lookupName looks name up with lookup, which knows names. A name in
// another case (Fire, STEAL) is found as names spells it; one that lookup
// calls unknown is refused with a guess at what was meant (cli.Unknown).
// lookup's other errors (a kernel this CPU lacks, a palette of stops that
// does not parse) pass as they are.
func lookupName[T any](what, name string, names []string, lookup func(string) (T, error)) (T, error) {
	v, err := lookup(name)
	if err == nil {
		return v, nil
	}
	if canonical, lerr := cli.Lookup(what, name, names); lerr == nil && canonical != name {
		v, err = lookup(canonical)
	} else if strings.HasPrefix(err.Error(), "unknown "+what) {
		return v, cli.Unknown(what, name, names)
	}
	if err != nil {
		return v, cli.UsageError{Err: err}
	}
	return v, nil
}

// withoutPackage drops the "imageio: " that imageio's errors begin with:
// the user called no package.
func withoutPackage(err error) error {
	if rest, ok := strings.CutPrefix(err.Error(), "imageio: "); ok {
		return errors.New(rest)
	}
	return err
}

// viewFromFlags is the preset view with the flags' overrides, checked,
// and the preset's name.
func (f *renderFlags) viewFromFlags() (render.View, string, error) {
	fs := f.fs
	preset, err := lookupName("view", f.view, render.PresetNames(), render.LookupPreset)
	if err != nil {
		return render.View{}, "", err
	}
	v := preset.View
	if m := f.mapping; m != nil {
		if want := mappingName(v.Mapping); m.Value != want {
			return render.View{}, "", cli.Usagef("%s is %s, but view %s maps %s", m.Where, m.Value, preset.Name, want)
		}
	}
	if fs.Changed("size") {
		v.Width, v.Height = f.width, f.height
	}
	// The view carries the centre and scale as the decimals given, so
	// that a deep zoom's digits reach the reference orbit.
	d := v.Decimals()
	if fs.Changed("center") {
		d.Re, d.Im = f.re, f.im
	}
	switch {
	case fs.Changed("scale"):
		d.Scale = f.scale
	case f.location != nil:
		var err error
		if d.Scale, err = f.location.Scale(v.Width, v.Height); err != nil {
			return render.View{}, "", cli.UsageError{Err: fmt.Errorf("--from %q: %w", f.from, err)}
		}
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
		return render.View{}, "", cli.UsageError{Err: err}
	}
	return v, preset.Name, nil
}

// reference is --reference and --reference-scale, checked against v, or
// nil.
func (f *renderFlags) reference(v render.View) (*render.ReferencePoint, error) {
	fs := f.fs
	switch {
	case !fs.Changed("reference") && fs.Changed("reference-scale"):
		return nil, cli.Usagef("--reference-scale needs --reference, the point whose orbit it is")
	case !fs.Changed("reference"):
		return nil, nil
	}
	r := &render.ReferencePoint{Re: f.refRe, Im: f.refIm}
	if fs.Changed("reference-scale") {
		if scale := v.Decimals().Scale; f.refScale.Cmp(scale) > 0 {
			return nil, cli.Usagef("--reference-scale %s is larger than the view's scale %s: the orbit would lack the precision its samples need", f.refScale, scale)
		}
		r.Scale = f.refScale
	}
	if err := r.Validate(v); err != nil {
		return nil, cli.UsageError{Err: err}
	}
	return r, nil
}

// mappingName is how the picture's text names m (shard.Header).
func mappingName(m render.Mapping) string {
	if m == render.Corners {
		return "corners"
	}
	return "centres"
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
			return "", unknownFormat(f.format)
		}
		return format, nil
	case output == "-":
		return "", cli.Usagef("writing to stdout (-) needs --format (one of %s)", formatList())
	default:
		format, err := imageio.FormatOf(output)
		if err != nil {
			return "", extensionError(output)
		}
		return format, nil
	}
}

// commands are mandel's subcommands, which a mistyped one is compared with.
var commands = []string{"bench", "stitch", "zoom", "help", "completion"}

// extensionError says why output's extension names no format, and how to
// name one; an OUTPUT that looks like a mistyped command says so.
func extensionError(output string) error {
	ext := filepath.Ext(output)
	exts := strings.Join(imageio.Extensions(), ", ")
	if ext == "" {
		if guess := cli.Suggest(output, commands); guess != "" && !strings.ContainsAny(output, "/.") {
			return cli.Usagef("%q is no command, nor a file name with an extension: did you mean mandel %s?", output, guess)
		}
		return cli.Usagef("OUTPUT %q has no file extension to tell the format: add one (%s) or give --format", output, exts)
	}
	var canonical []string // .jpeg, not also .jpg, which would tie
	for _, f := range imageio.Formats() {
		canonical = append(canonical, "."+string(f))
	}
	if guess := cli.Suggest(ext, canonical); guess != "" {
		return cli.Usagef("OUTPUT %q: unknown file extension %q: did you mean %s? (valid: %s; or give --format)", output, ext, guess, exts)
	}
	return cli.Usagef("OUTPUT %q: unknown file extension %q (valid: %s; or give --format)", output, ext, exts)
}

// unknownFormat refuses --format name, with a guess among the formats'
// names (not their other spellings, jpg and tif, which would tie with
// jpeg and tiff).
func unknownFormat(name string) error {
	var names []string
	for _, f := range imageio.Formats() {
		names = append(names, string(f))
	}
	if guess := cli.Suggest(name, names); guess != "" {
		return cli.Usagef("unknown format %q: did you mean %s? (valid: %s)", name, guess, formatList())
	}
	return cli.Usagef("unknown format %q (valid: %s)", name, formatList())
}

// renderImage renders, paints and writes the image. The output is checked,
// and a file created (as a temporary file), before rendering, so that an
// unwritable directory is reported at once; the file appears at its path
// only when complete.
func (a *app) renderImage(ctx context.Context, cfg *renderConfig) error {
	out, err := output.Open(cfg.output, cfg.force, a.stdout, a.stderr)
	if err != nil {
		return err
	}
	defer out.Abort()
	job := cfg.job
	if err := checkSpace(out, job); err != nil {
		return err
	}
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
	err = out.WriteWith(ctx, func(w io.Writer) (err error) {
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

// checkSpace refuses, before rendering, a file whose size is known in
// advance (imageio.MinFileSize) and more than its file system has free: a
// 125 GB PBM would otherwise fill the disk before failing.
func checkSpace(out *output.Destination, job pipeline.Job) error {
	if out.File() == nil {
		return nil
	}
	lo, hi := job.Window()
	size, ok := imageio.MinFileSize(job.Format, job.View.Width, hi-lo)
	if !ok {
		return nil
	}
	free, ok := out.File().Free()
	if !ok || size <= free {
		return nil
	}
	return fmt.Errorf("%q: not enough space: the %dx%d %s takes %s; its file system has %s free",
		out.File().Name(), job.View.Width, hi-lo, job.Format, sysmem.HumanBytes(float64(size)), sysmem.HumanBytes(float64(free)))
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
	// counts, so the header says which. The bit path has no shortcuts at
	// all, so --shortcuts changes nothing there.
	shortcuts := "off"
	switch {
	case st.Plan.Bits:
		shortcuts = "none (bit path)"
	case j.Shortcuts:
		shortcuts = "on"
	}
	fmt.Fprintf(w, "reproduce: %s\n", reproduce(cfg))
	fmt.Fprintf(w, "strategy %s, %s, grain %d, %dx%d, aa %d, maxiter %d, shortcuts %s\n",
		j.Strategy.Name(), plural(j.Workers, "worker"), j.Grain, v.Width, v.Height, j.AA, v.MaxIter, shortcuts)
	fmt.Fprintf(w, "render %v, %.3g pixels/s, %.3g iter/s, %d iterations\n",
		elapsed.Round(time.Microsecond), pixels/secs, float64(rep.Work())/secs, rep.Work())
	fmt.Fprintln(w, phaseTimes(st))
	if st.RenderCPU > 0 {
		// What scripts/kernel-vs-c.sh sets beside the C yardstick's
		// Giter/cpu-s: on a shared machine the wall time is the load's.
		fmt.Fprintf(w, "cpu: render %.3fs, %.3g iter/cpu-s\n", st.RenderCPU.Seconds(), float64(rep.Work())/st.RenderCPU.Seconds())
	}
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
		if ds.Lanes {
			bla += ", pixels on " + ds.LaneKind + " lanes"
		}
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
  mandel [flags] OUTPUT       render to OUTPUT (or -o; - is stdout)
  mandel bench [flags]        time every strategy and write results/
  mandel stitch -o OUT.png SHARD.png...
                              join the shards of a render
  mandel zoom [flags] F-%%05d.png
                              a zoom video's frames (and --video an MP4)
  mandel help [COMMAND]       this help, or a command's (bench, stitch, zoom)
  mandel completion bash|zsh  a script that completes flags and names

Examples:
  mandel -strategy steal out.png
  mandel --view seahorse --size 1920x1080 --palette fire --aa 3 seahorse.png
  mandel --center=-0.7436,0.1318 --scale 0.002 --maxiter 3000 zoom.jpg
  mandel --from seahorse.png --size 3840x2160 big.png    # again, larger
  mandel -v --center 0,1 --scale 1e-1000 --maxiter auto deep.png  # perturbation
  mandel -v -s bands -w 8 out.png       # the per-worker report, reproduce: line
  mandel -view benchgame -size 16000 -s cyclic out.pbm   # Benchmarks Game
  mandel --format ppm - > out.ppm
  mandel --shard 1/4 --size 16384 shard-%%d.png    # rows 4096-8191, shard-1.png

Every PNG carries its settings in mandel:* text chunks (view, size,
centre, scale, maxiter, escape, aa, palette, release); --from renders one
again, --save-params writes them to a file of key = value lines for
--params. Flags given override both.

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
