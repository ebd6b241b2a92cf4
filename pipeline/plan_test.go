package pipeline

import (
	"context"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/mandel-project/mandel/imageio"
	"github.com/mandel-project/mandel/internal/decimal"
	"github.com/mandel-project/mandel/render"
)

const gib = 1 << 30

// planOf is the plan of a w x h render of the full view into format with
// the budget (0: the default) on a machine with 16 GiB available.
func planOf(t *testing.T, w, h, aa int, format imageio.Format, budget float64) (Plan, error) {
	t.Helper()
	j := job(t, preset(t, "full", w, h), aa, format)
	j.Workers, j.Memory, j.Available = 2, budget, 16*gib
	return j.Plan()
}

// TestPlan: the budget picks one strip or strips, the strips' height grows
// with the budget, and what does not fit is refused with its reason.
func TestPlan(t *testing.T) {
	for _, c := range []struct {
		name       string
		w, h, aa   int
		format     imageio.Format
		budget     float64
		minRows    int
		maxRows    int
		wantErrSub string
	}{
		{"small: one strip", 300, 200, 1, imageio.PNG, 0, 200, 200, ""},
		{"one row", 20, 1, 1, imageio.PNG, 0, 1, 1, ""},
		// A preset's own size renders whole, as bench times it, unless
		// the budget is small.
		{"1024x1024: one strip", 1024, 1024, 1, imageio.PNG, 0, 1024, 1024, ""},
		{"1024x1024 in 64 MiB: strips", 1024, 1024, 1, imageio.PNG, 64 << 20, 32, 512, ""},
		{"1920x1080 aa 2: strips", 1920, 1080, 2, imageio.PNG, 0, 32, 540, ""},
		{"the issue's 4000x3000", 4000, 3000, 1, imageio.PNG, 0, 32, 40, ""},
		{"16 MiB", 1000, 1000, 1, imageio.PNG, 16 << 20, 32, 200, ""},
		{"jpeg whole", 1000, 1000, 1, imageio.JPEG, 8 << 20, 0, 0, "jpeg needs the whole image"},
		{"gif whole", 1000, 1000, 1, imageio.GIF, 8 << 20, 0, 0, "gif needs the whole image"},
		{"tiff whole", 1000, 1000, 1, imageio.TIFF, 8 << 20, 0, 0, "tiff needs the whole image"},
		{"jpeg within the budget", 1000, 1000, 1, imageio.JPEG, 0, 1000, 1000, ""},
		{"32768", 32768, 32768, 1, imageio.PNG, 0, 1, 100, ""},
		{"32768 aa 2", 32768, 32768, 2, imageio.PNG, 0, 1, 100, ""},
		// Once refused at any budget: a row of a png this wide is 13 MB,
		// and its encoder's buffers more.
		{"a million wide", 1000000, 4, 1, imageio.PNG, 0, 1, 4, ""},
		{"a million wide, 64 MiB", 1000000, 4, 1, imageio.PNG, 64 << 20, 0, 0, "too small for a strip of one row of 1000000 pixels"},
		{"beyond the machine", 60000, 60000, 1, imageio.JPEG, 64 * gib, 0, 0, "needs about 43.6 GiB of memory; this machine has about 16.0 GiB available"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := planOf(t, c.w, c.h, c.aa, c.format, c.budget)
			if c.wantErrSub != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErrSub) {
					t.Fatalf("got %v, want an error with %q", err, c.wantErrSub)
				}
				if want := "x" + strconv.Itoa(c.h) + " with --aa "; !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not name the size", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Rows < c.minRows || p.Rows > c.maxRows {
				t.Errorf("strips of %d rows, want %d..%d", p.Rows, c.minRows, c.maxRows)
			}
			if p.Need > p.Budget {
				t.Errorf("needs %v, over the budget %v", p.Need, p.Budget)
			}
			if p.Rows == c.h && p.Need < p.Whole {
				t.Errorf("one strip needs %v, less than the whole image's %v", p.Need, p.Whole)
			}
		})
	}
}

// TestPlanIssueRender: the 4000x3000 png of the issue plans for well under
// 20 MB, where it once held 32 MiB of strips.
func TestPlanIssueRender(t *testing.T) {
	p, err := planOf(t, 4000, 3000, 1, imageio.PNG, 0)
	if err != nil {
		t.Fatal(err)
	}
	if p.Need > 16<<20 {
		t.Errorf("plans for %v bytes, want under 16 MiB", p.Need)
	}
	if limit, ok := p.HeapLimit(); !ok || limit > 20<<20 {
		t.Errorf("HeapLimit() = %v, %v; want a limit under 20 MiB", limit, ok)
	}
	if _, ok := (Plan{Rows: 3000, Strips: 1}).HeapLimit(); ok {
		t.Error("one strip has a heap limit")
	}
}

// TestHeapLimitFloor: a plan of small strips gets a heap limit well above
// the heap a render needs anyway, or the collector runs back to back, but
// never above the budget's share.
func TestHeapLimitFloor(t *testing.T) {
	p, err := planOf(t, 4096, 4096, 1, imageio.PGM, 0)
	if err != nil {
		t.Fatal(err)
	}
	if limit, ok := p.HeapLimit(); !ok || limit < 8<<20 {
		t.Errorf("4096x4096 pgm in %d strips: HeapLimit() = %v, %v; want 8 MiB or more", p.Strips, limit, ok)
	}
	small, err := planOf(t, 4096, 4096, 1, imageio.PGM, 4<<20)
	if err != nil {
		t.Fatal(err)
	}
	if limit, ok := small.HeapLimit(); !ok || float64(limit) > memoryLimitShare*(4<<20) {
		t.Errorf("--memory 4MiB: HeapLimit() = %v, %v; want at most %v", limit, ok, memoryLimitShare*(4<<20))
	}
}

// TestPlanBudgetRaisesStrips: --memory raises the strip height, past the
// 32 MiB that once capped every strip.
func TestPlanBudgetRaisesStrips(t *testing.T) {
	var last Plan
	for _, budget := range []float64{512 << 20, 4 * gib, 16 * gib, 64 * gib} {
		p, err := planOf(t, 8192, 65536, 1, imageio.PGM, budget)
		if err != nil {
			t.Fatal(err)
		}
		if p.Rows <= last.Rows {
			t.Errorf("--memory %v: strips of %d rows, not more than %d at %v", budget, p.Rows, last.Rows, last.Budget)
		}
		last = p
	}
	if strip := float64(last.Rows) * 8192 * 13; strip <= 32<<20 {
		t.Errorf("strips of %v bytes at --memory 64GiB, want past 32 MiB", strip)
	}
	whole, err := planOf(t, 8192, 1024, 1, imageio.PGM, 64*gib)
	if err != nil || whole.Rows != 1024 {
		t.Errorf("8192x1024 at 64 GiB: %d rows, %v; want one strip", whole.Rows, err)
	}
}

// TestPlanDefaultBudget: without Memory the budget is DefaultMemory, or
// half of what is available when that is less.
func TestPlanDefaultBudget(t *testing.T) {
	j := job(t, preset(t, "full", 100, 100), 1, imageio.PNG)
	for _, c := range []struct{ available, want float64 }{{0, DefaultMemory}, {16 * gib, DefaultMemory}, {200 << 20, 100 << 20}} {
		j.Available = c.available
		if p, err := j.Plan(); err != nil || p.Budget != c.want {
			t.Errorf("available %v: budget %v, %v; want %v", c.available, p.Budget, err, c.want)
		}
	}
}

// TestPlanBits checks that the bit path's plan counts the bitmap, not a
// frame: the Benchmarks Game's 16000x16000 needs 32 MB, not 3 GB.
func TestPlanBits(t *testing.T) {
	j := job(t, preset(t, "benchgame", 16000, 16000), 1, imageio.PBM)
	j.Available = 200 << 20
	p, err := j.Plan()
	if err != nil || !p.Bits {
		t.Fatalf("plan %+v, %v; want the bit path", p, err)
	}
	if p.Need > 40e6 || p.Need != render.BitsMemory(j.View, p.Rows) {
		t.Errorf("the bit path needs %v for strips of %d rows", p.Need, p.Rows)
	}
	j.StripRows = 7
	if p, _ := j.Plan(); p.Rows != 7 {
		t.Errorf("StripRows 7: strips of %d rows", p.Rows)
	}
}

// TestPlanWindow: a shard's plan is that of its rows.
func TestPlanWindow(t *testing.T) {
	j := job(t, preset(t, "full", 1000, 1000), 1, imageio.PNG)
	j.Lo, j.Hi = 100, 150
	p, err := j.Plan()
	if err != nil {
		t.Fatal(err)
	}
	win := j.View
	win.Height = 50
	if p.Rows != 50 || p.Whole != render.MemoryNeeded(win, 1).Total() {
		t.Errorf("plan %+v, want one strip of the 50 rows", p)
	}
	j.Lo, j.Hi = 999, 1000
	if p, err := j.Plan(); err != nil || p.Rows != 1 || p.Need <= 0 {
		t.Errorf("the last row: plan %+v, %v; want one strip of one row", p, err)
	}
}

// TestPlanBadWindow: a job's rows must be a window of its view; one that
// is not is refused before anything renders, rather than panicking in it.
func TestPlanBadWindow(t *testing.T) {
	for _, c := range []struct {
		lo, hi int
		ok     bool
	}{
		{0, 0, true}, {0, 30, true}, {10, 20, true}, {29, 30, true},
		{10, 0, false}, {-1, 5, false}, {5, 31, false}, {20, 10, false}, {10, 10, false}, {0, -1, false},
	} {
		j := job(t, preset(t, "full", 40, 30), 1, imageio.PNG)
		j.Lo, j.Hi = c.lo, c.hi
		_, err := j.Plan()
		if (err == nil) != c.ok {
			t.Errorf("rows %d to %d: Plan() error %v, want ok %v", c.lo, c.hi, err, c.ok)
		}
		if !c.ok {
			if _, err := Run(context.Background(), io.Discard, j); err == nil {
				t.Errorf("rows %d to %d: Run succeeded", c.lo, c.hi)
			}
		}
	}
}

// TestPlanCountsPerturbation: a deep view's reference orbit and BLA table
// count against the budget, with a message that says so, and leave the
// strips less room.
func TestPlanCountsPerturbation(t *testing.T) {
	scale, _ := decimal.Parse("1e-100")
	one, _ := decimal.Parse("1")
	v := render.View{Width: 100, Height: 100, MaxIter: 1000000}.WithDecimals(decimal.Number{}, one, scale)
	j := Job{View: v, AA: 1, Workers: 2, Format: imageio.PNG, Memory: 64 << 20}
	_, err := j.Plan()
	want := "100x100 with --aa 1: --memory 64.0 MiB is too small for perturbation at maxiter 1000000: its reference orbit and BLA table take up to 221.3 MiB, and may have 60% of the budget; raise --memory to 369MiB or lower --maxiter"
	if err == nil || err.Error() != want {
		t.Errorf("Plan: %v\n want %q", err, want)
	}
	// A budget larger than the table, but not by enough, is refused with
	// the budget that would do, and that budget does.
	j.Memory = 300 << 20
	if _, err := j.Plan(); err == nil || !strings.Contains(err.Error(), "raise --memory to 369MiB") {
		t.Errorf("--memory 300MiB: Plan: %v, want the budget that fits", err)
	}
	j.Memory = 369 << 20
	if _, err := j.Plan(); err != nil {
		t.Errorf("--memory 369MiB, which the message asks for: %v", err)
	}
	j.Memory = 1 << 30
	p, err := j.Plan()
	if err != nil {
		t.Fatal(err)
	}
	if deep := render.PerturbationMemory(v, true); p.Need < deep || p.Whole < deep {
		t.Errorf("plan needs %v (whole %v), less than the perturbation's %v", p.Need, p.Whole, deep)
	}
	j.NoBLA = true
	if q, _ := j.Plan(); q.Need >= p.Need {
		t.Errorf("without BLA the plan needs %v, with it %v", q.Need, p.Need)
	}
	j.Method = render.MethodDirect
	if _, err := j.Plan(); err != nil {
		t.Errorf("direct: %v (the plan does not refuse what the renderer will)", err)
	}
}
