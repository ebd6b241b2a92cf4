package report

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/mandel-project/mandel/bench"
	"github.com/mandel-project/mandel/bench/stats"
	"github.com/mandel-project/mandel/strategies"
)

// synthetic returns the summary of a configuration whose runs took ms
// milliseconds each.
func synthetic(scene string, st strategies.Strategy, workers, grain int, ms ...float64) bench.Summary {
	c := &bench.Configuration{Scene: &bench.SceneResult{Scene: bench.Scene{Name: scene}}, Strategy: st, Workers: workers, Grain: grain}
	for i, m := range ms {
		c.Samples = append(c.Samples, bench.Sample{Round: i, Wall: time.Duration(m * 1e6)})
	}
	d := stats.Describe(bench.Walls(c.Samples))
	s := bench.Summary{Scene: scene, Strategy: st.Name(), Workers: workers, Grain: grain, UsesGrain: st.UsesGrain(),
		Runs: d.N, MedianS: d.Median, Measured: c}
	if d.CILevel > 0 {
		s.CILowS, s.CIHighS = &d.CILow, &d.CIHigh
	}
	return s
}

// spread returns n values 1% apart with median m, in a shuffled order (n
// must be prime to 7).
func spread(m float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = m * (1 + 0.01*(float64((i*7)%n)-float64(n-1)/2))
	}
	return out
}

func TestRankingsAndSignificance(t *testing.T) {
	st := func(name string) strategies.Strategy { s, _ := strategies.Lookup(name); return s }
	sums := []bench.Summary{
		synthetic("tophalf", strategies.Serial, 1, 1, spread(20, 10)...),
		synthetic("tophalf", st("bands"), 2, 1, spread(19.4, 10)...),
		synthetic("tophalf", st("steal"), 2, 1, spread(10, 10)...),
		// atomic's runs are steal's exactly: no test may call them different.
		synthetic("tophalf", st("atomic"), 2, 1, spread(10, 10)...),
	}
	rks := Rankings(sums, false)
	if len(rks) != 2 || rks[0].Workers != 1 || rks[1].Workers != 2 {
		t.Fatalf("rankings %+v", rks)
	}
	rk := rks[1]
	var order []string
	for _, e := range rk.Entries {
		order = append(order, e.Label)
	}
	// steal and atomic tie on the median; the sort is stable, so steal (first in the input) leads.
	if got := strings.Join(order, ","); got != "steal,atomic,bands" {
		t.Fatalf("order %s", got)
	}
	es := rk.Entries
	if !math.IsNaN(es[0].PPrev) || es[0].Ratio != 1 {
		t.Errorf("the fastest: %+v", es[0])
	}
	if es[1].SigPrev || es[1].PPrev < 0.5 || es[1].Ratio != 1 {
		t.Errorf("identical samples: p=%v significant %v ratio %v", es[1].PPrev, es[1].SigPrev, es[1].Ratio)
	}
	if !es[2].SigPrev || es[2].PPrev >= 0.05 || !es[2].SigBest || math.Abs(es[2].Ratio-1.94) > 1e-6 {
		t.Errorf("a clear difference: p=%v significant %v, ratio %v", es[2].PPrev, es[2].SigPrev, es[2].Ratio)
	}
	h := rk.Headline()
	for _, want := range []string{"tophalf 2w: steal fastest (10 ms)", "1.00x ahead of atomic (p=", "not significant", "1.94x ahead of bands, the slowest (p<0.001)"} {
		if !strings.Contains(h, want) {
			t.Errorf("headline %q lacks %q", h, want)
		}
	}

	var csvOut, md bytes.Buffer
	if err := writeRankingsCSV(&csvOut, rks); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(csvOut.String()), "\n")
	if len(lines) != 1+1+3 || !strings.HasPrefix(lines[4], "tophalf,2,3,bands,,10,") || !strings.Contains(lines[4], ",true,") {
		t.Errorf("rankings.csv:\n%s", csvOut.String())
	}
	if err := writeRankingsMarkdown(&md, rks); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "## tophalf, 2 workers") || !strings.Contains(md.String(), "| 3 | bands | 19.4 ms |") {
		t.Errorf("rankings.md:\n%s", md.String())
	}
}

func TestCompareFewRuns(t *testing.T) {
	// Three runs a side cannot reach p < 0.05 however far apart (the least
	// p of the U test is 0.1): the comparison must say so, not invent it.
	p, sig := Compare([]float64{1, 1.01, 1.02}, []float64{5, 5.1, 5.2})
	if sig || p < 0.05 {
		t.Errorf("3 vs 3 runs: p=%v significant %v", p, sig)
	}
	p, sig = Compare(spread(1, 8), spread(1.1, 8))
	if !sig || p >= 0.01 {
		t.Errorf("10%% apart, 8 runs a side: p=%v significant %v", p, sig)
	}
}

func TestFormatP(t *testing.T) {
	for p, want := range map[float64]string{0.0004: "p<0.001", 0.0312: "p=0.031", math.NaN(): "-"} {
		if got := FormatP(p); got != want {
			t.Errorf("FormatP(%v) = %q, want %q", p, got, want)
		}
	}
}
