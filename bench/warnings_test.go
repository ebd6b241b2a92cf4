package bench

import (
	"strings"
	"testing"
	"time"
)

func TestRunWarnings(t *testing.T) {
	sum := func(scene, strategy string, workers, grain int, median float64, runs, outliers int, half *float64) Summary {
		return Summary{Scene: scene, Strategy: strategy, Workers: workers, Grain: grain, UsesGrain: strategy == "steal",
			MedianS: median, Runs: runs, Outliers: outliers, CIHalfWidth: half}
	}
	sums := []Summary{
		sum("full", "serial", 1, 1, 0.3, 10, 0, ptr(0.01)),
		sum("full", "steal", 2, 4, 0.004, 12, 1, ptr(0.05)),
		sum("tophalf", "bands", 2, 1, 0.0021, 25, 3, ptr(0.02)),
		sum("tophalf", "steal", 2, 16, 0.15, 4, 0, nil),
	}

	short := shortWarning(sums, 10*time.Millisecond, true)
	for _, want := range []string{"2 of 4 configurations", "shorter than 10 ms",
		"tophalf/bands/2 (2.1 ms), full/steal g=4/2 (4 ms)"} { // shortest first
		if !strings.Contains(short, want) {
			t.Errorf("short-run warning lacks %q:\n%s", want, short)
		}
	}
	out := outlierWarning(sums, true)
	for _, want := range []string{"4 runs in 2 of 4 configurations", "Tukey", "1.5 IQR",
		"tophalf/bands/2 (3 of 25), full/steal g=4/2 (1 of 12)"} { // the larger share first
		if !strings.Contains(out, want) {
			t.Errorf("outlier warning lacks %q:\n%s", want, out)
		}
	}
	ci := ciWarning(sums, 0.03, 8*time.Second, false, true)
	for _, want := range []string{"2 of 4 configurations", "wider than ±3%", "time cap of 8 s",
		"tophalf/steal g=16/2 (n/a, 4 runs), full/steal g=4/2 (±5.0%, 12 runs)"} {
		if !strings.Contains(ci, want) {
			t.Errorf("CI warning lacks %q:\n%s", want, ci)
		}
	}
	if ci := ciWarning(sums, 0.03, 0, false, false); !strings.Contains(ci, "--max-time 0") || !strings.Contains(ci, "full/steal/2") {
		t.Errorf("CI warning without extra runs or grains:\n%s", ci)
	}
	if ci := ciWarning(sums, 0.03, 8*time.Second, true, false); !strings.Contains(ci, "when the sweep stopped early") || strings.Contains(ci, "cap") {
		t.Errorf("CI warning of a partial sweep:\n%s", ci)
	}

	// One run, one configuration: singular throughout.
	one := []Summary{sum("full", "steal", 2, 4, 0.004, 12, 1, ptr(0.05)), sum("full", "bands", 2, 1, 0.004, 1, 0, nil)}
	if out := outlierWarning(one, true); !strings.HasPrefix(out, "1 run in 1 of 2 configurations is an outlier by Tukey's rule") {
		t.Errorf("one outlier: %q", out)
	}
	if ci := ciWarning(one, 0.03, 8*time.Second, false, true); !strings.Contains(ci, "full/bands/2 (n/a, 1 run)") {
		t.Errorf("a CI of one run: %q", ci)
	}

	quiet := sums[:1]
	if w := shortWarning(quiet, 10*time.Millisecond, true) + outlierWarning(quiet, true) + ciWarning(quiet, 0.03, time.Second, false, true); w != "" {
		t.Errorf("a clean configuration drew warnings: %q", w)
	}
	var many []Summary
	for range 7 {
		many = append(many, sum("full", "rows", 2, 1, 0.001, 10, 0, ptr(0.01)))
	}
	if w := shortWarning(many, 10*time.Millisecond, false); !strings.HasSuffix(strings.Split(w, "; ")[0], "and 2 more") {
		t.Errorf("seven short configurations: %q, want five named and 2 more", w)
	}
}

// The outlier warning says the CIs resist the outliers only when no
// interval ends at an extreme run: with 6 to 8 runs the interval is
// [fastest, slowest], the outlier one of its ends.
func TestOutlierWarningCIs(t *testing.T) {
	sum := func(runs int, lo, hi float64) Summary {
		return Summary{Scene: "tophalf", Strategy: "steal", Workers: 2, Grain: 1, UsesGrain: true,
			MedianS: 0.011, MinS: 0.0108, MaxS: 0.0173, Runs: runs, Outliers: 1, CILowS: &lo, CIHighS: &hi}
	}
	// 7 runs: x(1) and x(7), the slowest an outlier.
	if w := outlierWarning([]Summary{sum(7, 0.0108, 0.0173)}, false); strings.Contains(w, "their CIs resist them") || !strings.Contains(w, "nor do the CIs of 1 of these configurations") {
		t.Errorf("outlier warning of a CI that ends at the outlier:\n%s", w)
	}
	// 20 runs: the interval lies inside the extremes.
	if w := outlierWarning([]Summary{sum(20, 0.0109, 0.0115)}, false); !strings.Contains(w, "the medians and their CIs resist them") {
		t.Errorf("outlier warning of CIs inside the extremes:\n%s", w)
	}
}
