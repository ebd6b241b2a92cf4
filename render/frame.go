package render

import "fmt"

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
	view   View
	aa     int
	kernel Kernel
	xs, ys []float64
	frame  *Frame
}

// bytesPerSample is the frame's memory per sample: Iter and Mag2.
const bytesPerSample = 4 + 8

// FrameBytes estimates the memory a Renderer for v with supersampling aa
// allocates, so that callers can refuse a size before allocating it.
func FrameBytes(v View, aa int) float64 {
	samples := float64(v.Width) * float64(v.Height) * float64(aa) * float64(aa)
	return samples*bytesPerSample + 8*float64(v.Width+v.Height)*float64(aa)
}

// NewRenderer prepares v for rendering with aa x aa samples per pixel. It
// allocates the frame; the caller should check FrameBytes first.
func NewRenderer(v View, aa int) (*Renderer, error) {
	if err := v.Validate(); err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	if err := CheckSupersampling(v, aa); err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	samples := v.Supersampled(aa)
	xs, ys := samples.Plane()
	n := samples.Width * samples.Height
	r := &Renderer{
		view:   v,
		aa:     aa,
		kernel: Scalar,
		xs:     xs,
		ys:     ys,
		frame: &Frame{
			Width:   samples.Width,
			Height:  samples.Height,
			MaxIter: v.MaxIter,
			Escape2: v.escape2(),
			Iter:    make([]uint32, n),
			Mag2:    make([]float64, n),
		},
	}
	return r, nil
}

// Units returns the number of independent units of work: output rows.
func (r *Renderer) Units() int { return r.view.Height }

// Frame returns the frame. It is complete once every unit has been rendered.
func (r *Renderer) Frame() *Frame { return r.frame }

// RenderUnits renders output rows [lo, hi) and returns the iterations done.
func (r *Renderer) RenderUnits(lo, hi int) (work int64) {
	w := r.frame.Width
	for y := lo * r.aa; y < hi*r.aa; y++ {
		row := r.frame.Iter[y*w : (y+1)*w]
		mag := r.frame.Mag2[y*w : (y+1)*w]
		work += r.kernel(r.xs, r.ys[y], r.view.MaxIter, r.frame.Escape2, row, mag)
	}
	return work
}
