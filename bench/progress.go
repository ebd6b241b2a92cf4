package bench

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progress keeps one status line up to date on a terminal: the phase, or
// the configuration being run, the run count and an estimate of the time
// left. A nil writer makes every method a no-op.
type progress struct {
	w        io.Writer
	total, n int
	began    time.Time
	last     time.Time
	lastLen  int
	now      func() time.Time
}

// progressEvery limits redraws; fast runs would otherwise flood a terminal.
const progressEvery = 100 * time.Millisecond

func newProgress(w io.Writer) *progress {
	return &progress{w: w, now: time.Now}
}

// phase shows what the sweep is doing before the runs start.
func (p *progress) phase(what string) {
	p.show(what + "...")
}

// start begins counting total runs.
func (p *progress) start(total int) {
	p.total, p.n, p.began = total, 0, p.now()
}

// run shows the run about to start: warm-up or timed, which configuration,
// how many done, and the estimated time left, extrapolated from the mean
// time per run so far (runs are shuffled, so the mean settles quickly).
func (p *progress) run(c *config, round, warmup, reps int) {
	p.n++
	if p.w == nil {
		return
	}
	now := p.now()
	if p.n > 1 && p.n < p.total && now.Sub(p.last) < progressEvery {
		return
	}
	kind := fmt.Sprintf("rep %d/%d", round-warmup+1, reps)
	if round < warmup {
		kind = fmt.Sprintf("warm-up %d/%d", round+1, warmup)
	}
	eta := "ETA --"
	if done := p.n - 1; done > 0 {
		left := time.Duration(float64(now.Sub(p.began)) / float64(done) * float64(p.total-done))
		eta = "ETA " + formatETA(left)
	}
	p.show(fmt.Sprintf("run %d/%d  %s  %s/%s w=%d g=%d  %s",
		p.n, p.total, kind, c.scene.Name, c.strategy.Name(), c.workers, c.grain, eta))
}

// show rewrites the line, padding over a longer previous one.
func (p *progress) show(line string) {
	if p.w == nil {
		return
	}
	p.last = p.now()
	pad := max(p.lastLen-len(line), 0)
	fmt.Fprintf(p.w, "\r%s%s", line, strings.Repeat(" ", pad))
	p.lastLen = len(line)
}

// clear erases the line, so that a warning printed next starts clean.
func (p *progress) clear() {
	if p.w == nil || p.lastLen == 0 {
		return
	}
	fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", p.lastLen))
	p.lastLen = 0
}

// done erases the line at the end.
func (p *progress) done() { p.clear() }

// formatETA rounds a duration to what a person wants to read.
func formatETA(d time.Duration) string {
	switch {
	case d < time.Minute:
		return d.Round(time.Second).String()
	case d < time.Hour:
		return d.Round(10 * time.Second).String()
	default:
		return d.Round(time.Minute).String()
	}
}
