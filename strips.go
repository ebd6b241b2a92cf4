package main

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"math"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mandel-project/mandel/imageio"
	"github.com/mandel-project/mandel/internal/progress"
	"github.com/mandel-project/mandel/internal/sysmem"
	"github.com/mandel-project/mandel/render"
	"github.com/mandel-project/mandel/strategies"
)

// A render that does not fit its memory budget renders, paints and writes
// a strip of rows at a time: the Renderer's frame is a window of the strip's
// rows (render.Options.Rows), the canvas is as tall as the strip, and the
// format's imageio.RowWriter takes each strip as it is painted. Peak memory
// then depends on the width and the budget, not the height.
//
// Each strip is a parallel region of the user's strategy, over the strip's
// rows only: the end of a strip is a barrier, where workers that finish
// early wait for the last block of the strip. That costs a dynamic strategy
// (steal, atomic, guided) about one block per strip and worker, and a
// static one (bands, cyclic) the imbalance of each strip, which for bands
// is smaller than over the whole image, since a band of a strip is a
// slice of similar rows.

// defaultMemory is the budget without --memory: at most 512 MiB, and at
// most half of what the machine has available.
const defaultMemory = 512 << 20

// stripShare is the part of the budget that the strips' frame and image
// take; the rest is for the Go runtime's garbage (the PNG writer's
// compressed strips), the binary and the stacks.
const stripShare = 0.7

// wholeImageCap is the largest footprint rendered as one piece when the
// format streams. Past it strips are faster as well as smaller: a strip's
// frame is reused, while a whole frame is touched for the first time, and a
// first touch costs a page fault (on the 2-core VM, about 13 us per 4 KiB:
// a 4096x4096 frame spent a second in them).
const wholeImageCap = 32 << 20

// memoryLimitShare is the part of the budget that the Go heap may reach
// during a render in strips (debug.SetMemoryLimit).
const memoryLimitShare = 0.85

// stripRowsOverride, when positive, fixes the strip height, so that tests
// can force strips of a few rows.
var stripRowsOverride = 0

// memoryPlan is how a render uses memory: the whole image at once, or
// strips of rows rows.
type memoryPlan struct {
	budget float64 // --memory, or the default
	whole  float64 // the whole-image path's footprint
	rows   int     // 0: the whole image at once; else the strip height
	need   float64 // the chosen path's footprint
}

// planMemory chooses between the whole image and strips for rendering v
// at aa into format with workers, within budget (0: the default), or says
// why neither fits.
func planMemory(v render.View, aa int, format imageio.Format, workers int, budget float64) (memoryPlan, error) {
	if budget <= 0 {
		budget = min(defaultMemory, availableMemory()/2)
	}
	p := memoryPlan{budget: budget, whole: render.MemoryNeeded(v, aa).Total()}
	streams, _ := imageio.Streams(format)
	switch {
	case !streams && p.whole <= budget,
		streams && p.whole <= min(budget, wholeImageCap) && stripRowsOverride == 0:
		p.need = p.whole
		return p, nil
	}
	if !streams {
		return p, fmt.Errorf("%s needs the whole image in memory (%s, over --memory %s); %s stream",
			format, sysmem.HumanBytes(p.whole), sysmem.HumanBytes(budget), streamingFormats())
	}
	enc := imageio.Encoder{Format: format, Workers: workers}
	fixed := render.MemoryNeededRows(v, aa, 0).Total() + enc.StreamMemory(v.Width)
	perRow := render.MemoryNeededRows(v, aa, 2).Total() - render.MemoryNeededRows(v, aa, 1).Total()
	p.rows = int(math.Min((min(stripShare*budget, wholeImageCap)-fixed)/perRow, float64(v.Height)))
	if stripRowsOverride > 0 {
		p.rows = min(stripRowsOverride, v.Height)
	}
	if p.rows < 1 {
		return p, fmt.Errorf("--memory %s is too small for a strip of one row of %d pixels at --aa %d (about %s)",
			sysmem.HumanBytes(budget), v.Width, aa, sysmem.HumanBytes((fixed+perRow)/stripShare))
	}
	p.need = fixed + float64(p.rows)*perRow
	return p, nil
}

// streamingFormats lists, for messages, the formats that render in strips.
func streamingFormats() string {
	var names []string
	for _, f := range imageio.Formats() {
		if ok, _ := imageio.Streams(f); ok {
			names = append(names, string(f))
		}
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// renderStrips renders, paints and writes the image cfg.plan.rows rows at a
// time, in the order the format stores its rows (bmp: bottom to top). The
// bytes are those of the whole-image path, whatever the strip height.
func renderStrips(ctx context.Context, cfg *renderConfig, out *output, stderr io.Writer) error {
	v := cfg.view
	// The rows [lo, hi) of the view to write: all of them, or a shard's.
	lo, hi := 0, v.Height
	if s := cfg.shard; s != nil {
		lo, hi = s.lo, s.hi
	}
	rows := cfg.plan.rows
	if rows == 0 { // the whole image fits: one strip
		rows = hi - lo
	}
	r, err := render.NewRenderer(v, cfg.aa, render.Options{Kernel: cfg.kernel, Shortcuts: cfg.shortcuts, Rows: rows})
	if err != nil {
		return err
	}
	// The Go runtime's own limit keeps the garbage of the compressed
	// strips from doubling the heap (GOGC's default). It is below the
	// budget by what the heap is not: the binary, the stacks, the
	// runtime's own structures. The frame and the image hold no pointers,
	// so the collections it forces cost little.
	if cfg.plan.rows > 0 {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(int64(memoryLimitShare * cfg.plan.budget)))
	}

	canvas := newCanvas(r, cfg)
	var model color.Model
	switch m := canvas.Image.(type) {
	case *image.Paletted:
		model = m.Palette
	case *image.Gray:
		model = color.GrayModel
	default:
		model = color.RGBAModel // painted pixels are opaque
	}
	enc := imageio.Encoder{Format: cfg.format, Workers: cfg.workers}
	_, bottomUp := imageio.Streams(cfg.format)
	opts := strategies.Options{Workers: cfg.workers, Grain: cfg.grain}
	paintOpts := strategies.Options{Workers: min(cfg.workers, runtime.GOMAXPROCS(0)), Grain: 16}
	task := r.Task(ctx)
	prog := startProgress(cfg, hi-lo, stderr)
	defer prog.stop()
	rep := &strategies.Report{}
	var t phaseTimes
	strips := (hi - lo + rows - 1) / rows
	err = out.writeWith(ctx, func(w io.Writer) error {
		var rw imageio.RowWriter
		var err error
		if cfg.shard != nil {
			// A shard carries the view and its place for mandel stitch.
			rw, err = imageio.NewPNGWriter(w, v.Width, hi-lo, model, imageio.PNGOptions{Workers: cfg.workers, Text: shardText(cfg)})
		} else {
			rw, err = enc.NewRowWriter(w, v.Width, v.Height, model)
		}
		if err != nil {
			return err
		}
		closed := false
		defer func() {
			if !closed {
				// Stopped early: Close refuses the missing rows,
				// after waiting for the png writer's goroutines.
				rw.Close()
			}
		}()
		for i := range strips {
			if bottomUp {
				i = strips - 1 - i
			}
			y0 := lo + i*rows
			n := min(rows, hi-y0)
			r.SetWindow(y0)
			start := time.Now()
			part, err := cfg.strategy.Run(ctx, n, opts, prog.count(func(worker, lo, hi int) (int64, error) {
				return task(worker, y0+lo, y0+hi)
			}))
			t.render += time.Since(start)
			if err != nil {
				return renderFailed(cfg, err, stderr)
			}
			rep.Add(part)
			start = time.Now()
			if _, err := strategies.Atomic.Run(ctx, n, paintOpts, canvas.Task()); err != nil {
				return fmt.Errorf("paint: %w", err)
			}
			t.paint += time.Since(start)
			start = time.Now()
			strip := canvas.Image.(interface {
				SubImage(image.Rectangle) image.Image
			}).SubImage(image.Rect(0, 0, v.Width, n))
			if err := rw.WriteRows(strip); err != nil {
				return err
			}
			t.encode += time.Since(start)
		}
		start := time.Now()
		err = rw.Close()
		closed = true
		t.encode += time.Since(start)
		return err
	})
	if err != nil {
		return err
	}
	prog.stop()
	if cfg.verbose {
		printReport(stderr, cfg, rep, t)
		if periodicity := "off"; cfg.shortcuts {
			if r.ChecksPeriodicity() {
				periodicity = "on"
			}
			fmt.Fprintf(stderr, "kernel %s: shortcuts are the cardioid and bulb test, periodicity checking %s\n", r.Kernel().Name, periodicity)
		}
		if s := cfg.shard; s != nil {
			fmt.Fprintf(stderr, "shard %d/%d: rows %d-%d of %d\n", s.index, s.count, s.lo, s.hi-1, v.Height)
		}
		if strips > 1 {
			fmt.Fprintf(stderr, "strips: %d of %d rows (%s of %s for the whole image, --memory %s); each strip is a parallel region, its end a barrier\n",
				strips, rows, sysmem.HumanBytes(cfg.plan.need), sysmem.HumanBytes(cfg.plan.whole), sysmem.HumanBytes(cfg.plan.budget))
		}
	}
	return nil
}

// newCanvas is the canvas that paints r's frame for cfg's format.
func newCanvas(r *render.Renderer, cfg *renderConfig) *render.Canvas {
	if cfg.format == imageio.PBM {
		return render.BitmapCanvas(r.Frame(), cfg.aa)
	}
	return (&render.Painter{Palette: cfg.palette}).Canvas(r.Frame(), cfg.aa)
}

// stderrIsTerminal says whether to show a progress line on stderr; tests
// replace it.
var stderrIsTerminal = isTerminal

// progressDelay is how long a render runs before its progress line shows:
// a render that is over sooner needs none.
var progressDelay = time.Second

// renderProgress shows the rows rendered, the rate and the time left on a
// terminal, from a goroutine of its own, while workers count rows with
// atomic adds. A nil *renderProgress counts nothing and shows nothing.
type renderProgress struct {
	line   *progress.Line
	total  int64
	done   atomic.Int64
	began  time.Time
	quit   chan struct{}
	wg     sync.WaitGroup
	closed bool
}

// startProgress starts the progress line of a render of rows rows (a
// shard renders only its own) on stderr, or returns nil where there should
// be none: stderr is not a terminal, or --quiet.
func startProgress(cfg *renderConfig, rows int, stderr io.Writer) *renderProgress {
	if cfg.quiet || !stderrIsTerminal(stderr) {
		return nil
	}
	p := newRenderProgress(progress.New(stderr), rows)
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		delay := time.NewTimer(progressDelay)
		defer delay.Stop()
		select {
		case <-p.quit:
			return
		case <-delay.C:
		}
		tick := time.NewTicker(2 * progress.Every)
		defer tick.Stop()
		for {
			p.show()
			select {
			case <-p.quit:
				return
			case <-tick.C:
			}
		}
	}()
	return p
}

func newRenderProgress(line *progress.Line, total int) *renderProgress {
	return &renderProgress{line: line, total: int64(total), began: line.Now(), quit: make(chan struct{})}
}

// count returns task, counting the rows it renders.
func (p *renderProgress) count(task strategies.Task) strategies.Task {
	if p == nil {
		return task
	}
	return func(worker, lo, hi int) (int64, error) {
		work, err := task(worker, lo, hi)
		p.done.Add(int64(hi - lo))
		return work, err
	}
}

// show redraws the line.
func (p *renderProgress) show() {
	p.line.Show(progress.Rows(p.done.Load(), p.total, p.line.Now().Sub(p.began)))
}

// stop stops the line and erases it; it may be called more than once.
func (p *renderProgress) stop() {
	if p == nil || p.closed {
		return
	}
	p.closed = true
	close(p.quit)
	p.wg.Wait()
	p.line.Clear()
}

// memoryValue is a --memory flag: a size in bytes with an optional unit,
// binary (K, M, G, T, KiB, MiB, GiB, TiB) or decimal (KB, MB, GB, TB):
// 512MiB, 2G, 1.5GiB.
type memoryValue struct{ bytes float64 }

func (m *memoryValue) String() string {
	if m.bytes == 0 {
		return ""
	}
	return sysmem.HumanBytes(m.bytes)
}

func (m *memoryValue) Type() string { return "size" }

func (m *memoryValue) Set(s string) error {
	num := strings.TrimRightFunc(s, func(r rune) bool { return r >= 'A' && r <= 'z' })
	unit := strings.TrimSpace(s[len(num):])
	mult, ok := memoryUnits[strings.ToLower(unit)]
	if strings.TrimSpace(num) == "" {
		return errors.New("not a size (e.g. 512MiB, 2GiB)")
	}
	if !ok {
		return fmt.Errorf("unknown unit %q (use B, KiB, MiB, GiB, TiB, or KB, MB, GB, TB)", unit)
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return errors.New("not a size (e.g. 512MiB, 2GiB)")
	}
	if f*mult < 1<<20 {
		return errors.New("must be at least 1 MiB")
	}
	m.bytes = f * mult
	return nil
}

var memoryUnits = map[string]float64{
	"": 1, "b": 1,
	"k": 1 << 10, "kib": 1 << 10, "m": 1 << 20, "mib": 1 << 20,
	"g": 1 << 30, "gib": 1 << 30, "t": 1 << 40, "tib": 1 << 40,
	"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
}
