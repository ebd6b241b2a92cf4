// Package pipeline renders an image and writes it, in strips of rows within
// a memory budget: the render command's whole path from a view to the bytes
// of a file.
//
// A render that does not fit its strip footprint renders, paints and writes
// a strip of rows at a time: the Renderer's frame is a window of the strip's
// rows (render.Options.Rows), the canvas is as tall as the strip, and the
// format's imageio.RowWriter takes each strip as it is painted. Peak memory
// then depends on the width and the budget, not the height. A PBM of a view
// that render.CanRenderBits takes goes the same way with neither a frame nor
// a canvas: each strip is a bitmap, rendered by a render.BitRenderer.
//
// Each strip is a parallel region of the job's strategy, over the strip's
// rows only: the end of a strip is a barrier, where workers that finish
// early wait for the last block of the strip. That costs a dynamic strategy
// (steal, atomic, guided) about one block per strip and worker, and a
// static one (bands, cyclic) the imbalance of each strip, which for bands
// is smaller than over the whole image, since a band of a strip is a
// slice of similar rows. The bytes written never depend on the strip
// height.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"runtime/trace"
	"time"

	"github.com/mandel-project/mandel/imageio"
	"github.com/mandel-project/mandel/render"
	"github.com/mandel-project/mandel/strategies"
)

// Job is one render: what to draw, how to schedule it, and where its rows
// go.
type Job struct {
	View      render.View
	AA        int
	Palette   render.Palette
	Kernel    render.Kernel // the zero Kernel is the scalar kernel
	Shortcuts bool          // render.Options.Shortcuts: the image is the same either way
	// Method and NoBLA are render.Options': the direct kernels or
	// perturbation, and perturbation without BLA.
	Method render.Method
	NoBLA  bool
	// Reference and Orbit are render.Options': the perturbation path's
	// reference point in place of the centre, and its orbit computed
	// before (a zoom's frames share one).
	Reference *render.ReferencePoint
	Orbit     *render.Orbit

	Strategy strategies.Strategy
	Workers  int
	Grain    int

	// Lo and Hi are the rows [Lo, Hi) of the view to write, a shard's;
	// Hi == 0 means every row.
	Lo, Hi int
	Format imageio.Format
	// Text, if not nil, is written as the PNG's tEXt chunks before its
	// rows: a shard carries its view and place for mandel stitch. It needs
	// Format PNG.
	Text []imageio.PNGText

	// Progress, if not nil, is called with the number of rows of each
	// block rendered, from the workers' goroutines at once.
	Progress func(rows int)

	// Memory is the budget in bytes; 0 means DefaultMemory or half of
	// Available, the less.
	Memory float64
	// Available is the memory the machine has available, in bytes
	// (sysmem.Available).
	Available float64
	// StripRows, when positive, fixes the strip height whatever the
	// budget, so that tests can force strips of a few rows.
	StripRows int
}

// Window is the rows [lo, hi) of the view that the job writes.
func (j Job) Window() (lo, hi int) {
	if j.Hi == 0 {
		return 0, j.View.Height
	}
	return j.Lo, j.Hi
}

// Stats is what a Run did, for a report.
type Stats struct {
	// Report is the strategy's, added up over the strips.
	Report strategies.Report
	// Render, Paint and Encode are the wall time of each step: iterating,
	// colouring, and encoding with writing the output.
	Render, Paint, Encode time.Duration
	// RenderCPU is the process's CPU time, every thread's, during the
	// render steps: on a machine shared with other jobs it moves with the
	// load far less than Render does (0 where the OS does not say).
	RenderCPU time.Duration
	// Plan is the memory plan the job ran under.
	Plan Plan
	// Kernel names the kernel that rendered.
	Kernel string
	// Periodicity says whether the frame path stopped samples whose orbit
	// repeats (render.Renderer.ChecksPeriodicity).
	Periodicity bool
	// Method is the method that rendered (never auto), and Deep the
	// perturbation path's figures when it was perturbation: its
	// Reference time is the serial part before the first strip, and is
	// not in Render.
	Method render.Method
	Deep   render.DeepStats
}

// Run renders the job and writes its image to w, a strip at a time in the
// order the format stores its rows (bmp: bottom to top). It stops at ctx's
// cancellation with an error that wraps ctx.Err(), having written only
// whole strips. The Go heap's limit during the strips is the caller's to
// set (Plan.HeapLimit).
func Run(ctx context.Context, w io.Writer, job Job) (Stats, error) {
	if job.Text != nil && job.Format != imageio.PNG {
		return Stats{}, fmt.Errorf("pipeline: tEXt chunks need a png, not %s", job.Format)
	}
	// The strategy refuses these too, but only at the first strip, after
	// the header is written: refused here, nothing is.
	switch {
	case job.Strategy == nil:
		return Stats{}, errors.New("pipeline: no strategy")
	case job.Workers < 1 || job.Workers > strategies.MaxWorkers:
		return Stats{}, fmt.Errorf("pipeline: workers must be in 1..%d, got %d", strategies.MaxWorkers, job.Workers)
	case job.Grain < 0:
		return Stats{}, fmt.Errorf("pipeline: grain must not be negative, got %d", job.Grain)
	}
	plan, err := job.Plan()
	if err != nil {
		return Stats{}, err
	}
	var s stripper
	switch {
	case plan.Bits:
		s, err = newBitStrips(ctx, &job, plan.Rows)
	case job.Format.NPYType() != "":
		s, err = newCountStrips(ctx, &job, plan.Rows)
	default:
		s, err = newFrameStrips(ctx, &job, plan.Rows)
	}
	if err != nil {
		return Stats{}, err
	}
	st := Stats{Plan: plan, Method: render.MethodDirect}
	st.Kernel, st.Periodicity = s.kernel()
	fs, frames := s.(*frameStrips)
	if frames {
		st.Method = fs.r.Method()
	}
	if err := s.open(w); err != nil {
		return st, err
	}
	err = writeStrips(ctx, &job, s, plan.Rows, &st)
	start := time.Now()
	// After a failure close refuses the missing rows, after waiting for
	// the png writer's goroutines; its error says nothing new.
	if cerr := s.close(); err == nil {
		err = cerr
	}
	st.Encode += time.Since(start)
	if frames {
		st.Deep, _ = fs.r.DeepStats()
	}
	return st, err
}

// writeStrips is the strip loop, for frames and bits alike.
func writeStrips(ctx context.Context, job *Job, s stripper, rows int, st *Stats) error {
	lo, hi := job.Window()
	bottomUp := job.Format.BottomUp()
	for i := range st.Plan.Strips {
		if bottomUp {
			i = st.Plan.Strips - 1 - i
		}
		y0 := lo + i*rows
		n := min(rows, hi-y0)
		if err := writeStrip(ctx, job, s, y0, n, st); err != nil {
			return err
		}
	}
	return nil
}

// writeStrip renders, paints and writes the n rows from y0. While a trace is
// recorded, the strip is a region ("strip rows 0-511") on the goroutine that
// waits for its workers, with its paint and write as regions within it.
func writeStrip(ctx context.Context, job *Job, s stripper, y0, n int, st *Stats) error {
	region := func(string) func() { return func() {} }
	if trace.IsEnabled() {
		defer trace.StartRegion(ctx, fmt.Sprintf("strip rows %d-%d", y0, y0+n-1)).End()
		region = func(name string) func() { return trace.StartRegion(ctx, name).End }
	}
	opts := strategies.Options{Workers: job.Workers, Grain: job.Grain}
	cpu := processCPU()
	rep, elapsed, err := RenderRows(ctx, job.Strategy, opts, y0, y0+n, s.task(y0), job.Progress)
	st.Render += elapsed
	st.RenderCPU += processCPU() - cpu
	if err != nil {
		return fmt.Errorf("render: %w", err)
	}
	st.Report.Add(rep)
	start := time.Now()
	end := region("paint")
	err = s.paint(ctx, n)
	end()
	if err != nil {
		return fmt.Errorf("paint: %w", err)
	}
	st.Paint += time.Since(start)
	start = time.Now()
	end = region("write")
	err = s.write(n)
	end()
	if err != nil {
		return err
	}
	st.Encode += time.Since(start)
	return nil
}

// RenderRows is the render stage: it runs task over the rows [lo, hi) with
// strategy s, as one parallel region, and returns the strategy's report and
// the region's wall time. The strategy's indices 0..hi-lo reach task as the
// rows lo..hi. progress, if not nil, is called with each block's rows as it
// is done. Run calls it for each strip; a benchmark calls it for a whole
// frame.
//
// While an execution trace is being recorded (runtime/trace), the region is
// a trace task, and each block a region of it named by strategy, worker and
// rows ("steal w1 rows 128-191"), so that `go tool trace` shows the
// schedule. When none is, the check is one load per call, not per block.
func RenderRows(ctx context.Context, s strategies.Strategy, opts strategies.Options, lo, hi int, task strategies.Task, progress func(rows int)) (*strategies.Report, time.Duration, error) {
	if trace.IsEnabled() {
		var t *trace.Task
		ctx, t = trace.NewTask(ctx, fmt.Sprintf("%s rows %d-%d", s.Name(), lo, hi-1))
		defer t.End()
		task = tracedBlocks(ctx, s.Name(), task)
	}
	rowTask := task
	if lo != 0 || progress != nil {
		rowTask = func(worker, a, b int) (int64, error) {
			work, err := task(worker, lo+a, lo+b)
			if progress != nil {
				progress(b - a)
			}
			return work, err
		}
	}
	start := time.Now()
	rep, err := s.Run(ctx, hi-lo, opts, rowTask)
	return rep, time.Since(start), err
}

// tracedBlocks is task with each block a trace region of ctx's task, named
// by strategy, worker and the block's rows (inclusive).
func tracedBlocks(ctx context.Context, name string, task strategies.Task) strategies.Task {
	return func(worker, lo, hi int) (int64, error) {
		defer trace.StartRegion(ctx, fmt.Sprintf("%s w%d rows %d-%d", name, worker, lo, hi-1)).End()
		return task(worker, lo, hi)
	}
}

// stripper is one way of making strips: what renders a strip's rows, what
// paints them, and what writes them.
type stripper interface {
	// open starts the job's image on w.
	open(w io.Writer) error
	// task renders rows of the strip that starts at row y0, counted in
	// the view's rows.
	task(y0 int) strategies.Task
	// paint colours the strip's first n rows.
	paint(ctx context.Context, n int) error
	// write writes the strip's first n rows.
	write(n int) error
	// close ends the image; it fails if rows are missing.
	close() error
	// kernel names the kernel that renders, and says whether it checks
	// orbits for periodicity.
	kernel() (name string, periodicity bool)
}

// frameStrips render a window of a Renderer's frame, paint it on a canvas
// and write the canvas's rows.
type frameStrips struct {
	job    *Job
	r      *render.Renderer
	rows   strategies.Task
	canvas *render.Canvas
	rw     imageio.RowWriter
}

func newFrameStrips(ctx context.Context, job *Job, rows int) (*frameStrips, error) {
	r, err := render.NewRenderer(job.View, job.AA, render.Options{Kernel: job.Kernel, Shortcuts: job.Shortcuts, Rows: rows,
		Method: job.Method, NoBLA: job.NoBLA, Reference: job.Reference, Orbit: job.Orbit, Context: ctx})
	if err != nil {
		return nil, err
	}
	s := &frameStrips{job: job, r: r, rows: r.Task(ctx)}
	if job.Format == imageio.PBM {
		s.canvas = render.BitmapCanvas(r.Frame(), job.AA)
	} else {
		s.canvas = (&render.Painter{Palette: job.Palette}).Canvas(r.Frame(), job.AA)
	}
	return s, nil
}

func (s *frameStrips) open(w io.Writer) (err error) {
	model := imageio.ModelOf(s.canvas.Image)
	j := s.job
	lo, hi := j.Window()
	if j.Text != nil {
		s.rw, err = imageio.NewPNGWriter(w, j.View.Width, hi-lo, model, imageio.PNGOptions{Workers: j.Workers, Text: j.Text})
		return err
	}
	enc := imageio.Encoder{Format: j.Format, Workers: j.Workers}
	s.rw, err = enc.NewRowWriter(w, j.View.Width, hi-lo, model)
	return err
}

func (s *frameStrips) task(y0 int) strategies.Task {
	s.r.SetWindow(y0)
	return s.rows
}

func (s *frameStrips) paint(ctx context.Context, n int) error {
	opts := strategies.Options{Workers: min(s.job.Workers, runtime.GOMAXPROCS(0)), Grain: 16}
	_, err := strategies.Atomic.Run(ctx, n, opts, s.canvas.Task())
	return err
}

func (s *frameStrips) write(n int) error {
	return s.rw.WriteRows(imageio.FirstRows(s.canvas.Image, n))
}

func (s *frameStrips) close() error { return s.rw.Close() }

func (s *frameStrips) kernel() (string, bool) { return s.r.Kernel().Name, s.r.ChecksPeriodicity() }

// bitStrips render straight to a bitmap, 1 bit per pixel, which is
// already the PBM's rows: no frame, no painting.
type bitStrips struct {
	ctx   context.Context
	job   *Job
	r     *render.BitRenderer
	strip []byte
	pbm   *imageio.PBMWriter
}

func newBitStrips(ctx context.Context, job *Job, rows int) (*bitStrips, error) {
	r, err := render.NewBitRenderer(job.View, job.Kernel)
	if err != nil {
		return nil, err
	}
	return &bitStrips{ctx: ctx, job: job, r: r, strip: make([]byte, rows*r.Stride())}, nil
}

func (s *bitStrips) open(w io.Writer) (err error) {
	lo, hi := s.job.Window()
	s.pbm, err = imageio.NewPBMWriter(w, s.job.View.Width, hi-lo)
	return err
}

func (s *bitStrips) task(y0 int) strategies.Task { return s.r.Task(s.ctx, y0, s.strip) }

func (s *bitStrips) paint(context.Context, int) error { return nil }

func (s *bitStrips) write(n int) error {
	_, err := s.pbm.Write(s.strip[:n*s.r.Stride()])
	return err
}

func (s *bitStrips) close() error { return s.pbm.Close() }

func (s *bitStrips) kernel() (string, bool) { return s.r.Kernel().Name, false }

// countStrips render a window of a Renderer's frame and write its numbers
// rather than colours, for npy and npy-smooth: the "paint" step encodes
// each sample's count, or its smooth escape time, as the array's 4 bytes.
// Job.AA is 1 (Plan refuses others).
type countStrips struct {
	job    *Job
	r      *render.Renderer
	rows   strategies.Task
	strip  []byte
	smooth bool
	npy    *imageio.NPYWriter
}

func newCountStrips(ctx context.Context, job *Job, rows int) (*countStrips, error) {
	r, err := render.NewRenderer(job.View, job.AA, render.Options{Kernel: job.Kernel, Shortcuts: job.Shortcuts, Rows: rows})
	if err != nil {
		return nil, err
	}
	return &countStrips{job: job, r: r, rows: r.Task(ctx), strip: make([]byte, 4*rows*job.View.Width),
		smooth: job.Format == imageio.NPYSmooth}, nil
}

func (s *countStrips) open(w io.Writer) (err error) {
	lo, hi := s.job.Window()
	s.npy, err = imageio.NewNPYWriter(w, s.job.Format, s.job.View.Width, hi-lo)
	return err
}

func (s *countStrips) task(y0 int) strategies.Task {
	s.r.SetWindow(y0)
	return s.rows
}

func (s *countStrips) paint(ctx context.Context, n int) error {
	f := s.r.Frame()
	opts := strategies.Options{Workers: min(s.job.Workers, runtime.GOMAXPROCS(0)), Grain: 16}
	_, err := strategies.Atomic.Run(ctx, n, opts, func(_, lo, hi int) (int64, error) {
		if s.smooth {
			render.SmoothRows(s.strip, f, lo, hi)
		} else {
			render.CountRows(s.strip, f, lo, hi)
		}
		return 0, nil
	})
	return err
}

func (s *countStrips) write(n int) error {
	_, err := s.npy.Write(s.strip[:4*n*s.job.View.Width])
	return err
}

func (s *countStrips) close() error { return s.npy.Close() }

func (s *countStrips) kernel() (string, bool) { return s.r.Kernel().Name, s.r.ChecksPeriodicity() }
