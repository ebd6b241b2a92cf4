package bench

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The warnings about the timed runs, made at the end of a sweep from its
// summaries: each names the rule it applies and the worst configurations.

// warnRuns records the warnings about the runs: too short, outliers, a
// confidence interval still wide, noisy.
func (s *sweep) warnRuns(sums []Summary) {
	withGrain := len(s.plan.grains) > 1
	for _, msg := range []string{
		shortWarning(sums, MinParallelRun, withGrain),
		outlierWarning(sums, withGrain),
		ciWarning(sums, CIGoal, s.cfg.MaxTime, s.env.Partial, withGrain),
	} {
		if msg != "" {
			s.warn("%s", msg)
		}
	}
	s.warnNoisy(sums)
}

// shortWarning names the configurations whose median run is below floor.
func shortWarning(sums []Summary, floor time.Duration, withGrain bool) string {
	var short []Summary
	for _, sum := range sums {
		if sum.MedianS < floor.Seconds() {
			short = append(short, sum)
		}
	}
	if len(short) == 0 {
		return ""
	}
	slices.SortStableFunc(short, func(a, b Summary) int { return cmp.Compare(a.MedianS, b.MedianS) })
	return fmt.Sprintf("%d of %d configurations have a median run shorter than %s, the floor below which starting the workers and the timer weigh in the time: %s; a larger scene (--target-time, --size) makes longer runs",
		len(short), len(sums), FormatSeconds(floor.Seconds()),
		worst(short, withGrain, func(sum Summary) string { return FormatSeconds(sum.MedianS) }))
}

// outlierWarning counts the runs outside Tukey's fences of their
// configuration.
func outlierWarning(sums []Summary, withGrain bool) string {
	var with []Summary
	runs := 0
	for _, sum := range sums {
		if sum.Outliers > 0 {
			with = append(with, sum)
			runs += sum.Outliers
		}
	}
	if len(with) == 0 {
		return ""
	}
	// The largest share of outliers first.
	slices.SortStableFunc(with, func(a, b Summary) int {
		return cmp.Compare(float64(b.Outliers)/float64(b.Runs), float64(a.Outliers)/float64(a.Runs))
	})
	// An interval from order statistics resists an outlier only when its
	// ends are not the extreme runs: below 9 runs they are (x(1), x(n)).
	exposed := 0
	for _, sum := range with {
		if sum.CILowS != nil && (*sum.CILowS <= sum.MinS || *sum.CIHighS >= sum.MaxS) {
			exposed++
		}
	}
	resist := "the medians and their CIs resist them, the means and CVs do not"
	if exposed > 0 {
		resist = fmt.Sprintf("the medians resist them, the means and CVs do not, nor do the CIs of %d of these configurations, an end of which is the fastest or the slowest run (as it is below 9 runs)", exposed)
	}
	verb := "are outliers"
	if runs == 1 {
		verb = "is an outlier"
	}
	return fmt.Sprintf("%s in %d of %d configurations %s by Tukey's rule (beyond 1.5 IQR outside the quartiles of the configuration's runs): %s; %s",
		plural(runs, "run", "runs"), len(with), len(sums), verb,
		worst(with, withGrain, func(sum Summary) string { return fmt.Sprintf("%d of %d", sum.Outliers, sum.Runs) }), resist)
}

// ciWarning names the configurations whose median's 95% CI is wider than
// ±goal of it, or that have none, after their runs stopped: at the time
// cap, for want of one (maxTime 0), or because the sweep stopped early
// (partial).
func ciWarning(sums []Summary, goal float64, maxTime time.Duration, partial, withGrain bool) string {
	var wide []Summary
	for _, sum := range sums {
		if sum.CIHalfWidth == nil || *sum.CIHalfWidth > goal {
			wide = append(wide, sum)
		}
	}
	if len(wide) == 0 {
		return ""
	}
	half := func(sum Summary) float64 {
		if sum.CIHalfWidth == nil {
			return 2 // none sorts first
		}
		return *sum.CIHalfWidth
	}
	slices.SortStableFunc(wide, func(a, b Summary) int { return cmp.Compare(half(b), half(a)) })
	when := fmt.Sprintf("with the time cap of %s per configuration reached", FormatSeconds(maxTime.Seconds()))
	switch {
	case partial:
		when = "when the sweep stopped early"
	case maxTime <= 0:
		when = "with no runs beyond --reps (--max-time 0)"
	}
	return fmt.Sprintf("%d of %d configurations have a 95%% CI of the median wider than ±%.0f%% of it (n/a below 6 runs), %s: %s; their medians are less certain than the table's digits",
		len(wide), len(sums), 100*goal, when,
		worst(wide, withGrain, func(sum Summary) string {
			if sum.CIHalfWidth == nil {
				return "n/a, " + plural(sum.Runs, "run", "runs")
			}
			return fmt.Sprintf("±%.1f%%, %s", 100*(*sum.CIHalfWidth), plural(sum.Runs, "run", "runs"))
		}))
}

// worst names the first five of sums, each with what says why, and how
// many more there are.
func worst(sums []Summary, withGrain bool, why func(Summary) string) string {
	var names []string
	for _, sum := range sums[:min(len(sums), 5)] {
		names = append(names, fmt.Sprintf("%s/%s/%d (%s)", sum.Scene, Label(sum, withGrain), sum.Workers, why(sum)))
	}
	if len(sums) > 5 {
		names = append(names, fmt.Sprintf("and %d more", len(sums)-5))
	}
	return strings.Join(names, ", ")
}
