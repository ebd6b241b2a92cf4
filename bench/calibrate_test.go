package bench

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/mandel-project/mandel/strategies"
)

// TestMeasureOverheads checks that every strategy's measured claim cost, at
// one worker and at two, is positive and plausible: under 100 us, where the
// slowest claim (a goroutine per row) costs about 1 us. A figure of zero or
// of milliseconds means the claims were miscounted.
func TestMeasureOverheads(t *testing.T) {
	got, err := measureOverheads(context.Background(), strategies.All(), 1<<12, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(strategies.All()) {
		t.Fatalf("%d strategies measured, want %d", len(got), len(strategies.All()))
	}
	for _, c := range got {
		t.Run(c.Strategy.Name(), func(t *testing.T) {
			for _, x := range []float64{c.One, c.Two} {
				if !(x > 0 && x < 100e-6) {
					t.Errorf("%g s per claim at 1 and %g at 2 workers, want both in (0, 100 us)", c.One, c.Two)
				}
			}
		})
	}
}

// TestMeasurePrimitives checks that every primitive of package strategies
// is timed at GOMAXPROCS 1 and 2 with a plausible figure: positive and under
// 100 us (the slowest, a goroutine start and park, takes about 0.5 us).
func TestMeasurePrimitives(t *testing.T) {
	got := measurePrimitives(time.Millisecond, 3)
	if len(got) != len(strategies.Primitives()) {
		t.Fatalf("%d primitives timed, want %d", len(got), len(strategies.Primitives()))
	}
	for i, p := range strategies.Primitives() {
		c := got[i]
		if c.Name != p.Name || !(c.One > 0 && c.One < 100e-6) || !(c.Two > 0 && c.Two < 100e-6) {
			t.Errorf("%+v for %s: want its name and times in (0, 100 us)", c, p.Name)
		}
	}
}

// TestWakeDelays checks that the wake-ups are as many as asked, each
// positive and below a second (a delay of seconds means the goroutine ran
// only when the spinning one was preempted), and none with one CPU.
func TestWakeDelays(t *testing.T) {
	got := wakeDelays(100*time.Microsecond, 3)
	if runtime.NumCPU() < 2 {
		if got != nil {
			t.Errorf("one CPU: wake-ups %v, want none", got)
		}
		return
	}
	if len(got) != 3 {
		t.Fatalf("%d wake-ups, want 3", len(got))
	}
	for _, d := range got {
		if !(d > 0 && d < 1) {
			t.Errorf("wake-up %g s, want in (0, 1)", d)
		}
	}
}

// TestRowPasses checks that the rows are timed at least minRowPasses
// times, spread evenly over the timed rounds, and only with --simulate.
func TestRowPasses(t *testing.T) {
	for _, tc := range []struct {
		reps     int
		simulate []int
		want     int
	}{
		{5, []int{1, 2}, 5}, {2, []int{1}, 6}, {1, []int{1}, 5}, {3, nil, 0},
	} {
		t.Run(fmt.Sprintf("reps=%d,simulate=%v", tc.reps, tc.simulate), func(t *testing.T) {
			cfg := tinyConfig(t.TempDir())
			cfg.Reps, cfg.Simulate = tc.reps, tc.simulate
			r, err := Run(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if got := r.Env.Sweep.RowPasses; got != tc.want {
				t.Errorf("%d row passes, want %d", got, tc.want)
			}
			for _, sr := range r.Scenes {
				if (sr.RowCosts != nil) != (tc.want > 0) {
					t.Errorf("%s: row costs %v with %d passes", sr.Name, sr.RowCosts, tc.want)
				}
			}
		})
	}
}
