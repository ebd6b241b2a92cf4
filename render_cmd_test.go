package main

import (
	"regexp"
	"strconv"
	"testing"
)

// TestVerboseTimeSplit checks that --verbose says where the wall time went:
// iterating, colouring and encoding, in seconds and in shares that add up.
func TestVerboseTimeSplit(t *testing.T) {
	line := regexp.MustCompile(`(?m)^time: render ([0-9.]+)s \(([0-9]+)%\), paint ([0-9.]+)s \(([0-9]+)%\), encode ([0-9.]+)s \(([0-9]+)%\)$`)
	for _, out := range []string{"DIR/o.png", "DIR/o.pbm", "DIR/o.jpg"} {
		t.Run(out, func(t *testing.T) {
			dir := t.TempDir()
			code, _, stderr := mandel(t, dir, "--size", "300x200", "-w", "2", "-v", out)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			m := line.FindStringSubmatch(stderr)
			if m == nil {
				t.Fatalf("--verbose has no line time: render Xs (P%%), paint Ys (Q%%), encode Zs (R%%):\n%s", stderr)
			}
			var secs float64
			pct := 0
			for i := 1; i < len(m); i += 2 {
				s, err := strconv.ParseFloat(m[i], 64)
				if err != nil {
					t.Fatal(err)
				}
				p, _ := strconv.Atoi(m[i+1])
				secs, pct = secs+s, pct+p
			}
			if secs <= 0 {
				t.Errorf("the three steps took no time in all: %q", m[0])
			}
			if pct < 98 || pct > 102 {
				t.Errorf("the shares add up to %d%%, want 100%% give or take rounding: %q", pct, m[0])
			}
		})
	}
}
