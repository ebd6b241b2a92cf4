package render

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Frame holds the kernel's results for every sample of a view, row-major,
// row 0 at the top of the image.
type Frame struct {
	Width, Height int
	MaxIter       int
	// Escape2 is the squared escape radius the frame was computed with.
	Escape2 float64
	Iter    []uint32
	Mag2    []float64
}

// Inside reports whether sample i is in the set: it survived MaxIter
// iterations and its final |z| is within the escape radius. (The second
// condition matters for the Benchmarks Game, which tests z after the last
// iteration too.)
func (f *Frame) Inside(i int) bool {
	return f.Iter[i] == uint32(f.MaxIter) && f.Mag2[i] <= f.Escape2
}

// Renderer renders a view into a frame, one unit of work at a time. A unit is
// one output row: with supersampling n it is n rows of samples. Different
// units write disjoint parts of the frame, so any number of goroutines may
// render different units at once.
type Renderer struct {
	view View
	aa   int
	// kernel is Options.Kernel, the scalar kernel for the zero Kernel, and
	// row the function that computes a row: its Periodic with shortcuts,
	// where it has one, else its Row.
	kernel Kernel
	row    RowFunc
	// shortcuts is Options.Shortcuts.
	shortcuts bool
	xs, ys    []float64
	frame     *Frame
	// y0 is the output row at the top of the frame, and rows the output
	// rows it holds: the whole view, or a window (Options.Rows).
	y0, rows int
	// deep, when not nil, renders every row by perturbation
	// (MethodPerturb) in place of the kernel.
	deep *perturbation
}

// bytesPerSample is the frame's memory per sample: Iter and Mag2.
const bytesPerSample = 4 + 8

// Footprint is the memory, in bytes, that rendering and painting a view
// takes, so that callers can refuse a size before allocating it.
type Footprint struct {
	// Frame is what a Renderer allocates and holds for the whole render:
	// the frame and the sample coordinates.
	Frame float64
	// Image is the painted picture, as Painter.NewImage makes it (newBitmap
	// makes a smaller one).
	Image float64
}

// MemoryNeeded estimates the footprint of rendering v with aa x aa samples
// per pixel and painting it.
func MemoryNeeded(v View, aa int) Footprint {
	return MemoryNeededRows(v, aa, v.Height)
}

// MemoryNeededRows estimates the footprint of rendering and painting v a
// window of rows output rows at a time (Options.Rows): the frame and the
// image of the window, and the coordinates of the whole view.
func MemoryNeededRows(v View, aa, rows int) Footprint {
	rows = min(rows, v.Height)
	pixels := float64(v.Width) * float64(rows)
	samples := pixels * float64(aa) * float64(aa)
	perPixel := 1.0 // paletted
	if aa > 1 {
		perPixel = 4 // RGBA: averaged samples make colours no palette holds
	}
	return Footprint{
		Frame: samples*bytesPerSample + 8*float64(v.Width+v.Height)*float64(aa),
		Image: pixels * perPixel,
	}
}

// Total is the peak of a render: the frame and the image live together.
func (f Footprint) Total() float64 { return f.Frame + f.Image }

// Options says how a Renderer computes. The zero value is the reference:
// the scalar kernel, every sample iterated.
type Options struct {
	// Kernel computes each row; the zero Kernel is the scalar kernel.
	Kernel Kernel
	// Shortcuts skips samples that are provably in the set: those well
	// inside the main cardioid or the period-2 bulb are not iterated at all,
	// and with a kernel that checks periodicity (Kernel.ChecksPeriodicity:
	// the scalar kernel) a sample stops as soon as its orbit repeats
	// exactly. They keep images identical, not frames: a sample the
	// cardioid or bulb test takes gets Iter = MaxIter, as without
	// shortcuts, but Mag2 = 0 instead of its |z|^2 after MaxIter
	// iterations. Frame.Inside, and so every painter, treats both alike.
	// The work a Renderer reports is then the iterations actually done,
	// less than the sum of the frame's counts.
	Shortcuts bool
	// Method chooses the direct kernels or perturbation; MethodAuto
	// perturbs only views too deep for float64.
	Method Method
	// NoBLA turns bivariate linear approximation off on the perturbation
	// path, which then iterates every step (for measurements).
	NoBLA bool
	// Reference, if not nil, is the perturbation path's reference point
	// in place of the view's centre, and Orbit, if not nil, its orbit
	// computed before (NewOrbit), which Reference is then not needed for.
	// Neither changes the direct path.
	Reference *ReferencePoint
	Orbit     *Orbit
	// Context, if not nil, cancels the reference orbit that
	// MethodPerturb computes in NewRenderer.
	Context context.Context
	// Rows, if positive and less than the view's height, makes the frame
	// a window of that many output rows, starting at row 0, that
	// SetWindow moves: memory for a strip of the view rather than all of
	// it. Rows outside the window cannot be rendered.
	Rows int
}

// NewRenderer prepares v for rendering with aa x aa samples per pixel. It
// allocates the frame; the caller should check MemoryNeeded first.
func NewRenderer(v View, aa int, opts Options) (*Renderer, error) {
	if err := v.Validate(); err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	if err := CheckSupersampling(v, aa); err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	if err := opts.Kernel.checkAvailable(); err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	method, err := opts.Method.Resolve(v)
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	samples := v.Supersampled(aa)
	var xs, ys []float64
	var pert *perturbation
	if method == MethodPerturb {
		ctx := opts.Context
		if ctx == nil {
			ctx = context.Background()
		}
		lanes := opts.Kernel.orScalar().perturbLanes()
		orbit, took := opts.Orbit, time.Duration(0)
		if orbit == nil && opts.Reference != nil {
			if orbit, err = NewOrbit(ctx, v, aa, *opts.Reference); err != nil {
				return nil, fmt.Errorf("render: %w", err)
			}
			took = orbit.took
		}
		if orbit != nil {
			pert, err = newReferencedPerturbation(ctx, v, aa, opts.NoBLA, opts.Shortcuts, lanes, orbit)
		} else {
			pert, err = newPerturbation(ctx, v, aa, opts.NoBLA, opts.Shortcuts, lanes)
		}
		if err != nil {
			return nil, fmt.Errorf("render: %w", err)
		}
		pert.reference += took
	} else {
		xs, ys = samples.Plane()
	}
	rows := v.Height
	if opts.Rows > 0 && opts.Rows < rows {
		rows = opts.Rows
	}
	n := samples.Width * rows * aa
	r := &Renderer{
		rows:      rows,
		view:      v,
		aa:        aa,
		kernel:    opts.Kernel.orScalar(),
		shortcuts: opts.Shortcuts,
		deep:      pert,
		xs:        xs,
		ys:        ys,
		frame: &Frame{
			Width:   samples.Width,
			Height:  rows * aa,
			MaxIter: v.MaxIter,
			Escape2: v.escape2(),
			Iter:    make([]uint32, n),
			Mag2:    make([]float64, n),
		},
	}
	r.row = r.kernel.Row
	if r.ChecksPeriodicity() {
		r.row = r.kernel.Periodic
	}
	hugePages(r.frame.Iter)
	hugePages(r.frame.Mag2)
	return r, nil
}

// Units returns the number of independent units of work: output rows.
func (r *Renderer) Units() int { return r.view.Height }

// Kernel returns the kernel that renders: Options.Kernel, or the scalar
// kernel for the zero Kernel.
func (r *Renderer) Kernel() Kernel { return r.kernel }

// ChecksPeriodicity reports whether the Renderer stops a sample once its
// orbit repeats: with Options.Shortcuts and a kernel that has a Periodic
// row.
func (r *Renderer) ChecksPeriodicity() bool {
	return r.shortcuts && (r.deep != nil || r.kernel.ChecksPeriodicity())
}

// Frame returns the frame. It is complete once every unit has been
// rendered; with a window (Options.Rows), its row 0 is the window's first
// row, and it is complete once every row of the window has been.
func (r *Renderer) Frame() *Frame { return r.frame }

// Window returns the window: the output row at the top of the frame and the
// number of output rows the frame holds (the view's height without
// Options.Rows).
func (r *Renderer) Window() (y0, rows int) { return r.y0, r.rows }

// SetWindow moves the window to start at output row y0, which must be in
// the view; the frame's contents are then stale until its rows are rendered
// again. A window that runs past the bottom of the view is fine: its rows
// past the view are never rendered, and its frame rows there are stale.
// It must not be called while units are being rendered.
func (r *Renderer) SetWindow(y0 int) {
	if y0 < 0 || y0 >= r.view.Height {
		panic(fmt.Sprintf("render: SetWindow(%d) outside rows 0..%d", y0, r.view.Height-1))
	}
	r.y0 = y0
}

// RenderUnits renders output rows [lo, hi), which must be in the window,
// and returns the iterations done.
func (r *Renderer) RenderUnits(lo, hi int) (work int64) {
	work, _ = r.renderUnits(lo, hi, nil)
	return work
}

// renderUnits renders output rows [lo, hi) until stop is set, and reports
// whether it finished.
func (r *Renderer) renderUnits(lo, hi int, stop *atomic.Bool) (work int64, ok bool) {
	w := r.frame.Width
	if lo < r.y0 || hi > r.y0+r.rows {
		panic(fmt.Sprintf("render: rows [%d, %d) outside the window [%d, %d)", lo, hi, r.y0, r.y0+r.rows))
	}
	for y := lo * r.aa; y < hi*r.aa; y++ {
		if stop != nil && stop.Load() {
			return work, false
		}
		fy := y - r.y0*r.aa // the row in the frame
		row := r.frame.Iter[fy*w : (fy+1)*w]
		mag := r.frame.Mag2[fy*w : (fy+1)*w]
		if r.deep != nil {
			work += r.deep.plan.Row(r.deep.kx, r.deep.ky[y], row, mag, stop)
			continue
		}
		if r.shortcuts && rowMayShortcut(r.ys[y]) {
			work += r.renderShortcutRow(r.ys[y], row, mag, stop)
			continue
		}
		work += r.row(r.xs, r.ys[y], r.view.MaxIter, r.frame.Escape2, row, mag, stop)
	}
	return work, stop == nil || !stop.Load()
}

// renderShortcutRow renders the sample row at imaginary part ci: samples in
// the main cardioid or the period-2 bulb (inMainComponents) get maxIter and
// |z|^2 = 0 at once, and the others go to the kernel in one call, gathered
// into a scratch row: a call per run of them would start and drain the
// kernel's lanes two or three times a row, and the drain, where lanes fall
// idle, was most of the time of a row through the cardioid. The kernel
// stores the gathered samples' results at the front of iter and mag2, and
// they move out to their places from the back, where no result not yet
// moved is overwritten.
func (r *Renderer) renderShortcutRow(ci float64, iter []uint32, mag2 []float64, stop *atomic.Bool) (work int64) {
	maxIter, escape2 := r.view.MaxIter, r.frame.Escape2
	sc := shortcutScratch.Get().(*shortcutRow)
	defer shortcutScratch.Put(sc)
	sc.cr, sc.in = sc.cr[:0], sc.in[:0]
	for _, cr := range r.xs {
		in := inMainComponents(cr, ci)
		sc.in = append(sc.in, in)
		if !in {
			sc.cr = append(sc.cr, cr)
		}
	}
	n := len(sc.cr)
	if n == len(r.xs) {
		return r.row(r.xs, ci, maxIter, escape2, iter, mag2, stop)
	}
	if n > 0 {
		work = r.row(sc.cr, ci, maxIter, escape2, iter[:n], mag2[:n], stop)
	}
	for x := len(r.xs) - 1; x >= 0; x-- {
		if sc.in[x] {
			iter[x], mag2[x] = uint32(maxIter), 0
			continue
		}
		n--
		iter[x], mag2[x] = iter[n], mag2[n]
	}
	return work
}

// shortcutRow is renderShortcutRow's scratch: the gathered samples' c, and
// which samples of the row the shortcuts took. Workers render rows at
// once, so each call takes one from shortcutScratch.
type shortcutRow struct {
	cr []float64
	in []bool
}

var shortcutScratch = sync.Pool{New: func() any { return new(shortcutRow) }}

// Task returns a function with the shape of strategies.Task that renders
// output rows [lo, hi) and returns the iterations done. It looks at ctx
// between rows and returns ctx's error as soon as it is cancelled, even
// inside a row: the kernel looks every few thousand iterations at a flag
// that cancellation sets, so one pixel of 2^30 iterations does not hold it
// for seconds. The frame is then incomplete.
func (r *Renderer) Task(ctx context.Context) func(worker, lo, hi int) (work int64, err error) {
	// One flag for every call of the task, raised once when ctx ends:
	// registering a callback per call would take ctx's lock once per block,
	// which every worker contends for at grain 1. The callback stays
	// registered until ctx ends; with a context that never ends
	// (context.Background) nothing is registered at all.
	stop := new(atomic.Bool)
	context.AfterFunc(ctx, func() { stop.Store(true) })
	return func(_, lo, hi int) (work int64, err error) {
		for y := lo; y < hi; y++ {
			if err := ctx.Err(); err != nil {
				return work, err
			}
			w, ok := r.renderUnits(y, y+1, stop)
			work += w
			if !ok {
				return work, ctx.Err()
			}
		}
		return work, nil
	}
}
