package bench

import (
	"fmt"
	"io"
	"time"

	statusline "github.com/mandel-project/mandel/internal/progress"
)

// Progress keeps one status line up to date on a terminal: the phase,
// or the configuration being run, the run count and an estimate of the time
// left. A nil writer makes every method a no-op.
type Progress struct {
	line     *statusline.Line
	total, n int
	began    time.Time
}

func newProgress(w io.Writer) *Progress {
	return &Progress{line: statusline.New(w)}
}

// Phase shows what the sweep, or its report, is doing outside the runs.
func (p *Progress) Phase(what string) {
	p.line.Show(what + "...")
}

// start begins counting total runs.
func (p *Progress) start(total int) {
	p.total, p.n, p.began = total, 0, p.line.Now()
}

// run shows the run about to start: warm-up or timed, which configuration,
// how many done, and the estimated time left, extrapolated from the mean
// time per run so far (runs are shuffled, so the mean settles quickly).
func (p *Progress) run(c *config, round, warmup, reps int) {
	p.n++
	if !p.line.Active() {
		return
	}
	if p.n > 1 && p.n < p.total && !p.line.Due() {
		return
	}
	kind := fmt.Sprintf("rep %d/%d", round-warmup+1, reps)
	if round-warmup >= reps {
		kind = fmt.Sprintf("rep %d (more for its CI or time)", round-warmup+1)
	} else if round < warmup {
		kind = fmt.Sprintf("warm-up %d/%d", round+1, warmup)
	}
	eta := "ETA --"
	if left, ok := statusline.ETA(p.line.Now().Sub(p.began), int64(p.n-1), int64(p.total)); ok {
		eta = "ETA " + statusline.FormatETA(left)
	}
	p.line.Show(fmt.Sprintf("run %d/%d  %s  %s/%s w=%d g=%d  %s",
		p.n, p.total, kind, c.scene.Name, c.Strategy.Name(), c.Workers, c.Grain, eta))
}

// clear erases the line, so that a warning printed next starts clean.
func (p *Progress) clear() { p.line.Clear() }

// Done erases the line at the end.
func (p *Progress) Done() { p.line.Clear() }
