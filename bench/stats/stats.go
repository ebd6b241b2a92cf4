// Package stats describes samples of run times for the benchmark harness
// and its report: medians, spreads and a distribution-free confidence
// interval of the median, and speedup.
package stats

import (
	"math"
	"slices"

	flynn "github.com/montanaflynn/stats"
)

// NoisyCV is the coefficient of variation above which a sample is noisy.
const NoisyCV = 0.05

// Sample describes a sample of run times, in seconds.
type Sample struct {
	N                 int
	Median, Mean, SD  float64
	Min, Max, P5, P95 float64
	CILow, CIHigh     float64
	// CILevel is the confidence actually achieved by the interval of the
	// median (at least 0.95), or 0 when there are too few runs for one.
	CILevel float64
	// CV is the coefficient of variation, SD / Mean; Noisy is CV > NoisyCV.
	// SD and CV are 0 with fewer than two runs (bench.Summary makes them
	// null).
	CV    float64
	Noisy bool
}

// Median returns the median of xs (the mean of the middle two for an even
// count, as Describe's), or 0 for none. It does not reorder xs.
func Median(xs []float64) float64 {
	m, _ := flynn.Median(flynn.Float64Data(xs)) // copies before sorting; only empty input fails
	return m
}

// ciConfidence is the confidence level sought for the interval of the median.
const ciConfidence = 0.95

// Describe computes the statistics of xs, which must not be empty. The
// standard deviation is the sample one (n-1), the percentiles interpolate
// linearly between closest ranks (montanaflynn's Percentile, type 7 like
// NumPy's default), and the interval of the median is distribution-free.
func Describe(xs []float64) Sample {
	s := Sample{N: len(xs)}
	if len(xs) == 0 {
		return s
	}
	data := flynn.Float64Data(xs)
	// The errors below can only be "empty input" (ruled out above) or, for
	// the sample deviation and CV, "too few values" (handled as zero).
	s.Median, _ = flynn.Median(data)
	s.Mean, _ = flynn.Mean(data)
	s.Min, _ = flynn.Min(data)
	s.Max, _ = flynn.Max(data)
	s.P5, _ = flynn.Percentile(data, 5)
	s.P95, _ = flynn.Percentile(data, 95)
	if len(xs) >= 2 {
		s.SD, _ = flynn.StandardDeviationSample(data)
		if cv, err := flynn.CoefficientOfVariation(data); err == nil {
			s.CV = cv
		}
	}
	s.Noisy = s.CV > NoisyCV
	sorted := slices.Clone(xs)
	slices.Sort(sorted)
	s.CILow, s.CIHigh, s.CILevel = medianCI(sorted, ciConfidence)
	return s
}

// Outliers returns how many values of xs lie outside Tukey's inner fences,
// Q1 - 1.5 IQR and Q3 + 1.5 IQR, with montanaflynn's quartiles (the medians
// of the lower and upper halves). Fewer than 4 values have no quartiles
// worth the name, and none are counted.
func Outliers(xs []float64) int {
	if len(xs) < 4 {
		return 0
	}
	o, err := flynn.QuartileOutliers(flynn.Float64Data(xs)) // copies before sorting; only empty input fails
	if err != nil {
		return 0
	}
	return len(o.Mild) + len(o.Extreme)
}

// CIHalfWidth returns the larger distance from the median to an end of its
// confidence interval, relative to the median: 0.03 means the interval lies
// within ±3% of the median. ok is false when s has no interval (too few
// runs) or no positive median.
func (s Sample) CIHalfWidth() (rel float64, ok bool) {
	if s.CILevel == 0 || s.Median <= 0 {
		return 0, false
	}
	return math.Max(s.Median-s.CILow, s.CIHigh-s.Median) / s.Median, true
}

// medianCI returns a confidence interval of the median of the sorted sample
// xs from order statistics: the number of values below the true median is
// Binomial(n, 1/2) whatever the distribution, so [x(k), x(n+1-k)] covers it
// with probability 1 - 2 P(B <= k-1). It picks the narrowest such interval
// whose confidence is at least level, and returns that confidence, or
// level 0 when no interval reaches it (n < 6 for 95%).
func medianCI(xs []float64, level float64) (lo, hi, achieved float64) {
	n := len(xs)
	alpha := 1 - level
	k := 0 // the interval is [x(k), x(n+1-k)], 1-based
	for j := 1; j <= n/2; j++ {
		if binomCDF(j-1, n) > alpha/2 {
			break
		}
		k = j
	}
	if k == 0 {
		return 0, 0, 0
	}
	return xs[k-1], xs[n-k], 1 - 2*binomCDF(k-1, n)
}

// binomCDF returns P(B <= k) for B ~ Binomial(n, 1/2), summed in log space
// so that large n does not underflow.
func binomCDF(k, n int) float64 {
	sum := 0.0
	lnHalfN := float64(n) * math.Log(0.5)
	for i := 0; i <= k; i++ {
		sum += math.Exp(lnChoose(n, i) + lnHalfN)
	}
	return math.Min(sum, 1)
}

func lnChoose(n, k int) float64 {
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(k + 1))
	c, _ := math.Lgamma(float64(n - k + 1))
	return a - b - c
}

// Speedup returns baseline / t: how many times faster than the baseline.
func Speedup(baseline, t float64) float64 {
	if t <= 0 || baseline <= 0 {
		return 0
	}
	return baseline / t
}

// Efficiency returns speedup per worker: 1 is perfect scaling.
func Efficiency(speedup float64, workers int) float64 {
	if workers < 1 {
		return 0
	}
	return speedup / float64(workers)
}

// MedianIndex returns the index in xs of the run with the median value (the
// lower of the two middle ones for an even count), so that one real run can
// stand for a configuration.
func MedianIndex(xs []float64) int {
	if len(xs) == 0 {
		return -1
	}
	idx := make([]int, len(xs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case xs[a] < xs[b]:
			return -1
		case xs[a] > xs[b]:
			return 1
		}
		return 0
	})
	return idx[(len(xs)-1)/2]
}

// SpeedupCI bounds the speedup baseline / t from the confidence intervals
// of the two medians, [baseLo, baseHi] and [lo, hi]: the smallest ratio
// the two intervals allow to the largest. Each interval covers its median
// with the confidence stated; the pair covers both with at least the
// product of the two, so this is a conservative interval, wide by design.
func SpeedupCI(baseLo, baseHi, lo, hi float64) (low, high float64) {
	if lo <= 0 || hi <= 0 {
		return 0, 0
	}
	return baseLo / hi, baseHi / lo
}
