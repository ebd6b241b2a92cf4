package bench

import (
	"fmt"
	"io"
	"time"

	statusline "github.com/mandel-project/mandel/internal/progress"
)

// progress keeps one status line up to date on a terminal: the phase,
// or the configuration being run, the run count and an estimate of the time
// left. A nil writer makes every method a no-op.
type progress struct {
	line     *statusline.Line
	total, n int
	began    time.Time
}

func newProgress(w io.Writer) *progress {
	return &progress{line: statusline.New(w)}
}

// phase shows what the sweep is doing before the runs start.
func (p *progress) phase(what string) {
	p.line.Show(what + "...")
}

// start begins counting total runs.
func (p *progress) start(total int) {
	p.total, p.n, p.began = total, 0, p.line.Now()
}

// run shows the run about to start: warm-up or timed, which configuration,
// how many done, and the estimated time left, extrapolated from the mean
// time per run so far (runs are shuffled, so the mean settles quickly).
func (p *progress) run(c *config, round, warmup, reps int) {
	p.n++
	if !p.line.Active() {
		return
	}
	if p.n > 1 && p.n < p.total && !p.line.Due() {
		return
	}
	kind := fmt.Sprintf("rep %d/%d", round-warmup+1, reps)
	if round < warmup {
		kind = fmt.Sprintf("warm-up %d/%d", round+1, warmup)
	}
	eta := "ETA --"
	if left, ok := statusline.ETA(p.line.Now().Sub(p.began), int64(p.n-1), int64(p.total)); ok {
		eta = "ETA " + statusline.FormatETA(left)
	}
	p.line.Show(fmt.Sprintf("run %d/%d  %s  %s/%s w=%d g=%d  %s",
		p.n, p.total, kind, c.scene.Name, c.strategy.Name(), c.workers, c.grain, eta))
}

// clear erases the line, so that a warning printed next starts clean.
func (p *progress) clear() { p.line.Clear() }

// done erases the line at the end.
func (p *progress) done() { p.line.Clear() }
