package bench

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestStopRule(t *testing.T) {
	r := stopRule{reps: 6, minTime: time.Second, maxTime: 5 * time.Second, ciGoal: 0.03}
	steady := []float64{0.30, 0.301, 0.299, 0.30, 0.302, 0.298} // 1.8 s, CI within ±1%
	for _, c := range []struct {
		name  string
		walls []float64
		spent time.Duration
		want  bool
	}{
		{"steady and long enough", steady, 2 * time.Second, false},
		{"fewer than reps", steady[:4], time.Second, true},
		{"short of min-time", []float64{0.1, 0.1, 0.1, 0.1, 0.1, 0.1}, 700 * time.Millisecond, true},
		{"CI wide", []float64{0.30, 0.36, 0.25, 0.33, 0.28, 0.40}, 2 * time.Second, true},
		{"CI wide at the cap", []float64{0.30, 0.36, 0.25, 0.33, 0.28, 0.40}, 5 * time.Second, false},
		{"short at the cap", []float64{0.1}, 5 * time.Second, false},
	} {
		if got := r.more(c.walls, c.spent); got != c.want {
			t.Errorf("%s: more = %v, want %v", c.name, got, c.want)
		}
	}
	r.maxTime = 0
	if r.more(steady[:2], 0) {
		t.Error("max time 0 asked for a run beyond the reps")
	}
}

// fakeConfig is a configuration whose runs take times drawn around median
// with a relative spread.
type fakeConfig struct {
	median, spread float64
	walls          []float64
	spent          time.Duration
	rounds         []int // the extra rounds it ran in
}

func TestExtraRoundsStop(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	rule := stopRule{reps: 10, minTime: time.Second, maxTime: 8 * time.Second, ciGoal: 0.03}
	cfgs := []*fakeConfig{
		{median: 0.3, spread: 0.005}, // quiet: done after the reps
		{median: 0.3, spread: 0.50},  // too noisy for ±3%: stops at the cap
		{median: 0.01, spread: 0.01}, // short: runs until 1 s of runs
		{median: 0.15, spread: 0.08}, // noisy, narrows with more runs
	}
	run := func(c *fakeConfig) {
		w := c.median * (1 + c.spread*(2*rng.Float64()-1))
		c.walls = append(c.walls, w)
		c.spent += time.Duration((w + 0.002) * 1e9) // 2 ms of checks a run
	}
	for range rule.reps {
		for _, c := range cfgs {
			run(c)
		}
	}
	round, planned := 0, []int{}
	need := func(i int) bool { return rule.more(cfgs[i].walls, cfgs[i].spent) }
	n, err := extraRounds(context.Background(), len(cfgs), 7, need,
		func(k int) { planned = append(planned, k); round++ },
		func(i int) error {
			c := cfgs[i]
			if !need(i) {
				t.Errorf("round %d ran configuration %d, which needed no more", round, i)
			}
			if len(c.rounds) > 0 && c.rounds[len(c.rounds)-1] == round {
				t.Errorf("configuration %d ran twice in round %d", i, round)
			}
			c.rounds = append(c.rounds, round)
			run(c)
			return nil
		})
	if err != nil || n != len(planned) {
		t.Fatalf("%d rounds, %d planned, %v", n, len(planned), err)
	}
	for i := range cfgs {
		if need(i) {
			t.Errorf("configuration %d still needs runs after the last round", i)
		}
	}
	if len(cfgs[0].rounds) != 0 {
		t.Errorf("the quiet configuration got %d extra runs", len(cfgs[0].rounds))
	}
	if c := cfgs[1]; c.spent < rule.maxTime || c.spent > rule.maxTime+time.Second {
		t.Errorf("the noisy configuration spent %v, want the cap %v and at most one run more", c.spent, rule.maxTime)
	}
	if c := cfgs[2]; sum(c.walls) < 1 || sum(c.walls) > 1.02 {
		t.Errorf("the short configuration's runs add up to %.3f s, want just over 1 s", sum(c.walls))
	}
	if c := cfgs[3]; len(c.rounds) == 0 || c.spent >= rule.maxTime {
		t.Errorf("the configuration that narrows got %d extra runs and spent %v", len(c.rounds), c.spent)
	}
	if !slices.IsSortedFunc(planned, func(a, b int) int { return b - a }) {
		t.Errorf("rounds of %v configurations: a configuration came back", planned)
	}
}

func TestExtraRoundsInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	runs := 0
	_, err := extraRounds(ctx, 3, 1, func(int) bool { return true }, func(int) {}, func(int) error {
		runs++
		if runs == 4 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || runs != 4 {
		t.Errorf("%d runs, error %v; want 4 and the cancellation", runs, err)
	}
	boom := errors.New("wrong frame")
	if _, err := extraRounds(context.Background(), 3, 1, func(int) bool { return true }, func(int) {}, func(int) error { return boom }); !errors.Is(err, boom) {
		t.Errorf("error %v, want %v", err, boom)
	}
}

func sum(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s
}
