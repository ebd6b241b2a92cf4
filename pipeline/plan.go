package pipeline

import (
	"fmt"
	"math"
	"strings"

	"github.com/mandel-project/mandel/imageio"
	"github.com/mandel-project/mandel/internal/sysmem"
	"github.com/mandel-project/mandel/render"
)

// DefaultMemory is the budget of a Job without Memory: at most 512 MiB, and
// at most half of what the machine has available.
const DefaultMemory = 512 << 20

// stripShare is the part of the budget that the strips' frame and image,
// with the encoder's buffers, may take at most; the rest is for the Go
// runtime's garbage (the PNG writer's compressed strips), the binary and
// the stacks.
const stripShare = 0.7

// deepShare is the most of the budget that perturbation's reference orbit
// and BLA table may take, leaving the strips at least a tenth.
const deepShare = 0.6

// stripPart is the part of the budget that a strip's frame and image take
// by default, when the image does not fit in one: 1 MiB of the default
// budget, more with a larger --memory, with no cap. rowsPerWorker is the
// least strip height per worker that the default gives (budget
// permitting): a strip's end is a barrier, where each worker waits about
// half a block, so it is rows per worker, not bytes, that keep its cost
// small (under 1/32 of the strip's time at grain 1).
//
// Measured on the shared 2-core VM (noisy: other builds ran; 9 interleaved
// runs, medians, peak RSS from /usr/bin/time), PNGs with strips of 0.5, 1,
// 2, 4 and 32 MiB: the 4000x3000 (-1.10,0.275, scale 0.2, maxiter
// 255, gray) peaked at 17.8, 18.3, 19.5, 21.9 and 54.1 MB; 8192x8192 at
// 18.2, 18.8, 20.0, 22.3 and 56.4 MB; 16000x400 at 18.3, 18.6, 20.5, 22.3
// and 51.1 MB. Wall times were flat within the noise (4000x3000: 2.1-2.7 s
// medians, 0.8-1.6 s minima at every size), and no faster at 32 MiB. With
// these constants the 4000x3000 peaks at 19.1 MB (44.3 MB with the 32 MiB
// strips of before) in 1.58 s (1.80 s before; medians of 9, interleaved).
//
// wholePart is the most of the budget that a window rendered in one piece
// may take: 16 MiB of the default budget, so that the preset views at
// their own sizes render whole, as bench times them. Strips would not slow
// them, but each strip's end is a barrier, which changes what -v reports of
// a strategy: bands' imbalance on tophalf at 1024x1024 reads 1.11 in 14
// strips and 1.24 over the whole frame.
const (
	stripPart     = 1.0 / 512
	wholePart     = 1.0 / 32
	rowsPerWorker = 16
)

// memoryLimitShare is the part of the plan's budget that the Go heap may
// reach during a render in strips (debug.SetMemoryLimit).
const memoryLimitShare = 0.85

// Plan is how a Job uses memory: strips of Rows rows, or the whole image
// (window) in one.
type Plan struct {
	Budget float64 // Job.Memory, or the default
	Whole  float64 // the footprint of the whole window at once
	Need   float64 // the footprint of the strips planned
	Rows   int     // rows per strip; the window's height for one strip
	Strips int     // the number of strips
	// Bits says that the job renders straight to bits, 1 per pixel, with
	// neither a frame nor an image: a PBM of a view where that gives
	// exactly the frame's picture (see render.CanRenderBits). This is how
	// the Benchmarks Game's 16000x16000 takes 32 MB rather than 3 GB.
	Bits bool
}

// HeapLimit is the Go heap's limit (debug.SetMemoryLimit) for a render in
// strips of frames: the share of the budget that the plan would just fit,
// so that a plan that needs less than its budget does not let garbage fill
// the rest. ok is false where no limit is needed: one strip, or bits, whose
// compressed garbage is small. The limit is the process's, so the caller
// sets it, not Run: two Runs at once would restore each other's.
func (p Plan) HeapLimit() (limit int64, ok bool) {
	if p.Strips <= 1 || p.Bits {
		return 0, false
	}
	return int64(memoryLimitShare * min(p.Budget, max(p.Need/stripShare, heapLimitFloor))), true
}

// heapLimitFloor is the least that HeapLimit gives for a budget that allows
// it. Below it the heap the process needs anyway (the renderer's tables,
// the strategies' goroutines, the encoder's buffers, 1 to 2 MiB) keeps the
// heap at the limit, and the collector runs back to back: a 4096x4096 pgm
// in 216 strips of 1.1 MiB got a limit of 1.3 MiB and 134 collections, one
// every 8 ms, each stopping the kernel to scan its stack.
const heapLimitFloor = 16 << 20

// Plan chooses the strip height of j within its budget and checks the
// result against the memory available, or says why nothing fits: a format
// that does not stream, over the budget, or a budget too small for a row.
// Its errors begin with the view's size, for the command line.
func (j Job) Plan() (Plan, error) {
	v := j.View
	lo, hi := j.Window()
	budget := j.Memory
	if budget <= 0 {
		budget = DefaultMemory
		if j.Available > 0 {
			budget = min(budget, j.Available/2)
		}
	}
	p := Plan{Budget: budget, Bits: j.Format == imageio.PBM && j.Method != render.MethodPerturb && render.CanRenderBits(v, j.AA)}
	what := fmt.Sprintf("%dx%d with --aa %d", v.Width, v.Height, j.AA)
	if v.Width <= 0 || v.Height <= 0 {
		// An empty window would divide by zero rows below. The rest of
		// the view is NewRenderer's to refuse: Check would otherwise call
		// a bad maxiter a memory setting.
		return p, fmt.Errorf("%s: %w", what, v.Validate())
	}
	if j.Lo < 0 || j.Hi < 0 || j.Hi > v.Height || (j.Hi > 0 && j.Lo >= j.Hi) || (j.Hi == 0 && j.Lo != 0) {
		return p, fmt.Errorf("pipeline: rows %d to %d are not a window of the view's %d rows", j.Lo, j.Hi, v.Height)
	}
	if j.Format.NPYType() != "" && j.AA != 1 {
		// Of the averages of aa x aa samples, only the colour means
		// something; the counts of a supersampled render are those of a
		// render aa times the size.
		return p, fmt.Errorf("%s holds one value a pixel, and --aa %d gives %d samples a pixel; render at --size %dx%d instead",
			j.Format, j.AA, j.AA*j.AA, j.AA*v.Width, j.AA*v.Height)
	}
	if p.Bits {
		stride := (v.Width + 7) / 8
		p.Rows = max(rowsPerWorker*j.Workers, int(stripPart*budget)/stride)
		if j.StripRows > 0 {
			p.Rows = j.StripRows
		}
		p.Rows = min(p.Rows, hi-lo)
		p.Whole, p.Need = render.BitsMemory(v, hi-lo), render.BitsMemory(v, p.Rows)
	} else {
		// A shard's memory is that of its rows, which it renders in
		// strips as a whole image does.
		win := v
		win.Height = hi - lo
		// Perturbation's reference orbit and BLA table live through
		// every strip: they come off the strips' share.
		deep := 0.0
		if m, err := j.Method.Resolve(v); err == nil && m == render.MethodPerturb {
			deep = render.PerturbationMemory(v, !j.NoBLA)
			if deep > deepShare*p.Budget {
				// The budget can exceed the table and still be too small:
				// say the share, and a budget that gives the table room,
				// or the message reads "300 MiB is too small for 221 MiB".
				return p, fmt.Errorf("%s: --memory %s is too small for perturbation at maxiter %d: its reference orbit and BLA table take up to %s, and may have %.0f%% of the budget; raise --memory to %dMiB or lower --maxiter",
					what, sysmem.HumanBytes(p.Budget), v.MaxIter, sysmem.HumanBytes(deep), 100*deepShare, int(math.Ceil(deep/deepShare/(1<<20))))
			}
		}
		var err error
		if p.Rows, err = frameRows(&p, win, j, deep); err != nil {
			return p, fmt.Errorf("%s: %w", what, err)
		}
	}
	p.Strips = (hi - lo + p.Rows - 1) / p.Rows
	if j.Available > 0 {
		if err := sysmem.Check(p.Need, j.Available); err != nil {
			return p, fmt.Errorf("%s %w", what, err)
		}
	}
	return p, nil
}

// frameRows is the strip height of a frame render of win within p.Budget,
// with fixed more bytes held throughout, and sets p.Whole and p.Need.
func frameRows(p *Plan, win render.View, j Job, extra float64) (int, error) {
	p.Whole = render.MemoryNeeded(win, j.AA).Total() + extra
	if !j.Format.Streams() {
		if p.Whole > p.Budget {
			return 0, fmt.Errorf("%s needs the whole image in memory (%s, over --memory %s); %s stream",
				j.Format, sysmem.HumanBytes(p.Whole), sysmem.HumanBytes(p.Budget), streamingFormats())
		}
		p.Need = p.Whole
		return win.Height, nil
	}
	enc := imageio.Encoder{Format: j.Format, Workers: j.Workers}
	fixed := render.MemoryNeededRows(win, j.AA, 0).Total() + enc.StreamMemory(win.Width) + extra
	// A row's footprint, from a view tall enough to have two: the
	// difference would be 0 for a window of one row.
	tall := win
	tall.Height = 2
	perRow := render.MemoryNeededRows(tall, j.AA, 2).Total() - render.MemoryNeededRows(tall, j.AA, 1).Total()
	if j.Format.NPYType() != "" {
		// The strip's 4-byte numbers, where the footprint counts a
		// paletted image's 1-byte pixels.
		extra := 3 * float64(win.Width)
		perRow += extra
		p.Whole += extra * float64(win.Height)
	}
	room := stripShare*p.Budget - fixed // the most the strips may take
	if room < perRow {
		return 0, fmt.Errorf("--memory %s is too small for a strip of one row of %d pixels at --aa %d (about %s)",
			sysmem.HumanBytes(p.Budget), win.Width, j.AA, sysmem.HumanBytes((fixed+perRow)/stripShare))
	}
	strip := max(stripPart*p.Budget, float64(rowsPerWorker*j.Workers)*perRow)
	rows := min(int(strip/perRow), int(room/perRow), win.Height)
	if p.Whole <= min(wholePart*p.Budget, room) {
		rows = win.Height
	}
	if j.StripRows > 0 {
		rows = min(j.StripRows, win.Height)
	}
	p.Need = fixed + float64(rows)*perRow
	return rows, nil
}

// streamingFormats lists, for messages, the formats that render in strips.
func streamingFormats() string {
	var names []string
	for _, f := range imageio.Formats() {
		if f.Streams() {
			names = append(names, string(f))
		}
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
