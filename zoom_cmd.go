package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/mandel-project/mandel/imageio"
	"github.com/mandel-project/mandel/internal/cli"
	"github.com/mandel-project/mandel/internal/decimal"
	"github.com/mandel-project/mandel/internal/output"
	"github.com/mandel-project/mandel/internal/progress"
	"github.com/mandel-project/mandel/internal/video"
	"github.com/mandel-project/mandel/pipeline"
	"github.com/mandel-project/mandel/render"
	"github.com/mandel-project/mandel/shard"
)

// zoomFlags are mandel zoom's flags: the render command's that make sense
// for a sequence of PNG frames, and the sequence's own.
type zoomFlags struct {
	r         *renderFlags
	fs        *pflag.FlagSet
	frames    int
	fromScale decimal.Number
	video     string
	fps, crf  int
}

// zoomExcluded are the render flags that mandel zoom does not take: the
// frames are whole PNGs, named by OUTPUT's pattern.
var zoomExcluded = map[string]bool{"format": true, "shard": true, "shards": true, "save-params": true,
	"trace": true, "cpuprofile": true, "list": true, "version": true}

// maxFrames bounds --frames: an hour at 60 frames a second and more.
const maxFrames = 1_000_000

func newZoomFlags(a *app) *zoomFlags {
	r := newRenderFlags(a)
	z := &zoomFlags{r: r, fs: pflag.NewFlagSet("mandel zoom", pflag.ContinueOnError)}
	fs := z.fs
	fs.SortFlags = false
	fs.Var(cli.Int(&z.frames, 100, 1, maxFrames), "frames", "the number of frames, from --from-scale to --scale")
	z.fromScale, _ = decimal.Parse("4")
	fs.Var(cli.Decimal(&z.fromScale, "positive", func(n decimal.Number) bool { return n.Sign() > 0 }), "from-scale", "the first frame's scale; the scales in between are geometric (default 4, the whole set)")
	fs.StringVar(&z.video, "video", "", "also write an H.264 MP4 `file` (yuv420p) of the frames, made by piping them into ffmpeg")
	fs.Var(cli.Int(&z.fps, 30, 1, 240), "fps", "the video's frames per second")
	fs.Var(cli.Int(&z.crf, 18, 0, 51), "crf", "the video's quality, x264's constant rate factor: 0 lossless, 18 visually lossless, 51 worst")
	r.fs.VisitAll(func(f *pflag.Flag) {
		if !zoomExcluded[f.Name] {
			fs.AddFlag(f)
		}
	})
	fs.SetOutput(io.Discard)
	// The render flags' checks (config) read the zoom's flag set: a flag
	// given is Changed there.
	r.fs = fs
	return z
}

// zoomConfig is mandel zoom's work, checked.
type zoomConfig struct {
	render *renderConfig // the last frame's, the template of every frame
	// pattern is OUTPUT, with a %d verb for the frame's number.
	pattern string
	// scales are the frames' scales, each computed when it is needed.
	scales decimal.Sequence
	// point is the reference point of every frame that perturbation
	// renders, its Scale the deepest frame's (or --reference-scale).
	point render.ReferencePoint
	video string
	fps   int
	crf   int
}

func (a *app) runZoom(ctx context.Context, args []string) int {
	z := newZoomFlags(a)
	if err := cli.Parse(z.fs, args); err != nil {
		return report(a.stderr, err)
	}
	if z.r.help {
		return a.printHelp(func(w io.Writer) { printZoomHelp(w, z.fs) })
	}
	cfg, err := z.config(a)
	if err != nil {
		return report(a.stderr, err)
	}
	for _, n := range cfg.render.notes {
		fmt.Fprintf(a.stderr, "mandel: note: %s\n", n)
	}
	err = a.zoom(ctx, cfg)
	var stopped *zoomStopped
	if errors.As(err, &stopped) && errors.Is(err, context.Canceled) && stopped.written > 0 {
		// report's "no output written" would be false: the frames
		// written are kept, to go on from.
		fmt.Fprintf(a.stderr, "mandel: interrupted; %d of %d frames written and kept: run the same command to go on\n", stopped.written, stopped.total)
		return exitInterrupted
	}
	return report(a.stderr, err)
}

// zoomStopped is the error of a zoom that stopped part way, with how many
// of its frames are on disk.
type zoomStopped struct {
	err            error
	written, total int
}

func (e *zoomStopped) Error() string { return e.err.Error() }
func (e *zoomStopped) Unwrap() error { return e.err }

func countTrue(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// config checks the command line, before anything is rendered or written.
func (z *zoomFlags) config(a *app) (*zoomConfig, error) {
	if z.r.fs.NArg() == 0 && !z.fs.Changed("output") {
		return nil, cli.Usagef("missing OUTPUT, the frames' names with %%05d for the frame's number (e.g. mandel zoom --center 0,1 --scale 1e-30 frames/f-%%05d.png)")
	}
	if out, err := z.r.outputArg(); err == nil && out == "-" {
		return nil, cli.Usagef("mandel zoom writes one PNG per frame; name OUTPUT with %%05d for the frame's number, not -")
	}
	rc, err := z.r.config()
	if err != nil {
		return nil, err
	}
	cfg := &zoomConfig{render: rc, pattern: rc.output, video: z.video, fps: z.fps, crf: z.crf}
	if rc.job.Format != imageio.PNG {
		return nil, cli.Usagef("OUTPUT %q: mandel zoom writes PNG frames, which carry their settings; name them .png (--video makes the MP4)", rc.output)
	}
	first, _ := (&shard.Spec{Index: 0, Count: 1}).Output(rc.output)
	second, _ := (&shard.Spec{Index: 1, Count: 1}).Output(rc.output)
	if first == second && z.frames > 1 {
		return nil, cli.Usagef("OUTPUT %q: every frame would write it: put %%05d in it for the frame's number (e.g. f-%%05d.png)", rc.output)
	}
	// A missing folder is said now, not after the scales and every
	// frame's settings are worked out.
	if dir := filepath.Dir(first); dir != "." {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("OUTPUT %q: the folder %q does not exist", rc.output, dir)
		}
	}
	v := rc.job.View
	end := v.Decimals()
	cfg.scales = decimal.NewSequence(z.fromScale, end.Scale, z.frames)
	// The scales lie between the ends, which are the shallowest and the
	// deepest, and are all that need checking here.
	from, to := cfg.scales.Ends()
	deepest := slices.MinFunc([]decimal.Number{from, to}, decimal.Number.Cmp)
	cfg.point = render.ReferencePoint{Re: end.Re, Im: end.Im, Scale: deepest}
	if r := rc.job.Reference; r != nil {
		cfg.point.Re, cfg.point.Im = r.Re, r.Im
		if !r.Scale.IsZero() {
			if r.Scale.Cmp(deepest) > 0 {
				return nil, cli.Usagef("--reference-scale %s is larger than the deepest frame's scale %s: the orbit would lack the precision its samples need", r.Scale, deepest)
			}
			cfg.point.Scale = r.Scale
		}
	}
	for _, s := range []decimal.Number{from, to} {
		if err := v.WithDecimals(end.Re, end.Im, s).Validate(); err != nil {
			return nil, cli.UsageError{Err: fmt.Errorf("the frame of scale %s: %w", s, err)}
		}
	}
	// The deepest frame is the hardest: the finest scale for the method,
	// the most samples between its centre and the reference point, the
	// most memory. If its job checks, every frame's does.
	deep := rc.job
	deep.View = v.WithDecimals(end.Re, end.Im, deepest)
	deep.Reference = &cfg.point
	if _, _, err := deep.Check(); err != nil {
		return nil, z.r.checkError(err)
	}
	if z.video != "" {
		if err := checkVideo(z.video, v, rc.output); err != nil {
			return nil, err
		}
	}
	return cfg, nil
}

// checkVideo checks --video before any frame is rendered.
func checkVideo(path string, v render.View, pattern string) error {
	switch {
	case !strings.EqualFold(fileExt(path), ".mp4"):
		return cli.Usagef("--video %q: the video is an MP4; name it .mp4", path)
	case v.Width%2 != 0 || v.Height%2 != 0:
		return cli.Usagef("--video: H.264 in yuv420p needs an even width and height, and the size is %dx%d", v.Width, v.Height)
	case path == pattern:
		return cli.Usagef("--video %q is OUTPUT too", path)
	}
	return nil
}

func fileExt(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 && !strings.ContainsRune(path[i:], '/') {
		return path[i:]
	}
	return ""
}

// frame is one frame's render.
type frame struct {
	index  int
	path   string
	cfg    renderConfig
	method render.Method
}

// frame returns frame k's job and file.
func (c *zoomConfig) frame(k int) (*frame, error) {
	rc := *c.render
	j := &rc.job
	d := j.View.Decimals()
	j.View = j.View.WithDecimals(d.Re, d.Im, c.scales.At(k))
	point := c.point
	j.Reference = &point
	rc.header.View = j.View
	rc.header.Reference = j.Reference
	j.Text = rc.header.Text()
	method, plan, err := j.Check()
	if err != nil {
		return nil, fmt.Errorf("frame %d: %w", k, err)
	}
	rc.plan = plan
	path, _ := (&shard.Spec{Index: k, Count: 1}).Output(c.pattern)
	rc.output, rc.userOutput = path, path
	return &frame{index: k, path: path, cfg: rc, method: method}, nil
}

// done reports whether f's file exists as this zoom wrote it: a PNG of
// f's size whose settings are f's, read to its end (imageio.CheckPNG: a
// copy cut short or a bit flipped since would otherwise be kept as
// written). Another file there is an error, not replaced: it may be
// another zoom's; so is a damaged frame: replacing it is the user's call.
func (f *frame) done() (bool, error) {
	file, err := os.Open(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer file.Close()
	v := f.cfg.job.View
	var bad *imageio.PNGCheckError
	switch err := imageio.CheckPNG(file, v.Width, v.Height, f.cfg.job.Text); {
	case err == nil:
		return true, nil
	case !errors.As(err, &bad):
		return false, err
	case bad.Problem == imageio.NotPNG:
		return false, fmt.Errorf("%q exists and is not a PNG (%v): remove it, or name the frames otherwise", f.path, bad.Err)
	case bad.Problem == imageio.OtherPNG:
		return false, fmt.Errorf("%q exists but is not frame %d of this zoom (its size or mandel:* settings differ): remove it, or name the frames otherwise", f.path, f.index)
	default:
		return false, fmt.Errorf("%q is frame %d of this zoom but damaged (%v): remove it and run the zoom again to render it", f.path, f.index, bad.Err)
	}
}

// zoom renders the frames that are not yet written, in order, and with
// --video pipes every frame, new or read back, into ffmpeg.
func (a *app) zoom(ctx context.Context, cfg *zoomConfig) (err error) {
	// A frame's settings are built again when it is rendered, not kept:
	// a long zoom would otherwise hold every frame's job at once.
	written := make([]bool, cfg.scales.Len())
	defer func() {
		if err != nil {
			err = &zoomStopped{err: err, written: countTrue(written), total: len(written)}
		}
	}()
	todo, perturbed := 0, false
	for k := range written {
		// A zoom of a million frames spends seconds here, before its
		// first frame: a stop must not wait for the end of it. (Every
		// 1024 frames, a few milliseconds' checks: a short zoom goes on
		// to count the frames it has before it stops.)
		if k%1024 == 1023 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		f, err := cfg.frame(k)
		if err != nil {
			return err
		}
		if written[k], err = f.done(); err != nil {
			return err
		}
		if !written[k] {
			todo++
			perturbed = perturbed || f.method == render.MethodPerturb
		}
	}
	var video *zoomVideo
	if cfg.video != "" {
		var err error
		if video, err = a.startVideo(ctx, cfg); err != nil {
			return err
		}
		defer video.abort()
	}
	rc := cfg.render
	var orbit *render.Orbit
	if perturbed {
		// The deepest frame's orbit, once, for every frame: each of them
		// is then the render of its view with the zoom's reference point.
		var err error
		if orbit, err = render.NewOrbit(ctx, rc.job.View, rc.job.AA, cfg.point); err != nil {
			return fmt.Errorf("zoom: %w", err)
		}
		if rc.verbose {
			fmt.Fprintf(a.stderr, "zoom: reference orbit of %s,%s for scale %s: %d iterations in %v\n",
				cfg.point.Re, cfg.point.Im, cfg.point.Scale, orbit.Iterations(), orbit.Took().Round(time.Microsecond))
		}
	}
	var prog *progress.RowCounter
	if !rc.quiet && a.isTerminal(a.stderr) && todo > 0 {
		prog = progress.StartRows(progress.New(a.stderr), todo*rc.job.View.Height, a.progressDelay)
		defer prog.Stop()
	}
	if limit, ok := rc.plan.HeapLimit(); ok {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(limit))
	}
	start := time.Now()
	rendered := 0
	for k := range written {
		f, err := cfg.frame(k)
		if err != nil {
			return err
		}
		if !written[k] {
			prog.Label(fmt.Sprintf("frame %d/%d", k+1, len(written)))
			f.cfg.job.Orbit = orbit
			f.cfg.job.Progress = prog.Add
			st, err := a.renderFrame(ctx, f)
			if err != nil {
				return err
			}
			written[k] = true
			rendered++
			if rc.verbose {
				prog.Stop()
				fmt.Fprintf(a.stderr, "frame %d/%d: %q, scale %s, method %s, %s\n", k+1, len(written), f.path,
					f.cfg.job.View.Decimals().Scale, st.Method, phaseTimes(&st))
			}
		} else if rc.verbose {
			fmt.Fprintf(a.stderr, "frame %d/%d: %q, already written\n", k+1, len(written), f.path)
		}
		if video != nil {
			if err := video.add(f.path); err != nil {
				return err
			}
		}
	}
	prog.Stop()
	if video != nil {
		if err := video.finish(); err != nil {
			return err
		}
	}
	if rc.verbose {
		fmt.Fprintf(a.stderr, "zoom: %d frames, %d rendered, %d already written, in %v\n", len(written), rendered, len(written)-rendered, time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// renderFrame renders and writes one frame, whole or not at all.
func (a *app) renderFrame(ctx context.Context, f *frame) (pipeline.Stats, error) {
	out, err := output.Open(f.path, f.cfg.force, a.stdout, a.stderr)
	if err != nil {
		return pipeline.Stats{}, err
	}
	defer out.Abort()
	var st pipeline.Stats
	err = out.WriteWith(ctx, func(w io.Writer) (err error) {
		st, err = pipeline.Run(ctx, w, f.cfg.job)
		return err
	})
	return st, err
}

// zoomVideo is --video: ffmpeg, and the file it writes, which appears
// only once ffmpeg succeeded.
type zoomVideo struct {
	enc           *video.Encoder
	out           *output.Destination
	buf           []byte
	width, height int
}

// startVideo starts ffmpeg for cfg's --video; a missing ffmpeg is an
// error that says so before any frame is rendered.
func (a *app) startVideo(ctx context.Context, cfg *zoomConfig) (*zoomVideo, error) {
	path, err := video.Find(a.ffmpeg)
	if err != nil {
		return nil, fmt.Errorf("--video needs ffmpeg, which is not installed here (%v); install it (Debian: apt-get install ffmpeg) or leave --video out", err)
	}
	out, err := output.Open(cfg.video, cfg.render.force, a.stdout, a.stderr)
	if err != nil {
		return nil, err
	}
	if out.File() == nil {
		out.Abort()
		return nil, fmt.Errorf("--video %q: not a file; ffmpeg writes an MP4 file", cfg.video)
	}
	v := cfg.render.job.View
	enc, err := video.Start(ctx, path, out.File().Temp(), video.Options{Width: v.Width, Height: v.Height, FPS: cfg.fps, CRF: cfg.crf, Name: cfg.video})
	if err != nil {
		out.Abort()
		return nil, err
	}
	return &zoomVideo{enc: enc, out: out, width: v.Width, height: v.Height}, nil
}

// add writes the frame in the PNG at path to the video.
func (z *zoomVideo) add(path string) error {
	var err error
	if z.buf, err = video.ReadPNG(path, z.buf); err != nil {
		return fmt.Errorf("--video: reading frame %q: %w", path, err)
	}
	if len(z.buf) != 3*z.width*z.height {
		return fmt.Errorf("--video: frame %q is not %dx%d", path, z.width, z.height)
	}
	return z.enc.WriteFrame(z.buf)
}

// finish waits for ffmpeg and commits the video.
func (z *zoomVideo) finish() error {
	if err := z.enc.Close(); err != nil {
		return err
	}
	if err := z.out.File().Commit(); err != nil {
		return fmt.Errorf("--video: %w", err)
	}
	return nil
}

// abort stops ffmpeg, if it runs, and removes the unfinished video.
func (z *zoomVideo) abort() {
	z.enc.Abort()
	z.out.Abort()
}

func printZoomHelp(w io.Writer, fs *pflag.FlagSet) {
	fmt.Fprintf(w, `mandel zoom renders a zoom video: frames from a wide view to a deep one.

Usage:
  mandel zoom [flags] OUTPUT      OUTPUT: the frames' name, %%05d the number

Examples:
  mandel zoom --center 0,1 --scale 1e-100 --frames 300 --size 640x360 f-%%05d.png
  mandel zoom --center 0,1 --scale 1e-100 --frames 300 --size 1280x720 \
      --video zoom.mp4 frames/f-%%05d.png     # and an MP4, by ffmpeg

The frames' scales are geometric from --from-scale (default 4) to --scale,
all around the view's centre (--center, --view, --from or --params, as a
render takes them); the first frame is numbered 0. Each frame is a PNG
that carries its settings, like a render's: mandel --from FRAME.png renders
it again, to the same bytes.

Frames that float64 resolves are rendered by the direct kernels, deeper
ones by perturbation (as --method auto decides for a render). Every frame
rendered by perturbation uses one reference orbit, the deepest frame's,
computed once: of the end view's centre (or --reference), at the precision
of the deepest frame (or --reference-scale). Each frame builds its own BLA
table. A frame is therefore the render of its view with --reference and
--reference-scale set to the zoom's, which its PNG records.

Resuming: a frame whose file exists with this zoom's settings, whole, is
not rendered again; a file of other settings at a frame's name, or a
frame cut short or damaged since, is an error.
Stop a zoom at any time (Ctrl-C) and run the same command to go on.

--video FILE.mp4 pipes every frame, rendered or read back from its PNG,
into ffmpeg as raw RGB (no temporary frames) and writes H.264 in yuv420p
at --fps frames a second and quality --crf: ffmpeg must be installed, the
width and height even. The video appears only when complete.

Flags:
%s`, cli.Usages(fs))
}
