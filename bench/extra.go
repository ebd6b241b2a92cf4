package bench

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/mandel-project/mandel/bench/stats"
)

// stopRule decides whether a configuration gets another timed run after
// its first reps: hyperfine's rule (at least reps runs and at least
// minTime of them), then more while the 95% CI of the median is wider
// than ±ciGoal of it, and never once maxTime has been spent on it.
type stopRule struct {
	reps             int
	minTime, maxTime time.Duration
	ciGoal           float64
}

func (c *Config) stopRule() stopRule {
	return stopRule{reps: c.Reps, minTime: c.MinTime, maxTime: c.MaxTime, ciGoal: CIGoal}
}

// more reports whether a configuration whose timed runs took walls
// (seconds), with spent the time they cost in all, needs another run.
func (r stopRule) more(walls []float64, spent time.Duration) bool {
	if r.maxTime <= 0 || spent >= r.maxTime {
		return false
	}
	if len(walls) < r.reps {
		return true
	}
	total := 0.0
	for _, w := range walls {
		total += w
	}
	if total < r.minTime.Seconds() {
		return true
	}
	rel, ok := stats.Describe(walls).CIHalfWidth()
	return !ok || rel > r.ciGoal
}

// extraRounds runs rounds of the n configurations that need more runs,
// until none does: each round runs each of them once, in an order
// shuffled by seed as order shuffles the first rounds, so that the
// configurations still measured keep sharing the machine's drift. planned
// is told each round's size before it starts. It returns the rounds made.
func extraRounds(ctx context.Context, n int, seed uint64, need func(i int) bool, planned func(k int), run func(i int) error) (int, error) {
	rng := rand.New(rand.NewPCG(seed, 0x6578747261)) // "extra"
	rounds := 0
	for {
		var idx []int
		for i := range n {
			if need(i) {
				idx = append(idx, i)
			}
		}
		if len(idx) == 0 {
			return rounds, nil
		}
		rng.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		planned(len(idx))
		for _, i := range idx {
			if err := ctx.Err(); err != nil {
				return rounds, err
			}
			if err := run(i); err != nil {
				return rounds, err
			}
		}
		rounds++
	}
}
