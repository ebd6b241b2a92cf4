package stats

import (
	"fmt"
	"math"
	"slices"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

func TestDescribeKnownSample(t *testing.T) {
	xs := []float64{7, 3, 10, 1, 5, 9, 2, 8, 4, 6} // 1..10, shuffled
	s := Describe(xs)
	want := Sample{
		N: 10, Median: 5.5, Mean: 5.5, SD: math.Sqrt(110.0 / 12), Min: 1, Max: 10,
		P5: 1.45, P95: 9.55, // linear between closest ranks: rank p/100*(n-1)
		CILow: 2, CIHigh: 9, CILevel: 1 - 2*11.0/1024, // [x(2), x(9)]: 1 - 2 P(B<=1), B ~ Bin(10, 1/2)
	}
	want.CV = want.SD / want.Mean
	want.Noisy = true
	got := []float64{s.Median, s.Mean, s.SD, s.Min, s.Max, s.P5, s.P95, s.CILow, s.CIHigh, s.CILevel, s.CV}
	exp := []float64{want.Median, want.Mean, want.SD, want.Min, want.Max, want.P5, want.P95, want.CILow, want.CIHigh, want.CILevel, want.CV}
	for i := range got {
		if !near(got[i], exp[i]) {
			t.Errorf("stat %d: got %v, want %v (all: %+v)", i, got[i], exp[i], s)
		}
	}
	if s.N != 10 || !s.Noisy {
		t.Errorf("N %d noisy %v, want 10 true", s.N, s.Noisy)
	}
	if !slices.Equal(xs, []float64{7, 3, 10, 1, 5, 9, 2, 8, 4, 6}) {
		t.Error("Describe reordered its input")
	}
}

func TestNoisyThreshold(t *testing.T) {
	quiet := Describe([]float64{1.00, 1.01, 0.99, 1.02, 0.98, 1.00})
	if quiet.Noisy || quiet.CV > 0.02 {
		t.Errorf("CV %.4f noisy %v for a 1%% spread", quiet.CV, quiet.Noisy)
	}
	loud := Describe([]float64{1.0, 1.2, 0.9, 1.1, 1.0, 0.8})
	if !loud.Noisy {
		t.Errorf("CV %.4f not flagged noisy", loud.CV)
	}
	one := Describe([]float64{3})
	if one.CV != 0 || one.Noisy || one.SD != 0 || one.Median != 3 || one.CILevel != 0 {
		t.Errorf("one run: %+v", one)
	}
}

func TestOutliers(t *testing.T) {
	for _, c := range []struct {
		xs   []float64
		want int
	}{
		{[]float64{1, 1, 1}, 0},                          // too few for quartiles
		{[]float64{10, 10.1, 9.9, 10, 10.2, 9.8}, 0},     // tight
		{[]float64{10, 10.1, 9.9, 10, 10.2, 9.8, 14}, 1}, // one slow run
		// Q1 = 10, Q3 = 11, IQR 1: fences 8.5 and 12.5; 12.4 is inside, 7 and 13 outside.
		{[]float64{10, 10, 10, 11, 11, 11, 12.4, 7, 13, 10.5}, 2},
	} {
		if got := Outliers(c.xs); got != c.want {
			t.Errorf("Outliers(%v) = %d, want %d", c.xs, got, c.want)
		}
	}
}

func TestCIHalfWidth(t *testing.T) {
	if _, ok := Describe([]float64{1, 2, 3}).CIHalfWidth(); ok {
		t.Error("a half-width from 3 runs, which have no 95% interval")
	}
	// 1..10: median 5.5, interval [2, 9]: 3.5 either side.
	rel, ok := Describe([]float64{7, 3, 10, 1, 5, 9, 2, 8, 4, 6}).CIHalfWidth()
	if !ok || !near(rel, 3.5/5.5) {
		t.Errorf("half-width %v %v, want %v", rel, ok, 3.5/5.5)
	}
	// Lopsided: the wider side counts.
	rel, _ = Describe([]float64{100, 100, 100, 100, 100, 100, 100, 100, 101, 110}).CIHalfWidth()
	if !near(rel, 0.01) {
		t.Errorf("half-width %v, want 0.01 (median 100, interval [100, 101])", rel)
	}
}

func TestMedianCI(t *testing.T) {
	seq := func(n int) []float64 {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = float64(i + 1)
		}
		return xs
	}
	for _, c := range []struct {
		n             int
		lo, hi, level float64
	}{
		{1, 0, 0, 0},
		{5, 0, 0, 0}, // 1 - 2/32 = 0.9375 < 0.95: no interval
		{6, 1, 6, 1 - 2.0/64},
		{10, 2, 9, 1 - 2*11.0/1024},
		{20, 6, 15, 1 - 2*21700.0/1048576}, // the textbook x(6)..x(15)
	} {
		t.Run(fmt.Sprintf("n=%d", c.n), func(t *testing.T) {
			lo, hi, level := medianCI(seq(c.n), 0.95)
			if lo != c.lo || hi != c.hi || !near(level, c.level) {
				t.Errorf("got [%v, %v] at %v, want [%v, %v] at %v", lo, hi, level, c.lo, c.hi, c.level)
			}
		})
	}
	// Large samples must not underflow: the interval stays near the middle
	// and its confidence just above 95%.
	lo, hi, level := medianCI(seq(2000), 0.95)
	if level < 0.95 || level > 0.96 || lo < 950 || hi > 1051 || hi-lo < 60 {
		t.Errorf("n=2000: [%v, %v] at %v", lo, hi, level)
	}
}

func TestSpeedupAndEfficiency(t *testing.T) {
	if got := Speedup(2.0, 0.5); got != 4 {
		t.Errorf("Speedup(2, 0.5) = %v, want 4", got)
	}
	if got := Efficiency(4, 8); got != 0.5 {
		t.Errorf("Efficiency(4, 8) = %v, want 0.5", got)
	}
	if Speedup(1, 0) != 0 || Efficiency(1, 0) != 0 {
		t.Error("zero time or workers must not divide by zero")
	}
}

func TestMedianIndex(t *testing.T) {
	for _, c := range []struct {
		xs   []float64
		want int
	}{
		{[]float64{5}, 0},
		{[]float64{3, 1, 2}, 2},
		{[]float64{4, 1, 3, 2}, 3}, // the lower middle: 2
	} {
		t.Run(fmt.Sprint(c.xs), func(t *testing.T) {
			if got := MedianIndex(c.xs); got != c.want {
				t.Errorf("MedianIndex(%v) = %d, want %d", c.xs, got, c.want)
			}
		})
	}
}

func TestSpeedupCI(t *testing.T) {
	// Serial in [9, 11] and the parallel run in [4, 5]: the speedup is at
	// least 9/5 and at most 11/4, and the point estimate 10/4.5 is inside.
	lo, hi := SpeedupCI(9, 11, 4, 5)
	if lo != 9.0/5 || hi != 11.0/4 || lo > 10/4.5 || hi < 10/4.5 {
		t.Errorf("SpeedupCI = [%v, %v]", lo, hi)
	}
	if lo, hi := SpeedupCI(9, 11, 0, 5); lo != 0 || hi != 0 {
		t.Errorf("a zero time gives [%v, %v], want none", lo, hi)
	}
}
